"""The learner-facing :class:`Scenario`: what is set before a simulation.

A Scenario is a frozen, validated record of the settings listed in
:data:`simlib.parameters.SCENARIO_PARAMS` (drive, rate, electrolytes, temperature,
ATP, drugs, stretch). Variants are made by :meth:`Scenario.replace`, which validates
again; a Scenario never holds an invalid value.

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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simlib.errors import ParameterError
from simlib.parameters import SCENARIO_PARAMS, Param, scenario_param
from simlib.validation import check_value, unknown_name_message

__all__ = ["Scenario"]

#: Unknown names listed in one error message; the rest are only counted (a file of 200,000 unknown
#: keys once produced a 56 MB message).
_NAMES_SHOWN = 5


def _default(name: str) -> Any:
    """Default value of a Scenario field, read from its metadata."""
    return scenario_param(name).default


def _fmt(value: object, unit: str = "") -> str:
    """Compact human-readable value with unit (``0.75 mM``, ``'stimulation'``, ``None``)."""
    if isinstance(value, float):
        text = f"{value:g}"
        return f"{text} {unit}" if unit else text
    return repr(value)


@dataclass(frozen=True, repr=False)
class Scenario:
    """Settings of one simulation: drive, electrolytes, temperature, energy, drugs and stretch.

    All fields are keyword arguments with healthy-adult defaults; every value is validated
    against its metadata in :data:`simlib.parameters.SCENARIO_PARAMS` (numbers are stored as
    ``float``). Instances are immutable and hashable; make variants with :meth:`replace`.

    Parameters
    ----------
    drive : {'voluntary', 'stimulation'}
        ``'voluntary'``: descending command to the spinal motoneuron, reflexes active;
        ``'stimulation'``: the motor nerve is stimulated electrically at `rate_hz`.
    rate_hz : float
        Commanded impulse rate while the drive is on, Hz (0-150).
    drive_start_s : float
        Time at which the drive starts, s (0-60; must be earlier than `duration_s`).
    drive_s : float
        How long the drive lasts, s (0-30). The drive may outlast the run.
    duration_s : float
        Total simulated time, s (0.01-60).
    ca_mM : float
        Extracellular ionised Ca²⁺, mM (0.3-4.0).
    mg_mM : float
        Extracellular ionised Mg²⁺, mM (0.1-5.0).
    k_mM : float
        Extracellular K⁺, mM (1.5-10.0).
    na_mM : float
        Extracellular Na⁺, mM (110-170).
    temperature_c : float
        Muscle and nerve temperature, °C (20-42).
    atp_mM : float
        Intracellular ATP available to SERCA and cross-bridges, mM (0-10).
    ache_activity : float
        Fraction of normal acetylcholinesterase activity, dimensionless (0-1).
    release_block : float
        Fraction of ACh release blocked (botulinum toxin), dimensionless (0-1).
    receptor_block : float
        Fraction of ACh receptors blocked (curare-like), dimensionless (0-1).
    ryr_block : float
        Fraction of SR Ca²⁺ release blocked (dantrolene), dimensionless (0-1).
    pic_gain : float
        Motoneuron persistent-inward-current strength relative to normal, dimensionless (0-3).
    fatigue : float
        Local muscle fatigue, dimensionless (0-1).
    stretch_at_s : float or None
        Time of a passive stretch of the muscle, s (0-60), or ``None`` for no stretch.
    stretch_velocity_deg_s : float
        Angular velocity of that stretch, °/s (5-300); the joint turns by 30°.
    reflex_gain : float
        Gain of the spindle stretch reflex relative to normal, dimensionless (0-3).

    Raises
    ------
    ParameterError
        If any value is outside its range, of the wrong type (``bool`` and strings are rejected for
        numbers), NaN or infinite, not one of the allowed words, or if `drive_start_s` is not earlier
        than `duration_s`.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Scenario:
        """Refuse unknown keyword names with the standard message, before ``__init__`` sees them.

        The generated ``__init__`` would raise a bare ``TypeError`` for ``Scenario(rate=10)``; this
        also covers :func:`dataclasses.replace`, which calls the class with keyword arguments.
        """
        cls._check_names(kwargs)
        return super().__new__(cls)

    drive: str = _default("drive")
    rate_hz: float = _default("rate_hz")
    drive_start_s: float = _default("drive_start_s")
    drive_s: float = _default("drive_s")
    duration_s: float = _default("duration_s")
    ca_mM: float = _default("ca_mM")
    mg_mM: float = _default("mg_mM")
    k_mM: float = _default("k_mM")
    na_mM: float = _default("na_mM")
    temperature_c: float = _default("temperature_c")
    atp_mM: float = _default("atp_mM")
    ache_activity: float = _default("ache_activity")
    release_block: float = _default("release_block")
    receptor_block: float = _default("receptor_block")
    ryr_block: float = _default("ryr_block")
    pic_gain: float = _default("pic_gain")
    fatigue: float = _default("fatigue")
    stretch_at_s: float | None = _default("stretch_at_s")
    stretch_velocity_deg_s: float = _default("stretch_velocity_deg_s")
    reflex_gain: float = _default("reflex_gain")

    def __post_init__(self) -> None:
        for param in SCENARIO_PARAMS:
            object.__setattr__(self, param.name, check_value(param, getattr(self, param.name)))
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
        return tuple(p.name for p in SCENARIO_PARAMS)

    @classmethod
    def _check_names(cls, names: Mapping[Any, Any], source: str = "") -> None:
        """Refuse unknown field names: at most :data:`_NAMES_SHOWN` are named, the rest counted."""
        valid = cls.field_names()
        unknown = [name for name in names if name not in valid]
        if unknown:
            message = "; ".join(unknown_name_message(name, valid) for name in unknown[:_NAMES_SHOWN])
            if len(unknown) > _NAMES_SHOWN:
                message += f" (and {len(unknown) - _NAMES_SHOWN:,} more unknown names)"
            raise ParameterError(f"{source}: {message}" if source else message)

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


def _field_signature() -> inspect.Signature:
    """``Scenario``'s call signature: the fields, as the generated ``__init__`` takes them (not ``__new__``'s)."""
    init = inspect.signature(Scenario.__init__)
    return init.replace(parameters=list(init.parameters.values())[1:], return_annotation=inspect.Signature.empty)


Scenario.__signature__ = _field_signature()  # type: ignore[attr-defined]
