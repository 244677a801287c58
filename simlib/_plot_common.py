"""What the plot modules share: trace colours, axis labels, axes finishing, the drive window and stretch mark.

Private to :mod:`simlib.plotting`, :mod:`simlib.raster` and :mod:`simlib.figures`; the public
helpers :func:`shade_drive` and :func:`mark_stretch` are re-exported by :mod:`simlib.plotting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from simlib.palette import (
    BLACK,
    BLUE,
    BLUISH_GREEN,
    DRIVE_ALPHA,
    DRIVE_SHADE,
    ORIGIN_COLOURS,
    REDDISH_PURPLE,
    STYLE,
    VERMILLION,
)
from simlib.palette import new_axes as _new_axes

if TYPE_CHECKING:
    from simlib.result import Result

__all__ = ["COLOURS", "FORCE_LABEL", "TIME_LABEL", "drive_window", "finish_axes", "force_ylim", "is_outer",
           "mark_stretch", "shade_and_mark", "shade_drive", "stretch_segment"]

#: What each trace shows; the key is the Result attribute and the artist's gid.
COLOURS = {
    "force": BLUE,
    "v_muscle": VERMILLION,
    "ca_i": BLUISH_GREEN,
    "epp": REDDISH_PURPLE,
    "motoneuron_spikes": BLUE,
    "ectopic_spikes": ORIGIN_COLOURS["ectopic"],
    "muscle_spikes": BLACK,
}
FORCE_LABEL = "Force (normalised;\n1 = max. tetanus)"
TIME_LABEL = "Time (s)"


def is_outer(ax: Axes, axis: str) -> bool:
    """Whether ``ax`` labels its ``axis``: not an inner panel of subplots sharing that axis."""
    spec = ax.get_subplotspec()
    shared = ax.get_shared_x_axes() if axis == "x" else ax.get_shared_y_axes()
    if spec is None or len(shared.get_siblings(ax)) < 2:
        return True
    return spec.is_last_row() if axis == "x" else spec.is_first_col()


def finish_axes(ax: Axes, res: Result, ylabel: str, xlabel: bool = True) -> None:
    """Set labels, time limits and tick sizes that persist after the style context exits.

    Inner panels of subplots with a shared axis get no label on it (matplotlib already hides
    their tick labels), so stacked panels do not repeat "Time (s)" above unlabelled ticks.
    """
    ax.set_ylabel(ylabel if is_outer(ax, "y") else "")
    if xlabel and is_outer(ax, "x"):
        ax.set_xlabel(TIME_LABEL)
    ax.set_xlim(float(res.t[0]), float(res.t[-1]))
    # Ticks are created lazily at draw time, outside the style context: fix their size here.
    ax.tick_params(labelsize=STYLE["xtick.labelsize"])


def drive_window(res: Result) -> tuple[float, float] | None:
    """Start and end (s) of the drive inside the run, or None if there is no drive."""
    sc = res.scenario
    start = float(sc.drive_start_s)
    end = min(start + float(sc.drive_s), float(res.t[-1]))
    if sc.rate_hz <= 0 or sc.drive_s <= 0 or end <= start:
        return None
    return start, end


def shade_drive(res: Result, ax: Axes | None = None) -> Rectangle:
    """Shade the time window during which the drive (command or stimulator) is on.

    Parameters
    ----------
    res : simlib.Result
        Its ``scenario.drive_start_s`` (s), ``drive_s`` (s) and ``rate_hz`` (Hz) set the window;
        with ``rate_hz == 0`` or ``drive_s == 0`` the patch is drawn invisible.
    ax : matplotlib.axes.Axes, optional
        Axes with time (s) on x; a new figure is created when None.

    Returns
    -------
    matplotlib.patches.Rectangle
        The patch (gid ``"drive"``, label ``"drive on"``), spanning the full height of ``ax``.
    """
    ax = _new_axes() if ax is None else ax
    window = drive_window(res)
    start, end = window if window is not None else (0.0, 0.0)
    patch = Rectangle(
        (start, 0.0), end - start, 1.0, transform=ax.get_xaxis_transform(), facecolor=DRIVE_SHADE,
        alpha=DRIVE_ALPHA, edgecolor="none", zorder=0, label="drive on", gid="drive",
    )
    patch.set_visible(window is not None)
    ax.add_patch(patch)
    return patch


def stretch_segment(at_s: float | None) -> list[list[tuple[float, float]]]:
    x = 0.0 if at_s is None else float(at_s)
    return [[(x, 0.0), (x, 1.0)]]


def mark_stretch(res: Result, ax: Axes | None = None, *, always: bool = False) -> LineCollection | None:
    """Mark the time of the imposed stretch with a dashed vertical line over the full height of ``ax``.

    Parameters
    ----------
    res : simlib.Result
        Its ``scenario.stretch_at_s`` (s) is the stretch time; None means no stretch.
    ax : matplotlib.axes.Axes, optional
        Axes with time (s) on x; a new figure is created when None.
    always : bool, default False
        Draw the line (invisible) even without a stretch, so that :func:`update_plot` can show it
        for a later Result that has one (interactive figures add no artists after the first draw).

    Returns
    -------
    matplotlib.collections.LineCollection or None
        The line (gid ``"stretch"``, label ``"stretch"``; a collection, not a Line2D, so that
        ``ax.get_lines()`` still holds only data traces), or None when there is no stretch and
        ``always`` is False.
    """
    ax = _new_axes() if ax is None else ax
    at = res.scenario.stretch_at_s
    if at is None and not always:
        return None
    line = LineCollection(stretch_segment(at), colors=BLACK, linestyles="--", linewidths=1.2, zorder=1.5,
                          transform=ax.get_xaxis_transform(), label="stretch", gid="stretch")
    line.set_visible(at is not None)
    ax.add_collection(line, autolim=False)
    return line


def shade_and_mark(res: Result, ax: Axes) -> None:
    shade_drive(res, ax)
    mark_stretch(res, ax)


def force_ylim(*forces: np.ndarray) -> tuple[float, float]:
    """Force axis from 0 to at least 1 (the healthy maximal tetanus) and above every trace, so runs compare by eye.

    Parameters
    ----------
    *forces : numpy.ndarray
        Force traces (normalised: 1 is the healthy maximal tetanus) that the axis must hold.

    Returns
    -------
    tuple of float
        ``(bottom, top)``: -0.03 and 1.08 times the larger of 1 and the highest force.
    """
    return -0.03, 1.08 * max([1.0] + [float(np.max(f, initial=0.0)) for f in forces])
