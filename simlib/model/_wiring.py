"""The model as built from its stages: the stage list, the state layout, the constants registry.

Imported lazily by :mod:`simlib.model` (the stage modules import :mod:`simlib.model._declare`, so
the package itself must not import them at import time).
"""

from __future__ import annotations

from simlib.model import shared
from simlib.model._constants import declared_constants, resolve_values
from simlib.model._declare import build_layout
from simlib.stages import axon, crossbridges, ec_coupling, mechanics, membrane, metabolism, motoneuron, nmj, reflex

__all__ = ["CONSTANTS", "CONSTANT_PARAMS", "DEFAULTS", "LAYOUT", "STAGES"]

#: the stages of the chain, in state-vector order (the shared constants first; they own no states)
STAGES = (shared.STAGE, axon.STAGE, nmj.STAGE, membrane.STAGE, ec_coupling.STAGE, crossbridges.STAGE,
          mechanics.STAGE, motoneuron.STAGE, reflex.STAGE, metabolism.STAGE)
LAYOUT = build_layout(STAGES)
CONSTANTS = declared_constants(STAGES)
#: the same declarations as a tuple of Param (for tables)
CONSTANT_PARAMS = tuple(CONSTANTS.values())
DEFAULTS = resolve_values(CONSTANTS, None)

