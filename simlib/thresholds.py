"""Thresholds that follow from the model's declarations: where a behaviour starts, found by root finding.

Today one threshold: the extracellular Ca²⁺ below which the motor axon fires by itself
(:func:`ectopic_threshold_ca_mM`), the tetany threshold quoted in ``docs/model.md``.
"""

from __future__ import annotations

import math

from scipy.optimize import brentq

from simlib.model import ConstantValues, kernel_parameters
from simlib.scenario import Scenario, scenario_param

__all__ = ["ectopic_threshold_ca_mM"]

#: tolerance of the root in [Ca²⁺]o (mM)
_CA_XTOL_MM = 1e-6


def _resting_margin_mV(sc: Scenario, constants: ConstantValues | None) -> float:
    r"""Return :math:`V_T + \psi - E_L - \Delta_T` of the motor-axon node (mV); negative: no resting state."""
    kp = kernel_parameters(sc, constants)
    return kp.ax_vt - kp.ax_el_mV - kp.ax_delta_t_mV


def ectopic_threshold_ca_mM(mg_mM: float | None = None, *, scenario: Scenario | None = None,
                            constants: ConstantValues | None = None) -> float:
    r"""Extracellular Ca²⁺ below which the motor-axon node has no resting state (fires by itself), in mM.

    Parameters
    ----------
    mg_mM : float, optional
        Extracellular ionised Mg²⁺ (mM); that of ``scenario`` if omitted.
    scenario : Scenario, optional, keyword-only
        The other conditions (temperature, K⁺, ...); the healthy default ``Scenario()`` if omitted.
        Its ``ca_mM`` is ignored: it is what is searched.
    constants : ConstantValues, optional, keyword-only
        Model constants (:func:`simlib.model.resolve_constants`); the declared defaults if omitted.

    Returns
    -------
    float
        Threshold ionised Ca²⁺ (mM), or NaN if the node is excitable (or silent) over the whole
        allowed Ca²⁺ range of the Scenario (0.3-4 mM).

    Raises
    ------
    ParameterError
        If ``mg_mM`` is outside the Scenario's Mg²⁺ range (0.1-5 mM).

    Notes
    -----
    The exponential integrate-and-fire node (:mod:`simlib.stages.axon`) loses its resting state when

    .. math:: V_T + \psi([\mathrm{Ca}^{2+}]_o, [\mathrm{Mg}^{2+}]_o) - E_L < \Delta_T,

    with :math:`V_T` the rheobase potential (mV), :math:`\psi` the divalent-cation surface-charge
    shift (mV), :math:`E_L` the leak reversal (mV) and :math:`\Delta_T` the slope factor (mV). The
    threshold is the root of that margin in :math:`[\mathrm{Ca}^{2+}]_o`, found with Brent's method
    to 1e-6 mM. Clinical tetany appears at ionised Ca²⁺ of 0.8-1.0 mM (Cooper & Gittoes 2008, BMJ
    336:1298).

    Examples
    --------
    >>> round(ectopic_threshold_ca_mM(), 2)  # doctest: +SKIP
    0.88
    """
    base = Scenario() if scenario is None else scenario
    if mg_mM is not None:
        base = base.replace(mg_mM=mg_mM)
    ca = scenario_param("ca_mM")
    low = ca.low if ca.low is not None else 1e-3
    high = ca.high if ca.high is not None else 10.0

    def margin(ca_mM: float) -> float:
        return _resting_margin_mV(base.replace(ca_mM=ca_mM), constants)

    if margin(low) * margin(high) > 0:
        return math.nan
    return float(brentq(margin, low, high, xtol=_CA_XTOL_MM))
