r"""Excitation-contraction coupling.

Voltage-sensor-gated SR Ca²⁺ release, SERCA uptake that needs ATP, fast buffers and
troponin.

Notes
-----
All Ca²⁺ quantities are per litre of myoplasm (µM), so fluxes between the SR and
the myoplasm conserve mass.

.. math::

    \frac{ds}{dt} = \frac{s_\infty(V - \psi) - s}{\tau_s},\qquad
    J_{rel} = k_{rel}(1 - b_{RyR})\,s^4\,[Ca]_{SR},\qquad
    J_{up} = V_{max}\,\frac{[ATP]}{K_{ATP} + [ATP]}\,\frac{[Ca]_i^2}{K^2 + [Ca]_i^2}

.. math::

    \frac{d[Ca]_{tot}}{dt} = J_{rel} + J_{leak} - J_{up},\qquad
    [Ca]_i = \frac{[Ca]_{tot} - T_{tot}\,T}{1 + \beta},\qquad
    \frac{dT}{dt} = k_{on}[Ca]_i(1 - T) - k_{off}T,\qquad
    \frac{d[Ca]_{SR}}{dt} = J_{up} - J_{rel} - J_{leak}

The state is the *total* myoplasmic Ca²⁺ :math:`[Ca]_{tot} = (1 + \beta)[Ca]_i + T_{tot}T`
(free, fast-buffered and troponin-bound), which only the SR fluxes change; the free
concentration follows algebraically. This is the same model as an equation for
:math:`[Ca]_i` with a :math:`-T_{tot}\,dT/dt` term, but Ca²⁺ exchange with troponin
(rate :math:`\approx k_{on}T_{tot}/(1+\beta) \approx 5` /ms) then appears only on the
diagonal of the troponin equation, where the exponential integrator
(:mod:`simlib.solver`) treats it exactly instead of resolving it with small steps.

:math:`s` is the DHPR voltage-sensor activation (mechanically coupled to RyR1, so
no Ca²⁺ entry is needed: Armstrong et al. 1972), :math:`\beta` the bound/free ratio
of fast buffers (mainly ATP), :math:`T` the Ca²⁺-bound fraction of troponin and
:math:`J_{leak} = k_{leak}[Ca]_{SR}` a small passive leak, set so that resting
:math:`[Ca]_i` is stationary. Without ATP, SERCA stops and Ca²⁺ stays in the myoplasm. [ATP] is a state
(:mod:`simlib.stages.metabolism`); inorganic phosphate lowers release (Ca-Pi precipitation in the
SR) and Ca²⁺ sensitivity (faster Ca²⁺ dissociation from troponin), each by a factor that is 1 at
resting Pi (Allen, Lamb & Westerblad 2008).
Human muscle has almost no parvalbumin (Heizmann et al. 1982), so none is modelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simlib.model._declare import Stage, State
from simlib.stages._jit import jit
from simlib.stages.crossbridges import atp_saturation
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

#: total myoplasmic Ca²⁺ (µM) below which SERCA has nothing to pump: 1e-12 µM is less than one ion
#: in a whole fibre (one ion in ~1e-8 L of myoplasm is ~2e-10 µM)
_NO_CALCIUM_UM = 1e-12

__all__ = [
    "CONSTANTS", "STAGE", "STATES", "calcium_troponin_jacobian", "derive", "free_calcium", "hill2", "ryr_rates",
    "serca_flux", "sr_rates", "total_calcium_rates", "troponin_rates",
]

_CHOSEN = "chosen so that "

STATES: tuple[State, ...] = (
    State("sensor", "", 5e-5, 1.0, "activation of the T-tubule voltage sensor (DHPR)"),
    State("ca_total", "µM", 3.5e-4, 0.7, "total myoplasmic Ca²⁺: free, fast-buffered and troponin-bound"),
    State("ca_sr", "µM", 0.1, 1.0, "Ca²⁺ in the sarcoplasmic reticulum, per litre of myoplasm"),
    State("troponin", "", 7e-6, 0.7, "Ca²⁺-bound fraction of the troponin regulatory sites"),
    State("ryr_open", "", 1e-5, 1.0, "open fraction of the SR release channels (RyR1)"),
    State("ryr_inactivated", "", 2e-5, 1.0, "fraction of the SR release channels inactivated while open by the "
          "Ca²⁺ they release (fast, recovers in ~1 ms)"),
    State("ryr_slow_inactivated", "", 2e-5, 1.0, "fraction of the closed SR release channels inactivated by "
          "myoplasmic Ca²⁺ (slow, recovers in tens of ms)"),
)

CONSTANTS: tuple[Param, ...] = (
    Param("sensor_half_mV", -25.0, "mV", "half-activation voltage of the T-tubule voltage sensor (DHPR)",
          "charge-movement midpoint ≈ -20 to -30 mV (Ríos & Stern 1997, Annu Rev Biophys 26:47)", -35.0, -15.0),
    Param("sensor_slope_mV", 6.0, "mV", "slope factor of the voltage sensor", "Ríos & Stern 1997", 4.0, 10.0),
    Param("sensor_tau_ms", 0.2, "ms", "voltage-sensor activation time constant (at 37 °C)",
          _CHOSEN + "the voltage sensors follow the action potential and saturate with any full AP, so release "
          "does not grade with the AP's width (twitch flat against K⁺ while the fibre fires); charge movement "
          "is sub-millisecond (Ríos & Stern 1997)", 0.1, 2.0),
    Param("ryr_activation_per_ms", 30.0, "1/ms", "opening rate of release channels when the four voltage sensors "
          "of their tetrad are active (α s⁴)", _CHOSEN + "one action potential opens nearly every "
          "available channel (release is all-or-none while the AP is full); release follows the voltage "
          "sensors within ~1 ms (Ríos & Pizarro 1991, Physiol Rev "
          "71:849; Szentesi et al. 2001, J Physiol 531:75)", 2.0, 50.0),
    Param("ryr_inactivation_per_ms", 4.0, "1/ms", "Ca²⁺-dependent inactivation rate of an open release channel "
          "by the Ca²⁺ it releases (at the resting SR content; scales with SR Ca²⁺)",
          "release flux after an AP falls with half-duration ≈1.6 ms in mouse fast fibres at 16 °C (Baylor & "
          "Hollingworth 2003, J Physiol 551:125), ≈0.2-0.3 ms at 37 °C with Q10 2.5; inactivation by released "
          "Ca²⁺ (Simon, Klein & Schneider 1991, J Gen Physiol 97:437; Szentesi et al. 2001)", 0.5, 8.0),
    Param("ryr_recovery_ms", 1.0, "ms", "time constant of recovery of release channels from the fast Ca²⁺ "
          "inactivation of open channels (at 37 °C)",
          "Ca²⁺-dependent inactivation of RyR1 is rapid (≤1 ms after release starts) and isolated mouse fast "
          "fibres give two distinct Ca²⁺ spikes for doublets up to 1 kHz at room temperature (Bakker et al. 2017, "
          "J Gen Physiol 149:323); second-pulse release of a 200-Hz doublet is near the first", 0.3, 5.0),
    Param("ryr_slow_recovery_ms", 30.0, "ms", "time constant of recovery of closed release channels from "
          "inactivation by myoplasmic Ca²⁺ (at 37 °C)",
          "recovery from Ca²⁺-dependent inactivation of release takes ≈0.3 s in frog fibres at 8-10 °C "
          "(Schneider & Simon 1988, J Physiol 405:727); ≈30 ms at 37 °C with Q10 2.5 (q10_release); "
          "release per AP falls during a train (Baylor & Hollingworth 2003, J Physiol 551:125)", 10.0, 200.0),
    Param("ryr_global_inactivation_per_ms", 0.04, "1/ms", "maximal rate at which myoplasmic Ca²⁺ inactivates "
          "closed release channels (Hill 2; Ca²⁺ binding, not temperature-scaled)",
          _CHOSEN + "release per AP falls during a tetanus (the inactivation accumulates over a train and "
          "recovers with ryr_slow_recovery_ms) while the second AP of a doublet still releases ≈85 % of the "
          "first, and tetanic free Ca²⁺ stays micromolar; Ca²⁺ inactivation of release is high-affinity "
          "(Simon, Klein & Schneider 1991, J Gen Physiol 97:437; Jong, Pape & Chandler 1995, J Gen Physiol "
          "106:659)", 0.0, 1.0),
    Param("ryr_global_k_uM", 1.0, "µM", "free Ca²⁺ half-saturating the inactivation of closed release channels",
          "high-affinity Ca²⁺ inactivation site, K ≈ 0.3-1 µM (Simon, Klein & Schneider 1991); Hill 2 is an "
          "assumption that leaves resting channels available", 0.2, 5.0),
    Param("ryr_rate_per_ms", 0.22, "1/ms", "Ca²⁺ flux of open release channels (fraction of SR Ca²⁺ per ms)",
          _CHOSEN + "one action potential raises free Ca²⁺ by ≈10-20 µM (Baylor & Hollingworth 2003, "
          "J Physiol 551:125)", 0.1, 2.0),
    Param("sr_ca_uM", 2500.0, "µM", "resting SR Ca²⁺ content, expressed per litre of myoplasm",
          "SR content ≈1-3 mM myoplasmic equivalent; Kim 2020 / Williams 1998 initial SR Ca 2.5 mM", 1000.0, 4000.0),
    Param("ca_rest_uM", 0.05, "µM", "resting myoplasmic free Ca²⁺",
          "Westerblad & Allen 1991, J Gen Physiol 98:615 (0.03-0.1 µM)", 0.03, 0.1),
    Param("fast_buffer_ratio", 4.0, "", "bound/free ratio of fast myoplasmic Ca²⁺ buffers (mainly ATP)",
          "Baylor & Hollingworth 1998, J Gen Physiol 112:297 (≈64 µM Ca-ATP at 18 µM free)", 2.0, 8.0),
    Param("trop_total_uM", 140.0, "µM", "troponin regulatory Ca²⁺ sites", "Shorten et al. 2007", 70.0, 240.0),
    Param("trop_kon_per_uM_ms", 0.0885, "1/(µM·ms)", "Ca²⁺ binding rate to troponin (at 37 °C)",
          _CHOSEN + "one AP occupies ≈0.7 of the sites, not all: a doublet speeds troponin C occupation and "
          "force (Bakker et al. 2017, J Gen Physiol 149:323), and paired pulses sum more the shorter the "
          "interval down to ≈5 ms (Thomas, Johansson & Bigland-Ritchie 1999, J Neurophysiol 82:3188); "
          "Shorten et al. 2007 (J Muscle Res Cell Motil 28:293) give 0.0443 at 20 °C, i.e. a Q10 of 1.5 to "
          "37 °C, as Ca²⁺ association is close to diffusion-limited (q10_troponin_on)", 0.04, 0.5),
    Param("trop_koff_per_ms", 0.27, "1/ms", "Ca²⁺ dissociation rate from troponin (Kd ≈ 3 µM without "
          "attached cross-bridges, at 37 °C)", _CHOSEN + "with tetanic free Ca²⁺ at 1-3 µM a 50 Hz tetanus "
          "gives ≥90 % of maximal force and half-maximal force falls near 12 Hz (Thomas, Bigland-Ritchie & "
          "Johansson 1991, J Neurophysiol 65:1509); Shorten et al. 2007: 0.115 at 20 °C, i.e. 0.27 at 37 °C "
          "with Q10 1.65 (0.46 with 2.25)", 0.1, 1.5),
    Param("trop_xb_coop", 5.0, "", "slowing of Ca²⁺ dissociation from troponin by attached cross-bridges: "
          "k_off / (1 + c·X)", "Williams et al. 1998 / Kim 2020 (ModelDB 266732): k6 / (1 + 5 A)", 0.0, 10.0),
    Param("serca_vmax_uM_ms", 8.0, "µM/ms", "maximal SERCA Ca²⁺ uptake rate at saturating ATP",
          _CHOSEN + "the free Ca²⁺ transient returns to rest within ~50-100 ms and human twitch "
          "half-relaxation is ~100 ms (Sale et al. 1982, J Appl Physiol 52:1636)", 0.5, 10.0),
    Param("serca_k_uM", 0.5, "µM", "SERCA Ca²⁺ half-activation (Hill coefficient 2)",
          "K0.5 0.3-1 µM (Lytton et al. 1992, J Biol Chem 267:14483)", 0.3, 1.0),
    Param("serca_katp_mM", 0.05, "mM", "SERCA ATP half-saturation",
          "high-affinity catalytic site, tens of µM (Lytton et al. 1992)", 0.01, 0.2),
)


def derive(sc: Scenario, c: ConstantValues, env: Environment) -> dict[str, float]:
    """Kernel parameters of EC coupling: sensor (shifted, Q10), RyR (dantrolene), SERCA (ATP, Q10), troponin.

    The SR leak is set so that resting free Ca²⁺ is stationary in a healthy fibre (normal ATP).
    """
    phi_gate = env.phi.gating
    phi_ca = env.phi.calcium
    phi_rel = env.phi.release
    phi_trop = env.phi.troponin
    serca_vmax_healthy = c.serca_vmax_uM_ms * phi_ca * atp_saturation(env.healthy_atp_mM, c.serca_katp_mM)
    return {
        "s_half": c.sensor_half_mV + env.divalent_shift_mV,
        "sensor_slope_mV": c.sensor_slope_mV,
        "s_tau": c.sensor_tau_ms / phi_gate,
        "release_rate": c.ryr_rate_per_ms * phi_rel * (1.0 - sc.ryr_block),
        "ryr_activation": c.ryr_activation_per_ms * phi_rel,
        "ryr_inactivation": c.ryr_inactivation_per_ms * phi_rel,
        "ryr_recovery": phi_rel / c.ryr_recovery_ms,
        "ryr_slow_recovery": phi_rel / c.ryr_slow_recovery_ms,
        "ryr_global_inactivation": c.ryr_global_inactivation_per_ms,  # Ca²⁺ binding: near diffusion-limited
        "ryr_global_k_uM": c.ryr_global_k_uM,
        "leak_rate": serca_flux(c.ca_rest_uM, serca_vmax_healthy, c.serca_k_uM) / c.sr_ca_uM,
        # at saturating ATP: the rates scale it by the ATP state (simlib.stages.metabolism)
        "serca_vmax": c.serca_vmax_uM_ms * phi_ca,
        "serca_katp_mM": c.serca_katp_mM,
        "serca_k_uM": c.serca_k_uM,
        "trop_total_uM": c.trop_total_uM,
        "trop_kon": c.trop_kon_per_uM_ms * env.phi.troponin_on,
        "trop_koff": c.trop_koff_per_ms * phi_trop,
        "trop_xb_coop": c.trop_xb_coop,
        "fast_buffer_ratio": c.fast_buffer_ratio,
        # the resting state (simlib.chain.rest_state)
        "ca_rest_uM": c.ca_rest_uM,
        "sr_ca_uM": c.sr_ca_uM,
    }


@jit
def serca_flux(ca_i: float, vmax: float, k: float) -> float:
    """SERCA uptake (µM/ms) with Hill coefficient 2; ``vmax`` already scaled by ATP and temperature."""
    c2 = ca_i * ca_i
    return vmax * c2 / (k * k + c2)


@jit
def free_calcium(ca_total: float, trop: float, trop_total: float, buffer_ratio: float) -> float:
    """Free myoplasmic Ca²⁺ (µM) from total Ca²⁺ (µM) and the Ca²⁺-bound troponin fraction (never < 0)."""
    return max((ca_total - trop_total * trop) / (1.0 + buffer_ratio), 0.0)


@jit
def total_calcium_rates(ca_total, ca_i, ca_sr, release_rate, leak_rate, vmax, k):
    """Production-loss rates of total myoplasmic Ca²⁺: SR release and leak in, SERCA uptake out.

    Parameters
    ----------
    ca_total : float
        Total (free + buffered + troponin-bound) myoplasmic Ca²⁺ (µM).
    ca_i, ca_sr : float
        Free myoplasmic Ca²⁺ and SR Ca²⁺ (µM of myoplasm).
    release_rate, leak_rate : float
        RyR release and passive leak rate constants (1/ms).
    vmax, k : float
        SERCA maximal rate (µM/ms) and half-activation (µM).

    Returns
    -------
    tuple of float
        ``(a, b)`` for ``d[Ca]_tot/dt = a - b [Ca]_tot``.

    Notes
    -----
    Below ``_NO_CALCIUM_UM`` there is nothing to pump (the loss rate tends to 0 with ``[Ca]_tot``, as
    the flux goes as ``[Ca]_i^2``). The guard also keeps the division away from subnormal numbers,
    whose reciprocal overflows under the kernel's ``arcp`` fast-math flag (see ``simlib.stages._jit``).
    """
    uptake_per_total = 0.0 if ca_total <= _NO_CALCIUM_UM else serca_flux(ca_i, vmax, k) / ca_total
    return (release_rate + leak_rate) * ca_sr, uptake_per_total


@jit
def troponin_rates(ca_total: float, trop: float, trop_total: float, buffer_ratio: float, kon: float, koff: float):
    r"""Production-loss rates ``(a, b)`` of the Ca²⁺-bound troponin fraction :math:`T`.

    With :math:`[Ca]_i = (C - T_{tot}T)/(1+\beta)` the binding rate
    :math:`k_{on}[Ca]_i(1-T) - k_{off}T` is quadratic in :math:`T`. ``b`` is minus its
    derivative with respect to :math:`T`, so the fast exchange with free Ca²⁺ (including the
    depletion of free Ca²⁺ by binding) is handled by the exponential step, and
    ``a = dT/dt + b T``:
    :math:`a = k_{on}([Ca]_i + \tfrac{T_{tot}}{1+\beta}T(1-T))`,
    :math:`b = k_{on}([Ca]_i + \tfrac{T_{tot}}{1+\beta}(1-T)) + k_{off}`. Free Ca²⁺ is taken as
    ``>= 0`` and ``T`` within [0, 1] in these coefficients, so ``a, b >= 0`` for any state.
    """
    ca_i = free_calcium(ca_total, trop, trop_total, buffer_ratio)
    t = min(max(trop, 0.0), 1.0)
    exchange = kon * trop_total / (1.0 + buffer_ratio) if ca_i > 0.0 else 0.0
    return kon * ca_i + exchange * t * (1.0 - t), kon * ca_i + exchange * (1.0 - t) + koff


@jit
def hill2(ca: float, k: float) -> float:
    """Hill-2 saturation ``c² / (k² + c²)`` of a Ca²⁺ site (dimensionless; ``c`` clipped at 0)."""
    c2 = max(ca, 0.0) ** 2
    return c2 / (k * k + c2)


@jit
def ryr_rates(s4: float, opened: float, inactivated: float, slow: float, ca_sr: float, sr_rest: float,
              ca_i: float, activation: float, inactivation: float, recovery: float, global_rate: float,
              global_k: float, slow_recovery: float):
    r"""Production-loss rates of the open, the fast- and the slow-inactivated fractions of release channels.

    Parameters
    ----------
    s4 : float
        Fourth power of the voltage-sensor activation (all four DHPRs of a tetrad active).
    opened, inactivated, slow : float
        Open, fast-inactivated (shut while open by their own Ca²⁺) and slow-inactivated (shut while closed by
        myoplasmic Ca²⁺) fractions (0-1); the rest are closed and available.
    ca_sr, sr_rest : float
        SR Ca²⁺ and its resting value (µM of myoplasm): the Ca²⁺ at the mouth of an open channel, which
        inactivates it, grows with its own flux, i.e. with the SR content.
    ca_i : float
        Spatially averaged free myoplasmic Ca²⁺ (µM), which inactivates closed channels.
    activation, inactivation, recovery : float
        Rate constants (1/ms): closed → open (times ``s4``), open → fast-inactivated (times
        ``ca_sr / sr_rest``), fast-inactivated → closed (times ``1 - s4``: a channel shut by its own Ca²⁺
        does not recover while its voltage sensors stay active, so each channel opens once per action
        potential and release does not grade with the AP's width; release during a depolarisation decays to
        a steady level set by the same channels, Szentesi et al. 2001, J Physiol 531:75).
    global_rate, global_k, slow_recovery : float
        Maximal rate (1/ms) and half-saturating free Ca²⁺ (µM) of the inactivation of closed channels, and the
        rate (1/ms) of their recovery.

    Returns
    -------
    tuple of float
        ``(a_open, b_open, a_fast, b_fast, a_slow, b_slow)`` for
        :math:`dO/dt = \alpha s^4 (1 - O - I_f - I_s) - k_i r O` with :math:`r = [Ca]_{SR}/[Ca]_{SR,rest}`,
        :math:`dI_f/dt = k_i r O - k_{rf}(1 - s^4) I_f` and
        :math:`dI_s/dt = k_g \frac{[Ca]_i^2}{K_g^2 + [Ca]_i^2}(1 - O - I_f - I_s) - k_{rs} I_s`.
    """
    on = activation * s4
    inact = inactivation * max(ca_sr, 0.0) / sr_rest
    closed_inact = global_rate * hill2(ca_i, global_k)
    o = min(max(opened, 0.0), 1.0)
    f = min(max(inactivated, 0.0), 1.0)
    s = min(max(slow, 0.0), 1.0)
    return (on * max(1.0 - f - s, 0.0), on + inact, inact * o, recovery * max(1.0 - s4, 0.0),
            closed_inact * max(1.0 - o - f, 0.0), slow_recovery + closed_inact)


@jit
def sr_rates(ca_i: float, release_rate: float, leak_rate: float, vmax: float, k: float):
    """Production-loss rates ``(a, b)`` of SR Ca²⁺: uptake in, release and leak out."""
    return serca_flux(ca_i, vmax, k), release_rate + leak_rate


@jit
def calcium_troponin_jacobian(ca_total, trop, trop_total, buffer_ratio, kon, koff, vmax, k):
    r"""Jacobian of ``(d[Ca]_tot/dt, dT/dt)`` with respect to ``([Ca]_tot, T)`` (1/ms and µM/ms).

    Free Ca²⁺ is a small difference, :math:`([Ca]_{tot} - T_{tot}T)/(1+\beta)`, so SERCA and
    troponin binding couple the two states strongly (time constants of a few tenths of a
    millisecond). :mod:`simlib.solver` integrates this pair with a linearly implicit step
    using this matrix, so that coupling does not limit the step size.

    Returns
    -------
    tuple of float
        ``(j_cc, j_ct, j_tc, j_tt)``: row = rate of ([Ca]_tot, T), column = state.
    """
    scale = 1.0 / (1.0 + buffer_ratio)
    ca_i = (ca_total - trop_total * trop) * scale
    if ca_i <= 0.0:  # free Ca²⁺ is clipped at 0: neither state then changes it
        return 0.0, 0.0, 0.0, -koff
    k2 = k * k
    c2 = ca_i * ca_i
    serca_slope = vmax * 2.0 * ca_i * k2 / ((k2 + c2) * (k2 + c2))
    j_cc = -serca_slope * scale
    j_ct = serca_slope * scale * trop_total
    j_tc = kon * scale * (1.0 - trop)
    j_tt = -kon * scale * trop_total * (1.0 - trop) - kon * ca_i - koff
    return j_cc, j_ct, j_tc, j_tt


STAGE = Stage("ec_coupling", STATES, CONSTANTS, derive)
