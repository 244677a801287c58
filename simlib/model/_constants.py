"""The constants registry: every declared model constant, and one run's values of them.

Each stage declares its constants (:attr:`simlib.model.Stage.constants`); :func:`declared_constants`
collects them into one read-only mapping, and :func:`resolve_values` turns optional overrides into a
:class:`ConstantValues`, validated exactly like a Scenario field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from simlib.errors import ParameterError
from simlib.validation import Param, check_value, unknown_name_message

if TYPE_CHECKING:
    from simlib.model._declare import Stage

__all__ = ["ConstantValues", "declared_constants", "resolve_values"]

_KIND = "model constant"


def declared_constants(stages: Sequence[Stage]) -> Mapping[str, Param]:
    """Read-only ``{name: Param}`` of every constant the stages declare, in declaration order.

    Raises
    ------
    ValueError
        If two stages declare the same constant, a constant is not a number, or its name is taken
        by a :class:`ConstantValues` method.
    """
    found: dict[str, Param] = {}
    owner: dict[str, str] = {}
    for stage in stages:
        for param in stage.constants:
            if param.name in found:
                raise ValueError(f"constant {param.name!r} is declared by both stage {owner[param.name]!r} and "
                                 f"stage {stage.name!r}")
            if not isinstance(param.default, float):
                raise ValueError(f"constant {param.name!r} must have a float default; got {param.default!r}")
            if param.name.startswith("_") or hasattr(ConstantValues, param.name):
                raise ValueError(f"constant name {param.name!r} is reserved; rename it")
            found[param.name] = param
            owner[param.name] = stage.name
    return MappingProxyType(found)


class ConstantValues(Mapping[str, float]):
    """The values of every model constant for one run: frozen, hashable, read by attribute or by name.

    ``c.g_na_mS_cm2`` and ``c["g_na_mS_cm2"]`` give the same float. Equal values hash equally, so a
    ConstantValues can key an ``functools.lru_cache``. Build one with
    :func:`simlib.model.resolve_constants`; :meth:`replace` gives a validated copy.
    """

    def __init__(self, params: Mapping[str, Param], values: Mapping[str, float]) -> None:
        """Store validated values (internal: use :func:`simlib.model.resolve_constants`)."""
        if not isinstance(params, MappingProxyType):
            params = MappingProxyType(dict(params))
        object.__setattr__(self, "_params", params)
        object.__setattr__(self, "_key", tuple(values.items()))
        object.__setattr__(self, "_hash", hash(self._key))
        self.__dict__.update(values)  # attribute access at plain-attribute speed

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("ConstantValues is read-only; use .replace(name=value) for a changed copy")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("ConstantValues is read-only")

    def __getattr__(self, name: str) -> float:
        # only reached when the name is not a constant (or an attribute)
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(unknown_name_message(name, self._params, kind=_KIND))

    def __getitem__(self, name: str) -> float:
        if isinstance(name, str) and name in self._params:
            return self.__dict__[name]
        raise KeyError(unknown_name_message(name, self._params, kind=_KIND))

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ConstantValues):
            return self._key == other._key
        return NotImplemented

    def __repr__(self) -> str:
        changed = self.overrides()
        shown = ", ".join(f"{name}={value!r}" for name, value in changed.items())
        return f"ConstantValues({len(self)} constants, {'changed: ' + shown if shown else 'all defaults'})"

    def __reduce__(self) -> tuple[Any, ...]:
        # with its declarations, so that a copy in another process needs no registry
        return (ConstantValues, (dict(self._params), dict(self._key)))

    def overrides(self) -> dict[str, float]:
        """``{name: value}`` of the constants whose value differs from the declared default."""
        return {name: value for name, value in self._key if value != self._params[name].default}

    def param(self, name: str) -> Param:
        """Return the declaration (unit, range, meaning, source) of constant ``name``."""
        if name not in self._params:
            raise KeyError(unknown_name_message(name, self._params, kind=_KIND))
        return self._params[name]

    def replace(self, **changes: object) -> ConstantValues:
        """Return a copy with some constants changed, each validated against its declaration.

        Raises
        ------
        ParameterError
            For an unknown name (with a "did you mean" suggestion) or a value that is not a number
            within the declared range.
        """
        values = dict(self._key)
        values.update(_checked(self._params, changes))
        return ConstantValues(self._params, values)


def _checked(params: Mapping[str, Param], overrides: Mapping[str, object]) -> dict[str, float]:
    """Validate overrides by name and value; the same messages as Scenario fields."""
    if not isinstance(overrides, Mapping):
        raise ParameterError(f"constants must be a mapping of constant names to numbers, e.g. "
                             f"{{'g_na_mS_cm2': 240.0}}; got {type(overrides).__name__}.")
    unknown = [name for name in overrides if name not in params]
    if unknown:
        raise ParameterError("; ".join(unknown_name_message(name, params, kind=_KIND) for name in unknown[:5]))
    checked: dict[str, float] = {}
    for name, value in overrides.items():
        number = check_value(params[name], value)
        assert isinstance(number, float)
        checked[name] = number
    return checked


def resolve_values(params: Mapping[str, Param], overrides: Mapping[str, object] | None) -> ConstantValues:
    """Defaults of ``params`` with validated ``overrides`` applied."""
    values = {name: p.default for name, p in params.items()}
    if overrides:
        values.update(_checked(params, overrides))
    return ConstantValues(params, values)  # type: ignore[arg-type]

