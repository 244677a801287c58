"""Parameter metadata: one declaration per learner-facing Scenario field.

Each :class:`Param` carries the unit, default, allowed range, a one-line meaning,
a source and a hint shown when a value is rejected. Validation, the parameter
table in ``docs/model.md``, slider ranges and axis labels are all generated from
these declarations, so a parameter is described in exactly one place.

Internal model constants (rate constants, conductances, ...) are declared with
the same :class:`Param` class in :mod:`simlib.constants`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Param", "SCENARIO_PARAMS", "scenario_param"]


@dataclass(frozen=True)
class Param:
    """Metadata of one parameter.

    Attributes
    ----------
    name : str
        Python name; public names carry their unit (``ca_mM``).
    default : float, str or None
        Default value (healthy adult at rest).
    unit : str
        Unit symbol as printed (``"mM"``, ``"Hz"``, ``""`` for dimensionless).
    low, high : float or None
        Inclusive allowed range for numbers; ``None`` means unbounded on that side.
    meaning : str
        One-line meaning, used in error messages and tables.
    source : str
        Citation, or "chosen so that ..." for a calibrated value.
    hint : str
        Suggestion appended to error messages (typical values, common unit slips).
    label : str
        Short label for sliders and axes (without unit).
    choices : tuple of str
        Allowed values for a text parameter; empty for numbers.
    optional : bool
        ``None`` is allowed (e.g. "no stretch").
    step : float
        Suggested slider step.
    """

    name: str
    default: float | str | None
    unit: str
    meaning: str
    source: str
    low: float | None = None
    high: float | None = None
    hint: str = ""
    label: str = ""
    choices: tuple[str, ...] = ()
    optional: bool = False
    step: float = 0.0

    @property
    def is_text(self) -> bool:
        """True for parameters that take one of a fixed set of words."""
        return bool(self.choices)

    def range_text(self) -> str:
        """Human-readable allowed range with unit, e.g. ``between 0.3 and 4.0 mM``."""
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        unit = f" {self.unit}" if self.unit else ""
        if self.low is not None and self.high is not None:
            text = f"between {self.low:g} and {self.high:g}{unit}"
        elif self.low is not None:
            text = f"at least {self.low:g}{unit}"
        elif self.high is not None:
            text = f"at most {self.high:g}{unit}"
        else:
            text = f"a finite number{unit}"
        return text + (" or None" if self.optional else "")

    def axis_label(self) -> str:
        """Axis/slider label with unit, e.g. ``Extracellular Ca²⁺ (mM)``."""
        base = self.label or self.name
        return f"{base} ({self.unit})" if self.unit else base


_ELECTROLYTE_SRC = "typical adult plasma reference interval (Harrison's lab-value appendix; physiology.md §2.2)"

SCENARIO_PARAMS: tuple[Param, ...] = (
    Param(
        "drive", "voluntary", "",
        "how the motor nerve is activated: 'voluntary' (descending command to the spinal "
        "motoneuron) or 'stimulation' (electrical stimulation of the motor nerve)",
        "design choice (DESIGN.md §2)",
        choices=("voluntary", "stimulation"), label="Drive",
        hint="Use 'voluntary' for a normal contraction and 'stimulation' for a nerve-stimulation experiment.",
    ),
    Param(
        "rate_hz", 20.0, "Hz", "commanded impulse rate while the drive is on",
        "human motor units fire about 8-35 Hz in voluntary contractions (Bellemare et al. 1983, "
        "J Neurophysiol 50:1380); stimulation protocols use up to 100+ Hz",
        0.0, 150.0, label="Signal rate", step=1.0,
        hint="Voluntary motor-unit rates are about 8-35 Hz; 0 means no drive.",
    ),
    Param(
        "drive_start_s", 0.2, "s", "time at which the drive starts", "design choice", 0.0, 60.0,
        label="Drive start", step=0.05,
        hint="Leave a little quiet time (0.1-0.5 s) so the resting state is visible.",
    ),
    Param(
        "drive_s", 1.0, "s", "how long the drive lasts", "design choice", 0.0, 30.0,
        label="Drive duration", step=0.1, hint="Typical lessons use 0.5-5 s.",
    ),
    Param(
        "duration_s", 3.0, "s", "total simulated time", "design choice; upper bound keeps memory and run time bounded",
        0.01, 60.0, label="Simulated time", step=0.5,
        hint="Typical runs are 1-10 s; it is the total length, not the drive length.",
    ),
    Param(
        "ca_mM", 1.2, "mM", "extracellular ionised calcium", _ELECTROLYTE_SRC, 0.3, 4.0,
        label="Extracellular Ca²⁺", step=0.05,
        hint="Plasma values are about 1.1-1.3 mM \N{EM DASH} did you enter total calcium in mg/dL?",
    ),
    Param(
        "mg_mM", 0.55, "mM", "extracellular ionised magnesium", _ELECTROLYTE_SRC, 0.1, 5.0,
        label="Extracellular Mg²⁺", step=0.05,
        hint="Ionised plasma Mg²⁺ is about 0.5-0.7 mM \N{EM DASH} did you enter mg/dL or mEq/L?",
    ),
    Param(
        "k_mM", 4.2, "mM", "extracellular potassium", _ELECTROLYTE_SRC, 1.5, 10.0,
        label="Extracellular K⁺", step=0.1,
        hint="Plasma K⁺ is about 3.5-5.0 mM; values above 10 mM are not survivable.",
    ),
    Param(
        "na_mM", 140.0, "mM", "extracellular sodium", _ELECTROLYTE_SRC, 110.0, 170.0,
        label="Extracellular Na⁺", step=1.0,
        hint="Plasma Na⁺ is about 135-145 mM.",
    ),
    Param(
        "temperature_c", 37.0, "°C", "muscle and nerve temperature",
        "core body temperature; rates scale with Q10 (Bennett 1984, Am J Physiol 247:R217; "
        "Hodgkin & Huxley 1952)", 20.0, 42.0, label="Temperature", step=0.5,
        hint="Body temperature is 37 °C \N{EM DASH} did you enter °F?",
    ),
    Param(
        "atp_mM", 5.0, "mM", "intracellular ATP available to SERCA pumps and cross-bridges",
        "myoplasmic ATP is about 5-8 mM (Baylor & Hollingworth 1998, J Gen Physiol 112:297)",
        0.0, 10.0, label="Intracellular ATP", step=0.1,
        hint="Resting muscle has about 5-8 mM ATP; even exhausted muscle keeps most of it.",
    ),
    Param(
        "ache_activity", 1.0, "", "fraction of normal acetylcholinesterase activity "
        "(organophosphates and neostigmine lower it)", "Eddleston et al. 2008, Lancet 371:597",
        0.0, 1.0, label="AChE activity", step=0.01,
        hint="1 is normal, 0 is fully inhibited; use a fraction, not a percentage.",
    ),
    Param(
        "release_block", 0.0, "", "fraction of ACh release blocked (botulinum toxin)",
        "Rossetto et al. 2014, Nat Rev Microbiol 12:535", 0.0, 1.0, label="ACh release block", step=0.01,
        hint="0 is no block, 1 is complete block; use a fraction, not a percentage.",
    ),
    Param(
        "receptor_block", 0.0, "", "fraction of ACh receptors blocked (curare-like drugs)",
        "Paton & Waud 1967, J Physiol 191:59", 0.0, 1.0, label="ACh receptor block", step=0.01,
        hint="0 is no block, 1 is complete block; use a fraction, not a percentage.",
    ),
    Param(
        "ryr_block", 0.0, "", "fraction of SR Ca²⁺ release blocked (dantrolene)",
        "Krause et al. 2004, Anaesthesia 59:364", 0.0, 1.0, label="RyR1 block (dantrolene)", step=0.01,
        hint="0 is no block, 1 is complete block; use a fraction, not a percentage.",
    ),
    Param(
        "pic_gain", 1.0, "", "motoneuron persistent-inward-current strength relative to normal "
        "(monoaminergic tone; baclofen lowers it)",
        "Heckman et al. 2005, Muscle Nerve 31:135; Heckman et al. 2008, Neuroscientist 14:264",
        0.0, 3.0, label="PIC strength", step=0.05,
        hint="1 is normal; 0 removes the persistent inward current.",
    ),
    Param(
        "fatigue", 0.0, "", "local muscle fatigue: more spindle (Ia) excitation, less Golgi-tendon (Ib) inhibition",
        "Schwellnus 2009, Br J Sports Med 43:401; Hutton & Nelson 1986, Med Sci Sports Exerc 18:69",
        0.0, 1.0, label="Muscle fatigue", step=0.01,
        hint="0 is rested, 1 is strongly fatigued; use a fraction, not a percentage.",
    ),
    Param(
        "stretch_at_s", None, "s", "time at which the muscle is passively stretched (None: no stretch)",
        "Khan & Burne 2007, J Neurophysiol 98:1102", 0.0, 60.0, optional=True,
        label="Stretch at", step=0.1,
        hint="Give a time within the run, or None for no stretch.",
    ),
    Param(
        "stretch_velocity_deg_s", 60.0, "°/s", "angular velocity of the passive stretch (the joint turns by 30°)",
        "clinical spasticity tests compare slow and fast passive stretches (Lance 1980 definition: "
        "velocity-dependent); 30° is a typical ankle dorsiflexion range",
        5.0, 300.0, label="Stretch speed", step=5.0,
        hint="Slow clinical stretches are ~10-30 °/s, fast ones 100-300 °/s.",
    ),
    Param(
        "reflex_gain", 1.0, "", "gain of the spindle (Ia) stretch reflex relative to normal; rises when "
        "descending inhibition is lost (spinal cord injury, multiple sclerosis)",
        "Lance 1980 (spasticity as velocity-dependent reflex hyperexcitability); Nielsen et al. 2007, "
        "Acta Physiol 189:171", 0.0, 3.0, label="Stretch-reflex gain", step=0.05,
        hint="1 is normal; 2-3 mimics loss of descending inhibition (spasticity).",
    ),
)

_BY_NAME = {p.name: p for p in SCENARIO_PARAMS}


def scenario_param(name: str) -> Param:
    """Return the metadata of a Scenario field.

    Parameters
    ----------
    name : str
        Field name, e.g. ``"ca_mM"``.

    Raises
    ------
    KeyError
        If there is no such field.
    """
    return _BY_NAME[name]
