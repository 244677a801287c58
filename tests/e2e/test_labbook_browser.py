"""A learner's work survives a kernel restart in JupyterLab (Chromium), and the lab report opens.

Opens a lab book, records bench rows and answers a quick check, restarts the kernel and runs every
cell again (Kernel menu, as a learner would), finds the rows and the checked answer restored, then
writes the lab report from the saved file and opens it in the browser.
"""

from __future__ import annotations

import json
import re

import pytest
from _e2e import require_browser, shot
from test_lab import open_and_run_all

from simlib import labbook, report

require_browser()
pytestmark = pytest.mark.e2e

NOTEBOOK = "zz_labbook.ipynb"
CELLS = (
    'import simlib\nfrom simlib import widgets\n\n'
    'book = simlib.labbook.open_labbook("zz-lab")\nbench = widgets.bench()\nbench',
    'widgets.quick_check("10-fused")',
)
CAPTION = "(document.querySelector('.msl-bench-table caption') || {}).textContent || ''"


def _notebook() -> dict:
    cells = [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None} for s in CELLS]
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


def _restart_and_run_all(page) -> None:
    page.locator(".jp-Notebook").first.click()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Restart Kernel and Run All Cells")).click()
    page.locator(".jp-Dialog .jp-mod-accept").click()


def test_work_survives_a_kernel_restart_and_the_report_opens(page, jupyter_lab):
    (jupyter_lab.root / NOTEBOOK).write_text(json.dumps(_notebook()), encoding="utf-8")
    open_and_run_all(page, jupyter_lab, NOTEBOOK)
    page.locator(".msl-bench-scope").wait_for(timeout=60_000)
    page.locator(".msl-bench-stimulate").click()
    page.wait_for_function(f"() => {CAPTION.replace('table', 'measures')}.includes('single pulse')", timeout=30_000)
    for count in (1, 2):  # the same run twice: the report plots a table of two rows or more
        page.locator(".msl-bench-record-data").click()
        page.wait_for_function(f"() => {CAPTION}.startsWith('{count} recorded')", timeout=15_000)
    page.get_by_role("radio", name=re.compile("no longer falls")).check()
    page.locator(".msl-quick-check-button").click()
    page.locator(".msl-quick-check-feedback", has_text="Right").wait_for(timeout=15_000)

    saved = jupyter_lab.root / "zz-lab.labbook.json"
    data = labbook.read_labbook(saved)
    assert len(data["tables"]["bench"]["rows"]) == 2 and data["answers"]["10-fused"]["correct"] is True

    page.evaluate("() => document.querySelectorAll('.msl-bench, .msl-quick-check').forEach(e => e.dataset.old = '1')")
    _restart_and_run_all(page)
    page.wait_for_function("() => document.querySelectorAll('.msl-bench:not([data-old])').length === 1", timeout=90_000)
    page.wait_for_function(f"() => {CAPTION}.startsWith('2 recorded')", timeout=30_000)  # the rows came back
    restored = page.locator(".msl-quick-check:not([data-old]) .msl-quick-check-feedback", has_text="Right")
    restored.wait_for(timeout=30_000)  # and the answer, with its feedback
    assert page.get_by_role("radio", name=re.compile("no longer falls")).is_checked()
    shot(page, "labbook-restored")

    [html_path] = report.write_report(saved)
    page.goto(html_path.as_uri())
    assert "no longer falls" in page.content()
    assert page.locator("table").count() >= 1 and page.locator("img[alt]").count() >= 1
    shot(page, "labbook-report")
