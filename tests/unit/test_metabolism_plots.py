"""The metabolite plot and its alt text (simlib.metabolism_plots, lesson 14): relations, not numbers."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import simlib
from simlib import plotting
from simlib.metabolism_plots import METABOLITES
from simlib.palette import LINE_COLOURS, contrast_on_white


@pytest.fixture(scope="module")
def run():
    sc = simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=20.0, drive_start_s=0.5, drive_s=4.0,
                         duration_s=8.0)
    return simlib.simulate(sc)


def _lines(ax):
    return {line.get_gid(): line for line in ax.get_lines()}


def test_plot_draws_each_metabolite_as_the_run_measures_it(run):
    ax = plotting.plot_metabolites(run)
    lines = _lines(ax)
    assert set(METABOLITES) <= set(lines)
    for name in METABOLITES:
        np.testing.assert_array_equal(lines[name].get_xdata(), run.t)
        np.testing.assert_array_equal(lines[name].get_ydata(), run.state(name))
    force = [line for other in ax.figure.axes if other is not ax for line in other.get_lines()
             if line.get_gid() == "force"]
    assert len(force) == 1
    np.testing.assert_array_equal(force[0].get_ydata(), run.force)
    assert any(p.get_gid() == "drive" and p.get_visible() for p in ax.patches)
    plt.close(ax.figure)


def test_lines_differ_in_colour_and_dash_and_are_readable(run):
    ax = plotting.plot_metabolites(run)
    lines = _lines(ax)
    styles = {(lines[n].get_color(), lines[n].get_linestyle()) for n in METABOLITES}
    assert len({c for c, _ in styles}) == len(METABOLITES) and len({d for _, d in styles}) == len(METABOLITES)
    for colour, _ in styles:
        assert colour.upper() in LINE_COLOURS and contrast_on_white(colour) >= 3.0
    plt.close(ax.figure)


def test_draws_on_given_axes(run):
    fig, ax = plt.subplots()
    assert plotting.plot_metabolites(run, ax) is ax
    plt.close(fig)


def test_alt_text_follows_the_run(run):
    text = plotting.metabolites_alt_text(run)
    pcr, pi, atp = run.state("pcr"), run.state("pi"), run.state("atp")
    # in a stimulated train PCr falls and Pi rises; the text says so with the run's own start values
    assert "PCr (green, dash-dot) falls" in text and "Pi (vermillion, dashed) rises" in text
    assert f"from {pcr[0]:.1f}" in text and f"from {pi[0]:.1f}" in text
    # ATP is buffered by PCr: it changes by far less than PCr, and the text reports its resting value
    assert np.ptp(atp) < 0.1 * np.ptp(pcr) and f"{atp[0]:.1f} mM" in text
    assert f"{run.force.max():.2f}" in text and "0.5 to 4.5 s" in text
    # every number in the text lies within the traces' range (mM), the force range or the time span
    values = [float(v) for v in re.findall(r"\d+\.\d+", text)]
    top = max(pcr.max(), pi.max(), atp.max(), run.t[-1])
    assert all(0.0 <= v <= top + 0.05 for v in values)


def test_alt_text_of_a_resting_run_has_no_drive():
    res = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", rate_hz=0.0, duration_s=1.0))
    text = plotting.metabolites_alt_text(res)
    assert "shaded" not in text and "when the run ends" in text
    assert all(f"{name} (" in text for name in ("ATP", "PCr", "Pi")) and text.count("stays at") == 3
