"""The command line with bad outputs and signals (reliability audit D10-D14, D16): one line, no partial file."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import simlib  # noqa: E402
from simlib import _fileio, figures  # noqa: E402
from simlib.__main__ import main  # noqa: E402
from simlib.result import Result  # noqa: E402

posix_only = pytest.mark.skipif(os.name != "posix", reason="signals, devices and symbolic links")
QUICK = ["--only", "force_frequency", "--style", "handout", "--dpi", "40"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str, code: int, expected_code: int, *fragments: str) -> str:
    assert code == expected_code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture()
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "short.toml"
    path.write_text("[scenario]\nduration_s = 0.3\ndrive_start_s = 0.1\ndrive_s = 0.1\n")
    return path


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simlib", *args], text=True, timeout=300, **kwargs)


# --- simlib scenario ----------------------------------------------------------------------------------------


def test_scenario_template_is_a_valid_file_of_the_healthy_defaults(capsys, tmp_path):
    code, out, err = run(capsys, "scenario", "--template")
    assert code == 0 and err == ""
    path = tmp_path / "my_scenario.toml"
    path.write_text(out)
    assert simlib.load_scenario(path) == simlib.Scenario()
    for param in simlib.parameters.SCENARIO_PARAMS:
        assert f"{param.name}: {param.meaning}"[:40] in " ".join(out.split()), param.name
        assert param.range_text().split(" or ")[0] in " ".join(out.split())
    # the optional field is shown commented out; un-commenting it sets it
    path.write_text(out.replace("\n# stretch_at_s = ", "\nstretch_at_s = "))
    assert simlib.load_scenario(path).stretch_at_s == 1.0
    code, out, err = run(capsys, "run", str(path))
    assert code == 0, err


def test_scenario_checks_a_file(capsys, scenario_file, tmp_path):
    code, out, _ = run(capsys, "scenario", str(scenario_file))
    assert code == 0 and out.startswith(f"{scenario_file}: valid\n") and "duration_s = 0.3 s" in out
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    code, _, err = run(capsys, "scenario", str(empty))
    one_line(err, code, 1, "simlib scenario:", "is empty", "simlib scenario --template")
    code, _, err = run(capsys, "scenario")
    one_line(err, code, 2, "--template or a FILE")


# --- usage errors found up front ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--format", ""], ["--format needs at least one format", "png, svg, pdf"]),
        (["--format", ","], ["--format needs at least one format"]),
        (["--only", ""], ["--only needs at least one figure"]),
        (["--dpi", "2400"], ["between 10 and 1200", "memory"]),
        (["--dpi", "1200", "--style", "slide"], ["16000 x 9000 px", "GB of memory", "use dpi <= 632"]),
    ],
    ids=["format-empty", "format-comma", "only-empty", "dpi-2400", "slide-pixels"],
)
def test_usage_errors_come_before_any_drawing(capsys, tmp_path, monkeypatch, args, fragments):
    # Audit D13 (--format "" rendered a figure, then exit 1) and D14 (--dpi 2400 took 2.47 GB).
    monkeypatch.setattr(figures, "render", lambda *a, **k: pytest.fail("drew a figure"))
    only = [] if "--only" in args else ["--only", "force_frequency"]
    code, _, err = run(capsys, "figures", "--out", str(tmp_path), *only, *args)
    one_line(err, code, 2, *fragments)
    assert list(tmp_path.iterdir()) == []


# --- outputs that must not be replaced -------------------------------------------------------------------------


@posix_only
def test_run_csv_never_replaces_a_link(capsys, scenario_file, tmp_path):
    # Audit D11: `--csv link.csv --overwrite` turned the link into a regular file.
    real = tmp_path / "real.csv"
    real.write_text("untouched")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, _, err = run(capsys, "run", str(scenario_file), "--csv", str(link), "--overwrite")
    one_line(err, code, 1, "simlib run:", "is a symbolic link, not a regular file")
    assert link.is_symlink() and real.read_text() == "untouched"


@posix_only
def test_run_csv_never_replaces_a_device(capsys, scenario_file, tmp_path):
    node = tmp_path / "fakenull"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    code, _, err = run(capsys, "run", str(scenario_file), "--csv", str(node), "--overwrite")
    one_line(err, code, 1, "is a character device, not a regular file")
    assert stat.S_ISCHR(os.lstat(node).st_mode)


@posix_only
def test_figures_overwrite_never_replaces_a_link(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(figures, "render", lambda *a, **k: pytest.fail("drew a figure"))
    real = tmp_path / "real.png"
    real.write_bytes(b"untouched")
    (tmp_path / "force_frequency.png").symlink_to(real)
    code, _, err = run(capsys, "figures", "--out", str(tmp_path), *QUICK, "--overwrite")
    one_line(err, code, 1, "force_frequency.png: is a symbolic link")
    assert real.read_bytes() == b"untouched"


def test_run_csv_with_a_name_that_is_too_long(capsys, scenario_file, tmp_path):
    # Audit D13: "unexpected error: OSError: [Errno 36] File name too long".
    code, _, err = run(capsys, "run", str(scenario_file), "--csv", str(tmp_path / ("x" * 300 + ".csv")))
    line = one_line(err, code, 1, "simlib run:")
    assert "unexpected" not in line and "too long" in line.lower()


def test_run_csv_on_a_full_disk_keeps_the_previous_file(capsys, scenario_file, tmp_path, monkeypatch):
    target = tmp_path / "run.csv"
    target.write_text("previous")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    code, _, err = run(capsys, "run", str(scenario_file), "--csv", str(target), "--overwrite")
    one_line(err, code, 1, f"simlib run: {target}: cannot write (No space left on device)")
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.csv", "short.toml"]


# --- signals ----------------------------------------------------------------------------------------------------


@posix_only
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_while_writing_the_csv_removes_the_temporary_file(capsys, scenario_file, tmp_path, monkeypatch,
                                                                   signum, code):
    # Audit D12: SIGTERM/SIGKILL left `.simlib-csv-XXXX/` folders of 12-15 MB in the output folder.
    real = Result._write_csv

    def write_then_signal(self, handle):
        real(self, handle)
        os.kill(os.getpid(), signum)
        time.sleep(5)  # the handler raises before this ends

    monkeypatch.setattr(Result, "_write_csv", write_then_signal)
    before = signal.getsignal(signum)
    got, _, err = run(capsys, "run", str(scenario_file), "--csv", str(tmp_path / "run.csv"))
    one_line(err, got, code, f"stopped by {signal.Signals(signum).name}", "no partial file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["short.toml"]
    assert signal.getsignal(signum) == before  # main() restores the handlers it installed


def test_ctrl_c_in_a_command_is_one_line_and_130(capsys, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(figures, "render", interrupted)
    code, _, err = run(capsys, "figures", "--out", str(tmp_path), *QUICK)
    one_line(err, code, 130, "simlib: interrupted")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_swallowed_by_a_callback_still_stops_the_command_without_a_traceback(capsys, tmp_path, monkeypatch):
    # Soak finding: a Ctrl-C that lands in a weakref or ctypes callback (matplotlib, llvmlite) was printed as
    # "Exception ignored ... Traceback ... KeyboardInterrupt" and the command carried on to the end.
    class InterruptedInCallback:
        def __del__(self):
            raise KeyboardInterrupt

    def render(*args, **kwargs):
        InterruptedInCallback()  # raised in __del__: Python cannot propagate it
        return matplotlib.figure.Figure()

    monkeypatch.setattr(figures, "render", render)
    code, _, err = run(capsys, "figures", "--out", str(tmp_path), *QUICK)
    one_line(err, code, 130, "simlib: interrupted")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_half_way_through_a_figure_set_leaves_no_partial_set(capsys, tmp_path, monkeypatch):
    # Audit D10: SIGINT during `simlib figures` left figures with only their PNG.
    real = figures.export._save_image

    def interrupted_on_pdf(fig, handle, fmt, *args):
        if fmt == "pdf":
            raise KeyboardInterrupt
        real(fig, handle, fmt, *args)

    monkeypatch.setattr(figures.export, "_save_image", interrupted_on_pdf)
    code, _, err = run(capsys, "figures", "--out", str(tmp_path), *QUICK, "--format", "png", "svg", "pdf")
    one_line(err, code, 130, "interrupted")
    assert list(tmp_path.iterdir()) == []


# --- standard output that cannot be written ------------------------------------------------------------------


@posix_only
def test_stdout_to_dev_full_is_one_line(tmp_path):
    # Audit D13: `> /dev/full` gave "unexpected error: OSError: [Errno 28]".
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        proc = _cli("presets", stdout=full, stderr=subprocess.PIPE)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "simlib: cannot write to standard output (No space left on device)"


@posix_only
def test_closed_stdout_is_one_line():
    # Audit D13: `>&-` gave "unexpected error: AttributeError: 'NoneType' object has no attribute 'write'".
    proc = subprocess.run(f"'{sys.executable}' -m simlib presets >&-", shell=True, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "simlib: cannot write to standard output: it is closed"


@posix_only
def test_a_closed_pipe_stops_quietly():
    proc = subprocess.run(f"'{sys.executable}' -m simlib scenario --template | head -c 10 > /dev/null; "
                          "exit ${PIPESTATUS[0]}", shell=True, executable="/bin/bash", capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode in (0, 141) and proc.stderr == ""


def test_no_temporary_file_prefix_is_left_by_a_normal_run(capsys, scenario_file, tmp_path):
    code, _, err = run(capsys, "run", str(scenario_file), "--csv", str(tmp_path / "a.csv"))
    assert code == 0, err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((_fileio.TEMP_PREFIX, ".simlib-csv-"))]


def test_main_takes_over_from_the_start_up_guard(capsys, monkeypatch):
    from simlib import _system

    if not hasattr(_system, "quiet_interrupt_until_main"):
        pytest.skip("no start-up guard in simlib._system")
    before = signal.getsignal(signal.SIGINT)
    try:
        _system.quiet_interrupt_until_main()
        assert run(capsys, "--version")[0] == 0
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, before)
