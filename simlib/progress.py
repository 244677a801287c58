"""Progress bars for long work (sweeps, the cramp-threshold search): in a notebook or a terminal.

Every long-running function takes the same ``progress`` argument:

- ``True``: show a bar (an ipywidgets bar in Jupyter, a one-line text bar on stderr elsewhere);
- ``False``: never;
- ``None`` (default): a bar only for long work (at least 100 simulated seconds) with someone
  watching (a Jupyter kernel, or stderr is a terminal);
- a callable: called as ``progress(done, total)`` in this process.

The bars are light: at most 10 text redraws a second; ipywidgets is imported only in Jupyter.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import TextIO

from simlib.errors import ParameterError

__all__ = ["Reporter", "check_progress", "progress_reporter"]

#: show an automatic bar (progress=None) only for work of more simulated time than this (s)
AUTO_BAR_SIMULATED_S = 100.0

Progress = bool | Callable[[int, int], None] | None


class Reporter:
    """Calls ``progress(done, total)``; the base class reports nowhere."""

    def __init__(self, total: int, label: str = "sweep") -> None:
        self.total = total
        self.label = label

    def __call__(self, done: int) -> None:
        """Report that ``done`` of ``total`` steps are finished."""

    def close(self) -> None:
        """End the report (also called after an error or Ctrl-C)."""


class CallbackReporter(Reporter):
    """Forwards ``(done, total)`` to a user's function."""

    def __init__(self, total: int, callback: Callable[[int, int], None], label: str = "sweep") -> None:
        super().__init__(total, label)
        self.callback = callback

    def __call__(self, done: int) -> None:
        self.callback(done, self.total)


class TextBar(Reporter):
    """``sweep [#########-----------]  45% 1620/3600 12 s`` on stderr, redrawn in place."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO | None = None, label: str = "sweep") -> None:
        super().__init__(total, label)
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.perf_counter()
        self.last_draw = -math.inf
        self.done = 0
        self(0)

    def __call__(self, done: int) -> None:
        self.done = done
        now = time.perf_counter()
        if done < self.total and now - self.last_draw < 0.1:  # at most 10 redraws a second
            return
        self.last_draw = now
        frac = done / self.total if self.total else 1.0
        filled = int(round(self.WIDTH * frac))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {100 * frac:3.0f}% {done}/{self.total} {now - self.start:.0f} s")
        self.stream.flush()

    def close(self) -> None:
        if self.done < self.total:
            self.stream.write(" (stopped)")
        self.stream.write("\n")
        self.stream.flush()


class WidgetBar(Reporter):
    """An ipywidgets ``IntProgress`` with a label, displayed in the notebook cell."""

    def __init__(self, total: int, label: str = "sweep") -> None:
        super().__init__(total, label)
        import ipywidgets
        from IPython.display import display

        self.bar = ipywidgets.IntProgress(value=0, min=0, max=max(total, 1), description=label)
        self.text = ipywidgets.Label(f"0/{total}")
        self.start = time.perf_counter()
        display(ipywidgets.HBox([self.bar, self.text]))

    def __call__(self, done: int) -> None:
        self.bar.value = done
        self.text.value = f"{done}/{self.total}  {time.perf_counter() - self.start:.0f} s"

    def close(self) -> None:
        self.bar.bar_style = "success" if self.bar.value >= self.total else "warning"


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


def _bar(total: int, label: str) -> Reporter:
    if in_notebook():
        try:
            return WidgetBar(total, label)
        except ImportError:  # ipywidgets not installed: fall back to text (it shows in the cell output)
            pass
    return TextBar(total, label=label)


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
        return _bar(total, label)
    watching = in_notebook() or bool(getattr(sys.stderr, "isatty", lambda: False)())
    if progress is None and simulated_s >= AUTO_BAR_SIMULATED_S and watching:
        return _bar(total, label)
    return Reporter(total, label)
