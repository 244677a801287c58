r"""Fibre-type classes of the pool: the constants by which slow (type I) units differ from fast (type II) ones.

The pool's units are of two classes (:attr:`simlib.pool.population.Population.slow`). Each class's
muscle-side chain runs use the chain's constants with the changes declared here
(:data:`CONSTANTS`, type I : type II ratios from human single fibres):

.. math:: c_{slow} = r\,c_{fast},\qquad c_{fast} = c_{rep},

for cross-bridge attachment and detachment together (the isometric duty ratio, hence the specific
force, is kept; Vmax, myofibrillar ATPase and the twitch's rise and fall slow together), SERCA uptake,
oxidative and glycolytic capacity. The fast class is the representative unit itself: in a Fuglevand
pool the fast units hold about 95 % of the force (RP = 100, RT = 3), so the representative muscle,
calibrated on the whole-muscle twitch, is the fast class to within a few % (measured in
``docs/model.md``, "Motor-unit pool"), and the fast class's runs are the chain's own (its release run
serves the fast units of a healthy supramaximal pool).

Limits: two classes, not a continuum (IIA and IIX are one fast class); the ATP cost of a cross-bridge
cycle and of SERCA uptake is the representative's per cycle, so the slow class's lower turnover follows
from its lower rates only; troponin, release channels and the membrane are the representative's.
"""

from __future__ import annotations

from collections.abc import Mapping

from simlib.validation import Param

__all__ = ["CONSTANTS", "CLASS_CONSTANTS", "class_constants"]

CONSTANTS: tuple[Param, ...] = (
    Param("type1_crossbridge_rate_ratio", 0.33, "", "ratio of type I to type II cross-bridge attachment and "
          "detachment rates (both scaled: same duty ratio and specific force)",
          "unloaded shortening velocity of human type I fibres ≈ 1/3 of type IIA (Bottinelli, Canepari, Pellegrino & "
          "Reggiani 1996, J Physiol 495:573; Bottinelli & Reggiani 2000, Prog Biophys Mol Biol 73:195); myofibrillar "
          "ATPase of human type I ≈ 1/3 of type IIA (Stienen, Kiers, Bottinelli & Reggiani 1996, J Physiol 493:299); "
          "specific force of type I and IIA similar within ≈20 % (Bottinelli et al. 1996)", 0.2, 1.0),
    Param("type1_ca_uptake_ratio", 0.4, "", "ratio of type I to type II maximal SERCA Ca²⁺ uptake rate",
          "SR Ca²⁺ uptake of human type II fibres 2-3 × that of type I (Salviati, Sorenson & Eastwood 1982, "
          "J Gen Physiol 79:603; SERCA density, Lamboley et al. 2014, J Physiol 592:1381); human type I twitch "
          "slower to rise and relax (Garnett et al. 1979, J Physiol 287:33; Harridge et al. 1996, Pflügers Arch "
          "432:913)", 0.2, 1.0),
    Param("type1_oxidative_ratio", 2.0, "", "ratio of type I to type II maximal oxidative ATP synthesis",
          "oxidative enzymes (SDH, citrate synthase) ≈1.5-2 × and mitochondrial volume ≈2 × higher in human type I "
          "than type II fibres (Essén, Jansson, Henriksson, Taylor & Saltin 1975, Acta Physiol Scand 95:153; Howald "
          "et al. 1985, Pflügers Arch 403:369); type S units fatigue-resistant (Burke et al. 1973, J Physiol "
          "234:723: fatigue index S > 0.75, FF < 0.25)", 1.0, 4.0),
    Param("type1_glycolytic_ratio", 0.5, "", "ratio of type I to type II maximal glycogenolytic ATP synthesis",
          "phosphorylase and glycolytic enzymes ≈2 × higher in human type II (Essén et al. 1975); glycogenolysis and "
          "PCr use faster in type II fibres in stimulated and sprinting human muscle (Söderlund, Greenhaff & Hultman "
          "1992, Acta Physiol Scand 144:15; Casey et al. 1996, Am J Physiol 271:E38; Sargeant 2007, Proc Nutr Soc "
          "66:107 review)", 0.2, 1.0),
)

#: the chain constants each ratio scales (slow class = ratio × the constant)
CLASS_CONSTANTS: dict[str, tuple[str, ...]] = {
    "type1_crossbridge_rate_ratio": ("xb_attach_per_ms", "xb_detach_per_ms"),
    "type1_ca_uptake_ratio": ("serca_vmax_uM_ms",),
    "type1_oxidative_ratio": ("ox_capacity",),
    "type1_glycolytic_ratio": ("gly_capacity",),
}


def class_constants(constants: Mapping[str, float] | None, slow: bool) -> Mapping[str, float] | None:
    """Chain constants of one fibre-type class, on top of ``constants`` (the run's).

    Parameters
    ----------
    constants : mapping or None
        The run's constant overrides (see :func:`simlib.simulate`).
    slow : bool
        True for the slow (type I) class, False for the fast (type II) class.

    Returns
    -------
    mapping or None
        ``constants`` itself for the fast class (the representative's); for the slow class the run's
        constants with each scaled constant multiplied by its ratio, clipped to the constant's declared range.
    """
    if not slow:
        return constants
    from simlib.model import constants as declared
    from simlib.model import resolve_constants

    base = resolve_constants(constants)
    params = declared()
    changes = {}
    for ratio in CONSTANTS:
        for name in CLASS_CONSTANTS[ratio.name]:
            changes[name] = min(max(base[name] * ratio.default, params[name].low), params[name].high)
    return base.replace(**changes).overrides()
