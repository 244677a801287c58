r"""Motor axon: an excitable node whose threshold is set by extracellular Ca²⁺/Mg²⁺.

The node is an exponential integrate-and-fire membrane with a slow K⁺ current
(Fourcaud-Trocmé et al. 2003; slow Kv7 current of human motor axons, Bostock &
Rothwell 1997). Divalent cations screen the membrane surface charge and shift the
voltage dependence of the Na⁺ channels (Frankenhaeuser & Hodgkin 1957), which here
moves the rheobase potential :math:`V_T`.

Notes
-----
.. math::

    \tau \frac{dV}{dt} = -(V - E_L) + \Delta_T \exp\left(\frac{V - V_T - \psi}{\Delta_T}\right) - w + d,
    \qquad \tau_w \frac{dw}{dt} = -w,\qquad \tau_d \frac{dd}{dt} = -d

with :math:`V` (mV) the node potential, :math:`E_L` (mV) its leak reversal,
:math:`\Delta_T` (mV) the Na⁺ activation sharpness, :math:`\psi` (mV) the divalent
gating shift, :math:`w` (mV) the slow K⁺ current in voltage units, :math:`d` (mV) the
depolarising afterpotential (DAP: the internode's capacitive discharge through the
paranodal seal, with persistent Na⁺ current; Barrett & Barrett 1982; Bostock & Rothwell 1997).
The afterpotential. When
:math:`V > V_T + \psi + V_{spike}` an action potential is emitted, :math:`V` is
reset and :math:`w` and :math:`d` jump (:func:`axon_spike_reset`). The channel noise of the node
enters at its ectopic impulses: each one's slow K⁺ jump is scaled by :math:`1 + c\,u_n`, with
:math:`u_n` the seeded jitter of impulse :math:`n` (:func:`simlib.stages._noise.impulse_jitter`)
and :math:`c` ``ax_adapt_jitter``, so the next ectopic interval varies. A commanded impulse (from
the spinal motoneuron or a stimulator) passing through the node resets it in the same way
(collision). A resting state exists only while :math:`V_T + \psi - E_L \ge \Delta_T`; below
that the node fires by itself: this is the ectopic discharge of tetany. The DAP outlasts the
fast reset but not the slow K⁺ current: in a node with little margin it brings the node back to
threshold within a few ms, so ectopic discharges come as doublets and multiplets until the slow
K⁺ current, which grows with every impulse, ends the burst (Kugelberg 1948). With normal Ca²⁺
the DAP minus the slow current stays below the node's margin, so no impulse is followed by
an extra one.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simlib.model._declare import Stage, State
from simlib.stages._jit import jit
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

__all__ = ["CONSTANTS", "STAGE", "STATES", "axon_rates", "axon_rest_potential", "axon_spike_reset",
           "derive", "divalent_shift_mV"]

_CHOSEN = "chosen so that "

STATES: tuple[State, ...] = (
    State("v_axon", "mV", 2.5e-4, 0.0, "potential of the motor-axon node (ectopic site)"),
    State("w_axon", "mV", 5e-3, 0.0, "slow axonal K⁺ (Kv7) current, in voltage units"),
    State("dap_axon", "mV", 5e-4, 0.0, "depolarising afterpotential of the motor-axon node"),
)

CONSTANTS: tuple[Param, ...] = (
    Param("ax_el_mV", -80.0, "mV", "resting (leak reversal) potential of the motor-axon node",
          "typical mammalian motor-axon resting potential (Bostock & Rothwell 1997 review range -80 to -85 mV)",
          -85.0, -75.0),
    Param("ax_delta_t_mV", 3.0, "mV", "sharpness of Na⁺-channel activation in the exponential integrate-and-fire node",
          "Fourcaud-Trocmé et al. 2003, J Neurosci 23:11628 (ΔT ≈ 1-3.5 mV for cortical and axonal Na⁺ channels)",
          1.0, 3.5),
    Param("ax_vt_mV", -75.2, "mV", "rheobase potential of the axon node at reference Ca²⁺/Mg²⁺",
          _CHOSEN + "spontaneous (ectopic) firing starts when ionised Ca²⁺ falls below ≈0.88 mM at normal Mg²⁺ "
          "(clinical tetany range 0.8-1.0 mM, Cooper & Gittoes 2008, BMJ 336:1298); the node stands for an "
          "axon region that is already close to threshold (persistent Na⁺ current), physiology.md §1.3",
          -77.0, -74.0),
    Param("ax_tau_ms", 1.0, "ms", "membrane time constant of the axon node",
          "order of magnitude of myelinated-axon node/internode time constants (Bostock 1995)", 0.2, 3.0),
    Param("ax_spike_dv_mV", 15.0, "mV", "depolarisation above the rheobase potential counted as an action potential",
          "numerical convention for the exponential integrate-and-fire model (spike at VT + 5 ΔT)", 10.0, 30.0),
    Param("ax_reset_mV", -82.0, "mV", "axon potential right after an action potential (afterhyperpolarisation)",
          "depolarising/hyperpolarising afterpotentials of human motor axons are a few mV (Bostock & Rothwell 1997)",
          -90.0, -78.0),
    Param("ax_adapt_jump_mV", 4.0, "mV", "slow K⁺ (Kv7) current added by each axon action potential",
          _CHOSEN + "ectopic firing in moderate hypocalcaemia is about 5-15 Hz, the rate of tetanic "
          "motor-unit discharges (Kugelberg 1948)", 1.0, 10.0),
    Param("ax_adapt_tau_ms", 80.0, "ms", "decay time constant of the slow axonal K⁺ current",
          "slow K⁺ (Kv7) channels of human motor axons, τ ≈ 40-100 ms (Bostock & Rothwell 1997)", 30.0, 150.0),
    Param("ax_dap_jump_mV", 6.0, "mV", "depolarising afterpotential added by each axon action potential",
          "DAPs of mammalian myelinated axons are a few mV (Barrett & Barrett 1982, J Physiol 323:117) and "
          "outweigh the slow K⁺ current for the first ms, giving the superexcitable period (Bostock & "
          "Rothwell 1997, J Physiol 498:277); " + _CHOSEN + "with normal Ca²⁺ it stays below the node's "
          "margin (no impulse is followed by an extra one) while in hypocalcaemic tetany discharges "
          "come as doublets and multiplets (Kugelberg 1948, Arch Neurol Psychiatry 60:140)", 0.0, 10.0),
    Param("ax_dap_tau_ms", 10.0, "ms", "decay time constant of the depolarising afterpotential",
          "superexcitability of human motor axons peaks 5-7 ms after an impulse and ends by ~15-20 ms "
          "(Kiernan et al. 2000, Muscle Nerve 23:399; Bostock & Rothwell 1997): an exponential DAP of "
          "τ ≈ 10 ms", 2.0, 20.0),
    Param("ax_adapt_jitter", 0.1, "", "relative spread (SD) of the slow K⁺ jump of an ectopic impulse "
          "(uniform, bounded by √3 times this): the node's channel noise, applied at its impulses",
          "threshold fluctuation of human motor axons is ~1-2 % of threshold current (relative spread of the "
          "stimulus-response curve; Bostock & Rothwell 1997; White et al. 2000, Trends Neurosci 23:131 for "
          "Na⁺-channel noise), which at the ectopic site's small margin makes tetanic discharges irregular "
          "(Kugelberg 1948); " + _CHOSEN + "every seed gives other tetanic bursts while the shortest interval "
          "within a multiplet stays >= 2 ms (2-20 ms in tetany, Kugelberg 1948; a spread of 0.3 gave 1.2 ms)",
          0.0, 0.5),
)


def derive(sc: Scenario, c: ConstantValues, env: Environment) -> dict[str, float]:
    """Kernel parameters of the axon node: the divalent shift moves its rheobase, Q10 its time constants."""
    shift = env.divalent_shift_mV
    phi_gate = env.phi.gating
    return {
        "ax_el_mV": c.ax_el_mV,
        "ax_vt": c.ax_vt_mV + shift,
        "ax_delta_t_mV": c.ax_delta_t_mV,
        "ax_tau": c.ax_tau_ms / phi_gate,
        "ax_tau_w": c.ax_adapt_tau_ms / phi_gate,
        "ax_spike_v": c.ax_vt_mV + shift + c.ax_spike_dv_mV,
        "ax_reset_mV": c.ax_reset_mV,
        "ax_adapt_jump_mV": c.ax_adapt_jump_mV,
        "ax_dap_jump_mV": c.ax_dap_jump_mV,
        "ax_dap_tau": c.ax_dap_tau_ms / phi_gate,
        "ax_adapt_jitter": c.ax_adapt_jitter,
        "noise_seed": float(sc.seed),
    }


STAGE = Stage("axon", STATES, CONSTANTS, derive)

_MAX_EXP = 30.0


def divalent_shift_mV(
    ca_mM: float, mg_mM: float, ca_ref_mM: float, mg_ref_mM: float, slope_mV: float, mg_weight: float
) -> float:
    r"""Surface-charge shift of channel gating by extracellular divalent cations.

    Parameters
    ----------
    ca_mM, mg_mM : float
        Extracellular ionised Ca²⁺ and Mg²⁺ (mM).
    ca_ref_mM, mg_ref_mM : float
        Concentrations at which gating parameters are defined (mM).
    slope_mV : float
        Shift per e-fold change in effective divalent concentration (mV).
    mg_weight : float
        Screening potency of Mg²⁺ relative to Ca²⁺ (dimensionless).

    Returns
    -------
    float
        Shift (mV) to add to every half-activation voltage: negative (more
        excitable) when divalents fall.

    Notes
    -----
    :math:`\psi = s \ln\frac{[Ca]_o + w_{Mg}[Mg]_o}{[Ca]_{ref} + w_{Mg}[Mg]_{ref}}`
    (Frankenhaeuser & Hodgkin 1957; Hille 1968).
    """
    return slope_mV * math.log((ca_mM + mg_weight * mg_mM) / (ca_ref_mM + mg_weight * mg_ref_mM))


@jit
def axon_rates(v: float, w: float, d: float, el: float, vt: float, delta_t: float, tau: float,
               tau_w: float):
    """Production-loss rates of the axon node.

    Parameters
    ----------
    v, w, d : float
        Node potential, slow K⁺ current and depolarising afterpotential (mV).
    el, vt, delta_t : float
        Leak reversal, shifted rheobase potential and activation sharpness (mV).
    tau, tau_w : float
        Time constants of the node and of the slow current, temperature-scaled (ms).

    Returns
    -------
    tuple of float
        ``(a_v, b_v, a_w, b_w)`` with ``dv/dt = a_v - b_v v`` and ``dw/dt = a_w - b_w w``
        (mV/ms and 1/ms); the afterpotential decays with its own rate (:func:`axon_spike_reset`).
    """
    arg = min((v - vt) / delta_t, _MAX_EXP)
    a_v = (el + delta_t * math.exp(arg) - w + d) / tau
    return a_v, 1.0 / tau, 0.0, 1.0 / tau_w


@jit
def axon_spike_reset(y, kp, vax, wax, dap, adapt_scale):
    """Apply an axon action potential to the state ``y`` (indices ``vax``, ``wax``, ``dap``) in place.

    The node resets to its afterhyperpolarisation, the slow K⁺ current jumps by ``adapt_scale``
    (dimensionless, > 0; 1 for a conducted impulse, jittered for an ectopic one) times its jump and
    the depolarising afterpotential jumps.
    """
    y[vax] = kp.ax_reset_mV
    y[wax] += adapt_scale * kp.ax_adapt_jump_mV
    y[dap] += kp.ax_dap_jump_mV


def axon_rest_potential(el: float, vt: float, delta_t: float) -> float | None:
    """Stable resting potential of the node, or None when it fires by itself.

    Parameters
    ----------
    el, vt, delta_t : float
        Leak reversal, shifted rheobase potential and activation sharpness (mV).

    Returns
    -------
    float or None
        Lower fixed point of the node equation (mV), found by Newton iteration,
        or None when no fixed point exists (repetitive ectopic firing).
    """
    if vt - el < delta_t:
        return None
    v = el
    for _ in range(100):
        f = -(v - el) + delta_t * math.exp((v - vt) / delta_t)
        df = -1.0 + math.exp((v - vt) / delta_t)
        step = f / df
        v -= step
        if abs(step) < 1e-12:
            break
    return v
