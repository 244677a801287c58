"""What an explorer shows, without any widget or figure: the Scenario, its run and metrics, recent runs.

:class:`ExplorerState` is the model behind :class:`simlib.widgets.Explorer`: every change (a
control, :meth:`ExplorerState.set`, a preset) makes a new Scenario through
:meth:`simlib.Scenario.replace` (so it is validated and an unknown name gets a suggestion),
simulates it, and computes its metrics when they are first read (:attr:`ExplorerState.metrics`: a
view that shows no classification, such as the pool explorer, never pays for the weakness test's
healthy reference run); an invalid change leaves everything as it was and keeps the
:class:`simlib.ParameterError` message in :attr:`ExplorerState.error`. The view only draws what the
state holds.

Runs are cached by their exact Scenario (the last :data:`RECENT_RUNS`), since learners compare by
moving a slider back and forth. A Result is only ever shown with the Scenario that produced it:
``state.result.scenario == state.scenario`` always holds.

This module imports neither ipywidgets nor matplotlib (``import simlib.widgets.state`` does not
load them either), so it can be tested, or driven from another front end, on its own.

Examples
--------
>>> from simlib.widgets.state import ExplorerState
>>> state = ExplorerState()                         # doctest: +SKIP
>>> state.set(ca_mM=0.75, rate_hz=0)                # doctest: +SKIP
True
>>> state.metrics.classification                    # doctest: +SKIP
'tetany'
>>> state.set(ca_mM=99)                             # doctest: +SKIP
False
>>> state.error                                     # doctest: +SKIP
"'ca_mM' must be between 0.3 and 4 mM ..."
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from simlib.errors import ParameterError, SimulationError
from simlib.metrics import Metrics
from simlib.parameters import Param, scenario_param
from simlib.presets import PRESETS
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.simulate import simulate
from simlib.validation import unknown_name_message

__all__ = ["EXPLORER_MOTOR_UNITS", "RECENT_RUNS", "VOLUNTARY_RATE_STEP_HZ", "ExplorerState", "field_param",
           "preset_scenario"]

#: Motor units of the Spasm explorer's default Scenario: it follows one unit along the chain (its fibre's
#: membrane potential, Ca²⁺ and cross-bridges) and answers a slider move at once; a pooled cramp costs
#: about 18 single-unit runs (docs/performance.md). ``widgets.pool_explorer()`` shows a whole muscle.
EXPLORER_MOTOR_UNITS = 1
_EXPLORER_DEFAULT = Scenario(motor_units=EXPLORER_MOTOR_UNITS)

#: Runs an explorer keeps for moves back to an earlier setting (~3 MB each for 3 s at 0.2 ms).
RECENT_RUNS = 6
#: Step of a voluntary rate slider (Hz): the calibration of the descending command resolves 1 Hz
#: (:func:`simlib.stages.drive.command_rate_hz`), so finer steps would change the number but not the run.
VOLUNTARY_RATE_STEP_HZ = 1.0


def field_param(name: str) -> Param:
    """Return the metadata of a Scenario field.

    Parameters
    ----------
    name : str
        Scenario field name, e.g. ``"ca_mM"``.

    Returns
    -------
    simlib.parameters.Param
        Its metadata (unit, range, step, label, meaning).

    Raises
    ------
    ParameterError
        If ``name`` is not a Scenario field, with a suggestion ("did you mean ...?").
    """
    try:
        return scenario_param(name)
    except KeyError:
        raise ParameterError(unknown_name_message(name, Scenario.field_names())) from None


def preset_scenario(name: str, motor_units: int | None = None) -> Scenario:
    """Return the preset ``name`` of :data:`simlib.PRESETS`, with ``motor_units`` units if given.

    An explorer keeps its unit count when a preset is chosen: the Spasm explorer follows one unit
    (:data:`EXPLORER_MOTOR_UNITS`) while the presets, like every default Scenario, are pools.

    Raises
    ------
    ParameterError
        If there is no such preset, with a suggestion.
    """
    if name not in PRESETS:
        raise ParameterError(unknown_name_message(name, PRESETS, kind="preset"))
    return PRESETS[name] if motor_units is None else PRESETS[name].replace(motor_units=motor_units)


class ExplorerState:
    """The Scenario an explorer shows, its Result and Metrics, and a cache of recent runs.

    Parameters
    ----------
    scenario : Scenario, optional
        Starting scenario; the healthy default when None.
    output_dt_s : float, default 0.0002
        Output interval of the simulations (s); 0.2 ms resolves muscle action potentials.
    recent_runs : int, default :data:`RECENT_RUNS`
        How many runs to keep, by exact Scenario, for moves back to an earlier setting (at least 1).
    reference : Scenario, optional
        The run whose y ranges the figure's trace axes keep (see ``reference`` below); the healthy
        default :class:`simlib.Scenario` when None.

    Attributes
    ----------
    output_dt_s : float
        Output interval of every run (s).
    reference : Result
        The ``reference`` Scenario (the healthy default unless given) run at ``output_dt_s``: the view's trace axes
        keep its y ranges (see :meth:`simlib.widgets.Explorer`'s Notes). It is simulated once, first,
        for that only, and enters the run cache, so showing the healthy default costs no new run.
    error : str
        Why the last change was refused (a :class:`simlib.ParameterError` or
        :class:`simlib.SimulationError` message); empty when it was valid.
    timings : dict of str to float
        Milliseconds of the last change: ``simulate_ms`` (0 on a cache hit, but for the look-up)
        and ``metrics_ms`` (spent on the first read of :attr:`metrics` after it; 0 until then). The
        view adds its own entries to the same dict.
    hits, misses : int
        Run-cache hits and misses (real simulations) since construction, the reference included.

    Raises
    ------
    ParameterError
        If ``scenario`` is not a Scenario or ``recent_runs`` is below 1.
    """

    def __init__(self, scenario: Scenario | None = None, *, output_dt_s: float = 0.0002,
                 recent_runs: int = RECENT_RUNS, reference: Scenario | None = None) -> None:
        if scenario is not None and not isinstance(scenario, Scenario):
            raise ParameterError(f"'scenario' must be a simlib.Scenario; got {type(scenario).__name__}")
        if int(recent_runs) < 1:
            raise ParameterError(f"'recent_runs' must be at least 1 (runs kept); got {recent_runs!r}")
        self.output_dt_s = float(output_dt_s)
        self.error = ""
        self.timings: dict[str, float] = {}
        self.hits = self.misses = 0
        self._recent_runs = int(recent_runs)
        self._runs: OrderedDict[Scenario, Result] = OrderedDict()
        # Simulated only for the figure's y limits (the healthy ranges every trace axis keeps); cached
        # like any run, so an explorer that starts at, or returns to, the default does not run it again.
        self.reference = self.run(_EXPLORER_DEFAULT if reference is None else reference)
        self._scenario = _EXPLORER_DEFAULT if scenario is None else scenario
        self._result = self.run(self._scenario)
        self._metrics: Metrics | None = None

    # -- what is shown ------------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        """The Scenario shown now (the last valid one)."""
        return self._scenario

    @property
    def result(self) -> Result:
        """The Result of :attr:`scenario` (its own run: ``result.scenario == scenario``)."""
        return self._result

    @property
    def metrics(self) -> Metrics:
        """The Metrics of :attr:`result`, computed on first read (its classification may need a healthy run)."""
        if self._metrics is None:
            t0 = time.perf_counter()
            self._metrics = self._result.metrics()
            self.timings["metrics_ms"] = 1e3 * (time.perf_counter() - t0)
        return self._metrics

    @property
    def active_preset(self) -> str | None:
        """The preset equal to the current Scenario, if any."""
        units = self._scenario.motor_units
        for preset, sc in PRESETS.items():
            if sc.replace(motor_units=units) == self._scenario:
                return preset
        return None

    # -- changes ------------------------------------------------------------------------------------

    def set(self, **values: Any) -> bool:
        """Change fields, validated by :meth:`simlib.Scenario.replace`.

        Parameters
        ----------
        **values
            New values by Scenario field name, in the fields' units.

        Returns
        -------
        bool
            True if the new Scenario was valid and is now shown; False if not (:attr:`error` says
            why; nothing else changed).
        """
        return self.apply(lambda: self._scenario.replace(**values))

    def apply_preset(self, name: str) -> bool:
        """Show a preset from :data:`simlib.PRESETS`.

        Parameters
        ----------
        name : str
            Preset name, e.g. ``"hypocalcaemia"``.

        Returns
        -------
        bool
            True on success; False for an unknown name (:attr:`error` suggests the closest one).
        """
        return self.apply(lambda: preset_scenario(name, self._scenario.motor_units))

    def apply(self, make: Callable[[], Scenario]) -> bool:
        """Make a Scenario and simulate it; show it if both succeed (its metrics follow on first read).

        Parameters
        ----------
        make : callable
            Returns the new Scenario; may raise :class:`simlib.ParameterError`.

        Returns
        -------
        bool
            True if the new Scenario is now shown; False if ``make`` or the simulation raised
            :class:`simlib.ParameterError` or :class:`simlib.SimulationError` (the message is in
            :attr:`error`; scenario, result and metrics are unchanged). Other exceptions propagate.
        """
        try:
            scenario = make()
            result = self.run(scenario)
        except (ParameterError, SimulationError) as exc:
            self.error = str(exc)
            return False
        self._scenario, self._result, self._metrics = scenario, result, None
        self.timings["metrics_ms"] = 0.0
        self.error = ""
        return True

    def run(self, scenario: Scenario) -> Result:
        """Return the run of exactly ``scenario``: a recent one if cached, else a new simulation.

        Parameters
        ----------
        scenario : Scenario
            What to simulate, at :attr:`output_dt_s`.

        Returns
        -------
        Result
            Its Result (``result.scenario == scenario``); it becomes the most recent cache entry.
        """
        t0 = time.perf_counter()
        result = self._runs.pop(scenario, None)
        if result is None:
            self.misses += 1
            result = self._simulate(scenario)
        else:
            self.hits += 1
        self._runs[scenario] = result
        while len(self._runs) > self._recent_runs:
            self._runs.popitem(last=False)
        self.timings["simulate_ms"] = 1e3 * (time.perf_counter() - t0)
        return result

    def _simulate(self, scenario: Scenario) -> Result:
        """Simulate ``scenario`` at :attr:`output_dt_s` (a cache miss); subclasses may run it otherwise."""
        return simulate(scenario, output_dt_s=self.output_dt_s)

    def cached(self, scenario: Scenario) -> bool:
        """Whether the run of ``scenario`` is in the cache (showing it would simulate nothing)."""
        return scenario in self._runs

    # -- what the controls may do -------------------------------------------------------------------

    def control_range(self, field: str) -> dict[str, float]:
        """Return the slider limits of ``field`` that depend on the current Scenario.

        Times (other than the run length) are capped at ``duration_s``: later times lie outside the
        run. A voluntary rate moves in steps of :data:`VOLUNTARY_RATE_STEP_HZ`, the steps the
        motoneuron's calibration resolves (:func:`simlib.stages.drive.command_rate_hz`); a
        stimulation rate keeps the metadata's step.

        Parameters
        ----------
        field : str
            Scenario field name.

        Returns
        -------
        dict of str to float
            ``{"high": ...}`` (s) for times, ``{"step": ...}`` (Hz) for ``rate_hz``, else empty.

        Raises
        ------
        ParameterError
            If ``field`` is not a Scenario field.
        """
        param = field_param(field)
        if param.unit == "s" and field != "duration_s" and param.high is not None and param.low is not None:
            return {"high": max(min(float(param.high), self._scenario.duration_s), float(param.low) + param.step)}
        if field == "rate_hz":
            return {"step": VOLUNTARY_RATE_STEP_HZ if self._scenario.drive == "voluntary" else float(param.step)}
        return {}

    def __repr__(self) -> str:
        return f"ExplorerState(scenario={self._scenario!r}, cached_runs={len(self._runs)})"
