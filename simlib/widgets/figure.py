"""The explorer's figure: stacked panels drawn once, laid out once, then updated in place by blitting.

:class:`BlittedFigure` is the figure half of :class:`simlib.widgets.Explorer` (its base class): it
makes the matplotlib Figure (Agg, or an ipympl canvas), draws the first run with the
:mod:`simlib.plotting` helpers of :data:`PANELS`, freezes the layout, holds each trace axis at the
healthy default's y range, and redraws either only the data artists over a cached background
(blitting) or everything. It knows nothing of controls or of the Scenario: it is given Results.
"""

from __future__ import annotations

import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as ipw
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simlib import plotting
from simlib.result import Result
from simlib.widgets.encoding import encode

__all__ = ["PANELS", "PROJECTOR_SCALE", "BlittedFigure"]

_PANEL_NAMES = ("spikes", "epp", "membrane", "calcium", "force")
#: Figure panels an explorer can show: name -> (plot helper, short y label, title), top to bottom as in
#: :func:`simlib.plotting.plot_chain` (its table, without its panel numbers: an explorer numbers the
#: panels it shows).
PANELS: dict[str, tuple[Callable[..., Axes], str, str]] = {
    name: (plot, ylabel, re.sub(r"^\d+\s+", "", title))
    for name, (plot, ylabel, title) in zip(_PANEL_NAMES, plotting._CHAIN_PANELS, strict=True)
}
#: How much larger (resolution and on-screen size) the figure is in projector mode.
PROJECTOR_SCALE = 1.5
#: cached figure backgrounds (one per view: axis limits, size, resolution; ~2 MB each)
_CACHED_BACKGROUNDS = 8
_TITLE_PAD_PT = 4.0  # as in simlib.plotting.plot_chain


def _round_away(x: float) -> float:
    """Round away from zero to 1, 2 or 5 times a power of ten (``38`` -> ``50``, ``-97`` -> ``-100``)."""
    if x == 0 or not math.isfinite(x):
        return x
    size = abs(x)
    magnitude = 10.0 ** math.floor(math.log10(size))
    nice = next(m * magnitude for m in (1.0, 2.0, 5.0, 10.0) if m * magnitude >= size * (1 - 1e-12))
    return math.copysign(nice, x)


class BlittedFigure:
    """A figure of stacked panels that follows one Result after another, redrawn as little as possible.

    Subclasses call :meth:`_init_figure` once, then :meth:`_show_result` for each new Result. The
    image widget (``_image``; None with an ipympl canvas) is set by the subclass after
    :meth:`_init_figure`; ``timings`` and ``last_redraw`` are filled by every redraw.

    Attributes
    ----------
    timings : dict of str to float
        ``update_ms`` (lines and limits), ``draw_ms`` (canvas redrawn) and ``encode_ms`` (image).
    last_redraw : str
        ``"blit"``, ``"full"`` or ``"deferred"`` (ipympl: a full draw requested from the browser).
    """

    _image: ipw.Image | None
    timings: dict[str, float]
    #: the panels this figure can show: name -> (plot helper ``plot(result, ax)``, short y label, title)
    _panel_table: dict[str, tuple[Callable[..., Axes], str, str]] = PANELS
    #: gids of the data artists, redrawn over the cached background (blitting)
    _data_gids: frozenset[str] = plotting.DATA_GIDS

    def _init_figure(self, panels: Sequence[str], figsize: tuple[float, float] | None, *, use_ipympl: bool,
                     reference: Result, projector: bool) -> None:
        """Make the figure, draw ``reference`` (whose y ranges the trace axes keep) and freeze its layout."""
        self._panels = tuple(panels)
        self._use_ipympl = use_ipympl
        self._image = None
        self._figure, self._axes = self._make_figure(figsize)
        self._plot(reference)
        # Round the tops up (force and membrane potential: kept), so that runs a little above the default fit.
        self._reference_ylim = [
            None if not ax.get_lines()
            else ax.get_ylim() if any(line.get_gid() in ("force", "v_muscle") for line in ax.get_lines())
            else (ax.get_ylim()[0], _round_away(ax.get_ylim()[1]))
            for ax in self._axes
        ]
        self._freeze_layout()
        self._setup_blitting()
        self._base_dpi = float(self._figure.dpi)
        if projector:
            self._figure.set_dpi(self._base_dpi * PROJECTOR_SCALE)
        self.last_redraw = ""

    def _make_figure(self, figsize: tuple[float, float] | None) -> tuple[Figure, np.ndarray]:
        n = len(self._panels)
        size = figsize or (8.0, 0.8 + 1.1 * n)
        with plotting.apply_style():
            fig = Figure(figsize=size, layout="constrained")
            if self._use_ipympl:
                from ipympl.backend_nbagg import new_figure_manager_given_figure

                # A canvas widget that pyplot does not manage: plt.gcf()/plt.show() never pick it up.
                new_figure_manager_given_figure(id(fig), fig)
            else:
                FigureCanvasAgg(fig)
            ratios = [1.5 if p == "spikes" else 1.0 for p in self._panels]  # room for the spike rows
            axes = fig.subplots(n, 1, sharex=True, squeeze=False, gridspec_kw={"height_ratios": ratios})[:, 0]
        return fig, np.asarray(axes, dtype=object)

    def _plot(self, res: Result) -> None:
        with plotting.apply_style():
            for number, (ax, panel) in enumerate(zip(self._axes, self._panels, strict=True), start=1):
                plot, ylabel, title = self._panel_table[panel]
                plot(self._panel_data(res), ax)
                # An (invisible) stretch marker on every panel, which update_plot shows for runs with a
                # stretch: the explorer adds no artists after this first plot of a run without one.
                if not any(a.get_gid() == "stretch" for a in (*ax.lines, *ax.collections)):
                    plotting.mark_stretch(res, ax, always=True)
                ax.set_ylabel(ylabel)
                ax.set_xlabel("")
                pad = _TITLE_PAD_PT
                legend = ax.get_legend()
                if legend is not None:  # the spike raster's, above its axes: the title goes above it
                    height_px = legend.get_window_extent(self._figure.canvas.get_renderer()).height
                    pad += height_px * 72.0 / self._figure.dpi
                # An explicit y keeps matplotlib from re-measuring every title on each draw.
                ax.set_title(f"{number}  {title}", loc="left", fontsize=plotting.STYLE["axes.titlesize"],
                             pad=pad, y=1.0)
            self._axes[-1].set_xlabel("Time (s)")

    def _panel_data(self, res: Result) -> Any:
        """Return what the panels' plot helpers are given for ``res``: the Result itself (a subclass may measure it)."""
        return res

    def _freeze_layout(self) -> None:
        """Lay the figure out once, then keep that layout: redraws skip the layout engine.

        Constrained layout and label alignment cost more than everything else in a redraw; the
        axes keep their y ranges (see ``_hold_limits``), so one layout fits every update.
        """
        fig = self._figure
        # Aligned before the layout, so its margin makes room for the widest label at the shared x
        # (aligning after it pushed the two-line force label past the figure's left edge).
        fig.align_ylabels(self._axes)
        fig.draw_without_rendering()
        xs = []
        for ax in self._axes:
            if not ax.get_ylabel():
                continue  # an empty label is never positioned
            x_px, _ = ax.yaxis.label.get_position()
            xs.append(float(ax.transAxes.inverted().transform((x_px, 0.0))[0]))
        label_x = min(xs) if xs else -0.1
        for ax in self._axes:
            ax.yaxis.set_label_coords(label_x, 0.5)
            # Fixed x-label positions too (only the bottom label has text): no tick measuring per draw.
            _, y_px = ax.xaxis.label.get_position()
            ax.xaxis.set_label_coords(0.5, float(ax.transAxes.inverted().transform((0.0, y_px))[1]))
        fig.set_layout_engine("none")

    def _setup_blitting(self) -> None:
        """Mark the data artists as animated and cache the rest of the figure after each full draw.

        An update whose axis limits are unchanged then restores the cached background and draws
        only the lines, spike rows and drive shading (blitting); other updates draw everything.
        Saving a figure (``savefig``, :meth:`export`) still draws animated artists.
        """
        artists = []
        for ax in self._axes:
            artists += [a for a in (*ax.lines, *ax.collections, *ax.patches) if a.get_gid() in self._data_gids]
        self._animated = sorted(artists, key=lambda a: a.get_zorder())
        for artist in self._animated:
            artist.set_animated(True)
        self._background: Any = None
        self._background_key: tuple[Any, ...] | None = None
        # Backgrounds of earlier views (other run lengths or y ranges, e.g. of presets), so that a
        # move back to one of them blits instead of drawing everything again (~2 MB each).
        self._backgrounds: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._figure.canvas.mpl_connect("draw_event", self._on_draw)

    def _view_key(self) -> tuple[Any, ...]:
        """Return what the cached background depends on: axis limits, figure size and resolution."""
        fig = self._figure
        limits = tuple((*ax.get_xlim(), *ax.get_ylim()) for ax in self._axes)
        return limits, tuple(fig.bbox.bounds), float(fig.dpi)

    def _on_draw(self, _event: object) -> None:
        """After a full draw to the screen: cache the background, then draw the data on top of it."""
        canvas = self._figure.canvas
        if canvas.is_saving():
            return
        self._background = canvas.copy_from_bbox(self._figure.bbox)
        self._background_key = self._view_key()
        self._backgrounds[self._background_key] = self._background
        self._backgrounds.move_to_end(self._background_key)
        while len(self._backgrounds) > _CACHED_BACKGROUNDS:
            self._backgrounds.popitem(last=False)
        self._draw_animated()

    def _draw_animated(self) -> None:
        for artist in self._animated:
            self._figure.draw_artist(artist)

    def _configure_ipympl(self) -> None:
        canvas = self._figure.canvas
        canvas.header_visible = False
        canvas.resizable = False
        canvas.capture_scroll = False
        canvas.toolbar_position = "left"

    def _hold_limits(self) -> None:
        """Keep each trace axis at the healthy default's y range unless the data leave it.

        Fixed ranges let a learner see a trace shrink or grow between two settings (autoscaling
        would hide it) and keep the ticks, and so the cached background, unchanged. Data outside
        the range widen it to a round number (force: a multiple of 0.25; membrane potential: of 50 mV), so small
        differences do not change the ticks or force a full redraw.
        """
        for ax, ref in zip(self._axes, self._reference_ylim, strict=True):
            if ref is None:
                continue
            lines = [line for line in ax.get_lines() if line.get_gid() not in (None, "stretch")]
            data = [np.asarray(line.get_ydata(), dtype=float) for line in lines]
            data = [y[np.isfinite(y)] for y in data]
            data = [y for y in data if y.size]
            gids = {line.get_gid() for line in lines}
            # force widens to the next 0.25, membrane potential to the next 50 mV (its tick step)
            step = 0.25 if "force" in gids else 50.0 if "v_muscle" in gids else None
            low, high = ref
            if data:
                span = high - low
                d_low, d_high = min(float(y.min()) for y in data), max(float(y.max()) for y in data)
                if d_high > high:
                    wanted = d_high + 0.05 * span
                    high = max(high, step * math.ceil(wanted / step) if step else _round_away(wanted))
                if d_low < low:
                    wanted = d_low - 0.05 * span
                    low = min(low, step * math.floor(wanted / step) if step else _round_away(wanted))
            ax.set_ylim(low, high)

    def _show_result(self, res: Result) -> None:
        """Put ``res`` on the axes: lines and spike rows in place, y limits held (see :meth:`_hold_limits`)."""
        t0 = time.perf_counter()
        plotting.update_plot(self._axes, res)
        self._hold_limits()
        self.timings["update_ms"] = 1e3 * (time.perf_counter() - t0)

    def _set_scale(self, scale: float) -> None:
        """Render at ``scale`` times the base resolution (projector mode); the next redraw is a full one."""
        self._figure.set_dpi(self._base_dpi * scale)
        self._background = None

    def _render(self, *, full: bool = False) -> None:
        """Bring the canvas up to date: blit when the axes are unchanged, else a full draw."""
        canvas = self._figure.canvas
        t0 = time.perf_counter()
        key = self._view_key()
        if not full and self._background_key != key and key in self._backgrounds:
            self._background, self._background_key = self._backgrounds[key], key  # a view shown before
            self._backgrounds.move_to_end(key)
        if not full and self._background is not None and self._background_key == key:
            canvas.restore_region(self._background)
            self._draw_animated()
            canvas.blit(self._figure.bbox)
            self.last_redraw = "blit"
        elif self._image is None:
            canvas.draw_idle()  # ipympl: the browser asks for the full draw; _on_draw then caches it
            self.last_redraw = "deferred"
        else:
            canvas.draw()
            self.last_redraw = "full"
        t1 = time.perf_counter()
        if self._image is not None:
            self._image.value = encode(canvas, self._image.format)
        self.timings["draw_ms"] = 1e3 * (t1 - t0)
        self.timings["encode_ms"] = 1e3 * (time.perf_counter() - t1)

