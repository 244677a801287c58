"""The stimulator bench widget: stimulator and conditions, oscilloscope with cursors, data table with its plot.

:func:`bench` builds a :class:`Bench`. It simulates only when asked (the Stimulate button or
:meth:`Bench.stimulate`), as a lab stimulator does; cursor moves and table changes redraw without a
run. What it holds is in :class:`~simlib.widgets.bench_state.BenchState` (settings, last run and its
measures) and :class:`~simlib.widgets.datatable.DataTable` (the recorded rows); the figures are in
:mod:`simlib.widgets.bench_figure`.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as ipw

from simlib import labbook
from simlib.a11y import SliderLabeller
from simlib.downloads import ExportLimiter, in_voila
from simlib.errors import ParameterError, SimulationError
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.validation import unknown_name_message
from simlib.widgets.bench_figure import CURSOR_COLOURS, TRACES, Oscilloscope, TablePlot, value_at
from simlib.widgets.bench_state import (
    BENCH_CONDITIONS,
    MEASURE_LABELS,
    STIMULATOR_PARAMS,
    BenchState,
)
from simlib.widgets.callbacks import GuardedCallbacks
from simlib.widgets.controls import param_control, slider_for
from simlib.widgets.datatable import DataTable, TableStore, format_value
from simlib.widgets.encoding import IMAGE_FORMAT
from simlib.widgets.export import export_traces, offer_export
from simlib.widgets.state import field_param

__all__ = ["HELD_TRACES", "LONG_RUN_S", "Bench", "bench", "column_label"]

#: Earlier runs the plot holds at most (one colour and dash each, with the current run's).
HELD_TRACES = 4
_MODE_OPTIONS = (("Single pulse", "single"), ("Paired pulses", "paired"), ("Train", "train"),
                 ("Train-of-four", "train_of_four"), ("Fatigue and recovery", "fatigue"))
# Which stimulator settings each mode shows.
_MODE_SETTINGS = {"single": (), "paired": ("interval_ms",), "train": ("rate_hz", "train_s"), "train_of_four": (),
                  "fatigue": ("rate_hz", "fatigue_s", "rest_s")}
_SETTINGS = tuple(name for name in STIMULATOR_PARAMS if name != "mode")
#: Runs longer than this (s of muscle time) say "Running…" while they run: a fatigue run takes seconds.
LONG_RUN_S = 5.0
# Cursor step (ms) for the arrow keys: 0.1 ms on a short trace, 10 ms on a long one (a fatigue run).
_FINE_STEP_MS, _COARSE_STEP_MS = 0.1, 10.0


def column_label(name: str) -> str:
    """Return the heading (with unit) of a data-table column: a measure, a stimulator setting or a Scenario field."""
    if name == "run":
        return "Run"
    if name in MEASURE_LABELS:
        return MEASURE_LABELS[name]
    if name in STIMULATOR_PARAMS:
        return STIMULATOR_PARAMS[name].axis_label()
    try:
        return field_param(name).axis_label()
    except ParameterError:
        return name



def bench(scenario: Scenario | None = None, *, conditions: Sequence[str] = BENCH_CONDITIONS,
          store: TableStore | None = None, key: str = "bench", **options: Any) -> Bench:
    """Build a stimulator bench: set the stimulator and the conditions, Stimulate, read, Record data.

    Parameters
    ----------
    scenario : Scenario, optional
        The preparation's starting conditions (healthy default when None).
    conditions : sequence of str, default :data:`simlib.widgets.bench_state.BENCH_CONDITIONS`
        Scenario fields that get a control (electrolytes, temperature, drugs by default).
    store : TableStore, optional
        Keeps the data table between sessions: rows are restored now and saved after every change
        (any object with ``save_table(key, rows)`` and ``load_table(key)``). None: the lab book
        opened in this kernel (:func:`simlib.labbook.current`), if any; else no persistence.
    key : str, default "bench"
        Name of this bench's table in ``store``.
    **options
        Further keyword arguments of :class:`Bench` (``stimulator``, ``name``, ``app_mode``, ``plot_y``).

    Returns
    -------
    Bench
        Display it as a cell's last value, or display ``.widget``.
    """
    if store is None:
        store = labbook.current()
    return Bench(scenario, conditions=conditions, store=store, key=key, **options)


class Bench(GuardedCallbacks):
    """A stimulator bench: stimulator, conditions, oscilloscope with two cursors, measures, data table.

    Parameters
    ----------
    scenario : Scenario, optional
        Starting conditions; the healthy default when None.
    conditions : sequence of str
        Scenario fields that get a control.
    store : TableStore, optional
        Persistence of the data table (see :func:`bench`).
    key : str, default "bench"
        Name of the table in ``store``.
    name : str, default "bench"
        Used in the names of exported files.
    app_mode : bool, optional
        Shared-app behaviour of the exports (files only offered as downloads, nothing kept on the
        server); detected from Voilà's environment when None.
    plot_y : str, default "peak_force"
        The measured value (a key of :data:`~simlib.widgets.bench_state.MEASURE_LABELS`) the table's plot
        shows until the learner picks another, e.g. ``"tof_ratio"`` for a train-of-four dose-response.
    stimulator : mapping of str to object, optional
        Stimulator settings of the first run (keys of :data:`~simlib.widgets.bench_state.STIMULATOR_PARAMS`),
        e.g. ``{"mode": "fatigue", "rest_s": 5}``; the learner changes them with the controls.

    Raises
    ------
    ParameterError
        If ``plot_y`` is not a measured value, a ``stimulator`` setting is unknown or out of range, or as
        :class:`~simlib.widgets.bench_state.BenchState`.

    Attributes
    ----------
    state : simlib.widgets.bench_state.BenchState
        Settings, last run and its measures.
    table : simlib.widgets.datatable.DataTable
        The recorded rows.
    held : list of (str, Result)
        Earlier runs kept on the plot (label, run), oldest first; at most :data:`HELD_TRACES`.
    runs : int
        Runs made so far; run ``n`` is labelled "run n: <stimulator>" on the plot and in the table.
    widget : ipywidgets.VBox
        The whole bench.
    controls : dict of str to ipywidgets.DOMWidget
        The control of each stimulator setting and condition, by name.
    """

    def __init__(self, scenario: Scenario | None = None, *, conditions: Sequence[str] = BENCH_CONDITIONS,
                 store: TableStore | None = None, key: str = "bench", name: str = "bench",
                 app_mode: bool | None = None, plot_y: str = "peak_force",
                 stimulator: Mapping[str, Any] | None = None) -> None:
        if plot_y not in MEASURE_LABELS:
            raise ParameterError("plot_y: " + unknown_name_message(plot_y, MEASURE_LABELS, kind="measured value"))
        self.plot_y = plot_y
        self.state = BenchState(scenario, conditions=conditions)
        if stimulator:
            self.state.stimulator = self.state.stimulator.replace(**dict(stimulator))
        self.table = DataTable(store=store, key=key)
        self.name = name
        self.app_mode = in_voila() if app_mode is None else bool(app_mode)
        self.held: list[tuple[str, Result]] = []
        self.runs = 0
        self._limiter, self._links = ExportLimiter(), ""
        self._auto_axes: dict[str, str | None] = {}
        self._label = ""
        self._syncing = False
        self._scope = Oscilloscope()
        self._plot = TablePlot()
        self._build_controls()
        self._build_readouts()
        self.widget = self._layout()
        self._show_mode()
        self._redraw_table()
        self.stimulate()

    # -- public API -------------------------------------------------------------------------------

    @property
    def result(self) -> Result | None:
        """The last run (None if it failed before any run succeeded)."""
        return self.state.result

    @property
    def measures(self) -> dict[str, object]:
        """The measured values of the last run (see :func:`simlib.widgets.bench_state.measure`)."""
        return dict(self.state.measures)

    @property
    def error_text(self) -> str:
        """Why the last action was refused; empty when it succeeded."""
        return self._error_message

    def set(self, **values: Any) -> bool:
        """Change stimulator settings and conditions by name, as the controls do (no run: see :meth:`stimulate`).

        Returns True when valid; False when the error area says why not (nothing changed).
        """
        try:
            self.state.set(**values)
        except ParameterError as exc:
            self._set_error(str(exc))
            self._sync_controls()
            return False
        self._set_error("")
        self._sync_controls()
        return True

    def stimulate(self) -> bool:
        """Run the current settings; the previous run is held when Hold is on. Returns True on success."""
        previous = (self._label, self.state.result) if self.state.result is not None else None
        long_run = self.state.stimulator.duration_s() > LONG_RUN_S
        if long_run:
            self._running.value = (f'<span role="status" aria-live="polite">Running… '
                                   f'{self.state.stimulator.duration_s():.0f} s of muscle time take a few '
                                   f'seconds to compute.</span>')
            self.stimulate_button.disabled = True
        try:
            self.state.run()
        except (ParameterError, SimulationError) as exc:
            self._set_error(str(exc))
            return False
        finally:
            self.stimulate_button.disabled = False
            self._running.value = ""
        if previous is not None and self.hold_toggle.value:
            self.held = [*self.held, previous][-HELD_TRACES:]
        stimulator = self.state.stimulator
        self.runs += 1
        self._label = f"run {self.runs}: {stimulator.describe()}"
        self._set_error("")
        duration_ms = 1000.0 * self.state.result.t[-1]
        self._syncing = True
        try:
            step = _FINE_STEP_MS if duration_ms <= 1000.0 * LONG_RUN_S else _COARSE_STEP_MS
            for k, slider in enumerate(self.cursor_sliders, start=1):
                slider.max = max(slider.max, duration_ms)
                slider.step = step
                slider.tooltip = f"Time of cursor {k}; arrow keys move it by {step:g} ms"
            c1 = 1000.0 * stimulator.protocol().impulses_s[0]
            self.cursor_sliders[0].value = c1
            self.cursor_sliders[1].value = c1 + (self.state.measures["time_to_peak_ms"] or 0.0)
            for slider in self.cursor_sliders:
                slider.max = duration_ms
        finally:
            self._syncing = False
        self._show_measures()
        self._redraw_scope()
        return True

    def record(self) -> int:
        """Append the last run's settings and measured values to the table; return the row's index."""
        index = self.table.add({"run": self.runs, **self.state.row()})
        self._redraw_table()
        return index

    def delete_rows(self, indices: Sequence[int]) -> int:
        """Delete table rows by index (0 the first); return how many were deleted."""
        n = self.table.delete(indices)
        self._redraw_table()
        return n

    def clear_held(self) -> None:
        """Remove the held traces from the plot."""
        self.held = []
        self._redraw_scope()

    def set_cursors(self, t1_ms: float, t2_ms: float) -> None:
        """Move the cursors to times ``t1_ms`` and ``t2_ms`` (ms from the start of the run; clipped to it)."""
        self.cursor_sliders[0].value, self.cursor_sliders[1].value = float(t1_ms), float(t2_ms)

    def cursor_readings(self) -> dict[str, float]:
        """Return the times (ms) and trace values at both cursors, and their differences.

        Returns
        -------
        dict of str to float
            ``t1_ms``, ``t2_ms``, ``dt_ms``; for each trace (``force``, ``v_muscle``) its value at
            each cursor (``force_1``, ``force_2``) and the difference ``d_force`` (cursor 2 minus 1).
        """
        t1, t2 = (float(s.value) for s in self.cursor_sliders)
        out = {"t1_ms": t1, "t2_ms": t2, "dt_ms": t2 - t1}
        res = self.state.result
        if res is not None:
            for attribute, _, _ in TRACES:
                a, b = value_at(res, attribute, t1 / 1000.0), value_at(res, attribute, t2 / 1000.0)
                out |= {f"{attribute}_1": a, f"{attribute}_2": b, f"d_{attribute}": b - a}
        return out

    def alt_text(self) -> str:
        """Describe the oscilloscope in words (its generated alternative text)."""
        return self._scope.description

    def plot_alt_text(self) -> str:
        """Describe the table plot in words."""
        return self._plot.description

    def export_table(self, directory: str | os.PathLike[str] | None = None) -> Path:
        """Write the data table as CSV into ``directory`` (``exports/`` by default); return the file."""
        folder = Path.cwd() / "exports" if directory is None else Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{self.name}_table_{dt.datetime.now():%Y%m%d-%H%M%S}"
        path, n = folder / f"{stem}.csv", 1
        while path.exists():
            n += 1
            path = folder / f"{stem}_{n}.csv"
        return self.table.to_csv(path, overwrite=False)

    def export_traces(self, directory: str | os.PathLike[str] | None = None) -> Path:
        """Write the shown traces (current and held: time, force, membrane potential) as CSV; return the file."""
        return export_traces(self._shown(), ("membrane", "force"), name=self.name, preset="traces",
                             directory=directory)

    def load_table(self, path: str | os.PathLike[str]) -> int:
        """Append the rows of a CSV file written by :meth:`export_table`; return how many were added."""
        n = self.table.read_csv(path)
        self._redraw_table()
        return n

    # -- construction -----------------------------------------------------------------------------

    def _build_controls(self) -> None:
        stim = self.state.stimulator
        mode = ipw.Dropdown(options=list(_MODE_OPTIONS), value=stim.mode, description="Stimulus mode",
                            tooltip=STIMULATOR_PARAMS["mode"].meaning)
        mode.add_class("msl-control")
        mode.add_class("msl-control-mode")
        self.controls: dict[str, ipw.DOMWidget] = {"mode": mode}
        for name in _SETTINGS:
            self.controls[name] = param_control(STIMULATOR_PARAMS[name], getattr(stim, name))
        for name in self.state.conditions:
            self.controls[name] = slider_for(name, getattr(self.state.scenario, name))
        for name, control in self.controls.items():
            control.observe(self._control_callback(name), "value")
        self.stimulate_button = self._button("Stimulate", "bolt", "Run the stimulator with these settings",
                                             lambda: self.stimulate(), style="primary")
        self.record_button = self._button("Record data", "plus", "Add the settings and measures of this run "
                                          "to the table", self.record)
        self.hold_toggle = ipw.Checkbox(value=False, description="Hold earlier traces", indent=False,
                                        tooltip="Keep the traces of earlier runs on the plot to compare them")
        self.clear_held_button = self._button("Clear held traces", "eraser", "Remove the held traces",
                                              self.clear_held)
        self.cursor_sliders = [
            ipw.FloatSlider(value=0.0, min=0.0, max=1000.0, step=0.1, description=f"Cursor {k} (ms)",
                            continuous_update=False, readout_format=".1f",
                            tooltip=f"Time of cursor {k}; arrow keys move it by 0.1 ms",
                            style={"description_width": "8em"}, layout=ipw.Layout(width="100%"))
            for k in (1, 2)]
        for slider in self.cursor_sliders:
            slider.observe(lambda _c: self._syncing or self._guarded(self._on_cursor), "value")
        self.rows_select = ipw.SelectMultiple(options=[], description="Rows", rows=5,
                                              tooltip="Choose rows (Shift or Ctrl for several), then Delete",
                                              layout=ipw.Layout(width="28em"))
        self.delete_button = self._button("Delete selected rows", "trash", "Delete the chosen rows",
                                          self._delete_selected)
        self.export_table_button = self._button("Export table (CSV)", "download", "Save the table as CSV",
                                                self._export_table_clicked)
        self.export_traces_button = self._button("Export traces (CSV)", "download",
                                                 "Save the traces on the plot as CSV", self._export_traces_clicked)
        self.upload = ipw.FileUpload(accept=".csv", multiple=False, description="Load table (CSV)",
                                     tooltip="Add the rows of a table exported earlier")
        self.upload.observe(lambda _c: self._guarded(self._on_upload), "value")
        self.x_column = ipw.Dropdown(options=[], description="Plot x")
        self.y_column = ipw.Dropdown(options=[], description="Plot y")
        for dropdown in (self.x_column, self.y_column):
            dropdown.observe(lambda _c: self._syncing or self._guarded(self._redraw_plot), "value")

    def _button(self, text: str, icon: str, tooltip: str, action: Callable[[], object],
                style: str = "") -> ipw.Button:
        button = ipw.Button(description=text, icon=icon, tooltip=tooltip, button_style=style,
                            layout=ipw.Layout(width="auto"))
        button.add_class("msl-bench-" + text.lower().split(" (")[0].replace(" ", "-"))
        button.on_click(lambda _b: self._guarded(action))
        return button

    def _build_readouts(self) -> None:
        self._error_message = ""
        self._error = ipw.HTML()
        self._measures_html = ipw.HTML()
        self._cursor_html = ipw.HTML()
        self._table_html = ipw.HTML()
        self._status = ipw.HTML()
        self._running = ipw.HTML()
        self._image = ipw.Image(format=IMAGE_FORMAT, layout=ipw.Layout(width="100%", max_width="800px"))
        self._plot_image = ipw.Image(format=IMAGE_FORMAT, layout=ipw.Layout(width="100%", max_width="500px"))
        for widget, css in ((self._image, "msl-bench-scope"), (self._plot_image, "msl-bench-plot"),
                            (self._table_html, "msl-bench-table"), (self._measures_html, "msl-bench-measures"),
                            (self._cursor_html, "msl-bench-cursors"), (self._status, "msl-bench-status")):
            widget.add_class(css)

    def _layout(self) -> ipw.VBox:
        stim_box = ipw.VBox([ipw.HTML("<b>Stimulator</b>"), *(self.controls[n] for n in STIMULATOR_PARAMS)])
        cond_box = ipw.VBox([ipw.HTML("<b>Preparation</b>"), *(self.controls[n] for n in self.state.conditions)])
        actions = ipw.HBox([self.stimulate_button, self.record_button, self.hold_toggle, self.clear_held_button,
                            self.export_traces_button], layout=ipw.Layout(flex_flow="row wrap", align_items="center"))
        column = ipw.VBox([stim_box, cond_box], layout=ipw.Layout(width="340px", flex="0 0 auto"))
        scope = ipw.VBox([actions, self._running, self._error, self._image, *self.cursor_sliders, self._cursor_html,
                          self._measures_html], layout=ipw.Layout(flex="1 1 auto", min_width="320px"))
        body = ipw.HBox([column, scope], layout=ipw.Layout(flex_flow="row wrap"))
        # The table plot is its own labelled root: its image gets its own alt text (see simlib.a11y).
        self._plot_labeller = SliderLabeller()
        plot_box = ipw.VBox([ipw.HBox([self.x_column, self.y_column]), self._plot_image, self._plot_labeller])
        table_tools = ipw.HBox([self.rows_select, ipw.VBox([self.delete_button, self.export_table_button,
                                                            self.upload])])
        data = ipw.VBox([ipw.HTML("<b>Data table</b>"), self._table_html, table_tools, self._status, plot_box])
        units = {c.axis_label(): c.unit for c in map(field_param, self.state.conditions) if c.unit}
        units |= {STIMULATOR_PARAMS[n].axis_label(): STIMULATOR_PARAMS[n].unit for n in _SETTINGS}
        units |= {"Cursor 1 (ms)": "ms", "Cursor 2 (ms)": "ms"}
        self._labeller = SliderLabeller(scope=".msl-bench", units=units)
        box = ipw.VBox([body, data, self._labeller])
        box.add_class("msl-bench")
        return box

    # -- drawing ----------------------------------------------------------------------------------

    def _shown(self) -> list[tuple[str, Result]]:
        current = [(self._label, self.state.result)] if self.state.result is not None else []
        return current + [(f"{lab} (held)", r) for lab, r in reversed(self.held)]

    def _redraw_scope(self) -> None:
        res = self.state.result
        impulses = res.protocol.impulses_s if res is not None else ()
        cursors = (float(self.cursor_sliders[0].value), float(self.cursor_sliders[1].value))
        self._image.value = self._scope.draw(self._shown(), impulses, cursors)
        self._labeller.alt_text = self._scope.description
        self._show_cursors()

    def _show_cursors(self) -> None:
        r = self.cursor_readings()
        parts = [f"Δt = {r['dt_ms']:.1f} ms"]
        if "force_1" in r:
            parts = [f"Cursor 1: {r['t1_ms']:.1f} ms, force {r['force_1']:.4f}, Vm {r['v_muscle_1']:.1f} mV",
                     f"Cursor 2: {r['t2_ms']:.1f} ms, force {r['force_2']:.4f}, Vm {r['v_muscle_2']:.1f} mV",
                     f"Δt = {r['dt_ms']:.1f} ms, Δforce = {r['d_force']:.4f}, ΔVm = {r['d_v_muscle']:.1f} mV"]
        colours = (*CURSOR_COLOURS, "#000000")
        self._cursor_html.value = ('<div role="status" aria-live="polite">' + "<br>".join(
            f'<span style="color:{c}">{html.escape(p)}</span>' for c, p in zip(colours, parts, strict=False))
            + "</div>")

    def _show_measures(self) -> None:
        items = "".join(f"<tr><th scope='row' style='text-align:left'>{html.escape(MEASURE_LABELS[k])}</th>"
                        f"<td>{html.escape(format_value(v))}</td></tr>"
                        for k, v in self.state.measures.items() if v is not None)
        self._measures_html.value = (f"<table><caption style='text-align:left'><b>Measured: "
                                     f"{html.escape(self._label)}</b></caption>{items}</table>")

    def _redraw_table(self) -> None:
        rows, columns = self.table.rows, self.table.columns
        used = [c for c in columns if any(r.get(c) is not None for r in rows)]
        # Conditions equal in every row are said once, in the caption (the CSV keeps every column).
        same = [c for c in used if len(rows) > 1 and c in self.state.conditions
                and len({repr(r.get(c)) for r in rows}) == 1]
        used = [c for c in used if c not in same]
        note = "; the same in every row: " + ", ".join(f"{column_label(c)} {format_value(rows[0].get(c))}"
                                                       for c in same) if same else ""
        head = "".join(f"<th scope='col'>{html.escape(column_label(c))}</th>" for c in used)
        body = "".join("<tr><td>" + str(i + 1) + "</td>" + "".join(f"<td>{html.escape(format_value(r.get(c)))}</td>"
                                                                    for c in used) + "</tr>"
                       for i, r in enumerate(rows))
        self._table_html.value = (
            "<div style='overflow-x:auto'><table style='border-collapse:collapse' border='1' cellpadding='3'>"
            f"<caption style='text-align:left'>{len(rows)} recorded rows{html.escape(note)}</caption>"
            f"<tr><th scope='col'>Row</th>{head}</tr>{body}</table></div>")
        self.rows_select.options = [(f"Row {i + 1}: run {format_value(r.get('run'))}, {format_value(r.get('mode'))}, "
                                     f"peak force {format_value(r.get('peak_force'))}", i) for i, r in enumerate(rows)]
        numeric = self.table.numeric_columns()
        self._syncing = True
        try:
            for axis, dropdown, default in (("x", self.x_column, _default_x(rows, numeric)),
                                            ("y", self.y_column, self.plot_y)):
                # a column the learner chose stays; one the bench chose follows the data
                keep = dropdown.value if dropdown.value != self._auto_axes.get(axis) else None
                dropdown.options = [(column_label(c), c) for c in numeric]
                choice = keep if keep in numeric else (default if default in numeric else
                                                       (numeric[0] if numeric else None))
                dropdown.value = choice
                if choice != keep:
                    self._auto_axes[axis] = choice
        finally:
            self._syncing = False
        self._redraw_plot()

    def _redraw_plot(self) -> None:
        x, y = self.x_column.value, self.y_column.value
        xs, ys = self.table.xy(x, y) if x and y else ([], [])
        self._plot_image.value = self._plot.draw(xs, ys, column_label(x) if x else "", column_label(y) if y else "")
        self._plot_labeller.alt_text = self._plot.description

    # -- callbacks ----------------------------------------------------------------------------------

    def _set_error(self, message: str) -> None:
        self._error_message = message
        self._error.value = (f'<div role="alert" style="color:#9A3600;border-left:4px solid #D55E00;'
                             f'padding:2px 8px"><b>Not possible:</b> {html.escape(message)}</div>' if message else "")

    def _set_status(self, message: str, links: str = "") -> None:
        self._status.value = (f'<span role="status" aria-live="polite">{html.escape(message)}</span>'
                              + (f" {links}" if links else ""))

    def _control_callback(self, name: str) -> Callable[[Mapping[str, Any]], None]:
        def apply(value: Any) -> None:
            self.set(**{name: value})
            if name == "mode":
                self._show_mode()

        return self._value_callback(apply)

    def _show_mode(self) -> None:
        shown = _MODE_SETTINGS[self.state.stimulator.mode]
        for name in _SETTINGS:
            self.controls[name].layout.display = "" if name in shown else "none"

    def _sync_controls(self) -> None:
        self._syncing = True
        try:
            for name, control in self.controls.items():
                source = self.state.stimulator if name in STIMULATOR_PARAMS else self.state.scenario
                if control.value != getattr(source, name):
                    control.value = getattr(source, name)
        finally:
            self._syncing = False
        self._show_mode()

    def _on_cursor(self) -> None:
        self._redraw_scope()

    def _delete_selected(self) -> None:
        chosen = list(self.rows_select.value)
        n = self.delete_rows(chosen)
        self._set_status(f"Deleted {n} row{'s' if n != 1 else ''}." if n else "Choose rows to delete first.")

    def _offer(self, write: Callable[[str | None], Path], ready: str) -> None:
        message, links = offer_export(lambda folder: [write(folder)], app_mode=self.app_mode, ready=ready,
                                      limiter=self._limiter)
        self._set_status(message, self._links if links is None else links)
        self._links = self._links if links is None else links

    def _export_table_clicked(self) -> None:
        self._offer(self.export_table, "Your table is ready:")

    def _export_traces_clicked(self) -> None:
        self._offer(self.export_traces, "Your traces are ready:")

    def _on_upload(self) -> None:
        files = self.upload.value
        if not files:
            return
        item = files[0]
        content = item["content"]
        data = bytes(content) if not isinstance(content, str) else base64.b64decode(content)
        rows = DataTable.parse_csv(data.decode("utf-8"))
        n = self.table.extend(rows)
        self._redraw_table()
        self._set_status(f"Added {n} row{'s' if n != 1 else ''} from {item.get('name', 'the file')}.")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Display the bench's widget when the Bench is a cell's value."""
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"Bench(stimulator={self.state.stimulator!r}, rows={len(self.table)}, held={len(self.held)})"


def _default_x(rows: Sequence[Mapping[str, object]], numeric: Sequence[str]) -> str:
    """Return the first setting that varies between rows (interval, rate, a condition), for the plot's x axis."""
    settings = [c for c in numeric if c not in MEASURE_LABELS and c != "run"]
    varying = [c for c in settings if len({r.get(c) for r in rows}) > 1]
    return (varying or settings or list(numeric) or [""])[0]

