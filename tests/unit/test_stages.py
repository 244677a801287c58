"""Pure-function checks of the model stages against hand-computed values and the documented equations.

Reference values are those computed in /work/shared/science/physiology.md §1.2-1.3 (GHK table at 37 °C,
K⁺i 155, Na⁺i 12, Na⁺o 145 mM, P_Na/P_K 0.01; Nernst slope; divalent screening after Frankenhaeuser &
Hodgkin 1957; Dodge & Rahamimoff 1967 release). Arguments are passed explicitly wherever the test is about
the equation, so the tests do not depend on tuned constants; where a test uses the model's own constants it
reads them from :func:`simlib.model.resolve_constants` (the declared defaults).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simlib.model import resolve_constants
from simlib.stages.axon import axon_rates, axon_rest_potential, divalent_shift_mV
from simlib.stages.crossbridges import activation_power, atp_saturation, crossbridge_rates, series_rates
from simlib.stages.ec_coupling import (
    calcium_troponin_jacobian,
    free_calcium,
    serca_flux,
    sr_rates,
    total_calcium_rates,
    troponin_rates,
)
from simlib.stages.membrane import (
    boltzmann,
    ghk_potential_mV,
    membrane_rates,
    nernst_mV,
    potassium_gate,
    sodium_gates,
)
from simlib.stages.nmj import (
    cleft_rates,
    desensitisation_rates,
    pool_rates,
    quantal_content,
    receptor_rates,
    release_fraction,
    release_site_occupancy,
)

#: the model's constants at their declared defaults
C = resolve_constants()

# Deterministic property checks (no example database, same examples on every run).
PURE = settings(derandomize=True, database=None, deadline=None, max_examples=200)

def frac():
    return st.floats(0.0, 1.0)


def pos(low: float, high: float):
    return st.floats(low, high)


# ------------------------------------------------------------------------------------------ membrane

# physiology.md §1.3, "Computed GHK values (37 °C, K+i 155, Na+i 12, Na+o 145 mM, P_Na/P_K = 0.01)"
# (GHK form of Hodgkin & Horowicz 1959, J Physiol 148:127). The table is rounded to 0.1 mV.
GHK_TABLE = [
    (2.0, -101.7, -116.3),
    (2.5, -98.1, -110.3),
    (3.0, -94.9, -105.4),
    (4.0, -89.5, -97.7),
    (5.0, -85.0, -91.8),
    (6.0, -81.1, -86.9),
    (7.0, -77.8, -82.8),
    (8.0, -74.8, -79.2),
    (10.0, -69.7, -73.2),
]


@pytest.mark.parametrize(("k_out", "v_ghk", "e_k"), GHK_TABLE)
def test_ghk_and_nernst_match_physiology_table(k_out, v_ghk, e_k):
    # ±0.2 mV: the table is rounded to 0.1 mV and computed with slightly different R, F, T.
    assert ghk_potential_mV(k_out, 145.0, 155.0, 12.0, 0.01, 37.0) == pytest.approx(v_ghk, abs=0.2)
    assert nernst_mV(k_out, 155.0, 37.0) == pytest.approx(e_k, abs=0.2)


def test_ghk_at_4mM_potassium():
    assert ghk_potential_mV(4.0, 145.0, 155.0, 12.0, 0.01, 37.0) == pytest.approx(-89.5, abs=0.2)


@pytest.mark.parametrize(("temperature_c", "slope"), [(37.0, 61.5), (20.0, 58.2)])
def test_nernst_slope_per_decade(temperature_c, slope):
    # physiology.md §1.3: "Nernst slope 61.5 mV/decade at 37 °C, 58.2 at 20 °C (computed)";
    # ≈58 mV per decade at room temperature in Hodgkin & Horowicz 1959.
    assert nernst_mV(10.0, 1.0, temperature_c) == pytest.approx(slope, abs=0.05)
    assert nernst_mV(40.0, 4.0, temperature_c) - nernst_mV(4.0, 4.0, temperature_c) == pytest.approx(slope, abs=0.05)


def test_nernst_valence_sign_and_zero():
    assert nernst_mV(5.0, 5.0, 37.0) == 0.0
    assert nernst_mV(145.0, 12.0, 37.0) > 0.0  # Na⁺: inward gradient, positive E_Na
    assert nernst_mV(4.0, 155.0, 37.0) < 0.0
    assert nernst_mV(2.0, 1e-4, 37.0, valence=2) == pytest.approx(nernst_mV(2.0, 1e-4, 37.0) / 2.0)


def test_ghk_reduces_to_nernst_without_sodium_permeability():
    assert ghk_potential_mV(4.0, 145.0, 155.0, 12.0, 0.0, 37.0) == pytest.approx(nernst_mV(4.0, 155.0, 37.0))


def test_ghk_slope_is_below_nernst_in_physiological_range():
    # physiology.md: GHK gives ≈54 mV per decade between 4 and 40 mM (less than Nernst's 61.5).
    slope = ghk_potential_mV(40.0, 145.0, 155.0, 12.0, 0.01, 37.0) - ghk_potential_mV(4.0, 145.0, 155.0, 12.0,
                                                                                          0.01, 37.0)
    assert slope == pytest.approx(54.0, abs=1.5)
    assert slope < nernst_mV(10.0, 1.0, 37.0)


def test_ghk_with_model_constants_is_near_mammalian_resting_potential():
    v = ghk_potential_mV(4.0, 145.0, C.k_in_mM, C.na_in_mM, C.pna_pk, 37.0)
    # Mammalian resting potential ≈ -85 mV at 4 mM K⁺ (Jurkat-Rott et al. 2009); GHK with the model's
    # constant ranges gives about -80 to -95 mV.
    assert -95.0 < v < -80.0


@PURE
@given(v=st.floats(-200.0, 100.0), half=st.floats(-100.0, 0.0), slope=st.floats(1.0, 20.0))
def test_boltzmann_bounds_and_monotonic(v, half, slope):
    x = boltzmann(v, half, slope)
    assert 0.0 <= x <= 1.0
    assert boltzmann(v + 1.0, half, slope) >= x
    assert boltzmann(half, half, slope) == pytest.approx(0.5)


def test_boltzmann_limits():
    assert boltzmann(-1000.0, -40.0, 5.0) == pytest.approx(0.0, abs=1e-30)
    assert boltzmann(1000.0, -40.0, 5.0) == pytest.approx(1.0)
    # one slope factor above half-activation: 1/(1+e^-1)
    assert boltzmann(-35.0, -40.0, 5.0) == pytest.approx(1.0 / (1.0 + math.exp(-1.0)))


@PURE
@given(v=st.floats(-150.0, 60.0), shift=st.floats(-10.0, 10.0))
def test_gate_steady_states_bounded_and_time_constants_positive(v, shift):
    m_inf, h_inf, h_tau = sodium_gates(v, C.na_m_half_mV + shift, C.na_m_slope_mV,
                                       C.na_h_half_mV + shift, C.na_h_slope_mV,
                                       C.na_h_tau_ms)
    n_inf, n_tau = potassium_gate(v, C.k_n_half_mV + shift, C.k_n_slope_mV,
                                  C.k_n_tau_ms)
    for x in (m_inf, h_inf, n_inf):
        assert 0.0 <= x <= 1.0
    assert h_tau > 0.0
    assert n_tau > 0.0


# ------------------------------------------------------------------------------------------ divalent shift

SLOPE, MG_W, CA_REF, MG_REF = 7.0, 0.4, 1.2, 0.55


def test_divalent_shift_zero_at_reference():
    assert divalent_shift_mV(CA_REF, MG_REF, CA_REF, MG_REF, SLOPE, MG_W) == 0.0
    ref = (C.ca_ref_mM, C.mg_ref_mM)
    assert divalent_shift_mV(*ref, *ref, C.screen_slope_mV, C.screen_mg_weight) == 0.0


def test_divalent_shift_hypocalcaemia_hand_value():
    # s ln((0.75 + 0.4·0.55)/(1.2 + 0.4·0.55)) = 7 ln(0.97/1.42) = -2.668 mV
    # (physiology.md §1.3: a clinical fall from 1.2 to 0.8 mM gives only ≈3 mV).
    expected = 7.0 * math.log(0.97 / 1.42)
    assert expected == pytest.approx(-2.668, abs=1e-3)
    assert divalent_shift_mV(0.75, 0.55, CA_REF, MG_REF, SLOPE, MG_W) == pytest.approx(expected, abs=1e-12)
    # With the model's constants: the same fall is -0.36 to -0.40 e-folds of effective divalent
    # concentration for any Mg weight in the documented 0.3-0.5, times the model's slope.
    model = divalent_shift_mV(0.75, 0.55, C.ca_ref_mM, C.mg_ref_mM,
                              C.screen_slope_mV, C.screen_mg_weight)
    assert model / C.screen_slope_mV == pytest.approx(-0.382, abs=0.025)


def test_divalent_shift_slope_per_e_fold():
    # without Mg, an e-fold rise of Ca shifts gating by exactly the slope (Frankenhaeuser & Hodgkin 1957:
    # 10-15 mV per 5-fold, i.e. 6-9 mV per e-fold)
    assert divalent_shift_mV(math.e, 0.0, 1.0, 0.0, SLOPE, MG_W) == pytest.approx(SLOPE)


@PURE
@given(ca=st.floats(0.3, 4.0), mg=st.floats(0.1, 5.0), delta=st.floats(0.01, 1.0))
def test_divalent_shift_sign_and_mg_weaker_than_ca(ca, mg, delta):
    base = divalent_shift_mV(ca, mg, CA_REF, MG_REF, SLOPE, MG_W)
    more_ca = divalent_shift_mV(ca + delta, mg, CA_REF, MG_REF, SLOPE, MG_W)
    more_mg = divalent_shift_mV(ca, mg + delta, CA_REF, MG_REF, SLOPE, MG_W)
    # more divalent cations -> positive shift (less excitable); fewer -> negative
    assert more_ca > base
    assert more_mg > base
    # Mg²⁺ screens less than Ca²⁺ (weight < 1)
    assert more_mg - base < more_ca - base
    if ca < CA_REF and mg <= MG_REF:
        assert base < 0.0
    if ca > CA_REF and mg >= MG_REF:
        assert base > 0.0


def test_model_mg_weight_is_weaker_than_ca():
    assert 0.0 < C.screen_mg_weight < 1.0


# ------------------------------------------------------------------------------------------ NMJ release

DR = {"m_ref": 30.0, "ca_ref_mM": 1.2, "mg_ref_mM": 0.55, "kca_mM": 1.0, "kmg_mM": 3.0, "coop": 4.0}
MODEL_DR = {
    "m_ref": C.quantal_content_ref, "ca_ref_mM": C.ca_ref_mM,
    "mg_ref_mM": C.mg_ref_mM, "kca_mM": C.release_kca_mM,
    "kmg_mM": C.release_kmg_mM, "coop": C.release_coop,
}


def _loglog_slope(ca: float, mg: float, params: dict, rel: float = 1e-4) -> float:
    lo, hi = ca * (1.0 - rel), ca * (1.0 + rel)
    return (math.log(quantal_content(hi, mg, **params)) - math.log(quantal_content(lo, mg, **params))) / (
        math.log(hi) - math.log(lo))


@pytest.mark.parametrize("params", [DR, MODEL_DR], ids=["hand", "model"])
def test_quantal_content_equals_reference_at_reference(params):
    m = quantal_content(params["ca_ref_mM"], params["mg_ref_mM"], **params)
    assert m == pytest.approx(params["m_ref"], rel=1e-12)


def test_quantal_content_hand_value():
    # x = (Ca/K)/(1 + Ca/K + Mg/K_Mg); m = m_ref (x/x_ref)^4
    x = 2.0 / (1.0 + 2.0 + 0.55 / 3.0)
    x_ref = 1.2 / (1.0 + 1.2 + 0.55 / 3.0)
    assert release_site_occupancy(2.0, 0.55, 1.0, 3.0) == pytest.approx(x)
    assert quantal_content(2.0, 0.55, **DR) == pytest.approx(30.0 * (x / x_ref) ** 4)


@pytest.mark.parametrize("params", [DR, MODEL_DR], ids=["hand", "model"])
@pytest.mark.parametrize("mg", [0.0, 0.55, 4.0])
def test_quantal_content_loglog_slope_tends_to_cooperativity_at_low_ca(params, mg):
    # Dodge & Rahamimoff 1967: the log-log slope of release vs [Ca]o approaches ~4 (3.78 ± 0.2) at low Ca,
    # Mg²⁺ does not change that limit, and the slope falls as Ca approaches normal.
    coop = params["coop"]
    assert _loglog_slope(1e-4, mg, params) == pytest.approx(coop, rel=1e-3)
    assert _loglog_slope(1e-2, mg, params) < _loglog_slope(1e-4, mg, params)
    assert _loglog_slope(1.2, mg, params) < _loglog_slope(1e-2, mg, params)


def test_quantal_content_cooperativity_limit_is_four_for_hand_parameters():
    assert _loglog_slope(1e-5, 0.55, DR) == pytest.approx(4.0, abs=2e-3)


@PURE
@given(ca=st.floats(0.3, 4.0), mg=st.floats(0.1, 5.0), dmg=st.floats(0.05, 3.0), dca=st.floats(0.05, 2.0))
def test_quantal_content_monotonic_in_ca_and_mg(ca, mg, dmg, dca):
    m = quantal_content(ca, mg, **MODEL_DR)
    assert m > 0.0
    assert quantal_content(ca, mg + dmg, **MODEL_DR) < m  # Mg²⁺ competes at site X
    assert quantal_content(ca + dca, mg, **MODEL_DR) > m


@PURE
@given(lam=pos(1e-6, 20.0), max_fraction=frac(), f1=pos(0.0, 5.0), f2=pos(0.0, 5.0), aug=pos(0.0, 5.0))
def test_release_fraction_is_bounded_and_grows_with_facilitation(lam, max_fraction, f1, f2, aug):
    # sites saturate: never more than every site fires; facilitation never lowers release
    f = release_fraction(lam, max_fraction, f1, f2, aug)
    assert 0.0 <= f <= max_fraction + 1e-12
    assert release_fraction(lam, max_fraction, 0.0, 0.0, 0.0) <= f + 1e-12


def test_release_fraction_is_linear_at_low_drive_and_multiplicative_in_facilitation():
    # Magleby & Zengel 1982: release ∝ (1 + F1 + F2)·A at low quantal content
    base = release_fraction(1e-6, 0.1, 0.0, 0.0, 0.0)
    assert base == pytest.approx(1e-7, rel=1e-5)
    assert release_fraction(1e-6, 0.1, 0.3, 0.1, 0.5) == pytest.approx(base * 1.4 * 1.5, rel=1e-5)


@PURE
@given(f2=pos(0.0, 5.0), rate=pos(1e-5, 1.0), boost=pos(0.0, 50.0), o=frac(), on=pos(0.0, 1.0), off=pos(1e-5, 1.0))
def test_pool_and_desensitisation_rates_are_production_loss(f2, rate, boost, o, on, off):
    a, b = pool_rates(f2, rate, boost)
    assert a == b >= rate  # dR/dt = k (1 - R): refills to 1, faster with residual Ca²⁺
    a, b = desensitisation_rates(o, on, off)
    assert 0.0 <= a <= b and a / b < 1.0  # D settles below 1


# ------------------------------------------------------------------------------------------ axon


def test_axon_rest_potential_none_exactly_below_delta_t():
    el, dt = -80.0, 3.0
    assert axon_rest_potential(el, el + dt - 1e-9, dt) is None
    assert axon_rest_potential(el, el + dt - 0.5, dt) is None
    at_boundary = axon_rest_potential(el, el + dt, dt)  # saddle-node: the fixed point is V_T itself
    assert at_boundary is not None
    assert at_boundary == pytest.approx(el + dt, abs=1e-3)
    assert axon_rest_potential(el, el + dt + 1e-9, dt) is not None
    assert axon_rest_potential(el, el + 10.0, dt) is not None


@PURE
@given(el=st.floats(-90.0, -70.0), delta_t=st.floats(0.5, 4.0), gap=st.floats(-5.0, 20.0))
def test_axon_rest_potential_is_lower_fixed_point(el, delta_t, gap):
    vt = el + gap
    v = axon_rest_potential(el, vt, delta_t)
    if vt - el < delta_t:
        assert v is None
        return
    assert v is not None
    assert math.isfinite(v)
    # lower (stable) branch: between E_L and V_T, and a zero of the node equation
    assert el <= v <= vt + 1e-6
    residual = -(v - el) + delta_t * math.exp((v - vt) / delta_t)
    assert abs(residual) < 1e-6
    # it is a rest state of the compiled rate function too (w = 0): dv/dt = a - b v ≈ 0
    a_v, b_v, _, _ = axon_rates(v, 0.0, 0.0, el, vt, delta_t, 1.0, 80.0)
    assert abs(a_v - b_v * v) < 1e-6


# ------------------------------------------------------------------------------------------ production-loss form
# Every rate function returns (a, b) with dy/dt = a - b y and b >= 0 (simlib.stages docstring); for
# concentrations and fractions a >= 0 as well, so the exponential integrator keeps them non-negative,
# and for fractions a <= b, so the frozen-rate equilibrium a/b stays within [0, 1].


def _check_pl(a: float, b: float, *, nonneg: bool = False, fraction: bool = False) -> None:
    assert math.isfinite(a)
    assert math.isfinite(b)
    assert b >= 0.0
    if nonneg or fraction:
        assert a >= 0.0
    if fraction:
        assert a <= b * (1.0 + 1e-12) + 1e-300


@PURE
@given(v=st.floats(-120.0, 60.0), w=st.floats(0.0, 50.0), el=st.floats(-85.0, -75.0), vt=st.floats(-90.0, -60.0),
       delta_t=st.floats(1.0, 3.5), tau=st.floats(0.05, 5.0), tau_w=st.floats(10.0, 500.0))
def test_axon_rates_production_loss(v, w, el, vt, delta_t, tau, tau_w):
    a_v, b_v, a_w, b_w = axon_rates(v, w, 0.0, el, vt, delta_t, tau, tau_w)
    _check_pl(a_v, b_v)
    _check_pl(a_w, b_w, nonneg=True)


@PURE
@given(ach=st.floats(0.0, 50.0), k_open=st.floats(0.0, 100.0), k_close=st.floats(0.01, 20.0),
       clearance=st.floats(0.0, 100.0))
def test_nmj_rates_production_loss(ach, k_open, k_close, clearance):
    _check_pl(*receptor_rates(ach, k_open, k_close), fraction=True)
    _check_pl(*cleft_rates(clearance), nonneg=True)


@PURE
@given(
    v=st.floats(-150.0, 60.0), m=frac(), h=frac(), n=frac(), g_na=st.floats(0.0, 800.0),
    e_na=st.floats(40.0, 80.0), g_k=st.floats(0.0, 70.0), e_k=st.floats(-130.0, -60.0),
    g_cl=st.floats(0.0, 1.0), e_cl=st.floats(-110.0, -60.0), g_rest=st.floats(0.0, 0.5),
    e_rest=st.floats(-110.0, -60.0), g_ep=st.floats(0.0, 60.0), e_ach=st.floats(-10.0, 0.0),
)
def test_membrane_rates_production_loss(v, m, h, n, g_na, e_na, g_k, e_k, g_cl, e_cl, g_rest, e_rest, g_ep,
                                        e_ach):
    a, b = membrane_rates(v, m, h, n, g_na, e_na, g_k, e_k, g_cl, e_cl, g_rest, e_rest, g_ep, e_ach)
    _check_pl(a, b)
    # the current balance it encodes: C dV/dt = -Σ g (V - E)
    current = -(g_na * m**3 * h * (v - e_na) + g_k * n**4 * (v - e_k) + g_cl * (v - e_cl)
                + g_rest * (v - e_rest) + g_ep * (v - e_ach))
    assert a - b * v == pytest.approx(current, rel=1e-9, abs=1e-9)


@PURE
@given(
    ca_i=st.floats(0.0, 100.0), ca_sr=st.floats(0.0, 5000.0), trop=frac(), release=st.floats(0.0, 2.0),
    leak=st.floats(0.0, 1e-3), vmax=st.floats(0.0, 20.0), k=st.floats(0.3, 1.0), trop_total=st.floats(70.0, 240.0),
    kon=st.floats(0.01, 1.0), koff=st.floats(0.0, 2.0), buffer_ratio=st.floats(0.0, 10.0),
)
def test_ec_coupling_rates_production_loss(ca_i, ca_sr, trop, release, leak, vmax, k, trop_total, kon, koff,
                                           buffer_ratio):
    ca_total = (1.0 + buffer_ratio) * ca_i + trop_total * trop
    assert free_calcium(ca_total, trop, trop_total, buffer_ratio) == pytest.approx(ca_i, rel=1e-9, abs=1e-9)
    _check_pl(*total_calcium_rates(ca_total, ca_i, ca_sr, release, leak, vmax, k), nonneg=True)
    _check_pl(*troponin_rates(ca_total, trop, trop_total, buffer_ratio, kon, koff), fraction=True)
    _check_pl(*sr_rates(ca_i, release, leak, vmax, k), nonneg=True)
    flux = serca_flux(ca_i, vmax, k)
    assert 0.0 <= flux <= vmax * (1.0 + 1e-12)


@pytest.mark.parametrize("ca_total", [5e-324, 1e-310, 1e-13, 0.0])
def test_serca_loss_rate_is_finite_for_vanishing_calcium(ca_total):
    # the kernel's arcp fast-math flag turns x / y into x * (1 / y), and 1 / 5e-324 is infinite
    a, b = total_calcium_rates(ca_total, ca_total, 0.0, 0.0, 0.0, 8.0, 0.5)
    assert (a, b) == (0.0, 0.0)


def _calcium_pair_rates(ca_total, trop, ca_sr, release, leak, vmax, k, ttot, kon, koff, beta):
    ca_i = free_calcium(ca_total, trop, ttot, beta)
    a, b = total_calcium_rates(ca_total, ca_i, ca_sr, release, leak, vmax, k)
    at, bt = troponin_rates(ca_total, trop, ttot, beta, kon, koff)
    return a - b * ca_total, at - bt * trop


def test_calcium_rates_conserve_mass_and_match_free_calcium_kinetics():
    # total myoplasmic Ca²⁺ plus SR Ca²⁺ is conserved, and the troponin rate is the usual
    # k_on [Ca]_i (1 - T) - k_off T written with [Ca]_i = ([Ca]_tot - T_tot T) / (1 + β)
    ca_i, ca_sr, trop = 3.0, 2000.0, 0.4
    release, leak, vmax, k, ttot, kon, koff, beta = 0.3, 1e-5, 8.0, 0.5, 140.0, 0.177, 0.46, 4.0
    ca_total = (1.0 + beta) * ca_i + ttot * trop
    d_total, d_trop = _calcium_pair_rates(ca_total, trop, ca_sr, release, leak, vmax, k, ttot, kon, koff, beta)
    asr, bsr = sr_rates(ca_i, release, leak, vmax, k)
    assert d_total + (asr - bsr * ca_sr) == pytest.approx(0.0, abs=1e-9)
    assert d_trop == pytest.approx(kon * ca_i * (1.0 - trop) - koff * trop, rel=1e-12)


@pytest.mark.parametrize("ca_i, trop", [(0.05, 0.02), (3.0, 0.4), (20.0, 0.9)])
def test_calcium_troponin_jacobian_matches_finite_differences(ca_i, trop):
    ca_sr, release, leak, vmax, k, ttot, kon, koff, beta = 2000.0, 0.3, 1e-5, 8.0, 0.5, 140.0, 0.177, 0.46, 4.0
    ca_total = (1.0 + beta) * ca_i + ttot * trop
    args = (ca_sr, release, leak, vmax, k, ttot, kon, koff, beta)
    jac = calcium_troponin_jacobian(ca_total, trop, ttot, beta, kon, koff, vmax, k)
    for col, (dc, dt) in enumerate([(1e-4, 0.0), (0.0, 1e-6)]):
        plus = _calcium_pair_rates(ca_total + dc, trop + dt, *args)
        minus = _calcium_pair_rates(ca_total - dc, trop - dt, *args)
        step = 2.0 * (dc + dt)
        for row in range(2):
            assert jac[2 * row + col] == pytest.approx((plus[row] - minus[row]) / step, rel=1e-4, abs=1e-7)


@PURE
@given(trop=frac(), attach=st.floats(0.0, 1.0), detach=st.floats(0.0, 0.1), coop=st.floats(1.0, 4.0),
       attached=frac(), rate=st.floats(0.0, 0.05))
def test_crossbridge_rates_production_loss(trop, attach, detach, coop, attached, rate):
    _check_pl(*crossbridge_rates(trop, attach, detach, coop), fraction=True)
    _check_pl(*series_rates(attached, rate), nonneg=True)


@pytest.mark.parametrize("coop", [0.0, 0.5, 1.0, 2.0, 2.5, 3.5, 4.0, 1.7, 4.5, 6.0])
@pytest.mark.parametrize("trop", [0.0, 1e-300, 1e-6, 0.02, 0.37, 0.999, 1.0])
def test_activation_power_equals_pow(trop, coop):
    # products and one sqrt for (half-)integer exponents up to 4, pow otherwise: same value within rounding
    assert activation_power(trop, coop) == pytest.approx(trop**coop, rel=1e-14, abs=0.0)
    assert activation_power(-1e-9, coop) == (1.0 if coop == 0.0 else 0.0)  # overshoot below 0 counts as 0


def test_crossbridge_rigor_without_atp():
    # no ATP -> no detachment: with any activation the frozen-rate equilibrium is fully attached (rigor)
    assert atp_saturation(0.0, C.xb_katp_mM) == 0.0
    a, b = crossbridge_rates(0.5, C.xb_attach_per_ms, 0.0, C.xb_coop)
    assert a / b == pytest.approx(1.0)
    assert atp_saturation(5.0, 0.15) == pytest.approx(5.0 / 5.15)


def test_rate_functions_accept_numpy_scalars():
    # the chain passes numpy float64 values taken from the state vector
    a, b = troponin_rates(np.float64(5.0), np.float64(0.0), 140.0, 4.0, 0.2, 0.5)
    assert (a, b) == pytest.approx((0.2, 0.2 + 0.2 * 28.0 + 0.5))


@pytest.mark.parametrize("rate_hz, pic_gain", [(5.0, 1.0), (20.0, 1.0), (21.0, 1.37), (33.0, 1.9)])
def test_speculative_calibration_gives_exactly_the_plain_bisection(rate_hz, pic_gain):
    # The helper thread only evaluates midpoints ahead of time; the result must be bit-identical.
    from concurrent.futures import ThreadPoolExecutor

    from simlib.stages.drive import _CALIBRATION_STEPS, _MAX_LEVEL_MV, bisect_boundary, motoneuron_rate_hz

    def too_weak(level):
        return motoneuron_rate_hz(level, pic_gain) < rate_hz

    plain = bisect_boundary(too_weak, 0.0, _MAX_LEVEL_MV, _CALIBRATION_STEPS)
    with ThreadPoolExecutor(1) as helper:
        assert bisect_boundary(too_weak, 0.0, _MAX_LEVEL_MV, _CALIBRATION_STEPS, helper=helper) == plain


def test_bisect_boundary_finds_a_known_boundary():
    from simlib.stages.drive import bisect_boundary

    assert bisect_boundary(lambda x: x < 0.3, 0.0, 1.0, 30) == pytest.approx(0.3, abs=1e-9)
