r"""Seeded variability: a deterministic jitter for every impulse, from (seed, channel, impulse index).

Biological variability (synaptic noise on the motoneuron, channel noise in the motor axon) enters
the model at its impulses, not through its rates: at each motoneuron spike and each ectopic axon
spike a counter-based hash of (seed, channel, spike index) gives an independent value, uniform on
:math:`[-\sqrt3, \sqrt3]` (zero mean, unit variance, bounded), that scales the spike's
after-effect (the motoneuron's AHP jump, the axon's slow K⁺ jump), so the next interval varies.
This is the escape/threshold-noise approximation of noisy integrate-and-fire neurons (Gerstner &
Kistler 2002, Spiking Neuron Models, ch. 5.3: noisy reset): the integrators see no noisy input
at all, so variability costs nothing between events. Because a value depends on nothing but its
arguments (no random-number state), the fast solver and the scipy reference (both call
:func:`simlib.events.apply_event`) draw the same values, and a run is reproducible from its seed.
The hash is SplitMix64 (Steele, Lea & Flood 2014, OOPSLA; the finaliser of Java's
``SplittableRandom``).
"""

from __future__ import annotations

import math

import numpy as np

from simlib.stages._jit import jit

__all__ = ["CHANNEL_AXON", "CHANNEL_MINIATURE", "CHANNEL_MOTONEURON", "impulse_jitter"]

#: jitter channels: independent streams of one seed
CHANNEL_MOTONEURON = 1
CHANNEL_AXON = 2
#: stream of the numpy Generator that draws the spontaneous quanta (:func:`simlib.stages.nmj.miniature_times_ms`)
CHANNEL_MINIATURE = 3

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SHIFT30 = np.uint64(30)
_SHIFT27 = np.uint64(27)
_SHIFT31 = np.uint64(31)
_SHIFT11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_SQRT3 = math.sqrt(3.0)


@jit
def impulse_jitter(seed, channel, index):
    """Seeded value for impulse ``index`` of ``channel``: uniform on [-√3, √3] (zero mean, unit variance).

    Parameters
    ----------
    seed : float
        The run's seed (a non-negative whole number stored as float in the kernel record).
    channel : int
        Independent stream (:data:`CHANNEL_MOTONEURON`, :data:`CHANNEL_AXON`).
    index : int
        Impulse counter (>= 0), e.g. the number of nerve spikes logged before this one.

    Returns
    -------
    float
        The jitter (dimensionless).
    """
    z = (np.uint64(int(seed)) * _GOLDEN + np.uint64(channel)) * _MIX1 + np.uint64(index) * _GOLDEN
    z = (z ^ (z >> _SHIFT30)) * _MIX1
    z = (z ^ (z >> _SHIFT27)) * _MIX2
    z = z ^ (z >> _SHIFT31)
    unit = float(z >> _SHIFT11) * _TO_UNIT  # [0, 1)
    return _SQRT3 * (2.0 * unit - 1.0)
