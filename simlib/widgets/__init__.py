"""Interactive widgets for the lessons: metadata-built sliders, explorers and quick checks.

Everything here is built from the parameter metadata in
:data:`simlib.parameters.SCENARIO_PARAMS` (label, unit, range, step, meaning, hint) and from
:data:`simlib.PRESETS` / :data:`simlib.PRESET_INFO`, so a new Scenario field or preset appears
in every explorer without changes here.

- :func:`slider_for` makes the control of one Scenario field: a ``FloatSlider`` for numbers, a
  ``Dropdown`` for words and a checkbox plus slider (:class:`OptionalSlider`) for optional numbers.
- :class:`Explorer` holds a Scenario, controls for chosen fields, preset buttons, the
  classification in words, an error area and a figure drawn by :mod:`simlib.plotting` that is
  updated in place (:func:`simlib.plotting.update_plot`) after every change.
- :func:`explore` and :func:`spasm_explorer` build explorers for lessons and for the dashboard;
  :class:`QuickCheck` (made by :func:`quick_check`, re-exported from :mod:`simlib.quickcheck`) is a
  multiple-choice question with a hint per wrong option and a retry.

The figure is shown as an image widget (a JPEG of the canvas) that is re-rendered after each
change, with any backend (also ``MPLBACKEND=Agg`` in tests and nbval), or, if asked for with
``canvas="ipympl"``, as an ipympl canvas.
Simulations run on the main thread (one takes tens of milliseconds); ``continuous_update=False``
makes a drag start one simulation, when the handle is released.

The package is split by concern:

- :mod:`simlib.widgets.state`: :class:`ExplorerState`, the Scenario shown, its run and metrics and
  the recent runs (no ipywidgets, no matplotlib: testable on its own);
- :mod:`simlib.widgets.view`: :class:`Explorer`, the controls, layout and callbacks, drawing what
  its state holds; :mod:`simlib.widgets.figure`: its figure, laid out once and blitted;
- :mod:`simlib.widgets.controls` (:func:`slider_for`), :mod:`simlib.widgets.captions` (words,
  caption, alt text), :mod:`simlib.widgets.encoding` (the image), :mod:`simlib.widgets.export`;
- :mod:`simlib.widgets.lessons`: :func:`explore`, :func:`spasm_explorer`;
- the stimulator bench, :func:`bench`: :mod:`simlib.widgets.bench_state` (:class:`Stimulator`,
  :class:`BenchState`, the measures; no ipywidgets), :mod:`simlib.widgets.datatable`
  (:class:`DataTable`, CSV, :class:`TableStore`; no ipywidgets), :mod:`simlib.widgets.bench_figure`
  and :mod:`simlib.widgets.bench_view` (:class:`Bench`);
- the motor-unit pool explorer, :func:`pool_explorer`: :mod:`simlib.widgets.pool_state` (:class:`PoolState`,
  :data:`POOL_DRIVES`; no ipywidgets) and :mod:`simlib.widgets.pool_view` (:class:`PoolExplorer`);
- the mystery patients, :func:`mystery_patient`: :mod:`simlib.widgets.mystery_view` (the cases and their
  checking are in :mod:`simlib.mystery`, without widgets).

Names are imported from those modules on first use (``widgets.explore``), so ``import
simlib.widgets.state`` loads neither ipywidgets nor matplotlib; ``import simlib`` imports none of
this package.

Examples
--------
>>> from simlib import widgets
>>> ex = widgets.explore(["rate_hz", "ca_mM"])     # doctest: +SKIP
>>> ex.set(ca_mM=0.75, rate_hz=0)                   # doctest: +SKIP
>>> ex.classification_text                          # doctest: +SKIP
'Tetany — the peripheral nerve fires by itself, ...'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the lazy look-up below returns, for type checkers and editors
    from simlib.a11y import SliderLabeller
    from simlib.quickcheck import QuickCheck, quick_check
    from simlib.widgets.bench_state import BenchState, Stimulator
    from simlib.widgets.bench_view import Bench, bench
    from simlib.widgets.captions import CLASSIFICATION_WORDS, classification_sentence
    from simlib.widgets.controls import CONTROL_GROUPS, OptionalSlider, slider_for
    from simlib.widgets.datatable import DataTable, TableStore
    from simlib.widgets.figure import PANELS, PROJECTOR_SCALE
    from simlib.widgets.lessons import explore, spasm_explorer, spasm_fields
    from simlib.widgets.mystery_view import MysteryPatient, mystery_patient
    from simlib.widgets.pool_state import POOL_DRIVES, PoolState
    from simlib.widgets.pool_view import PoolExplorer, pool_explorer
    from simlib.widgets.state import VOLUNTARY_RATE_STEP_HZ, ExplorerState
    from simlib.widgets.view import Explorer

__all__ = [
    "Bench",
    "BenchState",
    "CLASSIFICATION_WORDS",
    "CONTROL_GROUPS",
    "PANELS",
    "POOL_DRIVES",
    "PROJECTOR_SCALE",
    "VOLUNTARY_RATE_STEP_HZ",
    "Explorer",
    "DataTable",
    "MysteryPatient",
    "ExplorerState",
    "OptionalSlider",
    "PoolExplorer",
    "PoolState",
    "QuickCheck",
    "SliderLabeller",
    "Stimulator",
    "TableStore",
    "bench",
    "classification_sentence",
    "explore",
    "mystery_patient",
    "pool_explorer",
    "quick_check",
    "slider_for",
    "spasm_explorer",
    "spasm_fields",
]

# Where each public name lives (QuickCheck is re-exported: the lessons call widgets.quick_check).
_HOME = {
    "Bench": "simlib.widgets.bench_view",
    "bench": "simlib.widgets.bench_view",
    "BenchState": "simlib.widgets.bench_state",
    "Stimulator": "simlib.widgets.bench_state",
    "DataTable": "simlib.widgets.datatable",
    "TableStore": "simlib.widgets.datatable",
    "CLASSIFICATION_WORDS": "simlib.widgets.captions",
    "classification_sentence": "simlib.widgets.captions",
    "CONTROL_GROUPS": "simlib.widgets.controls",
    "OptionalSlider": "simlib.widgets.controls",
    "slider_for": "simlib.widgets.controls",
    "PANELS": "simlib.widgets.figure",
    "PROJECTOR_SCALE": "simlib.widgets.figure",
    "explore": "simlib.widgets.lessons",
    "spasm_explorer": "simlib.widgets.lessons",
    "spasm_fields": "simlib.widgets.lessons",
    "ExplorerState": "simlib.widgets.state",
    "VOLUNTARY_RATE_STEP_HZ": "simlib.widgets.state",
    "Explorer": "simlib.widgets.view",
    "MysteryPatient": "simlib.widgets.mystery_view",
    "mystery_patient": "simlib.widgets.mystery_view",
    "POOL_DRIVES": "simlib.widgets.pool_state",
    "PoolState": "simlib.widgets.pool_state",
    "PoolExplorer": "simlib.widgets.pool_view",
    "pool_explorer": "simlib.widgets.pool_view",
    "QuickCheck": "simlib.quickcheck",
    "quick_check": "simlib.quickcheck",
    "SliderLabeller": "simlib.a11y",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562), then keep it here."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
