"""The bench's figures: the oscilloscope (force and membrane potential, held traces, two cursors) and the table plot.

Both are plain matplotlib Figures drawn with the Agg renderer and shown as images (any backend, also
``MPLBACKEND=Agg``); their alternative text is generated here from what they show.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simlib import palette
from simlib.result import Result
from simlib.widgets.encoding import encode

__all__ = ["CURSOR_COLOURS", "Oscilloscope", "TablePlot", "value_at"]

#: Colours of cursors 1 and 2 (black and reddish purple, both over 3:1 on white; their lines also differ in dash).
CURSOR_COLOURS = (palette.BLACK, palette.REDDISH_PURPLE)
_CURSOR_STYLES = ("--", ":")
#: The traces an oscilloscope shows, top to bottom: (Result attribute, axis label, words for alt text).
TRACES = (("force", "Force (normalised)", "force"), ("v_muscle", "Membrane potential (mV)",
                                                     "muscle membrane potential"))


def value_at(result: Result, attribute: str, t_s: float) -> float:
    """Return a trace's value at time ``t_s`` (s), interpolated linearly (the last value after the run)."""
    return float(np.interp(t_s, result.t, getattr(result, attribute)))


def _style(i: int) -> dict[str, object]:
    """Line colour and dash of trace ``i`` (0 the current run): the palette's line colours and dashes."""
    n = len(palette.LINE_COLOURS)
    return {"color": palette.LINE_COLOURS[i % n], "linestyle": palette.LINE_STYLES[i % n]}


class Oscilloscope:
    """Force and membrane potential against time, earlier runs held, two cursors.

    Parameters
    ----------
    figsize : tuple of float, default (8, 4.4)
        Size (in) at 100 dots per inch.
    """

    def __init__(self, figsize: tuple[float, float] = (8.0, 4.4)) -> None:
        with palette.apply_style():
            self.figure = Figure(figsize=figsize, dpi=100, layout="constrained")
            FigureCanvasAgg(self.figure)
            self.axes = self.figure.subplots(2, 1, sharex=True, height_ratios=(3, 1.6))
        self.description = ""

    def draw(self, shown: Sequence[tuple[str, Result]], impulses_s: Sequence[float],
             cursors_ms: tuple[float, float]) -> bytes:
        """Redraw with the runs ``shown`` (label, Result; the current run first), stimulus marks and cursors.

        Returns
        -------
        bytes
            The image (JPEG) for the image widget; :attr:`description` is updated for the alt text.
        """
        with palette.apply_style():
            for ax in self.axes:
                ax.clear()
            for i, (label, res) in enumerate(shown):  # the current run first in the legend and on top
                for ax, (attribute, _, _) in zip(self.axes, TRACES, strict=True):
                    ax.plot(1000.0 * res.t, getattr(res, attribute), label=label, lw=1.8 if i == 0 else 1.4,
                            zorder=3 + len(shown) - i, **_style(i))
            if len(impulses_s):  # one collection: a fatigue run has hundreds of stimuli
                self.axes[0].vlines(1000.0 * np.asarray(impulses_s), 0.0, 1.0, colors=palette.DRIVE_SHADE, lw=1.0,
                                    zorder=0, transform=self.axes[0].get_xaxis_transform())
            for k, (t_ms, colour, dash) in enumerate(zip(cursors_ms, CURSOR_COLOURS, _CURSOR_STYLES, strict=True)):
                for ax in self.axes:
                    ax.axvline(t_ms, color=colour, linestyle=dash, lw=1.2)
                self.axes[0].annotate(f"C{k + 1}", (t_ms, 1.0), xycoords=("data", "axes fraction"), color=colour,
                                      ha="left", va="top", fontsize=11)
            for ax, (_, ylabel, _) in zip(self.axes, TRACES, strict=True):
                ax.set_ylabel(ylabel)
            self.axes[-1].set_xlabel("Time (ms)")
            if shown:
                self.axes[0].set_xlim(0.0, 1000.0 * max(float(r.t[-1]) for _, r in shown))
                self.axes[0].legend(loc="upper right", fontsize=10)
            self.figure.canvas.draw()
        self.description = _describe(shown, cursors_ms)
        return encode(self.figure.canvas)


def _describe(shown: Sequence[tuple[str, Result]], cursors_ms: tuple[float, float]) -> str:
    if not shown:
        return "Oscilloscope: empty. Press Stimulate to record a trace."
    label, res = shown[0]
    peak = float(res.force.max())
    text = (f"Oscilloscope: force (top) and muscle membrane potential (bottom) against time from 0 to "
            f"{1000.0 * float(res.t[-1]):.0f} ms. Current trace: {label}; force peaks at {peak:.3f} at "
            f"{1000.0 * float(res.t[int(np.argmax(res.force))]):.1f} ms.")
    if len(shown) > 1:
        held = "; ".join(f"{lab} (peak {float(r.force.max()):.3f})" for lab, r in shown[1:])
        text += f" Held traces: {held}."
    return text + f" Cursor 1 at {cursors_ms[0]:.1f} ms, cursor 2 at {cursors_ms[1]:.1f} ms."


class TablePlot:
    """One column of the data table against another: points joined in order of x."""

    def __init__(self, figsize: tuple[float, float] = (5.0, 3.2)) -> None:
        with palette.apply_style():
            self.figure = Figure(figsize=figsize, dpi=100, layout="constrained")
            FigureCanvasAgg(self.figure)
            self.ax = self.figure.subplots()
        self.description = ""

    def draw(self, x: Sequence[float], y: Sequence[float], xlabel: str, ylabel: str) -> bytes:
        """Redraw with the points ``(x, y)``; return the image and update :attr:`description`."""
        with palette.apply_style():
            self.ax.clear()
            if len(x):
                self.ax.plot(x, y, marker="o", **_style(0))
            else:
                self.ax.text(0.5, 0.5, "Record data to plot it", transform=self.ax.transAxes, ha="center")
            self.ax.set_xlabel(xlabel)
            self.ax.set_ylabel(ylabel)
            self.figure.canvas.draw()
        points = ", ".join(f"({a:.4g}, {b:.4g})" for a, b in zip(x, y, strict=True))
        self.description = (f"Plot of {ylabel} against {xlabel}: {len(x)} recorded point{'' if len(x) == 1 else 's'}"
                            + (f": {points}." if points else "."))
        return encode(self.figure.canvas)
