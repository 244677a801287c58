"""The README's instructor commands run as written in a fresh folder, and again on top of their output.

The folder stands for a fresh clone after ``make lab``: ``.venv`` is this test's Python environment
and ``examples/`` the repository's. Before issue 15 the second command stopped with "slides/
drug_comparison.png already exists" and the third needed a ``my_scenario.toml`` that existed nowhere.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Figures for instructors"


def instructor_commands() -> list[str]:
    """The shell commands of the README's first ``bash`` block under "Figures for instructors"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, f"no bash block in the README's {SECTION!r} section"
    return [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_shows_three_instructor_commands_and_files_they_need_exist():
    commands = instructor_commands()
    assert len(commands) == 3, commands
    for command in commands:
        assert command.startswith(("mkdir -p ", ".venv/bin/simlib ")), command
        for word in command.split():
            if word.endswith((".toml", ".json")):
                assert (ROOT / word).is_file(), f"{command!r} needs {word}, which the repository does not have"


def _run(command: str, cwd: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{command!r} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell commands")
def test_readme_instructor_commands_run_as_written_and_again(tmp_path):
    venv_bin = Path(sys.executable).parent
    if not (venv_bin / "simlib").exists():
        pytest.skip("the simlib command is not installed in this environment (pip install -e .)")
    (tmp_path / ".venv").symlink_to(venv_bin.parent, target_is_directory=True)
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    commands = instructor_commands()
    for command in commands:
        _run(command, tmp_path)
    assert len(list((tmp_path / "slides").glob("*.png"))) >= 5
    assert {p.suffix for p in (tmp_path / "handouts").iterdir()} >= {".png", ".svg", ".pdf"}
    header = (tmp_path / "traces.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "force" in header
    # Again, on top of the first run's files (the all-figures command, ~1 min here, is not re-run;
    # like the others it passes --overwrite).
    assert all("--overwrite" in c for c in commands if "simlib " in c)
    for command in commands[1:]:
        _run(command, tmp_path)
