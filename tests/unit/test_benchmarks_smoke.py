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
            "max_abs_force_diff", "peak_force", "spike_count_diff", "reference_error_estimate", "extra"}
BENCHMARKS = {"default_3s", "default_3s_scipy_lsoda_1e-04", "default_3s_scipy_lsoda_1e-06", "stim_100hz",
              "stim_100hz_scipy_lsoda_1e-04", "stim_100hz_scipy_lsoda_1e-06", "sweep_6x6_workers2", "sweep_6x6_serial",
              "cold_import", "cold_first_simulate", "memory_60s"}
TARGET_KEYS = {"default_3s_median_ms", "speedup_vs_best_scipy", "max_force_error", "sweep_60x60_wall_s",
               "cold_import_ms", "cold_first_simulate_ms", "cold_first_simulate_empty_cache_ms", "memory_60s_mb",
               "slider_p95_ms", "slider_p95_ipympl_ms"}


@pytest.mark.slow
def test_quick_benchmark_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ratio to baseline" in proc.stdout
    results = json.loads(out.read_text(encoding="utf-8"))
    assert {"schema", "mode", "machine", "settings", "benchmarks", "accuracy", "widget", "targets"} <= set(results)
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
        assert row["baseline"].startswith(f"{name}_scipy_lsoda_")
        assert row["ratio_to_baseline"] > 0 and row["extra"]["speedup_vs_baseline"] > 0
        assert math.isfinite(row["max_abs_force_diff"])
    assert results["benchmarks"]["sweep_6x6_workers2"]["extra"]["identical_to_serial"] is True
    assert results["benchmarks"]["memory_60s"]["extra"]["rss_peak_mb"] > 0
    assert len(results["accuracy"]) == 2
    for case in results["accuracy"]:
        assert math.isfinite(case["max_abs_force_diff"]), case
    assert TARGET_KEYS <= set(results["targets"])
    if (ROOT / "benchmarks" / "widget_latency.py").exists():
        assert "widget_slider_update" in results["benchmarks"], results["widget"]
    assert not list(tmp_path.glob("*.tmp")), "the JSON must be written atomically"
