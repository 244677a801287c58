"""The surface EMG and M-wave against published values (citation and tolerance next to each assertion)."""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib.emg import muap_set
from simlib.metrics import AFTER_DRIVE_DELAY_S, drive_window

POOL = simlib.Scenario(motor_units=120)  # first dorsal interosseous: ≈120 units (Feinstein et al. 1955)
TRAIN = POOL.replace(drive="stimulation", duration_s=1.5)  # 20 Hz for 1 s from 0.2 s


def test_m_wave_grows_with_stimulus_intensity_like_the_recruitment_curve():
    # The M-wave rises from threshold to maximal stimulus as the twitch does (the stimulus-response curve of
    # nerve-conduction studies; Kimura 2013, Electrodiagnosis in Diseases of Nerve and Muscle, ch. 5; PhysioEx
    # Exercise 2 activity 2): zero below threshold, monotonic, a plateau from maximal stimulus on.
    volts = np.linspace(0.0, 8.0, 33)
    curve = simlib.recruitment_curve(POOL, volts)
    m = curve.m_wave_mV
    assert m[volts < 1.5].max() == 0.0
    assert np.all(np.diff(m) >= -0.02 * m[-1])  # monotonic within 2 % (amplitude cancellation between units)
    assert m[volts >= 6.0] == pytest.approx(m[-1], rel=1e-9)
    # force and M-wave are sums over the same recruited units (both scale with unit size, Fuglevand et al.
    # 1993), so the normalised curves agree within 0.1 at every intensity
    assert np.max(np.abs(m / m[-1] - curve.peak_force / curve.peak_force[-1])) < 0.1


def test_supramaximal_m_wave_is_a_hand_muscle_cmap():
    # Human surface CMAPs of abductor pollicis brevis / first dorsal interosseous: ≈5-15 mV peak-to-peak
    # (normal lower limit ≈4-5 mV; Buschbacher 1999, Am J Phys Med Rehabil 78:S15; Kimura 2013 ch. 5)
    m = simlib.recruitment_curve(POOL, [10.0]).m_wave_mV[0]
    assert 5.0 <= m <= 15.0
    # it is less than the sum of the units' potentials: latency dispersion cancels part of it
    assert m < muap_set(120).amplitude_mV.sum()


def test_emg_rms_rises_with_force():
    # Lawrence & De Luca 1983 (J Appl Physiol 54:1653): surface EMG RMS grows monotonically with force,
    # nearly linearly in the first dorsal interosseous. Here force is graded by recruitment (stimulus
    # intensity, 20 Hz trains): RMS monotonic, and normalised RMS within 0.25 of normalised force.
    volts = [2.0, 2.5, 3.0, 3.5, 4.0, 5.0]  # from near threshold to maximal (all units by 5 V)
    force, rms = [], []
    for v in volts:
        res = simlib.simulate(TRAIN.replace(stimulus_v=v))
        window = (res.t >= 0.7) & (res.t <= 1.2)
        force.append(float(res.force[window].mean()))
        rms.append(simlib.emg(res).rms_value(0.7, 1.2))
    force_n, rms_n = np.array(force) / force[-1], np.array(rms) / rms[-1]
    assert np.all(np.diff(rms) > 0.0) and np.all(np.diff(force) > 0.0)
    assert np.max(np.abs(rms_n - force_n)) < 0.25


def test_emg_rms_rises_with_rate_coding_in_the_single_unit_model():
    # rate coding: more muscle APs per second, more EMG power and more force (Lawrence & De Luca 1983)
    rms, force = [], []
    for rate in (5.0, 10.0, 20.0, 40.0):
        res = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=rate, duration_s=1.5))
        rms.append(simlib.emg(res).rms_value(0.2, 1.2))
        force.append(res.metrics().peak_force)
    assert np.all(np.diff(rms) > 0.0) and np.all(np.diff(force) > 0.0)
    # non-overlapping potentials: RMS ∝ √rate (within 5 %)
    assert rms[3] / rms[0] == pytest.approx(np.sqrt(8.0), rel=0.05)


def _after_drive(name: str) -> tuple[float, float]:
    sc = simlib.PRESETS[name].replace(motor_units=1)
    res = simlib.simulate(sc)
    _, end = drive_window(res.protocol, sc.duration_s)
    start = end + AFTER_DRIVE_DELAY_S
    return res.metrics().force_after_drive, simlib.emg(res).rms_value(start, sc.duration_s)


@pytest.mark.parametrize("name", ["exercise_cramp", "cramp_stretch"])
def test_cramp_is_electrically_active(name):
    # A cramp is an involuntary contraction with high-frequency motor-unit discharges: the EMG is active
    # (Miller & Layzer 2005, Muscle Nerve 32:431; Minetto et al. 2013, Exerc Sport Sci Rev 41:3). Here:
    # force after the drive with an EMG RMS of at least 0.1 mV (hundreds of µV in cramp recordings).
    force, rms = _after_drive(name)
    assert force > 0.1 and rms > 0.1


def test_contracture_is_electrically_silent():
    # A contracture (no ATP: rigor, as in McArdle's disease) holds force with a silent EMG; the silence is
    # what tells it from a cramp (Miller & Layzer 2005; Minetto et al. 2013). The model has no noise: 0 mV.
    force, rms = _after_drive("atp_depletion")
    assert force > 0.5 and rms == 0.0


def test_train_of_four_m_waves_constant_without_block():
    # Without block every unit answers each of the four impulses: four equal M-waves (EMG TOF ratio 1.0 ± 0.01)
    tof = simlib.train_of_four(POOL)
    m = tof.m_wave_mV
    assert np.array_equal(m, simlib.emg(tof.run.result).m_wave_amplitudes())
    assert m.size == 4 and m[3] / m[0] == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("block", [0.7, 0.75, 0.8])
def test_train_of_four_m_wave_decrement_is_units_dropping_out(block):
    tof = simlib.train_of_four(POOL.replace(receptor_block=block))
    res = tof.run.result
    e = simlib.emg(res)
    m = e.m_wave_amplitudes()
    # Kopman 1985 (Anesthesiology 63:208): the electromyographic TOF ratio follows the mechanical one
    # under non-depolarising block (here within 0.15)
    assert m[3] / m[0] == pytest.approx(tof.ratio, abs=0.15)
    assert m[3] < m[0]  # fade
    # the potential of a unit that fires is unchanged: each M-wave is the compound of the units that fired
    # to that impulse; its size is their share of the units' summed amplitude (within 12 %, dispersion)
    amps = muap_set(120).amplitude_mV
    healthy = simlib.emg(simlib.train_of_four(POOL).run.result).m_wave_amplitudes()[0]
    for k, t_k in enumerate(e.stimuli_s):
        fired = np.array([np.any((s >= t_k) & (s < t_k + 0.02)) for s in res.unit_spikes])
        assert m[k] / healthy == pytest.approx(amps[fired].sum() / amps.sum(), abs=0.12)
