"""The command line (simlib.__main__): success paths, and one clear line for every bad input."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import simlib  # noqa: E402
from simlib import figures  # noqa: E402
from simlib.__main__ import main  # noqa: E402

# Cheap figure and settings for the success paths (the whole gallery is a benchmark, not a test).
QUICK = ["--only", "force_frequency", "--style", "handout", "--dpi", "40"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, code: int, expected_code: int, *fragments: str) -> None:
    assert code == expected_code
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# --- figures ------------------------------------------------------------------------------------------


def test_figures_writes_images_and_captions(capsys, tmp_path):
    code, out, err = run(capsys, "figures", "--out", str(tmp_path), *QUICK, "--format", "png", "svg")
    assert code == 0, err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["force_frequency.caption.toml", "force_frequency.png", "force_frequency.svg"]
    assert out.startswith("force_frequency: ") and str(tmp_path / "force_frequency.png") in out
    # the progress bar (not a terminal: one complete line per figure, tqdm's format)
    assert re.search(r"^figures: 100%\|#{10}\| 1/1 \[\d\d:\d\d<00:00, .*figure.*, force_frequency\]$", err, re.M), err
    assert "wrote 3 files for 1 figures" in err and "40 dpi" in err
    caption = figures.read_caption(tmp_path / "force_frequency.caption.toml")
    assert caption["style"] == "handout" and caption["dpi"] == 40


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_figures_on_a_terminal_redraw_one_bar_line(monkeypatch, tmp_path):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["figures", "--out", str(tmp_path), *QUICK]) == 0
    bar, summary = terminal.getvalue().split("\n")[:2]
    assert bar.startswith("\rfigures:   0%|") and "force_frequency]" in bar and "| 1/1 [" in bar
    assert summary.startswith("wrote 2 files for 1 figures")


def test_figures_interrupted_on_a_terminal_end_the_bar_line_before_the_message(monkeypatch, tmp_path):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(figures, "render", interrupted)
    assert main(["figures", "--out", str(tmp_path), *QUICK]) == 130
    bar, message = terminal.getvalue().split("\n")[:2]
    assert bar.startswith("\rfigures:   0%|") and bar.endswith("force_frequency, stopped]")
    assert message == "simlib: interrupted"


def test_figures_several_names_and_comma_lists(capsys, tmp_path):
    code, _, err = run(capsys, "figures", "--out", str(tmp_path), "--only", "force_frequency,twitch_summation_tetanus",
                       "--style", "handout", "--dpi", "30", "--format", "png,pdf", "--quiet")
    assert code == 0, err
    assert {p.suffix for p in tmp_path.iterdir()} == {".png", ".pdf", ".toml"}
    assert len(list(tmp_path.iterdir())) == 6
    assert "[" not in err  # --quiet: no progress bar


def test_figures_from_a_scenario_or_caption_file(capsys, tmp_path):
    scenario_file = tmp_path / "cold.toml"
    simlib.save_scenario(simlib.PRESETS["cold"].replace(motor_units=1), scenario_file)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = run(capsys, "figures", "--out", str(out_dir), *QUICK, "--scenario", str(scenario_file))
    assert code == 0, err
    caption_file = out_dir / "force_frequency.caption.toml"
    assert simlib.load_scenario(caption_file) == simlib.PRESETS["cold"].replace(motor_units=1)
    # the caption file is itself a scenario file: it regenerates the figure
    again = tmp_path / "again"
    again.mkdir()
    code, _, err = run(capsys, "figures", "--out", str(again), *QUICK, "--scenario", str(caption_file))
    assert code == 0, err
    assert (again / "force_frequency.png").read_bytes() == (out_dir / "force_frequency.png").read_bytes()


def test_figures_overwrite(capsys, tmp_path):
    assert run(capsys, "figures", "--out", str(tmp_path), *QUICK)[0] == 0
    code, out, err = run(capsys, "figures", "--out", str(tmp_path), *QUICK)
    assert_one_line_error(err, code, 1, "force_frequency.png already exists (and 1 more)", "--overwrite")
    assert out == ""
    assert run(capsys, "figures", "--out", str(tmp_path), *QUICK, "--overwrite")[0] == 0


def test_figures_list(capsys):
    code, out, _ = run(capsys, "figures", "--list")
    assert code == 0
    for name in figures.names():
        assert name in out


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--only", "nonsense"], ["unknown figure 'nonsense'", "valid figures: chain_overview"]),
        (["--only", "force_frequncy"], ["did you mean 'force_frequency'", "valid figures:"]),
        (["--format", "gif"], ["unknown format 'gif'", "valid formats: png, svg, pdf"]),
        (["--style", "poster"], ["unknown style 'poster'", "valid styles: slide, handout"]),
        (["--style", "slide,handout"], ["--style takes one of: slide, handout"]),
        (["--dpi", "0"], ["--dpi must be a number between 10 and 1200"]),
        (["--dpi", "lots"], ["invalid float value: 'lots'"]),
    ],
    ids=["figure", "figure-typo", "format", "style", "two-styles", "dpi-range", "dpi-text"],
)
def test_figures_usage_errors(capsys, tmp_path, args, fragments):
    code, out, err = run(capsys, "figures", "--out", str(tmp_path), *args)
    assert_one_line_error(err, code, 2, "simlib figures:", *fragments)
    assert out == "" and list(tmp_path.iterdir()) == []


def test_figures_needs_out(capsys):
    code, _, err = run(capsys, "figures")
    assert_one_line_error(err, code, 2, "--out DIR")


def test_figures_missing_directory(capsys, tmp_path):
    code, _, err = run(capsys, "figures", "--out", str(tmp_path / "missing"), *QUICK)
    assert_one_line_error(err, code, 1, "does not exist", "mkdir -p")


def test_figures_out_is_a_file(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, "figures", "--out", str(tmp_path / "file"), *QUICK)
    assert_one_line_error(err, code, 1, "is not a directory")


def test_figures_unwritable_directory(capsys, tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions: make the write itself fail
            real_open = os.open

            def refuse(path, *args, **kwargs):
                if Path(path).parent == locked:
                    raise PermissionError(13, "Permission denied")
                return real_open(path, *args, **kwargs)

            monkeypatch.setattr(os, "open", refuse)
        code, _, err = run(capsys, "figures", "--out", str(locked), *QUICK)
    finally:
        locked.chmod(0o755)
    assert_one_line_error(err, code, 1, "cannot write to", "Permission denied")
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "name", "fragments"),
    [
        ("[scenario]\nca_mM = 12.0\n", "range.toml", ["'ca_mM' must be between 0.3 and 4", "got 12.0"]),
        ("[scenario]\nrate = 10\n", "typo.toml", ["did you mean 'rate_hz'"]),
        ("ca_mM = [\n", "broken.toml", ["malformed TOML"]),
        ('{"ca_mM": 1.0,}', "broken.json", ["malformed JSON"]),
        ("ca_mM: 1.0\n", "scenario.yaml", ["unsupported scenario file type"]),
    ],
    ids=["out-of-range", "unknown-field", "toml", "json", "extension"],
)
def test_bad_scenario_files(capsys, tmp_path, content, name, fragments):
    bad = tmp_path / name
    bad.write_text(content)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = run(capsys, "figures", "--out", str(out_dir), *QUICK, "--scenario", str(bad))
    assert_one_line_error(err, code, 1, "simlib figures:", str(bad), *fragments)
    assert list(out_dir.iterdir()) == []
    code, _, err = run(capsys, "run", str(bad))
    assert_one_line_error(err, code, 1, "simlib run:", *fragments)


def test_missing_scenario_file(capsys, tmp_path):
    code, _, err = run(capsys, "run", str(tmp_path / "nope.toml"))
    assert_one_line_error(err, code, 1, "scenario file not found")


def test_unexpected_errors_are_one_line_too(capsys, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("something broke\ninside")

    monkeypatch.setattr(figures, "render", boom)
    code, _, err = run(capsys, "figures", "--out", str(tmp_path), *QUICK)
    assert_one_line_error(err, code, 1, "unexpected error: RuntimeError: something broke inside", "--traceback")
    with pytest.raises(RuntimeError):
        main(["figures", "--out", str(tmp_path), *QUICK, "--traceback"])


# --- run -----------------------------------------------------------------------------------------------


@pytest.fixture()
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "tetany.toml"
    path.write_text("[scenario]\nca_mM = 0.75\nrate_hz = 0\nduration_s = 2.0\n")
    return path


def test_run_prints_metrics(capsys, scenario_file):
    code, out, err = run(capsys, "run", str(scenario_file))
    assert code == 0, err
    expected = simlib.simulate(simlib.load_scenario(scenario_file)).metrics()
    assert "ca_mM = 0.75 mM" in out
    assert "classification" in out and expected.classification in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("peak_force "))
    assert float(line.split()[1]) == pytest.approx(expected.peak_force, rel=1e-3)
    assert "resting_potential_mV" in out and " mV" in out


def test_run_writes_csv_like_result_to_csv(capsys, scenario_file, tmp_path):
    target = tmp_path / "trace.csv"
    code, _, err = run(capsys, "run", str(scenario_file), "--csv", str(target))
    assert code == 0, err
    assert f"wrote {target}" in err
    reference = tmp_path / "reference.csv"
    simlib.simulate(simlib.load_scenario(scenario_file)).to_csv(reference)
    assert target.read_bytes() == reference.read_bytes()
    with target.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:2] == ["t (s)", "force (normalised)"] and "ca_i (µM)" in header
    # not overwritten unless asked
    code, _, err = run(capsys, "run", str(scenario_file), "--csv", str(target))
    assert_one_line_error(err, code, 1, "already exists", "--overwrite")
    assert run(capsys, "run", str(scenario_file), "--csv", str(target), "--overwrite")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reference.csv", "tetany.toml", "trace.csv"]


def test_run_csv_into_missing_directory(capsys, scenario_file, tmp_path):
    code, _, err = run(capsys, "run", str(scenario_file), "--csv", str(tmp_path / "no" / "x.csv"))
    assert_one_line_error(err, code, 1, "does not exist")


# --- presets and the rest --------------------------------------------------------------------------------


def test_presets_lists_every_preset(capsys):
    code, out, _ = run(capsys, "presets")
    assert code == 0
    for name, info in simlib.PRESET_INFO.items():
        assert f"\n{name}  (" in f"\n{out}"
        assert info.description.split()[0] in out
    assert "ca_mM = 0.75 mM" in out
    code, out, _ = run(capsys, "presets", "--citations")
    assert code == 0 and "source: " in out


def test_no_command_prints_help(capsys):
    code, out, err = run(capsys)
    assert code == 2 and "figures" in err and "presets" in err


def test_unknown_command(capsys):
    code, _, err = run(capsys, "plot")
    assert_one_line_error(err, code, 2, "invalid choice: 'plot'", "figures", "run", "presets")


def test_help_exits_zero(capsys):
    code, out, _ = run(capsys, "figures", "--help")
    assert code == 0 and "--scenario" in out


def test_python_dash_m_and_console_script():
    proc = subprocess.run([sys.executable, "-m", "simlib", "--version"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == f"simlib {simlib.__version__}"
    script = Path(sys.executable).with_name("simlib")
    if not script.exists():
        pytest.skip("console script not installed (pip install -e .)")
    proc = subprocess.run([str(script), "presets"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "hypocalcaemia" in proc.stdout


def test_presets_and_run_do_not_import_matplotlib(scenario_file):
    code = (
        "import sys\n"
        "from simlib.__main__ import main\n"
        f"assert main(['presets']) == 0\n"
        f"assert main(['run', {str(scenario_file)!r}]) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib')\n"
        "assert not loaded, loaded\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr


def test_warmup_compiles_into_the_user_cache(capsys):
    from simlib.stages._jit import cache_dir

    code, out, err = run(capsys, "warmup")
    assert code == 0, err
    assert out.startswith("simlib kernel ready in ") and str(cache_dir()) in out
