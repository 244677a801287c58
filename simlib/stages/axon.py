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

from simlib.stages._jit import jit

__all__ = ["axon_rates", "axon_rest_potential", "divalent_shift_mV"]

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
