"""Plot helpers for :class:`simlib.Result`: ax in, ax out, colour-blind-safe and readable.

Every function takes an existing :class:`matplotlib.axes.Axes` through ``ax`` (or creates a
figure when ``ax`` is None), draws on it and returns it, so the helpers compose into larger
figures. Each trace is one plain :class:`~matplotlib.lines.Line2D` (spike trains are
:class:`~matplotlib.collections.EventCollection` rows) whose ``gid`` is the name of the
:class:`simlib.Result` attribute it shows (``"force"``, ``"v_muscle"``, ``"ca_i"``, ``"epp"``,
``"motoneuron_spikes"``, ``"ectopic_spikes"``, ``"muscle_spikes"``); the shaded drive window has
gid ``"drive"``. :func:`update_plot` uses these gids to redraw an existing figure from a new
Result in place, which is what interactive widgets need.

Colours are the Okabe-Ito palette [1]_, distinguishable with the common colour-vision
deficiencies; :data:`STYLE` sets fonts of 11 pt or more.

This is the only simlib module that imports matplotlib; ``import simlib`` does not.

References
----------
.. [1] Okabe M, Ito K (2008). Color Universal Design (CUD): how to make figures and
   presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.collections import EventCollection
from matplotlib.patches import Rectangle

if TYPE_CHECKING:
    from simlib.result import Result

__all__ = [
    "BLACK",
    "BLUE",
    "BLUISH_GREEN",
    "DRIVE_ALPHA",
    "DRIVE_SHADE",
    "OKABE_ITO",
    "ORANGE",
    "REDDISH_PURPLE",
    "SKY_BLUE",
    "STYLE",
    "VERMILLION",
    "YELLOW",
    "apply_style",
    "plot_calcium",
    "plot_chain",
    "plot_epp",
    "plot_force",
    "plot_membrane",
    "plot_spike_raster",
    "shade_drive",
    "update_plot",
]

# --- Okabe-Ito palette ------------------------------------------------------------------------
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
#: The eight Okabe-Ito colours in their published order.
OKABE_ITO: tuple[str, ...] = (BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE)
#: Neutral grey for the drive window (drawn with :data:`DRIVE_ALPHA`).
DRIVE_SHADE = "#999999"
#: Opacity of the drive window.
DRIVE_ALPHA = 0.2

# What each trace shows; the key is the Result attribute and the artist's gid.
_COLOURS = {
    "force": BLUE,
    "v_muscle": VERMILLION,
    "ca_i": BLUISH_GREEN,
    "epp": REDDISH_PURPLE,
    "motoneuron_spikes": BLUE,
    "ectopic_spikes": ORANGE,
    "muscle_spikes": BLACK,
}
_TRACE_LABELS = {
    "force": "force",
    "v_muscle": "muscle membrane potential",
    "ca_i": "free myoplasmic Ca²⁺",
    "epp": "endplate potential",
}
_SPIKE_ROWS = (  # (gid, row label, legend label), top to bottom in the order the signal travels
    ("motoneuron_spikes", "Motor\nnerve", "nerve: from spinal cord or stimulator"),
    ("ectopic_spikes", "Nerve\nectopic", "nerve: ectopic"),
    ("muscle_spikes", "Muscle", "muscle fibre"),
)
_FORCE_YLABEL = "Force (normalised;\n1 = max. tetanus)"
_TIME_LABEL = "Time (s)"

#: rcParams used by every helper: fonts ≥ 11 pt, Okabe-Ito colour cycle, light grid.
STYLE: dict[str, object] = {
    "font.size": 12.0,
    "axes.titlesize": 12.0,
    "axes.labelsize": 12.0,
    "xtick.labelsize": 11.0,
    "ytick.labelsize": 11.0,
    "legend.fontsize": 11.0,
    "figure.titlesize": 13.0,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO[1:] + OKABE_ITO[:1])),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.8,
    "legend.frameon": False,
    "figure.dpi": 100.0,
    "savefig.dpi": 150.0,
    "savefig.bbox": "tight",
}


def apply_style() -> AbstractContextManager[None]:
    """Return a context manager that applies :data:`STYLE` to figures made inside it.

    Returns
    -------
    contextlib.AbstractContextManager
        Use as ``with plotting.apply_style(): ...``; the previous rcParams come back on exit.

    Notes
    -----
    The plot helpers already draw inside this context, so it is needed only for figures and
    annotations you add yourself.
    """
    return mpl.rc_context(STYLE)


def _new_axes(figsize: tuple[float, float] = (7.0, 3.0)) -> Axes:
    """Create a single-axes figure in :data:`STYLE` with constrained layout."""
    with apply_style():
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _finish_axes(ax: Axes, res: Result, ylabel: str, xlabel: bool = True) -> None:
    """Set labels, time limits and tick sizes that persist after the style context exits."""
    ax.set_ylabel(ylabel)
    if xlabel:
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


def _plot_trace(res: Result, ax: Axes | None, gid: str, ylabel: str, shade: bool) -> Axes:
    """Draw ``getattr(res, gid)`` against time as one Line2D with that gid."""
    ax = _new_axes() if ax is None else ax
    with apply_style():
        if shade:
            shade_drive(res, ax)
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
        Shade the drive window (see :func:`shade_drive`).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with one Line2D of gid ``"force"``. The y axis runs from 0 to at least 1 so that
        runs can be compared with the healthy maximum.
    """
    ax = _plot_trace(res, ax, "force", _FORCE_YLABEL, shade)
    ax.set_ylim(*_force_ylim(res.force))
    return ax


def plot_membrane(res: Result, ax: Axes | None = None, *, shade: bool = True) -> Axes:
    """Plot the muscle membrane potential at the endplate region against time.

    Parameters
    ----------
    res : simlib.Result
        Simulation result; uses ``res.t`` (s) and ``res.v_muscle`` (mV).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.
    shade : bool, default True
        Shade the drive window (see :func:`shade_drive`).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with one Line2D of gid ``"v_muscle"``.

    Notes
    -----
    A muscle action potential lasts only a few milliseconds, so it is resolved only when the
    output interval is short: simulate with ``simlib.simulate(sc, output_dt_s=0.0001)`` to see
    the spikes. With the default 1 ms output the trace shows mainly the resting potential.
    """
    return _plot_trace(res, ax, "v_muscle", "Membrane potential (mV)", shade)


def plot_calcium(res: Result, ax: Axes | None = None, *, shade: bool = True) -> Axes:
    """Plot the free myoplasmic Ca²⁺ concentration against time.

    Parameters
    ----------
    res : simlib.Result
        Simulation result; uses ``res.t`` (s) and ``res.ca_i`` (µM).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.
    shade : bool, default True
        Shade the drive window (see :func:`shade_drive`).

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
        Shade the drive window (see :func:`shade_drive`).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with one Line2D of gid ``"epp"``.
    """
    return _plot_trace(res, ax, "epp", "Endplate potential (mV)", shade)


def _spike_row(res: Result, gid: str) -> np.ndarray:
    """Spike times (s) of one raster row; the motor-nerve row holds every non-ectopic nerve spike."""
    if gid == "motoneuron_spikes":
        return np.setdiff1d(res.nerve_spikes, res.ectopic_spikes)
    return np.asarray(getattr(res, gid), dtype=float)


def plot_spike_raster(res: Result, ax: Axes | None = None, *, shade: bool = True,
                      legend_columns: int | None = None) -> Axes:
    """Plot nerve and muscle action potentials as a raster, one row per origin.

    Rows, top to bottom: nerve impulses that came from the spinal motoneuron or the
    stimulator (every non-ectopic nerve spike), nerve impulses that started in the peripheral axon
    (``res.ectopic_spikes``, the sign of hyperexcitability), and muscle action potentials
    (``res.muscle_spikes``).

    Parameters
    ----------
    res : simlib.Result
        Simulation result; spike times in s.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.
    shade : bool, default True
        Shade the drive window (see :func:`shade_drive`).
    legend_columns : int, optional
        Columns of the legend above the axes; all four entries in one row when None (about 7 in
        wide: use 2 on narrower axes).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with three :class:`~matplotlib.collections.EventCollection` rows (gids
        ``"motoneuron_spikes"``, ``"ectopic_spikes"``, ``"muscle_spikes"``; update with
        ``set_positions``) and a legend.
    """
    ax = _new_axes(figsize=(7.0, 2.4)) if ax is None else ax
    with apply_style():
        if shade:
            shade_drive(res, ax)
        offsets = np.arange(len(_SPIKE_ROWS))[::-1]
        collections = ax.eventplot(
            [_spike_row(res, gid) for gid, _, _ in _SPIKE_ROWS],
            lineoffsets=offsets, linelengths=0.7, linewidths=1.5,
            colors=[_COLOURS[gid] for gid, _, _ in _SPIKE_ROWS],
        )
        for coll, (gid, _, label) in zip(collections, _SPIKE_ROWS, strict=True):
            coll.set_gid(gid)
            coll.set_label(label)
        ax.set_yticks(offsets, [row for _, row, _ in _SPIKE_ROWS])
        ax.set_ylim(-0.6, len(_SPIKE_ROWS) - 0.4)
        ax.grid(False, axis="y")
        _finish_axes(ax, res, "")
        # A proxy swatch, so the legend entry shows even while the drive patch is hidden (no drive).
        drive_key = Rectangle((0.0, 0.0), 1.0, 1.0, facecolor=DRIVE_SHADE, alpha=DRIVE_ALPHA, label="drive on")
        ax.legend(handles=[drive_key, *collections],
                  loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=legend_columns or len(_SPIKE_ROWS) + 1,
                  borderaxespad=0.1, handlelength=1.0, handletextpad=0.4, columnspacing=0.9)
    return ax


#: raster rows of :func:`plot_spike_origins`, top to bottom: (origin, row label, colour)
ORIGIN_ROWS = (
    ("stimulator", "stimulator", BLACK),
    ("commanded", "motoneuron: commanded", BLUE),
    ("reflex", "motoneuron: reflex", BLUISH_GREEN),
    ("self-sustained", "motoneuron: self-sustained", VERMILLION),
    ("ectopic", "axon: ectopic", REDDISH_PURPLE),
)


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
        Shade the drive window (see :func:`shade_drive`).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` with one event row per origin (gids ``"origin:<name>"``, y from 1 upwards) and the
        force trace (gid ``"force"``, same time axis, on a twin y axis labelled in force units).
    """
    ax = _new_axes(figsize=(7.0, 3.0)) if ax is None else ax
    with apply_style():
        if shade:
            shade_drive(res, ax)
        offsets = np.arange(1, len(ORIGIN_ROWS) + 1)[::-1].astype(float)
        rows = [np.asarray(res.spikes_from(origin), dtype=float) for origin, _, _ in ORIGIN_ROWS]
        collections = ax.eventplot(rows, lineoffsets=offsets, linelengths=0.7, linewidths=1.5,
                                   colors=[colour for _, _, colour in ORIGIN_ROWS])
        for coll, (origin, label, _) in zip(collections, ORIGIN_ROWS, strict=True):
            coll.set_gid(f"origin:{origin}")
            coll.set_label(label)
        ax.set_yticks(offsets, [label for _, label, _ in ORIGIN_ROWS])
        ax.set_ylim(0.4, len(ORIGIN_ROWS) + 0.6)
        ax.grid(False, axis="y")
        _finish_axes(ax, res, "")
        twin = ax.twinx()
        (line,) = twin.plot(res.t, res.force, color=_COLOURS["force"], lw=1.5, alpha=0.8, label="force")
        line.set_gid("force")
        twin.set_ylim(*_force_ylim(res.force))
        twin.set_ylabel("Force (1 = max. tetanus)")
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
            pad = 24.0 if ax.get_legend() is not None else 4.0
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
    data: lines get ``set_data``, spike rows ``set_positions`` and the drive patch its new window.
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
            gid = coll.get_gid()
            if isinstance(coll, EventCollection) and gid in _COLOURS:
                coll.set_positions(_spike_row(res, gid))
        for patch in ax.patches:
            if patch.get_gid() == "drive" and isinstance(patch, Rectangle):
                start, end = window if window is not None else (0.0, 0.0)
                patch.set_x(start)
                patch.set_width(end - start)
                patch.set_visible(window is not None)
        ax.set_xlim(float(res.t[0]), float(res.t[-1]))
        if rescale:
            ax.set_autoscaley_on(True)
            ax.relim(visible_only=True)
            ax.autoscale_view(scalex=False)
            if any(line.get_gid() == "force" for line in ax.get_lines()):
                ax.set_ylim(*_force_ylim(res.force))

