"""Unit tests for simlib.scenario_io: TOML/JSON scenario files."""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simlib.errors import ParameterError
from simlib.parameters import SCENARIO_PARAMS, Param, scenario_param
from simlib.scenario import WHOLE_NUMBER_FIELDS, Scenario
from simlib.scenario_io import load_scenario, save_scenario

try:  # Python >= 3.11
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

FORMATS = ["toml", "json"]

EXAMPLES = [
    Scenario(),
    Scenario(stretch_at_s=1.5),
    Scenario(stretch_at_s=0.0),
    Scenario(drive="stimulation", rate_hz=50, ca_mM=0.75, mg_mM=0.1, k_mM=9.9, temperature_c=20),
    Scenario(ache_activity=0.0, release_block=1.0, receptor_block=0.3, ryr_block=0.1 + 0.2, pic_gain=3),
    Scenario(atp_mM=0.0, fatigue=1e-300, drive_start_s=0.0, drive_s=30, duration_s=0.01),
]


@pytest.fixture(params=FORMATS)
def fmt(request) -> str:
    return request.param


# -- round trips ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sc", EXAMPLES, ids=[repr(s) for s in EXAMPLES])
def test_round_trip(tmp_path, fmt, sc):
    path = tmp_path / f"sc.{fmt}"
    save_scenario(sc, path)
    loaded = load_scenario(path)
    assert loaded == sc
    assert loaded.to_dict() == sc.to_dict()
    for name, value in loaded.to_dict().items():
        assert type(value) is type(getattr(sc, name))


def test_accepts_str_and_pathlike(tmp_path):
    sc = Scenario(ca_mM=0.9)
    save_scenario(sc, str(tmp_path / "a.toml"))
    assert load_scenario(str(tmp_path / "a.toml")) == sc

    class MyPath:
        def __fspath__(self) -> str:
            return str(tmp_path / "b.json")

    save_scenario(sc, MyPath())
    assert load_scenario(MyPath()) == sc


def test_extension_is_case_insensitive(tmp_path):
    save_scenario(Scenario(k_mM=6), tmp_path / "UPPER.TOML")
    assert load_scenario(tmp_path / "UPPER.TOML").k_mM == 6.0


def test_toml_file_layout(tmp_path):
    path = tmp_path / "s.toml"
    save_scenario(Scenario(drive="stimulation", stretch_at_s=None), path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#")
    assert "\n[scenario]\n" in text
    assert 'drive = "stimulation"' in text
    assert "ca_mM = 1.2  # mM, extracellular ionised calcium" in text
    assert "stretch_at_s =" not in text  # TOML has no null: left out
    data = tomllib.loads(text)
    assert set(data) == {"scenario"}
    assert "stretch_at_s" not in data["scenario"]


def test_json_file_layout(tmp_path):
    path = tmp_path / "s.json"
    save_scenario(Scenario(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["scenario"]
    assert data["scenario"]["stretch_at_s"] is None
    assert list(data["scenario"]) == [p.name for p in SCENARIO_PARAMS]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("flat.toml", 'drive = "stimulation"\nca_mM = 0.75\nrate_hz = 50\n'),
        ("table.toml", '[scenario]\ndrive = "stimulation"\nca_mM = 0.75\nrate_hz = 50\n'),
        ("dotted.toml", 'scenario.drive = "stimulation"\nscenario.ca_mM = 0.75\nscenario.rate_hz = 50\n'),
        ("flat.json", '{"drive": "stimulation", "ca_mM": 0.75, "rate_hz": 50}'),
        ("table.json", '{"scenario": {"drive": "stimulation", "ca_mM": 0.75, "rate_hz": 50}}'),
    ],
)
def test_flat_and_table_forms_are_both_accepted(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path) == Scenario(drive="stimulation", ca_mM=0.75, rate_hz=50)


@pytest.mark.parametrize("text", ['[scenario]\ndrive = "voluntary"\n', '{"scenario": {"k_mM": 4.2}}'])
def test_missing_fields_take_defaults(tmp_path, text):
    path = tmp_path / ("s.toml" if text.startswith("[") else "s.json")
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path) == Scenario()  # the default: a 120-unit pool


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_a_complete_file_saved_before_the_pool_default_keeps_its_single_unit(tmp_path, fmt):
    """Before the pool became the default, save_scenario wrote every field but motor_units."""
    saved = Scenario(motor_units=1, ca_mM=0.8, rate_hz=30.0)
    path = tmp_path / f"old.{fmt}"
    save_scenario(saved, path)
    text = path.read_text(encoding="utf-8")
    if fmt == "toml":
        old = "\n".join(line for line in text.splitlines() if not line.startswith("motor_units"))
    else:
        data = json.loads(text)
        del data["scenario"]["motor_units"]
        old = json.dumps(data)
    assert '"motor_units"' not in old and "\nmotor_units =" not in old
    path.write_text(old, encoding="utf-8")
    assert load_scenario(path) == saved


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("empty.toml", ""),
        ("spaces.toml", "  \n\t\n"),
        ("comments.toml", "# Muscle Spasm Lab scenario (simlib).\n# Load with simlib.load_scenario(path).\n"),
        ("table.toml", "[scenario]\n"),
        ("table.json", '{"scenario": {}}'),
        ("flat.json", "{}"),
        ("empty.json", "   \n"),
    ],
)
def test_a_file_without_fields_is_refused_not_read_as_defaults(tmp_path, name, text):
    # Audit D9: an empty or half-written file (29,828 of 34,620 loads during a rewrite) was read as the
    # healthy defaults without a word.
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert any(what in message for what in ("no scenario fields", "is empty", "only white space"))
    assert "failed save" in message and "simlib scenario --template" in message


def test_utf8_bom_and_comments_are_fine(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes("\ufeff# a lesson\n[scenario] # comment\nk_mM = 7.5 # high\n".encode())
    assert load_scenario(path) == Scenario(k_mM=7.5)


# -- errors when loading -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".txt", ".py", ""])
def test_unknown_extension(tmp_path, suffix):
    path = tmp_path / f"scenario{suffix}"
    path.write_text("ca_mM = 1.0\n")
    for call in (lambda: load_scenario(path), lambda: save_scenario(Scenario(), path)):
        with pytest.raises(ParameterError) as info:
            call()
        message = str(info.value)
        assert str(path) in message and ".toml" in message and ".json" in message


def test_missing_file(tmp_path, fmt):
    path = tmp_path / f"nope.{fmt}"
    with pytest.raises(ParameterError, match="not found") as info:
        load_scenario(path)
    assert str(path) in str(info.value)


def test_directory_instead_of_file(tmp_path):
    path = tmp_path / "dir.toml"
    path.mkdir()
    with pytest.raises(ParameterError, match="directory") as info:
        load_scenario(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("bad.toml", "[scenario]\nca_mM = 1.2\nk_mM = = 3\n", 3),
        ("unclosed.toml", '[scenario]\ndrive = "voluntary\n', 2),
        ("dup.toml", "ca_mM = 1.2\nca_mM = 1.3\n", 2),
        ("bad.json", '{\n  "ca_mM": 1.2,\n  "k_mM": ,\n}', 3),
        ("trailing.json", '{\n  "ca_mM": 1.2,\n}\n', 3),
        ("dup.json", '{\n  "ca_mM": 1.2,\n  "ca_mM": 1.3\n}', None),
        ("empty.json", "x", 1),
    ],
)
def test_malformed_file_names_file_and_line(tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: malformed")
    if line is not None:
        assert f"line {line}" in message
    else:
        assert "duplicate key 'ca_mM'" in message


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes("# température\nca_mM = 1.2\n".encode("latin-1"))
    with pytest.raises(ParameterError, match="UTF-8") as info:
        load_scenario(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("unknown.toml", "rate = 3\n", "'rate' is not a Scenario field; did you mean 'rate_hz'?"),
        (
            "unknown.json",
            '{"scenario": {"Ca_mM": 1.0}}',
            "'Ca_mM' is not a Scenario field; did you mean 'ca_mM'?",
        ),
        ("section.toml", "[scenario]\nca_mM = 1.0\n[extra]\nx = 1\n", "found 'extra' outside it"),
        ("mixed.json", '{"scenario": {}, "ca_mM": 1.0}', "found 'ca_mM' outside it"),
        ("notable.json", '{"scenario": 3}', "'scenario' must be a table of Scenario fields; got int"),
        ("list.json", "[1, 2]", "got list"),
        ("string.json", '"ca_mM"', "got str"),
    ],
)
def test_bad_structure_and_unknown_keys(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message


@pytest.mark.parametrize("param", SCENARIO_PARAMS, ids=[p.name for p in SCENARIO_PARAMS])
def test_invalid_value_gives_standard_message_prefixed_by_file(tmp_path, fmt, param: Param):
    bad = "not a word" if param.is_text else (param.high or 0.0) * 2 + 100.0
    path = tmp_path / f"bad.{fmt}"
    if fmt == "toml":
        value = json.dumps(bad)  # a JSON string or float literal is also valid TOML here
        path.write_text(f"[scenario]\n{param.name} = {value}\n", encoding="utf-8")
    else:
        path.write_text(json.dumps({"scenario": {param.name: bad}}), encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: '{param.name}' must be {param.range_text()} ({param.meaning}); got ")
    assert repr(bad) in message


@pytest.mark.parametrize(
    ("name", "text", "shown"),
    [
        ("bool.toml", "ca_mM = true\n", "True (bool)"),
        ("string.toml", 'ca_mM = "1.2"\n', "'1.2' (str)"),
        ("date.toml", "ca_mM = 1979-05-27\n", "(date)"),
        ("table.toml", "[scenario.ca_mM]\nx = 1\n", "(dict)"),
        ("nan.toml", "ca_mM = nan\n", "got nan"),
        ("inf.json", '{"ca_mM": Infinity}', "got inf"),
        ("null.json", '{"ca_mM": null}', "got None"),
        ("array.json", '{"ca_mM": [1.2]}', "[1.2] (list)"),
    ],
)
def test_wrong_value_types_in_files(tmp_path, name, text, shown):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: 'ca_mM' must be between")
    assert shown in message


def test_cross_field_error_names_file(tmp_path):
    path = tmp_path / "late.json"
    path.write_text('{"drive_start_s": 5, "duration_s": 2}', encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}: 'drive_start_s' must be earlier than 'duration_s'")


# -- saving --------------------------------------------------------------------------------------------


def test_save_refuses_to_overwrite(tmp_path, fmt):
    path = tmp_path / f"s.{fmt}"
    save_scenario(Scenario(ca_mM=1.0), path)
    before = path.read_bytes()
    with pytest.raises(ParameterError, match="overwrite=True") as info:
        save_scenario(Scenario(ca_mM=2.0), path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before
    save_scenario(Scenario(ca_mM=2.0), path, overwrite=True)
    assert load_scenario(path).ca_mM == 2.0


def test_save_leaves_no_temporary_files(tmp_path, fmt):
    path = tmp_path / f"s.{fmt}"
    save_scenario(Scenario(), path)
    save_scenario(Scenario(k_mM=5), path, overwrite=True)
    with pytest.raises(ParameterError):
        save_scenario(Scenario(), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_save_into_missing_directory(tmp_path):
    path = tmp_path / "missing" / "s.toml"
    with pytest.raises(ParameterError, match="does not exist") as info:
        save_scenario(Scenario(), path)
    assert str(path) in str(info.value)


def test_save_rejects_non_scenario(tmp_path):
    with pytest.raises(TypeError, match="Scenario"):
        save_scenario({"ca_mM": 1.0}, tmp_path / "s.toml")  # type: ignore[arg-type]


@pytest.mark.skipif(os.name != "posix", reason="umask semantics are POSIX")
def test_saved_file_has_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "s.toml"
        save_scenario(Scenario(), path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_save_is_atomic_on_replace(tmp_path, monkeypatch):
    """If writing fails part-way, the existing file is untouched and no temporary file remains."""
    path = tmp_path / "s.json"
    save_scenario(Scenario(ca_mM=1.0), path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ParameterError, match="No space left") as info:
        save_scenario(Scenario(ca_mM=2.0), path, overwrite=True)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


# -- property test: every valid scenario round-trips exactly -------------------------------------------


def _field_strategy(param: Param) -> st.SearchStrategy:
    if param.is_text:
        return st.sampled_from(param.choices)
    floats = st.floats(min_value=param.low, max_value=param.high, allow_nan=False, allow_infinity=False)
    ints = st.integers(min_value=math.ceil(param.low), max_value=math.floor(param.high))
    number = ints if param.name in WHOLE_NUMBER_FIELDS else floats | ints  # whole numbers
    return (st.none() | number) if param.optional else number


_VALID_DICTS = st.fixed_dictionaries(
    {}, optional={p.name: _field_strategy(p) for p in SCENARIO_PARAMS}
).filter(
    lambda d: (
        d.get("drive_start_s", scenario_param("drive_start_s").default)
        < d.get("duration_s", scenario_param("duration_s").default)
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=_VALID_DICTS)
def test_any_valid_dict_round_trips_through_both_formats(data):
    sc = Scenario.from_dict(data)
    for name, value in data.items():
        assert getattr(sc, name) == value
    assert Scenario.from_dict(sc.to_dict()) == sc
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            path = Path(tmp) / f"s.{fmt}"
            save_scenario(sc, path)
            loaded = load_scenario(path)
            assert loaded == sc
            # exact, bit for bit (== would also accept -0.0 for 0.0)
            for name, value in sc.to_dict().items():
                got = getattr(loaded, name)
                if isinstance(value, float):
                    assert math.copysign(1.0, got) == math.copysign(1.0, value)
                    assert got.hex() == value.hex()
                else:
                    assert got == value
