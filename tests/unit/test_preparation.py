"""simlib.individual: one reproducible, physiologically plausible preparation per student code."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

import simlib
from simlib import preparation

CLASS = [f"S{i:03d}" for i in range(60)]  # a class of 60 codes; the extreme ones are tested below


def _extreme_codes() -> list[str]:
    """The codes of the class whose factors are lowest and highest for every varied property."""
    factors = {code: preparation.factors(code) for code in CLASS}
    picked: list[str] = []
    for spread in preparation.SPREADS:
        for pick in (min, max):
            code = pick(CLASS, key=lambda c, name=spread.name: factors[c][name])
            if code not in picked:
                picked.append(code)
    return picked


EXTREMES = _extreme_codes()


def test_the_same_code_gives_the_same_muscle_and_two_codes_differ():
    a, b = simlib.individual("AB12"), simlib.individual("CD34")
    assert a == simlib.individual(" ab12 ") == simlib.individual("AB12")
    assert a != b and set(a) == set(b)
    assert all(a[name] != b[name] for name in a)
    res_a = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation"), constants=a)
    again = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation"), constants=simlib.individual("AB12"))
    res_b = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation"), constants=b)
    assert (res_a.force == again.force).all() and not (res_a.force == res_b.force).all()


def test_the_values_do_not_depend_on_the_process():
    # Python's hash() changes between processes (PYTHONHASHSEED): the code must not use it.
    script = "import simlib, json; print(json.dumps(simlib.individual('AB12'), sort_keys=True))"
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": seed, **_env()}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}


def test_only_the_cited_constants_vary_within_their_declared_ranges():
    declared = simlib.constants()
    varied = {name for spread in preparation.SPREADS for name in spread.constants}
    for spread in preparation.SPREADS:
        assert spread.source and spread.meaning and 0 < spread.sigma <= 0.25
    for code in CLASS:
        values = simlib.individual(code)
        assert set(values) == varied
        for name, value in values.items():
            assert declared[name].low <= value <= declared[name].high
        limit = math.exp(max(s.sigma for s in preparation.SPREADS) * preparation.TRUNCATE_SD)
        assert all(1 / limit <= f <= limit for f in preparation.factors(code).values())
    # the properties really spread over the class, around the default
    speeds = [preparation.factors(code)["fibre_type_speed"] for code in CLASS]
    assert min(speeds) < 0.9 < 1.1 < max(speeds)


@pytest.mark.parametrize("bad", ["", "   ", "a b", "x" * 40, "-AB", 12, None, "AB12;DROP"])
def test_a_bad_code_is_a_parameter_error_with_a_suggestion(bad):
    with pytest.raises(simlib.ParameterError, match="student code") as info:
        simlib.individual(bad)
    message = str(info.value)
    assert "e.g. 'AB12'" in message
    if bad == "a b":
        assert "Did you mean 'AB'?" in message


@pytest.mark.parametrize("code", EXTREMES)
def test_every_students_key_measures_stay_in_the_published_ranges(code):
    sc = simlib.Scenario(motor_units=1, drive="stimulation")
    c = simlib.individual(code)
    tw = simlib.twitch(sc, constants=c)
    # human triceps surae 112 ± 11 ms and 100 ± 14 ms (Sale et al. 1982); the lab accepts 60-160 and 50-150 ms
    assert 60.0 <= tw.contraction_time_ms <= 160.0
    assert 50.0 <= tw.half_relaxation_ms <= 150.0
    tetanus = simlib.force_frequency(sc, [100.0], constants=c)[0]
    assert 0.1 <= tw.peak_force / tetanus <= 0.35  # whole human muscle twitch/tetanus 0.1-0.3
    # transmission 1:1 at 20 Hz, and still with half the receptors blocked (safety factor, Paton & Waud 1967)
    for block in (0.0, 0.5):
        res = simlib.simulate(sc.replace(receptor_block=block), constants=c)
        assert res.muscle_spikes.size == res.nerve_spikes.size > 0


@pytest.mark.parametrize("code", EXTREMES)
def test_every_preset_keeps_its_classification(code):
    c = simlib.individual(code)
    for name, preset in simlib.PRESETS.items():
        sc = preset.replace(motor_units=1)  # a student's own fibre
        assert simlib.simulate(sc, constants=c).metrics().classification == \
            simlib.simulate(sc).metrics().classification, (code, name)
