"""The Spasm explorer as a Voilà app (``make app``): it responds, works offline and passes an axe-core check."""

from __future__ import annotations

import json

import pytest
from _e2e import (
    ARTIFACTS,
    assert_sliders_named,
    axe_violations,
    describe_violations,
    drive_explorer,
    require_browser,
    shot,
    slider_names,
)

from simlib.parameters import scenario_param
from simlib.widgets import spasm_fields

require_browser()
pytestmark = pytest.mark.e2e


def open_app(page, server) -> None:
    page.goto(server.url, timeout=120_000)
    page.locator(".msl-classification").first.wait_for(timeout=120_000)
    page.locator(".msl-figure canvas, img.msl-figure, .msl-figure img").first.wait_for(timeout=60_000)


def test_voila_app_shows_no_code_and_responds(page, voila_app):
    open_app(page, voila_app)
    shot(page, "voila-1-loaded")
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count() == 0, "Voilà shows code"
    drive_explorer(page, "voila-explorer", exports=voila_app.root / "exports", app=True)
    assert page.locator(".msl-error").first.inner_text().strip() == ""
    assert not [m for m in page.console_errors if "pageerror" in m], page.console_errors
    # Works offline: every request went to the Voilà server. (Voilà's own "lab" template fetches Font
    # Awesome from a CDN; the repository's template, share/jupyter/voila/templates/, does not.)
    assert page.external_requests == [], page.external_requests


@pytest.fixture(scope="module")
def axe_page(browser, voila_app):
    """The Voilà app once its sliders are named, with axe-core's violations (vendored, no CDN) on the whole page.

    Yields the page and the violations of any impact; before simlib.a11y, axe reported
    aria-input-field-name (serious) on all 16 slider handles, as ipywidgets 8 does not link a
    slider's label to its handle.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        open_app(page, voila_app)
        slider_names(page)  # wait for the names; the tests below assert on them
        violations = axe_violations(page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "axe-voila.json").write_text(json.dumps(violations, indent=1), encoding="utf-8")
        yield page, violations
    finally:
        context.close()


def test_voila_page_has_no_accessibility_violations(axe_page):
    _, violations = axe_page
    found = describe_violations(violations)
    assert not found, "axe-core violations on the Voilà page:\n" + "\n".join(found)


# The focused element: [is a slider handle, its aria-label, :focus-visible, outline style, outline width,
# is a slider readout].
FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return [e.classList.contains('noUi-handle'), e.getAttribute('aria-label') || '', e.matches(':focus-visible'),
          s.outlineStyle, s.outlineWidth, e.classList.contains('widget-readout')]; }"""


def test_voila_one_tab_stop_per_slider_with_a_visible_focus_ring(axe_page):
    page, _ = axe_page
    labels = [label for label, _, _ in slider_names(page)]
    readouts = page.evaluate("() => [...document.querySelectorAll('.msl-explorer .widget-readout')]"
                             ".map(r => [r.getAttribute('tabindex'), r.isContentEditable])")
    assert readouts and all(tabindex == "-1" for tabindex, _ in readouts), readouts  # no Tab stop
    assert any(editable for _, editable in readouts), readouts  # still editable (but where disabled)
    page.locator(".msl-explorer .noUi-handle").first.focus()
    seen = [page.evaluate(FOCUSED)]
    for _ in labels[1:]:
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    # Tab walks from handle to handle, never to a readout (checkboxes of optional settings may sit
    # between two handles), each with the 3 px ring.
    assert not [s for s in seen if s[5]], seen
    handles = [s[1] for s in seen if s[0]]
    assert len(handles) > len(labels) // 2 and handles == labels[:len(handles)], seen
    assert all(s[2:5] == [True, "solid", "3px"] for s in seen), seen
    page.locator(".msl-preset").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus on a button: the ring shows
    assert page.evaluate(FOCUSED)[2:5] == [True, "solid", "3px"]


def test_voila_slider_handles_are_named_after_their_labels(axe_page):
    page, _ = axe_page
    numeric = [f for f in spasm_fields() if not scenario_param(f).is_text]
    assert len(slider_names(page)) == len(numeric)  # one handle per numeric setting, none left out
    assert_sliders_named(page)
