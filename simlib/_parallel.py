"""The sweep's process pool, and which grid points share one run.

Grid points whose Scenarios differ only in drive fields that give the same :class:`simlib.Protocol`
simulate identically (:func:`identical_runs`): one run serves them all (:func:`group_metrics`).
:func:`sweep_parallel` runs such groups on a pool of worker processes: ``fork`` on Linux (workers
inherit the compiled kernel and start in milliseconds), a ``forkserver`` from Python 3.12 on when
other threads run (as in Jupyter), ``spawn`` elsewhere; tasks shrink towards the end of the grid
(guided self-scheduling), and Ctrl-C, an error in a worker or SIGTERM stop every worker.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from simlib._system import die_with_parent, terminate_on_sigterm, usable_cores
from simlib.errors import SimulationError
from simlib.progress import Reporter
from simlib.protocol import DRIVE_FIELDS, Protocol
from simlib.scenario import Scenario
from simlib.simulate import simulate
from simlib.stages.drive import descending_level_mV, stop_helper_thread

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from simlib.metrics import Metrics

# multiprocessing and concurrent.futures are imported when a pool is first needed

__all__ = ["identical_runs", "group_metrics", "worker_count", "sweep_parallel"]

_NO_DRIVE = Scenario()


def _run_key(point: Scenario) -> tuple[Scenario, Protocol]:
    """Return what a run depends on: the Scenario's preparation fields and the protocol of its drive fields."""
    preparation = point.replace(**{name: getattr(_NO_DRIVE, name) for name in DRIVE_FIELDS})
    return preparation, Protocol.from_scenario(point)


def identical_runs(points: Sequence[Scenario]) -> list[list[int]]:
    """Group grid points that simulate identically (same preparation and protocol), in grid order."""
    groups: dict[tuple[Scenario, Protocol], list[int]] = {}
    for i, point in enumerate(points):
        groups.setdefault(_run_key(point), []).append(i)
    return list(groups.values())


def group_metrics(points: Sequence[Scenario]) -> list[Metrics]:
    """Metrics of grid points that simulate identically: one run, whose metrics serve every point."""
    metrics = simulate(points[0]).metrics()
    return [metrics] * len(points)


#: a pool pays off from this many grid points per worker (one point takes 10-100 ms; a forked
#: worker starts in ~20 ms)
_MIN_POINTS_PER_WORKER = 4
#: ... and, where workers are spawned (~1.5 s each to import simlib and load the compiled
#: kernel from numba's cache), from this much simulated time in total (s), ~5 s of serial work
_MIN_SIMULATED_S_SPAWN = 300.0
#: simulations (groups of identically simulated points) per task, at most: small enough for a live
#: progress bar and a quick Ctrl-C, large enough to keep inter-process traffic negligible (~1 kB per Metrics)
_MAX_CHUNK = 16


def worker_count(workers: int | None, points: Sequence[Scenario]) -> int:
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
        return [group_metrics(points) for points in groups]
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


def sweep_parallel(points: list[Scenario], groups: list[list[int]], n_workers: int, report: Reporter,
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
