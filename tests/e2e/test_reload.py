"""Reloading a lesson with two explorers while its kernel runs: the page keeps answering (issue 15).

Before the fix, both explorers' slider labellers (simlib.a11y) took the whole page as their root
when the page was reloaded, and rewrote each other's slider value texts forever ("20" <-> "20 Hz"):
the renderer spun at 100 % and the tab froze for good, 6-8 s after the reload, in every lesson
with two explorers. This test runs each such lesson, saves it, reloads the page with the kernel
alive, and fails if the page stops answering or keeps rewriting slider names.

The reload uses JupyterLab's "defer" windowing (cells out of view are attached to the page later,
when the browser is idle), as the freeze needs a labeller whose view is put in the page before its
explorer box has its CSS class (ipywidgets adds a box's classes only once the box is displayed):
with the old labeller this froze the tab in every trial here, like the default settings did in
the audit (issue 15). The other e2e tests keep "none" (every cell in the DOM), restored afterwards.
"""

from __future__ import annotations

import json

import pytest
from _e2e import assert_page_responsive, name_writes_during, put_lab_setting, require_browser, shot
from test_lab import KERNEL_IDLE, open_and_run_all

require_browser()
pytestmark = pytest.mark.e2e

# The lessons that show two explorers (02, 03, 04 and 08 show one).
TRACKER = "@jupyterlab/notebook-extension:tracker"
MULTI_EXPLORER = ["01_nerve_to_muscle.ipynb", "05_cramps.ipynb", "06_drugs_and_temperature.ipynb"]

# For each explorer on the page: how many slider handles, and how many carry a name equal to their label.
HANDLES_NAMED = """() => [...document.querySelectorAll('.msl-explorer')].map(ex => {
  const handles = [...ex.querySelectorAll('.noUi-handle')];
  return [handles.length, handles.filter(h => h.getAttribute('aria-label') ===
          h.closest('.widget-slider').querySelector(':scope > .widget-label').textContent.trim()).length];
})"""


@pytest.mark.parametrize("notebook", MULTI_EXPLORER)
def test_reloading_a_two_explorer_lesson_with_a_live_kernel_does_not_freeze(page, jupyter_lab, notebook):
    open_and_run_all(page, jupyter_lab, notebook)
    page.wait_for_function("() => document.querySelectorAll('.msl-explorer .noUi-handle').length > 0",
                           timeout=30_000)
    assert page.locator(".msl-explorer").count() == 2, f"{notebook} no longer shows two explorers"
    page.keyboard.press("Control+s")  # as a learner: run all, save (with the widget state), reload
    page.wait_for_timeout(1_000)

    put_lab_setting(page, jupyter_lab, TRACKER, {"windowingMode": "defer"})
    try:
        page.reload(timeout=90_000)
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
        page.wait_for_function(KERNEL_IDLE, timeout=90_000)  # reconnected to the running kernel
        # The freeze came 6-8 s after the load: probe the main thread once a second for 10 s.
        trips = assert_page_responsive(page, f"{notebook} after a reload", duration_s=10.0)
    finally:
        put_lab_setting(page, jupyter_lab, TRACKER, {"windowingMode": "none"})
    page.wait_for_function("() => document.querySelectorAll('.msl-explorer').length === 2 && [...document"
                           ".querySelectorAll('.msl-explorer')].every(e => e.querySelector('.noUi-handle'))",
                           timeout=30_000)
    shot(page, f"reload-{notebook.removesuffix('.ipynb')}")
    named = page.evaluate(HANDLES_NAMED)
    assert len(named) == 2 and all(n > 0 and ok == n for n, ok in named), (
        f"{notebook}: handles named per explorer after the reload (count, named): {named}")
    # Settled: no labeller keeps rewriting names once the page is idle (a slow ping-pong, not only a freeze).
    writes = name_writes_during(page, 2.0)
    assert writes == 0, f"{notebook}: {writes} slider-name writes in 2 s of idling after the reload"
    assert max(trips) < 3_000, trips


# Standalone labellers (no Explorer): two boxes whose sliders share a label but not a unit (the
# ping-pong of issue 15: "20" <-> "20 Hz"), each with its labeller in the box (no scope: the parent
# container), and a third scoped by a CSS class; each box has an image for alt_text.
_PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
STANDALONE = f'''import base64

import ipywidgets as ipw

from simlib.a11y import SliderLabeller

png = base64.b64decode("{_PNG_1PX}")
boxes = [ipw.VBox([ipw.FloatSlider(value=20, description="Signal rate", readout_format=".1f"),
                   ipw.Image(value=png, format="png"),
                   SliderLabeller(scope=scope, units={{"Signal rate": unit}} if unit else {{}},
                                  alt_text=f"Figure {{i}}")])
         for i, (unit, scope) in enumerate([("Hz", ""), ("", ""), ("mM", ".msl-test-scope")])]
boxes[2].add_class("msl-test-scope")
boxes[2].children[0].value = 1.2
ipw.VBox(boxes[:2])'''

# [aria-valuetext, aria-label, readout tabindex, img alt] in each labelled box, in page order.
LABELLED = """() => [...document.querySelectorAll('[data-msl-labeller]')].map(root => {
  const handle = root.querySelector('.noUi-handle');
  return [handle.getAttribute('aria-valuetext'), handle.getAttribute('aria-label'),
          root.querySelector('.widget-readout').getAttribute('tabindex'),
          root.querySelector('img').getAttribute('alt')];
})"""


def test_labellers_name_only_their_own_box_and_never_ping_pong(page, jupyter_lab):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": src, "outputs": [], "execution_count": None}
                    for src in (STANDALONE, "boxes[2]")],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (jupyter_lab.root / "zz_labellers.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    open_and_run_all(page, jupyter_lab, "zz_labellers.ipynb")
    expected = [["20.0 Hz", "Signal rate", "-1", "Figure 0"], ["20.0", "Signal rate", "-1", "Figure 1"],
                ["1.2 mM", "Signal rate", "-1", "Figure 2"]]
    try:
        page.wait_for_function(f"expected => JSON.stringify(({LABELLED})()) === JSON.stringify(expected)",
                               arg=expected, timeout=15_000)
    except PlaywrightTimeout:
        raise AssertionError(f"labelled boxes: {page.evaluate(LABELLED)}, expected {expected}") from None
    assert_page_responsive(page, "two labellers with different units", duration_s=3.0)
    assert name_writes_during(page, 2.0) == 0
    # Keyboard: Tab from one handle goes to the next slider's handle (the readout is no Tab stop),
    # with a 3 px focus ring.
    page.locator(".noUi-handle").first.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
      return [e.classList.contains('noUi-handle'), e.matches(':focus-visible'), s.outlineStyle, s.outlineWidth]; }""")
    assert focused == [True, True, "solid", "3px"], focused
    # The handle still moves the value, and the value text follows the readout with its own unit.
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelectorAll('.noUi-handle')[1]"
                           ".getAttribute('aria-valuetext') === '20.1'", timeout=10_000)
    assert page.evaluate(LABELLED)[0][0] == "20.0 Hz"
