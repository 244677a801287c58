""".ci/run and .ci/install-chromium: CI installs Chromium when missing, then runs `make test`.

The install path is run with a stand-in apt-get (first on PATH) and MSL_CI_FORCE_BROWSER_INSTALL=1,
which takes that path even where Chromium is installed, so no package is installed by these tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / ".ci" / "install-chromium"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _run_install(tmp_path: Path, apt_status: int, force: bool) -> tuple[subprocess.CompletedProcess, list[str]]:
    log = tmp_path / "apt-get.log"
    stub = tmp_path / "bin" / "apt-get"
    stub.parent.mkdir()
    stub.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexit {apt_status}\n', encoding="utf-8")
    stub.chmod(0o755)
    env = {**os.environ, "PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}"}
    env["MSL_CI_FORCE_BROWSER_INSTALL"] = "1" if force else "0"
    proc = subprocess.run(["bash", str(INSTALL)], env=env, capture_output=True, text=True, timeout=60)
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return proc, calls


@pytest.mark.skipif(os.geteuid() != 0, reason="the install path runs as root (as CI does)")
def test_forced_install_runs_apt_get_update_then_install(tmp_path):
    proc, calls = _run_install(tmp_path, apt_status=0, force=True)
    assert proc.returncode == 0, proc.stderr
    assert calls[0].startswith("update")
    assert calls[1].startswith("install") and calls[1].split()[-1] == "chromium" and "-y" in calls[1].split()


@pytest.mark.skipif(os.geteuid() != 0, reason="the install path runs as root (as CI does)")
def test_failed_install_warns_and_fails_only_when_forced(tmp_path):
    proc, calls = _run_install(tmp_path, apt_status=100, force=True)
    assert proc.returncode == 1
    assert "could not install chromium" in proc.stderr
    assert calls == ["update -q"]


def test_installed_chromium_is_left_alone(tmp_path):
    if not Path("/usr/bin/chromium").is_file():
        pytest.skip("no /usr/bin/chromium here")
    proc, calls = _run_install(tmp_path, apt_status=100, force=False)
    assert proc.returncode == 0 and calls == []


def test_ci_run_installs_the_browser_then_runs_make_test():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    assert "bash .ci/install-chromium" in commands
    assert commands.index("bash .ci/install-chromium") < commands.index("make test")
    assert commands[-1] == "make test"
