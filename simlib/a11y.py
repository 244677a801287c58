"""Accessible names for ipywidgets sliders, which screen readers otherwise announce without a label.

ipywidgets 8 draws a slider's description as a ``<label>`` beside the noUiSlider handle
(``<div class="noUi-handle" role="slider">``) without linking the two, and Python cannot give the
handle an ``aria-label``; a screen reader then reads "slider, 20" with no hint of what it sets, and
axe-core reports ``aria-input-field-name`` (serious). :class:`SliderLabeller` is an invisible
widget whose front-end code (an inline ES module run by anywidget: no build step, no network)
copies each slider's visible label onto its handle as ``aria-label``, and the readout with its unit
as ``aria-valuetext`` ("20 Hz" instead of noUiSlider's "19.999999999999996"). A MutationObserver
re-applies both when sliders are re-rendered, added or moved, and is disconnected when the view
is removed.

Every :class:`simlib.widgets.Explorer` contains one, so every explorer in JupyterLab, Voilà or
Binder is labelled; display one yourself to label other sliders on the page.

Examples
--------
>>> import ipywidgets as ipw
>>> from simlib.a11y import SliderLabeller
>>> slider = ipw.FloatSlider(description="Gain (mV)")
>>> ipw.VBox([slider, SliderLabeller(units={"Gain (mV)": "mV"})])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping

import anywidget
import ipywidgets as ipw
import traitlets

__all__ = ["SliderLabeller"]

# The front end. render() finds its root once the view is in the page (the closest ancestor that
# matches `scope`, else <body>), then names every slider in it after each change inside it: a
# slider added or re-rendered (childList), a readout's new text (characterData, childList), and
# noUiSlider resetting aria-valuetext after a move (attributes). Attributes are only written when
# they differ, so the observer's own writes end in one extra, empty pass.
_ESM = r"""
const OBSERVE = { childList: true, subtree: true, characterData: true, attributes: true,
                  attributeFilter: ["aria-valuetext"] };

function setIfChanged(node, name, value) {
  if (value && node.getAttribute(name) !== value) node.setAttribute(name, value);
}

function nameSliders(root, units) {
  for (const box of root.querySelectorAll(".widget-slider")) {
    const label = box.querySelector(":scope > .widget-label");
    const name = label ? label.textContent.trim() || (label.getAttribute("title") || "").trim() : "";
    const readout = box.querySelector(":scope > .widget-readout");
    const value = readout ? readout.textContent.trim() : "";
    const handles = box.querySelectorAll(".noUi-handle");
    handles.forEach((handle, i) => {
      if (handles.length > 1) {  // a range slider: its readout holds both ends
        setIfChanged(handle, "aria-label", name && `${name} (${i === 0 ? "lower" : "upper"} end)`);
        return;
      }
      setIfChanged(handle, "aria-label", name);
      setIfChanged(handle, "aria-valuetext", value && (units[name] ? `${value} ${units[name]}` : value));
    });
  }
}

function render({ model, el }) {
  let root = null;
  const update = () => { if (root !== null) nameSliders(root, model.get("units")); };
  const start = () => {
    if (root === null) {
      if (!el.isConnected) return;
      root = (model.get("scope") && el.closest(model.get("scope"))) || el.ownerDocument.body;
      observer.disconnect();
      observer.observe(root, OBSERVE);
    }
    update();
  };
  const observer = new MutationObserver(start);
  observer.observe(el.ownerDocument.body, { childList: true, subtree: true });  // until the view is in the page
  start();
  model.on("change:units", update);
  return () => {
    observer.disconnect();
    model.off("change:units", update);
  };
}

export default { render };
"""


class SliderLabeller(anywidget.AnyWidget):
    """Invisible widget that gives every ipywidgets slider handle in its scope an accessible name.

    The handle of each slider (``FloatSlider``, ``IntSlider``, ...) gets ``aria-label`` = the
    slider's visible description (or its tooltip when the description is empty) and
    ``aria-valuetext`` = the readout followed by the unit from ``units``. Range sliders get
    "<description> (lower end)" / "(upper end)".

    Parameters
    ----------
    scope : str, default ""
        CSS selector of the container whose sliders are named: the closest ancestor of the
        labeller that matches it. Empty, or no matching ancestor: every slider on the page.
        Read when the widget is displayed.
    units : mapping of str to str, optional
        Unit spoken after the value, by slider description, e.g. ``{"Signal rate (Hz)": "Hz"}``;
        sliders not listed get the bare readout.
    """

    _esm = _ESM
    scope = traitlets.Unicode("").tag(sync=True)
    units = traitlets.Dict(key_trait=traitlets.Unicode(), value_trait=traitlets.Unicode()).tag(sync=True)

    def __init__(self, scope: str = "", units: Mapping[str, str] | None = None) -> None:
        super().__init__(scope=scope, units=dict(units or {}), layout=ipw.Layout(display="none"))
        self.add_class("msl-a11y")
