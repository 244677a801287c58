"""The motor-unit pool against published values (citation and tolerance next to each assertion)."""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib.pool import population, run_pool

POOL = simlib.Scenario(motor_units=120)  # first dorsal interosseous: ≈120 units (Feinstein et al. 1955)


def test_population_follows_fuglevand_1993():
    # Fuglevand, Winter & Patla 1993 (J Neurophysiol 70:2470): RP = 100, RR = 30, T_L = 90 ms, RT = 3,
    # exponential distributions (many small units, few large ones)
    pop = population(120, 0)
    assert pop.twitch_force[-1] / pop.twitch_force[0] == pytest.approx(100.0, rel=0.05)
    assert pop.recruitment_threshold[-1] / pop.recruitment_threshold[0] == pytest.approx(30.0, rel=0.05)
    assert pop.contraction_time_ms[0] == pytest.approx(90.0, rel=0.02)
    assert pop.contraction_time_ms[-1] == pytest.approx(30.0, rel=0.02)
    assert np.count_nonzero(pop.twitch_force < pop.twitch_force.max() / 10) >= pop.size / 2
    assert pop.slow[0] and not pop.slow[-1]


def test_recruitment_curve_is_sigmoid_from_threshold_to_maximal():
    # PhysioEx Exercise 2 activity 2 / classic frog-sciatic lab: no force below threshold, force rising
    # with intensity, a plateau at maximal stimulus (a sigmoid)
    volts = np.linspace(0.0, 8.0, 33)
    curve = simlib.recruitment_curve(POOL, volts)
    force = curve.peak_force
    assert np.all(np.diff(force) >= -1e-12)  # monotonic
    assert force[0] == 0.0 and force[volts < 1.5].max() == 0.0  # below threshold
    assert force[-1] == pytest.approx(force[volts >= 6.0], rel=1e-9)  # plateau: maximal by 6 V
    slope = np.diff(force)
    steepest = int(np.argmax(slope))
    assert 0 < steepest < slope.size - 1 and slope[0] < slope[steepest] / 10 and slope[-1] < slope[steepest] / 10
    assert np.all(np.diff(curve.recruited_fraction) >= 0.0)


def test_supramaximal_pool_twitch_matches_the_single_unit_normalised_twitch():
    # issue 19: "at supramaximal intensity matches the single-unit model's normalised force within a few %"
    # (2 % here; the pool's force is normalised to the same unit)
    single = simlib.recruitment_curve(simlib.Scenario(motor_units=1), [10.0]).peak_force[0]
    pool = simlib.recruitment_curve(POOL, [10.0]).peak_force[0]
    assert pool == pytest.approx(single, rel=0.02)
    assert single == pytest.approx(simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=1.0,
                                                                   drive_s=0.01))
                                   .force.max(), rel=0.02)


def _twitch(block: float) -> float:
    return simlib.recruitment_curve(POOL.replace(receptor_block=block), [10.0]).peak_force[0]


def test_curare_depresses_the_twitch_gradually_with_occupancy():
    # Paton & Waud 1967 (J Physiol 191:59): no twitch depression until ≈70-76 % of receptors are occupied,
    # then a steep but graded fall to zero at ≈90-95 % (here: within ±5 % occupancy of those)
    control = _twitch(0.0)
    assert _twitch(0.6) == pytest.approx(control, rel=0.02)
    blocks = np.round(np.arange(0.70, 0.961, 0.02), 2)
    depressed = np.array([_twitch(b) for b in blocks]) / control
    assert np.all(np.diff(depressed) <= 1e-9)
    assert np.count_nonzero((depressed > 0.1) & (depressed < 0.9)) >= 3  # graded, not all-or-none
    assert depressed[blocks <= 0.71][0] > 0.75
    assert depressed[blocks >= 0.95][0] < 0.05
    # half depression between the threshold (76 %) and full-block (≈92 %) occupancies of Paton & Waud
    half = float(np.interp(0.5, depressed[::-1], blocks[::-1]))
    assert 0.76 <= half <= 0.86


def test_train_of_four_ratio_falls_with_partial_block():
    # Ali, Utting & Gray 1970 (Br J Anaesth 42:967): TOF ratio ≈1 without block, falling with partial
    # non-depolarising block; fade appears at ≈70-75 % occupancy (Waud & Waud 1971, Anesthesiology 35:456)
    healthy = simlib.train_of_four(POOL)
    assert healthy.ratio == pytest.approx(1.0, abs=0.05) and healthy.count == 4
    ratios = [simlib.train_of_four(POOL.replace(receptor_block=b)).ratio for b in (0.7, 0.75, 0.8)]
    assert ratios[0] < 0.95 and ratios[1] < ratios[0] and ratios[2] < ratios[1]
    assert simlib.train_of_four(POOL.replace(receptor_block=0.97)).count == 0


def test_quantal_draws_have_binomial_statistics():
    # binomial release (del Castillo & Katz 1954; Wood & Slater 2001, Prog Neurobiol 64:393): across units,
    # the first impulse's quanta have mean m and variance m(1 - m/N); tolerance 20 % (120 draws)
    run = run_pool(simlib.Scenario(drive="stimulation", rate_hz=1.0, drive_s=0.01, motor_units=300, duration_s=0.3))
    q = run.quanta[run.excited, 0]
    m, n = run.result.quanta[0], 300.0
    assert q.mean() == pytest.approx(m, rel=0.05)
    assert q.var() == pytest.approx(m * (1 - m / n), rel=0.2)
