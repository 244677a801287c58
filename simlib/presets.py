"""Named scenarios shared by notebooks, tests and figures.

``PRESETS`` maps a name to its :class:`~simlib.Scenario`; ``PRESET_INFO`` gives each
one a description for learners and a citation. Each preset changes only what its
name says; the classification a preset produces is emergent and asserted in
``tests/science/test_presets.py``. :func:`preset_table` shows them all as a table (HTML in a
notebook, wrapped plain text elsewhere).
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from types import MappingProxyType

from simlib.parameters import SCENARIO_PARAMS
from simlib.scenario import Scenario

__all__ = ["PRESETS", "PRESET_INFO", "PresetInfo", "PresetTable", "preset_changes", "preset_table"]


@dataclass(frozen=True)
class PresetInfo:
    """Description and source of a preset."""

    description: str
    citation: str


_HEALTHY = Scenario()

_DEFINITIONS: dict[str, tuple[dict[str, float | str | None], str, str]] = {
    "healthy": ({}, "Healthy adult at 37 °C, a 1 s voluntary contraction at 20 Hz.",
                "Plasma reference intervals (Harrison's); Bellemare et al. 1983, J Neurophysiol 50:1380"),
    "hypocalcaemia": ({"ca_mM": 0.75}, "Ionised Ca²⁺ 0.75 mM: motor axons become hyperexcitable and fire by "
                      "themselves (tetany), even though the muscle's own contraction does not need outside Ca²⁺.",
                      "Cooper & Gittoes 2008, BMJ 336:1298; Frankenhaeuser & Hodgkin 1957, J Physiol 137:218"),
    "hypercalcaemia": ({"ca_mM": 2.0}, "Ionised Ca²⁺ 2.0 mM (severe): nerve and muscle membranes are less "
                       "excitable; transmitter release rises.",
                       "Frankenhaeuser & Hodgkin 1957; Dodge & Rahamimoff 1967, J Physiol 193:419"),
    "hypomagnesaemia": ({"mg_mM": 0.2, "ca_mM": 0.9}, "Ionised Mg²⁺ 0.2 mM with the mild hypocalcaemia that "
                        "usually accompanies it (Mg²⁺ is needed for PTH secretion): tetany.",
                        "Harrison's Manual of Medicine, 'Hypomagnesemia'; StatPearls 'Hypomagnesemia'"),
    "hypermagnesaemia": ({"mg_mM": 4.0}, "Ionised Mg²⁺ 4 mM (e.g. magnesium-sulphate overdose): Mg²⁺ competes "
                         "with Ca²⁺ for transmitter release, so neuromuscular transmission fails: weakness.",
                         "del Castillo & Engbaek 1954, J Physiol 124:370; Dodge & Rahamimoff 1967"),
    "hypokalaemia": ({"k_mM": 2.5}, "Plasma K⁺ 2.5 mM: the fibre hyperpolarises (GHK). The paradoxical "
                     "depolarisation and paralysis seen below ~1.5 mM are not modelled.",
                     "Hodgkin & Horowicz 1959, J Physiol 148:127; Jurkat-Rott et al. 2009, PNAS 106:4036"),
    "hyperkalaemia": ({"k_mM": 10.0}, "Plasma K⁺ 10 mM: the fibre depolarises by ≈19 mV (GHK), most Na⁺ channels "
                      "inactivate and muscle action potentials fail: flaccid weakness.",
                      "Hodgkin & Horowicz 1959; Durelli et al. 1982, J Neurol Sci 55:249"),
    "hyponatraemia": ({"na_mM": 120.0}, "Plasma Na⁺ 120 mM: the action-potential overshoot is smaller but "
                      "transmission and contraction still work; the dangerous effects of hyponatraemia are in "
                      "the brain.", "Hille 2001, Ion Channels of Excitable Membranes, ch. 1"),
    "atp_depletion": ({"atp_mM": 0.0}, "No ATP inside the fibre: SERCA cannot pump Ca²⁺ back and myosin "
                      "cannot detach from actin, so force stays after the nerve falls silent: rigor "
                      "(electrically silent contracture), not relaxation.",
                      "Lymn & Taylor 1971, Biochemistry 10:4617; Allen, Lamb & Westerblad 2008, Physiol Rev 88:287"),
    "mcardle": ({"glycogenolysis": 0.0}, "McArdle disease (glycogen storage disease V): no muscle glycogen "
                "phosphorylase, so glycolysis cannot make ATP from glycogen. A brief contraction is normal; intense "
                "exercise with the circulation occluded (the forearm ischaemic test) uses up phosphocreatine and "
                "ATP and the muscle stays contracted without action potentials: an electrically silent "
                "contracture (try blood flow 0 and a long stimulated train).",
                "Lewis & Haller 1986, J Appl Physiol 61:391; DiMauro & Lamperti 2001, Muscle Nerve 24:984"),
    "organophosphate": ({"ache_activity": 0.1}, "90 % acetylcholinesterase inhibition: ACh lingers, the endplate "
                        "potential lasts several times longer and one nerve impulse fires the muscle more than "
                        "once. In a faster (50 Hz) train ACh builds up around the endplate, which stays "
                        "depolarised, and transmission fails (depolarising block, weakness).",
                        "Eddleston et al. 2008, Lancet 371:597; Katz & Miledi 1973, J Physiol 231:549; "
                        "Besser et al. 1989, Neurology 39:561"),
    "botulinum": ({"release_block": 0.9}, "Botulinum toxin cleaves SNARE proteins: 90 % of ACh release is "
                  "blocked and the muscle is paralysed (flaccid).",
                  "Rossetto, Pirazzini & Montecucco 2014, Nat Rev Microbiol 12:535"),
    "lambert_eaton": ({"vgcc_block": 0.4}, "Lambert-Eaton myasthenic syndrome: antibodies remove 40 % of the "
                      "nerve terminal's P/Q-type Ca²⁺ channels, so each impulse releases about a fifth of the normal "
                      "quanta and the fibre is not fired at rest or at 20 Hz (weakness); at 50 Hz facilitation "
                      "builds up and transmission returns (increment).",
                      "Lambert & Elmqvist 1971, Ann N Y Acad Sci 183:183; Oh et al. 2005, Muscle Nerve 32:515; "
                      "Titulaer, Lang & Verschuuren 2011, Lancet Neurol 10:1098"),
    "myasthenia_gravis": ({"achr_loss": 0.78}, "Myasthenia gravis: antibodies leave about a fifth of the endplate's "
                          "ACh receptors, so the endplate potential barely reaches threshold; the normal run-down "
                          "of release during a 3 Hz train drops it below (decrement) and a sustained contraction "
                          "fails (fatigable weakness).",
                          "Fambrough, Drachman & Satyamurti 1973, Science 182:293; Elmqvist et al. 1964, J Physiol "
                          "174:417; Gilhus 2016, N Engl J Med 375:2570"),
    "curare": ({"receptor_block": 0.9}, "A curare-like drug blocks 90 % of ACh receptors, more than the safety "
               "factor can absorb (~76 %): transmission fails.", "Paton & Waud 1967, J Physiol 191:59"),
    "dantrolene": ({"ryr_block": 0.8}, "Dantrolene blocks 80 % of SR Ca²⁺ release through RyR1: the muscle "
                   "still fires action potentials but develops much less force.",
                   "Krause et al. 2004, Anaesthesia 59:364"),
    "exercise_cramp": ({"fatigue": 1.0, "pic_gain": 1.5, "rate_hz": 30.0, "duration_s": 5.0},
                       "A fatigued calf with high motoneuron excitability (strong persistent inward currents) makes "
                       "a brief strong contraction: spindle (Ia) excitation outweighs weakened Golgi tendon organ "
                       "(Ib) inhibition and the spinal motoneuron keeps firing after the command stops: a cramp.",
                       "Schwellnus 2009, Br J Sports Med 43:401; Minetto et al. 2011, J Physiol 589:5759; "
                       "Heckman et al. 2008, Neuroscientist 14:264"),
    "cramp_stretch": ({"fatigue": 1.0, "pic_gain": 1.5, "rate_hz": 30.0, "duration_s": 5.0, "stretch_at_s": 2.2},
                      "The same cramp, relieved by a passive stretch 1 s after the contraction: Golgi tendon "
                      "organs loaded by the stretch inhibit the motoneuron (after a brief extra burst) and the "
                      "cramp ends.",
                      "Khan & Burne 2007, J Neurophysiol 98:1102; Ross & Thomas 1995, Brain 118:983; "
                      "Miller et al. 2022, J Athl Train 57:5"),
    "baclofen": ({"fatigue": 1.0, "pic_gain": 0.5, "rate_hz": 30.0, "duration_s": 5.0},
                 "The cramp-prone contraction under a baclofen-like drug: GABA-B activation weakens the "
                 "motoneuron's persistent inward current, so firing stops with the command.",
                 "Perrier, Alaburda & Hounsgaard 2002, Brain Res Rev 40:223; Davidoff 1985, Ann Neurol 17:107"),
    "spasticity": ({"reflex_gain": 3.0, "stretch_at_s": 2.0, "stretch_velocity_deg_s": 120.0, "duration_s": 4.0},
                   "Loss of descending inhibition (spinal cord injury, multiple sclerosis) triples the stretch "
                   "reflex: the same passive stretch that ends a cramp now evokes reflex firing and force, more "
                   "for a faster stretch.", "Lance 1980 (spasticity definition); Nielsen et al. 2007, Acta "
                   "Physiol 189:171"),
    "cold": ({"temperature_c": 27.0}, "Muscle cooled to 27 °C: every rate slows (Q10 2-3), so twitches are "
             "slower to rise and to relax.", "Bennett 1984, Am J Physiol 247:R217"),
    "warm": ({"temperature_c": 39.0}, "Muscle warmed to 39 °C (working muscle in the heat): faster twitches that "
             "fuse less at the same rate.",
             "Bennett 1984, Am J Physiol 247:R217"),
}

PRESETS: MappingProxyType[str, Scenario] = MappingProxyType(
    {name: _HEALTHY.replace(**changes) for name, (changes, _, _) in _DEFINITIONS.items()}
)
PRESET_INFO: MappingProxyType[str, PresetInfo] = MappingProxyType(
    {name: PresetInfo(description, citation) for name, (_, description, citation) in _DEFINITIONS.items()}
)


def _value_text(value: float | str | None, unit: str) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    return f"{value:g} {unit}".strip()


def preset_changes(name: str) -> list[str]:
    """Say in words what a preset changes from the healthy defaults.

    Parameters
    ----------
    name : str
        A key of :data:`PRESETS`.

    Returns
    -------
    list of str
        One entry per changed field, e.g. ``"Extracellular Ca²⁺ 0.75 mM (healthy 1.2 mM)"``; empty for
        ``"healthy"``.
    """
    scenario = PRESETS[name]
    return [f"{p.label or p.name} {_value_text(getattr(scenario, p.name), p.unit)} "
            f"(healthy {_value_text(p.default, p.unit)})"
            for p in SCENARIO_PARAMS if getattr(scenario, p.name) != getattr(_HEALTHY, p.name)]


class PresetTable:
    """Every preset with what it shows, what it changes and its source, for display.

    In a notebook it is shown as an HTML table (``_repr_html_``); ``repr`` gives plain text wrapped
    at word boundaries. Make one with :func:`preset_table`.

    Attributes
    ----------
    rows : tuple of (str, str, tuple of str, str)
        ``(name, what it shows, what it changes, source)`` per preset, in :data:`PRESETS` order.
    """

    def __init__(self, names: tuple[str, ...] | None = None) -> None:
        chosen = tuple(PRESETS) if names is None else names
        unknown = [n for n in chosen if n not in PRESETS]
        if unknown:
            raise KeyError(f"not presets: {unknown}; presets are {', '.join(PRESETS)}")
        self.rows = tuple((n, PRESET_INFO[n].description, tuple(preset_changes(n)), PRESET_INFO[n].citation)
                          for n in chosen)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = ("<thead><tr><th scope=\"col\">Preset</th><th scope=\"col\">What it shows</th>"
                "<th scope=\"col\">What it changes</th><th scope=\"col\">Source</th></tr></thead>")
        body = "".join(
            f"<tr><th scope=\"row\" style=\"text-align:left;vertical-align:top\"><code>{esc(name)}</code></th>"
            f"<td style=\"text-align:left;vertical-align:top\">{esc(shows)}</td>"
            f"<td style=\"text-align:left;vertical-align:top\">"
            f"{'<br>'.join(esc(c) for c in changes) or 'nothing: the healthy defaults'}</td>"
            f"<td style=\"text-align:left;vertical-align:top;font-size:smaller\">{esc(source)}</td></tr>"
            for name, shows, changes, source in self.rows)
        return (f"<table class=\"msl-preset-table\"><caption style=\"text-align:left\">The presets in "
                f"<code>simlib.PRESETS</code></caption>{head}<tbody>{body}</tbody></table>")

    def __repr__(self) -> str:
        lines = []
        for name, shows, changes, source in self.rows:
            lines.append(name)
            lines += textwrap.wrap(shows, 88, initial_indent="    ", subsequent_indent="    ")
            lines += textwrap.wrap("Changes: " + ("; ".join(changes) or "nothing: the healthy defaults"), 88,
                                   initial_indent="    ", subsequent_indent="      ")
            lines += textwrap.wrap("Source: " + source, 88, initial_indent="    ", subsequent_indent="      ")
            lines.append("")
        return "\n".join(lines).rstrip("\n")


def preset_table(names: tuple[str, ...] | None = None) -> PresetTable:
    """Return a table of the presets: name, what it shows, what it changes, source.

    Parameters
    ----------
    names : tuple of str, optional
        The presets to show (default: all of :data:`PRESETS`, in order).

    Returns
    -------
    PresetTable
        Displayed as an HTML table in a notebook, as wrapped plain text by ``print``/``repr``.

    Examples
    --------
    >>> print(repr(preset_table(("hypocalcaemia",))).splitlines()[0])
    hypocalcaemia
    """
    return PresetTable(names)
