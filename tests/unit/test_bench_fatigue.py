"""The bench's fatigue-and-recovery mode (issue 21 item 3, PhysioEx exercise 2 activity 5) and its measures.

A fatiguing train, a rest, a test train at the same rate; the row records the fresh and fatigued forces, the
test train's peak and the recovery, measured by one function (:func:`simlib.experiments.fatigue_recovery_of`).
Relations only: other sessions change the model's numbers.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import simlib  # noqa: E402
from simlib.experiments import (  # noqa: E402
    FATIGUE_END_S,
    FATIGUE_FRESH_S,
    FATIGUE_OUTPUT_DT_S,
    fatigue_protocol,
    fatigue_recovery,
    fatigue_recovery_of,
)
from simlib.widgets.bench_state import (  # noqa: E402
    BENCH_CONDITIONS,
    MEASURE_LABELS,
    RELAX_S,
    STIMULUS_AT_S,
    TEST_TRAIN_S,
    BenchState,
    Stimulator,
)

FATIGUE_MEASURES = ("fresh_force", "fatigued_force", "test_force", "recovery_pct")


def test_fatigue_mode_makes_train_rest_test_train():
    stim = Stimulator("fatigue", rate_hz=20.0, fatigue_s=4.0, rest_s=3.0)
    expected = simlib.Protocol.train(20.0, STIMULUS_AT_S, 4.0) + simlib.Protocol.train(
        20.0, STIMULUS_AT_S + 7.0, TEST_TRAIN_S)
    assert stim.protocol() == expected == fatigue_protocol(20.0, 4.0, 3.0, TEST_TRAIN_S, STIMULUS_AT_S)
    assert len(stim.protocol().impulses_s) == 20 * 4 + 20 * int(TEST_TRAIN_S)
    assert stim.duration_s() == pytest.approx(STIMULUS_AT_S + 7.0 + TEST_TRAIN_S + RELAX_S)
    settings = stim.settings()
    assert settings == {"mode": "fatigue", "interval_ms": None, "rate_hz": 20.0, "train_s": None,
                        "fatigue_s": 4.0, "rest_s": 3.0}
    assert Stimulator("train").settings()["rest_s"] is None and Stimulator("single").settings()["fatigue_s"] is None
    assert "rest 3 s" in stim.describe()
    assert stim.output_dt_s(1e-4) == FATIGUE_OUTPUT_DT_S and Stimulator("train").output_dt_s(1e-4) == 1e-4


def test_no_rest_continues_the_train():
    impulses = Stimulator("fatigue", rate_hz=10.0, fatigue_s=2.0, rest_s=0.0).protocol().impulses_s
    assert np.allclose(np.diff(impulses), 0.1)  # one regular train, no doubled pulse where the two meet


@pytest.mark.parametrize(("change", "name"), [({"rest_s": -1.0}, "rest_s"), ({"fatigue_s": 100.0}, "fatigue_s"),
                                              ({"rate_hz": 0.0}, "rate_hz")])
def test_bad_fatigue_settings_are_refused(change, name):
    with pytest.raises(simlib.ParameterError, match=name):
        Stimulator("fatigue", **change)


def test_circulation_is_a_bench_condition():
    assert {"blood_flow", "glycogenolysis"} <= set(BENCH_CONDITIONS)
    assert set(FATIGUE_MEASURES) <= set(MEASURE_LABELS)


def test_recorded_fatigue_row_equals_the_public_api():
    # the row's measures are fatigue_recovery_of of simlib.simulate with the same Protocol, and equal what
    # lesson 14 reads from the trace by hand (peaks of the train's first second, its last half second, the test)
    state = BenchState(conditions=("blood_flow",))
    state.set(mode="fatigue", rate_hz=30.0, fatigue_s=5.0, rest_s=4.0)
    state.run()
    row = state.row()
    assert row["mode"] == "fatigue" and row["rate_hz"] == 30.0 and row["fatigue_s"] == 5.0 and row["rest_s"] == 4.0
    res = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=state.stimulator.duration_s()),
                          output_dt_s=FATIGUE_OUTPUT_DT_S,
                          protocol=state.stimulator.protocol())
    api = fatigue_recovery_of(res, STIMULUS_AT_S, 5.0, 4.0)
    assert [row[k] for k in FATIGUE_MEASURES] == [api.fresh_force, api.fatigued_force, api.test_force,
                                                  api.recovery_pct]
    t, f = res.t, res.force
    start, end = STIMULUS_AT_S, STIMULUS_AT_S + 5.0
    assert row["fresh_force"] == pytest.approx(f[(t >= start) & (t < start + FATIGUE_FRESH_S)].max())
    assert row["fatigued_force"] == pytest.approx(f[(t >= end - FATIGUE_END_S) & (t < end)].max())
    assert row["test_force"] == pytest.approx(f[t >= end + 4.0].max())
    assert row["recovery_pct"] == pytest.approx(100.0 * row["test_force"] / row["fresh_force"])
    assert row["fatigued_force"] < row["fresh_force"]  # it fatigues
    # simlib.experiments.fatigue_recovery runs the same protocol from 0.5 s: the same muscle, the same measures
    direct = fatigue_recovery(simlib.Scenario(motor_units=1), 4.0, rate_hz=30.0, train_s=5.0)
    assert direct.recovery_pct == pytest.approx(row["recovery_pct"], rel=1e-3)


def test_longer_rest_gives_back_more_force_and_poor_circulation_less():
    state = BenchState(conditions=("blood_flow",))
    state.set(mode="fatigue", rate_hz=20.0, fatigue_s=10.0)
    recovery = {}
    for flow, rest in ((1.0, 0.0), (1.0, 10.0), (1.0, 30.0), (0.0, 30.0)):
        state.set(blood_flow=flow, rest_s=rest)
        state.run()
        recovery[flow, rest] = state.measures["recovery_pct"]
    assert recovery[1.0, 0.0] < recovery[1.0, 10.0] < recovery[1.0, 30.0] < 100.0
    assert recovery[0.0, 30.0] < recovery[1.0, 30.0]


def test_fatigue_measures_of_a_blocked_muscle_are_empty():
    state = BenchState(conditions=("receptor_block",))
    state.set(mode="fatigue", fatigue_s=1.0, rest_s=0.0, receptor_block=1.0)
    state.run()
    assert state.measures["fresh_force"] == pytest.approx(0.0, abs=1e-3)
    assert state.measures["recovery_pct"] is None  # no contraction: nothing to recover


@pytest.fixture
def widgets(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets", reason="the widgets need the 'lab' extra (ipywidgets)")
    monkeypatch.chdir(tmp_path)
    from simlib import widgets

    return widgets


def test_fatigue_bench_through_its_controls_plots_recovery_against_rest(widgets):
    # lesson 14: set the fatigue mode, record three rests, the table plots the recovery against the rest
    bench = widgets.bench(conditions=("blood_flow", "glycogenolysis"), plot_y="recovery_pct", store=None,
                          app_mode=False)
    bench.controls["mode"].value = "fatigue"
    for name in ("rate_hz", "fatigue_s", "rest_s"):
        assert bench.controls[name].layout.display == "" and bench.controls[name].description.strip()
    assert bench.controls["train_s"].layout.display == "none" and bench.controls["interval_ms"].layout.display == "none"
    assert {"blood_flow", "glycogenolysis"} <= set(bench.controls)
    bench.controls["fatigue_s"].value = 5.0
    for rest in (0.0, 10.0, 20.0):
        bench.controls["rest_s"].value = rest
        bench.stimulate_button.click()
        assert bench.error_text == "" and bench._running.value == ""  # "Running…" only while it runs
        bench.record_button.click()
    rows = bench.table.rows
    assert [r["rest_s"] for r in rows] == [0.0, 10.0, 20.0] and all(r["fatigue_s"] == 5.0 for r in rows)
    assert bench.x_column.value == "rest_s" and bench.y_column.value == "recovery_pct"
    assert "Recovery (% of the first peak) against Rest (s)" in bench.plot_alt_text()
    assert "Recovery" in bench._measures_html.value and "Test-train peak force" in bench._table_html.value
    xs, ys = bench.table.xy("rest_s", "recovery_pct")
    assert xs == [0.0, 10.0, 20.0] and ys[0] < ys[1] < ys[2]
    assert bench.cursor_sliders[0].step == 10.0  # a 17 s trace: the arrow keys move the cursors by 10 ms
    bench.controls["mode"].value = "single"
    bench.stimulate()
    assert bench.cursor_sliders[0].step == pytest.approx(0.1)


def test_length_and_load_benches_plot_a_measure_against_the_condition(widgets):
    # lesson 13: the table plots peak force against the muscle length, and velocity against the load;
    # the bench's peak force is the active force simlib.length_tension measures (its runs: 1 ms sampling)
    lengths = (0.8, 1.0, 1.3)
    bench = widgets.bench(conditions=("length_rel",), store=None, app_mode=False)
    bench.set(mode="train", rate_hz=100.0, train_s=0.5)
    for length in lengths:
        bench.set(length_rel=length)
        bench.stimulate()
        bench.record()
    assert bench.x_column.value == "length_rel" and bench.y_column.value == "peak_force"
    _, peaks = bench.table.xy("length_rel", "peak_force")
    tension = simlib.length_tension(simlib.Scenario(motor_units=1), list(lengths))
    assert peaks == pytest.approx(list(tension.active), rel=1e-2)
    assert peaks[1] > peaks[0] and peaks[1] > peaks[2]
    lift = widgets.bench(conditions=("load_rel",), plot_y="shortening_velocity", store=None, app_mode=False)
    lift.set(mode="train", rate_hz=100.0, train_s=0.5)
    for load in (0.2, 0.5):
        lift.set(load_rel=load)
        lift.stimulate()
        lift.record()
    assert lift.x_column.value == "load_rel" and lift.y_column.value == "shortening_velocity"
    _, velocities = lift.table.xy("load_rel", "shortening_velocity")
    assert velocities[0] > velocities[1] > 0


def test_bench_starts_in_the_stimulator_setting_it_is_given(widgets):
    bench = widgets.bench(conditions=("blood_flow",), stimulator={"mode": "fatigue", "fatigue_s": 2.0, "rest_s": 1.0},
                          store=None, app_mode=False)
    assert bench.result.protocol == Stimulator("fatigue", fatigue_s=2.0, rest_s=1.0).protocol()
    assert bench.controls["mode"].value == "fatigue" and bench.controls["rest_s"].value == 1.0
    assert bench.controls["rest_s"].layout.display == ""
    with pytest.raises(simlib.ParameterError, match="rest_ss"):
        widgets.bench(stimulator={"rest_ss": 1.0}, store=None, app_mode=False)
