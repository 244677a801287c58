"""The chain: wires the stages into one state vector and one right-hand side.

``kernel_params(scenario)`` turns a validated Scenario plus the constants in
:mod:`simlib.constants` into the flat, immutable :class:`KernelParams` used by the
compiled integrator (all temperature scaling, Nernst/GHK potentials, divalent
shifts and drug effects are applied here, once). ``rest_state`` gives the
initial state, and ``rates`` evaluates every stage in production-loss form.
"""

from __future__ import annotations

import collections
import functools
import math
from typing import NamedTuple

import numpy as np

from simlib.constants import constant as c
from simlib.protocol import NO_STRETCH, SHAPE_TRIANGLE
from simlib.scenario import Scenario
from simlib.stages._jit import jit
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
from simlib.stages.motoneuron import dendrite_rates, pic_activation, soma_rates
from simlib.stages.nmj import cleft_rates, quantal_content, receptor_rates
from simlib.stages.reflex import spindle_target, stretch_angle, tendon_organ_target

__all__ = ["STATE_NAMES", "STATE_UNITS", "KernelParams", "kernel_params", "kernel_record", "rest_state", "rates",
           "free_calcium_trace", "HEALTHY_ATP_MM"]

STATE_NAMES = (
    "v_axon", "w_axon", "vesicle_pool", "ach", "receptors_open", "v_fibre", "na_m", "na_h", "k_n",
    "epp", "sensor", "ca_total", "ca_sr", "troponin", "attached", "force", "v_endplate",
    "v_motoneuron", "g_ahp", "pic", "ia_drive", "ib_drive", "stim_epsp", "v_dendrite",
)
STATE_UNITS = ("mV", "mV", "", "", "", "mV", "", "", "", "mV", "", "µM", "µM", "", "", "", "mV",
               "mV", "", "", "mV", "mV", "mV", "mV")
(VAX, WAX, POOL, ACH, OPEN, VM, NA_M, NA_H, K_N, EPP, SENSOR, CATOT, CASR, TROP, XB, FORCE, VEP,
 VMN, GAHP, PIC, IA, IB, SSTIM, VD) = range(24)
N_STATES = len(STATE_NAMES)

#: kernel input table of a protocol with no stretch and no command (see simlib.Protocol.kernel_arrays)
_AT_REST = np.array([[*NO_STRETCH, 0.0]])

#: ATP of a healthy resting fibre (mM); the run starts from a fibre at rest with this ATP.
HEALTHY_ATP_MM = 5.0


class KernelParams(NamedTuple):
    """Flat numeric parameters of one run (units as in :mod:`simlib.constants`; times in ms)."""

    ax_el: float
    ax_vt: float
    ax_delta_t: float
    ax_tau: float
    ax_tau_w: float
    ax_spike_v: float
    ax_reset: float
    ax_jump: float
    p_release: float
    pool_quanta: float
    pool_rate: float
    ach_per_quantum: float
    ach_clear: float
    achr_open: float
    achr_close: float
    g_ep: float
    e_ach: float
    g_na: float
    e_na: float
    g_k: float
    e_k: float
    g_cl: float
    e_cl: float
    g_rest: float
    e_rest: float
    g_pass: float
    g_endplate_to_fibre: float
    g_fibre_to_endplate: float
    v_rest: float
    m_half: float
    m_slope: float
    m_tau: float
    h_half: float
    h_slope: float
    h_tau: float
    n_half: float
    n_slope: float
    n_tau: float
    phi_gate: float
    s_half: float
    s_slope: float
    s_tau: float
    release_rate: float
    leak_rate: float
    serca_vmax: float
    serca_k: float
    trop_total: float
    trop_kon: float
    trop_koff: float
    trop_xb_coop: float
    buffer_ratio: float
    xb_coop: float
    xb_attach: float
    xb_detach: float
    series_rate: float
    spike_detect: float
    force_unit: float
    mn_tau: float
    mn_dendrite_tau: float
    mn_coupling: float
    mn_el: float
    mn_threshold: float
    mn_reset: float
    mn_ahp_jump: float
    mn_ahp_tau: float
    mn_ek: float
    pic_g: float
    pic_e: float
    pic_half: float
    pic_slope: float
    pic_tau: float
    reflex_gain: float
    ia_force: float
    ia_fatigue_boost: float
    ia_length: float
    ia_velocity: float
    ia_tau: float
    ib_force: float
    ib_fatigue_loss: float
    ib_tau: float
    stretch_amplitude: float
    passive_tension: float
    stim_epsp: float
    stim_epsp_tau: float
    collision_ms: float


def q10_factor(q10: float, temperature_c: float) -> float:
    """Rate multiplier ``q10 ** ((T - T_ref) / 10)`` (dimensionless)."""
    return q10 ** ((temperature_c - c("t_ref_c")) / 10.0)


def force_unit() -> float:
    """Attached fraction of a fully activated healthy muscle at 37 °C: the force unit (dimensionless)."""
    detach = c("xb_detach_per_ms") * atp_saturation(HEALTHY_ATP_MM, c("xb_katp_mM"))
    return c("xb_attach_per_ms") / (c("xb_attach_per_ms") + detach)


def motoneuron_rest_potential(kp: KernelParams, synaptic_mV: float) -> float:
    """Return the resting dendritic potential (mV) under a resting synaptic input, by fixed-point iteration."""
    v = kp.mn_el
    for _ in range(200):
        p = pic_activation(v, kp.pic_half, kp.pic_slope)
        v_new = (kp.mn_el + synaptic_mV + kp.pic_g * p * kp.pic_e) / (1.0 + kp.pic_g * p)
        if abs(v_new - v) < 1e-10:
            break
        v = 0.5 * (v + v_new)
    return v


def slow_inactivation_available(v_mV: float) -> float:
    """Fraction of Na⁺ channels not slow-inactivated at a sustained potential (dimensionless).

    Slow inactivation develops over seconds to minutes, so within a run it is set by the
    resting potential and held constant.
    """
    return 1.0 - boltzmann(v_mV, c("na_slow_half_mV"), c("na_slow_slope_mV"))


def _resting_conductance(k_mM: float) -> float:
    """Inward-rectifier-like resting K⁺ conductance, growing with √[K⁺]o (mS/cm²)."""
    return c("g_k_rest_mS_cm2") * math.sqrt(k_mM / 4.0)


_KERNEL_DTYPE = np.dtype([(name, np.float64) for name in KernelParams._fields])


def kernel_record(kp: KernelParams) -> np.ndarray:
    """KernelParams as a one-element structured array, the form the compiled kernel reads.

    Numba passes a record by reference: unboxing a record argument takes well under a
    microsecond, whereas a NamedTuple of ~90 floats costs ~7 µs to box and is copied by value into
    every compiled function that takes it. The compiled kernel runs ~13 % faster with records, with
    bit-identical results, and compiles faster. Pass ``kernel_record(kp)[0]``; the kernel only
    reads attributes, so it accepts either form.

    Parameters
    ----------
    kp : KernelParams
        Parameters of one run.

    Returns
    -------
    numpy.ndarray
        Shape ``(1,)``, one float64 field per KernelParams field.
    """
    params = np.zeros(1, dtype=_KERNEL_DTYPE)
    params[0] = tuple(kp)
    return params


def kernel_params(sc: Scenario) -> KernelParams:
    """Assemble the numeric parameters of one run.

    Parameters
    ----------
    sc : Scenario
        Validated scenario.

    Returns
    -------
    KernelParams
        Temperature-scaled rates (1/ms), potentials (mV), conductances (mS/cm²).
    """
    temp = sc.temperature_c
    phi_gate = q10_factor(c("q10_gating"), temp)
    phi_ca = q10_factor(c("q10_calcium"), temp)
    phi_xb = q10_factor(c("q10_crossbridge"), temp)
    phi_enz = q10_factor(c("q10_enzyme"), temp)
    shift = divalent_shift_mV(sc.ca_mM, sc.mg_mM, c("ca_ref_mM"), c("mg_ref_mM"),
                              c("screen_slope_mV"), c("screen_mg_weight"))
    m = quantal_content(sc.ca_mM, sc.mg_mM, m_ref=c("quantal_content_ref"), ca_ref_mM=c("ca_ref_mM"),
                        mg_ref_mM=c("mg_ref_mM"), kca_mM=c("release_kca_mM"), kmg_mM=c("release_kmg_mM"),
                        coop=c("release_coop"))
    pool = c("pool_quanta")
    e_rest = ghk_potential_mV(sc.k_mM, sc.na_mM, c("k_in_mM"), c("na_in_mM"), c("pna_pk"), temp)
    g_rest = _resting_conductance(sc.k_mM)
    serca_vmax_healthy = c("serca_vmax_uM_ms") * phi_ca * atp_saturation(HEALTHY_ATP_MM, c("serca_katp_mM"))
    leak_rate = serca_flux(c("ca_rest_uM"), serca_vmax_healthy, c("serca_k_uM")) / c("sr_ca_uM")
    kp = KernelParams(
        ax_el=c("ax_el_mV"),
        ax_vt=c("ax_vt_mV") + shift,
        ax_delta_t=c("ax_delta_t_mV"),
        ax_tau=c("ax_tau_ms") / phi_gate,
        ax_tau_w=c("ax_adapt_tau_ms") / phi_gate,
        ax_spike_v=c("ax_vt_mV") + shift + c("ax_spike_dv_mV"),
        ax_reset=c("ax_reset_mV"),
        ax_jump=c("ax_adapt_jump_mV"),
        p_release=min(m / pool, 1.0) * (1.0 - sc.release_block),
        pool_quanta=pool,
        pool_rate=phi_enz / c("pool_recovery_ms"),
        ach_per_quantum=c("ach_per_quantum"),
        ach_clear=phi_enz * (c("ache_rate_per_ms") * sc.ache_activity + c("ach_escape_per_ms")),
        achr_open=c("achr_open_per_ms") * phi_gate,
        achr_close=c("achr_close_per_ms") * phi_gate,
        g_ep=c("g_endplate_mS_cm2") * (1.0 - sc.receptor_block),
        e_ach=c("e_ach_mV"),
        g_na=c("g_na_mS_cm2") * slow_inactivation_available(e_rest - shift),
        e_na=nernst_mV(sc.na_mM, c("na_in_mM"), temp),
        g_k=c("g_kdr_mS_cm2"),
        e_k=nernst_mV(sc.k_mM, c("k_in_mM"), temp),
        g_cl=c("g_cl_mS_cm2"),
        e_cl=e_rest,
        g_rest=g_rest,
        e_rest=e_rest,
        g_pass=0.0,
        g_endplate_to_fibre=c("g_endplate_to_fibre_mS_cm2"),
        g_fibre_to_endplate=c("g_fibre_to_endplate_mS_cm2"),
        v_rest=e_rest,
        m_half=c("na_m_half_mV") + shift,
        m_slope=c("na_m_slope_mV"),
        m_tau=c("na_m_tau_ms"),
        h_half=c("na_h_half_mV") + shift,
        h_slope=c("na_h_slope_mV"),
        h_tau=c("na_h_tau_ms"),
        n_half=c("k_n_half_mV") + shift,
        n_slope=c("k_n_slope_mV"),
        n_tau=c("k_n_tau_ms"),
        phi_gate=phi_gate,
        s_half=c("sensor_half_mV") + shift,
        s_slope=c("sensor_slope_mV"),
        s_tau=c("sensor_tau_ms") / phi_gate,
        release_rate=c("ryr_rate_per_ms") * (1.0 - sc.ryr_block),
        leak_rate=leak_rate,
        serca_vmax=c("serca_vmax_uM_ms") * phi_ca * atp_saturation(sc.atp_mM, c("serca_katp_mM")),
        serca_k=c("serca_k_uM"),
        trop_total=c("trop_total_uM"),
        trop_kon=c("trop_kon_per_uM_ms") * phi_ca,
        trop_koff=c("trop_koff_per_ms") * phi_ca,
        trop_xb_coop=c("trop_xb_coop"),
        buffer_ratio=c("fast_buffer_ratio"),
        xb_coop=c("xb_coop"),
        xb_attach=c("xb_attach_per_ms") * phi_xb,
        xb_detach=c("xb_detach_per_ms") * phi_xb * atp_saturation(sc.atp_mM, c("xb_katp_mM")),
        series_rate=c("series_rate_per_ms") * phi_xb,
        spike_detect=c("spike_detect_mV"),
        force_unit=force_unit(),
        mn_tau=c("mn_tau_ms"),
        mn_dendrite_tau=c("mn_dendrite_tau_ms"),
        mn_coupling=c("mn_coupling"),
        mn_el=c("mn_el_mV"),
        mn_threshold=c("mn_threshold_mV"),
        mn_reset=c("mn_reset_mV"),
        mn_ahp_jump=c("mn_ahp_jump"),
        mn_ahp_tau=c("mn_ahp_tau_ms"),
        mn_ek=c("mn_ek_mV"),
        pic_g=c("pic_g") * sc.pic_gain,
        pic_e=c("pic_e_mV"),
        pic_half=c("pic_half_mV"),
        pic_slope=c("pic_slope_mV"),
        pic_tau=c("pic_tau_ms"),
        reflex_gain=sc.reflex_gain,
        ia_force=c("ia_force_mV"),
        ia_fatigue_boost=1.0 + c("ia_fatigue_boost") * sc.fatigue,
        ia_length=c("ia_length_mV_per_deg"),
        ia_velocity=c("ia_velocity_mV_per_deg_s"),
        ia_tau=c("ia_tau_ms"),
        ib_force=c("ib_force_mV"),
        ib_fatigue_loss=1.0 - c("ib_fatigue_loss") * sc.fatigue,
        ib_tau=c("ib_tau_ms"),
        stretch_amplitude=c("stretch_amplitude_deg"),
        passive_tension=c("passive_tension"),
        stim_epsp=c("stim_epsp_mV"),
        stim_epsp_tau=c("stim_epsp_tau_ms"),
        collision_ms=c("collision_window_ms"),
    )
    v_rest, g_pass = _resting_membrane(_Membrane(*(getattr(kp, name) for name in _Membrane._fields)))
    return kp._replace(v_rest=v_rest, g_pass=g_pass)


#: the parameters of the fibre membrane that set its resting potential (KernelParams fields; the cache key)
_Membrane = collections.namedtuple("_Membrane", [
    "m_half", "m_slope", "h_half", "h_slope", "h_tau", "n_half", "n_slope", "n_tau",
    "g_na", "e_na", "g_k", "e_k", "g_cl", "e_cl", "g_rest", "e_rest", "e_ach",
])


@functools.lru_cache(maxsize=256)
def _resting_membrane(membrane: _Membrane) -> tuple[float, float]:
    """Resting potential (mV) and slope conductance (mS/cm²) of the fibre membrane.

    Cached: ~0.3 ms of Python per call (62 current evaluations), and a sweep over rates or
    Ca²⁺ asks for the same membrane again and again.
    """
    v_rest = _muscle_rest_potential(membrane)
    return v_rest, _slope_conductance(membrane, v_rest)


def _ionic_current(kp: KernelParams | _Membrane, v: float) -> float:
    """Steady-state membrane current (µA/cm²) at potential ``v`` with gates at steady state."""
    m_inf, h_inf, _ = sodium_gates(v, kp.m_half, kp.m_slope, kp.h_half, kp.h_slope, kp.h_tau)
    n_inf, _ = potassium_gate(v, kp.n_half, kp.n_slope, kp.n_tau)
    a, b = membrane_rates(v, m_inf, h_inf, n_inf, kp.g_na, kp.e_na, kp.g_k, kp.e_k, kp.g_cl, kp.e_cl,
                          kp.g_rest, kp.e_rest, 0.0, kp.e_ach)
    return b * v - a


def _muscle_rest_potential(kp: KernelParams | _Membrane) -> float:
    """Resting potential (mV): zero of the steady-state current near the GHK potential."""
    lo, hi = kp.e_rest - 20.0, kp.e_rest + 15.0  # current is negative at lo, positive at hi
    for _ in range(60):  # bisection to ~1e-9 mV; avoids importing scipy.optimize at import time
        mid = 0.5 * (lo + hi)
        if _ionic_current(kp, mid) < 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _slope_conductance(kp: KernelParams | _Membrane, v_rest: float) -> float:
    """Resting slope conductance (mS/cm²), for the passive endplate-potential readout."""
    dv = 0.01
    return (_ionic_current(kp, v_rest + dv) - _ionic_current(kp, v_rest - dv)) / (2.0 * dv)


def rest_state(kp: KernelParams) -> np.ndarray:
    """Return the initial state: a fibre at rest with healthy ATP, under the run's other conditions.

    Parameters
    ----------
    kp : KernelParams
        Parameters of the run.

    Returns
    -------
    numpy.ndarray
        State vector in the order of :data:`STATE_NAMES`. The muscle membrane, gates,
        vesicle pool and axon are at their steady state for the run; the Ca²⁺ and
        cross-bridge states are those of a resting fibre with normal ATP, so a run with
        low ATP starts relaxed and shows what happens once ATP is gone. If the axon has
        no resting state (hyperexcitable) it starts at its leak potential and fires.
    """
    y = np.zeros(N_STATES)
    ax_rest = axon_rest_potential(kp.ax_el, kp.ax_vt, kp.ax_delta_t)
    y[VAX] = kp.ax_el if ax_rest is None else ax_rest
    y[POOL] = 1.0
    v = kp.v_rest
    y[VM] = v
    y[VEP] = v
    m_inf, h_inf, _ = sodium_gates(v, kp.m_half, kp.m_slope, kp.h_half, kp.h_slope, kp.h_tau)
    y[NA_M], y[NA_H] = m_inf, h_inf
    y[K_N] = potassium_gate(v, kp.n_half, kp.n_slope, kp.n_tau)[0]
    y[SENSOR] = boltzmann(v, kp.s_half, kp.s_slope)
    ca_rest = c("ca_rest_uM")
    y[CASR] = c("sr_ca_uM")
    phi_xb = kp.xb_attach / c("xb_attach_per_ms")
    healthy_detach = phi_xb * c("xb_detach_per_ms") * atp_saturation(HEALTHY_ATP_MM, c("xb_katp_mM"))
    for _ in range(50):  # troponin and cross-bridges are coupled; fixed-point iteration converges fast at rest
        koff = kp.trop_koff / (1.0 + kp.trop_xb_coop * y[XB])
        y[TROP] = kp.trop_kon * ca_rest / (kp.trop_kon * ca_rest + koff)
        on = kp.xb_attach * activation_power(y[TROP], kp.xb_coop)
        y[XB] = on / (on + healthy_detach)
    y[FORCE] = y[XB]
    y[CATOT] = (1.0 + kp.buffer_ratio) * ca_rest + kp.trop_total * y[TROP]
    ia, ib = reflex_inputs(0.0, y, kp, _AT_REST)  # no stretch has started at t = 0
    y[IA], y[IB] = ia, ib
    y[VD] = motoneuron_rest_potential(kp, ia - ib)
    y[PIC] = pic_activation(y[VD], kp.pic_half, kp.pic_slope)
    y[VMN] = kp.mn_el + kp.mn_coupling * (y[VD] - kp.mn_el)
    return y


@jit
def rates(t, y, kp, inputs, a, b):
    """Evaluate every stage: fill ``a`` and ``b`` so that ``dy/dt = a - b*y`` (per ms).

    Parameters
    ----------
    t : float
        Time (ms); the descending command and the imposed stretch depend on it.
    y : numpy.ndarray
        State vector (order of :data:`STATE_NAMES`).
    kp : KernelParams
        Parameters of the run.
    inputs : numpy.ndarray
        The protocol's stretch and command segments (:meth:`simlib.Protocol.kernel_arrays`).
    a, b : numpy.ndarray
        Output arrays, same length as ``y``.
    """
    a[VAX], b[VAX], a[WAX], b[WAX] = axon_rates(y[VAX], y[WAX], kp.ax_el, kp.ax_vt, kp.ax_delta_t,
                                                kp.ax_tau, kp.ax_tau_w)
    a[POOL], b[POOL] = kp.pool_rate, kp.pool_rate
    a[ACH], b[ACH] = cleft_rates(kp.ach_clear)
    a[OPEN], b[OPEN] = receptor_rates(y[ACH], kp.achr_open, kp.achr_close)
    g_ep_open = kp.g_ep * y[OPEN]
    v = y[VM]
    a[VM], b[VM] = membrane_rates(v, y[NA_M], y[NA_H], y[K_N], kp.g_na, kp.e_na, kp.g_k, kp.e_k, kp.g_cl,
                                  kp.e_cl, kp.g_rest, kp.e_rest, kp.g_endplate_to_fibre, y[VEP])
    a[VEP] = kp.g_pass * kp.v_rest + g_ep_open * kp.e_ach + kp.g_fibre_to_endplate * v
    b[VEP] = kp.g_pass + g_ep_open + kp.g_fibre_to_endplate
    m_inf, h_inf, h_tau = sodium_gates(v, kp.m_half, kp.m_slope, kp.h_half, kp.h_slope, kp.h_tau)
    n_inf, n_tau = potassium_gate(v, kp.n_half, kp.n_slope, kp.n_tau)
    phi = kp.phi_gate
    a[NA_M], b[NA_M] = phi * m_inf / kp.m_tau, phi / kp.m_tau
    a[NA_H], b[NA_H] = phi * h_inf / h_tau, phi / h_tau
    a[K_N], b[K_N] = phi * n_inf / n_tau, phi / n_tau
    a[EPP], b[EPP] = g_ep_open * (kp.e_ach - kp.v_rest), g_ep_open + kp.g_pass + kp.g_fibre_to_endplate
    a[SENSOR], b[SENSOR] = boltzmann(v, kp.s_half, kp.s_slope) / kp.s_tau, 1.0 / kp.s_tau
    s2 = y[SENSOR] * y[SENSOR]
    release = kp.release_rate * s2 * s2
    koff = kp.trop_koff / (1.0 + kp.trop_xb_coop * y[XB])
    ca_i = free_calcium(y[CATOT], y[TROP], kp.trop_total, kp.buffer_ratio)
    a[CATOT], b[CATOT] = total_calcium_rates(y[CATOT], ca_i, y[CASR], release, kp.leak_rate, kp.serca_vmax,
                                             kp.serca_k)
    a[CASR], b[CASR] = sr_rates(ca_i, release, kp.leak_rate, kp.serca_vmax, kp.serca_k)
    a[TROP], b[TROP] = troponin_rates(y[CATOT], y[TROP], kp.trop_total, kp.buffer_ratio, kp.trop_kon, koff)
    a[XB], b[XB] = crossbridge_rates(y[TROP], kp.xb_attach, kp.xb_detach, kp.xb_coop)
    a[FORCE], b[FORCE] = series_rates(y[XB], kp.series_rate)
    motoneuron_and_reflex_rates(t, y, kp, inputs, a, b)


def free_calcium_trace(states: np.ndarray, kp: KernelParams) -> np.ndarray:
    """Free myoplasmic Ca²⁺ (µM) of sampled states (rows = samples), from total Ca²⁺ and troponin.

    The vectorised twin of :func:`simlib.stages.ec_coupling.free_calcium`.
    """
    free = (states[:, CATOT] - kp.trop_total * states[:, TROP]) / (1.0 + kp.buffer_ratio)
    return np.maximum(free, 0.0)


@jit
def calcium_jacobian(y, kp):
    """Jacobian of the (total Ca²⁺, troponin) pair at state ``y``.

    See :func:`simlib.stages.ec_coupling.calcium_troponin_jacobian`.
    """
    koff = kp.trop_koff / (1.0 + kp.trop_xb_coop * y[XB])
    return calcium_troponin_jacobian(y[CATOT], y[TROP], kp.trop_total, kp.buffer_ratio, kp.trop_kon, koff,
                                     kp.serca_vmax, kp.serca_k)


@jit
def descending_command(t, inputs):
    """Descending command onto the motoneuron at time ``t`` (mV): the sum of the protocol's command segments.

    ``inputs`` is the kernel input table of :meth:`simlib.Protocol.kernel_arrays` (rows 1...: start ms,
    end ms, level mV, shape); a "hold" segment is constant, a "triangle" rises to its level at the midpoint.
    """
    total = 0.0
    for row in range(1, inputs.shape[0]):
        start, end, level = inputs[row, 0], inputs[row, 1], inputs[row, 2]
        if t < start or t >= end:
            continue
        if inputs[row, 3] == SHAPE_TRIANGLE:
            half = 0.5 * (end - start)
            x = (t - start) / half
            total += level * (x if x <= 1.0 else 2.0 - x)
        else:
            total += level
    return total


@jit
def protocol_stretch(t, inputs):
    """Joint angle (deg) and angular velocity (deg/ms) of the protocol's stretch (row 0 of ``inputs``)."""
    return stretch_angle(t, inputs[0, 0], inputs[0, 1], inputs[0, 2])


@jit
def evoked_input(t, y, kp, inputs):
    """Input (mV) evoked by the experimenter rather than by the contraction itself.

    The stretch-evoked spindle target (length and velocity terms) plus the stimulus EPSP. Spikes
    fired while it is substantial are labelled "reflex" rather than "self-sustained".
    """
    angle, velocity = protocol_stretch(t, inputs)
    return kp.reflex_gain * (kp.ia_length * angle + kp.ia_velocity * 1000.0 * velocity) + y[SSTIM]


@jit
def reflex_inputs(t, y, kp, inputs):
    """Ia excitation minus Ib inhibition targets (mV) at time ``t``: ``(ia_target, ib_target)``."""
    angle, velocity = protocol_stretch(t, inputs)
    force = y[FORCE] / kp.force_unit
    ia = spindle_target(force, angle, 1000.0 * velocity, kp.reflex_gain, kp.ia_force, kp.ia_fatigue_boost,
                        kp.ia_length, kp.ia_velocity)
    passive = kp.passive_tension * angle / kp.stretch_amplitude
    return ia, tendon_organ_target(force, passive, kp.ib_force, kp.ib_fatigue_loss)


@jit
def motoneuron_and_reflex_rates(t, y, kp, inputs, a, b):
    """Fill the rates of the spinal motoneuron, its afferent drives and the stimulus EPSP."""
    ia_target, ib_target = reflex_inputs(t, y, kp, inputs)
    a[IA], b[IA] = ia_target / kp.ia_tau, 1.0 / kp.ia_tau
    a[IB], b[IB] = ib_target / kp.ib_tau, 1.0 / kp.ib_tau
    a[SSTIM], b[SSTIM] = 0.0, 1.0 / kp.stim_epsp_tau
    a[GAHP], b[GAHP] = 0.0, 1.0 / kp.mn_ahp_tau
    p_inf = pic_activation(y[VD], kp.pic_half, kp.pic_slope)
    a[PIC], b[PIC] = p_inf / kp.pic_tau, 1.0 / kp.pic_tau
    synaptic = descending_command(t, inputs) + y[IA] - y[IB] + y[SSTIM]
    a[VD], b[VD] = dendrite_rates(y[VD], y[PIC], synaptic, kp.mn_el, kp.pic_e, kp.pic_g, kp.mn_dendrite_tau)
    a[VMN], b[VMN] = soma_rates(y[VMN], y[GAHP], y[VD], kp.mn_el, kp.mn_ek, kp.mn_coupling, kp.mn_tau)
