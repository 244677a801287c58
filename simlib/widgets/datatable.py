"""The bench's data table: recorded rows, deletion, CSV export and import, an optional store (no widgets).

A row is a dict of column name to a value: a number, a word, True/False, or None (empty: the setting
or measure does not apply). Columns are the union of the rows' keys in the order they first appear.
The CSV file has one header line of column names and writes None as an empty cell; reading it back
gives the same rows (:meth:`DataTable.read_csv`): numbers become floats, ``True``/``False`` booleans.

A :class:`TableStore` (any object with ``save_table`` and ``load_table``, e.g. a lab book that keeps
a learner's work beside the notebook) makes the table persistent: the rows are restored when the
table is made and saved after every change.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from simlib._fileio import atomic_write
from simlib.errors import ParameterError

__all__ = ["Cell", "DataTable", "TableStore", "format_value", "parse_cell"]

Cell = str | float | int | bool | None


def format_value(value: object, missing: str = "") -> str:
    """Show one table value as text: ``missing`` for None, yes/no for booleans, 4 significant digits for floats.

    Lists and dicts (a lab book's saved records) are shown as JSON; anything else with ``str``.
    """
    if value is None:
        return missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)



@runtime_checkable
class TableStore(Protocol):
    """Where a table's rows are kept between sessions (e.g. a lab book beside the notebook)."""

    def save_table(self, key: str, rows: list[dict[str, object]]) -> None:
        """Keep ``rows`` (replacing what was kept under ``key``)."""

    def load_table(self, key: str) -> list[dict[str, object]]:
        """Return the rows kept under ``key`` (an empty list if none)."""


def parse_cell(text: str) -> Cell:
    """Read one CSV cell back: empty → None, ``True``/``False`` → bool, a number → float, else the text."""
    if text == "":
        return None
    if text in ("True", "False"):
        return text == "True"
    try:
        return float(text)
    except ValueError:
        return text


def _cell_text(value: object) -> str:
    """Write one cell: None as empty, floats with repr precision (so they read back exactly)."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else "")
    return repr(value) if isinstance(value, float) else str(value)


class DataTable:
    """Recorded rows of settings and measured values.

    Parameters
    ----------
    rows : iterable of mapping, optional
        Starting rows (copied).
    store : TableStore, optional
        When given, the rows it keeps under ``key`` (if any) replace ``rows``, and the rows are saved
        to it after every change.
    key : str, default "bench"
        Name of the table in ``store``.

    Raises
    ------
    ParameterError
        If ``store`` lacks ``save_table``/``load_table``, or a row is not a mapping of str.
    """

    def __init__(self, rows: Iterable[Mapping[str, object]] = (), *, store: TableStore | None = None,
                 key: str = "bench") -> None:
        if store is not None and not isinstance(store, TableStore):
            raise ParameterError("'store' must have save_table(key, rows) and load_table(key) methods; "
                                 f"got {type(store).__name__}")
        self.store, self.key = store, str(key)
        self._rows = [_checked_row(r) for r in rows]
        if store is not None:
            kept = store.load_table(self.key)
            if kept:
                self._rows = [_checked_row(r) for r in kept]

    # -- reading ------------------------------------------------------------------------------------

    @property
    def rows(self) -> list[dict[str, object]]:
        """Copies of the rows, in recording order."""
        return [dict(r) for r in self._rows]

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def columns(self) -> list[str]:
        """Every column, in the order the columns first appear in the rows."""
        return list(dict.fromkeys(k for r in self._rows for k in r))

    def numeric_columns(self) -> list[str]:
        """Columns with at least one number (bools excluded): those a plot can use."""
        return [c for c in self.columns
                if any(isinstance(r.get(c), (int, float)) and not isinstance(r.get(c), bool) for r in self._rows)]

    def xy(self, x: str, y: str) -> tuple[list[float], list[float]]:
        """Finite number pairs of columns ``x`` and ``y``, sorted by x (rows missing either are left out)."""
        pairs = sorted((float(r[x]), float(r[y])) for r in self._rows  # type: ignore[arg-type]
                       if _is_number(r.get(x)) and _is_number(r.get(y)))
        return [p[0] for p in pairs], [p[1] for p in pairs]

    # -- changes ------------------------------------------------------------------------------------

    def add(self, row: Mapping[str, object]) -> int:
        """Append a row (copied); return its index."""
        self._rows.append(_checked_row(row))
        self._save()
        return len(self._rows) - 1

    def delete(self, indices: Iterable[int]) -> int:
        """Delete the rows at ``indices`` (out-of-range ones are ignored); return how many went."""
        doomed = {int(i) for i in indices if 0 <= int(i) < len(self._rows)}
        self._rows = [r for i, r in enumerate(self._rows) if i not in doomed]
        if doomed:
            self._save()
        return len(doomed)

    def clear(self) -> None:
        """Delete every row."""
        self._rows = []
        self._save()

    def _save(self) -> None:
        if self.store is not None:
            self.store.save_table(self.key, self.rows)

    # -- CSV ----------------------------------------------------------------------------------------

    def csv_text(self) -> str:
        """Return the table as CSV text (header line of column names, None as an empty cell)."""
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        columns = self.columns
        writer.writerow(columns)
        writer.writerows([_cell_text(r.get(c)) for c in columns] for r in self._rows)
        return out.getvalue()

    def to_csv(self, path: str | os.PathLike[str], *, overwrite: bool = True) -> Path:
        """Write the table as CSV (UTF-8), atomically (:func:`simlib._fileio.atomic_write`); return the path.

        Raises
        ------
        ParameterError
            If the file cannot be written (it names the file and the reason); a previous file is unchanged.
        """
        target = Path(os.fspath(path))
        data = self.csv_text().encode("utf-8")

        def write(handle: BinaryIO) -> None:
            handle.write(data)

        atomic_write(target, write, overwrite=overwrite)
        return target

    @staticmethod
    def parse_csv(text: str) -> list[dict[str, object]]:
        """Rows of a CSV text written by :meth:`csv_text` (cells read with :func:`parse_cell`).

        Raises
        ------
        ParameterError
            If a line has more cells than the header.
        """
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        header = next(reader, [])
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cells):
                continue
            if len(cells) > len(header):
                raise ParameterError(f"line {number} of the CSV has {len(cells)} cells but the header "
                                     f"names {len(header)} columns")
            rows.append({c: parse_cell(v) for c, v in zip(header, cells, strict=False)})
        return rows

    def read_csv(self, path: str | os.PathLike[str]) -> int:
        """Append the rows of a CSV file written by :meth:`to_csv`; return how many were added.

        Raises
        ------
        ParameterError
            If the file cannot be read (with the reason) or is not such a table.
        """
        try:
            text = Path(os.fspath(path)).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ParameterError(f"{path}: cannot read the table ({exc})") from exc
        return self.extend(self.parse_csv(text))

    def extend(self, rows: Sequence[Mapping[str, object]]) -> int:
        """Append several rows (one save); return how many were added."""
        self._rows.extend(_checked_row(r) for r in rows)
        if rows:
            self._save()
        return len(rows)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _checked_row(row: Mapping[str, object]) -> dict[str, object]:
    if not isinstance(row, Mapping) or not all(isinstance(k, str) for k in row):
        raise ParameterError(f"a table row must be a mapping of column names (str) to values; got {row!r}")
    return dict(row)
