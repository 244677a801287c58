"""SR Ca²⁺ release: all-or-none per action potential, Ca²⁺-dependent inactivation, tetanic Ca²⁺ (issue 18).

"Release per AP" is the Ca²⁺ moved from the SR into the myoplasm (µM of myoplasm, total: free, buffered
and troponin-bound) between one stimulus and the next, ``∫ k_rel O [Ca]_SR dt``; "free Ca²⁺" is the
spatially averaged free myoplasmic concentration, the quantity fast Ca²⁺ dyes report.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

import simlib
from simlib.chain import kernel_params


@cache
def _twitch_force(**changes: float) -> float:
    return simlib.twitch(simlib.Scenario(**changes)).peak_force


def _follows_one_to_one(**changes: float) -> bool:
    res = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", **changes))
    return res.muscle_spikes.size == res.nerve_spikes.size == 20


def _release_per_ap(rate_hz: float) -> np.ndarray:
    """Ca²⁺ released (µM of myoplasm) in each stimulus interval of a 1 s stimulation train."""
    sc = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=rate_hz)
    res = simlib.simulate(sc, output_dt_s=2e-5)
    flux = kernel_params(sc).release_rate * res.state("ryr_open") * res.state("ca_sr")  # µM/ms
    t_ms = res.t * 1000.0
    starts = 1000.0 * (sc.drive_start_s + np.arange(int(rate_hz * sc.drive_s)) / rate_hz)
    per = []
    for start in starts:
        sel = (t_ms >= start) & (t_ms < start + 1000.0 / rate_hz)
        per.append(np.trapezoid(flux[sel], t_ms[sel]))
    return np.array(per)


# 0.65, not 0.7: with the junction's prejunctional curare effect (slower vesicle mobilisation) a 70 % block
# fades at 20 Hz (10 of 20 impulses transmitted), as tetanic fade appears near 70-75 % occupancy
@pytest.mark.parametrize("receptor_block", [0.3, 0.5, 0.65])
def test_twitch_is_independent_of_partial_receptor_block_while_transmission_is_one_to_one(receptor_block):
    # A fibre's action potential, and with it its Ca²⁺ release, is all-or-none: partial curare lowers the
    # endplate potential but, while every impulse still fires the fibre (safety factor ≈ 4, Paton & Waud
    # 1967, J Physiol 191:59), the fibre twitch is unchanged (Ríos & Pizarro 1991, Physiol Rev 71:849).
    # Tolerance: within 5 % of the unblocked twitch.
    assert _follows_one_to_one(receptor_block=receptor_block)
    assert _twitch_force(receptor_block=receptor_block) == pytest.approx(_twitch_force(), rel=0.05)


@pytest.mark.parametrize("mg_mM", [0.5, 2.0])
def test_twitch_is_independent_of_magnesium_while_transmission_is_one_to_one(mg_mM):
    # Mg²⁺ acts at the junction (less ACh release); a fibre that still fires releases the same Ca²⁺
    # (all-or-none, as above). Tolerance 5 %.
    assert _follows_one_to_one(mg_mM=mg_mM)
    assert _twitch_force(mg_mM=mg_mM) == pytest.approx(_twitch_force(), rel=0.05)


def test_twitch_against_potassium_is_flat_while_excitable_and_fails_at_high_potassium():
    # Between 3 and 9 mM K⁺ the fibre still fires and the twitch changes by no more than a few per cent (mouse
    # fibres keep a constant AP overshoot from -90 to -70 mV, Cairns et al. 2022, Am J Physiol Cell Physiol;
    # isolated mammalian muscle even shows a mild twitch potentiation at 7-9 mM, Yensen, Matar & Renaud 2002,
    # Am J Physiol Cell Physiol 283:C169); above ≈9-10 mM depolarisation inactivates Na⁺ channels and
    # excitation fails, so force falls steeply (hyperkalaemic weakness, physiology.md §1.7). Tolerance: no
    # 0.5-1 mM step changes the twitch by 10 % or more, all within 10 % of the 4 mM twitch; < 30 % at 10 mM
    # (before issue 18 it jumped 0.78, 0.84, 1.41, 0.35 × at 7, 8, 9, 9.5 mM).
    k_values = [3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 8.5, 9.0]
    forces = np.array([_twitch_force(k_mM=k) for k in k_values])
    ref = _twitch_force(k_mM=4.0)
    assert np.all(np.abs(forces / ref - 1.0) <= 0.10)
    assert np.all(np.abs(np.diff(forces)) / ref < 0.10)
    assert _twitch_force(k_mM=10.0) < 0.3 * ref


def test_twitch_is_independent_of_sodium_over_the_slider_range():
    # [Na⁺]o 120-160 mM changes the AP overshoot (Nernst, test_rest_and_membrane.py) but not whether the fibre
    # fires; release is all-or-none, so the twitch stays within 5 %.
    ref = _twitch_force()
    for na in (120.0, 160.0):
        assert _twitch_force(na_mM=na) == pytest.approx(ref, rel=0.05)


def test_release_per_action_potential_falls_during_a_tetanus():
    # Ca²⁺ release per AP falls after the first AP of a train because released Ca²⁺ inactivates the release
    # channels (Baylor & Hollingworth 2003, J Physiol 551:125: 67 Hz trains in mouse fibres; Schneider &
    # Simon 1988, J Physiol 405:727). Tolerance: the 2nd-10th APs release 25-85 % of the first at 67 Hz,
    # less than at 20 Hz, and the 1st of a train is the twitch's release.
    fast, slow = _release_per_ap(67.0), _release_per_ap(20.0)
    assert np.all(fast[1:10] < 0.85 * fast[0]) and np.all(fast[1:10] > 0.25 * fast[0])
    assert fast[1:10].mean() < slow[1:10].mean()
    assert fast[0] == pytest.approx(slow[0], rel=1e-3)


@pytest.mark.parametrize("rate_hz", [50.0, 67.0])
def test_tetanic_free_calcium_is_micromolar(rate_hz):
    # Tetanic free Ca²⁺ of unfatigued mouse fibres ≈ 1-3 µM (indo-1, Westerblad & Allen 1991, J Gen Physiol
    # 98:615). Measured: mean spatially averaged free Ca²⁺ over the second half of a 1 s train (troughs and
    # peaks). Tolerance 0.7-6 µM (human fibres at 37 °C, no parvalbumin; fast dyes read higher than indo-1).
    sc = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=rate_hz)
    res = simlib.simulate(sc, output_dt_s=2e-4)
    sel = (res.t >= sc.drive_start_s + 0.5 * sc.drive_s) & (res.t < sc.drive_start_s + sc.drive_s)
    assert 0.7 <= res.ca_i[sel].mean() <= 6.0


@pytest.mark.xfail(strict=True, reason=(
    "model limit (docs/model.md): the single-compartment fibre AP overshoots to +56 mV with a 0.4 ms "
    "half-width; mammalian fibres overshoot by about +10 to +40 mV with half-widths near 1 ms at 37 °C. "
    "Release no longer depends on it (all-or-none), but a t-tubular compartment is still missing."))
def test_action_potential_overshoot_and_half_width():
    # Rat fibres: peak +6 ± 2 mV at 4 mM K⁺ (Pedersen et al. 2005, J Gen Physiol 125:237, 30 °C); mammalian
    # fibres generally +10 to +40 mV with 1-5 ms duration (textbook range). Tolerance: peak 0-40 mV,
    # half-width 0.6-3 ms.
    sc = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=1.0, drive_s=0.5, duration_s=0.3)
    res = simlib.simulate(sc, output_dt_s=2e-5)
    v = res.v_muscle
    half = v[0] + 0.5 * (v.max() - v[0])
    above = res.t[v > half] * 1000.0
    assert 0.0 <= v.max() <= 40.0
    assert 0.6 <= above[-1] - above[0] <= 3.0
