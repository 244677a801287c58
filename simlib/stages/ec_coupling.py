r"""Excitation-contraction coupling.

Voltage-sensor-gated SR Ca²⁺ release, SERCA uptake that needs ATP, fast buffers and
troponin.

Notes
-----
All Ca²⁺ quantities are per litre of myoplasm (µM), so fluxes between the SR and
the myoplasm conserve mass.

.. math::

    \frac{ds}{dt} = \frac{s_\infty(V - \psi) - s}{\tau_s},\qquad
    J_{rel} = k_{rel}(1 - b_{RyR})\,s^4\,[Ca]_{SR},\qquad
    J_{up} = V_{max}\,\frac{[ATP]}{K_{ATP} + [ATP]}\,\frac{[Ca]_i^2}{K^2 + [Ca]_i^2}

.. math::

    \frac{d[Ca]_{tot}}{dt} = J_{rel} + J_{leak} - J_{up},\qquad
    [Ca]_i = \frac{[Ca]_{tot} - T_{tot}\,T}{1 + \beta},\qquad
    \frac{dT}{dt} = k_{on}[Ca]_i(1 - T) - k_{off}T,\qquad
    \frac{d[Ca]_{SR}}{dt} = J_{up} - J_{rel} - J_{leak}

The state is the *total* myoplasmic Ca²⁺ :math:`[Ca]_{tot} = (1 + \beta)[Ca]_i + T_{tot}T`
(free, fast-buffered and troponin-bound), which only the SR fluxes change; the free
concentration follows algebraically. This is the same model as an equation for
:math:`[Ca]_i` with a :math:`-T_{tot}\,dT/dt` term, but Ca²⁺ exchange with troponin
(rate :math:`\approx k_{on}T_{tot}/(1+\beta) \approx 5` /ms) then appears only on the
diagonal of the troponin equation, where the exponential integrator
(:mod:`simlib.solver`) treats it exactly instead of resolving it with small steps.

:math:`s` is the DHPR voltage-sensor activation (mechanically coupled to RyR1, so
no Ca²⁺ entry is needed: Armstrong et al. 1972), :math:`\beta` the bound/free ratio
of fast buffers (mainly ATP), :math:`T` the Ca²⁺-bound fraction of troponin and
:math:`J_{leak} = k_{leak}[Ca]_{SR}` a small passive leak, set so that resting
:math:`[Ca]_i` is stationary. Without ATP, SERCA stops and Ca²⁺ stays in the myoplasm.
Human muscle has almost no parvalbumin (Heizmann et al. 1982), so none is modelled.
"""

from __future__ import annotations

from simlib.stages._jit import jit

#: total myoplasmic Ca²⁺ (µM) below which SERCA has nothing to pump: 1e-12 µM is less than one ion
#: in a whole fibre (one ion in ~1e-8 L of myoplasm is ~2e-10 µM)
_NO_CALCIUM_UM = 1e-12

__all__ = [
    "serca_flux", "free_calcium", "total_calcium_rates", "troponin_rates", "sr_rates", "calcium_troponin_jacobian",
]


@jit
def serca_flux(ca_i: float, vmax: float, k: float) -> float:
    """SERCA uptake (µM/ms) with Hill coefficient 2; ``vmax`` already scaled by ATP and temperature."""
    c2 = ca_i * ca_i
    return vmax * c2 / (k * k + c2)


@jit
def free_calcium(ca_total: float, trop: float, trop_total: float, buffer_ratio: float) -> float:
    """Free myoplasmic Ca²⁺ (µM) from total Ca²⁺ (µM) and the Ca²⁺-bound troponin fraction (never < 0)."""
    return max((ca_total - trop_total * trop) / (1.0 + buffer_ratio), 0.0)


@jit
def total_calcium_rates(ca_total, ca_i, ca_sr, release_rate, leak_rate, vmax, k):
    """Production-loss rates of total myoplasmic Ca²⁺: SR release and leak in, SERCA uptake out.

    Parameters
    ----------
    ca_total : float
        Total (free + buffered + troponin-bound) myoplasmic Ca²⁺ (µM).
    ca_i, ca_sr : float
        Free myoplasmic Ca²⁺ and SR Ca²⁺ (µM of myoplasm).
    release_rate, leak_rate : float
        RyR release and passive leak rate constants (1/ms).
    vmax, k : float
        SERCA maximal rate (µM/ms) and half-activation (µM).

    Returns
    -------
    tuple of float
        ``(a, b)`` for ``d[Ca]_tot/dt = a - b [Ca]_tot``.

    Notes
    -----
    Below ``_NO_CALCIUM_UM`` there is nothing to pump (the loss rate tends to 0 with ``[Ca]_tot``, as
    the flux goes as ``[Ca]_i^2``). The guard also keeps the division away from subnormal numbers,
    whose reciprocal overflows under the kernel's ``arcp`` fast-math flag (see ``simlib.stages._jit``).
    """
    uptake_per_total = 0.0 if ca_total <= _NO_CALCIUM_UM else serca_flux(ca_i, vmax, k) / ca_total
    return (release_rate + leak_rate) * ca_sr, uptake_per_total


@jit
def troponin_rates(ca_total: float, trop: float, trop_total: float, buffer_ratio: float, kon: float, koff: float):
    r"""Production-loss rates ``(a, b)`` of the Ca²⁺-bound troponin fraction :math:`T`.

    With :math:`[Ca]_i = (C - T_{tot}T)/(1+\beta)` the binding rate
    :math:`k_{on}[Ca]_i(1-T) - k_{off}T` is quadratic in :math:`T`. ``b`` is minus its
    derivative with respect to :math:`T`, so the fast exchange with free Ca²⁺ (including the
    depletion of free Ca²⁺ by binding) is handled by the exponential step, and
    ``a = dT/dt + b T``:
    :math:`a = k_{on}([Ca]_i + \tfrac{T_{tot}}{1+\beta}T(1-T))`,
    :math:`b = k_{on}([Ca]_i + \tfrac{T_{tot}}{1+\beta}(1-T)) + k_{off}`. Free Ca²⁺ is taken as
    ``>= 0`` and ``T`` within [0, 1] in these coefficients, so ``a, b >= 0`` for any state.
    """
    ca_i = free_calcium(ca_total, trop, trop_total, buffer_ratio)
    t = min(max(trop, 0.0), 1.0)
    exchange = kon * trop_total / (1.0 + buffer_ratio) if ca_i > 0.0 else 0.0
    return kon * ca_i + exchange * t * (1.0 - t), kon * ca_i + exchange * (1.0 - t) + koff


@jit
def sr_rates(ca_i: float, release_rate: float, leak_rate: float, vmax: float, k: float):
    """Production-loss rates ``(a, b)`` of SR Ca²⁺: uptake in, release and leak out."""
    return serca_flux(ca_i, vmax, k), release_rate + leak_rate


@jit
def calcium_troponin_jacobian(ca_total, trop, trop_total, buffer_ratio, kon, koff, vmax, k):
    r"""Jacobian of ``(d[Ca]_tot/dt, dT/dt)`` with respect to ``([Ca]_tot, T)`` (1/ms and µM/ms).

    Free Ca²⁺ is a small difference, :math:`([Ca]_{tot} - T_{tot}T)/(1+\beta)`, so SERCA and
    troponin binding couple the two states strongly (time constants of a few tenths of a
    millisecond). :mod:`simlib.solver` integrates this pair with a linearly implicit step
    using this matrix, so that coupling does not limit the step size.

    Returns
    -------
    tuple of float
        ``(j_cc, j_ct, j_tc, j_tt)``: row = rate of ([Ca]_tot, T), column = state.
    """
    scale = 1.0 / (1.0 + buffer_ratio)
    ca_i = (ca_total - trop_total * trop) * scale
    if ca_i <= 0.0:  # free Ca²⁺ is clipped at 0: neither state then changes it
        return 0.0, 0.0, 0.0, -koff
    k2 = k * k
    c2 = ca_i * ca_i
    serca_slope = vmax * 2.0 * ca_i * k2 / ((k2 + c2) * (k2 + c2))
    j_cc = -serca_slope * scale
    j_ct = serca_slope * scale * trop_total
    j_tc = kon * scale * (1.0 - trop)
    j_tt = -kon * scale * trop_total * (1.0 - trop) - kon * ca_i - koff
    return j_cc, j_ct, j_tc, j_tt
