"""Spontaneous (ectopic) unit discharges of the motor-unit pool as ionised Ca²⁺ falls (issue 19, item 4).

Clinical and EMG picture: as ionised Ca²⁺ falls, single motor units first discharge by themselves
(fasciculation-like), then many, repetitively with doublets and multiplets, and the muscle contracts
(tetany) (Kugelberg 1948, Arch Neurol Psychiatry 60:140; Layzer 1994, Muscle Nerve 17:1243; latent
tetany at ionised Ca²⁺ ≈0.9-1.0 mM, overt below ≈0.8 mM, Cooper & Gittoes 2008, BMJ 336:1298).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np
import pytest

from simlib.pool import run_pool
from simlib.presets import PRESETS

BASE = dataclasses.replace(PRESETS["hypocalcaemia"], motor_units=120, drive="stimulation", rate_hz=0.0)


@lru_cache(maxsize=16)
def rest(ca_mM: float):
    return run_pool(dataclasses.replace(BASE, ca_mM=ca_mM))


def discharging(pr) -> int:
    return sum(1 for d in pr.spontaneous.discharges.values() if d.size)


def test_healthy_calcium_gives_no_spontaneous_discharge():
    pr = rest(1.2)
    assert discharging(pr) == 0 and pr.result.ectopic_spikes.size == 0
    assert pr.result.metrics().classification == "normal"


def test_discharging_units_grow_as_calcium_falls():
    counts = [discharging(rest(ca)) for ca in (1.2, 1.0, 0.95, 0.9, 0.8, 0.75)]
    assert counts == sorted(counts)
    # overt tetany below ≈0.8 mM (Cooper & Gittoes 2008): every unit of the pool fires by itself
    assert counts[-1] == 120


def test_first_a_few_units_fasciculate_with_tiny_force_and_single_unit_potentials():
    pr = rest(0.95)
    n = discharging(pr)
    # "first the most excitable few units": between 1 and 10 % of the pool (the top band is ≈4 %)
    assert 1 <= n <= 12
    m = pr.result.metrics()
    assert m.classification == "fasciculation"
    assert m.peak_force < 0.05  # no sustained contraction: below the tetany force (metrics.TETANY_FORCE)
    assert m.emg_rms_mV > 0.0  # their potentials are in the EMG
    firing = [u for u, d in pr.spontaneous.discharges.items() if d.size]
    assert all(pr.result.unit_spikes[u].size > 0 for u in firing)
    assert sum(s.size > 0 for s in pr.result.unit_spikes) == n  # only those units' fibres fire


def test_low_calcium_is_tetany_with_repetitive_discharges_at_tetanic_rates():
    pr = rest(0.75)
    m = pr.result.metrics()
    assert m.classification == "tetany" and m.peak_force > 0.3
    rates = np.array([d.size for d in pr.spontaneous.discharges.values()]) / BASE.duration_s
    # tetanic motor-unit discharge ≈5-15 Hz at moderate hypocalcaemia (Kugelberg 1948); tolerance to 20 Hz
    assert 4.0 <= float(np.median(rates)) <= 20.0
    # doublets/multiplets: intervals of 2-20 ms within bursts (Kugelberg 1948); the most excitable band's
    # shortest reach 1.5 ms (measured), still beyond the ≈1 ms absolute refractory period of motor axons
    isi = np.concatenate([np.diff(d) for d in pr.spontaneous.discharges.values()])
    burst = isi[isi < 0.02]
    assert burst.size and 0.002 <= float(np.median(burst)) <= 0.02 and burst.min() >= 0.001


def test_units_of_a_band_do_not_discharge_in_lockstep():
    pr = rest(0.75)
    firsts = np.array([d[0] for d in pr.spontaneous.discharges.values() if d.size])
    # fasciculations are asynchronous single-unit discharges (Layzer 1994): no two units share a first discharge
    assert np.unique(np.round(firsts, 6)).size >= 0.9 * firsts.size


@pytest.mark.parametrize("name", ["hypocalcaemia", "hypomagnesaemia"])
def test_tetany_presets_stay_tetany_in_the_pool_at_rest(name):
    sc = dataclasses.replace(PRESETS[name], motor_units=120, drive="stimulation", rate_hz=0.0)
    res = run_pool(sc).result
    assert res.metrics().classification == "tetany"
    assert res.metrics().recruited_fraction > 0.9
