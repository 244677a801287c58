"""Soak and fault tests for users' files: real full disks, concurrent users, signals (reliability audit D6-D12).

Slow (about 4 minutes) and partly root-only (a small tmpfs is mounted for the full-disk cases; they are
skipped where mounting is not permitted), so they run only in ``make soak`` (``pytest -m soak tests/soak``,
or ``MSL_SOAK=1``), not in ``make test``. Random moments are drawn from a seeded generator: a failure reproduces.

What must hold, whatever happens: a target file is either its previous content or complete, a set of
figure files is complete or absent, no temporary file stays behind (except after SIGKILL, which no
process can clean up after: the next write into the folder removes it once stale), and readers of a
scenario file that others rewrite never see half a file or the healthy defaults instead of it.
"""

from __future__ import annotations

import contextlib
import csv
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.soak, pytest.mark.slow]  # skipped unless selected: tests/soak/conftest.py

SEED = 20261206
TEMP_PREFIX = ".simlib-tmp-"


def _temps(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith((TEMP_PREFIX, ".simlib-csv-")))


# -- a real full disk ----------------------------------------------------------------------------------------------


@pytest.fixture()
def small_disk(tmp_path):
    """A 256 KiB tmpfs (root only): writes fail with ENOSPC for real, at any moment of a write."""
    disk = tmp_path / "disk"
    disk.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path, leave_bytes: int) -> Path:
    """Fill the disk until only about `leave_bytes` are free; return the filler file."""
    filler = disk / "filler"
    with open(filler, "wb") as handle:
        with contextlib.suppress(OSError):
            while True:
                free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
                if free <= leave_bytes:
                    break
                handle.write(b"\0" * min(4096, free - leave_bytes))
                handle.flush()
    return filler


def test_to_csv_on_a_full_disk_keeps_the_previous_file(small_disk):
    import simlib

    target = small_disk / "run.csv"
    simlib.simulate(simlib.Scenario(motor_units=1, duration_s=0.1, drive_start_s=0.0)).to_csv(target)
    before = target.read_bytes()
    big = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=3.0))  # about 1 MB of CSV: does not fit
    with pytest.raises(simlib.ParameterError, match="No space left on device"):
        big.to_csv(target)
    assert target.read_bytes() == before
    assert _temps(small_disk) == []


def test_save_scenario_on_a_full_disk(small_disk):
    import simlib

    target = small_disk / "s.toml"
    simlib.save_scenario(simlib.Scenario(motor_units=1, ca_mM=0.8), target)
    filler = _fill(small_disk, 0)
    with pytest.raises(simlib.ParameterError, match="No space left on device"):
        simlib.save_scenario(simlib.Scenario(motor_units=1, ca_mM=0.9), target, overwrite=True)
    assert simlib.load_scenario(target) == simlib.Scenario(motor_units=1, ca_mM=0.8)
    assert _temps(small_disk) == []
    filler.unlink()
    simlib.save_scenario(simlib.Scenario(motor_units=1, ca_mM=0.9), target, overwrite=True)
    assert simlib.load_scenario(target) == simlib.Scenario(motor_units=1, ca_mM=0.9)


def test_a_figure_set_where_only_the_png_fits(small_disk, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from simlib import ParameterError, figures

    fig = figures.render("twitch_summation_tetanus", style="handout")
    dry = tmp_path / "dry"
    dry.mkdir()
    png, *_ = figures.export_figure(fig, dry / "f", formats=("png", "svg", "pdf"), dpi=150)
    filler = _fill(small_disk, png.stat().st_size + 8192)
    with pytest.raises(ParameterError, match="No space left on device"):
        figures.export_figure(fig, small_disk / "f", formats=("png", "svg", "pdf"), dpi=150)
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]  # no orphan PNG, no temporary file
    filler.unlink()
    written = figures.export_figure(fig, small_disk / "f", formats=("png", "svg", "pdf"), dpi=150)  # the retry
    assert all(p.exists() for p in written)


@pytest.mark.parametrize("command", ["run", "figures"])
def test_the_command_line_on_a_full_disk(small_disk, tmp_path, command):
    scenario = tmp_path / "s.toml"
    scenario.write_text("[scenario]\nduration_s = 3.0\n")
    _fill(small_disk, 16384)
    if command == "run":
        args = ["run", str(scenario), "--csv", str(small_disk / "run.csv")]
    else:
        args = ["figures", "--out", str(small_disk), "--only", "force_frequency", "--style", "handout",
                "--format", "png", "svg", "pdf", "--quiet"]
    proc = subprocess.run([sys.executable, "-m", "simlib", *args], capture_output=True, text=True, timeout=300)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1 and "No space left on device" in lines[0], proc.stderr
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


# -- several users of one file ------------------------------------------------------------------------------------

_WRITTEN = [{"ca_mM": 0.6 + 0.1 * i, "rate_hz": 10.0 + i, "k_mM": 3.0 + 0.5 * i} for i in range(6)]


def _writer(path: str, index: int, until: float, in_place: bool) -> None:
    import simlib
    from simlib.scenario_io import _to_toml

    sc = simlib.Scenario(**_WRITTEN[index])
    text = _to_toml(sc)
    while time.time() < until:
        if in_place:  # what a simple editor or script does: truncate, then write
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text[: len(text) // 2])
                handle.flush()
                handle.write(text[len(text) // 2:])
        else:
            simlib.save_scenario(sc, path, overwrite=True)


def _reader(path: str, until: float, queue: multiprocessing.Queue) -> None:
    import simlib

    valid = {simlib.Scenario(**w) for w in _WRITTEN}
    counts = {"complete": 0, "refused": 0, "defaults": 0, "other": 0, "errors": []}
    while time.time() < until:
        try:
            sc = simlib.load_scenario(path)
        except simlib.ParameterError as exc:
            counts["refused"] += 1
            if len(counts["errors"]) < 3:
                counts["errors"].append(str(exc)[:200])
            continue
        except Exception as exc:  # noqa: BLE001 - reported to the test
            counts["other"] += 1
            counts["errors"].append(f"{type(exc).__name__}: {exc}"[:200])
            continue
        if sc == simlib.Scenario(motor_units=1):
            counts["defaults"] += 1
        elif sc in valid:
            counts["complete"] += 1
        else:
            counts["other"] += 1
    queue.put(counts)


def _crowd(path: Path, seconds: float, in_place: bool) -> list[dict]:
    import simlib

    simlib.save_scenario(simlib.Scenario(**_WRITTEN[0]), path)
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    until = time.time() + seconds
    writers = [ctx.Process(target=_writer, args=(str(path), i, until, in_place)) for i in range(3)]
    readers = [ctx.Process(target=_reader, args=(str(path), until, queue)) for _ in range(3)]
    for process in writers + readers:
        process.start()
    results = [queue.get(timeout=seconds + 60) for _ in readers]
    for process in writers + readers:
        process.join(timeout=30)
        assert process.exitcode == 0
    return results


def test_readers_of_a_file_that_others_save_see_only_complete_files(tmp_path):
    results = _crowd(tmp_path / "shared.toml", 6.0, in_place=False)
    print(f"atomic saves: {[{k: v for k, v in c.items() if k != 'errors'} for c in results]}")
    for counts in results:
        assert counts["refused"] == 0 and counts["defaults"] == 0 and counts["other"] == 0, counts
        assert counts["complete"] > 100, counts
    assert _temps(tmp_path) == []


def test_readers_of_a_file_rewritten_in_place_are_never_given_the_defaults(tmp_path):
    # Audit D9: 29,828 of 34,620 loads during an in-place rewrite returned Scenario(motor_units=1) without a word.
    results = _crowd(tmp_path / "shared.toml", 6.0, in_place=True)
    print(f"in-place rewrites: {[{k: v for k, v in c.items() if k != 'errors'} for c in results]}")
    for counts in results:
        assert counts["defaults"] == 0, counts
        assert not [e for e in counts["errors"] if not e.startswith(str(tmp_path))], counts
        assert counts["complete"] + counts["refused"] + counts["other"] > 100, counts


def _exporter(directory: str, index: int, rounds: int, overwrite: bool, barrier, queue) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from simlib import ParameterError, figures

    fig = Figure(figsize=(3.5, 2.6))
    fig.subplots().plot([0, 1], [index, 1 - index])
    outcomes = []
    for r in range(rounds):
        barrier.wait()
        try:
            figures.export_figure(fig, Path(directory) / f"round{r}", formats=("png", "svg"), dpi=60,
                                  title=f"writer {index}", overwrite=overwrite)
            outcomes.append("written")
        except ParameterError:
            outcomes.append("refused")
        barrier.wait()
    queue.put((index, outcomes))


@pytest.mark.parametrize("overwrite", [False, True])
def test_two_processes_exporting_one_figure_leave_one_complete_set(tmp_path, overwrite):
    # Audit 4b: with overwrite=True, a mixed set (png from one writer, caption from the other) in 4/10 rounds.
    from PIL import Image

    from simlib import figures

    rounds = 10
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    if overwrite:  # every round replaces an existing set
        for r in range(rounds):
            for name in (f"round{r}.png", f"round{r}.svg", f"round{r}.caption.toml"):
                (tmp_path / name).write_text("old")
    workers = [ctx.Process(target=_exporter, args=(str(tmp_path), i, rounds, overwrite, barrier, queue))
               for i in range(2)]
    for w in workers:
        w.start()
    outcomes = dict(queue.get(timeout=300) for _ in workers)
    for w in workers:
        w.join(timeout=30)
    for r in range(rounds):
        with Image.open(tmp_path / f"round{r}.png") as img:
            png_title = img.info["Title"]
        caption_title = figures.read_caption(tmp_path / f"round{r}.caption.toml")["title"]
        svg = (tmp_path / f"round{r}.svg").read_text()
        assert png_title == caption_title and f"<title>{png_title}</title>" in svg, r
        if not overwrite:
            assert sorted(o[r] for o in outcomes.values()) == ["refused", "written"]
    assert _temps(tmp_path) == []


# -- signals while the command line writes ------------------------------------------------------------------------


def _during_import(err: str) -> bool:
    """Tell whether a traceback is that of Ctrl-C while ``import simlib`` ran, before the command line's main."""
    return "Traceback" in err and "_get_module_details" in err and "simlib/__main__.py" not in err


def test_ctrl_c_during_start_up_is_one_line_and_130():
    # Audit D13: Ctrl-C in the first ~0.8 s printed a traceback and the exit status was -2.
    for delay in (0.05, 0.2, 0.4):
        proc = subprocess.Popen([sys.executable, "-m", "simlib", "presets"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, 130) and "Traceback" not in err, (delay, proc.returncode, err[-300:])


def _complete_csv(path: Path, rows: int) -> bool:
    with open(path, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    return len(table) == rows + 1 and all(len(row) == len(table[0]) for row in table)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT])
def test_signals_during_run_csv_never_leave_a_partial_file(tmp_path, signum):
    # Audit 3h/D12: SIGTERM/SIGKILL left `.simlib-csv-XXXX/` folders of 12-15 MB in 3 of 6 runs.
    rng = random.Random(f"{SEED}-{signum}")
    scenario = tmp_path / "long.toml"
    scenario.write_text("[scenario]\nduration_s = 30.0\n")
    rows = 30_001
    command = [sys.executable, "-m", "simlib", "run", str(scenario), "--csv"]
    started = time.perf_counter()  # a whole run first: the signals then land in its last half (the CSV phase)
    subprocess.run([*command, str(tmp_path / "whole.csv")], capture_output=True, check=True, timeout=300)
    whole_s = time.perf_counter() - started
    codes = []
    for attempt in range(6):
        target = tmp_path / f"run{attempt}.csv"
        proc = subprocess.Popen([*command, str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        time.sleep(rng.uniform(0.5, 1.0) * whole_s)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=300)
        codes.append(proc.returncode)
        if _during_import(err):  # before simlib.__main__ runs: see test_ctrl_c_during_start_up
            codes[-1] = f"{proc.returncode} (during import)"
            continue
        assert "Traceback" not in err, err
        assert not target.exists() or _complete_csv(target, rows)
        (tmp_path / "whole.csv").unlink(missing_ok=True)
        if signum != signal.SIGKILL:
            assert _temps(tmp_path) == [], (attempt, proc.returncode, err)
            expected = {signal.SIGTERM: {0, 143, -signal.SIGTERM}, signal.SIGINT: {0, 130}}[signum]
            assert proc.returncode in expected, (proc.returncode, err)
    print(f"signal {signum}: whole run {whole_s:.1f} s, exit codes {codes}")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signals_during_figures_never_leave_an_incomplete_set(tmp_path, signum):
    # Audit 3d/D10: incomplete sets in 3/8 runs, 0-byte `.NAME.fmt.HEX.tmp` files in 6/8.
    rng = random.Random(f"{SEED}-figures-{signum}")
    names = ["force_frequency", "twitch_summation_tetanus", "calcium_atp_relaxation"]
    for attempt in range(4):
        out = tmp_path / f"out{attempt}"
        out.mkdir()
        proc = subprocess.Popen([sys.executable, "-m", "simlib", "figures", "--out", str(out), "--only", *names,
                                 "--format", "png", "svg", "pdf", "--dpi", "200", "--quiet"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(2.0, 8.0))
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=300)
        if _during_import(err):  # before simlib.__main__ runs: see test_ctrl_c_during_start_up
            continue
        assert "Traceback" not in err and "unexpected error" not in err, err
        assert proc.returncode in {0, 128 + signum, -signum, 130 if signum == signal.SIGINT else 143}, err
        assert _temps(out) == []
        for name in names:
            present = [(out / f"{name}{ext}").exists() for ext in (".png", ".svg", ".pdf", ".caption.toml")]
            assert all(present) or not any(present), (name, present)
