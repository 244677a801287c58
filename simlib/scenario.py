"""The learner-facing :class:`Scenario`: what is set before a simulation.

A Scenario is a frozen, validated record of the settings a learner chooses (drive, rate,
electrolytes, temperature, ATP, drugs, stretch). Each field is declared once, in the class body,
with its metadata (unit, allowed range, meaning, source, slider label and step, the hint shown when
a value is rejected); :data:`SCENARIO_PARAMS` is that metadata as :class:`~simlib.validation.Param`
records, read from :func:`dataclasses.fields`, and drives validation, the parameter table of
``docs/model.md``, the scenario-file template, slider ranges and axis labels. Variants are made by
:meth:`Scenario.replace`, which validates again; a Scenario never holds an invalid value.

Examples
--------
>>> sc = Scenario()
>>> sc
Scenario()
>>> low_ca = sc.replace(ca_mM=0.75, rate_hz=0)
>>> low_ca
Scenario(rate_hz=0.0, ca_mM=0.75)
>>> low_ca.replace(rate=10)
Traceback (most recent call last):
...
simlib.errors.ParameterError: 'rate' is not a Scenario field; did you mean 'rate_hz'?
>>> Scenario(rate=10)
Traceback (most recent call last):
...
simlib.errors.ParameterError: 'rate' is not a Scenario field; did you mean 'rate_hz'?
"""

from __future__ import annotations

import dataclasses
import inspect
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simlib.errors import ParameterError
from simlib.validation import Param, _safe_repr, check_value, unknown_name_message

__all__ = ["SCENARIO_PARAMS", "WHOLE_NUMBER_FIELDS", "Scenario", "scenario_param"]

#: Unknown names listed in one error message; the rest are only counted (a file of 200,000 unknown
#: keys once produced a 56 MB message).
_NAMES_SHOWN = 5

_ELECTROLYTE_SRC = "typical adult plasma reference interval (Harrison's lab-value appendix; physiology.md §2.2)"
_FRACTION_HINT = "use a fraction, not a percentage."


def _declare(default: float | str | None, unit: str, **metadata: Any) -> Any:
    """Declare a Scenario field: its default and every :class:`~simlib.parameters.Param` attribute but the name.

    Parameters
    ----------
    default : float, str or None
        Healthy-adult default (in ``unit``).
    unit : str
        Unit symbol, ``""`` for a dimensionless number or a word.
    **metadata
        The other :class:`~simlib.parameters.Param` attributes (``meaning``, ``source``, ``low``,
        ``high``, ``hint``, ``label``, ``choices``, ``optional``, ``step``).

    Returns
    -------
    dataclasses.Field
        The field; its ``metadata`` holds ``unit`` and ``metadata`` (read by :data:`SCENARIO_PARAMS`).
    """
    return dataclasses.field(default=default, metadata={"unit": unit, **metadata})


def _fmt(value: object, unit: str = "") -> str:
    """Compact human-readable value with unit (``0.75 mM``, ``'stimulation'``, ``None``)."""
    if isinstance(value, float):
        text = f"{value:g}"
        return f"{text} {unit}" if unit else text
    return repr(value)


#: fields stored as whole numbers (ints): the noise seed and the pool's motor-unit count
WHOLE_NUMBER_FIELDS: tuple[str, ...] = ("seed", "motor_units")


@dataclass(frozen=True, repr=False, kw_only=True)
class Scenario:
    """Settings of one simulation: drive, electrolytes, temperature, energy, drugs and stretch.

    Every field is a keyword argument with a healthy-adult default, validated against the metadata
    declared with it (numbers are stored as ``float``). Instances are immutable and hashable; make
    variants with :meth:`replace`. The parameter list below is generated from the declarations.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Scenario:
        """Refuse positional values and unknown names with the standard message, before ``__init__``.

        The generated ``__init__`` would raise a bare ``TypeError`` for ``Scenario(rate=10)`` or
        ``Scenario(0.8)``; this also covers :func:`dataclasses.replace`, which calls the class with
        keyword arguments.
        """
        if args:
            cls._refuse_positional(args)
        cls._check_names(kwargs)
        return super().__new__(cls)

    drive: str = _declare(
        "voluntary", "", choices=("voluntary", "stimulation"), label="Drive",
        meaning="how the motor nerve is activated: 'voluntary' (descending command to the spinal motoneuron) "
                "or 'stimulation' (electrical stimulation of the motor nerve)",
        source="design choice (DESIGN.md §2)",
        hint="Use 'voluntary' for a normal contraction and 'stimulation' for a nerve-stimulation experiment.",
    )
    rate_hz: float = _declare(
        20.0, "Hz", low=0.0, high=150.0, label="Signal rate", step=1.0,
        meaning="commanded impulse rate while the drive is on",
        source="human motor units fire about 8-35 Hz in voluntary contractions (Bellemare et al. 1983, "
               "J Neurophysiol 50:1380); stimulation protocols use up to 100+ Hz",
        hint="Voluntary motor-unit rates are about 8-35 Hz; 0 means no drive.",
    )
    drive_start_s: float = _declare(
        0.2, "s", low=0.0, high=60.0, label="Drive start", step=0.05,
        meaning="time at which the drive starts", source="design choice",
        hint="Leave a little quiet time (0.1-0.5 s) so the resting state is visible.",
    )
    drive_s: float = _declare(
        1.0, "s", low=0.0, high=30.0, label="Drive duration", step=0.1,
        meaning="how long the drive lasts", source="design choice", hint="Typical lessons use 0.5-5 s.",
    )
    duration_s: float = _declare(
        3.0, "s", low=0.01, high=60.0, label="Simulated time", step=0.5,
        meaning="total simulated time", source="design choice; upper bound keeps memory and run time bounded",
        hint="Typical runs are 1-10 s; it is the total length, not the drive length.",
    )
    ca_mM: float = _declare(
        1.2, "mM", low=0.3, high=4.0, label="Extracellular Ca²⁺", step=0.05,
        meaning="extracellular ionised calcium", source=_ELECTROLYTE_SRC,
        hint="Plasma values are about 1.1-1.3 mM \N{EM DASH} did you enter total calcium in mg/dL?",
    )
    mg_mM: float = _declare(
        0.55, "mM", low=0.1, high=5.0, label="Extracellular Mg²⁺", step=0.05,
        meaning="extracellular ionised magnesium", source=_ELECTROLYTE_SRC,
        hint="Ionised plasma Mg²⁺ is about 0.5-0.7 mM \N{EM DASH} did you enter mg/dL or mEq/L?",
    )
    k_mM: float = _declare(
        4.2, "mM", low=1.5, high=10.0, label="Extracellular K⁺", step=0.1,
        meaning="extracellular potassium", source=_ELECTROLYTE_SRC,
        hint="Plasma K⁺ is about 3.5-5.0 mM; values above 10 mM are not survivable.",
    )
    na_mM: float = _declare(
        140.0, "mM", low=110.0, high=170.0, label="Extracellular Na⁺", step=1.0,
        meaning="extracellular sodium", source=_ELECTROLYTE_SRC, hint="Plasma Na⁺ is about 135-145 mM.",
    )
    temperature_c: float = _declare(
        37.0, "°C", low=20.0, high=42.0, label="Temperature", step=0.5,
        meaning="muscle and nerve temperature",
        source="core body temperature; rates scale with Q10 (Bennett 1984, Am J Physiol 247:R217; "
               "Hodgkin & Huxley 1952)",
        hint="Body temperature is 37 °C \N{EM DASH} did you enter °F?",
    )
    atp_mM: float = _declare(
        5.0, "mM", low=0.0, high=10.0, label="Intracellular ATP", step=0.1,
        meaning="resting intracellular ATP (the run's initial ATP; it also sets the size of the fibre's "
                "adenine-nucleotide pool, so 0 means no ATP can be made); contraction then uses ATP and "
                "phosphocreatine, glycolysis and respiration resynthesise it",
        source="myoplasmic ATP is about 5-8 mM (Baylor & Hollingworth 1998, J Gen Physiol 112:297)",
        hint="Resting muscle has about 5-8 mM ATP; even exhausted muscle keeps most of it.",
    )
    blood_flow: float = _declare(
        1.0, "", low=0.0, high=1.5, label="Blood flow", step=0.05,
        meaning="muscle perfusion as a fraction of normal (normal includes the usual rise with exercise); "
                "oxidative ATP synthesis is O₂-delivery-limited, so it scales with it; 0 is an occluded limb",
        source="PCr recovery slows with less O₂ delivery and stops under occlusion (Haseler, Hogan & Richardson "
               "1999, J Appl Physiol 86:2013; Quistorff, Johansen & Sahlin 1993, Biochem J 291:681)",
        hint="1 is normal perfusion, 0 is a cuff-occluded limb; " + _FRACTION_HINT,
    )
    glycogenolysis: float = _declare(
        1.0, "", low=0.0, high=1.0, label="Glycogen breakdown", step=0.05,
        meaning="fraction of normal glycogen breakdown (myophosphorylase) feeding glycolytic ATP synthesis; "
                "0 in McArdle disease",
        source="McArdle disease: absent myophosphorylase, no lactate rise with ischaemic exercise (Lewis & "
               "Haller 1986, J Appl Physiol 61:391; DiMauro & Lamperti 2001, Muscle Nerve 24:984)",
        hint="1 is normal, 0 is McArdle disease (no muscle glycogen phosphorylase); " + _FRACTION_HINT,
    )
    ache_activity: float = _declare(
        1.0, "", low=0.0, high=1.0, label="AChE activity", step=0.01,
        meaning="fraction of normal acetylcholinesterase activity (organophosphates and neostigmine lower it)",
        source="Eddleston et al. 2008, Lancet 371:597",
        hint="1 is normal, 0 is fully inhibited; " + _FRACTION_HINT,
    )
    release_block: float = _declare(
        0.0, "", low=0.0, high=1.0, label="ACh release block", step=0.01,
        meaning="fraction of ACh release blocked (botulinum toxin)",
        source="Rossetto et al. 2014, Nat Rev Microbiol 12:535",
        hint="0 is no block, 1 is complete block; " + _FRACTION_HINT,
    )
    receptor_block: float = _declare(
        0.0, "", low=0.0, high=1.0, label="ACh receptor block", step=0.01,
        meaning="fraction of ACh receptors blocked (curare-like drugs)", source="Paton & Waud 1967, J Physiol 191:59",
        hint="0 is no block, 1 is complete block; " + _FRACTION_HINT,
    )
    ryr_block: float = _declare(
        0.0, "", low=0.0, high=1.0, label="RyR1 block (dantrolene)", step=0.01,
        meaning="fraction of SR Ca²⁺ release blocked (dantrolene)", source="Krause et al. 2004, Anaesthesia 59:364",
        hint="0 is no block, 1 is complete block; " + _FRACTION_HINT,
    )
    pic_gain: float = _declare(
        1.0, "", low=0.0, high=3.0, label="PIC strength", step=0.05,
        meaning="motoneuron persistent-inward-current strength relative to normal "
                "(monoaminergic tone; baclofen lowers it)",
        source="Heckman et al. 2005, Muscle Nerve 31:135; Heckman et al. 2008, Neuroscientist 14:264",
        hint="1 is normal; 0 removes the persistent inward current.",
    )
    fatigue: float = _declare(
        0.0, "", low=0.0, high=1.0, label="Muscle fatigue", step=0.01,
        meaning="local muscle fatigue carried into the run: more spindle (Ia) excitation, less Golgi-tendon (Ib) "
                "inhibition (exercise during the run adds to it through metabolite-sensitive group III/IV afferents)",
        source="Schwellnus 2009, Br J Sports Med 43:401; Hutton & Nelson 1986, Med Sci Sports Exerc 18:69",
        hint="0 is rested, 1 is strongly fatigued; " + _FRACTION_HINT,
    )
    stretch_at_s: float | None = _declare(
        None, "s", low=0.0, high=60.0, optional=True, label="Stretch at", step=0.1,
        meaning="time at which the muscle is passively stretched (None: no stretch)",
        source="Khan & Burne 2007, J Neurophysiol 98:1102",
        hint="Give a time within the run, or None for no stretch.",
    )
    stretch_velocity_deg_s: float = _declare(
        60.0, "°/s", low=5.0, high=300.0, label="Stretch speed", step=5.0,
        meaning="angular velocity of the passive stretch (the joint turns by 30°)",
        source="clinical spasticity tests compare slow and fast passive stretches (Lance 1980 definition: "
               "velocity-dependent); 30° is a typical ankle dorsiflexion range",
        hint="Slow clinical stretches are ~10-30 °/s, fast ones 100-300 °/s.",
    )
    reflex_gain: float = _declare(
        1.0, "", low=0.0, high=3.0, label="Stretch-reflex gain", step=0.05,
        meaning="gain of the spindle (Ia) stretch reflex relative to normal; rises when descending "
                "inhibition is lost (spinal cord injury, multiple sclerosis)",
        source="Lance 1980 (spasticity as velocity-dependent reflex hyperexcitability); Nielsen et al. 2007, "
               "Acta Physiol 189:171",
        hint="1 is normal; 2-3 mimics loss of descending inhibition (spasticity).",
    )
    length_rel: float = _declare(
        1.0, "", low=0.5, high=1.7, label="Muscle length (× optimal)", step=0.05,
        meaning="muscle length relative to its optimal length (1 = the plateau of the length-tension curve); "
                "active force follows filament overlap, passive force rises beyond 1",
        source="Gordon, Huxley & Julian 1966, J Physiol 184:170, with human filament lengths (Walker & Schrodt "
               "1974, Anat Rec 178:63; Lieber et al. 1994, J Neurophysiol 71:874): human sarcomeres "
               "generate force from about 0.5 to 1.6 times the optimal length",
        hint="1 is the optimal length; 0.5-1.7 covers the length-tension curve of human sarcomeres.",
    )
    load_rel: float | None = _declare(
        None, "", low=0.02, high=2.0, optional=True, label="Isotonic load (× max. force)", step=0.05,
        meaning="isotonic afterload as a fraction of the maximal isometric force (None: isometric): the "
                "muscle shortens once its force reaches the load",
        source="afterloaded isotonic contraction (Hill 1938, Proc R Soc B 126:136; PhysioEx 9.0 exercise 2, "
               "activity 7)",
        hint="Give a fraction of the maximal force (e.g. 0.3), or None for an isometric muscle; " + _FRACTION_HINT,
    )
    vgcc_block: float = _declare(
        0.0, "", low=0.0, high=0.9, label="Nerve-terminal Ca²⁺ channel loss", step=0.01,
        meaning="fraction of the presynaptic P/Q type Ca²⁺ channels lost or blocked (Lambert–Eaton "
                "antibodies); release falls with the 4th power of the Ca²⁺ entry that remains",
        source="Lambert & Elmqvist 1971, Ann N Y Acad Sci 183:183; Fukunaga et al. 1982, Muscle Nerve 5:686 "
               "(fewer active-zone particles); Titulaer, Lang & Verschuuren 2011, Lancet Neurol 10:1098",
        hint="0 is normal; Lambert–Eaton syndrome removes about a third to a half; " + _FRACTION_HINT,
    )
    achr_loss: float = _declare(
        0.0, "", low=0.0, high=0.95, label="ACh receptors lost", step=0.01,
        meaning="fraction of the endplate ACh receptors lost (myasthenia gravis antibodies); unlike curare "
                "it has no prejunctional effect",
        source="Fambrough, Drachman & Satyamurti 1973, Science 182:293 (α-bungarotoxin binding 11-30 % of "
               "normal); Elmqvist et al. 1964, J Physiol 174:417",
        hint="0 is normal; myasthenic endplates keep about 10-30 % of their receptors; " + _FRACTION_HINT,
    )
    seed: int = _declare(
        0, "", low=0, high=9999, label="Variability seed", step=1.0,
        meaning="seed of the biological variability (the spike-to-spike irregularity of motoneuron and "
                "ectopic axon discharges): a whole number; the same seed gives the same run, another seed "
                "another sample of the same physiology",
        source="motor-unit discharges are irregular (voluntary interspike-interval CV 0.13-0.30, Moritz et al. "
               "2005, J Neurophysiol 93:2449; synaptic noise, Matthews 1996, J Physiol 492:597)",
        hint="Use a whole number from 0 to 9999; change it to see another sample of the variability.",
    )

    motor_units: int = _declare(
        120, "", low=1, high=300, label="Motor units", step=1.0,
        meaning="number of motor units in the muscle: by default a pool of the size of a real muscle, with spread "
                "thresholds, twitch forces and junction safety factors (simlib.pool), driven by nerve stimulation "
                "or by a common descending command (recruitment in size order plus rate coding; "
                "simlib.pool.voluntary); 1 is the single representative unit of the fibre-level lessons",
        source="human muscles have about 100-300 motor units, e.g. ≈120 in first dorsal interosseous "
               "(Feinstein et al. 1955, Acta Anat 23:127); pool after Fuglevand, Winter & Patla 1993, "
               "J Neurophysiol 70:2470",
        hint="Use a whole number from 1 to 300; 120 (the default) is a first dorsal interosseous, 1 a single unit.",
    )
    stimulus_v: float = _declare(
        10.0, "V", low=0.0, high=20.0, label="Stimulus intensity", step=0.1,
        meaning="output of the nerve stimulator; each motor axon of a pool has its own threshold, so force grows "
                "from threshold to maximal stimulus; the default is supramaximal (every axon fires); the "
                "single-unit model (motor_units=1) ignores it",
        source="classic stimulus-intensity lab (PhysioEx Exercise 2 activity 2; threshold ≈1-4 V, maximal "
               "≈5-8 V); thresholds in simlib.pool.population",
        hint="0-20 V; about 2 V is near threshold and 10 V supramaximal.",
    )

    def __post_init__(self) -> None:
        for param in SCENARIO_PARAMS:
            object.__setattr__(self, param.name, check_value(param, getattr(self, param.name)))
        for name in WHOLE_NUMBER_FIELDS:
            value = getattr(self, name)
            if not float(value).is_integer():
                raise ParameterError(f"'{name}' must be a whole number ({scenario_param(name).hint}); got {value!r}")
            object.__setattr__(self, name, int(value))
        if not self.drive_start_s < self.duration_s:
            start, total = scenario_param("drive_start_s"), scenario_param("duration_s")
            raise ParameterError(
                f"'drive_start_s' must be earlier than 'duration_s' ({start.meaning} must fall within the "
                f"{total.meaning}); got drive_start_s={self.drive_start_s!r} s and "
                f"duration_s={self.duration_s!r} s. Start the drive earlier or lengthen duration_s "
                "(the drive itself may outlast the run)."
            )

    # -- derived values -------------------------------------------------------------------------

    @property
    def drive_end_s(self) -> float:
        """Time at which the drive ends, s (``drive_start_s + drive_s``; may exceed `duration_s`)."""
        return self.drive_start_s + self.drive_s

    # -- variants and conversion ----------------------------------------------------------------

    @staticmethod
    def field_names() -> tuple[str, ...]:
        """Names of all Scenario fields, in declaration order."""
        return _FIELD_NAMES

    @classmethod
    def _check_names(cls, names: Mapping[Any, Any], source: str = "") -> None:
        """Refuse unknown field names: at most :data:`_NAMES_SHOWN` are named, the rest counted."""
        valid = _FIELD_NAMES
        unknown = [name for name in names if name not in valid]
        if unknown:
            message = "; ".join(unknown_name_message(name, valid) for name in unknown[:_NAMES_SHOWN])
            if len(unknown) > _NAMES_SHOWN:
                message += f" (and {len(unknown) - _NAMES_SHOWN:,} more unknown names)"
            raise ParameterError(f"{source}: {message}" if source else message)

    @staticmethod
    def _refuse_positional(args: tuple[Any, ...]) -> None:
        """Refuse values given by position, showing them (the fields have no natural order to rely on)."""
        shown = ", ".join(_safe_repr(value) for value in args[:3]) + (", ..." if len(args) > 3 else "")
        raise ParameterError(
            f"Scenario takes its fields by name, e.g. Scenario(rate_hz=20, ca_mM=0.8); got {len(args)} "
            f"value{'s' if len(args) > 1 else ''} by position ({shown}). help(simlib.Scenario) lists the "
            "fields with their units and ranges."
        )

    def replace(self, **changes: Any) -> Scenario:
        """Return a copy with some fields changed, validated again.

        Parameters
        ----------
        **changes
            New values by field name, e.g. ``ca_mM=0.8, rate_hz=0``.

        Returns
        -------
        Scenario
            The new scenario; ``self`` is unchanged.

        Raises
        ------
        ParameterError
            If a name is not a Scenario field (with a "did you mean" suggestion) or a value is invalid.
        """
        self._check_names(changes)
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, float | str | None]:
        """All fields as a plain ``{name: value}`` dict, in declaration order (``None`` kept)."""
        return {name: getattr(self, name) for name in self.field_names()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "") -> Scenario:
        """Build a Scenario from a mapping of field values; missing fields take their defaults.

        Parameters
        ----------
        data : mapping
            ``{field name: value}``; e.g. the output of :meth:`to_dict` or a parsed scenario file.
        source : str, optional
            Where the data came from (a file name); prefixed to error messages as ``"{source}: "``.

        Raises
        ------
        ParameterError
            If ``data`` is not a mapping, has unknown names (with a "did you mean" suggestion) or
            invalid values.
        """
        prefix = f"{source}: " if source else ""
        if not isinstance(data, Mapping):
            raise ParameterError(
                f"{prefix}a scenario must be a table of field names and values; got {type(data).__name__}"
            )
        cls._check_names(data, source)
        try:
            return cls(**data)
        except ParameterError as exc:
            if not source:
                raise
            raise ParameterError(f"{prefix}{exc}") from exc

    # -- display --------------------------------------------------------------------------------

    def _changed(self) -> list[tuple[Param, Any]]:
        """(metadata, value) of the fields that differ from their defaults, in declaration order."""
        return [(p, getattr(self, p.name)) for p in SCENARIO_PARAMS if getattr(self, p.name) != p.default]

    def describe(self) -> str:
        """Multi-line summary of the settings that differ from the healthy defaults, with units.

        Returns
        -------
        str
            ``"Scenario: healthy defaults"`` if nothing was changed, otherwise one line per changed
            field, e.g. ``"  ca_mM = 0.75 mM  (extracellular ionised calcium; default 1.2 mM)"``.
        """
        changed = self._changed()
        if not changed:
            return "Scenario: healthy defaults"
        lines = ["Scenario (differs from healthy defaults in):"]
        for param, value in changed:
            meaning = param.meaning.split(":")[0] if param.is_text else param.meaning
            shown, default = _fmt(value, param.unit), _fmt(param.default, param.unit)
            lines.append(f"  {param.name} = {shown}  ({meaning}; default {default})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        """Compact form showing only non-default fields, e.g. ``Scenario(rate_hz=0.0, ca_mM=0.75)``."""
        parts = ", ".join(f"{param.name}={value!r}" for param, value in self._changed())
        return f"Scenario({parts})"


#: The metadata of every Scenario field, in declaration order, as declared in the class body.
SCENARIO_PARAMS: tuple[Param, ...] = tuple(
    Param(f.name, f.default, **f.metadata) for f in dataclasses.fields(Scenario)
)
_FIELD_NAMES: tuple[str, ...] = tuple(p.name for p in SCENARIO_PARAMS)
_BY_NAME: dict[str, Param] = {p.name: p for p in SCENARIO_PARAMS}


def scenario_param(name: str) -> Param:
    """Return the metadata of a Scenario field.

    Parameters
    ----------
    name : str
        Field name, e.g. ``"ca_mM"``.

    Returns
    -------
    Param
        Its unit, default, range, meaning, source, hint and slider settings.

    Raises
    ------
    KeyError
        If there is no such field.
    """
    return _BY_NAME[name]


def _parameters_section(params: tuple[Param, ...]) -> str:
    """Render the numpydoc ``Parameters`` section of :class:`Scenario` from the field metadata."""
    lines = ["Parameters", "----------"]
    for p in params:
        kind = "{" + ", ".join(repr(c) for c in p.choices) + "}" if p.is_text else "float"
        lines.append(f"{p.name} : {kind}{' or None' if p.optional else ''}")
        default = repr(p.default) if p.is_text or p.default is None else f"{p.default:g}"
        unit = f"\N{NO-BREAK SPACE}{p.unit}" if p.unit and p.default is not None else ""
        allowed = "" if p.is_text else f"; {p.range_text()}"
        text = f"{p.meaning[0].upper()}{p.meaning[1:]}{allowed}; default {default}{unit}."
        lines += ["    " + line.replace("\N{NO-BREAK SPACE}", " ") for line in textwrap.wrap(text, 92)]
    return "\n".join(lines)


Scenario.__doc__ = f"""{inspect.cleandoc(Scenario.__doc__ or "")}

{_parameters_section(SCENARIO_PARAMS)}

Raises
------
ParameterError
    If a value is given by position or under an unknown name (with a "did you mean" suggestion),
    is outside its range, of the wrong type (``bool`` and strings are rejected for numbers), NaN
    or infinite, not one of the allowed words, or if `drive_start_s` is not earlier than
    `duration_s` (the drive itself may outlast the run).
"""


def _field_signature() -> inspect.Signature:
    """``Scenario``'s call signature: the fields, as the generated ``__init__`` takes them (not ``__new__``'s)."""
    init = inspect.signature(Scenario.__init__)
    return init.replace(parameters=list(init.parameters.values())[1:], return_annotation=inspect.Signature.empty)


Scenario.__signature__ = _field_signature()  # type: ignore[attr-defined]
