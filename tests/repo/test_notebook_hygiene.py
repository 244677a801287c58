"""How the lesson notebooks are stored: thin, without outputs or saved widget state (CONTRIBUTING.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.nbval_references import CHECK_TAG, is_checked, load_references

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def _cells(path: Path, kind: str) -> list[tuple[int, str, dict]]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [(i, "".join(c["source"]), c) for i, c in enumerate(notebook["cells"]) if c["cell_type"] == kind]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 9


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    for i, _, cell in _cells(path, "code"):
        assert not cell.get("outputs"), f"{path.name} cell {i} is stored with outputs (run nbstripout)"
        assert cell.get("execution_count") is None, f"{path.name} cell {i} is stored with a run count (run nbstripout)"


def test_every_checked_cell_has_a_reference_output_and_every_reference_a_checked_cell():
    # What the checked cells print is kept in tests/notebook_outputs.json (tests/nbval_references.py).
    checked = {path.name: {cell["id"] for _, _, cell in _cells(path, "code")
                           if is_checked(cell)} for path in NOTEBOOKS}
    references = {name: set(cells) for name, cells in load_references().items()}
    assert references == {name: ids for name, ids in checked.items() if ids}, (
        f"tests/notebook_outputs.json and the cells tagged {CHECK_TAG!r} disagree: run `make notebook-outputs`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_test_markers_in_the_code_learners_read(path):
    # nbval's markers go into the cell tags (nbval-check-output), not into comments in the code
    for i, source, _ in _cells(path, "code"):
        assert not re.search(r"^\s*#\s*(NBVAL|PYTEST_VALIDATE)_", source, re.MULTILINE), (
            f"{path.name} cell {i}: use the cell tag {CHECK_TAG!r} instead of an NBVAL comment")


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


def test_make_test_gives_nbval_the_reference_outputs():
    # without the plugin nbval would see checked cells without a run count and skip their comparison
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    nbval_lines = [line for line in makefile.splitlines() if "--nbval-lax" in line]
    assert nbval_lines and all("-p tests.nbval_references" in line for line in nbval_lines)


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] in {"01", "02", "03", "04", "05", "06"}],
                         ids=lambda p: p.name)
def test_the_fibre_lessons_name_the_golgi_tendon_organ(path):
    """Issue 18: lessons 01-06 name the Golgi tendon organ, the force sensor every textbook names."""
    text = " ".join(source for _, source, _ in _cells(path, "markdown"))
    assert "Golgi tendon organ" in text
