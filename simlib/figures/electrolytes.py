"""Figure ``electrolyte_map``: the classification over a grid of drive rate × extracellular Ca²⁺."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from simlib import experiments, plotting
from simlib.errors import ParameterError
from simlib.figures._common import _as_scenario, _conditions, _options
from simlib.figures._registry import FigureInfo, _register
from simlib.figures._style import _MODEL_NOTE, HouseStyle, _finish, _house_style, _new_figure, _rc
from simlib.metrics import CLASSIFICATIONS
from simlib.scenario import Scenario

#: Colour and hatch of each classification (Okabe-Ito; hatches so that colour is not the only cue).
CLASS_STYLE: Mapping[str, tuple[str, str]] = MappingProxyType({
    "normal": (plotting.BLUISH_GREEN, ""),
    "weakness": (plotting.SKY_BLUE, ".."),
    "tetany": (plotting.ORANGE, "//"),
    "cramp": (plotting.VERMILLION, "xx"),
    "contracture": (plotting.REDDISH_PURPLE, "\\\\"),
    "spasticity": (plotting.BLUE, "++"),
    "repetitive firing": (plotting.YELLOW, "oo"),
    "fasciculation": (plotting.BLACK, "||"),
})
#: classifications only a motor-unit pool gives: in the legend only when the map has them
POOL_ONLY = frozenset({"fasciculation"})


def _quiet(done: int, total: int) -> None:
    """Progress callback that shows nothing."""


@functools.lru_cache(maxsize=8)
def _classification_grid(sc: Scenario, rates: tuple[float, ...], cas: tuple[float, ...]) -> np.ndarray:
    # A callable progress (a no-op) keeps sweep from drawing its own bar under the CLI's progress bar.
    grid = experiments.classification_grid(experiments.sweep(sc, progress=_quiet, rate_hz=rates, ca_mM=cas))
    grid.setflags(write=False)
    return grid


def _edges(centres: np.ndarray) -> np.ndarray:
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])


_TITLE = "Drive rate × extracellular Ca²⁺"


@_register("Drive rate × extracellular Ca²⁺", "classification map of the response over a rate × Ca²⁺ grid")
def electrolyte_map(scenario: Scenario | str | None = None, *, style: str = "slide", n_rate: int = 8,
                    n_ca: int = 8, rate_range_hz: tuple[float, float] = (0.0, 100.0),
                    ca_range_mM: tuple[float, float] = (0.5, 2.5)) -> Figure:
    """Classification of the response over a grid of drive rate × extracellular ionised Ca²⁺.

    Each cell is one simulation of `scenario` with ``rate_hz`` and ``ca_mM`` replaced (via
    :func:`simlib.sweep`), coloured and hatched by its :attr:`simlib.Metrics.classification`. A star
    marks `scenario` itself.

    Parameters
    ----------
    scenario : Scenario or str, optional
        Base scenario (drive, other electrolytes, temperature, drugs); healthy defaults when None.
    style : {'slide', 'handout'}
        House style.
    n_rate, n_ca : int, default 8
        Grid points along each axis (2-40); the cost grows as ``n_rate * n_ca`` simulations.
    rate_range_hz : (float, float), default (0, 100)
        First and last rate (Hz).
    ca_range_mM : (float, float), default (0.5, 2.5)
        First and last Ca²⁺ (mM).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with ``n_rate * n_ca`` cells (Rectangles with gid ``cell:<classification>``), a star
        (Line2D, gid ``scenario``) and a legend of the five classifications.
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    for what, n in (("n_rate", n_rate), ("n_ca", n_ca)):
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= 40:
            raise ParameterError(f"{what!r} must be a whole number between 2 and 40; got {n!r}")
    rates = tuple(float(v) for v in np.linspace(*rate_range_hz, int(n_rate)))
    cas = tuple(float(v) for v in np.round(np.linspace(*ca_range_mM, int(n_ca)), 6))
    grid = _classification_grid(base, rates, cas)  # shape (n_rate, n_ca)
    fig, axes = _new_figure(hs, handout_height_in=3.6)
    _draw_grid(fig, axes[0, 0], hs, base, grid, rates, cas)
    caption, alt = _map_text(base, grid, rates, cas)
    info = FigureInfo(
        "electrolyte_map", _TITLE, caption, alt, style, base,
        settings=(("rate_hz", ", ".join(f"{r:g}" for r in rates)), ("ca_mM", ", ".join(f"{c:g}" for c in cas))),
        options=_options(n_rate=(n_rate, 8), n_ca=(n_ca, 8), rate_range_hz=(tuple(rate_range_hz), (0.0, 100.0)),
                         ca_range_mM=(tuple(ca_range_mM), (0.5, 2.5))),
    )
    return _finish(fig, hs, info)


def _draw_grid(fig: Figure, ax: Axes, hs: HouseStyle, base: Scenario, grid: np.ndarray, rates: tuple[float, ...],
               cas: tuple[float, ...]) -> None:
    """One hatched cell per grid point, a star at `base` and the legend of the classifications."""
    x_edges, y_edges = _edges(np.array(cas)), _edges(np.array(rates))
    with mpl.rc_context(_rc(hs)):
        for i in range(len(rates)):
            for j in range(len(cas)):
                label = str(grid[i, j])
                colour, hatch = CLASS_STYLE.get(label, ("#FFFFFF", ""))
                ax.add_patch(Rectangle((x_edges[j], y_edges[i]), x_edges[j + 1] - x_edges[j],
                                       y_edges[i + 1] - y_edges[i], facecolor=colour, hatch=hatch,
                                       edgecolor="white", linewidth=max(0.5, hs.linewidth / 3),
                                       gid=f"cell:{label}"))
        ax.plot([base.ca_mM], [base.rate_hz], marker="*", ms=hs.markersize * 2.2, color=plotting.BLACK,
                mec="white", mew=max(0.6, hs.linewidth / 3), ls="none", gid="scenario", label="this scenario",
                clip_on=False, zorder=5)
        ax.set_xlim(x_edges[0], x_edges[-1])
        ax.set_ylim(y_edges[0], y_edges[-1])
        ax.grid(False)
        drive = "Voluntary command rate (Hz)" if base.drive == "voluntary" else "Stimulation rate (Hz)"
        ax.set_xlabel("Extracellular ionised Ca²⁺ (mM)")
        ax.set_ylabel(drive)
        shown = [c for c in CLASSIFICATIONS if c not in POOL_ONLY or (grid == c).any()]
        handles = [Patch(facecolor=CLASS_STYLE[c][0], hatch=CLASS_STYLE[c][1], edgecolor="white", label=c)
                   for c in shown]
        handles.append(ax.get_lines()[0])
        if hs.name == "slide":
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                      handlelength=1.6, handleheight=1.2, title="Classification")
        else:
            fig.legend(handles=handles, loc="outside lower center", ncols=3, handlelength=1.4, handleheight=1.0,
                       columnspacing=0.8)


def _map_text(base: Scenario, grid: np.ndarray, rates: tuple[float, ...], cas: tuple[float, ...]) -> tuple[str, str]:
    """Caption and alt text of the electrolyte map: which Ca²⁺ range gives which classification."""
    counts = {c: int(np.count_nonzero(grid == c)) for c in CLASSIFICATIONS}
    present = [c for c in CLASSIFICATIONS if counts[c]]
    ranges = []
    for c in present:
        cols = np.nonzero((grid == c).any(axis=0))[0]
        span = f"{cas[cols[0]]:g}" if cols[0] == cols[-1] else f"{cas[cols[0]]:g}–{cas[cols[-1]]:g}"
        ranges.append(f"{c} in {counts[c]} cells (Ca²⁺ {span} mM)")
    title = _TITLE
    fixed = _conditions(base, ("rate_hz", "ca_mM"))
    caption = (
        f"{title}: how the response is classified on a {len(rates)} × {len(cas)} grid of "
        f"{'voluntary command' if base.drive == 'voluntary' else 'stimulation'} rate ({rates[0]:g}–{rates[-1]:g} Hz) "
        f"and extracellular ionised Ca²⁺ ({cas[0]:g}–{cas[-1]:g} mM; plasma normal about 1.1–1.3 mM). Each cell is "
        "one simulation, classified as normal, weakness (less than half the healthy force), tetany (the "
        "peripheral nerve fires by itself), cramp (the spinal motoneuron keeps firing after the drive) or "
        "contracture (force stays without muscle action potentials). The star marks the base scenario. "
        f"Everything else: {fixed}. {_MODEL_NOTE}"
    )
    alt = (
        f"Grid map with extracellular ionised calcium from {cas[0]:g} to {cas[-1]:g} millimolar on the x axis and "
        f"drive rate from {rates[0]:g} to {rates[-1]:g} hertz on the y axis; {len(rates) * len(cas)} cells coloured "
        "and hatched by classification: " + "; ".join(ranges) + "."
    )
    return caption, alt
