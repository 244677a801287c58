"""The pool explorer: stimulus intensity, rate, motor units, drive and junction conditions; class forces, units, EMG.

:func:`pool_explorer` builds a :class:`PoolExplorer`, an :class:`~simlib.widgets.Explorer` (the same
controls from the parameter metadata, error area, blitted figure, export and projector mode) whose
state is a :class:`~simlib.widgets.pool_state.PoolState` and whose three panels show a motor-unit
pool: the force of its slow and fast units and their sum, a raster of every unit's muscle action
potentials from the smallest unit (bottom) to the largest, and the surface EMG. A **Sound** toggle
(off by default) shows a player of the current run's EMG (:func:`simlib.emg_audio_widget`), which never
plays until the learner presses play.
"""

from __future__ import annotations

import dataclasses
import html
import os
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as ipw
import numpy as np
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox

from simlib import palette, plotting
from simlib.emg_audio import emg_audio_widget
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.widgets.controls import param_control
from simlib.widgets.export import export_columns
from simlib.widgets.pool_state import (
    POOL_DRIVES,
    POOL_FIELDS,
    POOL_OUTPUT_DT_S,
    STIMULATOR_FIELDS,
    PoolFrame,
    PoolState,
    pool_alt_text,
    pool_summary,
)
from simlib.widgets.state import field_param
from simlib.widgets.view import Explorer

__all__ = ["POOL_PANELS", "SOUND_LEVEL_MV", "PoolExplorer", "pool_explorer"]

#: EMG that plays at 90 % of full scale (mV): one loudness for every run, so fewer units sound quieter.
SOUND_LEVEL_MV = 10.0
_CLASS_STYLE = {True: ("slow_force", "slow (type I) units", palette.BLUISH_GREEN, "--"),
                False: ("fast_force", "fast (type II) units", palette.VERMILLION, ":")}
_SPIKE_GIDS = {True: "slow_spikes", False: "fast_spikes"}
_DRIVE_LABELS = {"stimulation": "Nerve stimulation", "voluntary": "Voluntary"}
#: images of the panels' y axes kept, one per panel and view (y range, x range, resolution; ~0.3 MB each)
_YAXIS_IMAGES = 24


def plot_class_force(frame: PoolFrame, ax: Axes) -> Axes:
    """Draw the pool's force (black) and the force of its slow and fast units (gids ``force``, ``slow_force``...)."""
    ax.plot(frame.t, frame.force, color=palette.BLACK, lw=1.8, label="all units", gid="force")
    for slow, (gid, label, colour, dash) in _CLASS_STYLE.items():
        y = frame.class_force[slow] if frame.class_force is not None else np.full_like(frame.t, np.nan)
        ax.plot(frame.t, y, color=colour, ls=dash, lw=1.5, label=label, gid=gid)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, fontsize=9, borderaxespad=0.2)  # above the axes
    return ax


def _ticks(frame: PoolFrame, slow: bool) -> tuple[np.ndarray, np.ndarray]:
    """Vertical ticks (t, unit ± 0.4) of the spikes of one class's units, as one NaN-separated line (x, y).

    One line with a gap after each tick draws and updates far faster than a collection of segments.
    """
    keep = frame.slow[frame.spike_units] == slow if frame.spike_units.size else np.zeros(0, dtype=bool)
    t, row = frame.spike_times[keep], frame.spike_units[keep].astype(float)
    x = np.column_stack([t, t, np.full_like(t, np.nan)]).ravel()
    y = np.column_stack([row - 0.4, row + 0.4, np.full_like(t, np.nan)]).ravel()
    return x, y


def plot_unit_raster(frame: PoolFrame, ax: Axes) -> Axes:
    """Draw one row of muscle action potentials per unit, smallest at the bottom, slow and fast units coloured."""
    for slow, (_, label, colour, _) in _CLASS_STYLE.items():
        ax.plot(*_ticks(frame, slow), color=colour, lw=1.0, label=label, gid=_SPIKE_GIDS[slow])
    ax.set_ylim(-0.5, frame.units - 0.5)
    ax.set_xlim(float(frame.t[0]), float(frame.t[-1]))
    return ax


def plot_pool_emg(frame: PoolFrame, ax: Axes) -> Axes:
    """Draw the surface EMG (mV, blue; gid ``emg``)."""
    ax.plot(frame.emg_t, frame.emg_mv, color=palette.BLUE, lw=0.8, gid="emg")
    return ax


#: The pool explorer's panels, top to bottom: name -> (plot helper of a PoolFrame, y label, title).
POOL_PANELS: dict[str, tuple[Callable[..., Axes], str, str]] = {
    "force": (plot_class_force, "Force", "Force: slow units, fast units, whole pool"),
    "units": (plot_unit_raster, "Motor unit", "Muscle action potentials of each unit, smallest at the bottom"),
    "emg": (plot_pool_emg, "EMG (mV)", "Surface EMG"),
}


def _update_pool_axes(axes: np.ndarray, frame: PoolFrame) -> None:
    """Give the class-force lines, the raster and the EMG line the data of ``frame`` (no new artists)."""
    for ax in axes:
        for line in ax.get_lines():
            gid = line.get_gid()
            if gid == "emg":
                line.set_data(frame.emg_t, frame.emg_mv)
            for slow, spike_gid in _SPIKE_GIDS.items():
                if gid == spike_gid:
                    line.set_data(*_ticks(frame, slow))
            for slow, (class_gid, *_) in _CLASS_STYLE.items():
                if gid == class_gid:
                    y = frame.class_force[slow] if frame.class_force is not None else np.full_like(frame.t, np.nan)
                    line.set_data(frame.t, y)


class PoolExplorer(Explorer):
    """An :class:`~simlib.widgets.Explorer` of a motor-unit pool (see the module docstring).

    Parameters
    ----------
    scenario : Scenario, optional
        Starting scenario; a 120-unit pool stimulated at 3 V and 20 Hz for 1 s when None
        (:data:`simlib.widgets.pool_state.POOL_SCENARIO`).
    fields : sequence of str, default :data:`simlib.widgets.pool_state.POOL_FIELDS`
        Scenario fields with a control; ``drive`` offers :data:`simlib.widgets.pool_state.POOL_DRIVES`.
    **options
        ``name`` (default ``"pool_explorer"``), ``figsize``, ``canvas``, ``projector``, ``app_mode``,
        ``output_dt_s`` of :class:`~simlib.widgets.Explorer`.

    Attributes
    ----------
    state : simlib.widgets.pool_state.PoolState
        The Scenario shown, its run, PoolRun and measures.
    sound_toggle : ipywidgets.ToggleButton
        Shows (on) or hides (off, the default) the EMG player of the current run.
    audio : ipywidgets.Audio or None
        The EMG player while the sound is on (``autoplay=False``: it plays only when pressed), below its
        label (:func:`simlib.emg_audio_widget`).
    """

    _panel_table = POOL_PANELS
    _data_gids = frozenset({"force", "drive", "stretch", "emg", *(s[0] for s in _CLASS_STYLE.values()),
                            *_SPIKE_GIDS.values()})

    def __init__(self, scenario: Scenario | None = None, fields: tuple[str, ...] = POOL_FIELDS,
                 **options: Any) -> None:
        options.setdefault("name", "pool_explorer")
        options.setdefault("output_dt_s", POOL_OUTPUT_DT_S)
        options.setdefault("figsize", (8.0, 5.0))
        self.audio: ipw.Audio | None = None
        self.sound_toggle = ipw.ToggleButton(
            value=False, description="Sound", icon="volume-up",
            tooltip="Sound off: press to show a player of this run's EMG (it plays only when you press play)")
        self.sound_toggle.add_class("msl-pool-sound")
        self._sound_box = ipw.VBox([])
        super().__init__(fields, scenario, tuple(POOL_PANELS), **options)
        self.sound_toggle.observe(lambda change: self._guarded(lambda: self.set_sound(change["new"])), "value")

    # -- what is shown ------------------------------------------------------------------------------

    @property
    def frame(self) -> PoolFrame:
        """The measures of the current run (:class:`~simlib.widgets.pool_state.PoolFrame`)."""
        return self.state.frame()

    @property
    def summary_text(self) -> str:
        """What the status line says: units recruited, transmission, force by class, EMG RMS."""
        return pool_summary(self.scenario, self.frame)

    def alt_text(self) -> str:
        """Describe the current figure in words (generated from the run)."""
        return pool_alt_text(self.scenario, self.frame)

    def caption(self) -> str:
        """Caption of the current figure: the pool, its drive and conditions, and what it did."""
        settings = self.scenario.describe().splitlines()[1:]
        return (f"Muscle Spasm Lab, motor-unit pool explorer. {self.summary_text} "
                f"Settings: {'; '.join(line.strip() for line in settings) or 'healthy defaults'}.")

    def export_traces(self, directory: str | os.PathLike[str] | None = None) -> Path:
        """Save the traces shown as CSV: time (s), pool force, slow and fast units' force, EMG (mV, same times)."""
        frame = self.frame
        columns = {"t (s)": frame.t, "force (normalised)": frame.force}
        if frame.class_force is not None:
            columns["slow units' force (normalised)"] = frame.class_force[True]
            columns["fast units' force (normalised)"] = frame.class_force[False]
        columns["EMG (mV)"] = np.interp(frame.t, frame.emg_t, frame.emg_mv)
        return export_columns(columns, name=self.name, preset=None, directory=directory)

    def set_sound(self, on: bool = True) -> None:
        """Show (on) or hide (off) the player of the current run's EMG; it never plays by itself."""
        on = bool(on)
        if self.sound_toggle.value != on:
            self.sound_toggle.value = on  # its observer calls this again
            return
        self.sound_toggle.tooltip = ("Sound on: the player below plays this run's EMG when you press play; "
                                     "press to hide it" if on else
                                     "Sound off: press to show a player of this run's EMG (it plays only when "
                                     "you press play)")
        self._update_audio()

    # -- Explorer hooks -------------------------------------------------------------------------------

    def _make_state(self, scenario: Scenario | None, output_dt_s: float) -> PoolState:
        return PoolState(scenario, output_dt_s=output_dt_s)

    def _make_control(self, field: str) -> ipw.DOMWidget:
        if field != "drive":
            return super()._make_control(field)
        param = dataclasses.replace(field_param("drive"), choices=POOL_DRIVES, default=POOL_DRIVES[0],
                                    hint=f"Use {' or '.join(repr(d) for d in POOL_DRIVES)}.")
        control = param_control(param, self.scenario.drive)
        control.options = [(_DRIVE_LABELS.get(d, d), d) for d in POOL_DRIVES]
        return control

    def _panel_data(self, res: Result) -> PoolFrame:
        return self.state.frame(res)

    def _show_result(self, res: Result) -> None:
        import time

        t0 = time.perf_counter()
        plotting.update_plot(self._axes, res)  # the pool's force, drive shading, x limits
        frame = self.state.frame(res)
        _update_pool_axes(self._axes, frame)
        self._hold_limits()
        raster = self._raster_axes()
        if raster.get_ylim() != (-0.5, frame.units - 0.5):  # one row per unit, whatever the reference had
            raster.set_ylim(-0.5, frame.units - 0.5)
        self.timings["update_ms"] = 1e3 * (time.perf_counter() - t0)

    def _show(self) -> None:
        super()._show()
        self._update_audio()

    def _raster_axes(self) -> Axes:
        """Return the axes of the unit raster (one row per unit)."""
        return next(ax for ax in self._axes if any(line.get_gid() in _SPIKE_GIDS.values() for line in ax.lines))

    def _setup_blitting(self) -> None:
        """Blit as the figure does, with every panel's y axis (ticks, numbers, label, grid) kept out of the background.

        The raster's y range is the number of units and the force's widens with a strong tetanus, so a
        new count or force range would otherwise change the cached background and cost a full draw
        (~35 ms, most of a move's drawing). The background is kept without the y axes, for any y range,
        and each y axis is put over it as the image of its pixels for its current range
        (:meth:`_draw_animated`): drawn once per range (~4 ms), then restored (~0.1 ms).
        """
        super()._setup_blitting()
        for ax in self._axes:
            ax.yaxis.set_animated(True)
        self._yaxis_images: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def _view_key(self) -> tuple[Any, ...]:
        """Return the figure's view key without the y ranges, which only the y axes show (kept apart)."""
        limits, *rest = super()._view_key()
        return (tuple(lim[:2] for lim in limits), *rest)

    def _draw_animated(self) -> None:
        """Put each panel's y axis over the background (its image for this range, made once), then the data."""
        canvas = self._figure.canvas
        view = self._view_key()
        for number, ax in enumerate(self._axes):
            key = (number, ax.get_ylim(), view)
            image = self._yaxis_images.pop(key, None)
            if image is None:
                self._figure.draw_artist(ax.yaxis)
                drawn = Bbox.union([ax.yaxis.get_tightbbox(canvas.get_renderer()), ax.bbox])  # numbers, label, grid
                # 2 px more: the copy is whole pixels, and a number's antialiased edge may pass its box
                image = canvas.copy_from_bbox(Bbox.intersection(drawn.padded(2.0), self._figure.bbox))
            else:
                canvas.restore_region(image)
            self._yaxis_images[key] = image
        while len(self._yaxis_images) > _YAXIS_IMAGES:
            self._yaxis_images.popitem(last=False)
        for artist in self._animated:
            self._figure.draw_artist(artist)

    def _sync_controls(self) -> None:
        super()._sync_controls()
        for field in STIMULATOR_FIELDS:
            if field in self.controls:
                self.controls[field].disabled = self.scenario.drive != "stimulation"

    def _status_html(self) -> str:
        return ('<div role="status" aria-live="polite" style="border-left:4px solid #0072B2;padding:2px 8px">'
                f"<small>{html.escape(self.summary_text)}</small></div>")

    def _layout(self, figure_widget: ipw.DOMWidget) -> ipw.VBox:
        box = super()._layout(figure_widget)
        self._view_box.children = (*self._view_box.children, ipw.HBox([self.sound_toggle]), self._sound_box)
        return box

    def _update_audio(self) -> None:
        if not getattr(self, "_sound_box", None) or not self.sound_toggle.value:
            self.audio = None
            if getattr(self, "_sound_box", None) is not None and self._sound_box.children:
                self._sound_box.children = ()
            return
        player = emg_audio_widget(self.result, level_mV=SOUND_LEVEL_MV,
                                  description=f"EMG sound of this run ({self.scenario.duration_s:g} s); press play "
                                              "to listen")
        self.audio = player.children[1]
        self._sound_box.children = (player,)

    def __repr__(self) -> str:
        return f"PoolExplorer(fields={list(self._fields)!r}, scenario={self.scenario!r})"


def pool_explorer(scenario: Scenario | None = None, **options: Any) -> PoolExplorer:
    """Build the pool explorer of lesson 15: a motor-unit pool's class forces, unit raster and EMG, with sound.

    Parameters
    ----------
    scenario : Scenario, optional
        Starting scenario (a 120-unit pool stimulated at 3 V, 20 Hz, when None).
    **options
        Further keyword arguments of :class:`PoolExplorer` (``fields``, ``name``, ``figsize``, ...).

    Returns
    -------
    PoolExplorer
        Display it as a cell's last value.
    """
    return PoolExplorer(scenario, **options)
