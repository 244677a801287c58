"""The bench's data table: rows, deletion, CSV round trip (atomic), the plot's columns, the store hook."""

from __future__ import annotations

import math

import pytest

import simlib
from simlib.widgets.datatable import DataTable, TableStore, parse_cell

ROWS = [
    {"run": 1, "mode": "paired", "interval_ms": 20.0, "rate_hz": None, "peak_force": 0.4123456789012345,
     "half_relaxation_ms": math.inf, "fused": None},
    {"run": 2, "mode": "paired", "interval_ms": 10.0, "rate_hz": None, "peak_force": 0.45, "fused": True},
    {"run": 3, "mode": "train, 20 Hz", "interval_ms": None, "rate_hz": 20.0, "peak_force": 0.7, "fused": False},
]


class MemoryStore:
    """The smallest TableStore: a dict, counting saves."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, object]]] = {}
        self.saves = 0

    def save_table(self, key: str, rows: list[dict[str, object]]) -> None:
        self.tables[key] = [dict(r) for r in rows]
        self.saves += 1

    def load_table(self, key: str) -> list[dict[str, object]]:
        return [dict(r) for r in self.tables.get(key, [])]


def _expected(rows):
    """What the CSV gives back: numbers as floats (ints too), the rest unchanged."""
    return [{k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in r.items()}
            for r in rows]


def test_rows_columns_and_deletion():
    table = DataTable(ROWS)
    assert len(table) == 3
    assert table.columns[:4] == ["run", "mode", "interval_ms", "rate_hz"]
    assert table.delete([0, 7]) == 1
    assert [r["run"] for r in table.rows] == [2, 3]
    table.rows[0]["run"] = 99  # rows are copies
    assert table.rows[0]["run"] == 2


def test_csv_round_trip(tmp_path):
    table = DataTable(ROWS)
    path = table.to_csv(tmp_path / "table.csv")
    assert not list(tmp_path.glob(".simlib-tmp-*"))  # written atomically, no temporary file left
    back = DataTable()
    assert back.read_csv(path) == 3
    want = _expected(ROWS)
    for got, expected in zip(back.rows, want, strict=True):
        assert {k: got.get(k) for k in table.columns} == {k: expected.get(k) for k in table.columns}
    assert back.rows[0]["peak_force"] == ROWS[0]["peak_force"]  # floats exactly


def test_csv_does_not_overwrite_unless_asked(tmp_path):
    table = DataTable(ROWS)
    table.to_csv(tmp_path / "t.csv")
    with pytest.raises(simlib.ParameterError):
        table.to_csv(tmp_path / "t.csv", overwrite=False)


def test_cells():
    assert parse_cell("") is None and parse_cell("True") is True and parse_cell("2.5") == 2.5
    assert parse_cell("inf") == math.inf and parse_cell("single") == "single"


def test_bad_csv_is_a_clear_error(tmp_path):
    (tmp_path / "bad.csv").write_text("a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(simlib.ParameterError, match="line 2"):
        DataTable().read_csv(tmp_path / "bad.csv")
    with pytest.raises(simlib.ParameterError, match="cannot read"):
        DataTable().read_csv(tmp_path / "missing.csv")


def test_plot_columns():
    table = DataTable(ROWS)
    assert "mode" not in table.numeric_columns() and "fused" not in table.numeric_columns()
    assert table.xy("interval_ms", "peak_force") == ([10.0, 20.0], [0.45, 0.4123456789012345])


def test_store_restores_and_saves_after_every_change():
    store = MemoryStore()
    assert isinstance(store, TableStore)
    table = DataTable(store=store, key="k")
    table.add(ROWS[0])
    table.add(ROWS[1])
    table.delete([0])
    assert store.saves == 3 and store.tables["k"] == [ROWS[1]]
    again = DataTable(store=store, key="k")  # e.g. after a kernel restart
    assert again.rows == [ROWS[1]]
    assert DataTable(store=store, key="other").rows == []


def test_store_must_have_both_methods():
    with pytest.raises(simlib.ParameterError, match="save_table"):
        DataTable(store=object())
