"""The Spasm explorer as a Voilà app (``make app``): it responds, and passes an axe-core check."""

from __future__ import annotations

import json

import pytest
from _e2e import ARTIFACTS, VENDOR, drive_explorer, require_browser, shot

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


# ipywidgets 8 (8.1.9) renders a slider's description as a <label> next to the noUiSlider handle
# (<div role="slider">) without linking the two, and offers no way to give the handle an aria-label
# from Python (noUiSlider's handleAttributes are not exposed). axe-core reports it as
# "aria-input-field-name (serious)" on every slider handle. It is checked separately below (xfail).
SLIDER_HANDLE_NAME = "aria-input-field-name"


def _serious(violations, *, known_slider_issue: bool) -> list[str]:
    found = []
    for v in violations:
        if v["impact"] not in ("critical", "serious"):
            continue
        nodes = [n for n in v["nodes"]
                 if (v["id"] == SLIDER_HANDLE_NAME and "noUi-handle" in n["html"]) == known_slider_issue]
        if nodes:
            example = nodes[0]["html"][:200]
            found.append(f"{v['id']} ({v['impact']}): {v['help']} -- {len(nodes)} node(s), e.g. {example}")
    return found


@pytest.fixture(scope="module")
def axe_violations(browser, voila_app):
    """Run axe-core (vendored, no CDN) on the explorer's container in the Voilà app."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        open_app(page, voila_app)
        page.add_script_tag(path=str(VENDOR / "axe.min.js"))
        results = page.evaluate(
            "async () => await axe.run(document.querySelector('.msl-explorer'), {resultTypes: ['violations']})"
        )
    finally:
        context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-voila.json").write_text(json.dumps(results["violations"], indent=1), encoding="utf-8")
    return results["violations"]


def test_voila_app_has_no_serious_accessibility_violations(axe_violations):
    bad = _serious(axe_violations, known_slider_issue=False)
    assert not bad, "axe-core violations in the explorer:\n" + "\n".join(bad)


@pytest.mark.xfail(reason="ipywidgets 8.1 slider handles (<div role=slider>) have no accessible name: axe-core "
                          "'aria-input-field-name' (serious); not fixable from Python widgets", strict=True)
def test_voila_slider_handles_have_accessible_names(axe_violations):
    bad = _serious(axe_violations, known_slider_issue=True)
    assert not bad, "\n".join(bad)
