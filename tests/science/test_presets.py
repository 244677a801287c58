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
    "organophosphate": "normal",  # prolonged EPP; repetitive firing is a known limit
    "botulinum": "weakness",  # Rossetto et al. 2014
    "curare": "weakness",  # Paton & Waud 1967
    "dantrolene": "weakness",  # Krause et al. 2004
    "exercise_cramp": "cramp",  # Schwellnus 2009; Minetto et al. 2011
    "cramp_stretch": "cramp",  # the cramp happens, then the stretch ends it (tests/science/test_cramp.py)
    "baclofen": "normal",  # Perrier et al. 2002
    "spasticity": "normal",  # stretch-evoked reflex firing is not a cramp (Lance 1980)
    "cold": "normal",
    "warm": "normal",
}


def test_every_preset_is_listed():
    assert set(EXPECTED) == set(simlib.PRESETS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_classification(name):
    assert simlib.simulate(simlib.PRESETS[name]).metrics().classification == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_has_description_and_citation(name):
    info = simlib.PRESET_INFO[name]
    assert len(info.description) > 20 and len(info.citation) > 10
