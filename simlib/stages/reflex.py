r"""Reflex loop: muscle spindle (Ia) excitation and Golgi tendon organ (Ib) inhibition.

Notes
-----
The muscle is isometric except for a passive stretch imposed by the learner (``stretch_at_s``)
that rotates the joint by :math:`\theta_{max}` at angular velocity :math:`\omega`
(``stretch_velocity_deg_s``) and then holds. Afferent drives onto the motoneuron (mV of
equivalent depolarisation) relax to their targets with time constants that stand for the
conduction and synaptic delay of the short-latency reflex (≈ 30 ms loop, Hoffmann reflex of
the calf; Pierrot-Deseilligny & Burke 2012):

.. math::

    \tau_{Ia}\frac{dI_{Ia}}{dt} = k_F (1 + a_f\,\phi)\,F + \rho\,\big[k_\theta\,\theta(t)
        + k_\omega\,\dot\theta(t)\big] - I_{Ia},\qquad
    \tau_{Ib}\frac{dI_{Ib}}{dt} = k_{Ib}\,\big[(1 - b_f\,\phi)\,F + T_p(\theta)\big] - I_{Ib}

:math:`F` is muscle force (force unit), :math:`\phi` = ``fatigue``, :math:`\rho` = ``reflex_gain``
(descending control of the stretch reflex; raised when it is lost, as in spasticity; it scales the
stretch-evoked terms only),
:math:`T_p(\theta) = k_p\,\theta/\theta_{max}` the passive tension of the stretched
muscle-tendon unit (force units). Spindles fire during isometric contractions through
α–γ co-activation (Vallbo 1970), more so in fatigued muscle (Nelson & Hutton 1985), while
tendon organs signal tension and are less effective in fatigued, shortened muscle
(Hutton & Nelson 1986; Khan & Burne 2007). A stretch excites spindles in proportion to its
length and velocity and loads tendon organs: the same equations end a cramp (Ib wins at
normal reflex gain) and provoke a spastic reflex contraction (Ia wins at high gain, more for a
faster stretch).
"""

from __future__ import annotations

from simlib.stages._jit import jit

__all__ = ["stretch_angle", "spindle_target", "tendon_organ_target"]


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
def spindle_target(force, angle, velocity, gain, k_force, fatigue_boost, k_length, k_velocity):
    """Target Ia drive (mV): contraction (α–γ co-activation, raised by fatigue) plus the stretch reflex.

    ``gain`` (``reflex_gain``) scales only the stretch-evoked length and velocity terms, the part of the
    Ia input that descending pathways keep in check.
    """
    return k_force * fatigue_boost * force + gain * (k_length * angle + k_velocity * velocity)


@jit
def tendon_organ_target(force, passive_tension, k_ib, fatigue_loss):
    """Target Ib drive (mV): active tension (less effective in a fatigued, shortened muscle) plus passive tension.

    Lengthening the muscle restores tendon-organ effectiveness (Khan & Burne 2007), so the passive
    stretch tension is not weakened by fatigue.
    """
    return k_ib * (fatigue_loss * max(force, 0.0) + passive_tension)
