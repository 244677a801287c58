"""Spontaneous discharges of the pool: seeding, reproducibility, silenced muscle-side axons, no double counting."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import simlib
from simlib.pool import population, run_pool
from simlib.pool.spontaneous import _known_silent, band_of, shifted, stagger
from simlib.presets import PRESETS
from simlib.protocol import Protocol

SC = dataclasses.replace(PRESETS["hypocalcaemia"], motor_units=120, drive="stimulation", rate_hz=0.0,
                         duration_s=1.0)


def test_rheobase_offsets_are_seeded_and_the_representative_unit_has_none():
    a, b = population(120, 0), population(120, 1)
    assert not np.array_equal(a.rheobase_offset_mV, b.rheobase_offset_mV)
    assert np.array_equal(a.rheobase_offset_mV, population(120, 0).rheobase_offset_mV)
    assert population(1, 0).rheobase_offset_mV.tolist() == [0.0]
    assert 0.2 < float(a.rheobase_offset_mV.std()) < 0.4
    bands = band_of(a, 0.3)
    assert bands.min() == 0 and (bands == 0).sum() <= 10  # the most excitable band is a few units


def test_the_brief_bug_is_fixed():
    # formerly "normal", force 0, recruited 0 although the release run had 33 ectopic spikes
    res = simlib.simulate(dataclasses.replace(PRESETS["hypocalcaemia"], motor_units=120, drive="stimulation",
                                              rate_hz=0.0))
    m = res.metrics()
    assert m.classification == "tetany" and m.peak_force > 0.3 and m.recruited_fraction > 0.9


def test_spontaneous_pool_is_reproducible_with_a_seed():
    a, b, c = run_pool(SC), run_pool(SC), run_pool(SC.replace(seed=3))
    assert np.array_equal(a.result.force, b.result.force)
    assert all(np.array_equal(x, y) for x, y in zip(a.result.unit_spikes, b.result.unit_spikes, strict=True))
    assert not np.array_equal(a.result.force, c.result.force)


def test_no_double_counting_muscle_side_axons_are_silenced():
    pr = run_pool(SC)
    for u, d in pr.spontaneous.discharges.items():
        assert pr.result.unit_spikes[u].size <= d.size  # one muscle action potential per discharge at most
    assert not pr.transmitted[pr.spontaneous.units].any()
    assert pr.result.ectopic_spikes.size == sum(d.size for d in pr.spontaneous.discharges.values())


def test_simulate_can_silence_the_ectopic_generator_only():
    sc = SC.replace(motor_units=1)
    assert simlib.simulate(sc).ectopic_spikes.size > 0
    quiet = simlib.simulate(sc, ectopic=False)
    assert quiet.ectopic_spikes.size == 0 and quiet.nerve_spikes.size == 0
    driven = simlib.simulate(sc, protocol=simlib.Protocol.pulses([0.1, 0.5]), ectopic=False)
    assert driven.nerve_spikes.size == 2 and driven.muscle_spikes.size == 2
    healthy = simlib.Scenario(motor_units=1, drive="stimulation", duration_s=0.5)
    # a healthy axon never fires by itself: silencing it leaves the muscle's response (to solver tolerance)
    assert np.allclose(simlib.simulate(healthy).force, simlib.simulate(healthy, ectopic=False).force, atol=2e-3)


def test_single_unit_classification_is_unchanged():
    assert simlib.simulate(PRESETS["hypocalcaemia"].replace(motor_units=1)).metrics().classification == "tetany"


def test_stagger_and_shift():
    trains = stagger(np.array([0.1, 0.2, 0.9]), np.array([0.0, 0.15]), 1.0)
    assert trains[0].tolist() == [0.1, 0.2, 0.9] and np.allclose(trains[1], [0.25, 0.35])
    t = np.linspace(0.0, 1.0, 11)
    assert np.allclose(shifted(t, t.copy(), 0.2), np.r_[0.0, 0.0, 0.0, t[1:9]])


def test_a_silent_band_run_vouches_for_less_excitable_bands_under_the_same_protocol():
    single, quiet = simlib.Scenario(motor_units=1), Protocol.pulses(())
    silent = simlib.simulate(single, protocol=quiet)
    assert silent.ectopic_spikes.size == 0
    memo = {("band", single, quiet, None, -0.5): silent}
    assert _known_silent(memo, single, quiet, None, -0.5)
    assert _known_silent(memo, single, quiet, None, -0.2)  # less excitable
    assert not _known_silent(memo, single, quiet, None, -0.6)  # more excitable: not known
    assert not _known_silent(memo, single, Protocol.pulses([0.1]), None, -0.2)  # another protocol
    assert not _known_silent(memo, single.replace(ca_mM=0.9), quiet, None, -0.2)  # another chain
    firing = simlib.simulate(PRESETS["hypocalcaemia"].replace(motor_units=1), protocol=quiet)
    assert firing.ectopic_spikes.size
    assert not _known_silent({("band", single, quiet, None, -0.5): firing}, single, quiet, None, -0.2)


@pytest.mark.parametrize("ca_mM", [1.2, 0.9])
def test_a_pool_of_another_size_reuses_the_silent_band_runs_and_gives_the_same_run(ca_mM):
    sc = simlib.Scenario(motor_units=120, drive="stimulation", rate_hz=20.0, drive_s=0.3, duration_s=0.6,
                         ca_mM=ca_mM, stimulus_v=3.0)
    memo: dict = {}
    run_pool(sc, memo=memo)
    bands = {key for key in memo if key[0] == "band"}
    for units in (77, 60, 200):  # the first two pools' most excitable bands are less excitable than 120's
        shared, fresh = run_pool(sc.replace(motor_units=units), memo=memo), run_pool(sc.replace(motor_units=units))
        if units != 200 and ca_mM == 1.2:  # no band fires: 120's first band run vouches for theirs
            assert {key for key in memo if key[0] == "band"} == bands
        np.testing.assert_array_equal(shared.result.force, fresh.result.force)
        np.testing.assert_array_equal(shared.transmitted, fresh.transmitted)
        assert all(np.array_equal(a, b) for a, b in zip(shared.result.unit_spikes, fresh.result.unit_spikes,
                                                        strict=True))
        np.testing.assert_array_equal(shared.spontaneous.units, fresh.spontaneous.units)
