"""The compiled solver still sees non-finite states under the kernel's fast-math flags.

``simlib.stages._jit.FAST_MATH`` lets LLVM reassociate, contract and divide by reciprocals, but
not assume that values are finite: with ``nnan``/``ninf`` it could fold ``math.isfinite`` to true
and a broken run would return NaN force instead of a SimulationError.
"""

from __future__ import annotations

import numpy as np
import pytest

import simlib
import simlib.simulate as simulate_module
from simlib import solver
from simlib.chain import VM, kernel_params, kernel_record, rest_state
from simlib.stages._jit import FAST_MATH


def test_fast_math_flags_keep_nan_and_inf_checks():
    assert not {"nnan", "ninf", "fast"} & set(FAST_MATH)


def test_the_integrator_reports_a_non_finite_state():
    kp = kernel_params(simlib.Scenario(motor_units=1))
    y0 = rest_state(kp)
    y0[VM] = np.nan
    _, inputs = simlib.Protocol().kernel_arrays()
    *_, status, t_reached = solver.integrate(
        y0, kernel_record(kp)[0], np.empty(0), inputs, np.empty(0), 100.0, 1.0, simulate_module._ATOL,
        simulate_module._RTOL_BY_STATE, 1.0, 100_000, np.zeros(1, dtype=np.int64),  # the signature simulate compiles
    )
    assert status == solver.STATUS_NOT_FINITE
    assert t_reached == 0.0


def test_simulate_turns_a_non_finite_state_into_a_simulation_error(monkeypatch):
    def broken_rest_state(kp):
        y0 = rest_state(kp)
        y0[VM] = np.inf
        return y0

    monkeypatch.setattr(simulate_module, "rest_state", broken_rest_state)
    with pytest.raises(simlib.SimulationError, match="non-finite"):
        simlib.simulate(simlib.Scenario(motor_units=1, duration_s=0.5))
