"""Metabolite-sensitive group III/IV muscle afferents and their spinal effects (issue 20 item 4).

Their activity follows the metabolites of contraction (Pi stands for them in the model) with a lag of
seconds; it adds to the learner's spinal ``fatigue`` (more spindle Ia, less tendon-organ Ib drive) and
excites fusimotor neurones (Ia drive with or without force).
"""

from __future__ import annotations

from functools import cache

import numpy as np

import simlib
from simlib import Protocol, chain

#: the pathway switched off: no fatigue-equivalent, no fusimotor drive
_NO_GROUP34 = {"g34_fatigue_equivalent": 0.0, "ia_fusimotor_mV": 0.0}


@cache
def _train(rate_hz: float, drive_s: float, duration_s: float, blood_flow: float = 1.0) -> simlib.Result:
    """A stimulated train from 0.5 s, then rest until ``duration_s``."""
    sc = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=rate_hz, drive_start_s=0.5, drive_s=drive_s,
                         duration_s=duration_s, blood_flow=blood_flow)
    return simlib.simulate(sc)


def _at(res: simlib.Result, name: str, t_s: float) -> float:
    return float(res.state(name)[np.searchsorted(res.t, t_s)])


def test_group34_afferents_are_silent_in_resting_muscle():
    # Metabolite-sensitive group III/IV afferents have little or no resting discharge (Kaufman & Rybicki 1987,
    # Circ Res 61:I60): the activity starts at 0 and stays below 0.001 over 3 s of rest.
    res = simlib.simulate(simlib.Scenario(motor_units=1, rate_hz=0.0, duration_s=3.0))
    assert np.max(np.abs(res.state("group34_activity"))) < 1e-3


def test_group34_activity_develops_late_in_a_fatiguing_train_and_outlasts_it():
    # Fusimotor excitation by group III/IV afferents develops late in a fatiguing contraction and outlasts it
    # (Ljubisavljevic, Jovanovic & Anastasijevic 1992, J Physiol 445:499). 10 s of 20 Hz: the activity gained in
    # the second half of the train is larger than in the first; 5 s after the train it is still above half of its
    # value at the end of the train.
    res = _train(20.0, 10.0, 16.0)
    a0, a_mid, a_end = (_at(res, "group34_activity", t) for t in (0.5, 5.5, 10.5))
    assert a_end - a_mid > a_mid - a0 > 0.0
    assert _at(res, "group34_activity", 15.5) > 0.5 * a_end


def test_ischaemia_brings_group34_activity_on_earlier_and_holds_it_after_exercise():
    # With the contracting muscle ischaemic, the late fusimotor increase develops earlier, and it subsides once the
    # arterial clamp is removed (Ljubisavljevic et al. 1992); post-exercise circulatory occlusion keeps the
    # metabolite-sensitive afferents firing (Alam & Smirk 1937, J Physiol 89:372). 8 s of 20 Hz: occlusion gives
    # more activity at 4 s into the train; after it, with circulation the activity falls below 3/4 of its peak by
    # 49 s (metabolites cleared: Pi recovery half-time ≈ 30-40 s, Kemp et al. 2007), with occlusion it does not fall.
    perfused, occluded = _train(20.0, 8.0, 58.0), _train(20.0, 8.0, 58.0, blood_flow=0.0)
    assert _at(occluded, "group34_activity", 4.5) > _at(perfused, "group34_activity", 4.5)
    assert _at(perfused, "group34_activity", 57.5) < 0.75 * np.max(perfused.state("group34_activity"))
    assert _at(occluded, "group34_activity", 57.5) >= _at(occluded, "group34_activity", 8.5)


def test_group34_activity_moves_the_spinal_balance_towards_spindles():
    # Altered neuromuscular control with fatigue: more spindle (Ia) and less Golgi tendon organ (Ib) drive
    # (Schwellnus 2009, Br J Sports Med 43:401; Nelson & Hutton 1985; Hutton & Nelson 1986), and fusimotor
    # excitation by group III/IV afferents (Ljubisavljevic et al. 1992). At the same force (0.5) and learner
    # fatigue (0), half-maximal activity raises Ia and lowers Ib; at zero force it still gives some Ia drive
    # but not enough to recruit a rested motoneuron (< 13 mV, the ramp's recruitment command).
    kp = chain.kernel_params(simlib.Scenario(motor_units=1))
    y = chain.rest_state(kp)
    inputs = chain._AT_REST
    y[chain.FORCE] = 0.5 * kp.force_unit
    ia0, ib0 = chain.reflex_inputs(0.0, y, kp, inputs)
    y[chain.G34] = 0.5
    ia1, ib1 = chain.reflex_inputs(0.0, y, kp, inputs)
    assert ia1 > ia0 and ib1 < ib0
    y[chain.FORCE], y[chain.G34] = 0.0, 1.0
    ia_rest, _ = chain.reflex_inputs(0.0, y, kp, inputs)
    assert 0.0 < ia_rest < 13.0


def _last_ramp_spike_s(sc: simlib.Scenario, constants: dict | None) -> float:
    run = sc.replace(drive="voluntary", rate_hz=0.0, drive_start_s=0.5, drive_s=10.0, duration_s=11.5)
    res = simlib.simulate(run, protocol=Protocol.ramp(30.0, 0.5, 10.0), constants=constants)
    return float(res.motoneuron_spikes[-1])


def test_exercise_keeps_a_fatigued_motoneuron_firing_longer_on_a_slow_ramp():
    # Exercise-driven group III/IV input adds to the fatigue balance (Schwellnus 2009): on a 10 s triangular
    # command (peak 30 mV, lesson 05) a fatigued motoneuron fires later into the falling command with the pathway
    # than without it (model: last spike 10.42 vs 9.94 s; the command reaches 0 at 10.5 s).
    sc = simlib.Scenario(motor_units=1, fatigue=1.0)
    assert _last_ramp_spike_s(sc, None) > _last_ramp_spike_s(sc, _NO_GROUP34) + 0.2


def test_cramp_threshold_frequency_rises_after_local_fatiguing_exercise():
    # In people, the threshold frequency of an electrically induced cramp is higher right after local fatiguing
    # exercise than before (32.9 ± 11.7 vs 20.0 ± 7.7 Hz; Stone, Edwards, Huxel, Cordova, Ingersoll & Babington
    # 2010, J Sports Sci 28:399): peripheral fatigue outweighs the afferent changes. A fatigued model muscle that
    # cramps after a rested 2 s train at 14 Hz does not cramp after 14, 20 or 30 Hz trains that follow 20 s of
    # 30 Hz stimulation and 2 s of rest (model: threshold 14 Hz rested, 135 Hz after the fatiguing train).
    sc = simlib.Scenario(motor_units=1, fatigue=1.0, drive="stimulation", drive_start_s=0.2, drive_s=2.0,
                         duration_s=5.2)
    assert simlib.simulate(sc.replace(rate_hz=14.0)).metrics().classification == "cramp"
    test_s = 0.2 + 20.0 + 2.0
    after = sc.replace(duration_s=test_s + 5.0)
    for rate in (14.0, 20.0, 30.0):
        protocol = Protocol.train(30.0, 0.2, 20.0) + Protocol.train(rate, test_s, 2.0)
        assert simlib.simulate(after.replace(rate_hz=rate), protocol=protocol).metrics().classification != "cramp"


def test_a_long_strong_contraction_raises_cramp_susceptibility_by_itself():
    # Exercise-associated cramps come in the working muscle during or after prolonged or intense exercise, with
    # fatigue as the proposed cause (Schwellnus 2009; Schwellnus et al. 2011, Br J Sports Med 45:650: faster race
    # pace). A rested muscle (fatigue 0) with somewhat raised excitability (pic_gain 1.4): a 1 s, 30 Hz voluntary
    # contraction stops with the command, a 5 s one leaves a cramp; without the group III/IV pathway the 5 s one
    # stops too (model: no cramp after 1, 3, 5 or 10 s without it; a cramp after 3, 5 and 10 s with it).
    def label(drive_s: float, constants: dict | None = None) -> str:
        sc = simlib.Scenario(motor_units=1, pic_gain=1.4, rate_hz=30.0, drive_s=drive_s, duration_s=0.2 + drive_s + 4.0)
        return simlib.simulate(sc, constants=constants).metrics().classification

    assert label(1.0) == "normal"
    assert label(5.0) == "cramp"
    assert label(5.0, _NO_GROUP34) == "normal"
