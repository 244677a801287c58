"""Parameter metadata: the :class:`Param` record (unit, default, range, meaning, source, hint).

Validation, the parameter tables of ``docs/model.md``, slider ranges and axis labels are generated
from :class:`Param` records, so a parameter is described in exactly one place. The learner-facing
Scenario fields are declared with their metadata in the body of :class:`simlib.Scenario`
(:data:`simlib.scenario.SCENARIO_PARAMS`, also importable from here); the internal model constants
(rate constants, conductances, ...) are declared with the same class in :mod:`simlib.constants`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Param"]


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


def __getattr__(name: str) -> object:
    """``SCENARIO_PARAMS`` and ``scenario_param``, declared in :mod:`simlib.scenario` with the Scenario fields."""
    if name in ("SCENARIO_PARAMS", "scenario_param"):
        from simlib import scenario

        return getattr(scenario, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
