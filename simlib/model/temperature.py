r"""Temperature scaling, in one place: every Q10 factor the model uses, one per kind of process.

All rate constants are declared at the reference temperature ``t_ref_c`` (37 °C). A process with
temperature coefficient :math:`Q_{10}` runs :math:`\varphi = Q_{10}^{(T - T_{ref})/10}` times
faster at temperature :math:`T`. The processes and their coefficients:

- gating (``q10_gating``): the axon node and its slow K⁺ current (``ax_tau``, ``ax_tau_w``), AChR
  opening and closing, the fibre's Na⁺/K⁺ gates (``phi_gate``, applied in :func:`simlib.chain.rates`)
  and the T-tubule voltage sensor (``s_tau``);
- pumps (``q10_calcium``): SERCA (``serca_vmax``) and the SR leak that balances it at rest;
- release (``q10_release``): RyR1 opening, Ca²⁺-dependent inactivation and recovery, and the Ca²⁺ flux
  of an open channel;
- troponin: Ca²⁺ binding to (``q10_troponin_on``, near diffusion-limited) and dissociation from
  (``q10_troponin``) troponin C;
- cross-bridges: attachment (``q10_xb_attach``) and ATP-driven detachment (``q10_xb_detach``), whose
  different Q10s make isometric force fall on cooling;
- shortening (``q10_shortening``): the rate at which cross-bridge force stretches the series elastic
  element. That rate is (stiffness of the element) × (shortening velocity of the contractile element):
  the elastic element itself (mostly tendon and aponeurosis) is nearly temperature-independent, so the
  whole temperature dependence is that of the unloaded shortening velocity;
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
    Param("q10_gating", 3.0, "", "Q10 of voltage-gated channel kinetics, axon excitability, AChR gating and the "
          "T-tubule voltage sensor", "Hodgkin & Huxley 1952, J Physiol 117:500; charge movement Q10 ≈ 2-3 "
          "(Hui & Chandler 1990, J Gen Physiol 96:257)", 2.5, 3.5),
    Param("q10_calcium", 2.5, "", "Q10 of SERCA Ca²⁺ uptake and the SR leak that balances it at rest",
          "human relaxation-rate Q10 ≈ 2.0 between 37 and 25 °C and ≈ 3.8 below 25 °C (de Ruiter et al. 1999, "
          "Exp Physiol 84:1137); SR Ca²⁺-ATPase Q10 2-3 (Bennett 1984, Am J Physiol 247:R217)", 2.0, 3.0),
    Param("q10_release", 2.5, "", "Q10 of RyR1 release: opening, Ca²⁺-dependent inactivation, recovery, flux",
          "assumption: as the SR pump, so that Ca²⁺ released per action potential and per second stay "
          "matched to uptake at every temperature (release flux after an AP is briefer on warming, "
          "Hollingworth & Baylor 1996 in mouse fibres 16-28 °C)", 1.5, 3.5),
    Param("q10_troponin", 2.25, "", "Q10 of Ca²⁺ dissociation from troponin C",
          "Shorten et al. 2007, J Muscle Res Cell Motil 28:293 (their 20 °C rates scaled with 2.25)", 2.0, 3.0),
    Param("q10_troponin_on", 1.7, "", "Q10 of Ca²⁺ binding to troponin C",
          "assumption: association of Ca²⁺ with its sites is close to diffusion-limited (diffusion in water "
          "Q10 ≈1.3), so less temperature-sensitive than dissociation; 1.7 chosen so that on cooling to 25 °C "
          "the human twitch falls (Davies, Mecrow & White 1982, Eur J Appl Physiol 49:255) while "
          "force-frequency shifts to lower rates (de Ruiter et al. 1999, Exp Physiol 84:1137)", 1.2, 2.25),
    Param("q10_xb_attach", 3.0, "", "Q10 of cross-bridge attachment (force generation)",
          "force generation is endothermic: isometric force falls on cooling (Coupland & Ranatunga 2003, "
          "J Physiol 548:439); human adductor pollicis loses 17 % of maximal force at 22 °C "
          "(de Ruiter et al. 1999)", 2.0, 4.0),
    Param("q10_xb_detach", 1.8, "", "Q10 of ATP-driven cross-bridge detachment",
          "less temperature-sensitive than force generation (Bennett 1984; Coupland & Ranatunga 2003); with "
          "q10_xb_attach it sets the fall of isometric force on cooling", 1.5, 3.0),
    Param("q10_shortening", 2.0, "", "Q10 of the shortening velocity that stretches the series elastic element "
          "(its stiffness is temperature-independent)",
          "unloaded shortening velocity of mammalian muscle Q10 ≈ 2 (Ranatunga 1984, J Physiol 351:517); "
          "human rates of force development Q10 ≈ 2.0 between 37 and 25 °C (de Ruiter et al. 1999); tendon "
          "stiffness changes little with temperature", 1.5, 3.0),
    Param("q10_enzyme", 2.0, "", "Q10 of ACh hydrolysis and vesicle replenishment",
          "typical enzymatic Q10; assumption", 1.5, 3.0),
)


@dataclass(frozen=True)
class TemperatureFactors:
    """Rate multipliers at the run's temperature (dimensionless; 1 at ``t_ref_c``).

    Attributes
    ----------
    gating, calcium, release, troponin, troponin_on, crossbridge, detachment, shortening, enzyme : float
        :math:`Q_{10}^{(T - T_{ref})/10}` for ``q10_gating``, ``q10_calcium``, ``q10_release``,
        ``q10_troponin``, ``q10_troponin_on``, ``q10_xb_attach``, ``q10_xb_detach``, ``q10_shortening`` and
        ``q10_enzyme``.
    """

    gating: float
    calcium: float
    release: float
    troponin: float
    troponin_on: float
    crossbridge: float
    detachment: float
    shortening: float
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
        release=q10_factor(c.q10_release, temperature_c, t_ref),
        troponin=q10_factor(c.q10_troponin, temperature_c, t_ref),
        troponin_on=q10_factor(c.q10_troponin_on, temperature_c, t_ref),
        crossbridge=q10_factor(c.q10_xb_attach, temperature_c, t_ref),
        detachment=q10_factor(c.q10_xb_detach, temperature_c, t_ref),
        shortening=q10_factor(c.q10_shortening, temperature_c, t_ref),
        enzyme=q10_factor(c.q10_enzyme, temperature_c, t_ref),
    )
