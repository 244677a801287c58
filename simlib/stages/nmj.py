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

from typing import TYPE_CHECKING

from simlib.model._declare import Stage, State
from simlib.stages._jit import jit
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

__all__ = ["CONSTANTS", "STAGE", "STATES", "cleft_rates", "derive", "quantal_content", "receptor_rates",
           "release_quanta", "release_site_occupancy"]

_CHOSEN = "chosen so that "

STATES: tuple[State, ...] = (
    State("vesicle_pool", "", 1e-4, 1.0, "available fraction of the readily releasable vesicle pool"),
    State("ach", "", 1e-4, 1.0, "ACh in the synaptic cleft, in units of the receptor half-activation level"),
    State("receptors_open", "", 1e-4, 1.0, "open fraction of the endplate ACh receptors"),
)

CONSTANTS: tuple[Param, ...] = (
    Param("quantal_content_ref", 30.0, "quanta", "mean ACh quanta released per impulse at reference Ca²⁺/Mg²⁺",
          "human NMJ quantal content 20-60 (Wood & Slater 2001, Prog Neurobiol 64:393)", 20.0, 60.0),
    Param("release_kca_mM", 1.0, "mM", "apparent Ca²⁺ dissociation constant of the release site X",
          "Dodge & Rahamimoff 1967, J Physiol 193:419 (order of 1 mM)", 0.5, 2.0),
    Param("release_kmg_mM", 3.0, "mM", "apparent Mg²⁺ (competitive inhibitor) dissociation constant of site X",
          "Dodge & Rahamimoff 1967, J Physiol 193:419 (commonly quoted ≈3 mM)", 1.0, 5.0),
    Param("release_coop", 4.0, "", "number of Ca²⁺ ions that must bind to trigger release (cooperativity)",
          "Dodge & Rahamimoff 1967 (log-log slope 3.78 ± 0.2 at low Ca²⁺)", 3.5, 4.0),
    Param("pool_quanta", 300.0, "quanta", "readily releasable pool of vesicles",
          _CHOSEN + "the quantal content runs down to about 65 % of the first impulse's during a 20 Hz train "
          "(41 % at 50 Hz), as the release at human NMJs runs down to 60-70 % (Wood & Slater 2001); the EPP "
          "itself, close to its reversal potential, falls far less (96 % at 20 Hz)", 100.0, 1000.0),
    Param("pool_recovery_ms", 300.0, "ms", "time constant of vesicle-pool replenishment",
          _CHOSEN + "run-down reaches a plateau within ~10 impulses (Wood & Slater 2001)", 100.0, 2000.0),
    Param("ach_per_quantum", 0.05, "", "cleft ACh added per quantum, in units of the receptor half-activation level",
          _CHOSEN + "30 quanta open ≈90 % of the receptors under the released ACh (saturating transmitter, "
          "Kuffler & Yoshikami 1975, J Physiol 251:465: ~8000 molecules per quantum)", 0.01, 0.2),
    Param("ache_rate_per_ms", 4.0, "1/ms", "ACh removal rate by acetylcholinesterase at full activity",
          "AChE clears ACh within a fraction of a millisecond (Quinn 1987, Chem Rev 87:955)", 2.0, 20.0),
    Param("ach_escape_per_ms", 0.12, "1/ms", "ACh removal by diffusion out of the cleft, slowed by rebinding",
          _CHOSEN + "with AChE fully inhibited the endplate current decays several-fold more slowly "
          "(Katz & Miledi 1973, J Physiol 231:549: 2-5 fold)", 0.05, 0.5),
    Param("achr_close_per_ms", 2.5, "1/ms", "AChR channel closing rate",
          "EPC decay τ ≈ 1.5 ms in frog at room temperature (Magleby & Stevens 1972, J Physiol 223:173) "
          "scaled to 37 °C with Q10 ≈ 2.5-3 gives 0.2-0.5 ms", 1.0, 5.0),
    Param("achr_open_per_ms", 20.0, "1/ms", "AChR opening rate at unit (half-activation) ACh level; two ACh bind",
          _CHOSEN + "receptors open within ~0.2 ms of release (EPC rise time, Magleby & Stevens 1972)", 5.0, 50.0),
    Param("g_endplate_mS_cm2", 40.0, "mS/cm²", "endplate (nicotinic) conductance with all receptors open",
          _CHOSEN + "transmission fails when ≈80 % of receptors are blocked, the threshold occupancy "
          "76 ± 5 % of Paton & Waud 1967, J Physiol 191:59 (safety factor ≈4)", 5.0, 60.0),
    Param("e_ach_mV", -5.0, "mV", "reversal potential of the endplate current",
          "nicotinic AChR reversal near -5 to 0 mV (Magleby & Stevens 1972)", -10.0, 0.0),
)


def derive(sc: Scenario, c: ConstantValues, env: Environment) -> dict[str, float]:
    """Kernel parameters of the junction: release set by Ca²⁺/Mg²⁺ and botulinum, clearance by AChE, receptors."""
    phi_gate = env.phi.gating
    phi_enz = env.phi.enzyme
    m = quantal_content(sc.ca_mM, sc.mg_mM, m_ref=c.quantal_content_ref, ca_ref_mM=c.ca_ref_mM,
                        mg_ref_mM=c.mg_ref_mM, kca_mM=c.release_kca_mM, kmg_mM=c.release_kmg_mM,
                        coop=c.release_coop)
    pool = c.pool_quanta
    return {
        "p_release": min(m / pool, 1.0) * (1.0 - sc.release_block),
        "pool_quanta": pool,
        "pool_rate": phi_enz / c.pool_recovery_ms,
        "ach_per_quantum": c.ach_per_quantum,
        "ach_clear": phi_enz * (c.ache_rate_per_ms * sc.ache_activity + c.ach_escape_per_ms),
        "achr_open": c.achr_open_per_ms * phi_gate,
        "achr_close": c.achr_close_per_ms * phi_gate,
        "g_ep": c.g_endplate_mS_cm2 * (1.0 - sc.receptor_block),
        "e_ach_mV": c.e_ach_mV,
    }


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


STAGE = Stage("nmj", STATES, CONSTANTS, derive)
