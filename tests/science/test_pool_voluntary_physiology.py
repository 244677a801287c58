"""Voluntary drive of the motor-unit pool against published values (citation and tolerance next to each assertion)."""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib.pool import run_pool

POOL = simlib.Scenario(motor_units=120)  # first dorsal interosseous: ≈120 units (Feinstein et al. 1955)


@pytest.fixture(scope="module")
def ramp():
    """A slow triangular command (0 → maximal → 0 over 10 s): the recruitment ramp of Milner-Brown et al. 1973."""
    sc = POOL.replace(duration_s=11.0, drive_start_s=0.5)
    return run_pool(sc, simlib.Protocol.ramp(60.0, 0.5, 10.0))


def _first_spikes(run) -> np.ndarray:
    return np.array([s[0] if s.size else np.nan for s in run.result.unit_spikes])


def test_slow_ramp_recruits_in_size_order(ramp):
    # Henneman 1957 (Science 126:1345) size principle; Milner-Brown, Stein & Yemm 1973 (J Physiol 230:359):
    # units are recruited in order of increasing twitch force during a slowly rising voluntary contraction.
    first = _first_spikes(ramp)
    assert np.isfinite(first).all()  # the maximal command recruits every unit (Kukulka & Clamann 1981)
    order = np.argsort(np.argsort(first))
    rho = np.corrcoef(order, np.arange(first.size))[0, 1]
    assert rho > 0.95  # rank correlation of recruitment time with unit size; exact order within a band's lags
    slow = ramp.population.slow
    assert np.nanmax(first[slow]) < np.nanmin(first[~slow]) + 0.05  # slow (S) units before fast (F) ones, 50 ms


def test_last_unit_is_recruited_near_half_of_maximal_command(ramp):
    # Kukulka & Clamann 1981 (Brain Res 219:45), De Luca et al. 1982 (J Physiol 329:113): a small hand muscle
    # has recruited all its units by ≈50 % of maximal effort (large limb muscles by ≈85 %)
    first = _first_spikes(ramp)
    command = ramp.result.protocol.command_mV(np.array([first.max()]))[0]
    assert 0.35 <= command / 60.0 <= 0.65  # ±15 % of the maximal command around 50 %


def test_early_units_keep_raising_their_rate_while_later_units_are_recruited(ramp):
    # De Luca & Hostage 2010 (J Neurophysiol 104:1034), Monster & Chan 1977 (J Neurophysiol 40:1432): the
    # earliest-recruited units keep increasing their firing rate as the force rises and later units join
    # ("onion skin": earlier units fire faster than later ones at any force)
    first = _first_spikes(ramp)
    spikes = ramp.result.unit_spikes[0]

    def rate(at: float) -> float:
        return float(((spikes >= at - 0.25) & (spikes < at + 0.25)).sum() / 0.5)

    rates = [rate(first[k]) for k in (30, 80, 119)]
    assert rates[0] < rates[1] < rates[2]
    assert rates[2] - rates[0] >= 5.0  # several impulses/s more (≈10-20 pps over the recruitment range)
    late = ramp.result.unit_spikes[119]
    assert late.size >= 2 and 1.0 / np.median(np.diff(late[:5])) < rates[2]  # newly recruited fire slower


def test_force_grows_with_the_command_and_recruitment_completes_at_maximal_command():
    # graded voluntary force: recruitment plus rate coding (Milner-Brown, Stein & Yemm 1973, J Physiol 230:371)
    plateaus, fractions, rms = [], [], []
    for hz in (5.0, 10.0, 20.0, 30.0, 45.0):
        m = simlib.simulate(POOL.replace(drive="voluntary", rate_hz=hz)).metrics()
        plateaus.append(m.plateau_force)
        fractions.append(m.recruited_fraction)
        rms.append(m.emg_rms_mV)
    assert np.all(np.diff(plateaus) > 0.0)
    assert np.all(np.diff(fractions) >= 0.0)
    assert fractions[0] < 0.25 and fractions[-1] == 1.0  # few units at the lowest effort, all at maximal
    # surface EMG amplitude grows with voluntary force (Lippold 1952, J Physiol 117:492; Milner-Brown & Stein
    # 1975, J Physiol 246:549)
    assert np.all(np.diff(rms) > 0.0)


def test_healthy_voluntary_pool_is_normal_and_cramp_stays_cramp():
    # the classification keeps each preset's meaning on a pool (issue 19: a cramp is still a cramp)
    healthy = simlib.simulate(POOL.replace(drive="voluntary", rate_hz=20.0)).metrics()
    assert healthy.classification == "normal"
    cramp = simlib.simulate(simlib.presets.PRESETS["exercise_cramp"].replace(motor_units=120)).metrics()
    assert cramp.classification == "cramp"


def test_a_stretch_ends_the_pool_cramp_which_goes_on_without_it_and_baclofen_prevents_it():
    # as for one unit (tests/science/test_cramp.py): loaded tendon organs end a cramp (Khan & Burne 2007, J
    # Neurophysiol 98:1102), whose force goes on without the stretch; baclofen weakens the PIC (Perrier et al.
    # 2002, Brain Res Rev 40:223): no cramp. Force within 1 s of the stretch below 0.05 (issue 4's tolerance).
    stretched = simlib.PRESETS["cramp_stretch"].replace(motor_units=120)
    t = stretched.stretch_at_s
    relieved = simlib.simulate(stretched)
    going = simlib.simulate(stretched.replace(stretch_at_s=None))
    assert relieved.metrics().classification == "cramp"  # the cramp before the stretch
    assert relieved.force[relieved.t > t + 1.0].max() < 0.05
    assert going.force[going.t > t + 1.0].mean() >= 0.1
    assert simlib.simulate(simlib.PRESETS["baclofen"].replace(motor_units=120)).metrics().classification == "normal"
