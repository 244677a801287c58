"""Plots of lesson experiments that are not a single :class:`simlib.Result` (re-exported by :mod:`simlib.plotting`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, NullFormatter

from simlib.palette import BLACK, LINE_COLOURS, apply_style, new_axes

if TYPE_CHECKING:
    from simlib.experiments import Ramp

__all__ = ["plot_ramp", "set_log_ticks"]

#: Markers of the conditions of :func:`plot_ramp` (the second channel, besides colour).
_RAMP_MARKERS = ("o", "s", "^", "D", "v")


def plot_ramp(ramps: Mapping[str, Ramp], ax: Axes | None = None) -> Axes:
    """Plot motoneuron firing rate during slow command ramps, with the command itself.

    Parameters
    ----------
    ramps : mapping of str to simlib.Ramp
        Condition label -> result of :func:`simlib.ramp`; firing rates in Hz at spike times in s.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with one marker series per condition (gids ``"rate:<label>"``, colour and marker
        shape from :data:`LINE_COLOURS` and ``o s ^ D v``) and, on a twin y axis in mV, the
        triangular command of the first ramp (gid ``"command"``, dashed black), so that firing
        can be read against the command that drives it: firing that outlasts the command on the
        way down is the persistent inward current's hysteresis.
    """
    ax = new_axes(figsize=(8.0, 4.0)) if ax is None else ax
    items = list(ramps.items())
    with apply_style():
        for i, (label, rp) in enumerate(items):
            ax.plot(rp.spike_times[1:], rp.rate_hz, ls="none", marker=_RAMP_MARKERS[i % len(_RAMP_MARKERS)], ms=3,
                    mew=0.0, color=LINE_COLOURS[i % len(LINE_COLOURS)], label=label, gid=f"rate:{label}")
        ax.set_xlabel("Time (s)")
        ax.set_ylabel("Motoneuron firing rate (Hz)")
        handles = ax.get_legend_handles_labels()[0]
        if items:
            first = items[0][1]
            t = np.linspace(0.0, first.start_s + first.ramp_s + 1.0, 401)
            twin = ax.twinx()
            (command,) = twin.plot(t, first.command_mV(t), color=BLACK, ls="--", lw=1.2, gid="command",
                                   label="descending command (right axis)")
            twin.set_ylim(0.0, 1.1 * first.peak_drive)
            twin.set_ylabel("Command (mV)")
            twin.grid(False)
            handles.append(command)
            ax.set_xlim(0.0, float(t[-1]))
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, markerscale=2.5,
                  borderaxespad=0.1)
    return ax


def set_log_ticks(ax: Axes, values: Sequence[float], *, axis: str = "x") -> Axes:
    """Put an axis on a log scale with exactly ``values`` labelled (no minor-tick labels).

    Matplotlib labels minor ticks of a log axis spanning less than a decade ("2×10⁰"), which
    collide with custom major ticks; this keeps the minor tick marks and drops their labels.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to change.
    values : sequence of float
        Tick positions (data units, > 0), labelled with ``%g``.
    axis : {'x', 'y'}
        Which axis.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.
    """
    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    ticks = [float(v) for v in values]
    target.set_major_locator(FixedLocator(ticks))
    target.set_ticklabels([f"{v:g}" for v in ticks])
    target.set_minor_formatter(NullFormatter())
    return ax
