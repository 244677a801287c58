r"""Motor axon: an excitable node whose threshold is set by extracellular Ca²⁺/Mg²⁺.

The node is an exponential integrate-and-fire membrane with a slow K⁺ current
(Fourcaud-Trocmé et al. 2003; slow Kv7 current of human motor axons, Bostock &
Rothwell 1997). Divalent cations screen the membrane surface charge and shift the
voltage dependence of the Na⁺ channels (Frankenhaeuser & Hodgkin 1957), which here
moves the rheobase potential :math:`V_T`.

Notes
-----
.. math::

    \tau \frac{dV}{dt} = -(V - E_L) + \Delta_T \exp\left(\frac{V - V_T - \psi}{\Delta_T}\right) - w,
    \qquad \tau_w \frac{dw}{dt} = -w

with :math:`V` (mV) the node potential, :math:`E_L` (mV) its leak reversal,
:math:`\Delta_T` (mV) the Na⁺ activation sharpness, :math:`\psi` (mV) the divalent
gating shift and :math:`w` (mV) the slow K⁺ current in voltage units. When
:math:`V > V_T + \psi + V_{spike}` an action potential is emitted, :math:`V` is
reset and :math:`w` jumps. A commanded impulse (from the spinal motoneuron or a
stimulator) passing through the node resets it in the same way (collision).
A resting state exists only while :math:`V_T + \psi - E_L \ge \Delta_T`; below
that the node fires by itself: this is the ectopic discharge of tetany.
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

__all__ = ["CONSTANTS", "STAGE", "STATES", "axon_rates", "axon_rest_potential", "derive", "divalent_shift_mV"]

_CHOSEN = "chosen so that "

STATES: tuple[State, ...] = (
    State("v_axon", "mV", 5e-4, 0.0, "potential of the motor-axon node (ectopic site)"),
    State("w_axon", "mV", 5e-3, 0.0, "slow axonal K⁺ (Kv7) current, in voltage units"),
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
def axon_rates(v: float, w: float, el: float, vt: float, delta_t: float, tau: float, tau_w: float):
    """Production-loss rates of the axon node.

    Parameters
    ----------
    v, w : float
        Node potential and slow K⁺ current (mV).
    el, vt, delta_t : float
        Leak reversal, shifted rheobase potential and activation sharpness (mV).
    tau, tau_w : float
        Time constants of the node and of the slow current, temperature-scaled (ms).

    Returns
    -------
    tuple of float
        ``(a_v, b_v, a_w, b_w)`` with ``dv/dt = a_v - b_v v`` and ``dw/dt = a_w - b_w w``
        (mV/ms and 1/ms).
    """
    arg = min((v - vt) / delta_t, _MAX_EXP)
    a_v = (el + delta_t * math.exp(arg) - w) / tau
    return a_v, 1.0 / tau, 0.0, 1.0 / tau_w


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
