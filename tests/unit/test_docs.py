"""docs/model.md is generated from the declarations (tools/docgen.py), and they are complete enough to generate it."""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import pytest

from simlib import model
from simlib.parameters import Param
from simlib.scenario import SCENARIO_PARAMS

ROOT = Path(__file__).resolve().parents[2]
MODEL_DOC = ROOT / "docs" / "model.md"
DOCGEN = ROOT / "tools" / "docgen.py"
CONSTANTS = tuple(model.constants().values())


def _load_docgen():
    """tools/docgen.py is a script of the source checkout, not a module of the package: load it by path."""
    spec = importlib.util.spec_from_file_location("tools_docgen", DOCGEN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


docgen = _load_docgen()
ALL_PARAMS = [pytest.param(p, id=f"scenario:{p.name}") for p in SCENARIO_PARAMS] + [
    pytest.param(p, id=f"constant:{p.name}") for p in CONSTANTS
]
# A name that ends in a unit suffix must declare exactly that unit (longest suffix first, so that
# ``_per_uM_ms`` is not read as ``_ms``). Names without one may be dimensionless (unit "").
UNIT_SUFFIXES = (
    ("_per_uM_ms", "1/(µM·ms)"),
    ("_uM_ms", "µM/ms"),
    ("_per_ms", "1/ms"),
    ("_mV_per_deg_s", "mV per °/s"),
    ("_mV_per_deg", "mV/°"),
    ("_deg_s", "°/s"),
    ("_deg", "°"),
    ("_mS_cm2", "mS/cm²"),
    ("_mM", "mM"),
    ("_uM", "µM"),
    ("_mV", "mV"),
    ("_ms", "ms"),
    ("_hz", "Hz"),
    ("_s", "s"),
    ("_c", "°C"),
)


def test_docgen_check_passes():
    """docs/model.md is up to date: otherwise run `make docs` (python tools/docgen.py) and commit."""
    proc = subprocess.run([sys.executable, str(DOCGEN), "--check"], cwd=ROOT / "docs",
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert str(MODEL_DOC) in proc.stdout  # found from the script's own place, whatever the working directory


def test_docgen_is_a_developer_tool_outside_the_package():
    assert not (ROOT / "simlib" / "docgen.py").exists()
    assert importlib.util.find_spec("simlib.docgen") is None
    assert "python tools/docgen.py" in docgen.render_parameter_tables()  # the generated note says how


def test_check_mode_detects_a_stale_file_and_write_mode_fixes_it(tmp_path):
    stale = tmp_path / "model.md"
    stale.write_text(f"intro\n\n{docgen.BEGIN_MARKER}\nold table\n{docgen.END_MARKER}\n\noutro\n", encoding="utf-8")
    assert docgen.main(["--check", "--path", str(stale)]) == 1
    assert "old table" in stale.read_text(encoding="utf-8"), "--check must not write"
    assert docgen.main(["--path", str(stale)]) == 0
    text = stale.read_text(encoding="utf-8")
    assert text.startswith("intro\n\n") and text.endswith("\n\noutro\n"), "text outside the markers must be kept"
    assert "old table" not in text
    assert docgen.main(["--check", "--path", str(stale)]) == 0


def test_missing_markers_are_an_error(tmp_path):
    doc = tmp_path / "model.md"
    doc.write_text("no markers here\n", encoding="utf-8")
    assert docgen.main(["--check", "--path", str(doc)]) == 2


def test_tables_list_every_parameter_constant_and_preset():
    import simlib

    text = docgen.render_parameter_tables()
    for p in (*SCENARIO_PARAMS, *CONSTANTS):
        assert f"| `{p.name}` |" in text
    for name in simlib.PRESETS:
        assert f"| `{name}` |" in text


def test_pipes_in_cells_are_escaped():
    assert docgen.escape_cell("a | b\nc") == r"a \| b c"
    table = docgen.markdown_table(("x", "y"), [("1|2", "3")])
    assert table.splitlines()[-1] == r"| 1\|2 | 3 |"


def _cell_count(line: str) -> int:
    return len(line.replace(r"\|", "").strip().strip("|").split("|"))


def test_every_table_row_has_the_header_column_count():
    tables: list[list[str]] = [[]]
    for line in docgen.render_parameter_tables().splitlines():
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    tables = [t for t in tables if t]
    assert len(tables) == 4
    for table in tables:
        width = _cell_count(table[0])
        assert all(_cell_count(row) == width for row in table), table[0]


@pytest.mark.parametrize("param", ALL_PARAMS)
def test_param_metadata_is_complete(param: Param):
    assert isinstance(param.unit, str)
    assert docgen.unit_text(param).strip(), "unit column must show a unit or the dimensionless marker"
    for suffix, unit in UNIT_SUFFIXES:
        if param.name.endswith(suffix):
            assert param.unit == unit, f"{param.name} ends in {suffix!r} so its unit must be {unit!r}"
            break
    assert param.meaning.strip(), "meaning must not be empty"
    assert param.source.strip(), "source must not be empty"


@pytest.mark.parametrize("param", ALL_PARAMS)
def test_param_default_is_inside_its_range(param: Param):
    value = param.default
    if param.choices:
        assert value in param.choices
        return
    if value is None:
        assert param.optional, f"{param.name} defaults to None but is not optional"
        return
    assert isinstance(value, (int, float)) and not isinstance(value, bool)
    assert math.isfinite(value)
    if param.low is not None:
        assert value >= param.low, f"{param.name} = {value} is below its range {docgen.range_text(param)}"
    if param.high is not None:
        assert value <= param.high, f"{param.name} = {value} is above its range {docgen.range_text(param)}"
    if param.low is not None and param.high is not None:
        assert param.low <= param.high
