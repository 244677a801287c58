"""simlib.widgets: metadata-built controls, the explorers and quick checks, driven headlessly.

The explorers are built with the Agg backend (as with ``MPLBACKEND=Agg``): the figure is then a plain
matplotlib Figure shown through a PNG image widget, and every control is moved by setting its
``value`` exactly as the browser does, so each test exercises the same callbacks a learner triggers.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # as with MPLBACKEND=Agg: no display, no ipympl needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

ipywidgets = pytest.importorskip("ipywidgets", reason="the widgets need the 'lab' extra (ipywidgets)")

from matplotlib.collections import EventCollection  # noqa: E402

import simlib  # noqa: E402
from simlib import plotting, widgets  # noqa: E402
from simlib.parameters import SCENARIO_PARAMS, scenario_param  # noqa: E402
from simlib.widgets import state as explorer_state  # noqa: E402

# A stretch inside the run, so that the stretch settings (time, speed, reflex gain) act on the traces.
BASE = simlib.Scenario(motor_units=1, stretch_at_s=2.0)
SPASM_FIELDS = widgets.spasm_fields()
CLASS_TITLES = tuple(title for title, _ in widgets.CLASSIFICATION_WORDS.values())


def _plotted(ex: widgets.Explorer) -> list[np.ndarray]:
    """Everything the figure shows as data: line y values, spike positions and drive windows."""
    data = []
    for ax in ex.axes:
        data += [np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()]
        data += [np.asarray(c.get_positions(), dtype=float) for c in ax.collections if isinstance(c, EventCollection)]
        data += [np.array([p.get_x(), p.get_width(), p.get_visible()], dtype=float)
                 for p in ax.patches if p.get_gid() == "drive"]
    return data


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def _artists(ex: widgets.Explorer) -> list[object]:
    return [a for ax in ex.axes for a in (*ax.get_lines(), *ax.collections, *ax.patches)]


def _ends(control) -> list[object]:
    """Both ends of a control: the words of a dropdown, min and max of a slider, also None if optional."""
    if isinstance(control, ipywidgets.Dropdown):
        return list(control.options)
    ends = [control.min, control.max]
    return [None, *ends] if isinstance(control, widgets.OptionalSlider) else ends


@pytest.fixture(scope="module")
def spasm() -> widgets.Explorer:
    return widgets.spasm_explorer(scenario=BASE)


@pytest.fixture(autouse=True)
def _close_pyplot_figures():
    yield
    plt.close("all")


# --- slider_for -------------------------------------------------------------------------------------


@pytest.mark.parametrize("param", [p for p in SCENARIO_PARAMS if not p.is_text and not p.optional],
                         ids=lambda p: p.name)
def test_slider_is_built_from_metadata(param):
    slider = widgets.slider_for(param.name)
    assert isinstance(slider, ipywidgets.FloatSlider)
    assert (slider.min, slider.max) == (param.low, param.high)
    assert slider.step == (param.step or (param.high - param.low) / 100)
    assert slider.value == param.default
    assert slider.description == param.axis_label()  # what a screen reader announces, unit included
    assert not slider.continuous_update
    assert param.meaning[1:] in slider.tooltip and param.range_text() in slider.tooltip
    assert f"msl-control-{param.name}" in slider._dom_classes


def test_calcium_slider_reads_label_with_unit():
    slider = widgets.slider_for("ca_mM", 0.75)
    assert slider.description == "Extracellular Ca²⁺ (mM)"
    assert slider.value == 0.75
    assert slider.readout_format == ".2f"


def test_text_field_gets_a_dropdown():
    param = scenario_param("drive")
    dropdown = widgets.slider_for("drive", "stimulation")
    assert isinstance(dropdown, ipywidgets.Dropdown)
    assert tuple(dropdown.options) == param.choices
    assert dropdown.value == "stimulation"
    assert dropdown.description == param.axis_label()


def test_optional_field_gets_checkbox_and_slider():
    control = widgets.slider_for("stretch_at_s", high=3.0)
    assert isinstance(control, widgets.OptionalSlider)
    assert control.value is None and not control.checkbox.value and control.slider.disabled
    control.checkbox.value = True  # the learner ticks the box: the slider's time is used
    assert control.value == control.slider.value and not control.slider.disabled
    control.slider.value = 2.5
    assert control.value == 2.5
    control.value = None  # set programmatically: the parts follow
    assert not control.checkbox.value and control.slider.disabled
    control.value = 1.0
    assert control.checkbox.value and control.slider.value == 1.0
    assert control.max == 3.0


def test_slider_for_rejects_unknown_names_and_bad_values():
    with pytest.raises(simlib.ParameterError, match="did you mean 'rate_hz'"):
        widgets.slider_for("rate")
    with pytest.raises(simlib.ParameterError, match="'ca_mM' must be between 0.3 and 4"):
        widgets.slider_for("ca_mM", 12.0)
    with pytest.raises(simlib.ParameterError, match="slider range"):
        widgets.slider_for("ca_mM", low=0.1)  # may narrow the metadata's range, never widen it
    narrowed = widgets.slider_for("ca_mM", low=0.5, high=2.0, step=0.1)
    assert (narrowed.min, narrowed.max, narrowed.step) == (0.5, 2.0, 0.1)


# --- the Spasm explorer ------------------------------------------------------------------------------


def test_spasm_explorer_has_every_field_and_preset(spasm):
    timing = {"drive_start_s", "drive_s", "duration_s"}  # set by presets; too slow to drag up to 60 s
    pool = {"motor_units", "stimulus_v"}  # the pool explorer has them (lesson 15); a pooled cramp is too slow here
    assert set(spasm.controls) == {p.name for p in SCENARIO_PARAMS} - timing - pool
    assert set(spasm.preset_buttons) == set(simlib.PRESETS)
    for name, button in spasm.preset_buttons.items():
        assert button.tooltip == simlib.PRESET_INFO[name].description
        assert button.description
    assert isinstance(spasm.widget, ipywidgets.VBox)
    assert spasm.error_text == ""
    assert spasm.classification_text.startswith(CLASS_TITLES)
    assert spasm.figure not in [plt.figure(n) for n in plt.get_fignums()], "pyplot must not manage the figure"


@pytest.mark.parametrize("field", SPASM_FIELDS)
def test_every_control_to_both_ends_and_back_updates_the_plot_in_place(spasm, field):
    control = spasm.controls[field]
    start_value = control.value
    start_data, start_text, start_image = _plotted(spasm), spasm.classification_text, spasm._image.value
    assert len(start_image) > 1000 and spasm._image.format == "jpeg"
    artists = _artists(spasm)
    for end in _ends(control):
        if end == control.value:
            continue
        before = _plotted(spasm)
        control.value = end  # as when the learner releases the handle at this end
        assert spasm.error_text == "", f"{field} = {end!r}: {spasm.error_text}"
        assert getattr(spasm.scenario, field) == control.value
        assert not _same(before, _plotted(spasm)), f"moving {field} to {end!r} did not change the plot"
        assert spasm.classification_text.startswith(CLASS_TITLES)
    control.value = start_value
    assert spasm.error_text == ""
    assert _same(start_data, _plotted(spasm)), f"moving {field} back did not restore the plot"
    assert spasm.classification_text == start_text
    assert _artists(spasm) == artists, "the figure must be updated in place, not rebuilt"


def test_low_calcium_without_drive_is_called_tetany_in_words():
    ex = widgets.explore(["rate_hz", "ca_mM"])
    assert ex.classification_text.startswith("Normal")
    ex.controls["rate_hz"].value = 0.0
    ex.controls["ca_mM"].value = 0.75
    assert ex.metrics.classification == "tetany"
    assert ex.classification_text.startswith("Tetany — the peripheral nerve fires by itself")
    assert "Tetany" in ex._status.value and 'aria-live="polite"' in ex._status.value
    assert ex.result.ectopic_spikes.size > 0


@pytest.mark.parametrize("preset", list(simlib.PRESETS))
def test_preset_buttons_apply_presets(spasm, preset):
    spasm.preset_buttons[preset].click()
    expected = simlib.PRESETS[preset].replace(motor_units=1)
    assert spasm.error_text == ""
    assert spasm.scenario == expected
    assert spasm.active_preset == preset
    assert spasm.preset_buttons[preset].button_style == "info"
    assert all(b.button_style == "" for name, b in spasm.preset_buttons.items() if name != preset)
    for field, control in spasm.controls.items():
        value = getattr(expected, field)
        assert control.value == value or (isinstance(control, ipywidgets.FloatSlider) and value > control.max)
    np.testing.assert_array_equal(spasm.axes[-1].get_lines()[0].get_ydata(), spasm.result.force)
    assert spasm.classification_text.startswith(CLASS_TITLES)


@pytest.mark.parametrize(("preset", "title"), [("hypocalcaemia", "Tetany"), ("atp_depletion", "Contracture"),
                                               ("healthy", "Normal"), ("spasticity", "Spasticity"),
                                               ("organophosphate", "Repetitive firing")])
def test_preset_classification_in_words(preset, title):
    ex = widgets.explore(["ca_mM"], presets=[preset])
    assert ex.apply_preset(preset)
    assert ex.classification_text.startswith(title)


def test_moving_a_control_deselects_the_preset(spasm):
    spasm.apply_preset("hypocalcaemia")
    spasm.controls["ca_mM"].value = 1.0
    assert spasm.active_preset is None
    assert all(b.button_style == "" for b in spasm.preset_buttons.values())


# --- errors are shown, not raised ---------------------------------------------------------------------


def test_out_of_range_value_shows_the_parameter_error():
    ex = widgets.explore(["ca_mM"])
    before, scenario = _plotted(ex), ex.scenario
    assert ex.set(ca_mM=12.0) is False
    assert "'ca_mM' must be between 0.3 and 4" in ex.error_text
    assert "mg/dL" in ex.error_text  # the hint from the metadata
    assert 'role="alert"' in ex._error.value
    assert ex.scenario == scenario and _same(before, _plotted(ex))
    assert ex.set(rate=5) is False
    assert "did you mean 'rate_hz'" in ex.error_text
    assert ex.apply_preset("hypocalcemia") is False
    assert "hypocalcaemia" in ex.error_text
    assert ex.set(ca_mM=1.0) is True
    assert ex.error_text == "" and ex._error.value == ""


def test_invalid_combination_from_a_slider_is_explained_and_the_slider_reverts():
    ex = widgets.explore(["drive_start_s", "duration_s"])
    slider = ex.controls["drive_start_s"]
    assert slider.max == ex.scenario.duration_s  # times are capped at the run length
    slider.value = slider.max  # the drive would start when the run ends
    assert "'drive_start_s' must be earlier than 'duration_s'" in ex.error_text
    assert slider.value == ex.scenario.drive_start_s == simlib.Scenario(motor_units=1).drive_start_s
    ex.controls["duration_s"].value = 2.0
    assert ex.error_text == ""
    assert slider.max == 2.0


def test_unexpected_failure_in_a_callback_is_shown_not_raised(monkeypatch):
    ex = widgets.explore(["ca_mM"])

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(explorer_state, "simulate", broken)
    ex.controls["ca_mM"].value = 1.0  # must not raise into the widget machinery
    assert "unexpected error" in ex.error_text and "solver exploded" in ex.error_text


# --- explorer options ---------------------------------------------------------------------------------


def test_panel_subset_and_unknown_panel():
    ex = widgets.explore("rate_hz", panels=["spikes", "force"])
    assert len(ex.axes) == 2
    assert [line.get_gid() for line in ex.axes[1].get_lines() if line.get_gid() != "stretch"] == ["force"]
    ex.set(rate_hz=50.0)
    np.testing.assert_array_equal(ex.axes[1].get_lines()[0].get_ydata(), ex.result.force)
    with pytest.raises(simlib.ParameterError, match="panel"):
        widgets.explore("rate_hz", panels=["forse"])
    with pytest.raises(simlib.ParameterError, match="did you mean"):
        widgets.explore(["rate"])


def test_trace_axes_keep_the_healthy_range_so_changes_are_visible():
    ex = widgets.explore(["ryr_block"], panels=["calcium"])
    healthy_ylim = ex.axes[0].get_ylim()
    ex.set(ryr_block=0.8)  # smaller Ca²⁺ transients: the axis must not shrink to hide that
    assert ex.axes[0].get_ylim() == healthy_ylim
    assert ex.last_redraw == "blit"  # unchanged axes: only the data were redrawn


@pytest.mark.parametrize("panels", [None, ["spikes", "calcium", "force"], ["force"]], ids=str)
def test_labels_and_legend_lie_inside_the_figure_and_the_axes_use_its_width(panels):
    """Nothing is clipped at the figure's edges (the two-line force label was, on the left, and the
    spike raster's legend on the right), and the layout does not squeeze the axes to make room."""
    ex = widgets.explore(["rate_hz"], panels=panels)
    fig = ex.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    parts = [ax.yaxis.label for ax in ex.axes if ax.get_ylabel()] + [ex.axes[-1].xaxis.label]
    parts += [ax.get_legend() for ax in ex.axes if ax.get_legend() is not None]
    for part in parts:
        box = part.get_window_extent(renderer)
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height, (part, box)
    assert len({round(ax.yaxis.label.get_position()[0], 6) for ax in ex.axes}) == 1  # aligned
    assert all(ax.get_window_extent(renderer).width > 0.7 * fig.bbox.width for ax in ex.axes)


def test_explorer_displays_as_its_widget():
    ex = widgets.explore(["ca_mM"])
    bundle = ex._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.widget.model_id


# --- export ------------------------------------------------------------------------------------------


def test_export_button_writes_png_and_caption(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ex = widgets.explore(["ca_mM"], presets=["hypocalcaemia"])
    ex.apply_preset("hypocalcaemia")
    ex.export_button.click()
    assert ex.error_text == ""
    pngs = list((tmp_path / "exports").glob("*.png"))
    assert pngs, ex.export_text
    assert ex.export_text.startswith("Saved ") and "exports/" in ex.export_text
    caption = ex.caption()
    assert "hypocalcaemia" in caption and "Tetany" in caption
    from PIL import Image

    with Image.open(pngs[0]) as image:
        in_png = " ".join(str(v) for v in image.info.values())
    sidecars = [p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "exports").iterdir()
                if p.suffix != ".png"]
    assert any("Tetany" in text for text in [in_png, *sidecars]), "the caption must be saved with the figure"
    ex.export_button.click()  # a second export never overwrites the first
    assert len(list((tmp_path / "exports").glob("*.png"))) == 2


def test_export_offers_the_files_as_browser_downloads(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ex = widgets.explore(["ca_mM"], app_mode=False)
    ex.export_button.click()
    saved = sorted(p.name for p in (tmp_path / "exports").iterdir())
    links = ex._export_status.value
    for name in saved:  # each saved file is also a download link, carrying the file itself
        assert f'download="{name}"' in links
    assert links.count('href="data:') == len(saved) == 2
    assert 'href="data:image/png;base64,' in links


def test_export_in_app_mode_writes_nothing_and_shows_no_server_path(tmp_path, monkeypatch):
    import base64
    import re
    import tempfile

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VOILA_KERNEL_ID", "test-kernel")  # as in a kernel Voilà started
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    ex = widgets.explore(["ca_mM"])
    assert ex.app_mode and "download" in ex.export_button.tooltip
    ex.export_button.click()
    assert not (tmp_path / "exports").exists()
    assert list((tmp_path / "tmp").iterdir()) == []  # the temporary files are gone again
    status = ex._export_status.value
    words = re.sub(r'href="data:[^"]*"', "", status)  # (base64 may spell anything, "/tmp" too)
    assert str(tmp_path) not in words and "exports/" not in words and "/tmp" not in words
    assert ex.export_text == "Your figure and its caption are ready:"
    png = re.search(r'href="data:image/png;base64,([^"]+)"', status).group(1)
    assert base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n"
    caption = re.search(r'href="data:text/plain;base64,([^"]+)"', status).group(1)
    assert "[scenario]" in base64.b64decode(caption).decode("utf-8")
    # a second export at once is refused, with a message (one per 2 s on a shared app)
    ex.export_button.click()
    assert ex.export_text.startswith("One export every 2 s") and "try again in" in ex.export_text
    assert png in ex._export_status.value  # the last export's links stay
    assert ex.error_text == ""


def test_app_mode_caps_the_exports_of_one_visit(monkeypatch):
    from simlib import downloads

    ex = widgets.explore(["ca_mM"], app_mode=True)
    now = [0.0]
    ex._export_limiter = downloads.ExportLimiter(min_interval_s=2.0, limit=2, clock=lambda: now[0])
    for _ in range(2):
        ex.export_button.click()
        assert ex.export_text == "Your figure and its caption are ready:"
        now[0] += 2.5
    ex.export_button.click()
    assert "at most 2 exports per visit" in ex.export_text
    assert ex._export_status.value.count("href=") == 2  # only the last export's two links


def test_a_failed_export_says_why_and_the_explorer_goes_on(tmp_path, monkeypatch):
    import simlib.figures

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(simlib.figures, "export_figure", full_disk)
    ex = widgets.explore(["ca_mM"])
    ex.export_button.click()
    assert ex.export_text.startswith("Export failed: OSError") and "No space left" in ex.export_text
    assert ex.last_redraw == "full"  # the screen is redrawn after the (failed) save all the same
    ex.set(ca_mM=1.0)  # still works afterwards
    assert ex.error_text == "" and ex.last_redraw == "blit"


def test_latency_benchmark_runs():
    """Smoke test of benchmarks/widget_latency.py (no timing assertions: benchmarks are not tests)."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "widget_latency.py"
    spec = importlib.util.spec_from_file_location("widget_latency", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.measure_slider_latency(n_moves=2, seed=1, warmup=0, with_ipympl=False)
    assert result["n_moves"] == 2 and len(result["moves"]) == 2 and result["errors"] == 0
    for key in ("update", "full_draw"):
        assert 0 < result[key]["median_ms"] <= result[key]["max_ms"]
    assert set(result["breakdown_median_ms"]) == {"simulate", "metrics", "lines", "draw", "encode", "full_draw"}


def test_every_name_of_the_former_module_is_still_importable():
    names = ("CLASSIFICATION_WORDS", "CONTROL_GROUPS", "PANELS", "PROJECTOR_SCALE", "VOLUNTARY_RATE_STEP_HZ",
             "Explorer", "OptionalSlider", "QuickCheck", "SliderLabeller", "classification_sentence", "explore",
             "quick_check", "slider_for", "spasm_explorer", "spasm_fields")
    assert set(names) <= set(widgets.__all__) <= set(dir(widgets))
    assert all(getattr(widgets, name) is not None for name in widgets.__all__)
    with pytest.raises(AttributeError, match="no attribute 'simulation_key'"):
        widgets.simulation_key  # noqa: B018 - the explorers no longer share runs between scenarios


def test_import_simlib_does_not_import_widgets():
    code = "import sys, simlib; print('simlib.widgets' in sys.modules, 'ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# The explorers of lessons 01-06 (fields as in the notebooks): every control to both ends and back.
LESSON_EXPLORERS = (
    ("receptor_block", "ache_activity", "rate_hz"),
    ("ca_mM", "mg_mM", "release_block"),
    ("rate_hz", "temperature_c"),
    ("atp_mM", "ryr_block", "rate_hz"),
    ("rate_hz", "ca_mM", "mg_mM", "k_mM", "na_mM"),
    ("fatigue", "pic_gain", "rate_hz"),
    ("reflex_gain", "stretch_velocity_deg_s", "stretch_at_s"),
    ("ache_activity", "release_block", "receptor_block", "ryr_block"),
)


@pytest.mark.parametrize("fields", LESSON_EXPLORERS, ids="-".join)
def test_lesson_explorer_controls_to_both_ends_and_back(fields):
    ex = widgets.explore(list(fields), scenario=BASE)
    start = _plotted(ex)
    for field in fields:
        control = ex.controls[field]
        start_value = control.value
        changed = False
        for end in _ends(control):
            if end == control.value:
                continue
            before = _plotted(ex)
            control.value = end
            assert ex.error_text == "", f"{field} = {end!r}: {ex.error_text}"
            changed = changed or not _same(before, _plotted(ex))
        assert changed, f"moving {field} to its ends never changed the plot"
        control.value = start_value
        assert ex.error_text == ""
    assert _same(start, _plotted(ex))


def test_stimulation_spikes_appear_in_the_nerve_row():
    res = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", duration_s=1.5))
    fig, ax = plt.subplots()
    plotting.plot_spike_raster(res, ax)
    row = next(c for c in ax.collections if c.get_gid() == "motoneuron_spikes")
    assert len(row.get_positions()) == 20
    plt.close(fig)


def test_moves_back_to_an_earlier_setting_reuse_its_run(monkeypatch):
    from simlib.stages.drive import max_voluntary_rate_hz

    ex = widgets.explore(["rate_hz", "ca_mM"])
    runs = []
    original = explorer_state.simulate
    monkeypatch.setattr(explorer_state, "simulate", lambda *a, **k: runs.append(a[0]) or original(*a, **k))
    top = max_voluntary_rate_hz(1.0)
    ex.controls["rate_hz"].value = float(round(top + 20.0))
    assert len(runs) == 1
    # Runs are cached by their exact Scenario: another rate is its own run (never a relabelled one),
    # even where it simulates identically (every voluntary rate above the motoneuron's maximum).
    ex.controls["rate_hz"].value = float(round(top + 50.0))
    assert len(runs) == 2
    assert ex.result.scenario == ex.scenario and ex.result.scenario.rate_hz == float(round(top + 50.0))
    ex.controls["ca_mM"].value = 0.8
    ex.controls["ca_mM"].value = 1.2  # back to where it was
    assert len(runs) == 3
    ex.controls["rate_hz"].value = 20.0  # the healthy default: the explorer drew it at the start
    assert len(runs) == 3
    assert ex.result.scenario == simlib.Scenario(motor_units=1)
    assert ex.metrics.classification == "normal"


# --- classification words, slider steps, layout, projector ---------------------------------------------


def test_every_classification_has_words():
    from simlib.metrics import CLASSIFICATIONS

    assert set(widgets.CLASSIFICATION_WORDS) == set(CLASSIFICATIONS)
    for name in CLASSIFICATIONS:
        title, explanation = widgets.CLASSIFICATION_WORDS[name]
        assert widgets.classification_sentence(name) == f"{title} — {explanation}"
        assert title[0].isupper() and explanation.endswith(".")


def test_voluntary_rate_slider_moves_in_the_steps_the_model_resolves():
    # Every rate of one 1 Hz calibration step gets the same descending command (command_rate_hz);
    # the slider's step is that step, and every stop on it is a different command.
    from simlib.stages.drive import command_rate_hz

    ex = widgets.explore(["drive", "rate_hz"])
    slider = ex.controls["rate_hz"]
    assert slider.step == widgets.VOLUNTARY_RATE_STEP_HZ == 1.0
    assert slider.readout_format == ".0f"
    pic_gain = simlib.Scenario(motor_units=1).pic_gain
    commands = [command_rate_hz(r, pic_gain) for r in np.arange(1.0, 30.0, 1.0)]
    assert len(set(commands)) == len(commands)
    assert command_rate_hz(21.5, pic_gain) == command_rate_hz(22.0, pic_gain)
    # a stimulator fires at exactly the rate asked for: 1 Hz steps
    ex.controls["drive"].value = "stimulation"
    assert slider.step == scenario_param("rate_hz").step == 1.0
    ex.controls["drive"].value = "voluntary"
    assert slider.step == 1.0


def _layouts(ex: widgets.Explorer) -> tuple[object, object, object]:
    return ex._body.layout, ex._controls_box.layout, ex._view_box.layout


def test_controls_sit_beside_the_figure_and_scroll_within_the_page():
    ex = widgets.spasm_explorer()
    body, controls, view = _layouts(ex)
    assert ex._body.children == (ex._controls_box, ex._view_box)
    assert ex._figure_widget in ex._view_box.children and ex._status in ex._view_box.children
    # 360 px of controls + at least 360 px of figure: side by side from ~730 px of page width
    assert controls.flex == "0 1 360px" and view.min_width == "360px" and view.flex == "1 1 0%"
    assert controls.max_height.startswith("calc(100vh") and "auto" in controls.overflow
    # the figure shrinks to the page's height, and never grows beyond its own pixels
    width_px, height_px = (int(v) for v in ex.figure.bbox.size)
    assert ex._image.layout.max_height == f"min({height_px}px, calc(100vh - 230px))"
    assert ex._image.layout.max_width == f"min(100%, {width_px}px)"
    # presets live in the scrolling column; a collapsed "How to use" section comes with the presets
    children = ex._controls_box.children
    assert any("msl-presets" in c._dom_classes for c in children)
    # boxes (preset rows, optional sliders, help) keep their height in the scrolling column
    assert ex.controls["stretch_at_s"] in children
    assert all(c.layout.flex == "0 0 auto" for c in children if isinstance(c, ipywidgets.Box))
    help_box = next(c for c in children if "msl-help" in c._dom_classes)
    assert isinstance(help_box, ipywidgets.Accordion) and help_box.selected_index is None
    assert "Presets" in help_box.children[0].value and "Projector" in help_box.children[0].value
    # the lesson explorers have no presets and no help section; their sentence goes below their few
    # sliders, so the figure can use the page's height
    small = widgets.explore(["rate_hz"])
    assert not any("msl-help" in c._dom_classes for c in small._controls_box.children)
    assert small._status in small._controls_box.children and small._status not in small._view_box.children
    assert small._image.layout.max_height.endswith("calc(100vh - 150px))")


def test_projector_mode_shows_a_larger_sharper_figure_first():
    ex = widgets.explore(["rate_hz", "ca_mM"])
    normal_px = tuple(ex.figure.bbox.size)
    normal_data = _plotted(ex)
    ex.projector_toggle.value = True  # as when the teacher clicks "Projector"
    assert ex.projector and ex.figure.dpi == 100.0 * widgets.PROJECTOR_SCALE
    assert tuple(ex.figure.bbox.size) == pytest.approx(tuple(v * widgets.PROJECTOR_SCALE for v in normal_px))
    _, controls, view = _layouts(ex)
    assert int(view.order) < int(controls.order)  # the figure first
    import io

    from PIL import Image

    with Image.open(io.BytesIO(ex._image.value)) as image:
        assert image.size == tuple(int(round(v)) for v in ex.figure.bbox.size)
    assert "calc(100vh - 150px)" in ex._image.layout.max_height
    ex.set(ca_mM=1.0)  # still updates (and blits) in projector mode
    assert ex.error_text == "" and ex.last_redraw == "blit"
    ex.set(ca_mM=1.2)
    ex.set_projector(False)
    assert not ex.projector_toggle.value and ex.figure.dpi == 100.0
    assert _same(normal_data, _plotted(ex))
    assert widgets.explore(["rate_hz"], projector=True).figure.dpi == 100.0 * widgets.PROJECTOR_SCALE


def test_stretch_marker_and_origin_rows_are_redrawn_on_every_blit():
    ex = widgets.explore(["stretch_at_s"], panels=["spikes", "force"])
    markers = [a for ax in ex.axes for a in (*ax.lines, *ax.collections) if a.get_gid() == "stretch"]
    if not markers:
        pytest.skip("simlib.plotting has no stretch marker (mark_stretch) in this checkout")
    assert all(not m.get_visible() for m in markers)
    ex.set(stretch_at_s=2.0)
    assert all(m.get_visible() for m in markers)
    assert all(m in ex._animated for m in markers)  # part of what a blit draws, not of the cached background


def test_views_shown_before_are_blitted_from_their_cached_background():
    # Presets with other run lengths change the time axis: the first visit draws everything, a
    # return to a view seen before only redraws the data, and the picture is the same as a full draw.
    ex = widgets.spasm_explorer()
    ex.apply_preset("exercise_cramp")  # a 5 s run: new x limits
    assert ex.last_redraw == "full"
    ex.apply_preset("healthy")
    assert ex.last_redraw == "blit"
    ex.apply_preset("exercise_cramp")
    assert ex.last_redraw == "blit"
    blitted = np.array(ex.figure.canvas.buffer_rgba(), copy=True)
    ex._render(full=True)
    np.testing.assert_array_equal(blitted, np.asarray(ex.figure.canvas.buffer_rgba()))


def test_figure_image_gets_the_generated_alt_text():
    # the explorer's labeller (simlib.a11y) sets alt on the figure's <img> from this trait
    ex = widgets.explore(["ca_mM", "rate_hz"])
    assert ex._labeller.alt_text == ex.alt_text() and "classification: normal" in ex._labeller.alt_text
    ex.set(ca_mM=0.75, rate_hz=0.0)
    assert ex._labeller.alt_text == ex.alt_text() and "classification: tetany" in ex._labeller.alt_text
