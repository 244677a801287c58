"""simlib.widgets.bench: built headless (Agg) and driven through its controls and buttons, as a learner would."""

from __future__ import annotations

import csv
import datetime

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

ipywidgets = pytest.importorskip("ipywidgets", reason="the widgets need the 'lab' extra (ipywidgets)")

import simlib  # noqa: E402
from simlib import widgets  # noqa: E402
from simlib.experiments import twitch_of  # noqa: E402
from simlib.widgets.bench_view import HELD_TRACES  # noqa: E402
from simlib.widgets.datatable import DataTable  # noqa: E402


class MemoryStore:
    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, object]]] = {}

    def save_table(self, key: str, rows: list[dict[str, object]]) -> None:
        self.tables[key] = [dict(r) for r in rows]

    def load_table(self, key: str) -> list[dict[str, object]]:
        return [dict(r) for r in self.tables.get(key, [])]


@pytest.fixture
def bench(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return widgets.bench(app_mode=False)


def test_public_contract(bench):
    assert isinstance(bench, widgets.Bench) and isinstance(bench.widget, ipywidgets.VBox)
    assert "msl-bench" in bench.widget._dom_classes
    assert "bench" in dir(widgets)
    bundle = bench._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == bench.widget.model_id


def test_every_control_is_named(bench):
    named = [*bench.controls.values(), *bench.cursor_sliders, bench.rows_select, bench.x_column, bench.y_column,
             bench.hold_toggle, bench.upload]
    for control in named:
        parts = (control.checkbox, control.slider) if isinstance(control, widgets.OptionalSlider) else (control,)
        for part in parts:  # an optional condition (isotonic load): its switch and its slider are both named
            assert part.description.strip(), control
    for button in (bench.stimulate_button, bench.record_button, bench.clear_held_button, bench.delete_button,
                   bench.export_table_button, bench.export_traces_button):
        assert button.description.strip() and button.tooltip.strip()


def test_settings_do_not_simulate_until_stimulate(bench):
    first = bench.result
    bench.controls["mode"].value = "paired"
    bench.controls["interval_ms"].value = 25.0
    assert bench.result is first  # a bench runs on request, not on every slider move
    assert bench.controls["interval_ms"].layout.display == ""
    assert bench.controls["rate_hz"].layout.display == "none"
    bench.stimulate_button.click()
    assert bench.error_text == ""
    assert bench.result.protocol == simlib.Protocol.paired(0.025, 0.1)


def test_recorded_values_equal_the_api(bench):
    bench.controls["ca_mM"].value = 1.5
    bench.stimulate_button.click()
    bench.record_button.click()
    row = bench.table.rows[-1]
    tw = simlib.twitch(simlib.Scenario(motor_units=1, ca_mM=1.5))
    assert row["peak_force"] == tw.peak_force and row["time_to_peak_ms"] == tw.contraction_time_ms
    assert row["latent_period_ms"] == tw.latent_period_ms and row["ca_mM"] == 1.5
    assert row["half_relaxation_ms"] == tw.half_relaxation_ms


def test_cursors_read_the_trace(bench):
    res = bench.result
    bench.set_cursors(100.0, 150.0)
    r = bench.cursor_readings()
    assert r["dt_ms"] == pytest.approx(50.0)
    i = int(round(0.15 / (res.t[1] - res.t[0])))
    assert r["force_2"] == pytest.approx(float(res.force[i]), abs=1e-9)
    assert r["d_force"] == pytest.approx(r["force_2"] - r["force_1"])
    assert "v_muscle_1" in r
    assert "150.0 ms" in bench._cursor_html.value and "cursor 2 at 150.0 ms" in bench.alt_text()
    # after a run, cursor 1 sits on the stimulus and cursor 2 on the peak: Δt is the time to peak
    bench.stimulate()
    assert bench.cursor_readings()["dt_ms"] == pytest.approx(bench.measures["time_to_peak_ms"])


def test_hold_keeps_earlier_traces_and_clear_removes_them(bench):
    bench.hold_toggle.value = True
    for interval in (20.0, 40.0, 60.0):
        bench.set(mode="paired", interval_ms=interval)
        bench.stimulate_button.click()
    assert len(bench.held) == 3
    assert "(held)" in bench.alt_text() and "run 4: paired pulses, 60 ms apart" in bench.alt_text()
    labels = [t.get_text() for t in bench._scope.axes[0].get_legend().get_texts()]
    assert labels[0].startswith("run 4") and len(labels) == 4
    for _ in range(HELD_TRACES + 2):
        bench.stimulate()
    assert len(bench.held) == HELD_TRACES
    bench.clear_held_button.click()
    assert bench.held == [] and "(held)" not in bench.alt_text()
    bench.hold_toggle.value = False
    bench.stimulate()
    assert bench.held == []


def test_record_delete_export_and_plot(bench, tmp_path):
    bench.set(mode="paired")
    for interval in (15.0, 30.0, 60.0):
        bench.set(interval_ms=interval)
        bench.stimulate()
        bench.record_button.click()
    assert len(bench.table) == 3 and len(bench.rows_select.options) == 3
    assert bench.x_column.value == "interval_ms" and bench.y_column.value == "peak_force"
    assert "3 recorded points" in bench.plot_alt_text() and "Pulse interval" in bench.plot_alt_text()
    bench.y_column.value = "time_to_peak_ms"  # the learner's choice of column stays when rows change
    bench.record()
    assert bench.y_column.value == "time_to_peak_ms" and "Time to peak (ms) against" in bench.plot_alt_text()
    bench.delete_rows([3])
    bench.rows_select.value = (1,)
    bench.delete_button.click()
    assert [r["interval_ms"] for r in bench.table.rows] == [15.0, 60.0]
    assert "2 recorded rows" in bench._table_html.value
    bench.export_table_button.click()
    files = list((tmp_path / "exports").glob("bench_table_*.csv"))
    assert len(files) == 1 and "Saved exports/bench_table_" in bench._status.value
    assert 'download="' in bench._status.value
    back = DataTable()
    back.read_csv(files[0])
    assert [r["peak_force"] for r in back.rows] == [r["peak_force"] for r in bench.table.rows]
    assert bench.load_table(files[0]) == 2 and len(bench.table) == 4


def test_train_of_four_dose_response_plots_the_ratio(tmp_path, monkeypatch):
    # lesson 12 section 3: a pool bench whose table plots the TOF ratio against the dose of curare
    monkeypatch.chdir(tmp_path)
    fade = widgets.bench(conditions=("receptor_block", "motor_units"), store=MemoryStore(), plot_y="tof_ratio",
                         app_mode=False)
    fade.set(mode="train_of_four", motor_units=120)
    for block in (0.0, 0.75):
        fade.set(receptor_block=block)
        fade.stimulate()
        fade.record()
    assert fade.x_column.value == "receptor_block" and fade.y_column.value == "tof_ratio"
    assert "Train-of-four ratio against ACh receptor block" in fade.plot_alt_text()
    ratios = [r["tof_ratio"] for r in fade.table.rows]
    assert ratios[1] < ratios[0] and all(r["tof_count"] == 4 for r in fade.table.rows)
    with pytest.raises(simlib.ParameterError, match="plot_y.*tof_ratio"):
        widgets.bench(store=MemoryStore(), plot_y="tof_ratoi")


def test_export_traces_writes_current_and_held(bench, tmp_path):
    bench.hold_toggle.value = True
    bench.set(mode="paired", interval_ms=30.0)
    bench.stimulate()
    bench.export_traces_button.click()
    [path] = (tmp_path / "exports").glob("bench_traces_*.csv")
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[0] == "t (s)" and len(header) == 1 + 2 * 2  # two runs: membrane potential and force each
    assert any("force" in h and "run 2" in h for h in header)


def test_upload_adds_rows(bench):
    text = DataTable([{"mode": "single", "peak_force": 0.2}]).csv_text().encode()
    bench.upload.value = ({"name": "t.csv", "type": "text/csv", "size": len(text), "content": memoryview(text),
                           "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)},)
    assert len(bench.table) == 1 and "Added 1 row from t.csv" in bench._status.value


def test_bad_value_shows_an_error_and_changes_nothing(bench):
    before = bench.state.stimulator
    assert bench.set(interval_ms=0.1) is False
    assert "interval_ms" in bench.error_text and bench.state.stimulator == before


def test_store_restores_rows_and_saves_every_change(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = MemoryStore()
    first = widgets.bench(store=store, key="lesson", app_mode=False)
    first.record()
    first.record()
    first.delete_rows([0])
    assert len(store.tables["lesson"]) == 1
    second = widgets.bench(store=store, key="lesson", app_mode=False)  # after a kernel restart
    assert second.table.rows == first.table.rows
    assert "1 recorded rows" in second._table_html.value


def test_bench_saves_to_the_open_lab_book_by_default(tmp_path, monkeypatch):
    from simlib import labbook

    monkeypatch.chdir(tmp_path)
    book = labbook.open_labbook("10-bench", tmp_path)
    try:
        widgets.bench(app_mode=False).record()
        reopened = labbook.open_labbook("10-bench", tmp_path)  # a kernel restart reads the file again
        assert len(reopened.load_table("bench")) == 1
        assert len(widgets.bench(app_mode=False).table.rows) == 1
    finally:
        labbook.close()
    assert book.path.exists()


def test_explorer_exports_the_shown_traces(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ex = widgets.explore(["ca_mM"], panels=["membrane", "force"], app_mode=False)
    ex.export_traces_button.click()
    [path] = (tmp_path / "exports").glob("*.csv")
    assert ex.export_text.startswith("Saved ") and 'href="data:text/csv' in ex._export_status.value
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["t (s)", "muscle membrane potential (mV)", "force (normalised)"]
    assert len(rows) - 1 == ex.result.t.size
    assert float(rows[-1][2]) == pytest.approx(float(ex.result.force[-1]), abs=1e-9)


def test_twitch_of_matches_twitch_run():
    res = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=1.0), output_dt_s=1e-4,
                          protocol=simlib.Protocol.pulses([0.1]))
    assert twitch_of(res, 0.1) == simlib.twitch(simlib.Scenario(motor_units=1))
