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

    (1 + \beta)\frac{d[Ca]_i}{dt} = J_{rel} + J_{leak} - J_{up}
        - T_{tot}\frac{dT}{dt},\qquad
    \frac{dT}{dt} = k_{on}[Ca]_i(1 - T) - k_{off}T,\qquad
    \frac{d[Ca]_{SR}}{dt} = J_{up} - J_{rel} - J_{leak}

:math:`s` is the DHPR voltage-sensor activation (mechanically coupled to RyR1, so
no Ca²⁺ entry is needed: Armstrong et al. 1972), :math:`\beta` the bound/free ratio
of fast buffers (mainly ATP), :math:`T` the Ca²⁺-bound fraction of troponin and
:math:`J_{leak} = k_{leak}[Ca]_{SR}` a small passive leak, set so that resting
:math:`[Ca]_i` is stationary. Without ATP, SERCA stops and Ca²⁺ stays in the myoplasm.
Human muscle has almost no parvalbumin (Heizmann et al. 1982), so none is modelled.
"""

from __future__ import annotations

from simlib.stages._jit import jit

__all__ = ["serca_flux", "calcium_rates", "troponin_rates", "sr_rates"]


@jit
def serca_flux(ca_i: float, vmax: float, k: float) -> float:
    """SERCA uptake (µM/ms) with Hill coefficient 2; ``vmax`` already scaled by ATP and temperature."""
    c2 = ca_i * ca_i
    return vmax * c2 / (k * k + c2)


@jit
def calcium_rates(ca_i, ca_sr, trop, release_rate, leak_rate, vmax, k, trop_total, kon, koff, buffer_ratio):
    """Production-loss rates of free myoplasmic Ca²⁺.

    Parameters
    ----------
    ca_i, ca_sr : float
        Free myoplasmic Ca²⁺ and SR Ca²⁺ (µM of myoplasm).
    trop : float
        Ca²⁺-bound fraction of troponin (0-1).
    release_rate, leak_rate : float
        RyR release and passive leak rate constants (1/ms).
    vmax, k : float
        SERCA maximal rate (µM/ms) and half-activation (µM).
    trop_total, kon, koff : float
        Troponin sites (µM), on-rate (1/(µM ms)) and off-rate (1/ms).
    buffer_ratio : float
        Bound/free ratio of rapid buffers (dimensionless).

    Returns
    -------
    tuple of float
        ``(a, b)`` for ``d[Ca]_i/dt = a - b [Ca]_i``.
    """
    scale = 1.0 / (1.0 + buffer_ratio)
    a = ((release_rate + leak_rate) * ca_sr + trop_total * koff * trop) * scale
    b = (vmax * ca_i / (k * k + ca_i * ca_i) + trop_total * kon * (1.0 - trop)) * scale
    return a, b


@jit
def troponin_rates(ca_i: float, kon: float, koff: float):
    """Production-loss rates ``(a, b)`` of the Ca²⁺-bound troponin fraction."""
    on = kon * ca_i
    return on, on + koff


@jit
def sr_rates(ca_i: float, release_rate: float, leak_rate: float, vmax: float, k: float):
    """Production-loss rates ``(a, b)`` of SR Ca²⁺: uptake in, release and leak out."""
    return serca_flux(ca_i, vmax, k), release_rate + leak_rate
