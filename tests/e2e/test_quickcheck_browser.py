"""Quick checks in Chromium: the options are a named radio group a screen reader announces."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("ipywidgets", reason="the quick checks need the 'lab' extra (ipywidgets)")

from simlib import quickcheck  # noqa: E402

pytestmark = pytest.mark.e2e


def test_the_radio_group_has_an_accessible_name_in_chromium(page):
    """Render the front-end module with a stand-in model; read the accessibility tree."""
    q = quickcheck.question("02-summation")
    page_html = f"""<!doctype html><html lang="en"><body><div id="root"></div><script type="module">
    const source = {json.dumps(quickcheck.ChoiceGroup._esm)};
    const mod = await import(URL.createObjectURL(new Blob([source], {{type: "text/javascript"}})));
    const state = {{label: {json.dumps(q.text)}, options: {json.dumps(list(q.options))}, value: null,
                    disabled: false}};
    const model = {{get: (k) => state[k], set: (k, v) => {{ state[k] = v; }}, save_changes: () => {{}},
                    send: (message) => {{ window.sent.push(message); }}, on: () => {{}}}};
    window.sent = [];
    window.state = state;
    mod.default.render({{model, el: document.getElementById("root")}});
    window.ready = true;
    </script></body></html>"""
    page.set_content(page_html)
    page.wait_for_function("window.ready === true")
    group = page.get_by_role("radiogroup", name=q.text)
    assert group.count() == 1
    radios = group.get_by_role("radio")
    assert [radios.nth(i).get_attribute("value") for i in range(radios.count())] == list(q.options)
    radios.nth(1).check()
    assert page.evaluate("window.state.value") == q.options[1]
    page.keyboard.press("ArrowDown")  # native radios of one name: arrows move the choice
    assert page.evaluate("window.state.value") == q.options[2]
    # each choice also goes to the kernel as a custom message, kept in order with the Check button's click
    assert page.evaluate("window.sent") == [{"event": "choose", "value": q.options[1]},
                                            {"event": "choose", "value": q.options[2]}]
