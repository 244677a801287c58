"""Browser downloads for the explorers' exports, and the limits of a shared (Voilà) app.

An explorer's Export writes its figure and caption with :func:`simlib.figures.export_figure`. In
JupyterLab the files land next to the notebook, on the learner's own computer or server account.
On a shared app (``make app`` over a classroom network), the server is not the visitor's: the
files must reach the visitor's browser instead. :func:`download_links` turns files into HTML
links that carry the files themselves (``data:`` URLs with a ``download`` attribute), so a click
saves them in the browser without any server path, and :class:`ExportLimiter` keeps one visitor
from making the shared kernel render exports back to back.

This module needs only the standard library.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

__all__ = ["APP_EXPORT_LIMIT", "EXPORT_MIN_INTERVAL_S", "ExportLimiter", "download_links", "in_voila"]

#: Shortest time between two exports in app mode (s).
EXPORT_MIN_INTERVAL_S = 2.0
#: Exports one app session (one page load, one kernel) may make.
APP_EXPORT_LIMIT = 20
#: Environment variables that Voilà sets in the kernels it starts (voila.utils.ENV_VARIABLE).
_VOILA_VARIABLES = ("VOILA_KERNEL_ID", "VOILA_SERVER_URL", "VOILA_BASE_URL", "VOILA_APP_PORT", "VOILA_PREHEAT")
_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".pdf": "application/pdf", ".toml": "text/plain"}


def in_voila(environ: Mapping[str, str] | None = None) -> bool:
    """Tell whether this kernel was started by Voilà (a shared app rather than a notebook).

    Parameters
    ----------
    environ : mapping of str to str, optional
        Environment to look at; ``os.environ`` by default.

    Returns
    -------
    bool
        True if any of the variables Voilà sets in its kernels (``VOILA_KERNEL_ID``,
        ``VOILA_SERVER_URL``, ...) is present.
    """
    env = os.environ if environ is None else environ
    return any(name in env for name in _VOILA_VARIABLES)


def _label(path: Path) -> str:
    if path.name.endswith(".caption.toml"):
        return "caption (TOML)"
    if path.suffix == ".csv":
        return "data (CSV)"
    return f"figure ({path.suffix.lstrip('.').upper()})"


def download_links(files: Iterable[tuple[str, bytes]]) -> str:
    """HTML links that save files in the visitor's browser, with the files inside the links.

    Parameters
    ----------
    files : iterable of (str, bytes)
        File name (no directory: it is what the browser saves as) and content.

    Returns
    -------
    str
        ``<a download="name" href="data:...;base64,...">`` links, one per file, separated by
        " · "; empty for no files.
    """
    links = []
    for name, content in files:
        path = Path(name)
        kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = base64.b64encode(content).decode("ascii")
        links.append(
            f'<a class="msl-download" download="{html.escape(path.name)}" href="data:{kind};base64,{data}" '
            f'title="Save {html.escape(path.name)}">Download {html.escape(_label(path))}</a>'
        )
    return " \N{MIDDLE DOT} ".join(links)


class ExportLimiter:
    """At most one export per ``min_interval_s`` and ``limit`` exports in all (one app session).

    Parameters
    ----------
    min_interval_s : float, default EXPORT_MIN_INTERVAL_S
        Shortest time between two allowed exports (s).
    limit : int, default APP_EXPORT_LIMIT
        Exports allowed in all.
    clock : callable, optional
        Returns the time in seconds (``time.monotonic`` by default; tests pass their own).
    """

    def __init__(self, min_interval_s: float = EXPORT_MIN_INTERVAL_S, limit: int = APP_EXPORT_LIMIT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.min_interval_s = float(min_interval_s)
        self.limit = int(limit)
        self.count = 0
        self._clock = clock
        self._last: float | None = None

    def refusal(self) -> str:
        """Why an export now is not allowed, in words for the visitor; "" if it is (and count it)."""
        if self.count >= self.limit:
            return (f"This shared app makes at most {self.limit} exports per visit, and they have all been "
                    "used. Reload the page to start a new visit.")
        now = self._clock()
        if self._last is not None and now - self._last < self.min_interval_s:
            wait = self.min_interval_s - (now - self._last)
            return f"One export every {self.min_interval_s:g} s on a shared app: try again in {wait:.1f} s."
        self._last = now
        self.count += 1
        return ""
