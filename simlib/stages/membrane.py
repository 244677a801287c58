r"""Muscle-fibre membrane at the endplate: resting potential, Na⁺/K⁺ channels, endplate current.

Notes
-----
.. math::

    C_m \frac{dV}{dt} = -g_{Na} m^3 h (V - E_{Na}) - g_K n^4 (V - E_K) - g_{Cl}(V - E_{Cl})
        - I_{rest}(V) + g_{ep}(1-b_{rec}) O (E_{ACh} - V)

:math:`C_m` = 1 µF/cm², conductances in mS/cm², potentials in mV. :math:`E_{Na}`,
:math:`E_K` are Nernst potentials from the learner's [Na⁺]o and [K⁺]o. The resting
current :math:`I_{rest} = g_{K,rest}\,(V - V_{GHK})` is a chord conductance that
reverses at the Goldman-Hodgkin-Katz potential

.. math::

    V_{GHK} = \frac{RT}{F}\ln\frac{[K]_o + r[Na]_o}{[K]_i + r[Na]_i},\qquad r = P_{Na}/P_K,

so the resting potential follows GHK in [K⁺]o and [Na⁺]o (Hodgkin & Horowicz 1959).
Cl⁻ is passively distributed in muscle, so :math:`E_{Cl}` equals the resting potential
and Cl⁻ stabilises rather than sets it (Bretag 1987). Gates follow
:math:`dx/dt = (x_\infty(V - \psi) - x)/\tau_x`, with every half-voltage shifted by the
divalent surface-charge shift :math:`\psi` (see :mod:`simlib.stages.axon`).
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace
from typing import TYPE_CHECKING

from simlib.model._declare import Stage, State
from simlib.stages._jit import jit
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

__all__ = ["CONSTANTS", "STAGE", "STATES", "boltzmann", "derive", "ghk_potential_mV", "membrane_rates", "nernst_mV",
           "potassium_gate", "resting_membrane", "sodium_gates"]

_CHOSEN = "chosen so that "

STATES: tuple[State, ...] = (
    State("v_fibre", "mV", 0.025, 0.0, "membrane potential of the excitable muscle fibre next to the endplate"),
    State("na_m", "", 5e-4, 5.0, "Na⁺ (Nav1.4) activation gate m"),
    State("na_h", "", 5e-4, 5.0, "Na⁺ fast-inactivation gate h"),
    State("k_n", "", 5e-4, 5.0, "delayed-rectifier K⁺ activation gate n"),
    State("epp", "mV", 0.025, 0.0, "endplate potential: the passive depolarisation by the endplate current"),
    State("v_endplate", "mV", 0.025, 0.0, "potential of the endplate membrane under the terminal"),
)

CONSTANTS: tuple[Param, ...] = (
    Param("k_in_mM", 155.0, "mM", "intracellular K⁺ of the muscle fibre",
          "Hille 2001, Ion Channels of Excitable Membranes, ch. 1", 140.0, 160.0),
    Param("na_in_mM", 12.0, "mM", "intracellular Na⁺ of the muscle fibre", "Hille 2001, ch. 1", 10.0, 15.0),
    Param("pna_pk", 0.01, "", "resting Na⁺/K⁺ permeability ratio of the fibre (GHK)",
          "Hodgkin & Horowicz 1959, J Physiol 148:127; physiology.md §1.3", 0.005, 0.05),
    Param("g_k_rest_mS_cm2", 0.15, "mS/cm²", "resting K⁺ (inward-rectifier) conductance of the fibre at 4 mM K⁺",
          "mammalian fibres: K⁺ carries ~20-30 % of a ~0.5 mS/cm² resting conductance (Bretag 1987, "
          "Physiol Rev 67:618)", 0.05, 0.3),
    Param("g_cl_mS_cm2", 0.45, "mS/cm²", "Cl⁻ conductance (passively distributed, reverses at the resting potential)",
          "Cl⁻ carries ≈70-80 % of the resting conductance (Bretag 1987)", 0.2, 1.0),
    Param("g_na_mS_cm2", 120.0, "mS/cm²", "maximal Na⁺ (Nav1.4) conductance", "Hodgkin & Huxley 1952 order; "
          "mammalian fibre models use 100-800 (Cannon et al. 1993, Biophys J 65:270; Shorten 2007)", 80.0, 800.0),
    Param("g_kdr_mS_cm2", 30.0, "mS/cm²", "maximal delayed-rectifier K⁺ conductance",
          "mammalian fibre models 20-65 (Cannon et al. 1993; Shorten 2007)", 10.0, 70.0),
    Param("na_m_half_mV", -38.0, "mV", "Na⁺ activation (m) half-voltage at reference divalents",
          "Nav1.4 activation midpoint ≈ -30 mV for m³ (Cannon et al. 1993)", -45.0, -30.0),
    Param("na_m_slope_mV", 7.0, "mV", "Na⁺ activation slope factor", "Cannon et al. 1993", 5.0, 9.0),
    Param("na_m_tau_ms", 0.04, "ms", "Na⁺ activation time constant", "sub-0.1 ms at 37 °C (Hodgkin & Huxley "
          "1952 scaled by Q10 3)", 0.01, 0.1),
    Param("na_h_half_mV", -65.0, "mV", "Na⁺ fast-inactivation (h) half-voltage",
          "Nav1.4 steady-state inactivation midpoint ≈ -70 to -75 mV (Cannon et al. 1993)", -80.0, -65.0),
    Param("na_h_slope_mV", 6.0, "mV", "Na⁺ inactivation slope factor", "Cannon et al. 1993", 4.0, 8.0),
    Param("na_h_tau_ms", 1.0, "ms", "peak Na⁺ inactivation/recovery time constant (at -70 mV)",
          "recovery from fast inactivation in a few ms at 37 °C (Cannon et al. 1993)", 0.3, 3.0),
    Param("k_n_half_mV", -40.0, "mV", "K⁺ activation (n) half-voltage", "Cannon et al. 1993", -50.0, -30.0),
    Param("k_n_slope_mV", 10.0, "mV", "K⁺ activation slope factor", "Cannon et al. 1993", 7.0, 15.0),
    Param("k_n_tau_ms", 1.5, "ms", "K⁺ activation time constant", "Cannon et al. 1993 (≈1-3 ms at 37 °C)", 0.5, 4.0),
    Param("na_slow_half_mV", -78.0, "mV", "half-voltage of Na⁺ slow inactivation (set by the resting potential)",
          _CHOSEN + "fibres stop following 20 Hz when [K⁺]o reaches ≈10 mM (depolarisation to ≈ -70 mV), "
          "as in hyperkalaemic weakness; slow inactivation of Nav1.4 is substantial at -70 to -60 mV "
          "(Ruff 1999, Am J Physiol 277:C937)",
          -80.0, -60.0),
    Param("na_slow_slope_mV", 3.0, "mV", "slope factor of Na⁺ slow inactivation",
          _CHOSEN + "fibres still follow 20 Hz at 8 mM K⁺ but not at 10 mM (steeper than the 5-10 mV "
          "usually fitted, Ruff 1999)", 3.0, 10.0),
    Param("g_endplate_to_fibre_mS_cm2", 2.0, "mS/cm²", "coupling through which the depolarised endplate "
          "region drives the excitable fibre next to it (per area of fibre)",
          _CHOSEN + "the endplate potential fires the fibre with a safety factor near 4 (threshold block at "
          "≈76 % receptor occupancy, Paton & Waud 1967)", 0.1, 10.0),
    Param("g_fibre_to_endplate_mS_cm2", 4.0, "mS/cm²", "coupling through which the fibre clamps the small "
          "endplate region (per area of endplate)", _CHOSEN + "the fibre action potential invades the endplate "
          "region, which is much smaller than the fibre it drives", 1.0, 40.0),
    Param("spike_detect_mV", -20.0, "mV", "muscle potential whose upward crossing counts as an action potential",
          "convention: overshooting APs peak near +30 mV", -30.0, 0.0),
)

FARADAY = 96485.33212  # C/mol
GAS_CONSTANT = 8.314462618  # J/(mol K)


def thermal_voltage_mV(temperature_c: float) -> float:
    """RT/F in mV at a temperature in °C."""
    return 1000.0 * GAS_CONSTANT * (temperature_c + 273.15) / FARADAY


def nernst_mV(out_mM: float, in_mM: float, temperature_c: float, valence: int = 1) -> float:
    """Nernst equilibrium potential (mV) for an ion of given valence."""
    return thermal_voltage_mV(temperature_c) / valence * math.log(out_mM / in_mM)


def ghk_potential_mV(
    k_out_mM: float, na_out_mM: float, k_in_mM: float, na_in_mM: float, pna_pk: float, temperature_c: float
) -> float:
    """Goldman-Hodgkin-Katz resting potential (mV) from K⁺ and Na⁺ (Cl⁻ passive)."""
    return thermal_voltage_mV(temperature_c) * math.log(
        (k_out_mM + pna_pk * na_out_mM) / (k_in_mM + pna_pk * na_in_mM)
    )


@jit
def boltzmann(v: float, half: float, slope: float) -> float:
    """Steady-state Boltzmann activation, 1/(1+exp(-(v-half)/slope)) (dimensionless)."""
    return 1.0 / (1.0 + math.exp(-(v - half) / slope))


@jit
def sodium_gates(v: float, m_half: float, m_slope: float, h_half: float, h_slope: float, h_tau: float):
    """Steady states and time constants of Na⁺ activation and inactivation.

    Parameters
    ----------
    v : float
        Membrane potential (mV).
    m_half, m_slope, h_half, h_slope : float
        Shifted half-voltages and slope factors (mV).
    h_tau : float
        Peak inactivation time constant at 37 °C (ms); it is bell-shaped in ``v``
        (fast at depolarised potentials, slower near rest).

    Returns
    -------
    tuple of float
        ``(m_inf, h_inf, h_tau_v)``; ``h_tau_v`` in ms.
    """
    m_inf = boltzmann(v, m_half, m_slope)
    h_inf = 1.0 - boltzmann(v, h_half, h_slope)
    z = (v - h_half) / 20.0
    h_tau_v = 0.15 + h_tau * math.exp(-z * z)
    return m_inf, h_inf, h_tau_v


@jit
def potassium_gate(v: float, n_half: float, n_slope: float, n_tau: float):
    """Steady state and (bell-shaped) time constant of delayed-rectifier activation.

    Returns
    -------
    tuple of float
        ``(n_inf, n_tau_v)``; ``n_tau_v`` in ms.
    """
    z = (v - n_half) / 30.0
    return boltzmann(v, n_half, n_slope), 0.3 + n_tau * math.exp(-z * z)


@jit
def membrane_rates(v, m, h, n, g_na, e_na, g_k, e_k, g_cl, e_cl, g_rest, e_rest, g_input, e_input):
    """Production-loss form of the membrane equation (C_m = 1 µF/cm²).

    Parameters
    ----------
    v, m, h, n : float
        Potential (mV) and gates (0-1).
    g_na, g_k, g_cl, g_rest : float
        Maximal Na⁺, K⁺, Cl⁻ and resting conductances (mS/cm²).
    e_na, e_k, e_cl, e_rest : float
        Reversal potentials (mV).
    g_input, e_input : float
        Conductance (mS/cm²) and driving potential (mV) of an ohmic input: the coupling to the
        endplate region for the fibre, 0 at rest.

    Returns
    -------
    tuple of float
        ``(a, b)`` with ``dV/dt = a - b V`` (mV/ms, 1/ms).
    """
    gna = g_na * m * m * m * h
    gk = g_k * n * n * n * n
    b = gna + gk + g_cl + g_rest + g_input
    a = gna * e_na + gk * e_k + g_cl * e_cl + g_rest * e_rest + g_input * e_input
    return a, b


# ------------------------------------------------------------------------------------------ declarations

#: kernel parameters that set the resting potential of the fibre membrane (the cache key of resting_membrane)
_RESTING_INPUTS = ("m_half", "na_m_slope_mV", "h_half", "na_h_slope_mV", "na_h_tau_ms", "n_half", "k_n_slope_mV",
                   "k_n_tau_ms", "g_na", "e_na", "g_kdr_mS_cm2", "e_k", "g_cl_mS_cm2", "e_cl", "g_rest", "e_rest",
                   "e_ach_mV")


def derive(sc: Scenario, c: ConstantValues, env: Environment) -> dict[str, float]:
    """Kernel parameters of the fibre membrane: Nernst/GHK potentials, shifted gates, resting state.

    ``v_rest`` and ``g_pass`` (the resting potential and slope conductance) follow from the others.
    """
    temp = sc.temperature_c
    shift = env.divalent_shift_mV
    e_rest = ghk_potential_mV(sc.k_mM, sc.na_mM, c.k_in_mM, c.na_in_mM, c.pna_pk, temp)
    slow_available = 1.0 - boltzmann(e_rest - shift, c.na_slow_half_mV, c.na_slow_slope_mV)
    p = {
        "g_na": c.g_na_mS_cm2 * slow_available,
        "e_na": nernst_mV(sc.na_mM, c.na_in_mM, temp),
        "g_kdr_mS_cm2": c.g_kdr_mS_cm2,
        "e_k": nernst_mV(sc.k_mM, c.k_in_mM, temp),
        "g_cl_mS_cm2": c.g_cl_mS_cm2,
        "e_cl": e_rest,
        # inward-rectifier-like resting K⁺ conductance, growing with √[K⁺]o
        "g_rest": c.g_k_rest_mS_cm2 * math.sqrt(sc.k_mM / 4.0),
        "e_rest": e_rest,
        "g_pass": 0.0,
        "g_endplate_to_fibre_mS_cm2": c.g_endplate_to_fibre_mS_cm2,
        "g_fibre_to_endplate_mS_cm2": c.g_fibre_to_endplate_mS_cm2,
        "v_rest": e_rest,
        "m_half": c.na_m_half_mV + shift,
        "na_m_slope_mV": c.na_m_slope_mV,
        "na_m_tau_ms": c.na_m_tau_ms,
        "h_half": c.na_h_half_mV + shift,
        "na_h_slope_mV": c.na_h_slope_mV,
        "na_h_tau_ms": c.na_h_tau_ms,
        "n_half": c.k_n_half_mV + shift,
        "k_n_slope_mV": c.k_n_slope_mV,
        "k_n_tau_ms": c.k_n_tau_ms,
        "phi_gate": env.phi.gating,
        "spike_detect_mV": c.spike_detect_mV,
    }
    p["v_rest"], p["g_pass"] = resting_membrane(*(c.e_ach_mV if name == "e_ach_mV" else p[name]
                                                  for name in _RESTING_INPUTS))
    return p


@functools.lru_cache(maxsize=256)
def resting_membrane(*values: float) -> tuple[float, float]:
    """Resting potential (mV) and slope conductance (mS/cm²) of the fibre membrane.

    ``values`` are the kernel parameters named in ``_RESTING_INPUTS``, in that order. Cached: ~0.3 ms
    of Python per call (62 current evaluations), and a sweep over rates or Ca²⁺ asks for the same
    membrane again and again.
    """
    membrane = SimpleNamespace(**dict(zip(_RESTING_INPUTS, values, strict=True)))
    v_rest = _muscle_rest_potential(membrane)
    return v_rest, _slope_conductance(membrane, v_rest)


def _ionic_current(p: SimpleNamespace, v: float) -> float:
    """Steady-state membrane current (µA/cm²) at potential ``v`` with gates at steady state."""
    m_inf, h_inf, _ = sodium_gates(v, p.m_half, p.na_m_slope_mV, p.h_half, p.na_h_slope_mV, p.na_h_tau_ms)
    n_inf, _ = potassium_gate(v, p.n_half, p.k_n_slope_mV, p.k_n_tau_ms)
    a, b = membrane_rates(v, m_inf, h_inf, n_inf, p.g_na, p.e_na, p.g_kdr_mS_cm2, p.e_k, p.g_cl_mS_cm2, p.e_cl,
                          p.g_rest, p.e_rest, 0.0, p.e_ach_mV)
    return b * v - a


def _muscle_rest_potential(p: SimpleNamespace) -> float:
    """Resting potential (mV): zero of the steady-state current near the GHK potential."""
    lo, hi = p.e_rest - 20.0, p.e_rest + 15.0  # current is negative at lo, positive at hi
    for _ in range(60):  # bisection to ~1e-9 mV; avoids importing scipy.optimize at import time
        mid = 0.5 * (lo + hi)
        if _ionic_current(p, mid) < 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _slope_conductance(p: SimpleNamespace, v_rest: float) -> float:
    """Resting slope conductance (mS/cm²), for the passive endplate-potential readout."""
    dv = 0.01
    return (_ionic_current(p, v_rest + dv) - _ionic_current(p, v_rest - dv)) / (2.0 * dv)


STAGE = Stage("membrane", STATES, CONSTANTS, derive)
