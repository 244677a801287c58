"""Named scenarios shared by notebooks, tests and figures.

``PRESETS`` maps a name to its :class:`~simlib.Scenario`; ``PRESET_INFO`` gives each
one a description for learners and a citation. Each preset changes only what its
name says; the classification a preset produces is emergent and asserted in
``tests/science/test_presets.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from simlib.scenario import Scenario

__all__ = ["PRESETS", "PRESET_INFO", "PresetInfo"]


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
    "organophosphate": ({"ache_activity": 0.1}, "90 % acetylcholinesterase inhibition: ACh lingers, the endplate "
                        "potential lasts several times longer and one nerve impulse fires the muscle more than "
                        "once.",
                        "Eddleston et al. 2008, Lancet 371:597; Katz & Miledi 1973, J Physiol 231:549"),
    "botulinum": ({"release_block": 0.9}, "Botulinum toxin cleaves SNARE proteins: 90 % of ACh release is "
                  "blocked and the muscle is paralysed (flaccid).",
                  "Rossetto, Pirazzini & Montecucco 2014, Nat Rev Microbiol 12:535"),
    "curare": ({"receptor_block": 0.9}, "A curare-like drug blocks 90 % of ACh receptors, more than the safety "
               "factor can absorb (~76 %): transmission fails.", "Paton & Waud 1967, J Physiol 191:59"),
    "dantrolene": ({"ryr_block": 0.8}, "Dantrolene blocks 80 % of SR Ca²⁺ release through RyR1: the muscle "
                   "still fires action potentials but develops much less force.",
                   "Krause et al. 2004, Anaesthesia 59:364"),
    "exercise_cramp": ({"fatigue": 1.0, "pic_gain": 1.5, "rate_hz": 30.0, "duration_s": 5.0},
                       "A fatigued calf with high motoneuron excitability (strong persistent inward currents) makes "
                       "a brief strong contraction: spindle (Ia) excitation outweighs weakened tendon-organ (Ib) "
                       "inhibition and the spinal motoneuron keeps firing after the command stops: a cramp.",
                       "Schwellnus 2009, Br J Sports Med 43:401; Minetto et al. 2011, J Physiol 589:5759; "
                       "Heckman et al. 2008, Neuroscientist 14:264"),
    "cramp_stretch": ({"fatigue": 1.0, "pic_gain": 1.5, "rate_hz": 30.0, "duration_s": 5.0, "stretch_at_s": 2.2},
                      "The same cramp, relieved by a passive stretch 1 s after the contraction: tendon organs "
                      "loaded by the stretch inhibit the motoneuron (after a brief extra burst) and the cramp ends.",
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
