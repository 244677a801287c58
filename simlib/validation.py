"""Declared parameters: the :class:`Param` record, validation against it, and simlib's one error-message format.

A :class:`Param` holds a parameter's metadata (unit, default, allowed range, meaning, source, hint,
slider label and step). Every rejected value produces a message of the same shape, generated from
it::

    'ca_mM' must be between 0.3 and 4 mM (extracellular ionised calcium); got 12.0. Plasma values
    are about 1.1-1.3 mM — did you enter total calcium in mg/dL?

i.e. ``'{name}' must be {param.range_text()} ({param.meaning}); got {value}. {param.hint}``, where
``{value}`` is the ``repr`` of a number (``nan`` and ``inf`` included) and ``'abc' (str)`` for a value
of the wrong type. Unknown names are answered with a "did you mean" suggestion.

This module depends only on :mod:`simlib.errors` and the standard library, so that everything that
declares parameters can import it: the Scenario fields (:mod:`simlib.scenario`) and the model
constants of the stages. :mod:`simlib.parameters` gives the public names (``Param``,
``SCENARIO_PARAMS``, ``scenario_param``).
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass

from simlib.errors import ParameterError

__all__ = [
    "MAX_SAMPLES",
    "OUTPUT_DT",
    "Param",
    "check_output_dt",
    "check_value",
    "describe_value",
    "invalid_value_message",
    "suggest_names",
    "unknown_name_message",
]


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


#: Names and words longer than this get no "did you mean" suggestion (difflib's cost grows with the
#: square of the length: a 100 MB value once took 13 s and 3.7 GB).
_SUGGEST_MAX_CHARS = 100

#: Most samples one :func:`simlib.simulate` run may return (``duration_s / output_dt_s + 1``). Every
#: sample holds all 24 model states plus the derived series: measured 225 bytes per sample (a 10 s run
#: at ``output_dt_s=1e-5``, 1,000,001 samples, raised the peak memory of the process by 215 MB; 20 s,
#: by 429 MB). One million intervals (10 s at the finest interval, 1e-5 s) keeps one run under about
#: 0.25 GB, so a learner's kernel stays within the 1 GB per learner that docs/classroom.md recommends;
#: a 60 s run at 1e-5 s (6 million samples, 1.5 GB) is refused. Lessons use 1e-3 to 1e-4 s: at most
#: 600,001 samples for the longest run.
MAX_SAMPLES = 1_000_001
#: Measured memory per returned sample, bytes (see :data:`MAX_SAMPLES`).
_BYTES_PER_SAMPLE = 225

#: Metadata of :func:`simlib.simulate`'s sampling interval (not a Scenario field).
OUTPUT_DT = Param(
    "output_dt_s", 0.001, "s", "output sampling interval", "design choice", 1e-5, 0.01,
    hint="Use 0.001 (1 ms) for lessons and 0.0001 to resolve action potentials.",
)


def _safe_repr(value: object) -> str:
    """``repr`` that never raises (huge ints and odd objects included)."""
    try:
        text = repr(value)
    except Exception:  # a message must always be producible
        text = f"<{type(value).__name__} object>"
    if len(text) > 80:
        text = text[:77] + "..."
    return text


def describe_value(value: object, *, numeric: bool) -> str:
    """Show a received value the way error messages print it.

    Parameters
    ----------
    value : object
        The value that was received.
    numeric : bool
        True if the parameter expects a number, False if it expects a word.

    Returns
    -------
    str
        ``repr`` of a value of the expected kind (a number shown as a Python ``float`` or ``int``,
        so ``numpy.float64(12.0)`` prints as ``12.0``), ``None`` as ``None``, and
        ``'abc' (str)`` -- the value followed by its type name -- for anything else.
    """
    if value is None:
        return "None"
    if numeric and isinstance(value, numbers.Real) and not isinstance(value, bool):
        if isinstance(value, numbers.Integral):
            try:
                return _safe_repr(int(value))
            except Exception:
                return _safe_repr(value)
        try:
            return repr(float(value))
        except (OverflowError, ValueError, TypeError):
            return _safe_repr(value)
    if not numeric and isinstance(value, str):
        return _safe_repr(value)
    return f"{_safe_repr(value)} ({type(value).__name__})"


def invalid_value_message(param: Param, value: object, *, suggestion: str = "") -> str:
    """Build the standard message for a rejected value.

    Parameters
    ----------
    param : Param
        Metadata of the parameter.
    value : object
        The rejected value.
    suggestion : str, optional
        Extra sentence placed before the parameter's hint (e.g. ``"Did you mean 'voluntary'?"``).

    Returns
    -------
    str
        ``'{name}' must be {range} ({meaning}); got {value}. {suggestion} {hint}``.
    """
    got = describe_value(value, numeric=not param.is_text)
    message = f"'{param.name}' must be {param.range_text()} ({param.meaning}); got {got}."
    for extra in (suggestion, param.hint):
        if extra:
            message += " " + extra
    return message


def _closest_choice(word: str, choices: tuple[str, ...]) -> str | None:
    """Closest allowed word to ``word``: same letters in another case, a prefix, or a near spelling."""
    lowered = word.strip().lower()
    if not lowered or len(lowered) > _SUGGEST_MAX_CHARS:
        return None
    for choice in choices:
        if choice.lower() == lowered:
            return choice
    prefixed = [c for c in choices if c.lower().startswith(lowered)]
    if len(prefixed) == 1:
        return prefixed[0]
    close = difflib.get_close_matches(lowered, [c.lower() for c in choices], n=1, cutoff=0.5)
    if close:
        return next(c for c in choices if c.lower() == close[0])
    return None


def _is_short_float(value: object) -> bool:
    """Tell whether ``value`` is a numpy float of lower precision than Python's float (float16, float32)."""
    dtype = getattr(value, "dtype", None)
    return getattr(dtype, "kind", "") == "f" and getattr(dtype, "itemsize", 8) < 8


def check_value(param: Param, value: object) -> float | str | None:
    """Validate one value against its metadata and return it normalised.

    Parameters
    ----------
    param : Param
        Metadata of the parameter (range, choices, optional).
    value : object
        Candidate value.

    Returns
    -------
    float, str or None
        A number as a Python ``float`` (ints and numpy scalars are converted), a text value
        unchanged, or ``None`` for an optional parameter that is not set.

    Notes
    -----
    A float of lower precision than Python's (``numpy.float32``, ``numpy.float16``) is read as the
    shortest decimal that rounds to it, i.e. the value that was typed: ``np.float32(0.001)`` is
    0.001, not its binary value 0.0010000000474974513, and ``np.float32(0.01)`` is 0.01, not
    0.009999999776482582, which lies outside a range that starts at 0.01. Comparing in float64 with a
    tolerance instead would accept values just outside the range and store them; this keeps every
    stored value inside it.

    Raises
    ------
    ParameterError
        If ``value`` is ``None`` for a non-optional parameter; a ``bool``, string or other non-number
        for a numeric parameter; NaN, ±inf or outside ``[param.low, param.high]``; or, for a text
        parameter, not exactly one of ``param.choices`` (the message suggests the closest choice).
    """
    if value is None:
        if param.optional:
            return None
        raise ParameterError(invalid_value_message(param, value))

    if param.is_text:
        if isinstance(value, str) and value in param.choices:
            return param.choices[param.choices.index(value)]  # a plain str, also for np.str_ or a subclass
        suggestion = ""
        if isinstance(value, str):
            closest = _closest_choice(value, param.choices)
            if closest is not None:
                suggestion = f"Did you mean {closest!r}?"
        raise ParameterError(invalid_value_message(param, value, suggestion=suggestion))

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(invalid_value_message(param, value))
    try:
        number = float(str(value)) if _is_short_float(value) else float(value)
    except (OverflowError, ValueError, TypeError):
        raise ParameterError(invalid_value_message(param, value)) from None
    if (
        not math.isfinite(number)
        or (param.low is not None and number < param.low)
        or (param.high is not None and number > param.high)
    ):
        raise ParameterError(invalid_value_message(param, value))
    return number


def suggest_names(name: object, valid: Iterable[str], *, n: int = 3) -> list[str]:
    """Return the valid names that look like ``name``, best first.

    A name that differs only in case is the only suggestion; otherwise close spellings (``difflib``,
    case-insensitive), then names that start with ``name`` followed by ``_`` (``"ca"`` → ``"ca_mM"``).

    Parameters
    ----------
    name : object
        The unknown name (non-strings get no suggestion).
    valid : iterable of str
        The allowed names.
    n : int, optional
        At most this many suggestions.
    """
    if not isinstance(name, str) or len(name) > _SUGGEST_MAX_CHARS:
        return []
    valid = list(valid)
    by_lower = {v.lower(): v for v in valid}
    lowered = name.strip().lower()
    if lowered in by_lower:  # only the case differs: that is the answer
        return [by_lower[lowered]]
    found = [by_lower[m] for m in difflib.get_close_matches(lowered, list(by_lower), n=n, cutoff=0.6)]
    found += [v for v in valid if lowered and v.lower().startswith(lowered + "_")]
    unique = list(dict.fromkeys(found))
    return unique[:n]


def unknown_name_message(name: object, valid: Iterable[str], *, kind: str = "Scenario field") -> str:
    """Message for an unknown parameter name, with a "did you mean" suggestion.

    Parameters
    ----------
    name : object
        The unknown name.
    valid : iterable of str
        The allowed names.
    kind : str, optional
        What the names are, e.g. ``"Scenario field"``.

    Returns
    -------
    str
        ``'rate' is not a Scenario field; did you mean 'rate_hz'?`` or, with no close match,
        ``'xyz' is not a Scenario field; valid names are: drive, rate_hz, ...``.
    """
    valid = list(valid)
    shown = _safe_repr(name) if isinstance(name, str) else describe_value(name, numeric=False)
    matches = suggest_names(name, valid)
    if matches:
        quoted = [repr(m) for m in matches]
        alternatives = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        return f"{shown} is not a {kind}; did you mean {alternatives}?"
    return f"{shown} is not a {kind}; valid names are: {', '.join(valid)}."


def check_output_dt(output_dt_s: object, duration_s: float) -> float:
    """Validate :func:`simlib.simulate`'s sampling interval, and the number of samples it implies.

    Parameters
    ----------
    output_dt_s : float
        Sampling interval of the returned time series, s (1e-5 to 0.01).
    duration_s : float
        The scenario's total simulated time, s.

    Returns
    -------
    float
        ``output_dt_s`` as a Python float (see :func:`check_value` for float32 values).

    Raises
    ------
    ParameterError
        If ``output_dt_s`` is not a number in its range, or the run would return more than
        :data:`MAX_SAMPLES` samples (the message gives the memory it would take and the shortest
        interval allowed for this duration).
    """
    dt_s = check_value(OUTPUT_DT, output_dt_s)
    assert isinstance(dt_s, float)
    samples = math.floor(duration_s / dt_s * (1 + 1e-12)) + 1
    if samples > MAX_SAMPLES:
        exponent = math.floor(math.log10(duration_s / (MAX_SAMPLES - 1))) - 1
        shortest = math.ceil(duration_s / (MAX_SAMPLES - 1) / 10.0**exponent * (1 - 1e-9)) * 10.0**exponent
        raise ParameterError(
            f"'output_dt_s'={dt_s:g} s for a {duration_s:g} s run would return {samples:,} samples (about "
            f"{samples * _BYTES_PER_SAMPLE / 1e9:.1f} GB of memory); at most {MAX_SAMPLES:,} samples are "
            f"allowed (about {MAX_SAMPLES * _BYTES_PER_SAMPLE / 1e9:.2f} GB). Use output_dt_s >= {shortest:.2g} s "
            "for this duration, or a shorter duration_s."
        )
    return dt_s
