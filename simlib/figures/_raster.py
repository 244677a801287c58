"""Spike rasters in the house style, and the raster-over-force columns of the cramp figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from simlib import plotting
from simlib._plot_common import FORCE_LABEL, TIME_LABEL, force_ylim
from simlib.figures._common import _capital, _shade
from simlib.figures._style import HouseStyle, _new_figure, _panel_title, _rc
from simlib.result import Result
from simlib.scenario import Scenario

#: The raster colours in words, for captions (plotting.ORIGIN_COLOURS).
_RASTER_COLOURS = ("Nerve impulses are coloured by origin: blue from the command or stimulator, bluish green "
                   "reflex, vermillion self-sustained (the spinal motoneuron firing by itself), reddish purple "
                   "ectopic (started in the peripheral axon); muscle action potentials are black.")


def _relabel_raster(ax: Axes, *, right: bool = False) -> None:
    """Drop the legend of a :func:`simlib.plotting.plot_spike_raster` axes (one legend per figure)."""
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()
    ax.set_gid("raster")
    if right:
        ax.yaxis.tick_right()


def _raster(ax: Axes, res: Result, hs: HouseStyle) -> None:
    """Spike raster of one run (three rows) in the house style."""
    plotting.plot_spike_raster(res, ax)
    _relabel_raster(ax)
    for coll in ax.collections:
        coll.set_linewidth(hs.linewidth * (0.6 if hs.name == "slide" else 0.35))
    ax.set_xlabel("")


def _raster_legend(fig: Figure, ax: Axes, hs: HouseStyle, extra: Sequence[Any] = ()) -> None:
    """One legend for all rasters of a figure, below the panels."""
    handles = [*plotting.spike_legend_handles(), Patch(facecolor=plotting.DRIVE_SHADE, alpha=plotting.DRIVE_ALPHA,
                                                       label="drive on"), *extra]
    labels = [h.get_label() if hs.name == "slide" or h not in extra else "stretch" for h in handles]
    fig.legend(handles, labels, loc="outside lower center", ncols=4 if hs.name == "slide" else 3,
               handlelength=1.2, columnspacing=1.2 if hs.name == "slide" else 0.8)


def _raster_force_columns(hs: HouseStyle, runs: Sequence[tuple[str, Scenario]], results: Sequence[Result],
                          gids: Sequence[str]) -> tuple[Figure, np.ndarray]:
    """One column per run: spike raster above force, each column on its own time axis."""
    n = len(runs)
    # One time axis for all columns, so that durations compare by eye.
    fig, axes = _new_figure(hs, 2, n, sharex=True, sharey="row", handout_height_in=4.2,
                            gridspec_kw={"height_ratios": [1.0, 1.6]})
    end_s = max(float(r.t[-1]) for r in results)
    stretch = []
    with mpl.rc_context(_rc(hs)):
        for col, ((label, _), res, gid) in enumerate(zip(runs, results, gids, strict=True)):
            ax_r, ax_f = axes[:, col]
            _raster(ax_r, res, hs)
            _shade(ax_f, res, label=None)
            ax_f.plot(res.t, res.force, color=plotting.BLUE, gid=gid, label=label)
            line = plotting.mark_stretch(res, ax_f)  # the raster has its own (plot_spike_raster)
            if line is not None:
                line.set(linewidth=hs.linewidth * 0.7, label="passive stretch")
                stretch = [line]
            ax_f.set_xlabel(TIME_LABEL)
            ax_f.set_xlim(0.0, end_s)
            ax_f.xaxis.set_major_locator(MaxNLocator(nbins=5 if hs.name == "slide" else 3, steps=[1, 2, 5, 10]))
            ax_f.set_ylim(*force_ylim(*(r.force for r in results)))
            shown = label if hs.name == "slide" else label.split(" (")[0]
            _panel_title(ax_r, _capital(shown), hs)
            if col:
                ax_r.tick_params(labelleft=False)
                ax_f.tick_params(labelleft=False)
        axes[1, 0].set_ylabel(FORCE_LABEL)
        _raster_legend(fig, axes[0, 0], hs, extra=stretch)
    return fig, axes

