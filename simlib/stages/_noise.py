r"""Seeded, smooth noise: a deterministic function of (seed, channel, time) for the compiled kernel.

Biological variability (synaptic noise on the motoneuron, channel noise in the motor axon) enters
the model as *value noise*: at knots every ``knot_ms`` a counter-based hash of (seed, channel,
knot index) gives an independent value, uniform on :math:`[-\sqrt3, \sqrt3]` (zero mean, unit
variance); between knots the values are joined by the quintic "smootherstep"

.. math::

    n(t) = u_k + (u_{k+1} - u_k)\,s(x),\qquad s(x) = x^3 (6x^2 - 15x + 10),\qquad
    x = t/\Delta - k,

which is continuous with its first and second derivatives (they vanish at the knots), so the
adaptive integrators see an ordinary smooth input. Because the value at any time depends on
nothing but its arguments (no random-number state), the fast solver and the scipy reference
evaluate the same function at whatever times they choose, a run is reproducible from its seed,
and a run can start anywhere. The hash is SplitMix64 (Steele, Lea & Flood 2014, OOPSLA; the
finaliser of Java's ``SplittableRandom``); its cost is two hashes per evaluation (measured with
the default scenario: see ``/work/notes`` of issue 18 and the CHANGELOG).
"""

from __future__ import annotations

import math

import numpy as np

from simlib.stages._jit import jit

__all__ = ["CHANNEL_AXON", "CHANNEL_MOTONEURON", "value_noise"]

#: noise channels: independent streams of one seed
CHANNEL_MOTONEURON = 1
CHANNEL_AXON = 2

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
def _knot_value(seed, channel, knot):
    """Hash (seed, channel, knot index) to a value uniform on [-√3, √3] (SplitMix64 finaliser)."""
    z = (np.uint64(seed) * _GOLDEN + np.uint64(channel)) * _MIX1 + np.uint64(knot) * _GOLDEN
    z = (z ^ (z >> _SHIFT30)) * _MIX1
    z = (z ^ (z >> _SHIFT27)) * _MIX2
    z = z ^ (z >> _SHIFT31)
    unit = float(z >> _SHIFT11) * _TO_UNIT  # [0, 1)
    return _SQRT3 * (2.0 * unit - 1.0)


@jit
def value_noise(seed, channel, t, knot_ms):
    """Smooth seeded noise (zero mean, unit variance at the knots) at time ``t``.

    Parameters
    ----------
    seed : float
        The run's seed (a non-negative integer stored as float in the kernel record).
    channel : int
        Independent stream (:data:`CHANNEL_MOTONEURON`, :data:`CHANNEL_AXON`).
    t : float
        Time (ms), >= 0.
    knot_ms : float
        Spacing of the knots (ms): the noise's correlation time.

    Returns
    -------
    float
        The noise value (dimensionless).
    """
    position = max(t, 0.0) / knot_ms
    k = math.floor(position)
    x = position - k
    knot = int(k)
    s = smootherstep(x)
    u0 = _knot_value(int(seed), channel, knot)
    u1 = _knot_value(int(seed), channel, knot + 1)
    return u0 + (u1 - u0) * s


@jit
def smootherstep(x):
    """Quintic smootherstep ``x³(6x² - 15x + 10)`` on [0, 1]: C2 at both ends."""
    return x * x * x * (x * (6.0 * x - 15.0) + 10.0)
