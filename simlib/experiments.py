"""Standard experiments built on :func:`simlib.simulate`: twitch, force-frequency, sweeps."""

from __future__ import annotations

import itertools
import math
import numbers
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from simlib._system import die_with_parent, terminate_on_sigterm, usable_cores
from simlib.errors import ParameterError, SimulationError
from simlib.progress import Reporter, check_progress, progress_reporter
from simlib.protocol import DRIVE_FIELDS, Protocol
from simlib.scenario import Scenario
from simlib.simulate import check_scenario, simulate
from simlib.stages.drive import descending_level_mV, stop_helper_thread
from simlib.validation import describe_value, unknown_name_message

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from simlib.metrics import Metrics

# multiprocessing and concurrent.futures are imported when a pool is first needed

__all__ = ["Twitch", "twitch", "force_frequency", "sweep", "classification_grid"]

_TWITCH_AT_S = 0.1
_TRAIN_S = 1.0


@dataclass(frozen=True)
class Twitch:
    """Time course of a single twitch.

    Attributes
    ----------
    contraction_time_ms : float
        Stimulus to peak force (ms); NaN when the stimulus evoked no twitch.
    half_relaxation_ms : float
        Peak to half of the peak force (ms); ``math.inf`` if force never falls to half,
        NaN when there was no twitch.
    peak_force : float
        Peak force above rest (force unit).
    """

    contraction_time_ms: float
    half_relaxation_ms: float
    peak_force: float


def twitch(sc: Scenario) -> Twitch:
    """Twitch evoked by one supramaximal nerve stimulus under the conditions of ``sc``.

    The drive settings of ``sc`` are replaced by a single stimulus at 0.1 s; the run
    lasts 1 s and is sampled every 0.1 ms.

    Parameters
    ----------
    sc : Scenario
        Conditions (electrolytes, temperature, ATP, drugs).

    Returns
    -------
    Twitch
        Contraction time, half-relaxation time and peak force.

    Raises
    ------
    ParameterError
        If ``sc`` is not a Scenario.
    """
    check_scenario(sc, "twitch")
    run = sc.replace(drive="stimulation", rate_hz=1.0, drive_start_s=_TWITCH_AT_S, drive_s=0.5,
                     duration_s=max(1.0, _TWITCH_AT_S + 0.9), stretch_at_s=None)
    res = simulate(run, output_dt_s=1e-4)
    rise = res.force - res.force[0]
    peak_i = int(np.argmax(rise))
    peak = float(rise[peak_i])
    if peak < 1e-3:
        return Twitch(math.nan, math.nan, max(peak, 0.0))
    below = np.nonzero(rise[peak_i:] < peak / 2.0)[0]
    half = float(res.t[peak_i + below[0]] - res.t[peak_i]) * 1000.0 if below.size else math.inf
    return Twitch((float(res.t[peak_i]) - _TWITCH_AT_S) * 1000.0, half, peak)


def force_frequency(sc: Scenario, rates_hz: Iterable[float]) -> np.ndarray:
    """Peak force of a 1 s stimulation train at each rate.

    Parameters
    ----------
    sc : Scenario
        Conditions; its drive settings are replaced by a 1 s nerve-stimulation train
        starting at 0.1 s (run length 1.6 s).
    rates_hz : iterable of float
        Stimulation rates (Hz), each 0-150.

    Returns
    -------
    numpy.ndarray
        Peak force at each rate (force unit).

    Raises
    ------
    ParameterError
        If ``sc`` is not a Scenario, ``rates_hz`` not a sequence of numbers, or a rate out of range.
    """
    check_scenario(sc, "force_frequency")
    rates_hz = _axis_values("force_frequency", "rates_hz", rates_hz, example="rates_hz=[10, 20, 50]")
    base = sc.replace(drive="stimulation", drive_start_s=_TWITCH_AT_S, drive_s=_TRAIN_S,
                      duration_s=_TWITCH_AT_S + _TRAIN_S + 0.5, stretch_at_s=None)
    return np.array([simulate(base.replace(rate_hz=rate)).force.max() for rate in rates_hz])


def sweep(
    sc: Scenario,
    *,
    progress: bool | Callable[[int, int], None] | None = None,
    workers: int | None = None,
    **axes: Sequence[float | str],
) -> np.ndarray:
    """Metrics over a grid of Scenario values, in parallel over processes when that pays off.

    Parameters
    ----------
    sc : Scenario
        Base scenario; every grid point is ``sc.replace(**point)``.
    progress : bool or callable, optional
        ``True``: show a progress bar (an ipywidgets bar in Jupyter, a text bar on stderr
        elsewhere). A callable is called as ``progress(done, total)`` in this process as grid
        points finish (after every point when serial, after every chunk of points when
        parallel; ``done`` only grows and ends at ``total``). ``None`` (default): a bar only
        when the sweep is long (more than about 100 simulated seconds) and someone is
        watching (Jupyter, or stderr is a terminal). ``False``: never.
    workers : int, optional, keyword-only
        Worker processes. ``None`` (default): all usable CPU cores, when the grid is large
        enough for a process pool to pay off (at least ``4 * cores`` points), else serial.
        ``1``: serial, in this process. Results are identical, bit for bit, whatever the
        number of workers (every grid point is an independent, deterministic simulation).
        Where workers are spawned rather than forked (macOS, Windows) the default stays
        serial below ~300 simulated seconds, and a script that uses workers must guard its
        entry point with ``if __name__ == "__main__":``.
    **axes : sequence
        One or more Scenario fields with the values to sweep, e.g.
        ``rate_hz=[5, 20], ca_mM=[0.7, 1.2]``. Axis order follows keyword order.

    Returns
    -------
    numpy.ndarray
        Object array of :class:`simlib.Metrics`, shape ``(len(axis1), len(axis2), ...)``.

    Raises
    ------
    ParameterError
        For an unknown field name, an invalid value or an invalid ``workers`` (before any
        simulation runs).
    KeyboardInterrupt
        Re-raised after pending work is cancelled and the worker processes are stopped.

    Notes
    -----
    Grid points that simulate identically are simulated once: those whose Scenarios differ only in
    drive fields that give the same :class:`simlib.Protocol` (the voluntary rates of one 2 Hz
    calibration step, and every voluntary rate above the motoneuron's maximal rate, about 44 Hz, get
    the same command). Their metrics, which depend on the run and its protocol only, are the same
    object. In a 60 x 60 rate x Ca²⁺ grid with voluntary drive from 1 to 100 Hz, 1 380 simulations
    serve the 3 600 points.

    Workers are started with ``fork`` on Linux: they inherit the already compiled model kernel
    and start in milliseconds. Elsewhere (``spawn``; and ``forkserver`` on Python 3.12+ when
    other threads run, as in Jupyter) each worker imports simlib and loads the compiled kernel
    from numba's on-disk cache (see :mod:`simlib.stages._jit`), which takes about a second.
    Workers ignore Ctrl-C; the parent handles it. They end with the parent even when it is killed
    (SIGTERM, SIGKILL, SIGHUP). Grid points are sent in chunks, in grid order.

    Examples
    --------
    >>> grid = sweep(Scenario(), rate_hz=[10, 20], ca_mM=[0.75, 1.2])  # doctest: +SKIP
    >>> grid[0, 1].classification  # doctest: +SKIP
    'normal'
    >>> grid = sweep(Scenario(), progress=True, rate_hz=range(1, 101), ca_mM=[0.5, 1.2, 3.0])  # doctest: +SKIP
    """
    check_scenario(sc, "sweep")
    if not axes:
        raise ParameterError("sweep() needs at least one axis, e.g. sweep(sc, rate_hz=[10, 20]).")
    for name in axes:
        if name not in Scenario.field_names():
            raise ParameterError(unknown_name_message(name, Scenario.field_names()))
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, numbers.Integral)
                                or workers < 1):
        raise ParameterError(f"'workers' must be a whole number of processes, at least 1, or None for all cores; "
                             f"got {workers!r}. Use workers=1 to run serially.")
    check_progress(progress)
    names = list(axes)
    values = [_axis_values("sweep", name, axes[name], example=f"{name}=[{getattr(sc, name)!r}]")
              for name in names]
    points = [sc.replace(**dict(zip(names, combo, strict=True))) for combo in itertools.product(*values)]
    shape = [len(v) for v in values]
    groups = _identical_runs(points)
    n_workers = _worker_count(workers, [group[0] for group in groups])
    report = progress_reporter(progress, len(points), sum(p.duration_s for p in points))
    out = np.empty(len(points), dtype=object)
    try:
        if n_workers <= 1:
            done = 0
            for group in groups:
                for i, metrics in zip(group, _group_metrics([points[i] for i in group]), strict=True):
                    out[i] = metrics
                done += len(group)
                report(done)
        else:
            _sweep_parallel(points, groups, n_workers, report, out)
    finally:
        report.close()
    return out.reshape(shape)


def _axis_values(function: str, name: str, values: object, *, example: str) -> list:
    """Return the values of one axis as a list; anything but a sequence of values is a ParameterError."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ParameterError(
            f"{function}() needs a list of values for {name!r}; got {describe_value(values, numeric=False)}. "
            f"Write, for example, {example} (one value in brackets for a single point)."
        )
    return list(values)


_NO_DRIVE = Scenario()


def _run_key(point: Scenario) -> tuple[Scenario, Protocol]:
    """Return what a run depends on: the Scenario's preparation fields and the protocol of its drive fields."""
    preparation = point.replace(**{name: getattr(_NO_DRIVE, name) for name in DRIVE_FIELDS})
    return preparation, Protocol.from_scenario(point)


def _identical_runs(points: Sequence[Scenario]) -> list[list[int]]:
    """Group grid points that simulate identically (same preparation and protocol), in grid order."""
    groups: dict[tuple[Scenario, Protocol], list[int]] = {}
    for i, point in enumerate(points):
        groups.setdefault(_run_key(point), []).append(i)
    return list(groups.values())


def _group_metrics(points: Sequence[Scenario]) -> list[Metrics]:
    """Metrics of grid points that simulate identically: one run, whose metrics serve every point."""
    metrics = simulate(points[0]).metrics()
    return [metrics] * len(points)


# ------------------------------------------------------------------------------------------ parallel sweep

#: a pool pays off from this many grid points per worker (one point takes 10-100 ms; a forked
#: worker starts in ~20 ms)
_MIN_POINTS_PER_WORKER = 4
#: ... and, where workers are spawned (~1.5 s each to import simlib and load the compiled
#: kernel from numba's cache), from this much simulated time in total (s), ~5 s of serial work
_MIN_SIMULATED_S_SPAWN = 300.0
#: simulations (groups of identically simulated points) per task, at most: small enough for a live
#: progress bar and a quick Ctrl-C, large enough to keep inter-process traffic negligible (~1 kB per Metrics)
_MAX_CHUNK = 16


def _worker_count(workers: int | None, points: Sequence[Scenario]) -> int:
    """Return the number of processes for these grid points (1 means serial, in this process)."""
    if workers is not None:
        return max(1, min(int(workers), len(points)))
    import multiprocessing

    if multiprocessing.current_process().daemon:  # inside a pool worker: no grandchildren
        return 1
    cores = usable_cores()
    if cores < 2 or len(points) < _MIN_POINTS_PER_WORKER * cores:
        return 1
    if _start_method() != "fork" and sum(p.duration_s for p in points) < _MIN_SIMULATED_S_SPAWN:
        return 1
    return cores


def _start_method() -> str:
    """Return ``fork`` on Linux (workers inherit the compiled kernel), else ``spawn``.

    From Python 3.12 on, forking a process that runs other threads (a Jupyter kernel does) is
    deprecated; there the workers come from a ``forkserver`` that has imported simlib.
    """
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform.startswith("linux"):
        if sys.version_info >= (3, 12) and threading.active_count() > 1 and "forkserver" in methods:
            return "forkserver"
        return "fork"
    return "spawn"


def _worker_init(parent_pid: int) -> None:
    """Worker start-up: leave Ctrl-C to the parent, and end when the parent ends, however it ends.

    The parent cancels the sweep and stops the workers on Ctrl-C or an error; if it is killed
    instead (SIGTERM, SIGKILL, SIGHUP, the OOM killer), :func:`simlib._system.die_with_parent`
    ends the worker within about a second rather than leaving it orphaned (~170 MB each).
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent_pid)


def _simulate_chunk(groups: list[list[Scenario]]) -> list[list[Metrics]] | _FailedPoint:
    """Worker task: metrics of a few groups of identically simulated grid points, in order."""
    try:
        return [_group_metrics(points) for points in groups]
    except SimulationError as exc:  # not picklable as such (its __init__ takes 3 arguments)
        return _FailedPoint(exc.args, exc.time_s, exc.scenario)


@dataclass(frozen=True)
class _FailedPoint:
    """A SimulationError raised in a worker, in a form that crosses the process boundary."""

    args: tuple
    time_s: float
    scenario: Scenario

    def error(self) -> SimulationError:
        exc = SimulationError.__new__(SimulationError)
        exc.args, exc.time_s, exc.scenario = self.args, self.time_s, self.scenario
        return exc


def _calibrate_commands(points: Iterable[Scenario]) -> None:
    """Calibrate the descending command of every voluntary rate here, once, before workers are forked.

    Forked workers inherit the filled cache; otherwise every worker would repeat the calibration
    (~50 ms each) of most rates, since the chunks of one rate go to different workers.
    """
    for rate, pic_gain in dict.fromkeys((p.rate_hz, p.pic_gain) for p in points if p.drive == "voluntary"):
        descending_level_mV(rate, pic_gain)


def _chunks(groups: list[list[int]], n_workers: int) -> list[list[list[int]]]:
    """Split the groups into tasks, in grid order, that shrink towards the end of the grid.

    Each task takes 1/(8 n_workers) of the groups still unassigned, at most ``_MAX_CHUNK`` and at
    least one (guided self-scheduling): the last tasks are single simulations, so the workers
    finish within about one simulation of each other instead of one whole chunk.
    """
    chunks = []
    start = 0
    while start < len(groups):
        size = max(1, min(_MAX_CHUNK, (len(groups) - start) // (8 * n_workers)))
        chunks.append(groups[start:start + size])
        start += size
    return chunks


def _sweep_parallel(points: list[Scenario], groups: list[list[int]], n_workers: int, report: Reporter,
                    out: np.ndarray) -> None:
    """Run the groups of grid points on a process pool; ``out[i]`` receives the metrics of ``points[i]``."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = _chunks(groups, n_workers)
    stop_helper_thread()  # no idle thread of ours at fork time (see _start_method)
    method = _start_method()
    if method == "fork":
        _calibrate_commands(points[group[0]] for group in groups)  # inherited by every worker
        stop_helper_thread()
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["simlib"])
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context, initializer=_worker_init,
                               initargs=(os.getpid(),))
    futures: dict[Future, int] = {}
    with terminate_on_sigterm(lambda: _pool_processes(pool)):
        _run_pool(pool, points, chunks, futures, report, out)
    pool.shutdown(wait=True)


def _pool_processes(pool: ProcessPoolExecutor) -> list:
    """Return the worker processes of ``pool`` (empty once it has shut down)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _run_pool(pool: ProcessPoolExecutor, points: list[Scenario], chunks: list[list[list[int]]],
              futures: dict[Future, int], report: Reporter, out: np.ndarray) -> None:
    """Submit the chunks and collect their metrics into ``out``; stop the pool on any exception."""
    from concurrent.futures import as_completed

    try:
        for k, part in enumerate(chunks):
            futures[pool.submit(_simulate_chunk, [[points[i] for i in group] for group in part])] = k
        done = 0
        for future in as_completed(futures):
            answer = future.result()
            if isinstance(answer, _FailedPoint):
                raise answer.error()
            for group, metrics in zip(chunks[futures[future]], answer, strict=True):
                for i, m in zip(group, metrics, strict=True):
                    out[i] = m
                done += len(group)
            report(done)
    except BaseException:
        _stop_pool(pool, futures)
        raise


def _stop_pool(pool: ProcessPoolExecutor, futures: Iterable[Future]) -> None:
    """Cancel pending chunks and stop the workers now (Ctrl-C or an error in a worker).

    Running chunks cannot be cancelled, so their processes are terminated first; the executor
    then sees a broken pool, fails what is left and joins its workers, and ``shutdown(wait=True)``
    waits for that, so that no worker outlives the call. (Shutting down first and terminating
    afterwards races with the executor's own thread joining the same processes.)
    """
    for future in futures:
        future.cancel()
    processes = _pool_processes(pool)
    for process in processes:
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)


def classification_grid(grid: np.ndarray) -> np.ndarray:
    """Classification strings of a :func:`sweep` result, same shape (array of str)."""
    return np.vectorize(lambda m: m.classification, otypes=[object])(grid)

