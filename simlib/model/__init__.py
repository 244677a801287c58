"""The model declared once, as data: states, constants and kernel parameters generated from the stages.

Every stage module of :mod:`simlib.stages` declares

- ``STATES``: its state variables (:class:`State`: name, unit, tolerance, meaning);
- ``CONSTANTS``: its model constants (:class:`simlib.parameters.Param`: unit, default, range,
  meaning, source);
- ``derive(scenario, constants, env)``: the kernel parameters it needs, from the Scenario, the run's
  constants and the shared derived quantities (:func:`simlib.model.shared.environment`: Q10
  factors, divalent shift);
- ``STAGE``: the three bundled as a :class:`Stage`.

From these, :data:`LAYOUT` (state names, units, tolerances, indices), :func:`constants` (every
declared constant) and :func:`kernel_parameters` (one run's parameter record for the compiled
kernel) are generated.

>>> from simlib import model
>>> model.constants()["g_na_mS_cm2"].unit
'mS/cm²'
>>> c = model.resolve_constants({"g_na_mS_cm2": 240.0})
>>> c.g_na_mS_cm2
240.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from simlib.model._constants import ConstantValues, declared_constants, resolve_values
from simlib.model._declare import (
    BASE_RTOL,
    Layout,
    ParamRecord,
    Stage,
    State,
    build_layout,
    build_record,
    merge_derived,
    record_dtype,
)

if TYPE_CHECKING:
    from simlib.scenario import Scenario
    from simlib.validation import Param

__all__ = [
    "BASE_RTOL", "CONSTANT_PARAMS", "ConstantValues", "DEFAULTS", "LAYOUT", "Layout", "ParamRecord", "STAGES",
    "Stage", "State", "build_layout", "build_record", "constants", "kernel_parameters", "record_dtype",
    "resolve_constants",
]

_LAZY = {"STAGES", "LAYOUT", "DEFAULTS", "CONSTANT_PARAMS"}


def __getattr__(name: str) -> Any:
    """Return ``STAGES``, ``LAYOUT``, ``DEFAULTS`` or ``CONSTANT_PARAMS``, built on first use.

    They are built lazily because the stage modules import this package.
    """
    if name in _LAZY:
        from simlib.model import _wiring

        return getattr(_wiring, name)
    raise AttributeError(f"module 'simlib.model' has no attribute {name!r}")


def constants(stages: Sequence[Stage] | None = None) -> Mapping[str, Param]:
    """Every declared model constant: a read-only mapping ``{name: Param}`` (unit, default, range, meaning, source).

    Parameters
    ----------
    stages : sequence of Stage, optional
        The stages to collect from; default :data:`STAGES`, the whole model.
    """
    if stages is None:
        from simlib.model import _wiring

        return _wiring.CONSTANTS
    return declared_constants(stages)


def resolve_constants(overrides: Mapping[str, float] | None = None, *,
                      stages: Sequence[Stage] | None = None) -> ConstantValues:
    """Return the values of every model constant for one run: the defaults with ``overrides`` applied.

    Parameters
    ----------
    overrides : mapping of str to float, optional
        New values by constant name, e.g. ``{"g_na_mS_cm2": 240.0}``; None or empty gives the defaults;
        a ConstantValues is returned as it is.
    stages : sequence of Stage, optional
        The stages whose constants apply; default :data:`STAGES`.

    Returns
    -------
    ConstantValues
        Frozen and hashable; ``c.g_na_mS_cm2`` or ``c["g_na_mS_cm2"]``.

    Raises
    ------
    ParameterError
        For an unknown name (``'g_na' is not a model constant; did you mean 'g_na_mS_cm2'?``) or a
        value that is not a number within the declared range (``'g_na_mS_cm2' must be between 80 and
        800 mS/cm² (maximal Na⁺ (Nav1.4) conductance); got 1000.0.``).
    """
    if isinstance(overrides, ConstantValues) and stages is None:
        return overrides  # already resolved (validated when it was made)
    if stages is None:
        from simlib.model import _wiring

        if not overrides:
            return _wiring.DEFAULTS
        return _wiring.DEFAULTS.replace(**overrides)
    return resolve_values(declared_constants(stages), overrides)


def kernel_parameters(sc: Scenario, c: ConstantValues | None = None, *,
                      stages: Sequence[Stage] | None = None) -> ParamRecord:
    """One run's kernel parameters: every stage's ``derive`` output, merged into one record.

    Parameters
    ----------
    sc : Scenario
        Validated scenario.
    c : ConstantValues, optional
        The run's constants (:func:`resolve_constants`); default: the declared defaults.
    stages : sequence of Stage, optional
        Default :data:`STAGES`.

    Returns
    -------
    ParamRecord
        One float64 field per derived name (rates 1/ms, potentials mV, conductances mS/cm²).
    """
    from simlib.model import _wiring
    from simlib.model.shared import environment

    stages = _wiring.STAGES if stages is None else stages
    if c is None:
        c = resolve_constants(stages=None if stages is _wiring.STAGES else stages)
    return build_record(merge_derived(sc, c, environment(sc, c), stages))
