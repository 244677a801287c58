"""Where an explorer's parts go on the page: the controls column, the help section and the CSS of each mode.

Plain functions over ipywidgets boxes, used by :class:`simlib.widgets.Explorer` (see its Notes for
the layout: controls in a scrolling column beside the figure, the figure first in projector mode).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import ipywidgets as ipw

from simlib.widgets.captions import CLASSIFICATION_WORDS
from simlib.widgets.controls import CONTROL_GROUPS, OTHER_GROUP, OptionalSlider, set_layout

__all__ = ["control_column", "help_accordion", "place"]

# Width of the controls column (CSS) and of slider labels in it: the track keeps ~120 px.
_CONTROL_WIDTH = "360px"
_COLUMN_DESCRIPTION_WIDTH = "12em"
# More controls than this are put under the headings of CONTROL_GROUPS.
_GROUP_FROM = 5


def control_column(fields: Sequence[str], controls: Mapping[str, ipw.DOMWidget],
                   preset_buttons: Mapping[str, ipw.Button]) -> list[ipw.Widget]:
    """Return the children of the controls column: presets, then the controls (grouped if many), then help.

    Parameters
    ----------
    fields : sequence of str
        The fields with a control, in display order.
    controls : mapping of str to ipywidgets.DOMWidget
        The control of each field; their descriptions are narrowed to the column's width.
    preset_buttons : mapping of str to ipywidgets.Button
        The preset buttons (none: no presets row and no help section).

    Returns
    -------
    list of ipywidgets.Widget
        The column's children, top to bottom.
    """
    column: list[ipw.Widget] = []
    if preset_buttons:
        heading = ipw.HTML("<b>Presets</b> (hover over one to see what it changes):")
        # flex "0 0 auto": a scrolling column must not squeeze the rows of buttons away
        row = ipw.HBox(list(preset_buttons.values()), layout=ipw.Layout(flex_flow="row wrap", flex="0 0 auto"))
        row.add_class("msl-presets")
        column += [heading, row]
    if len(fields) >= _GROUP_FROM:
        known = {f for _, members in CONTROL_GROUPS for f in members}
        groups = [*CONTROL_GROUPS, (OTHER_GROUP, tuple(f for f in fields if f not in known))]
        for heading, members in groups:
            present = [f for f in members if f in controls]
            if present:
                column.append(ipw.HTML(f"<b>{html.escape(heading)}</b>"))
                column += [controls[f] for f in present]
    else:
        column += [controls[f] for f in fields]
    for control in controls.values():
        for part in (control.slider, control.checkbox) if isinstance(control, OptionalSlider) else (control,):
            if isinstance(part, (ipw.FloatSlider, ipw.Dropdown)):
                part.style.description_width = _COLUMN_DESCRIPTION_WIDTH
    if preset_buttons:
        column.append(help_accordion())
    return column


def help_accordion() -> ipw.Accordion:
    """Make the collapsed "How to use this explorer" section (the page needs no other instructions)."""
    words = html.escape
    text = (
        "<ul style='margin:0;padding-left:1.2em'>"
        f"<li><b>Presets</b> load a scenario from the lessons; hover over one to read what it changes.</li>"
        f"<li><b>Sliders</b> change one setting each (the label gives the unit): drag and release, or "
        f"click a handle and use the arrow keys (Page Up / Page Down take bigger steps).</li>"
        f"<li><b>The sentence above the figure</b> names what the muscle does: "
        f"{words(', '.join(t.lower() for t, _ in CLASSIFICATION_WORDS.values()))}.</li>"
        "<li><b>The figure</b> follows the chain from nerve spikes to force; the grey band is the time "
        "the nerve signal is on.</li>"
        "<li><b>Export figure</b> saves the figure with a caption; <b>Projector</b> shows a larger figure "
        "for a room.</li></ul>"
    )
    accordion = ipw.Accordion([ipw.HTML(text)], selected_index=None, layout=ipw.Layout(flex="0 0 auto"))
    accordion.set_title(0, "How to use this explorer")
    accordion.add_class("msl-help")
    return accordion


def place(body: ipw.Box, controls_box: ipw.Box, view_box: ipw.Box, image: ipw.Image | None, *, projector: bool,
          image_px: tuple[int, int], status_beside: bool) -> None:
    """Set the CSS of the body, the two columns and the image for normal or projector mode.

    Parameters
    ----------
    body, controls_box, view_box : ipywidgets.Box
        The row holding both columns, the controls column and the figure column.
    image : ipywidgets.Image or None
        The figure's image widget; None for an ipympl canvas (which sizes itself).
    projector : bool
        Projector mode: the controls column goes right of the figure.
    image_px : tuple of int
        Width and height of the image in pixels, in this mode: it is never shown larger.
    status_beside : bool
        Whether the classification sentence is in the controls column (so less height is reserved).
    """
    set_layout(body, display="flex", flex_flow="row wrap", align_items="flex-start", width="100%")
    # The column scrolls inside the page's height; it goes right of the figure in projector mode.
    set_layout(controls_box, flex="0 0 300px" if projector else f"0 1 {_CONTROL_WIDTH}", min_width="280px",
               max_height="calc(100vh - 120px)", overflow="hidden auto", order="1" if projector else "0",
               margin="0 0 0 12px" if projector else "0 12px 0 0")
    set_layout(view_box, flex="1 1 0%", min_width="360px", order="0")
    if image is not None:
        # Never taller than the page minus what stays visible with it (JupyterLab's bars or Voilà's
        # margins, the sentence and the export row); never larger than its own pixels.
        width_px, height_px = image_px
        reserve = "150px" if projector or status_beside else "230px"
        # align_self: not stretched to the column's width, so the width follows the height.
        set_layout(image, width="auto", height="auto", max_width=f"min(100%, {width_px}px)",
                   max_height=f"min({height_px}px, calc(100vh - {reserve}))", object_fit="contain",
                   align_self="flex-start")
