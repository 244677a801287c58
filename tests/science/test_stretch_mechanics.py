"""A passive stretch lengthens the muscle (issue 20 item 4): length, passive force, eccentric force, cramp relief."""

from __future__ import annotations

import math

import numpy as np
import pytest

import simlib
from simlib import Protocol
from simlib.stages.mechanics import passive_force

#: relaxed muscle, then a 30° stretch at 120 °/s at 2 s (held to the end)
STRETCH = simlib.Scenario(motor_units=1, stretch_at_s=2.0, stretch_velocity_deg_s=120.0, duration_s=4.0)


@pytest.fixture(scope="module")
def stretched():
    return simlib.simulate(STRETCH)


def test_a_30_degree_stretch_lengthens_the_fascicles(stretched):
    # A 30° ankle rotation with the Achilles moment arm of 4.3-5.6 cm (Maganaris, Baltzopoulos & Sargeant
    # 2000, Eur J Appl Physiol 83:363) lengthens the calf muscle-tendon unit by 2.3-2.9 cm; relaxed fascicles
    # take 48 ± 12 % of it, the tendon the rest (Hoang et al. 2007, J Exp Biol 210:4159), i.e. 0.8-1.8 cm of
    # 5 cm fascicles (Kawakami, Ichinose & Fukunaga 1998, J Appl Physiol 85:398): 1.16-1.35 optimal lengths.
    end = 1.0 + 30.0 * math.pi / 180.0 * np.array([4.3 * 0.36, 5.6 * 0.60]) / 5.0
    held = stretched.t >= 2.0 + 30.0 / 120.0
    assert np.all(stretched.length_rel[stretched.t <= 2.0] == 1.0)  # optimal length until the stretch
    assert end[0] <= stretched.length_rel[held].min() and stretched.length_rel[held].max() <= end[1]
    assert np.ptp(stretched.length_rel[held]) < 1e-5  # and it stays there while the stretch is held
    assert np.all(np.diff(stretched.length_rel) >= -1e-9)  # never shortens


def test_passive_force_rises_with_the_stretch(stretched):
    # Beyond the optimal length the parallel elastic element bears force, rising exponentially with length
    # (Thelen 2003, J Biomech Eng 125:70): zero before the stretch, rising through it, then held; the
    # transducer's total force carries it on top of the (here resting) active force.
    kp = simlib.chain.kernel_params(STRETCH)
    before, ramp = stretched.t <= 2.0, (stretched.t > 2.0) & (stretched.t <= 2.25)
    assert np.all(stretched.passive_force[before] == 0.0)
    assert np.all(np.diff(stretched.passive_force[ramp]) > 0.0)
    final = passive_force(float(stretched.length_rel[-1]), kp.pe_shape, kp.pe_strain)
    assert stretched.passive_force[-1] == pytest.approx(final, rel=1e-12)
    assert 0.03 <= final <= 0.15  # small against P0 at ≈1.2 L0 (P0 is reached at 1.6 L0)
    assert np.allclose(stretched.total_force, stretched.force + stretched.passive_force)
    assert stretched.force[-1] < 0.01 < stretched.total_force[-1]  # a relaxed muscle: the force held is passive


def test_an_active_muscle_being_stretched_exceeds_its_isometric_force():
    # Katz 1939 (J Physiol 96:45): a lengthening muscle resists with more than its isometric force, up to
    # ≈1.8 P0 (1.5-1.8 in isolated muscle), more the faster it is stretched. An 8° stretch during a 100 Hz
    # tetanus keeps the muscle on the plateau (0.97-1.03 L0, no change of overlap), so the ratio to the
    # unstretched run is the eccentric force alone: above 1.2 at 30 °/s (0.23 L0/s), rising with speed,
    # never above Katz's 1.8; once the stretch is held, force is isometric again (within 1 %).
    sc = simlib.Scenario(motor_units=1, drive="stimulation", length_rel=0.97, duration_s=2.0, reflex_gain=0.0)
    train = Protocol.train(100.0, 0.1, 1.5)
    isometric = simlib.simulate(sc, protocol=train).force

    def ratio(velocity_deg_s):
        res = simlib.simulate(sc, protocol=train + Protocol.stretched(0.8, velocity_deg_s, 8.0))
        end = 0.8 + 8.0 / velocity_deg_s
        assert res.length_rel.max() <= 1.031  # the end of the plateau (Lieber et al. 1994)
        during, held = (res.t > 0.8) & (res.t <= end), (res.t > end + 0.3) & (res.t < 1.55)
        return float((res.force / isometric)[during].max()), (res.force / isometric)[held]

    slow, _ = ratio(10.0)
    moderate, held = ratio(30.0)
    assert 1.0 < slow < moderate
    assert 1.2 <= moderate <= 1.8
    assert np.all(np.abs(held - 1.0) < 0.01)


def test_the_stretch_that_relieves_a_cramp_also_lengthens_it():
    # Stretching ends the cramp (Khan & Burne 2007, J Neurophysiol 98:1102; tests/science/test_cramp.py), now
    # with the muscle lengthened: it is held at ≈1.23 L0, bears passive force, and its tendon first feels the
    # eccentric force of the cramping muscle being stretched (Katz 1939). The relief is tendon-organ mediated:
    # with only the fascicles' own passive force as tendon-organ load (0.07 instead of 2) the cramp goes on.
    sc = simlib.PRESETS["cramp_stretch"].replace(motor_units=1)
    res = simlib.simulate(sc)
    ramp = (res.t > sc.stretch_at_s) & (res.t <= sc.stretch_at_s + 30.0 / sc.stretch_velocity_deg_s)
    unrelieved = simlib.simulate(sc.replace(stretch_at_s=None))
    assert res.force[ramp].max() > unrelieved.force[ramp].max()
    assert res.motoneuron_spikes[res.motoneuron_spikes > sc.stretch_at_s + 1.0].size == 0
    assert res.force[-1] < 0.01 and res.length_rel[-1] == pytest.approx(1.226, abs=1e-3)
    assert res.passive_force[-1] > 0.05
    weak = simlib.simulate(sc, constants={"passive_tension": float(res.passive_force[-1])})
    assert weak.motoneuron_spikes[weak.motoneuron_spikes > sc.stretch_at_s + 1.0].size > 10
