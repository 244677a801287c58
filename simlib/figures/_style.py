"""The two house styles (slide and handout): sizes, rcParams, figure creation and finishing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simlib import plotting
from simlib.errors import ParameterError
from simlib.figures._registry import FigureInfo, _unknown

__all__ = ["HOUSE_STYLES", "STYLES", "HouseStyle"]


@dataclass(frozen=True)
class HouseStyle:
    """Sizes of one house style (inches and points).

    Attributes
    ----------
    name : str
        ``"slide"`` or ``"handout"``.
    width_in, height_in : float
        Figure size (in); figures with several stacked panels may be taller in the handout style.
    font_pt, tick_pt, legend_pt, title_pt, suptitle_pt : float
        Font sizes (pt) of axis labels, tick labels, legends, panel titles and the figure title.
    linewidth, markersize : float
        Data line width and marker size (pt).
    show_title : bool
        Draw the title on the figure (slides) or leave it to the caption (handouts).
    """

    name: str
    width_in: float
    height_in: float
    font_pt: float
    tick_pt: float
    legend_pt: float
    title_pt: float
    suptitle_pt: float
    linewidth: float
    markersize: float
    show_title: bool


#: The two house styles by name: a 16:9 slide and a single-column handout.
HOUSE_STYLES: Mapping[str, HouseStyle] = MappingProxyType({
    "slide": HouseStyle("slide", 13.333, 7.5, 20.0, 18.0, 17.0, 20.0, 26.0, 3.0, 10.0, True),
    "handout": HouseStyle("handout", 3.5, 2.8, 8.0, 7.0, 7.0, 8.0, 9.0, 1.2, 4.0, False),
})
#: Valid ``style`` values.
STYLES: tuple[str, ...] = tuple(HOUSE_STYLES)

_MODEL_NOTE = "Muscle Spasm Lab teaching model (simulated, not patient data)."
#: Dash patterns that, with the colours, tell compared lines apart in grey scale too.
_DASHES = plotting.LINE_STYLES


def _house_style(style: str) -> HouseStyle:
    if style not in HOUSE_STYLES:
        raise ParameterError(_unknown("style", style, STYLES))
    return HOUSE_STYLES[style]


def _rc(hs: HouseStyle) -> dict[str, object]:
    """RcParams in force while a figure of this house style is built."""
    return {
        "font.size": hs.font_pt,
        "axes.labelsize": hs.font_pt,
        "axes.titlesize": hs.title_pt,
        "xtick.labelsize": hs.tick_pt,
        "ytick.labelsize": hs.tick_pt,
        "legend.fontsize": hs.legend_pt,
        "legend.title_fontsize": hs.legend_pt,
        "figure.titlesize": hs.suptitle_pt,
        "lines.linewidth": hs.linewidth,
        "lines.markersize": hs.markersize,
        "axes.linewidth": max(0.6, hs.linewidth / 2.5),
        "axes.prop_cycle": plotting.STYLE["axes.prop_cycle"],
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "grid.linewidth": max(0.4, hs.linewidth / 4),
        "legend.frameon": False,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "hatch.linewidth": max(0.5, hs.linewidth / 3),
    }


def _new_figure(hs: HouseStyle, nrows: int = 1, ncols: int = 1, *, handout_height_in: float | None = None,
                **subplots_kw: Any) -> tuple[Figure, np.ndarray]:
    """Create a Figure (not managed by pyplot) of the house size with an array of axes."""
    height = hs.height_in if (hs.name == "slide" or handout_height_in is None) else handout_height_in
    with mpl.rc_context(_rc(hs)):
        fig = Figure(figsize=(hs.width_in, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, **subplots_kw)
    pad = 0.08 if hs.name == "slide" else 0.03
    fig.get_layout_engine().set(w_pad=pad, h_pad=pad)
    return fig, axes


def _two_panels(hs: HouseStyle, handout_height_in: float,
                ratios: tuple[float, float] | None = None) -> tuple[Figure, Axes, Axes]:
    """Two panels: side by side on a slide, stacked on a handout (``ratios``: their relative sizes)."""
    if hs.name == "slide":
        kw = {} if ratios is None else {"gridspec_kw": {"width_ratios": list(ratios)}}
        fig, axes = _new_figure(hs, 1, 2, **kw)
        return fig, axes[0, 0], axes[0, 1]
    kw = {} if ratios is None else {"gridspec_kw": {"height_ratios": list(ratios)}}
    fig, axes = _new_figure(hs, 2, 1, handout_height_in=handout_height_in, **kw)
    return fig, axes[0, 0], axes[1, 0]


def _finish(fig: Figure, hs: HouseStyle, info: FigureInfo) -> Figure:
    """Impose the house font sizes on every text (ticks are made lazily) and attach ``info``."""
    tick_w = max(0.6, hs.linewidth / 2.5)
    for ax in fig.axes:
        ax.tick_params(which="major", labelsize=hs.tick_pt, width=tick_w, length=0.4 * hs.tick_pt)
        ax.tick_params(which="minor", width=0.7 * tick_w, length=0.25 * hs.tick_pt)
        if ax.get_gid() == "raster":  # rows are named, not measured: no tick marks
            ax.tick_params(axis="y", which="both", length=0)
        ax.xaxis.label.set_fontsize(hs.font_pt)
        ax.yaxis.label.set_fontsize(hs.font_pt)
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                text.set_fontsize(hs.legend_pt)
    for legend in fig.legends:
        for text in legend.get_texts():
            text.set_fontsize(hs.legend_pt)
    if hs.show_title:
        fig.suptitle(info.title, x=0.01, ha="left", fontsize=hs.suptitle_pt, fontweight="bold")
    fig.set_label(info.name)
    fig._simlib_figure_info = info  # read with figure_info(fig)
    return fig


def _panel_title(ax: Axes, text: str, hs: HouseStyle) -> None:
    ax.set_title(text, loc="left", fontsize=hs.title_pt)


def _house_legends(fig: Figure, axes: tuple[Axes, Axes], columns: int) -> None:
    """Replace the notebook plots' legends and labels by one legend per panel under its axes.

    A panel's legend gathers the lines of its twin axes too. Texts with a gid starting ``label:`` (the
    limb names of the length–tension plot) are removed: at house font sizes they would overlap the
    curve; captions and alt texts name them.
    """
    for ax in fig.axes:
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        for text in [t for t in ax.texts if str(t.get_gid()).startswith("label:")]:
            text.remove()
    for ax in axes:
        handles = [h for a in fig.axes if a is ax or a.get_shared_x_axes().joined(a, ax)
                   for h in a.get_legend_handles_labels()[0]]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=columns, frameon=False)
