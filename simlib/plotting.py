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

The spike rasters live in :mod:`simlib.raster`, the palette in :mod:`simlib.palette`, the
mechanics plots (length–tension, load–velocity) in :mod:`simlib.mechanics_plots`, the metabolite plot in
:mod:`simlib.metabolism_plots` and the EMG plots in :mod:`simlib.emg_plots`; all are re-exported here, so
``simlib.plotting`` holds every plot helper. ``import simlib`` does not import matplotlib.

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
from matplotlib.patches import Rectangle
from matplotlib.ticker import MultipleLocator

from simlib._plot_common import (
    COLOURS,
    FORCE_LABEL,
    TIME_LABEL,
    drive_window,
    finish_axes,
    force_ylim,
    mark_stretch,
    shade_and_mark,
    shade_drive,
    stretch_segment,
)
from simlib.emg_plots import force_emg_alt_text, m_wave_curve_alt_text, plot_force_emg, plot_m_wave_curve
from simlib.lesson_plots import plot_ramp, set_log_ticks
from simlib.mechanics_plots import (
    fit_hill,
    length_tension_alt_text,
    load_velocity_alt_text,
    plot_isotonic,
    plot_length_tension,
    plot_load_velocity,
)
from simlib.metabolism_plots import metabolites_alt_text, plot_metabolites
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
from simlib.raster import ORIGIN_ROWS, plot_spike_origins, plot_spike_raster, set_spike_row, spike_legend_handles

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
    "ORIGIN_ROWS",
    "ORIGIN_LABELS",
    "ORANGE",
    "REDDISH_PURPLE",
    "SKY_BLUE",
    "STYLE",
    "VERMILLION",
    "YELLOW",
    "apply_style",
    "contrast_on_white",
    "fit_hill",
    "force_emg_alt_text",
    "length_tension_alt_text",
    "load_velocity_alt_text",
    "m_wave_curve_alt_text",
    "metabolites_alt_text",
    "mark_stretch",
    "set_log_ticks",
    "plot_calcium",
    "plot_chain",
    "plot_epp",
    "plot_force",
    "plot_force_emg",
    "plot_isotonic",
    "plot_length_tension",
    "plot_load_velocity",
    "plot_m_wave_curve",
    "plot_metabolites",
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

_TRACE_LABELS = {
    "force": "force",
    "v_muscle": "muscle membrane potential",
    "ca_i": "free myoplasmic Ca²⁺",
    "epp": "endplate potential",
}
#: Gids of the artists :func:`update_plot` gives new data (what an animated, blitted figure redraws).
DATA_GIDS: frozenset[str] = frozenset({*COLOURS, "drive", "stretch", *(f"origin:{o}" for o in ORIGIN_COLOURS)})


def _plot_trace(res: Result, ax: Axes | None, gid: str, ylabel: str, shade: bool) -> Axes:
    """Draw ``getattr(res, gid)`` against time as one Line2D with that gid."""
    ax = _new_axes() if ax is None else ax
    with apply_style():
        if shade:
            shade_and_mark(res, ax)
        ax.plot(res.t, getattr(res, gid), color=COLOURS[gid], label=_TRACE_LABELS[gid], gid=gid)
        finish_axes(ax, res, ylabel)
    return ax


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
    ax = _plot_trace(res, ax, "force", FORCE_LABEL, shade)
    ax.set_ylim(*force_ylim(res.force))
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
        axes_arr[-1].set_xlabel(TIME_LABEL)
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
    window = drive_window(res)
    for ax in _iter_axes(axes):
        rescale = False
        for line in ax.get_lines():
            gid = line.get_gid()
            if gid in _TRACE_LABELS:
                line.set_data(res.t, getattr(res, gid))
                rescale = True
        for coll in ax.collections:
            gid = str(coll.get_gid())
            if isinstance(coll, EventCollection) and (gid in COLOURS or gid.startswith("origin:")):
                set_spike_row(coll, res)
        for patch in ax.patches:
            if patch.get_gid() == "drive" and isinstance(patch, Rectangle):
                start, end = window if window is not None else (0.0, 0.0)
                patch.set_x(start)
                patch.set_width(end - start)
                patch.set_visible(window is not None)
        stretch_at = res.scenario.stretch_at_s
        for coll in ax.collections:
            if coll.get_gid() == "stretch" and isinstance(coll, LineCollection):
                coll.set_segments(stretch_segment(stretch_at))
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
                ax.set_ylim(*force_ylim(res.force))
            elif "v_muscle" in gids:
                ax.set_ylim(*_membrane_ylim(res.v_muscle))

