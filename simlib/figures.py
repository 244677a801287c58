"""Named instructor figures: a registry, one house style, and faithful export with a caption file.

Every lesson figure is a function of a :class:`~simlib.Scenario` that returns a matplotlib
:class:`~matplotlib.figure.Figure` in one of two sizes, and every figure carries a
:class:`FigureInfo` (title, caption, alt text and the scenarios that produced it)::

    from simlib import figures
    fig = figures.render("force_frequency", style="slide")         # or figures.force_frequency()
    figures.figure_info(fig).alt_text
    figures.export_figure(fig, "exports/force_frequency", formats=("png", "svg", "pdf"))

The same gallery is one command away: ``simlib figures --out DIR`` (see :mod:`simlib.__main__`).

Figures
-------
=========================  ==================================================================
``chain_overview``         nerve and muscle spikes, endplate potential, membrane potential, Ca²⁺, force
``twitch_summation_tetanus``  a single twitch, summation and fused tetanus
``force_frequency``        peak force of a 1 s train against stimulation rate
``electrolyte_map``        classification over drive rate × extracellular Ca²⁺ (:func:`simlib.sweep`)
``calcium_atp_relaxation`` Ca²⁺ and force with and without ATP: relaxation needs ATP
``cramp_and_stretch``      a cramp and a cramp stopped by stretch (needs the cramp presets)
``cramp_vs_contracture``   electrically active spasm vs electrically silent contracture
``drug_comparison``        where botulinum toxin, curare and dantrolene break the chain
``temperature``            twitch and force–frequency at three temperatures
=========================  ==================================================================

House style
-----------
``"slide"``: 13.33 × 7.5 in (16:9), text 14–26 pt (labels 18–20 pt) and lines 3 pt, readable from
the back of a lecture room; the title is drawn on the figure. ``"handout"``: 3.5 in wide (one journal
or handout column), text 6–9 pt; the title goes in the caption, not on the figure. Both use the Okabe-Ito
colour-blind-safe palette of :mod:`simlib.plotting` and, where lines are compared, different line
styles as well, so that no comparison depends on colour alone. Every numeric axis states its unit.

Export
------
:func:`export_figure` writes PNG (with its dpi in the file), SVG (text kept as text, with
``<title>`` and ``<desc>`` for screen readers) and PDF (TrueType fonts embedded, Type 42), each
atomically, and beside them ``NAME.caption.toml``: a valid scenario file that
:func:`simlib.load_scenario` reads, whose ``#:`` header lines hold the title, caption, alt text and
the runs (read them with :func:`read_caption`).

Image baselines for the tests live in ``tests/baseline_images``; regenerate them only with
``python -m simlib.figures --regenerate-baselines tests/baseline_images`` (``make baselines``).

This module imports matplotlib; ``import simlib`` does not import it.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import re
import shlex
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib import style as mpl_style
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FixedLocator, MaxNLocator

from simlib import experiments, plotting
from simlib._fileio import atomic_write_set, exists_message
from simlib.errors import ParameterError
from simlib.metrics import CLASSIFICATIONS, Metrics
from simlib.parameters import SCENARIO_PARAMS, scenario_param
from simlib.presets import PRESETS
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.scenario_io import _to_toml as _scenario_toml
from simlib.scenario_io import _toml_string as _toml_str
from simlib.scenario_io import load_scenario
from simlib.simulate import simulate
from simlib.validation import suggest_names

__all__ = [
    "FIGURES",
    "FORMATS",
    "HOUSE_STYLES",
    "STYLES",
    "FigureInfo",
    "FigureSpec",
    "HouseStyle",
    "calcium_atp_relaxation",
    "chain_overview",
    "cramp_and_stretch",
    "cramp_vs_contracture",
    "drug_comparison",
    "electrolyte_map",
    "export_figure",
    "figure_info",
    "force_frequency",
    "names",
    "read_caption",
    "regenerate_baselines",
    "render",
    "save_baseline",
    "temperature",
    "twitch_summation_tetanus",
]

# --- house style ---------------------------------------------------------------------------------


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
#: Valid export formats, in the order they are written.
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

#: rcParams that make exports faithful: SVG text stays text, PDF embeds TrueType (Type 42), and
#: SVG ids and PDF dates do not change from run to run.
EXPORT_RC: Mapping[str, object] = MappingProxyType({
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.hashsalt": "simlib",
})

#: Allowed export resolution, dots per inch. Drawing needs about 4 bytes of memory per pixel (measured:
#: a 13.3 x 7.5 in slide used 238 MB at 300 dpi, 343 MB at 600 and 766 MB at 1200; 2.47 GB at 2400).
_DPI_RANGE = (10, 1200)
#: Most pixels of an exported PNG (40 megapixels, about 160 MB to draw): a slide up to 632 dpi, a
#: handout (3.5 in wide) at any allowed dpi. Keeps an export within a learner's 1 GB (docs/classroom.md).
MAX_EXPORT_PIXELS = 40_000_000
_MODEL_NOTE = "Muscle Spasm Lab teaching model (simulated, not patient data)."
_TIME_LABEL = "Time (s)"
_FORCE_LABEL = "Force (normalised;\n1 = max. tetanus)"
_CA_LABEL = "Free Ca²⁺ (µM)"
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


# --- figure metadata and registry -----------------------------------------------------------------


@dataclass(frozen=True)
class FigureInfo:
    """What a figure shows and what produced it; attached to every figure made here.

    Attributes
    ----------
    name : str
        Registry name (e.g. ``"force_frequency"``).
    title : str
        Short title (drawn on slides; the first words of a handout caption).
    caption : str
        Caption for slides, handouts and exams: what is shown, the conditions, the protocol.
    alt_text : str
        Text alternative for readers who cannot see the figure, with the key numbers.
    style : str
        ``"slide"`` or ``"handout"``.
    scenario : Scenario
        The base scenario the figure was drawn from (regenerates it with :func:`render`).
    runs : tuple of (str, Scenario)
        Every labelled scenario simulated for a line or panel (a sweep is listed in `settings`).
    settings : tuple of (str, str)
        Other inputs (rates, grid, temperatures), as text.
    presets : tuple of str
        Names of :data:`simlib.PRESETS` entries used.
    options : tuple of (str, object)
        Keyword options passed to the figure function (empty for its defaults).
    """

    name: str
    title: str
    caption: str
    alt_text: str
    style: str
    scenario: Scenario
    runs: tuple[tuple[str, Scenario], ...] = ()
    settings: tuple[tuple[str, str], ...] = ()
    presets: tuple[str, ...] = ()
    options: tuple[tuple[str, object], ...] = ()

    def regenerate_command(self, caption_file: str | None = None) -> str:
        """Return the command line (or, with non-default options, the Python call) that redraws this figure.

        Parameters
        ----------
        caption_file : str, optional
            Name of the caption file, quoted as a Python string (``repr``) in the Python call or for a
            POSIX shell (:func:`shlex.quote`) in the command line, so that any name pastes safely. The
            placeholder ``CAPTION_FILE`` when None.
        """
        if self.options:
            opts = "".join(f", {k}={v!r}" for k, v in self.options)
            file = "CAPTION_FILE" if caption_file is None else repr(caption_file)
            return (f"simlib.figures.render({self.name!r}, simlib.load_scenario({file}), "
                    f"style={self.style!r}{opts})")
        file = "CAPTION_FILE" if caption_file is None else shlex.quote(caption_file)
        return f"simlib figures --only {self.name} --style {self.style} --scenario {file} --out DIR"


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure.

    Attributes
    ----------
    name : str
        Registry name.
    title : str
        Title used when the figure is drawn with its defaults.
    summary : str
        One line on what the figure shows.
    function : callable
        ``function(scenario=None, *, style="slide", **options) -> Figure``.
    """

    name: str
    title: str
    summary: str
    function: Callable[..., Figure]


_REGISTRY: dict[str, FigureSpec] = {}
#: Registered figures by name, in gallery order.
FIGURES: Mapping[str, FigureSpec] = MappingProxyType(_REGISTRY)


def _register(title: str, summary: str) -> Callable[[Callable[..., Figure]], Callable[..., Figure]]:
    def decorate(function: Callable[..., Figure]) -> Callable[..., Figure]:
        _REGISTRY[function.__name__] = FigureSpec(function.__name__, title, summary, function)
        return function

    return decorate


def names() -> tuple[str, ...]:
    """Names of the registered figures, in gallery order."""
    return tuple(_REGISTRY)


def _unknown(kind: str, name: object, valid: Iterable[str]) -> str:
    valid = list(valid)
    close = suggest_names(name, valid) if isinstance(name, str) else []
    hint = f"; did you mean {close[0]!r}" if close else ""
    return f"unknown {kind} {name!r}{hint}; valid {kind}s: {', '.join(valid)}"


def render(name: str, scenario: Scenario | str | None = None, *, style: str = "slide", **options: Any) -> Figure:
    """Draw a registered figure by name.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    scenario : Scenario or str, optional
        Base scenario, or the name of a preset; healthy defaults when None.
    style : {'slide', 'handout'}
        House style (size and fonts).
    **options
        Keyword options of that figure's function (e.g. ``n_rate=12`` for ``electrolyte_map``).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with its :class:`FigureInfo` (see :func:`figure_info`).

    Raises
    ------
    ParameterError
        For an unknown figure name or style (the message lists the valid ones) or invalid values.
    """
    if name not in _REGISTRY:
        raise ParameterError(_unknown("figure", name, _REGISTRY))
    return _REGISTRY[name].function(scenario, style=style, **options)


def figure_info(fig: Figure) -> FigureInfo:
    """Return the :class:`FigureInfo` attached to a figure drawn by this module.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure returned by :func:`render` or one of the figure functions.

    Raises
    ------
    ParameterError
        If the figure was not drawn by :mod:`simlib.figures`.
    """
    info = getattr(fig, "_simlib_figure_info", None)
    if not isinstance(info, FigureInfo):
        raise ParameterError("this figure was not drawn by simlib.figures, so it carries no FigureInfo; pass "
                             "title=, caption=, alt_text= and scenario= to export_figure instead")
    return info


# --- shared helpers ------------------------------------------------------------------------------------

_HEALTHY = Scenario()


def _as_scenario(scenario: Scenario | str | None) -> Scenario:
    if scenario is None:
        return _HEALTHY
    if isinstance(scenario, str):
        if scenario not in PRESETS:
            raise ParameterError(_unknown("preset", scenario, PRESETS))
        return PRESETS[scenario]
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a simlib.Scenario, a preset name or None; got {type(scenario).__name__}")
    return scenario


@functools.lru_cache(maxsize=48)
def _run(sc: Scenario, output_dt_s: float = 1e-3) -> Result:
    """Simulate once per (scenario, output interval) in this process (slide and handout share runs)."""
    return simulate(sc, output_dt_s=output_dt_s)


def _preset_changes(name: str) -> dict[str, Any]:
    """Return the fields a preset changes relative to the healthy defaults."""
    preset, healthy = PRESETS[name].to_dict(), _HEALTHY.to_dict()
    return {k: v for k, v in preset.items() if v != healthy[k]}


def _with_preset(base: Scenario, name: str) -> Scenario:
    """Return ``base`` with the changes that define preset ``name`` applied on top."""
    return base.replace(**_preset_changes(name))


def _fmt(value: object, unit: str = "") -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}" if unit else text


def _conditions(sc: Scenario, ignore: Iterable[str] = ()) -> str:
    """``"healthy defaults"`` or ``"defaults except ca_mM = 0.75 mM, ..."`` (fields in `ignore` left out)."""
    skip = set(ignore)
    changed = [(p, getattr(sc, p.name)) for p in SCENARIO_PARAMS
               if p.name not in skip and getattr(sc, p.name) != p.default]
    if not changed:
        return "healthy defaults"
    return "healthy defaults except " + ", ".join(f"{p.name} = {_fmt(v, p.unit)}" for p, v in changed)


_DRIVE_FIELDS = ("drive", "rate_hz", "drive_start_s", "drive_s", "duration_s", "stretch_at_s")


def _capital(text: str) -> str:
    """Capitalise the first letter only (``str.capitalize`` would turn "Hz" into "hz")."""
    return text[:1].upper() + text[1:]


def _drive_text(sc: Scenario) -> str:
    """Describe the drive: ``"a 1 s voluntary command at 20 Hz from 0.2 s"`` (or "no drive")."""
    if sc.rate_hz <= 0 or sc.drive_s <= 0:
        return "no drive"
    kind = "voluntary command" if sc.drive == "voluntary" else "nerve stimulation"
    return f"a {sc.drive_s:g} s {kind} at {sc.rate_hz:g} Hz from {sc.drive_start_s:g} s"


def _options(**kwargs: tuple[object, object]) -> tuple[tuple[str, object], ...]:
    """Keyword options that differ from their defaults: ``name=(value, default)``."""
    return tuple((k, v) for k, (v, d) in kwargs.items() if v != d)


def _floats(values: Iterable[float], what: str) -> tuple[float, ...]:
    out = tuple(float(v) for v in values)
    if not out:
        raise ParameterError(f"{what} must not be empty")
    return out


def _drive_window(sc: Scenario) -> tuple[float, float] | None:
    if sc.rate_hz <= 0 or sc.drive_s <= 0:
        return None
    return sc.drive_start_s, min(sc.drive_end_s, sc.duration_s)


def _shade(ax: Axes, sc: Scenario, label: str | None = "drive on") -> None:
    window = _drive_window(sc)
    if window is not None:
        ax.axvspan(*window, color=plotting.DRIVE_SHADE, alpha=plotting.DRIVE_ALPHA, lw=0, zorder=0,
                   label=label, gid="drive")


def _force_ylim(ax: Axes, *forces: np.ndarray) -> None:
    top = max([1.0] + [float(np.max(f, initial=0.0)) for f in forces])
    ax.set_ylim(-0.03, 1.08 * top)


def _after_drive(res: Result) -> float:
    """Start (s) of the after-drive window of the metrics."""
    return min(res.scenario.drive_end_s + 0.5, float(res.t[-1]))


def _count_between(times: np.ndarray, start: float, end: float) -> int:
    times = np.asarray(times, dtype=float)
    return int(np.count_nonzero((times >= start) & (times < end)))


def _spikes_after_drive(res: Result) -> tuple[int, int, int]:
    """(commanded-or-reflex nerve, ectopic nerve, muscle) spikes in the after-drive window."""
    start, end = _after_drive(res), float(res.t[-1]) + 1e-9
    return (_count_between(res.motoneuron_spikes, start, end), _count_between(res.ectopic_spikes, start, end),
            _count_between(res.muscle_spikes, start, end))


# --- 1. chain overview ------------------------------------------------------------------------------


@_register("From nerve impulse to force", "nerve and muscle spikes, endplate potential, membrane potential, "
           "Ca²⁺ and force, stacked on one time axis")
def chain_overview(scenario: Scenario | str | None = None, *, style: str = "slide",
                   output_dt_s: float = 1e-4) -> Figure:
    """Draw the whole chain for one scenario: five stacked panels sharing the time axis.

    Panels, top to bottom: spike raster (commanded and ectopic nerve impulses, muscle action
    potentials), endplate potential (mV), muscle membrane potential (mV), free myoplasmic Ca²⁺ (µM)
    and force (normalised), drawn by :func:`simlib.plotting.plot_chain`.

    Parameters
    ----------
    scenario : Scenario or str, optional
        The run to show (healthy defaults: a 1 s voluntary contraction at 20 Hz).
    style : {'slide', 'handout'}
        House style.
    output_dt_s : float, default 1e-4
        Output interval (s); 0.1 ms resolves the muscle action potentials (about 2 ms long).

    Returns
    -------
    matplotlib.figure.Figure
        Five axes; four data lines (gids ``epp``, ``v_muscle``, ``ca_i``, ``force``) and three spike rows.
    """
    hs = _house_style(style)
    sc = _as_scenario(scenario)
    res = _run(sc, float(output_dt_s))
    fig, axes = _new_figure(hs, 5, 1, sharex=True, handout_height_in=6.2,
                            gridspec_kw={"height_ratios": [1.25, 1.0, 1.0, 1.0, 1.0]})
    axes = axes[:, 0]
    with mpl.rc_context(_rc(hs)):
        plotting.plot_chain(res, axes)
    slide = hs.name == "slide"
    # Slides: each panel is named by a horizontal label on the left (no room for titles above five
    # panels at projector font sizes) and the spike rows are named on the right. Handouts: titles above.
    names_ = ["Spikes", "Endplate potential", "Muscle membrane potential", "Free Ca²⁺ in the fibre", "Force"]
    slide_labels = ["1  Spikes", "2  Endplate (mV)", "3  Membrane (mV)", "4  Free Ca²⁺ (µM)", "5  Force (1 = max.)"]
    handout_labels = ["", "EPP (mV)", "V (mV)", "Ca²⁺ (µM)", "Force (norm.;\n1 = max.)"]
    for i, ax in enumerate(axes):
        for line in ax.get_lines():
            line.set_linewidth(hs.linewidth * (0.6 if line.get_gid() == "v_muscle" else 0.85))
        for coll in ax.collections:
            coll.set_linewidth(hs.linewidth * 0.6)
        ax.set_title("", loc="left")
        if slide:
            ax.set_ylabel(slide_labels[i], rotation=0, ha="right", va="center", fontsize=hs.font_pt)
        else:
            ax.set_ylabel(handout_labels[i], fontsize=hs.font_pt)
            _panel_title(ax, f"{i + 1}  {names_[i]}", hs)
    _relabel_raster(axes[0], right=slide)
    with mpl.rc_context(_rc(hs)):
        axes[-1].legend(handles=[Patch(facecolor=plotting.DRIVE_SHADE, alpha=plotting.DRIVE_ALPHA, label="drive on")],
                        loc="upper right")
    fig.align_ylabels(list(axes))

    metrics = res.metrics()
    n_cmd = len(res.motoneuron_spikes)
    n_ect = len(res.ectopic_spikes)
    n_mus = len(res.muscle_spikes)
    title = "From nerve impulse to force"
    caption = (
        f"{title}. One simulated motor axon, neuromuscular junction and muscle fibre under {_conditions(sc)}, "
        f"driven by {_drive_text(sc)} (grey band). Panels, top to bottom: (1) nerve impulses from the "
        "spinal cord or stimulator, nerve impulses that started in the peripheral axon (ectopic), and muscle "
        "action potentials; (2) endplate potential; (3) muscle membrane potential at the endplate region; "
        "(4) free Ca²⁺ in the myoplasm; (5) force, where 1 is the maximal fused tetanus of a healthy muscle. "
        f"{_RASTER_COLOURS}"
        + ("" if sc.stretch_at_s is None else f" A dashed line marks the passive stretch at {sc.stretch_at_s:g} s.")
        + f" Classification of this run: {metrics.classification}. {_MODEL_NOTE}"
    )
    alt = (
        f"Five stacked line panels sharing a time axis from {res.t[0]:g} to {res.t[-1]:g} seconds. "
        f"{_capital(_drive_text(sc))} is shaded grey. The top raster shows {n_cmd} nerve impulses from the spinal "
        "cord or stimulator, "
        f"{n_ect} ectopic nerve impulses and {n_mus} muscle action potentials. The endplate potential reaches "
        f"{float(np.max(res.epp)):.0f} mV, the membrane potential rests near {metrics.resting_potential_mV:.0f} mV "
        + (f"and spikes to {float(np.max(res.v_muscle)):.0f} mV" if n_mus else "and does not fire")
        + f", free calcium peaks at {float(np.max(res.ca_i)):.1f} "
        f"micromolar, and force peaks at {metrics.peak_force:.2f} of the healthy maximum and is "
        f"{float(res.force[-1]):.2f} at the end of the run."
    )
    info = FigureInfo("chain_overview", title, caption, alt, style, sc, runs=(("run", sc),),
                      settings=(("output_dt_s", f"{output_dt_s:g}"),),
                      options=_options(output_dt_s=(output_dt_s, 1e-4)))
    return _finish(fig, hs, info)


# --- 2. twitch, summation, tetanus -------------------------------------------------------------------

_STIM_AT_S = 0.1


def _single_stimulus(sc: Scenario, duration_s: float = 1.0) -> Scenario:
    """One supramaximal nerve stimulus at 0.1 s (the protocol of :func:`simlib.twitch`)."""
    return sc.replace(drive="stimulation", rate_hz=1.0, drive_start_s=_STIM_AT_S, drive_s=0.5,
                      duration_s=duration_s, stretch_at_s=None)


def _train(sc: Scenario, rate_hz: float, train_s: float, duration_s: float) -> Scenario:
    return sc.replace(drive="stimulation", rate_hz=rate_hz, drive_start_s=_STIM_AT_S, drive_s=train_s,
                      duration_s=duration_s, stretch_at_s=None)


def _ripple(res: Result) -> float:
    """Peak-to-trough force ripple over the second half of the drive, relative to its mean."""
    start = res.scenario.drive_start_s + res.scenario.drive_s / 2
    mask = (res.t >= start) & (res.t < res.scenario.drive_end_s)
    seg = res.force[mask]
    return float((seg.max() - seg.min()) / max(seg.mean(), 1e-9)) if seg.size else math.nan


@_register("Twitch, summation and tetanus", "force after one stimulus and during trains at two rates")
def twitch_summation_tetanus(scenario: Scenario | str | None = None, *, style: str = "slide",
                             rates_hz: Sequence[float] = (10.0, 80.0)) -> Figure:
    """Draw a single twitch and two stimulation trains, overlaid: summation and fused tetanus.

    Protocol: the conditions of `scenario` (its drive settings are replaced) with the motor nerve
    stimulated electrically from 0.1 s, once (single twitch, the protocol of :func:`simlib.twitch`)
    and for 1 s at each rate in `rates_hz`; 1.6 s runs.

    Parameters
    ----------
    scenario : Scenario or str, optional
        Conditions (electrolytes, temperature, ATP, drugs); healthy defaults when None.
    style : {'slide', 'handout'}
        House style.
    rates_hz : sequence of float, default (10, 80)
        Train rates (Hz): a low one that shows summation with ripple, a high one that fuses.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with ``1 + len(rates_hz)`` force lines (gids ``force:single``, ``force:<rate>hz``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    rates = _floats(rates_hz, "rates_hz")
    duration = _STIM_AT_S + 1.0 + 0.5
    runs = [("single stimulus", _single_stimulus(base, duration))]
    runs += [(f"{r:g} Hz train", _train(base, r, 1.0, duration)) for r in rates]
    results = [_run(sc) for _, sc in runs]
    fig, axes = _new_figure(hs, handout_height_in=2.6)
    ax = axes[0, 0]
    with mpl.rc_context(_rc(hs)):
        ax.axvspan(_STIM_AT_S, _STIM_AT_S + 1.0, color=plotting.DRIVE_SHADE, alpha=plotting.DRIVE_ALPHA, lw=0,
                   zorder=0, label="trains on", gid="drive")
        colours = [plotting.BLACK, *(c for c in plotting.LINE_COLOURS if c != plotting.BLACK)]
        for i, ((label, _), res) in enumerate(zip(runs, results, strict=True)):
            gid = "force:single" if i == 0 else f"force:{rates[i - 1]:g}hz"
            ax.plot(res.t, res.force, color=colours[i % len(colours)], ls=_DASHES[i % len(_DASHES)],
                    label=label, gid=gid)
        ax.set_xlabel(_TIME_LABEL)
        ax.set_ylabel(_FORCE_LABEL)
        ax.set_xlim(0.0, duration)
        _force_ylim(ax, *(r.force for r in results))
        if hs.name == "slide":
            ax.legend(loc="upper right")
        else:
            fig.legend(handles=ax.get_legend_handles_labels()[0], loc="outside lower center", ncols=2,
                       handlelength=1.6, columnspacing=1.0)
    peaks = [float(r.force.max()) for r in results]
    ripples = [_ripple(r) for r in results[1:]]
    title = "Twitch, summation and tetanus"
    trains = "; ".join(f"{r:g} Hz: peak {p:.2f}, ripple {100 * q:.0f} %" for r, p, q in
                       zip(rates, peaks[1:], ripples, strict=True))
    caption = (
        f"{title}. Force after a single supramaximal nerve stimulus at {_STIM_AT_S:g} s (a twitch) and during "
        f"1 s stimulation trains (grey band) at {', '.join(f'{r:g}' for r in rates)} Hz. When stimuli come "
        "faster than the fibre relaxes, twitches add up (summation); at high rates they fuse into a smooth "
        f"tetanus. Single twitch peak {peaks[0]:.2f}; {trains} (ripple: peak-to-trough over the second half "
        f"of the train, relative to its mean). Conditions: {_conditions(base, _DRIVE_FIELDS)}. {_MODEL_NOTE}"
    )
    alt = (
        f"Line graph of force against time from 0 to {duration:g} seconds with {len(runs)} lines. A single "
        f"stimulus gives a brief twitch peaking at {peaks[0]:.2f}. "
        + " ".join(f"The {r:g} hertz train builds up to {p:.2f} with ripple of {100 * q:.0f} percent."
                   for r, p, q in zip(rates, peaks[1:], ripples, strict=True))
        + " Force is normalised so that 1 is the healthy maximal tetanus."
    )
    info = FigureInfo("twitch_summation_tetanus", title, caption, alt, style, base, runs=tuple(runs),
                      settings=(("rates_hz", ", ".join(f"{r:g}" for r in rates)),),
                      options=_options(rates_hz=(rates, (10.0, 80.0))))
    return _finish(fig, hs, info)


# --- 3. force-frequency -----------------------------------------------------------------------------

_FF_RATES_HZ = (1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 80.0, 100.0)


@_register("Force–frequency relation", "peak force of a 1 s train against stimulation rate")
def force_frequency(scenario: Scenario | str | None = None, *, style: str = "slide",
                    rates_hz: Sequence[float] = _FF_RATES_HZ) -> Figure:
    """Peak force of a 1 s nerve-stimulation train against its rate (:func:`simlib.force_frequency`).

    Parameters
    ----------
    scenario : Scenario or str, optional
        Conditions; its drive settings are replaced by the train. Healthy defaults when None.
    style : {'slide', 'handout'}
        House style.
    rates_hz : sequence of float
        Stimulation rates (Hz, 0-150).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one line (gid ``force_frequency``) with a marker at each rate.
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    rates = _floats(rates_hz, "rates_hz")
    peaks = _force_frequency(base, rates)
    fig, axes = _new_figure(hs, handout_height_in=2.6)
    ax = axes[0, 0]
    with mpl.rc_context(_rc(hs)):
        ax.plot(rates, peaks, marker="o", color=plotting.BLUE, gid="force_frequency", label="peak force")
        ax.set_xlabel("Stimulation rate (Hz)")
        ax.set_ylabel("Peak force (normalised;\n1 = max. tetanus)")
        ax.set_xlim(0.0, max(rates) * 1.03)
        _force_ylim(ax, peaks)
    half = _crossing(rates, peaks, 0.5 * float(np.max(peaks)))
    title = "Force–frequency relation"
    caption = (
        f"{title}. Peak force of a 1 s train of supramaximal nerve stimuli at each rate ({len(rates)} rates, "
        f"{min(rates):g}–{max(rates):g} Hz). Force grows with rate because twitches summate and then fuse; "
        f"it saturates once the tetanus is fused. Half of the largest force is reached at {half}. "
        f"Conditions: {_conditions(base, _DRIVE_FIELDS)}. {_MODEL_NOTE}"
    )
    alt = (
        f"Line graph with markers of peak force against stimulation rate from {min(rates):g} to {max(rates):g} "
        "hertz. Force (1 = healthy maximal tetanus) is "
        + ", ".join(f"{peaks[i]:.2f} at {rates[i]:g} hertz" for i in sorted({0, len(rates) // 2, len(rates) - 1}))
        + f"; the largest, {float(np.max(peaks)):.2f}, is reached at {rates[int(np.argmax(peaks))]:g} hertz and half "
        f"of it at {half}."
    )
    info = FigureInfo("force_frequency", title, caption, alt, style, base,
                      runs=tuple((f"{r:g} Hz train", _train(base, r, 1.0, 1.6)) for r in rates),
                      settings=(("rates_hz", ", ".join(f"{r:g}" for r in rates)),),
                      options=_options(rates_hz=(rates, _FF_RATES_HZ)))
    return _finish(fig, hs, info)


@functools.lru_cache(maxsize=16)
def _force_frequency(sc: Scenario, rates: tuple[float, ...]) -> np.ndarray:
    out = experiments.force_frequency(sc, rates)
    out.setflags(write=False)
    return out


def _twitch_text(tw: experiments.Twitch) -> str:
    """Describe a twitch: contraction time, half-relaxation and peak (or that there was none)."""
    if not math.isfinite(tw.contraction_time_ms):
        return f"no twitch (peak {tw.peak_force:.2f})"
    relax = "never relaxes to half" if math.isinf(tw.half_relaxation_ms) else \
        f"half-relaxation {tw.half_relaxation_ms:.0f} ms"
    return f"contraction time {tw.contraction_time_ms:.0f} ms, {relax}, twitch peak {tw.peak_force:.2f}"


def _crossing(x: Sequence[float], y: np.ndarray, level: float) -> str:
    """Where ``y`` first reaches ``level``, interpolated, as text (``"14 Hz"``)."""
    y = np.asarray(y, dtype=float)
    if float(np.max(y, initial=0.0)) < 0.01:
        return "no rate (no measurable force)"
    above = np.nonzero(y >= level)[0]
    if above.size == 0:
        return "no rate shown"
    i = int(above[0])
    if i == 0:
        return f"{x[0]:g} Hz or below"
    x0, x1, y0, y1 = x[i - 1], x[i], y[i - 1], y[i]
    return f"about {x0 + (level - y0) * (x1 - x0) / (y1 - y0):.0f} Hz"


# --- 4. electrolyte map -------------------------------------------------------------------------------

#: Colour and hatch of each classification (Okabe-Ito; hatches so that colour is not the only cue).
CLASS_STYLE: Mapping[str, tuple[str, str]] = MappingProxyType({
    "normal": (plotting.BLUISH_GREEN, ""),
    "weakness": (plotting.SKY_BLUE, ".."),
    "tetany": (plotting.ORANGE, "//"),
    "cramp": (plotting.VERMILLION, "xx"),
    "contracture": (plotting.REDDISH_PURPLE, "\\\\"),
    "spasticity": (plotting.BLUE, "++"),
    "repetitive firing": (plotting.YELLOW, "oo"),
})


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
    ax = axes[0, 0]
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
        handles = [Patch(facecolor=CLASS_STYLE[c][0], hatch=CLASS_STYLE[c][1], edgecolor="white", label=c)
                   for c in CLASSIFICATIONS]
        handles.append(ax.get_lines()[0])
        if hs.name == "slide":
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                      handlelength=1.6, handleheight=1.2, title="Classification")
        else:
            fig.legend(handles=handles, loc="outside lower center", ncols=3, handlelength=1.4, handleheight=1.0,
                       columnspacing=0.8)
    counts = {c: int(np.count_nonzero(grid == c)) for c in CLASSIFICATIONS}
    present = [c for c in CLASSIFICATIONS if counts[c]]
    ranges = []
    for c in present:
        cols = np.nonzero((grid == c).any(axis=0))[0]
        span = f"{cas[cols[0]]:g}" if cols[0] == cols[-1] else f"{cas[cols[0]]:g}–{cas[cols[-1]]:g}"
        ranges.append(f"{c} in {counts[c]} cells (Ca²⁺ {span} mM)")
    title = "Drive rate × extracellular Ca²⁺"
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
    info = FigureInfo(
        "electrolyte_map", title, caption, alt, style, base,
        settings=(("rate_hz", ", ".join(f"{r:g}" for r in rates)), ("ca_mM", ", ".join(f"{c:g}" for c in cas))),
        options=_options(n_rate=(n_rate, 8), n_ca=(n_ca, 8), rate_range_hz=(tuple(rate_range_hz), (0.0, 100.0)),
                         ca_range_mM=(tuple(ca_range_mM), (0.5, 2.5))),
    )
    return _finish(fig, hs, info)


# --- 5. calcium, ATP and relaxation -------------------------------------------------------------------


@_register("Relaxation needs ATP", "Ca²⁺ and force with normal ATP and with none (atp_depletion)")
def calcium_atp_relaxation(scenario: Scenario | str | None = None, *, style: str = "slide") -> Figure:
    """Free Ca²⁺ and force with the scenario's ATP and with no ATP (preset ``atp_depletion``).

    Without ATP the SR Ca²⁺ pump (SERCA) cannot clear Ca²⁺ and cross-bridges cannot detach, so force
    stays after the nerve falls silent: an electrically silent contracture (rigor).

    Parameters
    ----------
    scenario : Scenario or str, optional
        Base run (drive and conditions); healthy defaults when None. The second run applies the
        ``atp_depletion`` preset's change (``atp_mM = 0``) on top of it.
    style : {'slide', 'handout'}
        House style.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes (Ca²⁺ on a log scale, force), two lines each (gids ``ca_i:<label>``, ``force:<label>``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    depleted = _with_preset(base, "atp_depletion")
    runs = ((f"ATP {base.atp_mM:g} mM", base), (f"ATP {depleted.atp_mM:g} mM (depleted)", depleted))
    results = [_run(sc) for _, sc in runs]
    fig, axes = _new_figure(hs, 2, 1, sharex=True, handout_height_in=4.2)
    ax_ca, ax_f = axes[:, 0]
    colours, dashes = (plotting.BLUE, plotting.VERMILLION), ("-", "--")
    with mpl.rc_context(_rc(hs)):
        for ax in (ax_ca, ax_f):
            _shade(ax, base, label="drive on" if ax is ax_ca else None)
        for (label, _), res, c, d in zip(runs, results, colours, dashes, strict=True):
            key = "normal" if res is results[0] else "depleted"
            ax_ca.plot(res.t, res.ca_i, color=c, ls=d, label=label, gid=f"ca_i:{key}")
            ax_f.plot(res.t, res.force, color=c, ls=d, label=label, gid=f"force:{key}")
        ax_ca.set_yscale("log")
        ax_ca.set_ylabel("Free Ca²⁺ (µM,\nlog scale)")
        ax_f.set_ylabel(_FORCE_LABEL)
        ax_f.set_xlabel(_TIME_LABEL)
        ax_f.set_xlim(float(results[0].t[0]), float(results[0].t[-1]))
        _force_ylim(ax_f, *(r.force for r in results))
        _panel_title(ax_ca, "Free Ca²⁺ in the fibre", hs)
        _panel_title(ax_f, "Force", hs)
        ax_f.legend(handles=[*ax_f.get_lines(), *ax_ca.patches[:1]], loc="center right")
    m = [r.metrics() for r in results]
    relax = ["never relaxes" if math.isinf(x.relaxation_time_s) else f"relaxes in {x.relaxation_time_s:.2f} s"
             for x in m]
    title = "Relaxation needs ATP"
    caption = (
        f"{title}. Free myoplasmic Ca²⁺ (log scale) and force during {_drive_text(base)} (grey band), with "
        f"{base.atp_mM:g} mM ATP (solid) and with no ATP (dashed; preset atp_depletion). ATP powers the SR Ca²⁺ "
        "pump (SERCA), which lowers Ca²⁺ again, and detaches myosin from actin; without it Ca²⁺ stays high, "
        "cross-bridges stay attached and force remains after the nerve falls silent — an electrically silent "
        f"contracture (rigor), not a cramp. With ATP the muscle {relax[0]} ({m[0].classification}); without it, "
        f"it {relax[1]} ({m[1].classification}). Other conditions: {_conditions(base, ('atp_mM', *_DRIVE_FIELDS))}. "
        f"{_MODEL_NOTE}"
    )
    alt = (
        "Two stacked line graphs against time, each with two lines. Top: free calcium on a log scale; with ATP "
        f"it rises to {float(results[0].ca_i.max()):.1f} micromolar during the drive and falls back to "
        f"{float(results[0].ca_i[-1]):.2f}; without ATP it climbs to {float(results[1].ca_i.max()):.0f} and stays "
        f"at {float(results[1].ca_i[-1]):.0f}. Bottom: force; with ATP it peaks at {m[0].peak_force:.2f} and "
        f"{relax[0]}; without ATP it rises to {m[1].peak_force:.2f} and {relax[1]}, staying at "
        f"{m[1].force_after_drive:.2f} after the drive."
    )
    info = FigureInfo("calcium_atp_relaxation", title, caption, alt, style, base, runs=runs,
                      presets=("atp_depletion",))
    return _finish(fig, hs, info)


# --- 6-7. cramp figures ------------------------------------------------------------------------------


def _has(*preset_names: str) -> bool:
    return all(name in PRESETS for name in preset_names)


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
        for col, ((label, sc), res, gid) in enumerate(zip(runs, results, gids, strict=True)):
            ax_r, ax_f = axes[:, col]
            _raster(ax_r, res, hs)
            _shade(ax_f, sc, label=None)
            ax_f.plot(res.t, res.force, color=plotting.BLUE, gid=gid, label=label)
            line = plotting.mark_stretch(res, ax_f)  # the raster has its own (plot_spike_raster)
            if line is not None:
                line.set(linewidth=hs.linewidth * 0.7, label="passive stretch")
                stretch = [line]
            ax_f.set_xlabel(_TIME_LABEL)
            ax_f.set_xlim(0.0, end_s)
            ax_f.xaxis.set_major_locator(MaxNLocator(nbins=5 if hs.name == "slide" else 3, steps=[1, 2, 5, 10]))
            _force_ylim(ax_f, *(r.force for r in results))
            shown = label if hs.name == "slide" else label.split(" (")[0]
            _panel_title(ax_r, _capital(shown), hs)
            if col:
                ax_r.tick_params(labelleft=False)
                ax_f.tick_params(labelleft=False)
        axes[1, 0].set_ylabel(_FORCE_LABEL)
        _raster_legend(fig, axes[0, 0], hs, extra=stretch)
    return fig, axes


@_register("A cramp, and stretch stopping it", "spinal motoneuron keeps firing after the drive; a passive "
           "stretch stops it (needs presets exercise_cramp, cramp_stretch)")
def cramp_and_stretch(scenario: Scenario | str | None = None, *, style: str = "slide") -> Figure:
    """Draw an exercise-associated cramp without and with a passive stretch.

    Uses the presets ``exercise_cramp`` and ``cramp_stretch`` (their changes applied on top of
    `scenario`) when :data:`simlib.PRESETS` has them. In a simlib version without the cramp model
    they are missing; the figure then shows `scenario` without and with a stretch 1 s after the
    drive ends, and says so in its title, on the figure and in the caption (nothing is invented).

    Parameters
    ----------
    scenario : Scenario or str, optional
        Base scenario; healthy defaults when None.
    style : {'slide', 'handout'}
        House style.

    Returns
    -------
    matplotlib.figure.Figure
        2 × 2 axes: spike rasters (top) and force (bottom), without stretch (left) and with (right);
        one force line per column (gid ``force:<label>``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    available = _has("exercise_cramp", "cramp_stretch")
    if available:
        runs = (("cramp", _with_preset(base, "exercise_cramp")),
                ("cramp + stretch", _with_preset(base, "cramp_stretch")))
        presets: tuple[str, ...] = ("exercise_cramp", "cramp_stretch")
    else:
        stretch_at = min(base.drive_end_s + 1.0, base.duration_s * 0.8)
        runs = (("no stretch", base.replace(stretch_at_s=None)), ("stretch", base.replace(stretch_at_s=stretch_at)))
        presets = ()
    results = [_run(sc) for _, sc in runs]
    fig, axes = _raster_force_columns(hs, runs, results, [f"force:{label}" for label, _ in runs])
    if not available:
        axes[1, 1].text(0.98, 0.95, "Cramp model not in this simlib version:\nno cramp presets yet",
                        transform=axes[1, 1].transAxes, ha="right", va="top", fontsize=hs.legend_pt,
                        color=plotting.VERMILLION, gid="note")
    m = [r.metrics() for r in results]
    spikes = [_spikes_after_drive(r) for r in results]
    title = ("A cramp, and stretch stopping it" if available
             else "Stretch after a contraction (cramp model not available)")
    if available:
        what = (f"Top: spike rasters; bottom: force. Left: preset exercise_cramp (classified {m[0].classification}); "
                f"right: preset cramp_stretch, with a passive stretch at {runs[1][1].stretch_at_s:g} s (dashed "
                f"line; classified {m[1].classification}). In a cramp the spinal motoneuron keeps firing by itself "
                "after the voluntary drive ends (reflex excitation from muscle spindles, persistent inward "
                f"currents); stretching activates Golgi tendon organs, whose inhibition stops it. {_RASTER_COLOURS}")
    else:
        what = ("This simlib version has no cramp model: the presets exercise_cramp and cramp_stretch are missing, "
                f"so the figure shows the base scenario without (left, {m[0].classification}) and with (right, "
                f"{m[1].classification}) a passive stretch at {runs[1][1].stretch_at_s:g} s. It will show a cramp "
                "once the cramp presets exist.")
    caption = f"{title}. {what} Base conditions: {_conditions(base)}. {_MODEL_NOTE}"
    described = []
    for (label, _), x, (n_cmd, n_ect, n_mus) in zip(runs, m, spikes, strict=True):
        described.append(f"{_capital(label)}: {n_cmd} motoneuron or reflex nerve impulses, {n_ect} ectopic nerve "
                         f"impulses and {n_mus} muscle action potentials after the drive; force peaks at "
                         f"{x.peak_force:.2f} and averages {x.force_after_drive:.2f} after the drive.")
    alt = "Four panels in two columns: spike rasters above force traces against time. " + " ".join(described)
    if not available:
        alt += " A note on the figure says the cramp model is not in this simlib version."
    info = FigureInfo("cramp_and_stretch", title, caption, alt, style, base, runs=runs, presets=presets)
    return _finish(fig, hs, info)


@_register("Spasm or contracture: is the muscle electrically active?", "cramp (or tetany) with nerve and muscle "
           "spikes vs electrically silent contracture")
def cramp_vs_contracture(scenario: Scenario | str | None = None, *, style: str = "slide") -> Figure:
    """Sustained involuntary force with and without muscle action potentials.

    Columns (each the preset's changes applied on top of `scenario`): ``exercise_cramp`` (a cramp:
    the spinal motoneuron keeps firing) when :data:`simlib.PRESETS` has it, otherwise
    ``hypocalcaemia`` (tetany: the peripheral nerve fires by itself); ``spasticity`` when present;
    and ``atp_depletion`` (contracture: force without action potentials).

    Parameters
    ----------
    scenario : Scenario or str, optional
        Base scenario; healthy defaults when None.
    style : {'slide', 'handout'}
        House style.

    Returns
    -------
    matplotlib.figure.Figure
        2 × N axes (N = 2 or 3 columns): spike rasters (top) and force (bottom); one force line per column.
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    columns = [("exercise_cramp", "Cramp") if _has("exercise_cramp") else ("hypocalcaemia", "Tetany (low Ca²⁺)")]
    if _has("spasticity"):
        columns.append(("spasticity", "Spasticity"))
    columns.append(("atp_depletion", "Contracture (no ATP)"))
    runs = tuple((label, _with_preset(base, preset)) for preset, label in columns)
    results = [_run(sc) for _, sc in runs]
    n = len(runs)
    fig, axes = _raster_force_columns(hs, runs, results, [f"force:{preset}" for preset, _ in columns])
    m = [r.metrics() for r in results]
    spikes = [_spikes_after_drive(r) for r in results]
    cramp = _has("exercise_cramp")
    title = ("Cramp or contracture: is the muscle electrically active?" if cramp
             else "Tetany or contracture: is the muscle electrically active?")
    parts = []
    for (preset, label), x, s in zip(columns, m, spikes, strict=True):
        parts.append(f"{label} (preset {preset}): force {x.force_after_drive:.2f} after the drive with {s[0] + s[1]} "
                     f"nerve impulses ({s[1]} ectopic) and {s[2]} muscle action potentials; classified "
                     f"{x.classification}")
    explain = ("A cramp is driven by the spinal motoneuron, which keeps firing, so nerve and muscle action "
               "potentials continue (active EMG)" if cramp else
               "In tetany the peripheral motor axon fires by itself, so nerve and muscle action potentials continue "
               "(active EMG; the cramp model is not in this simlib version, so tetany stands in for the active "
               "spasm)")
    caption = (
        f"{title}. Spike rasters (top) and force (bottom) after {_drive_text(base)} (grey band), on one time axis. "
        f"{_RASTER_COLOURS} {explain}; in a "
        "contracture force persists with the muscle electrically silent, because without ATP Ca²⁺ is not pumped "
        f"back and cross-bridges cannot detach. {'; '.join(parts)}. Base conditions: {_conditions(base)}. "
        f"{_MODEL_NOTE}"
    )
    alt = (f"{2 * n} panels in {n} columns: spike rasters above force traces against time. " + ". ".join(
        f"{label}: {s[0] + s[1]} nerve impulses and {s[2]} muscle action potentials after the drive, force "
        f"{x.force_after_drive:.2f} after the drive"
        for (_, label), x, s in zip(columns, m, spikes, strict=True)) + ".")
    info = FigureInfo("cramp_vs_contracture", title, caption, alt, style, base, runs=runs,
                      presets=tuple(p for p, _ in columns))
    return _finish(fig, hs, info)


# --- 8. drug comparison ---------------------------------------------------------------------------------

_DRUGS = ("botulinum", "curare", "dantrolene")
#: How each drug acts, for the caption (one sentence each).
_DRUG_ACTION = {
    "botulinum": "Botulinum toxin cuts ACh release from the nerve terminal.",
    "curare": "A curare-like drug blocks ACh receptors, so the endplate potential is too small to fire the muscle.",
    "dantrolene": "Dantrolene leaves the electrical steps intact and blocks Ca²⁺ release from the SR.",
    "organophosphate": "An organophosphate inhibits acetylcholinesterase, so ACh lingers at the endplate.",
}
_DRUG_LABELS = {"botulinum": "botulinum toxin", "curare": "curare-like block", "dantrolene": "dantrolene",
                "organophosphate": "organophosphate"}
#: Steps of the chain in the bar chart, top to bottom: (gid key, label).
_STAGES = (("quanta", "ACh quanta per impulse"), ("epp", "Endplate potential"),
           ("muscle_aps", "Muscle action potentials"), ("ca", "Ca²⁺ transient"), ("force", "Force"))
_STAGE_TEXT = {"quanta": "ACh quanta per impulse", "epp": "endplate potential",
               "muscle_aps": "muscle action potentials", "ca": "Ca²⁺ transient", "force": "force"}


def _stage_values(res: Result, m: Metrics) -> np.ndarray:
    """Size of the response at each stage of the chain (units differ; only ratios are used)."""
    sc = res.scenario
    window = (res.t >= sc.drive_start_s) & (res.t < sc.drive_end_s + 0.5)
    rest_ca = float(res.ca_i[0])
    return np.array([
        m.quantal_content,
        float(np.max(res.epp[window], initial=0.0)),
        _count_between(res.muscle_spikes, sc.drive_start_s, sc.drive_end_s + 0.5),
        float(np.max(res.ca_i[window], initial=rest_ca)) - rest_ca,
        m.peak_force_during_drive,
    ], dtype=float)


@_register("Where drugs break the chain", "force traces and the response at each stage of the chain, "
           "with botulinum toxin, curare and dantrolene")
def drug_comparison(scenario: Scenario | str | None = None, *, style: str = "slide",
                    drugs: Sequence[str] = _DRUGS) -> Figure:
    """Force, and the response at each stage of the chain, with each drug relative to none.

    Each drug is its preset's change (``botulinum``: ``release_block``; ``curare``:
    ``receptor_block``; ``dantrolene``: ``ryr_block``; also ``organophosphate``) applied on top of
    `scenario`. The bars give, as % of the same run without the drug, the ACh quanta per impulse,
    the peak endplate potential, the number of muscle action potentials, the rise of free Ca²⁺ and
    the peak force, during the drive and 0.5 s after it.

    Parameters
    ----------
    scenario : Scenario or str, optional
        Base run (drive and conditions, no drug); healthy defaults when None.
    style : {'slide', 'handout'}
        House style.
    drugs : sequence of str, default ('botulinum', 'curare', 'dantrolene')
        Preset names.

    Returns
    -------
    matplotlib.figure.Figure
        ``2 + len(drugs)`` axes: one small force panel per run, stacked on one time and force scale
        (lines ``force:<name>``; each drug panel also shows the no-drug trace, gid ``reference``),
        and grouped bars (``5 * len(drugs)`` Rectangles, gids ``bar:<drug>:<stage>``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    drugs = tuple(drugs)
    for drug in drugs:
        if drug not in PRESETS:
            raise ParameterError(_unknown("preset", drug, PRESETS))
    runs = (("no drug", base), *((_DRUG_LABELS.get(d, d), _with_preset(base, d)) for d in drugs))
    results = [_run(sc, 1e-4) for _, sc in runs]
    metrics = [r.metrics() for r in results]
    values = np.array([_stage_values(r, m) for r, m in zip(results, metrics, strict=True)])
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(values[0] > 0, 100.0 * values[1:] / values[0], np.nan)
    if hs.name == "slide":
        fig, axes = _new_figure(hs, 1, 2, gridspec_kw={"width_ratios": [1.2, 1.0]})
        ax_f, ax_b = axes[0]
    else:
        fig, axes = _new_figure(hs, 2, 1, handout_height_in=5.6, gridspec_kw={"height_ratios": [1.2, 1.0]})
        ax_f, ax_b = axes[:, 0]
    colours = (plotting.BLACK, *(c for c in plotting.LINE_COLOURS if c != plotting.BLACK))
    hatches = ("", "//", "..", "\\\\", "xx", "--")
    with mpl.rc_context(_rc(hs)):
        # One small force panel per run: the drugs' traces all lie near 0 and would hide each other on one axes.
        cells = ax_f.get_subplotspec().subgridspec(len(runs), 1)
        ax_f.remove()
        force_axes: list[Axes] = []
        for i, ((label, _), res) in enumerate(zip(runs, results, strict=True)):
            ax = fig.add_subplot(cells[i], sharex=force_axes[0] if force_axes else None,
                                 sharey=force_axes[0] if force_axes else None)
            force_axes.append(ax)
            _shade(ax, base, label=None)
            if i:
                ax.plot(results[0].t, results[0].force, color=plotting.BLACK, lw=hs.linewidth * 0.4, alpha=0.35,
                        gid="reference")
            colour = colours[i % len(colours)]
            ax.plot(res.t, res.force, color=colour, ls=_DASHES[i % len(_DASHES)], label=label,
                    gid=f"force:{'none' if i == 0 else drugs[i - 1]}")
            ax.text(0.99, 0.92, f"{label}: peak {metrics[i].peak_force:.2f}", transform=ax.transAxes, ha="right",
                    va="top", color=colour, fontsize=hs.legend_pt)
            ax.yaxis.set_major_locator(FixedLocator([0.0, 1.0]))
            if i < len(runs) - 1:
                ax.tick_params(labelbottom=False)
        ax_f = force_axes[0]
        ax_f.set_xlim(float(results[0].t[0]), float(results[0].t[-1]))
        _force_ylim(ax_f, *(r.force for r in results))
        force_axes[-1].set_xlabel(_TIME_LABEL)
        middle = force_axes[(len(runs) - 1) // 2]
        middle.set_ylabel("Force (1 = max. tetanus)")
        if len(runs) % 2 == 0:  # centre the label on the stack
            middle.yaxis.label.set_y(0.0)
        _panel_title(ax_f, "Force (grey: no drug)", hs)
        # Horizontal bars, one group per step of the chain, read top to bottom as the signal travels.
        y = np.arange(len(_STAGES))
        height = 0.8 / max(1, len(drugs))
        for k, drug in enumerate(drugs):
            widths = np.nan_to_num(percent[k], nan=0.0)
            bars = ax_b.barh(y + (k - (len(drugs) - 1) / 2) * height, widths, height * 0.92,
                             color=colours[(k + 1) % len(colours)], hatch=hatches[(k + 1) % len(hatches)],
                             edgecolor="white", linewidth=0.0, label=_DRUG_LABELS.get(drug, drug))
            for bar, (key, _), value in zip(bars, _STAGES, percent[k], strict=True):
                bar.set_gid(f"bar:{drug}:{key}")
                shown = "n/a" if not np.isfinite(value) else f"{value:.0f} %"
                ax_b.annotate(shown, (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(3, 0),
                              textcoords="offset points", ha="left", va="center", fontsize=0.85 * hs.legend_pt,
                              gid="value")
        ax_b.axvline(100.0, color=plotting.BLACK, lw=hs.linewidth * 0.5, ls="--", gid="no_drug")
        wrap = hs.name != "slide"  # narrow column: two-line step names
        ax_b.set_yticks(y, [label.replace(" ", "\n", 1) if wrap and " " in label else label for _, label in _STAGES])
        ax_b.invert_yaxis()
        ax_b.tick_params(axis="y", length=0)
        ax_b.grid(False, axis="y")
        ax_b.set_xlabel("Response (% of no drug)")
        top = float(np.nanmax(percent, initial=100.0))
        ax_b.set_xlim(0.0, max(125.0, 1.18 * top))
        ax_b.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 if hs.name == "slide" else -0.2),
                    ncols=3 if hs.name == "slide" else 2, handlelength=1.2, columnspacing=0.8)
        _panel_title(ax_b, "Each step of the chain", hs)
    title = "Where drugs break the chain"
    first, second = ("Left", "Right") if hs.name == "slide" else ("Top", "Bottom")
    rows = []
    for k, drug in enumerate(drugs):
        cells = ", ".join(f"{_STAGE_TEXT[key]} {p:.0f} %" for (key, _), p in zip(_STAGES, percent[k], strict=True)
                          if np.isfinite(p))
        changes = ", ".join(f"{k} = {_fmt(v, scenario_param(k).unit)}" for k, v in _preset_changes(drug).items())
        rows.append(f"{_DRUG_LABELS.get(drug, drug)} ({changes}): {cells}")
    # More muscle action potentials than without the drug: the reflex loop, not the drug's own action.
    extra = [(d, int(values[k + 1][2]), int(values[0][2])) for k, d in enumerate(drugs)
             if values[k + 1][2] > values[0][2]]
    more = "".join(
        f" With {_DRUG_LABELS.get(d, d)} there are more muscle action potentials than without a drug ({n} vs {n0}): "
        "a voluntary command passes through the spinal motoneuron, whose reflex feedback follows force (spindle "
        "Ia excitation, tendon-organ Ib inhibition); with less force its net inhibition is weaker and it fires "
        f"{n - n0} more impulse{'s' if n - n0 > 1 else ''}. The drug itself excites neither nerve nor muscle."
        for d, n, n0 in extra)
    caption = (
        f"{title}. {first}: force during {_drive_text(base)} (grey band) without a drug (top) and with each drug "
        f"(below it, the no-drug trace in grey), on one scale. {second}: "
        "the response at each step of the chain as % of the run without the drug (dashed line: 100 %), during "
        "the drive and 0.5 s after it: ACh quanta released per impulse, peak endplate potential, number of "
        "muscle action potentials, rise of free Ca²⁺, peak force. "
        + "".join(_DRUG_ACTION[d] + " " for d in drugs if d in _DRUG_ACTION)
        + f"{'; '.join(rows)}.{more} Base conditions: "
        f"{_conditions(base)}. {_MODEL_NOTE}"
    )
    alt = (
        f"{len(runs)} stacked force panels against time and a bar chart. Without a drug force peaks at "
        f"{metrics[0].peak_force:.2f}; "
        + ", ".join(f"with {_DRUG_LABELS.get(d, d)} at {x.peak_force:.2f}" for d, x in zip(drugs, metrics[1:],
                                                                                            strict=True))
        + ". Grouped bar chart of the response at five steps of the chain as percent of no drug: "
        + "; ".join(f"{_DRUG_LABELS.get(d, d)}: " + ", ".join(
            f"{_STAGE_TEXT[key]} {p:.0f}" for (key, _), p in zip(_STAGES, percent[k], strict=True)
            if np.isfinite(p)) for k, d in enumerate(drugs)) + "."
    )
    info = FigureInfo("drug_comparison", title, caption, alt, style, base, runs=runs, presets=drugs,
                      options=_options(drugs=(drugs, _DRUGS)))
    return _finish(fig, hs, info)


# --- 9. temperature --------------------------------------------------------------------------------------

_TEMP_RATES_HZ = (1.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 60.0, 80.0, 100.0)


@_register("Temperature changes twitch speed", "single twitches and force–frequency at three temperatures "
           "(presets cold and warm)")
def temperature(scenario: Scenario | str | None = None, *, style: str = "slide",
                temperatures_c: Sequence[float] | None = None) -> Figure:
    """Twitches and force–frequency curves at three muscle temperatures.

    By default the temperatures are those of the presets ``cold`` and ``warm`` and of `scenario`
    itself (37 °C for the healthy defaults). Cooling slows every rate (Q10 2-3): twitches rise and
    relax more slowly, so they fuse at lower stimulation rates.

    Parameters
    ----------
    scenario : Scenario or str, optional
        Conditions; its drive settings are replaced by the stimulation protocols. Healthy defaults
        when None.
    style : {'slide', 'handout'}
        House style.
    temperatures_c : sequence of float, optional
        Temperatures (°C, 20-42) instead of the preset ones.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes, one line per temperature in each (gids ``twitch:<T>c``, ``ff:<T>c``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    if temperatures_c is None:
        temps = tuple(sorted({PRESETS["cold"].temperature_c, base.temperature_c, PRESETS["warm"].temperature_c}))
        presets: tuple[str, ...] = ("cold", "warm")
    else:
        temps = _floats(temperatures_c, "temperatures_c")
        presets = ()
    conds = [base.replace(temperature_c=t) for t in temps]
    twitches = [_run(_single_stimulus(c), 1e-4) for c in conds]
    ff = [_force_frequency(c, _TEMP_RATES_HZ) for c in conds]
    tw = [experiments.twitch(c) for c in conds]
    if hs.name == "slide":
        fig, axes = _new_figure(hs, 1, 2)
        ax_t, ax_ff = axes[0]
    else:
        fig, axes = _new_figure(hs, 2, 1, handout_height_in=4.6)
        ax_t, ax_ff = axes[:, 0]
    palette = list(plotting.LINE_COLOURS)
    colours = palette if len(temps) > 3 else [plotting.BLUE, plotting.BLACK, plotting.VERMILLION]
    with mpl.rc_context(_rc(hs)):
        for i, (t, res, peaks) in enumerate(zip(temps, twitches, ff, strict=True)):
            c, d = colours[i % len(colours)], _DASHES[i % len(_DASHES)]
            ax_t.plot(1000.0 * (res.t - _STIM_AT_S), res.force, color=c, ls=d, label=f"{t:g} °C", gid=f"twitch:{t:g}c")
            ax_ff.plot(_TEMP_RATES_HZ, peaks, color=c, ls=d, marker="o", label=f"{t:g} °C", gid=f"ff:{t:g}c")
        ax_t.set_xlim(-20.0, 700.0)
        ax_t.set_xlabel("Time after the stimulus (ms)")
        ax_t.set_ylabel(_FORCE_LABEL)
        ax_t.set_ylim(-0.02, max(0.1, 1.15 * max(float(r.force.max()) for r in twitches)))
        _panel_title(ax_t, "Single twitch", hs)
        ax_ff.set_xlabel("Stimulation rate (Hz)")
        ax_ff.set_ylabel("Peak force (normalised;\n1 = max. tetanus)")
        ax_ff.set_xlim(0.0, max(_TEMP_RATES_HZ) * 1.03)
        _force_ylim(ax_ff, *ff)
        _panel_title(ax_ff, "Force–frequency (1 s trains)", hs)
        ax_t.legend(loc="upper right")
    title = "Temperature changes twitch speed"
    first, second = ("Left", "Right") if hs.name == "slide" else ("Top", "Bottom")
    rows = "; ".join(f"{t:g} °C: {_twitch_text(x)}" for t, x in zip(temps, tw, strict=True))
    caption = (
        f"{title}. {first}: force after one supramaximal nerve stimulus at {', '.join(f'{t:g}' for t in temps)} °C. "
        f"{second}: peak force of 1 s stimulation trains against rate at the same temperatures. Cooling slows "
        "every step (Q10 about 2-3), so a cold twitch rises and relaxes more slowly, is larger, and fuses at "
        f"lower rates; warming does the opposite. {rows}. Other conditions: "
        f"{_conditions(base, ('temperature_c', *_DRIVE_FIELDS))}. {_MODEL_NOTE}"
    )
    alt = (
        f"Two line graphs with one line per temperature ({', '.join(f'{t:g}' for t in temps)} degrees Celsius). "
        "Single twitch force against time after the stimulus: "
        + "; ".join(f"at {t:g} degrees " + (f"it peaks at {x.peak_force:.2f} after {x.contraction_time_ms:.0f} ms"
                                             if math.isfinite(x.contraction_time_ms) else "there is no twitch")
                    for t, x in zip(temps, tw, strict=True))
        + ". Peak force against stimulation rate from 1 to 100 hertz: "
        + "; ".join(f"at {t:g} degrees it reaches {float(np.max(p)):.2f}, half of that at "
                    f"{_crossing(_TEMP_RATES_HZ, p, 0.5 * float(np.max(p)))}" for t, p in zip(temps, ff, strict=True))
        + "."
    )
    info = FigureInfo("temperature", title, caption, alt, style, base,
                      runs=tuple((f"{t:g} °C", c) for t, c in zip(temps, conds, strict=True)),
                      settings=(("temperatures_c", ", ".join(f"{t:g}" for t in temps)),
                                ("rates_hz", ", ".join(f"{r:g}" for r in _TEMP_RATES_HZ))),
                      presets=presets,
                      options=_options(temperatures_c=(None if temperatures_c is None else temps, None)))
    return _finish(fig, hs, info)


# --- export -----------------------------------------------------------------------------------------------

CAPTION_SUFFIX = ".caption.toml"
_META_PREFIX = "#: "


def _check_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    items = [formats] if isinstance(formats, str) else list(formats)
    out: list[str] = []
    for fmt in items:
        key = str(fmt).lower().lstrip(".")
        if key not in FORMATS:
            raise ParameterError(_unknown("format", fmt, FORMATS))
        if key not in out:
            out.append(key)
    if not out:
        raise ParameterError(f"formats must name at least one of: {', '.join(FORMATS)}")
    return tuple(out)


def _check_dpi(dpi: object) -> float:
    low, high = _DPI_RANGE
    if isinstance(dpi, bool) or not isinstance(dpi, int | float | np.integer | np.floating) or not math.isfinite(dpi) \
            or not low <= dpi <= high:
        raise ParameterError(f"dpi must be a number between {low} and {high}; got {dpi!r} (300 is print quality, "
                             f"150 is plenty for slides; above {high} dpi a slide needs gigabytes of memory)")
    return float(dpi)


def _check_pixels(width_in: float, height_in: float, dpi: float) -> None:
    """Refuse a PNG of more than MAX_EXPORT_PIXELS pixels, naming the highest dpi this figure size allows."""
    width_px, height_px = round(width_in * dpi), round(height_in * dpi)
    if width_px * height_px > MAX_EXPORT_PIXELS:
        most = math.floor(math.sqrt(MAX_EXPORT_PIXELS / (width_in * height_in)))
        raise ParameterError(
            f"dpi {dpi:g} would make a {width_px} x {height_px} px image ({width_px * height_px / 1e6:.0f} "
            f"megapixels, about {width_px * height_px * 4 / 1e9:.1f} GB of memory to draw); at most "
            f"{MAX_EXPORT_PIXELS / 1e6:.0f} megapixels are allowed: use dpi <= {most} for this "
            f"{width_in:.3g} x {height_in:.3g} in figure (or svg/pdf, which scale without pixels)"
        )


def _svg_accessible(svg: bytes, title: str, description: str) -> bytes:
    """Insert ``<title>`` and ``<desc>`` (read by screen readers) right after the opening ``<svg>`` tag."""
    from xml.sax.saxutils import escape

    match = re.search(rb"<svg\b[^>]*>", svg)
    if match is None or not (title or description):
        return svg
    head = svg[: match.end()]
    if b"role=" not in head:
        head = head[:-1] + b' role="img">'
    extra = ""
    if title:
        extra += f"\n <title>{escape(title)}</title>"
    if description:
        extra += f"\n <desc>{escape(description)}</desc>"
    return head + extra.encode("utf-8") + svg[match.end():]


def _save_image(fig: Figure, handle: Any, fmt: str, dpi: float, title: str, caption: str, alt: str) -> None:
    from simlib import __version__

    software = f"simlib {__version__} (Muscle Spasm Lab)"
    if fmt == "png":
        meta: dict[str, Any] = {"Title": title, "Description": alt, "Comment": caption, "Software": software}
    elif fmt == "pdf":
        meta = {"Title": title, "Subject": caption, "Keywords": alt, "Creator": software, "CreationDate": None,
                "ModDate": None}
    else:
        meta = {"Title": title, "Description": alt, "Creator": software, "Date": None}
    meta = {k: v for k, v in meta.items() if v or v is None}
    with mpl.rc_context(dict(EXPORT_RC)):
        if fmt == "svg":
            import io

            buffer = io.BytesIO()
            fig.savefig(buffer, format="svg", dpi=dpi, metadata=meta, facecolor="white", bbox_inches=None)
            handle.write(_svg_accessible(buffer.getvalue(), title, alt))
        else:
            fig.savefig(handle, format=fmt, dpi=dpi, metadata=meta, facecolor="white", bbox_inches=None)


def _toml_text(text: str, width: int = 96) -> str:
    """Quote text as TOML; long text becomes a multi-line basic string wrapped with line-ending backslashes."""
    quoted = _toml_str(text)
    if len(quoted) <= width or text[:1].isspace():
        return quoted
    words = quoted[1:-1].split(" ")
    lines, current = [], words[0]
    for word in words[1:]:
        # Break only before a non-empty word: TOML drops the backslash, the newline and the whitespace
        # that follows, keeping the space written before the backslash.
        if word and current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}"
    lines.append(current)
    return '"""\\\n' + " \\\n".join(lines) + '"""'


def _caption_toml(info: dict[str, Any], runs: Sequence[tuple[str, Scenario]], scenario: Scenario | None) -> str:
    meta = ["[figure]"]
    for key, value in info.items():
        if isinstance(value, str):
            rendered = _toml_text(value)
        elif isinstance(value, list | tuple):
            rendered = "[" + ", ".join(_toml_str(str(v)) for v in value) + "]"
        else:
            rendered = repr(value)
        meta.append(f"{key} = {rendered}")
    for label, run in runs:
        base = scenario.to_dict() if scenario is not None else _HEALTHY.to_dict()
        changes = {k: v for k, v in run.to_dict().items() if v != base[k]}
        inline = ", ".join(f"{k} = {_toml_str(str(v).lower()) if v is None or isinstance(v, str) else repr(v)}"
                           for k, v in changes.items())
        meta += ["", "[[figure.runs]]", f"label = {_toml_str(label)}", f"changes = {{ {inline} }}"]
    header = [
        "# Muscle Spasm Lab figure caption (simlib).",
        '# Lines starting with "#:" hold the figure\'s title, caption, alt text and runs as TOML: read them with',
        "# simlib.figures.read_caption(path). Each run lists its changes from the [scenario] below.",
    ]
    if scenario is not None:
        header += [
            "# The [scenario] table is the scenario the figure was drawn from: simlib.load_scenario(path) reads it,",
            "# and the 'regenerate' command in the header redraws the figure from it.",
        ]
    else:
        header.append("# No scenario was recorded for this figure.")
    body = "\n".join(header) + "\n#\n" + "\n".join((_META_PREFIX + line).rstrip() for line in
                                                   "\n".join(meta).splitlines()) + "\n"
    if scenario is not None:
        scenario_text = _scenario_toml(scenario)
        body += "\n" + scenario_text[scenario_text.index("[scenario]"):]
    return body


def export_figure(
    fig: Figure,
    path: str | os.PathLike[str],
    formats: str | Iterable[str] = ("png",),
    dpi: float = 300,
    *,
    caption: str | None = None,
    overwrite: bool = False,
    scenario: Scenario | None = None,
    title: str | None = None,
    alt_text: str | None = None,
) -> tuple[Path, ...]:
    """Save a figure as PNG, SVG and/or PDF, with a caption file beside it, atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Any figure. For one drawn by this module, the title, caption, alt text and scenario come from
        its :class:`FigureInfo`; the keyword arguments below override them.
    path : str or os.PathLike
        Output path without extension (``exports/force_frequency``); each format adds its own. A path
        ending in ``.png``, ``.svg`` or ``.pdf`` has that extension removed (it must be one of `formats`).
        The directory must exist.
    formats : str or iterable of str, default ('png',)
        Any of ``"png"`` (raster, dpi stored in the file), ``"svg"`` (text kept as text, with
        ``<title>``/``<desc>``) and ``"pdf"`` (TrueType fonts embedded as Type 42).
    dpi : float, default 300
        Resolution (dots per inch, 10-1200) of the PNG and of any raster parts of SVG/PDF. A PNG may have
        at most :data:`MAX_EXPORT_PIXELS` pixels (a slide up to 632 dpi), which bounds the memory it takes.
    caption, title, alt_text : str, optional
        Caption, title and alt text; also stored in the image metadata.
    overwrite : bool, default False
        Replace existing files; otherwise an existing file is an error and nothing is written.
    scenario : Scenario, optional
        The scenario that produced the figure, written to the caption file.

    Returns
    -------
    tuple of pathlib.Path
        The files written: one per format, in the order of `formats`, then ``<path>.caption.toml``.

    Raises
    ------
    ParameterError
        For an unknown format (listing the valid ones), a dpi out of range or too many pixels, a missing
        directory, an existing file without `overwrite`, a path that exists and is not a regular file
        (a symbolic link or device is never replaced), or a failed write (naming the file and the
        reason, e.g. "No space left on device"). Nothing is written or changed then.
    TypeError
        If `fig` is not a matplotlib Figure or `scenario` not a Scenario.

    Notes
    -----
    The files are written as a set, all or nothing (:func:`simlib._fileio.atomic_write_set`): each to a
    temporary file in the same directory, and only when all were written are they moved into place,
    with :func:`os.replace` (with `overwrite`) or a hard link (without, so a file that appeared meanwhile
    is never replaced). A failure half way (a full disk, an interrupt) leaves no file of the set and no
    temporary file. The caption file is TOML: a ``[scenario]`` table that :func:`simlib.load_scenario`
    reads, and header lines starting with ``#:`` holding the title, caption, alt text, file names, dpi
    and the runs, which :func:`read_caption` reads.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"export_figure needs a matplotlib Figure; got {type(fig).__name__}")
    fmts = _check_formats(formats)
    dpi_value = _check_dpi(dpi)
    if scenario is not None and not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a simlib.Scenario; got {type(scenario).__name__}")
    try:
        base = Path(os.fspath(path))
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}") from None
    if base.name.lower().endswith(CAPTION_SUFFIX):
        base = base.with_name(base.name[: -len(CAPTION_SUFFIX)])
    suffix = base.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        if suffix not in fmts:
            raise ParameterError(f"{base}: the path ends in .{suffix} but formats is {fmts!r}; add {suffix!r} to "
                                 "formats or give the path without an extension")
        base = base.with_suffix("")
    if not base.name:
        raise ParameterError(f"{path!s}: give a file name (without extension), e.g. exports/my_figure")
    directory = base.parent
    if not directory.is_dir():
        shown = str(directory)
        why = "is not a directory" if directory.exists() else "does not exist"
        raise ParameterError(f"{shown}: output directory {why}; create it first (mkdir -p {shown})")

    info = getattr(fig, "_simlib_figure_info", None)
    info = info if isinstance(info, FigureInfo) else None
    title_text = title if title is not None else (info.title if info else "")
    caption_text = caption if caption is not None else (info.caption if info else "")
    alt = alt_text if alt_text is not None else (info.alt_text if info else "")
    sc = scenario if scenario is not None else (info.scenario if info else None)

    if "png" in fmts:
        _check_pixels(*fig.get_size_inches(), dpi_value)
    targets = [base.with_name(f"{base.name}.{fmt}") for fmt in fmts]
    caption_path = base.with_name(base.name + CAPTION_SUFFIX)
    if not overwrite:
        existing = [p for p in (*targets, caption_path) if os.path.lexists(p)]
        if existing:
            more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
            raise ParameterError(exists_message(existing[0]).replace(" already exists", f" already exists{more}"))

    from simlib import __version__

    meta: dict[str, Any] = {}
    if info is not None:
        meta["name"] = info.name
    meta.update(title=title_text, caption=caption_text, alt_text=alt)
    if info is not None:
        meta["style"] = info.style
    meta.update(files=[p.name for p in targets], dpi=round(dpi_value, 6), simlib_version=__version__)
    if info is not None:
        if info.presets:
            meta["presets"] = list(info.presets)
        for key, value in info.settings:
            meta[key] = value
        meta["regenerate"] = info.regenerate_command(caption_path.name)
    runs = info.runs if info is not None and sc == info.scenario else ()
    text = _caption_toml(meta, runs, sc)

    items: list[tuple[Path, Callable[[Any], object]]] = [
        (target, lambda h, fmt=fmt: _save_image(fig, h, fmt, dpi_value, title_text, caption_text, alt))
        for fmt, target in zip(fmts, targets, strict=True)
    ]
    items.append((caption_path, lambda h: h.write(text.encode("utf-8"))))
    atomic_write_set(items, overwrite=overwrite)
    return (*targets, caption_path)


def read_caption(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a caption file written by :func:`export_figure`.

    Parameters
    ----------
    path : str or os.PathLike
        A ``*.caption.toml`` file.

    Returns
    -------
    dict
        The ``[figure]`` metadata (``title``, ``caption``, ``alt_text``, ``files``, ``dpi``, ... and
        ``runs``, a list of ``{"label", "changes"}``) plus ``"scenario"``: the :class:`Scenario` read
        by :func:`simlib.load_scenario`, or None if none was recorded.

    Raises
    ------
    ParameterError
        If the file is missing or not a caption file.
    """
    file = Path(os.fspath(path))
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{file}: cannot read caption file ({exc.strerror or exc})") from exc
    meta_lines = [line[len(_META_PREFIX):] if line.startswith(_META_PREFIX) else ""
                  for line in text.splitlines() if line.startswith(_META_PREFIX.rstrip())]
    try:
        meta = tomllib.loads("\n".join(meta_lines)).get("figure")
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{file}: malformed caption metadata: {exc}") from exc
    if not isinstance(meta, dict):
        raise ParameterError(f"{file}: not a simlib caption file (no '#: [figure]' header)")
    data = tomllib.loads(text)
    meta["scenario"] = load_scenario(file) if "scenario" in data else None
    meta.setdefault("runs", [])
    return meta


# --- image baselines for the tests -----------------------------------------------------------------------

#: Resolution of the test baselines: small files, about 11 px per text line in both styles.
BASELINE_DPI: Mapping[str, float] = MappingProxyType({"slide": 40.0, "handout": 100.0})


def save_baseline(fig: Figure, path: str | os.PathLike[str]) -> None:
    """Save a figure the way the image-comparison tests and their baselines do (PNG, no metadata).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure drawn by this module (its style sets the dpi, :data:`BASELINE_DPI`).
    path : str or os.PathLike
        Output PNG; overwritten.
    """
    style = figure_info(fig).style
    # Draw-time settings (text hinting, path simplification, ...) from matplotlib's defaults, so that the
    # baseline does not depend on the rcParams of the process that saves it.
    with mpl.rc_context(), mpl_style.context("default"):
        mpl.rcParams.update(EXPORT_RC)
        fig.savefig(path, format="png", dpi=BASELINE_DPI[style], metadata={"Software": None}, facecolor="white")


def regenerate_baselines(directory: str | os.PathLike[str]) -> list[Path]:
    """Redraw every registered figure in both styles into ``directory/<name>-<style>.png``.

    Run only after a deliberate change to the model or the figures, then look at every image before
    committing: ``python -m simlib.figures --regenerate-baselines tests/baseline_images``.

    Parameters
    ----------
    directory : str or os.PathLike
        Baseline folder (created if missing).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(os.fspath(directory))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names():
        for style in STYLES:
            target = out / f"{name}-{style}.png"
            save_baseline(render(name, style=style), target)
            written.append(target)
    return written


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simlib.figures",
                                     description="Maintenance of the figure test baselines.")
    parser.add_argument("--regenerate-baselines", metavar="DIR", required=True,
                        help="redraw every figure in both styles into DIR (review the images before committing)")
    args = parser.parse_args(argv)
    for path in regenerate_baselines(args.regenerate_baselines):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
