"""Fixtures of the end-to-end tests: one Chromium, one JupyterLab and one Voilà server per session.

Servers listen on 127.0.0.1 on a free port and serve a temporary copy of notebooks/, with their
Jupyter/IPython/matplotlib config, runtime and data directories in a temporary directory, so a
run writes nothing into the repository (except screenshots in tests/e2e/artifacts/, git-ignored).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from _e2e import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    ROOT,
    copy_notebooks,
    find_chromium,
    free_port,
    is_external,
    isolated_env,
    stop,
    venv_bin,
    wait_for_http,
)

# JupyterLab settings for a quiet, deterministic page: every cell in the DOM (no virtual
# scrolling), no news or update checks (no network), no autosave into the served copy.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}

# Voilà template of `make app` (share/jupyter/voila/templates/, see the Makefile).
VOILA_TEMPLATE = "muscle-spasm-lab"


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


class Server:
    def __init__(self, url: str, root: Path, proc: subprocess.Popen, log: Path) -> None:
        self.url, self.root, self.proc, self.log = url, root, proc, log


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium found")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    messages: list[str] = []
    page.on("pageerror", lambda exc: messages.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: messages.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("requestfailed", lambda req: messages.append(f"requestfailed: {req.url} ({req.failure})"))
    page.console_errors = messages
    page.external_requests = []  # URLs of requests to any host but the local test servers
    page.on("request", lambda req: page.external_requests.append(req.url) if is_external(req.url) else None)
    yield page
    report = getattr(request.node, "report_call", None)
    external = [f"external request: {url}" for url in page.external_requests]
    (ARTIFACTS / f"console-{_safe(request.node.name)}.txt").write_text("\n".join(messages + external), encoding="utf-8")
    if report is not None and report.failed:  # the page as it was when the test failed
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{_safe(request.node.name)}.png"), full_page=True)
    context.close()


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("lab-home")
    root = copy_notebooks(tmp_path_factory.mktemp("lab-root") / "notebooks")
    settings = home / "user-settings"
    for rel, values in LAB_SETTINGS.items():
        target = settings / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(24)
    cmd = [
        venv_bin("jupyter-lab"), "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}", "--ServerApp.open_browser=False",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = ARTIFACTS / "jupyterlab.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=isolated_env(home), stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/api/status?token={token}", proc, log)
        # "reset": a fresh workspace per page, so notebooks opened by earlier tests are not restored.
        yield Server(f"{base}/lab/tree/{{path}}?reset&token={token}", root, proc, log)
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def voila_app(tmp_path_factory):
    home = tmp_path_factory.mktemp("voila-home")
    root = copy_notebooks(tmp_path_factory.mktemp("voila-root") / "notebooks")
    port = free_port()
    # As `make app`: the repository's Voilà template (no CDN links), found through JUPYTER_PATH.
    cmd = [
        venv_bin("voila"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
        f"--template={VOILA_TEMPLATE}", str(root / "08_spasm_explorer.ipynb"),
    ]
    env = isolated_env(home)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(ROOT / "share" / "jupyter"), env.get("JUPYTER_PATH")]))
    # and its server settings (kernel shutdown on tab close, culling, no files served)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "share" / "jupyter" / "app_config"), env.get("JUPYTER_CONFIG_PATH")]))
    log = ARTIFACTS / "voila.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/voila/static/", proc, log)
        yield Server(f"{base}/", root, proc, log)
    finally:
        stop(proc)


# --- `make app` itself, as a class meets it (tests/e2e/test_classroom.py) -------------------------


class AppServer(Server):
    """A running ``make app``: its URL, the notebook folder it serves, the process group and the log."""

    def kernels(self) -> list:
        """The Voilà kernels alive now (processes under ``make app``), as ``psutil.Process`` objects."""
        import psutil

        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        alive = []
        for child in children:
            try:
                if "ipykernel_launcher" in " ".join(child.cmdline()):
                    alive.append(child)
            except psutil.Error:
                pass
        return alive


@pytest.fixture
def make_app(tmp_path_factory):
    """Start ``make app`` (the Makefile's recipe, template and share/jupyter/app_config/voila.py).

    Returns a function ``start(*voila_args) -> AppServer``; extra arguments go to Voilà through the
    Makefile's ``APP_ARGS``. The recipe runs against this Python's venv (``-o`` its lab stamp: nothing
    is installed) and serves a temporary copy of notebooks/. Every server is stopped, with its kernels,
    at the end of the test.
    """
    started: list[subprocess.Popen] = []
    venv = Path(sys.prefix)

    def start(*voila_args: str) -> AppServer:
        home = tmp_path_factory.mktemp("app-home")
        root = copy_notebooks(tmp_path_factory.mktemp("app-root") / "notebooks")
        port = free_port()
        cmd = ["make", "--no-print-directory", "-C", str(ROOT), "-o", str(venv / ".installed-lab"), "app",
               f"VENV={venv}", f"APP_PORT={port}", "APP_IP=127.0.0.1",
               f"APP_NOTEBOOK={root / '08_spasm_explorer.ipynb'}",
               "APP_ARGS=" + " ".join(["--Voila.port_retries=0", *voila_args])]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = ARTIFACTS / f"make-app-{len(started)}.log"
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=isolated_env(home), stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)  # its own process group: stopped with its kernels
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/voila/static/", proc, log)
        return AppServer(f"{base}/", root, proc, log)

    yield start
    for proc in started:
        _stop_group(proc)


@pytest.fixture
def make_lab(tmp_path_factory):
    """Start ``make lab`` as a learner does (the venv's shipped settings, not the tests' user settings).

    Returns a function ``start(*make_args) -> Server`` whose ``url`` is a template
    ``http://127.0.0.1:<port>/{path}?token=<token>``. Port, token and "no browser" come from a
    jupyter_server_config.json in the server's own config folder; the lab stamp is taken as done
    (``-o``), the shipped JupyterLab settings are installed into this venv as ``make lab`` does.
    """
    started: list[subprocess.Popen] = []
    venv = Path(sys.prefix)

    def start(*make_args: str) -> Server:
        home = tmp_path_factory.mktemp("make-lab-home")
        env = isolated_env(home)
        port, token = free_port(), secrets.token_hex(24)
        config = Path(env["JUPYTER_CONFIG_DIR"])
        config.mkdir(parents=True, exist_ok=True)
        server = {"ip": "127.0.0.1", "port": port, "port_retries": 0, "token": token, "open_browser": False}
        (config / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": server}), encoding="utf-8")
        # It serves the repository itself: never autosave into its notebooks.
        autosave = config / "lab/user-settings/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"
        autosave.parent.mkdir(parents=True, exist_ok=True)
        autosave.write_text(json.dumps({"autosave": False}), encoding="utf-8")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = ARTIFACTS / f"make-lab-{len(started)}.log"
        cmd = ["make", "--no-print-directory", "-C", str(ROOT), "-o", str(venv / ".installed-lab"), "lab",
               f"VENV={venv}", *make_args]
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/api/status?token={token}", proc, log)
        return Server(f"{base}/{{path}}?token={token}", ROOT, proc, log)

    yield start
    for proc in started:
        _stop_group(proc)


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL, to the process group of ``proc`` (make, Voilà and the kernels)."""
    for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            pass
