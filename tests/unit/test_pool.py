"""Unit tests of the motor-unit pool (simlib.pool): seeding, sharing, the public contract, motor_units=1."""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib.chain import kernel_params
from simlib.pool import population, run_pool
from simlib.pool.patterns import share_patterns

STIM = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=20.0, drive_s=0.5, duration_s=1.0)


def test_population_is_seeded_and_cached():
    a, b = population(120, 3), population(120, 3)
    assert a is b
    other = population(120, 4)
    assert not np.array_equal(a.axon_threshold_v, other.axon_threshold_v)
    np.testing.assert_array_equal(a.twitch_force, other.twitch_force)  # the size order is not random
    assert a.size == 120 and np.isclose(a.force_weight.sum(), 1.0)


def test_pool_run_is_reproducible_with_a_seed():
    sc = STIM.replace(motor_units=120, receptor_block=0.8, seed=7)
    one, two = run_pool(sc), run_pool(sc)
    np.testing.assert_array_equal(one.quanta, two.quanta)
    np.testing.assert_array_equal(one.result.force, two.result.force)
    three = run_pool(sc.replace(seed=8))
    assert not np.array_equal(one.quanta, three.quanta)


def test_one_unit_is_todays_model_bit_for_bit():
    # motor_units=1 is the default and never reaches the kernel: every array of the run is the same
    # (checked against the pre-pool commit bfb2a0a by hash of states, force and spikes: see notes/pool.md)
    assert simlib.Scenario(motor_units=1).motor_units == 1
    base = simlib.simulate(simlib.Scenario(motor_units=1))
    same = simlib.simulate(simlib.Scenario(motor_units=1, stimulus_v=0.5))
    np.testing.assert_array_equal(base.states, same.states)
    np.testing.assert_array_equal(base.force, same.force)
    assert same.unit_spikes is None
    assert kernel_params(simlib.Scenario(motor_units=1)) == kernel_params(simlib.Scenario(stimulus_v=1.0,
                                                                                          motor_units=200))


def test_pool_through_simulate_has_unit_spikes_and_recruited_fraction():
    res = simlib.simulate(STIM.replace(motor_units=50, stimulus_v=3.0))
    assert isinstance(res.unit_spikes, tuple) and len(res.unit_spikes) == 50
    fired = np.array([s.size > 0 for s in res.unit_spikes])
    assert res.metrics().recruited_fraction == pytest.approx(fired.mean())
    assert 0.0 < res.metrics().recruited_fraction < 1.0  # 3 V is the median axon threshold
    assert simlib.simulate(STIM).metrics().recruited_fraction == 1.0


@pytest.mark.parametrize("bad", [1.5, 0, 301])
def test_motor_units_must_be_a_whole_number_in_range(bad):
    with pytest.raises(simlib.ParameterError, match="motor_units"):
        simlib.Scenario(motor_units=bad)


def test_voluntary_pool_runs():
    # voluntary drive of a pool: simlib.pool.voluntary (tests/unit/test_pool_voluntary.py)
    res = simlib.simulate(simlib.Scenario(motor_units=120, duration_s=1.5))
    assert len(res.unit_spikes) == 120 and res.metrics().recruited_fraction > 0.0


def test_share_patterns_is_exact_within_budget_and_keeps_weight_beyond():
    rng = np.random.default_rng(0)
    transmitted = rng.random((60, 10)) < 0.6
    weight = np.full(60, 1 / 60)
    patterns, inverse, w = share_patterns(transmitted, weight, 1000)
    np.testing.assert_array_equal(patterns[inverse], transmitted)
    patterns, inverse, w = share_patterns(transmitted, weight, 5)
    assert int(patterns.any(axis=1).sum()) <= 5
    assert w.sum() == pytest.approx(weight[transmitted.any(axis=1)].sum(), rel=1e-3)


def test_bad_intensity_is_refused():
    with pytest.raises(simlib.ParameterError, match="stimulus_v"):
        simlib.recruitment_curve(simlib.Scenario(motor_units=20), [30.0])


@pytest.mark.parametrize("rate_hz", [20.0, 50.0])
@pytest.mark.parametrize("block", [0.6, 0.74, 0.78])
def test_the_representative_units_junction_decision_follows_the_chain(rate_hz, block):
    # a pool of one unit decides per impulse from the mean quanta, the receptors' charge and
    # desensitisation; the chain's own fibre fires about as often (measured: equal, or 1 off at 20 Hz, 70 %)
    sc = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=rate_hz, receptor_block=block, drive_s=1.0,
                         duration_s=1.5)
    chain = simlib.simulate(sc).muscle_spikes.size
    assert abs(int(run_pool(sc).transmitted.sum()) - chain) <= 1


def test_the_safety_factor_probe_reads_no_drive_field():
    # the probe has its own protocol (one impulse from rest): a new rate or drive reuses its bisection
    from simlib.pool.stimulation import representative_safety_factor

    calls = []

    def counting(*args, **kwargs):
        calls.append(args[0])
        return simlib.simulate(*args, **kwargs)

    sc = simlib.Scenario(motor_units=120, mg_mM=1.35)
    s0 = representative_safety_factor(sc, counting)
    probes = len(calls)
    assert probes > 1 and all(c.motor_units == 1 and c.duration_s < sc.duration_s for c in calls)
    for change in ({"rate_hz": 50.0}, {"drive": "voluntary", "drive_s": 0.3}, {"stretch_velocity_deg_s": 80.0},
                   {"stimulus_v": 2.0, "motor_units": 40}):
        assert representative_safety_factor(sc.replace(**change), counting) == s0
    assert len(calls) == probes
    assert representative_safety_factor(sc.replace(mg_mM=1.4), counting) != s0  # a junction condition is read
