"""Fibre-type classes of the motor-unit pool against published values (citation, tolerance at each assertion)."""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib.pool import run_pool

POOL = simlib.Scenario(drive="stimulation", motor_units=120, duration_s=0.6)  # ≈120 units (Feinstein et al. 1955)
TWITCH = simlib.Protocol.pulses([0.05])


def _peak(t: np.ndarray, force: np.ndarray) -> tuple[float, float]:
    """Peak force and contraction time (ms) of a twitch given at 0.05 s."""
    i = int(np.argmax(force))
    return float(force[i]), (float(t[i]) - 0.05) * 1e3


def test_slow_units_contract_more_slowly_than_fast_units():
    # Garnett et al. 1979 (J Physiol 287:33) and Harridge et al. 1996 (Pflügers Arch 432:913): human type S /
    # type I twitches are slower to peak than type F / type II; Fuglevand et al. 1993 spread contraction times
    # 3-fold across a pool (RT = 3), 90 -> 30 ms, slow units in the upper half: the class means differ by less
    # than the full range -> ratio of class contraction times between 1.2 and 3
    pr = run_pool(POOL, TWITCH)
    t = pr.result.t
    _, slow_ct = _peak(t, pr.class_force[True])
    _, fast_ct = _peak(t, pr.class_force[False])
    assert 1.2 < slow_ct / fast_ct < 3.0


def test_supramaximal_pool_twitch_matches_the_single_unit_model():
    # issue 19: at supramaximal intensity the pool matches the single-unit model's normalised force within a
    # few percent (here 3 % in peak, 5 % in contraction time: the slow class holds ≈5 % of the force)
    pool = simlib.simulate(POOL, protocol=TWITCH)
    one = simlib.simulate(POOL.replace(motor_units=1), protocol=TWITCH)
    pool_peak, pool_ct = _peak(pool.t, pool.force)
    one_peak, one_ct = _peak(one.t, one.force)
    assert pool_peak == pytest.approx(one_peak, rel=0.03)
    assert pool_ct == pytest.approx(one_ct, rel=0.05)


def test_fast_units_fatigue_more_than_slow_units_in_a_stimulated_train():
    # Burke et al. 1973 (J Physiol 234:723): 40 Hz trains of 330 ms each second; after 2 min the fatigue index
    # (last/first train force) is > 0.75 in type S units and < 0.25 in FF units. Here 30 s of the same protocol
    # (the index can only fall with more trains): the slow class keeps > 0.75 of its force, and the fast class
    # loses at least twice as large a fraction (qualitative: fast units fatigue more; type II fibres deplete
    # PCr faster, Casey et al. 1996, Am J Physiol 271:E38)
    seconds = 30
    impulses = [0.1 + k + 0.025 * j for k in range(seconds) for j in range(14)]
    sc = POOL.replace(duration_s=seconds + 0.5)
    pr = run_pool(sc, simlib.Protocol.pulses(impulses), output_dt_s=1e-3)
    t = pr.result.t
    index = {}
    for slow, force in pr.class_force.items():
        peaks = [force[(t >= 0.1 + k) & (t < 0.6 + k)].max() for k in range(seconds)]
        index[slow] = peaks[-1] / peaks[0]
    assert index[True] > 0.75
    assert 1.0 - index[False] > 2.0 * (1.0 - index[True])
