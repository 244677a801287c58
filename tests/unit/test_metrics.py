"""Metrics and classification on hand-made Results (DESIGN.md §2 "Metrics and classification").

The Results here are built directly from synthetic arrays, so each test pins one rule: the "after
drive" window (0.5 s after the drive ends to the end of the run), the classification precedence
contracture > cramp > tetany > spasticity > weakness > repetitive firing > fasciculation > normal, and the summary
numbers.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
import pytest

import simlib
from simlib.chain import STATE_NAMES
from simlib.metrics import AFTER_DRIVE_DELAY_S, CLASSIFICATIONS
from simlib.simulate import _healthy_reference

DT = 0.001
# Force during the drive in tests that must not be judged "weakness": 1.0 is the maximal fused tetanus of
# the healthy muscle, so no healthy response at the same drive can be more than twice as large.
# default drive: 0.2 s to 1.2 s, run 3 s -> after-drive window 1.7 s to 3.0 s
DRIVE = simlib.Scenario(motor_units=1)
REST = simlib.Scenario(motor_units=1, rate_hz=0.0)


def make_result(
    sc: simlib.Scenario,
    force,
    *,
    nerve=(),
    ectopic=(),
    muscle=(),
    v_muscle=None,
    quanta=None,
    resting_quantal_content: float = 25.0,
) -> simlib.Result:
    t = np.arange(int(round(sc.duration_s / DT)) + 1) * DT
    force = np.broadcast_to(np.asarray(force(t) if callable(force) else force, dtype=float), t.shape).copy()
    nerve_s = np.sort(np.asarray(list(nerve) + list(ectopic), dtype=float))
    v = np.full(t.shape, -85.0) if v_muscle is None else np.asarray(v_muscle, dtype=float)
    q = np.full(nerve_s.shape, 20.0) if quanta is None else np.asarray(quanta, dtype=float)
    return simlib.Result(
        t=t, force=force, v_muscle=v, ca_i=np.full(t.shape, 0.05), epp=np.zeros(t.shape),
        nerve_spikes=nerve_s, ectopic_spikes=np.asarray(sorted(ectopic), dtype=float),
        muscle_spikes=np.asarray(sorted(muscle), dtype=float), quanta=q,
        resting_quantal_content=resting_quantal_content, scenario=sc,
        states=np.zeros((t.size, len(STATE_NAMES))),
        # the weakness test compares with the healthy muscle under the same drive, as simulate() sets up
        healthy_reference=functools.partial(_healthy_reference, sc, None),
    )


def train(start: float, stop: float, rate: float = 10.0) -> list[float]:
    return list(np.arange(start, stop, 1.0 / rate))


def step_force(level_during: float, level_after: float, sc: simlib.Scenario = DRIVE):
    """Force ``level_during`` from drive start to drive end, then ``level_after`` (0 before the drive)."""
    def f(t):
        return np.where(t < sc.drive_start_s, 0.0, np.where(t < sc.drive_end_s, level_during, level_after))
    return f


AFTER = DRIVE.drive_end_s + AFTER_DRIVE_DELAY_S  # 1.7 s


# ------------------------------------------------------------------------------------------ classification


def test_contracture_force_stays_without_muscle_spikes():
    res = make_result(DRIVE, step_force(0.8, 0.3), nerve=train(0.2, 1.2, 20), muscle=train(0.2, 1.2, 20))
    m = res.metrics()
    assert m.classification == "contracture"
    assert m.force_after_drive == pytest.approx(0.3)
    assert m.muscle_spikes_after_drive == 0
    assert m.relaxation_time_s == math.inf


def test_contracture_takes_precedence_over_cramp_and_tetany():
    # motoneuron and ectopic firing after the drive, but the muscle is electrically silent
    res = make_result(DRIVE, step_force(0.8, 0.3), nerve=train(0.2, 3.0, 20), ectopic=train(1.75, 2.9, 7))
    assert res.metrics().classification == "contracture"


def test_contracture_needs_electrical_silence():
    # same force, but the muscle keeps firing after the drive (and so does the motoneuron): cramp
    res = make_result(DRIVE, step_force(0.8, 0.3), nerve=train(0.2, 3.0, 20), muscle=train(0.2, 3.0, 20))
    assert res.metrics().classification == "cramp"


def test_contracture_threshold():
    res = make_result(DRIVE, step_force(0.8, 0.19))
    assert res.metrics().classification != "contracture"


def test_cramp_motoneuron_keeps_firing_after_drive():
    spikes = train(0.2, 3.0, 12)
    res = make_result(DRIVE, step_force(0.5, 0.15), nerve=spikes, muscle=spikes)
    m = res.metrics()
    assert m.classification == "cramp"
    assert m.nerve_spikes_after_drive == sum(AFTER <= s <= 3.0 for s in spikes)
    assert m.muscle_spikes_after_drive == m.nerve_spikes_after_drive


def test_cramp_takes_precedence_over_tetany():
    res = make_result(DRIVE, step_force(0.5, 0.15), nerve=train(0.2, 3.0, 12), ectopic=train(0.05, 0.2, 20),
                      muscle=train(0.2, 3.0, 12))
    assert res.metrics().classification == "cramp"


def test_ectopic_spikes_alone_are_not_cramp():
    # nerve firing after the drive that started in the peripheral axon is tetany, not cramp
    ectopic = train(1.75, 3.0, 8)
    res = make_result(DRIVE, step_force(0.5, 0.15), ectopic=ectopic, muscle=ectopic)
    m = res.metrics()
    assert m.classification == "tetany"
    assert res.motoneuron_spikes.size == 0
    assert m.nerve_spikes_after_drive == len(ectopic)


def test_cramp_threshold():
    spikes = train(0.2, 3.0, 12)
    res = make_result(DRIVE, step_force(1.0, 0.09), nerve=spikes, muscle=spikes)
    assert res.metrics().classification == "normal"


def test_cramp_ignores_motoneuron_spikes_before_after_window():
    # firing continues only until 0.4 s after the drive: outside the after-drive window
    spikes = train(0.2, DRIVE.drive_end_s + 0.4, 12)
    res = make_result(DRIVE, step_force(1.0, 0.15), nerve=spikes, muscle=spikes)
    m = res.metrics()
    assert m.nerve_spikes_after_drive == 0
    assert m.classification == "normal"


def test_tetany_without_drive():
    ectopic = train(0.3, 3.0, 10)
    res = make_result(REST, 0.1, ectopic=ectopic, muscle=ectopic)
    m = res.metrics()
    assert m.classification == "tetany"
    assert m.plateau_force == 0.0


def test_tetany_needs_force():
    ectopic = train(0.3, 3.0, 10)
    res = make_result(REST, 0.04, ectopic=ectopic, muscle=ectopic)
    assert res.metrics().classification == "normal"


def test_tetany_before_the_drive():
    # ectopic firing before a normal voluntary contraction (force during the drive as in health)
    ectopic = train(0.0, 0.2, 20)
    res = make_result(DRIVE, lambda t: np.where(t < 0.2, 0.08, np.where(t < 1.2, 1.0, 0.0)), ectopic=ectopic,
                      nerve=train(0.2, 1.2, 20))
    assert res.metrics().classification == "tetany"


def test_tetany_takes_precedence_over_weakness():
    ectopic = train(1.75, 3.0, 10)
    res = make_result(DRIVE, step_force(0.0, 0.1), ectopic=ectopic, nerve=train(0.2, 1.2, 20))
    assert res.metrics().classification == "tetany"


def test_weakness_when_response_is_small():
    # the healthy default reaches a clearly larger peak at this drive (compared via a real simulation)
    res = make_result(DRIVE, step_force(0.001, 0.0), nerve=train(0.2, 1.2, 20))
    assert res.metrics().classification == "weakness"


def test_normal_when_response_is_large():
    res = make_result(DRIVE, step_force(1.0, 0.0), nerve=train(0.2, 1.2, 20), muscle=train(0.2, 1.2, 20))
    m = res.metrics()
    assert m.classification == "normal"
    assert m.peak_force_during_drive == pytest.approx(1.0)


def test_no_drive_is_never_weakness():
    res = make_result(REST, 0.0)
    assert res.metrics().classification == "normal"


def test_classification_is_one_of_the_documented_labels():
    assert set(CLASSIFICATIONS) == {"normal", "weakness", "tetany", "cramp", "contracture", "spasticity",
                                    "repetitive firing", "fasciculation"}


# --- spasticity and repetitive firing


STRETCHED = simlib.Scenario(motor_units=1, stretch_at_s=2.0, duration_s=4.0)  # drive 0.2-1.2 s, stretch at 2 s


def with_origins(res: simlib.Result, origins: dict[float, str]) -> simlib.Result:
    """Label each nerve spike: by time in ``origins``, "commanded" otherwise."""
    labels = np.array([origins.get(float(s), "commanded") for s in res.nerve_spikes], dtype=object)
    return dataclasses.replace(res, nerve_spike_origins=labels)


def stretch_run(n_reflex: int, *, force_after: float = 0.3, self_sustained: int = 0,
                sc: simlib.Scenario = STRETCHED, force_until: float = 4.0) -> simlib.Result:
    """A healthy-looking drive, then a burst of reflex spikes (and optionally self-sustained ones) at 2 s.

    Force is ``force_after`` from the stretch (2 s) to ``force_until``.
    """
    command = train(0.2, 1.2, 20)
    reflex = [2.0 + 0.02 * (k + 1) for k in range(n_reflex)]
    sustained = [3.0 + 0.05 * k for k in range(self_sustained)]
    spikes = command + reflex + sustained
    def force(t):
        return np.where((t >= 0.2) & (t < 1.2), 0.6, np.where((t >= 2.0) & (t < force_until), force_after, 0.0))

    res = make_result(sc, force, nerve=spikes, muscle=spikes)
    return with_origins(res, {**dict.fromkeys(reflex, "reflex"), **dict.fromkeys(sustained, "self-sustained")})


def test_spasticity_is_an_exaggerated_reflex_burst_after_a_stretch():
    from simlib.metrics import SPASTICITY_MIN_REFLEX_SPIKES

    assert stretch_run(SPASTICITY_MIN_REFLEX_SPIKES).metrics().classification == "spasticity"
    # a normal stretch reflex (a few spikes) is not spasticity
    assert stretch_run(SPASTICITY_MIN_REFLEX_SPIKES - 1).metrics().classification == "normal"


def test_spasticity_needs_force_and_a_stretch():
    from simlib.metrics import SPASTICITY_FORCE

    assert stretch_run(12, force_after=0.9 * SPASTICITY_FORCE).metrics().classification == "normal"
    # reflex-labelled spikes without a stretch in the scenario are not judged as spasticity
    assert stretch_run(12, sc=STRETCHED.replace(stretch_at_s=None)).metrics().classification == "normal"


def test_self_sustained_firing_after_the_stretch_is_not_spasticity():
    # force stays and the motoneuron keeps firing by itself: a cramp (precedence cramp > spasticity)
    assert stretch_run(12, self_sustained=10).metrics().classification == "cramp"
    # a brief reflex contraction (mean force after the drive < 0.1: no cramp) is spasticity only if
    # no self-sustained firing follows it
    brief = {"force_after": 0.6, "force_until": 2.2}
    assert stretch_run(12, **brief).metrics().force_after_drive < 0.1
    assert stretch_run(12, **brief).metrics().classification == "spasticity"
    assert stretch_run(12, self_sustained=2, **brief).metrics().classification == "normal"


def test_tetany_takes_precedence_over_spasticity():
    res = stretch_run(12)
    ectopic = [0.05, 0.1, 0.15]
    res = dataclasses.replace(res, ectopic_spikes=np.array(ectopic), force=np.where(res.t < 0.2, 0.1, res.force))
    assert res.metrics().classification == "tetany"


def test_repetitive_firing_more_muscle_action_potentials_than_nerve_impulses():
    nerve = train(0.2, 1.2, 20)
    double = sorted(nerve + [s + 0.004 for s in nerve])  # two muscle action potentials per impulse
    res = make_result(DRIVE, step_force(1.0, 0.0), nerve=nerve, muscle=double)
    assert res.metrics().classification == "repetitive firing"
    # one or two extra action potentials in twenty impulses are not repetitive firing
    for extra in (1, 2):
        muscle = nerve + [1.21 + 0.01 * k for k in range(extra)]
        res = make_result(DRIVE, step_force(1.0, 0.0), nerve=nerve, muscle=muscle)
        assert res.metrics().classification == "normal"
    # without any nerve impulse, two muscle action potentials are enough
    assert make_result(REST, 0.0, muscle=[0.5, 1.0]).metrics().classification == "repetitive firing"


def test_weakness_takes_precedence_over_repetitive_firing():
    nerve = train(0.2, 1.2, 20)
    res = make_result(DRIVE, step_force(0.001, 0.0), nerve=nerve, muscle=sorted(nerve + [s + 0.004 for s in nerve]))
    assert res.metrics().classification == "weakness"


@pytest.mark.parametrize("velocity", [5.0, 30.0, 60.0, 120.0, 200.0, 300.0])
def test_healthy_stretch_reflex_stays_below_the_spasticity_threshold(velocity):
    # The threshold is set at twice the healthy reflex burst: reflex gain 1 fires at most 4 spikes
    # over the whole stretch-speed range (5-300 °/s), a reflex gain of 2-3 fires 9-17 at ≥ 60 °/s.
    from simlib.metrics import SPASTICITY_MIN_REFLEX_SPIKES

    res = simlib.simulate(STRETCHED.replace(stretch_velocity_deg_s=velocity))
    assert res.spikes_from("reflex").size <= SPASTICITY_MIN_REFLEX_SPIKES // 2
    assert res.metrics().classification == "normal"


@pytest.mark.parametrize("drive", ["voluntary", "stimulation"])
def test_healthy_muscle_fires_one_action_potential_per_impulse(drive):
    for rate in (5.0, 20.0, 50.0, 100.0, 150.0):
        res = simlib.simulate(simlib.Scenario(motor_units=1, drive=drive, rate_hz=rate))
        assert res.muscle_spikes.size <= res.nerve_spikes.size, rate
        assert res.metrics().classification == "normal", rate


# ------------------------------------------------------------------------------------------ summary numbers


def test_windows_and_summary_numbers():
    sc = DRIVE
    # force rises linearly during the drive (0 -> 1), then decays with τ = 0.1 s
    def f(t):
        during = (t - sc.drive_start_s) / sc.drive_s
        return np.where(t < sc.drive_start_s, 0.0,
                        np.where(t < sc.drive_end_s, during, np.exp(-(t - sc.drive_end_s) / 0.1)))
    res = make_result(sc, f)
    m = res.metrics()
    t = res.t
    assert m.peak_force == pytest.approx(res.force.max())
    # plateau: mean over the last quarter of the drive, 0.95-1.2 s
    plateau_mask = (t >= sc.drive_end_s - sc.drive_s / 4 - 1e-12) & (t <= sc.drive_end_s + 1e-12)
    assert m.plateau_force == pytest.approx(res.force[plateau_mask].mean())
    after_mask = t >= AFTER - 1e-12
    assert m.force_after_drive == pytest.approx(res.force[after_mask].mean())
    # below 10 % of peak after ln(10)·τ = 0.230 s (sampled every ms)
    assert m.relaxation_time_s == pytest.approx(0.1 * math.log(10.0), abs=2 * DT)
    assert m.classification == "normal"


def test_relaxation_time_inf_when_force_never_drops():
    res = make_result(DRIVE, step_force(0.5, 0.5))
    assert res.metrics().relaxation_time_s == math.inf


def test_relaxation_time_zero_without_force():
    res = make_result(REST, 0.0)
    assert res.metrics().relaxation_time_s == 0.0


def test_spike_counts_use_after_drive_window():
    nerve = [0.5, 1.3, AFTER - 0.01, AFTER + 0.01, 2.0, 2.99]
    muscle = [0.5, AFTER + 0.02]
    res = make_result(DRIVE, 0.0, nerve=nerve, muscle=muscle)
    m = res.metrics()
    assert m.nerve_spikes_after_drive == 3
    assert m.muscle_spikes_after_drive == 1


def test_after_window_when_run_ends_before_it():
    # drive outlasts the run: the after-drive window is the last sample
    sc = simlib.Scenario(motor_units=1, duration_s=1.0, drive_start_s=0.2, drive_s=5.0)
    res = make_result(sc, lambda t: t)
    m = res.metrics()
    assert m.force_after_drive == pytest.approx(res.force[-1])


def test_resting_potential_is_muscle_potential_before_drive():
    sc = DRIVE
    t = np.arange(3001) * DT
    v = np.where(t < sc.drive_start_s, -87.0, 20.0)
    v[5] = 30.0  # a single outlier before the drive does not move the resting value
    res = make_result(sc, 0.0, v_muscle=v)
    assert res.metrics().resting_potential_mV == pytest.approx(-87.0)


def test_resting_potential_when_drive_starts_at_zero():
    sc = simlib.Scenario(motor_units=1, drive_start_s=0.0)
    t = np.arange(3001) * DT
    res = make_result(sc, 0.0, v_muscle=-80.0 + t)
    assert res.metrics().resting_potential_mV == pytest.approx(-80.0)


def test_quantal_content_is_mean_of_released_quanta():
    res = make_result(DRIVE, 0.0, nerve=[0.3, 0.4, 0.5], quanta=[30.0, 20.0, 10.0])
    assert res.metrics().quantal_content == pytest.approx(20.0)


def test_quantal_content_falls_back_without_impulses():
    res = make_result(REST, 0.0, resting_quantal_content=27.5)
    assert res.metrics().quantal_content == 27.5


def test_metrics_are_frozen():
    m = make_result(REST, 0.0).metrics()
    assert isinstance(m, simlib.Metrics)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.classification = "cramp"
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.peak_force = 2.0


def test_metrics_types():
    m = make_result(DRIVE, step_force(0.5, 0.0), nerve=train(0.2, 1.2, 20)).metrics()
    for name in ("peak_force", "plateau_force", "force_after_drive", "relaxation_time_s",
                 "resting_potential_mV", "quantal_content"):
        assert isinstance(getattr(m, name), float), name
    assert isinstance(m.nerve_spikes_after_drive, int)
    assert isinstance(m.muscle_spikes_after_drive, int)
    assert m.classification in CLASSIFICATIONS


def test_metrics_of_real_run_are_consistent():
    res = simlib.simulate(simlib.Scenario(motor_units=1))
    m = res.metrics()
    assert m == res.metrics()  # computed from the Result alone, deterministic
    assert m.peak_force == pytest.approx(res.force.max())
    assert m.resting_potential_mV == pytest.approx(res.v_muscle[0], abs=0.01)
    assert m.quantal_content > 0.0


@pytest.mark.parametrize("drive", ["voluntary", "stimulation"])
def test_no_drive_makes_the_healthy_muscle_exceed_the_bound_used_to_skip_the_weakness_run(drive):
    # compute_metrics skips the healthy comparison run when the response exceeds
    # WEAKNESS_RATIO * HEALTHY_PEAK_BOUND; that is only the same answer if the bound holds.
    from simlib.metrics import HEALTHY_PEAK_BOUND
    from simlib.simulate import healthy_response

    for rate in (20.0, 45.0, 100.0, 150.0):
        for drive_s in (0.5, 5.0):
            sc = simlib.Scenario(motor_units=1, drive=drive, rate_hz=rate, drive_start_s=0.2, drive_s=drive_s,
                                 duration_s=drive_s + 1.0)
            healthy = healthy_response(simlib.Protocol.from_scenario(sc), sc.duration_s)
            assert healthy.held <= healthy.peak <= HEALTHY_PEAK_BOUND


def test_voluntary_rates_above_the_maximal_one_share_one_healthy_run():
    # Every requested rate at or above the motoneuron's maximal rate gets the strongest command,
    # so the healthy comparison run is the same simulation: it is computed once and reused.
    from simlib.simulate import _healthy_reference, healthy_response
    from simlib.stages.drive import descending_level_mV, max_voluntary_rate_hz

    top = max_voluntary_rate_hz(1.0)
    assert descending_level_mV(top, 1.0) == descending_level_mV(150.0, 1.0)
    fast = simlib.Scenario(motor_units=1, rate_hz=150.0, drive_start_s=0.2, drive_s=0.5, duration_s=1.0)
    direct = healthy_response.__wrapped__(simlib.Protocol.from_scenario(fast), 1.0)
    before = healthy_response.cache_info().currsize
    assert _healthy_reference(fast, None) == direct
    assert _healthy_reference(fast.replace(rate_hz=120.0), None) == direct
    assert healthy_response.cache_info().currsize <= before + 1


@pytest.mark.parametrize("changes", [{"length_rel": 1.5}, {"length_rel": 0.6}, {"load_rel": 0.1}, {"load_rel": 0.5}])
def test_a_healthy_muscle_at_another_length_or_lifting_a_load_is_not_weak(changes):
    # Weakness is "less than half the healthy force for the same nerve signal": the healthy muscle it is
    # compared with has the same length and load (issue 20: a long muscle's low active force, or an
    # isotonic force held at a light load, is mechanics, not weakness).
    sc = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=100.0, drive_s=0.5, duration_s=1.0, **changes)
    res = simlib.simulate(sc)
    assert res.metrics().classification == "normal"
    weak = simlib.simulate(sc.replace(receptor_block=0.95))
    assert weak.metrics().classification == "weakness"


def test_a_contraction_that_starts_but_is_not_held_is_weakness():
    # The peak alone (0.39 of 0.68 healthy: more than half) would pass; the force held over the last
    # quarter of the drive (0 against 0.67) makes it weakness. A twitch's drive holds nothing, so the
    # held-force test does not apply to it.
    from simlib.metrics import HELD_MIN_FORCE

    blocked = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=20.0, ache_activity=0.0))
    healthy = blocked.healthy_response
    assert blocked.metrics().peak_force_during_drive >= 0.5 * healthy.peak
    assert healthy.held >= HELD_MIN_FORCE and blocked.metrics().plateau_force < 0.5 * healthy.held
    assert blocked.metrics().classification == "weakness"
    assert blocked.metrics(healthy_peak=healthy.peak).classification != "weakness"  # an explicit peak: peak only
    twitch = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=20.0),
                             protocol=simlib.Protocol.pulses([0.1]))
    assert twitch.healthy_response.held < HELD_MIN_FORCE
