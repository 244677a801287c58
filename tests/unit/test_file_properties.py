"""Property tests: any input to Scenario or the scenario loader gives a Scenario or a ParameterError.

Nothing else may come out (no TypeError, RecursionError, ValueError of another kind, hang or huge
message), over the whole Scenario space and any value type, and over file contents: random bytes,
random TOML and JSON documents, and valid files cut short or corrupted (what a half-written or
damaged file looks like). Hypothesis is derandomized, with a fixed example budget per test, so that
the module runs in a few seconds in ``make test`` and CI sees the same examples on every run.
"""

from __future__ import annotations

import dataclasses
import json
import math
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simlib.errors import ParameterError
from simlib.parameters import SCENARIO_PARAMS
from simlib.scenario import WHOLE_NUMBER_FIELDS, Scenario
from simlib.scenario_io import load_scenario, save_scenario

BUDGET = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
NAMES = [p.name for p in SCENARIO_PARAMS]
#: Longest error message allowed: a few sentences, whatever the input.
MESSAGE_LIMIT = 2_500

# -- values of every kind a learner or a file could give ----------------------------------------------------

_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e3, 1e3),
    st.integers(-(10**30), 10**30),
    st.floats(width=32).map(np.float32),
    st.floats(width=16).map(np.float16),
    st.integers(-1000, 1000).map(np.int64),
    st.fractions(),
    st.decimals(allow_nan=True),
)
_others = st.one_of(
    st.none(), st.booleans(), st.text(max_size=30), st.binary(max_size=10), st.complex_numbers(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["voluntary", "stimulation", "Voluntary", "stim", "", " voluntary"]),
    st.sampled_from(["voluntary", "stimulation"]).map(np.str_),
    st.just(np.array([1.0, 2.0])), st.just(np.array(0.5)), st.just(object()),
)
VALUES = st.one_of(_numbers, _others)
KEYS = st.one_of(st.sampled_from(NAMES), st.text(max_size=20), st.sampled_from(["rate", "Ca_mM", "ca", "scenario"]))


def _accepts_or_refuses(make) -> Scenario | None:
    try:
        return make()
    except ParameterError as exc:
        assert len(str(exc)) < MESSAGE_LIMIT, str(exc)[:300]
        return None


@BUDGET
@given(changes=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6))
def test_any_values_give_a_scenario_or_a_parameter_error(changes):
    sc = _accepts_or_refuses(lambda: Scenario(**changes))
    if sc is None:
        return
    for param in SCENARIO_PARAMS:  # what was accepted is a valid, normalised value
        value = getattr(sc, param.name)
        if param.is_text:
            assert type(value) is str and value in param.choices
        elif value is not None:
            number = int if param.name in WHOLE_NUMBER_FIELDS else float  # stored as whole numbers
            assert type(value) is number and math.isfinite(value) and param.low <= value <= param.high
    assert sc.drive_start_s < sc.duration_s
    # the three ways of changing a field agree
    again = _accepts_or_refuses(lambda: Scenario().replace(**changes))
    assert again == sc
    assert dataclasses.replace(Scenario(), **changes) == sc


@BUDGET
@given(changes=st.dictionaries(KEYS, VALUES, max_size=8))
def test_any_names_give_a_scenario_or_a_parameter_error(changes):
    for make in (lambda: Scenario(**changes), lambda: Scenario().replace(**changes),
                 lambda: dataclasses.replace(Scenario(), **changes), lambda: Scenario.from_dict(changes)):
        _accepts_or_refuses(make)


# -- file contents ------------------------------------------------------------------------------------------------


def _load_text(data: bytes, suffix: str) -> Scenario | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"s{suffix}"
        path.write_bytes(data)
        try:
            return load_scenario(path)
        except ParameterError as exc:
            message = str(exc)
            assert message.startswith(str(path)), message[:200]
            assert len(message) < MESSAGE_LIMIT + len(str(path)), message[:300]
            return None


@BUDGET
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".toml", ".json"]))
def test_random_bytes(data, suffix):
    loaded = _load_text(data, suffix)
    assert loaded is None or data.strip(), "an empty file must never load"


_toml_scalars = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["nan", "inf", "-inf", "+0.0", "1e400", "0x10", "1_000", "9" * 5000, "true", "false",
                     "1979-05-27T07:32:00Z", "07:32:00", "1979-05-27"]),
    st.text(max_size=20).map(json.dumps),
    st.sampled_from(['"voluntary"', '"stimulation"', "'stimulation'", '"""x"""', "[1, 2]", "{a = 1}", "[]", "{}"]),
)
_toml_lines = st.one_of(
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(NAMES + ["rate", "scenario.ca_mM", '"ca_mM"', "x"]),
              _toml_scalars),
    st.sampled_from(["[scenario]", "[other]", "[[scenario]]", "# comment", "", "[scenario.sub]", "= 1",
                     "rate_hz = [" * 50 + "]" * 50, "rate_hz = " + "[" * 3000]),
    st.text(max_size=20),
)


@BUDGET
@given(lines=st.lists(_toml_lines, max_size=12))
def test_random_toml_documents(lines):
    _load_text("\n".join(lines).encode("utf-8", "surrogatepass"), ".toml")


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@BUDGET
@given(fields=st.dictionaries(KEYS, _json_values, max_size=6), wrap=st.booleans(),
       junk=st.sampled_from(["", "x", "]", " "]))
def test_random_json_documents(fields, wrap, junk):
    document = {"scenario": fields} if wrap else fields
    _load_text((json.dumps(document) + junk).encode(), ".json")


@st.composite
def _valid_scenarios(draw) -> Scenario:
    changes = {}
    for param in SCENARIO_PARAMS:
        if draw(st.booleans()):
            if param.is_text:
                changes[param.name] = draw(st.sampled_from(param.choices))
            elif param.name in WHOLE_NUMBER_FIELDS:  # a whole number
                changes[param.name] = draw(st.integers(int(param.low), int(param.high)))
            else:
                changes[param.name] = draw(st.floats(param.low, param.high))
    changes["drive_start_s"] = min(changes.get("drive_start_s", 0.2), changes.get("duration_s", 3.0) / 2)
    return Scenario(**changes)


@BUDGET
@given(sc=_valid_scenarios(), suffix=st.sampled_from([".toml", ".json"]), cut=st.floats(0, 1),
       flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=3))
def test_valid_files_cut_short_or_corrupted(sc, suffix, cut, flips):
    # A half-written file (cut) or a damaged one (bytes changed): a Scenario or a ParameterError, and a file
    # cut before its first field is never read as the healthy defaults.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"s{suffix}"
        save_scenario(sc, path)
        data = bytearray(path.read_bytes())
    assert _load_text(bytes(data), suffix) == sc
    data = data[: int(cut * len(data))]
    for where, byte in flips:
        if data:
            data[min(int(where * len(data)), len(data) - 1)] = byte
    loaded = _load_text(bytes(data), suffix)
    if loaded == Scenario() and sc != Scenario():
        text = bytes(data).decode("utf-8", "replace")
        assert any(f"{name} =" in text or f'"{name}"' in text for name in NAMES), text
