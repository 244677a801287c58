"""What the pool explorer shows, without any widget or figure: a motor-unit pool's run, its classes, units and EMG.

:class:`PoolState` is an :class:`~simlib.widgets.state.ExplorerState` (the Scenario shown, its run and
metrics, recent runs by exact Scenario) whose runs are those of a pool of motor units: a stimulated
pool (stimulated or voluntary) is run by :func:`simlib.pool.run_pool` with a memo of chain runs
(:class:`simlib.pool.stimulation.RunMemo`, as the stimulator bench keeps one), so a move of the
stimulus intensity or of the number of units, which leaves every chain run unchanged, costs no new
chain run; its :class:`~simlib.pool.stimulation.PoolRun` gives the force of the slow and fast
classes and, under stimulation, which impulses each unit transmitted. A single unit is run by
:func:`simlib.simulate`, the public API.

:func:`pool_frame` measures what the figure and its words show (:class:`PoolFrame`), with the library's
own measures (:func:`simlib.metrics.recruited_fraction` and :func:`simlib.metrics.emg_rms_mV`, which
:meth:`simlib.Result.metrics` reports, and :func:`simlib.emg`), so every number the explorer states
equals what the public API measures for the same settings; it needs no classification, so a pool whose
force is low never runs the weakness test's healthy reference pool for it.

This module imports neither ipywidgets nor matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simlib import emg as _emg
from simlib.metrics import emg_rms_mV, recruited_fraction
from simlib.pool.experiments import run_pool
from simlib.pool.population import population
from simlib.pool.stimulation import PoolRun, RunMemo
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.widgets.bench_state import POOL_MEMO_BYTES
from simlib.widgets.state import ExplorerState

__all__ = ["EMG_RATE_HZ", "POOL_DRIVES", "POOL_FIELDS", "POOL_MAX_RATE_HZ", "POOL_OUTPUT_DT_S", "POOL_SCENARIO",
           "STIMULATOR_FIELDS", "PoolFrame", "PoolState", "pool_alt_text", "pool_frame", "pool_summary"]

#: The drives the pool explorer offers, in the order of its drive control: ONE place to add one
#: (each must be a value of ``Scenario.drive`` that :func:`simlib.simulate` runs for a pool).
POOL_DRIVES: tuple[str, ...] = ("stimulation", "voluntary")
#: The Scenario fields the pool explorer has a control for, in display order.
POOL_FIELDS = ("drive", "stimulus_v", "rate_hz", "motor_units", "receptor_block", "mg_mM")
#: Fields that only the electrical stimulator reads (their control is disabled under another drive).
STIMULATOR_FIELDS = ("stimulus_v",)
#: The explorer's default: a pool of 120 units (first dorsal interosseous, Feinstein et al. 1955) whose
#: nerve is stimulated at 20 Hz for 0.5 s at a supramaximal intensity; its y ranges are the figure's. The run
#: is 0.9 s long (a fused 20 Hz contraction by 0.3 s, relaxed by 0.3 s after the train): a move that needs new
#: chain runs (rate, Mg²⁺, block) costs in proportion to its impulses.
POOL_SCENARIO = Scenario(motor_units=120, drive="stimulation", rate_hz=20.0, drive_start_s=0.1, drive_s=0.5,
                         duration_s=0.9)
#: Highest signal rate of the pool explorer's slider (Hz): stimulated human muscle is fully fused by 50-100 Hz
#: (Edwards, Young, Hosking & Jones 1977, Clin Sci Mol Med 52:283) and motor units fire at most about 50 Hz
#: voluntarily; faster trains cost the most chain-run time per move and show nothing new.
POOL_MAX_RATE_HZ = 100.0
#: Output interval of the explorer's runs (s): resolves a twitch and keeps a move fast.
POOL_OUTPUT_DT_S = 0.0005
#: Sample rate of the EMG the figure shows (Hz): resolves the 2-3 ms motor-unit potentials.
EMG_RATE_HZ = 4000.0


@dataclass(frozen=True, eq=False)
class PoolFrame:
    """What the pool explorer's figure shows of one run (arrays in s, force normalised, EMG in mV).

    Attributes
    ----------
    t, force : numpy.ndarray
        Time (s) and the pool's force (1 = healthy maximal tetanus).
    class_force : dict of bool to numpy.ndarray, or None
        Force of the slow (True) and fast (False) classes, summing to ``force``; None when the run
        does not split it (a single unit).
    spike_times, spike_units : numpy.ndarray
        Every muscle action potential of every unit: its time (s) and its unit's index (0 the smallest).
    slow : numpy.ndarray of bool
        Per unit, whether it is a slow (type I) unit.
    emg_t, emg_mv : numpy.ndarray
        The surface EMG (:func:`simlib.emg` at :data:`EMG_RATE_HZ`).
    recruited_fraction : float
        Fraction of the units whose fibres fired (:attr:`simlib.metrics.Metrics.recruited_fraction`).
    transmitted_fraction : float or None
        Of the impulses that reached an excited unit's junction, the fraction that fired its fibres
        (:attr:`simlib.pool.stimulation.PoolRun.transmitted`); None without a stimulator.
    failing_units : int or None
        Excited units that failed on at least one impulse but not on all (intermittent failure).
    emg_rms_mV : float
        RMS of the EMG over the run (:attr:`simlib.metrics.Metrics.emg_rms_mV`).
    """

    t: np.ndarray
    force: np.ndarray
    class_force: dict[bool, np.ndarray] | None
    spike_times: np.ndarray
    spike_units: np.ndarray
    slow: np.ndarray
    emg_t: np.ndarray
    emg_mv: np.ndarray
    recruited_fraction: float
    transmitted_fraction: float | None
    failing_units: int | None
    emg_rms_mV: float

    @property
    def units(self) -> int:
        """Number of motor units."""
        return int(self.slow.size)


def pool_frame(result: Result, pool_run: PoolRun | None = None) -> PoolFrame:
    """Measure what the pool explorer shows of ``result`` (and of its PoolRun, when there is one).

    Parameters
    ----------
    result : Result
        A pool run (``result.scenario.motor_units`` above 1) or a single unit (one row of spikes).
    pool_run : PoolRun, optional
        Its :func:`simlib.pool.run_pool` record: class forces and transmitted impulses.

    Returns
    -------
    PoolFrame
    """
    sc = result.scenario
    spikes = result.unit_spikes if result.unit_spikes is not None else (result.muscle_spikes,)
    counts = np.array([len(s) for s in spikes], dtype=int)
    times = np.concatenate([np.asarray(s, dtype=float) for s in spikes]) if counts.sum() else np.zeros(0)
    trace = _emg.emg(result, rate_hz=EMG_RATE_HZ)
    transmitted = failing = None
    if pool_run is not None and pool_run.excited.any() and pool_run.transmitted.shape[1]:
        fired = pool_run.transmitted[pool_run.excited]
        transmitted = float(fired.mean())
        failing = int(np.sum(fired.any(axis=1) & ~fired.all(axis=1)))
    return PoolFrame(
        t=result.t, force=result.force, class_force=None if pool_run is None else dict(pool_run.class_force),
        spike_times=times, spike_units=np.repeat(np.arange(counts.size), counts),
        slow=np.asarray(population(sc.motor_units, sc.seed).slow, dtype=bool), emg_t=trace.t, emg_mv=trace.mv,
        recruited_fraction=recruited_fraction(result), transmitted_fraction=transmitted,
        failing_units=failing, emg_rms_mV=emg_rms_mV(result))


def _drive_words(sc: Scenario) -> str:
    if sc.rate_hz <= 0 or sc.drive_s <= 0:
        return "no drive"
    end = min(sc.drive_start_s + sc.drive_s, sc.duration_s)
    if sc.drive == "stimulation":
        return f"nerve stimulation at {sc.stimulus_v:g} V, {sc.rate_hz:g} Hz, from {sc.drive_start_s:g} to {end:g} s"
    if sc.drive == "voluntary":
        return (f"a voluntary command that makes the smallest unit fire at {sc.rate_hz:g} Hz, from "
                f"{sc.drive_start_s:g} to {end:g} s")
    return f"{sc.drive} drive at {sc.rate_hz:g} Hz from {sc.drive_start_s:g} to {end:g} s"


def pool_summary(sc: Scenario, frame: PoolFrame) -> str:
    """Say in one or two sentences what a run did: units recruited, transmission, force by class, EMG."""
    text = (f"{frame.recruited_fraction:.0%} of the {frame.units} motor units fired ({_drive_words(sc)}); "
            f"peak force {float(frame.force.max()):.3f} (1 = healthy maximal tetanus)")
    if frame.class_force is not None:
        slow, fast = (float(frame.class_force[k].max()) for k in (True, False))
        text += f", slow units {slow:.3f}, fast units {fast:.3f}"
    text += f"; EMG RMS {frame.emg_rms_mV:.2f} mV."
    if frame.transmitted_fraction is not None:
        text += (f" The junctions of the excited units transmitted {frame.transmitted_fraction:.0%} of the impulses"
                 f"; {frame.failing_units} unit{'' if frame.failing_units == 1 else 's'} failed on some impulses only.")
    return text


def pool_alt_text(sc: Scenario, frame: PoolFrame) -> str:
    """Describe the pool explorer's figure in words (generated alternative text)."""
    classes = ("the slow (type I) units' force, the fast (type II) units' force and their sum"
               if frame.class_force is not None else "the pool's force")
    rows = np.unique(frame.spike_units).size
    return (f"Three stacked panels sharing a time axis from 0 to {sc.duration_s:g} s. Top: {classes}. Middle: a "
            f"raster of muscle action potentials, one row per motor unit from the smallest (bottom) to the largest "
            f"(top) of {frame.units}; {rows} rows have spikes, {int(frame.slow.sum())} slow units at the bottom. "
            f"Bottom: the surface EMG. " + pool_summary(sc, frame))


class PoolState(ExplorerState):
    """An explorer's state whose runs are motor-unit pools: chain runs memoised, PoolRuns kept.

    Parameters
    ----------
    scenario : Scenario, optional
        Starting scenario; :data:`POOL_SCENARIO` at 3 V (about half the units) when None.
    output_dt_s : float, default :data:`POOL_OUTPUT_DT_S`
        Output interval of the runs (s).
    reference : Scenario, optional
        The run whose y ranges the figure keeps; :data:`POOL_SCENARIO` (supramaximal) when None.
    memo_bytes : int, default :data:`simlib.widgets.bench_state.POOL_MEMO_BYTES`
        Bytes of chain runs kept for reuse (as many as a stimulator bench keeps).

    Attributes
    ----------
    memo : simlib.pool.stimulation.RunMemo
        The chain runs kept (shared by every run of this state).
    """

    def __init__(self, scenario: Scenario | None = None, *, output_dt_s: float = POOL_OUTPUT_DT_S,
                 reference: Scenario | None = None, memo_bytes: int = POOL_MEMO_BYTES) -> None:
        self.memo = RunMemo(memo_bytes)
        self._pool_runs: dict[Scenario, PoolRun] = {}
        self._frames: dict[Scenario, PoolFrame] = {}
        super().__init__(POOL_SCENARIO.replace(stimulus_v=3.0) if scenario is None else scenario,
                         output_dt_s=output_dt_s, reference=POOL_SCENARIO if reference is None else reference)

    def _simulate(self, scenario: Scenario) -> Result:
        """Run a pool through :func:`simlib.pool.run_pool` with :attr:`memo`; a single unit by simulate."""
        if scenario.drive not in POOL_DRIVES or scenario.motor_units <= 1:
            return super()._simulate(scenario)
        pool_run = run_pool(scenario, memo=self.memo, output_dt_s=self.output_dt_s)
        self._pool_runs[scenario] = pool_run
        return pool_run.result

    def control_range(self, field: str) -> dict[str, float]:
        """Return the slider limits of ``field``: as an explorer's, the rate up to :data:`POOL_MAX_RATE_HZ`.

        A starting Scenario with a faster rate keeps its rate on the slider.
        """
        limits = super().control_range(field)
        if field == "rate_hz":
            limits["high"] = max(POOL_MAX_RATE_HZ, self.scenario.rate_hz)
        return limits

    def frame(self, result: Result | None = None) -> PoolFrame:
        """Return the :class:`PoolFrame` of ``result`` (the current run when None), measured once per run."""
        result = self.result if result is None else result
        sc = result.scenario
        frame = self._frames.get(sc)
        if frame is None or frame.t is not result.t:
            frame = pool_frame(result, self.pool_run(result))
            self._frames[sc] = frame
        self._forget(self._frames)
        return frame

    def pool_run(self, result: Result | None = None) -> PoolRun | None:
        """Return the PoolRun of ``result`` (the current run when None); None if it was not a pool."""
        result = self.result if result is None else result
        pool_run = self._pool_runs.get(result.scenario)
        self._forget(self._pool_runs)
        return pool_run if pool_run is not None and pool_run.result is result else None

    def _forget(self, table: dict[Scenario, Any]) -> None:
        """Drop entries of runs no longer in the run cache (the reference and the current run stay)."""
        keep = {self.reference.scenario, *self._runs}
        for sc in [sc for sc in table if sc not in keep]:
            del table[sc]
