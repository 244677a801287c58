"""Latency where the learner waits: key press or click → figure pixels changed, in Chromium.

``benchmarks/widget_latency.py`` times the kernel side only. This benchmark opens the notebooks in
JupyterLab and in Voilà (started on 127.0.0.1 on a free port, on a temporary copy of
``notebooks/``), drives Debian's Chromium with Playwright (``executable_path``, nothing
downloaded) and times, in the page, each action on an explorer:

- a slider move: ``ArrowRight``/``ArrowLeft`` pressed on the focused slider handle, as a learner
  using the keyboard (two steps away, two steps back: the way back reuses the explorer's recent
  runs, as in class);
- a preset button clicked (Spasm explorer).

Start: the ``keydown``/``click`` event (capture phase). End ("painted"): the frame that shows the
new figure. Image canvas (lesson explorers): the ``<img>``'s new ``src``, ``img.decode()``, the
next ``requestAnimationFrame`` and a task after it. ipympl canvas (Spasm explorer,
``%matplotlib widget``): ipympl's copy of the decoded image to the visible canvas, then the same
frame wait. An action counts as finished when the page has been quiet (no WebSocket message, no
figure update) for 300 ms after the last paint; the *last* paint is the latency (the figure is
complete). Moves after which no new figure arrives (a setting that simulates identically) are
counted as ``unchanged`` and left out of the statistics.

Breakdown of each action (ms, they add up to the total):

``input``   keydown → the widget's message leaves the page (CDP ``Network.webSocketFrameSent``)
``to_kernel``  → the kernel starts on it (its ``status: busy`` header date)
``kernel``  → the kernel sends the last figure image (that message's header date); with the
            probe's split into simulate, metrics, lines, draw, encode (``Explorer.timings``) and
            ipympl's diff-PNG encode and browser-requested draw (``benchmarks/_kernel_probe.py``)
``to_page`` → that frame reaches Chromium's network stack (CDP ``webSocketFrameReceived``; its size
            is reported)
``handle``  → the page's JavaScript turns it into an image (``URL.createObjectURL``): main-thread
            queueing, deserialisation, widget code
``decode``  → decoded (``img.decode()``, or ipympl's ``onload`` drawing it offscreen)
``paint``   → the frame with the new pixels is committed

Targets (issue 15, this 2-core machine): Spasm explorer median ≤ 80 ms and p95 ≤ 150 ms, in
JupyterLab and in Voilà. Nothing here asserts a time; without Playwright or Chromium the benchmark
prints why and exits 0 (``--require`` makes that exit 2).

Usage::

    python benchmarks/browser_latency.py                       # all four surfaces, 1 round
    python benchmarks/browser_latency.py --surfaces lab:08 voila:08 --rounds 3
    python benchmarks/browser_latency.py --variant fmt=jpeg85,canvas=image --label jpeg
    python benchmarks/browser_latency.py --json /tmp/browser.json

``--variant`` passes candidate changes to the kernels (``MSL_BENCH_VARIANT``, read only by
``_kernel_probe.py``; e.g. ``canvas=image``, ``fmt=jpeg85``, ``diffpng=1``, ``eager=1``,
``blit=0``, ``dpi=80``) and ``--js-variant nodataurl`` skips ipympl's per-frame ``toDataURL`` in
the page, to measure what each would gain without editing ``simlib/widgets/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _browser  # noqa: E402

DEFAULT_OUT = HERE / "results" / "browser_latency.json"
TARGET_MEDIAN_MS = 80.0
TARGET_P95_MS = 150.0
QUIET_MS = 300
ACTION_TIMEOUT_MS = 15_000
VIEWPORT = {"width": 1400, "height": 1000}

# What each surface drives: notebook, explorer index on the page, sliders (two steps there and
# back each) and preset buttons.
EXPLORERS: dict[str, dict[str, Any]] = {
    "08": {"notebook": "08_spasm_explorer.ipynb", "index": 0, "title": "Spasm explorer",
           "sliders": ["rate_hz", "ca_mM", "mg_mM", "k_mM", "temperature_c", "receptor_block"],
           "presets": ["hypocalcaemia", "exercise_cramp", "organophosphate", "cold", "healthy"]},
    "01": {"notebook": "01_nerve_to_muscle.ipynb", "index": 0, "title": "lesson 01 explorer",
           "sliders": ["receptor_block", "ache_activity", "rate_hz"], "presets": []},
}
SURFACES = ("lab:08", "voila:08", "lab:01", "voila:01")
_probe_starts: list[dict[str, Any]] = []  # the kernels' "probe" records: which simlib, which variant
BREAKDOWN = ("input", "to_kernel", "kernel", "to_page", "handle", "decode", "paint")
KERNEL_PARTS = ("simulate_ms", "metrics_ms", "update_ms", "draw_ms", "encode_ms")

# True once the action is over: a paint after mark `n0` and the page quiet for `quiet` ms, or, with
# no paint, quiet for 5x that after the last incoming message (the figure did not change).
DONE_JS = """([n0, quiet]) => {
  const m = window.__msl.marks, now = performance.now();
  let painted = false, last = -1, lastIn = -1;
  for (let i = n0; i < m.length; i++) {
    const k = m[i].kind;
    if (k === 'painted') painted = true;
    if (k === 'painted' || k === 'ws_in' || k === 'blob' || k === 'canvas_draw' || k === 'decoded') last = m[i].t;
    if (k === 'ws_in') lastIn = m[i].t;
  }
  if (painted) return now - last > quiet;
  return lastIn > 0 && now - lastIn > 5 * quiet;
}"""
FIGURE_READY_JS = """(index) => {
  const ex = document.querySelectorAll('.msl-explorer')[index];
  if (!ex) return false;
  const fig = ex.querySelector('.msl-figure');
  if (!fig) return false;
  if (fig.tagName === 'IMG') return fig.complete && fig.naturalWidth > 0;
  const c = fig.querySelector('canvas');
  return c !== null && c.width > 0;
}"""


# --- one page ---------------------------------------------------------------------------------------------


class Recorder:
    """CDP WebSocket frames and the wall-clock offset of CDP's monotonic timestamps."""

    def __init__(self, page: Any) -> None:
        self.frames: list[dict[str, Any]] = []
        self._offsets: list[float] = []
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.on("Network.webSocketFrameSent", lambda e: self._frame("out", e))
        self.cdp.on("Network.webSocketFrameReceived", lambda e: self._frame("in", e))
        self.cdp.on("Network.requestWillBeSent", self._request)
        self.cdp.send("Network.enable", {"maxTotalBufferSize": 200_000_000})

    def _request(self, event: dict[str, Any]) -> None:
        if "wallTime" in event and "timestamp" in event:
            self._offsets.append(event["wallTime"] - event["timestamp"])

    def _frame(self, direction: str, event: dict[str, Any]) -> None:
        response = event.get("response", {})
        payload, opcode = response.get("payloadData", ""), response.get("opcode", 1)
        msg = _browser.decode_ws_frame(payload, opcode)
        size = len(payload) * 3 // 4 if opcode == 2 else len(payload)
        if msg is not None:
            msg.pop("content", None)
        self.frames.append({"dir": direction, "ts": event["timestamp"], "bytes": size, "msg": msg})

    def epoch(self, ts: float) -> float:
        """Wall-clock seconds of a CDP monotonic timestamp."""
        return ts + statistics.median(self._offsets[-50:]) if self._offsets else float("nan")


def _open(page: Any, server: _browser.Server, notebook: str) -> None:
    """Open ``notebook`` and wait until every cell has run (JupyterLab: Run All; Voilà: it runs them)."""
    if server.kind == "lab":
        test_lab = _load_test_lab()
        test_lab.open_and_run_all(page, server_shim(server), notebook)
    else:
        page.goto(server.url(notebook), timeout=180_000)
        page.locator(".msl-classification").first.wait_for(timeout=180_000)


def server_shim(server: _browser.Server) -> Any:
    """Wrap ``server`` in the object ``tests/e2e/test_lab.open_and_run_all`` expects (a ``url`` pattern)."""

    class Shim:
        url = f"{server.base}/lab/tree/{{path}}?reset&token={server.token}"

    return Shim()


def _load_test_lab() -> Any:
    import importlib.util

    _browser._e2e()  # registers _e2e for the test module's import
    if "_msl_test_lab" not in sys.modules:
        spec = importlib.util.spec_from_file_location("_msl_test_lab", _browser.ROOT / "tests" / "e2e" / "test_lab.py")
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules["_msl_test_lab"] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules["_msl_test_lab"]


def _wait_quiet(page: Any, quiet_ms: float = 1000, timeout_s: float = 60) -> None:
    """Wait until no WebSocket message arrived for ``quiet_ms`` (the kernel is done)."""
    page.wait_for_function("(q) => { const m = window.__msl.marks.filter(x => x.kind === 'ws_in');"
                           " return m.length === 0 || performance.now() - m[m.length - 1].t > q; }",
                           arg=quiet_ms, timeout=timeout_s * 1e3, polling=100)


def _actions(spec: dict[str, Any], rounds: int, burst: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for _ in range(rounds):
        for field in spec["sliders"]:
            out += [{"kind": "key", "field": field, "step": i} for i in range(4)]
        out += [{"kind": "preset", "preset": p} for p in spec["presets"]]
    if burst:
        field = spec["sliders"][0]
        out += [{"kind": "burst", "field": field, "presses": burst}, {"kind": "burst", "field": field,
                                                                     "presses": burst, "back": True}]
    return out


def _do(page: Any, explorer: Any, action: dict[str, Any], first_key: dict[str, str]) -> None:
    if action["kind"] == "preset":
        explorer.locator(f".msl-preset-{action['preset']}").first.click()
        return
    handle = explorer.locator(f".msl-control-{action['field']} .noUi-handle").first
    handle.focus()
    if action["kind"] == "key":
        if action["step"] == 0:
            now, top = (float(handle.get_attribute(a) or 0) for a in ("aria-valuenow", "aria-valuemax"))
            first_key[action["field"]] = "ArrowLeft" if now >= top else "ArrowRight"
        key = first_key[action["field"]]
        if action["step"] >= 2:
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
        action["key"] = key
        page.keyboard.press(key)
    else:  # burst: a held key, as the OS repeats it (~30 per second)
        key = "ArrowLeft" if action.get("back") else "ArrowRight"
        action["key"] = key
        for _ in range(action["presses"]):
            page.keyboard.press(key)
            page.wait_for_timeout(33)


def drive(page: Any, server: _browser.Server, surface: str, rounds: int, burst: int,
          notes: list[str]) -> list[dict[str, Any]]:
    """Open the surface's notebook, run its action list and return one analysed record per action.

    ``notes`` receives what went wrong on the way without stopping the measurement (e.g. a Run
    All that stalled after the measured explorer was drawn).
    """
    spec = EXPLORERS[surface.split(":")[1]]
    recorder = Recorder(page)
    notes.clear()
    try:
        _open(page, server, spec["notebook"])
    except AssertionError as exc:  # Run All stalled: measure the explorer anyway if it is on the page
        notes.append(f"{exc}"[:500])
    page.wait_for_function(FIGURE_READY_JS, arg=spec["index"], timeout=120_000 if not notes else 5_000)
    explorer = page.locator(".msl-explorer").nth(spec["index"])
    explorer.locator(".msl-figure").first.scroll_into_view_if_needed()
    _wait_quiet(page, 1500)
    time_origin = page.evaluate("window.__msl.timeOrigin") / 1e3
    first_key: dict[str, str] = {}
    records = []
    for action in _actions(spec, rounds, burst):
        n0 = page.evaluate("window.__msl.marks.length")
        _do(page, explorer, action, first_key)
        try:
            page.wait_for_function(DONE_JS, arg=[n0, QUIET_MS], timeout=ACTION_TIMEOUT_MS, polling=50)
            timed_out = False
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: keep the record, flag it
            timed_out = True
        marks = page.evaluate("(n0) => window.__msl.marks.slice(n0)", n0)
        records.append({"action": action, "marks": marks, "timed_out": timed_out})
    _wait_quiet(page, 500)
    page.wait_for_timeout(200)
    probe = _browser.read_probe(server.probe_log)
    _probe_starts.extend(p for p in probe if p["ev"] == "probe")
    for record in records:
        for mark in record["marks"]:
            mark["epoch"] = time_origin + mark["t"] / 1e3
    frames = [dict(f, epoch=recorder.epoch(f["ts"])) for f in recorder.frames]
    return [analyse(r, frames, probe) for r in records]


# --- analysis -------------------------------------------------------------------------------------------


def _first(marks: list[dict[str, Any]], kind: str, after: float = -1e18) -> dict[str, Any] | None:
    return next((m for m in marks if m["kind"] == kind and m["epoch"] >= after), None)


def _last(marks: list[dict[str, Any]], kind: str, before: float = 1e18) -> dict[str, Any] | None:
    found = [m for m in marks if m["kind"] == kind and m["epoch"] <= before]
    return found[-1] if found else None


def analyse(record: dict[str, Any], frames: list[dict[str, Any]], probe: list[dict[str, Any]]) -> dict[str, Any]:
    """Turn one action's page marks, WebSocket frames and kernel records into latencies (ms)."""
    marks, action = record["marks"], record["action"]
    start = _first(marks, "click" if action["kind"] == "preset" else "keydown")
    painted = _last(marks, "painted")
    out: dict[str, Any] = {"action": action, "timed_out": record["timed_out"], "total_ms": None,
                           "first_paint_ms": None, "unchanged": painted is None, "breakdown_ms": {},
                           "kernel_ms": {}, "image_bytes": None, "images": 0, "todataurl_ms": 0.0}
    if start is None:
        out["error"] = "no keydown/click seen"
        return out
    t0 = start["epoch"]
    end_window = marks[-1]["epoch"] + 0.05
    window = [f for f in frames if t0 - 0.001 <= f["epoch"] <= end_window]
    out["todataurl_ms"] = sum(m.get("ms", 0.0) for m in marks if m["kind"] == "todataurl")
    out["ws_in_bytes"] = sum(f["bytes"] for f in window if f["dir"] == "in")
    out["ws_messages_in"] = sum(1 for f in window if f["dir"] == "in")
    sent_sizes = [m["bytes"] for m in marks if m["kind"] == "ws_out"]
    out["ws_out_bytes"], out["ws_out_max_bytes"] = sum(sent_sizes), max(sent_sizes, default=0)
    if painted is None:
        return out
    out["total_ms"] = 1e3 * (painted["epoch"] - t0)
    first_paint = _first(marks, "painted")
    out["first_paint_ms"] = 1e3 * (first_paint["epoch"] - t0) if first_paint else None
    sent = next((f for f in window if f["dir"] == "out" and f["msg"] and f["msg"]["msg_type"] == "comm_msg"), None)
    images = [f for f in window if f["dir"] == "in" and f["msg"] and f["msg"]["buffers"]
              and f["msg"]["msg_type"] == "comm_msg" and f["epoch"] <= painted["epoch"]]
    out["images"] = len(images)
    blob = _last(marks, "blob", painted["epoch"])
    decoded = _last(marks, "decoded", painted["epoch"])
    points: dict[str, float | None] = {"start": t0, "sent": None, "busy": None, "image_sent": None,
                                       "image_recv": None, "blob": blob["epoch"] if blob else None,
                                       "decoded": decoded["epoch"] if decoded else None, "painted": painted["epoch"]}
    if sent is not None:
        points["sent"] = sent["epoch"]
        msg_id = sent["msg"]["msg_id"]
        busy = next((f for f in frames if f["dir"] == "in" and f["msg"] and f["msg"]["parent_id"] == msg_id
                     and f["msg"]["msg_type"] == "status"), None)
        if busy is not None and busy["msg"]["date"]:
            points["busy"] = _browser.parse_jupyter_date(busy["msg"]["date"])
    if images:
        image = images[-1]
        out["image_bytes"] = image["msg"]["buffer_bytes"]
        points["image_recv"] = image["epoch"]
        if image["msg"]["date"]:
            points["image_sent"] = _browser.parse_jupyter_date(image["msg"]["date"])
    order = ["start", "sent", "busy", "image_sent", "image_recv", "blob", "decoded", "painted"]
    for name, (a, b) in zip(BREAKDOWN, zip(order, order[1:], strict=False), strict=True):
        if points[a] is not None and points[b] is not None:
            out["breakdown_ms"][name] = 1e3 * (points[b] - points[a])  # type: ignore[operator]
    # The kernel's own account (probe records inside the action's window).
    k_end = points["image_sent"] or painted["epoch"]
    applies = [p for p in probe if p["ev"] == "apply" and t0 <= p["t0"] <= k_end]
    diffs = [p for p in probe if p["ev"] == "diff" and t0 <= p["t0"] <= k_end]
    draws = [p for p in probe if p["ev"] == "handle_draw" and t0 <= p["t0"] <= k_end]
    kernel: dict[str, float] = {}
    if applies:
        kernel["apply_ms"] = sum(1e3 * (p["t1"] - p["t0"]) for p in applies)
        if all("cpu_ms" in p for p in applies):  # CPU time of the kernel's thread: the rest is waiting for a core
            kernel["apply_cpu_ms"] = sum(p["cpu_ms"] for p in applies)
        for part in KERNEL_PARTS:
            kernel[part] = sum(p["timings"].get(part, 0.0) for p in applies)
        out["redraw"] = "+".join(p["redraw"] for p in applies)
        out["kernel_image_bytes"] = applies[-1].get("image_bytes")
    if diffs:
        kernel["diff_png_ms"] = sum(1e3 * (p["t1"] - p["t0"]) for p in diffs)
        out["diff_modes"] = [p["mode"] for p in diffs]
    if draws:
        kernel["browser_requested_draw_ms"] = sum(1e3 * (p["t1"] - p["t0"]) for p in draws)
        if all("cpu_ms" in p for p in draws):
            kernel["browser_requested_draw_cpu_ms"] = sum(p["cpu_ms"] for p in draws)
        if applies:  # kernel idle between draw_idle and the browser's draw request: the round trip
            kernel["draw_round_trip_ms"] = 1e3 * (draws[0]["t0"] - applies[-1]["t1"])
    out["kernel_ms"] = kernel
    return out


def summarise(actions: list[dict[str, Any]]) -> dict[str, Any]:
    """Statistics of one surface: all timed actions, slider moves, presets, bursts, breakdown medians."""
    timed = [a for a in actions if a["total_ms"] is not None and a["action"]["kind"] != "burst"]

    def of(kind: str) -> dict[str, Any]:
        return _browser.stats([a["total_ms"] for a in timed if a["action"]["kind"] == kind])

    def med(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    breakdown = {k: med([a["breakdown_ms"][k] for a in timed if k in a["breakdown_ms"]]) for k in BREAKDOWN}
    kernel_keys = sorted({k for a in timed for k in a["kernel_ms"]})
    kernel = {k: med([a["kernel_ms"][k] for a in timed if k in a["kernel_ms"]]) for k in kernel_keys}
    sizes = [a["image_bytes"] for a in timed if a["image_bytes"]]
    return {
        **_browser.stats([a["total_ms"] for a in timed]),
        "first_paint": _browser.stats([a["first_paint_ms"] for a in timed]),
        "keys": of("key"), "presets": of("preset"),
        "bursts": [{"presses": a["action"]["presses"], "total_ms": a["total_ms"], "images": a["images"],
                    "apply_calls": a["kernel_ms"].get("apply_ms") is not None} for a in actions
                   if a["action"]["kind"] == "burst"],
        "unchanged": sum(a["unchanged"] and not a["timed_out"] for a in actions),
        "timed_out": sum(a["timed_out"] for a in actions),
        "breakdown_median_ms": breakdown, "kernel_median_ms": kernel,
        "image_bytes_median": med(sizes), "todataurl_ms_median": med([a["todataurl_ms"] for a in timed]),
    }


# --- the run ---------------------------------------------------------------------------------------------


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not on Unix
        return None


def measure(surfaces: list[str], rounds: int = 1, burst: int = 5, variant: str = "", js_variant: str = "",
            label: str = "", rev: str = "") -> dict[str, Any]:
    """Run the benchmark on ``surfaces`` (e.g. ``["lab:08", "voila:08"]``); see the module docstring.

    ``rev`` (a git revision) serves that commit's simlib and notebooks instead of the working tree.

    Returns
    -------
    dict
        ``{"skipped": reason}`` without Playwright/Chromium; otherwise ``surfaces`` (summary and every
        action per surface), ``targets``, ``variant``, ``machine`` with the load average before and
        after each surface.
    """
    reason = _browser.unavailable_reason()
    if reason is not None:
        return {"skipped": reason}
    from playwright.sync_api import sync_playwright

    for surface in surfaces:
        kind, _, key = surface.partition(":")
        if kind not in ("lab", "voila") or key not in EXPLORERS:
            raise ValueError(f"surface {surface!r} must be lab:<nb> or voila:<nb> with <nb> in {sorted(EXPLORERS)}")
    results: dict[str, Any] = {}
    js = {k: True for k in filter(None, js_variant.split(","))}
    source = _browser.snapshot(rev) if rev else None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_browser.find_chromium(), headless=True,
                                     args=_browser.chromium_args())
        try:
            for kind in ("lab", "voila"):
                mine = [s for s in surfaces if s.startswith(kind + ":")]
                if not mine:
                    continue
                with _browser.server(kind, variant, source=source) as srv:
                    for surface in mine:
                        load_before = _load()
                        context = browser.new_context(viewport=VIEWPORT)
                        external: list[str] = []
                        context.on("request", lambda r, ext=external: ext.append(r.url) if _browser.is_external(r.url)
                                   else None)
                        context.add_init_script(f"window.__mslVariant = {json.dumps(js)};")
                        context.add_init_script(path=str(_browser.PROBE_JS))
                        page = context.new_page()
                        t_start = time.perf_counter()
                        notes: list[str] = []
                        try:
                            actions = drive(page, srv, surface, rounds, burst, notes)
                            results[surface] = {"summary": summarise(actions), "actions": actions,
                                                "external_requests": external, "notes": notes}
                        except Exception as exc:  # noqa: BLE001 - report and go on with the next surface
                            results[surface] = {"error": f"{type(exc).__name__}: {exc}"[:2000], "notes": notes}
                        finally:
                            context.close()
                        results[surface]["load_before"], results[surface]["load_after"] = load_before, _load()
                        results[surface]["wall_s"] = time.perf_counter() - t_start
                        _progress(surface, results[surface])
        finally:
            browser.close()
    return {"label": label, "variant": variant, "js_variant": js_variant, "rounds": rounds, "rev": rev or None,
            "simlib": sorted({p.get("simlib", "") for p in _probe_starts}),
            "surfaces": results, "targets": targets(results), "machine": machine()}


def targets(results: dict[str, Any]) -> dict[str, Any]:
    """Issue 15's targets for the Spasm explorer, per surface measured."""
    out = {}
    for surface in ("lab:08", "voila:08"):
        summary = (results.get(surface) or {}).get("summary") or {}
        out[surface] = {"median_ms": summary.get("median_ms"), "p95_ms": summary.get("p95_ms"),
                        "median_limit_ms": TARGET_MEDIAN_MS, "p95_limit_ms": TARGET_P95_MS,
                        "met": _browser.target_verdict(summary, TARGET_MEDIAN_MS, TARGET_P95_MS)}
    return out


def machine() -> dict[str, Any]:
    """Where and with what the numbers were measured."""
    import matplotlib

    return {"platform": platform.platform(), "python": platform.python_version(), "cpu_count": os.cpu_count(),
            "load_average_end": _load(), "matplotlib": matplotlib.__version__, "chromium": _browser.find_chromium(),
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds")}


def _progress(surface: str, result: dict[str, Any]) -> None:
    s = result.get("summary")
    text = result.get("error") or (f"median {s['median_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms, n {s['n']}"
                                   if s and s["n"] else "nothing measured")
    print(f"[browser] {surface}: {text} (load {result.get('load_before')} -> {result.get('load_after')})",
          file=sys.stderr, flush=True)


def format_report(result: dict[str, Any]) -> str:
    """Text tables: per surface n/median/p95/max, presets, breakdown and the kernel's split."""
    if "skipped" in result:
        return f"browser latency benchmark skipped: {result['skipped']}"

    def f(v: float | None) -> str:
        return "" if v is None else f"{v:.0f}"

    head = (f"{'surface':<10} {'explorer':<20} {'n':>3} {'median':>7} {'p95':>6} {'max':>6}  {'keys med':>8} "
            f"{'presets med':>11}  load")
    lines = [f"key press / click -> figure pixels changed (ms){' — ' + result['label'] if result['label'] else ''}"
             f"{' [variant ' + result['variant'] + ']' if result['variant'] else ''}"
             f"{' [page ' + result['js_variant'] + ']' if result['js_variant'] else ''}", head, "-" * len(head)]
    for surface, r in result["surfaces"].items():
        title = EXPLORERS[surface.split(":")[1]]["title"]
        if "error" in r:
            lines.append(f"{surface:<10} {title:<20} error: {r['error'][:200]}")
            continue
        s = r["summary"]
        notes = "".join(f"\n{'':<10} note: {n[:300]}" for n in r.get("notes", []))
        lines.append(f"{surface:<10} {title:<20} {s['n']:>3} {f(s['median_ms']):>7} {f(s['p95_ms']):>6} "
                     f"{f(s['max_ms']):>6}  {f(s['keys']['median_ms']):>8} {f(s['presets']['median_ms']):>11}  "
                     f"{r['load_before']}{notes}")
    lines += ["", "median breakdown (ms): " + " + ".join(BREAKDOWN)]
    for surface, r in result["surfaces"].items():
        if "summary" not in r:
            continue
        s = r["summary"]
        parts = " ".join(f"{k} {f(v)}" for k, v in s["breakdown_median_ms"].items())
        kernel = " ".join(f"{k.removesuffix('_ms')} {v:.0f}" for k, v in s["kernel_median_ms"].items() if v is not None)
        size = s["image_bytes_median"]
        lines.append(f"  {surface:<9} {parts} | image {f(size / 1e3 if size else None)} kB | "
                     f"toDataURL {s['todataurl_ms_median'] or 0:.0f} ms | unchanged {s['unchanged']}, "
                     f"timed out {s['timed_out']}")
        lines.append(f"  {'':<9} kernel: {kernel}")
        for b in s["bursts"]:
            lines.append(f"  {'':<9} burst of {b['presses']} key presses 33 ms apart -> settled after "
                         f"{f(b['total_ms'])} ms ({b['images']} images)")
    lines.append("")
    for surface, t in result["targets"].items():
        verdict = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        lines.append(f"target {surface}: median {f(t['median_ms'])} <= {t['median_limit_ms']:.0f} and "
                     f"p95 {f(t['p95_ms'])} <= {t['p95_limit_ms']:.0f} ms: {verdict}")
    m = result["machine"]
    lines.append(f"{m['platform']}, {m['cpu_count']} CPUs, load at end {m['load_average_end']}, {m['date']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (exit 0, also when skipped; 2 when skipped with ``--require``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surfaces", nargs="+", default=list(SURFACES), help=f"default: {' '.join(SURFACES)}")
    parser.add_argument("--rounds", type=int, default=1, help="repeat each explorer's action list (default 1)")
    parser.add_argument("--burst", type=int, default=5, help="key presses of the held-key test (0: none)")
    parser.add_argument("--variant", default="", help="MSL_BENCH_VARIANT for the kernels (see _kernel_probe.py)")
    parser.add_argument("--js-variant", default="", help="page-side variant: nodataurl")
    parser.add_argument("--label", default="", help="name of this run in the output")
    parser.add_argument("--rev", default="", help="serve this git revision's simlib and notebooks (default: "
                        "the working tree)")
    parser.add_argument("--json", type=Path, default=None, help=f"write the result here (e.g. {DEFAULT_OUT})")
    parser.add_argument("--require", action="store_true", help="exit 2 when the benchmark cannot run")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers we started on `kill`
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    result = measure(args.surfaces, args.rounds, args.burst, args.variant, args.js_variant, args.label, args.rev)
    print(format_report(result))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.json.with_name(args.json.name + ".tmp")
        tmp.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        tmp.replace(args.json)
    return 2 if "skipped" in result and args.require else 0


if __name__ == "__main__":
    raise SystemExit(main())
