"""Standard experiments: twitch, force-frequency and sweep (DESIGN.md §2)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import simlib
import simlib.experiments as experiments

# A short base scenario keeps sweeps fast: drive 0.1-0.4 s, run 1 s.
SHORT = simlib.Scenario(motor_units=1, duration_s=1.0, drive_start_s=0.1, drive_s=0.3)
FF_RATES = [1.0, 5.0, 10.0, 20.0, 50.0, 100.0]


@pytest.fixture(scope="module")
def default_twitch() -> simlib.Twitch:
    return simlib.twitch(simlib.Scenario(motor_units=1))


@pytest.fixture(scope="module")
def default_ff() -> np.ndarray:
    return simlib.force_frequency(simlib.Scenario(motor_units=1), FF_RATES)


# ------------------------------------------------------------------------------------------ twitch


def test_twitch_default_has_finite_positive_times(default_twitch):
    tw = default_twitch
    assert isinstance(tw, simlib.Twitch)
    assert math.isfinite(tw.contraction_time_ms) and tw.contraction_time_ms > 0.0
    assert math.isfinite(tw.half_relaxation_ms) and tw.half_relaxation_ms > 0.0
    assert 0.0 < tw.peak_force <= 1.0
    # a twitch cannot outlast the 0.9 s after the stimulus that twitch() simulates
    assert tw.contraction_time_ms + tw.half_relaxation_ms < 900.0


@pytest.mark.parametrize("blocked", [{"release_block": 1.0}, {"receptor_block": 1.0}])
def test_twitch_nan_when_transmission_blocked(blocked):
    tw = simlib.twitch(simlib.Scenario(motor_units=1, **blocked))
    assert math.isnan(tw.contraction_time_ms)
    assert math.isnan(tw.half_relaxation_ms)
    assert 0.0 <= tw.peak_force < 1e-3


def test_twitch_ignores_drive_settings_of_scenario(default_twitch):
    # twitch() replaces the drive by a single stimulus, so the drive fields of sc do not matter
    tw = simlib.twitch(simlib.Scenario(motor_units=1, rate_hz=0.0, drive="voluntary", drive_s=5.0, stretch_at_s=0.5))
    assert tw == default_twitch


def test_twitch_is_frozen(default_twitch):
    with pytest.raises(AttributeError):
        default_twitch.peak_force = 1.0


# ------------------------------------------------------------------------------------------ force-frequency


def test_force_frequency_shape_and_range(default_ff):
    assert isinstance(default_ff, np.ndarray)
    assert default_ff.shape == (len(FF_RATES),)
    assert np.isfinite(default_ff).all()
    assert (default_ff >= 0.0).all() and (default_ff <= 1.2).all()


def test_force_frequency_monotonic_ish(default_ff):
    # force rises with rate from a twitch towards a fused tetanus (force unit 1.0); allow a small dip
    # from vesicle depletion at high rates
    assert np.all(np.diff(default_ff) >= -0.02), default_ff
    assert default_ff[-1] > 2.0 * default_ff[0]
    assert default_ff[-1] > 0.5


def test_force_frequency_accepts_any_iterable(default_ff):
    out = simlib.force_frequency(simlib.Scenario(motor_units=1), (r for r in FF_RATES[:2]))
    np.testing.assert_array_equal(out, default_ff[:2])
    assert simlib.force_frequency(simlib.Scenario(motor_units=1), []).shape == (0,)


def test_force_frequency_rejects_invalid_rate():
    with pytest.raises(simlib.ParameterError, match="rate_hz"):
        simlib.force_frequency(simlib.Scenario(motor_units=1), [10.0, 500.0])


# ------------------------------------------------------------------------------------------ sweep


def test_sweep_shape_and_axis_order():
    rates, cas = [0.0, 20.0], [0.75, 1.2, 2.0]
    grid = simlib.sweep(SHORT, rate_hz=rates, ca_mM=cas)
    assert grid.shape == (2, 3)
    for i, rate in enumerate(rates):
        for j, ca in enumerate(cas):
            assert isinstance(grid[i, j], simlib.Metrics)
            assert grid[i, j] == simlib.simulate(SHORT.replace(rate_hz=rate, ca_mM=ca)).metrics(), (rate, ca)
    # keyword order sets axis order
    swapped = simlib.sweep(SHORT, ca_mM=cas, rate_hz=rates)
    assert swapped.shape == (3, 2)
    for i in range(2):
        for j in range(3):
            assert swapped[j, i] == grid[i, j]


def test_sweep_one_axis_and_text_axis():
    grid = simlib.sweep(SHORT, drive=["voluntary", "stimulation"])
    assert grid.shape == (2,)
    assert all(isinstance(m, simlib.Metrics) for m in grid)


def test_sweep_unknown_axis_suggests_name():
    with pytest.raises(simlib.ParameterError, match="did you mean 'rate_hz'"):
        simlib.sweep(SHORT, rate=[10, 20])


def test_sweep_needs_an_axis():
    with pytest.raises(simlib.ParameterError):
        simlib.sweep(SHORT)


@pytest.mark.parametrize("axes", [{"rate_hz": [10.0, 999.0]}, {"rate_hz": [10.0], "ca_mM": [1.2, 12.0]},
                                  {"drive": ["voluntary", "stimulus"]}])
def test_sweep_invalid_value_raises_before_simulating(monkeypatch, axes):
    calls = []

    def fake_simulate(*args, **kwargs):  # pragma: no cover - must not be reached
        calls.append(args)
        raise AssertionError("simulate() was called before validation")

    monkeypatch.setattr(experiments, "simulate", fake_simulate)
    progress = []
    with pytest.raises(simlib.ParameterError):
        simlib.sweep(SHORT, progress=lambda done, total: progress.append(done), **axes)
    assert calls == []
    assert progress == []


def test_sweep_progress_called_total_times():
    seen = []
    grid = simlib.sweep(SHORT, progress=lambda done, total: seen.append((done, total)),
                        rate_hz=[0.0, 10.0], k_mM=[3.0, 4.2, 6.0])
    assert seen == [(i, 6) for i in range(1, 7)]
    assert grid.size == 6


def test_classification_grid_matches_metrics():
    grid = simlib.sweep(SHORT, ca_mM=[0.75, 1.2])
    labels = experiments.classification_grid(grid)
    assert labels.shape == grid.shape
    assert list(labels) == [m.classification for m in grid]


@pytest.mark.parametrize("call", [
    lambda: simlib.twitch(None),
    lambda: simlib.force_frequency(None, [10.0]),
    lambda: simlib.sweep(None, rate_hz=[10.0]),
    lambda: simlib.twitch({"ca_mM": 1.2}),
])
def test_experiments_need_a_scenario(call):
    with pytest.raises(simlib.ParameterError, match=r"needs a simlib.Scenario; got (NoneType|dict)\. Build one"):
        call()


@pytest.mark.parametrize(("axes", "shown"), [
    ({"rate_hz": 20}, "got 20 (int)"),
    ({"ca_mM": 1.2}, "got 1.2 (float)"),
    ({"drive": "voluntary"}, "got 'voluntary'"),
    ({"rate_hz": [10.0], "ca_mM": None}, "got None"),
])
def test_sweep_axes_must_be_lists_of_values(axes, shown):
    name = list(axes)[-1]
    expected = rf"sweep\(\) needs a list of values for '{name}'; {re.escape(shown)}"
    with pytest.raises(simlib.ParameterError, match=expected) as caught:
        simlib.sweep(simlib.Scenario(motor_units=1, duration_s=0.3), **axes)
    assert f"{name}=[" in str(caught.value)  # the suggestion shows the list form


def test_force_frequency_rates_must_be_a_list():
    expected = r"force_frequency\(\) needs a list of values for 'rates_hz'; got 5"
    with pytest.raises(simlib.ParameterError, match=expected):
        simlib.force_frequency(simlib.Scenario(motor_units=1), 5)
