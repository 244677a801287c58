"""Constants and derived quantities shared by several stages: temperature, divalent screening, ATP.

:func:`environment` computes, once per run, what more than one stage's ``derive`` needs: the Q10
factors (:mod:`simlib.model.temperature`), the surface-charge shift of channel gating by
extracellular Ca²⁺/Mg²⁺ (:func:`simlib.stages.axon.divalent_shift_mV`; it moves the axon's rheobase,
the fibre's gates and the voltage sensor) and the ATP of a healthy resting fibre.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from simlib.model import temperature
from simlib.model._declare import Stage
from simlib.model.temperature import TemperatureFactors, temperature_factors
from simlib.scenario import scenario_param
from simlib.stages.axon import divalent_shift_mV
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model._constants import ConstantValues
    from simlib.scenario import Scenario

__all__ = ["CONSTANTS", "HEALTHY_ATP_MM", "STAGE", "Environment", "environment"]

#: ATP of a healthy resting fibre (mM): the Scenario default; every run starts from a fibre at rest with it
HEALTHY_ATP_MM: float = scenario_param("atp_mM").default  # type: ignore[assignment]

SCREENING: tuple[Param, ...] = (
    Param("screen_slope_mV", 7.0, "mV", "gating shift per e-fold change of effective divalent concentration",
          "Frankenhaeuser & Hodgkin 1957, J Physiol 137:218 (10-15 mV per 5-fold [Ca]o, i.e. 6-9 mV per e-fold)",
          6.0, 9.0),
    Param("screen_mg_weight", 0.4, "", "screening potency of Mg²⁺ relative to Ca²⁺",
          "Mg²⁺ is a weaker screener than Ca²⁺ (physiology.md §1.3: 0.3-0.5)", 0.3, 0.5),
    Param("ca_ref_mM", 1.2, "mM", "ionised Ca²⁺ at which the gating parameters below apply",
          "healthy plasma value (Harrison's)", 1.1, 1.3),
    Param("mg_ref_mM", 0.55, "mM", "ionised Mg²⁺ at which the gating parameters below apply",
          "healthy plasma value (physiology.md §2.2)", 0.5, 0.7),
)

CONSTANTS: tuple[Param, ...] = temperature.CONSTANTS + SCREENING

#: the shared constants as a stage with no states and no kernel parameters of its own
STAGE = Stage("shared", constants=CONSTANTS)


@dataclass(frozen=True)
class Environment:
    """Derived quantities of one run that several stages use.

    Attributes
    ----------
    temperature_c : float
        Muscle and nerve temperature (°C).
    phi : TemperatureFactors
        Q10 rate multipliers at that temperature.
    divalent_shift_mV : float
        Shift of every half-activation voltage by extracellular Ca²⁺/Mg²⁺ (mV; negative when they fall).
    healthy_atp_mM : float
        ATP of a healthy resting fibre (mM): the initial state and the force unit assume it.
    """

    temperature_c: float
    phi: TemperatureFactors
    divalent_shift_mV: float
    healthy_atp_mM: float = HEALTHY_ATP_MM


def environment(sc: Scenario, c: ConstantValues) -> Environment:
    """Compute the shared derived quantities of scenario ``sc`` with constants ``c``."""
    shift = divalent_shift_mV(sc.ca_mM, sc.mg_mM, c.ca_ref_mM, c.mg_ref_mM, c.screen_slope_mV, c.screen_mg_weight)
    return Environment(sc.temperature_c, temperature_factors(sc.temperature_c, c), shift)
