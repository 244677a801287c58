""".ci/run and .ci/install-chromium: CI installs Chromium when missing, then runs `make test`.

The install path is run with a stand-in apt-get (first on PATH) and MSL_CI_FORCE_BROWSER_INSTALL=1,
which takes that path even where Chromium is installed, so no package is installed by these tests.
"""

from __future__ import annotations

import os
import re
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


# --- the Makefile's install paths (issue 15: offline classroom install, a learners-only `make lab`) ----

MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="needs make")


def _dry_run(*args: str) -> list[str]:
    """The commands ``make -n`` would run in the repository (recursive makes included), one per line."""
    proc = subprocess.run([MAKE, "--no-print-directory", "-n", "-C", str(ROOT), *args],
                          capture_output=True, text=True, timeout=60, check=True)
    return [line.strip() for line in proc.stdout.replace("\\\n", " ").splitlines() if line.strip()]


def _build_requires() -> list[str]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]


@needs_make
def test_wheelhouse_downloads_the_build_backend_pip_and_the_lab_install(tmp_path):
    commands = _dry_run("wheelhouse", f"VENV={tmp_path / 'venv'}", f"WHEELS={tmp_path / 'wheels'}")
    downloads = [c for c in commands if " -m pip download " in c]
    assert len(downloads) == 2, commands
    backend, project = downloads
    for requirement in [*_build_requires(), "wheel", "pip"]:  # without setuptools>=77 pip cannot build '.'
        assert f" {requirement}" in backend or f"'{requirement}'" in backend, (requirement, backend)
    assert "'.[lab]'" in project
    assert all("-c requirements/constraints.txt" in c and f"-d {tmp_path / 'wheels'}" in c for c in downloads)


@needs_make
def test_offline_install_uses_only_the_wheelhouse_and_warms_the_model_up(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    commands = _dry_run("install-offline", f"VENV={tmp_path / 'venv'}", f"WHEELS={wheels}")
    installs = [i for i, c in enumerate(commands) if " -m pip install " in c]
    assert installs, commands
    assert all(f"--no-index --find-links {wheels}" in commands[i] for i in installs), commands
    (editable,) = [i for i in installs if "-e '.[lab]'" in commands[i]]
    warmup = commands.index(f"{tmp_path / 'venv'}/bin/python -m simlib warmup --seed")
    assert warmup > editable  # the first simulation of each learner must not compile (~12 s) in class
    assert not any("[lab,test" in c or "playwright" in c for c in commands)


@needs_make
def test_offline_install_without_a_wheelhouse_says_what_to_do(tmp_path):
    proc = subprocess.run([MAKE, "--no-print-directory", "-C", str(ROOT), "install-offline",
                           f"VENV={tmp_path / 'venv'}", f"WHEELS={tmp_path / 'missing'}"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "run 'make wheelhouse' on a connected computer first" in proc.stderr
    assert not (tmp_path / "venv").exists()


@needs_make
def test_make_lab_installs_only_the_learners_extra(tmp_path):
    commands = _dry_run("lab", f"VENV={tmp_path / 'venv'}")
    installs = [c for c in commands if " -m pip install " in c]
    extras = [m.group(1) for c in installs for m in re.finditer(r"-e '\.\[([^\]]*)\]'", c)]
    assert extras == ["lab"], installs  # no pytest, ruff or Playwright (165 MB) for learners
    assert all("--quiet" in c for c in installs)
    (lab,) = [c for c in commands if "/bin/jupyter lab" in c]
    assert f"--ServerApp.root_dir={ROOT}" in lab  # ../docs/*.md links of the lessons open
    assert lab.endswith("notebooks/00_start_here.ipynb")


@needs_make
@pytest.mark.parametrize("target", ["test", "test-e2e", "bench"])
def test_test_targets_install_the_test_and_browser_extras(tmp_path, target):
    commands = _dry_run(target, f"VENV={tmp_path / 'venv'}")
    assert any("-e '.[lab,test,e2e]'" in c for c in commands), commands


def test_shipped_lab_settings_turn_news_and_update_checks_off():
    import json

    overrides = json.loads((ROOT / "share/jupyter/lab/settings/overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false",
                                                                        "checkForUpdates": False}


@needs_make
def test_make_app_loads_the_classroom_voila_config(tmp_path):
    (app,) = [c for c in _dry_run("app", f"VENV={tmp_path / 'venv'}") if "/bin/voila" in c]
    assert f"JUPYTER_CONFIG_PATH={ROOT}/share/jupyter/app_config" in app
    assert f"JUPYTER_PATH={ROOT}/share/jupyter" in app and "--template=muscle-spasm-lab" in app


def test_classroom_voila_config_culls_idle_kernels_and_serves_no_files():
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("voila.py", path=str(ROOT / "share/jupyter/app_config")).load_config()
    kernels = config.MappingKernelManager
    assert 60 <= kernels.cull_idle_timeout <= 1800 and kernels.cull_interval <= 120
    assert kernels.cull_connected is False  # an open tab keeps its kernel; closing it shuts it down
    assert config.VoilaConfiguration.file_allowlist == []
    assert callable(config.VoilaConfiguration.prelaunch_hook)


def test_classroom_voila_hook_creates_the_xsrf_cookie_the_page_posts_back():
    from traitlets.config.loader import PyFileConfigLoader

    hook = PyFileConfigLoader("voila.py", path=str(ROOT / "share/jupyter/app_config")).load_config() \
        .VoilaConfiguration.prelaunch_hook

    class Handler:
        touched = False

        @property
        def xsrf_token(self):  # tornado's property sets the _xsrf cookie when the request has none
            Handler.touched = True
            return b"token"

    assert hook(Handler(), notebook=None, cwd=".") is None  # the notebook runs unchanged
    assert Handler.touched


def test_binder_postbuild_warms_up_and_ships_the_lab_settings():
    lines = [line.strip() for line in (ROOT / "postBuild").read_text(encoding="utf-8").splitlines()]
    commands = " ".join(line for line in lines if line and not line.startswith("#"))
    assert "python -m simlib warmup --seed" in commands
    assert "share/jupyter/lab/settings/overrides.json" in commands and "sys.prefix" in commands
