"""Accessible names for ipywidgets sliders and figures, which screen readers otherwise announce bare.

ipywidgets 8 draws a slider's description as a ``<label>`` beside the noUiSlider handle
(``<div class="noUi-handle" role="slider">``) without linking the two, and Python cannot give the
handle an ``aria-label``; a screen reader then reads "slider, 20" with no hint of what it sets, and
axe-core reports ``aria-input-field-name`` (serious). :class:`SliderLabeller` is an invisible
widget whose front-end code (an inline ES module run by anywidget: no build step, no network)
works inside one container of the page, its *root*, and there

- copies each slider's visible label onto its handle as ``aria-label``, and the readout with its
  unit as ``aria-valuetext`` ("20 Hz" instead of noUiSlider's "19.999999999999996");
- takes each slider's editable readout out of the Tab order (``tabindex="-1"``; still editable with
  the mouse), so a slider is one Tab stop, its handle, which the arrow, Page and Home/End keys move;
- gives every ``<img>`` the ``alt`` text of :attr:`SliderLabeller.alt_text` (the Explorer's figure);
- draws a visible focus ring (3 px, Okabe-Ito blue) around whatever has keyboard focus, and gives
  highlighted (``button_style="info"``) buttons a background with enough contrast for their text.

A MutationObserver re-applies these when sliders are re-rendered, added or moved; it is
disconnected when the view is removed.

The root is never the page. It is the closest ancestor that matches ``scope`` (each
:class:`simlib.widgets.Explorer` passes ``".msl-explorer"``, its own box), or, with no ``scope``,
the labeller's parent container (the Box it is a child of). Until the labeller's view is in the
page under such an ancestor, it names nothing and only watches the document for that moment
(ipywidgets adds a box's CSS classes only once the box is displayed, which can be after its
children are in the page). A root is named by one labeller (it is tagged with that labeller's id),
sliders inside a nested root are left to that root's labeller, and every value is derived from
the readout alone and written only when it differs: two labellers can never rewrite each other's
names (before, two explorers on one page could each take the whole page as root and froze the
browser tab, issue 15).

Every Explorer contains one, so every explorer in JupyterLab, Voilà or Binder is labelled; to
label other sliders, put a labeller in the same Box as them.

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

# The front end. render() waits until the view is in the page under its root (see the module
# docstring), tags the root with its id, then names the controls in it after each change inside
# it: a slider added or re-rendered (childList), a readout's new text (characterData, childList),
# noUiSlider resetting aria-valuetext after a move, another labeller's tag removed (attributes).
# Every attribute is computed from the readout text and this labeller's own traits only, and
# written only when it differs, so the observer's own writes end in one extra, empty pass.
_ESM = r"""
const CLAIM = "data-msl-labeller";  // on the root: the id of the labeller that names it
const NAMES = { childList: true, subtree: true, characterData: true, attributes: true,
                attributeFilter: ["aria-valuetext", CLAIM] };
const WAIT = { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] };
const STYLE_ID = "msl-a11y-style";
// A visible focus ring; and the highlighted ("info") button in Okabe-Ito blue, 5.2:1 against its
// white text (with the Voila theme's info colour, axe reports color-contrast, serious).
const STYLE = `[${CLAIM}] :focus-visible { outline: 3px solid #0072B2 !important; outline-offset: 2px !important; }
[${CLAIM}] .jupyter-button.mod-info { background-color: #0072B2; color: #ffffff; }`;

function setIfChanged(node, name, value) {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

// The readout followed by its unit, unless it already ends with it.
function valueText(readout, unit) {
  if (!readout || !unit || readout === unit || readout.endsWith(` ${unit}`)) return readout;
  return `${readout} ${unit}`;
}

// Whether `node` is this root's to name (and not inside a nested root of another labeller).
function owned(root, node) { return node.closest(`[${CLAIM}]`) === root; }

function nameControls(root, units, altText) {
  for (const box of root.querySelectorAll(".widget-slider")) {
    if (!owned(root, box)) continue;
    const label = box.querySelector(":scope > .widget-label");
    const name = label ? label.textContent.trim() || (label.getAttribute("title") || "").trim() : "";
    const readout = box.querySelector(":scope > .widget-readout");
    const value = readout ? readout.textContent.trim() : "";
    if (readout) setIfChanged(readout, "tabindex", "-1");  // one Tab stop per slider: the handle
    const handles = box.querySelectorAll(".noUi-handle");
    handles.forEach((handle, i) => {
      if (handles.length > 1) {  // a range slider: its readout holds both ends
        if (name) setIfChanged(handle, "aria-label", `${name} (${i === 0 ? "lower" : "upper"} end)`);
        return;
      }
      if (name) setIfChanged(handle, "aria-label", name);
      const text = valueText(value, units[name]);
      if (text) setIfChanged(handle, "aria-valuetext", text);
    });
  }
  if (altText) {
    for (const img of root.querySelectorAll("img")) if (owned(root, img)) setIfChanged(img, "alt", altText);
  }
}

function addStyle(doc) {
  if (doc.getElementById(STYLE_ID) !== null || !doc.head) return;
  const style = doc.createElement("style");
  style.id = STYLE_ID;
  style.textContent = STYLE;
  doc.head.appendChild(style);
}

let views = 0;

function render({ model, el }) {
  const doc = el.ownerDocument;
  const id = `${Date.now().toString(36)}-${(views += 1)}-${Math.random().toString(36).slice(2, 8)}`;
  let root = null;
  // The root, once the view is in the page under it; never <body> or <html>.
  const findRoot = () => {
    if (!el.isConnected || el.parentElement === null) return null;
    const scope = model.get("scope");
    const found = scope ? el.parentElement.closest(scope) : el.parentElement;
    return found === null || found === doc.body || found === doc.documentElement ? null : found;
  };
  const update = () => {
    if (root === null) return;
    const owner = root.getAttribute(CLAIM);
    if (owner !== id) {
      if (owner) return;  // another labeller names this root; it removes its tag when it goes
      root.setAttribute(CLAIM, id);
    }
    nameControls(root, model.get("units"), model.get("alt_text"));
  };
  const names = new MutationObserver(update);
  const waiting = new MutationObserver(() => attach());
  const attach = () => {
    if (root !== null) return;
    root = findRoot();
    if (root === null) return;
    waiting.disconnect();
    addStyle(doc);
    names.observe(root, NAMES);
    update();
  };
  waiting.observe(doc, WAIT);  // only until the view is in the page under its root
  attach();
  model.on("change:units", update);
  model.on("change:alt_text", update);
  return () => {
    waiting.disconnect();
    names.disconnect();
    model.off("change:units", update);
    model.off("change:alt_text", update);
    if (root !== null && root.getAttribute(CLAIM) === id) root.removeAttribute(CLAIM);
  };
}

export { valueText };  // for the unit tests (run by node when it is installed)
export default { render };
"""


class SliderLabeller(anywidget.AnyWidget):
    """Invisible widget that names the slider handles and figures of one container, for screen readers.

    Inside its root (see below), the handle of each slider (``FloatSlider``, ``IntSlider``, ...)
    gets ``aria-label`` = the slider's visible description (or its tooltip when the description is
    empty) and ``aria-valuetext`` = the readout followed by the unit from ``units`` (not repeated
    if the readout already ends with it); range sliders get "<description> (lower end)" /
    "(upper end)". Each slider's readout leaves the Tab order (one Tab stop per slider, the
    handle); each ``<img>`` gets ``alt`` = ``alt_text`` when that is not empty; focused controls
    get a 3 px focus ring.

    Parameters
    ----------
    scope : str, default ""
        CSS selector of the root: the closest ancestor of the labeller that matches it (an
        Explorer passes ``".msl-explorer"``, its own box). Empty: the labeller's parent container,
        i.e. the Box it is a child of. The root is never the page's ``<body>``: until the view is
        in the page under a matching ancestor, nothing is named. Read when the widget is displayed.
    units : mapping of str to str, optional
        Unit spoken after the value, by slider description, e.g. ``{"Signal rate (Hz)": "Hz"}``;
        sliders not listed get the bare readout.
    alt_text : str, default ""
        Text alternative of the images in the root (the figure); set it again whenever the figure
        changes. Empty: images are left as they are.

    Notes
    -----
    A root is named by one labeller only: the first to reach it tags it with its id
    (``data-msl-labeller``) and removes the tag when its view goes; a second labeller in the same
    root waits for that. Sliders inside a nested root with its own labeller are left to it.
    """

    _esm = _ESM
    scope = traitlets.Unicode("").tag(sync=True)
    units = traitlets.Dict(key_trait=traitlets.Unicode(), value_trait=traitlets.Unicode()).tag(sync=True)
    alt_text = traitlets.Unicode("").tag(sync=True)

    def __init__(self, scope: str = "", units: Mapping[str, str] | None = None, alt_text: str = "") -> None:
        super().__init__(scope=scope, units=dict(units or {}), alt_text=alt_text,
                         layout=ipw.Layout(display="none"))
        self.add_class("msl-a11y")
