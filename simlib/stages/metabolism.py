r"""Energy metabolism of the fibre: ATP, phosphocreatine and inorganic phosphate.

Notes
-----
Three states (mM of fibre water): :math:`[ATP]`, :math:`[PCr]` and :math:`[P_i]`. Free ADP and
creatine are implied by conservation of the adenine-nucleotide pool :math:`A` and of total
creatine :math:`C_{tot}` (AMP and IMP are neglected):

.. math::

    [ADP] = A - [ATP],\qquad [Cr] = C_{tot} - [PCr]

.. math::

    \frac{d[ATP]}{dt} = J_{CK} + J_{gly} + J_{ox} - J_{use},\qquad
    \frac{d[PCr]}{dt} = -J_{CK},\qquad
    \frac{d[P_i]}{dt} = J_{use} - J_{gly} - J_{ox}

ATP is used by cross-bridge detachment
(:math:`J_{xb} = \nu\,g\,\frac{[ATP]}{K_{ATP} + [ATP]}\,X\,[M]`, :math:`[M]` the myosin-head
concentration, :math:`\nu < 1` the ATP hydrolysed per detachment of this lumped model: its :math:`g` is set
by relaxation and includes detachments that hydrolyse no ATP, so :math:`\nu` makes the isometric
cross-bridge ATPase that of human fibres, Stienen et al. 1996), by SERCA (one ATP per two Ca²⁺
pumped: :math:`J_{up}/2`) and by the Na⁺/K⁺ pump
(one ATP per three Na⁺ that entered through the Na⁺ channels:
:math:`I_{Na}\,(S/V)/(3F)`). Creatine kinase is a near-equilibrium mass-action reaction,

.. math::

    J_{CK} = k_{CK}\,(K'\,[PCr][ADP] - [ATP][Cr]),

with the apparent equilibrium constant :math:`K' = [ATP][Cr]/([ADP][PCr])` of Lawson & Veech (1979)
at pH 7.0. Resynthesis: glycogenolysis/glycolysis, activated by Ca²⁺ (phosphorylase kinase), by ADP
and by its substrate :math:`P_i` (glycogen phosphorylase), and oxidative phosphorylation, ADP-controlled with Hill
coefficient 2 (Jeneson et al. 1996) and limited by O₂ delivery, i.e. proportional to the
perfusion setting ``blood_flow`` (Haseler et al. 1999):

.. math::

    J_{gly} = V_{gly}\,h_2([Ca]_i, K_{Ca})\,h_2([ADP], K_{gly})\,\frac{[P_i]}{K_{P,gly} + [P_i]},\qquad
    J_{ox} = V_{ox}\,Q\,h_2([ADP], K_{ox})\,\frac{[P_i]}{K_{P,ox} + [P_i]}

(:math:`h_2(x, K) = x^2/(K^2 + x^2)`, :math:`Q` = ``blood_flow``). Every rate is in the
production-loss form the exponential integrator needs, so no concentration turns negative.

The resting state is stationary in a normally perfused fibre: resting ADP is the value at which
glycolysis and oxidative phosphorylation balance the resting ATP use of the other stages (SERCA
pumping the SR leak back, resting cross-bridge cycling), PCr is then at CK equilibrium and Pi at its
measured resting value. The learner's ``atp_mM`` is the resting ATP; it sets the size of the
adenine-nucleotide pool (:math:`A` = ``atp_mM`` times the healthy ATP+ADP/ATP ratio), so with 0 mM no
ATP can ever be made (rigor, as before). ``blood_flow`` acts from t = 0: a run with no flow starts
as a perfused resting fibre whose circulation has just been occluded.

Pi effects (Allen, Lamb & Westerblad 2008, Physiol Rev 88:287, §VII.A) are declared here and used by
the cross-bridge and EC-coupling rates, each as a hyperbolic factor that is 1 at resting Pi:
force per attached cross-bridge, Ca²⁺ dissociation from troponin (Ca²⁺ sensitivity) and SR Ca²⁺
release (Ca-Pi precipitation in the SR), the last only above a threshold Pi (Posterino & Fryer 1998).

Limits: no H⁺ (pH fixed at 7.0 in :math:`K'`), no AMP/IMP, no glycogen depletion, no myoglobin or
capillary O₂ store (with no flow oxidative phosphorylation stops at once), no temperature
dependence of the resynthesis rates.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from simlib.model._declare import Stage, State
from simlib.stages._jit import jit
from simlib.stages.crossbridges import atp_saturation, resting_attached
from simlib.stages.ec_coupling import hill2, serca_flux
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.model.shared import Environment
    from simlib.scenario import Scenario

__all__ = ["CONSTANTS", "STAGE", "STATES", "atp_use_per_atp", "derive", "metabolism_rates", "pi_factor",
           "release_pi_factor", "resting_adp_mM", "resting_demand_mM_ms", "resting_pcr_mM"]

_CHOSEN = "chosen so that "

#: Na⁺ flux (mM/ms) per µA/cm² of Na⁺ current and per cm⁻¹ of surface-to-volume ratio:
#: 1 µA/cm³ = 1e-3 A/L, divided by Faraday's constant = 1.04e-8 mol/(L·s) = 1.04e-8 mM/ms
_NA_PER_CURRENT = 1e-3 / 96485.33212

STATES: tuple[State, ...] = (
    State("atp", "mM", 1e-3, 1.0, "free ATP in the fibre"),
    State("pcr", "mM", 1e-3, 1.0, "phosphocreatine in the fibre"),
    State("pi", "mM", 1e-3, 1.0, "inorganic phosphate in the fibre"),
)

CONSTANTS: tuple[Param, ...] = (
    Param("creatine_total_mM", 40.0, "mM", "total creatine (PCr + Cr) of the fibre water",
          "≈125 mmol/kg dry muscle, i.e. ≈35-45 mM of fibre water (Harris, Hultman & Nordesjö 1974, "
          "Scand J Clin Lab Invest 33:109)", 30.0, 50.0),
    Param("ck_keq", 166.0, "", "apparent CK equilibrium constant [ATP][Cr]/([ADP][PCr]) at pH 7.0",
          "K = 1.66×10⁹ M⁻¹ for [ATP][Cr]/([ADP][PCr][H⁺]) at 38 °C, 1 mM free Mg²⁺ (Lawson & Veech 1979, "
          "J Biol Chem 254:6528), times [H⁺] = 10⁻⁷ M", 100.0, 300.0),
    Param("ck_rate_constant", 0.18, "1/(mM·s)", "mass-action rate constant of creatine kinase",
          "unidirectional PCr→ATP flux ≈ 0.3 s⁻¹ × [PCr] in resting human leg muscle (³¹P saturation "
          "transfer, Bottomley, Ouwerkerk, Lee & Weiss 2002, Magn Reson Med 47:850), at resting ADP ≈ 10 µM: "
          "k = 0.3 / (K' × 0.01 mM)", 0.05, 1.0),
    Param("myosin_heads_mM", 0.2, "mM", "concentration of myosin heads (cross-bridges)",
          "myosin ≈ 0.1-0.2 mM in vertebrate skeletal muscle, two heads each (Ferenczi et al. 1984, J Physiol "
          "350:519; Barclay 2015, J Muscle Res Cell Motil 36:433)", 0.1, 0.4),
    Param("xb_atp_per_detachment", 0.4, "", "ATP hydrolysed per cross-bridge detachment of the model",
          "the model's detachment rate g (20 s⁻¹) is set by relaxation and lumps every way an attached head "
          "leaves actin, including strain-dependent detachment and reversal of the power stroke that hydrolyse "
          "no ATP; the isometric myofibrillar ATPase of skinned human vastus lateralis fibres, 0.10 (type I) to "
          "0.41 (IIX) mM/s at 20 °C with Q10 2.6 (Stienen, Kiers, Bottinelli & Reggiani 1996, J Physiol 493:299), "
          "is ≈1-1.5 mM/s at 35-37 °C for a mixed muscle, i.e. 0.3-0.4 of g × attached fraction × heads; with "
          "the SERCA cost it gives ≈1.9 mM/s at 20 Hz, as measured in stimulated human quadriceps (5.6-6.1 mmol/kg "
          "dry muscle/s ≈ 1.9-2.0 mM of fibre water/s: Hultman & Sjöholm 1983, J Physiol 345:525; Spriet, "
          "Söderlund, Bergström & Hultman 1987, J Appl Physiol 62:611)", 0.2, 1.0),
    Param("surface_to_volume_per_cm", 800.0, "1/cm", "surface-to-volume ratio of the fibre (Na⁺ entry per volume)",
          "2/r for a fibre of radius 25 µm; gives ≈3-5 µM Na⁺ entry per action potential, the order measured "
          "in mammalian muscle (Clausen 2003, Physiol Rev 83:1269)", 400.0, 2000.0),
    Param("na_pump_katp_mM", 0.3, "mM", "ATP half-saturation of the Na⁺/K⁺-ATPase",
          "Km for ATP 0.2-0.5 mM (Glynn 1985, in The Enzymes of Biological Membranes, vol 3)", 0.1, 0.6),
    Param("pi_rest_mM", 4.0, "mM", "resting inorganic phosphate",
          "3-4.5 mM in resting human muscle by ³¹P-MRS (Kemp, Meyerspeer & Moser 2007, NMR Biomed 20:555)",
          2.0, 6.0),
    Param("ox_capacity", 0.5, "mM/s", "maximal rate of oxidative ATP synthesis at normal perfusion",
          "Q_max ≈ 0.3-0.8 mM/s in human calf and quadriceps from PCr recovery (Kemp et al. 2015, Acta Physiol "
          "213:107; Conley, Jubrias & Esselman 2000, J Physiol 526:203)", 0.2, 1.5),
    Param("ox_k_adp_mM", 0.03, "mM", "free ADP half-activating oxidative phosphorylation (Hill 2)",
          "Hill coefficient ≈2, K ≈ 20-40 µM in human muscle (Jeneson, Wiseman, Westerhoff & Kushmerick 1996, "
          "J Biol Chem 271:27995)", 0.01, 0.1),
    Param("ox_k_pi_mM", 0.8, "mM", "Pi half-saturation of mitochondrial ATP synthesis",
          "≈0.5-1 mM (Bose, French, Evans, Joubert & Balaban 2003, J Biol Chem 278:39155)", 0.2, 2.0),
    Param("gly_capacity", 3.0, "mM/s", "maximal rate of glycogenolytic (anaerobic) ATP synthesis",
          "anaerobic ATP turnover from glycolysis up to ≈1.5-3 mM/s in electrically stimulated human "
          "quadriceps (Hultman & Sjöholm 1983, J Physiol 345:525; Spriet et al. 1987, J Appl Physiol 62:616); "
          "0 in McArdle disease", 0.0, 6.0),
    Param("gly_k_adp_mM", 0.05, "mM", "free ADP (and the AMP that follows it) half-activating glycolysis (Hill 2)",
          _CHOSEN + "glycolysis is small at rest and near its maximum when PCr is low; PFK and "
          "phosphorylase are activated by ADP/AMP (Chasiotis, Sahlin & Hultman 1982, J Appl Physiol 53:708)",
          0.02, 0.2),
    Param("gly_k_ca_uM", 1.0, "µM", "free Ca²⁺ half-activating glycogenolysis (Hill 2; phosphorylase kinase)",
          _CHOSEN + "glycogenolysis runs while the fibre contracts and stops with it, so an ischaemic muscle "
          "does not resynthesise PCr after exercise (Quistorff, Johansen & Sahlin 1993, Biochem J 291:681); "
          "phosphorylase b→a conversion by Ca²⁺/calmodulin-activated phosphorylase kinase (Chasiotis, Sahlin "
          "& Hultman 1982, J Appl Physiol 53:708)", 0.3, 3.0),
    Param("gly_k_pi_mM", 26.0, "mM", "Pi half-saturation of glycogen phosphorylase",
          "Km of phosphorylase for Pi ≈ 26 mM (Ren & Hultman 1989, J Appl Physiol 67:2243)", 5.0, 40.0),
    Param("pi_k_force_mM", 140.0, "mM", "Pi that, added to rest, halves force per attached cross-bridge "
          "(hyperbolic inhibition)", "30 mM Pi lowers maximal Ca²⁺-activated force by ≈15 % near physiological "
          "temperature, far less than the ≈50 % at 10-15 °C (Coupland, Puchert & Ranatunga 2001, J Physiol "
          "536:879; Debold, Dave & Fitts 2004, Am J Physiol 287:C673; reviewed by Allen, Lamb & Westerblad 2008)",
          50.0, 400.0),
    Param("pi_k_calcium_mM", 40.0, "mM", "Pi at which troponin's Ca²⁺ dissociation rate has doubled "
          "(lower Ca²⁺ sensitivity)", "30 mM Pi shifts pCa50 of force by ≈0.2 units to higher Ca²⁺ (Millar & "
          "Homsher 1990, J Biol Chem 265:20234; Debold et al. 2006, Am J Physiol 290:C1041; Allen, Lamb & "
          "Westerblad 2008)", 10.0, 200.0),
    Param("pi_release_threshold_mM", 8.0, "mM", "Pi above which SR Ca²⁺ release falls (Ca-Pi precipitation "
          "in the SR)", "10 s of 10 mM myoplasmic Pi barely lowers SR Ca²⁺ release (12 ± 9 %), 20 mM lowers it by "
          "29 ± 5 % (Posterino & Fryer 1998, J Physiol 512:97; the model: 5 % and 24 %); tetanic Ca²⁺ "
          "rises, not falls, early in fatigue and falls only late (Westerblad & Allen 1991, J Gen Physiol 98:615; "
          "Allen, Lamb & Westerblad 2008 §VII.A)", 4.0, 20.0),
    Param("pi_k_release_mM", 30.0, "mM", "scale of the hyperbolic fall of SR Ca²⁺ release above the "
          "threshold Pi (Ca-Pi precipitation)",
          "in late fatigue, with Pi ≈ 30 mM, tetanic Ca²⁺ falls by ≈30 % (Westerblad & Allen 1991); 20 mM Pi "
          "lowers release by ≈30 % (Posterino & Fryer 1998); Pi entering the SR precipitates "
          "Ca²⁺ (Fryer et al. 1995, J Physiol 482:123; Dutka, Cole & Lamb 2005, Am J Physiol 289:C1502)",
          10.0, 300.0),
)


@jit
def pi_factor(pi_mM: float, pi_rest_mM: float, k_mM: float) -> float:
    """Hyperbolic inhibition by Pi, ``(1 + Pi_rest/K) / (1 + Pi/K)``: 1 at resting Pi (dimensionless)."""
    return (1.0 + pi_rest_mM / k_mM) / (1.0 + max(pi_mM, 0.0) / k_mM)


@jit
def release_pi_factor(pi_mM, kp):
    """SR Ca²⁺ release factor of Ca-Pi precipitation: 1 up to the threshold Pi, hyperbolic above it (dimensionless)."""
    threshold = kp.pi_release_threshold_mM
    return pi_factor(max(pi_mM, threshold), threshold, kp.pi_k_release_mM)


def _resynthesis_mM_ms(adp: float, pi: float, c: ConstantValues, glycogenolysis: float) -> float:
    """Glycolytic plus oxidative ATP synthesis (mM/ms) of a resting, perfused fibre at ADP ``adp``, Pi ``pi`` (mM)."""
    gly = (c.gly_capacity * glycogenolysis * hill2(c.ca_rest_uM, c.gly_k_ca_uM) * hill2(adp, c.gly_k_adp_mM)
           * pi / (c.gly_k_pi_mM + pi))
    ox = c.ox_capacity * hill2(adp, c.ox_k_adp_mM) * pi / (c.ox_k_pi_mM + pi)
    return 1e-3 * (gly + ox)


def resting_demand_mM_ms(c: ConstantValues, env: Environment, atp_mM: float) -> float:
    """ATP use (mM/ms) of a resting fibre: SERCA pumping back the SR leak, plus resting cross-bridge cycling.

    The Na⁺/K⁺ pump's share at rest (Na⁺ channels closed) is below 1e-9 mM/ms and left out.
    """
    phi = env.phi
    serca = serca_flux(c.ca_rest_uM, c.serca_vmax_uM_ms * phi.calcium * atp_saturation(atp_mM, c.serca_katp_mM),
                       c.serca_k_uM)
    detach = c.xb_detach_per_ms * phi.detachment * atp_saturation(atp_mM, c.xb_katp_mM)
    _, attached = resting_attached(c.ca_rest_uM, c.trop_kon_per_uM_ms * phi.troponin_on,
                                   c.trop_koff_per_ms * phi.troponin, c.trop_xb_coop,
                                   c.xb_attach_per_ms * phi.crossbridge, detach, c.xb_coop)
    return 0.5e-3 * serca + detach * attached * c.myosin_heads_mM * c.xb_atp_per_detachment


@functools.lru_cache(maxsize=256)
def resting_adp_mM(c: ConstantValues, env: Environment, glycogenolysis: float = 1.0) -> float:
    """Free ADP (mM) at which resynthesis balances the resting demand of a perfused fibre with normal ATP (bisection).

    ``glycogenolysis`` is the Scenario's fraction of normal glycogen breakdown (0 in McArdle disease).
    Cached (the constants and the environment are hashable): the 60 bisection steps call compiled
    helpers from Python (~0.25 ms per run).
    """
    demand = resting_demand_mM_ms(c, env, env.healthy_atp_mM)
    lo, hi = 0.0, 1.0  # resynthesis at 1 mM ADP is near its maximum, far above any resting demand
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if _resynthesis_mM_ms(mid, c.pi_rest_mM, c, glycogenolysis) < demand:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def resting_pcr_mM(atp_mM: float, adp_mM: float, creatine_total_mM: float, keq: float) -> float:
    """PCr (mM) at CK equilibrium: ``K' PCr ADP = ATP (Ctot - PCr)``; the healthy value when ``atp_mM`` is 0."""
    if atp_mM <= 0.0:
        return 0.0
    return atp_mM * creatine_total_mM / (keq * adp_mM + atp_mM)


def derive(sc: Scenario, c: ConstantValues, env: Environment) -> dict[str, float]:
    """Kernel parameters of metabolism: pools, CK, resynthesis (perfusion-limited), Pi effects, resting state.

    Rates are per ms. The adenine-nucleotide pool scales with the learner's resting ATP.
    """
    adp_healthy = resting_adp_mM(c, env, sc.glycogenolysis)
    adp_rest = adp_healthy * sc.atp_mM / env.healthy_atp_mM
    return {
        "adenine_total_mM": sc.atp_mM + adp_rest,
        "creatine_total_mM": c.creatine_total_mM,
        "ck_keq": c.ck_keq,
        "ck_rate": 1e-3 * c.ck_rate_constant,
        "myosin_heads_mM": c.myosin_heads_mM,
        "xb_atp_per_detachment": c.xb_atp_per_detachment,
        "na_pump_per_current": _NA_PER_CURRENT * c.surface_to_volume_per_cm / 3.0,
        "na_pump_katp_mM": c.na_pump_katp_mM,
        "ox_vmax": 1e-3 * c.ox_capacity * sc.blood_flow,
        "ox_k_adp_mM": c.ox_k_adp_mM,
        "ox_k_pi_mM": c.ox_k_pi_mM,
        "gly_vmax": 1e-3 * c.gly_capacity * sc.glycogenolysis,
        "gly_k_adp_mM": c.gly_k_adp_mM,
        "gly_k_ca_uM": c.gly_k_ca_uM,
        "gly_k_pi_mM": c.gly_k_pi_mM,
        "pi_rest_mM": c.pi_rest_mM,
        "pi_k_force_mM": c.pi_k_force_mM,
        "pi_k_calcium_mM": c.pi_k_calcium_mM,
        "pi_release_threshold_mM": c.pi_release_threshold_mM,
        "pi_k_release_mM": c.pi_k_release_mM,
        # the resting state (simlib.chain.rest_state)
        "atp_rest_mM": sc.atp_mM,
        "pcr_rest_mM": resting_pcr_mM(env.healthy_atp_mM, adp_healthy, c.creatine_total_mM, c.ck_keq),
    }


@jit
def metabolism_rates(atp, pcr, pi, ca_i, use_per_atp, kp):
    r"""Production-loss rates of ATP, PCr and Pi (mM and 1/ms).

    Parameters
    ----------
    atp, pcr, pi : float
        The metabolite states (mM).
    ca_i : float
        Free myoplasmic Ca²⁺ (µM), which switches glycogenolysis on.
    use_per_atp : float
        ATP use divided by [ATP] (1/ms): every consumer is Michaelis-Menten in ATP, so this stays
        finite as ATP goes to 0.
    kp : ParamRecord
        The run's kernel parameters.

    Returns
    -------
    tuple of float
        ``(a_atp, b_atp, a_pcr, b_pcr, a_pi, b_pi)``.
    """
    atp_c = min(max(atp, 0.0), kp.adenine_total_mM)
    pcr_c = min(max(pcr, 0.0), kp.creatine_total_mM)
    pi_c = max(pi, 0.0)
    adp = kp.adenine_total_mM - atp_c
    a2 = adp * adp
    drive_gly = (kp.gly_vmax * hill2(ca_i, kp.gly_k_ca_uM) * a2 / (kp.gly_k_adp_mM * kp.gly_k_adp_mM + a2)
                 / (kp.gly_k_pi_mM + pi_c))
    drive_ox = kp.ox_vmax * a2 / (kp.ox_k_adp_mM * kp.ox_k_adp_mM + a2) / (kp.ox_k_pi_mM + pi_c)
    synthesis_per_pi = drive_gly + drive_ox
    synthesis = synthesis_per_pi * pi_c
    ck_forward = kp.ck_rate * kp.ck_keq * pcr_c
    a_atp = ck_forward * kp.adenine_total_mM + synthesis
    b_atp = ck_forward + kp.ck_rate * (kp.creatine_total_mM - pcr_c) + use_per_atp
    a_pcr = kp.ck_rate * atp_c * kp.creatine_total_mM
    b_pcr = kp.ck_rate * (kp.ck_keq * adp + atp_c)
    return a_atp, b_atp, a_pcr, b_pcr, use_per_atp * atp_c, synthesis_per_pi


@jit
def atp_use_per_atp(atp, detach_max, katp_xb, attached, heads, uptake_at_saturation, katp_serca, na_current,
                    pump_per_current, katp_pump):
    """ATP use divided by [ATP] (1/ms): cross-bridge detachment, SERCA (2 Ca²⁺/ATP), Na⁺/K⁺ pump (3 Na⁺/ATP).

    ``uptake_at_saturation`` is the SERCA Ca²⁺ flux at saturating ATP (µM/ms); ``na_current`` the inward
    Na⁺ current (µA/cm², ≥ 0).
    """
    a = max(atp, 0.0)
    xb = detach_max * max(attached, 0.0) * heads / (katp_xb + a)
    serca = 0.5e-3 * uptake_at_saturation / (katp_serca + a)
    pump = pump_per_current * na_current / (katp_pump + a)
    return xb + serca + pump


STAGE = Stage("metabolism", STATES, CONSTANTS, derive)
