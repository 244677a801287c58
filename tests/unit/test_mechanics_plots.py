"""The muscle-mechanics plots and their alt text (simlib.mechanics_plots, lesson 13): relations, not numbers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import simlib
from simlib import plotting
from simlib.mechanics_plots import plateau

LENGTHS = [0.6, 0.8, 0.95, 1.0, 1.05, 1.2, 1.4, 1.6, 1.7]
LOADS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.2]


@pytest.fixture(scope="module")
def lt():
    return simlib.length_tension(simlib.Scenario(motor_units=1), LENGTHS)


@pytest.fixture(scope="module")
def lv():
    return simlib.load_velocity(simlib.Scenario(motor_units=1), LOADS)


def _lines(ax):
    return {line.get_gid(): line for line in ax.get_lines()}


def test_length_tension_draws_active_passive_and_total_with_the_plateau_shaded(lt):
    fig, ax = plt.subplots()
    assert plotting.plot_length_tension(lt, ax) is ax
    lines = _lines(ax)
    for gid in ("active", "passive", "total"):
        assert np.array_equal(lines[gid].get_ydata(), getattr(lt, gid)), gid
    assert len({lines[g].get_color() for g in lines}) == 3 and len({lines[g].get_linestyle() for g in lines}) == 3
    low, high = plateau(lt)
    shade = [p for p in ax.patches if p.get_gid() == "plateau"]
    assert len(shade) == 1
    x0, x1 = shade[0].get_x(), shade[0].get_x() + shade[0].get_width()
    peak_length = lt.length_rel[np.argmax(lt.active)]
    assert x0 <= peak_length <= x1 and (x0, x1) == (low, high)
    names = {t.get_text() for t in ax.texts}
    assert {"plateau", "descending limb"} <= names
    assert "length" in ax.get_xlabel().lower() and "force" in ax.get_ylabel().lower()
    plt.close(fig)


def test_plateau_is_the_run_of_near_maximal_active_force_around_the_peak(lt):
    low, high = plateau(lt)
    inside = (lt.length_rel >= low) & (lt.length_rel <= high)
    assert np.all(lt.active[inside] >= 0.98 * lt.active.max())
    assert low <= 1.0 <= high + 0.05  # the optimum lies on (or next to) the plateau
    assert np.all(lt.active[lt.length_rel > high] < lt.active[inside].min())


def test_length_tension_alt_text_names_plateau_limb_passive_rise_and_dip(lt):
    text = plotting.length_tension_alt_text(lt)
    low, high = plateau(lt)
    assert "plateau" in text and f"between {low:.2f} and {high:.2f}" in text
    assert "descending limb" in text
    assert f"{lt.passive[-1]:.2f}" in text  # passive force at the longest length
    assert "dips" in text  # the total force's dip on the descending limb (Gordon et al. 1966)
    assert "blue" in text and "vermillion" in text and "black" in text  # names the lines it describes


def test_load_velocity_draws_velocity_and_power_with_the_peak_marked(lv):
    fig, ax = plt.subplots()
    assert plotting.plot_load_velocity(lv, ax) is ax
    assert np.array_equal(_lines(ax)["velocity"].get_ydata(), lv.velocity)
    twin = [a for a in fig.axes if a is not ax][0]
    power = _lines(twin)
    assert np.array_equal(power["power"].get_ydata(), lv.power)
    peak = power["peak_power"]
    assert peak.get_ydata()[0] == lv.power.max() and peak.get_xdata()[0] == lv.load_rel[np.argmax(lv.power)]
    assert "hill_fit" not in _lines(ax)
    assert "load" in ax.get_xlabel().lower() and "power" in twin.get_ylabel().lower()
    plt.close(fig)


def test_hill_fit_follows_the_measured_velocities(lv):
    fig, ax = plt.subplots()
    plotting.plot_load_velocity(lv, ax, hill=True)
    assert "hill_fit" in _lines(ax)
    fit = plotting.fit_hill(lv)
    lifted = lv.velocity > 0
    assert np.allclose(fit.velocity(lv.load_rel[lifted]), lv.velocity[lifted], rtol=0.1, atol=0.05)
    assert 0.0 < fit.a_rel < 1.0 and fit.vmax > lv.velocity.max()
    assert lv.load_rel[lifted].max() < fit.p0 <= lv.load_rel[~lifted].min()  # between the last lifted and first held
    assert f"{fit.a_rel:.2f}" in _lines(ax)["hill_fit"].get_label()
    plt.close(fig)


def test_hill_fit_needs_lifted_loads():
    columns = ([0.5, 1.1, 1.2], [1.0, 0.0, 0.0], [0.5, 0.0, 0.0], [0.1, 0.0, 0.0], [50.0, np.nan, np.nan])
    heavy = simlib.LoadVelocity(*(np.array(v) for v in columns))
    with pytest.raises(ValueError, match="three lifted loads"):
        plotting.fit_hill(heavy)


def test_load_velocity_alt_text_names_the_peak_power_and_the_loads_not_lifted(lv):
    text = plotting.load_velocity_alt_text(lv)
    best = int(np.argmax(lv.power))
    assert "peak" in text and f"{lv.power[best]:.2f} at load {lv.load_rel[best]:.2f}" in text
    assert "not lifted" in text and "1.20" in text
    assert f"{lv.velocity.max():.2f}" in text


def test_isotonic_plot_draws_each_runs_length_and_the_stimulus():
    base = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=100.0, drive_start_s=0.1, drive_s=0.5,
                           duration_s=1.0)
    runs = {f"load {p}": simlib.simulate(base.replace(load_rel=p)) for p in (0.2, 0.6)}
    fig, ax = plt.subplots()
    assert plotting.plot_isotonic(runs, ax) is ax
    lines = _lines(ax)
    for label, res in runs.items():
        assert np.array_equal(lines[f"length:{label}"].get_ydata(), res.length_rel)
    light, heavy = (lines[f"length:{label}"].get_ydata() for label in runs)
    assert light.min() < heavy.min() < 1.0  # the lighter load is lifted further
    assert [p.get_gid() for p in ax.patches] == ["drive"]
    assert "length" in ax.get_ylabel().lower()
    plt.close(fig)
