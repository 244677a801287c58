r"""A seeded motor-unit population: recruitment thresholds, twitch forces, contraction times, axon and junction spread.

Units are numbered from the smallest (index 0) to the largest, as in Fuglevand, Winter & Patla 1993
(J Neurophysiol 70:2470), whose exponential distributions give many small units and few large ones:

.. math::

    RTE_i = e^{a\,i},\; a = \frac{\ln RR}{n},\qquad
    P_i = e^{b\,i},\; b = \frac{\ln RP}{n},\qquad
    T_i = T_L \left(\frac{1}{P_i}\right)^{1/c},\; c = \log_{RT} RP,

with :math:`RTE_i` the recruitment threshold of voluntary excitation (range :math:`RR`), :math:`P_i`
the peak twitch force (range :math:`RP`) and :math:`T_i` the twitch contraction time (longest
:math:`T_L`, range :math:`RT`), ``i = 1 .. n``. Units with a contraction time above the middle of the
range are "slow" (type S), the others "fast" (type F): the fibre-type classes of the pool.

Three spreads are seeded (``Scenario.seed``), since none has a size order: the electrical **axon
threshold** (lognormal around a median, in stimulator volts; recruitment by a surface stimulus is not in
size order, Gregory & Bickel 2005), the junction **safety factor** (lognormal around the representative
unit's, which the chain itself sets; see :mod:`simlib.pool.stimulation`) and the **excitability of each
axon's ectopic site**: an offset of the node's rheobase potential ``ax_vt_mV``
(:mod:`simlib.stages.axon`), normal around 0 (the representative unit), so that as ionised Ca²⁺ falls
the most excitable axons fire by themselves first (:mod:`simlib.pool.spontaneous`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from simlib.validation import Param

__all__ = ["CONSTANTS", "Population", "population", "CHANNEL_AXON_THRESHOLD", "CHANNEL_SAFETY", "CHANNEL_QUANTA",
           "CHANNEL_RHEOBASE", "CHANNEL_LAG", "CHANNEL_ECTOPIC_QUANTA"]

#: seed channels of the pool's random numbers (with ``Scenario.seed``): independent streams
CHANNEL_AXON_THRESHOLD = 101
CHANNEL_SAFETY = 102
CHANNEL_QUANTA = 103
CHANNEL_RHEOBASE = 104
CHANNEL_LAG = 105
CHANNEL_ECTOPIC_QUANTA = 106

CONSTANTS: tuple[Param, ...] = (
    Param("recruitment_range", 30.0, "", "ratio of the largest to the smallest unit's voluntary recruitment "
          "threshold (RR)", "Fuglevand, Winter & Patla 1993, J Neurophysiol 70:2470 (RR = 30)", 10.0, 100.0),
    Param("twitch_force_range", 100.0, "", "ratio of the largest to the smallest unit's peak twitch force (RP)",
          "Fuglevand et al. 1993 (RP = 100; human twitch forces span ~100-fold, Milner-Brown et al. 1973, "
          "J Physiol 230:359)", 10.0, 300.0),
    Param("contraction_time_longest_ms", 90.0, "ms", "twitch contraction time of the smallest unit (T_L)",
          "Fuglevand et al. 1993 (T_L = 90 ms)", 50.0, 120.0),
    Param("contraction_time_range", 3.0, "", "ratio of the longest to the shortest contraction time (RT)",
          "Fuglevand et al. 1993 (RT = 3)", 1.5, 5.0),
    Param("axon_threshold_median_v", 3.0, "V", "median electrical threshold of the motor axons (stimulator output)",
          "classic stimulus-intensity lab: threshold ≈1-4 V, maximal ≈5-8 V for the frog and human motor nerve "
          "with a student stimulator (PhysioEx Exercise 2 activity 2; ADInstruments LabTutor); assumed", 1.0, 10.0),
    Param("axon_threshold_spread", 0.2, "", "SD of ln(axon threshold) across the pool",
          "maximal stimulus ≈1.5-2.5 × threshold in human motor-nerve stimulus-response curves (relative "
          "spread of thresholds; Bostock & Rothwell 1997, J Physiol 498:277); recruitment order in electrical "
          "stimulation is not the size order (Gregory & Bickel 2005, Phys Ther 85:358)", 0.05, 0.5),
    Param("safety_factor_spread", 0.25, "", "SD of ln(junction safety factor) across the pool",
          "chosen so that whole-muscle twitch falls from ≈70-75 % to ≈90-95 % receptor occupancy, the "
          "occupancy–twitch relation of Paton & Waud 1967 (J Physiol 191:59: threshold 76 ± 5 %, twitch "
          "abolished at ≈90-95 %); endplate safety factors 2-5 and variable between fibres (Wood & "
          "Slater 2001, Prog Neurobiol 64:393)", 0.0, 0.6),
    Param("rheobase_spread_mV", 0.3, "mV", "SD across the pool of the offset of each axon's ectopic-site rheobase "
          "potential (ax_vt_mV) from the representative unit's",
          "single motor axons of one nerve differ in threshold: the relative spread of their thresholds is "
          "≈10-20 % (stimulus-response curves and single-unit threshold tracking, Bostock, Cikurel & Burke "
          "1998, Muscle Nerve 21:137; Bostock & Rothwell 1997, J Physiol 498:277; the excitability indices "
          "of Kiernan et al. 2000, Muscle Nerve 23:399, vary by ≈10-20 %); taken on the node's rheobase "
          "margin (ax_vt_mV - ax_el_mV - ax_delta_t_mV = 1.8 mV at reference Ca²⁺/Mg²⁺) this is ≈0.2-0.4 mV; "
          "assumed 0.3 mV. Hyperventilation and ischaemia first make single units discharge (fasciculation-"
          "like), then many (Kugelberg 1948, Arch Neurol Psychiatry 60:140)", 0.0, 1.0),
)
_C = {p.name: p.default for p in CONSTANTS}


@dataclass(frozen=True, eq=False)
class Population:
    """The units of one pool, from the smallest (index 0) to the largest.

    Attributes
    ----------
    recruitment_threshold : numpy.ndarray
        Voluntary recruitment threshold excitation, relative to the smallest unit's (1 to RR).
    twitch_force : numpy.ndarray
        Peak twitch force relative to the smallest unit's (1 to RP).
    contraction_time_ms : numpy.ndarray
        Twitch contraction time (ms).
    slow : numpy.ndarray of bool
        True for the slow (type S) units.
    axon_threshold_v : numpy.ndarray
        Electrical threshold of each unit's axon (V of stimulator output).
    safety_scale : numpy.ndarray
        Each unit's junction safety factor relative to the representative unit's (median 1).
    rheobase_offset_mV : numpy.ndarray
        Offset of each unit's axon rheobase potential from the representative unit's (mV; negative:
        more excitable, fires by itself at a higher Ca²⁺).
    """

    recruitment_threshold: np.ndarray
    twitch_force: np.ndarray
    contraction_time_ms: np.ndarray
    slow: np.ndarray
    axon_threshold_v: np.ndarray
    safety_scale: np.ndarray
    rheobase_offset_mV: np.ndarray

    @property
    def size(self) -> int:
        """Number of units."""
        return int(self.twitch_force.size)

    @property
    def force_weight(self) -> np.ndarray:
        """Each unit's share of the pool's maximal force (sums to 1)."""
        return self.twitch_force / self.twitch_force.sum()


def _rng(seed: int, channel: int) -> np.random.Generator:
    """Independent generator of one seed channel."""
    return np.random.default_rng([int(seed), channel])


@lru_cache(maxsize=64)
def population(n: int, seed: int) -> Population:
    """Return the pool of ``n`` units for ``seed`` (deterministic; cached).

    A pool of one unit is the representative unit: median axon threshold, safety factor and rheobase.

    Parameters
    ----------
    n : int
        Number of units (1-300).
    seed : int
        ``Scenario.seed``.
    """
    i = np.arange(1, n + 1, dtype=float)
    rte = np.exp(math.log(_C["recruitment_range"]) / n * i)
    force = np.exp(math.log(_C["twitch_force_range"]) / n * i)
    c = math.log(_C["twitch_force_range"]) / math.log(_C["contraction_time_range"])
    t_c = _C["contraction_time_longest_ms"] * (1.0 / force) ** (1.0 / c)
    if n == 1:
        z_axon = z_safety = z_rheobase = np.zeros(1)
    else:
        z_axon = _rng(seed, CHANNEL_AXON_THRESHOLD).standard_normal(n)
        z_safety = _rng(seed, CHANNEL_SAFETY).standard_normal(n)
        z_rheobase = _rng(seed, CHANNEL_RHEOBASE).standard_normal(n)
    middle = 0.5 * (t_c.min() + t_c.max())
    return Population(
        recruitment_threshold=rte,
        twitch_force=force,
        contraction_time_ms=t_c,
        slow=t_c > middle,
        axon_threshold_v=_C["axon_threshold_median_v"] * np.exp(_C["axon_threshold_spread"] * z_axon),
        safety_scale=np.exp(_C["safety_factor_spread"] * z_safety),
        rheobase_offset_mV=_C["rheobase_spread_mV"] * z_rheobase,
    )
