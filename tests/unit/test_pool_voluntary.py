"""Unit tests of voluntary drive of the motor-unit pool (simlib.pool.voluntary)."""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib.pool import population, run_pool
from simlib.pool.stimulation import MAX_PATTERNS
from simlib.pool.voluntary import FEEDBACK_BANDS, FEEDBACK_PASSES, bands, feedback_band_budget, offsets_mV, unit_lags

VOL = simlib.Scenario(motor_units=120, drive="voluntary", rate_hz=20.0, duration_s=1.5)


def test_offsets_rise_with_size_from_zero():
    theta = offsets_mV(population(120, 0))
    assert theta[0] == 0.0 and np.all(np.diff(theta) > 0.0)
    assert 5.0 < theta[-1] < 40.0  # mV of descending command


def test_bands_cover_every_unit_once_within_the_budget():
    pop = population(120, 0)
    reachable = offsets_mV(pop) < 8.0
    groups = bands(pop, reachable, MAX_PATTERNS)
    units = np.concatenate(groups)
    assert np.array_equal(np.sort(units), np.arange(120))
    assert sum(bool(reachable[g[0]]) for g in groups) <= MAX_PATTERNS
    assert groups[0].tolist() == [0]  # the smallest unit is its own band: rate_hz is its rate
    for g in groups:
        assert len(set(pop.slow[g].tolist())) == 1  # one fibre-type class per band
        assert np.all(reachable[g]) or not np.any(reachable[g])


def test_unit_lags_spread_within_one_interval_in_size_order():
    spikes = np.arange(0.2, 1.2, 0.05)
    lags = unit_lags(spikes, np.arange(10, 30), seed=0)
    assert np.all(np.diff(lags) > 0.0) and lags.min() >= 0.0 and lags.max() < 0.05
    assert not unit_lags(spikes[:1], np.arange(3), seed=0).any()


def test_voluntary_pool_through_simulate():
    res = simlib.simulate(VOL)
    assert isinstance(res.unit_spikes, tuple) and len(res.unit_spikes) == 120
    m = res.metrics()
    assert 0.0 < m.recruited_fraction < 1.0
    assert m.recruited_fraction == pytest.approx(np.mean([s.size > 0 for s in res.unit_spikes]))
    assert res.protocol == simlib.Protocol.from_scenario(VOL)  # the run's own protocol, not a band's
    # the units of a band do not fire in synchrony: no two recruited units share a spike train
    trains = {s.tobytes() for s in res.unit_spikes if s.size}
    assert len(trains) == sum(s.size > 0 for s in res.unit_spikes)


def test_voluntary_pool_is_reproducible_with_a_seed():
    one, two = simlib.simulate(VOL.replace(seed=5)), simlib.simulate(VOL.replace(seed=5))
    np.testing.assert_array_equal(one.force, two.force)
    for a, b in zip(one.unit_spikes, two.unit_spikes, strict=True):
        np.testing.assert_array_equal(a, b)
    other = simlib.simulate(VOL.replace(seed=6))
    assert not np.array_equal(one.force, other.force)


def test_ramp_and_stretch_run_on_a_pool():
    sc = simlib.Scenario(motor_units=60, duration_s=2.0)
    ramp = run_pool(sc, simlib.Protocol.ramp(40.0, 0.2, 1.5))
    assert ramp.result.force.max() > 0.0 and ramp.excited.any()
    stretch = simlib.simulate(sc.replace(reflex_gain=3.0), protocol=simlib.Protocol.stretched(0.5, 200.0))
    assert stretch.unit_spikes is not None and len(stretch.unit_spikes) == 60
    assert np.isfinite(stretch.force).all()


def test_impulses_with_a_command_are_refused():
    protocol = simlib.Protocol.pulses([0.1]) + simlib.Protocol.voluntary(20.0, 0.2, 0.5)
    with pytest.raises(simlib.ParameterError, match="not both"):
        simlib.simulate(simlib.Scenario(motor_units=20), protocol=protocol)


def test_one_unit_is_unchanged_by_pool_runs():
    # motor_units=1 never reaches simlib.pool: a voluntary pool run in between leaves a single run bit for bit
    # (hashes of states, force and spikes against the base commit 0d9fa6c: /work/notes/vol.md)
    single = simlib.Scenario(motor_units=1, drive="voluntary", rate_hz=20.0, duration_s=1.5)
    before = simlib.simulate(single)
    simlib.simulate(VOL)
    after = simlib.simulate(single)
    np.testing.assert_array_equal(before.states, after.states)
    np.testing.assert_array_equal(before.force, after.force)
    assert after.unit_spikes is None


def test_a_run_without_memo_keeps_only_traces_of_the_other_bands_and_gives_the_same_pool():
    kept: dict = {}
    memoised = run_pool(VOL, memo=kept).result
    slim = run_pool(VOL).result  # no memo: bands after the first are kept as time, force and spikes only
    assert np.array_equal(slim.force, memoised.force)
    assert all(np.array_equal(a, b) for a, b in zip(slim.unit_spikes, memoised.unit_spikes, strict=True))
    assert all(isinstance(r, simlib.Result) for r in kept.values())  # a caller's memo gets whole runs


def test_a_positive_force_feedback_gets_fewer_bands_and_one_corrective_pass():
    # a rested muscle's net force gain is negative (-0.5 mV per force unit): every band, no rerun;
    # a fatigued one's is positive (+17.75 at fatigue 1): at most FEEDBACK_BANDS bands, each rerun at most once
    assert feedback_band_budget(-0.5, MAX_PATTERNS) == MAX_PATTERNS
    assert feedback_band_budget(17.75, MAX_PATTERNS) == FEEDBACK_BANDS < MAX_PATTERNS
    assert feedback_band_budget(17.75, 2) == 2
    assert run_pool(VOL).patterns <= MAX_PATTERNS + 2  # one run per band (and per class out of reach), no rerun
    fatigued = run_pool(VOL.replace(fatigue=1.0, pic_gain=1.5, rate_hz=30.0))  # the cramp presets' motoneuron
    assert FEEDBACK_BANDS < fatigued.patterns <= FEEDBACK_BANDS * (1 + FEEDBACK_PASSES)
