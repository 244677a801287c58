"""Interactive widgets for the lessons: metadata-built sliders, explorers and quick checks.

Everything here is built from the parameter metadata in
:data:`simlib.parameters.SCENARIO_PARAMS` (label, unit, range, step, meaning, hint) and from
:data:`simlib.PRESETS` / :data:`simlib.PRESET_INFO`, so a new Scenario field or preset appears
in every explorer without changes here.

- :func:`slider_for` makes the control of one Scenario field: a ``FloatSlider`` for numbers, a
  ``Dropdown`` for words and a checkbox plus slider (:class:`OptionalSlider`) for optional numbers.
- :class:`Explorer` holds a Scenario, controls for chosen fields, preset buttons, the
  classification in words, an error area and a figure drawn by :mod:`simlib.plotting` that is
  updated in place (:func:`simlib.plotting.update_plot`) after every change.
- :func:`explore` and :func:`spasm_explorer` build explorers for lessons and for the dashboard;
  :class:`QuickCheck` (made by :func:`quick_check`, re-exported from :mod:`simlib.quickcheck`) is a
  multiple-choice question with a hint per wrong option and a retry.

The figure is shown as an image widget (a JPEG of the canvas) that is re-rendered after each
change, with any backend (also ``MPLBACKEND=Agg`` in tests and nbval), or, if asked for with
``canvas="ipympl"``, as an ipympl canvas.
Simulations run on the main thread (one takes tens of milliseconds); ``continuous_update=False``
makes a drag start one simulation, when the handle is released.

This module imports ipywidgets and matplotlib; ``import simlib`` does not import it.

Examples
--------
>>> from simlib import widgets
>>> ex = widgets.explore(["rate_hz", "ca_mM"])     # doctest: +SKIP
>>> ex.set(ca_mM=0.75, rate_hz=0)                   # doctest: +SKIP
>>> ex.classification_text                          # doctest: +SKIP
'Tetany — the peripheral nerve fires by itself, ...'
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import math
import os
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import ipywidgets as ipw
import numpy as np
import traitlets
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simlib import plotting
from simlib.a11y import SliderLabeller
from simlib.downloads import ExportLimiter, download_links, in_voila
from simlib.errors import ParameterError, SimulationError
from simlib.metrics import Metrics
from simlib.parameters import SCENARIO_PARAMS, Param, scenario_param
from simlib.presets import PRESET_INFO, PRESETS
from simlib.quickcheck import QuickCheck, quick_check  # re-exported: the lessons call widgets.quick_check
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.simulate import simulate, simulation_key
from simlib.validation import check_value, unknown_name_message

__all__ = [
    "CLASSIFICATION_WORDS",
    "CONTROL_GROUPS",
    "PANELS",
    "Explorer",
    "OptionalSlider",
    "QuickCheck",
    "classification_sentence",
    "explore",
    "quick_check",
    "slider_for",
    "spasm_explorer",
    "spasm_fields",
]

#: What each classification means, in words a learner can read aloud (title, explanation).
CLASSIFICATION_WORDS: dict[str, tuple[str, str]] = {
    "normal": ("Normal", "force follows the nerve signal: no weakness, no abnormal firing (tetany, cramp, "
               "spasticity, repetitive firing) and no contracture."),
    "weakness": ("Weakness", "the muscle makes less than half of the healthy force for the same nerve signal."),
    "tetany": ("Tetany", "the peripheral nerve fires by itself, so the muscle twitches and contracts without "
               "any command."),
    "cramp": ("Cramp", "the spinal motoneuron keeps firing by itself after the command stops, so the muscle "
              "stays contracted."),
    "contracture": ("Contracture", "the muscle stays contracted although it is electrically silent (no muscle "
                    "action potentials)."),
    "spasticity": ("Spasticity", "the passive stretch sets off an exaggerated reflex burst in the spinal "
                   "motoneuron (a fast stretch sets it off, a slow one does not), so the muscle contracts against "
                   "it; the firing stops with the stretch, so it is not a cramp."),
    "repetitive firing": ("Repetitive firing", "the muscle fires more action potentials than it gets nerve "
                          "impulses (e.g. two per impulse when acetylcholine lingers): the fibre is "
                          "hyperexcitable."),
}

#: Headings under which an explorer with many controls groups them; fields not listed here (new
#: ones) go under "Other settings", so nothing is ever left out.
CONTROL_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Nerve signal", ("drive", "rate_hz", "drive_start_s", "drive_s", "duration_s")),
    ("Electrolytes (blood plasma)", ("ca_mM", "mg_mM", "k_mM", "na_mM")),
    ("Inside the muscle", ("temperature_c", "atp_mM", "fatigue")),
    ("Drugs and toxins", ("ache_activity", "release_block", "receptor_block", "ryr_block")),
    ("Spinal cord and stretch", ("pic_gain", "reflex_gain", "stretch_at_s", "stretch_velocity_deg_s")),
)
_OTHER_GROUP = "Other settings"

#: Figure panels an explorer can show: name -> (plot helper, short y label, title).
PANELS: dict[str, tuple[Callable[..., Axes], str, str]] = {
    # Legend in three columns: in one row, it is wider than the explorer's axes.
    "spikes": (functools.partial(plotting.plot_spike_raster, legend_columns=3), "", "Spikes: nerve → muscle"),
    "epp": (plotting.plot_epp, "EPP (mV)", "Neuromuscular junction: endplate potential"),
    "membrane": (plotting.plot_membrane, "V (mV)", "Muscle membrane potential"),
    "calcium": (plotting.plot_calcium, "Ca²⁺ (µM)", "Free Ca²⁺ inside the fibre"),
    "force": (plotting.plot_force, "Force\n(1 = max.)", "Force (1 = healthy maximal tetanus)"),
}
_ALL_PANELS: tuple[str, ...] = tuple(PANELS)
_PANEL_WORDS = {"spikes": "nerve and muscle spikes", "epp": "endplate potential", "membrane": "muscle membrane "
                "potential", "calcium": "free Ca²⁺ inside the fibre", "force": "force"}
# Fields the Spasm explorer leaves to the presets: the timing of the run (long runs are slow to redraw).
_TIMING_FIELDS = ("drive_start_s", "drive_s", "duration_s")
# Text of the on/off switch of optional fields (default: "Set <label>").
_SWITCH_TEXT = {"stretch_at_s": "Stretch the muscle"}
# Words written in capitals in preset button labels.
_ACRONYMS = {"atp": "ATP", "ach": "ACh", "ache": "AChE", "pic": "PIC", "ryr": "RyR"}
_DESCRIPTION_WIDTH = "13em"
# Width of the controls column (CSS) and of slider labels in it: the track keeps ~120 px.
_CONTROL_WIDTH = "360px"
_COLUMN_DESCRIPTION_WIDTH = "12em"
#: runs an explorer keeps for moves back to an earlier setting (~3 MB each for 3 s at 0.2 ms)
_RECENT_RUNS = 6
#: cached figure backgrounds (one per view: axis limits, size, resolution; ~2 MB each)
_CACHED_BACKGROUNDS = 8
_TITLE_PAD_PT = 4.0  # as in simlib.plotting.plot_chain
#: How much larger (resolution and on-screen size) the figure is in projector mode.
PROJECTOR_SCALE = 1.5
#: Step of a voluntary rate slider (Hz): the calibration of the descending command resolves 2 Hz
#: (every rate of one step simulates identically, :func:`simlib.simulate.simulation_key`).
VOLUNTARY_RATE_STEP_HZ = 2.0


# --- controls ---------------------------------------------------------------------------------


def _param(name: str) -> Param:
    """Metadata of a Scenario field; ParameterError with a suggestion for unknown names."""
    try:
        return scenario_param(name)
    except KeyError:
        raise ParameterError(unknown_name_message(name, Scenario.field_names())) from None


def _readout_format(step: float) -> str:
    """d3 format showing as many decimals as the step has (``1`` -> ``.0f``, ``0.05`` -> ``.2f``)."""
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f".{decimals}f"


def _tooltip(param: Param) -> str:
    """Hover text: meaning, allowed range with unit and the hint from the metadata."""
    meaning = param.meaning[:1].upper() + param.meaning[1:]
    text = f"{meaning}; {param.range_text()}."
    return f"{text} {param.hint}" if param.hint else text


def _range(param: Param, low: float | None, high: float | None, step: float | None) -> tuple[float, float, float]:
    """Slider range and step: the metadata's, optionally narrowed (never widened)."""
    p_low = -1e6 if param.low is None else float(param.low)
    p_high = 1e6 if param.high is None else float(param.high)
    lo = p_low if low is None else float(low)
    hi = p_high if high is None else float(high)
    if not (p_low <= lo < hi <= p_high):
        raise ParameterError(
            f"slider range for '{param.name}' must lie {param.range_text()} with low < high; got {lo:g} to {hi:g}"
        )
    st = float(step) if step is not None else (param.step or (hi - lo) / 100.0)
    if not (st > 0 and math.isfinite(st)):
        raise ParameterError(f"slider step for '{param.name}' must be a positive number; got {st!r}")
    return lo, hi, st


def _style_control(widget: ipw.DOMWidget, name: str) -> ipw.DOMWidget:
    """Add the CSS classes that end-to-end tests and custom styles use to find a control."""
    widget.add_class("msl-control")
    widget.add_class(f"msl-control-{name}")
    return widget


class OptionalSlider(ipw.VBox):
    """Control of an optional number: a checkbox switches it on, a slider sets it.

    ``value`` is ``None`` while the checkbox is clear and the slider's value while it is ticked,
    so the widget can be observed like any other control (``observe(callback, "value")``).

    Parameters
    ----------
    param : simlib.parameters.Param
        Metadata of the field (must be ``optional``).
    value : float or None
        Initial value, in ``param.unit``; ``None`` means "off".
    low, high, step : float
        Slider range and step, in ``param.unit``.
    """

    value = traitlets.Float(None, allow_none=True)

    def __init__(self, param: Param, value: float | None, *, low: float, high: float, step: float) -> None:
        self.param = param
        tooltip = _tooltip(param)
        switch = _SWITCH_TEXT.get(param.name, f"Set {(param.label or param.name).lower()}")
        self.checkbox = ipw.Checkbox(value=value is not None, description=switch, indent=False, tooltip=tooltip)
        start = (low + high) / 2.0 if value is None else float(value)
        start = min(max(low + step * round((start - low) / step), low), high)
        self.slider = ipw.FloatSlider(
            value=start, min=low, max=high, step=step, description=param.axis_label(), tooltip=tooltip,
            continuous_update=False, readout_format=_readout_format(step), disabled=value is None,
            style={"description_width": _DESCRIPTION_WIDTH}, layout=ipw.Layout(width="100%"),
        )
        super().__init__([self.checkbox, self.slider], layout=ipw.Layout(width="100%"))
        self._busy = False
        self.value = None if value is None else float(self.slider.value)
        self.checkbox.observe(self._from_parts, "value")
        self.slider.observe(self._from_parts, "value")
        self.observe(self._to_parts, "value")

    @property
    def min(self) -> float:
        """Lowest value of the slider (``param.unit``)."""
        return float(self.slider.min)

    @property
    def max(self) -> float:
        """Highest value of the slider (``param.unit``)."""
        return float(self.slider.max)

    def _from_parts(self, _change: Mapping[str, Any]) -> None:
        if self._busy:
            return
        self.slider.disabled = not self.checkbox.value
        self.value = float(self.slider.value) if self.checkbox.value else None

    def _to_parts(self, change: Mapping[str, Any]) -> None:
        self._busy = True
        try:
            new = change["new"]
            self.checkbox.value = new is not None
            self.slider.disabled = new is None
            if new is not None:
                self.slider.value = float(new)
        finally:
            self._busy = False


def slider_for(
    name: str, value: float | str | None = None, *, low: float | None = None, high: float | None = None,
    step: float | None = None,
) -> ipw.DOMWidget:
    """Make the control of one Scenario field from its metadata.

    Numbers get a ``FloatSlider`` (range and step from the metadata, ``continuous_update=False``),
    words (``choices``) a ``Dropdown`` and optional numbers an :class:`OptionalSlider`. The visible
    description, which screen readers announce, is the label with its unit, e.g.
    ``"Extracellular Ca²⁺ (mM)"``; the tooltip gives the meaning, the allowed range and the hint.

    Parameters
    ----------
    name : str
        Scenario field, e.g. ``"ca_mM"``.
    value : float, str or None, optional
        Initial value in the field's unit; the field's default when omitted (``None`` is "off" for
        optional fields).
    low, high : float, optional
        Narrow the slider range (in the field's unit); it can never be wider than the metadata's.
    step : float, optional
        Slider step (field's unit); the metadata's suggested step by default.

    Returns
    -------
    ipywidgets.DOMWidget
        The control; its ``value`` trait holds the field's value.

    Raises
    ------
    ParameterError
        If ``name`` is not a Scenario field (with a suggestion), ``value`` is out of range, or the
        narrowed range is invalid.
    """
    param = _param(name)
    if value is None and not param.optional:
        value = param.default
    value = check_value(param, value)
    tooltip = _tooltip(param)
    if param.is_text:
        widget: ipw.DOMWidget = ipw.Dropdown(
            options=list(param.choices), value=value, description=param.axis_label(), tooltip=tooltip,
            style={"description_width": _DESCRIPTION_WIDTH}, layout=ipw.Layout(width="100%"),
        )
        return _style_control(widget, name)
    lo, hi, st = _range(param, low, high, step)
    if param.optional:
        return _style_control(OptionalSlider(param, value, low=lo, high=hi, step=st), name)
    if not lo <= float(value) <= hi:
        raise ParameterError(f"'{name}' = {value!r} lies outside the slider range {lo:g} to {hi:g} {param.unit}")
    widget = ipw.FloatSlider(
        value=float(value), min=lo, max=hi, step=st, description=param.axis_label(), tooltip=tooltip,
        continuous_update=False, readout=True, readout_format=_readout_format(st),
        style={"description_width": _DESCRIPTION_WIDTH}, layout=ipw.Layout(width="100%"),
    )
    return _style_control(widget, name)


# --- helpers for text ---------------------------------------------------------------------------


def classification_sentence(classification: str) -> str:
    """Put a classification into words, e.g. ``"Tetany — the peripheral nerve fires by itself, ..."``.

    Parameters
    ----------
    classification : str
        A value of :attr:`simlib.Metrics.classification`.
    """
    title, explanation = CLASSIFICATION_WORDS.get(classification, (classification.capitalize(), ""))
    return f"{title} \N{EM DASH} {explanation}" if explanation else title


def _preset_label(name: str) -> str:
    """Button text of a preset: ``"atp_depletion"`` -> ``"ATP depletion"``."""
    words = [_ACRONYMS.get(word, word) for word in name.split("_")]
    first = words[0] if words[0] in _ACRONYMS.values() else words[0].capitalize()
    return " ".join([first, *words[1:]])


def _fmt(value: float, digits: int = 2) -> str:
    return "never" if math.isinf(value) else f"{value:.{digits}f}"


def _drive_text(sc: Scenario) -> str:
    if sc.rate_hz <= 0 or sc.drive_s <= 0:
        return "no drive (the nerve gets no command)"
    end = min(sc.drive_start_s + sc.drive_s, sc.duration_s)
    kind = "voluntary command" if sc.drive == "voluntary" else "nerve stimulation"
    return f"{kind} at {sc.rate_hz:g} Hz from {sc.drive_start_s:g} s to {end:g} s"


def _metrics_text(m: Metrics) -> str:
    return (
        f"Peak force {_fmt(m.peak_force)} (1 = healthy maximal tetanus); force after the drive "
        f"{_fmt(m.force_after_drive)}; nerve impulses after the drive: {m.nerve_spikes_after_drive}; "
        f"muscle action potentials after the drive: {m.muscle_spikes_after_drive}."
    )


# --- the explorer -----------------------------------------------------------------------------


def _round_away(x: float) -> float:
    """Round away from zero to 1, 2 or 5 times a power of ten (``38`` -> ``50``, ``-97`` -> ``-100``)."""
    if x == 0 or not math.isfinite(x):
        return x
    size = abs(x)
    magnitude = 10.0 ** math.floor(math.log10(size))
    nice = next(m * magnitude for m in (1.0, 2.0, 5.0, 10.0) if m * magnitude >= size * (1 - 1e-12))
    return math.copysign(nice, x)


class Explorer:
    """Controls, presets, classification and a live figure for one Scenario.

    Every change (a control, :meth:`set`, a preset) makes a new validated Scenario, simulates it on
    the main thread, updates the existing figure in place with :func:`simlib.plotting.update_plot`
    and shows the classification in words. Invalid values are reported in the error area (the
    message of :class:`simlib.ParameterError`) instead of raising, and the controls return to the
    last valid Scenario.

    Parameters
    ----------
    fields : sequence of str
        Scenario fields that get a control (see :func:`slider_for`), in display order.
    scenario : Scenario, optional
        Starting scenario; the healthy default when None.
    panels : sequence of str, optional
        Figure panels, top to bottom, from :data:`PANELS` (``"spikes"``, ``"epp"``, ``"membrane"``,
        ``"calcium"``, ``"force"``); all five (the chain from nerve to force) when None.
    presets : bool or sequence of str, default ()
        Preset buttons: ``True`` for every entry of :data:`simlib.PRESETS`, or a list of names.
    output_dt_s : float, default 0.0002
        Output interval of the simulations (s); 0.2 ms resolves muscle action potentials.
    figsize : tuple of float, optional
        Figure size in inches (width, height); by default 8 in wide and about 1.1 in per panel
        (landscape, like the screens it is shown on: 800 x 630 px at 100 dpi for five panels).
    canvas : {"auto", "image", "ipympl"}, default "auto"
        How the figure is shown: an image widget (a JPEG of the canvas) re-rendered after each
        change, with any backend; or an ipympl canvas (needs ``%matplotlib widget``; full draws are
        requested by the browser, so a change costs a second round trip). "auto" is "image": one
        message per change, and the image scales with the page (see Notes).
    name : str, default "explorer"
        Used in the names of exported files.
    projector : bool, default False
        Start in projector mode: a larger figure (:data:`PROJECTOR_SCALE` times the size) with the
        controls below it, for a room to read. The "Projector" toggle switches it at any time.
    app_mode : bool, optional
        Shared-app behaviour of Export (see :mod:`simlib.downloads`): nothing is kept on the server,
        the files are only offered as browser downloads, and exports are rate-limited. Detected
        from Voilà's environment variables when None.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole explorer; display it (it is also shown when the Explorer is a cell's last value).
    controls : dict of str to ipywidgets.DOMWidget
        The control of each field, by field name.
    preset_buttons : dict of str to ipywidgets.Button
        The button of each preset, by preset name.
    export_button : ipywidgets.Button
        Saves the current figure with a caption into ``exports/`` (see :meth:`export`) and offers
        both files as browser downloads; in app mode, only offers the downloads.
    projector_toggle : ipywidgets.ToggleButton
        Switches projector mode (larger figure, controls below it) on and off.
    app_mode : bool
        Whether Export behaves as in a shared app (see the ``app_mode`` parameter).
    timings : dict of str to float
        Milliseconds spent in the last update: ``simulate_ms``, ``metrics_ms``, ``update_ms`` (lines
        and limits), ``draw_ms`` (canvas redrawn) and ``encode_ms`` (image for the image widget).
    last_redraw : str
        How the last update reached the canvas: ``"blit"`` (axes unchanged: only the data artists
        were drawn over the cached background), ``"full"`` (everything drawn) or ``"deferred"``
        (ipympl: a full draw requested from the browser).

    Notes
    -----
    Redraws are kept fast in three ways: the figure is laid out once (constrained layout, then
    frozen, with fixed label positions); trace axes keep at least the y range of the healthy
    default, so their limits and ticks rarely change; and when no limit changed, only the data
    artists are redrawn over a cached background (blitting). The image is a JPEG (quality 88):
    several times faster to encode than lossless WebP or PNG, for a message of ~80 KiB.

    Layout: the controls (presets, then the sliders in groups) sit in a column beside the figure
    and scroll inside it, so figure and controls stay in view together from about 700 px of page
    width; the figure shrinks to the page's height (and never grows past its own size). Only
    narrower pages put the figure below the controls. In projector mode the figure comes first,
    is rendered at :data:`PROJECTOR_SCALE` times the resolution and fills the page's height.

    Raises
    ------
    ParameterError
        If a field, panel or preset name is unknown (with a suggestion).
    """

    def __init__(
        self,
        fields: Sequence[str] = ("rate_hz", "ca_mM"),
        scenario: Scenario | None = None,
        panels: Sequence[str] | None = None,
        *,
        presets: bool | Sequence[str] = (),
        output_dt_s: float = 0.0002,
        figsize: tuple[float, float] | None = None,
        canvas: str = "auto",
        name: str = "explorer",
        projector: bool = False,
        app_mode: bool | None = None,
    ) -> None:
        if isinstance(fields, str):
            fields = (fields,)
        self._fields = tuple(fields)
        for field in self._fields:
            _param(field)
        if len(set(self._fields)) != len(self._fields):
            raise ParameterError(f"each field may appear once in an explorer; got {list(self._fields)}")
        self._panels = _ALL_PANELS if panels is None else tuple([panels] if isinstance(panels, str) else panels)
        for panel in self._panels:
            if panel not in PANELS:
                raise ParameterError(unknown_name_message(panel, PANELS, kind="panel"))
        if not self._panels:
            raise ParameterError(f"an explorer needs at least one panel, from {', '.join(PANELS)}")
        names = list(PRESETS) if presets is True else list(presets or ())
        for preset in names:
            if preset not in PRESETS:
                raise ParameterError(unknown_name_message(preset, PRESETS, kind="preset"))
        if canvas not in ("auto", "ipympl", "image"):
            raise ParameterError(f"'canvas' must be one of 'auto', 'ipympl', 'image'; got {canvas!r}")
        if scenario is not None and not isinstance(scenario, Scenario):
            raise ParameterError(f"'scenario' must be a simlib.Scenario; got {type(scenario).__name__}")
        self.name = name
        self.app_mode = in_voila() if app_mode is None else bool(app_mode)
        self._export_limiter = ExportLimiter()
        self._output_dt_s = float(output_dt_s)
        self._scenario = Scenario() if scenario is None else scenario
        self._syncing = False
        self.timings: dict[str, float] = {}
        self._recent: OrderedDict[Scenario, Result] = OrderedDict()
        self._use_ipympl = canvas == "ipympl"
        self._projector = bool(projector)

        # The figure: drawn first from the healthy default, whose y ranges the trace axes keep.
        reference = simulate(Scenario(), output_dt_s=self._output_dt_s)
        self._figure, self._axes = self._make_figure(figsize)
        self._plot(reference)
        # Round the tops up (force: kept at 1.08), so that runs a little above the default fit.
        self._reference_ylim = [
            None if not ax.get_lines()
            else ax.get_ylim() if any(line.get_gid() in ("force", "v_muscle") for line in ax.get_lines())
            else (ax.get_ylim()[0], _round_away(ax.get_ylim()[1]))
            for ax in self._axes
        ]
        self._freeze_layout()
        self._setup_blitting()
        self._base_dpi = float(self._figure.dpi)
        if self._projector:
            self._figure.set_dpi(self._base_dpi * PROJECTOR_SCALE)
        self.last_redraw = ""
        self._recent[simulation_key(Scenario())] = reference
        self._result = self._simulate(self._scenario)
        self._metrics = self._result.metrics()

        # The widgets.
        self.controls: dict[str, ipw.DOMWidget] = {}
        for field in self._fields:
            control = slider_for(field, getattr(self._scenario, field), **self._slider_range(field))
            control.observe(self._control_callback(field), "value")
            self.controls[field] = control
        self.preset_buttons: dict[str, ipw.Button] = {}
        for preset in names:
            button = ipw.Button(description=_preset_label(preset), tooltip=PRESET_INFO[preset].description,
                                layout=ipw.Layout(width="auto"))
            button.add_class("msl-preset")
            button.add_class(f"msl-preset-{preset}")
            button.on_click(self._preset_callback(preset))
            self.preset_buttons[preset] = button
        self._status = ipw.HTML(layout=ipw.Layout(width="100%"))
        self._status.add_class("msl-classification")
        self._error = ipw.HTML(layout=ipw.Layout(width="100%"))
        self._error.add_class("msl-error")
        where = "as a download" if self.app_mode else "into exports/ and as a download"
        self.export_button = ipw.Button(description="Export figure", icon="download",
                                        tooltip=f"Save the figure as it is now, with a caption, {where}")
        self.export_button.add_class("msl-export")
        self.export_button.on_click(self._export_callback)
        self._export_status = ipw.HTML()
        self._export_status.add_class("msl-export-status")
        if self._use_ipympl:
            self._image = None
            self._configure_ipympl()
            figure_widget: ipw.DOMWidget = self._figure.canvas
        else:
            self._image = ipw.Image(format=_image_format(), layout=ipw.Layout())
            figure_widget = self._image
        self.projector_toggle = ipw.ToggleButton(
            value=self._projector, description="Projector", icon="expand",
            tooltip="Projector mode: a larger, sharper figure first, the controls beside or below it")
        self.projector_toggle.add_class("msl-projector")
        self.projector_toggle.observe(lambda change: self._guarded(lambda: self.set_projector(change["new"])),
                                      "value")
        figure_widget.add_class("msl-figure")
        self.widget = self._layout(figure_widget)
        self._sync_controls()
        self._show()

    # -- public API -------------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        """The Scenario shown now (the last valid one)."""
        return self._scenario

    @property
    def result(self) -> Result:
        """The Result of :attr:`scenario`."""
        return self._result

    @property
    def metrics(self) -> Metrics:
        """The Metrics of :attr:`result`."""
        return self._metrics

    @property
    def figure(self) -> Figure:
        """The matplotlib Figure that is updated in place."""
        return self._figure

    @property
    def axes(self) -> np.ndarray:
        """The figure's axes, top to bottom, as an object array."""
        return self._axes

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields that have a control, in display order."""
        return self._fields

    @property
    def panels(self) -> tuple[str, ...]:
        """The panel names, top to bottom."""
        return self._panels

    @property
    def classification_text(self) -> str:
        """The classification in words plus the key numbers, as plain text (what the page shows)."""
        return f"{classification_sentence(self._metrics.classification)} {_metrics_text(self._metrics)}"

    @property
    def error_text(self) -> str:
        """The message in the error area; empty when the last change was valid."""
        return getattr(self, "_error_message", "")

    @property
    def export_text(self) -> str:
        """What the export area says (where the last export went)."""
        return getattr(self, "_export_message", "")

    @property
    def active_preset(self) -> str | None:
        """The preset equal to the current Scenario, if any (its button is highlighted)."""
        for preset, sc in PRESETS.items():
            if sc == self._scenario:
                return preset
        return None

    def set(self, **values: Any) -> bool:
        """Change fields programmatically, as if the controls had been moved.

        Parameters
        ----------
        **values
            New values by Scenario field name (any field, with or without a control), in the
            fields' units.

        Returns
        -------
        bool
            True if the new Scenario was valid and is now shown; False if the error area shows why
            not (nothing else changed).
        """
        return self._apply(lambda: self._scenario.replace(**values))

    def apply_preset(self, name: str) -> bool:
        """Show a preset from :data:`simlib.PRESETS` (every field takes the preset's value).

        Parameters
        ----------
        name : str
            Preset name, e.g. ``"hypocalcaemia"``.

        Returns
        -------
        bool
            True on success; False if the error area shows why not (e.g. an unknown name).
        """

        def make() -> Scenario:
            if name not in PRESETS:
                raise ParameterError(unknown_name_message(name, PRESETS, kind="preset"))
            return PRESETS[name]

        return self._apply(make)

    def caption(self) -> str:
        """Caption of the current figure: classification, drive and the settings that differ from healthy."""
        sc = self._scenario
        preset = self.active_preset
        what = f"preset '{preset}'" if preset else "custom scenario"
        settings = sc.describe().splitlines()
        changed = "healthy defaults" if len(settings) == 1 else "; ".join(line.strip() for line in settings[1:])
        return (
            f"Muscle Spasm Lab, {what}. {classification_sentence(self._metrics.classification)} "
            f"Drive: {_drive_text(sc)}. Settings: {changed}. {_metrics_text(self._metrics)}"
        )

    def alt_text(self) -> str:
        """Describe the current figure in words (generated alternative text)."""
        titles = [_PANEL_WORDS.get(p, p) for p in self._panels]
        m = self._metrics
        return (
            f"{len(self._panels)} stacked panels sharing a time axis from 0 to {self._scenario.duration_s:g} s "
            f"({', '.join(titles)}), drive: {_drive_text(self._scenario)}. "
            f"Peak force {_fmt(m.peak_force)} of the healthy maximum; classification: {m.classification}."
        )

    def export(self, directory: str | os.PathLike[str] | None = None, *, formats: Sequence[str] = ("png",),
               dpi: int = 300) -> list[Path]:
        """Save the current figure with its caption, using :func:`simlib.figures.export_figure`.

        Parameters
        ----------
        directory : str or os.PathLike, optional
            Where to write; ``exports/`` in the current working directory (next to the notebook)
            by default. Created if missing.
        formats : sequence of str, default ("png",)
            File formats, as for ``export_figure``.
        dpi : int, default 300
            Resolution of raster formats (dots per inch).

        Returns
        -------
        list of pathlib.Path
            The files written (figure files and caption).

        Raises
        ------
        ImportError
            If :mod:`simlib.figures` is not available.
        ParameterError
            If ``export_figure`` rejects the request (e.g. an unknown format).
        """
        from simlib.figures import export_figure  # lazily: the figures module is optional here

        folder = Path.cwd() / "exports" if directory is None else Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        stem = self._export_stem(folder)
        before = set(folder.iterdir())
        preset = self.active_preset
        kind = CLASSIFICATION_WORDS.get(self._metrics.classification, (self._metrics.classification, ""))[0]
        title = f"{_preset_label(preset) if preset else 'Custom scenario'}: {kind}"
        try:
            returned = export_figure(
                self._figure, folder / stem, formats=tuple(formats), dpi=dpi, caption=self.caption(),
                overwrite=False, scenario=self._scenario, title=title, alt_text=self.alt_text(),
            )
        finally:
            # Saving drew the figure with another renderer: redraw the screen from scratch.
            self._background = None
            self._render(full=True)
        if isinstance(returned, (list, tuple)) and returned:
            return [Path(p) for p in returned]
        return sorted(set(folder.iterdir()) - before)

    # -- construction helpers ---------------------------------------------------------------------

    def _slider_range(self, field: str) -> dict[str, float]:
        """Range and step that depend on the Scenario shown.

        Times (other than the run length) are capped at duration_s: later times are outside the
        run. A voluntary rate moves in steps of :data:`VOLUNTARY_RATE_STEP_HZ`, the steps the
        motoneuron's calibration resolves (finer steps would change the number but not the run,
        :func:`simlib.stages.drive.command_rate_hz`); a stimulation rate keeps the metadata's step.
        """
        param = _param(field)
        if param.unit == "s" and field != "duration_s" and param.high is not None and param.low is not None:
            return {"high": max(min(float(param.high), self._scenario.duration_s), float(param.low) + param.step)}
        if field == "rate_hz":
            return {"step": VOLUNTARY_RATE_STEP_HZ if self._scenario.drive == "voluntary" else float(param.step)}
        return {}

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
                plot, ylabel, title = PANELS[panel]
                plot(res, ax)
                # An (invisible) stretch marker on every panel, which update_plot shows for runs with a
                # stretch: the explorer adds no artists after this first plot of a run without one.
                mark_stretch = getattr(plotting, "mark_stretch", None)
                if mark_stretch is not None and not any(a.get_gid() == "stretch" for a in (*ax.lines, *ax.collections)):
                    mark_stretch(res, ax, always=True)
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
            artists += [a for a in (*ax.lines, *ax.collections, *ax.patches) if a.get_gid() in plotting.DATA_GIDS]
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

    def _layout(self, figure_widget: ipw.DOMWidget) -> ipw.VBox:
        """Put the controls in a scrolling column beside the figure (see the class Notes)."""
        column: list[ipw.Widget] = []
        if self.preset_buttons:
            heading = ipw.HTML("<b>Presets</b> (hover over one to see what it changes):")
            # flex "0 0 auto": a scrolling column must not squeeze the rows of buttons away
            row = ipw.HBox(list(self.preset_buttons.values()),
                           layout=ipw.Layout(flex_flow="row wrap", flex="0 0 auto"))
            row.add_class("msl-presets")
            column += [heading, row]
        if len(self._fields) > 4:
            known = {f for _, members in CONTROL_GROUPS for f in members}
            groups = [*CONTROL_GROUPS, (_OTHER_GROUP, tuple(f for f in self._fields if f not in known))]
            for heading, members in groups:
                present = [f for f in members if f in self.controls]
                if present:
                    column.append(ipw.HTML(f"<b>{html.escape(heading)}</b>"))
                    column += [self.controls[f] for f in present]
        else:
            column += [self.controls[f] for f in self._fields]
        for control in self.controls.values():
            for part in (control.slider, control.checkbox) if isinstance(control, OptionalSlider) else (control,):
                if isinstance(part, (ipw.FloatSlider, ipw.Dropdown)):
                    part.style.description_width = _COLUMN_DESCRIPTION_WIDTH
        if self.preset_buttons:
            column.append(self._help())
        # A short column (a lesson explorer's few sliders) has room for the sentence below the sliders,
        # so the figure gets the page's whole height; a long one scrolls, so the sentence goes above the figure.
        self._status_beside = bool(column) and not self.preset_buttons
        if self._status_beside:
            column += [self._status, self._error]
        for child in column:  # a scrolling column must not squeeze boxes (presets, optional sliders) away
            if isinstance(child, ipw.Box):
                child.layout.flex = "0 0 auto"
        self._controls_box = ipw.VBox(column)
        self._controls_box.add_class("msl-controls")
        self._figure_widget = figure_widget
        tools = ipw.HBox([self.export_button, self.projector_toggle, self._export_status],
                         layout=ipw.Layout(align_items="center", flex_flow="row wrap"))
        above = [] if self._status_beside else [self._status, self._error]
        self._view_box = ipw.VBox([*above, figure_widget, tools])
        self._view_box.add_class("msl-view")
        self._body = ipw.HBox([self._controls_box, self._view_box] if column else [self._view_box])
        self._body.add_class("msl-body")
        self._apply_layout()
        # Invisible: names each slider handle after its label, for screen readers (see simlib.a11y).
        units = {p.axis_label(): p.unit for p in map(_param, self._fields) if p.unit and not p.is_text}
        # It also gives the figure's <img> the generated alt text (kept up to date by _show).
        self._labeller = SliderLabeller(scope=".msl-explorer", units=units, alt_text=self.alt_text())
        box = ipw.VBox([self._body, self._labeller])
        box.add_class("msl-explorer")
        return box

    def _help(self) -> ipw.Accordion:
        """Make the collapsed "How to use this explorer" section (the page needs no other instructions)."""
        words = html.escape
        text = (
            "<ul style='margin:0;padding-left:1.2em'>"
            f"<li><b>Presets</b> load a scenario from the lessons; hover over one to read what it changes.</li>"
            f"<li><b>Sliders</b> change one setting each (the label gives the unit): drag and release, or "
            f"click a handle and use the arrow keys (Page Up / Page Down take bigger steps).</li>"
            f"<li><b>The sentence above the figure</b> names what the muscle does: "
            f"{words(', '.join(t.lower() for t, _ in CLASSIFICATION_WORDS.values()))}.</li>"
            "<li><b>The figure</b> follows the chain from nerve spikes to force; the grey band is the time "
            "the nerve signal is on.</li>"
            "<li><b>Export figure</b> saves the figure with a caption; <b>Projector</b> shows a larger figure "
            "for a room.</li></ul>"
        )
        accordion = ipw.Accordion([ipw.HTML(text)], selected_index=None, layout=ipw.Layout(flex="0 0 auto"))
        accordion.set_title(0, "How to use this explorer")
        accordion.add_class("msl-help")
        return accordion

    def set_projector(self, on: bool = True) -> None:
        """Switch projector mode on or off (see the ``projector`` parameter); the figure is redrawn.

        Parameters
        ----------
        on : bool, default True
            True for projector mode: the figure first, rendered at :data:`PROJECTOR_SCALE` times the
            resolution and as tall as the page allows.
        """
        on = bool(on)
        if on != self._projector:
            self._projector = on
            self._figure.set_dpi(self._base_dpi * (PROJECTOR_SCALE if on else 1.0))
            self._background = None
            self._render(full=True)
        if self.projector_toggle.value != on:
            self.projector_toggle.value = on
        self._apply_layout()

    @property
    def projector(self) -> bool:
        """Whether projector mode is on (see :meth:`set_projector`)."""
        return self._projector

    def _apply_layout(self) -> None:
        """Set the CSS of the body, the two columns and the figure for the current mode."""
        on = self._projector
        _set_layout(self._body, display="flex", flex_flow="row wrap", align_items="flex-start", width="100%")
        # The column scrolls inside the page's height; it goes right of the figure in projector mode.
        _set_layout(self._controls_box, flex="0 0 300px" if on else f"0 1 {_CONTROL_WIDTH}", min_width="280px",
                    max_height="calc(100vh - 120px)", overflow="hidden auto", order="1" if on else "0",
                    margin="0 0 0 12px" if on else "0 12px 0 0")
        _set_layout(self._view_box, flex="1 1 0%", min_width="360px", order="0")
        if self._image is not None:
            # Never taller than the page minus what stays visible with it (JupyterLab's bars or Voilà's
            # margins, the sentence and the export row); never larger than its own pixels.
            scale = PROJECTOR_SCALE if on else 1.0
            width_px = int(round(self._figure.get_figwidth() * self._base_dpi * scale))
            height_px = int(round(self._figure.get_figheight() * self._base_dpi * scale))
            reserve = "150px" if on or self._status_beside else "230px"
            # align_self: not stretched to the column's width, so the width follows the height.
            _set_layout(self._image, width="auto", height="auto", max_width=f"min(100%, {width_px}px)",
                        max_height=f"min({height_px}px, calc(100vh - {reserve}))", object_fit="contain",
                        align_self="flex-start")

    # -- updating ---------------------------------------------------------------------------------

    def _simulate(self, scenario: Scenario) -> Result:
        """Simulate, or reuse one of the last few runs that simulated identically.

        Learners compare by moving a slider back and forth, and voluntary rates that get the same
        descending command (one 2 Hz calibration step, or anything above the motoneuron's maximum)
        give the same run (:func:`simlib.simulate.simulation_key`): those moves need no new
        simulation. The Result is relabelled with ``scenario``.
        """
        t0 = time.perf_counter()
        key = simulation_key(scenario)
        res = self._recent.pop(key, None)
        if res is None:
            res = simulate(scenario, output_dt_s=self._output_dt_s)
        elif res.scenario != scenario:
            res = replace(res, scenario=scenario)
        self._recent[key] = res
        while len(self._recent) > _RECENT_RUNS:
            self._recent.popitem(last=False)
        self.timings["simulate_ms"] = 1e3 * (time.perf_counter() - t0)
        return res

    def _apply(self, make: Callable[[], Scenario]) -> bool:
        """Make, simulate and show a new Scenario; on ParameterError/SimulationError show the message."""
        try:
            scenario = make()
            result = self._simulate(scenario)
            t0 = time.perf_counter()
            metrics = result.metrics()
            self.timings["metrics_ms"] = 1e3 * (time.perf_counter() - t0)
        except (ParameterError, SimulationError) as exc:
            self._set_error(str(exc))
            self._sync_controls()
            return False
        self._scenario, self._result, self._metrics = scenario, result, metrics
        self._set_error("")
        self._sync_controls()
        self._show()
        return True

    def _set_error(self, message: str) -> None:
        self._error_message = message
        self._error.value = (
            f'<div role="alert" style="color:#9A3600;border-left:4px solid #D55E00;padding:2px 8px">'
            f"<b>Not possible:</b> {html.escape(message)}</div>" if message else ""
        )

    def _sync_controls(self) -> None:
        """Move every control to the current Scenario without triggering simulations."""
        self._syncing = True
        try:
            for field, control in self.controls.items():
                limits = self._slider_range(field)
                target = control.slider if isinstance(control, OptionalSlider) else control
                if "high" in limits and target.max != limits["high"]:
                    target.max = limits["high"]
                if "step" in limits and target.step != limits["step"]:
                    target.step = limits["step"]
                    target.readout_format = _readout_format(limits["step"])
                value = getattr(self._scenario, field)
                if control.value != value:
                    control.value = value
        finally:
            self._syncing = False
        active = self.active_preset
        for preset, button in self.preset_buttons.items():
            button.button_style = "info" if preset == active else ""

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

    def _show(self) -> None:
        """Update lines, classification and canvas from the current Result."""
        t0 = time.perf_counter()
        plotting.update_plot(self._axes, self._result)
        self._hold_limits()
        t1 = time.perf_counter()
        self.timings["update_ms"] = 1e3 * (t1 - t0)
        m = self._metrics
        title, explanation = CLASSIFICATION_WORDS.get(m.classification, (m.classification.capitalize(), ""))
        self._status.value = (
            '<div role="status" aria-live="polite" style="border-left:4px solid #0072B2;padding:2px 8px">'
            f"<b>{html.escape(title)}</b> \N{EM DASH} {html.escape(explanation)}<br>"
            f"<small>Drive: {html.escape(_drive_text(self._scenario))}. {html.escape(_metrics_text(m))}</small></div>"
        )
        labeller = getattr(self, "_labeller", None)
        if labeller is not None:
            labeller.alt_text = self.alt_text()
        self._render()

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
            self._image.value = _encode(canvas, self._image.format)
        self.timings["draw_ms"] = 1e3 * (t1 - t0)
        self.timings["encode_ms"] = 1e3 * (time.perf_counter() - t1)

    def _export_stem(self, folder: Path) -> str:
        preset = self.active_preset or "custom"
        stem = f"{self.name}_{preset}_{dt.datetime.now():%Y%m%d-%H%M%S}"
        candidate, n = stem, 1
        while any(folder.glob(candidate + ".*")):
            n += 1
            candidate = f"{stem}_{n}"
        return candidate

    # -- callbacks (never raise into the widget machinery: show the problem instead) ---------------

    def _guarded(self, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as exc:  # a callback must not fail silently in the browser's log
            self._set_error(f"unexpected error ({type(exc).__name__}: {exc}); please report it.")

    def _control_callback(self, field: str) -> Callable[[Mapping[str, Any]], None]:
        def on_change(change: Mapping[str, Any]) -> None:
            if self._syncing:
                return
            value = change["new"]
            if isinstance(value, float):
                value = round(value, 9)  # browsers send 0.7500000000000001 for 0.3 + 9 x 0.05
            self._guarded(lambda: self._apply(lambda: self._scenario.replace(**{field: value})))

        return on_change

    def _preset_callback(self, preset: str) -> Callable[[ipw.Button], None]:
        def on_click(_button: ipw.Button) -> None:
            self._guarded(lambda: self.apply_preset(preset))

        return on_click

    def _export_callback(self, _button: ipw.Button) -> None:
        refusal = self._export_limiter.refusal() if self.app_mode else ""
        if refusal:  # the links of the last export stay
            self._set_export_message(refusal, getattr(self, "_export_links", ""))
            return
        try:
            if self.app_mode:  # a shared app: nothing stays on the server, no server path is shown
                with tempfile.TemporaryDirectory(prefix="msl-export-") as folder:
                    files = [(p.name, p.read_bytes()) for p in self.export(folder)]
            else:
                written = self.export()
                files = [(p.name, p.read_bytes()) for p in written]
        except ImportError as exc:
            self._set_export_message(f"Export is not available in this installation ({exc}).")
            return
        except Exception as exc:
            self._set_export_message(f"Export failed: {type(exc).__name__}: {exc}")
            return
        if not files:
            self._set_export_message("Nothing was written.")
        elif self.app_mode:
            self._set_export_message("Your figure and its caption are ready:", download_links(files))
        else:
            shown = []
            for path in written:
                try:
                    shown.append(str(path.resolve().relative_to(Path.cwd().resolve())))
                except ValueError:
                    shown.append(str(path))
            self._set_export_message("Saved " + ", ".join(shown) + ".", download_links(files))

    def _set_export_message(self, message: str, links: str = "") -> None:
        """Show the export message (plain text, kept in :attr:`export_text`) and any download links (HTML)."""
        self._export_message, self._export_links = message, links
        self._export_status.value = (f'<span role="status" aria-live="polite">{html.escape(message)}</span>'
                                     + (f" {links}" if links else ""))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Display the explorer's widget when the Explorer is a cell's value."""
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"Explorer(fields={list(self._fields)!r}, scenario={self._scenario!r}, panels={list(self._panels)!r})"


#: gids of the artists that :func:`simlib.plotting.update_plot` changes (drawn on every blit);
#: spike rows by origin have gids "origin:<origin>".
def _set_layout(widget: ipw.DOMWidget, **css: str) -> None:
    """Set layout (CSS) properties of a widget in place, sending only those that change."""
    for key, value in css.items():
        if getattr(widget.layout, key) != value:
            setattr(widget.layout, key, value)


def _image_format() -> str:
    """Format of the image widget: JPEG (see :func:`_encode`)."""
    return "jpeg"


def _encode(canvas: FigureCanvasAgg, fmt: str) -> bytes:
    """Encode the canvas's current buffer for the image widget (it is re-sent on every change).

    JPEG at quality 88 (4:2:0 chroma): it encodes several times faster than lossless WebP or PNG
    and decodes fast in the browser. Measured in Chromium (benchmarks/browser_latency.py, idle
    2-core machine), against quality 95 at 4:4:4: Spasm explorer image 79 against 122 kB, key press
    to new pixels median 82 against 85 ms in JupyterLab; lesson 01's explorer 67 against 78 ms. At
    twice the size, thin coloured lines keep their colour. ``"png"`` and ``"webp"`` remain available
    (lossless, fast settings).
    """
    from PIL import Image

    buffer = canvas.buffer_rgba()
    height, width = buffer.shape[:2]
    image = Image.frombuffer("RGBA", (width, height), buffer, "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    if fmt == "jpeg":
        image.save(out, format="jpeg", quality=88)  # Pillow's default 4:2:0 chroma subsampling
    elif fmt == "webp":
        image.save(out, format="webp", lossless=True, method=0, quality=0)
    else:
        image.save(out, format="png", compress_level=1)
    return out.getvalue()


def explore(
    fields: Sequence[str] | str, scenario: Scenario | None = None, panels: Sequence[str] | None = None,
    **options: Any,
) -> Explorer:
    """Build an :class:`Explorer` for a lesson: controls for ``fields``, the figure, the classification.

    Parameters
    ----------
    fields : str or sequence of str
        Scenario fields that get a control, e.g. ``["rate_hz", "ca_mM"]``.
    scenario : Scenario, optional
        Starting scenario (healthy default when None).
    panels : sequence of str, optional
        Panels from :data:`PANELS`; all five when None.
    **options
        Further keyword arguments of :class:`Explorer` (``presets``, ``output_dt_s``, ``figsize``,
        ``canvas``, ``name``).

    Returns
    -------
    Explorer
        Display it as a cell's last value, or display ``.widget``.
    """
    return Explorer(fields, scenario, panels, **options)


def spasm_fields() -> tuple[str, ...]:
    """Every Scenario field except the run's timing (drive start, drive length, run length).

    New fields declared in :data:`simlib.parameters.SCENARIO_PARAMS` are included automatically.
    """
    return tuple(p.name for p in SCENARIO_PARAMS if p.name not in _TIMING_FIELDS)


def spasm_explorer(scenario: Scenario | None = None, **options: Any) -> Explorer:
    """Build the Spasm explorer: a control for every setting, every preset, the whole chain.

    Parameters
    ----------
    scenario : Scenario, optional
        Starting scenario (healthy default when None).
    **options
        Further keyword arguments of :class:`Explorer` (``panels``, ``output_dt_s``, ``figsize``,
        ``canvas``).

    Returns
    -------
    Explorer
        Display ``.widget`` (or the Explorer itself).
    """
    options.setdefault("presets", True)
    options.setdefault("name", "spasm_explorer")
    return Explorer(spasm_fields(), scenario, **options)
