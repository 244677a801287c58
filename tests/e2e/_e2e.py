"""Shared helpers of the end-to-end tests: finding Chromium, starting servers, driving the explorer.

The tests need the Python package ``playwright`` (extra ``e2e``) and a Chromium binary; Playwright
cannot download its own browsers here, so Debian's ``/usr/bin/chromium`` is used (or the binary
named by ``MSL_CHROMIUM``). Without them every e2e module is skipped with the reason shown in the
summary, unless ``MSL_E2E_REQUIRED=1`` (``make test-e2e``), which turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
VENDOR = Path(__file__).resolve().parent / "vendor"
ARTIFACTS = Path(os.environ.get("MSL_E2E_ARTIFACTS", Path(__file__).resolve().parent / "artifacts"))
# The flags this machine needs: no sandbox as root, no GPU, and no background connections (the
# closed network refuses them, many at a time).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
STARTUP_TIMEOUT_S = 90.0


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary: ``MSL_CHROMIUM``, /usr/bin/chromium or one on PATH."""
    explicit = os.environ.get("MSL_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def require_browser() -> str:
    """Return the Chromium path, or skip the calling module (fail it when MSL_E2E_REQUIRED=1)."""
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the Python package 'playwright' is not installed (pip install -e '.[e2e]')"
    chromium = find_chromium()
    if reason is None and chromium is None:
        reason = ("no Chromium found (looked for $MSL_CHROMIUM, /usr/bin/chromium and chromium on PATH); "
                  "install it with: apt-get install -y chromium")
    if reason is not None:
        if os.environ.get("MSL_E2E_REQUIRED") == "1":
            pytest.fail(f"end-to-end tests required but cannot run: {reason}", pytrace=False)
        pytest.skip(f"end-to-end tests skipped: {reason}", allow_module_level=True)
    return chromium


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(home: Path) -> dict[str, str]:
    """Environment for a server whose config, runtime and data files all go under ``home``."""
    env = dict(os.environ)
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl")):
        path = home / sub
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env.pop("MPLBACKEND", None)  # the notebooks choose their backend (%matplotlib widget)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def copy_notebooks(dest: Path) -> Path:
    """Copy the notebooks (not their exports or checkpoints) into ``dest``; return it.

    Stored outputs and execution counts are removed from the copies, so every output and prompt
    number seen in the browser comes from this run.
    """
    shutil.copytree(NOTEBOOKS, dest, ignore=shutil.ignore_patterns("exports", ".ipynb_checkpoints"))
    for path in dest.glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return dest


def write_code_notebook(root: Path, name: str, source: str) -> None:
    """Write a notebook of one code cell (``source``, not yet run) as ``root / name`` for a browser test."""
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (root / name).write_text(json.dumps(nb), encoding="utf-8")


def is_external(url: str) -> bool:
    """Whether a request goes to another host than the local test servers (blob: and data: stay in the page)."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in ("127.0.0.1", "localhost")


def venv_bin(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


def wait_for_http(url: str, proc: subprocess.Popen, log: Path, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"server did not answer {url} in {timeout_s:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    """Stop a server we started (SIGTERM, then SIGKILL); kernels are its children and go with it."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


# --- driving the explorer (JupyterLab and Voilà alike) ------------------------------------------


def shot(page, name: str, locator=None) -> bytes:
    """Screenshot of the page (or of ``locator``), saved as an artefact; returns the PNG bytes."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = locator if locator is not None else page
    return target.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def settled_figure(page, figure, name: str, differs_from: bytes | None = None, timeout_s: float = 15.0) -> bytes:
    """Screenshot of the figure once the redraw has finished; saved as an artefact.

    With ``differs_from``, first wait (up to ``timeout_s``) for the figure to differ from it, as
    a redraw can arrive after the classification text; then wait until two consecutive
    screenshots agree. A figure that never changes is returned unchanged, for the caller to assert.
    """
    deadline = time.monotonic() + timeout_s
    current = figure.screenshot()
    while differs_from is not None and current == differs_from and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        current = figure.screenshot()
    while time.monotonic() < deadline:
        page.wait_for_timeout(300)
        previous, current = current, figure.screenshot()
        if current == previous:
            break
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(current)
    return current


def classification(page) -> str:
    return page.locator(".msl-classification").first.inner_text().strip()


def wait_text_change(page, old: str, step: str, timeout_ms: float = 20_000) -> str:
    """Wait until the classification differs from ``old``; return the new text."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "old => { const e = document.querySelector('.msl-classification');"
            " return e !== null && e.innerText.trim() !== old && e.innerText.trim() !== ''; }",
            arg=old, timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        raise AssertionError(f"the classification did not change within {timeout_ms / 1e3:g} s after {step}; "
                             f"it still reads {old!r}") from None
    return classification(page)


def press_on_slider(page, field: str, key: str) -> None:
    handle = page.locator(f".msl-control-{field} .noUi-handle").first
    handle.focus()
    handle.press(key)


def slider_readout(page, field: str) -> str:
    return page.locator(f".msl-control-{field} .widget-readout").first.inner_text().strip()


def press_slider_to(page, field: str, target: float, timeout_s: float = 30.0) -> None:
    """Move the slider of ``field`` to ``target`` with the arrow keys, one press at a time, as a learner does.

    Each press is checked on the readout before the next: after a run the kernel may redraw the controls, so
    a press can land on a handle that is gone (the slider then did not move) and is made again, on the new one.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    readout = f".msl-control-{field} .widget-readout"
    deadline = time.monotonic() + timeout_s
    while (shown := slider_readout(page, field)) and float(shown) != target:
        assert time.monotonic() < deadline, f"the {field} slider stayed at {shown}, not {target:g}"
        press_on_slider(page, field, "ArrowLeft" if float(shown) > target else "ArrowRight")
        try:
            page.wait_for_function("([sel, old]) => document.querySelector(sel).textContent.trim() !== old",
                                   arg=[readout, shown], timeout=5_000)
        except PlaywrightTimeout:
            pass  # the press did not reach the slider: press again


# Each slider handle of the explorer: [visible label, aria-label, aria-valuetext] (names set by simlib.a11y).
SLIDER_NAMES = """() => [...document.querySelectorAll('.msl-explorer .noUi-handle')].map(handle => [
  handle.closest('.widget-slider').querySelector(':scope > .widget-label').textContent.trim(),
  handle.getAttribute('aria-label') || '', handle.getAttribute('aria-valuetext') || ''])"""


def slider_names(page, timeout_ms: float = 15_000) -> list[list[str]]:
    """[label, aria-label, aria-valuetext] of every slider handle, once all are named (or at the timeout).

    The names are set in the browser after the sliders are drawn; the caller asserts on the result.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"() => {{ const n = ({SLIDER_NAMES})(); "
                               "return n.length > 0 && n.every(([label, name]) => name === label); }",
                               timeout=timeout_ms)
    except PlaywrightTimeout:
        pass
    return page.evaluate(SLIDER_NAMES)


def assert_sliders_named(page) -> None:
    """Every slider handle has a non-empty aria-label equal to its visible label, and a value text."""
    names = slider_names(page)
    assert names, "no slider handles found in the explorer"
    unnamed = [n for n in names if not n[1] or n[1] != n[0] or not n[2]]
    assert not unnamed, f"slider handles without a matching aria-label or aria-valuetext: {unnamed}"


def slider_value_text(page, field: str) -> str:
    return page.locator(f".msl-control-{field} .noUi-handle").first.get_attribute("aria-valuetext") or ""


def drive_explorer(page, prefix: str, exports: Path | None = None, *, app: bool = False) -> dict[str, str]:
    """Move the rate and calcium sliders with the keyboard, press a preset, optionally export.

    With ``exports`` the export is also checked: saved into that folder (JupyterLab), or, with
    ``app`` (Voilà: the explorer's app mode), offered only as browser downloads, nothing on the server.

    Asserts after each step that the classification text and the figure's pixels changed. Returns
    the classification text after each step.
    """
    figure = page.locator(".msl-figure").first
    figure.scroll_into_view_if_needed()
    page.locator(".msl-classification").first.wait_for(state="visible")
    texts = {"start": classification(page)}
    assert texts["start"].startswith("Normal"), texts["start"]
    assert_sliders_named(page)
    before = settled_figure(page, figure, f"{prefix}-1-start")

    # Signal rate: one step down with ArrowLeft (a voluntary rate moves in 1 Hz steps), then to the
    # maximum with End.
    press_on_slider(page, "rate_hz", "ArrowLeft")
    texts["rate_left"] = wait_text_change(page, texts["start"], "ArrowLeft on the signal-rate slider")
    assert slider_readout(page, "rate_hz") == "19", slider_readout(page, "rate_hz")
    press_on_slider(page, "rate_hz", "End")
    texts["rate_end"] = wait_text_change(page, texts["rate_left"], "End on the signal-rate slider")
    assert slider_readout(page, "rate_hz") == "150", slider_readout(page, "rate_hz")
    assert slider_value_text(page, "rate_hz") == "150 Hz", "screen readers are not told the new value with its unit"
    after_rate = settled_figure(page, figure, f"{prefix}-2-rate-150Hz", differs_from=before)
    assert after_rate != before, "the figure did not change after moving the signal-rate slider"
    shot(page, f"{prefix}-2-rate-150Hz-page")

    # Calcium: Home = the lowest plasma Ca2+ (0.3 mM): the axon fires by itself and some of its impulses
    # still reach the muscle (issue 18: facilitation and saturating release keep severe hypocalcaemia tetanic).
    press_on_slider(page, "ca_mM", "Home")
    texts["ca_home"] = wait_text_change(page, texts["rate_end"], "Home on the calcium slider")
    assert texts["ca_home"].startswith("Tetany"), texts["ca_home"]
    after_ca = settled_figure(page, figure, f"{prefix}-3-calcium-0.3mM", differs_from=after_rate)
    assert after_ca != after_rate, "the figure did not change after moving the calcium slider"

    # A preset: hypocalcaemia -> tetany (the nerve fires by itself).
    page.locator(".msl-preset-hypocalcaemia").first.click()
    texts["preset"] = wait_text_change(page, texts["ca_home"], "clicking the Hypocalcaemia preset")
    assert texts["preset"].startswith("Tetany"), texts["preset"]
    after_preset = settled_figure(page, figure, f"{prefix}-4-preset-hypocalcaemia", differs_from=after_ca)
    assert after_preset != after_ca, "the figure did not change after pressing the Hypocalcaemia preset"
    shot(page, f"{prefix}-4-preset-hypocalcaemia-page")

    if exports is not None and app:
        page.locator(".msl-export").first.click()
        links = page.locator(".msl-export-status a.msl-download")
        links.first.wait_for(timeout=60_000)
        texts["export"] = page.locator(".msl-export-status").first.inner_text().strip()
        shot(page, f"{prefix}-5-exported-page")
        assert texts["export"].startswith("Your figure and its caption are ready"), texts["export"]
        assert links.count() == 2
        with page.expect_download() as download:
            links.first.click()
        name = download.value.suggested_filename
        assert re.fullmatch(r"spasm_explorer_hypocalcaemia_[0-9-]+(_[0-9]+)?\.png", name), name
        assert not exports.exists(), "an export in the app wrote files on the server"
        page.locator(".msl-export").first.click()  # at once again: refused, one per 2 s
        page.locator(".msl-export-status").filter(has_text="One export every 2 s").wait_for(timeout=10_000)
    elif exports is not None:
        existing = set(exports.glob("*.png")) if exports.is_dir() else set()
        page.locator(".msl-export").first.click()
        status = page.locator(".msl-export-status").first
        status.filter(has_text=re.compile("Saved|failed|not available|Nothing")).wait_for(timeout=60_000)
        texts["export"] = status.inner_text().strip()
        shot(page, f"{prefix}-5-exported-page")
        assert texts["export"].startswith("Saved"), texts["export"]
        new = sorted(set(exports.glob("spasm_explorer_hypocalcaemia_*.png")) - existing)
        assert new, f"no exported PNG in {exports}: {texts['export']!r}"
        assert new[0].stat().st_size > 10_000
    return texts


# --- a page that keeps answering (issue 15: the labellers' freeze) ------------------------------


def assert_page_responsive(page, what: str, duration_s: float = 10.0, interval_s: float = 1.0,
                           budget_ms: float = 3_000) -> list[float]:
    """Ask the page's main thread for a trivial answer again and again for ``duration_s``; fail on a hang.

    Each probe is a ``wait_for_function`` whose timeout is kept by Playwright's driver, outside the
    page, so a renderer spinning in a script loop makes it time out instead of blocking the test.
    Returns each probe's round trip (ms).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    trips: list[float] = []
    deadline = time.monotonic() + duration_s
    while True:
        t0 = time.monotonic()
        try:
            page.wait_for_function("() => true", timeout=budget_ms)
        except PlaywrightTimeout:
            raise AssertionError(f"{what}: the page stopped answering (no reply within {budget_ms / 1e3:g} s, "
                                 f"probe {len(trips) + 1}, after {len(trips)} answered in {trips} ms)") from None
        trips.append(round(1e3 * (time.monotonic() - t0), 1))
        if time.monotonic() >= deadline:
            return trips
        time.sleep(interval_s)


# Counts the writes of slider names and value texts anywhere in the page from now on.
COUNT_NAME_WRITES = """() => {
  window.__mslNameWrites = 0;
  // only the explorers' own elements: JupyterLab itself sets aria-label/tabindex on its cells and toolbars
  new MutationObserver(records => {
    window.__mslNameWrites += records.filter(r => r.target.closest && r.target.closest(".msl-explorer")).length;
  })
    .observe(document.body, { subtree: true, attributes: true,
                              attributeFilter: ["aria-label", "aria-valuetext", "alt", "tabindex"] });
}"""


def name_writes_during(page, seconds: float) -> int:
    """How many slider-name/value-text attribute writes the explorers make in ``seconds`` of idling.

    Counting starts after a second of settling (late-attached cells are named once when they appear);
    a labeller ping-pong makes hundreds of writes a second.
    """
    page.wait_for_timeout(1_000)
    page.evaluate(COUNT_NAME_WRITES)
    page.wait_for_timeout(1e3 * seconds)
    return int(page.evaluate("() => window.__mslNameWrites"))


def put_lab_setting(page, server, plugin: str, values: dict) -> None:
    """Replace one JupyterLab settings plugin's user values (e.g. ``"@jupyterlab/notebook-extension:tracker"``).

    Through the server's settings API, as the Settings editor does; the page reads them on its next load.
    """
    parts = urllib.parse.urlsplit(server.url)
    token = urllib.parse.parse_qs(parts.query)["token"][0]
    response = page.request.put(f"{parts.scheme}://{parts.netloc}/lab/api/settings/{plugin}?token={token}",
                                data=json.dumps({"raw": json.dumps(values)}),
                                headers={"Content-Type": "application/json"})
    assert response.status == 204, f"settings {plugin} not saved: {response.status} {response.text()[:300]}"


def axe_violations(page, selector: str | None = None) -> list[dict]:
    """axe-core's violations (all impacts) in each element matching ``selector``, or in the whole page.

    axe-core is the vendored copy (tests/e2e/vendor, no CDN). Each violation is axe's dict (``id``,
    ``impact``, ``help``, ``nodes``).
    """
    page.add_script_tag(path=str(VENDOR / "axe.min.js"))
    return page.evaluate(
        """async selector => {
          const contexts = selector === null ? [document] : [...document.querySelectorAll(selector)];
          const found = [];
          for (const context of contexts) {
            found.push(...(await axe.run(context, {resultTypes: ['violations']})).violations);
          }
          return found;
        }""",
        selector,
    )


def describe_violations(violations: list[dict]) -> list[str]:
    """One line per axe violation: rule, impact, help and the first node's HTML."""
    return [f"{v['id']} ({v['impact']}): {v['help']} -- {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['html'][:200]}"
            for v in violations]
