"""The nbval plugin that hands the checked notebook cells their reference outputs (tests/nbval_references.py)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tests import nbval_references
from tests.nbval_references import CHECK_MARK, CHECK_TAG


class _Cell:
    """Stands in for nbval's IPyNbCell: the attributes the plugin relies on."""

    def __init__(self, notebook: str, cell: nbformat.NotebookNode, check: bool) -> None:
        self.path = Path("notebooks") / notebook
        self.cell = cell
        self.options = {"check": check}


def _code(cell_id: str, source: str, tagged: bool = False) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    if tagged:
        cell.metadata["tags"] = [CHECK_TAG]
    return cell


@pytest.fixture
def references(monkeypatch):
    refs = {"lesson.ipynb": {"c2": "peak force: 0.6\n"}}
    monkeypatch.setattr(nbval_references, "load_references", lambda: refs)
    return refs


def test_a_checked_cell_gets_its_reference_output_and_a_run_count(references):
    checked = _Cell("lesson.ipynb", _code("c2", "print(1)", tagged=True), check=True)
    plain = _Cell("lesson.ipynb", _code("c1", "x = 1"), check=False)
    nbval_references.pytest_collection_modifyitems([plain, checked])
    assert [o.text for o in checked.cell.outputs] == ["peak force: 0.6\n"]
    assert checked.cell.execution_count == 1
    assert plain.cell.outputs == [] and plain.cell.execution_count is None


def test_a_checked_cell_without_reference_stops_the_run(references):
    item = _Cell("lesson.ipynb", _code("c9", "print(1)", tagged=True), check=True)
    with pytest.raises(pytest.UsageError, match="make notebook-outputs"):
        nbval_references.pytest_collection_modifyitems([item])


def test_references_that_reach_no_cell_stop_the_run(references):
    # e.g. nbval renamed the attributes the plugin reads: the comparison must not be skipped silently
    item = _Cell("lesson.ipynb", _code("c2", "print(1)", tagged=True), check=True)
    del item.options
    with pytest.raises(pytest.UsageError, match="1 reference outputs"):
        nbval_references.pytest_collection_modifyitems([item])


def test_the_comment_marker_alone_is_refused(references):
    # the lessons tag their checked cells; the comment form would show in the learners' code
    item = _Cell("lesson.ipynb", _code("c2", f"{CHECK_MARK}\nprint(1)"), check=True)
    with pytest.raises(pytest.UsageError, match=CHECK_TAG):
        nbval_references.pytest_collection_modifyitems([item])


def test_strict_nbval_is_refused(references):
    item = _Cell("lesson.ipynb", _code("c1", "print(1)"), check=True)  # --nbval checks every cell
    with pytest.raises(pytest.UsageError, match="--nbval-lax"):
        nbval_references.pytest_collection_modifyitems([item])
