"""Unit tests for simlib.scenario.Scenario and simlib.validation.

The "common tests" run over every field declared in SCENARIO_PARAMS, so a new field is covered
as soon as it is declared.
"""

from __future__ import annotations

import dataclasses
import math
import pickle
import typing

import numpy as np
import pytest

from simlib.errors import ParameterError
from simlib.parameters import Param
from simlib.scenario import SCENARIO_PARAMS, Scenario, scenario_param
from simlib.validation import check_value, invalid_value_message, unknown_name_message

NUMERIC = [p for p in SCENARIO_PARAMS if not p.is_text]
TEXT = [p for p in SCENARIO_PARAMS if p.is_text]
BOUNDED_BELOW = [p for p in NUMERIC if p.low is not None]
BOUNDED_ABOVE = [p for p in NUMERIC if p.high is not None]
REQUIRED = [p for p in SCENARIO_PARAMS if not p.optional]
#: numeric fields stored as whole numbers (int) rather than float
WHOLE = {"seed", "motor_units"}


def _number_type(param: Param) -> type:
    return int if param.name in WHOLE else float


def _ids(params: list[Param]) -> list[str]:
    return [p.name for p in params]


def _valid_base(param: Param) -> Scenario:
    """A scenario in which any in-range value of ``param`` is allowed by the cross-field check."""
    if param.name == "drive_start_s":
        return Scenario(duration_s=scenario_param("duration_s").high)
    if param.name == "duration_s":
        return Scenario(drive_start_s=0.0)
    return Scenario()


def _assert_standard_message(message: str, param: Param, shown_value: str) -> None:
    assert f"'{param.name}'" in message
    assert shown_value in message
    assert param.range_text() in message
    assert param.unit in message
    assert param.meaning in message
    assert param.hint in message
    assert message.startswith(
        f"'{param.name}' must be {param.range_text()} ({param.meaning}); got {shown_value}."
    )


# -- fields and defaults -------------------------------------------------------------------------------


def test_fields_are_declared_once_with_their_metadata():
    # SCENARIO_PARAMS is read from the dataclass fields: one declaration per field, nothing to keep in step.
    assert [f.name for f in dataclasses.fields(Scenario)] == [p.name for p in SCENARIO_PARAMS]
    assert Scenario.field_names() == tuple(p.name for p in SCENARIO_PARAMS)
    assert all(getattr(Scenario(), p.name) == p.default for p in SCENARIO_PARAMS)
    assert scenario_param("ca_mM") is SCENARIO_PARAMS[[p.name for p in SCENARIO_PARAMS].index("ca_mM")]
    import simlib.parameters

    assert simlib.parameters.SCENARIO_PARAMS is SCENARIO_PARAMS  # the older import path still works
    assert simlib.parameters.scenario_param is scenario_param
    with pytest.raises(AttributeError):
        simlib.parameters.NOT_A_NAME  # noqa: B018


def test_help_lists_every_field_with_unit_range_and_default():
    doc = Scenario.__doc__
    section = doc[doc.index("Parameters\n----------"):doc.index("Raises\n------")]
    entries = section.split("\n")[2:]
    names = [line.split(" : ")[0] for line in entries if line and not line.startswith(" ")]
    assert names == list(Scenario.field_names())
    flat = " ".join(section.split())
    for p in SCENARIO_PARAMS:
        assert p.meaning[1:] in flat and (p.is_text or p.range_text() in flat), p.name
    assert "ca_mM : float\n    Extracellular ionised calcium; between 0.3 and 4 mM; default 1.2 mM.\n" in doc
    assert "stretch_at_s : float or None\n" in doc and "drive : {'voluntary', 'stimulation'}\n" in doc


@pytest.mark.parametrize("param", SCENARIO_PARAMS, ids=_ids(SCENARIO_PARAMS))
def test_type_hints_match_metadata(param):
    hints = typing.get_type_hints(Scenario)
    expected = str if param.is_text else _number_type(param)
    if param.optional:
        assert hints[param.name] == (expected | None)
    else:
        assert hints[param.name] is expected


def test_default_scenario_is_valid_and_compact():
    sc = Scenario()
    assert repr(sc) == "Scenario()"
    assert sc.describe() == "Scenario: healthy defaults"
    assert sc.drive_end_s == pytest.approx(sc.drive_start_s + sc.drive_s)


# -- common tests over every field ---------------------------------------------------------------------


@pytest.mark.parametrize("param", BOUNDED_BELOW, ids=_ids(BOUNDED_BELOW))
def test_below_range_raises_standard_message(param):
    bad = param.low - max(1.0, abs(param.low))
    with pytest.raises(ParameterError) as info:
        _valid_base(param).replace(**{param.name: bad})
    _assert_standard_message(str(info.value), param, repr(bad))


@pytest.mark.parametrize("param", BOUNDED_ABOVE, ids=_ids(BOUNDED_ABOVE))
def test_above_range_raises_standard_message(param):
    bad = param.high * 2 + 1.0
    with pytest.raises(ParameterError) as info:
        _valid_base(param).replace(**{param.name: bad})
    _assert_standard_message(str(info.value), param, repr(bad))


@pytest.mark.parametrize("param", NUMERIC, ids=_ids(NUMERIC))
@pytest.mark.parametrize(
    ("bad", "shown"),
    [(math.nan, "got nan"), (math.inf, "got inf"), (-math.inf, "got -inf"), (np.nan, "got nan")],
    ids=["nan", "inf", "-inf", "np.nan"],
)
def test_non_finite_raises_standard_message(param, bad, shown):
    with pytest.raises(ParameterError) as info:
        Scenario(**{param.name: bad})
    message = str(info.value)
    assert shown + "." in message
    _assert_standard_message(message, param, shown[len("got ") :])


@pytest.mark.parametrize("param", NUMERIC, ids=_ids(NUMERIC))
@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        ("abc", "'abc' (str)"),
        ("1.2", "'1.2' (str)"),
        (True, "True (bool)"),
        (False, "False (bool)"),
        (np.bool_(True), "(bool"),
        ([1.0], "[1.0] (list)"),
        (1 + 2j, "(1+2j) (complex)"),
    ],
    ids=["str", "numeric-str", "True", "False", "np.bool_", "list", "complex"],
)
def test_wrong_type_for_number_raises_standard_message(param, bad, shown):
    with pytest.raises(ParameterError) as info:
        Scenario(**{param.name: bad})
    message = str(info.value)
    assert f"'{param.name}'" in message
    assert shown in message
    assert param.range_text() in message
    assert param.unit in message


@pytest.mark.parametrize("param", REQUIRED, ids=_ids(REQUIRED))
def test_none_for_required_field_raises_standard_message(param):
    with pytest.raises(ParameterError) as info:
        Scenario(**{param.name: None})
    _assert_standard_message(str(info.value), param, "None")


@pytest.mark.parametrize("param", TEXT, ids=_ids(TEXT))
@pytest.mark.parametrize("bad", ["banana", "", 3, 1.0, True, None])
def test_text_field_rejects_non_choices(param, bad):
    with pytest.raises(ParameterError) as info:
        Scenario(**{param.name: bad})
    message = str(info.value)
    assert f"'{param.name}'" in message
    assert param.range_text() in message
    assert repr(bad) in message


@pytest.mark.parametrize("param", NUMERIC, ids=_ids(NUMERIC))
def test_range_endpoints_accepted_and_ints_normalised(param):
    base = _valid_base(param)
    for value in (param.low, param.high):
        if value is None:
            continue
        as_int = int(value)
        use = as_int if as_int == value else value
        if param.name == "drive_start_s" and value >= base.duration_s:
            # The cross-field rule (start strictly before the end of the longest run) makes the
            # metadata's upper bound itself unreachable.
            with pytest.raises(ParameterError, match="'duration_s'"):
                base.replace(**{param.name: use})
            continue
        sc = base.replace(**{param.name: use})
        stored = getattr(sc, param.name)
        assert stored == value
        assert type(stored) is _number_type(param)


@pytest.mark.parametrize("param", NUMERIC, ids=_ids(NUMERIC))
def test_numpy_scalars_accepted_as_python_floats(param):
    value = param.default if param.default is not None else param.low
    for np_value in (np.float64(value), np.float32(value)):
        stored = getattr(_valid_base(param).replace(**{param.name: np_value}), param.name)
        assert type(stored) is _number_type(param)
        assert stored == pytest.approx(value, rel=1e-6)


def test_optional_field_accepts_none_and_number():
    assert Scenario(stretch_at_s=None).stretch_at_s is None
    sc = Scenario(stretch_at_s=1)
    assert sc.stretch_at_s == 1.0 and type(sc.stretch_at_s) is float


# -- the exact message format --------------------------------------------------------------------------


def test_calcium_message_matches_design_format():
    with pytest.raises(ParameterError) as info:
        Scenario(ca_mM=12.0)
    p = scenario_param("ca_mM")
    assert str(info.value) == (
        f"'ca_mM' must be {p.range_text()} (extracellular ionised calcium); got 12.0. "
        "Plasma values are about 1.1-1.3 mM \N{EM DASH} did you enter total calcium in mg/dL?"
    )


def test_parameter_error_is_value_error():
    with pytest.raises(ValueError):
        Scenario(k_mM=100)


def test_wrong_type_message():
    with pytest.raises(ParameterError, match=r"got 'abc' \(str\)\."):
        Scenario(ca_mM="abc")


def test_invalid_value_message_shows_numpy_values_plainly():
    p = scenario_param("ca_mM")
    assert "got 12.0." in invalid_value_message(p, np.float64(12.0))
    assert "got 12." in invalid_value_message(p, np.int64(12))


def test_huge_int_is_reported_not_crashing():
    with pytest.raises(ParameterError, match="'rate_hz'"):
        Scenario(rate_hz=10**400)
    with pytest.raises(ParameterError, match="'rate_hz'"):
        Scenario(rate_hz=10**5000)  # repr() of this raises in Python 3.11


def test_check_value_works_for_any_param():
    p = Param("x_mV", 0.0, "mV", "a test value", "test", -10.0, 10.0, hint="Try 0.")
    assert check_value(p, 3) == 3.0
    with pytest.raises(
        ParameterError, match=r"^'x_mV' must be between -10 and 10 mV \(a test value\); got 11\. Try 0\.$"
    ):
        check_value(p, 11)


# -- text choices --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Voluntary", "voluntary"),
        ("VOLUNTARY", "voluntary"),
        ("stim", "stimulation"),
        ("stimulaton", "stimulation"),
        (" voluntary ", "voluntary"),
        ("volantary", "voluntary"),
    ],
)
def test_text_choices_are_case_sensitive_but_suggest_closest(typed, suggested):
    with pytest.raises(ParameterError) as info:
        Scenario(drive=typed)
    message = str(info.value)
    assert f"got {typed!r}." in message
    assert f"Did you mean {suggested!r}?" in message


def test_text_choice_without_close_match_has_no_suggestion():
    with pytest.raises(ParameterError) as info:
        Scenario(drive="banana")
    assert "Did you mean" not in str(info.value)
    assert "one of 'voluntary', 'stimulation'" in str(info.value)


@pytest.mark.parametrize("choice", scenario_param("drive").choices)
def test_all_choices_accepted(choice):
    assert Scenario(drive=choice).drive == choice


# -- cross-field check ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "total"), [(3.0, 3.0), (5.0, 3.0), (60.0, 0.01)])
def test_drive_must_start_before_run_ends(start, total):
    with pytest.raises(ParameterError) as info:
        Scenario(drive_start_s=start, duration_s=total)
    message = str(info.value)
    assert "'drive_start_s'" in message and "'duration_s'" in message
    assert repr(float(start)) in message and repr(float(total)) in message


def test_drive_may_outlast_the_run_and_stretch_may_fall_after_it():
    sc = Scenario(drive_start_s=2.0, drive_s=30.0, duration_s=3.0, stretch_at_s=50.0)
    assert sc.drive_end_s == 32.0


def test_replace_checks_cross_field_rule():
    with pytest.raises(ParameterError, match="duration_s"):
        Scenario().replace(duration_s=0.1)
    assert Scenario().replace(duration_s=0.1, drive_start_s=0.0).duration_s == 0.1


# -- unknown names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("rate", "'rate' is not a Scenario field; did you mean 'rate_hz'?"),
        ("ca", "'ca' is not a Scenario field; did you mean 'ca_mM'?"),
        ("CA_MM", "'CA_MM' is not a Scenario field; did you mean 'ca_mM'?"),
        ("temperature", "'temperature' is not a Scenario field; did you mean 'temperature_c'?"),
        ("stretch_at", "'stretch_at' is not a Scenario field; did you mean 'stretch_at_s'?"),
    ],
)
def test_replace_unknown_name_suggests(typed, expected):
    with pytest.raises(ParameterError) as info:
        Scenario().replace(**{typed: 1.0})
    assert str(info.value) == expected


def test_unknown_name_without_close_match_lists_valid_names():
    with pytest.raises(ParameterError) as info:
        Scenario().replace(zzz=1)
    message = str(info.value)
    assert message.startswith("'zzz' is not a Scenario field; valid names are: ")
    for p in SCENARIO_PARAMS:
        assert p.name in message


def test_unknown_name_message_handles_non_strings():
    assert unknown_name_message(3, ["a"]).startswith("3 (int) is not a Scenario field")


@pytest.mark.parametrize(
    "make",
    [
        lambda: Scenario(rate=3),  # type: ignore[call-arg]
        lambda: dataclasses.replace(Scenario(), rate=1),
        lambda: Scenario().replace(rate=1),
        lambda: Scenario.from_dict({"rate": 1}),
    ],
    ids=["constructor", "dataclasses.replace", "replace", "from_dict"],
)
def test_unknown_keyword_is_parameter_error_with_suggestion(make):
    # Reliability audit D15: Scenario(rate=10) and dataclasses.replace(sc, rate=1) gave a bare TypeError.
    with pytest.raises(ParameterError, match=r"^'rate' is not a Scenario field; did you mean 'rate_hz'\?$"):
        make()


def test_unknown_names_are_listed_at_most_five_times():
    # Audit D7: 200,000 unknown keys gave a 56 MB message; now five are named and the rest counted.
    names = {f"unknown_{i}": 1 for i in range(9_317)}
    with pytest.raises(ParameterError) as info:
        Scenario(**names)
    message = str(info.value)
    assert message.count("is not a Scenario field") == 5
    assert message.endswith("(and 9,312 more unknown names)")
    assert len(message) < 2_000


def test_a_huge_unknown_name_gets_no_suggestion_and_a_short_message():
    with pytest.raises(ParameterError) as info:
        Scenario.from_dict({"x" * 10_000_000: 1})
    assert len(str(info.value)) < 1_000


def test_signature_shows_the_fields():
    import inspect

    signature = inspect.signature(Scenario)
    assert list(signature.parameters) == list(Scenario.field_names())
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in signature.parameters.values())


@pytest.mark.parametrize("args", [("stimulation", 50.0), (20,), (0.8,), tuple(range(25))])
def test_positional_values_are_refused_with_a_clear_message(args):
    with pytest.raises(ParameterError) as info:
        Scenario(*args)
    message = str(info.value)
    assert message.startswith("Scenario takes its fields by name, e.g. Scenario(rate_hz=20, ca_mM=0.8); "
                              f"got {len(args)} value")
    assert repr(args[0]) in message and "help(simlib.Scenario)" in message
    assert len(message) < 300


def test_keyword_construction_copies_and_replace_are_equal():
    import copy

    sc = Scenario(drive="stimulation", rate_hz=50.0)
    assert pickle.loads(pickle.dumps(sc)) == sc and copy.deepcopy(sc) == sc and copy.copy(sc) == sc
    assert dataclasses.replace(sc, ca_mM=0.8) == sc.replace(ca_mM=0.8)
    assert hash(sc) == hash(tuple(getattr(sc, name) for name in Scenario.field_names()))  # as before


@pytest.mark.parametrize("name", ["duration_s", "ca_mM", "rate_hz", "drive_s", "ryr_block", "k_mM"])
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_floats_at_the_range_ends_are_accepted_as_typed(name, dtype):
    # Audit D15: np.float32(0.001) was refused as out of range. A float32 or float16 is read as the shortest
    # decimal that rounds to it, so np.float32(0.01) is 0.01 (its binary value 0.00999999977... is below the range).
    param = next(p for p in SCENARIO_PARAMS if p.name == name)
    for bound in (param.low, param.high):
        value = dtype(bound)
        if float(str(value)) != bound:  # float16 cannot hold every bound's decimal; that is a different number
            continue
        changes = {name: value}
        if name == "duration_s":
            changes["drive_start_s"] = 0.0
        sc = Scenario(**changes)
        assert getattr(sc, name) == bound and type(getattr(sc, name)) is float


def test_float32_in_range_is_stored_as_the_typed_decimal():
    assert Scenario(ca_mM=np.float32(0.8)).ca_mM == 0.8
    with pytest.raises(ParameterError, match="'ca_mM' must be between 0.3 and 4 mM"):
        Scenario(ca_mM=np.float32(0.29))
    with pytest.raises(ParameterError):
        Scenario(ca_mM=np.float32("inf"))


# -- immutability, equality, replace, dict conversion --------------------------------------------------


def test_frozen():
    sc = Scenario()
    with pytest.raises(dataclasses.FrozenInstanceError):
        sc.ca_mM = 0.5  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):
        sc.new_attribute = 1  # type: ignore[attr-defined]


def test_hashable_equal_and_picklable():
    a = Scenario(ca_mM=0.8)
    b = Scenario().replace(ca_mM=0.8)
    assert a == b and hash(a) == hash(b)
    assert len({a, b, Scenario()}) == 2
    assert pickle.loads(pickle.dumps(a)) == a


def test_replace_returns_new_validated_copy():
    sc = Scenario()
    new = sc.replace(ca_mM=0.8, rate_hz=0)
    assert sc == Scenario()
    assert (new.ca_mM, new.rate_hz) == (0.8, 0.0)
    assert type(new.rate_hz) is float
    assert sc.replace() == sc
    with pytest.raises(ParameterError, match="'ca_mM'"):
        sc.replace(ca_mM=12.0)


def test_to_dict_from_dict_round_trip():
    sc = Scenario(drive="stimulation", rate_hz=50, ca_mM=0.75, stretch_at_s=1.5)
    data = sc.to_dict()
    assert list(data) == [p.name for p in SCENARIO_PARAMS]
    assert data["stretch_at_s"] == 1.5
    assert Scenario.from_dict(data) == sc
    assert Scenario().to_dict()["stretch_at_s"] is None
    assert Scenario.from_dict({}) == Scenario()


def test_from_dict_unknown_and_invalid_with_source():
    with pytest.raises(ParameterError) as info:
        Scenario.from_dict({"rate": 3}, source="lab.toml")
    assert str(info.value) == "lab.toml: 'rate' is not a Scenario field; did you mean 'rate_hz'?"
    with pytest.raises(ParameterError) as info:
        Scenario.from_dict({"ca_mM": 12.0}, source="lab.toml")
    assert str(info.value).startswith("lab.toml: 'ca_mM' must be between")
    with pytest.raises(ParameterError) as info:
        Scenario.from_dict({"ca_mM": 12.0})
    assert str(info.value).startswith("'ca_mM' must be between")


def test_from_dict_reports_every_unknown_name():
    with pytest.raises(ParameterError) as info:
        Scenario.from_dict({"rate": 3, "ca": 1})
    assert "'rate'" in str(info.value) and "'ca'" in str(info.value)


def test_from_dict_rejects_non_mapping():
    with pytest.raises(ParameterError, match="got list"):
        Scenario.from_dict([("ca_mM", 1.0)])  # type: ignore[arg-type]


# -- display -------------------------------------------------------------------------------------------


def test_repr_shows_only_non_default_fields_and_evaluates_back():
    sc = Scenario(ca_mM=0.75, rate_hz=0)
    assert repr(sc) == "Scenario(rate_hz=0.0, ca_mM=0.75)"
    other = Scenario(drive="stimulation", stretch_at_s=2.0)
    assert repr(other) == "Scenario(drive='stimulation', stretch_at_s=2.0)"
    for s in (sc, other, Scenario()):
        assert eval(repr(s), {"Scenario": Scenario}) == s  # noqa: S307 - trusted test input


def test_describe_lists_changed_fields_with_units():
    text = Scenario(ca_mM=0.75, rate_hz=0, drive="stimulation").describe()
    lines = text.splitlines()
    assert len(lines) == 4
    assert "ca_mM = 0.75 mM" in text and "default 1.2 mM" in text
    assert "rate_hz = 0 Hz" in text
    assert "drive = 'stimulation'" in text
    assert "k_mM" not in text


def test_seed_must_be_a_whole_number():
    assert Scenario(seed=np.int64(7)).seed == 7 and type(Scenario(seed=7.0).seed) is int
    with pytest.raises(ParameterError, match="'seed' must be a whole number"):
        Scenario(seed=1.5)
    with pytest.raises(ParameterError):
        Scenario(seed=-1)
