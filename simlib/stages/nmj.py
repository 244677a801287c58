r"""Neuromuscular junction.

Ca²⁺/Mg²⁺-dependent quantal release, vesicle depletion, ACh clearance by
acetylcholinesterase, and nicotinic receptor gating.

Notes
-----
Release per nerve impulse follows Dodge & Rahamimoff (1967): Ca²⁺ binds a site X
competitively with Mg²⁺ and release rises with the 4th power of occupancy,

.. math::

    m = m_{ref}\,\left(\frac{x([Ca]_o,[Mg]_o)}{x_{ref}}\right)^{n},\qquad
    x = \frac{[Ca]_o/K_{Ca}}{1 + [Ca]_o/K_{Ca} + [Mg]_o/K_{Mg}}

where :math:`m` is the mean quantal content (quanta per impulse) of a full pool.
Quanta are drawn from a readily releasable pool :math:`R` (fraction, 0-1):
each impulse releases :math:`Q = N\,R\,p` quanta with :math:`p = \min(m/N, 1)(1 - b_{rel})`
(:math:`N` pool size, :math:`b_{rel}` = ``release_block``), and
:math:`dR/dt = (1 - R)/\tau_{rec}`. Released ACh :math:`A` (units of the receptor
half-activation level) is added instantaneously and removed by AChE and escape,

.. math::

    \frac{dA}{dt} = -(k_{AChE}\,a_{AChE} + k_{esc})\,A,\qquad
    \frac{dO}{dt} = k_{o} A^2 (1 - O) - \alpha O,

with :math:`O` the open-receptor fraction. The endplate current is
:math:`I_{ep} = g_{ep}(1 - b_{rec})\,O\,(E_{ACh} - V)`.
"""

from __future__ import annotations

from simlib.stages._jit import jit

__all__ = ["release_site_occupancy", "quantal_content", "release_quanta", "cleft_rates", "receptor_rates"]


def release_site_occupancy(ca_mM: float, mg_mM: float, kca_mM: float, kmg_mM: float) -> float:
    """Fraction of release sites X occupied by Ca²⁺ (Dodge & Rahamimoff 1967).

    Parameters
    ----------
    ca_mM, mg_mM : float
        Extracellular ionised Ca²⁺ and Mg²⁺ (mM).
    kca_mM, kmg_mM : float
        Apparent dissociation constants of Ca²⁺ and Mg²⁺ at X (mM).

    Returns
    -------
    float
        Occupancy (dimensionless, 0-1).
    """
    ca = ca_mM / kca_mM
    return ca / (1.0 + ca + mg_mM / kmg_mM)


def quantal_content(
    ca_mM: float, mg_mM: float, *, m_ref: float, ca_ref_mM: float, mg_ref_mM: float,
    kca_mM: float, kmg_mM: float, coop: float,
) -> float:
    """Mean quanta released by one impulse from a full vesicle pool.

    Parameters
    ----------
    ca_mM, mg_mM : float
        Extracellular ionised Ca²⁺ and Mg²⁺ (mM).
    m_ref : float
        Quantal content at the reference concentrations (quanta).
    ca_ref_mM, mg_ref_mM : float
        Reference concentrations (mM).
    kca_mM, kmg_mM : float
        Dissociation constants at the release site (mM).
    coop : float
        Cooperativity exponent (dimensionless, ≈4).

    Returns
    -------
    float
        Quanta per impulse.
    """
    x = release_site_occupancy(ca_mM, mg_mM, kca_mM, kmg_mM)
    x_ref = release_site_occupancy(ca_ref_mM, mg_ref_mM, kca_mM, kmg_mM)
    return m_ref * (x / x_ref) ** coop


@jit
def release_quanta(pool: float, pool_quanta: float, p_release: float) -> float:
    """Quanta released by one impulse.

    Parameters
    ----------
    pool : float
        Available fraction of the readily releasable pool (0-1).
    pool_quanta : float
        Size of the full pool (quanta).
    p_release : float
        Release probability per available vesicle (0-1), already including block.

    Returns
    -------
    float
        Mean number of quanta released (quanta).
    """
    return pool_quanta * pool * p_release


@jit
def cleft_rates(clearance_per_ms: float):
    """Production-loss rates of cleft ACh between impulses.

    Parameters
    ----------
    clearance_per_ms : float
        Total removal rate (AChE plus escape), temperature-scaled (1/ms).

    Returns
    -------
    tuple of float
        ``(a, b)`` for ``dA/dt = a - b A``.
    """
    return 0.0, clearance_per_ms


@jit
def receptor_rates(ach: float, open_per_ms: float, close_per_ms: float):
    """Production-loss rates of the open-receptor fraction.

    Parameters
    ----------
    ach : float
        Cleft ACh (units of receptor half-activation level).
    open_per_ms, close_per_ms : float
        Opening rate at unit ACh and closing rate (1/ms).

    Returns
    -------
    tuple of float
        ``(a, b)`` for ``dO/dt = a - b O``.
    """
    drive = open_per_ms * ach * ach
    return drive, drive + close_per_ms
