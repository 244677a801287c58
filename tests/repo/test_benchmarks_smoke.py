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


# --- benchmarks/browser_latency.py: pure helpers (no browser, no server; fast) ---------------------------

def _browser_helpers():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import _browser
        import _kernel_probe
        import browser_latency
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return _browser, _kernel_probe, browser_latency


def test_browser_stats_median_p95_max_and_none_values():
    _browser, _, _ = _browser_helpers()
    s = _browser.stats([10.0, None, 30.0, 20.0, float("nan"), 40.0])
    assert s["n"] == 4
    assert s["median_ms"] == 25.0 and s["max_ms"] == 40.0
    assert math.isclose(s["p95_ms"], 38.5)  # linear interpolation, as numpy.percentile
    assert _browser.stats([]) == {"n": 0, "median_ms": None, "p95_ms": None, "max_ms": None}
    assert _browser.stats([7.0])["p95_ms"] == 7.0


def test_browser_target_verdict():
    _browser, _, _ = _browser_helpers()
    assert _browser.target_verdict({"n": 3, "median_ms": 70.0, "p95_ms": 140.0}, 80, 150) is True
    assert _browser.target_verdict({"n": 3, "median_ms": 90.0, "p95_ms": 140.0}, 80, 150) is False
    assert _browser.target_verdict({"n": 0, "median_ms": None, "p95_ms": None}, 80, 150) is None


def test_browser_skip_reason_names_what_is_missing():
    _browser, _, _ = _browser_helpers()
    assert "playwright" in _browser.unavailable_reason(has_playwright=False, chromium="/x", has_pytest=True)
    assert "pytest" in _browser.unavailable_reason(has_playwright=True, chromium="/x", has_pytest=False)
    no_chromium = _browser.unavailable_reason(has_playwright=True, chromium=None, has_pytest=True)
    assert "Chromium" in no_chromium and "apt-get install" in no_chromium
    assert _browser.unavailable_reason(has_playwright=True, chromium="/usr/bin/chromium", has_pytest=True) is None


def test_browser_benchmark_skips_with_a_message(monkeypatch, capsys):
    _browser, _, browser_latency = _browser_helpers()
    monkeypatch.setattr(_browser, "unavailable_reason", lambda: "no Chromium found (test)")
    assert browser_latency.main(["--surfaces", "lab:08"]) == 0
    assert "skipped: no Chromium found (test)" in capsys.readouterr().out
    assert browser_latency.main(["--surfaces", "lab:08", "--require"]) == 2


def _v1_frame(channel, header, parent, content, buffers=()):
    parts = [json.dumps(x).encode() for x in (header, parent, {}, content)] + list(buffers)
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(offsets[-1] + len(channel))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    blob = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return blob + channel.encode() + b"".join(parts)


def test_browser_decodes_kernel_websocket_frames():
    import base64

    _browser, _, _ = _browser_helpers()
    header = {"msg_id": "a", "msg_type": "comm_msg", "date": "2026-12-06T21:00:00.250000Z"}
    frame = _v1_frame("iopub", header, {"msg_id": "p"}, {"data": {"method": "update"}}, [b"x" * 100])
    msg = _browser.decode_ws_frame(base64.b64encode(frame).decode(), opcode=2)
    assert msg["channel"] == "iopub" and msg["msg_type"] == "comm_msg" and msg["parent_id"] == "p"
    assert msg["comm_method"] == "update" and msg["buffers"] == 1 and msg["buffer_bytes"] == 100
    text = json.dumps({"header": {"msg_id": "b", "msg_type": "status", "date": None}, "parent_header": {},
                       "content": {"execution_state": "idle"}, "channel": "iopub"})
    assert _browser.decode_ws_frame(text, opcode=1)["msg_type"] == "status"
    assert _browser.decode_ws_frame("not json", opcode=1) is None
    assert math.isclose(_browser.parse_jupyter_date(header["date"]) % 60, 0.25)


def test_kernel_probe_variant_parsing():
    _, probe, _ = _browser_helpers()
    assert probe.parse_variant("") == {}
    assert probe.parse_variant("canvas=image, fmt=jpeg85") == {"canvas": "image", "fmt": "jpeg85"}
    with pytest.raises(ValueError, match="key=value"):
        probe.parse_variant("colour=red")


def test_browser_summary_of_synthetic_actions():
    _, _, browser_latency = _browser_helpers()

    def action(kind, total, **breakdown):
        return {"action": {"kind": kind}, "total_ms": total, "first_paint_ms": total, "unchanged": total is None,
                "timed_out": False, "breakdown_ms": breakdown, "kernel_ms": {"apply_ms": 5.0}, "image_bytes": 1000,
                "images": 1, "todataurl_ms": 2.0}

    actions = [action("key", 100.0, kernel=60.0), action("key", 50.0, kernel=30.0), action("preset", 300.0),
               action("key", None)]
    s = browser_latency.summarise(actions)
    assert s["n"] == 3 and s["median_ms"] == 100.0 and s["max_ms"] == 300.0
    assert s["keys"]["n"] == 2 and s["presets"]["n"] == 1 and s["unchanged"] == 1
    assert s["breakdown_median_ms"]["kernel"] == 45.0 and s["kernel_median_ms"]["apply_ms"] == 5.0
    report = browser_latency.format_report({"label": "", "variant": "", "js_variant": "", "surfaces": {
        "lab:08": {"summary": s, "load_before": [1.0, 1.0, 1.0]}}, "targets": browser_latency.targets(
        {"lab:08": {"summary": s}}), "machine": {"platform": "p", "cpu_count": 2, "load_average_end": None,
                                                 "date": "d"}})
    assert "lab:08" in report and "NOT met" in report


def test_browser_analysis_breakdown_adds_up_to_the_total():
    import datetime as dt

    _, _, browser_latency = _browser_helpers()

    def date(t):
        return dt.datetime.fromtimestamp(t, dt.UTC).isoformat()

    def frame(direction, epoch, msg_type, msg_id, parent_id=None, when=None, buffers=0):
        return {"dir": direction, "epoch": epoch, "bytes": 100, "msg": {
            "msg_type": msg_type, "msg_id": msg_id, "parent_id": parent_id, "date": date(when) if when else None,
            "buffers": buffers, "buffer_bytes": 5000 * buffers}}

    t = 1_800_000_000.0
    marks = [{"kind": k, "epoch": t + dt_s, "t": 0.0, "bytes": 10} for k, dt_s in
             (("keydown", 0.0), ("ws_out", 0.001), ("ws_in", 0.141), ("blob", 0.150), ("decoded", 0.160),
              ("painted", 0.170))]
    frames = [frame("out", t + 0.002, "comm_msg", "m"), frame("in", t + 0.020, "status", "s", "m", t + 0.010),
              frame("in", t + 0.140, "comm_msg", "i", "m", t + 0.130, buffers=1)]
    probe = [{"ev": "apply", "t0": t + 0.011, "t1": t + 0.125, "cpu_ms": 30.0, "redraw": "blit",
              "timings": {"simulate_ms": 20.0, "draw_ms": 50.0}}]
    out = browser_latency.analyse({"action": {"kind": "key"}, "marks": marks, "timed_out": False}, frames, probe)
    assert math.isclose(out["total_ms"], 170.0, abs_tol=1e-3)
    parts = out["breakdown_ms"]
    assert set(parts) == set(browser_latency.BREAKDOWN)
    assert math.isclose(sum(parts.values()), out["total_ms"], abs_tol=1e-3)
    assert math.isclose(parts["kernel"], 120.0, abs_tol=1e-3) and math.isclose(parts["decode"], 10.0, abs_tol=1e-3)
    assert out["image_bytes"] == 5000 and out["redraw"] == "blit"
    assert math.isclose(out["kernel_ms"]["apply_ms"], 114.0, abs_tol=1e-3) and out["kernel_ms"]["apply_cpu_ms"] == 30.0
