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
:math:`k_{se}` is the element's stiffness times the shortening velocity of the contractile element:
the stiffness is temperature-independent, so :math:`k_{se}` follows the Q10 of shortening velocity
(:mod:`simlib.model.temperature`); attachment and detachment have Q10s of their own.
ATP binding is what detaches myosin from actin (Lymn & Taylor 1971); without ATP the
heads stay attached (rigor). [ATP] is a state (:mod:`simlib.stages.metabolism`), and inorganic
phosphate lowers the force per attached head: :math:`k_{se}(X\,\phi_P - F)` with
:math:`\phi_P = (1 + P_{i,rest}/K_P)/(1 + P_i/K_P)` (Allen, Lamb & Westerblad 2008). The force
unit is the steady attached fraction of a fully activated healthy muscle, :math:`f/(f+g)` at normal
ATP, resting Pi and 37 °C.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

from simlib.model._declare import Stage, State
from simlib.stages._jit import jit
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

__all__ = ["CONSTANTS", "STAGE", "STATES", "activation_power", "atp_saturation", "crossbridge_rates", "derive",
           "force_unit", "resting_attached", "series_rates"]

_CHOSEN = "chosen so that "

STATES: tuple[State, ...] = (
    State("attached", "", 1e-5, 1.0, "attached (force-generating) fraction of the myosin heads"),
    State("force", "", 1e-5, 1.0, "force delivered through the series elastic element (attached-fraction units)"),
)

CONSTANTS: tuple[Param, ...] = (
    Param("xb_coop", 2.5, "", "cooperativity of thin-filament activation (exponent on troponin occupancy)",
          _CHOSEN + "the force-pCa relation is steep (Hill ≈ 2-4 in intact fibres)", 1.0, 4.0),
    Param("xb_attach_per_ms", 0.18, "1/ms", "cross-bridge attachment rate at full thin-filament activation",
          _CHOSEN + "a duty ratio ≈0.9; with the series element it sets the twitch contraction time "
          "(76 ms in the model, as in human motor units: Macefield et al. 1996, J Neurophysiol 75:2509)",
          0.05, 1.0),
    Param("xb_detach_per_ms", 0.02, "1/ms", "ATP-dependent cross-bridge detachment rate at saturating ATP",
          _CHOSEN + "human twitch half-relaxation ≈100 ms (Sale et al. 1982); Huxley 1957 g1 = 10 s⁻¹ "
          "at 0 °C", 0.005, 0.1),
    Param("xb_katp_mM", 0.15, "mM", "ATP half-saturation of cross-bridge detachment",
          "Cooke & Bialek 1979, Biophys J 28:241 (Km 0.1-0.2 mM); Lymn & Taylor 1971", 0.05, 0.3),
    Param("series_rate_per_ms", 0.012, "1/ms", "rate at which cross-bridge force stretches the series "
          "elastic element (tendon/aponeurosis)", _CHOSEN + "the twitch is human-like: contraction time 76 ms "
          "(human toe-extensor motor units 74.8 ± 3.9 ms, Macefield et al. 1996; the whole triceps surae, "
          "a mixture of units, 112 ms, Sale et al. 1982) and half-relaxation 113 ms (triceps surae 100 ± 14 ms); "
          "series elasticity dominates human twitch timing (van der Zee et al. 2024, J Exp Biol "
          "227:jeb247436)", 0.005, 0.05),
)


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


@functools.lru_cache(maxsize=256)
def resting_attached(ca_rest: float, kon: float, koff: float, trop_xb_coop: float, attach: float, detach: float,
                     coop: float) -> tuple[float, float]:
    """Ca²⁺-bound troponin and attached fractions of a resting fibre at free Ca²⁺ ``ca_rest`` (µM).

    Troponin and cross-bridges are coupled (attached heads slow Ca²⁺ dissociation, ``koff / (1 + c X)``);
    fixed-point iteration converges fast at rest. Rates in 1/ms (``kon`` in 1/(µM·ms)). Cached: the 50
    iterations call the compiled ``activation_power`` from Python (~0.1 ms), twice per run.
    """
    trop = attached = 0.0
    for _ in range(50):
        trop = kon * ca_rest / (kon * ca_rest + koff / (1.0 + trop_xb_coop * attached))
        on = attach * activation_power(trop, coop)
        attached = on / (on + detach)
    return trop, attached


def force_unit(c: ConstantValues, healthy_atp_mM: float) -> float:
    """Attached fraction of a fully activated healthy muscle at 37 °C: the force unit (dimensionless)."""
    detach = c.xb_detach_per_ms * atp_saturation(healthy_atp_mM, c.xb_katp_mM)
    return c.xb_attach_per_ms / (c.xb_attach_per_ms + detach)


def derive(sc: Scenario, c: ConstantValues, env: Environment) -> dict[str, float]:
    """Kernel parameters of the cross-bridges: a Q10 per process, ATP on detachment, and the force unit.

    Attachment and detachment have their own Q10s (isometric force falls on cooling); the series
    element's rate scales with the shortening velocity (:mod:`simlib.model.temperature`).
    """
    phi = env.phi
    return {
        "xb_coop": c.xb_coop,
        "xb_attach": c.xb_attach_per_ms * phi.crossbridge,
        # at saturating ATP: the rates scale it by the ATP state (simlib.stages.metabolism)
        "xb_detach": c.xb_detach_per_ms * phi.detachment,
        "xb_katp_mM": c.xb_katp_mM,
        "series_rate": c.series_rate_per_ms * phi.shortening,
        "force_unit": force_unit(c, env.healthy_atp_mM),
        # detachment rate of the resting fibre, which has healthy ATP (simlib.chain.rest_state)
        "xb_detach_rest": c.xb_detach_per_ms * phi.detachment * atp_saturation(env.healthy_atp_mM, c.xb_katp_mM),
    }


STAGE = Stage("crossbridges", STATES, CONSTANTS, derive)
