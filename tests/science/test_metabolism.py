"""Energy metabolism (issue 20, item 3): ATP, PCr and Pi states, creatine kinase, resynthesis, perfusion.

Each assertion carries its published value, source and tolerance.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

import simlib
from simlib.model import resolve_constants
from simlib.stages.metabolism import pi_factor, release_pi_factor


def _index(t: np.ndarray, s: float) -> int:
    return int(np.searchsorted(t, s))


@cache
def _train(rate_hz: float, drive_s: float, duration_s: float, blood_flow: float = 1.0,
           glycogenolysis: float = 1.0) -> simlib.Result:
    """A stimulated train from 0.5 s, then rest until ``duration_s``."""
    sc = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=rate_hz, drive_start_s=0.5, drive_s=drive_s,
                         duration_s=duration_s, blood_flow=blood_flow, glycogenolysis=glycogenolysis)
    return simlib.simulate(sc)


@cache
def _fatigue_and_test(rest_s: float) -> simlib.Result:
    """PhysioEx activity 5: a 10 s, 20 Hz fatiguing train, a rest, then a 1 s test train at 20 Hz."""
    protocol = simlib.Protocol.train(20.0, 0.5, 10.0) + simlib.Protocol.train(20.0, 10.5 + rest_s, 1.0)
    return simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", duration_s=12.0 + rest_s),
                           protocol=protocol)


def test_result_exposes_the_metabolite_states_in_mM():
    res = simlib.simulate(simlib.Scenario(motor_units=1))
    for name in ("atp", "pcr", "pi"):
        trace = res.state(name)
        assert trace.shape == res.t.shape and np.all(np.isfinite(trace))
    names = list(simlib.chain.STATE_NAMES)
    assert all(simlib.chain.STATE_UNITS[names.index(n)] == "mM" for n in ("atp", "pcr", "pi"))


def test_resting_values_are_those_of_human_muscle():
    res = simlib.simulate(simlib.Scenario(motor_units=1))
    # the learner's atp_mM is the resting ATP (default 5 mM, Baylor & Hollingworth 1998): exact
    assert res.state("atp")[0] == pytest.approx(5.0, abs=1e-12)
    # resting PCr ≈ 25-35 mM in human muscle (Harris, Hultman & Nordesjö 1974; Kemp, Meyerspeer & Moser 2007,
    # NMR Biomed 20:555): the model's comes from CK equilibrium, allowed 25-35 mM
    assert 25.0 <= res.state("pcr")[0] <= 35.0
    # resting Pi 3-4.5 mM (³¹P-MRS, Kemp et al. 2007): the declared resting value
    assert 3.0 <= res.state("pi")[0] <= 4.5


def test_resting_fibre_is_stationary():
    # a resting, perfused fibre keeps its metabolites: resynthesis balances resting use by construction;
    # drift over 5 s below 0.01 mM (far below the ~1 mM resolution of ³¹P-MRS)
    res = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", duration_s=5.0),
                          protocol=simlib.Protocol())
    for name in ("atp", "pcr", "pi"):
        trace = res.state(name)
        assert np.ptp(trace) < 0.01, name


def test_pcr_falls_during_contraction_and_recovers_with_a_human_half_time():
    res = _train(20.0, 8.0, 60.0)
    t, pcr, atp = res.t, res.state("pcr"), res.state("atp")
    end = _index(t, 8.6)
    # intense contraction: PCr falls by a third or more while ATP stays within 10 % of rest (creatine kinase
    # buffering). Human quadriceps, 20 Hz (Hultman & Sjöholm 1983, J Physiol 345:525; Spriet et al. 1987, J Appl
    # Physiol 62:611): ATP turnover 5.6 mmol/kg dry muscle/s over the first 10 s, ≈60 % of it from PCr (resting
    # PCr ≈ 80 mmol/kg dm), i.e. ≈ 34 % of PCr in 8 s; ATP falls < 10 %. Allowed: 25-60 % of PCr used in 8 s
    assert 0.4 * pcr[0] <= pcr[end] <= 0.75 * pcr[0]
    assert atp.min() > 0.9 * atp[0]
    # recovery half-time of PCr by ³¹P-MRS with normal perfusion ≈ 20-40 s (Quistorff et al. 1993; Haseler,
    # Hogan & Richardson 1999, J Appl Physiol 86:2013; Kemp et al. 2015, Acta Physiol 213:107): 15-45 s allowed
    deficit = pcr[0] - pcr[end]
    half = t[end + int(np.argmax(pcr[end:] >= pcr[end] + 0.5 * deficit))] - t[end]
    assert 15.0 <= half <= 45.0


def test_pcr_does_not_recover_under_occlusion():
    # Quistorff, Johansen & Sahlin 1993, Biochem J 291:681: no PCr resynthesis during ischaemic recovery
    # (glycogenolysis stops with contraction, respiration has no O2); allowed: < 1 mM regained in 50 s
    res = _train(20.0, 8.0, 60.0, blood_flow=0.0)
    t, pcr = res.t, res.state("pcr")
    end = _index(t, 8.6)
    assert pcr[-1] - pcr[end] < 1.0
    # with normal perfusion, more than half of the deficit comes back in the same time (previous test)
    assert _train(20.0, 8.0, 60.0).state("pcr")[-1] - _train(20.0, 8.0, 60.0).state("pcr")[end] > 5.0


def test_less_blood_flow_slows_pcr_recovery():
    # Haseler et al. 1999: less O2 delivery, slower PCr recovery; half the flow regains less in 50 s
    full = _train(20.0, 8.0, 60.0).state("pcr")
    half = _train(20.0, 8.0, 60.0, blood_flow=0.5).state("pcr")
    assert half[-1] < full[-1] - 1.0


def test_fatigue_recovers_more_with_longer_rest():
    # PhysioEx Exercise 2 activity 5 / Allen, Lamb & Westerblad 2008 §I: a long train loses force, and the
    # force of a test train recovers with rest, the more the longer the rest
    tests = []
    for rest in (2.0, 10.0, 30.0):
        res = _fatigue_and_test(rest)
        t, f = res.t, res.force
        first = f[(t > 0.5) & (t < 1.5)].max()
        end = f[(t > 10.0) & (t < 10.5)].max()
        # the fatiguing train loses more than a quarter of its force (Pi rises > 15 mM; 20 % allowed margin)
        assert end < 0.75 * first
        tests.append(f[t > 10.5 + rest].max())
    assert tests[0] < tests[1] < tests[2]
    assert tests[2] > tests[0] + 0.05


def test_mcardle_ischaemic_exercise_gives_an_electrically_silent_contracture():
    # McArdle disease (no glycogenolysis): ischaemic exercise ends in a contracture with a silent EMG (Lewis &
    # Haller 1986, J Appl Physiol 61:391; DiMauro & Lamperti 2001), usually within the first minute. After 28 s of
    # ischaemic 20 Hz stimulation, force stays > 0.5 of maximum for 5 s after the stimulus stops, with no muscle
    # action potentials (28 s since the two-speed RyR inactivation of issue 18 lowered the Ca²⁺ pumped per AP;
    # ATP runs out after about 26 s)
    res = _train(20.0, 28.0, 34.0, blood_flow=0.0, glycogenolysis=0.0)
    t, f = res.t, res.force
    after = t > 29.0
    assert f[after].min() > 0.5
    assert not np.any(np.asarray(res.muscle_spikes) > 28.6)
    assert res.state("atp")[-1] < 0.1  # ATP exhausted: rigor (Lymn & Taylor 1971)
    assert res.metrics().classification == "contracture"


def test_normal_perfused_muscle_relaxes_after_the_same_train():
    # the same train with normal perfusion and glycogenolysis: force returns to rest within 5 s
    res = _train(20.0, 25.0, 31.0)
    assert res.force[-1] < 0.05


def test_atp_depletion_preset_is_still_rigor():
    res = simlib.simulate(simlib.PRESETS["atp_depletion"].replace(motor_units=1))
    assert np.all(res.state("atp") == 0.0)  # no adenine nucleotides: nothing to rephosphorylate
    assert res.metrics().classification == "contracture"


@pytest.mark.parametrize(("name", "expected", "tol"), [
    # 30 mM Pi lowers maximal force by ≈15 % near 30-37 °C (Coupland et al. 2001; Debold et al. 2004): ±5 %
    ("pi_k_force_mM", 0.85, 0.05),
    # 30 mM Pi shifts pCa50 by ≈0.2 (Millar & Homsher 1990; Debold et al. 2006): Ca²⁺ off-rate × 10^0.2 ± 0.1
    ("pi_k_calcium_mM", 1.0 / 10**0.2, 0.12),
])
def test_pi_effect_magnitudes(name, expected, tol):
    # Allen, Lamb & Westerblad 2008, Physiol Rev 88:287, §VII.A
    c = resolve_constants()
    assert pi_factor(30.0, c.pi_rest_mM, getattr(c, name)) == pytest.approx(expected, abs=tol)


def test_sr_release_falls_only_above_a_threshold_pi():
    # Ca-Pi precipitation in the SR (Posterino & Fryer 1998, J Physiol 512:97): 10 s of 10 mM Pi lowers release
    # by 12 ± 9 %, 20 mM by 29 ± 5 %; late in fatigue (Pi ≈ 30 mM) tetanic Ca²⁺ is ≈30 % lower (Westerblad &
    # Allen 1991, J Gen Physiol 98:615). Tolerances: ≤ 10 % loss at 10 mM, 20-40 % at 20 mM, 30 ± 10 % at 30 mM
    c = resolve_constants()
    kp = simlib.chain.kernel_params(simlib.Scenario(motor_units=1))

    def factor(pi_mM: float) -> float:
        return release_pi_factor(pi_mM, kp)

    assert factor(c.pi_rest_mM) == 1.0 and factor(10.0) >= 0.9
    assert 0.6 <= factor(20.0) <= 0.8
    assert factor(30.0) == pytest.approx(0.7, abs=0.1)


def test_blood_flow_is_validated():
    with pytest.raises(simlib.ParameterError):
        simlib.Scenario(motor_units=1, blood_flow=-0.1)
    with pytest.raises(simlib.ParameterError):
        simlib.Scenario(motor_units=1, glycogenolysis=1.5)
