"""The fast compiled integrator against the scipy reference (simlib.reference).

Two kinds of check:

1. *Same model, same events.* ``simulate(sc, accuracy=100)`` (every tolerance 100x tighter) must
   converge to the reference. A difference here is not a tolerance question: it means the
   reference and the fast solver disagree about the model (a jump applied differently, an event
   missed), so the bounds are tight.
2. *Default accuracy.* ``simulate(sc)`` as learners run it, against the 1e-3 target of issue #7
   (max |ΔF| in normalised force over the whole run). Presets that do not meet it yet are listed
   in ``KNOWN_ABOVE_TARGET`` with the measured error: they are checked against that honest bound
   (so a regression still fails) and then reported as xfail. See docs/performance.md.

The reference itself is checked against a 10x tighter run of itself.
"""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib.reference import DEFAULT_RTOL, ReferenceStats, integrate_reference, reference_simulate

TARGET = 1e-3

# 1 s runs keep the tight references at ~0.5-1.5 s each.
HEALTHY_1S = simlib.Scenario(duration_s=1.0)  # the healthy default at 20 Hz, over 1 s
STIM_100HZ = simlib.Scenario(drive="stimulation", rate_hz=100.0, duration_s=1.0, drive_start_s=0.1, drive_s=0.5)
STIM_50HZ = simlib.Scenario(drive="stimulation", rate_hz=50.0, duration_s=1.0, drive_start_s=0.1, drive_s=0.6)

# Measured max |ΔF| at default accuracy, 2026-11-25 (model with the spinal motoneuron; solver of
# that day). The error is proportional to the solver tolerances (10x tighter -> ~10x smaller):
# it comes from the accumulated phase drift of repetitively firing integrate-and-fire units
# (motoneuron, ectopic axon), fed by Ca2+ and axon integration error. Bound = ~1.5x measured.
KNOWN_ABOVE_TARGET = {
    "healthy": 1.23e-3,
    "hypocalcaemia": 7.8e-3,
    "hypercalcaemia": 1.25e-3,
    "hypomagnesaemia": 8.5e-3,
    "hypokalaemia": 1.3e-3,
    "hyperkalaemia": 1.8e-3,  # also one motoneuron spike fewer, 0.8 ms after the command ends
    "hyponatraemia": 1.25e-3,
    "atp_depletion": 7.0e-3,
    "exercise_cramp": 6.1e-3,
    "cramp_stretch": 2.7e-3,
    "spasticity": 1.23e-3,
    "cold": 2.4e-3,
    "warm": 1.5e-3,
}
# spike-count differences known at default accuracy (name: fast minus reference, nerve spikes)
KNOWN_SPIKE_COUNT_DIFF = {"hyperkalaemia": -1}

_REFERENCES: dict[object, simlib.Result] = {}


def reference(sc: simlib.Scenario) -> simlib.Result:
    """Tight reference of a scenario, computed once per test session."""
    if sc not in _REFERENCES:
        _REFERENCES[sc] = reference_simulate(sc)
    return _REFERENCES[sc]


def max_force_error(a: simlib.Result, b: simlib.Result) -> float:
    return float(np.max(np.abs(a.force - b.force)))


# ------------------------------------------------------------------------------------------ the reference itself


def test_reference_is_converged():
    # measured: 7e-9 between rtol 1e-9 and 1e-10 (and 8e-9 against Radau at rtol 1e-8)
    tighter = reference_simulate(HEALTHY_1S, rtol=DEFAULT_RTOL / 10)
    assert max_force_error(reference(HEALTHY_1S), tighter) < 1e-6
    np.testing.assert_allclose(reference(HEALTHY_1S).nerve_spikes, tighter.nerve_spikes, rtol=0, atol=1e-8)


def test_reference_result_has_the_shape_of_simulate():
    ref, fast = reference(HEALTHY_1S), simlib.simulate(HEALTHY_1S)
    assert isinstance(ref, simlib.Result)
    np.testing.assert_array_equal(ref.t, fast.t)
    assert ref.states.shape == fast.states.shape
    np.testing.assert_array_equal(ref.states[0], fast.states[0])  # same initial state
    assert list(ref.nerve_spike_origins) == list(fast.nerve_spike_origins)
    assert ref.scenario == HEALTHY_1S
    assert ref.metrics().classification == fast.metrics().classification


def test_reference_stats_and_direct_call():
    from simlib.chain import kernel_params, rest_state
    from simlib.solver import STATUS_OK

    sc = simlib.Scenario(drive="stimulation", rate_hz=10.0, duration_s=0.3, drive_start_s=0.05, drive_s=0.2)
    kp = kernel_params(sc)
    impulses = np.array([50.0, 150.0])
    stats = ReferenceStats()
    samples, nerve, n_nerve, muscle, n_muscle, status, t = integrate_reference(
        rest_state(kp), kp, impulses, 300.0, 1.0, rtol=1e-6, stats=stats)
    assert status == STATUS_OK and t == 300.0
    assert samples.shape[0] == 301 and np.isfinite(samples).all()
    assert n_nerve == 2 and list(nerve[:2, 0]) == [50.0, 150.0]
    assert n_muscle == 2 and 50.0 < muscle[0] < 55.0 and 150.0 < muscle[1] < 155.0
    assert stats.segments >= 3 and stats.nfev > 0 and stats.njev > 0


# ------------------------------------------------------------------------------------------ same model, same events


@pytest.mark.parametrize(
    ("sc", "bound", "spike_atol_s"),
    [
        # measured at accuracy=100: 1.7e-5, 8.9e-6, 2.3e-6
        pytest.param(HEALTHY_1S, 2e-4, 2e-5, id="voluntary-20Hz"),
        pytest.param(STIM_100HZ, 1e-4, 2e-5, id="stimulation-100Hz"),
        pytest.param(STIM_50HZ, 1e-4, 2e-5, id="stimulation-50Hz"),
        # ectopic axon spikes (terminal events); measured 1.2e-4 over 3 s
        pytest.param(simlib.PRESETS["hypocalcaemia"].replace(duration_s=1.5), 5e-4, 1e-4, id="hypocalcaemia"),
        # stretch breakpoints, reflexes, self-sustained firing over 3 s: measured 3.9e-4 and spike
        # times up to 0.13 ms late after 70 spikes. The fast solver fires a spike at the end of
        # the step that crossed threshold, up to 5 µs late whatever the accuracy; the delays add up.
        pytest.param(simlib.PRESETS["cramp_stretch"], 1e-3, 5e-4, id="cramp_stretch"),
    ],
)
def test_fast_solver_converges_to_reference(sc, bound, spike_atol_s):
    ref = reference(sc)
    fast = simlib.simulate(sc, accuracy=100)
    assert len(fast.nerve_spikes) == len(ref.nerve_spikes)
    assert len(fast.muscle_spikes) == len(ref.muscle_spikes)
    assert list(fast.nerve_spike_origins) == list(ref.nerve_spike_origins)
    np.testing.assert_allclose(fast.nerve_spikes, ref.nerve_spikes, rtol=0, atol=spike_atol_s)
    assert max_force_error(fast, ref) < bound


SEEDED = np.random.default_rng(20261125)


def _random_scenarios(n: int) -> list[simlib.Scenario]:
    out = []
    for _ in range(n):
        out.append(simlib.Scenario(
            drive=str(SEEDED.choice(["voluntary", "stimulation"])), rate_hz=float(SEEDED.uniform(5, 100)),
            duration_s=1.0, drive_start_s=0.1, drive_s=0.5, ca_mM=float(SEEDED.uniform(0.9, 2.5)),
            k_mM=float(SEEDED.uniform(3.0, 7.0)), temperature_c=float(SEEDED.uniform(30, 40)),
            atp_mM=float(SEEDED.uniform(2, 8)), ache_activity=float(SEEDED.uniform(0.3, 1.0)),
        ))
    return out


@pytest.mark.parametrize("sc", _random_scenarios(4), ids=lambda sc: f"{sc.drive}-{sc.rate_hz:.0f}Hz")
def test_random_scenarios_converge_to_reference(sc):
    ref = reference(sc)
    fast = simlib.simulate(sc, accuracy=100)
    assert len(fast.nerve_spikes) == len(ref.nerve_spikes)
    assert max_force_error(fast, ref) < 5e-4
    # and the default accuracy is within a few times the target
    assert max_force_error(simlib.simulate(sc), ref) < 5 * TARGET


# ------------------------------------------------------------------------------------------ default accuracy


def test_default_accuracy_healthy_20hz_1s():
    # the healthy default at 20 Hz over 1 s: measured 9.9e-4 (thin margin under the 1e-3 target)
    ref = reference(HEALTHY_1S)
    fast = simlib.simulate(HEALTHY_1S)
    assert len(fast.nerve_spikes) == len(ref.nerve_spikes)
    assert max_force_error(fast, ref) <= 1.5 * TARGET


@pytest.mark.parametrize("sc", [STIM_50HZ, STIM_100HZ], ids=["50Hz", "100Hz"])
def test_default_accuracy_stimulation(sc):
    # measured 2.4e-4 (50 Hz) and 7.6e-4 (100 Hz)
    assert max_force_error(simlib.simulate(sc), reference(sc)) <= TARGET


@pytest.mark.parametrize("name", list(simlib.PRESETS))
def test_default_accuracy_every_preset(name):
    sc = simlib.PRESETS[name]
    ref = reference(sc)
    fast = simlib.simulate(sc)
    err = max_force_error(fast, ref)
    assert len(fast.nerve_spikes) - len(ref.nerve_spikes) == KNOWN_SPIKE_COUNT_DIFF.get(name, 0)
    assert fast.metrics().classification == ref.metrics().classification
    known = KNOWN_ABOVE_TARGET.get(name)
    if known is None:
        assert err <= TARGET
        return
    assert err <= 1.5 * known, f"{name}: max |ΔF| = {err:.2e}, worse than the {known:.1e} measured before"
    if err <= TARGET:
        pytest.fail(f"{name} now meets the 1e-3 target ({err:.2e}): remove it from KNOWN_ABOVE_TARGET")
    pytest.xfail(f"{name}: max |ΔF| = {err:.2e} > 1e-3 target at default tolerances (issue #7)")
