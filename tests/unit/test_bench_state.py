"""The stimulator bench without widgets: settings → Protocol, the measures, and their equality with the API's.

The model's numbers move while it is developed, so these tests assert relations: the bench's value is
what the public API measures for the same settings, and shapes (paired pulses sum, fast trains fuse).
"""

from __future__ import annotations

import dataclasses
import math
import sys

import numpy as np
import pytest

import simlib
from simlib.experiments import twitch_of
from simlib.metrics import relaxation_between_stimuli, response_amplitudes
from simlib.pool.stimulation import RunMemo
from simlib.widgets.bench_state import (
    BENCH_CONDITIONS,
    MEASURE_LABELS,
    MODES,
    POOL_MEMO_BYTES,
    STIMULUS_AT_S,
    BenchState,
    Stimulator,
    measure,
)


def test_importing_the_state_loads_no_widgets():
    import subprocess

    code = "import simlib.widgets.bench_state, simlib.widgets.datatable, sys; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize(("mode", "impulses"), [
    ("single", (0.1,)), ("paired", (0.1, 0.13)), ("train", tuple(0.1 + 0.05 * i for i in range(10))),
    ("train_of_four", (0.1, 0.6, 1.1, 1.6)),
])
def test_each_mode_makes_its_protocol(mode, impulses):
    stim = Stimulator(mode, interval_ms=30.0, rate_hz=20.0, train_s=0.5)
    assert np.allclose(stim.protocol().impulses_s, impulses)
    assert stim.duration_s() >= max(1.0, impulses[-1] + 0.5)
    settings = stim.settings()
    assert settings["mode"] == mode
    assert (settings["interval_ms"] is not None) == (mode == "paired")
    assert (settings["train_s"] is not None) == (mode == "train")


def test_paired_protocol_is_the_api_protocol():
    assert Stimulator("paired", interval_ms=25.0).protocol() == simlib.Protocol.paired(0.025, STIMULUS_AT_S)
    assert Stimulator("train_of_four").protocol() == simlib.Protocol.train_of_four(STIMULUS_AT_S)


@pytest.mark.parametrize(("change", "words"), [
    ({"mode": "burst"}, "mode"), ({"interval_ms": 0.5}, "interval_ms"), ({"rate_hz": 500.0}, "rate_hz"),
    ({"train_s": -1.0}, "train_s"),
])
def test_bad_stimulator_settings_are_refused_with_their_name(change, words):
    with pytest.raises(simlib.ParameterError, match=words):
        Stimulator().replace(**change)


def test_unknown_setting_and_condition_are_refused():
    state = BenchState()
    with pytest.raises(simlib.ParameterError, match="intensity"):
        state.set(intensity=2.0)  # not a field (yet): refused, never faked
    with pytest.raises(simlib.ParameterError):
        BenchState(conditions=("ca_mm",))
    before = (state.stimulator, state.scenario)
    with pytest.raises(simlib.ParameterError):
        state.set(mode="paired", ca_mM=99.0)
    assert (state.stimulator, state.scenario) == before  # nothing changed


def test_single_pulse_measures_equal_simlib_twitch():
    sc = simlib.Scenario(motor_units=1, ca_mM=1.6, temperature_c=30.0)
    state = BenchState(sc)
    state.run()
    tw = simlib.twitch(sc)
    m = state.measures
    assert m["time_to_peak_ms"] == tw.contraction_time_ms
    assert m["half_relaxation_ms"] == tw.half_relaxation_ms
    assert m["peak_force"] == tw.peak_force
    assert m["latent_period_ms"] == tw.latent_period_ms
    assert 0.0 < m["latent_period_ms"] < m["time_to_peak_ms"]


def test_paired_measures_equal_the_api_run():
    sc = simlib.Scenario(motor_units=1, k_mM=5.0)
    state = BenchState(sc)
    state.set(mode="paired", interval_ms=20.0)
    state.run()
    res = simlib.simulate(state.run_scenario(), output_dt_s=1e-4, protocol=simlib.Protocol.paired(0.02, 0.1))
    tw = twitch_of(res, 0.1)
    assert state.measures["peak_force"] == tw.peak_force
    assert state.measures["time_to_peak_ms"] == tw.contraction_time_ms
    single = BenchState(sc)
    single.run()
    assert state.measures["peak_force"] > single.measures["peak_force"]  # summation
    assert state.measures["latent_period_ms"] == single.measures["latent_period_ms"]  # onset: first pulse


def test_train_measures_ripple_and_fusion():
    state = BenchState()
    state.set(mode="train", rate_hz=80.0, train_s=0.5)
    res = state.run()
    delay = state.measures["latent_period_ms"] / 1000.0
    assert state.measures["relaxation"] == relaxation_between_stimuli(res.t, res.force, res.protocol.impulses_s, delay)
    assert state.measures["fused"] is True
    assert state.measures["peak_force"] == pytest.approx(float(res.force.max() - res.force[0]))
    state.set(rate_hz=5.0)
    state.run()
    assert state.measures["fused"] is False and state.measures["relaxation"] > 0.1


def test_train_peak_matches_force_frequency():
    state = BenchState()
    state.set(mode="train", rate_hz=40.0, train_s=1.0)
    state.run()
    api = simlib.force_frequency(simlib.Scenario(motor_units=1), [40.0])[0]  # 1 s train from 0.1 s, 1 ms samples
    assert state.measures["peak_force"] == pytest.approx(api, rel=2e-3)


def test_train_of_four_ratio_falls_with_curare():
    ratios = []
    for block in (0.0, 0.75):  # the model's junction fails all at once just above 0.75
        state = BenchState(simlib.Scenario(motor_units=1, receptor_block=block))
        state.set(mode="train_of_four")
        res = state.run()
        amplitudes = response_amplitudes(res.t, res.force, res.protocol.impulses_s)
        assert state.measures["tof_ratio"] == pytest.approx(amplitudes[3] / amplitudes[0])
        ratios.append(state.measures["tof_ratio"])
    assert ratios[1] < ratios[0] <= 1.0  # fade (Ali et al. 1970)


def test_no_twitch_gives_empty_measures():
    state = BenchState(simlib.Scenario(motor_units=1, receptor_block=1.0))
    state.run()
    m = state.measures
    assert m["latent_period_ms"] is None and m["time_to_peak_ms"] is None and m["half_relaxation_ms"] is None
    assert m["peak_force"] < 1e-3


def test_row_holds_settings_conditions_and_measures():
    state = BenchState(conditions=("ca_mM", "temperature_c"))
    with pytest.raises(simlib.ParameterError, match="Stimulate"):
        state.row()
    state.set(mode="paired", interval_ms=40.0, ca_mM=1.0)
    state.run()
    state.set(ca_mM=2.0)  # changed after the run: the row keeps what ran
    row = state.row()
    assert row["mode"] == "paired" and row["interval_ms"] == 40.0 and row["ca_mM"] == 1.0
    assert set(MEASURE_LABELS) <= set(row) and "k_mM" not in row


def test_default_conditions_are_scenario_fields():
    assert set(BENCH_CONDITIONS) <= set(simlib.Scenario.field_names())
    assert set(MODES) == {"single", "paired", "train", "train_of_four", "fatigue"}


def test_measure_is_pure():
    state = BenchState()
    res = state.run()
    assert measure(res, state.stimulator) == state.measures
    assert not math.isnan(state.measures["peak_force"])


def test_isotonic_runs_are_measured_as_load_velocity_measures_them():
    # issue 21 item 3: length and load are bench conditions; an isotonic tetanus's shortening is what
    # simlib.load_velocity measures for the same settings (one implementation: simlib.mechanics.shortening_of).
    assert {"length_rel", "load_rel"} <= set(BENCH_CONDITIONS)
    state = BenchState()
    state.set(mode="train", rate_hz=100.0, train_s=0.5)
    state.run()
    assert state.measures["shortening_velocity"] is None  # isometric: no shortening measures
    rows = {}
    for load in (0.2, 0.6, 1.2):
        state.set(load_rel=load)
        state.run()
        rows[load] = dict(state.measures)
    table = simlib.load_velocity(simlib.Scenario(motor_units=1), list(rows))
    for i, (load, m) in enumerate(rows.items()):
        assert m["shortening_velocity"] == pytest.approx(table.velocity[i], rel=1e-6, abs=1e-9), load
        assert m["shortening_distance"] == pytest.approx(table.shortening[i], rel=1e-6, abs=1e-9), load
        latent = table.latent_period_ms[i]
        assert (m["shortening_latent_ms"] is None) if math.isnan(latent) else m["shortening_latent_ms"] == (
            pytest.approx(latent, abs=0.1))
    assert rows[0.2]["shortening_velocity"] > rows[0.6]["shortening_velocity"] > rows[1.2]["shortening_velocity"] == 0
    assert rows[0.2]["shortening_latent_ms"] < rows[0.6]["shortening_latent_ms"]
    assert state.row()["load_rel"] == 1.2 and set(MEASURE_LABELS) <= set(state.row())


def test_pool_bench_records_the_recruitment_curve():
    # issue 21 item 3: with a pool the bench's stimulus intensity grades force as simlib.recruitment_curve
    # measures it: both report the peak above rest (simlib.experiments.twitch_of), sampled every 0.1 ms.
    assert {"motor_units", "stimulus_v"} <= set(BENCH_CONDITIONS)
    volts = [0.5, 2.0, 2.5, 3.0, 4.0, 10.0]
    curve = simlib.recruitment_curve(simlib.Scenario(motor_units=120), volts)
    state = BenchState()
    state.set(motor_units=120)
    peaks, fractions = [], []
    for i, v in enumerate(volts):
        state.set(stimulus_v=v)
        res = state.run()
        row = state.row()
        assert row["stimulus_v"] == v and row["motor_units"] == 120
        assert row["peak_force"] == pytest.approx(curve.peak_force[i], rel=1e-9, abs=1e-12), v
        assert row["recruited_fraction"] == pytest.approx(curve.recruited_fraction[i]), v
        assert res.v_muscle.shape == res.t.shape and np.all(np.isfinite(res.v_muscle))  # the scope's trace
        peaks.append(row["peak_force"])
        fractions.append(row["recruited_fraction"])
    assert fractions[0] == 0.0 and fractions[-1] == 1.0  # below threshold, then maximal
    state.set(stimulus_v=volts[0])
    below = state.run()  # no axon excited: the scope shows a fibre at rest, not one that fires
    assert below.muscle_spikes.size == 0 and below.v_muscle.max() < below.v_muscle[0] + 1.0
    assert np.all(np.diff(peaks) >= 0) and np.all(np.diff(fractions) >= 0) and peaks[-1] > peaks[1] > 0


def test_pool_bench_records_the_train_of_four():
    # issue 21 item 3 (issue 19 item 3): on a pool the bench's train-of-four row has the ratio T4/T1 and the
    # count that simlib.train_of_four measures for the same settings (one measure: simlib.pool.experiments.tof_of)
    pool = simlib.Scenario(motor_units=120)
    state = BenchState(pool)
    state.set(mode="train_of_four")
    rows = []
    for block in (0.0, 0.7, 0.8, 0.95):
        state.set(receptor_block=block)
        state.run()
        row = state.row()
        api = simlib.train_of_four(pool.replace(receptor_block=block))
        assert row["tof_count"] == api.count, block
        if math.isnan(api.ratio):
            assert row["tof_ratio"] is None, block
        else:
            assert row["tof_ratio"] == pytest.approx(api.ratio, rel=1e-9), block
        rows.append(row)
    ratios = [r["tof_ratio"] for r in rows[:3]]
    assert ratios[0] > ratios[1] > ratios[2]  # fade with the dose (Ali et al. 1970)
    assert rows[0]["tof_count"] == 4 and rows[-1]["tof_count"] == 0 and rows[-1]["tof_ratio"] is None
    assert state.measures == measure(state.result, state.stimulator)
    state.set(mode="single")
    state.run()
    assert state.measures["tof_ratio"] is None and state.measures["tof_count"] is None  # not a train-of-four


def test_single_unit_train_of_four_counts_its_twitches():
    # one unit is all-or-none: its count is 4 or fewer whole twitches, the ratio 0 once the fourth fails
    state = BenchState()
    state.set(mode="train_of_four")
    state.run()
    assert state.measures["tof_count"] == 4 and state.measures["tof_ratio"] == pytest.approx(1.0, abs=0.05)
    state.set(receptor_block=1.0)
    state.run()
    assert state.measures["tof_count"] == 0 and state.measures["tof_ratio"] is None


def test_single_unit_default_ignores_stimulus_intensity():
    single = BenchState()
    single.run()
    assert single.measures["recruited_fraction"] is None and single.row()["motor_units"] == 1
    weak = BenchState()
    weak.set(stimulus_v=0.5)  # the single representative unit ignores it
    weak.run()
    assert weak.measures == single.measures
    assert single.measures == measure(simlib.simulate(single.run_scenario(), output_dt_s=single.output_dt_s,
                                                      protocol=single.stimulator.protocol()), single.stimulator)


def test_pool_bench_reuses_chain_runs_and_records_what_simulate_gives():
    # a bench set to a pool keeps its chain runs (keyed by all they depend on): a later run that needs the same
    # ones reuses them, and every run is still exactly simlib.simulate's for the same settings
    state = BenchState(simlib.Scenario(motor_units=120))
    state.set(mode="train_of_four")
    for values in ({"receptor_block": 0.75}, {"receptor_block": 0.8}, {"stimulus_v": 3.0}, {"receptor_block": 0.75},
                   {"ca_mM": 1.5}, {"motor_units": 60}):
        state.set(**values)
        res = state.run()
        api = simlib.simulate(state.run_scenario(), output_dt_s=state.output_dt_s, protocol=state.stimulator.protocol())
        assert np.array_equal(res.force, api.force) and np.array_equal(res.v_muscle, api.v_muscle), values
        assert [s.tolist() for s in res.unit_spikes] == [s.tolist() for s in api.unit_spikes], values
        assert state.measures == measure(api, state.stimulator), values
    assert 0 < state._memo.nbytes <= POOL_MEMO_BYTES


def test_run_memo_drops_the_least_recently_used_runs():
    res = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=0.1, drive_start_s=0.0))
    size = sum(getattr(res, f.name).nbytes for f in dataclasses.fields(res)
               if isinstance(getattr(res, f.name), np.ndarray))
    memo = RunMemo(int(2.5 * size))
    memo["a"], memo["b"] = res, res
    assert memo["a"] is res  # "a" is now the most recently used
    memo["c"] = res
    assert list(memo) == ["a", "c"] and memo.nbytes == 2 * size
    memo["c"] = res  # replacing a run does not count it twice
    assert memo.nbytes == 2 * size
    tiny = RunMemo(1)
    tiny["x"] = res
    assert list(tiny) == ["x"]  # the newest run always stays
