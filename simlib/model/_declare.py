"""The declaration vocabulary of the model: states, stages, the state layout and the parameter record.

A stage module (:mod:`simlib.stages.axon`, ...) declares, as data, the states it owns
(:class:`State`), the constants it reads (:class:`simlib.parameters.Param`) and a ``derive``
function that turns a Scenario, the run's constants and the shared derived quantities
(:class:`simlib.model.shared.Environment`) into the kernel parameters it needs. From a sequence of
:class:`Stage` declarations, :func:`build_layout` generates the state names, units, tolerances and
indices, and :func:`build_record` the numeric parameter record read by the compiled kernel.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model._constants import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

__all__ = ["BASE_RTOL", "Layout", "ParamRecord", "Stage", "State", "build_layout", "build_record", "record_dtype"]

#: relative tolerance of the integrator before the per-state factor (:attr:`State.rtol_factor`)
BASE_RTOL = 3e-4

#: ``derive(scenario, constants, env) -> {kernel field: value}``
Derive = Callable[["Scenario", "ConstantValues", "Environment"], Mapping[str, float]]


@dataclass(frozen=True)
class State:
    """One state variable of the model.

    Attributes
    ----------
    name : str
        Name, unique in the model (``"ca_sr"``); :meth:`simlib.Result.state` takes it.
    unit : str
        Unit as printed (``"mV"``, ``"µM"``, ``""`` for a fraction).
    atol : float
        Absolute tolerance of the integrator (state unit).
    rtol_factor : float
        Relative tolerance as a multiple of :data:`BASE_RTOL` (0 for potentials, whose zero is
        arbitrary).
    meaning : str
        One-line meaning.
    """

    name: str
    unit: str
    atol: float
    rtol_factor: float
    meaning: str


@dataclass(frozen=True)
class Stage:
    """One step of the chain, as data.

    Attributes
    ----------
    name : str
        Stage name (``"axon"``).
    states : tuple of State
        The states it owns; they are contiguous in the state vector, in this order.
    constants : tuple of Param
        The model constants it declares (each constant is declared by exactly one stage).
    derive : callable or None
        ``derive(scenario, constants, env)`` returning ``{kernel field: value}``: the part of the
        kernel parameter record this stage provides (temperature-scaled rates in 1/ms, potentials in
        mV, ...). None for a stage that only declares constants.
    """

    name: str
    states: tuple[State, ...] = ()
    constants: tuple[Param, ...] = ()
    derive: Derive | None = None


def _first_duplicate(names: Iterable[str]) -> str | None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return None


@dataclass(frozen=True)
class Layout:
    """The state vector generated from a sequence of stages.

    Attributes
    ----------
    stages : tuple of Stage
        The stages, in state-vector order.
    states : tuple of State
        Every state, stage blocks contiguous.
    names, units : tuple of str
        State names and units, in state-vector order.
    atol, rtol : numpy.ndarray
        Absolute tolerance (state units) and relative tolerance (``BASE_RTOL * rtol_factor``) per
        state; read-only arrays.
    """

    stages: tuple[Stage, ...]
    states: tuple[State, ...]
    names: tuple[str, ...]
    units: tuple[str, ...]
    atol: np.ndarray
    rtol: np.ndarray

    def __len__(self) -> int:
        return len(self.states)

    def index(self, name: str) -> int:
        """Position of state ``name`` in the state vector.

        Raises
        ------
        KeyError
            If no stage declares that state (the message suggests close names).
        """
        try:
            return self.names.index(name)
        except ValueError:
            from simlib.validation import unknown_name_message

            raise KeyError(unknown_name_message(name, self.names, kind="model state")) from None

    def slice(self, stage: str) -> slice:
        """Return the block of the state vector that stage ``stage`` owns."""
        start = 0
        for declared in self.stages:
            if declared.name == stage:
                return slice(start, start + len(declared.states))
            start += len(declared.states)
        raise KeyError(f"{stage!r} is not a stage of this layout; stages: {', '.join(s.name for s in self.stages)}")

    def meaning(self, name: str) -> str:
        """One-line meaning of state ``name``."""
        return self.states[self.index(name)].meaning


def build_layout(stages: Sequence[Stage]) -> Layout:
    """Generate the state layout of a model made of ``stages``.

    Parameters
    ----------
    stages : sequence of Stage
        The stages, in the order their state blocks take in the state vector.

    Returns
    -------
    Layout
        Names, units, tolerances and indices.

    Raises
    ------
    ValueError
        If two stages have the same name or two states the same name.
    """
    stages = tuple(stages)
    duplicate = _first_duplicate(s.name for s in stages)
    if duplicate is not None:
        raise ValueError(f"stage {duplicate!r} is declared twice")
    states = tuple(state for stage in stages for state in stage.states)
    duplicate = _first_duplicate(s.name for s in states)
    if duplicate is not None:
        owners = [stage.name for stage in stages for s in stage.states if s.name == duplicate]
        raise ValueError(f"state {duplicate!r} is declared twice (stages {', '.join(owners)}); state names "
                         "must be unique")
    atol = np.array([s.atol for s in states], dtype=np.float64)
    rtol = np.array([BASE_RTOL * s.rtol_factor for s in states], dtype=np.float64)
    atol.flags.writeable = False
    rtol.flags.writeable = False
    return Layout(stages, states, tuple(s.name for s in states), tuple(s.unit for s in states), atol, rtol)


class ParamRecord(np.void):
    """One run's kernel parameters: a numpy structured record with one float64 field per name.

    The compiled kernel receives it by reference (numba reads fields by name). In Python, fields
    read as attributes give plain ``float`` (``kp.ax_vt``); ``kp["ax_vt"]`` gives ``numpy.float64``.
    :meth:`_replace`, :attr:`_fields` and :meth:`_asdict` behave as for the NamedTuple this replaced.
    """

    def __getattr__(self, name: str) -> float:
        # only called when normal attribute lookup fails, i.e. for field names (and typos)
        try:
            return float(np.void.__getitem__(self, name))
        except (KeyError, ValueError, IndexError):
            pass
        from simlib.validation import unknown_name_message

        names = np.void.__getattribute__(self, "dtype").names
        raise AttributeError(unknown_name_message(name, names, kind="kernel parameter"))

    def values(self) -> tuple:
        """All fields as plain floats in a named tuple: ``kp.values().ax_vt`` reads ~50 times faster.

        For Python code that reads fields in loops (the resting-state iterations); compiled functions
        accept it as well (as a tuple of values rather than a record by reference).
        """
        return _values_class(self.dtype.names)(*self.item())

    @property
    def _fields(self) -> tuple[str, ...]:
        """Field names, in record order."""
        return self.dtype.names

    def _asdict(self) -> dict[str, float]:
        """``{field: value}`` as plain floats."""
        return dict(zip(self.dtype.names, self.item(), strict=True))

    def _replace(self, **changes: float) -> ParamRecord:
        """Return a copy with some fields changed (the record itself is not modified)."""
        values = self._asdict()
        unknown = [name for name in changes if name not in values]
        if unknown:
            from simlib.validation import unknown_name_message

            raise AttributeError(unknown_name_message(unknown[0], values, kind="kernel parameter"))
        values.update(changes)
        return build_record(values)


def _values_class(names: tuple[str, ...]) -> type:
    """Return the named-tuple class of :meth:`ParamRecord.values` for these field names.

    The class is kept as the module attribute ``KernelValues`` (one per process: the model has one set
    of field names), so compiled functions called with its instances, such as
    :func:`simlib.chain.reflex_inputs` from the resting state, are cached on disk like any other,
    instead of being compiled again in every process (~0.2 s; measured), as they are for a
    named-tuple class that cannot be found by its name.
    """
    cls = globals().get("KernelValues")
    if cls is None or cls._fields != names:
        cls = collections.namedtuple("KernelValues", names, module=__name__)
        globals()["KernelValues"] = cls
    return cls


@functools.lru_cache(maxsize=16)
def record_dtype(names: tuple[str, ...]) -> np.dtype:
    """Return the structured dtype of a parameter record with these field names (cached by name tuple).

    Raises
    ------
    ValueError
        If a name is also an attribute of a numpy record (``size``, ``real``, ...): attribute access
        would not reach the field.
    """
    hidden = [name for name in names if hasattr(np.void, name) or hasattr(ParamRecord, name)]
    if hidden:
        raise ValueError(f"kernel parameter name {hidden[0]!r} is taken by a numpy record attribute; rename it")
    return np.dtype((ParamRecord, [(name, np.float64) for name in names]))


def build_record(values: Mapping[str, Any]) -> ParamRecord:
    """Pack ``{field: number}`` into a :class:`ParamRecord` (fields in the mapping's order).

    Raises
    ------
    ValueError
        If a value is not a real number.
    """
    array = np.zeros(1, dtype=record_dtype(tuple(values)))
    try:
        array[0] = tuple(values.values())
    except (TypeError, ValueError):
        bad = next(((k, v) for k, v in values.items() if isinstance(v, bool) or not isinstance(v, (int, float))),
                   None)
        raise ValueError(f"kernel parameter {bad[0]!r} = {bad[1]!r} is not a number" if bad else
                         "kernel parameters must be numbers") from None
    return array[0]


def merge_derived(sc: Scenario, c: ConstantValues, env: Environment, stages: Sequence[Stage]) -> dict[str, float]:
    """Call every stage's ``derive`` and merge the results into one ``{field: value}`` dict.

    Raises
    ------
    ValueError
        If two stages provide the same field.
    """
    merged: dict[str, float] = {}
    owner: dict[str, str] = {}
    for stage in stages:
        if stage.derive is None:
            continue
        part = stage.derive(sc, c, env)
        if not merged.keys().isdisjoint(part):
            name = next(name for name in part if name in merged)
            raise ValueError(f"kernel parameter {name!r} is derived by both stage {owner[name]!r} and stage "
                             f"{stage.name!r}")
        merged.update(part)
        owner.update(dict.fromkeys(part, stage.name))
    return merged
