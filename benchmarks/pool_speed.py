"""Cost of the motor-unit pool (issue 19) as ratios to the single-unit run, measured in the same process.

Rows (milliseconds: minimum and median of ``--repeat`` warm runs):

- ``single_3s_stim``: ``simulate(Scenario(motor_units=1, drive="stimulation"))``, the 3 s scenario with 1 s of 20 Hz
  nerve stimulation, one unit: the baseline of every ratio;
- ``pool_<N>_supramaximal``: the same scenario with ``motor_units=N`` (N = 120, 200);
- ``pool_120_block_0.78``: with ``receptor_block=0.78`` (partial curare: units fail stochastically, so
  their muscle-impulse patterns differ and the pattern budget, :data:`simlib.pool.stimulation.MAX_PATTERNS`,
  binds), and the same with no budget (every distinct pattern its own chain run, the exact pool);
- ``independent_<N>``: N single-unit runs, the cost of simulating each unit as its own full chain
  (N x the baseline's median, not run);
- ``recruitment_curve_20``: ``simlib.recruitment_curve`` at 20 intensities (0-8 V), 120 units;
- ``train_of_four_block_0.78``: ``simlib.train_of_four`` of 120 units at ``receptor_block=0.78``;
- ``single_3s_voluntary`` and ``pool_120_voluntary``: ``simulate(Scenario(drive="voluntary"))`` (the default 3 s
  scenario's voluntary contraction) with one unit and with 120 (:mod:`simlib.pool.voluntary`: threshold bands);
  their extra ``ratio_to_single_voluntary`` is the issue's measure (pool / single of the same scenario); also a
  120-unit ``exercise_cramp`` (pool-force feedback reruns bands) against its single unit;
- ``pool_explorer`` (in :func:`bench_pool`): random slider moves of ``widgets.pool_explorer()`` (120 units),
  one series under nerve stimulation and one under a voluntary command: each move's callback (runs,
  metrics, frame, lines, redraw, image), median and p95;
- ``emg_<source>_<rate>``: ``simlib.emg`` of a finished run (surface EMG synthesised from its spike times, after
  the run): the 120-unit supramaximal pool and the single unit at 10 kHz, and the 2 kHz of
  ``Metrics.emg_rms_mV`` (ratios to the single-unit run: what asking for the EMG adds to a run).

Usage::

    python benchmarks/pool_speed.py [--repeat 10] [--out benchmarks/results/pool.json]

``make bench`` (``benchmarks/run.py``) runs :func:`bench_pool`: these rows, the explorer's moves and the
targets, with the 60 s pool's memory measured in a fresh process (``memory_60s_pool120``).

Benchmarks are not tests: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import simlib  # noqa: E402  (after the path insertion: benchmark this checkout)
from benchmarks.run import target_entry, time_calls  # noqa: E402  (the timer and targets of the main suite)
from simlib.pool import run_pool  # noqa: E402

BLOCK = 0.78
#: issue 19's targets: pool <= 10 x single, >= 10 x cheaper than independent chains, 20-point curve <= 1 s,
#: a pool explorer move <= 150 ms p95 (goal 100 ms), a 60 s pool run < 200 MB extra memory
TARGETS = {"pool_over_single": 10.0, "independent_over_pool": 10.0, "recruitment_curve_20_ms": 1000.0,
           "pool_explorer_p95_ms": 150.0, "pool_memory_60s_mb": 200.0}
#: the 60 s pool whose memory ``make bench`` measures (a Python expression, run in a fresh process)
POOL_MEMORY_SCENARIO = "simlib.Scenario(duration_s=60.0, drive_s=30.0, motor_units=120)"


def row(name: str, times: Sequence[float], baseline: float, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """One table row: minimum, median and the median's ratio to the baseline's median."""
    median = float(np.median(times))
    return {"name": name, "min_ms": float(min(times)), "median_ms": median, "ratio_to_single": median / baseline,
            **(extra or {})}


def run(repeat: int) -> list[dict[str, Any]]:
    """Measure every row (after one warm-up call of each, so numba and the caches are warm)."""
    stim = simlib.Scenario(motor_units=1, drive="stimulation")  # the single unit every ratio is to
    simlib.simulate(stim)
    single = time_calls(lambda: simlib.simulate(stim), 3 * repeat)
    base = float(np.median(single))
    rows = [row("single_3s_stim", single, base)]
    for n in (120, 200):
        sc = stim.replace(motor_units=n)
        patterns = run_pool(sc).patterns
        rows.append(row(f"pool_{n}_supramaximal", time_calls(lambda sc=sc: simlib.simulate(sc), repeat), base,
                        {"muscle_runs": patterns}))
        rows.append({"name": f"independent_{n}", "median_ms": n * base, "ratio_to_single": float(n)})
    blocked = stim.replace(motor_units=120, receptor_block=BLOCK)
    exact = run_pool(blocked, max_patterns=10_000)
    budget = run_pool(blocked)
    error = float(np.abs(budget.result.force - exact.result.force).max() / exact.result.force.max())
    rows.append(row(f"pool_120_block_{BLOCK}", time_calls(lambda: run_pool(blocked), repeat), base,
                    {"muscle_runs": budget.patterns, "max_force_error_of_peak": error}))
    rows.append(row(f"pool_120_block_{BLOCK}_exact", time_calls(lambda: run_pool(blocked, max_patterns=10_000),
                                                               max(2, repeat // 3)), base,
                    {"muscle_runs": exact.patterns}))
    volts = np.linspace(0.0, 8.0, 20)
    pool = simlib.Scenario(motor_units=120)
    simlib.recruitment_curve(pool, volts)
    rows.append(row("recruitment_curve_20", time_calls(lambda: simlib.recruitment_curve(pool, volts), repeat), base))
    tof = pool.replace(receptor_block=BLOCK)
    rows.append(row(f"train_of_four_block_{BLOCK}", time_calls(lambda: simlib.train_of_four(tof), repeat), base,
                    {"ratio": simlib.train_of_four(tof).ratio}))
    return rows + voluntary_rows(repeat, base) + emg_rows(stim, repeat, base)


def voluntary_rows(repeat: int, base: float) -> list[dict[str, Any]]:
    """Voluntary drive: the default scenario and the exercise-cramp preset, one unit against 120."""
    rows = []
    for label, sc in (("3s_voluntary", simlib.Scenario(motor_units=1, drive="voluntary")),
                      ("exercise_cramp", simlib.presets.PRESETS["exercise_cramp"].replace(motor_units=1))):
        simlib.simulate(sc)
        single = time_calls(lambda sc=sc: simlib.simulate(sc), 3 * repeat)
        rows.append(row(f"single_{label}", single, base))
        pool = sc.replace(motor_units=120)
        runs = run_pool(pool).patterns
        times = time_calls(lambda pool=pool: simlib.simulate(pool), repeat)
        ratio = float(np.median(times) / np.median(single))
        rows.append(row(f"pool_120_{label.removeprefix('3s_')}", times, base,
                        {"muscle_runs": runs, "ratio_to_single_voluntary": ratio}))
    return rows


def emg_rows(stim: simlib.Scenario, repeat: int, base: float) -> list[dict[str, Any]]:
    """Cost of synthesising the EMG of a finished 3 s run (pool of 120 and single unit; 10 and 2 kHz)."""
    runs = {"pool_120": simlib.simulate(stim.replace(motor_units=120)), "single": simlib.simulate(stim)}
    rows = []
    for (source, res), rate in ((item, r) for item in runs.items() for r in (10_000.0, 2_000.0)):
        simlib.emg(res, rate_hz=rate)
        rows.append(row(f"emg_{source}_{rate / 1000:g}khz", time_calls(lambda res=res, rate=rate: simlib.emg(
            res, rate_hz=rate), 3 * repeat), base, {"samples": simlib.emg(res, rate_hz=rate).mv.size}))
    return rows


def explorer_latency(n_moves: int, seed: int = 0, by_field: bool = False) -> dict[str, dict[str, Any]]:
    """Median and p95 (ms) of ``n_moves`` random slider moves of the pool explorer, per drive.

    Each move sets one enabled slider to a random value on its grid; the explorer's callback runs
    synchronously (runs, metrics, frame, lines, redraw, image), as in the kernel. With ``by_field``,
    each drive also has ``fields``: per slider, its moves, their median (ms), the single-unit chain runs
    per move (every integration of the chain, counted at ``simlib.simulate._run``: safety-factor probes,
    release, band, muscle-side and healthy-reference runs) and the full redraws (the rest blit).
    """
    import ipywidgets
    import matplotlib

    matplotlib.use("Agg")
    import simlib.simulate as simulate_module
    from simlib import widgets

    chain = simulate_module._run
    runs: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)  # atomic: muscle-side runs may be made on two threads
        return chain(*args, **kwargs)

    rng = np.random.default_rng(seed)
    out: dict[str, dict[str, Any]] = {}
    for drive in widgets.POOL_DRIVES:
        explorer = widgets.pool_explorer()
        explorer.controls["drive"].value = drive
        sliders = {field: c for field, c in explorer.controls.items()
                   if isinstance(c, (ipywidgets.FloatSlider, ipywidgets.IntSlider)) and not c.disabled}
        names = list(sliders)
        times = []
        fields: dict[str, list[tuple[float, int, bool]]] = {}
        for _ in range(n_moves):
            field = names[int(rng.integers(len(names)))]
            slider = sliders[field]
            steps = int(round((slider.max - slider.min) / slider.step))
            value = slider.value
            while value == slider.value:
                value = type(slider.value)(round(slider.min + slider.step * int(rng.integers(steps + 1)), 10))
            runs.clear()
            if by_field:
                simulate_module._run = counted
            try:
                times.append(time_calls(lambda slider=slider, value=value: setattr(slider, "value", value), 1)[0])
            finally:
                simulate_module._run = chain
            fields.setdefault(field, []).append((times[-1], len(runs), explorer.last_redraw == "full"))
        out[drive] = {"median_ms": float(np.median(times)), "p95_ms": float(np.percentile(times, 95)),
                      "moves": n_moves}
        if by_field:
            out[drive]["fields"] = {field: {"moves": len(m), "median_ms": float(np.median([t for t, _, _ in m])),
                                            "chain_runs_per_move": float(np.mean([r for _, r, _ in m])),
                                            "full_redraws": int(sum(f for _, _, f in m))}
                                    for field, m in fields.items()}
    return out


def bench_pool(quick: bool, memory_mb: float | None = None) -> dict[str, Any]:
    """Measure the pool's rows, the explorer's moves and issue 19's targets, for ``benchmarks/run.py``.

    Parameters
    ----------
    quick : bool
        Two warm runs per row and 5 explorer moves per drive (else 5 and 30).
    memory_mb : float, optional
        Extra peak memory (MB) of the 60 s pool run (:data:`POOL_MEMORY_SCENARIO`), measured by the caller.

    Returns
    -------
    dict
        ``rows`` (as :func:`run`), ``explorer`` (:func:`explorer_latency`) and ``targets`` (each
        ``{"value", "limit", "met"}``).
    """
    rows = run(2 if quick else 5)
    by_name = {r["name"]: r for r in rows}
    explorer = explorer_latency(5 if quick else 30)
    p95 = max(series["p95_ms"] for series in explorer.values())
    entry = target_entry
    pool = by_name["pool_120_supramaximal"]["median_ms"]
    return {"rows": rows, "explorer": explorer, "targets": {
        "pool_stimulated_over_single": entry(by_name["pool_120_supramaximal"]["ratio_to_single"],
                                             TARGETS["pool_over_single"]),
        "pool_voluntary_over_single": entry(by_name["pool_120_voluntary"]["ratio_to_single_voluntary"],
                                            TARGETS["pool_over_single"]),
        "pool_cramp_over_single": entry(by_name["pool_120_exercise_cramp"]["ratio_to_single_voluntary"],
                                        TARGETS["pool_over_single"]),
        "independent_over_pool": entry(by_name["independent_120"]["median_ms"] / pool,
                                       TARGETS["independent_over_pool"], higher_is_better=True),
        "recruitment_curve_20_ms": entry(by_name["recruitment_curve_20"]["median_ms"],
                                         TARGETS["recruitment_curve_20_ms"]),
        "pool_explorer_p95_ms": entry(p95, TARGETS["pool_explorer_p95_ms"]),
        "pool_memory_60s_mb": entry(memory_mb, TARGETS["pool_memory_60s_mb"]),
    }}


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """Return the rows as a fixed-width table."""
    lines = [f"{'row':34s} {'min ms':>9s} {'median ms':>10s} {'x single':>9s}  extra"]
    for r in rows:
        extra = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()
                 if k not in ("name", "min_ms", "median_ms", "ratio_to_single")}
        low = f"{r['min_ms']:9.1f}" if "min_ms" in r else f"{'':9s}"
        lines.append(f"{r['name']:34s} {low} {r['median_ms']:10.1f} {r['ratio_to_single']:9.2f}  {extra or ''}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table and optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="warm runs per row (default 10)")
    parser.add_argument("--out", type=Path, help="write the rows as JSON here")
    args = parser.parse_args(argv)
    rows = run(args.repeat)
    print(format_table(rows))
    by_name = {r["name"]: r for r in rows}
    pool = by_name["pool_120_supramaximal"]["median_ms"]
    print(f"\ntargets: pool/single {by_name['pool_120_supramaximal']['ratio_to_single']:.2f} "
          f"(<= {TARGETS['pool_over_single']:g}), blocked pool/single "
          f"{by_name[f'pool_120_block_{BLOCK}']['ratio_to_single']:.2f}, independent/pool "
          f"{by_name['independent_120']['median_ms'] / pool:.1f} (>= {TARGETS['independent_over_pool']:g}), "
          f"20-point curve {by_name['recruitment_curve_20']['median_ms']:.0f} ms "
          f"(<= {TARGETS['recruitment_curve_20_ms']:g}), voluntary pool/single "
          f"{by_name['pool_120_voluntary']['ratio_to_single_voluntary']:.2f} (<= {TARGETS['pool_over_single']:g})")
    if args.out:
        args.out.write_text(json.dumps({"rows": rows, "targets": TARGETS}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
