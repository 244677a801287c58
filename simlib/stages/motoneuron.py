r"""Spinal motoneuron: a dendrite with a persistent inward current driving an integrate-and-fire soma.

Notes
-----
All inputs are expressed as equivalent depolarisations (mV) of membranes normalised to their
leak conductance. Synaptic inputs arrive on the dendrite, where the persistent inward current
(PIC: L-type Ca²⁺/persistent Na⁺, strength scaled by ``pic_gain``) lives, as in the
Booth–Rinzel–Kiehn (1997) two-compartment motoneuron:

.. math::

    \tau_d \frac{dV_d}{dt} = -(V_d - E_L) + S(t) + G_{PIC}\,p\,(E_{PIC} - V_d),\qquad
    \tau_p \frac{dp}{dt} = p_\infty(V_d) - p

.. math::

    \tau_m \frac{dV}{dt} = -(V - E_L) + g_{AHP}(E_K - V) + \kappa\,(V_d - E_L),\qquad
    \tau_{AHP}\frac{dg_{AHP}}{dt} = -g_{AHP}

with :math:`S = I_{desc}(t) + I_{Ia} - I_{Ib} + s` the descending command, spindle excitation,
tendon-organ inhibition (:mod:`simlib.stages.reflex`) and stimulus-evoked afferent EPSPs;
:math:`V_d`, :math:`V` (mV) dendritic and somatic potentials; :math:`p` PIC activation (slow,
so repeated EPSPs build it up: "warm-up"); :math:`\kappa` the dendrite-to-soma coupling.
When :math:`V` reaches :math:`V_{th}` the soma fires, is reset, and its AHP conductance jumps,
so rates saturate (Zengel et al. 1985). With enough PIC the dendrite is bistable: once strong
input has switched the plateau on, it holds itself after the input stops and the soma keeps
firing (self-sustained firing; Hounsgaard et al. 1988; Lee & Heckman 1998) until inhibition
(e.g. tendon-organ input during a stretch) switches it off. With less PIC it only amplifies input,
and recruitment still needs more input than derecruitment (hysteresis).
"""

from __future__ import annotations

import math

from simlib.stages._jit import jit

__all__ = ["pic_activation", "dendrite_rates", "soma_rates", "steady_rate_hz"]


@jit
def pic_activation(v: float, half: float, slope: float) -> float:
    """Return the steady-state PIC activation at dendritic potential ``v`` (dimensionless)."""
    return 1.0 / (1.0 + math.exp(-(v - half) / slope))


@jit
def dendrite_rates(v_d, p, synaptic, el, e_pic, g_pic, tau_d):
    """Production-loss rates ``(a, b)`` of the dendritic potential.

    Parameters
    ----------
    v_d, p : float
        Dendritic potential (mV) and PIC activation (0-1).
    synaptic : float
        Net synaptic input (mV of equivalent depolarisation).
    el, e_pic : float
        Leak and PIC reversal potentials (mV).
    g_pic : float
        PIC conductance at full activation, already scaled by ``pic_gain`` (leak-normalised).
    tau_d : float
        Dendritic time constant (ms).
    """
    g_p = g_pic * p
    return (el + synaptic + g_p * e_pic) / tau_d, (1.0 + g_p) / tau_d


@jit
def soma_rates(v, g_ahp, v_d, el, ek, coupling, tau_m):
    """Production-loss rates ``(a, b)`` of the somatic potential (mV/ms, 1/ms)."""
    return (el + g_ahp * ek + coupling * (v_d - el)) / tau_m, (1.0 + g_ahp) / tau_m


@jit
def steady_rate_hz(drive, el, ek, e_pic, g_pic, tau_d, tau_m, coupling, threshold, reset, ahp_jump, ahp_tau,
                   pic_half, pic_slope, pic_tau, duration_ms):
    """Return the firing rate (Hz) of the isolated motoneuron under a constant drive (mV), reflexes at rest.

    Integrates dendrite, PIC and soma from rest with exponential Euler steps of 0.02 ms and returns
    the mean rate over the second half of ``duration_ms``.
    """
    dt = 0.02
    v = el
    v_d = el
    g_ahp = 0.0
    p = 0.0
    spikes = 0
    n = int(duration_ms / dt)
    for i in range(n):
        a, b = dendrite_rates(v_d, p, drive, el, e_pic, g_pic, tau_d)
        v_d = a / b + (v_d - a / b) * math.exp(-b * dt)
        a, b = soma_rates(v, g_ahp, v_d, el, ek, coupling, tau_m)
        v = a / b + (v - a / b) * math.exp(-b * dt)
        g_ahp *= math.exp(-dt / ahp_tau)
        p_inf = pic_activation(v_d, pic_half, pic_slope)
        p = p_inf + (p - p_inf) * math.exp(-dt / pic_tau)
        if v >= threshold:
            v = reset
            g_ahp += ahp_jump
            if i >= n // 2:
                spikes += 1
    return spikes / (0.5 * duration_ms / 1000.0)
