r"""Muscle mechanics: length, filament overlap, passive elasticity and isotonic shortening (Hill, Katz).

Notes
-----
The muscle length :math:`L` is in units of the optimal length (``length_rel``; 1 = the middle of
the plateau of the sarcomere length–tension relation). Sarcomere length is :math:`L` times the
optimal sarcomere length; all sarcomeres are taken as uniform.

**Active force** is the cross-bridge force times the filament overlap :math:`\omega(L)` (Gordon,
Huxley & Julian 1966, with human thick- and thin-filament lengths): the series element
(:mod:`simlib.stages.crossbridges`) follows :math:`\omega(L)\,X`,

.. math::

    \frac{dF}{dt} = k_{se}\,(\omega(L)\,X - F).

:math:`\omega` is piecewise linear: zero where the thin filaments cross the thick ones completely
(steep ascending limb), a break where the thick filaments reach the Z discs, the plateau (thin
filaments overlap the whole half thick filament except the bare zone) and the descending limb to
zero where the filaments no longer overlap.

**Passive force** of the parallel elastic element (titin, connective tissue) rises exponentially
beyond the optimal length (Thelen 2003):

.. math::

    F_p(L) = \frac{e^{k_{pe}(L-1)/\varepsilon_0} - 1}{e^{k_{pe}} - 1}\quad (L > 1),\qquad 0\ (L \le 1).

**Isotonic (afterloaded) runs** (``load_rel`` set): the muscle rests on a stop at its starting
length and contracts isometrically until the active force reaches the load :math:`P`. Then the
series element holds the load and the contractile element shortens (:math:`dL/dt = -v`) at the
velocity of Hill's hyperbola (Hill 1938) for the current isometric capacity
:math:`P_0 = \omega(L)\,X`,

.. math::

    v = V_{max}\,\frac{a\,(P_0 - P)}{P + a\,P_0}\qquad (P \le P_0),

and when the capacity falls below the load (relaxation) the load stretches it back towards the
stop on the eccentric branch (Katz 1939): :math:`P/P_0 = 1 + (f_{ecc} - 1)\,u/(u + c)` for a
lengthening speed :math:`u`, whose slope at :math:`u = 0` is :math:`r_K` times that of the
shortening branch; beyond :math:`f_{ecc} P_0` the muscle yields (speed capped). Isometric runs
(``load_rel`` None) keep :math:`L` constant, except under an imposed stretch.

**Imposed stretch** (``stretch_at_s``): the joint rotation :math:`\theta(t)` of the reflex stage
(:func:`simlib.stages.reflex.stretch_angle`) lengthens the fascicles by :math:`s_\theta\,\theta`
(:math:`s_\theta` optimal lengths per degree: moment arm × fascicle share of the muscle-tendon
stretch / fascicle length), so :math:`dL/dt = s_\theta\,\dot\theta` over the ramp and :math:`L`
stays at :math:`L_{start} + s_\theta\,\theta_{max}` while the stretch is held. Passive force and
overlap follow the new length; while the muscle lengthens at :math:`u = s_\theta\,\dot\theta`
the series element follows the eccentric force :math:`\omega(L)\,X\,(1 + (f_{ecc} - 1)\,u/(u + c))`
(Katz 1939). In isotonic runs the stretch moves the stop.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from simlib.model._declare import Stage, State
from simlib.stages._jit import jit
from simlib.stages.crossbridges import series_rates
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

__all__ = ["CONSTANTS", "STAGE", "STATES", "derive", "eccentric_force", "held_rates", "hill_force", "hill_velocity",
           "isotonic_rates", "muscle_rates", "overlap", "overlap_breakpoints", "passive_force", "passive_force_trace",
           "stretch_strain_per_deg"]

#: a contractile element this close to its stop (optimal lengths) counts as resting on it
_ON_STOP = 1e-6
#: smallest gap to the stop used to turn a lengthening speed into a loss rate (optimal lengths)
_MIN_GAP = 1e-9

STATES: tuple[State, ...] = (
    State("length_rel", "", 1e-6, 0.0, "muscle (contractile-element) length relative to the optimal length"),
)

_GHJ = "Gordon, Huxley & Julian 1966, J Physiol 184:170"
CONSTANTS: tuple[Param, ...] = (
    Param("thick_filament_um", 1.65, "µm", "length of the myosin (thick) filament, human",
          "Walker & Schrodt 1974, Anat Rec 178:63; Lieber et al. 1994, J Neurophysiol 71:874 (1.65 µm)",
          1.5, 1.7),
    Param("thin_filament_um", 1.27, "µm", "length of one actin (thin) filament, human",
          "Walker & Schrodt 1974, Anat Rec 178:63 (1.27 µm); Lieber et al. 1994, J Neurophysiol 71:874",
          1.0, 1.4),
    Param("z_disc_um", 0.10, "µm", "Z-disc width",
          "chosen so that the human plateau is 2.64-2.81 µm (Lieber et al. 1994, J Neurophysiol 71:874)",
          0.05, 0.15),
    Param("bare_zone_um", 0.17, "µm", "bare (cross-bridge free) zone in the middle of the thick filament",
          "Lieber et al. 1994, J Neurophysiol 71:874 (0.17 µm; plateau 2.64-2.81 µm); frog 0.15-0.2 µm, " + _GHJ,
          0.1, 0.25),
    Param("overlap_break_force", 0.8, "", "active force (fraction of the plateau) where the thick filaments "
          "reach the Z discs (start of the steep ascending limb)",
          _GHJ + ", fig. 12 (≈0.8 at 1.65-1.7 µm in frog fibres)", 0.6, 0.95),
    Param("steep_limb_span_um", 0.40, "µm", "sarcomere shortening from that break to zero active force "
          "(steep ascending limb)", _GHJ + " (break at 1.67 µm, zero extrapolated at 1.27 µm)", 0.2, 0.6),
    Param("passive_shape", 4.0, "", "exponential shape factor k_pe of the passive force-length relation",
          "Thelen 2003, J Biomech Eng 125:70 (k_pe = 4)", 2.0, 8.0),
    Param("passive_strain_at_p0", 0.6, "", "muscle strain (L/L0 - 1) at which passive force equals the maximal "
          "isometric force", "Thelen 2003, J Biomech Eng 125:70 (0.6, young adults; 0.5 elderly)", 0.3, 1.0),
    Param("hill_a_rel", 0.25, "", "curvature a/P0 of Hill's force-velocity hyperbola",
          "Hill 1938, Proc R Soc B 126:136 (0.25); human muscle 0.2-0.3 (Wilkie 1950, J Physiol 110:249; "
          "Thelen 2003, J Biomech Eng 125:70: 0.25)", 0.1, 0.5),
    Param("hill_vmax", 10.0, "1/s", "maximal (unloaded) shortening velocity at 37 °C, in optimal lengths per "
          "second", "mixed human muscle: 10 L0/s (Zajac 1989, Crit Rev Biomed Eng 17:359; Thelen 2003, "
          "J Biomech Eng 125:70: 10 young, 8 elderly)", 2.0, 20.0),
    Param("eccentric_force_ratio", 1.8, "", "asymptotic force of a lengthening muscle relative to the isometric "
          "force", "Katz 1939, J Physiol 96:45 (up to ≈1.8 P0); 1.5-1.8 in isolated muscle", 1.2, 2.0),
    Param("eccentric_slope_ratio", 6.0, "", "slope of the force-velocity curve just on the lengthening side "
          "relative to the shortening side", "Katz 1939, J Physiol 96:45 (≈6 times steeper)", 2.0, 10.0),
    Param("yield_speed_rel", 1.0, "", "lengthening speed (multiple of Vmax) of a muscle whose load exceeds its "
          "eccentric force, e.g. a relaxing muscle lowered onto its stop by the load",
          "model choice (the yield speed is not a measured property; it only sets how fast a relaxing "
          "afterloaded muscle returns to its stop)", 0.2, 5.0),
    Param("load_hold_per_ms", 1.0, "1/ms", "rate at which the series element settles on the load while the "
          "contractile element moves", "numerical choice (fast against the 1-100 ms of the contraction: "
          "force stays at the load)", 0.1, 10.0),
    Param("ankle_moment_arm_cm", 4.5, "cm", "moment arm of the calf muscles (Achilles tendon) about the ankle: "
          "muscle-tendon length change per radian of an imposed ankle rotation",
          "tendon-excursion method, Spoor, van Leeuwen, Meskers, Titulaer & Huson 1990, J Biomech 23:1247; "
          "4.3-5.6 cm at rest, Maganaris, Baltzopoulos & Sargeant 2000, Eur J Appl Physiol 83:363", 3.5, 6.0),
    Param("fascicle_length_cm", 5.0, "cm", "length of the calf muscle fascicles at the optimal length",
          "medial gastrocnemius fascicles ≈ 3.5-6 cm over the ankle's range (Kawakami, Ichinose & Fukunaga 1998, "
          "J Appl Physiol 85:398); slack length 3.3 cm (Hoang et al. 2007)", 3.0, 7.0),
    Param("fascicle_stretch_share", 0.48, "", "share of a passive muscle-tendon stretch taken up by the "
          "fascicles (the rest stretches the tendon and aponeuroses)",
          "relaxed human gastrocnemius: tendon 52.4 ± 11.7 % of the lengthening (Hoang, Herbert, Todd, Gorman & "
          "Gandevia 2007, J Exp Biol 210:4159); fascicles take up only part of it (Herbert, Moseley, Butler & "
          "Gandevia 2002, J Physiol 539:637: 55 ± 13 % in tibialis anterior)", 0.25, 0.7),
)


def overlap_breakpoints(c: ConstantValues) -> tuple[float, float, float, float, float, float]:
    """Break points of the overlap curve (optimal lengths; the optimum is the middle of the plateau).

    Returns ``(zero, break, force at the break, plateau start, plateau end, zero)``.
    """
    plateau_start = 2.0 * c.thin_filament_um + c.z_disc_um
    plateau_end = plateau_start + c.bare_zone_um
    optimum = 0.5 * (plateau_start + plateau_end)
    bend = c.thick_filament_um + c.z_disc_um
    return ((bend - c.steep_limb_span_um) / optimum, bend / optimum, c.overlap_break_force,
            plateau_start / optimum, plateau_end / optimum, (plateau_start + c.thick_filament_um) / optimum)


@jit
def overlap(length, l_zero, l_break, f_break, l_plateau, l_end, l_none):
    """Active force at ``length`` (optimal lengths) relative to the plateau: filament overlap (0-1)."""
    if length <= l_zero or length >= l_none:
        return 0.0
    if length < l_break:
        return f_break * (length - l_zero) / (l_break - l_zero)
    if length < l_plateau:
        return f_break + (1.0 - f_break) * (length - l_break) / (l_plateau - l_break)
    if length <= l_end:
        return 1.0
    return (l_none - length) / (l_none - l_end)


@jit
def passive_force(length, shape, strain):
    """Passive (parallel elastic) force at ``length`` (optimal lengths), in maximal isometric forces."""
    if length <= 1.0:
        return 0.0
    return math.expm1(shape * (length - 1.0) / strain) / math.expm1(shape)


def passive_force_trace(length: np.ndarray, kp: object) -> np.ndarray:
    """Passive force (force unit) of sampled lengths (optimal lengths); the vectorised :func:`passive_force`."""
    stretch = np.maximum(np.asarray(length, dtype=float) - 1.0, 0.0)
    return np.expm1(kp.pe_shape * stretch / kp.pe_strain) / math.expm1(kp.pe_shape)


@jit
def hill_velocity(load, capacity, vmax, a_rel, ecc_ratio, ecc_c, yield_speed):
    """Shortening velocity (lengthening negative): Hill's hyperbola and Katz's eccentric branch.

    The contractile element of isometric force ``capacity`` bears ``load`` (same unit).

    ``vmax``, ``ecc_c`` and ``yield_speed`` are speeds (optimal lengths per ms).
    """
    if load <= capacity:
        return vmax * a_rel * (capacity - load) / (load + a_rel * capacity)
    excess = ecc_c * (load - capacity)
    room = ecc_ratio * capacity - load
    if room * yield_speed <= excess:
        return -yield_speed
    return -excess / room


def hill_force(velocity: float, vmax: float, a_rel: float, ecc_ratio: float, ecc_c: float) -> float:
    """Force (multiple of the isometric force) at shortening ``velocity`` (lengthening negative).

    The inverse of :func:`hill_velocity`, in any speed unit shared by ``velocity``, ``vmax`` and ``ecc_c``.
    """
    if velocity >= 0.0:
        return max((1.0 - velocity / vmax) / (1.0 + velocity / (a_rel * vmax)), 0.0)
    return eccentric_force(-velocity, ecc_ratio, ecc_c)


@jit
def eccentric_force(speed, ecc_ratio, ecc_c):
    r"""Force of a muscle lengthening at ``speed`` (same unit as ``ecc_c``), in multiples of its isometric force.

    Katz's eccentric branch: :math:`1 + (f_{ecc} - 1)\,u/(u + c)`, 1 at rest, towards ``ecc_ratio`` when fast.
    """
    return 1.0 + (ecc_ratio - 1.0) * speed / (speed + ecc_c)


@jit
def held_rates(active_target, stretch_speed, kp):
    """Rates ``(a_F, b_F, a_L, b_L)`` of a muscle held at a set length that an imposed stretch may lengthen.

    ``stretch_speed`` (optimal lengths per ms, 0 without a stretch) is the lengthening speed: the length
    follows it, and the series element follows the eccentric force of the capacity ``active_target``.
    """
    if stretch_speed > 0.0:
        active_target = active_target * eccentric_force(stretch_speed, kp.ecc_ratio, kp.ecc_c)
    a_f, b_f = series_rates(active_target, kp.series_rate)
    return a_f, b_f, stretch_speed, 0.0


@jit
def isotonic_rates(length, force, active_target, stretch_strain, stretch_speed, kp):
    """Production-loss rates ``(a_F, b_F, a_L, b_L)`` of force and length in an afterloaded isotonic run.

    ``active_target`` is the isometric capacity ``overlap * attached``; force and load are in
    attached-fraction units (the load is ``load_rel`` times the force unit). An imposed stretch moves
    the stop by ``stretch_strain`` (optimal lengths) at ``stretch_speed`` (per ms).
    """
    load = kp.mech_load * kp.force_unit
    stop = kp.mech_stop + stretch_strain
    moving = length < stop - _ON_STOP or (force >= load and active_target > load)
    if not moving:  # on the stop: isometric (stretched with it)
        return held_rates(active_target, stretch_speed, kp)
    v = hill_velocity(load, active_target, kp.mech_vmax, kp.hill_a, kp.ecc_ratio, kp.ecc_c, kp.yield_speed)
    if v >= 0.0:  # shortening, as a loss rate v / L (production-loss form; the length stays positive)
        return kp.load_hold * load, kp.load_hold, 0.0, v / max(length, _MIN_GAP)
    rate = -v / max(stop - length, _MIN_GAP)  # lengthening towards the stop, never past it
    return kp.load_hold * load, kp.load_hold, rate * stop, rate


@jit
def muscle_rates(length, force, attached, angle_deg, velocity_deg_ms, kp):
    """Rates ``(a_F, b_F, a_L, b_L)`` of transmitted force and muscle length (isometric or isotonic).

    ``angle_deg`` and ``velocity_deg_ms`` are the imposed joint rotation and its speed
    (:func:`simlib.stages.reflex.stretch_angle`; 0 and 0 without a stretch), which lengthen the fascicles
    by ``stretch_strain_per_deg`` optimal lengths per degree.
    """
    target = overlap(length, kp.ov_zero, kp.ov_break, kp.ov_break_force, kp.ov_plateau, kp.ov_end,
                     kp.ov_none) * attached
    speed = kp.stretch_strain_per_deg * velocity_deg_ms
    if kp.mech_load < 0.0:
        return held_rates(target, speed, kp)
    return isotonic_rates(length, force, target, kp.stretch_strain_per_deg * angle_deg, speed, kp)


def stretch_strain_per_deg(c: ConstantValues) -> float:
    """Fascicle lengthening (optimal lengths) per degree of imposed ankle rotation.

    Moment arm × (π/180) is the muscle-tendon lengthening per degree; the fascicles take up their share
    of it (the tendon the rest), relative to their optimal length: 0.0075 at the defaults (30° → 0.23 L0).
    """
    return c.ankle_moment_arm_cm * math.pi / 180.0 * c.fascicle_stretch_share / c.fascicle_length_cm


def derive(sc: Scenario, c: ConstantValues, env: Environment) -> dict[str, float]:
    """Kernel parameters of the mechanics: overlap break points, passive shape, Hill and Katz constants, stretch strain.

    Shortening velocity scales with its Q10 (``env.phi.shortening``); ``mech_load`` is -1 for an
    isometric run.
    """
    vmax = c.hill_vmax / 1000.0 * env.phi.shortening  # optimal lengths per ms
    shortening_slope = (1.0 + 1.0 / c.hill_a_rel) / vmax
    zero, bend, bend_force, plateau, end, none = overlap_breakpoints(c)
    return {
        "mech_stop": sc.length_rel,
        "mech_load": -1.0 if sc.load_rel is None else sc.load_rel,
        "mech_vmax": vmax,
        "hill_a": c.hill_a_rel,
        "ecc_ratio": c.eccentric_force_ratio,
        "ecc_c": (c.eccentric_force_ratio - 1.0) / (c.eccentric_slope_ratio * shortening_slope),
        "yield_speed": c.yield_speed_rel * vmax,
        "load_hold": c.load_hold_per_ms,
        "ov_zero": zero, "ov_break": bend, "ov_break_force": bend_force, "ov_plateau": plateau,
        "ov_end": end, "ov_none": none,
        "pe_shape": c.passive_shape,
        "pe_strain": c.passive_strain_at_p0,
        "stretch_strain_per_deg": stretch_strain_per_deg(c),
    }


STAGE = Stage("mechanics", STATES, CONSTANTS, derive)
