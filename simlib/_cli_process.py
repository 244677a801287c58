"""The command line's process: signals, swallowed interrupts and standard output (for ``simlib.__main__``).

SIGTERM and SIGHUP during an atomic write unwind the stack so that temporary files are removed
(:func:`terminate`); a Ctrl-C raised where Python cannot propagate it (a ctypes or weakref callback)
is kept and raised again at the next :func:`checkpoint`; standard output that is closed or full
becomes one :class:`OutputError` line (:class:`Stream`). :func:`take_over_ctrl_c` ends the start-up
guard of :mod:`simlib._startup`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["Terminated", "OutputError", "Stream", "signals_handled", "checkpoint", "silence_stdout",
           "take_over_ctrl_c"]


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived during a write: unwinds the stack so that every ``finally`` runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def terminate(signum: int, frame: object) -> None:
    """Raise :class:`Terminated` during an atomic write, else end the process by the signal as usual.

    The exception unwinds to the write's ``finally``, which removes its temporary files; at any other
    moment no file of ours is half written, and an exception raised at an arbitrary moment could be
    swallowed (e.g. inside a ctypes callback of the compiler).
    """
    from simlib import _fileio

    if _fileio.writing():
        raise Terminated(signum)
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


TERMINATING_SIGNALS = tuple(s for s in (getattr(signal, n, None) for n in ("SIGTERM", "SIGHUP")) if s is not None)


#: Interrupts raised where Python cannot propagate an exception (a weakref or ctypes callback, ``__del__``):
#: Python would print them as "Exception ignored" with a traceback and carry on. They are kept here and
#: raised again at the next :func:`checkpoint`.
PENDING: list[BaseException] = []


def keep_interrupts(hook_args: Any) -> None:
    if isinstance(hook_args.exc_value, KeyboardInterrupt | Terminated):
        PENDING.append(hook_args.exc_value)
        return
    sys.__unraisablehook__(hook_args)


def checkpoint() -> None:
    """Raise an interrupt that arrived where it could not propagate (see :data:`PENDING`)."""
    if PENDING:
        exc = PENDING[0]
        PENDING.clear()
        raise exc


@contextlib.contextmanager
def signals_handled() -> Iterator[None]:
    """While the command runs: SIGTERM and SIGHUP as :func:`terminate`, swallowed interrupts kept."""
    PENDING.clear()
    previous_hook, sys.unraisablehook = sys.unraisablehook, keep_interrupts
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in TERMINATING_SIGNALS:
            with contextlib.suppress(OSError, ValueError):
                previous[signum] = signal.signal(signum, terminate)
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        for signum, handler in previous.items():
            with contextlib.suppress(OSError, ValueError, TypeError):
                signal.signal(signum, handler)


class OutputError(Exception):
    """Standard output cannot be written (closed, or a full disk): one line on stderr, exit status 1."""


class Stream:
    """Standard output whose failures become :class:`OutputError`, or (``quiet``) stderr, which never raises.

    A closed stdout or ``/dev/full`` gives one line and status 1; a broken pipe stays BrokenPipeError.
    """

    def __init__(self, stream: TextIO | None, *, quiet: bool = False) -> None:
        self._stream, self._quiet = stream, quiet

    def write(self, text: str) -> int:
        return self._call("write", text) or len(text)

    def flush(self) -> None:
        self._call("flush")

    def isatty(self) -> bool:
        with contextlib.suppress(Exception):
            return bool(self._stream is not None and self._stream.isatty())
        return False

    def _call(self, method: str, *args: str) -> Any:
        try:
            if self._stream is None:
                raise OutputError("simlib: cannot write to standard output: it is closed")
            return getattr(self._stream, method)(*args)
        except BrokenPipeError:
            if self._quiet:
                return None
            raise
        except (OSError, ValueError, OutputError) as exc:  # ValueError: write to a closed file
            if self._quiet:
                return None
            if isinstance(exc, OutputError):
                raise
            reason = exc.strerror or exc if isinstance(exc, OSError) else "it is closed"
            raise OutputError(f"simlib: cannot write to standard output ({reason})") from None


def silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so that Python's final flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)


def take_over_ctrl_c() -> None:
    """Replace the start-up guard (:func:`simlib._startup.quiet_interrupt_until_main`) by Python's handler.

    The guard ends the process at once, which is right only until ``main`` can clean up after itself.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    with contextlib.suppress(OSError, ValueError):
        handler = signal.getsignal(signal.SIGINT)
        if getattr(handler, "__qualname__", "").startswith("quiet_interrupt_until_main."):
            signal.signal(signal.SIGINT, signal.default_int_handler)
