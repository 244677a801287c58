"""Speed and accuracy benchmarks of :func:`simlib.simulate` (``make bench``).

Everything is measured in the same run on the same machine, and speed is reported as a ratio
to a baseline measured alongside it, so numbers from different machines can be compared:

- ``default_3s``: warm ``simulate(Scenario())`` (the default 3 s scenario), median and p95 over
  ``--repeat`` runs after one warm-up run;
- ``default_3s_reference``: the same scenario with ``simulate(sc, accuracy=100)``, the
  tight-tolerance reference path of the same solver. It is the *baseline*: ``ratio_to_baseline``
  is ``median / baseline median`` and ``max_abs_force_diff`` is the largest difference in
  normalised force between a row and its reference (the accuracy of the default tolerances);
- ``stim_100hz`` and ``stim_100hz_reference``: the same for 1 s of 100 Hz nerve stimulation (the
  hardest case for the step-size control: an event every 10 ms, a fused tetanus);
- ``cold_import`` and ``cold_first_simulate``: in a fresh Python subprocess, the time to
  ``import simlib`` and the time of the first ``simulate(Scenario())`` (with numba's on-disk
  cache already filled, i.e. what a learner sees when opening a notebook a second time);
- ``cold_first_simulate_empty_cache`` (not with ``--quick``): the same with an empty numba cache,
  i.e. including compilation (what a learner sees the very first time).

The reference's own error is estimated by comparing it with ``accuracy=1000`` once
(``reference_error_estimate``). Results are printed as a table and written as JSON with machine
information to ``benchmarks/results/latest.json`` (or ``--out``). Benchmarks are not tests:
nothing here asserts a timing.

Usage::

    python benchmarks/run.py            # full run (about half a minute)
    python benchmarks/run.py --quick    # a few repetitions, for CI smoke tests
    python benchmarks/run.py --out /tmp/bench.json --repeat 50
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# Benchmark this checkout's simlib, also when it is not installed in the running environment.
sys.path.insert(0, str(ROOT))
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "latest.json"
SCHEMA_VERSION = 1
REFERENCE_ACCURACY = 100.0
CHECK_ACCURACY = 1000.0

# Run in a fresh interpreter: prints the import time and the first-simulate time (ms) as JSON.
_COLD_SCRIPT = """
import json, time
t0 = time.perf_counter()
import simlib
t1 = time.perf_counter()
simlib.simulate(simlib.Scenario())
t2 = time.perf_counter()
print(json.dumps({"import_ms": 1e3 * (t1 - t0), "first_simulate_ms": 1e3 * (t2 - t1)}))
"""


@dataclass
class Row:
    """One line of the results table (times in ms; force in the normalised force unit)."""

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
    """Call ``func`` ``repeat`` times and return the wall-clock time of each call.

    Parameters
    ----------
    func : callable
        Function without arguments.
    repeat : int
        Number of timed calls.

    Returns
    -------
    list of float
        Time of each call (ms).
    """
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
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "cpu_count": os.cpu_count(),
        "cpu_count_usable": cpus_usable,
        "numpy": np.__version__,
        "numba": numba.__version__,
        "scipy": scipy.__version__,
        "simlib": simlib.__version__,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def _git(*args: str) -> str | None:
    """Output of a git command in the repository, or None if git is unavailable."""
    try:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip()


def bench_scenario(key: str, description: str, scenario: Any, repeat: int, reference_repeat: int,
                   check_reference: bool) -> list[Row]:
    """Time a scenario at the default accuracy and at the reference accuracy, and compare the two.

    Parameters
    ----------
    key : str
        Row name; the reference row is ``key + "_reference"``.
    description : str
        What the scenario is.
    scenario : simlib.Scenario
        The scenario.
    repeat, reference_repeat : int
        Timed runs at the default and at the reference accuracy (after one warm-up run of each).
    check_reference : bool
        Also run once at ``accuracy=1000`` to estimate the reference's own error.

    Returns
    -------
    list of Row
        The default-accuracy row and the reference (baseline) row.
    """
    import simlib

    result = simlib.simulate(scenario)  # warm-up: compilation or cache load, first-touch allocations
    reference = simlib.simulate(scenario, accuracy=REFERENCE_ACCURACY)
    default_times = time_calls(lambda: simlib.simulate(scenario), repeat)
    reference_times = time_calls(lambda: simlib.simulate(scenario, accuracy=REFERENCE_ACCURACY), reference_repeat)
    med, p95 = summarize(default_times)
    ref_med, ref_p95 = summarize(reference_times)
    ref_error = None
    if check_reference:
        try:
            finer = simlib.simulate(scenario, accuracy=CHECK_ACCURACY)
        except simlib.SimulationError as exc:  # the check is optional; report it and carry on
            print(f"note: {key}: accuracy={CHECK_ACCURACY:g} check run failed: {exc}", file=sys.stderr)
        else:
            ref_error = float(np.max(np.abs(reference.force - finer.force)))

    def spikes(res: Any) -> int:
        return len(res.nerve_spikes) + len(res.muscle_spikes)

    ref_name = f"{key}_reference"
    return [
        Row(key, f"{description}, simulate(sc)", repeat, med, p95, med / ref_med, ref_name,
            float(np.max(np.abs(result.force - reference.force))), float(result.force.max()),
            spikes(result) - spikes(reference)),
        Row(ref_name, f"{description}, simulate(sc, accuracy={REFERENCE_ACCURACY:g}) (baseline)",
            reference_repeat, ref_med, ref_p95, 1.0, ref_name, 0.0, float(reference.force.max()), 0,
            ref_error),
    ]


def cold_start(repeat: int, numba_cache_dir: str | None = None) -> tuple[list[float], list[float]]:
    """Time ``import simlib`` and the first simulation in fresh subprocesses.

    Parameters
    ----------
    repeat : int
        Number of subprocesses.
    numba_cache_dir : str, optional
        If given, numba's cache directory for the subprocess (an empty one forces compilation).

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
        proc = subprocess.run([sys.executable, "-c", _COLD_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600, check=True)
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        imports.append(data["import_ms"])
        firsts.append(data["first_simulate_ms"])
    return imports, firsts


def run(quick: bool = False, repeat: int | None = None) -> dict[str, Any]:
    """Run every benchmark.

    Parameters
    ----------
    quick : bool
        Few repetitions and no empty-cache compilation run (CI smoke test).
    repeat : int, optional
        Timed runs per warm benchmark; overrides the default (20, or 3 with ``quick``).

    Returns
    -------
    dict
        ``{"schema", "mode", "machine", "settings", "benchmarks": {name: row}}``, JSON-serialisable.
    """
    import simlib

    repeat = repeat if repeat is not None else (3 if quick else 20)
    reference_repeat = max(1, min(repeat, 3 if quick else 5))
    cold_repeat = 1 if quick else 3
    rows: list[Row] = []
    rows += bench_scenario("default_3s", "default Scenario() (3 s, 20 Hz voluntary drive for 1 s)",
                           simlib.Scenario(), repeat, reference_repeat, check_reference=True)
    rows += bench_scenario("stim_100hz", "100 Hz nerve stimulation for 1 s (3 s run)",
                           simlib.Scenario(drive="stimulation", rate_hz=100.0), repeat, reference_repeat,
                           check_reference=not quick)
    imports, firsts = cold_start(cold_repeat)
    rows.append(Row("cold_import", "fresh process: import simlib", cold_repeat, *summarize(imports)))
    rows.append(Row("cold_first_simulate", "fresh process: first simulate(Scenario()), numba cache filled",
                    cold_repeat, *summarize(firsts)))
    if not quick:
        with tempfile.TemporaryDirectory(prefix="simlib-bench-numba-") as cache:
            _, compiled = cold_start(1, numba_cache_dir=cache)
        rows.append(Row("cold_first_simulate_empty_cache",
                        "fresh process: first simulate(Scenario()) with an empty numba cache (compiles)",
                        1, *summarize(compiled)))
    return {
        "schema": SCHEMA_VERSION,
        "mode": "quick" if quick else "full",
        "machine": machine_info(),
        "settings": {"repeat": repeat, "reference_repeat": reference_repeat, "cold_repeat": cold_repeat,
                     "reference_accuracy": REFERENCE_ACCURACY, "check_accuracy": CHECK_ACCURACY,
                     "output_dt_s": 0.001},
        "benchmarks": {row.name: asdict(row) for row in rows},
    }


def format_table(results: dict[str, Any]) -> str:
    """Render the benchmark rows as a fixed-width text table.

    Parameters
    ----------
    results : dict
        Output of :func:`run`.

    Returns
    -------
    str
        Table with name, median, p95, ratio to baseline and accuracy.
    """

    def num(value: float | None, fmt: str) -> str:
        return "" if value is None else format(value, fmt)

    header = (f"{'name':<32} {'n':>3} {'median ms':>10} {'p95 ms':>10} {'ratio to baseline':>18} "
              f"{'max |ΔF| vs ref':>16}")
    lines = [header, "-" * len(header)]
    for row in results["benchmarks"].values():
        lines.append(f"{row['name']:<32} {row['n']:>3} {row['median_ms']:>10.2f} {row['p95_ms']:>10.2f} "
                     f"{num(row['ratio_to_baseline'], '.3f'):>18} {num(row['max_abs_force_diff'], '.2e'):>16}")
    machine = results["machine"]
    lines += [
        "",
        "ratio to baseline = median time / median time of the accuracy=100 reference of the same scenario;",
        "max |ΔF| = largest difference in normalised force (1 = healthy maximal tetanus) from that reference.",
    ]
    for row in results["benchmarks"].values():
        if row["reference_error_estimate"] is not None:
            lines.append(f"{row['name']}: |F(accuracy=100) - F(accuracy=1000)| <= "
                         f"{row['reference_error_estimate']:.2e} (error of the reference itself)")
    lines.append(f"{machine['platform']}, Python {machine['python']}, {machine['cpu_count']} CPUs, "
                 f"numpy {machine['numpy']}, numba {machine['numba']}, {machine['date']}")
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
    parser.add_argument("--quick", action="store_true", help="few repetitions, no compilation run (CI smoke)")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per warm benchmark")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON output (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    results = run(quick=args.quick, repeat=args.repeat)
    print(format_table(results))
    write_json(results, args.out)
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
