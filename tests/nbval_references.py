"""pytest plugin: the outputs nbval compares, kept in ``tests/notebook_outputs.json`` instead of the notebooks.

The lesson notebooks are stored without any outputs (CONTRIBUTING.md). Some cells still print numbers
worth guarding against regressions: they carry the cell tag ``nbval-check-output`` (nbval's tag form
of the ``# NBVAL_CHECK_OUTPUT`` comment, kept out of the code learners read). Their expected output
(stdout, keyed by notebook file name and cell id) lives in ``tests/notebook_outputs.json``; before the
cells run, this plugin gives each such cell its reference output, so that ``pytest --nbval-lax``
compares it as if it had been stored in the notebook. ``make notebook-outputs``
(:mod:`tests.record_notebook_outputs`) rewrites the file after a deliberate change.

Load it with ``python -m pytest -p tests.nbval_references --nbval-lax notebooks`` (``make test`` does).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

REFERENCE_FILE = Path(__file__).with_name("notebook_outputs.json")
CHECK_TAG = "nbval-check-output"
# nbval's comment form of the tag; not used in the lessons (learners would read it), refused by the hygiene test
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def load_references(path: Path = REFERENCE_FILE) -> dict[str, dict[str, str]]:
    """Return ``{notebook file name: {cell id: expected stdout}}``."""
    return json.loads(path.read_text(encoding="utf-8"))


def is_checked(cell: dict) -> bool:
    """Whether nbval compares a code cell's output (it has the tag ``nbval-check-output``)."""
    tags = cell.get("metadata", {}).get("tags", [])
    return cell.get("cell_type") == "code" and isinstance(tags, list) and CHECK_TAG in tags


def checked_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Code cells whose output nbval compares."""
    return [cell for cell in notebook.cells if is_checked(cell)]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every checked nbval cell its reference output (and a run count, without which nbval skips it).

    Raises
    ------
    pytest.UsageError
        If a checked cell has no reference output, or if a collected notebook has references but
        none of its cells could be given one (nbval's items no longer look as this plugin expects:
        the comparison would silently be skipped).
    """
    references = load_references()
    given: dict[str, int] = {}
    for item in items:
        if item.path.suffix != ".ipynb":
            continue
        notebook = item.path.name
        given.setdefault(notebook, 0)
        options, cell = getattr(item, "options", None), getattr(item, "cell", None)
        if not isinstance(options, dict) or not options.get("check") or cell is None:
            continue
        if not is_checked(cell):
            raise pytest.UsageError("tests.nbval_references works with --nbval-lax: only cells tagged "
                                    f"{CHECK_TAG!r} have reference outputs (the notebooks store none).")
        expected = references.get(notebook, {}).get(cell.get("id"))
        if expected is None:
            raise pytest.UsageError(
                f"{notebook}: cell {cell.get('id')!r} is tagged {CHECK_TAG!r} but {REFERENCE_FILE.name} has no "
                "output for it. Run `make notebook-outputs` and review the diff."
            )
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=expected)]
        cell.execution_count = cell.execution_count or 1
        given[notebook] += 1
    for notebook, count in given.items():
        expected_count = len(references.get(notebook, {}))
        if count != expected_count:
            raise pytest.UsageError(
                f"{notebook}: {expected_count} reference outputs in {REFERENCE_FILE.name}, but {count} checked "
                "cells were found among nbval's items. Run pytest with --nbval-lax; if nbval changed how it "
                "represents cells, update tests/nbval_references.py."
            )
