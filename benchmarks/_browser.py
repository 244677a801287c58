"""Helpers of ``benchmarks/browser_latency.py``: availability, servers, statistics, WebSocket frames.

The pure helpers (:func:`unavailable_reason`, :func:`stats`, :func:`decode_ws_frame`,
:func:`parse_jupyter_date`) need neither Playwright nor a browser and are unit-tested in
``tests/repo/test_benchmarks_smoke.py``. The server helpers start JupyterLab or Voilà on
127.0.0.1 on a free port, on a temporary copy of ``notebooks/`` with private Jupyter, IPython and
matplotlib folders (as the end-to-end tests do; their generic helpers in ``tests/e2e/_e2e.py`` are
reused), plus an IPython startup file that loads :mod:`_kernel_probe` into every kernel.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib.util
import json
import math
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
PROBE_JS = HERE / "_browser_probe.js"
VOILA_TEMPLATE = "muscle-spasm-lab"  # the template of `make app` (share/jupyter/voila/templates/)
# A quiet JupyterLab: every cell in the DOM, no news/update checks (no network), no autosave.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def _e2e() -> Any:
    """Import the end-to-end tests' helper module (``tests/e2e/_e2e.py``) by path."""
    if "_e2e" in sys.modules:
        return sys.modules["_e2e"]
    path = ROOT / "tests" / "e2e" / "_e2e.py"
    spec = importlib.util.spec_from_file_location("_e2e", path)
    if spec is None or spec.loader is None:  # pragma: no cover - the file is part of the repository
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["_e2e"] = module
    spec.loader.exec_module(module)
    return module


# --- availability -----------------------------------------------------------------------------------


def find_chromium() -> str | None:
    """Path of Chromium (``MSL_CHROMIUM``, /usr/bin/chromium or one on PATH), or None."""
    try:
        return _e2e().find_chromium()
    except ImportError:  # pytest missing: the e2e helpers cannot be imported
        explicit = os.environ.get("MSL_CHROMIUM")
        if explicit:
            return explicit if Path(explicit).is_file() else None
        return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def unavailable_reason(*, has_playwright: bool | None = None, chromium: str | None | bool = False,
                       has_pytest: bool | None = None) -> str | None:
    """Why the browser benchmark cannot run here, or None if it can.

    Parameters
    ----------
    has_playwright, has_pytest : bool, optional
        Whether the Python packages ``playwright`` and ``pytest`` (whose end-to-end helpers are
        reused) can be imported; looked up when None.
    chromium : str, None or False, optional
        Path of the Chromium binary (None: not found); looked up when False.

    Returns
    -------
    str or None
        A sentence for the learner or CI log, naming what is missing and how to install it.
    """
    if has_playwright is None:
        has_playwright = importlib.util.find_spec("playwright") is not None
    if has_pytest is None:
        has_pytest = importlib.util.find_spec("pytest") is not None
    if not has_playwright:
        return "the Python package 'playwright' is not installed (pip install -e '.[e2e]')"
    if not has_pytest:
        return "the Python package 'pytest' is not installed (pip install -e '.[test]')"
    if chromium is False:
        chromium = find_chromium()
    if chromium is None:
        return ("no Chromium found (looked for $MSL_CHROMIUM, /usr/bin/chromium and chromium on PATH); "
                "install it with: apt-get install -y chromium")
    return None


# --- statistics ---------------------------------------------------------------------------------------


def stats(values_ms: Sequence[float | None]) -> dict[str, float | int | None]:
    """Median, 95th percentile (linear interpolation), max and count of latencies; None values skipped.

    Parameters
    ----------
    values_ms : sequence of float or None
        Latencies (ms); ``None`` (not measured, e.g. the figure did not change) is left out.

    Returns
    -------
    dict
        ``{"n", "median_ms", "p95_ms", "max_ms"}``; the three times are None when ``n`` is 0.
    """
    values = sorted(float(v) for v in values_ms if v is not None and math.isfinite(float(v)))
    if not values:
        return {"n": 0, "median_ms": None, "p95_ms": None, "max_ms": None}

    def quantile(q: float) -> float:
        pos = q * (len(values) - 1)
        low = math.floor(pos)
        high = min(low + 1, len(values) - 1)
        return values[low] + (values[high] - values[low]) * (pos - low)

    return {"n": len(values), "median_ms": quantile(0.5), "p95_ms": quantile(0.95), "max_ms": values[-1]}


def target_verdict(summary: dict[str, Any], median_limit_ms: float, p95_limit_ms: float) -> bool | None:
    """Whether a surface's summary meets both limits (None when nothing was measured)."""
    if not summary or not summary.get("n"):
        return None
    return summary["median_ms"] <= median_limit_ms and summary["p95_ms"] <= p95_limit_ms


# --- Jupyter messages over the WebSocket -----------------------------------------------------------


def parse_jupyter_date(text: str) -> float:
    """Seconds since the epoch of a Jupyter header date (ISO 8601, ``Z`` or an offset, µs)."""
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.timestamp()


def decode_ws_frame(payload: str | bytes, opcode: int = 1) -> dict[str, Any] | None:
    """Decode one kernel WebSocket frame (v1 binary protocol, or the legacy JSON/binary one).

    Parameters
    ----------
    payload : str or bytes
        The frame as CDP reports it: text, or base64 text for binary frames (``opcode`` 2).
    opcode : int
        1 for a text frame, 2 for a binary frame.

    Returns
    -------
    dict or None
        ``{"channel", "msg_type", "msg_id", "parent_id", "date", "comm_method", "buffers",
        "buffer_bytes", "content"}`` (buffers as a count, their total size in bytes), or None when
        the frame is not a Jupyter message.
    """
    try:
        if opcode == 2:
            raw = base64.b64decode(payload) if isinstance(payload, str) else bytes(payload)
            parts, channel = _split_binary(raw)
        else:
            parts, channel = [payload.encode() if isinstance(payload, str) else payload], None
        if channel is not None:
            header, parent, _metadata, content = (json.loads(p) for p in parts[:4])
            buffers = parts[4:]
        else:
            msg = json.loads(parts[0])
            header, parent, content = msg["header"], msg.get("parent_header") or {}, msg.get("content") or {}
            channel, buffers = msg.get("channel"), parts[1:]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    data = content.get("data") if isinstance(content, dict) else None
    return {
        "channel": channel, "msg_type": header.get("msg_type"), "msg_id": header.get("msg_id"),
        "parent_id": (parent or {}).get("msg_id"), "date": header.get("date"),
        "comm_method": data.get("method") if isinstance(data, dict) else None,
        "buffers": len(buffers), "buffer_bytes": sum(len(b) for b in buffers), "content": content,
    }


def _split_binary(raw: bytes) -> tuple[list[bytes], str | None]:
    """Parts of a binary frame: v1 (``[channel, header, parent, metadata, content, *buffers]``) or legacy."""
    n = int.from_bytes(raw[:8], "little")
    if 2 <= n <= 64 and len(raw) >= 8 * (n + 1):
        offsets = [int.from_bytes(raw[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
        if offsets[0] == 8 * (n + 1) and offsets == sorted(offsets) and offsets[-1] == len(raw):
            channel = raw[offsets[0]:offsets[1]].decode()
            return [raw[offsets[i]:offsets[i + 1]] for i in range(1, n - 1)], channel
    # legacy: big-endian uint32 count, then uint32 offsets of [json, *buffers]
    count = int.from_bytes(raw[:4], "big")
    offsets = [int.from_bytes(raw[4 * (i + 1):4 * (i + 2)], "big") for i in range(count)] + [len(raw)]
    return [raw[offsets[i]:offsets[i + 1]] for i in range(count)], None


# --- servers --------------------------------------------------------------------------------------------


@dataclass
class Server:
    """A JupyterLab or Voilà server we started, its notebook copy and the kernel probe's log."""

    kind: str
    base: str
    token: str
    root: Path
    probe_log: Path
    proc: subprocess.Popen
    log: Path

    def url(self, notebook: str) -> str:
        """Address of ``notebook`` on this server (a fresh JupyterLab workspace each time)."""
        if self.kind == "lab":
            return f"{self.base}/lab/tree/{notebook}?reset&token={self.token}"
        return f"{self.base}/voila/render/{notebook}"


def write_startup(ipython_dir: Path) -> Path:
    """Write the IPython startup file that installs :mod:`_kernel_probe` in every kernel."""
    from _kernel_probe import STARTUP

    startup = ipython_dir / "profile_default" / "startup" / "00-msl-bench-probe.py"
    startup.parent.mkdir(parents=True, exist_ok=True)
    startup.write_text(STARTUP.format(path=str(HERE)), encoding="utf-8")
    return startup


def snapshot(rev: str) -> Path:
    """Export ``simlib/``, ``notebooks/`` and ``share/`` of git revision ``rev`` to a fixed folder.

    Measuring a commit instead of the working tree keeps a series of runs comparable while others
    edit the shared checkout. The folder (``$TMPDIR/msl-bench-snapshot-<sha>``) is reused, so the
    model is compiled for it once.
    """
    sha = subprocess.run(["git", "rev-parse", "--short=12", rev], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    dest = Path(tempfile.gettempdir()) / f"msl-bench-snapshot-{sha}"
    if not (dest / "simlib" / "__init__.py").exists():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha, "simlib", "notebooks", "share"], cwd=ROOT,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


@contextmanager
def server(kind: str, variant: str = "", workdir: Path | None = None, source: Path | None = None) -> Iterator[Server]:
    """Start JupyterLab (``kind="lab"``) or Voilà (``"voila"``) on 127.0.0.1 for the notebooks' copy.

    Parameters
    ----------
    kind : {"lab", "voila"}
    variant : str
        ``MSL_BENCH_VARIANT`` of the kernels (see :mod:`_kernel_probe`); empty for simlib as it is.
    workdir : Path, optional
        Where the copy and the private folders go; a temporary folder (removed after) by default.
    source : Path, optional
        A :func:`snapshot`: its simlib (first on the kernels' ``PYTHONPATH``), notebooks and Voilà
        template are served instead of the working tree's.
    """
    e2e = _e2e()
    share = (source or ROOT) / "share" / "jupyter"
    with tempfile.TemporaryDirectory(prefix=f"msl-bench-{kind}-") as tmp:
        home = Path(workdir or tmp)
        saved = e2e.NOTEBOOKS
        e2e.NOTEBOOKS = (source or ROOT) / "notebooks"
        try:
            root = e2e.copy_notebooks(home / "notebooks")
        finally:
            e2e.NOTEBOOKS = saved
        env = e2e.isolated_env(home / "home")
        if source is not None:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
        write_startup(Path(env["IPYTHONDIR"]))
        probe_log = home / "probe.jsonl"
        probe_log.touch()
        env.update({"MSL_BENCH_PROBE_LOG": str(probe_log), "MSL_BENCH_VARIANT": variant})
        port, token = e2e.free_port(), secrets.token_hex(16)
        if kind == "lab":
            settings = home / "home" / "user-settings"
            for rel, values in LAB_SETTINGS.items():
                (settings / rel).parent.mkdir(parents=True, exist_ok=True)
                (settings / rel).write_text(json.dumps(values), encoding="utf-8")
            cmd = [e2e.venv_bin("jupyter-lab"), "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                   "--ServerApp.port_retries=0", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
                   f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
            ready = f"http://127.0.0.1:{port}/api/status?token={token}"
        elif kind == "voila":
            cmd = [e2e.venv_bin("voila"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
                   "--Voila.port_retries=0", f"--template={VOILA_TEMPLATE}", str(root)]
            env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(share), env.get("JUPYTER_PATH")]))
            ready = f"http://127.0.0.1:{port}/voila/static/"
        else:
            raise ValueError(f"kind must be 'lab' or 'voila'; got {kind!r}")
        if os.geteuid() == 0 and kind == "lab":
            cmd.append("--allow-root")
        log = home / f"{kind}.log"
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            e2e.wait_for_http(ready, proc, log)
            yield Server(kind, f"http://127.0.0.1:{port}", token, root, probe_log, proc, log)
        finally:
            e2e.stop(proc)


def read_probe(path: Path, since: float = 0.0) -> list[dict[str, Any]]:
    """Read the kernel probe's records written at or after ``since`` (epoch s)."""
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("t0", record.get("t", 0.0)) >= since:
            records.append(record)
    return records


def chromium_args() -> list[str]:
    """Chromium flags of the end-to-end tests (no sandbox as root, no GPU, no background network)."""
    return list(_e2e().CHROMIUM_ARGS)


def is_external(url: str) -> bool:
    """Whether a request leaves the machine (the benchmark must stay on loopback)."""
    return _e2e().is_external(url)
