"""Export of an explorer's figure (image files and a caption) and of its traces (CSV), named after the explorer."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import simlib.widgets.captions as captions
from simlib._fileio import atomic_write
from simlib.downloads import ExportLimiter, download_links
from simlib.result import Result, write_columns_csv
from simlib.widgets.state import ExplorerState

__all__ = ["TRACE_COLUMNS", "export_columns", "export_explorer_figure", "export_traces", "offer_export", "shown_path",
           "write_traces_csv"]

#: The CSV column (heading with unit, Result attribute) of each trace panel; the spike raster has no trace.
TRACE_COLUMNS: dict[str, tuple[str, str]] = {
    "epp": ("endplate depolarisation (mV)", "epp"),
    "membrane": ("muscle membrane potential (mV)", "v_muscle"),
    "calcium": ("free myoplasmic Ca2+ (µM)", "ca_i"),
    "force": ("force (normalised)", "force"),
}


def export_explorer_figure(figure: Figure, state: ExplorerState, panels: Sequence[str], *, name: str,
                           directory: str | os.PathLike[str] | None = None, formats: Sequence[str] = ("png",),
                           dpi: int = 300, caption: str | None = None, alt_text: str | None = None) -> list[Path]:
    """Save ``figure`` with the caption, title and alt text of ``state``, using :func:`simlib.figures.export_figure`.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The explorer's figure, as it is now (saving draws it with another renderer: redraw the
        screen afterwards).
    state : simlib.widgets.state.ExplorerState
        What the figure shows (scenario and metrics for the caption and the file's metadata).
    panels : sequence of str
        The figure's panels, top to bottom (for the alt text).
    name : str
        The explorer's name: files are called ``<name>_<preset or "custom">_<date-time>[_<n>]``.
    directory : str or os.PathLike, optional
        Where to write; ``exports/`` in the current working directory by default. Created if missing.
    formats : sequence of str, default ("png",)
        File formats, as for ``export_figure``.
    dpi : int, default 300
        Resolution of raster formats (dots per inch).
    caption, alt_text : str, optional
        The figure's caption and alternative text, if not the chain explorer's words for ``state``
        (:func:`simlib.widgets.captions.caption`, :func:`simlib.widgets.captions.alt_text`).

    Returns
    -------
    list of pathlib.Path
        The files written (figure files and caption).

    Raises
    ------
    ParameterError
        If ``export_figure`` rejects the request (e.g. an unknown format).
    """
    from simlib.figures import export_figure  # only an export needs the figures module: imported on the first

    folder = Path.cwd() / "exports" if directory is None else Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _free_stem(folder, f"{name}_{state.active_preset or 'custom'}_{dt.datetime.now():%Y%m%d-%H%M%S}")
    written = export_figure(
        figure, folder / stem, formats=tuple(formats), dpi=dpi,
        caption=captions.caption(state) if caption is None else caption,
        overwrite=False, scenario=state.scenario, title=captions.export_title(state),
        alt_text=captions.alt_text(state, panels) if alt_text is None else alt_text,
    )
    return list(written)


def _free_stem(folder: Path, stem: str) -> str:
    """``stem``, or ``stem_2``, ``stem_3``... : the first that no file in ``folder`` starts with."""
    candidate, n = stem, 1
    while any(folder.glob(candidate + ".*")):
        n += 1
        candidate = f"{stem}_{n}"
    return candidate


def write_traces_csv(path: Path, traces: Sequence[tuple[str, Result]], panels: Sequence[str], *,
                     overwrite: bool = False) -> Path:
    """Write the shown traces of one or more runs as CSV, atomically: time, then one column per panel and run.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file; its directory must exist.
    traces : sequence of (str, Result)
        Each run with its label (prefixed to its columns when there are several runs). Runs with
        another time grid than the first are resampled onto it by linear interpolation (NaN outside
        their own time range).
    panels : sequence of str
        Panels shown, top to bottom; those of :data:`TRACE_COLUMNS` give a column (in that order).
    overwrite : bool, keyword-only, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        If there is no run, or the file cannot be written (the previous file is then unchanged).
    """
    from simlib.errors import ParameterError

    if not traces:
        raise ParameterError("no trace to write: run a simulation first")
    t = traces[0][1].t
    columns: dict[str, np.ndarray] = {"t (s)": t}
    for label, res in traces:
        for panel in (p for p in TRACE_COLUMNS if p in panels):
            heading, attribute = TRACE_COLUMNS[panel]
            values = getattr(res, attribute)
            if res.t.shape != t.shape or not np.array_equal(res.t, t):
                values = np.interp(t, res.t, values, left=np.nan, right=np.nan)
            columns[f"{label}: {heading}" if len(traces) > 1 else heading] = values

    atomic_write(path, lambda handle: write_columns_csv(handle, columns), overwrite=overwrite)
    return path


def export_traces(traces: Sequence[tuple[str, Result]], panels: Sequence[str], *, name: str, preset: str | None,
                  directory: str | os.PathLike[str] | None = None) -> Path:
    """Write the shown traces as ``<name>_<preset or "custom">_<date-time>[_<n>].csv`` (see :func:`write_traces_csv`).

    ``directory`` is ``exports/`` in the working directory by default (created if missing).
    """
    return write_traces_csv(_csv_target(name, preset, directory), traces, panels)


def export_columns(columns: dict[str, np.ndarray], *, name: str, preset: str | None,
                   directory: str | os.PathLike[str] | None = None) -> Path:
    """Write ``columns`` (heading with unit -> values, time first) as CSV, atomically, named as :func:`export_traces`.

    For an explorer whose traces are not Result attributes (the pool explorer's class forces and EMG).
    """
    path = _csv_target(name, preset, directory)
    atomic_write(path, lambda handle: write_columns_csv(handle, columns), overwrite=False)
    return path


def _csv_target(name: str, preset: str | None, directory: str | os.PathLike[str] | None) -> Path:
    """``<directory>/<name>_<preset or "custom">_<date-time>[_<n>].csv``, a free name (``exports/`` by default)."""
    folder = Path.cwd() / "exports" if directory is None else Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _free_stem(folder, f"{name}_{preset or 'custom'}_{dt.datetime.now():%Y%m%d-%H%M%S}")
    return folder / f"{stem}.csv"


def offer_export(write: Callable[[str | None], Sequence[Path]], *, app_mode: bool, ready: str,
                 limiter: ExportLimiter | None = None) -> tuple[str, str | None]:
    """Write files with ``write(folder)`` and return the message and download links to show.

    Parameters
    ----------
    write : callable
        Writes the files into ``folder`` (None: the default ``exports/``) and returns their paths.
    app_mode : bool
        A shared app (Voilà): the files go to a temporary folder that is removed at once, and are
        only offered as browser downloads; no server path is shown.
    ready : str
        The message in app mode, e.g. "Your traces are ready:".
    limiter : simlib.downloads.ExportLimiter, optional
        Rate limit of app-mode exports.

    Returns
    -------
    message : str
        What the page says ("Saved exports/....csv.", the refusal or the failure).
    links : str or None
        Download links (HTML); None when a rate limit refused the export (keep the last links).
    """
    refusal = limiter.refusal() if app_mode and limiter is not None else ""
    if refusal:
        return refusal, None
    try:
        if app_mode:
            with tempfile.TemporaryDirectory(prefix="msl-export-") as folder:
                written = list(write(folder))
                files = [(p.name, p.read_bytes()) for p in written]
        else:
            written = list(write(None))
            files = [(p.name, p.read_bytes()) for p in written]
    except Exception as exc:
        return f"Export failed: {type(exc).__name__}: {exc}", ""
    if not files:
        return "Nothing was written.", ""
    if app_mode:
        return ready, download_links(files)
    return "Saved " + ", ".join(shown_path(p) for p in written) + ".", download_links(files)


def shown_path(path: Path) -> str:
    """Show a written file as the page does: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
