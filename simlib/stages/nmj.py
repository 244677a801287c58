r"""Neuromuscular junction.

Ca²⁺/Mg²⁺-dependent quantal release with short-term facilitation, augmentation and vesicle
depletion; ACh clearance by acetylcholinesterase; nicotinic receptor gating and desensitisation.

Notes
-----
**Release.** Ca²⁺ binds a site X competitively with Mg²⁺ (Dodge & Rahamimoff 1967); the drive to
release of one impulse is

.. math::

    \lambda = \lambda_{ref}\,\left(\frac{x([Ca]_o,[Mg]_o)}{x_{ref}}\,(1 - b_{Ca})\right)^{n}(1 - b_{rel})
        \,(1 + F_1 + F_2)(1 + A),\qquad
    x = \frac{[Ca]_o/K_{Ca}}{1 + [Ca]_o/K_{Ca} + [Mg]_o/K_{Mg}},

with :math:`b_{Ca}` the fraction of presynaptic P/Q-type Ca²⁺ channels lost (``vgcc_block``,
Lambert-Eaton syndrome), :math:`b_{rel}` the block of the release machinery (``release_block``,
botulinum toxin), and :math:`F_1, F_2, A` the fast and slow facilitation and augmentation left by
earlier impulses (Magleby & Zengel 1982: :math:`(1 + F_1 + F_2)\,A`). The release sites saturate:
a site releases with probability :math:`1 - e^{-\lambda}` (:math:`p_{ref}` at reference Ca²⁺/Mg²⁺,
so :math:`\lambda_{ref} = -\ln(1 - p_{ref})`), and each impulse releases

.. math::

    Q = N\,R\,f_{max}\,(1 - e^{-\lambda}),\qquad f_{max} = \frac{m_{ref}}{N\,p_{ref}}

quanta from the readily releasable pool :math:`R` (fraction of :math:`N` vesicles). At low release
:math:`Q \propto \lambda` keeps the 4th-power Ca²⁺ dependence; near normal Ca²⁺ the sites saturate,
so release falls less than :math:`x^4` in hypocalcaemia and facilitation is masked by depletion.

**Facilitation, augmentation, depletion.** At each impulse :math:`F_1`, :math:`F_2`, :math:`A`
jump by :math:`f_1, f_2, a` and decay with :math:`\tau_1, \tau_2, \tau_A` between impulses. The pool
refills at a rate that residual Ca²⁺ (indexed by :math:`F_2`) speeds up, and that prejunctional
nicotinic autoreceptors support (blocked by a curare-like drug with the same occupancy
:math:`b_{rec}` as the endplate receptors):

.. math::

    \frac{dR}{dt} = k_R\,(1 - R),\qquad k_R = \frac{(1 - c_{pre}\,b_{rec})(1 + g_R F_2)}{\tau_{rec}}.

**Cleft, receptors, desensitisation.** Released ACh :math:`A_c` is added instantaneously and removed
by AChE and escape; receptors open when two ACh bind and, while open, desensitise slowly (Katz &
Thesleff 1957):

.. math::

    \frac{dA_c}{dt} = -(k_{AChE}\,a_{AChE} + k_{esc})\,A_c,\qquad
    \frac{dO}{dt} = k_{o} (A_c + A_p)^2 (1 - O) - \alpha O,\qquad
    \frac{dD}{dt} = k_{D} O (1 - D) - k_{-D} D.

**ACh outside the cleft.** ACh that escapes hydrolysis in the cleft (the :math:`k_{esc}` term) enters the
perijunctional extracellular space around the endplate, :math:`V` times the cleft's volume, where it is
hydrolysed by the sparse extrajunctional AChE and diffuses away slowly; from there it still reaches the
endplate receptors (Katz & Miledi 1973; Magleby & Terrar 1975):

.. math::

    \frac{dA_p}{dt} = \frac{k_{esc}}{V}\,A_c - (k_{AChE,p}\,a_{AChE} + k_{diff})\,A_p.

With AChE active almost all ACh is hydrolysed in the cleft and :math:`A_p` stays negligible; with AChE
inhibited a quarter of each impulse's ACh escapes and is cleared only in tens of ms, so during a fast train
it builds up, keeps receptors open and desensitising between impulses and holds the endplate region
depolarised until the perijunctional Na⁺ channels inactivate (depolarising block).

The endplate current is :math:`I_{ep} = g_{ep}(1 - b_{rec})(1 - l_{AChR})\,O\,(1 - D)(E_{ACh} - V)`
with :math:`l_{AChR}` the fraction of receptors lost (``achr_loss``, myasthenia gravis).

**Spontaneous quanta (miniature endplate potentials).** At rest the terminal releases single quanta at
random (Fatt & Katz 1952), a Poisson process of rate

.. math::

    r = r_{ref}\,\frac{x([Ca]_o,[Mg]_o)}{x_{ref}}\,(1 - b_{rel}),

proportional to the occupancy of the same site X as evoked release, not to its fourth power (rat
diaphragm: Gage & Quastel 1966, J Physiol 185:95; the weak Ca²⁺ dependence of spontaneous release:
Hubbard 1961, J Physiol 159:507; Andreu & Barrett 1980, J Physiol 308:79), so the Ca²⁺-channel loss of
Lambert-Eaton syndrome leaves it unchanged. Each spontaneous quantum adds :math:`a_q` to the cleft ACh,
as one quantum of an impulse does; it neither fires the axon nor depletes the pool (≈0.2 quanta/s against
a refilling of :math:`N/\tau_{rec}` ≈ 200 vesicles/s). The times are drawn before the run from the seed
(:func:`miniature_times_ms`), so both integrators apply the same ones.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from simlib.model._declare import Stage, State
from simlib.stages._jit import jit
from simlib.stages._noise import CHANNEL_MINIATURE
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

__all__ = ["CONSTANTS", "STAGE", "STATES", "cleft_rates", "derive", "desensitisation_rates",
           "miniature_times_ms", "perijunctional_rates", "pool_rates",
           "quantal_content", "receptor_rates", "release_fraction", "release_site_occupancy"]

_CHOSEN = "chosen so that "

STATES: tuple[State, ...] = (
    State("vesicle_pool", "", 1e-4, 1.0, "available fraction of the readily releasable vesicle pool"),
    State("facil_fast", "", 1e-4, 1.0, "fast component F1 of facilitation of release left by earlier impulses"),
    State("facil_slow", "", 1e-4, 1.0, "slow component F2 of facilitation of release (residual presynaptic Ca²⁺)"),
    State("augmentation", "", 1e-4, 1.0, "augmentation A of release left by earlier impulses (seconds)"),
    State("ach", "", 1e-4, 1.0, "ACh in the synaptic cleft, in units of the receptor half-activation level"),
    State("ach_perijunctional", "", 1e-4, 1.0, "ACh that escaped the cleft into the perijunctional space, in "
          "units of the receptor half-activation level"),
    State("receptors_open", "", 1e-4, 1.0, "open fraction of the endplate ACh receptors"),
    State("desensitised", "", 1e-4, 1.0, "desensitised fraction of the endplate ACh receptors"),
)

CONSTANTS: tuple[Param, ...] = (
    Param("quantal_content_ref", 30.0, "quanta", "mean ACh quanta released per impulse at reference Ca²⁺/Mg²⁺",
          "human NMJ quantal content 20-60 (Wood & Slater 2001, Prog Neurobiol 64:393)", 20.0, 60.0),
    Param("release_kca_mM", 1.0, "mM", "apparent Ca²⁺ dissociation constant of the release site X",
          "Dodge & Rahamimoff 1967, J Physiol 193:419 (order of 1 mM)", 0.5, 2.0),
    Param("release_kmg_mM", 2.5, "mM", "apparent Mg²⁺ (competitive inhibitor) dissociation constant of site X",
          "Dodge & Rahamimoff 1967, J Physiol 193:419 (commonly quoted ≈3 mM); 2.5 keeps their log-log slope "
          "above 3.2 at 0.3-0.35 mM Ca²⁺ with 1 mM Mg²⁺ once the release sites saturate", 1.0, 5.0),
    Param("release_coop", 4.0, "", "number of Ca²⁺ ions that must bind to trigger release (cooperativity)",
          "Dodge & Rahamimoff 1967 (log-log slope 3.78 ± 0.2 at low Ca²⁺)", 3.5, 4.0),
    Param("release_site_p_ref", 0.65, "", "probability that a release site fires at reference Ca²⁺/Mg²⁺ (saturation)",
          _CHOSEN + "release sites near saturation at normal Ca²⁺ make the log-log slope fall from ≈4 at low Ca²⁺ "
          "towards normal Ca²⁺ (Dodge & Rahamimoff 1967), and binomial release probabilities at mammalian "
          "junctions in normal Ca²⁺ are high (0.5-0.9, rat diaphragm; Wood & Slater 2001), while 4 mM Mg²⁺ still "
          "blocks transmission (del Castillo & Engbaek 1954)", 0.3, 0.9),
    Param("pool_quanta", 300.0, "quanta", "readily releasable pool of vesicles",
          "mouse NMJ readily releasable pool of a few hundred vesicles, about 10 % released per impulse "
          "(Ruiz et al. 2011, J Neurosci 31:2000); human NMJs are smaller (Wood & Slater 2001)", 100.0, 1000.0),
    Param("pool_recovery_ms", 1500.0, "ms", "time constant of vesicle-pool replenishment at rest (no residual Ca²⁺)",
          _CHOSEN + "the quanta of a 3 Hz train run down by ≈25 % over the first 4-5 impulses, the basis of the "
          "decrement of myasthenia gravis (Elmqvist et al. 1964, J Physiol 174:417; Wood & Slater 2001)",
          300.0, 5000.0),
    Param("pool_refill_boost", 20.0, "", "speed-up of pool replenishment per unit of slow facilitation F2 "
          "(Ca²⁺-dependent recovery from depression)",
          _CHOSEN + "release during a 20 Hz train runs down to a plateau of ≈60-70 % of the first impulse's "
          "(Wood & Slater 2001); Ca²⁺-dependent acceleration of recovery: Dittman & Regehr 1998, J Neurosci "
          "18:6147; Wang & Kaczmarek 1998, Nature 394:384", 0.0, 50.0),
    Param("prejunctional_coupling", 0.5, "", "fraction of pool replenishment supported by prejunctional nicotinic "
          "autoreceptors (removed by a curare-like block)",
          "tubocurarine reduces evoked ACh release during trains (Vizi et al. 1987, Br J Anaesth 59:226), the "
          "prejunctional basis of train-of-four fade (Bowman 1980, Anesth Analg 59:935); magnitude assumed",
          0.0, 1.0),
    Param("facil_fast_jump", 0.3, "", "increment of fast facilitation F1 per impulse",
          "mouse NMJ: facilitation after one impulse ≈0.5 (F1 + F2) at 20 °C, smaller when warmer (Brain Res "
          "1981, 204:327); frog 0.8 at 20 °C (Magleby 1973, J Physiol 234:327)", 0.1, 1.0),
    Param("facil_fast_ms", 30.0, "ms", "decay time constant of fast facilitation F1",
          "35 ms at the mouse NMJ, little temperature-dependent (Brain Res 1981, 204:327); 50 ms frog "
          "(Magleby 1973)", 10.0, 60.0),
    Param("facil_slow_jump", 0.08, "", "increment of slow facilitation F2 per impulse",
          "mouse F2(0) small relative to F1 (Brain Res 1981, 204:327); frog 0.12 (Magleby 1973)", 0.02, 0.2),
    Param("facil_slow_ms", 120.0, "ms", "decay time constant of slow facilitation F2",
          "163 ms at 20 °C at the mouse NMJ, shorter when warmer (Brain Res 1981, 204:327); 300 ms frog "
          "(Magleby 1973)", 60.0, 300.0),
    Param("augment_jump", 0.01, "", "increment of augmentation A per impulse",
          "frog: 0.025 per impulse at 20/s decaying in seconds (Magleby 1973; Magleby & Zengel 1982, J Gen Physiol "
          "80:613); assumed smaller at the mammalian junction", 0.002, 0.05),
    Param("augment_ms", 5000.0, "ms", "decay time constant of augmentation A",
          "≈7 s at the frog NMJ at 20 °C (Magleby & Zengel 1982, J Gen Physiol 80:613); assumed shorter at 37 °C",
          2000.0, 10000.0),
    Param("ach_per_quantum", 0.05, "", "cleft ACh added per quantum, in units of the receptor half-activation level",
          _CHOSEN + "30 quanta open ≈90 % of the receptors under the released ACh (saturating transmitter, "
          "Kuffler & Yoshikami 1975, J Physiol 251:465: ~8000 molecules per quantum)", 0.01, 0.2),
    Param("mepp_rate_hz", 0.2, "Hz", "frequency of spontaneous quanta (miniature endplate potentials) at "
          "reference Ca²⁺/Mg²⁺",
          "human intercostal endplates ≈0.1-0.3 /s (Elmqvist, Hofmann, Kugelberg & Quastel 1964, J Physiol "
          "174:417); ≈1 /s at the frog and rat junction (Fatt & Katz 1952, J Physiol 117:109); 0 switches them "
          "off", 0.0, 5.0),
    Param("ache_rate_per_ms", 4.0, "1/ms", "ACh removal rate by acetylcholinesterase at full activity",
          "AChE clears ACh within a fraction of a millisecond (Quinn 1987, Chem Rev 87:955)", 2.0, 20.0),
    Param("ach_escape_per_ms", 0.12, "1/ms", "ACh removal by diffusion out of the cleft, slowed by rebinding",
          _CHOSEN + "with AChE fully inhibited the endplate current decays several-fold more slowly "
          "(Katz & Miledi 1973, J Physiol 231:549: 2-5 fold)", 0.05, 0.5),
    Param("perijunctional_volume_ratio", 4.0, "", "volume of the perijunctional extracellular space that escaped "
          "ACh dilutes into, per volume of synaptic cleft",
          "assumed: the cleft is a 50-100 nm sheet, whereas the space between the fibre and its neighbours around the "
          "endplate is µm wide (Wood & Slater 2001, Prog Neurobiol 64:393); ACh leaving the cleft is diluted several-"
          "fold", 1.0, 20.0),
    Param("ache_perijunctional_per_ms", 0.1, "1/ms", "ACh hydrolysis rate outside the cleft at full AChE activity",
          "AChE is concentrated in the synaptic basal lamina of the cleft and folds and sparse outside it "
          "(Salpeter 1967, J Cell Biol 32:379; McMahan, Sanes & Marshall 1978, Nature 271:172); assumed 1/40 of "
          "the cleft's rate", 0.02, 0.5),
    Param("ach_diffusion_ms", 100.0, "ms", "time constant of ACh diffusion away from the perijunctional space",
          "slowest diffusion mode of a region of radius L ≈ 20 µm around the endplate, τ = L²/(π²D*), with D* ≈ "
          "0.4·10⁻⁵ cm²/s, the ≈1·10⁻⁵ cm²/s free diffusion of a small cation reduced by the extracellular "
          "tortuosity (λ ≈ 1.6, Nicholson & Syková 1998, Trends Neurosci 21:207): ≈100 ms (57 ms for 15 µm)",
          30.0, 300.0),
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
    Param("desens_on_per_ms", 0.005, "1/ms", "desensitisation rate of open (ACh-bound) endplate receptors",
          _CHOSEN + "brief normal transmitter pulses desensitise few receptors, whereas ACh that lingers with "
          "acetylcholinesterase inhibited desensitises them within a train (Katz & Thesleff 1957, J Physiol "
          "138:63; Magleby & Pallotta 1981, J Physiol 316:225)", 0.0005, 0.05),
    Param("desens_off_ms", 3000.0, "ms", "recovery time constant of desensitised receptors",
          "recovery from desensitisation in seconds (Katz & Thesleff 1957, J Physiol 138:63)", 500.0, 20000.0),
)


def derive(sc: Scenario, c: ConstantValues, env: Environment) -> dict[str, float]:
    """Kernel parameters of the junction: release, facilitation, depletion, clearance, receptors.

    Release is set by Ca²⁺/Mg²⁺, Ca²⁺-channel loss and botulinum; refilling by prejunctional receptor block;
    the endplate conductance by receptor block and loss.
    """
    phi_gate = env.phi.gating
    phi_enz = env.phi.enzyme
    drive = quantal_content(sc.ca_mM, sc.mg_mM, m_ref=1.0, ca_ref_mM=c.ca_ref_mM, mg_ref_mM=c.mg_ref_mM,
                            kca_mM=c.release_kca_mM, kmg_mM=c.release_kmg_mM, coop=c.release_coop)
    occupancy = (release_site_occupancy(sc.ca_mM, sc.mg_mM, c.release_kca_mM, c.release_kmg_mM)
                 / release_site_occupancy(c.ca_ref_mM, c.mg_ref_mM, c.release_kca_mM, c.release_kmg_mM))
    lam_ref = -math.log(1.0 - c.release_site_p_ref)
    lam = lam_ref * drive * (1.0 - sc.vgcc_block) ** c.release_coop * (1.0 - sc.release_block)
    pool = c.pool_quanta
    max_fraction = min(c.quantal_content_ref / (pool * c.release_site_p_ref), 1.0)
    return {
        "p_release": release_fraction(lam, max_fraction, 0.0, 0.0, 0.0),  # an unfacilitated impulse
        "release_lambda": lam,
        "release_max_fraction": max_fraction,
        "pool_quanta": pool,
        "pool_rate": phi_enz * (1.0 - c.prejunctional_coupling * sc.receptor_block) / c.pool_recovery_ms,
        "pool_refill_boost": c.pool_refill_boost,
        "facil_fast_jump": c.facil_fast_jump,
        "facil_fast_rate": phi_enz / c.facil_fast_ms,
        "facil_slow_jump": c.facil_slow_jump,
        "facil_slow_rate": phi_enz / c.facil_slow_ms,
        "augment_jump": c.augment_jump,
        "augment_rate": phi_enz / c.augment_ms,
        "ach_per_quantum": c.ach_per_quantum,
        "mepp_rate_per_ms": c.mepp_rate_hz / 1000.0 * occupancy * (1.0 - sc.release_block),
        "ach_clear": phi_enz * (c.ache_rate_per_ms * sc.ache_activity + c.ach_escape_per_ms),
        "ach_escape": phi_enz * c.ach_escape_per_ms / c.perijunctional_volume_ratio,
        "ach_outside_clear": phi_enz * (c.ache_perijunctional_per_ms * sc.ache_activity + 1.0 / c.ach_diffusion_ms),
        "achr_open": c.achr_open_per_ms * phi_gate,
        "achr_close": c.achr_close_per_ms * phi_gate,
        "desens_on": c.desens_on_per_ms * phi_gate,
        "desens_off": phi_gate / c.desens_off_ms,
        "g_ep": c.g_endplate_mS_cm2 * (1.0 - sc.receptor_block) * (1.0 - sc.achr_loss),
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


def miniature_times_ms(rate_per_ms: float, t_end_ms: float, seed: int) -> np.ndarray:
    """Return the times of the spontaneous quanta of one run: a Poisson process drawn from the seed.

    Parameters
    ----------
    rate_per_ms : float
        Frequency of spontaneous quanta (1/ms; the kernel parameter ``mepp_rate_per_ms``).
    t_end_ms : float
        Duration of the run (ms); times fall in ``[0, t_end_ms)``.
    seed : int
        ``Scenario.seed``; stream :data:`simlib.stages._noise.CHANNEL_MINIATURE` of it, so a longer run
        with the same seed and rate begins with the same times.

    Returns
    -------
    numpy.ndarray
        Sorted times (ms), float64; empty when the rate is 0.
    """
    if rate_per_ms <= 0.0 or t_end_ms <= 0.0:
        return np.empty(0)
    rng = np.random.default_rng([int(seed), CHANNEL_MINIATURE])
    expected = rate_per_ms * t_end_ms
    times = np.empty(0)
    last = 0.0
    while True:  # exponential intervals, in blocks of a generous multiple of the expected count
        block = np.cumsum(rng.exponential(1.0 / rate_per_ms, int(expected + 5.0 * math.sqrt(expected)) + 16)) + last
        times = np.concatenate((times, block))
        last = float(block[-1])
        if last >= t_end_ms:
            return times[times < t_end_ms]


@jit
def release_fraction(lam: float, max_fraction: float, f_fast: float, f_slow: float, augment: float) -> float:
    r"""Fraction of the available pool released by one impulse, with facilitation and augmentation.

    Parameters
    ----------
    lam : float
        Release drive of an unfacilitated impulse (dimensionless; :math:`\lambda` of the module notes).
    max_fraction : float
        Fraction released when every release site fires (0-1).
    f_fast, f_slow, augment : float
        Facilitation F1, F2 and augmentation A left by earlier impulses (dimensionless, >= 0).

    Returns
    -------
    float
        :math:`f_{max}(1 - e^{-\lambda (1 + F_1 + F_2)(1 + A)})` (0-1).
    """
    return max_fraction * (1.0 - math.exp(-lam * (1.0 + f_fast + f_slow) * (1.0 + augment)))


@jit
def pool_rates(f_slow: float, rate: float, boost: float):
    """Production-loss rates of the vesicle pool: refilling speeded up by residual Ca²⁺ (F2).

    Returns
    -------
    tuple of float
        ``(a, b)`` for ``dR/dt = a - b R`` (1/ms).
    """
    k = rate * (1.0 + boost * f_slow)
    return k, k


@jit
def desensitisation_rates(open_fraction: float, on_per_ms: float, off_per_ms: float):
    """Production-loss rates of the desensitised receptor fraction (Katz & Thesleff 1957).

    Parameters
    ----------
    open_fraction : float
        Open (ACh-bound) receptor fraction (0-1).
    on_per_ms, off_per_ms : float
        Desensitisation rate of open receptors and recovery rate (1/ms).

    Returns
    -------
    tuple of float
        ``(a, b)`` for ``dD/dt = a - b D``.
    """
    drive = on_per_ms * open_fraction
    return drive, drive + off_per_ms


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
def perijunctional_rates(cleft_ach: float, escape_per_ms: float, clearance_per_ms: float):
    """Production-loss rates of the ACh that escaped into the perijunctional space.

    Parameters
    ----------
    cleft_ach : float
        Cleft ACh (units of receptor half-activation level).
    escape_per_ms : float
        Escape rate out of the cleft divided by the perijunctional/cleft volume ratio (1/ms).
    clearance_per_ms : float
        Removal rate outside the cleft: extrajunctional AChE plus diffusion away (1/ms).

    Returns
    -------
    tuple of float
        ``(a, b)`` for ``dA_p/dt = a - b A_p``.
    """
    return escape_per_ms * cleft_ach, clearance_per_ms


@jit
def receptor_rates(ach: float, open_per_ms: float, close_per_ms: float):
    """Production-loss rates of the open-receptor fraction.

    Parameters
    ----------
    ach : float
        ACh at the receptors, cleft plus perijunctional (units of receptor half-activation level).
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
