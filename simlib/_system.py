"""What the machine offers this process (usable CPU cores), Ctrl-C around compiled code, worker lifetimes.

Ctrl-C and Jupyter's "Interrupt kernel" send SIGINT. Python's handler raises ``KeyboardInterrupt``
at the next bytecode the main thread runs; when that moment falls inside numba's boxing of a
compiled function's result, the process gets ``SystemError: CPUDispatcher(...) returned a result
with an exception set`` or, while the kernel is still being loaded, a segmentation fault (numba
issue #2324). :func:`deferred_interrupt` therefore replaces the handler, for the time compiled
code runs, by one that only *records* the signal, and delivers it (a clean ``KeyboardInterrupt``
from the previous handler) when the block ends. :func:`run_interruptible` runs a long
integration in a helper thread while the main thread waits: the recording handler then runs at
once, sets the flag the integrator polls, and the integration returns within about a millisecond
(short runs stay in the calling thread, and Ctrl-C waits for their end, tens of milliseconds).

Sweep workers use :func:`die_with_parent` and :func:`terminate_on_sigterm` so that no worker
outlives a parent that is killed; the command line can use :func:`quiet_interrupt_until_main`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from simlib._startup import quiet_interrupt_until_main

__all__ = ["usable_cores", "deferred_interrupt", "run_interruptible", "interrupt_requested", "die_with_parent",
           "terminate_on_sigterm", "quiet_interrupt_until_main"]

T = TypeVar("T")


def usable_cores() -> int:
    """Return how many CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class _Interrupted(BaseException):
    """Raised inside a deferral to unwind to its outermost level, which delivers the recorded Ctrl-C."""


#: the flag compiled code polls (non-zero: Ctrl-C was pressed during the current deferral)
_FLAG = np.zeros(1, dtype=np.int64)
_depth = 0
#: how often the waiting main thread wakes up to run Python's signal handlers (s)
_POLL_S = 0.005


def _record(signum: int, frame: object) -> None:
    """SIGINT handler during a deferral: remember the signal, raise nothing."""
    _FLAG[0] = 1


def _deliver(previous: Any) -> None:
    """Do what the handler in place before the deferral would have done with SIGINT."""
    if callable(previous):
        previous(signal.SIGINT, None)  # Python's default_int_handler, and IPython's: KeyboardInterrupt
    elif previous == signal.SIG_DFL:
        signal.raise_signal(signal.SIGINT)


@contextmanager
def deferred_interrupt() -> Iterator[np.ndarray]:
    """Defer Ctrl-C (SIGINT) until the block ends; yields the flag that records it.

    On the main thread, the SIGINT handler is replaced for the block by one that only sets
    ``flag[0] = 1``; at the end the previous handler is put back and, if the signal came, called
    (it raises ``KeyboardInterrupt`` in Python, the Jupyter kernel and the command line). Nested
    blocks share the outermost one. Elsewhere (another thread, SIGINT ignored or set outside
    Python) nothing changes and the flag yielded is never set.

    Yields
    ------
    numpy.ndarray
        One-element int64 flag, non-zero once SIGINT arrived (polled by the integrator).

    Raises
    ------
    KeyboardInterrupt
        At the end of the outermost block, if SIGINT arrived during it (through the previous handler).
    """
    global _depth
    on_main = threading.current_thread() is threading.main_thread()
    if on_main and _depth:
        _depth += 1
        try:
            yield _FLAG
        finally:
            _depth -= 1
        return
    previous: Any = None
    if on_main:
        try:
            previous = signal.getsignal(signal.SIGINT)
            if previous is not None and previous != signal.SIG_IGN:
                _FLAG[0] = 0
                signal.signal(signal.SIGINT, _record)
            else:
                previous = None
        except (ValueError, OSError):  # not the main interpreter
            previous = None
    if previous is None:
        yield np.zeros(1, dtype=np.int64)
        return
    _depth = 1
    error: BaseException | None = None
    try:
        yield _FLAG
    except BaseException as exc:  # re-raised below, once the handler is back
        error = exc
    finally:
        _depth = 0
        signal.signal(signal.SIGINT, previous)
        pending, _FLAG[0] = bool(_FLAG[0]), 0
    if isinstance(error, _Interrupted) or (pending and not isinstance(error, KeyboardInterrupt)):
        try:
            _deliver(previous)
            if isinstance(error, _Interrupted):  # the previous handler did not raise: stop anyway
                raise KeyboardInterrupt
        except BaseException as delivered:
            if isinstance(error, _Interrupted):  # no "during handling of _Interrupted ..." in the traceback
                delivered.__suppress_context__ = True
            raise
    if error is not None:
        raise error


def interrupt_requested() -> None:
    """Inside :func:`deferred_interrupt`: stop now (unwinding to the outermost block) if Ctrl-C was pressed."""
    if _depth and _FLAG[0]:
        raise _Interrupted


def run_interruptible(function: Callable[..., T], *args: Any, helper_thread: bool = True) -> T:
    """Return ``function(*args, flag)``, run so that Ctrl-C stops it cleanly and soon.

    ``function`` gets the interrupt flag as its last argument and should return soon after
    ``flag[0]`` becomes non-zero (the compiled integrator polls it). On the main thread, with
    ``helper_thread``, it runs in a helper thread while this thread waits, with SIGINT deferred
    (:func:`deferred_interrupt`): the signal sets the flag at once, and ``KeyboardInterrupt`` is
    raised here once ``function`` has returned (its result is dropped). Starting the thread costs
    ~0.1-0.5 ms, so short runs pass ``helper_thread=False``: they run here, SIGINT deferred until
    they end. Off the main thread ``function`` is simply called.

    Raises
    ------
    KeyboardInterrupt
        If SIGINT arrived while ``function`` ran.
    """
    with deferred_interrupt() as flag:
        if flag is not _FLAG or not helper_thread:
            result = function(*args, flag)
            interrupt_requested()
            return result
        interrupt_requested()
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["value"] = function(*args, flag)
            except BaseException as exc:  # handed to the waiting thread
                box["error"] = exc

        helper = threading.Thread(target=target, name="simlib-kernel", daemon=True)
        helper.start()
        try:
            # waking up every few ms: the OS may deliver SIGINT to another thread (the helper), and
            # Python runs the handler, which sets the flag, only when this thread runs
            while helper.is_alive():
                helper.join(_POLL_S)
                if _FLAG[0]:
                    helper.join()
        except BaseException:  # another signal's handler raised: stop the helper, then pass it on
            flag[0] = 1
            helper.join()
            raise
        interrupt_requested()
        if "error" in box:
            raise box.pop("error")
        return box["value"]


# ------------------------------------------------------------------------------------------ worker processes

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int, poll_s: float = 0.5) -> None:
    """Make this (worker) process end soon after the process ``parent_pid`` ends, even by SIGKILL.

    On Linux the kernel sends SIGTERM to this process when its parent dies
    (``prctl(PR_SET_PDEATHSIG)``); whether the parent died before that took effect is checked
    right after. Everywhere, a daemon thread checks every ``poll_s`` seconds that the parent is
    alive (this process was not re-parented, and multiprocessing's parent sentinel is still open)
    and ends the process otherwise: the portable fallback, also for ``forkserver`` workers, whose
    direct parent is the fork server.

    Parameters
    ----------
    parent_pid : int
        Process id of the process that started the pool (``os.getpid()`` there).
    poll_s : float
        Interval of the watchdog's check (s).
    """
    start_ppid = os.getppid()
    if sys.platform.startswith("linux") and start_ppid == parent_pid:
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl in this libc
            pass

    def parent_alive() -> bool:
        if os.getppid() != start_ppid:  # re-parented: the process that forked us is gone
            return False
        import multiprocessing

        parent = multiprocessing.parent_process()
        return parent is None or parent.pid != parent_pid or parent.is_alive()

    if not parent_alive() or (start_ppid != parent_pid and not _pid_exists(parent_pid)):
        os._exit(1)

    def watch() -> None:
        while parent_alive():
            time.sleep(poll_s)
        os._exit(1)

    threading.Thread(target=watch, name="simlib-parent-watchdog", daemon=True).start()


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


@contextmanager
def terminate_on_sigterm(processes: Callable[[], Iterator[Any]]) -> Iterator[None]:
    """While the block runs (main thread only), SIGTERM first terminates ``processes()``, then acts as before.

    The handler sends SIGTERM to each worker process yielded by ``processes()`` (objects with
    ``terminate()``), puts the previous handler back and raises the signal again, so the default
    action (ending this process) still happens, without leaving orphaned workers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.getsignal(signal.SIGTERM)
    except (ValueError, OSError):  # pragma: no cover
        previous = None
    if previous is None or previous == signal.SIG_IGN:
        yield
        return

    def handler(signum: int, frame: object) -> None:
        for process in processes():
            try:
                process.terminate()
            except (OSError, ValueError, AttributeError):
                pass
        signal.signal(signal.SIGTERM, previous)
        if callable(previous):
            previous(signum, frame)
        else:
            signal.raise_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGTERM) is handler:
            signal.signal(signal.SIGTERM, previous)
