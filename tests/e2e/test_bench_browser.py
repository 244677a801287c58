"""The stimulator bench in JupyterLab (Chromium), used as a learner would with the keyboard and the mouse.

Sets paired pulses, changes the interval with the arrow keys, stimulates, records two rows, exports
the table as CSV (the file is on disk and offered as a download) and checks the bench with axe-core.
"""

from __future__ import annotations

import csv
import json

import pytest
from _e2e import axe_violations, describe_violations, press_slider_to, require_browser, shot
from test_lab import open_and_run_all

require_browser()
pytestmark = pytest.mark.e2e

NOTEBOOK = "zz_bench.ipynb"
SOURCE = "from simlib import widgets\n\nbench = widgets.bench()\nbench"


def _measured_caption(page) -> str:
    return page.locator(".msl-bench-measures caption").inner_text()


def _stimulate_and_wait(page, words: str) -> None:
    page.locator(".msl-bench-stimulate").click()
    page.wait_for_function("w => (document.querySelector('.msl-bench-measures caption') || {}).textContent"
                           "?.includes(w)", arg=words, timeout=30_000)


def _record_at_interval(page, *, interval_ms: int, rows: int) -> None:
    """Lower the pulse interval with the arrow key, stimulate, and record the run as row number ``rows``."""
    press_slider_to(page, "interval_ms", interval_ms)  # a step of 1 ms per press
    _stimulate_and_wait(page, f"paired pulses, {interval_ms} ms apart")
    page.locator(".msl-bench-record-data").click()
    page.wait_for_function("n => document.querySelector('.msl-bench-table caption').textContent"
                           ".startsWith(n + ' recorded')", arg=rows, timeout=15_000)


def test_bench_paired_pulses_record_two_rows_and_export_csv(page, jupyter_lab):
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": SOURCE, "outputs": [], "execution_count": None}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (jupyter_lab.root / NOTEBOOK).write_text(json.dumps(nb), encoding="utf-8")
    open_and_run_all(page, jupyter_lab, NOTEBOOK)
    page.locator(".msl-bench-scope").wait_for(timeout=60_000)
    assert "single pulse" in _measured_caption(page)

    page.locator(".msl-control-mode select").select_option(label="Paired pulses")
    interval = page.locator(".msl-control-interval_ms .noUi-handle")
    interval.wait_for(state="visible", timeout=15_000)
    assert interval.get_attribute("aria-label") == "Pulse interval (ms)"
    _record_at_interval(page, interval_ms=40, rows=1)  # 50 -> 40 ms
    _record_at_interval(page, interval_ms=20, rows=2)  # 40 -> 20 ms
    page.wait_for_function("() => (document.querySelector('.msl-bench-plot').getAttribute('alt') || '')"
                           ".includes('2 recorded points')", timeout=15_000)  # the labeller names the image
    assert "Pulse interval" in page.locator(".msl-bench-plot").get_attribute("alt")

    page.locator(".msl-bench-export-table").click()
    link = page.locator(".msl-bench-status a.msl-download")
    link.wait_for(timeout=30_000)
    [path] = (jupyter_lab.root / "exports").glob("bench_table_*.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [float(r["interval_ms"]) for r in rows] == [40.0, 20.0]
    assert all(float(r["peak_force"]) > 0 for r in rows)
    shot(page, "bench-two-rows")

    violations = axe_violations(page, ".msl-bench")
    assert not violations, "\n".join(describe_violations(violations))


def test_bench_fatigue_mode_records_recovery_by_keyboard(page, jupyter_lab):
    # lesson 14's bench: fatigue mode, the rest lowered with the arrow keys, a row with the recovery (%)
    source = ('from simlib import widgets\n\nbench = widgets.bench(conditions=("blood_flow",), key="fatigue", '
              'stimulator={"mode": "fatigue", "fatigue_s": 3.0}, plot_y="recovery_pct")\nbench')
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (jupyter_lab.root / "zz_bench_fatigue.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    open_and_run_all(page, jupyter_lab, "zz_bench_fatigue.ipynb")
    page.locator(".msl-bench-scope").wait_for(timeout=60_000)
    assert "fatigue, 20 Hz for 3 s, rest 10 s" in _measured_caption(page)
    rest = page.locator(".msl-control-rest_s .noUi-handle")
    rest.wait_for(state="visible", timeout=15_000)
    assert rest.get_attribute("aria-label") == "Rest (s)"
    press_slider_to(page, "rest_s", 5)  # 10 -> 5 s, a second per press
    _stimulate_and_wait(page, "rest 5 s")
    page.locator(".msl-bench-record-data").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.msl-bench-table caption').textContent"
                           ".startsWith('1 recorded')", timeout=15_000)
    assert "Recovery (% of the first peak)" in page.locator(".msl-bench-table").inner_text()
    violations = axe_violations(page, ".msl-bench")
    assert not violations, "\n".join(describe_violations(violations))
