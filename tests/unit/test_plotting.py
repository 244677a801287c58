"""simlib.plotting: ax in / ax out, units on every axis, updatable artists, no matplotlib at import."""

from __future__ import annotations

import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # as with MPLBACKEND=Agg: no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import EventCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import simlib  # noqa: E402
from simlib import plotting  # noqa: E402

# Short runs keep the module fast; the drive window lies well inside the run.
DRIVEN = simlib.Scenario(motor_units=1, duration_s=1.0, drive_start_s=0.2, drive_s=0.5)
UNDRIVEN_HYPOCALCAEMIA = simlib.PRESETS["hypocalcaemia"].replace(motor_units=1, rate_hz=0, duration_s=1.0)

# (function, gid of its line, text the y label must contain: the unit)
TRACE_PLOTS = [
    (plotting.plot_force, "force", "1 = max"),
    (plotting.plot_membrane, "v_muscle", "(mV)"),
    (plotting.plot_calcium, "ca_i", "(µM)"),
    (plotting.plot_epp, "epp", "(mV)"),
]
SPIKE_GIDS = ["motoneuron_spikes", "ectopic_spikes", "muscle_spikes"]


@pytest.fixture(scope="module")
def res() -> simlib.Result:
    return simlib.simulate(DRIVEN, output_dt_s=0.0005)


@pytest.fixture(scope="module")
def res_tetany() -> simlib.Result:
    return simlib.simulate(UNDRIVEN_HYPOCALCAEMIA, output_dt_s=0.0005)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _drive_patches(ax) -> list[Rectangle]:
    return [p for p in ax.patches if p.get_gid() == "drive"]


def _spike_rows(ax) -> dict[str, EventCollection]:
    return {c.get_gid(): c for c in ax.collections if isinstance(c, EventCollection)}


@pytest.mark.parametrize(("plot", "gid", "unit"), TRACE_PLOTS, ids=[p[1] for p in TRACE_PLOTS])
def test_trace_plot_returns_given_ax_with_one_labelled_line(res, plot, gid, unit):
    _, ax = plt.subplots()
    out = plot(res, ax)
    assert out is ax
    assert ax.get_xlabel() == "Time (s)"
    assert unit in ax.get_ylabel()
    lines = ax.get_lines()
    assert len(lines) == 1
    (line,) = lines
    assert line.get_gid() == gid and line.get_label() and not line.get_label().startswith("_")
    np.testing.assert_array_equal(line.get_xdata(), res.t)
    np.testing.assert_array_equal(line.get_ydata(), getattr(res, gid))
    assert to_hex(line.get_color()).upper() in plotting.OKABE_ITO
    assert ax.get_xlim() == (res.t[0], res.t[-1])


@pytest.mark.parametrize(("plot", "gid", "unit"), TRACE_PLOTS, ids=[p[1] for p in TRACE_PLOTS])
def test_trace_plot_creates_axes_when_none_given(res, plot, gid, unit):
    ax = plot(res)
    assert ax is not None and ax.figure is not None
    assert [line.get_gid() for line in ax.get_lines()] == [gid]


@pytest.mark.parametrize(("plot", "gid", "unit"), TRACE_PLOTS, ids=[p[1] for p in TRACE_PLOTS])
def test_drive_window_is_shaded_where_the_scenario_says(res, plot, gid, unit):
    ax = plot(res)
    (patch,) = _drive_patches(ax)
    assert patch.get_visible()
    assert patch.get_x() == pytest.approx(DRIVEN.drive_start_s)
    assert patch.get_width() == pytest.approx(DRIVEN.drive_s)
    assert not _drive_patches(plot(res, shade=False))


def test_no_drive_means_no_visible_shading(res_tetany):
    (patch,) = _drive_patches(plotting.plot_force(res_tetany))
    assert not patch.get_visible()


def test_force_axis_shows_the_healthy_maximum(res):
    low, high = plotting.plot_force(res).get_ylim()
    assert low <= 0.0 and high >= 1.0


def test_spike_raster_rows_split_nerve_spikes_by_origin(res_tetany):
    _, ax = plt.subplots()
    assert plotting.plot_spike_raster(res_tetany, ax) is ax
    assert ax.get_xlabel() == "Time (s)"
    rows = _spike_rows(ax)
    assert list(rows) == SPIKE_GIDS
    for gid, row in rows.items():
        np.testing.assert_allclose(np.sort(row.get_positions()), np.sort(getattr(res_tetany, gid)))
    # the hypocalcaemic nerve fires by itself: ectopic spikes, and none commanded
    assert len(rows["ectopic_spikes"].get_positions()) > 0
    assert len(rows["motoneuron_spikes"].get_positions()) == 0
    legend_texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend_texts == ["drive on", "command/stimulus", "reflex", "self-sustained", "ectopic", "muscle AP"]
    # one line per row label, so that neighbouring labels cannot touch
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Nerve", "Ectopic", "Muscle"]


def test_spike_raster_handles_a_run_without_any_spikes():
    quiet = simlib.simulate(DRIVEN.replace(rate_hz=0))
    ax = plotting.plot_spike_raster(quiet)
    assert all(len(row.get_positions()) == 0 for row in _spike_rows(ax).values())


def test_plot_chain_draws_five_panels_with_shared_time_axis(res):
    axes = plotting.plot_chain(res)
    assert isinstance(axes, np.ndarray) and axes.shape == (5,)
    assert len({ax.figure for ax in axes}) == 1
    assert len(axes[0].figure.axes) == 5
    shared = axes[0].get_shared_x_axes()
    assert all(shared.joined(axes[0], ax) for ax in axes[1:])
    assert [ax.get_xlabel() for ax in axes] == ["", "", "", "", "Time (s)"]
    assert list(_spike_rows(axes[0])) == SPIKE_GIDS
    assert [line.get_gid() for ax in axes[1:] for line in ax.get_lines()] == ["epp", "v_muscle", "ca_i", "force"]
    for ax, unit in zip(axes[1:], ["(mV)", "(mV)", "(µM)", "1 = max"], strict=True):
        assert unit in ax.get_ylabel()
    for ax in axes:
        (patch,) = _drive_patches(ax)
        assert patch.get_visible()


def test_plot_chain_uses_the_axes_it_is_given(res):
    _, given = plt.subplots(5, 1, sharex=True)
    axes = plotting.plot_chain(res, axes=given)
    assert all(a is b for a, b in zip(axes, given, strict=True))
    with pytest.raises(ValueError, match="5 axes"):
        plotting.plot_chain(res, axes=given[:3])


def test_fonts_are_readable(res):
    axes = plotting.plot_chain(res)
    axes[0].figure.canvas.draw()
    for ax in axes:
        texts = [ax.xaxis.label, ax.yaxis.label, ax.title, *ax.get_xticklabels(), *ax.get_yticklabels()]
        if ax.get_legend() is not None:
            texts += ax.get_legend().get_texts()
        assert min(t.get_fontsize() for t in texts) >= 11


def test_palette_is_okabe_ito():
    assert plotting.OKABE_ITO == (
        "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    )
    assert plotting.STYLE["font.size"] >= 11


def test_apply_style_is_a_reversible_context():
    before = matplotlib.rcParams["font.size"]
    with plotting.apply_style():
        assert matplotlib.rcParams["font.size"] == plotting.STYLE["font.size"]
    assert matplotlib.rcParams["font.size"] == before


def test_update_plot_changes_data_in_place(res, res_tetany):
    axes = plotting.plot_chain(res)
    artists_before = [(list(ax.get_lines()), list(ax.collections), list(ax.patches)) for ax in axes]
    n_figures = len(plt.get_fignums())
    plotting.update_plot(axes, res_tetany)
    assert len(plt.get_fignums()) == n_figures
    assert [(list(ax.get_lines()), list(ax.collections), list(ax.patches)) for ax in axes] == artists_before
    for ax in axes[1:]:
        (line,) = ax.get_lines()
        np.testing.assert_array_equal(line.get_ydata(), getattr(res_tetany, line.get_gid()))
    rows = _spike_rows(axes[0])
    np.testing.assert_allclose(np.sort(rows["ectopic_spikes"].get_positions()), res_tetany.ectopic_spikes)
    assert not any(p.get_visible() for ax in axes for p in _drive_patches(ax))
    # and back: the y range follows the data again
    plotting.update_plot(axes, res)
    low, high = axes[3].get_ylim()
    assert low <= res.ca_i.min() and high >= res.ca_i.max()


def test_update_plot_accepts_a_single_axes(res, res_tetany):
    ax = plotting.plot_membrane(res)
    plotting.update_plot(ax, res_tetany)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), res_tetany.v_muscle)


@pytest.mark.parametrize("name", [n for n in plotting.__all__ if callable(getattr(plotting, n))])
def test_public_functions_have_numpy_docstrings(name):
    doc = getattr(plotting, name).__doc__
    assert "Returns" in doc or "Parameters" in doc


def test_import_simlib_does_not_import_matplotlib():
    code = (
        "import sys, simlib\n"
        "res = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=0.5))\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib')\n"
        "assert not loaded, loaded\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr


def test_spike_origins_raster_separates_tetany_from_cramp():
    tetany = simlib.simulate(simlib.PRESETS["hypocalcaemia"].replace(motor_units=1))
    cramp = simlib.simulate(simlib.PRESETS["exercise_cramp"].replace(motor_units=1))
    for res, present, absent in ((tetany, "ectopic", "self-sustained"), (cramp, "self-sustained", "ectopic")):
        fig, ax = plt.subplots()
        assert plotting.plot_spike_origins(res, ax) is ax
        rows = {c.get_gid(): c for c in ax.collections if str(c.get_gid()).startswith("origin:")}
        assert len(rows) == len(plotting.ORIGIN_ROWS)
        assert len(rows[f"origin:{present}"].get_positions()) > 0
        assert len(rows[f"origin:{absent}"].get_positions()) == 0
        assert "s" in ax.get_xlabel()
        twin = [a for a in fig.axes if a is not ax][0]
        assert "1 = max" in twin.get_ylabel()
        plt.close(fig)


# --- legibility (issue 15 item 6) ----------------------------------------------------------------


def test_contrast_ratio_is_the_wcag_formula():
    assert plotting.contrast_on_white("#000000") == pytest.approx(21.0)
    assert plotting.contrast_on_white("#FFFFFF") == pytest.approx(1.0)
    assert plotting.contrast_on_white(plotting.YELLOW) == pytest.approx(1.32, abs=0.01)  # the audit's figure


def test_line_colours_are_legible_and_come_with_dashes():
    assert set(plotting.LINE_COLOURS) <= set(plotting.OKABE_ITO)
    assert all(plotting.contrast_on_white(c) >= 3.0 for c in plotting.LINE_COLOURS)
    for faint in (plotting.YELLOW, plotting.SKY_BLUE, plotting.ORANGE):
        assert plotting.contrast_on_white(faint) < 3.0 and faint not in plotting.LINE_COLOURS
    assert len(set(plotting.LINE_STYLES)) == len(plotting.LINE_STYLES) == len(plotting.LINE_COLOURS)
    cycle = plotting.STYLE["axes.prop_cycle"]
    assert cycle.keys == {"color", "linestyle"}
    assert [d["color"] for d in cycle] == list(plotting.LINE_COLOURS)


@pytest.mark.parametrize("use", ["apply_style", "style.use"])
def test_plain_plots_in_the_lab_style_differ_in_colour_and_dash(use):
    # What the lessons do: several ax.plot lines on one axes under the lab style (lesson 02: 4 rates).
    context = plotting.apply_style() if use == "apply_style" else plt.style.context(plotting.STYLE)
    with context:
        _, ax = plt.subplots()
        lines = [ax.plot([0, 1], [i, i])[0] for i in range(4)]
    colours = [to_hex(line.get_color()).upper() for line in lines]
    dashes = [line.get_linestyle() for line in lines]
    assert len(set(colours)) == 4 and len(set(dashes)) == 4
    assert all(plotting.contrast_on_white(c) >= 3.0 for c in colours)


def test_one_colour_per_spike_origin_in_every_raster():
    cramp = simlib.simulate(simlib.PRESETS["exercise_cramp"].replace(motor_units=1))
    spastic = simlib.simulate(simlib.PRESETS["spasticity"].replace(motor_units=1))
    tetany = simlib.simulate(simlib.PRESETS["hypocalcaemia"].replace(motor_units=1))
    colour = {k: v.upper() for k, v in plotting.ORIGIN_COLOURS.items()}
    for res, origin in ((cramp, "self-sustained"), (spastic, "reflex"), (cramp, "commanded")):
        nerve = _spike_rows(plotting.plot_spike_raster(res))["motoneuron_spikes"]
        seen = {to_hex(c).upper() for c in nerve.get_colors()}
        assert colour[origin] in seen, origin
    ectopic = _spike_rows(plotting.plot_spike_raster(tetany))["ectopic_spikes"]
    assert to_hex(ectopic.get_colors()[0]).upper() == colour["ectopic"]
    _, ax = plt.subplots()
    plotting.plot_spike_origins(tetany, ax)
    rows = {c.get_gid(): c for c in ax.collections}
    for origin, _, row_colour in plotting.ORIGIN_ROWS:
        assert row_colour.upper() == colour[origin]
        assert to_hex(rows[f"origin:{origin}"].get_colors()[0]).upper() == colour[origin]
    # the raster's nerve row keeps one colour per spike after an update, too
    axes = plotting.plot_chain(tetany)
    plotting.update_plot(axes, cramp)
    nerve = _spike_rows(axes[0])["motoneuron_spikes"]
    assert len(nerve.get_colors()) == len(nerve.get_positions())
    assert colour["self-sustained"] in {to_hex(c).upper() for c in nerve.get_colors()}


def test_membrane_axis_shows_rest_and_its_shift_with_potassium(res):
    hyperkalaemia = simlib.simulate(DRIVEN.replace(k_mM=10.0), output_dt_s=0.0005)
    ax = plotting.plot_membrane(res)
    for r in (res, hyperkalaemia):
        plotting.update_plot(ax, r)
        assert ax.get_ylim() == (-100.0, 60.0)
        ax.figure.canvas.draw()
        ticks = [t for t in ax.get_yticks() if -100 <= t <= 60]
        assert ticks == [-100.0, -50.0, 0.0, 50.0]
    # rest at -89 mV and at -70 mV with 10 mM K⁺: both between the ticks -100 and -50, 19 mV apart
    assert -100 < res.v_muscle[0] < hyperkalaemia.v_muscle[0] < -50
    # a trace outside the range widens it to the next 50 mV, never cuts it off
    assert plotting._membrane_ylim(np.array([-130.0, 75.0])) == (-150.0, 100.0)


def _stretch_markers(ax) -> list:
    return [c for c in ax.collections if c.get_gid() == "stretch"]


def test_stretch_is_marked_and_follows_updates():
    spastic = simlib.simulate(simlib.PRESETS["spasticity"].replace(motor_units=1))
    axes = plotting.plot_chain(spastic)
    for ax in axes:
        (marker,) = _stretch_markers(ax)
        assert marker.get_visible() and marker.get_segments()[0][0, 0] == simlib.PRESETS["spasticity"].stretch_at_s
        assert marker.get_linestyle()[0][1] is not None  # dashed
        assert marker not in ax.get_lines()  # get_lines() stays the data traces (explorers rely on it)
    moved = simlib.simulate(simlib.PRESETS["spasticity"].replace(motor_units=1, stretch_at_s=1.5))
    plotting.update_plot(axes, moved)
    assert all(m.get_segments()[0][0, 0] == 1.5 for ax in axes for m in _stretch_markers(ax))
    plotting.update_plot(axes, simlib.simulate(simlib.Scenario(motor_units=1, duration_s=4.0)))
    assert not any(m.get_visible() for ax in axes for m in _stretch_markers(ax))
    # without a stretch nothing is drawn, unless asked for (interactive figures add no artists later)
    quiet = simlib.simulate(DRIVEN)
    _, ax = plt.subplots()
    assert plotting.mark_stretch(quiet, ax) is None
    marker = plotting.mark_stretch(quiet, ax, always=True)
    assert marker is not None and not marker.get_visible() and marker.get_gid() in plotting.DATA_GIDS
    ylim = ax.get_ylim()
    plotting.update_plot(ax, spastic)
    assert marker.get_visible() and ax.get_ylim() == ylim  # the marker spans the axes, never rescales it


def test_data_gids_name_every_artist_update_plot_changes(res):
    axes = plotting.plot_chain(res)
    ax_o = plotting.plot_spike_origins(res)
    gids = {a.get_gid() for ax in (*axes, ax_o) for a in (*ax.lines, *ax.collections, *ax.patches)}
    assert gids - {None} <= plotting.DATA_GIDS


def test_inner_panels_of_shared_subplots_do_not_repeat_axis_labels(res):
    _, axes = plt.subplots(2, 2, sharex=True, sharey="row")
    for col in range(2):
        plotting.plot_calcium(res, axes[0, col])
        plotting.plot_force(res, axes[1, col])
    assert [ax.get_xlabel() for ax in axes.ravel()] == ["", "", "Time (s)", "Time (s)"]
    assert [bool(ax.get_ylabel()) for ax in axes.ravel()] == [True, False, True, False]
    _, stacked = plt.subplots(3, 1, sharex=True)  # lesson 04's stacked rasters
    for ax in stacked:
        plotting.plot_spike_origins(res, ax)
    assert [ax.get_xlabel() for ax in stacked] == ["", "", "Time (s)"]


def test_spike_origin_force_trace_lies_below_the_spike_rows():
    cramp = simlib.simulate(simlib.PRESETS["exercise_cramp"].replace(motor_units=1))
    fig, ax = plt.subplots()
    plotting.plot_spike_origins(cramp, ax)
    twin = [a for a in fig.axes if a is not ax][0]
    (force,) = twin.get_lines()
    top_of_force = twin.transData.transform((0.0, float(np.max(force.get_ydata()))))[1]
    lowest_row = min(float(np.min(c.get_lineoffset())) - 0.35 for c in ax.collections)
    assert top_of_force < ax.transData.transform((0.0, lowest_row))[1]


def test_log_ticks_label_exactly_the_given_values():
    k_values = [1.5, 2.5, 3.5, 4.2, 5.5, 7.0, 8.5, 10.0]  # lesson 04's K⁺ axis, less than a decade
    _, ax = plt.subplots()
    ax.plot(k_values, np.linspace(-100, -70, len(k_values)))
    assert plotting.set_log_ticks(ax, k_values) is ax
    ax.figure.canvas.draw()
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"{k:g}" for k in k_values]
    assert not any(t.get_text() for t in ax.get_xticklabels(minor=True))


def test_ramp_figure_draws_the_command_with_the_firing():
    ramps = {"rested": simlib.ramp(simlib.Scenario(motor_units=1)),
             "fatigued": simlib.ramp(simlib.Scenario(motor_units=1, fatigue=1.0))}
    ax = plotting.plot_ramp(ramps)
    rates = [ln for ln in ax.get_lines() if str(ln.get_gid()).startswith("rate:")]
    assert [ln.get_gid() for ln in rates] == ["rate:rested", "rate:fatigued"]
    assert len({ln.get_marker() for ln in rates}) == 2 and len({ln.get_color() for ln in rates}) == 2
    (command,) = [ln for a in ax.figure.axes for ln in a.get_lines() if ln.get_gid() == "command"]
    rp = ramps["rested"]
    assert float(np.max(command.get_ydata())) == pytest.approx(rp.peak_drive, rel=0.01)
    assert "(mV)" in command.axes.get_ylabel() and "(Hz)" in ax.get_ylabel()
    np.testing.assert_allclose(rp.command_mV(rp.spike_times[1:]), rp.command_at_spike)
    assert "command" in ax.get_legend().get_texts()[-1].get_text()


def test_the_rasters_live_in_their_own_module_and_plotting_re_exports_them():
    from simlib import raster

    for name in raster.__all__:
        assert getattr(plotting, name) is getattr(raster, name), name
        assert name in plotting.__all__, name


def test_force_limits_hold_every_trace_and_the_healthy_maximum():
    from simlib._plot_common import force_ylim

    assert force_ylim(np.array([0.2, 0.4])) == (-0.03, 1.08)
    assert force_ylim(np.array([0.2]), np.array([1.5]), np.array([])) == (-0.03, 1.08 * 1.5)
