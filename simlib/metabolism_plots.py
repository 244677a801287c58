"""Plot and alt text of the fibre's metabolites (ATP, phosphocreatine, inorganic phosphate; lesson 14).

:func:`plot_metabolites` draws ``Result.state("atp")``, ``"pcr"`` and ``"pi"`` (mM) against time with
the force on a second axis; :func:`metabolites_alt_text` puts the same run into words, with the
numbers read from the run, for readers who cannot see the figure. Both are re-exported by
:mod:`simlib.plotting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes

from simlib._plot_common import TIME_LABEL, drive_window, shade_drive
from simlib.palette import BLACK, BLUE, BLUISH_GREEN, VERMILLION, apply_style, new_axes

if TYPE_CHECKING:
    from simlib.result import Result

__all__ = ["METABOLITES", "metabolites_alt_text", "plot_metabolites"]

#: state name -> (label, colour, dash pattern, colour name used in the alt text)
METABOLITES: dict[str, tuple[str, str, str, str]] = {
    "atp": ("ATP", BLUE, "-", "blue, solid"),
    "pcr": ("PCr (phosphocreatine)", BLUISH_GREEN, "-.", "green, dash-dot"),
    "pi": ("Pi (inorganic phosphate)", VERMILLION, "--", "vermillion, dashed"),
}


def plot_metabolites(res: Result, ax: Axes | None = None) -> Axes:
    """Plot ATP, PCr and Pi (mM) against time, with the force on a second y axis.

    Parameters
    ----------
    res : simlib.Result
        Any run; its ``state("atp")``, ``state("pcr")`` and ``state("pi")`` (mM) and ``force``
        (1 = maximal tetanus) are drawn against ``t`` (s).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` with one line per metabolite (gids ``"atp"``, ``"pcr"``, ``"pi"``; colour and dash pattern
        differ, :data:`METABOLITES`), the scenario's drive window shaded (gid ``"drive"``) and, on a twin
        y axis, the force (gid ``"force"``, black, dotted). Alt text: :func:`metabolites_alt_text`.
    """
    ax = new_axes(figsize=(8.0, 4.0)) if ax is None else ax
    with apply_style():
        for name, (label, colour, dashes, _) in METABOLITES.items():
            ax.plot(res.t, res.state(name), color=colour, ls=dashes, lw=2.0, label=label, gid=name)
        shade_drive(res, ax)
        ax.set_xlim(float(res.t[0]), float(res.t[-1]))
        ax.set_ylim(bottom=0.0)
        ax.set_xlabel(TIME_LABEL)
        ax.set_ylabel("Concentration (mM)")
        twin = ax.twinx()
        twin.plot(res.t, res.force, color=BLACK, ls=":", lw=1.2, label="force (right axis)", gid="force")
        twin.set_ylim(0.0, max(1.0, 1.05 * float(np.max(res.force))))
        twin.set_ylabel("Force (1 = max. tetanus)")
        twin.grid(False)
        handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
        ax.legend(handles=handles, loc="upper center", fontsize=9)
    return ax


def _describe(res: Result, name: str, end: int) -> str:
    """One metabolite in words: its start, its extreme by the end of the drive (index ``end``) and its last value."""
    label, _, _, colour = METABOLITES[name]
    trace = res.state(name)
    t = res.t
    rises = trace[end] > trace[0]
    k = int(np.argmax(trace[: end + 1]) if rises else np.argmin(trace[: end + 1]))
    if abs(float(trace[k] - trace[0])) < 0.05 and abs(float(trace[-1] - trace[0])) < 0.05:
        return f"{label.split(' ')[0]} ({colour}) stays at {trace[0]:.1f} mM."
    verb = "rises" if rises else "falls"
    return (f"{label.split(' ')[0]} ({colour}) {verb} from {trace[0]:.1f} to {trace[k]:.1f} mM at {t[k]:.1f} s "
            f"and is {trace[-1]:.1f} mM at the end.")


def metabolites_alt_text(res: Result) -> str:
    """Describe a :func:`plot_metabolites` figure in words, with the numbers of the run.

    Parameters
    ----------
    res : simlib.Result
        The run given to :func:`plot_metabolites`.

    Returns
    -------
    str
        Alt text naming the time span and drive window, each metabolite's start, its extreme during the
        drive and its last value (mM), and the force's peak and its value where the drive ends.
    """
    t, force = res.t, res.force
    window = drive_window(res)
    end = len(t) - 1 if window is None else min(int(np.searchsorted(t, window[1])), len(t) - 1)
    shade = ("" if window is None else
             f", with the stimulation shaded from {window[0]:.1f} to {window[1]:.1f} s")
    words = [f"Line plot of ATP, PCr and Pi (mM, left axis) and force (black, dotted, right axis) against time "
             f"from {t[0]:.0f} to {t[-1]:.0f} s{shade}."]
    words += [_describe(res, name, end) for name in METABOLITES]
    words.append(f"Force peaks at {float(force.max()):.2f} and is {float(force[end]):.2f} when the "
                 f"{'drive' if window is not None else 'run'} ends.")
    return " ".join(words)
