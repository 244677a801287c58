"""Plot helpers for :class:`simlib.Result`: ax in, ax out, colour-blind-safe and readable.

Every function takes an existing :class:`matplotlib.axes.Axes` through ``ax`` (or creates a
figure when ``ax`` is None), draws on it and returns it, so the helpers compose into larger
figures. Each trace is one plain :class:`~matplotlib.lines.Line2D` (spike trains are
:class:`~matplotlib.collections.EventCollection` rows) whose ``gid`` is the name of the
:class:`simlib.Result` attribute it shows (``"force"``, ``"v_muscle"``, ``"ca_i"``, ``"epp"``,
``"motoneuron_spikes"``, ``"ectopic_spikes"``, ``"muscle_spikes"``); the shaded drive window has
gid ``"drive"``. :func:`update_plot` uses these gids to redraw an existing figure from a new
Result in place, which is what interactive widgets need.

Colours are the Okabe-Ito palette [1]_ (defined in :mod:`simlib.palette`, re-exported here),
distinguishable with the common colour-vision deficiencies. Lines use only its colours with a
contrast of at least 3:1 on white (:data:`LINE_COLOURS`), each with its own dash pattern
(:data:`LINE_STYLES`), so that traces on one axes also differ in greyscale. Nerve spikes have one
colour per origin everywhere (:data:`ORIGIN_COLOURS`). :data:`STYLE` sets fonts of 11 pt or more.

This is the only simlib module that imports matplotlib; ``import simlib`` does not.

References
----------
.. [1] Okabe M, Ito K (2008). Color Universal Design (CUD): how to make figures and
   presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import EventCollection, LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator, MaxNLocator, MultipleLocator

from simlib.lesson_plots import plot_ramp, set_log_ticks
from simlib.palette import (
    BLACK,
    BLUE,
    BLUISH_GREEN,
    DRIVE_ALPHA,
    DRIVE_SHADE,
    LINE_COLOURS,
    LINE_STYLES,
    OKABE_ITO,
    ORANGE,
    ORIGIN_COLOURS,
    ORIGIN_LABELS,
    REDDISH_PURPLE,
    SKY_BLUE,
    STYLE,
    VERMILLION,
    YELLOW,
    apply_style,
    contrast_on_white,
)
from simlib.palette import new_axes as _new_axes

if TYPE_CHECKING:
    from simlib.result import Result

__all__ = [
    "BLACK",
    "BLUE",
    "BLUISH_GREEN",
    "DRIVE_ALPHA",
    "DATA_GIDS",
    "DRIVE_SHADE",
    "LINE_COLOURS",
    "LINE_STYLES",
    "OKABE_ITO",
    "ORIGIN_COLOURS",
    "ORIGIN_LABELS",
    "ORANGE",
    "REDDISH_PURPLE",
    "SKY_BLUE",
    "STYLE",
    "VERMILLION",
    "YELLOW",
    "apply_style",
    "contrast_on_white",
    "mark_stretch",
    "set_log_ticks",
    "plot_calcium",
    "plot_chain",
    "plot_epp",
    "plot_force",
    "plot_membrane",
    "plot_ramp",
    "plot_spike_origins",
    "plot_spike_raster",
    "shade_drive",
    "spike_legend_handles",
    "update_plot",
]

#: Membrane-potential axis (mV): rest (about -89 mV), its shift with K⁺ and the overshoot (+56 mV) all readable.
_V_LIMITS_MV = (-100.0, 60.0)
_V_TICK_MV = 50.0

# What each trace shows; the key is the Result attribute and the artist's gid.
_COLOURS = {
    "force": BLUE,
    "v_muscle": VERMILLION,
    "ca_i": BLUISH_GREEN,
    "epp": REDDISH_PURPLE,
    "motoneuron_spikes": BLUE,
    "ectopic_spikes": ORIGIN_COLOURS["ectopic"],
    "muscle_spikes": BLACK,
}
_TRACE_LABELS = {
    "force": "force",
    "v_muscle": "muscle membrane potential",
    "ca_i": "free myoplasmic Ca²⁺",
    "epp": "endplate potential",
}
_SPIKE_ROWS = (  # (gid, row label, legend label), top to bottom in the order the signal travels
    ("motoneuron_spikes", "Nerve", "nerve: from spinal cord or stimulator"),
    ("ectopic_spikes", "Ectopic", "nerve: ectopic"),
    ("muscle_spikes", "Muscle", "muscle fibre"),
)
_FORCE_YLABEL = "Force (normalised;\n1 = max. tetanus)"
_TIME_LABEL = "Time (s)"
#: Gids of the artists :func:`update_plot` gives new data (what an animated, blitted figure redraws).
DATA_GIDS: frozenset[str] = frozenset({*_COLOURS, "drive", "stretch", *(f"origin:{o}" for o in ORIGIN_COLOURS)})


def _is_outer(ax: Axes, axis: str) -> bool:
    """Whether ``ax`` labels its ``axis``: not an inner panel of subplots sharing that axis."""
    spec = ax.get_subplotspec()
    shared = ax.get_shared_x_axes() if axis == "x" else ax.get_shared_y_axes()
    if spec is None or len(shared.get_siblings(ax)) < 2:
        return True
    return spec.is_last_row() if axis == "x" else spec.is_first_col()


def _finish_axes(ax: Axes, res: Result, ylabel: str, xlabel: bool = True) -> None:
    """Set labels, time limits and tick sizes that persist after the style context exits.

    Inner panels of subplots with a shared axis get no label on it (matplotlib already hides
    their tick labels), so stacked panels do not repeat "Time (s)" above unlabelled ticks.
    """
    ax.set_ylabel(ylabel if _is_outer(ax, "y") else "")
    if xlabel and _is_outer(ax, "x"):
        ax.set_xlabel(_TIME_LABEL)
    ax.set_xlim(float(res.t[0]), float(res.t[-1]))
    # Ticks are created lazily at draw time, outside the style context: fix their size here.
    ax.tick_params(labelsize=STYLE["xtick.labelsize"])


def _drive_window(res: Result) -> tuple[float, float] | None:
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
    window = _drive_window(res)
    start, end = window if window is not None else (0.0, 0.0)
    patch = Rectangle(
        (start, 0.0), end - start, 1.0, transform=ax.get_xaxis_transform(), facecolor=DRIVE_SHADE,
        alpha=DRIVE_ALPHA, edgecolor="none", zorder=0, label="drive on", gid="drive",
    )
    patch.set_visible(window is not None)
    ax.add_patch(patch)
    return patch


def _stretch_segment(at_s: float | None) -> list[list[tuple[float, float]]]:
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
    line = LineCollection(_stretch_segment(at), colors=BLACK, linestyles="--", linewidths=1.2, zorder=1.5,
                          transform=ax.get_xaxis_transform(), label="stretch", gid="stretch")
    line.set_visible(at is not None)
    ax.add_collection(line, autolim=False)
    return line


def _shade_and_mark(res: Result, ax: Axes) -> None:
    shade_drive(res, ax)
    mark_stretch(res, ax)


def _plot_trace(res: Result, ax: Axes | None, gid: str, ylabel: str, shade: bool) -> Axes:
    """Draw ``getattr(res, gid)`` against time as one Line2D with that gid."""
    ax = _new_axes() if ax is None else ax
    with apply_style():
        if shade:
            _shade_and_mark(res, ax)
        ax.plot(res.t, getattr(res, gid), color=_COLOURS[gid], label=_TRACE_LABELS[gid], gid=gid)
        _finish_axes(ax, res, ylabel)
    return ax


def _force_ylim(force: np.ndarray) -> tuple[float, float]:
    """Force axis from 0 to at least 1 (the healthy maximal tetanus), so runs compare by eye."""
    return -0.03, 1.08 * max(1.0, float(np.max(force, initial=0.0)))


def plot_force(res: Result, ax: Axes | None = None, *, shade: bool = True) -> Axes:
    """Plot muscle force against time.

    Parameters
    ----------
    res : simlib.Result
        Simulation result; uses ``res.t`` (s) and ``res.force`` (normalised: 1 is the maximal
        fused tetanus of the healthy default muscle).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.
    shade : bool, default True
        Shade the drive window (see :func:`shade_drive`) and mark a stretch (:func:`mark_stretch`).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with one Line2D of gid ``"force"``. The y axis runs from 0 to at least 1 so that
        runs can be compared with the healthy maximum.
    """
    ax = _plot_trace(res, ax, "force", _FORCE_YLABEL, shade)
    ax.set_ylim(*_force_ylim(res.force))
    return ax


def _membrane_ylim(v_mV: np.ndarray) -> tuple[float, float]:
    """-100 to +60 mV, widened to the next 50 mV when the trace leaves that range."""
    low, high = _V_LIMITS_MV
    v = np.asarray(v_mV, dtype=float)
    v = v[np.isfinite(v)]
    if v.size and float(v.min()) < low:
        low = _V_TICK_MV * np.floor(float(v.min()) / _V_TICK_MV)
    if v.size and float(v.max()) > high:
        high = _V_TICK_MV * np.ceil(float(v.max()) / _V_TICK_MV)
    return float(low), float(high)


def plot_membrane(res: Result, ax: Axes | None = None, *, shade: bool = True) -> Axes:
    """Plot the muscle membrane potential at the endplate region against time.

    Parameters
    ----------
    res : simlib.Result
        Simulation result; uses ``res.t`` (s) and ``res.v_muscle`` (mV).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.
    shade : bool, default True
        Shade the drive window (see :func:`shade_drive`) and mark a stretch (:func:`mark_stretch`).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with one Line2D of gid ``"v_muscle"``. The y axis runs from -100 to +60 mV
        (wider only if the trace leaves it) with ticks every 50 mV, so that the resting potential
        (about -89 mV) and its shift with plasma K⁺ can be read.

    Notes
    -----
    A muscle action potential lasts only a few milliseconds, so it is resolved only when the
    output interval is short: simulate with ``simlib.simulate(sc, output_dt_s=0.0001)`` to see
    the spikes. With the default 1 ms output the trace shows mainly the resting potential.
    """
    ax = _plot_trace(res, ax, "v_muscle", "Membrane potential (mV)", shade)
    ax.set_ylim(*_membrane_ylim(res.v_muscle))
    ax.yaxis.set_major_locator(MultipleLocator(_V_TICK_MV))
    return ax


def plot_calcium(res: Result, ax: Axes | None = None, *, shade: bool = True) -> Axes:
    """Plot the free myoplasmic Ca²⁺ concentration against time.

    Parameters
    ----------
    res : simlib.Result
        Simulation result; uses ``res.t`` (s) and ``res.ca_i`` (µM).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.
    shade : bool, default True
        Shade the drive window (see :func:`shade_drive`) and mark a stretch (:func:`mark_stretch`).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with one Line2D of gid ``"ca_i"``.
    """
    return _plot_trace(res, ax, "ca_i", "Free Ca²⁺ (µM)", shade)


def plot_epp(res: Result, ax: Axes | None = None, *, shade: bool = True) -> Axes:
    """Plot the endplate potential (endplate depolarisation) against time.

    Parameters
    ----------
    res : simlib.Result
        Simulation result; uses ``res.t`` (s) and ``res.epp`` (mV, depolarisation from rest).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.
    shade : bool, default True
        Shade the drive window (see :func:`shade_drive`) and mark a stretch (:func:`mark_stretch`).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with one Line2D of gid ``"epp"``.
    """
    return _plot_trace(res, ax, "epp", "Endplate potential (mV)", shade)


def _spike_row(res: Result, gid: str) -> tuple[np.ndarray, list[str]]:
    """Spike times (s) of one raster row and a colour per spike.

    The nerve row holds every non-ectopic nerve spike, coloured by its origin (:data:`ORIGIN_COLOURS`).
    """
    if gid.startswith("origin:"):
        origin = gid.split(":", 1)[1]
        return np.asarray(res.spikes_from(origin), dtype=float), [ORIGIN_COLOURS[origin]]
    if gid != "motoneuron_spikes":
        return np.asarray(getattr(res, gid), dtype=float), [_COLOURS[gid]]
    origins = res.nerve_spike_origins
    if origins is None:
        return np.setdiff1d(res.nerve_spikes, res.ectopic_spikes), [_COLOURS[gid]]
    keep = origins != "ectopic"
    colours = [ORIGIN_COLOURS.get(str(o), _COLOURS[gid]) for o in origins[keep]]
    return np.asarray(res.nerve_spikes, dtype=float)[keep], colours or [_COLOURS[gid]]


def _set_row(coll: EventCollection, res: Result) -> None:
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
            _shade_and_mark(res, ax)
        offsets = np.arange(len(_SPIKE_ROWS))[::-1]
        collections = ax.eventplot([np.empty(0)] * len(_SPIKE_ROWS), lineoffsets=offsets, linelengths=0.7,
                                   linewidths=1.5)
        for coll, (gid, _, label) in zip(collections, _SPIKE_ROWS, strict=True):
            coll.set_gid(gid)
            coll.set_label(label)
            _set_row(coll, res)
        ax.set_yticks(offsets, [row for _, row, _ in _SPIKE_ROWS])
        ax.set_ylim(-0.6, len(_SPIKE_ROWS) - 0.4)
        ax.grid(False, axis="y")
        _finish_axes(ax, res, "")
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
            _shade_and_mark(res, ax)
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
        _finish_axes(ax, res, "")
        twin = ax.twinx()
        (line,) = twin.plot(res.t, res.force, color=_COLOURS["force"], lw=1.5, label="force")
        line.set_gid("force")
        low, high = _force_ylim(res.force)
        twin.set_ylim(low, low + (high - low) / (_FORCE_BAND - 0.04))
        twin.yaxis.set_major_locator(FixedLocator([v for v in MaxNLocator(3).tick_values(0.0, high) if 0 <= v <= high]))
        twin.grid(False)
        twin.set_ylabel("Force\n(1 = max.)")
        twin.yaxis.label.set_y(_FORCE_BAND / 2)
    return ax


# Panels of the chain figure, in the order the signal travels: (plot function, short y label, title).
_CHAIN_PANELS = (
    (plot_spike_raster, "", "1  Spikes: nerve → muscle"),
    (plot_epp, "EPP (mV)", "2  Neuromuscular junction: endplate potential"),
    (plot_membrane, "V (mV)", "3  Muscle membrane potential"),
    (plot_calcium, "Ca²⁺ (µM)", "4  Free Ca²⁺ inside the fibre"),
    (plot_force, "Force\n(1 = max.)", "5  Force (1 = healthy maximal tetanus)"),
)


def plot_chain(res: Result, axes: Iterable[Axes] | None = None) -> np.ndarray:
    """Draw the whole chain from nerve to force as five stacked panels sharing the time axis.

    Panels, top to bottom: spike raster (:func:`plot_spike_raster`), endplate potential
    (:func:`plot_epp`, mV), muscle membrane potential (:func:`plot_membrane`, mV), free Ca²⁺
    (:func:`plot_calcium`, µM) and force (:func:`plot_force`, normalised). The drive window is
    shaded in every panel; only the bottom panel labels the time axis (s).

    Parameters
    ----------
    res : simlib.Result
        Simulation result. For visible muscle action potentials simulate with
        ``output_dt_s=0.0001`` (see :func:`plot_membrane`).
    axes : iterable of 5 matplotlib.axes.Axes, optional
        Axes to draw on, top to bottom; a new 8 x 10 inch figure is created when None.

    Returns
    -------
    numpy.ndarray
        The five axes (object array), top to bottom.

    Raises
    ------
    ValueError
        If ``axes`` does not hold exactly five axes.
    """
    if axes is None:
        with apply_style():
            fig, new_axes = plt.subplots(
                len(_CHAIN_PANELS), 1, sharex=True, figsize=(8.0, 10.0), layout="constrained",
                gridspec_kw={"height_ratios": [1.1, 1.0, 1.0, 1.0, 1.0]},
            )
        axes_arr = np.asarray(new_axes, dtype=object)
    else:
        axes_arr = np.asarray(list(axes), dtype=object).ravel()
        fig = axes_arr[0].figure if axes_arr.size else None
    if axes_arr.size != len(_CHAIN_PANELS):
        raise ValueError(f"plot_chain needs {len(_CHAIN_PANELS)} axes (one per panel); got {axes_arr.size}")
    with apply_style():
        for ax, (plot, ylabel, title) in zip(axes_arr, _CHAIN_PANELS, strict=True):
            plot(res, ax)
            ax.set_ylabel(ylabel)
            # The raster's legend sits just above its axes: lift that title over it.
            pad = 40.0 if ax.get_legend() is not None else 4.0
            ax.set_title(title, loc="left", fontsize=STYLE["axes.titlesize"], pad=pad)
        for ax in axes_arr[:-1]:
            ax.set_xlabel("")
        axes_arr[-1].set_xlabel(_TIME_LABEL)
        if fig is not None:
            fig.align_ylabels(list(axes_arr))
    return axes_arr


def _iter_axes(axes: Axes | Iterable[Axes]) -> list[Axes]:
    """Flatten one Axes or any nesting of them into a list."""
    if isinstance(axes, Axes):
        return [axes]
    return list(np.asarray(list(axes), dtype=object).ravel())


def update_plot(axes: Axes | Iterable[Axes], res: Result) -> None:
    """Redraw existing plots from a new Result, in place (no new artists, no new figure).

    Every artist made by the helpers in this module is found by its gid and given the new
    data: lines get ``set_data``, spike rows ``set_positions`` (and their colours), the drive patch
    its new window and a stretch marker its new time (hidden without a stretch).
    The y limits of trace axes are rescaled; call ``fig.canvas.draw_idle()`` afterwards.

    Parameters
    ----------
    axes : matplotlib.axes.Axes or iterable of Axes
        What a plot helper returned (one Axes, or the array from :func:`plot_chain`).
    res : simlib.Result
        The new result; times in s, quantities in the units of the plot that drew them.
    """
    window = _drive_window(res)
    for ax in _iter_axes(axes):
        rescale = False
        for line in ax.get_lines():
            gid = line.get_gid()
            if gid in _TRACE_LABELS:
                line.set_data(res.t, getattr(res, gid))
                rescale = True
        for coll in ax.collections:
            gid = str(coll.get_gid())
            if isinstance(coll, EventCollection) and (gid in _COLOURS or gid.startswith("origin:")):
                _set_row(coll, res)
        for patch in ax.patches:
            if patch.get_gid() == "drive" and isinstance(patch, Rectangle):
                start, end = window if window is not None else (0.0, 0.0)
                patch.set_x(start)
                patch.set_width(end - start)
                patch.set_visible(window is not None)
        stretch_at = res.scenario.stretch_at_s
        for coll in ax.collections:
            if coll.get_gid() == "stretch" and isinstance(coll, LineCollection):
                coll.set_segments(_stretch_segment(stretch_at))
                coll.set_visible(stretch_at is not None)
        xlim = (float(res.t[0]), float(res.t[-1]))
        if ax.get_xlim() != xlim:  # setting equal limits still costs ~1 ms of callbacks per move
            ax.set_xlim(*xlim)
        if rescale:
            ax.set_autoscaley_on(True)
            ax.relim(visible_only=True)
            ax.autoscale_view(scalex=False)
            gids = {line.get_gid() for line in ax.get_lines()}
            if "force" in gids:
                ax.set_ylim(*_force_ylim(res.force))
            elif "v_muscle" in gids:
                ax.set_ylim(*_membrane_ylim(res.v_muscle))

