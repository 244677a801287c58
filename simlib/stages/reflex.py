r"""Reflex loop: muscle spindle (Ia) excitation and Golgi tendon organ (Ib) inhibition.

Notes
-----
The muscle is isometric except for a passive stretch imposed by the learner (``stretch_at_s``)
that rotates the joint by :math:`\theta_{max}` at angular velocity :math:`\omega`
(``stretch_velocity_deg_s``) and then holds; the same rotation lengthens the muscle
(:mod:`simlib.stages.mechanics`: overlap, passive and eccentric force at the new length, which reach
the afferents through :math:`F`). Afferent drives onto the motoneuron (mV of
equivalent depolarisation) relax to their targets with time constants that stand for the
conduction and synaptic delay of the short-latency reflex (≈ 30 ms loop, Hoffmann reflex of
the calf; Pierrot-Deseilligny & Burke 2012):

.. math::

    \tau_{Ia}\frac{dI_{Ia}}{dt} = k_F (1 + a_f\,\phi_e)\,c\,F + \rho\,\big[k_\theta\,\theta(t)
        + k_\omega\,\dot\theta(t)\big] + k_\gamma\,m - I_{Ia},\qquad
    \tau_{Ib}\frac{dI_{Ib}}{dt} = k_{Ib}\,\big[\max(1 - b_f\,\phi_e, 0)\,F + T_p(\theta)\big] - I_{Ib}

:math:`F` is muscle force (force unit), :math:`\phi_e = \phi + w\,m` the effective fatigue, :math:`\phi` =
``fatigue`` (fatigue carried in from earlier exercise), :math:`m` the activity of the metabolite-sensitive
group III/IV afferents (below), :math:`c` the fraction of force from cycling cross-bridges (Hill-2 in ATP,
1 at healthy ATP, 0 in rigor: the contraction term stands for α–γ co-activation, which a rigor contracture lacks),
:math:`\rho` = ``reflex_gain``
(descending control of the stretch reflex; raised when it is lost, as in spasticity; it scales the
stretch-evoked terms only),
:math:`T_p(\theta) = k_p\,\theta/\theta_{max}` the tendon-organ load of the stretched
muscle-tendon unit (force units). :math:`F` is the force the series element transmits: while an active
muscle is stretched it includes Katz's eccentric force, which loads the tendon organs (they respond to active
force: Houk & Henneman 1967); :math:`T_p` stays as the stretch's own, fatigue-proof Ib load (the relief of a
cramp by stretch is tendon-organ mediated: Khan & Burne 2007), and the parallel element's passive force
(``Result.passive_force``) is not added to it a second time. Spindles fire during isometric contractions through
α–γ co-activation (Vallbo 1970), more so in fatigued muscle (Nelson & Hutton 1985), while
tendon organs signal tension and are less effective in fatigued, shortened muscle
(Hutton & Nelson 1986; Khan & Burne 2007). A stretch excites spindles in proportion to its
length and velocity and loads tendon organs: the same equations end a cramp (Ib wins at
normal reflex gain) and provoke a spastic reflex contraction (Ia wins at high gain, more for a
faster stretch).

Exercise moves the same balance through group III/IV muscle afferents, which fire as metabolites
accumulate (Kaufman & Rybicki 1987; Amann et al. 2011). Their activity follows the rise of Pi above
rest (the model's metabolite index; the real stimuli are mainly H⁺ and cyclooxygenase products,
Rotto & Kaufman 1988):

.. math::

    \tau_{34}\frac{dm}{dt} = \frac{x}{K_{34} + x} - m,\qquad x = \max(P_i - P_{i,rest}, 0)

It adds :math:`w\,m` to the fatigue of both pathways (Schwellnus 2009 "altered neuromuscular control")
and excites fusimotor neurones, whose Ia drive :math:`k_\gamma m` needs no force (Ljubisavljevic et al.
1992). Their inhibition of voluntary drive (central fatigue; Gandevia 2001) acts above the motoneuron,
on the command the learner sets, and is left out (docs/model.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simlib.model._declare import Stage, State
from simlib.stages._jit import jit
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

__all__ = ["CONSTANTS", "STAGE", "STATES", "derive", "group34_target", "spindle_target", "stretch_angle",
           "tendon_organ_target"]

_CHOSEN = "chosen so that "

STATES: tuple[State, ...] = (
    State("ia_drive", "mV", 1e-3, 0.0, "spindle (Ia) excitation of the motoneuron, in mV of depolarisation"),
    State("ib_drive", "mV", 1e-3, 0.0, "Golgi tendon organ (Ib) inhibition of the motoneuron, in mV"),
    State("group34_activity", "", 1e-4, 0.0, "activity of the metabolite-sensitive group III/IV muscle afferents "
          "(fraction of their maximal metabolite-evoked discharge)"),
)

CONSTANTS: tuple[Param, ...] = (
    Param("ia_force_mV", 12.0, "mV", "spindle (Ia) drive per force unit during contraction (α-γ co-activation)",
          _CHOSEN + "Ia support alone cannot keep a rested motoneuron firing (Vallbo 1970; Schwellnus 2009)",
          0.0, 30.0),
    Param("ia_fatigue_boost", 1.0, "", "relative increase of Ia drive in a fully fatigued muscle",
          "fatigue increases spindle responses (Nelson & Hutton 1985, Med Sci Sports Exerc 17:445)", 0.0, 3.0),
    Param("ia_length_mV_per_deg", 0.15, "mV/°", "Ia drive per degree of imposed stretch (length sensitivity)",
          _CHOSEN + "a held stretch alone recruits no units at normal reflex gain", 0.0, 1.0),
    Param("ia_velocity_mV_per_deg_s", 0.2, "mV per °/s", "Ia drive per °/s of stretch velocity (dynamic sensitivity)",
          _CHOSEN + "a 60 °/s stretch evokes reflex firing only when reflex gain is raised (spasticity is "
          "velocity dependent: Lance 1980)", 0.0, 1.0),
    Param("ia_tau_ms", 15.0, "ms", "lag of the Ia pathway (conduction and synaptic delay as a first-order lag)",
          "short-latency stretch reflex ≈ 30 ms loop in the calf (Pierrot-Deseilligny & Burke 2012)", 5.0, 40.0),
    Param("ib_force_mV", 12.5, "mV", "Golgi tendon organ (Ib) inhibition per force unit of tension",
          _CHOSEN + "autogenic Ib inhibition outweighs Ia support in rested muscle (Khan & Burne 2007)",
          0.0, 40.0),
    Param("ib_fatigue_loss", 0.5, "", "fraction of Ib inhibition lost in a fully fatigued muscle",
          "reduced Golgi tendon organ stretch sensitivity after fatigue (Hutton & Nelson 1986, Med Sci Sports Exerc "
          "18:69)", 0.0, 1.0),
    Param("ib_tau_ms", 15.0, "ms", "lag of the Ib pathway", "disynaptic Ib inhibition, slightly longer "
          "latency than Ia (Pierrot-Deseilligny & Burke 2012)", 5.0, 40.0),
    Param("stretch_amplitude_deg", 30.0, "°", "joint rotation of the imposed passive stretch",
          "typical ankle dorsiflexion in cramp relief and spasticity testing", 10.0, 45.0),
    Param("g34_k_pi_mM", 15.0, "mM", "rise of Pi above rest at which group III/IV afferent activity is half "
          "maximal (the model's index of the metabolites that excite them)",
          "group III/IV afferents fire with the metabolites of contraction, lactic acid (H⁺) and cyclooxygenase "
          "products rather than phosphate itself (Rotto & Kaufman 1988, J Appl Physiol 64:2306; Kaufman & Rybicki "
          "1987, Circ Res 61:I60); the model has no H⁺, so Pi, which rises with them, stands for all; " + _CHOSEN
          + "activity is half maximal when Pi has risen by 15 mM, as in strong, fatiguing contractions (Pi 20-30 mM "
          "at exhaustion: Kemp, Meyerspeer & Moser 2007)", 5.0, 40.0),
    Param("g34_tau_s", 5.0, "s", "time constant with which group III/IV activity follows the metabolites",
          "the afferents answer metabolites injected into the artery within seconds (Rotto & Kaufman 1988; "
          "Sinoway, Hill, Pickar & Kaufman 1993, J Neurophysiol 69:1053); their late response to a static contraction "
          "(group IV after 5-30 s, more with ischaemia: Kaufman, Longhurst, Rybicki, Wallach & Mitchell 1983, "
          "J Appl Physiol 55:105) is the time the metabolites take to accumulate, which Pi already carries; the "
          "fusimotor excitation they cause develops late in a fatiguing contraction and outlasts it "
          "(Ljubisavljevic, Jovanovic & Anastasijevic 1992, J Physiol 445:499)", 1.0, 30.0),
    Param("g34_fatigue_equivalent", 1.0, "", "units of the spinal fatigue setting added by maximal group III/IV "
          "activity (more spindle, less tendon-organ drive)",
          "the altered-neuromuscular-control hypothesis of exercise cramps: fatiguing exercise raises spindle (Ia) "
          "and lowers Golgi tendon organ (Ib) drive (Schwellnus, Derman & Noakes 1997, J Sports Sci 15:277; "
          "Schwellnus 2009, Br J Sports Med 43:401), the changes measured after fatiguing contractions (Nelson & "
          "Hutton 1985; Hutton & Nelson 1986) on which fatigue 1 is based; 1 = maximal activity adds one fully "
          "fatigued muscle's change", 0.0, 2.0),
    Param("ia_fusimotor_mV", 6.0, "mV", "spindle (Ia) drive from fusimotor neurones excited by maximal group III/IV "
          "activity, with or without force",
          "metabolites of fatiguing contraction excite γ (fusimotor) neurones reflexly through group III/IV "
          "afferents, late in the contraction and after it (Ljubisavljevic et al. 1992; Ljubisavljevic, Radovanovic, "
          "Vukcevic & Anastasijevic 1995, Brain Res 691:99); " + _CHOSEN + "alone it stays below the ≈13 mV "
          "recruitment command of a rested motoneuron (no firing after exercise in rested muscle; human spindle "
          "support even falls in sustained contractions, Macefield et al. 1991, J Physiol 440:497)", 0.0, 12.0),
    Param("passive_tension", 2.0, "force units", "tendon-organ load of the muscle-tendon unit at the end of the "
          "stretch (Ib input in force-unit equivalents, on top of the transmitted force)",
          _CHOSEN + "a firm stretch loads Golgi tendon organs about as much as a strong contraction "
          "(Khan & Burne 2007: tendon afferents stop a cramp); more than the fascicles' own passive force at "
          "the stretched length (0.07, simlib.stages.mechanics), which leaves a fatigued cramp going", 0.0, 3.0),
)


def derive(sc: Scenario, c: ConstantValues, env: Environment) -> dict[str, float]:
    """Kernel parameters of the reflex loop: reflex gain and fatigue act on the afferent drives.

    Group III/IV activity :math:`m` adds ``g34_fatigue_equivalent`` × :math:`m` to the learner's ``fatigue``;
    the per-activity slopes of the Ia boost and the Ib factor are precomputed here.
    """
    return {
        "reflex_gain": sc.reflex_gain,
        "ia_force_mV": c.ia_force_mV,
        "ia_fatigue_boost": 1.0 + c.ia_fatigue_boost * sc.fatigue,
        "ia_length_mV_per_deg": c.ia_length_mV_per_deg,
        "ia_velocity_mV_per_deg_s": c.ia_velocity_mV_per_deg_s,
        "ia_tau_ms": c.ia_tau_ms,
        "ib_force_mV": c.ib_force_mV,
        "ib_fatigue_loss": 1.0 - c.ib_fatigue_loss * sc.fatigue,
        "ia_boost_per_g34": c.ia_fatigue_boost * c.g34_fatigue_equivalent,
        "ib_loss_per_g34": c.ib_fatigue_loss * c.g34_fatigue_equivalent,
        "ia_fusimotor_mV": c.ia_fusimotor_mV,
        "g34_k_pi_mM": c.g34_k_pi_mM,
        "g34_rate": 1e-3 / c.g34_tau_s,
        # α-γ co-activation needs cycling cross-bridges: 1 at healthy ATP, 0 in rigor (see reflex_inputs)
        "ia_cycling_scale": 1.0 + (c.xb_katp_mM / env.healthy_atp_mM) ** 2,
        "ib_tau_ms": c.ib_tau_ms,
        "stretch_amplitude_deg": c.stretch_amplitude_deg,
        "passive_tension": c.passive_tension,
    }


@jit
def stretch_angle(t_ms: float, start_ms: float, amplitude_deg: float, velocity_deg_ms: float):
    """Joint angle (deg) and angular velocity (deg/ms) of the passive stretch at time ``t_ms``.

    A negative ``start_ms`` means no stretch.
    """
    if start_ms < 0.0 or t_ms <= start_ms:
        return 0.0, 0.0
    ramp_ms = amplitude_deg / velocity_deg_ms
    if t_ms < start_ms + ramp_ms:
        return (t_ms - start_ms) * velocity_deg_ms, velocity_deg_ms
    return amplitude_deg, 0.0


@jit
def spindle_target(force, angle, velocity, gain, k_force, fatigue_boost, k_length, k_velocity, fusimotor):
    """Target Ia drive (mV): contraction (α–γ co-activation, raised by fatigue), the stretch reflex and fusimotor drive.

    ``gain`` (``reflex_gain``) scales only the stretch-evoked length and velocity terms, the part of the
    Ia input that descending pathways keep in check; ``fusimotor`` (mV) is the spindle drive of the γ
    neurones that group III/IV afferents excite, present with or without force.
    """
    return k_force * fatigue_boost * force + gain * (k_length * angle + k_velocity * velocity) + fusimotor


@jit
def group34_target(pi_mM, pi_rest_mM, k_pi_mM):
    """Steady-state group III/IV activity (0-1) at Pi ``pi_mM``: hyperbolic in the rise of Pi above rest."""
    rise = max(pi_mM - pi_rest_mM, 0.0)
    return rise / (k_pi_mM + rise)


@jit
def tendon_organ_target(force, passive_tension, k_ib, fatigue_loss):
    """Target Ib drive (mV): active tension (less effective in a fatigued, shortened muscle) plus passive tension.

    ``force`` is the transmitted force (with the eccentric force of a stretched active muscle). Lengthening
    the muscle restores tendon-organ effectiveness (Khan & Burne 2007), so the passive stretch tension is not
    weakened by fatigue.
    """
    return k_ib * (fatigue_loss * max(force, 0.0) + passive_tension)


STAGE = Stage("reflex", STATES, CONSTANTS, derive)
