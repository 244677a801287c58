"""Twitch, force-frequency and relaxation (issue 3 acceptance)."""

from __future__ import annotations

import numpy as np
import pytest

import simlib

RATES = np.array([1, 2, 5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100], dtype=float)


@pytest.fixture(scope="module")
def ff():
    return simlib.force_frequency(simlib.Scenario(motor_units=1), RATES)


@pytest.fixture(scope="module")
def tw():
    return simlib.twitch(simlib.Scenario(motor_units=1, drive="stimulation"))


def test_twitch_timing(tw):
    # Human triceps surae: contraction time 112 ± 11 ms, half-relaxation 100 ± 14 ms
    # (Sale et al. 1982, J Appl Physiol 52:1636). Issue 3 accepts 60-160 and 50-150 ms.
    assert 60.0 <= tw.contraction_time_ms <= 160.0
    assert 50.0 <= tw.half_relaxation_ms <= 150.0


def test_twitch_tetanus_ratio(tw, ff):
    # Whole human muscle twitch/tetanus ratio ≈ 0.1-0.3 (physiology.md §2.1); issue 3 accepts 0.1-0.35.
    assert 0.1 <= tw.peak_force / ff.max() <= 0.35


def test_force_frequency_shape(ff):
    # Non-decreasing within 2 % (issue 3); by 50 Hz ≥ 0.9 of the same muscle's 100 Hz tetanus, the way human
    # force-frequency curves are normalised (e.g. Binder-Macleod & McDermond 1992, Phys Ther 72:95). Since issue 20
    # a train consumes ATP: during a 1 s 50 Hz train Pi rises from 4 to about 6 mM and lowers force by ≈2 %
    # (Allen, Lamb & Westerblad 2008), so the absolute 50 Hz peak (0.89) sits just under 0.9 of the unit of force,
    # which is full activation at resting metabolites. The force unit is full thin-filament activation;
    # with tetanic free Ca²⁺ at a physiological 1-3 µM (Westerblad & Allen 1991, J Gen Physiol 98:615) a
    # 100 Hz tetanus reaches 90-100 % of it: caffeine adds only a few % to an unfatigued mammalian tetanus
    # (Allen, Lamb & Westerblad 2008, Physiol Rev 88:287), so 0.9-1.02 (issue 18; was 1.0 ± 0.02).
    assert np.all(np.diff(ff) >= -0.02)
    assert ff[RATES == 50][0] >= 0.9 * ff[RATES == 100][0]
    assert 0.9 <= ff[RATES == 100][0] <= 1.02


def test_half_maximal_frequency(ff):
    # Human motor units reach half of maximal force at 12 ± 4 Hz (Thomas, Bigland-Ritchie & Johansson 1991,
    # J Neurophysiol 65:1509); issue 3 accepts 6-20 Hz.
    half = np.interp(0.5 * ff.max(), ff, RATES)
    assert 6.0 <= half <= 20.0


def test_one_to_one_transmission_and_relaxation_at_20_hz():
    # 20 Hz for 1 s: one muscle AP per nerve impulse; force < 10 % of peak within 0.4 s; "normal" (issue 3).
    # Voluntary drive goes through the spinal motoneuron, so the nerve carries "about" 20 impulses
    # (its PIC warms up during the first few hundred ms); electrical stimulation gives exactly 20.
    res = simlib.simulate(simlib.Scenario(motor_units=1))
    m = res.metrics()
    assert res.muscle_spikes.size == res.nerve_spikes.size
    assert 8 <= res.nerve_spikes.size <= 24
    stim = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation"))
    assert stim.muscle_spikes.size == stim.nerve_spikes.size == 20
    assert m.relaxation_time_s <= 0.4
    assert m.classification == "normal"


def test_calcium_transient_amplitude():
    # One AP raises free Ca²⁺ by ≈ 9-19 µM (Baylor & Hollingworth 2003, J Physiol 551:125; slow vs fast mouse
    # fibres, 16 °C). Tolerance: 5-30 µM for a human mixed-fibre model at 37 °C.
    res = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=1.0, drive_s=0.5, duration_s=0.5),
                          output_dt_s=1e-4)
    assert 5.0 <= res.ca_i.max() - res.ca_i[0] <= 30.0


def test_resting_calcium():
    # Resting free Ca²⁺ 0.03-0.1 µM (Westerblad & Allen 1991, J Gen Physiol 98:615).
    res = simlib.simulate(simlib.Scenario(motor_units=1, rate_hz=0.0, duration_s=0.5))
    assert 0.03 <= res.ca_i[-1] <= 0.1


@pytest.mark.parametrize(("temperature_c", "slower"), [(27.0, True), (40.0, False)])
def test_temperature_scales_twitch_timing(tw, temperature_c, slower):
    # Rates scale with Q10 ≈ 2-2.5 (Bennett 1984, Am J Physiol 247:R217): cooling lengthens, warming shortens
    # contraction and half-relaxation times (issue 3).
    other = simlib.twitch(simlib.Scenario(motor_units=1, temperature_c=temperature_c))
    if slower:
        assert other.contraction_time_ms > tw.contraction_time_ms
        assert other.half_relaxation_ms > tw.half_relaxation_ms
    else:
        assert other.contraction_time_ms < tw.contraction_time_ms
        assert other.half_relaxation_ms < tw.half_relaxation_ms


def test_cooling_q10_of_contraction_time(tw):
    # Q10 of twitch rate processes 2.0-2.5 (Bennett 1984); the whole-chain Q10 of contraction time between
    # 27 and 37 °C should lie in a generous 1.5-3.5 band (several processes with Q10 2-3 in series).
    cold = simlib.twitch(simlib.Scenario(motor_units=1, temperature_c=27.0))
    assert 1.5 <= cold.contraction_time_ms / tw.contraction_time_ms <= 3.5
