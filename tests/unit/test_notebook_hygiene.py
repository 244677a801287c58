"""How the lesson notebooks are stored: thin, without outputs or saved widget state (CONTRIBUTING.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def _cells(path: Path, kind: str) -> list[tuple[int, str, dict]]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [(i, "".join(c["source"]), c) for i, c in enumerate(notebook["cells"]) if c["cell_type"] == kind]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 9


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs_except_checked_cells(path):
    # Only cells whose printed numbers nbval compares keep their (reference) output.
    for i, source, cell in _cells(path, "code"):
        if not source.lstrip().startswith(CHECK_MARK):
            assert not cell.get("outputs"), f"{path.name} cell {i} is stored with outputs (run nbstripout)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_saved_widget_state(path):
    # Saved ipywidgets state bloats the file (it held 1 MB of images) and is stale on the next run.
    assert "widgets" not in json.loads(path.read_text(encoding="utf-8"))["metadata"], path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_import_cell_and_no_definitions(path):
    code = _cells(path, "code")
    importing = [i for i, source, _ in code if re.search(r"^\s*(import|from)\s", source, re.MULTILINE)]
    assert importing == [code[0][0]], f"{path.name}: imports belong in the first code cell only"
    for i, source, _ in code:
        assert not re.search(r"^\s*(def|class)\s|\blambda\b", source, re.MULTILINE), (
            f"{path.name} cell {i} defines a function or class: move it into simlib")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_have_alt_text(path):
    assert any("Alt text:" in source for _, source, _ in _cells(path, "markdown")), path.name
