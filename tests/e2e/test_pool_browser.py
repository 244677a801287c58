"""The pool explorer (lesson 15) in JupyterLab (Chromium), used with the keyboard only.

Raises the stimulus intensity with the arrow keys (the figure's alt text follows the run), switches the sound
on with the keyboard (a player appears that does not play by itself) and checks the explorer with axe-core.
"""

from __future__ import annotations

import pytest
from _e2e import axe_violations, describe_violations, press_slider_to, require_browser, shot, write_code_notebook
from test_lab import open_and_run_all

require_browser()
pytestmark = pytest.mark.e2e

NOTEBOOK = "zz_pool.ipynb"
SOURCE = "from simlib import widgets\n\nexplorer = widgets.pool_explorer()\nexplorer"


def test_pool_explorer_by_keyboard_intensity_and_sound(page, jupyter_lab):
    write_code_notebook(jupyter_lab.root, NOTEBOOK, SOURCE)
    open_and_run_all(page, jupyter_lab, NOTEBOOK)
    figure = page.locator(".msl-explorer .msl-figure")
    figure.wait_for(timeout=60_000)
    page.wait_for_function("() => (document.querySelector('.msl-explorer .msl-figure').getAttribute('alt') || '')"
                           ".includes('46% of the 120 motor units')", timeout=30_000)

    handle = page.locator(".msl-control-stimulus_v .noUi-handle")
    assert handle.get_attribute("aria-label") == "Stimulus intensity (V)"
    press_slider_to(page, "stimulus_v", 8.0, timeout_s=90.0)  # 3.0 -> 8.0 V, 0.1 V a press, each acknowledged
    page.wait_for_function("() => (document.querySelector('.msl-explorer .msl-figure').getAttribute('alt') || '')"
                           ".includes('100% of the 120 motor units')", timeout=30_000)

    assert page.locator(".msl-explorer audio").count() == 0  # sound off by default
    page.locator(".msl-pool-sound").focus()
    page.keyboard.press("Space")
    audio = page.locator(".msl-explorer audio")
    audio.wait_for(timeout=15_000)
    assert "press play" in page.locator(".msl-explorer .msl-emg-audio").inner_text()  # its visible label
    assert audio.evaluate("a => a.paused && !a.autoplay")
    shot(page, "pool-explorer-8v-sound")

    violations = axe_violations(page, ".msl-explorer")
    assert not violations, "\n".join(describe_violations(violations))
