"""Muscle mechanics (issue 20): length–tension, force–velocity, eccentric force, isotonic latent period."""

from __future__ import annotations

import numpy as np
import pytest

import simlib
from simlib.stages.mechanics import hill_force, hill_velocity, overlap
from simlib.stages.metabolism import pi_factor

LENGTHS = np.array([0.6, 0.7, 0.8, 0.9, 0.97, 1.0, 1.03, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7])
LOADS = np.array([0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])


@pytest.fixture(scope="module")
def lt():
    return simlib.length_tension(simlib.Scenario(motor_units=1), LENGTHS)


@pytest.fixture(scope="module")
def lv():
    return simlib.load_velocity(simlib.Scenario(motor_units=1), LOADS)


@pytest.fixture(scope="module")
def p0(lt):
    return float(lt.active[LENGTHS == 1.0][0])


def test_plateau(lt, p0):
    # Plateau of the sarcomere length-tension curve: full force over 2.64-2.81 µm in human muscle
    # (Lieber et al. 1994, J Neurophysiol 71:874; Gordon, Huxley & Julian 1966, J Physiol 184:170):
    # ±3 % of the optimal length; tolerance 1 % of P0.
    on_plateau = lt.active[(LENGTHS >= 0.97) & (LENGTHS <= 1.03)]
    assert np.all(np.abs(on_plateau - p0) <= 0.01 * p0)
    assert lt.active.argmax() in np.flatnonzero((LENGTHS >= 0.97) & (LENGTHS <= 1.03))


def test_descending_limb(lt, p0):
    # Descending limb: linear fall from the end of the plateau to zero where the filaments no longer
    # overlap, thick + 2 thin + Z = 1.65 + 2.54 + 0.1 = 4.29 µm ≈ 1.57 optimal lengths
    # (Gordon, Huxley & Julian 1966; human filaments: Walker & Schrodt 1974, Anat Rec 178:63).
    # Frog: 50 % at ≈2.9 µm of 3.65 µm; here half force at 1.30 L0 (±0.05 L0).
    assert np.all(np.diff(lt.active[LENGTHS >= 1.03]) <= 1e-9)
    half = np.interp(-0.5 * p0, -lt.active[LENGTHS >= 1.03], LENGTHS[LENGTHS >= 1.03])
    assert half == pytest.approx(1.30, abs=0.05)
    assert lt.active[LENGTHS == 1.6][0] <= 0.02 * p0  # no overlap at 1.6 L0 (4.36 µm)


def test_ascending_limb(lt, p0):
    # Shallow ascending limb to ≈80 % at thick filament + Z disc (1.75 µm ≈ 0.64 L0), then steep
    # (Gordon, Huxley & Julian 1966, fig. 12); 0.8 L0 keeps 85-95 % (tolerance ±5 % of P0).
    assert lt.active[LENGTHS == 0.8][0] / p0 == pytest.approx(0.90, abs=0.05)
    assert np.all(np.diff(lt.active[LENGTHS <= 1.0]) >= -1e-9)


def test_passive_force_rises_exponentially_beyond_optimum(lt):
    # Passive force zero at and below L0 and rising exponentially beyond it, equal to P0 at 1.6 L0
    # (Thelen 2003, J Biomech Eng 125:70, young adults: strain 0.6 at P0; tolerance 2 %).
    assert np.all(lt.passive[LENGTHS <= 1.0] == 0.0)
    assert lt.passive[LENGTHS == 1.6][0] == pytest.approx(1.0, rel=0.02)
    beyond = lt.passive[LENGTHS > 1.0]
    assert np.all(np.diff(np.diff(beyond)) > 0.0)  # convex
    # total = active (above rest) + passive + the resting active force (< 0.1 % of P0)
    assert np.allclose(lt.total, lt.active + lt.passive, atol=1e-3)
    # total force has a dip on the descending limb before passive force takes over (classic curve)
    assert lt.total[LENGTHS == 1.4][0] < lt.total[LENGTHS == 1.0][0]


def _hill_fit(loads, velocity, p0):
    """Least-squares a/P0 and Vmax of Hill's (P + a)(v + b) = (P0 + a) b, by a grid over a/P0."""
    best = (np.inf, 0.0, 0.0)
    for a_rel in np.linspace(0.05, 1.0, 951):
        shape = a_rel * (p0 - loads) / (loads + a_rel * p0)
        vmax = float(shape @ velocity / (shape @ shape))
        err = float(np.sum((velocity - vmax * shape) ** 2))
        best = min(best, (err, a_rel, vmax))
    return best[1], best[2]


def test_hill_curvature_and_vmax(lv, p0):
    # Hill 1938 (Proc R Soc B 126:136): a/P0 ≈ 0.25; human muscle 0.2-0.3 (Wilkie 1950, J Physiol
    # 110:249) — tolerance 0.15-0.4. Vmax of mixed human muscle ≈ 10 L0/s at 37 °C (Zajac 1989, Crit
    # Rev Biomed Eng 17:359; Thelen 2003) — tolerance 6-14 L0/s (fibre-type mixtures span ~4-15).
    a_rel, vmax = _hill_fit(lv.load_rel, lv.velocity, p0)
    assert 0.15 <= a_rel <= 0.4
    assert 6.0 <= vmax <= 14.0


def test_power_peaks_near_a_third_of_p0(lv, p0):
    # Maximal power at ≈0.3 P0 and ≈0.3 Vmax for a/P0 ≈ 0.25 (Hill 1938; Wilkie 1950); tolerance
    # 0.2-0.45 P0.
    assert 0.2 <= lv.load_rel[np.argmax(lv.power)] / p0 <= 0.45


def test_latent_period_and_distance_follow_the_load(lv):
    # Afterloaded isotonic contraction: the heavier the load, the longer the latent period before
    # shortening and the shorter and slower the shortening (PhysioEx 9.0 ex. 2 activity 7; Hill 1938).
    assert np.all(np.diff(lv.latent_period_ms) > 0.0)
    assert np.all(np.diff(lv.velocity) < 0.0)
    assert np.all(np.diff(lv.shortening) <= 1e-9)


def test_load_above_isometric_force_is_not_lifted():
    # A load heavier than the isometric force is held by the muscle without shortening (Hill 1938).
    heavy = simlib.load_velocity(simlib.Scenario(motor_units=1), [1.2])
    assert heavy.velocity[0] == 0.0 and heavy.shortening[0] == 0.0 and np.isnan(heavy.latent_period_ms[0])


def test_eccentric_force_ratio():
    # Katz 1939 (J Physiol 96:45): a lengthening muscle resists up to ≈1.8 P0 (1.5-1.8 in isolated
    # muscle), and the force-velocity slope just on the lengthening side is ≈6 times the shortening side.
    c = simlib.constants()
    vmax, a_rel = c["hill_vmax"].default, c["hill_a_rel"].default
    ratio, slope_ratio = c["eccentric_force_ratio"].default, c["eccentric_slope_ratio"].default
    ecc_c = (ratio - 1.0) / (slope_ratio * (1.0 + 1.0 / a_rel) / vmax)
    fast = hill_force(-vmax, vmax, a_rel, ratio, ecc_c)
    assert 1.5 <= fast <= 1.85
    dv = 1e-4 * vmax
    shortening_slope = (1.0 - hill_force(dv, vmax, a_rel, ratio, ecc_c)) / dv
    lengthening_slope = (hill_force(-dv, vmax, a_rel, ratio, ecc_c) - 1.0) / dv
    assert lengthening_slope / shortening_slope == pytest.approx(6.0, rel=0.05)
    # the kernel's velocity is the inverse of that force-velocity relation (tolerance 1e-9)
    for load in (0.3, 1.0, 1.4, 1.7):
        v = hill_velocity(load, 1.0, vmax, a_rel, ratio, ecc_c, 100.0 * vmax)
        assert hill_force(v, vmax, a_rel, ratio, ecc_c) == pytest.approx(load, abs=1e-9)


def test_relaxing_muscle_is_lowered_on_the_eccentric_branch():
    # During relaxation of an afterloaded isotonic tetanus the load stretches the muscle back to its
    # stop: it lengthens only while the load exceeds the isometric capacity (overlap x attached x the Pi
    # factor of simlib.stages.metabolism, Allen, Lamb & Westerblad 2008), and
    # below 1.8 times the capacity it resists, lengthening slower than the yield speed (Katz 1939).
    sc = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=100, drive_s=0.3, duration_s=1.0, load_rel=0.4)
    res = simlib.simulate(sc, output_dt_s=1e-4)
    kp = simlib.chain.kernel_params(sc)
    ov = np.array([overlap(x, kp.ov_zero, kp.ov_break, kp.ov_break_force, kp.ov_plateau, kp.ov_end, kp.ov_none)
                   for x in res.length_rel])
    pi = np.array([pi_factor(p, kp.pi_rest_mM, kp.pi_k_force_mM) for p in res.state("pi")])
    capacity = ov * res.state("attached") * pi / simlib.chain.force_unit()
    speed = np.diff(res.length_rel) / 1e-4  # optimal lengths per s, lengthening positive
    lengthening = np.flatnonzero(speed > 1e-3)
    assert lengthening.size > 0
    ratio = 0.4 / capacity[lengthening]
    assert np.all(ratio >= 0.999)
    resisting = lengthening[ratio < 1.7]
    assert resisting.size > 0 and np.all(speed[resisting] < 0.9 * 10.0)
    assert res.length_rel[-1] == pytest.approx(1.0, abs=1e-5)  # back on its stop
