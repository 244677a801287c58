"""simlib.a11y: the invisible widget that names slider handles for screen readers (Python side).

What the front-end code does in a browser (every handle named after its label, values with units) is
checked by tests/e2e (axe-core and the handles' attributes, in JupyterLab and Voilà).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")  # as with MPLBACKEND=Agg: no display, no ipympl needed

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

ipywidgets = pytest.importorskip("ipywidgets", reason="the widgets need the 'lab' extra (ipywidgets)")
pytest.importorskip("anywidget", reason="simlib.a11y needs the 'lab' extra (anywidget)")

from simlib import a11y, widgets  # noqa: E402
from simlib.parameters import scenario_param  # noqa: E402


@pytest.fixture(autouse=True)
def _close_pyplot_figures():
    yield
    plt.close("all")


def _labellers(ex: widgets.Explorer) -> list[a11y.SliderLabeller]:
    return [w for w in ex.widget.children if isinstance(w, a11y.SliderLabeller)]


def _sliders(ex: widgets.Explorer) -> list[ipywidgets.FloatSlider]:
    return [c.slider if isinstance(c, widgets.OptionalSlider) else c
            for c in ex.controls.values() if isinstance(c, widgets.OptionalSlider | ipywidgets.FloatSlider)]


def test_labeller_is_an_invisible_anywidget():
    labeller = a11y.SliderLabeller()
    assert labeller.layout.display == "none"
    assert "msl-a11y" in labeller._dom_classes
    assert (labeller.scope, labeller.units, labeller.alt_text) == ("", {}, "")
    state = labeller.get_state()
    assert state["_view_module"] == "anywidget"
    assert state["_esm"] == a11y._ESM


def test_esm_is_self_contained():
    """No build step, no network: the module imports nothing and names no URL."""
    esm = a11y.SliderLabeller().get_state()["_esm"]
    assert not re.search(r"\bhttps?://|//cdn|\bimport\b", esm)
    assert "export default { render }" in esm
    # The observers are disconnected when the view goes (render returns the cleanup), which also
    # gives the root back for another labeller.
    assert "names.disconnect()" in esm and "waiting.disconnect()" in esm and "model.off(" in esm
    assert "root.removeAttribute(CLAIM)" in esm


def test_esm_never_takes_the_page_as_root():
    """Issue 15: two labellers that fell back to <body> rewrote each other's sliders forever (tab frozen)."""
    esm = a11y._ESM
    assert "|| el.ownerDocument.body" not in esm and "|| doc.body" not in esm
    # The root is the scope's closest ancestor, or the parent container; <body> and <html> are refused.
    assert "found === doc.body || found === doc.documentElement ? null : found" in esm
    # Until then the document is watched (also for a class added to an ancestor), and only until then.
    assert 'attributeFilter: ["class"]' in esm and "waiting.disconnect();\n    addStyle(doc);" in esm
    # Sliders of a nested root with its own labeller are not touched.
    assert "if (!owned(root, box)) continue;" in esm


def test_esm_styles_focus_and_removes_readouts_from_tab_order():
    esm = a11y._ESM
    assert ':focus-visible { outline: 3px solid #0072B2' in esm
    assert 'setIfChanged(readout, "tabindex", "-1")' in esm
    assert 'setIfChanged(img, "alt", altText)' in esm


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_value_text_appends_the_unit_once(tmp_path):
    """The value text comes from the readout alone: a unit already there is not appended again."""
    module = tmp_path / "a11y.mjs"
    module.write_text(a11y._ESM, encoding="utf-8")
    cases = [["20", "Hz"], ["20 Hz", "Hz"], ["1.20", "mM"], ["1.20 mM", "mM"], ["0.5", ""], ["", "Hz"], ["Hz", "Hz"]]
    script = (f"import {{ valueText }} from {json.dumps(module.as_uri())};"
              f"console.log(JSON.stringify({json.dumps(cases)}.map(([r, u]) => valueText(r, u))));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    assert json.loads(out) == ["20 Hz", "20 Hz", "1.20 mM", "1.20 mM", "0.5", "", "Hz"]


def test_alt_text_is_a_synced_trait():
    labeller = a11y.SliderLabeller(scope=".box", alt_text="A figure")
    assert labeller.get_state()["alt_text"] == "A figure"
    labeller.alt_text = "Another figure"
    assert labeller.get_state()["alt_text"] == "Another figure"
    with pytest.raises(Exception, match="(?i)unicode|str"):
        labeller.alt_text = 3


def test_units_are_validated_and_copied():
    units = {"Gain (mV)": "mV"}
    labeller = a11y.SliderLabeller(scope=".box", units=units)
    units["Other"] = "s"
    assert labeller.units == {"Gain (mV)": "mV"}
    with pytest.raises(Exception, match="(?i)unicode|str"):
        a11y.SliderLabeller(units={"Gain (mV)": 3})


@pytest.mark.parametrize("make", [lambda: widgets.explore(["rate_hz", "ca_mM", "drive"], presets=["hypocalcaemia"]),
                                  widgets.spasm_explorer], ids=["lesson", "spasm"])
def test_every_explorer_contains_one_labeller_for_its_own_sliders(make):
    ex = make()
    (labeller,) = _labellers(ex)
    assert labeller.layout.display == "none"
    # Scoped to this explorer: the selector matches the explorer's own box.
    assert labeller.scope == ".msl-explorer" and "msl-explorer" in ex.widget._dom_classes
    # A unit for every slider with one, keyed by the description the browser shows next to the handle.
    descriptions = {s.description for s in _sliders(ex)}
    assert set(labeller.units) <= descriptions
    for field in ex.controls:
        param = scenario_param(field)
        if param.is_text:
            assert param.axis_label() not in labeller.units
        elif param.unit:
            assert labeller.units[param.axis_label()] == param.unit
    assert all(labeller.units.values())


def test_spasm_explorer_units_read_naturally():
    (labeller,) = _labellers(widgets.spasm_explorer())
    assert labeller.units["Signal rate (Hz)"] == "Hz"
    assert labeller.units["Extracellular Ca²⁺ (mM)"] == "mM"
    assert "RyR1 block (dantrolene)" not in labeller.units  # a fraction: the bare readout is spoken


def test_other_controls_have_text_names():
    """Buttons, dropdowns and checkboxes carry their name in Python (description), not only an icon."""
    ex = widgets.spasm_explorer()
    buttons = [*ex.preset_buttons.values(), ex.export_button]
    assert all(b.description.strip() and b.tooltip for b in buttons)
    for control in ex.controls.values():
        named = control.checkbox if isinstance(control, widgets.OptionalSlider) else control
        assert named.description.strip()
