"""The explorers the lessons and the dashboard build: :func:`explore` and :func:`spasm_explorer`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simlib.parameters import SCENARIO_PARAMS
from simlib.scenario import Scenario
from simlib.widgets.view import Explorer

__all__ = ["explore", "spasm_explorer", "spasm_fields"]

# Fields the Spasm explorer leaves to the presets: the timing of the run (long runs are slow to redraw).
_TIMING_FIELDS = ("drive_start_s", "drive_s", "duration_s")
#: the motor-unit pool's fields: the pool has its own explorer (lesson 15, :func:`simlib.widgets.pool_explorer`);
#: the Spasm explorer follows one unit's chain, and a cramp preset on a 120-unit pool costs about 7 single-unit
#: runs (about 0.5 s a move), too slow for a slider
_POOL_FIELDS = ("motor_units", "stimulus_v")


def explore(
    fields: Sequence[str] | str, scenario: Scenario | None = None, panels: Sequence[str] | None = None,
    **options: Any,
) -> Explorer:
    """Build an :class:`Explorer` for a lesson: controls for ``fields``, the figure, the classification.

    Parameters
    ----------
    fields : str or sequence of str
        Scenario fields that get a control, e.g. ``["rate_hz", "ca_mM"]``.
    scenario : Scenario, optional
        Starting scenario (when None, one motor unit of the healthy default:
        :data:`simlib.widgets.state.EXPLORER_MOTOR_UNITS`).
    panels : sequence of str, optional
        Panels from :data:`PANELS`; all five when None.
    **options
        Further keyword arguments of :class:`Explorer` (``presets``, ``output_dt_s``, ``figsize``,
        ``canvas``, ``name``).

    Returns
    -------
    Explorer
        Display it as a cell's last value, or display ``.widget``.
    """
    return Explorer(fields, scenario, panels, **options)


def spasm_fields() -> tuple[str, ...]:
    """Every Scenario field except the run's timing (drive start, drive length, run length) and the pool's.

    New fields declared in :data:`simlib.parameters.SCENARIO_PARAMS` are included automatically.
    """
    return tuple(p.name for p in SCENARIO_PARAMS if p.name not in _TIMING_FIELDS + _POOL_FIELDS)


def spasm_explorer(scenario: Scenario | None = None, **options: Any) -> Explorer:
    """Build the Spasm explorer: a control for every setting, every preset, the whole chain.

    Parameters
    ----------
    scenario : Scenario, optional
        Starting scenario (one motor unit of the healthy default when None; a preset keeps the unit count).
    **options
        Further keyword arguments of :class:`Explorer` (``panels``, ``output_dt_s``, ``figsize``,
        ``canvas``).

    Returns
    -------
    Explorer
        Display ``.widget`` (or the Explorer itself).
    """
    options.setdefault("presets", True)
    options.setdefault("name", "spasm_explorer")
    return Explorer(spasm_fields(), scenario, **options)
