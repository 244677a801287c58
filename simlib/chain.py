"""The chain: wires the stages into one state vector and one right-hand side.

The model is declared by its stages (:mod:`simlib.stages`, collected in :mod:`simlib.model`): the
state vector (:data:`STATE_NAMES`, :data:`STATE_UNITS`, the tolerances :data:`ATOL` and
:data:`RTOL`, and the indices ``VAX``, ``WAX``, ... used by the compiled code) is generated from
their ``STATES``, and :func:`kernel_params` merges their ``derive`` outputs into the flat numeric
record read by the compiled integrator (all temperature scaling, Nernst/GHK potentials, divalent
shifts and drug effects are applied there, once). ``rest_state`` gives the initial state, and
``rates`` evaluates every stage in production-loss form.
"""

from __future__ import annotations

import numpy as np

from simlib.model import LAYOUT, ConstantValues, ParamRecord, kernel_parameters, resolve_constants
from simlib.model.shared import HEALTHY_ATP_MM
from simlib.protocol import INPUT_DTYPE, SHAPE_TRIANGLE
from simlib.scenario import Scenario
from simlib.stages import crossbridges
from simlib.stages._jit import jit
from simlib.stages.axon import axon_rates, axon_rest_potential
from simlib.stages.crossbridges import crossbridge_rates, resting_attached
from simlib.stages.ec_coupling import (
    calcium_troponin_jacobian,
    free_calcium,
    hill2,
    ryr_rates,
    serca_flux,
    sr_rates,
    total_calcium_rates,
    troponin_rates,
)
from simlib.stages.mechanics import muscle_rates, overlap
from simlib.stages.membrane import boltzmann, membrane_rates, potassium_gate, sodium_gates
from simlib.stages.metabolism import atp_use_per_atp, metabolism_rates, pi_factor, release_pi_factor
from simlib.stages.motoneuron import dendrite_rates, soma_rates
from simlib.stages.nmj import (
    cleft_rates,
    desensitisation_rates,
    perijunctional_rates,
    pool_rates,
    receptor_rates,
    release_fraction,
)
from simlib.stages.reflex import group34_target, spindle_target, stretch_angle, tendon_organ_target

__all__ = ["ATOL", "KernelParams", "N_STATES", "RTOL", "STATE_NAMES", "STATE_UNITS", "force_unit",
           "free_calcium_trace", "kernel_params", "kernel_record", "rates", "rest_state"]

#: state names, units and integrator tolerances (absolute in state units; relative), in state-vector order
STATE_NAMES: tuple[str, ...] = LAYOUT.names
STATE_UNITS: tuple[str, ...] = LAYOUT.units
ATOL: np.ndarray = LAYOUT.atol
RTOL: np.ndarray = LAYOUT.rtol
N_STATES = len(STATE_NAMES)

# state indices for the compiled code (module-level ints are compile-time constants for numba)
VAX, WAX, DAP = LAYOUT.index("v_axon"), LAYOUT.index("w_axon"), LAYOUT.index("dap_axon")
POOL, ACH, OPEN = LAYOUT.index("vesicle_pool"), LAYOUT.index("ach"), LAYOUT.index("receptors_open")
FAC1, FAC2, AUG, DES = (LAYOUT.index("facil_fast"), LAYOUT.index("facil_slow"), LAYOUT.index("augmentation"),
                        LAYOUT.index("desensitised"))
PERI = LAYOUT.index("ach_perijunctional")
VM, NA_M, NA_H, K_N = LAYOUT.index("v_fibre"), LAYOUT.index("na_m"), LAYOUT.index("na_h"), LAYOUT.index("k_n")
EPP, VEP = LAYOUT.index("epp"), LAYOUT.index("v_endplate")
SENSOR, CATOT, CASR, TROP = (LAYOUT.index("sensor"), LAYOUT.index("ca_total"), LAYOUT.index("ca_sr"),
                             LAYOUT.index("troponin"))
RYR_O, RYR_I, RYR_S = LAYOUT.index("ryr_open"), LAYOUT.index("ryr_inactivated"), LAYOUT.index("ryr_slow_inactivated")
XB, FORCE = LAYOUT.index("attached"), LAYOUT.index("force")
LENGTH = LAYOUT.index("length_rel")
VMN, GAHP, PIC = LAYOUT.index("v_motoneuron"), LAYOUT.index("g_ahp"), LAYOUT.index("pic")
SSTIM, VD = LAYOUT.index("stim_epsp"), LAYOUT.index("v_dendrite")
IA, IB, G34 = LAYOUT.index("ia_drive"), LAYOUT.index("ib_drive"), LAYOUT.index("group34_activity")
ATP, PCR, PI = LAYOUT.index("atp"), LAYOUT.index("pcr"), LAYOUT.index("pi")

#: kernel input record of a protocol with no stretch and no command (see simlib.Protocol.kernel_arrays)
_AT_REST = np.zeros(1, dtype=INPUT_DTYPE)[0]
_AT_REST["stretch_start_ms"] = -1.0

#: the type of :func:`kernel_params` records (the name of the NamedTuple they replaced)
KernelParams = ParamRecord


def kernel_params(sc: Scenario, constants: ConstantValues | None = None) -> ParamRecord:
    """Assemble the numeric parameters of one run from the stages' ``derive`` declarations.

    Parameters
    ----------
    sc : Scenario
        Validated scenario.
    constants : ConstantValues, optional
        The run's model constants (:func:`simlib.model.resolve_constants`); None: the declared defaults.

    Returns
    -------
    ParamRecord
        A numpy structured record, one float64 field per derived name: temperature-scaled rates
        (1/ms), potentials (mV), conductances (mS/cm²). Attributes read as floats (``kp.ax_vt``);
        the compiled kernel takes the record itself. Its ``force_unit`` is always the default
        model's, whatever ``constants`` change.
    """
    kp = kernel_parameters(sc, constants)
    if constants is not None and kp.force_unit != force_unit():
        # force keeps the default model's unit (1 = its maximal tetanus), in the Result and in the
        # tendon-organ and spindle feedback (they sense absolute force), so a changed constant shows
        kp = kp._replace(force_unit=force_unit())
    return kp


def kernel_record(kp: ParamRecord) -> np.ndarray:
    """Return a copy of ``kp`` as a one-element structured array (``kernel_record(kp)[0]`` is a record again).

    The compiled kernel reads records by reference (numba unboxes one in well under a microsecond);
    :func:`kernel_params` already returns one, so a caller can pass it directly.
    """
    params = np.zeros(1, dtype=kp.dtype)
    params[0] = kp
    return params


def force_unit(constants: ConstantValues | None = None) -> float:
    """Attached fraction of a fully activated healthy muscle at 37 °C: the force unit (dimensionless).

    Runs divide their force by it; it is also the record field ``force_unit``.
    """
    c = resolve_constants() if constants is None else constants
    return crossbridges.force_unit(c, HEALTHY_ATP_MM)


def motoneuron_rest_potential(kp: ParamRecord | tuple, synaptic_mV: float) -> float:
    """Return the resting dendritic potential (mV) under a resting synaptic input, by fixed-point iteration."""
    v = kp.mn_el_mV
    for _ in range(200):
        p = boltzmann(v, kp.pic_half_mV, kp.pic_slope_mV)
        v_new = (kp.mn_el_mV + synaptic_mV + kp.pic_g * p * kp.pic_e_mV) / (1.0 + kp.pic_g * p)
        if abs(v_new - v) < 1e-10:
            break
        v = 0.5 * (v + v_new)
    return v


def _resting_release_channels(kp: tuple, s4: float, ca_i: float) -> tuple[float, float, float]:
    """Stationary open, fast- and slow-inactivated fractions of the release channels at rest (resting SR).

    Solves ``α s⁴ C = k_i O``, ``k_i O = k_rf (1 - s⁴) I_f`` and ``k_g c C = k_rs I_s`` with ``C = 1 - O - I_f - I_s``
    and ``c = [Ca]_i² / (K_g² + [Ca]_i²)`` (see :func:`simlib.stages.ec_coupling.ryr_rates`).
    """
    on = kp.ryr_activation * s4
    slow_per_closed = kp.ryr_global_inactivation * hill2(ca_i, kp.ryr_global_k_uM) / kp.ryr_slow_recovery
    # per closed channel: O = on C / k_i, I_f = k_i O / (k_rf (1 - s⁴)) = on C / (k_rf (1 - s⁴)),
    # I_s = slow_per_closed C
    open_per_closed = on / kp.ryr_inactivation
    fast_per_closed = on / (kp.ryr_recovery * (1.0 - s4))
    closed = 1.0 / (1.0 + open_per_closed + fast_per_closed + slow_per_closed)
    return open_per_closed * closed, fast_per_closed * closed, slow_per_closed * closed


def rest_state(kp: ParamRecord) -> np.ndarray:
    """Return the initial state: a fibre at rest with healthy ATP, under the run's other conditions.

    Parameters
    ----------
    kp : ParamRecord
        Parameters of the run (:func:`kernel_params`); everything the resting state depends on,
        overridden constants included, is in it.

    Returns
    -------
    numpy.ndarray
        State vector in the order of :data:`STATE_NAMES`. The muscle membrane, gates,
        vesicle pool and axon are at their steady state for the run; the Ca²⁺ and
        cross-bridge states are those of a resting fibre with normal ATP, so a run with
        low ATP starts relaxed and shows what happens once ATP is gone. ATP starts at the
        learner's ``atp_mM``, PCr and Pi at their healthy resting values
        (:mod:`simlib.stages.metabolism`). If the axon has
        no resting state (hyperexcitable) it starts at its leak potential and fires.
    """
    kp = kp.values()  # a named tuple of floats: the iterations below read fields ~2000 times
    y = np.zeros(N_STATES)
    ax_rest = axon_rest_potential(kp.ax_el_mV, kp.ax_vt, kp.ax_delta_t_mV)
    y[VAX] = kp.ax_el_mV if ax_rest is None else ax_rest
    y[POOL] = 1.0  # full pool; no facilitation, augmentation, ACh or desensitisation left from earlier impulses
    v = kp.v_rest
    y[VM] = v
    y[VEP] = v
    m_inf, h_inf, _ = sodium_gates(v, kp.m_half, kp.na_m_slope_mV, kp.h_half, kp.na_h_slope_mV, kp.na_h_tau_ms)
    y[NA_M], y[NA_H] = m_inf, h_inf
    y[K_N] = potassium_gate(v, kp.n_half, kp.k_n_slope_mV, kp.k_n_tau_ms)[0]
    y[SENSOR] = boltzmann(v, kp.s_half, kp.sensor_slope_mV)
    y[RYR_O], y[RYR_I], y[RYR_S] = _resting_release_channels(kp, y[SENSOR] ** 4, kp.ca_rest_uM)
    ca_rest = kp.ca_rest_uM
    y[CASR] = kp.sr_ca_uM
    y[TROP], y[XB] = resting_attached(ca_rest, kp.trop_kon, kp.trop_koff, kp.trop_xb_coop, kp.xb_attach,
                                      kp.xb_detach_rest, kp.xb_coop)
    y[LENGTH] = kp.mech_stop
    y[FORCE] = overlap(y[LENGTH], kp.ov_zero, kp.ov_break, kp.ov_break_force, kp.ov_plateau, kp.ov_end,
                       kp.ov_none) * y[XB]
    y[ATP], y[PCR], y[PI] = kp.atp_rest_mM, kp.pcr_rest_mM, kp.pi_rest_mM
    y[G34] = 0.0  # resting Pi: the metabolite-sensitive afferents are silent
    y[CATOT] = (1.0 + kp.fast_buffer_ratio) * ca_rest + kp.trop_total_uM * y[TROP]
    ia, ib = reflex_inputs(0.0, y, kp, _AT_REST)  # no stretch has started at t = 0
    y[IA], y[IB] = ia, ib
    y[VD] = motoneuron_rest_potential(kp, ia - ib)
    y[PIC] = boltzmann(y[VD], kp.pic_half_mV, kp.pic_slope_mV)
    y[VMN] = kp.mn_el_mV + kp.mn_coupling * (y[VD] - kp.mn_el_mV)
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
    kp : ParamRecord
        Parameters of the run (:func:`kernel_params`).
    inputs : numpy.void
        The protocol's input record: stretch and command segments (:meth:`simlib.Protocol.kernel_arrays`).
    a, b : numpy.ndarray
        Output arrays, same length as ``y``.
    """
    a[VAX], b[VAX], a[WAX], b[WAX] = axon_rates(y[VAX], y[WAX], y[DAP], kp.ax_el_mV,
                                                kp.ax_vt, kp.ax_delta_t_mV, kp.ax_tau, kp.ax_tau_w)
    a[DAP], b[DAP] = 0.0, 1.0 / kp.ax_dap_tau
    a[POOL], b[POOL] = pool_rates(y[FAC2], kp.pool_rate, kp.pool_refill_boost)
    a[FAC1], b[FAC1] = 0.0, kp.facil_fast_rate
    a[FAC2], b[FAC2] = 0.0, kp.facil_slow_rate
    a[AUG], b[AUG] = 0.0, kp.augment_rate
    a[ACH], b[ACH] = cleft_rates(kp.ach_clear)
    a[PERI], b[PERI] = perijunctional_rates(y[ACH], kp.ach_escape, kp.ach_outside_clear)
    a[OPEN], b[OPEN] = receptor_rates(y[ACH] + y[PERI], kp.achr_open, kp.achr_close)
    a[DES], b[DES] = desensitisation_rates(y[OPEN], kp.desens_on, kp.desens_off)
    g_ep_open = kp.g_ep * y[OPEN] * (1.0 - y[DES])
    v = y[VM]
    a[VM], b[VM] = membrane_rates(v, y[NA_M], y[NA_H], y[K_N], kp.g_na, kp.e_na, kp.g_kdr_mS_cm2, kp.e_k,
                                  kp.g_cl_mS_cm2, kp.e_cl, kp.g_rest, kp.e_rest, kp.g_endplate_to_fibre_mS_cm2, y[VEP])
    a[VEP] = kp.g_pass * kp.v_rest + g_ep_open * kp.e_ach_mV + kp.g_fibre_to_endplate_mS_cm2 * v
    b[VEP] = kp.g_pass + g_ep_open + kp.g_fibre_to_endplate_mS_cm2
    m_inf, h_inf, h_tau = sodium_gates(v, kp.m_half, kp.na_m_slope_mV, kp.h_half, kp.na_h_slope_mV, kp.na_h_tau_ms)
    n_inf, n_tau = potassium_gate(v, kp.n_half, kp.k_n_slope_mV, kp.k_n_tau_ms)
    phi = kp.phi_gate
    a[NA_M], b[NA_M] = phi * m_inf / kp.na_m_tau_ms, phi / kp.na_m_tau_ms
    a[NA_H], b[NA_H] = phi * h_inf / h_tau, phi / h_tau
    a[K_N], b[K_N] = phi * n_inf / n_tau, phi / n_tau
    a[EPP], b[EPP] = g_ep_open * (kp.e_ach_mV - kp.v_rest), g_ep_open + kp.g_pass + kp.g_fibre_to_endplate_mS_cm2
    a[SENSOR], b[SENSOR] = boltzmann(v, kp.s_half, kp.sensor_slope_mV) / kp.s_tau, 1.0 / kp.s_tau
    s2 = y[SENSOR] * y[SENSOR]
    ca_i = free_calcium(y[CATOT], y[TROP], kp.trop_total_uM, kp.fast_buffer_ratio)
    a[RYR_O], b[RYR_O], a[RYR_I], b[RYR_I], a[RYR_S], b[RYR_S] = ryr_rates(
        s2 * s2, y[RYR_O], y[RYR_I], y[RYR_S], y[CASR], kp.sr_ca_uM, ca_i, kp.ryr_activation, kp.ryr_inactivation,
        kp.ryr_recovery, kp.ryr_global_inactivation, kp.ryr_global_k_uM, kp.ryr_slow_recovery)
    atp = max(y[ATP], 0.0)
    release = kp.release_rate * max(y[RYR_O], 0.0) * release_pi_factor(y[PI], kp)
    koff = troponin_koff(y, kp)
    vmax = kp.serca_vmax * atp / (kp.serca_katp_mM + atp)
    a[CATOT], b[CATOT] = total_calcium_rates(y[CATOT], ca_i, y[CASR], release, kp.leak_rate, vmax, kp.serca_k_uM)
    a[CASR], b[CASR] = sr_rates(ca_i, release, kp.leak_rate, vmax, kp.serca_k_uM)
    a[TROP], b[TROP] = troponin_rates(y[CATOT], y[TROP], kp.trop_total_uM, kp.fast_buffer_ratio, kp.trop_kon, koff)
    a[XB], b[XB] = crossbridge_rates(y[TROP], kp.xb_attach, kp.xb_detach * atp / (kp.xb_katp_mM + atp), kp.xb_coop)
    force_generating = y[XB] * pi_factor(y[PI], kp.pi_rest_mM, kp.pi_k_force_mM)
    angle, velocity = protocol_stretch(t, inputs)  # the imposed stretch lengthens the muscle
    a[FORCE], b[FORCE], a[LENGTH], b[LENGTH] = muscle_rates(y[LENGTH], y[FORCE], force_generating, angle,
                                                            velocity, kp)
    na_current = kp.g_na * y[NA_M] * y[NA_M] * y[NA_M] * y[NA_H] * max(kp.e_na - v, 0.0)
    use = atp_use_per_atp(atp, kp.xb_detach, kp.xb_katp_mM, y[XB], kp.myosin_heads_mM * kp.xb_atp_per_detachment,
                          serca_flux(ca_i, kp.serca_vmax, kp.serca_k_uM), kp.serca_katp_mM, na_current,
                          kp.na_pump_per_current, kp.na_pump_katp_mM)
    a[ATP], b[ATP], a[PCR], b[PCR], a[PI], b[PI] = metabolism_rates(y[ATP], y[PCR], y[PI], ca_i, use, kp)
    motoneuron_and_reflex_rates(t, y, kp, inputs, a, b)


@jit
def troponin_koff(y, kp):
    """Ca²⁺ dissociation rate from troponin (1/ms): slowed by attached cross-bridges, sped up by Pi."""
    return kp.trop_koff / ((1.0 + kp.trop_xb_coop * y[XB]) * pi_factor(y[PI], kp.pi_rest_mM, kp.pi_k_calcium_mM))


@jit
def junction_impulse(y, kp):
    """Release ACh for one nerve impulse arriving at the terminal; update the state in place; return the quanta.

    The quanta follow from the pool and the facilitation left by earlier impulses
    (:func:`simlib.stages.nmj.release_fraction`); then the pool is depleted, the ACh added to the
    cleft and facilitation and augmentation jump.
    """
    quanta = kp.pool_quanta * y[POOL] * release_fraction(kp.release_lambda, kp.release_max_fraction, y[FAC1],
                                                         y[FAC2], y[AUG])
    y[POOL] -= quanta / kp.pool_quanta
    y[ACH] += quanta * kp.ach_per_quantum
    y[FAC1] += kp.facil_fast_jump
    y[FAC2] += kp.facil_slow_jump
    y[AUG] += kp.augment_jump
    return quanta


def free_calcium_trace(states: np.ndarray, kp: ParamRecord) -> np.ndarray:
    """Free myoplasmic Ca²⁺ (µM) of sampled states (rows = samples), from total Ca²⁺ and troponin.

    The vectorised twin of :func:`simlib.stages.ec_coupling.free_calcium`.
    """
    free = (states[:, CATOT] - kp.trop_total_uM * states[:, TROP]) / (1.0 + kp.fast_buffer_ratio)
    return np.maximum(free, 0.0)


@jit
def calcium_jacobian(y, kp):
    """Jacobian of the (total Ca²⁺, troponin) pair at state ``y``.

    See :func:`simlib.stages.ec_coupling.calcium_troponin_jacobian`.
    """
    atp = max(y[ATP], 0.0)
    return calcium_troponin_jacobian(y[CATOT], y[TROP], kp.trop_total_uM, kp.fast_buffer_ratio, kp.trop_kon,
                                     troponin_koff(y, kp), kp.serca_vmax * atp / (kp.serca_katp_mM + atp),
                                     kp.serca_k_uM)


@jit
def descending_command(t, inputs):
    """Descending command onto the motoneuron at time ``t`` (mV): the sum of the protocol's command segments.

    ``inputs`` is the kernel input record of :meth:`simlib.Protocol.kernel_arrays` (segments: start ms,
    end ms, level mV, shape); a "hold" segment is constant, a "triangle" rises to its level at the midpoint.
    """
    total = 0.0
    segments = inputs.segments
    for row in range(inputs.n_segments):
        start, end, level = segments[row, 0], segments[row, 1], segments[row, 2]
        if t < start or t >= end:
            continue
        if segments[row, 3] == SHAPE_TRIANGLE:
            half = 0.5 * (end - start)
            x = (t - start) / half
            total += level * (x if x <= 1.0 else 2.0 - x)
        else:
            total += level
    return total


@jit
def protocol_stretch(t, inputs):
    """Joint angle (deg) and angular velocity (deg/ms) of the protocol's stretch (row 0 of ``inputs``)."""
    return stretch_angle(t, inputs.stretch_start_ms, inputs.stretch_amplitude_deg, inputs.stretch_velocity_deg_ms)


@jit
def evoked_input(t, y, kp, inputs):
    """Input (mV) evoked by the experimenter rather than by the contraction itself.

    The stretch-evoked spindle target (length and velocity terms) plus the stimulus EPSP. Spikes
    fired while it is substantial are labelled "reflex" rather than "self-sustained".
    """
    angle, velocity = protocol_stretch(t, inputs)
    stretch = kp.ia_length_mV_per_deg * angle + kp.ia_velocity_mV_per_deg_s * 1000.0 * velocity
    return kp.reflex_gain * stretch + y[SSTIM]


@jit
def reflex_inputs(t, y, kp, inputs):
    """Ia excitation and Ib inhibition targets (mV) at time ``t``: ``(ia_target, ib_target)``.

    Group III/IV activity adds to the learner's fatigue (more Ia boost, a smaller Ib factor, never below 0)
    and drives the fusimotor Ia term. The contraction term of the spindles stands for α-γ co-activation,
    so it counts force from cycling cross-bridges only (a Hill-2 ATP saturation at the detachment's K, 1 at
    healthy ATP, within 2 % of it down to 1 mM):
    the tension of a rigor contracture, with no motor drive, loads tendon organs but not spindles.
    """
    angle, velocity = protocol_stretch(t, inputs)
    force = y[FORCE] / kp.force_unit
    atp = max(y[ATP], 0.0)
    cycling = kp.ia_cycling_scale * hill2(atp, kp.xb_katp_mM)
    g34 = max(y[G34], 0.0)
    ia = spindle_target(force * cycling, angle, 1000.0 * velocity, kp.reflex_gain, kp.ia_force_mV,
                        kp.ia_fatigue_boost + kp.ia_boost_per_g34 * g34, kp.ia_length_mV_per_deg,
                        kp.ia_velocity_mV_per_deg_s, kp.ia_fusimotor_mV * g34)
    passive = kp.passive_tension * angle / kp.stretch_amplitude_deg
    ib_factor = max(kp.ib_fatigue_loss - kp.ib_loss_per_g34 * g34, 0.0)
    return ia, tendon_organ_target(force, passive, kp.ib_force_mV, ib_factor)


@jit
def motoneuron_and_reflex_rates(t, y, kp, inputs, a, b):
    """Fill the rates of the spinal motoneuron, its afferent drives and the stimulus EPSP."""
    ia_target, ib_target = reflex_inputs(t, y, kp, inputs)
    a[IA], b[IA] = ia_target / kp.ia_tau_ms, 1.0 / kp.ia_tau_ms
    a[IB], b[IB] = ib_target / kp.ib_tau_ms, 1.0 / kp.ib_tau_ms
    a[SSTIM], b[SSTIM] = 0.0, 1.0 / kp.stim_epsp_tau_ms
    a[G34], b[G34] = kp.g34_rate * group34_target(y[PI], kp.pi_rest_mM, kp.g34_k_pi_mM), kp.g34_rate
    a[GAHP], b[GAHP] = 0.0, 1.0 / kp.mn_ahp_tau_ms
    p_inf = boltzmann(y[VD], kp.pic_half_mV, kp.pic_slope_mV)
    a[PIC], b[PIC] = p_inf / kp.pic_tau_ms, 1.0 / kp.pic_tau_ms
    synaptic = descending_command(t, inputs) + y[IA] - y[IB] + y[SSTIM]
    a[VD], b[VD] = dendrite_rates(y[VD], y[PIC], synaptic, kp.mn_el_mV, kp.pic_e_mV, kp.pic_g, kp.mn_dendrite_tau_ms)
    a[VMN], b[VMN] = soma_rates(y[VMN], y[GAHP], y[VD], kp.mn_el_mV, kp.mn_ek_mV, kp.mn_coupling, kp.mn_tau_ms)
