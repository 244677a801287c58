"""Run the lesson notebooks and store the output of every cell tagged ``nbval-check-output``.

Usage (``make notebook-outputs``)::

    MPLBACKEND=Agg .venv/bin/python -m tests.record_notebook_outputs [notebooks/NAME.ipynb ...]

Rewrites ``tests/notebook_outputs.json`` (see :mod:`tests.nbval_references`) for the given notebooks
(default: all of ``notebooks/``). Run it only when a change moves a printed number on purpose, and
read the diff before committing: it is the record of what the lessons print.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.nbval_references import REFERENCE_FILE, checked_cells, load_references

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def record(path: Path) -> dict[str, str]:
    """Execute the notebook at ``path`` in a fresh kernel; return ``{cell id: stdout}`` of its checked cells."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                   ).execute()
    outputs = {}
    for cell in checked_cells(notebook):
        kinds = {output.output_type for output in cell.outputs}
        if kinds - {"stream"} or any(output.name != "stdout" for output in cell.outputs):
            raise SystemExit(f"{path.name}: checked cell {cell.id} prints more than text on stdout ({sorted(kinds)})")
        outputs[cell.id] = "".join(output.text for output in cell.outputs)
    return outputs


def main(paths: list[str]) -> None:
    selected = [Path(p).resolve() for p in paths] or sorted(NOTEBOOKS.glob("*.ipynb"))
    references = load_references() if REFERENCE_FILE.exists() else {}
    for path in selected:
        print(f"running {path.name} ...", flush=True)
        outputs = record(path)
        if outputs:
            references[path.name] = outputs
        else:
            references.pop(path.name, None)
    REFERENCE_FILE.write_text(json.dumps(dict(sorted(references.items())), indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")
    print(f"wrote {REFERENCE_FILE}")


if __name__ == "__main__":
    main(sys.argv[1:])
