"""Spike rasters of a :class:`simlib.Result`: nerve and muscle spikes by row, and nerve spikes by origin.

:func:`plot_spike_raster` draws three rows (nerve impulses from the spinal cord or stimulator,
each coloured by its origin; ectopic nerve impulses; muscle action potentials);
:func:`plot_spike_origins` draws one row per origin over the force they produce. Both follow the
conventions of :mod:`simlib.plotting` (ax in, ax out; artists named by gid, updated in place by
:func:`simlib.plotting.update_plot`), which re-exports every public name of this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import EventCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator, MaxNLocator

from simlib._plot_common import COLOURS, finish_axes, force_ylim, shade_and_mark
from simlib.palette import DRIVE_ALPHA, DRIVE_SHADE, ORIGIN_COLOURS, ORIGIN_LABELS, apply_style
from simlib.palette import new_axes as _new_axes

if TYPE_CHECKING:
    from simlib.result import Result

__all__ = ["ORIGIN_ROWS", "plot_spike_origins", "plot_spike_raster", "spike_legend_handles"]

_SPIKE_ROWS = (  # (gid, row label, legend label), top to bottom in the order the signal travels
    ("motoneuron_spikes", "Nerve", "nerve: from spinal cord or stimulator"),
    ("ectopic_spikes", "Ectopic", "nerve: ectopic"),
    ("muscle_spikes", "Muscle", "muscle fibre"),
)


def _spike_row(res: Result, gid: str) -> tuple[np.ndarray, list[str]]:
    """Spike times (s) of one raster row and a colour per spike.

    The nerve row holds every non-ectopic nerve spike, coloured by its origin (:data:`ORIGIN_COLOURS`).
    """
    if gid.startswith("origin:"):
        origin = gid.split(":", 1)[1]
        return np.asarray(res.spikes_from(origin), dtype=float), [ORIGIN_COLOURS[origin]]
    if gid != "motoneuron_spikes":
        return np.asarray(getattr(res, gid), dtype=float), [COLOURS[gid]]
    origins = res.nerve_spike_origins
    if origins is None:
        return np.setdiff1d(res.nerve_spikes, res.ectopic_spikes), [COLOURS[gid]]
    keep = origins != "ectopic"
    colours = [ORIGIN_COLOURS.get(str(o), COLOURS[gid]) for o in origins[keep]]
    return np.asarray(res.nerve_spikes, dtype=float)[keep], colours or [COLOURS[gid]]


def set_spike_row(coll: EventCollection, res: Result) -> None:
    """Give one raster row (an EventCollection drawn here, found by its gid) the spikes of ``res``."""
    times, colours = _spike_row(res, str(coll.get_gid()))
    coll.set_positions(times)
    coll.set_color(colours)


def _origin_key(colour: str, label: str) -> Line2D:
    """Legend proxy of a spike colour: a short vertical tick."""
    return Line2D([], [], color=colour, marker="|", ls="none", markersize=10, markeredgewidth=1.8, label=label)


def spike_legend_handles() -> list[Line2D]:
    """Legend entries of the spike colours: one per origin, as the rasters draw them.

    Returns
    -------
    list of matplotlib.lines.Line2D
        Proxy artists (command/stimulus, reflex, self-sustained, ectopic, muscle AP).
    """
    return [_origin_key(ORIGIN_COLOURS[origin], label) for origin, label in ORIGIN_LABELS]


def plot_spike_raster(res: Result, ax: Axes | None = None, *, shade: bool = True,
                      legend_columns: int | None = None) -> Axes:
    """Plot nerve and muscle action potentials as a raster, one row per origin.

    Rows, top to bottom: nerve impulses that came from the spinal motoneuron or the
    stimulator (every non-ectopic nerve spike, each coloured by its origin: command or stimulus,
    reflex, self-sustained; see :data:`ORIGIN_COLOURS`), nerve impulses that started in the
    peripheral axon (``res.ectopic_spikes``, the sign of hyperexcitability), and muscle action
    potentials (``res.muscle_spikes``).

    Parameters
    ----------
    res : simlib.Result
        Simulation result; spike times in s.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.
    shade : bool, default True
        Shade the drive window (see :func:`shade_drive`) and mark a stretch (:func:`mark_stretch`).
    legend_columns : int, optional
        Columns of the legend above the axes; 3 (two rows of the six entries) when None. One row
        (6) needs about 8.5 in.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with three :class:`~matplotlib.collections.EventCollection` rows (gids
        ``"motoneuron_spikes"``, ``"ectopic_spikes"``, ``"muscle_spikes"``; update with
        ``set_positions``) and a legend (drive window, then one entry per spike colour).
    """
    ax = _new_axes(figsize=(7.0, 2.4)) if ax is None else ax
    with apply_style():
        if shade:
            shade_and_mark(res, ax)
        offsets = np.arange(len(_SPIKE_ROWS))[::-1]
        collections = ax.eventplot([np.empty(0)] * len(_SPIKE_ROWS), lineoffsets=offsets, linelengths=0.7,
                                   linewidths=1.5)
        for coll, (gid, _, label) in zip(collections, _SPIKE_ROWS, strict=True):
            coll.set_gid(gid)
            coll.set_label(label)
            set_spike_row(coll, res)
        ax.set_yticks(offsets, [row for _, row, _ in _SPIKE_ROWS])
        ax.set_ylim(-0.6, len(_SPIKE_ROWS) - 0.4)
        ax.grid(False, axis="y")
        finish_axes(ax, res, "")
        # A proxy swatch, so the legend entry shows even while the drive patch is hidden (no drive).
        drive_key = Rectangle((0.0, 0.0), 1.0, 1.0, facecolor=DRIVE_SHADE, alpha=DRIVE_ALPHA, label="drive on")
        keys = [drive_key, *spike_legend_handles()]
        ax.legend(handles=keys, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=legend_columns or 3,
                  borderaxespad=0.1, handlelength=1.0, handletextpad=0.4, columnspacing=0.9)
    return ax


#: raster rows of :func:`plot_spike_origins`, top to bottom: (origin, row label, colour)
ORIGIN_ROWS = tuple((origin, label, ORIGIN_COLOURS[origin]) for origin, label in (
    ("stimulator", "stimulator"), ("commanded", "motoneuron: commanded"), ("reflex", "motoneuron: reflex"),
    ("self-sustained", "motoneuron: self-sustained"), ("ectopic", "axon: ectopic"),
))
#: Share of the height of :func:`plot_spike_origins` given to the force trace, below the spike rows.
_FORCE_BAND = 0.38


def plot_spike_origins(res: Result, ax: Axes | None = None, *, shade: bool = True) -> Axes:
    """Raster of nerve spikes by where they started, over the force they produce.

    Tetany and cramp look alike in force but not here: tetany's spikes start in the peripheral
    axon (ectopic), a cramp's in the spinal motoneuron after the command has stopped
    (self-sustained), and a spastic reflex's during an imposed stretch (reflex).

    Parameters
    ----------
    res : simlib.Result
        Simulation result; spike times in s, origins in ``res.nerve_spike_origins``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.
    shade : bool, default True
        Shade the drive window (see :func:`shade_drive`) and mark a stretch (:func:`mark_stretch`).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` with one event row per origin (gids ``"origin:<name>"``, y from 1 upwards) and,
        in a band below the rows, the force trace (gid ``"force"``, same time axis, on a twin y
        axis labelled in force units).
    """
    ax = _new_axes(figsize=(7.0, 3.0)) if ax is None else ax
    with apply_style():
        if shade:
            shade_and_mark(res, ax)
        offsets = np.arange(1, len(ORIGIN_ROWS) + 1)[::-1].astype(float)
        rows = [np.asarray(res.spikes_from(origin), dtype=float) for origin, _, _ in ORIGIN_ROWS]
        collections = ax.eventplot(rows, lineoffsets=offsets, linelengths=0.7, linewidths=1.5,
                                   colors=[colour for _, _, colour in ORIGIN_ROWS])
        for coll, (origin, label, _) in zip(collections, ORIGIN_ROWS, strict=True):
            coll.set_gid(f"origin:{origin}")
            coll.set_label(label)
        ax.set_yticks(offsets, [label for _, label, _ in ORIGIN_ROWS])
        top = len(ORIGIN_ROWS) + 0.6
        ax.set_ylim(top - (top - 0.4) / (1.0 - _FORCE_BAND), top)  # the rows fill the top, force the bottom
        ax.grid(False, axis="y")
        finish_axes(ax, res, "")
        twin = ax.twinx()
        (line,) = twin.plot(res.t, res.force, color=COLOURS["force"], lw=1.5, label="force")
        line.set_gid("force")
        low, high = force_ylim(res.force)
        twin.set_ylim(low, low + (high - low) / (_FORCE_BAND - 0.04))
        twin.yaxis.set_major_locator(FixedLocator([v for v in MaxNLocator(3).tick_values(0.0, high) if 0 <= v <= high]))
        twin.grid(False)
        twin.set_ylabel("Force\n(1 = max.)")
        twin.yaxis.label.set_y(_FORCE_BAND / 2)
    return ax

