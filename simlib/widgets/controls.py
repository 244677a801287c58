"""Controls built from the parameter metadata: a slider, a dropdown or an optional slider per Scenario field.

:func:`slider_for` makes the control of one Scenario field from
:data:`simlib.parameters.SCENARIO_PARAMS` (label with unit, range, step, meaning, hint): a
``FloatSlider`` for numbers, a ``Dropdown`` for words and a checkbox plus slider
(:class:`OptionalSlider`) for optional numbers. :data:`CONTROL_GROUPS` are the headings an
explorer with many controls puts them under.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import ipywidgets as ipw
import traitlets

from simlib.errors import ParameterError
from simlib.parameters import Param
from simlib.validation import check_value
from simlib.widgets.state import field_param

__all__ = ["CONTROL_GROUPS", "OTHER_GROUP", "OptionalSlider", "param_control", "readout_format", "set_layout",
           "slider_for"]

#: Headings under which an explorer with many controls groups them; fields not listed here (new
#: ones) go under :data:`OTHER_GROUP`, so nothing is ever left out.
CONTROL_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Nerve signal", ("drive", "stimulus_v", "rate_hz", "drive_start_s", "drive_s", "duration_s")),
    ("Electrolytes (blood plasma)", ("ca_mM", "mg_mM", "k_mM", "na_mM")),
    ("Inside the muscle", ("motor_units", "temperature_c", "atp_mM", "fatigue")),
    ("Drugs and toxins", ("ache_activity", "release_block", "receptor_block", "ryr_block")),
    ("Spinal cord and stretch", ("pic_gain", "reflex_gain", "stretch_at_s", "stretch_velocity_deg_s")),
)
#: Heading of the fields that no group of :data:`CONTROL_GROUPS` lists.
OTHER_GROUP = "Other settings"
# Text of the on/off switch of optional fields (default: "Set <label>").
_SWITCH_TEXT = {"stretch_at_s": "Stretch the muscle"}
_DESCRIPTION_WIDTH = "13em"


def readout_format(step: float) -> str:
    """d3 format showing as many decimals as the step has (``1`` -> ``.0f``, ``0.05`` -> ``.2f``)."""
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f".{decimals}f"


def _tooltip(param: Param) -> str:
    """Hover text: meaning, allowed range with unit and the hint from the metadata."""
    meaning = param.meaning[:1].upper() + param.meaning[1:]
    text = f"{meaning}; {param.range_text()}."
    return f"{text} {param.hint}" if param.hint else text


def _range(param: Param, low: float | None, high: float | None, step: float | None) -> tuple[float, float, float]:
    """Slider range and step: the metadata's, optionally narrowed (never widened)."""
    p_low = -1e6 if param.low is None else float(param.low)
    p_high = 1e6 if param.high is None else float(param.high)
    lo = p_low if low is None else float(low)
    hi = p_high if high is None else float(high)
    if not (p_low <= lo < hi <= p_high):
        raise ParameterError(
            f"slider range for '{param.name}' must lie {param.range_text()} with low < high; got {lo:g} to {hi:g}"
        )
    st = float(step) if step is not None else (param.step or (hi - lo) / 100.0)
    if not (st > 0 and math.isfinite(st)):
        raise ParameterError(f"slider step for '{param.name}' must be a positive number; got {st!r}")
    return lo, hi, st


def _style_control(widget: ipw.DOMWidget, name: str) -> ipw.DOMWidget:
    """Add the CSS classes that end-to-end tests and custom styles use to find a control."""
    widget.add_class("msl-control")
    widget.add_class(f"msl-control-{name}")
    return widget


class OptionalSlider(ipw.VBox):
    """Control of an optional number: a checkbox switches it on, a slider sets it.

    ``value`` is ``None`` while the checkbox is clear and the slider's value while it is ticked,
    so the widget can be observed like any other control (``observe(callback, "value")``).

    Parameters
    ----------
    param : simlib.parameters.Param
        Metadata of the field (must be ``optional``).
    value : float or None
        Initial value, in ``param.unit``; ``None`` means "off".
    low, high, step : float
        Slider range and step, in ``param.unit``.
    """

    value = traitlets.Float(None, allow_none=True)

    def __init__(self, param: Param, value: float | None, *, low: float, high: float, step: float) -> None:
        self.param = param
        tooltip = _tooltip(param)
        switch = _SWITCH_TEXT.get(param.name, f"Set {(param.label or param.name).lower()}")
        self.checkbox = ipw.Checkbox(value=value is not None, description=switch, indent=False, tooltip=tooltip)
        start = (low + high) / 2.0 if value is None else float(value)
        start = min(max(low + step * round((start - low) / step), low), high)
        self.slider = ipw.FloatSlider(
            value=start, min=low, max=high, step=step, description=param.axis_label(), tooltip=tooltip,
            continuous_update=False, readout_format=readout_format(step), disabled=value is None,
            style={"description_width": _DESCRIPTION_WIDTH}, layout=ipw.Layout(width="100%"),
        )
        super().__init__([self.checkbox, self.slider], layout=ipw.Layout(width="100%"))
        self._busy = False
        self.value = None if value is None else float(self.slider.value)
        self.checkbox.observe(self._from_parts, "value")
        self.slider.observe(self._from_parts, "value")
        self.observe(self._to_parts, "value")

    @property
    def min(self) -> float:
        """Lowest value of the slider (``param.unit``)."""
        return float(self.slider.min)

    @property
    def max(self) -> float:
        """Highest value of the slider (``param.unit``)."""
        return float(self.slider.max)

    def _from_parts(self, _change: Mapping[str, Any]) -> None:
        if self._busy:
            return
        self.slider.disabled = not self.checkbox.value
        self.value = float(self.slider.value) if self.checkbox.value else None

    def _to_parts(self, change: Mapping[str, Any]) -> None:
        self._busy = True
        try:
            new = change["new"]
            self.checkbox.value = new is not None
            self.slider.disabled = new is None
            if new is not None:
                self.slider.value = float(new)
        finally:
            self._busy = False


def slider_for(
    name: str, value: float | str | None = None, *, low: float | None = None, high: float | None = None,
    step: float | None = None,
) -> ipw.DOMWidget:
    """Make the control of one Scenario field from its metadata.

    Numbers get a ``FloatSlider`` (range and step from the metadata, ``continuous_update=False``),
    words (``choices``) a ``Dropdown`` and optional numbers an :class:`OptionalSlider`. The visible
    description, which screen readers announce, is the label with its unit, e.g.
    ``"Extracellular Ca²⁺ (mM)"``; the tooltip gives the meaning, the allowed range and the hint.

    Parameters
    ----------
    name : str
        Scenario field, e.g. ``"ca_mM"``.
    value : float, str or None, optional
        Initial value in the field's unit; the field's default when omitted (``None`` is "off" for
        optional fields).
    low, high : float, optional
        Narrow the slider range (in the field's unit); it can never be wider than the metadata's.
    step : float, optional
        Slider step (field's unit); the metadata's suggested step by default.

    Returns
    -------
    ipywidgets.DOMWidget
        The control; its ``value`` trait holds the field's value.

    Raises
    ------
    ParameterError
        If ``name`` is not a Scenario field (with a suggestion), ``value`` is out of range, or the
        narrowed range is invalid.
    """
    return param_control(field_param(name), value, low=low, high=high, step=step)


def param_control(
    param: Param, value: float | str | None = None, *, low: float | None = None, high: float | None = None,
    step: float | None = None,
) -> ipw.DOMWidget:
    """Make the control of any parameter described by a :class:`~simlib.parameters.Param` (see :func:`slider_for`).

    The control's CSS classes are ``msl-control`` and ``msl-control-<param.name>``.
    """
    name = param.name
    if value is None and not param.optional:
        value = param.default
    value = check_value(param, value)
    tooltip = _tooltip(param)
    if param.is_text:
        widget: ipw.DOMWidget = ipw.Dropdown(
            options=list(param.choices), value=value, description=param.axis_label(), tooltip=tooltip,
            style={"description_width": _DESCRIPTION_WIDTH}, layout=ipw.Layout(width="100%"),
        )
        return _style_control(widget, name)
    lo, hi, st = _range(param, low, high, step)
    if param.optional:
        return _style_control(OptionalSlider(param, value, low=lo, high=hi, step=st), name)
    if not lo <= float(value) <= hi:
        raise ParameterError(f"'{name}' = {value!r} lies outside the slider range {lo:g} to {hi:g} {param.unit}")
    widget = ipw.FloatSlider(
        value=float(value), min=lo, max=hi, step=st, description=param.axis_label(), tooltip=tooltip,
        continuous_update=False, readout=True, readout_format=readout_format(st),
        style={"description_width": _DESCRIPTION_WIDTH}, layout=ipw.Layout(width="100%"),
    )
    return _style_control(widget, name)


def set_layout(widget: ipw.DOMWidget, **css: str) -> None:
    """Set layout (CSS) properties of a widget in place, sending only those that change."""
    for key, value in css.items():
        if getattr(widget.layout, key) != value:
            setattr(widget.layout, key, value)
