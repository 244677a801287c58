"""Plots and alt text of the muscle-mechanics experiments (length–tension, load–velocity; lesson 13).

:func:`plot_length_tension` draws a :class:`simlib.LengthTension` table (active, passive and
total force against muscle length, with the plateau shaded and the limbs named);
:func:`plot_load_velocity` draws a :class:`simlib.LoadVelocity` table (shortening velocity and,
on a second axis, power against load, optionally with a fit of Hill's hyperbola, :func:`fit_hill`).
Each has an alt-text function that puts the same curve into words, with the numbers read from the
table, for readers who cannot see the figure. Both are re-exported by :mod:`simlib.plotting`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from scipy.optimize import curve_fit

from simlib._plot_common import TIME_LABEL, shade_drive
from simlib.errors import ParameterError
from simlib.palette import (
    BLACK,
    BLUE,
    BLUISH_GREEN,
    DRIVE_ALPHA,
    DRIVE_SHADE,
    LINE_COLOURS,
    LINE_STYLES,
    VERMILLION,
    apply_style,
    new_axes,
)

if TYPE_CHECKING:
    from simlib.mechanics import LengthTension, LoadVelocity
    from simlib.result import Result

__all__ = [
    "HillFit", "fit_hill", "length_tension_alt_text", "load_velocity_alt_text", "plateau", "plot_isotonic",
    "plot_length_tension", "plot_load_velocity",
]

#: Active force within this fraction of its maximum counts as the plateau of the length–tension curve.
PLATEAU_TOLERANCE = 0.02
_LENGTH_LABEL = "Muscle length (1 = optimal length $L_0$)"
_FORCE_LABEL = "Force (1 = max. tetanus at $L_0$)"
_LOAD_LABEL = "Load (fraction of max. isometric force)"
#: line style of each length–tension curve: gid -> (label, colour, dashes, marker)
_LT_LINES = {
    "active": ("active (tetanus)", BLUE, "-", "o"),
    "passive": ("passive (at rest)", VERMILLION, "--", "s"),
    "total": ("total (transducer)", BLACK, ":", "^"),
}


@dataclass(frozen=True)
class HillFit:
    """Hill's hyperbola :math:`(P + a)(v + b) = (P_0 + a) b` fitted to a load–velocity table.

    Attributes
    ----------
    p0 : float
        Isometric force where the velocity reaches zero (1 = maximal tetanus at the optimal length).
    a_rel : float
        Curvature :math:`a/P_0` (dimensionless; about 0.25 for muscle, Hill 1938).
    vmax : float
        Velocity at zero load, :math:`b P_0 / a` (optimal lengths per second).
    """

    p0: float
    a_rel: float
    vmax: float

    def velocity(self, load_rel: np.ndarray) -> np.ndarray:
        """Velocity of the fitted hyperbola at each load (optimal lengths per second; 0 above ``p0``)."""
        loads = np.asarray(load_rel, dtype=float)
        return np.maximum(self.vmax * self.a_rel * (self.p0 - loads) / (loads + self.a_rel * self.p0), 0.0)


def fit_hill(table: LoadVelocity) -> HillFit:
    """Least-squares fit of Hill's hyperbola to the loads that were lifted.

    Parameters
    ----------
    table : simlib.LoadVelocity
        Result of :func:`simlib.load_velocity`; at least three loads must have been lifted.

    Returns
    -------
    HillFit
        Isometric force, curvature a/P0 and maximal velocity (L0/s).

    Raises
    ------
    ParameterError
        When fewer than three loads were lifted.
    """
    lifted = table.velocity > 0.0
    loads, velocity = table.load_rel[lifted], table.velocity[lifted]
    if loads.size < 3:
        raise ParameterError(f"a Hill fit needs at least three lifted loads; {loads.size} of {table.load_rel.size} "
                         "were lifted: add lighter loads")

    def hyperbola(p: np.ndarray, p0: float, a_rel: float, vmax: float) -> np.ndarray:
        return vmax * a_rel * (p0 - p) / (p + a_rel * p0)

    start = (float(loads.max()) * 1.1, 0.25, float(velocity.max()) * 1.2)
    (p0, a_rel, vmax), _ = curve_fit(hyperbola, loads, velocity, p0=start, bounds=([0.0, 1e-3, 0.0], np.inf))
    return HillFit(float(p0), float(a_rel), float(vmax))


def plateau(table: LengthTension, tolerance: float = PLATEAU_TOLERANCE) -> tuple[float, float]:
    """Shortest and longest length of the plateau: the lengths around the peak with near-maximal active force.

    Parameters
    ----------
    table : simlib.LengthTension
        Result of :func:`simlib.length_tension` (lengths in increasing order).
    tolerance : float
        Fraction of the peak active force by which the plateau may fall short of it.

    Returns
    -------
    tuple of float
        First and last length (optimal lengths) of the contiguous run of lengths around the peak.
    """
    near = table.active >= (1.0 - tolerance) * table.active.max()
    peak = int(np.argmax(table.active))
    low = peak
    while low > 0 and near[low - 1]:
        low -= 1
    high = peak
    while high < near.size - 1 and near[high + 1]:
        high += 1
    return float(table.length_rel[low]), float(table.length_rel[high])


def plot_length_tension(table: LengthTension, ax: Axes | None = None) -> Axes:
    """Plot active, passive and total isometric force against muscle length.

    Parameters
    ----------
    table : simlib.LengthTension
        Result of :func:`simlib.length_tension` (lengths in increasing order).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` with three lines (gids ``"active"``, ``"passive"``, ``"total"``; colour, dash pattern
        and marker differ), the plateau shaded (gid ``"plateau"``) and the ascending limb, plateau and
        descending limb named above the curve. Alt text: :func:`length_tension_alt_text`.
    """
    ax = new_axes(figsize=(7.0, 4.0)) if ax is None else ax
    with apply_style():
        low, high = plateau(table)
        ax.axvspan(low, high, color=DRIVE_SHADE, alpha=DRIVE_ALPHA, lw=0, gid="plateau")
        for gid, (label, colour, dashes, marker) in _LT_LINES.items():
            ax.plot(table.length_rel, getattr(table, gid), color=colour, ls=dashes, marker=marker, ms=5,
                    label=label, gid=gid)
        top = 1.08 * max(float(table.active.max()), 1.0)
        peak = float(table.active.max())
        ends = float(table.length_rel[0]), float(table.length_rel[-1])
        for x, words in (((ends[0] + low) / 2, "ascending\nlimb"), ((low + high) / 2, "plateau"),
                         ((high + min(ends[1], 1.6)) / 2, "descending limb")):
            if ends[0] < x < ends[1]:
                ax.text(x, peak + 0.03, words, ha="center", va="bottom", fontsize=10, gid=f"label:{words}")
        ax.set_xlim(*ends)
        ax.set_ylim(0.0, max(top, 1.05 * float(table.total.max())))
        ax.set_xlabel(_LENGTH_LABEL)
        ax.set_ylabel(_FORCE_LABEL)
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.15), ncols=3, borderaxespad=0.1)
    return ax


def plot_load_velocity(table: LoadVelocity, ax: Axes | None = None, *, hill: bool = False) -> Axes:
    """Plot shortening velocity and power against load (an afterloaded isotonic series).

    Parameters
    ----------
    table : simlib.LoadVelocity
        Result of :func:`simlib.load_velocity`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.
    hill : bool, keyword-only
        Also draw the fitted hyperbola of :func:`fit_hill` (gid ``"hill_fit"``, labelled with a/P0
        and Vmax).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` with the velocity (gid ``"velocity"``, L0/s) and, on a twin y axis, the power (gid
        ``"power"``, load × velocity) with its peak marked (gid ``"peak_power"``). Loads that were not
        lifted are drawn at zero velocity. Alt text: :func:`load_velocity_alt_text`.
    """
    ax = new_axes(figsize=(7.0, 4.0)) if ax is None else ax
    with apply_style():
        ax.plot(table.load_rel, table.velocity, color=BLUE, ls="-", marker="o", ms=5, label="velocity (left axis)",
                gid="velocity")
        if hill:
            fit = fit_hill(table)
            loads = np.linspace(float(table.load_rel.min()), float(table.load_rel.max()), 200)
            ax.plot(loads, fit.velocity(loads), color=BLUISH_GREEN, ls="-.", lw=1.4, gid="hill_fit",
                    label=f"Hill fit: a/P$_0$ = {fit.a_rel:.2f}, V$_{{max}}$ = {fit.vmax:.1f} L$_0$/s")
        ax.set_xlabel(_LOAD_LABEL)
        ax.set_ylabel("Shortening velocity ($L_0$/s)")
        ax.set_ylim(bottom=0.0)
        twin = ax.twinx()
        twin.plot(table.load_rel, table.power, color=VERMILLION, ls="--", marker="s", ms=5,
                  label="power (right axis)", gid="power")
        best = int(np.argmax(table.power))
        twin.plot([table.load_rel[best]], [table.power[best]], ls="none", marker="*", ms=14, color=BLACK,
                  label="peak power", gid="peak_power")
        twin.set_ylim(0.0, 1.15 * float(table.power.max()))
        twin.set_ylabel("Power (max. force × $L_0$/s)")
        twin.grid(False)
        handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
        ax.legend(handles=handles, loc="upper right")
    return ax


def plot_isotonic(runs: Mapping[str, Result], ax: Axes | None = None) -> Axes:
    """Plot the muscle length against time for afterloaded isotonic runs (one line per load).

    Parameters
    ----------
    runs : mapping of str to simlib.Result
        Label (e.g. ``"load 0.3"``) -> isotonic run (``Scenario.load_rel`` set); its ``length_rel``
        trace is drawn in optimal lengths against time in s.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` with one line per run (gid ``"length:<label>"``, colour and dash pattern from
        :data:`LINE_COLOURS` / :data:`LINE_STYLES`) and the stimulus train of the first run shaded
        (gid ``"drive"``): the flat start after the stimulus is the latent period, the fall is the
        shortening, and its depth is the shortening distance.
    """
    ax = new_axes(figsize=(7.0, 3.5)) if ax is None else ax
    items = list(runs.items())
    with apply_style():
        for i, (label, res) in enumerate(items):
            ax.plot(res.t, res.length_rel, color=LINE_COLOURS[i % len(LINE_COLOURS)],
                    ls=LINE_STYLES[i % len(LINE_STYLES)], label=label, gid=f"length:{label}")
        if items:
            first = items[0][1]
            shade_drive(first, ax)
            ax.set_xlim(float(first.t[0]), float(first.t[-1]))
        ax.set_xlabel(TIME_LABEL)
        ax.set_ylabel("Muscle length ($L_0$)")
        ax.legend(loc="lower right")
    return ax


def length_tension_alt_text(table: LengthTension) -> str:
    """Describe a length–tension plot in words, with the numbers of the table.

    Parameters
    ----------
    table : simlib.LengthTension
        The table given to :func:`plot_length_tension`.

    Returns
    -------
    str
        Alt text naming the plateau (lengths and force), the descending limb, where passive force
        starts and how high it gets, and the dip of the total force.
    """
    lengths = table.length_rel
    low, high = plateau(table)
    peak = float(table.active.max())
    gone = lengths[(table.active < 0.01 * peak) & (lengths > high)]
    limb = (f"falls along the descending limb to zero at {gone[0]:.2f} L0" if gone.size
            else f"falls along the descending limb to {table.active[-1]:.2f} at {lengths[-1]:.2f} L0")
    slack = lengths[table.passive <= 0.0]
    passive = (f"Passive force (vermillion, dashed) is zero up to {slack[-1]:.2f} L0, then rises ever more "
               f"steeply to {table.passive[-1]:.2f} at {lengths[-1]:.2f} L0."
               if slack.size < lengths.size else "Passive force (vermillion, dashed) stays zero at these lengths.")
    beyond = lengths > high
    dip = ""
    if beyond.any():
        i = int(np.argmin(np.where(beyond, table.total, np.inf)))
        if table.total[i] < min(table.total[-1], table.total[beyond][0]):
            dip = (f" Total force (black, dotted) dips on the descending limb to {table.total[i]:.2f} at "
                   f"{lengths[i]:.2f} L0, then rises again as passive force takes over.")
    return (f"Line plot of isometric force against muscle length from {lengths[0]:.2f} to {lengths[-1]:.2f} "
            f"optimal lengths (L0). Active force (blue, solid) rises along the ascending limb to a plateau of "
            f"{peak:.2f} between {low:.2f} and {high:.2f} L0 (shaded), then {limb}. {passive}{dip}")


def load_velocity_alt_text(table: LoadVelocity) -> str:
    """Describe a load–velocity plot in words, with the numbers of the table.

    Parameters
    ----------
    table : simlib.LoadVelocity
        The table given to :func:`plot_load_velocity`.

    Returns
    -------
    str
        Alt text naming the fastest and slowest lifted loads, the loads not lifted and the peak power.
    """
    loads, velocity = table.load_rel, table.velocity
    lifted = velocity > 0.0
    best = int(np.argmax(table.power))
    words = (f"Line plot of shortening velocity (blue, solid, left axis, optimal lengths per second) and power "
             f"(vermillion, dashed, right axis) against the load, from {loads.min():.2f} to {loads.max():.2f} of "
             f"the maximal isometric force.")
    if lifted.any():
        fast, slow = int(np.argmax(velocity)), int(np.flatnonzero(lifted)[np.argmin(velocity[lifted])])
        words += (f" Velocity falls from {velocity[fast]:.2f} L0/s at load "
                  f"{loads[fast]:.2f} to {velocity[slow]:.2f} L0/s at load {loads[slow]:.2f}.")
    if (~lifted).any():
        heavy = ", ".join(f"{p:.2f}" for p in loads[~lifted])
        words += f" Loads not lifted (velocity zero): {heavy}."
    return words + (f" Power rises and then falls, with its peak (black star) of {table.power[best]:.2f} at load "
                    f"{loads[best]:.2f}.")
