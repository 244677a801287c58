"""Progress bars for long work (sweeps, the cramp-threshold search, the command line), on ``tqdm``.

Every long-running function takes the same ``progress`` argument:

- ``True``: show a bar (a widget in Jupyter, a one-line text bar on stderr elsewhere);
- ``False``: never;
- ``None`` (default): a bar only for long work (at least 100 simulated seconds) with someone
  watching (a Jupyter kernel, or stderr is a terminal);
- a callable: called as ``progress(done, total)`` in this process.

The bar is :mod:`tqdm`'s, chosen as ``tqdm.auto`` chooses (emcee's pattern): its ipywidgets bar in a
Jupyter kernel, its text bar (at most 10 redraws a second) in a terminal. tqdm is imported only when
a bar is shown, so ``import simlib`` does not import it. :class:`Bar` can also write one complete
line per step to a stream that is not a terminal (``log_lines=True``: the command line's output in
a log or CI), in tqdm's own format.
"""

from __future__ import annotations

import functools
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any, TextIO

from simlib.errors import ParameterError

__all__ = ["Bar", "Progress", "Reporter", "check_progress", "in_notebook", "progress_reporter"]

#: show an automatic bar (progress=None) only for work of more simulated time than this (s)
AUTO_BAR_SIMULATED_S = 100.0
#: at most this many redraws of a text bar a second (tqdm's ``mininterval``, s)
REDRAW_INTERVAL_S = 0.1

Progress = bool | Callable[[int, int], None] | None


class Reporter:
    """Calls ``progress(done, total)``; the base class reports nowhere."""

    def __init__(self, total: int, label: str = "sweep") -> None:
        self.total = total
        self.label = label

    def __call__(self, done: int) -> None:
        """Report that ``done`` of ``total`` steps are finished."""

    def describe(self, text: str) -> None:
        """Show what is being done now (e.g. the name of the figure being drawn) next to the count."""

    def close(self) -> None:
        """End the report (also called after an error or Ctrl-C)."""


class CallbackReporter(Reporter):
    """Forwards ``(done, total)`` to a user's function."""

    def __init__(self, total: int, callback: Callable[[int, int], None], label: str = "sweep") -> None:
        super().__init__(total, label)
        self.callback = callback

    def __call__(self, done: int) -> None:
        self.callback(done, self.total)


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except Exception:  # a closed or unusual stream is no terminal
        return False


@functools.cache
def _tqdm_class() -> type:
    """``tqdm.auto.tqdm`` (a widget in Jupyter, text elsewhere) without its 10-second monitor thread.

    The monitor thread would outlive the bar and run in the process that forks the sweep's workers.
    """
    with warnings.catch_warnings():  # Jupyter without ipywidgets: tqdm falls back to text and says so
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm

    return type("SimlibTqdm", (tqdm,), {"monitor_interval": 0})


class Bar(Reporter):
    """A :mod:`tqdm` progress bar: ``sweep:  45%|████▌     | 1620/3600 [00:12<00:14, 135.20run/s]``.

    Parameters
    ----------
    total : int
        Number of steps of the work.
    label : str, default "sweep"
        Name shown before the bar.
    file : text stream, optional
        Where a text bar goes; ``sys.stderr`` when omitted. Unused in Jupyter, where the bar is a
        widget in the cell's output.
    unit : str, default "run"
        What one step is (shown in the rate: ``run/s``).
    log_lines : bool, default False
        If ``file`` is not a terminal, write one complete line per step instead of redrawing one
        line in place (a log file or CI output stays readable).
    """

    def __init__(self, total: int, label: str = "sweep", *, file: TextIO | None = None, unit: str = "run",
                 log_lines: bool = False) -> None:
        super().__init__(total, label)
        self.file = sys.stderr if file is None else file
        self.unit = unit
        self.done = 0
        self._postfix = ""
        self._log = log_lines and not _isatty(self.file)
        self._start = time.perf_counter()
        self.bar: Any = None
        if not self._log:
            self.bar = _tqdm_class()(total=total, desc=label, unit=unit, file=self.file,
                                     mininterval=REDRAW_INTERVAL_S, leave=True)

    def __call__(self, done: int) -> None:
        """Move the bar to ``done`` steps."""
        step, self.done = done - self.done, done
        if self.bar is not None:
            self.bar.update(step)
        else:
            self._line()

    def describe(self, text: str) -> None:
        """Show ``text`` after the count (tqdm's postfix)."""
        self._postfix = text
        if self.bar is not None:
            self.bar.set_postfix_str(text)

    def close(self) -> None:
        """End the bar; one that did not reach ``total`` says ``stopped`` (in Jupyter it also turns red).

        With ``log_lines`` (and no terminal) nothing more is written: every step has its line, and what
        stopped the work says so itself.
        """
        if self.bar is None:
            return
        if self.done < self.total:
            self.bar.set_postfix_str(f"{self._postfix}, stopped" if self._postfix else "stopped", refresh=False)
        self.bar.close()

    def _line(self) -> None:
        from tqdm.std import tqdm

        line = tqdm.format_meter(self.done, self.total, time.perf_counter() - self._start, prefix=self.label,
                                 unit=self.unit, postfix=self._postfix or None, ascii=True)
        self.file.write(line + "\n")
        self.file.flush()


def in_notebook() -> bool:
    """Return True inside a Jupyter kernel (not in a terminal IPython)."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:  # pragma: no cover - unusual IPython
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def check_progress(progress: object) -> None:
    """Raise :class:`simlib.ParameterError` unless ``progress`` is True, False, None or a callable."""
    if not (progress is None or isinstance(progress, bool) or callable(progress)):
        raise ParameterError(f"'progress' must be True, False, None or a function progress(done, total); "
                             f"got {progress!r}.")


def progress_reporter(progress: Progress, total: int, simulated_s: float, label: str = "sweep") -> Reporter:
    """Turn a ``progress`` argument into a reporter.

    Parameters
    ----------
    progress : bool, callable or None
        See the module docstring.
    total : int
        Number of steps of the work (simulations).
    simulated_s : float
        Simulated time of the whole work (s); decides the automatic bar.
    label : str, default "sweep"
        Name shown on the bar.

    Returns
    -------
    Reporter
        Call it with the number of steps done; call ``close()`` at the end (also on error).
    """
    if callable(progress) and not isinstance(progress, bool):
        return CallbackReporter(total, progress, label)
    if progress is True:
        return Bar(total, label)
    watching = in_notebook() or _isatty(sys.stderr)
    if progress is None and simulated_s >= AUTO_BAR_SIMULATED_S and watching:
        return Bar(total, label)
    return Reporter(total, label)
