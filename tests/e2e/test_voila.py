"""The Spasm explorer as a Voilà app (``make app``): it responds, works offline and passes an axe-core check."""

from __future__ import annotations

import json

import pytest
from _e2e import ARTIFACTS, VENDOR, assert_sliders_named, drive_explorer, require_browser, shot, slider_names

from simlib.parameters import scenario_param
from simlib.widgets import spasm_fields

require_browser()
pytestmark = pytest.mark.e2e


def open_app(page, server) -> None:
    page.goto(server.url, timeout=120_000)
    page.locator(".msl-classification").first.wait_for(timeout=120_000)
    page.locator(".msl-figure canvas, .msl-figure img").first.wait_for(timeout=60_000)


def test_voila_app_shows_no_code_and_responds(page, voila_app):
    open_app(page, voila_app)
    shot(page, "voila-1-loaded")
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count() == 0, "Voilà shows code"
    drive_explorer(page, "voila-explorer", exports=voila_app.root / "exports")
    assert page.locator(".msl-error").first.inner_text().strip() == ""
    assert not [m for m in page.console_errors if "pageerror" in m], page.console_errors
    # Works offline: every request went to the Voilà server. (Voilà's own "lab" template fetches Font
    # Awesome from a CDN; the repository's template, share/jupyter/voila/templates/, does not.)
    assert page.external_requests == [], page.external_requests


def _serious(violations) -> list[str]:
    found = []
    for v in violations:
        if v["impact"] in ("critical", "serious"):
            example = v["nodes"][0]["html"][:200]
            found.append(f"{v['id']} ({v['impact']}): {v['help']} -- {len(v['nodes'])} node(s), e.g. {example}")
    return found


@pytest.fixture(scope="module")
def axe_page(browser, voila_app):
    """The Voilà app once its sliders are named, with axe-core results (vendored, no CDN) for the explorer.

    Yields the page and the violations; before simlib.a11y, axe reported aria-input-field-name (serious)
    on all 16 slider handles, as ipywidgets 8 does not link a slider's label to its handle.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        open_app(page, voila_app)
        slider_names(page)  # wait for the names; the tests below assert on them
        page.add_script_tag(path=str(VENDOR / "axe.min.js"))
        results = page.evaluate(
            "async () => await axe.run(document.querySelector('.msl-explorer'), {resultTypes: ['violations']})"
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "axe-voila.json").write_text(json.dumps(results["violations"], indent=1), encoding="utf-8")
        yield page, results["violations"]
    finally:
        context.close()


def test_voila_app_has_no_serious_accessibility_violations(axe_page):
    _, violations = axe_page
    bad = _serious(violations)
    assert not bad, "axe-core violations in the explorer:\n" + "\n".join(bad)


def test_voila_slider_handles_are_named_after_their_labels(axe_page):
    page, _ = axe_page
    numeric = [f for f in spasm_fields() if not scenario_param(f).is_text]
    assert len(slider_names(page)) == len(numeric)  # one handle per numeric setting, none left out
    assert_sliders_named(page)
