r"""Cross-bridges and force.

Ca²⁺-regulated attachment, ATP-dependent detachment, force transmitted through a
series elastic element.

Notes
-----
.. math::

    \frac{dX}{dt} = f\,T^{n_c}\,(1 - X) - g\,\frac{[ATP]}{K_{ATP} + [ATP]}\,X,\qquad
    \frac{dF}{dt} = k_{se}\,(X - F)

:math:`X` is the attached (force-generating) fraction of myosin heads, :math:`T`
the Ca²⁺-bound troponin fraction (thin-filament activation, cooperativity
:math:`n_c`), :math:`f` and :math:`g` attachment and detachment rates, and
:math:`F` the force delivered through the series elastic element (tendon,
aponeurosis), which makes whole human muscle twitches slow (van der Zee et al. 2024).
ATP binding is what detaches myosin from actin (Lymn & Taylor 1971); without ATP the
heads stay attached (rigor). The force unit is the steady attached fraction of a
fully activated healthy muscle, :math:`f/(f+g)` at normal ATP and 37 °C.
"""

from __future__ import annotations

import math

from simlib.stages._jit import jit

__all__ = ["crossbridge_rates", "series_rates", "atp_saturation", "activation_power"]


def atp_saturation(atp_mM: float, k_mM: float) -> float:
    """Michaelis-Menten saturation [ATP]/(K + [ATP]) (dimensionless)."""
    return atp_mM / (k_mM + atp_mM)


@jit
def activation_power(trop: float, coop: float) -> float:
    """Thin-filament activation ``max(trop, 0) ** coop`` (dimensionless).

    For integer and half-integer exponents up to 4 (the default is 2.5) it is a product of ``trop``
    and at most one square root, equal to ``pow`` within rounding and several times cheaper (the C
    library's ``pow`` was ~5 % of a ``perf`` profile of sweep simulations; runs are 2 % faster).
    """
    x = max(trop, 0.0)
    twice = 2.0 * coop
    if twice == math.floor(twice) and 0.0 <= twice <= 8.0:
        halves = int(twice)
        result = math.sqrt(x) if halves % 2 == 1 else 1.0
        for _ in range(halves // 2):
            result *= x
        return result
    return x**coop


@jit
def crossbridge_rates(trop: float, attach: float, detach: float, coop: float):
    """Production-loss rates ``(a, b)`` of the attached fraction.

    Parameters
    ----------
    trop : float
        Ca²⁺-bound troponin fraction (0-1).
    attach : float
        Attachment rate at full activation (1/ms).
    detach : float
        Detachment rate, already scaled by ATP saturation (1/ms).
    coop : float
        Activation cooperativity exponent.
    """
    on = attach * activation_power(trop, coop)
    return on, on + detach


@jit
def series_rates(attached: float, rate: float):
    """Production-loss rates ``(a, b)`` of transmitted force (same unit as ``attached``)."""
    return rate * attached, rate
