"""Chain runs of a pool made side by side on threads when a core is spare (the same runs as one at a time).

The compiled integrator releases the GIL, so two independent chain runs on two threads take about the
time of one. A pool run uses threads only when :func:`threads_free`: a spare core, not inside a sweep's
worker processes (every core is already busy there) and runs of at most :data:`THREADED_MAX_S`
(Ctrl-C stops the waiting main thread at once, but a run already started on a thread finishes first).
The callers enter the results in their memo in the order of making them one at a time.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Hashable, Iterator, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from simlib._system import usable_cores

__all__ = ["THREADED_MAX_S", "THREADS", "beside", "made_on_threads", "memoised_runs", "threads_free"]

#: threads that make a pool run's independent chain runs (when :func:`threads_free`; results are the same)
THREADS = 2
#: longest run (s) whose chain runs share threads: Ctrl-C waits for the runs already started
THREADED_MAX_S = 5.0

_T = TypeVar("_T")


@contextmanager
def beside(make: Callable[[], _T], threaded: bool) -> Iterator[Callable[[], _T]]:
    """Run ``make()`` on a thread beside the block (when ``threaded``); the block calls what it is given for the result.

    Without ``threaded`` the result is made when asked for. The thread has ended when the block does.
    """
    if not threaded:
        yield make
        return
    with ThreadPoolExecutor(1, thread_name_prefix="simlib-pool") as pool:
        future = pool.submit(make)
        try:
            yield future.result
        finally:
            future.cancel()  # the block failed before asking: do not start it


def threads_free(duration_s: float) -> bool:
    """Whether a pool run's independent chain runs may share :data:`THREADS` threads.

    Only with a spare core, outside a sweep's worker processes (every core already busy) and for runs
    of at most :data:`THREADED_MAX_S`: Ctrl-C stops the waiting thread at once, but a run already on a
    thread finishes first.
    """
    return (duration_s <= THREADED_MAX_S and usable_cores() >= THREADS
            and not multiprocessing.current_process().daemon)


def made_on_threads(make: Callable[[Any], _T], jobs: list[Any]) -> list[_T]:
    """Return ``[make(job) for job in jobs]``, made on :data:`THREADS` threads (none left running after)."""
    with ThreadPoolExecutor(THREADS, thread_name_prefix="simlib-pool") as pool:
        futures = [pool.submit(make, job) for job in jobs]
        try:
            return [future.result() for future in futures]
        except BaseException:  # Ctrl-C or an error: start no further run
            for future in futures:
                future.cancel()
            raise


def memoised_runs(keys: Sequence[Hashable], jobs: Sequence[Any], memo: MutableMapping[Any, _T],
                  make: Callable[[Any], _T], threaded: bool) -> list[_T]:
    """Return ``make(job)`` for every job, from ``memo`` under its key or made and entered there.

    The jobs not in ``memo`` are made first, on :data:`THREADS` threads when ``threaded`` (usually
    :func:`threads_free`) and more than one is missing, then entered in ``memo`` in the jobs' order:
    the runs and the memo are those of making them one at a time (a job dropped from a small memo
    meanwhile is made again, as one at a time would).
    """
    missing = {key: job for key, job in zip(keys, jobs, strict=True) if key not in memo}
    made = (dict(zip(missing, made_on_threads(make, list(missing.values())), strict=True))
            if threaded and len(missing) > 1 else {})
    out = []
    for key, job in zip(keys, jobs, strict=True):
        if key not in memo:
            memo[key] = made.pop(key) if key in made else make(job)
        out.append(memo[key])
    return out
