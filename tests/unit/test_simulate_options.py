"""simulate()'s keyword options: per-run model constants and the choice of solver."""

from __future__ import annotations

import numpy as np
import pytest

import simlib

SHORT = simlib.Scenario(motor_units=1, drive_s=0.5, duration_s=2.0)  # the default 20 Hz command for 0.5 s, then rest


def test_the_declared_constants_are_listed_with_their_metadata():
    declared = simlib.constants()
    g_na = declared["g_na_mS_cm2"]
    assert g_na.unit == "mS/cm²" and g_na.low < g_na.default < g_na.high and g_na.source and g_na.meaning
    assert len(declared) > 80


def test_a_changed_constant_changes_the_run_and_nothing_else():
    default = simlib.simulate(SHORT)
    same = simlib.simulate(SHORT, constants={})
    np.testing.assert_array_equal(default.states, same.states)
    # a slower SR Ca²⁺ pump (SERCA Vmax halved) changes the run and slows relaxation: a twitch takes longer
    # to fall to half its peak (a train's relaxation also depends on how release fades during the drive)
    slow_pump = {"serca_vmax_uM_ms": simlib.constants()["serca_vmax_uM_ms"].default / 2.0}
    changed = simlib.simulate(SHORT, constants=slow_pump)
    assert not np.array_equal(changed.force, default.force)
    assert _half_relaxation_s(slow_pump) > _half_relaxation_s({})
    np.testing.assert_array_equal(simlib.simulate(SHORT).states, default.states)  # no global left changed


def _half_relaxation_s(constants: dict[str, float]) -> float:
    """Time (s) from the peak of a twitch (one stimulus at 0.1 s) until its force falls below half."""
    res = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=1.0), protocol=simlib.Protocol.pulses([0.1]),
                          output_dt_s=1e-4, constants=constants)
    peak = int(np.argmax(res.force))
    below = np.nonzero(res.force[peak:] < res.force[peak] / 2.0)[0]
    return float(res.t[peak + below[0]] - res.t[peak])


def test_less_sodium_conductance_lowers_the_action_potential():
    """'What if g_Na were lower?', answered without a source edit: the muscle action potential's
    overshoot falls (less inward Na⁺ current against the same K⁺ and Cl⁻). Halving the default
    (120 mS/cm²) is outside the declared physiological range (80-800), so it is refused, with the range."""
    g_na = simlib.constants()["g_na_mS_cm2"]
    sc = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=20.0, duration_s=0.5)
    normal = simlib.simulate(sc, output_dt_s=1e-5)  # the action potential lasts ~0.4 ms: sample it finely
    lowest = simlib.simulate(sc, output_dt_s=1e-5, constants={"g_na_mS_cm2": g_na.low})
    # measured: overshoot +55.7 mV at 120 mS/cm², +48.2 mV at 80; every impulse still fires the fibre
    assert lowest.state("v_fibre").max() < normal.state("v_fibre").max() - 5.0
    assert lowest.muscle_spikes.size == normal.muscle_spikes.size
    with pytest.raises(simlib.ParameterError, match="between 80 and 800 mS/cm²"):
        simlib.simulate(sc, constants={"g_na_mS_cm2": g_na.default / 2.0})


@pytest.mark.parametrize(
    ("constants", "match"),
    [
        ({"g_na": 60.0}, "did you mean 'g_na_mS_cm2'"),
        ({"g_na_mS_cm2": 1e6}, "must be between"),
        ({"g_na_mS_cm2": "lots"}, "g_na_mS_cm2"),
        ([("g_na_mS_cm2", 60.0)], "mapping"),
    ],
)
def test_bad_constants_are_parameter_errors(constants, match):
    with pytest.raises(simlib.ParameterError, match=match):
        simlib.simulate(SHORT, constants=constants)


def test_an_unknown_solver_is_a_parameter_error():
    with pytest.raises(simlib.ParameterError, match="'fast' or 'reference'"):
        simlib.simulate(SHORT, solver="euler")


def test_the_reference_solver_is_chosen_by_name_and_agrees():
    sc = simlib.Scenario(motor_units=1, duration_s=0.5)
    ref = simlib.simulate(sc, solver="reference")
    fast = simlib.simulate(sc)
    assert ref.nerve_spikes.size == fast.nerve_spikes.size
    assert float(np.max(np.abs(ref.force - fast.force))) < 1e-3  # the accuracy target (test_reference.py)


def test_force_keeps_the_default_models_unit_when_a_constant_changes():
    """A stronger cross-bridge (faster attachment) must show as more force, not be normalised away."""
    from simlib.chain import force_unit, kernel_params
    from simlib.model import resolve_constants

    attach = simlib.constants()["xb_attach_per_ms"]
    faster = resolve_constants({"xb_attach_per_ms": min(attach.high, attach.default * 1.5)})
    assert kernel_params(SHORT, faster).force_unit == force_unit() == kernel_params(SHORT).force_unit
    stronger = simlib.simulate(SHORT, constants=dict(faster.overrides()))
    assert stronger.force.max() > simlib.simulate(SHORT).force.max()
