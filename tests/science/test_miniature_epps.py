"""Spontaneous quantal release at rest: miniature endplate potentials (issue 19, item 3).

At rest a motor nerve terminal releases single quanta at random, each a miniature endplate potential
(MEPP) of a fraction of a millivolt to about a millivolt (Fatt & Katz 1952, J Physiol 117:109), a
Poisson process (exponential intervals). Human intercostal endplates: ≈0.1-0.3 /s, ≈0.3-1 mV (Elmqvist,
Hofmann, Kugelberg & Quastel 1964, J Physiol 174:417). The frequency follows the occupancy of the
release site X by Ca²⁺, not its fourth power (Gage & Quastel 1966, J Physiol 185:95; Hubbard 1961,
J Physiol 159:507).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

import simlib
from simlib.chain import kernel_params
from simlib.stages.nmj import miniature_times_ms

REST_S = 60.0
#: a seed whose first minute has several MEPPs well apart (the default seed 0 has its first at 6.8 s)
SEED = 1


@cache
def _rest(seed: int = SEED, duration_s: float = REST_S, rate_per_s: float | None = None) -> simlib.Result:
    """No drive (rate 0) for ``duration_s``: the fibre at rest, with its spontaneous quanta."""
    constants = None if rate_per_s is None else {"mepp_rate_hz": rate_per_s}
    return simlib.simulate(simlib.Scenario(motor_units=1, rate_hz=0.0, duration_s=duration_s, seed=seed),
                           constants=constants)


def _amplitudes(res: simlib.Result) -> np.ndarray:
    """Peak depolarisation (mV) of the endplate-region membrane within 5 ms after each spontaneous quantum."""
    v = res.v_muscle
    rest = float(np.median(v))
    peaks = []
    for t in res.miniature_times:
        sel = (res.t >= t) & (res.t < t + 0.005)
        peaks.append(float(v[sel].max()) - rest)
    return np.array(peaks)


def test_miniature_potentials_appear_at_rest_at_the_human_frequency():
    # human intercostal MEPP frequency ≈0.1-0.3 /s (Elmqvist et al. 1964); count over 20 seeds x 60 s of the
    # run's schedule at rest (≈240 quanta: the count's relative SD is ≈6 %)
    kp = kernel_params(simlib.Scenario(motor_units=1, rate_hz=0.0))
    counts = [miniature_times_ms(kp.mepp_rate_per_ms, 60_000.0, seed).size for seed in range(20)]
    rate_per_s = sum(counts) / (20 * 60.0)
    assert 0.1 <= rate_per_s <= 0.3
    res = _rest()
    assert res.miniature_times.size >= 5  # they are in the Result of a simulated minute at rest
    assert res.nerve_spikes.size == 0  # spontaneous, not nerve impulses


def test_miniature_intervals_are_poisson():
    # Fatt & Katz 1952: MEPP intervals are exponentially distributed (a Poisson process): interval CV 1
    kp = kernel_params(simlib.Scenario(motor_units=1, rate_hz=0.0))
    intervals = np.concatenate([np.diff(miniature_times_ms(kp.mepp_rate_per_ms, 600_000.0, seed))
                                for seed in range(5)])  # ≈600 intervals: the CV's SE ≈0.04
    cv = float(np.std(intervals) / np.mean(intervals))
    assert 0.85 <= cv <= 1.15
    # exponential: the fraction of intervals shorter than the mean is 1 - 1/e = 0.63 (SE ≈0.02)
    assert 0.57 <= float(np.mean(intervals < intervals.mean())) <= 0.69


def test_each_spontaneous_quantum_gives_a_subthreshold_potential():
    res = _rest()
    amp = _amplitudes(res)
    # published human MEPPs are ≈0.3-1 mV (Elmqvist et al. 1964; 0.4 mV typical, del Castillo & Katz 1954);
    # the model's single quantum gives ≈1.5 mV (documented limit, docs/model.md "Miniature endplate
    # potentials"): assert that every quantum gives a potential of that order, all alike
    assert np.all(amp > 0.3) and np.all(amp < 2.0)
    # one quantum, one size (no quantal variance in the model); the 1 ms samples catch each peak within ±10 %
    assert float(np.ptp(amp)) < 0.2 * float(np.mean(amp))
    # no muscle action potential and no twitch from a MEPP in a healthy fibre
    assert res.muscle_spikes.size == 0
    quiet = _rest(rate_per_s=0.0)
    assert float(np.max(np.abs(res.force - quiet.force))) < 1e-6


@pytest.mark.xfail(strict=True, reason="the model's single quantum gives ≈1.5 mV (well-mixed cleft with "
                   "ach_per_quantum set by the evoked EPP); see docs/model.md")
def test_miniature_amplitude_in_the_human_range():
    amp = _amplitudes(_rest())
    assert 0.3 <= float(np.mean(amp)) <= 1.0  # Elmqvist et al. 1964, human intercostal MEPPs


def test_myasthenic_miniature_potentials_are_smaller():
    # myasthenia gravis: MEPP amplitude reduced to about a fifth of normal, frequency normal (Elmqvist et al.
    # 1964); the model's receptor loss reduces the potential of one quantum
    healthy = float(np.mean(_amplitudes(_rest())))
    mg = simlib.simulate(simlib.Scenario(motor_units=1, rate_hz=0.0, duration_s=REST_S, seed=SEED, achr_loss=0.7))
    assert mg.miniature_times.size == _rest().miniature_times.size
    assert float(np.mean(_amplitudes(mg))) < 0.5 * healthy


def test_calcium_dependence_is_weak():
    # spontaneous release ∝ occupancy of site X (Gage & Quastel 1966), not its 4th power like evoked release
    # (Dodge & Rahamimoff 1967): doubling Ca²⁺ from 1 to 2 mM raises it by well under 2x, evoked release more
    def rate(ca: float) -> float:
        return kernel_params(simlib.Scenario(motor_units=1, ca_mM=ca)).mepp_rate_per_ms

    def quanta(ca: float) -> float:
        kp = kernel_params(simlib.Scenario(motor_units=1, ca_mM=ca))
        return kp.pool_quanta * kp.p_release

    assert 1.1 < rate(2.0) / rate(1.0) < 2.0
    assert quanta(0.5) / quanta(1.0) < rate(0.5) / rate(1.0) < 1.0
    # Lambert-Eaton (P/Q channel loss) leaves the MEPP frequency normal (Lambert & Elmqvist 1971, Ann N Y
    # Acad Sci 183:183); botulinum toxin lowers it
    normal = kernel_params(simlib.Scenario(motor_units=1)).mepp_rate_per_ms
    assert kernel_params(simlib.Scenario(motor_units=1, vgcc_block=0.4)).mepp_rate_per_ms == pytest.approx(normal)
    assert kernel_params(simlib.Scenario(motor_units=1, release_block=0.9)).mepp_rate_per_ms < 0.2 * normal


def test_seed_sets_the_times():
    a, b = _rest(seed=SEED, duration_s=20.0), _rest(seed=SEED + 1, duration_s=20.0)
    again = simlib.simulate(simlib.Scenario(motor_units=1, rate_hz=0.0, duration_s=20.0, seed=SEED))
    np.testing.assert_array_equal(again.miniature_times, a.miniature_times)
    np.testing.assert_array_equal(again.v_muscle, a.v_muscle)
    assert a.miniature_times.size != b.miniature_times.size or not np.allclose(a.miniature_times,
                                                                               b.miniature_times)
