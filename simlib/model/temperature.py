r"""Temperature scaling, in one place: every Q10 factor the model uses.

All rate constants are declared at the reference temperature ``t_ref_c`` (37 °C). A process with
temperature coefficient :math:`Q_{10}` runs :math:`\varphi = Q_{10}^{(T - T_{ref})/10}` times
faster at temperature :math:`T`. Four groups of processes share a Q10:

- gating (``q10_gating``): the axon node and its slow K⁺ current (``ax_tau``, ``ax_tau_w``), AChR
  opening and closing, the voltage sensor (``s_tau``) and the fibre's Na⁺/K⁺ gates (``phi_gate``,
  applied in :func:`simlib.chain.rates`);
- calcium (``q10_calcium``): SERCA (``serca_vmax`` and the SR leak), troponin on/off rates;
- crossbridge (``q10_crossbridge``): cross-bridge attachment and detachment, the series element;
- enzyme (``q10_enzyme``): ACh hydrolysis and escape (``ach_clear``), vesicle replenishment.

The spinal motoneuron and the reflex pathway are not temperature-scaled (``temperature_c`` is the
temperature of the muscle and its nerve). Nernst and GHK potentials depend on temperature through RT/F
(:mod:`simlib.stages.membrane`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model._constants import ConstantValues

__all__ = ["CONSTANTS", "TemperatureFactors", "q10_factor", "temperature_factors"]

CONSTANTS: tuple[Param, ...] = (
    Param("t_ref_c", 37.0, "°C", "reference temperature of all rate constants below", "design choice", 37.0, 37.0),
    Param("q10_gating", 3.0, "", "Q10 of voltage-gated channel kinetics, axon excitability and AChR closing",
          "Hodgkin & Huxley 1952, J Physiol 117:500", 2.5, 3.5),
    Param("q10_calcium", 2.5, "",
          "Q10 of SERCA uptake, SR leak and troponin kinetics (RyR flux follows the voltage sensor)",
          "generic enzymatic value consistent with relaxation-rate Q10s (Bennett 1984, Am J Physiol 247:R217)",
          2.0, 3.0),
    Param("q10_crossbridge", 2.25, "", "Q10 of cross-bridge attachment/detachment and force transmission",
          "Bennett 1984, Am J Physiol 247:R217 (twitch/tetanus rate processes)", 2.0, 2.5),
    Param("q10_enzyme", 2.0, "", "Q10 of ACh hydrolysis and vesicle replenishment",
          "typical enzymatic Q10; assumption", 1.5, 3.0),
)


@dataclass(frozen=True)
class TemperatureFactors:
    """Rate multipliers at the run's temperature (dimensionless; 1 at ``t_ref_c``).

    Attributes
    ----------
    gating, calcium, crossbridge, enzyme : float
        :math:`Q_{10}^{(T - T_{ref})/10}` for ``q10_gating``, ``q10_calcium``, ``q10_crossbridge``
        and ``q10_enzyme``.
    """

    gating: float
    calcium: float
    crossbridge: float
    enzyme: float


def q10_factor(q10: float, temperature_c: float, t_ref_c: float) -> float:
    """Rate multiplier ``q10 ** ((T - T_ref) / 10)`` (dimensionless)."""
    return q10 ** ((temperature_c - t_ref_c) / 10.0)


def temperature_factors(temperature_c: float, c: ConstantValues) -> TemperatureFactors:
    """Every Q10 factor of the model at ``temperature_c`` (°C), from the run's constants."""
    t_ref = c.t_ref_c
    return TemperatureFactors(
        gating=q10_factor(c.q10_gating, temperature_c, t_ref),
        calcium=q10_factor(c.q10_calcium, temperature_c, t_ref),
        crossbridge=q10_factor(c.q10_crossbridge, temperature_c, t_ref),
        enzyme=q10_factor(c.q10_enzyme, temperature_c, t_ref),
    )
