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
Golgi tendon organ inhibition (:mod:`simlib.stages.reflex`) and stimulus-evoked afferent EPSPs;
:math:`V_d`, :math:`V` (mV) dendritic and somatic potentials; :math:`p` PIC activation (slow,
so repeated EPSPs build it up: "warm-up"); :math:`\kappa` the dendrite-to-soma coupling.
When :math:`V` reaches :math:`V_{th}` the soma fires, is reset, and its AHP conductance jumps,
so rates saturate (Zengel et al. 1985). Synaptic noise enters at the spikes (escape/threshold
noise, Gerstner & Kistler 2002 ch. 5): each spike's AHP jump is scaled by :math:`1 + c\,u_n`, with
:math:`u_n` the seeded jitter of impulse :math:`n` (:func:`simlib.stages._noise.impulse_jitter`) and
:math:`c` ``mn_ahp_jitter``; the same spread moves a slow, near-recruitment interval (whose end the
decaying AHP only grazes) more than a fast one, so the interval CV falls as the rate rises.
With enough PIC the dendrite is bistable: once strong
input has switched the plateau on, it holds itself after the input stops and the soma keeps
firing (self-sustained firing; Hounsgaard et al. 1988; Lee & Heckman 1998) until inhibition
(e.g. tendon-organ input during a stretch) switches it off. With less PIC it only amplifies input,
and recruitment still needs more input than derecruitment (hysteresis).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simlib.model._declare import Stage, State
from simlib.stages._jit import jit
from simlib.stages.membrane import boltzmann
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

__all__ = ["CONSTANTS", "STAGE", "STATES", "dendrite_rates", "derive", "onset_rate_hz", "soma_rates"]

_CHOSEN = "chosen so that "

STATES: tuple[State, ...] = (
    State("v_motoneuron", "mV", 1e-3, 0.0, "somatic potential of the spinal motoneuron"),
    State("g_ahp", "", 2e-5, 0.2, "afterhyperpolarisation (K⁺) conductance of the soma, relative to leak"),
    State("pic", "", 2e-5, 0.2, "activation of the dendritic persistent inward current"),
    State("stim_epsp", "mV", 5e-3, 0.0, "dendritic EPSP from the afferent volleys of nerve stimulation"),
    State("v_dendrite", "mV", 1e-3, 0.0, "dendritic potential of the motoneuron"),
)

CONSTANTS: tuple[Param, ...] = (
    Param("mn_tau_ms", 6.0, "ms", "membrane time constant of the spinal motoneuron",
          "cat motoneurons 5-10 ms, longest in slow (S) units (Zengel et al. 1985, J Neurophysiol 53:1323)",
          4.0, 12.0),
    Param("mn_dendrite_tau_ms", 10.0, "ms", "time constant of the motoneuron dendrite",
          "Booth, Rinzel & Kiehn 1997 (passive dendritic compartment, C/g_leak ≈ 2-10 ms)", 3.0, 20.0),
    Param("mn_coupling", 1.0, "", "fraction of dendritic depolarisation transmitted to the soma",
          "two-compartment motoneuron models (Booth, Rinzel & Kiehn 1997); 1 = no attenuation", 0.3, 1.0),
    Param("mn_el_mV", -70.0, "mV", "motoneuron resting (leak) potential", "Zengel et al. 1985", -75.0, -65.0),
    Param("mn_threshold_mV", -55.0, "mV", "motoneuron spike threshold", "≈10-20 mV above rest (Zengel et al. "
          "1985)", -60.0, -50.0),
    Param("mn_reset_mV", -65.0, "mV", "motoneuron potential right after a spike", "integrate-and-fire convention",
          -70.0, -60.0),
    Param("mn_ahp_jump", 1.0, "", "AHP conductance added by each spike (relative to leak)",
          _CHOSEN + "firing saturates at 45 Hz (over the first second) for the strongest command, a fast unit: "
          "at maximal effort human motor units fire 31 ± 10 Hz in biceps, 30 ± 9 Hz in adductor pollicis and "
          "11 ± 3 Hz in soleus (mean ± SD, Bellemare et al. 1983)", 0.1, 2.0),
    Param("mn_ahp_tau_ms", 50.0, "ms", "decay time constant of the afterhyperpolarisation conductance",
          "AHP half-decay 30-70 ms in slow and fast cat motoneurons (Zengel et al. 1985)", 20.0, 120.0),
    Param("mn_ek_mV", -85.0, "mV", "reversal potential of the AHP (K⁺) current", "typical E_K of motoneurons",
          -95.0, -75.0),
    Param("pic_g", 0.3, "", "PIC conductance at full activation and pic_gain 1 (relative to leak)",
          _CHOSEN + "with normal monoaminergic tone recruitment needs more input than derecruitment "
          "(hysteresis, ΔF ≈ 3-5 pps in humans, Gorassini et al. 2002) but a rested muscle does not keep "
          "firing after a voluntary contraction; PIC amplifies input several-fold (Heckman et al. 2008)",
          0.1, 2.0),
    Param("pic_e_mV", 30.0, "mV", "reversal potential of the PIC (mixed Ca²⁺/Na⁺)", "Booth, Rinzel & Kiehn 1997 "
          "(E_Ca 80, E_Na 55 mV; mixed current lower)", 0.0, 60.0),
    Param("pic_half_mV", -48.0, "mV", "half-activation of the PIC (dendritic potential)",
          "L-type Ca²⁺ half-activation -40 mV in the BRK dendrite (Booth, Rinzel & Kiehn 1997); PICs activate "
          "near recruitment threshold (Heckman et al. 2005)", -60.0, -40.0),
    Param("pic_slope_mV", 3.0, "mV", "slope factor of PIC activation", "steep L-type activation "
          "(Booth, Rinzel & Kiehn 1997: 7 mV); chosen steeper so the plateau switches cleanly", 1.0, 7.0),
    Param("pic_tau_ms", 40.0, "ms", "PIC activation/deactivation time constant",
          "L-type Ca²⁺ activation τ ≈ 40 ms plus dendritic filtering (Booth, Rinzel & Kiehn 1997)", 20.0, 200.0),
    Param("stim_epsp_mV", 30.0, "mV", "dendritic EPSP from the afferent volley of one electrical nerve stimulus "
          "(all afferents fire together)", _CHOSEN + "stimulation trains leave a cramp only in a fatigued or "
          "high-PIC muscle: thresholds 30 Hz (fatigue 1) and 14 Hz (fatigue 1, pic_gain 1.5) against 14.9 ± 1.3 Hz "
          "in cramp-prone people (Miller & Knight 2009, Muscle Nerve 39:364)", 0.0, 60.0),
    Param("collision_window_ms", 20.0, "ms", "after a nerve stimulus, motoneuron spikes are annihilated by the "
          "antidromic volley for this long (twice the axon conduction time)", "≈10 ms motor conduction time "
          "from spinal cord to calf muscles at 50-60 m/s (collision technique, e.g. H-reflex blocked at "
          "supramaximal stimulation)", 5.0, 40.0),
    Param("mn_ahp_jitter", 0.2, "", "relative spread (SD) of the AHP jump of a spike (uniform, bounded by "
          "√3 times this): the synaptic noise, applied at the spikes (escape noise, Gerstner & Kistler 2002, "
          "Spiking Neuron Models, ch. 5)", "synaptic noise sets the interval variability of motoneurons "
          "(Matthews 1996, J Physiol 492:597); " + _CHOSEN + "the interspike-interval CV of steady voluntary "
          "discharges at 15-35 Hz is 0.12-0.15 (0.34 at 10 Hz), within the 0.30 near recruitment to 0.13 at "
          "high force of human first dorsal interosseous units (Moritz et al. 2005, J Neurophysiol 93:2449)",
          0.0, 0.5),
    Param("stim_epsp_tau_ms", 10.0, "ms", "decay of the stimulus-evoked EPSP", "monosynaptic Ia EPSP decay in "
          "motoneurons (Zengel et al. 1985 membrane τ)", 3.0, 20.0),
)


def derive(sc: Scenario, c: ConstantValues, env: Environment) -> dict[str, float]:
    """Kernel parameters of the motoneuron (not temperature-scaled); ``pic_gain`` scales the PIC conductance."""
    return {
        "mn_tau_ms": c.mn_tau_ms,
        "mn_dendrite_tau_ms": c.mn_dendrite_tau_ms,
        "mn_coupling": c.mn_coupling,
        "mn_el_mV": c.mn_el_mV,
        "mn_threshold_mV": c.mn_threshold_mV,
        "mn_reset_mV": c.mn_reset_mV,
        "mn_ahp_jump": c.mn_ahp_jump,
        "mn_ahp_tau_ms": c.mn_ahp_tau_ms,
        "mn_ek_mV": c.mn_ek_mV,
        "pic_g": c.pic_g * sc.pic_gain,
        "pic_e_mV": c.pic_e_mV,
        "pic_half_mV": c.pic_half_mV,
        "pic_slope_mV": c.pic_slope_mV,
        "pic_tau_ms": c.pic_tau_ms,
        "stim_epsp_mV": c.stim_epsp_mV,
        "stim_epsp_tau_ms": c.stim_epsp_tau_ms,
        "collision_window_ms": c.collision_window_ms,
        "mn_ahp_jitter": c.mn_ahp_jitter,
    }


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
def onset_rate_hz(drive, el, ek, e_pic, g_pic, tau_d, tau_m, coupling, threshold, reset, ahp_jump, ahp_tau,
                  pic_half, pic_slope, pic_tau, duration_ms):
    """Return the mean firing rate (Hz) of the isolated motoneuron over ``duration_ms`` after a command starts.

    A constant drive (mV) is switched on at time 0 with the cell at rest (reflexes at rest);
    dendrite, PIC and soma are integrated with exponential Euler steps of 0.02 ms, and every
    spike from the onset on is counted: the rate a learner counts over the contraction, including
    the recruitment latency and the PIC's warm-up. (The rate over a late window alone would be
    met by commands that sit just above the PIC's switch-on threshold, where the plateau creeps
    on for most of a second, so the first impulse came after ~100 ms and a 1 s contraction held
    two thirds of the requested impulses.)
    """
    dt = 0.02
    v = el
    v_d = el
    g_ahp = 0.0
    p = 0.0
    spikes = 0
    n = int(duration_ms / dt)
    for _ in range(n):
        a, b = dendrite_rates(v_d, p, drive, el, e_pic, g_pic, tau_d)
        v_d = a / b + (v_d - a / b) * math.exp(-b * dt)
        a, b = soma_rates(v, g_ahp, v_d, el, ek, coupling, tau_m)
        v = a / b + (v - a / b) * math.exp(-b * dt)
        g_ahp *= math.exp(-dt / ahp_tau)
        p_inf = boltzmann(v_d, pic_half, pic_slope)
        p = p_inf + (p - p_inf) * math.exp(-dt / pic_tau)
        if v >= threshold:
            v = reset
            g_ahp += ahp_jump
            spikes += 1
    return spikes / (duration_ms / 1000.0)


STAGE = Stage("motoneuron", STATES, CONSTANTS, derive)
