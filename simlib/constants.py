"""Compatibility layer: the model constants are now declared by the stages that use them.

Each stage module of :mod:`simlib.stages` declares its constants (``CONSTANTS``); the shared ones
(temperature and Q10, divalent screening) are in :mod:`simlib.model.shared`. Read them with
:func:`simlib.model.constants` (declarations) and :func:`simlib.model.resolve_constants` (one
run's values, with overrides). This module keeps the old names for code not yet moved over, and will
go: the package attribute ``simlib.constants`` is to be the function :func:`simlib.model.constants`.
Until then this module is callable, so ``simlib.constants()`` returns the declared constants whether
the attribute is the function or (if this module was imported after ``simlib``) the module.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping

from simlib.model import CONSTANT_PARAMS, resolve_constants
from simlib.model import constants as _declared
from simlib.validation import Param

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



class _CallableModule(types.ModuleType):
    """The module type of simlib.constants: calling it is calling :func:`simlib.model.constants`."""

    def __call__(self) -> Mapping[str, Param]:
        return _declared()


sys.modules[__name__].__class__ = _CallableModule
