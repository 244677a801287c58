"""Parameter metadata: the :class:`Param` record (unit, default, range, meaning, source, hint).

Validation, the parameter tables of ``docs/model.md``, slider ranges and axis labels are generated
from :class:`Param` records, so a parameter is described in exactly one place. This module gives the
public names: :class:`Param` itself (defined with the checks of values against it in
:mod:`simlib.validation`), and :data:`SCENARIO_PARAMS` / :func:`scenario_param`, the metadata of the
learner-facing Scenario fields, which are declared in the body of :class:`simlib.Scenario`
(:mod:`simlib.scenario`). The internal model constants (rate constants, conductances, ...) are
declared with the same class by the stages that use them (:func:`simlib.model.constants`).
"""

from __future__ import annotations

from simlib.scenario import SCENARIO_PARAMS, scenario_param
from simlib.validation import Param

__all__ = ["Param", "SCENARIO_PARAMS", "scenario_param"]
