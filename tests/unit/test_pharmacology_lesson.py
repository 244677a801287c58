"""Lesson 12's claims, as relations (no model numbers): the safety factor, neostigmine reversal, a deep block stays."""

from __future__ import annotations

import simlib

BLOCKS = (0.0, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def _peak(block: float, ache: float = 1.0) -> float:
    return simlib.twitch(simlib.Scenario(motor_units=1, receptor_block=block, ache_activity=ache)).peak_force


def test_safety_factor_then_failure_and_neostigmine_reversal():
    healthy = _peak(0.0)
    assert _peak(0.6) > 0.8 * healthy  # 60 % of the receptors blocked: the twitch is nearly normal
    failed = [b for b in BLOCKS if _peak(b) < 0.1 * healthy]
    assert failed and failed[0] >= 0.7 and failed == [b for b in BLOCKS if b >= failed[0]]  # fails, stays failed
    assert _peak(failed[0], ache=0.5) > 0.5 * healthy  # neostigmine-like AChE inhibition brings it back
    assert _peak(0.95, ache=0.5) < 0.1 * healthy  # a very deep block is not reversed


def test_a_whole_muscle_fades_and_a_normal_twitch_can_hide_residual_block():
    # lesson 12 section 3: a pool of 120 units; the TOF ratio falls with the dose (fade, Ali et al. 1970) and
    # drops below 0.9 (residual block, Murphy & Brull 2010) at a dose whose first twitch is still near normal
    pool = simlib.Scenario(motor_units=120)
    control = simlib.train_of_four(pool)
    assert control.count == 4 and control.ratio > 0.9
    tofs = [simlib.train_of_four(pool.replace(receptor_block=b)) for b in (0.6, 0.7, 0.75, 0.8)]
    ratios = [control.ratio] + [t.ratio for t in tofs]
    assert all(a > b for a, b in zip(ratios[:-1], ratios[1:], strict=True)) and all(t.count == 4 for t in tofs)
    hidden = [t for t in tofs if t.ratio < 0.9 and t.responses[0] > 0.9 * control.responses[0]]
    assert hidden, "no dose with residual block behind a near-normal twitch"
    gone = simlib.train_of_four(pool.replace(receptor_block=0.9))
    assert gone.count == 0 and "no ratio" in gone.describe()
