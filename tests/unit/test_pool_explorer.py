"""The pool explorer (lesson 15): its state without widgets, its controls, figure, words, sound and exports.

Numbers are never asserted: every value the explorer records is compared with what the public API
(:func:`simlib.simulate`, :func:`simlib.pool.run_pool`, :func:`simlib.emg`, ``Result.metrics()``)
measures for the same settings, since the model's numbers change as it grows.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # as with MPLBACKEND=Agg

import numpy as np  # noqa: E402
import pytest  # noqa: E402

ipywidgets = pytest.importorskip("ipywidgets", reason="the widgets need the 'lab' extra (ipywidgets)")

import simlib  # noqa: E402
from simlib import widgets  # noqa: E402
from simlib.figures import read_caption  # noqa: E402
from simlib.widgets import pool_state  # noqa: E402
from simlib.widgets.pool_view import SOUND_LEVEL_MV  # noqa: E402
from simlib.widgets.state import field_param  # noqa: E402

SHORT = pool_state.POOL_SCENARIO.replace(duration_s=0.6, drive_start_s=0.1, drive_s=0.3, stimulus_v=3.0)


@pytest.fixture(scope="module")
def explorer() -> widgets.PoolExplorer:
    return widgets.pool_explorer(SHORT, app_mode=False)


# --- the state, without widgets --------------------------------------------------------------------


def test_the_state_module_loads_neither_ipywidgets_nor_matplotlib():
    code = ("import sys, simlib.widgets.pool_state; "
            "print(sorted(m for m in ('ipywidgets', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_drive_choices_come_from_one_tuple_of_scenario_drives():
    assert isinstance(pool_state.POOL_DRIVES, tuple) and pool_state.POOL_DRIVES
    assert widgets.POOL_DRIVES is pool_state.POOL_DRIVES
    assert set(pool_state.POOL_DRIVES) <= set(field_param("drive").choices)
    assert "drive" in pool_state.POOL_FIELDS


def test_a_state_run_is_what_simulate_gives_for_the_same_settings():
    state = pool_state.PoolState(SHORT)
    same = simlib.simulate(SHORT, output_dt_s=state.output_dt_s)
    np.testing.assert_allclose(state.result.force, same.force)
    assert all(np.array_equal(a, b) for a, b in zip(state.result.unit_spikes, same.unit_spikes, strict=True))


def test_the_frame_measures_what_the_public_api_measures():
    state = pool_state.PoolState(SHORT.replace(receptor_block=0.72))
    frame, res, run = state.frame(), state.result, state.pool_run()
    assert run is not None and run.result is res
    assert frame.recruited_fraction == res.metrics().recruited_fraction
    assert frame.emg_rms_mV == res.metrics().emg_rms_mV
    np.testing.assert_allclose(frame.emg_mv, simlib.emg(res, rate_hz=pool_state.EMG_RATE_HZ).mv)
    np.testing.assert_allclose(frame.class_force[True] + frame.class_force[False], res.force, atol=1e-9)
    # the raster: every unit's spikes, in the unit's row (0 the smallest), slow units flagged
    assert frame.spike_times.size == sum(len(s) for s in res.unit_spikes)
    for unit in (0, frame.units // 2, frame.units - 1):
        np.testing.assert_array_equal(frame.spike_times[frame.spike_units == unit], res.unit_spikes[unit])
    np.testing.assert_array_equal(frame.slow, simlib.pool.population(SHORT.motor_units, SHORT.seed).slow)
    fired = run.transmitted[run.excited]
    assert frame.transmitted_fraction == pytest.approx(fired.mean())
    assert frame.failing_units == int(np.sum(fired.any(axis=1) & ~fired.all(axis=1)))


def test_intensity_and_unit_moves_reuse_the_chain_runs():
    state = pool_state.PoolState(SHORT)
    state.set(stimulus_v=8.0)
    kept = len(state.memo)
    state.set(stimulus_v=2.5)
    state.set(stimulus_v=4.0)
    assert len(state.memo) == kept  # a new intensity needs no new chain run on a healthy junction
    assert state.misses >= 3


def test_recruitment_grows_with_intensity_in_the_frame():
    state = pool_state.PoolState(SHORT)
    fractions = []
    for volts in (1.0, 2.5, 3.0, 4.0, 8.0):
        state.set(stimulus_v=volts)
        fractions.append(state.frame().recruited_fraction)
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0


def test_words_come_from_the_run():
    state = pool_state.PoolState(SHORT)
    frame = state.frame()
    text = pool_state.pool_alt_text(state.scenario, frame)
    assert f"{frame.recruited_fraction:.0%} of the {frame.units} motor units" in text
    assert f"{float(frame.force.max()):.3f}" in text and f"{frame.emg_rms_mV:.2f} mV" in text
    assert "smallest (bottom)" in text


# --- the explorer ------------------------------------------------------------------------------------


def test_every_control_is_named_by_its_label_and_the_drive_offers_the_tuple(explorer):
    assert tuple(explorer.controls) == pool_state.POOL_FIELDS
    for field, control in explorer.controls.items():
        assert control.description == field_param(field).axis_label()
        assert control.tooltip
    drive = explorer.controls["drive"]
    assert tuple(value for _, value in drive.options) == pool_state.POOL_DRIVES
    assert not explorer.controls["stimulus_v"].disabled  # under stimulation the intensity applies
    assert explorer.sound_toggle.description and explorer.sound_toggle.tooltip


def test_a_slider_move_updates_the_run_figure_and_words(explorer):
    explorer.controls["stimulus_v"].value = 8.0
    assert explorer.scenario.stimulus_v == 8.0
    assert explorer.state.frame().recruited_fraction == 1.0
    assert explorer.alt_text() == pool_state.pool_alt_text(explorer.scenario, explorer.frame)
    lines = {line.get_gid(): line for ax in explorer.axes for line in ax.get_lines()}
    np.testing.assert_allclose(lines["force"].get_ydata(), explorer.result.force)
    np.testing.assert_allclose(lines["emg"].get_ydata(), explorer.frame.emg_mv)
    raster = {line.get_gid(): line for line in explorer.axes[1].get_lines()}
    ticks = sum(int(np.isnan(raster[gid].get_xdata()).sum()) for gid in ("slow_spikes", "fast_spikes"))
    assert ticks == explorer.frame.spike_times.size  # one tick (and one gap after it) per action potential
    explorer.controls["stimulus_v"].value = 3.0
    assert explorer.last_redraw == "blit"  # the axes kept their limits: only the data were redrawn


def test_a_new_unit_count_resizes_the_raster(explorer):
    assert explorer.set(motor_units=40)
    assert explorer.axes[1].get_ylim() == (-0.5, 39.5)
    assert explorer.set(motor_units=SHORT.motor_units)


def test_new_y_ranges_blit_the_same_pixels_as_a_full_draw(explorer):
    # the y axes are kept out of the cached background: a new unit count or force range blits
    canvas, start = explorer.figure.canvas, explorer.scenario
    ranges = set()
    for change in ({"motor_units": 37}, {"rate_hz": 100.0, "stimulus_v": 8.0}, {"motor_units": 211},
                   {"motor_units": 37}, {"rate_hz": start.rate_hz, "stimulus_v": start.stimulus_v}):
        assert explorer.set(**change)
        assert explorer.last_redraw == "blit"
        ranges.add(tuple(ax.get_ylim() for ax in explorer.axes))
        blitted = np.asarray(canvas.buffer_rgba()).copy()
        explorer._yaxis_images.clear()  # every y axis drawn afresh
        explorer._render(full=True)
        assert explorer.last_redraw == "full"
        np.testing.assert_array_equal(np.asarray(canvas.buffer_rgba()), blitted)
    assert len({r[0] for r in ranges}) > 1 and len({r[1] for r in ranges}) > 1  # force and raster ranges moved
    assert explorer.set(motor_units=start.motor_units)


def test_an_invalid_value_is_reported_and_nothing_changes(explorer):
    before = explorer.scenario
    assert not explorer.set(motor_units=0)
    assert "motor_units" in explorer.error_text and explorer.scenario == before
    assert explorer.controls["motor_units"].value == before.motor_units


def test_sound_is_off_by_default_and_never_autoplays(explorer):
    assert explorer.sound_toggle.value is False and explorer.audio is None
    explorer.sound_toggle.value = True
    audio = explorer.audio
    assert audio is not None and audio.autoplay is False and audio.format == "wav"
    assert audio.value == simlib.emg_audio(explorer.result, level_mV=SOUND_LEVEL_MV)
    explorer.set(stimulus_v=4.0)
    assert explorer.audio is not audio  # the player follows the run
    explorer.sound_toggle.value = False
    assert explorer.audio is None


def test_exports_write_the_figure_with_words_and_the_traces(explorer, tmp_path):
    files = explorer.export(tmp_path)
    assert any(p.suffix == ".png" for p in files)
    data = read_caption(files[-1])
    assert data["caption"] == explorer.caption() and data["alt_text"] == explorer.alt_text()
    assert "motor-unit pool" in data["caption"]
    path = explorer.export_traces(tmp_path)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(row for row in handle if not row.startswith("#")))
    assert rows[0][0] == "t (s)" and "EMG (mV)" in rows[0]
    assert len(rows) - 1 == explorer.result.t.size


@pytest.mark.parametrize("drive", pool_state.POOL_DRIVES)
def test_every_offered_drive_runs_and_the_stimulator_controls_follow_it(drive):
    ex = widgets.pool_explorer(SHORT, app_mode=False)
    ex.controls["drive"].value = drive
    assert ex.scenario.drive == drive and not ex.error_text
    for field in pool_state.STIMULATOR_FIELDS:
        assert ex.controls[field].disabled == (drive != "stimulation")
    frame = ex.frame
    assert frame.recruited_fraction == ex.result.metrics().recruited_fraction
    assert (frame.class_force is None) == (ex.state.pool_run() is None)
    assert ex.alt_text() == pool_state.pool_alt_text(ex.scenario, frame)


def test_a_voluntary_move_runs_no_healthy_pool_until_the_classification_is_read():
    # the pool explorer shows no classification, so the weakness test's healthy reference pool (a second
    # pool run, cached per protocol) is not made for a move; read, the metrics are the public API's
    from simlib.pool import voluntary

    state = pool_state.PoolState(SHORT.replace(drive="voluntary"))
    made = voluntary._healthy.cache_info().misses
    assert state.set(rate_hz=13.0) and state.frame().recruited_fraction > 0.0
    assert voluntary._healthy.cache_info().misses == made and state.timings["metrics_ms"] == 0.0
    assert state.metrics == state.result.metrics() and state.metrics.peak_force_during_drive < 0.5  # weakness test
    assert state.timings["metrics_ms"] > 0.0
