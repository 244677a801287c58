"""The explorer's view: controls, presets, classification, error area, figure, export and projector mode.

:class:`Explorer` draws what its :class:`~simlib.widgets.state.ExplorerState` holds and turns every
control, preset click and :meth:`Explorer.set` into a change of that state. The figure half
(layout freezing, held y limits, blitting) is its base class :class:`~simlib.widgets.figure.BlittedFigure`;
the words (caption, alt text, status line) are in :mod:`simlib.widgets.captions`.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

import simlib.widgets.captions as captions
import simlib.widgets.layout as layout
from simlib.a11y import SliderLabeller
from simlib.downloads import ExportLimiter, in_voila
from simlib.errors import ParameterError
from simlib.metrics import Metrics
from simlib.presets import PRESET_INFO, PRESETS
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.validation import unknown_name_message
from simlib.widgets.callbacks import GuardedCallbacks
from simlib.widgets.controls import OptionalSlider, readout_format, slider_for
from simlib.widgets.encoding import IMAGE_FORMAT
from simlib.widgets.export import export_explorer_figure, export_traces, offer_export
from simlib.widgets.figure import PANELS, PROJECTOR_SCALE, BlittedFigure
from simlib.widgets.state import ExplorerState, field_param, preset_scenario

__all__ = ["Explorer"]


class Explorer(BlittedFigure, GuardedCallbacks):
    """Controls, presets, classification and a live figure for one Scenario.

    Every change (a control, :meth:`set`, a preset) makes a new validated Scenario, simulates it on
    the main thread, updates the existing figure in place with :func:`simlib.plotting.update_plot`
    and shows the classification in words. Invalid values are reported in the error area (the
    message of :class:`simlib.ParameterError`) instead of raising, and the controls return to the
    last valid Scenario. What is shown (scenario, runs, metrics) is held by :attr:`state`, an
    :class:`~simlib.widgets.state.ExplorerState`; the Explorer only draws it.

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
    state : simlib.widgets.state.ExplorerState
        The Scenario shown, its Result and Metrics, and the recent runs (by exact Scenario).
    widget : ipywidgets.VBox
        The whole explorer; display it (it is also shown when the Explorer is a cell's last value).
    controls : dict of str to ipywidgets.DOMWidget
        The control of each field, by field name.
    preset_buttons : dict of str to ipywidgets.Button
        The button of each preset, by preset name.
    export_button : ipywidgets.Button
        Saves the current figure with a caption into ``exports/`` (see :meth:`export`) and offers
        both files as browser downloads; in app mode, only offers the downloads.
    export_traces_button : ipywidgets.Button
        Saves the traces shown as CSV (see :meth:`export_traces`), likewise.
    projector_toggle : ipywidgets.ToggleButton
        Switches projector mode (larger figure, controls below it) on and off.
    app_mode : bool
        Whether Export behaves as in a shared app (see the ``app_mode`` parameter).
    timings : dict of str to float
        Milliseconds spent in the last update (one dict with :attr:`state`): ``simulate_ms``,
        ``metrics_ms``, ``update_ms`` (lines and limits), ``draw_ms`` (canvas redrawn) and ``encode_ms``
        (image for the image widget).
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
        self._fields, panels, names = _checked_options(fields, panels, presets, canvas, self._panel_table)
        self.name = name
        self.app_mode = in_voila() if app_mode is None else bool(app_mode)
        self._export_limiter = ExportLimiter()
        self._syncing = False
        self._projector = bool(projector)
        self.state = self._make_state(scenario, output_dt_s)
        self.timings = self.state.timings
        # The figure is drawn first from the healthy default, whose y ranges the trace axes keep.
        self._init_figure(panels, figsize, use_ipympl=canvas == "ipympl", reference=self.state.reference,
                          projector=self._projector)
        self.controls: dict[str, ipw.DOMWidget] = {}
        for field in self._fields:
            control = self._make_control(field)
            control.observe(self._control_callback(field), "value")
            self.controls[field] = control
        self.preset_buttons = {preset: self._preset_button(preset) for preset in names}
        self._status = _html_box("msl-classification")
        self._error = _html_box("msl-error")
        where = "as a download" if self.app_mode else "into exports/ and as a download"
        self.export_button = ipw.Button(description="Export figure", icon="download",
                                        tooltip=f"Save the figure as it is now, with a caption, {where}")
        self.export_button.add_class("msl-export")
        self.export_button.on_click(self._export_callback)
        self.export_traces_button = ipw.Button(description="Export traces (CSV)", icon="table",
                                               tooltip=f"Save the traces shown (time, force, ...) as CSV, {where}")
        self.export_traces_button.add_class("msl-export-traces")
        self.export_traces_button.on_click(self._export_traces_callback)
        self._export_status = ipw.HTML()
        self._export_status.add_class("msl-export-status")
        self.projector_toggle = ipw.ToggleButton(
            value=self._projector, description="Projector", icon="expand",
            tooltip="Projector mode: a larger, sharper figure first, the controls beside or below it")
        self.projector_toggle.add_class("msl-projector")
        self.projector_toggle.observe(lambda change: self._guarded(lambda: self.set_projector(change["new"])),
                                      "value")
        self.widget = self._layout(self._figure_widget_for(canvas))
        self._sync_controls()
        self._show()

    # -- public API -------------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        """The Scenario shown now (the last valid one)."""
        return self.state.scenario

    @property
    def result(self) -> Result:
        """The Result of :attr:`scenario` (its own run)."""
        return self.state.result

    @property
    def metrics(self) -> Metrics:
        """The Metrics of :attr:`result`."""
        return self.state.metrics

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
        m = self.metrics
        return f"{captions.classification_sentence(m.classification)} {captions.metrics_text(m)}"

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
        return self.state.active_preset

    @property
    def projector(self) -> bool:
        """Whether projector mode is on (see :meth:`set_projector`)."""
        return self._projector

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
        return self._apply(lambda: self.scenario.replace(**values))

    def apply_preset(self, name: str) -> bool:
        """Show the preset ``name`` of :data:`simlib.PRESETS` (e.g. ``"hypocalcaemia"``), as its button does.

        Returns True on success, False if the error area shows why not (an unknown name, with a
        suggestion); see :meth:`simlib.widgets.state.ExplorerState.apply_preset`.
        """
        return self._apply(lambda: preset_scenario(name, self.scenario.motor_units))

    def _make_control(self, field: str) -> ipw.DOMWidget:
        """Make the control of ``field`` from its metadata (:func:`slider_for`), at the current value."""
        return slider_for(field, getattr(self.scenario, field), **self.state.control_range(field))

    def _make_state(self, scenario: Scenario | None, output_dt_s: float) -> ExplorerState:
        """Make the state this view draws (a subclass may hold, and run, more than an ExplorerState)."""
        return ExplorerState(scenario, output_dt_s=output_dt_s)

    def caption(self) -> str:
        """Caption of the current figure: classification, drive and the settings that differ from healthy."""
        return captions.caption(self.state)

    def alt_text(self) -> str:
        """Describe the current figure in words (generated alternative text)."""
        return captions.alt_text(self.state, self._panels)

    def export(self, directory: str | os.PathLike[str] | None = None, *, formats: Sequence[str] = ("png",),
               dpi: int = 300) -> list[Path]:
        """Save the current figure with its caption, as the Export button does, then redraw the screen.

        Writes into ``directory`` (``exports/`` in the working directory, next to the notebook, by
        default), in ``formats`` at ``dpi`` dots per inch, and returns the files written; see
        :func:`simlib.widgets.export.export_explorer_figure` (which raises ParameterError for a
        request that :func:`simlib.figures.export_figure` rejects, e.g. an unknown format).
        """
        try:
            return export_explorer_figure(self._figure, self.state, self._panels, name=self.name,
                                          directory=directory, formats=formats, dpi=dpi,
                                          caption=self.caption(), alt_text=self.alt_text())
        finally:
            # Saving drew the figure with another renderer: redraw the screen from scratch.
            self._background = None
            self._render(full=True)

    def export_traces(self, directory: str | os.PathLike[str] | None = None) -> Path:
        """Save the traces shown as CSV, as the "Export traces (CSV)" button does; return the file.

        Columns: time (s), then one per trace panel shown (endplate depolarisation, membrane
        potential, free Ca²⁺, force; :data:`simlib.widgets.export.TRACE_COLUMNS`). Written atomically
        into ``directory`` (``exports/`` by default), named like the figure exports.
        """
        return export_traces([("", self.result)], self._panels, name=self.name, preset=self.active_preset,
                             directory=directory)

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
            self._set_scale(PROJECTOR_SCALE if on else 1.0)
            self._render(full=True)
        if self.projector_toggle.value != on:
            self.projector_toggle.value = on
        self._apply_layout()

    # -- construction helpers ---------------------------------------------------------------------

    def _preset_button(self, preset: str) -> ipw.Button:
        button = ipw.Button(description=captions.preset_label(preset), tooltip=PRESET_INFO[preset].description,
                            layout=ipw.Layout(width="auto"))
        button.add_class("msl-preset")
        button.add_class(f"msl-preset-{preset}")
        button.on_click(self._preset_callback(preset))
        return button

    def _figure_widget_for(self, canvas: str) -> ipw.DOMWidget:
        """Make the widget that shows the figure: the ipympl canvas, or an image widget (``self._image``)."""
        if self._use_ipympl:
            self._configure_ipympl()
            widget: ipw.DOMWidget = self._figure.canvas
        else:
            self._image = widget = ipw.Image(format=IMAGE_FORMAT, layout=ipw.Layout())
        widget.add_class("msl-figure")
        return widget

    def _layout(self, figure_widget: ipw.DOMWidget) -> ipw.VBox:
        """Put the controls in a scrolling column beside the figure (see the class Notes)."""
        column = layout.control_column(self._fields, self.controls, self.preset_buttons)
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
        tools = ipw.HBox([self.export_button, self.export_traces_button, self.projector_toggle, self._export_status],
                         layout=ipw.Layout(align_items="center", flex_flow="row wrap"))
        above = [] if self._status_beside else [self._status, self._error]
        self._view_box = ipw.VBox([*above, figure_widget, tools])
        self._view_box.add_class("msl-view")
        self._body = ipw.HBox([self._controls_box, self._view_box] if column else [self._view_box])
        self._body.add_class("msl-body")
        self._apply_layout()
        # Invisible: names each slider handle after its label, for screen readers (see simlib.a11y).
        units = {p.axis_label(): p.unit for p in map(field_param, self._fields) if p.unit and not p.is_text}
        # It also gives the figure's <img> the generated alt text (kept up to date by _show).
        self._labeller = SliderLabeller(scope=".msl-explorer", units=units, alt_text=self.alt_text())
        box = ipw.VBox([self._body, self._labeller])
        box.add_class("msl-explorer")
        return box

    def _apply_layout(self) -> None:
        """Set the CSS of the body, the two columns and the figure for the current mode."""
        scale = PROJECTOR_SCALE if self._projector else 1.0
        image_px = (int(round(self._figure.get_figwidth() * self._base_dpi * scale)),
                    int(round(self._figure.get_figheight() * self._base_dpi * scale)))
        layout.place(self._body, self._controls_box, self._view_box, self._image, projector=self._projector,
                     image_px=image_px, status_beside=self._status_beside)

    # -- updating ---------------------------------------------------------------------------------

    def _apply(self, make: Callable[[], Scenario]) -> bool:
        """Make, simulate and show a new Scenario; on ParameterError/SimulationError show the message."""
        return self._after_change(self.state.apply(make))

    def _after_change(self, ok: bool) -> bool:
        """Show the state after a change: the new run if ``ok``, else the message (controls back)."""
        self._set_error(self.state.error)
        self._sync_controls()
        if ok:
            self._show()
        return ok

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
                limits = self.state.control_range(field)
                target = control.slider if isinstance(control, OptionalSlider) else control
                if "high" in limits and target.max != limits["high"]:
                    target.max = limits["high"]
                if "step" in limits and target.step != limits["step"]:
                    target.step = limits["step"]
                    target.readout_format = readout_format(limits["step"])
                value = getattr(self.scenario, field)
                if control.value != value:
                    control.value = value
        finally:
            self._syncing = False
        active = self.active_preset
        for preset, button in self.preset_buttons.items():
            button.button_style = "info" if preset == active else ""

    def _show(self) -> None:
        """Update lines, classification and canvas from the current Result."""
        self._show_result(self.result)
        self._status.value = self._status_html()
        labeller = getattr(self, "_labeller", None)
        if labeller is not None:
            labeller.alt_text = self.alt_text()
        self._render()

    def _status_html(self) -> str:
        """Return the status line shown with the figure (HTML announced politely by screen readers)."""
        return captions.status_html(self.state)

    # -- callbacks (never raise into the widget machinery: show the problem instead) ---------------

    def _control_callback(self, field: str) -> Callable[[Mapping[str, Any]], None]:
        return self._value_callback(lambda value: self._apply(lambda: self.scenario.replace(**{field: value})))

    def _preset_callback(self, preset: str) -> Callable[[ipw.Button], None]:
        def on_click(_button: ipw.Button) -> None:
            self._guarded(lambda: self.apply_preset(preset))

        return on_click

    def _export_callback(self, _button: ipw.Button) -> None:
        self._offer_export(lambda folder: self.export(folder), "Your figure and its caption are ready:")

    def _export_traces_callback(self, _button: ipw.Button) -> None:
        self._offer_export(lambda folder: [self.export_traces(folder)], "Your traces are ready:")

    def _offer_export(self, write: Callable[[str | None], list[Path]], ready: str) -> None:
        """Write files with ``write(folder)`` and offer them as downloads (see :func:`offer_export`)."""
        message, links = offer_export(write, app_mode=self.app_mode, ready=ready, limiter=self._export_limiter)
        self._set_export_message(message, getattr(self, "_export_links", "") if links is None else links)

    def _set_export_message(self, message: str, links: str = "") -> None:
        """Show the export message (plain text, kept in :attr:`export_text`) and any download links (HTML)."""
        self._export_message, self._export_links = message, links
        self._export_status.value = (f'<span role="status" aria-live="polite">{html.escape(message)}</span>'
                                     + (f" {links}" if links else ""))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Display the explorer's widget when the Explorer is a cell's value."""
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"Explorer(fields={list(self._fields)!r}, scenario={self.scenario!r}, panels={list(self._panels)!r})"


def _checked_options(fields: Sequence[str] | str, panels: Sequence[str] | str | None,
                     presets: bool | Sequence[str], canvas: str,
                     known: Mapping[str, object] = PANELS) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """Return the fields, panels and preset names of an Explorer; ParameterError for any unknown one."""
    fields = (fields,) if isinstance(fields, str) else tuple(fields)
    for field in fields:
        field_param(field)
    if len(set(fields)) != len(fields):
        raise ParameterError(f"each field may appear once in an explorer; got {list(fields)}")
    panels = tuple(known) if panels is None else tuple([panels] if isinstance(panels, str) else panels)
    for panel in panels:
        if panel not in known:
            raise ParameterError(unknown_name_message(panel, known, kind="panel"))
    if not panels:
        raise ParameterError(f"an explorer needs at least one panel, from {', '.join(known)}")
    names = list(PRESETS) if presets is True else list(presets or ())
    for preset in names:
        if preset not in PRESETS:
            raise ParameterError(unknown_name_message(preset, PRESETS, kind="preset"))
    if canvas not in ("auto", "ipympl", "image"):
        raise ParameterError(f"'canvas' must be one of 'auto', 'ipympl', 'image'; got {canvas!r}")
    return fields, panels, names


def _html_box(css_class: str) -> ipw.HTML:
    box = ipw.HTML(layout=ipw.Layout(width="100%"))
    box.add_class(css_class)
    return box


