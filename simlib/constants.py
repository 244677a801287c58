"""Compatibility layer: the model constants are now declared by the stages that use them.

Each stage module of :mod:`simlib.stages` declares its constants (``CONSTANTS``); the shared ones
(temperature and Q10, divalent screening) are in :mod:`simlib.model.shared`. Read them with
:func:`simlib.model.constants` (declarations) and :func:`simlib.model.resolve_constants` (one
run's values, with overrides). This module keeps the old names for code not yet moved over, and will
go: the package attribute ``simlib.constants`` is to be the function :func:`simlib.model.constants`.
"""

from __future__ import annotations

from simlib.model import CONSTANT_PARAMS, resolve_constants
from simlib.parameters import Param

__all__ = ["CONSTANTS", "constant"]

#: every declared model constant, in declaration order (shared first, then stage by stage)
CONSTANTS: tuple[Param, ...] = CONSTANT_PARAMS

_DEFAULTS = dict(resolve_constants())


def constant(name: str) -> float:
    """Return the default value of a model constant (use :func:`simlib.model.resolve_constants` instead).

    Parameters
    ----------
    name : str
        Constant name, e.g. ``"g_na_mS_cm2"``.

    Returns
    -------
    float
        Value in the declared unit.
    """
    return _DEFAULTS[name]
