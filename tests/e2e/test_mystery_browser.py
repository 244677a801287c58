"""A mystery patient in JupyterLab (Chromium), answered by keyboard: its alt text, a wrong then a right step.

The step is chosen with the arrow keys in the radio group and checked with Enter on the Check button; the
answer is saved to the lab book on disk; axe-core finds no violation in the widget.
"""

from __future__ import annotations

import json

import pytest
from _e2e import axe_violations, describe_violations, require_browser, shot, write_code_notebook
from test_lab import open_and_run_all

from simlib import mystery

require_browser()
pytestmark = pytest.mark.e2e

NOTEBOOK = "zz_mystery.ipynb"
SOURCE = ('import simlib\nfrom simlib import widgets\n\nsimlib.labbook.open_labbook("zz-mystery")\n'
          'patient = widgets.mystery_patient("A")\npatient')


def _checked_is(page, label: str) -> None:
    page.wait_for_function("l => [...document.querySelectorAll('.msl-mystery input:checked')].some(i => i.value === l)",
                           arg=label, timeout=10_000)
    # the focus stays in the group (JupyterLab's ArrowDown shortcut would move it to the notebook)
    assert page.evaluate("() => document.activeElement.value") == label


def _check_with_keyboard(page, presses: int, words: str) -> None:
    """Move down the step radio group by ``presses`` arrow keys, press Enter on Check, wait for ``words``."""
    labels = [s.label for s in mystery.steps()]
    page.locator(".msl-mystery .msl-choice-group").first.locator("input").first.focus()
    page.keyboard.press("Space")  # selects the first step
    _checked_is(page, labels[0])
    for i in range(presses):
        page.keyboard.press("ArrowDown")
        _checked_is(page, labels[i + 1])
    page.locator(".msl-mystery button", has_text="Check").focus()
    page.keyboard.press("Enter")
    page.locator(".msl-mystery-feedback", has_text=words).wait_for(timeout=20_000)


def test_mystery_patient_answered_by_keyboard_and_saved(page, jupyter_lab):
    write_code_notebook(jupyter_lab.root, NOTEBOOK, SOURCE)
    open_and_run_all(page, jupyter_lab, NOTEBOOK)
    figure = page.locator(".msl-mystery-figure")
    figure.wait_for(timeout=60_000)
    page.wait_for_function("() => (document.querySelector('.msl-mystery-figure').getAttribute('alt') || '')"
                           ".includes('Patient A')", timeout=15_000)
    assert "Muscle action potentials" in figure.get_attribute("alt")

    _check_with_keyboard(page, 1, "Not this step")  # the motor axon: wrong for patient A
    _check_with_keyboard(page, 2, "Right")  # the junction
    saved = json.loads((jupyter_lab.root / "zz-mystery.labbook.json").read_text(encoding="utf-8"))
    record = saved["answers"]["mystery-A"]
    assert record["step"] == "junction" and record["correct"] is True and record["attempts"] == 2
    shot(page, "mystery-patient-right")

    violations = axe_violations(page, ".msl-mystery")
    assert not violations, "\n".join(describe_violations(violations))
