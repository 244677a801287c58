"""Colours, dash patterns and rcParams of the lab's figures (used by :mod:`simlib.plotting`).

Colours are the Okabe-Ito palette [1]_, distinguishable with the common colour-vision
deficiencies. Lines use only its colours with a contrast of at least 3:1 on white
(:data:`LINE_COLOURS`; WCAG 2.1 success criterion 1.4.11, non-text contrast [2]_), each with its
own dash pattern (:data:`LINE_STYLES`), so that traces on one axes also differ in greyscale.
Nerve spikes have one colour per origin in every raster (:data:`ORIGIN_COLOURS`).

References
----------
.. [1] Okabe M, Ito K (2008). Color Universal Design (CUD): how to make figures and
   presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
.. [2] W3C (2018). Web Content Accessibility Guidelines 2.1: relative luminance and contrast ratio.
   https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb

__all__ = [
    "BLACK", "BLUE", "BLUISH_GREEN", "DRIVE_ALPHA", "DRIVE_SHADE", "LINE_COLOURS", "LINE_STYLES", "OKABE_ITO",
    "ORANGE", "ORIGIN_COLOURS", "ORIGIN_LABELS", "REDDISH_PURPLE", "SKY_BLUE", "STYLE", "VERMILLION", "YELLOW",
    "apply_style", "contrast_on_white", "new_axes",
]

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
#: Line colours, in cycle order: the Okabe-Ito colours with a contrast of at least 3:1 on white
#: (5.2, 3.9, 3.4, 21 and 3.1:1). Orange (2.2:1), sky blue (2.3:1) and yellow (1.3:1) are kept for fills.
#: Black comes fourth: a lesson's fourth line is often its extreme case (50 Hz tetanus, no ATP).
LINE_COLOURS: tuple[str, ...] = (BLUE, VERMILLION, BLUISH_GREEN, BLACK, REDDISH_PURPLE)
#: Dash patterns cycled together with :data:`LINE_COLOURS` (solid, dashed, dash-dot, dotted, dash-dot-dot).
LINE_STYLES: tuple[str | tuple[int, tuple[int, ...]], ...] = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)))
#: Colour of each nerve-spike origin (``Result.nerve_spike_origins``) and of muscle action potentials
#: (``"muscle"``), in every raster. Stimulator and command share blue: both are the drive.
ORIGIN_COLOURS: dict[str, str] = {
    "stimulator": BLUE, "commanded": BLUE, "reflex": BLUISH_GREEN, "self-sustained": VERMILLION,
    "ectopic": REDDISH_PURPLE, "muscle": BLACK,
}
#: Legend of the raster colours, in order: (origin, short label).
ORIGIN_LABELS: tuple[tuple[str, str], ...] = (
    ("commanded", "command/stimulus"), ("reflex", "reflex"), ("self-sustained", "self-sustained"),
    ("ectopic", "ectopic"), ("muscle", "muscle AP"),
)

#: rcParams of the lab style: fonts ≥ 11 pt, colour and dash cycle (:data:`LINE_COLOURS` with
#: :data:`LINE_STYLES`), light grid. Lessons use it with ``plt.style.use(plotting.STYLE)``.
STYLE: dict[str, object] = {
    "font.size": 12.0,
    "axes.titlesize": 12.0,
    "axes.labelsize": 12.0,
    "xtick.labelsize": 11.0,
    "ytick.labelsize": 11.0,
    "legend.fontsize": 11.0,
    "figure.titlesize": 13.0,
    "axes.prop_cycle": cycler(color=list(LINE_COLOURS)) + cycler(linestyle=list(LINE_STYLES)),
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


def contrast_on_white(colour: str) -> float:
    """Return the WCAG 2.1 contrast ratio of a colour against white (1 to 21).

    Parameters
    ----------
    colour : str
        Any matplotlib colour (``"#F0E442"``).

    Returns
    -------
    float
        :math:`1.05 / (L + 0.05)`, with :math:`L` the relative luminance (0-1) [2]_.
    """
    rgb = np.asarray(to_rgb(colour))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return 1.05 / (float(np.dot([0.2126, 0.7152, 0.0722], linear)) + 0.05)


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


def new_axes(figsize: tuple[float, float] = (7.0, 3.0)) -> Axes:
    """Create a single-axes figure in :data:`STYLE` with constrained layout.

    Parameters
    ----------
    figsize : tuple of float
        Width and height (in).

    Returns
    -------
    matplotlib.axes.Axes
        The axes of a new pyplot figure.
    """
    with apply_style():
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax
