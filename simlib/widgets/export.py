"""Export of an explorer's figure: the image files and a caption, named after the explorer and its preset."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

import simlib.widgets.captions as captions
from simlib.widgets.state import ExplorerState

__all__ = ["export_explorer_figure"]


def export_explorer_figure(figure: Figure, state: ExplorerState, panels: Sequence[str], *, name: str,
                           directory: str | os.PathLike[str] | None = None, formats: Sequence[str] = ("png",),
                           dpi: int = 300) -> list[Path]:
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
        figure, folder / stem, formats=tuple(formats), dpi=dpi, caption=captions.caption(state),
        overwrite=False, scenario=state.scenario, title=captions.export_title(state),
        alt_text=captions.alt_text(state, panels),
    )
    return list(written)


def _free_stem(folder: Path, stem: str) -> str:
    """``stem``, or ``stem_2``, ``stem_3``... : the first that no file in ``folder`` starts with."""
    candidate, n = stem, 1
    while any(folder.glob(candidate + ".*")):
        n += 1
        candidate = f"{stem}_{n}"
    return candidate
