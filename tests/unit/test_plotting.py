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
DRIVEN = simlib.Scenario(duration_s=1.0, drive_start_s=0.2, drive_s=0.5)
UNDRIVEN_HYPOCALCAEMIA = simlib.PRESETS["hypocalcaemia"].replace(rate_hz=0, duration_s=1.0)

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
    assert len(legend_texts) == 4 and "drive on" in legend_texts
    assert len(ax.get_yticklabels()) == 3


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
        "res = simlib.simulate(simlib.Scenario(duration_s=0.5))\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib')\n"
        "assert not loaded, loaded\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr


def test_spike_origins_raster_separates_tetany_from_cramp():
    tetany = simlib.simulate(simlib.PRESETS["hypocalcaemia"])
    cramp = simlib.simulate(simlib.PRESETS["exercise_cramp"])
    for res, present, absent in ((tetany, "ectopic", "self-sustained"), (cramp, "self-sustained", "ectopic")):
        fig, ax = plt.subplots()
        assert plotting.plot_spike_origins(res, ax) is ax
        rows = {c.get_gid(): c for c in ax.collections if str(c.get_gid()).startswith("origin:")}
        assert len(rows) == len(plotting.ORIGIN_ROWS)
        assert len(rows[f"origin:{present}"].get_positions()) > 0
        assert len(rows[f"origin:{absent}"].get_positions()) == 0
        assert "s" in ax.get_xlabel()
        twin = [a for a in fig.axes if a is not ax][0]
        assert "tetanus" in twin.get_ylabel()
        plt.close(fig)
