"""Ca²⁺/Mg²⁺ excitability, neuromuscular transmission and drugs (issue 3 acceptance)."""

from __future__ import annotations

import numpy as np
import pytest

import simlib


def test_hypocalcaemia_causes_tetany(sim, met):
    # Low ionised Ca²⁺ makes motor axons fire by themselves (Frankenhaeuser & Hodgkin 1957; Cooper & Gittoes
    # 2008, BMJ 336:1298). Issue 3: ca 0.75 mM at rest → spontaneous nerve firing, "tetany".
    res = sim(ca_mM=0.75, rate_hz=0.0)
    assert res.ectopic_spikes.size >= 2
    assert met(ca_mM=0.75, rate_hz=0.0).classification == "tetany"


@pytest.mark.parametrize("ca_mM", [1.0, 1.2, 2.0])
def test_no_spontaneous_firing_at_normal_calcium(sim, ca_mM):
    # Issue 3: no spontaneous firing at ca ≥ 1.0 mM (clinical tetany appears below ~0.9-1.0 mM ionised Ca²⁺).
    assert sim(ca_mM=ca_mM, rate_hz=0.0).nerve_spikes.size == 0


def _tetany_threshold(mg_mM: float) -> float:
    """Highest Ca²⁺ (mM, 0.01 mM grid) at which the axon still fires by itself, by bisection."""
    lo, hi = 0.3, 1.5  # fires at lo, silent at hi
    for _ in range(8):
        mid = 0.5 * (lo + hi)
        res = simlib.simulate(simlib.Scenario(motor_units=1, ca_mM=mid, mg_mM=mg_mM, rate_hz=0.0, duration_s=1.0))
        lo, hi = (mid, hi) if res.ectopic_spikes.size else (lo, mid)
    return lo


def test_lowering_magnesium_never_makes_nerves_less_excitable():
    # Mg²⁺ also screens surface charge (weaker than Ca²⁺); hypomagnesaemia lowers the threshold for tetany
    # (physiology.md §1.7). The Ca²⁺ level at which tetany starts must not fall when Mg²⁺ falls.
    thresholds = [_tetany_threshold(mg) for mg in (1.0, 0.55, 0.3, 0.1)]
    assert all(b >= a - 1e-9 for a, b in zip(thresholds, thresholds[1:], strict=False))


def test_hypermagnesaemia_blocks_transmission(sim, met):
    # Mg²⁺ competes with Ca²⁺ for release (del Castillo & Engbaek 1954; Dodge & Rahamimoff 1967): at 4 mM
    # transmission fails for many impulses, "weakness" (issue 3).
    res = sim(mg_mM=4.0)
    assert res.muscle_spikes.size <= res.nerve_spikes.size // 2
    assert met(mg_mM=4.0).classification == "weakness"


def test_quantal_content_follows_ca_and_mg(met):
    # Release rises with Ca²⁺ and falls with Mg²⁺ (Dodge & Rahamimoff 1967, J Physiol 193:419).
    q = [met(ca_mM=ca).quantal_content for ca in (0.8, 1.2, 2.0)]
    assert q[0] < q[1] < q[2]
    qm = [met(mg_mM=mg).quantal_content for mg in (0.3, 0.55, 2.0)]
    assert qm[0] > qm[1] > qm[2]


def test_release_cooperativity_near_four():
    # log(EPP)-log([Ca]o) slope 3.78 ± 0.2 at low Ca²⁺ in Mg²⁺-containing Ringer (Dodge & Rahamimoff 1967).
    # At the lowest Ca²⁺ the lab allows (0.3-0.35 mM) with 1 mM Mg²⁺ the model's slope must lie in 3.2-4.0;
    # it falls towards normal [Ca]o as the site saturates, as they report (K_Ca ≈ 1 mM is low-confidence).
    # They stimulated at low rates, so release is that of an unfacilitated impulse: the first of the run
    # (the axon also fires by itself at such low Ca²⁺, and later impulses are facilitated).
    def m0(ca):
        return simlib.simulate(simlib.Scenario(motor_units=1, ca_mM=ca, mg_mM=1.0, drive="stimulation", rate_hz=1.0,
                                               drive_s=0.5, duration_s=0.3)).quanta[0]

    slope = np.log(m0(0.35) / m0(0.3)) / np.log(0.35 / 0.3)
    assert 3.2 <= slope <= 4.0


def test_safety_factor_receptor_block(sim):
    # Threshold block needs 76 ± 5 % receptor occupancy (Paton & Waud 1967, J Physiol 191:59):
    # 50 % block still transmits 1:1, 95 % block fails (issue 3).
    half = sim(receptor_block=0.5)
    assert half.muscle_spikes.size == half.nerve_spikes.size
    assert sim(receptor_block=0.95).muscle_spikes.size == 0


def test_release_block_causes_weakness(met):
    # Botulinum toxin blocks ACh release (Rossetto et al. 2014): release_block 0.9 → "weakness" (issue 3).
    assert met(release_block=0.9).classification == "weakness"


def test_dantrolene_lowers_force_but_not_excitation(sim):
    # Dantrolene blocks RyR1 release (Krause et al. 2004): ryr_block 0.8 → peak force falls ≥ 50 % while muscle
    # APs still follow 1:1 (issue 3).
    healthy, blocked = sim(), sim(ryr_block=0.8)
    assert blocked.force.max() <= 0.5 * healthy.force.max()
    assert blocked.muscle_spikes.size == blocked.nerve_spikes.size


def _epp_half_decay_ms(ache_activity: float) -> float:
    res = simlib.simulate(simlib.Scenario(motor_units=1, ache_activity=ache_activity, drive="stimulation", rate_hz=1.0,
                                          drive_s=0.5, duration_s=0.4), output_dt_s=1e-5)
    i = int(np.argmax(res.epp))
    below = np.nonzero(res.epp[i:] < res.epp[i] / 2.0)[0]
    return float(below[0]) * 1e-2


def test_ache_inhibition_prolongs_epp():
    # AChE inhibition prolongs transmitter action several-fold (Katz & Miledi 1973, J Physiol 231:549);
    # issue 3: ache_activity 0.1 → EPP decays ≥ 2× slower.
    assert _epp_half_decay_ms(0.1) >= 2.0 * _epp_half_decay_ms(1.0)


def test_ache_inhibition_causes_repetitive_firing(sim):
    # One nerve impulse fires the muscle repeatedly under anticholinesterases (Eddleston et al. 2008).
    res = sim(ache_activity=0.1)
    assert res.muscle_spikes.size > res.nerve_spikes.size


def test_atp_needed_for_relaxation(met):
    # Relaxation needs ATP inside the fibre (SERCA, cross-bridge detachment: Lymn & Taylor 1971). Relaxation
    # time grows as ATP falls (5 → 1 → 0.3 mM); without ATP force stays with the muscle silent: contracture.
    times = [met(atp_mM=a).relaxation_time_s for a in (5.0, 1.0, 0.3)]
    assert times[0] < times[1] < times[2]
    m0 = met(atp_mM=0.0)
    assert m0.classification == "contracture"
    assert m0.muscle_spikes_after_drive == 0 and m0.force_after_drive >= 0.2
