"""simlib.Protocol: building, combining, validating, and running protocols through simulate."""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib import Protocol
from simlib.protocol import CommandSegment, Stretch

BASE = simlib.Scenario(motor_units=1, duration_s=1.0)


def test_builders_give_the_impulse_times_they_name():
    assert Protocol.pulses([0.3, 0.1]).impulses_s == (0.1, 0.3)  # sorted
    assert Protocol.paired(0.02, start_s=0.1).impulses_s == pytest.approx((0.1, 0.12))
    assert Protocol.train(10.0, 0.5, 0.3).impulses_s == pytest.approx((0.5, 0.6, 0.7))
    tof = Protocol.train_of_four(0.2)
    assert tof.impulses_s == pytest.approx((0.2, 0.7, 1.2, 1.7))  # four impulses at 2 Hz
    assert tof.drive_window_s() == (0.2, 2.0)


def test_protocols_combine():
    p = Protocol.pulses([0.1]) + Protocol.train(20.0, 0.5, 0.1) + Protocol.stretched(0.8, 60.0)
    assert p.impulses_s == pytest.approx((0.1, 0.5, 0.55))
    assert p.stretch == Stretch(0.8, 60.0)
    assert p.drive_window_s() == pytest.approx((0.1, 0.5))
    with pytest.raises(simlib.ParameterError, match="at most one stretch"):
        Protocol.stretched(0.1, 60.0) + Protocol.stretched(0.5, 60.0)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: Protocol.pulses([-0.1]), "impulses_s"),
        (lambda: Protocol.pulses([float("nan")]), "impulses_s"),
        (lambda: Protocol.train(1000.0, 0.0, 1.0), "rate_hz"),
        (lambda: Protocol.paired(20.0), "interval_s"),
        (lambda: CommandSegment(0.5, 0.2, 10.0), "end_s"),
        (lambda: CommandSegment(0.0, 1.0, 10.0, "square"), "shape"),
        (lambda: Stretch(0.1, 0.0), "velocity_deg_s"),
        (lambda: Protocol.pulses(["soon"]), "impulses_s"),
    ],
)
def test_bad_protocols_are_parameter_errors(build, match):
    with pytest.raises(simlib.ParameterError, match=match):
        build()


def test_from_scenario_runs_exactly_what_simulate_runs_by_default():
    for sc in (simlib.PRESETS["healthy"].replace(motor_units=1), simlib.PRESETS["spasticity"].replace(motor_units=1),
               BASE.replace(drive="stimulation")):
        own = simlib.simulate(sc)
        explicit = simlib.simulate(sc, protocol=Protocol.from_scenario(sc))
        np.testing.assert_array_equal(own.states, explicit.states)
        np.testing.assert_array_equal(own.nerve_spikes, explicit.nerve_spikes)
        assert own.metrics() == explicit.metrics()


def test_a_protocol_replaces_the_scenarios_own_drive():
    res = simlib.simulate(BASE, protocol=Protocol.pulses([0.2, 0.6]))
    np.testing.assert_allclose(res.nerve_spikes, [0.2, 0.6], atol=1e-12)
    assert list(res.nerve_spike_origins) == ["stimulator", "stimulator"]
    assert res.protocol == Protocol.pulses([0.2, 0.6])
    assert res.muscle_spikes.size == 2


def test_paired_twitches_summate_more_the_shorter_the_interval():
    """Two stimuli closer together than a twitch lasts sum their force (Rack & Westbury 1969; the classic
    PhysioEx "wave summation" activity): the peak grows monotonically as the interval shrinks from 100
    to 10 ms, and is above a single twitch at every interval. Human motor units give the most force for an
    initial interval of 5-15 ms (Thomas, Johansson & Bigland-Ritchie 1999, J Neurophysiol 82:3188)."""
    single = simlib.simulate(BASE, protocol=Protocol.pulses([0.1])).force.max()
    peaks = [simlib.simulate(BASE, protocol=Protocol.paired(interval, 0.1)).force.max()
             for interval in (0.1, 0.05, 0.02, 0.01)]
    assert all(b > a for a, b in zip(peaks, peaks[1:], strict=False)), peaks
    assert peaks[0] > single * 1.05, (single, peaks)


def test_a_train_of_four_gives_four_equal_twitches_in_a_healthy_muscle():
    res = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=2.5), protocol=Protocol.train_of_four(0.2))
    assert res.nerve_spikes.size == 4 and res.muscle_spikes.size == 4
    peaks = [res.force[(res.t >= t) & (res.t < t + 0.4)].max() for t in (0.2, 0.7, 1.2, 1.7)]
    assert peaks[3] / peaks[0] == pytest.approx(1.0, abs=0.05)  # TOF ratio of a healthy junction ≈ 1


def test_a_held_command_and_a_ramp_command_drive_the_motoneuron():
    held = simlib.simulate(BASE, protocol=Protocol.voluntary(20.0, 0.2, 0.6))
    assert set(held.nerve_spike_origins) == {"commanded"}
    assert held.nerve_spikes.min() >= 0.2
    ramp = Protocol.ramp(30.0, 0.1, 0.8)
    assert ramp.command_mV(np.array([0.1, 0.5, 0.9])) == pytest.approx([0.0, 30.0, 0.0])
    np.testing.assert_allclose(ramp.breakpoints_ms(1000.0), [100.0, 500.0, 900.0])


def test_a_stretch_alone_evokes_a_reflex_and_has_breakpoints():
    p = Protocol.stretched(0.3, 120.0)
    np.testing.assert_allclose(p.breakpoints_ms(1000.0), [300.0, 550.0])  # 30° at 120 °/s: 0.25 s
    assert not p.has_drive and p.drive_window_s() is None
    res = simlib.simulate(BASE.replace(reflex_gain=3.0), protocol=p)
    assert res.metrics().classification in simlib.metrics.CLASSIFICATIONS


def test_simulate_rejects_what_is_not_a_protocol():
    with pytest.raises(simlib.ParameterError, match="simlib.Protocol"):
        simlib.simulate(BASE, protocol=[0.1, 0.2])


def test_the_simulate_module_is_a_module_and_callable():
    import inspect
    import types

    import simlib.simulate as module

    assert isinstance(module, types.ModuleType) and module is simlib.simulate
    assert callable(simlib.simulate) and "protocol" in inspect.signature(simlib.simulate).parameters


def test_a_protocol_holds_at_most_the_segments_the_kernel_reads():
    from simlib.protocol import MAX_COMMAND_SEGMENTS

    many = [CommandSegment(0.01 * k, 0.01 * k + 0.005, 5.0) for k in range(MAX_COMMAND_SEGMENTS + 1)]
    with pytest.raises(simlib.ParameterError, match=f"at most {MAX_COMMAND_SEGMENTS} command segments"):
        Protocol(command=tuple(many))
    held = Protocol(command=tuple(many[:MAX_COMMAND_SEGMENTS]))
    _, inputs = held.kernel_arrays()
    assert inputs["n_segments"] == MAX_COMMAND_SEGMENTS
    assert held.breakpoints_ms(1000.0).size == 2 * MAX_COMMAND_SEGMENTS - 1  # the first start is t = 0
