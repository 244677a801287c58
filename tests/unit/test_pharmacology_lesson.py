"""Lesson 12's claims, as relations (no model numbers): the safety factor, neostigmine reversal, a deep block stays."""

from __future__ import annotations

import simlib

BLOCKS = (0.0, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def _peak(block: float, ache: float = 1.0) -> float:
    return simlib.twitch(simlib.Scenario(receptor_block=block, ache_activity=ache)).peak_force


def test_safety_factor_then_failure_and_neostigmine_reversal():
    healthy = _peak(0.0)
    assert _peak(0.6) > 0.8 * healthy  # 60 % of the receptors blocked: the twitch is nearly normal
    failed = [b for b in BLOCKS if _peak(b) < 0.1 * healthy]
    assert failed and failed[0] >= 0.7 and failed == [b for b in BLOCKS if b >= failed[0]]  # fails, stays failed
    assert _peak(failed[0], ache=0.5) > 0.5 * healthy  # neostigmine-like AChE inhibition brings it back
    assert _peak(0.95, ache=0.5) < 0.1 * healthy  # a very deep block is not reversed
