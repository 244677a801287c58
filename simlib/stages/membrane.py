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

import math

from simlib.stages._jit import jit

__all__ = ["ghk_potential_mV", "nernst_mV", "boltzmann", "sodium_gates", "potassium_gate", "membrane_rates"]

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
