"""Speed and accuracy benchmarks of simlib (``make bench``), against baselines measured in the same run.

Every speed number is reported next to a baseline timed in the same process on the same machine,
so that ratios (not absolute milliseconds) compare between machines and commits:

- ``default_3s``: warm ``simulate(Scenario(motor_units=1))`` (the default 3 s scenario), median and p95;
  baselines ``default_3s_scipy_lsoda_1e-4`` and ``default_3s_scipy_lsoda_1e-6``: the *same model*
  integrated by scipy's LSODA piecewise between events with a compiled Jacobian
  (:mod:`simlib.reference`), the best scipy configuration for this model. ``ratio_to_baseline`` is
  ``median / baseline median`` against the faster scipy configuration that meets the 1e-3 force
  accuracy target (or the more accurate one if neither does);
- ``stim_100hz`` and its two scipy baselines: 1 s of 100 Hz nerve stimulation in a 3 s run
  (0.5 s in a 1 s run with ``--quick``);
- accuracy table: max |ΔF| (normalised force) of ``simulate`` against the tight reference (LSODA,
  rtol 1e-9) for every preset at 20, 50 and 100 Hz and for nerve stimulation at those rates;
  ``reference_error_estimate`` checks the reference against rtol 1e-10;
- ``sweep_NxN_serial`` / ``sweep_NxN_workers2``: ``simlib.sweep`` of an N x N grid (rate 1-100 Hz x
  Ca²⁺ 0.5-3 mM, 3 s each; N = 60, 6 with ``--quick``), serial and with 2 worker processes, and
  whether the two grids are bit-identical;
- ``cold_import``, ``cold_first_simulate`` (numba cache filled), ``cold_first_simulate_new_user``
  (empty per-user cache, started from the installation's seed written by ``simlib warmup --seed``;
  skipped without a seed) and, in full runs, ``cold_first_simulate_empty_cache`` (compilation),
  each in a fresh Python subprocess;
- ``memory_60s``: peak memory of a 60 s scenario at 1 ms output, in a fresh subprocess, and
  ``memory_60s_pool120`` the same for a 120-unit pool under voluntary drive;
- the JSON's ``pool``: ``benchmarks/pool_speed.py:bench_pool`` (issue 19): the pool's cost as ratios to the
  single unit in this run, a 20-point recruitment curve, pool explorer moves (p95) and their targets;
- ``widget_slider_update``: ``benchmarks/widget_latency.py:measure_slider_latency`` (50 random
  slider moves of the explorer; 5 with ``--quick``), if that file exists;
- ``browser_<surface>_<explorer>``: ``benchmarks/browser_latency.py`` (issue 15): key press or preset
  click → figure pixels changed in Chromium, for the Spasm explorer and lesson 01's explorer in
  JupyterLab and Voilà, run in a subprocess; full runs only (``--browser`` adds it to ``--quick``,
  ``--no-browser`` leaves it out), and skipped with the reason when Playwright or Chromium is missing.

Results are printed as tables, with the targets of issue 7 and whether they are met, and written
as JSON with machine information to ``benchmarks/results/latest.json`` (or ``--out``). Benchmarks
are not tests: nothing here asserts a timing.

Usage::

    python benchmarks/run.py            # full run (about 10 minutes on 2 shared cores)
    python benchmarks/run.py --quick    # a few repetitions, small grids (CI smoke test, ~20 s)
    python benchmarks/run.py --out /tmp/bench.json --repeat 50 --sweep-grid 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# Benchmark this checkout's simlib, also when it is not installed in the running environment.
sys.path.insert(0, str(ROOT))
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "latest.json"
SCHEMA_VERSION = 2
_T0 = time.perf_counter()
ACCURACY_TARGET = 1e-3
SCIPY_RTOLS = (1e-4, 1e-6)
RATES_HZ = (20.0, 50.0, 100.0)

# Issue 7's targets on this machine class (2 cores): reported, never asserted.
TARGETS = {
    "default_3s_median_ms": 20.0,
    "speedup_vs_best_scipy": 5.0,
    "max_force_error": ACCURACY_TARGET,
    "sweep_60x60_wall_s": 10.0,
    "cold_import_ms": 1000.0,
    "cold_first_simulate_ms": 2000.0,
    "memory_60s_mb": 100.0,
    "slider_p95_ms": 100.0,
}
# Issue 15's targets for the Spasm explorer in the browser (key press -> figure pixels changed).
BROWSER_TARGETS = {"median_ms": 80.0, "p95_ms": 150.0}
# Row names of the browser surfaces (benchmarks/browser_latency.py's "lab:08" etc.).
BROWSER_ROWS = {"lab:08": "browser_lab_spasm", "voila:08": "browser_voila_spasm",
                "lab:01": "browser_lab_lesson01", "voila:01": "browser_voila_lesson01"}

# Run in a fresh interpreter: prints the import time and the first-simulate time (ms) as JSON.
_COLD_SCRIPT = """
import json, time
t0 = time.perf_counter()
import simlib
t1 = time.perf_counter()
simlib.simulate(simlib.Scenario(motor_units=1))
t2 = time.perf_counter()
print(json.dumps({"import_ms": 1e3 * (t1 - t0), "first_simulate_ms": 1e3 * (t2 - t1)}))
"""

# Run in a fresh interpreter: memory of one 60 s scenario at 1 ms output, after a warm-up run (so
# that numba, LLVM and the compiled kernel are loaded and not counted). On Linux the kernel's
# peak-RSS mark (VmHWM) is reset just before the run (``5 > /proc/self/clear_refs``), so the peak
# of the run itself is measured; elsewhere ru_maxrss, which cannot be reset, is used.
_MEMORY_SCRIPT = """
import json, resource, time, tracemalloc
import simlib

def status_mb(key):
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(key + ':'):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None

simlib.simulate(simlib.Scenario(motor_units=1, duration_s=1.0)).metrics()
rss0 = status_mb('VmRSS')
try:
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')
    method = 'VmHWM reset before the run'
except OSError:
    method = 'ru_maxrss (not resettable)'
maxrss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
tracemalloc.start()
t0 = time.perf_counter()
res = simlib.simulate(__SCENARIO__, output_dt_s=0.001)
res.metrics()
elapsed = time.perf_counter() - t0
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
hwm = status_mb('VmHWM')
maxrss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if rss0 is not None and hwm is not None and method.startswith('VmHWM'):
    process_peak, increase = hwm, hwm - rss0
else:
    rss0, process_peak, increase = maxrss0, maxrss1, maxrss1 - maxrss0
arrays = sum(getattr(res, n).nbytes for n in ('t', 'force', 'v_muscle', 'ca_i', 'epp', 'states'))
print(json.dumps({"rss_before_mb": rss0, "rss_peak_mb": process_peak, "rss_increase_mb": increase,
                  "method": method, "tracemalloc_peak_mb": peak / 2**20, "result_mb": arrays / 2**20,
                  "elapsed_ms": 1e3 * elapsed, "samples": int(res.t.size)}))
"""


@dataclass
class Row:
    """One line of the timing table (times in ms; force in the normalised force unit)."""

    name: str
    description: str
    n: int
    median_ms: float
    p95_ms: float
    ratio_to_baseline: float | None = None
    baseline: str | None = None
    max_abs_force_diff: float | None = None
    peak_force: float | None = None
    spike_count_diff: int | None = None
    reference_error_estimate: float | None = None
    extra: dict[str, Any] | None = field(default=None)


def summarize(times_ms: Sequence[float]) -> tuple[float, float]:
    """Return the median and 95th percentile of a list of timings.

    Parameters
    ----------
    times_ms : sequence of float
        Timings (ms); at least one.

    Returns
    -------
    tuple of float
        ``(median, p95)`` in ms (linear interpolation between order statistics).
    """
    values = np.asarray(times_ms, dtype=float)
    return float(np.median(values)), float(np.percentile(values, 95))


def time_calls(func: Callable[[], Any], repeat: int) -> list[float]:
    """Call ``func`` ``repeat`` times and return the wall-clock time of each call (ms)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(1e3 * (time.perf_counter() - start))
    return times


def machine_info() -> dict[str, Any]:
    """Describe the machine and software the numbers were measured with."""
    import numba
    import scipy

    import simlib

    try:
        cpus_usable: int | None = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus_usable = None
    try:
        load: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):  # pragma: no cover - not on Unix
        load = None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or _cpu_model(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "cpu_count": os.cpu_count(),
        "cpu_count_usable": cpus_usable,
        "load_average_at_start": load,
        "numpy": np.__version__,
        "numba": numba.__version__,
        "scipy": scipy.__version__,
        "simlib": simlib.__version__,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _git(*args: str) -> str | None:
    """Output of a git command in the repository, or None if git is unavailable."""
    try:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip()


_REFERENCES: dict[Any, Any] = {}


def tight_reference(scenario: Any) -> Any:
    """Return the tight scipy reference of a scenario (LSODA, rtol 1e-9), computed once per run."""
    import simlib

    if scenario not in _REFERENCES:
        _REFERENCES[scenario] = simlib.simulate(scenario, solver="reference")
    return _REFERENCES[scenario]


def _force_error(a: Any, b: Any) -> float:
    return float(np.max(np.abs(a.force - b.force)))


def _spikes(res: Any) -> int:
    return len(res.nerve_spikes) + len(res.muscle_spikes)


# ------------------------------------------------------------------------------------------ fast path vs scipy


def bench_vs_scipy(key: str, description: str, scenario: Any, repeat: int, scipy_repeat: int,
                   check_reference: bool) -> list[Row]:
    """Time ``simulate`` and the scipy baselines of the same scenario; accuracy against a tight reference.

    Parameters
    ----------
    key : str
        Row name of the fast path; the baselines are ``key + "_scipy_lsoda_<rtol>"``.
    description : str
        What the scenario is.
    scenario : simlib.Scenario
        The scenario.
    repeat, scipy_repeat : int
        Timed runs of the fast path (after one warm-up run) and of each scipy configuration (its
        compiled right-hand side is already warm from the tight reference).
    check_reference : bool
        Also estimate the tight reference's own error (against rtol 1e-10).

    Returns
    -------
    list of Row
        The fast-path row, then one row per scipy configuration.
    """
    import simlib
    from simlib.reference import DEFAULT_RTOL, Reference, ReferenceStats

    reference = tight_reference(scenario)
    ref_error = None
    if check_reference:
        ref_error = _force_error(reference, simlib.simulate(scenario, solver=Reference(rtol=DEFAULT_RTOL / 10)))
    result = simlib.simulate(scenario)  # warm-up: compilation or cache load, first-touch allocations
    fast_times = time_calls(lambda: simlib.simulate(scenario), repeat)
    scipy_rows = []
    for rtol in SCIPY_RTOLS:
        stats = ReferenceStats()
        t0 = time.perf_counter()
        baseline = simlib.simulate(scenario, solver=Reference(rtol=rtol, muscle_spikes=False, stats=stats))
        times = [1e3 * (time.perf_counter() - t0)]  # the compiled right-hand side is warm by now
        baseline_solver = Reference(rtol=rtol, muscle_spikes=False)
        times += time_calls(lambda solver=baseline_solver: simlib.simulate(scenario, solver=solver),
                            scipy_repeat - 1)
        med, p95 = summarize(times)
        scipy_rows.append(Row(
            f"{key}_scipy_lsoda_{rtol:.0e}", f"{description}: scipy LSODA piecewise + Jacobian, rtol {rtol:g}",
            scipy_repeat, med, p95, None, None, _force_error(baseline, reference), float(baseline.force.max()),
            len(baseline.nerve_spikes) - len(reference.nerve_spikes), None,
            {"segments": stats.segments, "nfev": stats.nfev, "njev": stats.njev}))
    meeting = [r for r in scipy_rows if r.max_abs_force_diff <= ACCURACY_TARGET]
    best = min(meeting, key=lambda r: r.median_ms) if meeting else min(scipy_rows, key=lambda r: r.max_abs_force_diff)
    for row in scipy_rows:
        row.baseline = best.name
        row.ratio_to_baseline = row.median_ms / best.median_ms
    med, p95 = summarize(fast_times)
    fast = Row(key, f"{description}: simulate(sc)", repeat, med, p95, med / best.median_ms, best.name,
               _force_error(result, reference), float(result.force.max()), _spikes(result) - _spikes(reference),
               ref_error, {"speedup_vs_baseline": best.median_ms / med})
    return [fast, *scipy_rows]


# ------------------------------------------------------------------------------------------ accuracy table


def accuracy_table(cases: Sequence[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Max |ΔF| of ``simulate(sc)`` against the tight reference for each ``(label, scenario)``."""
    import simlib

    rows = []
    for label, sc in cases:
        cached = sc in _REFERENCES
        t0 = time.perf_counter()
        try:
            reference = tight_reference(sc)
        except simlib.SimulationError as exc:
            rows.append({"case": label, "error": str(exc)})
            continue
        t1 = time.perf_counter()
        simlib.simulate(sc)  # warm caches (e.g. the healthy response used by metrics)
        t2 = time.perf_counter()
        fast = simlib.simulate(sc)
        t3 = time.perf_counter()
        rows.append({
            "case": label, "drive": sc.drive, "rate_hz": sc.rate_hz,
            "max_abs_force_diff": _force_error(fast, reference),
            "nerve_spike_diff": len(fast.nerve_spikes) - len(reference.nerve_spikes),
            "muscle_spike_diff": len(fast.muscle_spikes) - len(reference.muscle_spikes),
            "same_classification": fast.metrics().classification == reference.metrics().classification,
            "fast_ms": 1e3 * (t3 - t2), "reference_ms": None if cached else 1e3 * (t1 - t0),
            "meets_target": _force_error(fast, reference) <= ACCURACY_TARGET,
        })
    return rows


STIM_DESCRIPTION = {False: "100 Hz nerve stimulation for 1 s (3 s run)",
                    True: "100 Hz nerve stimulation for 0.5 s (1 s run; --quick)"}


def stim_scenario(quick: bool) -> Any:
    """Return the 100 Hz stimulation scenario (shortened with ``quick`` to keep the smoke test fast)."""
    import simlib

    if quick:
        return simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=100.0, duration_s=1.0, drive_start_s=0.1,
                               drive_s=0.5)
    return simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=100.0)


def accuracy_cases(quick: bool) -> list[tuple[str, Any]]:
    """Every preset at 20/50/100 Hz plus nerve stimulation at those rates (two cases with ``quick``)."""
    import simlib

    if quick:  # the two scenarios timed against scipy, whose references are already computed
        return [("default@20Hz", simlib.Scenario(motor_units=1)), ("stimulation@100Hz(1s)", stim_scenario(True))]
    cases = [(f"{name}@{rate:g}Hz", sc.replace(motor_units=1, rate_hz=rate)) for name, sc in simlib.PRESETS.items()
             for rate in RATES_HZ]
    cases += [(f"stimulation@{rate:g}Hz", simlib.Scenario(motor_units=1, drive="stimulation",
                                                          rate_hz=rate)) for rate in RATES_HZ]
    return cases


# ------------------------------------------------------------------------------------------ sweep


def bench_sweep(n: int) -> list[Row]:
    """Wall time of an n x n ``sweep`` (rate 1-100 Hz x Ca 0.5-3 mM, 3 s each), serial and on 2 workers."""
    import simlib
    import simlib.simulate as simulate_module
    from simlib.stages import drive

    axes = {"rate_hz": [float(x) for x in np.linspace(1.0, 100.0, n)],
            "ca_mM": [float(x) for x in np.linspace(0.5, 3.0, n)]}
    distinct = len({(ca, simlib.Protocol.from_scenario(simlib.Scenario(motor_units=1, rate_hz=rate)))
                    for rate in axes["rate_hz"] for ca in axes["ca_mM"]})
    grids, walls = {}, {}
    for workers in (2, 1):  # parallel first, so it cannot profit from caches the serial run filled
        # start both from empty caches (healthy runs of the weakness test, command calibrations)
        healthy = getattr(simulate_module, "healthy_response", None) or getattr(simulate_module, "healthy_peak", None)
        for cached in (healthy, getattr(drive, "descending_level_mV", None)):
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()
        t0 = time.perf_counter()
        grids[workers] = simlib.sweep(simlib.Scenario(motor_units=1), workers=workers, progress=False, **axes)
        walls[workers] = 1e3 * (time.perf_counter() - t0)
    identical = all(pickle.dumps(a) == pickle.dumps(b) for a, b in zip(grids[1].flat, grids[2].flat, strict=True))
    labels, counts = np.unique([m.classification for m in grids[1].flat], return_counts=True)
    extra = {"grid": [n, n], "points": n * n, "identical_to_serial": identical,
             "per_point_ms_serial": walls[1] / (n * n),
             # points that simulate identically (voluntary rates above the motoneuron's maximum) run once
             "distinct_simulations": distinct, "per_simulation_ms_serial": walls[1] / distinct,
             "classifications": {str(k): int(v) for k, v in zip(labels, counts, strict=True)}}
    name = f"sweep_{n}x{n}"
    return [
        Row(f"{name}_workers2", f"sweep {n}x{n} (rate 1-100 Hz x Ca 0.5-3 mM, 3 s each), workers=2", 1,
            walls[2], walls[2], walls[2] / walls[1], f"{name}_serial", extra=extra),
        Row(f"{name}_serial", f"sweep {n}x{n}, workers=1 (baseline)", 1, walls[1], walls[1], 1.0,
            f"{name}_serial", extra={"grid": [n, n], "points": n * n}),
    ]


# ------------------------------------------------------------------------------------------ fresh processes


def cold_start(repeat: int, numba_cache_dir: str | None = None,
               new_user_cache: bool = False) -> tuple[list[float], list[float]]:
    """Time ``import simlib`` and the first simulation in fresh subprocesses.

    Parameters
    ----------
    repeat : int
        Number of subprocesses.
    numba_cache_dir : str, optional
        If given, numba's cache directory for the subprocess (an empty one forces compilation).
    new_user_cache : bool, optional
        Give each subprocess an empty per-user cache folder (``SIMLIB_CACHE_DIR``), as for a user
        running simlib for the first time; it starts from the installation's seed if there is one.

    Returns
    -------
    tuple of lists
        Import times and first-simulate times (ms), one per subprocess.
    """
    env = dict(os.environ)
    if numba_cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = numba_cache_dir
    imports, firsts = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="simlib-bench-user-") as home:
            if new_user_cache:
                env.pop("NUMBA_CACHE_DIR", None)
                env["SIMLIB_CACHE_DIR"] = home
            data = _run_json(_COLD_SCRIPT, env)
        imports.append(data["import_ms"])
        firsts.append(data["first_simulate_ms"])
    return imports, firsts


_MEMORY_SCENARIO = "simlib.Scenario(motor_units=1, duration_s=60.0, drive_s=30.0)"


def bench_memory(scenario: str = _MEMORY_SCENARIO, name: str = "memory_60s") -> Row:
    """Peak memory of a 60 s scenario (Python expression ``scenario``) at 1 ms output, in a fresh subprocess."""
    data = _run_json(_MEMORY_SCRIPT.replace("__SCENARIO__", scenario), dict(os.environ))
    return Row(name, f"fresh process: simulate + metrics of {scenario} at 1 ms output; "
               "time, and memory in extra (MB)", 1, data["elapsed_ms"], data["elapsed_ms"], extra=data)


def _run_json(script: str, env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_widget(quick: bool) -> tuple[Row | None, dict[str, Any] | None]:
    """Slider latency of the explorer, if ``benchmarks/widget_latency.py`` exists (else ``(None, None)``)."""
    path = ROOT / "benchmarks" / "widget_latency.py"
    if not path.exists():
        return None, None
    sys.path.insert(0, str(path.parent))
    try:
        from widget_latency import measure_slider_latency

        result = measure_slider_latency(n_moves=5 if quick else 50, seed=0, with_ipympl=not quick)
    except Exception as exc:  # noqa: BLE001 - another engineer's script: report, do not abort the run
        print(f"note: widget latency failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None, {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        sys.path.remove(str(path.parent))
    summary = {k: v for k, v in result.items() if k != "moves"}
    update = result["update"]
    row = Row("widget_slider_update", "explorer slider move -> simulate -> lines -> redraw (image widget), "
              f"{result['n_moves']} random moves", result["n_moves"], update["median_ms"], update["p95_ms"],
              extra={"full_draw_p95_ms": result["full_draw"]["p95_ms"],
                     "ipympl_p95_ms": (result["ipympl"] or {}).get("p95_ms"),
                     "breakdown_median_ms": result["breakdown_median_ms"]})
    return row, summary


def bench_browser(rounds: int = 1) -> tuple[list[Row], dict[str, Any]]:
    """Browser latency (``benchmarks/browser_latency.py``) in a subprocess: rows and its JSON.

    Returns ``([], {"skipped": reason})`` without Playwright or Chromium, and ``([], {"error": ...})``
    if the subprocess fails; never raises.
    """
    script = ROOT / "benchmarks" / "browser_latency.py"
    with tempfile.TemporaryDirectory(prefix="simlib-bench-browser-") as tmp:
        out = Path(tmp) / "browser.json"
        try:
            proc = subprocess.run([sys.executable, str(script), "--rounds", str(rounds), "--json", str(out)],
                                  cwd=ROOT, capture_output=True, text=True, timeout=1800)
        except subprocess.TimeoutExpired:
            return [], {"error": "browser_latency.py did not finish in 30 min"}
        sys.stderr.write(proc.stderr)
        if proc.returncode != 0 or not out.exists():
            return [], {"error": f"browser_latency.py exited with {proc.returncode}: {proc.stderr[-1500:]}"}
        result = json.loads(out.read_text(encoding="utf-8"))
    rows = []
    for surface, name in BROWSER_ROWS.items():
        summary = (result.get("surfaces", {}).get(surface) or {}).get("summary")
        if not summary or not summary["n"]:
            continue
        kind, explorer = surface.split(":")
        where = "JupyterLab" if kind == "lab" else "Voilà"
        what = "Spasm explorer (08)" if explorer == "08" else "lesson 01 explorer"
        rows.append(Row(name, f"browser: key press / preset click -> figure pixels changed, {what} in {where}",
                        summary["n"], summary["median_ms"], summary["p95_ms"],
                        extra={"max_ms": summary["max_ms"], "keys": summary["keys"], "presets": summary["presets"],
                               "breakdown_median_ms": summary["breakdown_median_ms"],
                               "kernel_median_ms": summary["kernel_median_ms"],
                               "image_bytes_median": summary["image_bytes_median"],
                               "load_before": result["surfaces"][surface].get("load_before")}))
    for surface in result.get("surfaces", {}).values():
        surface.pop("actions", None)  # the per-action records stay in browser_latency.py's own JSON
    return rows, result


# ------------------------------------------------------------------------------------------ run


def run(quick: bool = False, repeat: int | None = None, sweep_grid: int | None = None,
        browser: bool | None = None) -> dict[str, Any]:
    """Run every benchmark.

    Parameters
    ----------
    quick : bool
        Few repetitions, two accuracy cases, a 6 x 6 sweep, no empty-cache compilation run.
    repeat : int, optional
        Timed runs of the fast path; overrides the default (30, or 3 with ``quick``).
    sweep_grid : int, optional
        Side of the sweep grid; overrides the default (60, or 6 with ``quick``).
    browser : bool, optional
        Run the browser latency benchmark; by default in full runs, not with ``quick``.

    Returns
    -------
    dict
        ``{"schema", "mode", "machine", "settings", "benchmarks": {name: row}, "accuracy": [...],
        "widget": {...} or None, "browser": {...} or None, "targets": {...}}``, JSON-serialisable.
    """
    import simlib

    repeat = repeat if repeat is not None else (3 if quick else 30)
    scipy_repeat = 1 if quick else 5
    _REFERENCES.clear()
    cold_repeat = 1 if quick else 3
    grid = sweep_grid if sweep_grid is not None else (6 if quick else 60)
    machine = machine_info()
    rows: list[Row] = []
    _progress("fast path vs scipy, default scenario")
    rows += bench_vs_scipy("default_3s", "single unit Scenario(motor_units=1) (3 s, 20 Hz voluntary drive for 1 s)",
                           simlib.Scenario(motor_units=1), repeat, scipy_repeat, check_reference=True)
    _progress("fast path vs scipy, 100 Hz stimulation")
    rows += bench_vs_scipy("stim_100hz", STIM_DESCRIPTION[quick], stim_scenario(quick), repeat, scipy_repeat,
                           check_reference=False)
    _progress("accuracy table")
    accuracy = accuracy_table(accuracy_cases(quick))
    _progress(f"sweep {grid}x{grid}")
    rows += bench_sweep(grid)
    _progress("cold start")
    imports, firsts = cold_start(cold_repeat)
    rows.append(Row("cold_import", "fresh process: import simlib", cold_repeat, *summarize(imports)))
    rows.append(Row("cold_first_simulate", "fresh process: first simulate(Scenario(motor_units=1)), numba cache filled",
                    cold_repeat, *summarize(firsts)))
    from simlib.stages._jit import seed_dir

    if seed_dir().is_dir():
        _, seeded = cold_start(cold_repeat, new_user_cache=True)
        rows.append(Row("cold_first_simulate_new_user",
                        "fresh process: first simulate(Scenario(motor_units=1)) of a new user (empty per-user cache, "
                        "copied from the installation's seed)", cold_repeat, *summarize(seeded)))
    if not quick:
        with tempfile.TemporaryDirectory(prefix="simlib-bench-numba-") as cache:
            _, compiled = cold_start(1, numba_cache_dir=cache)
        rows.append(Row("cold_first_simulate_empty_cache",
                        "fresh process: first simulate(Scenario(motor_units=1)) with an empty numba cache (compiles)",
                        1, *summarize(compiled)))
    _progress("memory")
    rows.append(bench_memory())
    _progress("motor-unit pool (benchmarks/pool_speed.py)")
    from benchmarks.pool_speed import POOL_MEMORY_SCENARIO, bench_pool

    rows.append(bench_memory(POOL_MEMORY_SCENARIO, "memory_60s_pool120"))
    pool = bench_pool(quick, memory_mb=rows[-1].extra["rss_increase_mb"])
    _progress("widget latency")
    widget_row, widget = bench_widget(quick)
    if widget_row is not None:
        rows.append(widget_row)
    browser_result = None
    if browser if browser is not None else not quick:
        _progress("browser latency (JupyterLab and Voilà in Chromium)")
        browser_rows, browser_result = bench_browser()
        rows += browser_rows
    _progress("done")
    benchmarks = {row.name: asdict(row) for row in rows}
    return {
        "schema": SCHEMA_VERSION,
        "mode": "quick" if quick else "full",
        "machine": machine,
        "settings": {"repeat": repeat, "scipy_repeat": scipy_repeat, "cold_repeat": cold_repeat,
                     "sweep_grid": grid, "scipy_rtols": list(SCIPY_RTOLS), "reference": "LSODA rtol 1e-9",
                     "accuracy_target": ACCURACY_TARGET, "output_dt_s": 0.001},
        "benchmarks": benchmarks,
        "accuracy": accuracy,
        "widget": widget,
        "browser": browser_result,
        "pool": pool,
        "targets": {**targets(benchmarks, accuracy, widget, grid), **pool["targets"]},
    }


def _progress(message: str) -> None:
    print(f"[bench {time.perf_counter() - _T0:6.1f} s] {message} ...", file=sys.stderr, flush=True)


def target_entry(value: float | None, limit: float, higher_is_better: bool = False) -> dict[str, Any]:
    """One target: the measured ``value``, its ``limit`` and whether it is ``met`` (None when not measured)."""
    met = None if value is None else (value >= limit if higher_is_better else value <= limit)
    return {"value": value, "limit": limit, "met": met}


def targets(benchmarks: dict[str, Any], accuracy: list[dict[str, Any]], widget: dict[str, Any] | None,
            grid: int) -> dict[str, Any]:
    """Issue 7's targets with the measured value and whether it is met (None when not measured)."""
    entry = target_entry

    errors = [r["max_abs_force_diff"] for r in accuracy if "max_abs_force_diff" in r]
    default = benchmarks["default_3s"]
    sweep = benchmarks.get("sweep_60x60_workers2") if grid == 60 else None
    memory = benchmarks["memory_60s"]["extra"]
    update = (widget or {}).get("update") or {}
    return {
        "default_3s_median_ms": entry(default["median_ms"], TARGETS["default_3s_median_ms"]),
        "speedup_vs_best_scipy": entry(default["extra"]["speedup_vs_baseline"], TARGETS["speedup_vs_best_scipy"],
                                       higher_is_better=True),
        "max_force_error": entry(max(errors) if errors else None, TARGETS["max_force_error"]),
        "cases_meeting_accuracy": f"{sum(e <= ACCURACY_TARGET for e in errors)}/{len(errors)}",
        "sweep_60x60_wall_s": entry(None if sweep is None else sweep["median_ms"] / 1e3, TARGETS["sweep_60x60_wall_s"]),
        "cold_import_ms": entry(benchmarks["cold_import"]["median_ms"], TARGETS["cold_import_ms"]),
        "cold_first_simulate_ms": entry(benchmarks["cold_first_simulate"]["median_ms"],
                                        TARGETS["cold_first_simulate_ms"]),
        # a new user of an installation made with `make install` (`simlib warmup --seed`)
        "cold_first_simulate_new_user_ms": entry(
            (benchmarks.get("cold_first_simulate_new_user") or {}).get("median_ms"),
            TARGETS["cold_first_simulate_ms"]),
        # the same with an empty numba cache, i.e. including compilation (full runs only)
        "cold_first_simulate_empty_cache_ms": entry(
            (benchmarks.get("cold_first_simulate_empty_cache") or {}).get("median_ms"),
            TARGETS["cold_first_simulate_ms"]),
        "memory_60s_mb": entry(memory["rss_increase_mb"], TARGETS["memory_60s_mb"]),
        # image canvas (lesson explorers, PNG encode) and ipympl canvas (the Spasm explorer in JupyterLab/Voila)
        "slider_p95_ms": entry(update.get("p95_ms"), TARGETS["slider_p95_ms"]),
        "slider_p95_ipympl_ms": entry(((widget or {}).get("ipympl") or {}).get("p95_ms"), TARGETS["slider_p95_ms"]),
        # issue 15: where the learner waits, key press -> figure pixels changed in Chromium
        **{f"{BROWSER_ROWS[s]}_{stat}": entry((benchmarks.get(BROWSER_ROWS[s]) or {}).get(stat),
                                               BROWSER_TARGETS[stat])
           for s in ("lab:08", "voila:08") for stat in ("median_ms", "p95_ms")},
    }


# ------------------------------------------------------------------------------------------ output


def format_table(results: dict[str, Any]) -> str:
    """Render the results (timings, accuracy, targets) as fixed-width text tables."""

    def num(value: float | None, fmt: str) -> str:
        return "" if value is None else format(value, fmt)

    header = (f"{'name':<36} {'n':>3} {'median ms':>10} {'p95 ms':>10} {'ratio to baseline':>18} "
              f"{'max |ΔF| vs ref':>16}")
    lines = [header, "-" * len(header)]
    for row in results["benchmarks"].values():
        lines.append(f"{row['name']:<36} {row['n']:>3} {row['median_ms']:>10.2f} {row['p95_ms']:>10.2f} "
                     f"{num(row['ratio_to_baseline'], '.4f'):>18} {num(row['max_abs_force_diff'], '.2e'):>16}")
    b = results["benchmarks"]
    lines += [
        "",
        "ratio to baseline = median / median of the row named in 'baseline' (for simulate: the fastest scipy",
        "LSODA configuration meeting |ΔF| <= 1e-3); max |ΔF| = largest difference in normalised force from the",
        "tight reference (scipy LSODA, rtol 1e-9, same model and events).",
        f"default_3s: {b['default_3s']['extra']['speedup_vs_baseline']:.1f}x faster than "
        f"{b['default_3s']['baseline']}; stim_100hz: {b['stim_100hz']['extra']['speedup_vs_baseline']:.1f}x "
        f"faster than {b['stim_100hz']['baseline']}.",
    ]
    if b["default_3s"]["reference_error_estimate"] is not None:
        lines.append(f"reference check: |F(rtol 1e-9) - F(rtol 1e-10)| <= "
                     f"{b['default_3s']['reference_error_estimate']:.1e} (default scenario)")
    sweep = [row for name, row in b.items() if name.startswith("sweep_") and name.endswith("_workers2")]
    for row in sweep:
        lines.append(f"{row['name']}: {row['median_ms'] / 1e3:.1f} s wall, {1 / row['ratio_to_baseline']:.2f}x "
                     f"the serial speed; identical to serial: {row['extra']['identical_to_serial']}")
    mem = b["memory_60s"]["extra"]
    lines.append(f"memory_60s: +{mem['rss_increase_mb']:.1f} MB peak RSS above the warmed-up process "
                 f"({mem['rss_before_mb']:.0f} MB: Python, numpy, scipy, numba/LLVM and the kernel; "
                 f"{mem['method']}), tracemalloc peak {mem['tracemalloc_peak_mb']:.1f} MB, "
                 f"Result arrays {mem['result_mb']:.1f} MB")
    lines += ["", f"{'accuracy case':<28} {'max |ΔF|':>9} {'Δnerve':>7} {'Δmuscle':>8} {'class':>6} "
              f"{'fast ms':>8} {'ref ms':>8}"]
    for r in results["accuracy"]:
        if "error" in r:
            lines.append(f"{r['case']:<28} reference failed: {r['error']}")
            continue
        flag = "" if r["meets_target"] else "  > 1e-3"
        lines.append(f"{r['case']:<28} {r['max_abs_force_diff']:>9.1e} {r['nerve_spike_diff']:>7d} "
                     f"{r['muscle_spike_diff']:>8d} {'same' if r['same_classification'] else 'DIFF':>6} "
                     f"{r['fast_ms']:>8.1f} {num(r['reference_ms'], '.0f'):>8}{flag}")
    browser = results.get("browser") or {}
    if "skipped" in browser or "error" in browser:
        lines += ["", f"browser latency: {browser.get('skipped') or browser.get('error')}"]
    lines += ["", "issue 7 targets, and issue 15's browser targets (measured on this machine; benchmarks never fail):"]
    for key, t in results["targets"].items():
        if isinstance(t, dict):
            verdict = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
            value = "" if t["value"] is None else f"{t['value']:.4g}"
            lines.append(f"  {key:<34} {value:>10}  limit {t['limit']:g}  {verdict}")
        else:
            lines.append(f"  {key:<34} {t:>10}")
    machine = results["machine"]
    lines.append(f"{machine['platform']}, {machine['processor']}, Python {machine['python']}, "
                 f"{machine['cpu_count']} CPUs (load {machine['load_average_at_start']}), numpy {machine['numpy']}, "
                 f"numba {machine['numba']}, scipy {machine['scipy']}, {machine['date']}")
    return "\n".join(lines)


def write_json(results: dict[str, Any], path: Path) -> None:
    """Write the results atomically (via a ``.tmp`` file next to ``path``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` if omitted.

    Returns
    -------
    int
        Exit status (0).
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions, small grids (CI smoke)")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs of the fast path")
    parser.add_argument("--sweep-grid", type=int, default=None, help="side of the sweep grid (60; 6 with --quick)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON output (default: %(default)s)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--browser", dest="browser", action="store_true", default=None,
                       help="run the browser latency benchmark also with --quick")
    group.add_argument("--no-browser", dest="browser", action="store_false", help="leave the browser benchmark out")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.sweep_grid is not None and args.sweep_grid < 2:
        parser.error("--sweep-grid must be at least 2")
    results = run(quick=args.quick, repeat=args.repeat, sweep_grid=args.sweep_grid, browser=args.browser)
    print(format_table(results))
    write_json(results, args.out)
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
