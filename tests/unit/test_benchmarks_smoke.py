"""benchmarks/run.py --quick runs and writes the documented JSON (no timing assertions: benchmarks are not tests)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MACHINE_KEYS = {"platform", "python", "cpu_count", "numpy", "numba", "date"}
ROW_KEYS = {"name", "description", "n", "median_ms", "p95_ms", "ratio_to_baseline", "baseline",
            "max_abs_force_diff", "peak_force", "spike_count_diff", "reference_error_estimate"}
BENCHMARKS = {"default_3s", "default_3s_reference", "stim_100hz", "stim_100hz_reference", "cold_import",
              "cold_first_simulate"}


@pytest.mark.slow
def test_quick_benchmark_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ratio to baseline" in proc.stdout
    results = json.loads(out.read_text(encoding="utf-8"))
    assert {"schema", "mode", "machine", "settings", "benchmarks"} <= set(results)
    assert results["mode"] == "quick"
    assert MACHINE_KEYS <= set(results["machine"])
    assert BENCHMARKS <= set(results["benchmarks"])
    for name, row in results["benchmarks"].items():
        assert set(row) == ROW_KEYS, name
        assert row["name"] == name
        assert row["n"] >= 1
        assert math.isfinite(row["median_ms"]) and row["median_ms"] > 0
        assert row["p95_ms"] >= row["median_ms"] or math.isclose(row["p95_ms"], row["median_ms"])
    for name in ("default_3s", "stim_100hz"):
        row = results["benchmarks"][name]
        assert row["baseline"] == f"{name}_reference"
        assert row["ratio_to_baseline"] > 0
        assert math.isfinite(row["max_abs_force_diff"])
    assert not list(tmp_path.glob("*.tmp")), "the JSON must be written atomically"
