"""Every preset's emergent classification (issue 3: asserted in a test)."""

from __future__ import annotations

import pytest

import simlib

EXPECTED = {
    "healthy": "normal",
    "hypocalcaemia": "tetany",  # Cooper & Gittoes 2008
    "hypercalcaemia": "normal",
    "hypomagnesaemia": "tetany",  # Harrison's, "Hypomagnesemia"
    "hypermagnesaemia": "weakness",  # del Castillo & Engbaek 1954
    "hypokalaemia": "normal",  # hyperpolarised but transmitting; paradoxical paralysis not modelled
    "hyperkalaemia": "weakness",  # depolarisation inactivates Na+ channels (physiology.md §1.7)
    "hyponatraemia": "normal",
    "atp_depletion": "contracture",  # rigor: Lymn & Taylor 1971
    # McArdle disease: normal at rest and in brief exercise; the contracture needs intense ischaemic
    # exercise (Lewis & Haller 1986; tests/science/test_metabolism.py)
    "mcardle": "normal",
    # prolonged EPP: each impulse fires the muscle twice (Besser et al. 1989, Neurology 39:561)
    "organophosphate": "repetitive firing",
    "botulinum": "weakness",  # Rossetto et al. 2014
    "curare": "weakness",  # Paton & Waud 1967
    "lambert_eaton": "weakness",  # Lambert & Elmqvist 1971 (reduced quantal content)
    "myasthenia_gravis": "weakness",  # Elmqvist et al. 1964 (fatigable weakness)
    "dantrolene": "weakness",  # Krause et al. 2004
    "exercise_cramp": "cramp",  # Schwellnus 2009; Minetto et al. 2011
    "cramp_stretch": "cramp",  # the cramp happens, then the stretch ends it (tests/science/test_cramp.py)
    "baclofen": "normal",  # Perrier et al. 2002
    # exaggerated stretch reflex, not a cramp: no self-sustained firing after it (Lance 1980)
    "spasticity": "spasticity",
    "cold": "normal",
    "warm": "normal",
}


def test_every_preset_is_listed():
    assert set(EXPECTED) == set(simlib.PRESETS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_classification(name):
    """The single representative unit (motor_units=1), which the fibre-level lessons follow."""
    assert simlib.simulate(simlib.PRESETS[name].replace(motor_units=1)).metrics().classification == EXPECTED[name]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_keeps_its_meaning_as_the_default_pool(name):
    """Issue 19: the presets are pools of the default 120 units, and each keeps its meaning there."""
    sc = simlib.PRESETS[name]
    assert sc.motor_units == simlib.Scenario().motor_units == 120
    assert simlib.simulate(sc).metrics().classification == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_has_description_and_citation(name):
    info = simlib.PRESET_INFO[name]
    assert len(info.description) > 20 and len(info.citation) > 10


def test_spasticity_is_velocity_dependent():
    # Lance 1980: spasticity is a velocity-dependent increase in tonic stretch reflexes. With the
    # preset's reflex gain, a slow clinical stretch (10 °/s) evokes no reflex burst and a fast one does;
    # the same fast stretch of a muscle with a normal reflex gain is a normal stretch reflex.
    sc = simlib.PRESETS["spasticity"].replace(motor_units=1)
    assert simlib.simulate(sc.replace(stretch_velocity_deg_s=10.0)).metrics().classification == "normal"
    assert simlib.simulate(sc.replace(stretch_velocity_deg_s=300.0)).metrics().classification == "spasticity"
    normal_reflex = sc.replace(reflex_gain=1.0, stretch_velocity_deg_s=300.0)
    assert simlib.simulate(normal_reflex).metrics().classification == "normal"


def test_organophosphate_fires_the_muscle_twice_per_impulse():
    # AChE inhibition prolongs the endplate potential beyond the muscle's refractory period, so one
    # impulse fires a second muscle action potential (Besser et al. 1989, Neurology 39:561; Katz &
    # Miledi 1973, J Physiol 231:549): exactly two per impulse here, with a 20 Hz command.
    res = simlib.simulate(simlib.PRESETS["organophosphate"].replace(motor_units=1))
    assert res.muscle_spikes.size == 2 * res.nerve_spikes.size
