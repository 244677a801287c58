"""Fibre-type classes of the pool: class constants, run budgets and per-class force."""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib.model import constants as declared
from simlib.pool import population, run_pool
from simlib.pool.fibre_types import CLASS_CONSTANTS, CONSTANTS, class_constants
from simlib.pool.stimulation import MAX_PATTERNS, class_budgets

POOL = simlib.Scenario(drive="stimulation", motor_units=120, duration_s=0.4)
TWITCH = simlib.Protocol.pulses([0.05])


def test_class_constants_are_declared_params_of_chain_constants():
    params = declared()
    for param in CONSTANTS:
        assert param.unit is not None and param.meaning and param.source and param.low <= param.default <= param.high
        assert all(name in params for name in CLASS_CONSTANTS[param.name])
    assert set(CLASS_CONSTANTS) == {p.name for p in CONSTANTS}


def test_fast_class_is_the_representative_and_slow_class_scales_it():
    assert class_constants(None, slow=False) is None
    mine = {"g_na_mS_cm2": 240.0}
    assert class_constants(mine, slow=False) is mine
    slow = class_constants(mine, slow=True)
    params = declared()
    assert slow["g_na_mS_cm2"] == 240.0
    for param in CONSTANTS:
        for name in CLASS_CONSTANTS[param.name]:
            assert slow[name] == pytest.approx(params[name].default * param.default)


def test_slow_class_constants_stay_within_their_declared_range():
    low = declared()["xb_attach_per_ms"].low
    slow = class_constants({"xb_attach_per_ms": low}, slow=True)
    assert slow["xb_attach_per_ms"] == low


def test_budgets_share_max_patterns_by_force():
    pop = population(120, 0)
    budgets = class_budgets(pop, MAX_PATTERNS)
    assert budgets[True] >= 1 and budgets[False] >= 1 and sum(budgets.values()) == MAX_PATTERNS
    assert budgets[False] > budgets[True]  # fast units hold most of the force
    assert class_budgets(population(120, 0), 1) == {True: 1, False: 1}


def test_class_forces_sum_to_the_pool_force_and_supramaximal_costs_one_slow_run():
    pr = run_pool(POOL, TWITCH)
    np.testing.assert_allclose(pr.class_force[False] + pr.class_force[True], pr.result.force, rtol=0, atol=1e-15)
    slow_share = pr.population.force_weight[pr.population.slow].sum()
    assert pr.class_force[True].max() > 0.0 and 0.02 < slow_share < 0.1
    assert pr.patterns == 1  # the fast class is the release run itself; one slow-class run
    single = simlib.simulate(POOL.replace(motor_units=1), protocol=TWITCH)
    np.testing.assert_allclose(pr.class_force[False], (1.0 - slow_share) * single.force, rtol=1e-12, atol=0)
