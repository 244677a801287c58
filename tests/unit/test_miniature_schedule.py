"""The schedule of spontaneous quanta and its event in both integrators (simlib.stages.nmj, simlib.events)."""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib.chain import ACH, kernel_params, kernel_record, rest_state
from simlib.events import EVENT_MINIATURE, LOG_COLUMNS, apply_event
from simlib.stages.nmj import miniature_times_ms

RATE = 0.001  # 1 /s, in 1/ms


def test_schedule_is_sorted_within_the_run_and_seeded():
    times = miniature_times_ms(RATE, 50_000.0, 7)
    assert times.dtype == np.float64 and times.ndim == 1
    assert np.all(np.diff(times) > 0.0) and times[0] >= 0.0 and times[-1] < 50_000.0
    np.testing.assert_array_equal(times, miniature_times_ms(RATE, 50_000.0, 7))
    assert not np.array_equal(times[:5], miniature_times_ms(RATE, 50_000.0, 8)[:5])


def test_a_longer_run_begins_with_the_same_times():
    short, long = miniature_times_ms(RATE, 3_000.0, 3), miniature_times_ms(RATE, 600_000.0, 3)
    np.testing.assert_array_equal(long[:short.size], short)
    assert long.size > short.size and long[short.size] >= 3_000.0


def test_times_scale_with_the_rate():
    # the same seed's pattern, stretched: a lower Ca²⁺ (lower rate) delays every quantum alike
    np.testing.assert_allclose(miniature_times_ms(RATE / 2, 20_000.0, 5),
                               2.0 * miniature_times_ms(RATE, 10_000.0, 5), rtol=1e-12)


@pytest.mark.parametrize(("rate", "t_end"), [(0.0, 1000.0), (RATE, 0.0)])
def test_no_rate_or_no_time_gives_no_quanta(rate: float, t_end: float):
    assert miniature_times_ms(rate, t_end, 0).size == 0


def test_rate_zero_switches_them_off():
    res = simlib.simulate(simlib.Scenario(motor_units=1, rate_hz=0.0, duration_s=30.0, seed=1),
                          constants={"mepp_rate_hz": 0.0})
    assert res.miniature_times.size == 0
    assert float(np.ptp(res.epp)) < 1e-9


def test_event_adds_one_quantum_and_logs_nothing():
    sc = simlib.Scenario(motor_units=1)
    kp = kernel_record(kernel_params(sc))[0]
    y = rest_state(kernel_params(sc))
    before = y.copy()
    _, inputs = simlib.Protocol().kernel_arrays()
    log = np.zeros((4, LOG_COLUMNS))
    assert apply_event(EVENT_MINIATURE, y, kp, inputs, 10.0, log, 0, -1e9) == 0
    assert y[ACH] - before[ACH] == pytest.approx(kp["ach_per_quantum"])
    y[ACH] = before[ACH]
    np.testing.assert_array_equal(y, before)  # nothing else: no axon spike, no depletion, no facilitation
    assert not log.any()


def test_fast_solver_and_reference_apply_the_same_quanta():
    # rate raised to 5 /s so a 1 s run has several, one during the 20 Hz drive (accuracy target 1e-3 in force)
    sc = simlib.Scenario(motor_units=1, duration_s=1.0, seed=2)
    constants = {"mepp_rate_hz": 5.0}
    fast = simlib.simulate(sc, constants=constants)
    ref = simlib.simulate(sc, constants=constants, solver="reference")
    assert fast.miniature_times.size >= 3
    np.testing.assert_array_equal(fast.miniature_times, ref.miniature_times)
    assert float(np.max(np.abs(fast.force - ref.force))) <= 1e-3
    at_rest = fast.t < sc.drive_start_s
    assert np.any(fast.miniature_times < sc.drive_start_s)
    # the MEPPs before the drive: the same potentials within 1 % of their ≈1.9 mV
    assert float(np.max(np.abs(fast.epp[at_rest] - ref.epp[at_rest]))) < 0.02
