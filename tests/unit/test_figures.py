"""simlib.figures: every registered figure renders in both house styles, with the promised structure.

Structure checks (panels, lines, units, fonts, palette, metadata) run on every figure; the image
comparison against ``tests/baseline_images`` catches everything else that changes what a figure
looks like. Baselines are regenerated only deliberately, after reviewing the new images::

    make baselines     # = python tools/regenerate_baselines.py tests/baseline_images
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # as with MPLBACKEND=Agg: no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import EventCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.testing.compare import compare_images  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import simlib  # noqa: E402
from simlib import figures, plotting  # noqa: E402

BASELINES = Path(__file__).resolve().parents[1] / "baseline_images"
REGENERATE = "make baselines (python tools/regenerate_baselines.py tests/baseline_images)"
#: RMS difference (0-255 grey levels) allowed against a baseline. matplotlib's wheels bundle one FreeType
#: build, so text renders identically across machines; 3 absorbs anti-aliasing of lines moved by
#: floating-point noise (< 1 px) while any real change (a moved curve, a new label, other data) is far above it.
TOLERANCE = 3.0
NAMES = figures.names()
CASES = [(name, style) for name in NAMES for style in figures.STYLES]
IDS = [f"{n}-{s}" for n, s in CASES]
EXPECTED_NAMES = ("chain_overview", "twitch_summation_tetanus", "force_frequency", "electrolyte_map",
                  "calcium_atp_relaxation", "cramp_and_stretch", "cramp_vs_contracture", "drug_comparison",
                  "temperature", "muscle_mechanics",  # issue 20 added the mechanics figure
                  "fatigue_and_circulation",  # and the fatigue and circulation figure (lesson 14)
                  "emg_cramp_contracture", "recruitment_and_train_of_four")  # issue 19: EMG and a 120-unit pool
N_CRAMP_COLUMNS = 3  # cramp, spasticity, contracture


def _lines(fig: Figure, prefix: str) -> list:
    return [ln for ax in fig.axes for ln in ax.get_lines() if str(ln.get_gid() or "").startswith(prefix)]


# name -> (number of axes, {gid prefix: number of Line2D with it}, {gid prefix: number of Rectangles})
EXPECTED = {
    "chain_overview": (5, {"epp": 1, "v_muscle": 1, "ca_i": 1, "force": 1}, {}),
    "twitch_summation_tetanus": (1, {"force:": 3}, {}),
    "force_frequency": (1, {"force_frequency": 1}, {}),
    "electrolyte_map": (1, {"scenario": 1}, {"cell:": 64}),
    "calcium_atp_relaxation": (2, {"ca_i:": 2, "force:": 2}, {}),
    "cramp_and_stretch": (4, {"force:": 2}, {}),
    "cramp_vs_contracture": (2 * N_CRAMP_COLUMNS, {"force:": N_CRAMP_COLUMNS}, {}),
    "drug_comparison": (5, {"force:": 4, "reference": 3}, {"bar:": 15}),
    "temperature": (2, {"twitch:": 3, "ff:": 3}, {}),
    # two panels and the power's twin axis
    "muscle_mechanics": (3, {"active": 1, "passive": 1, "total": 1, "velocity": 1, "power": 1, "peak_power": 1,
                             "hill_fit": 1}, {}),
    "fatigue_and_circulation": (2, {"force:": 2, "pcr:": 2, "pi:": 2}, {}),
    "emg_cramp_contracture": (4, {"force": 2, "emg": 4, "emg_rms": 2}, {}),
    # the recruitment curve's twitch force is on a twin axis
    "recruitment_and_train_of_four": (3, {"m_wave": 1, "twitch": 1, "tof_ratio": 1, "first_twitch": 1,
                                          "residual_block": 1}, {}),
}


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], Figure]:
    return {case: figures.render(*case[:1], style=case[1]) for case in CASES}


@pytest.fixture(autouse=True)
def _close_pyplot():
    yield
    plt.close("all")


def test_registry_has_the_gallery_of_issue_6():
    assert NAMES == EXPECTED_NAMES
    for name, spec in figures.FIGURES.items():
        assert spec.name == name and spec.title and spec.summary
        assert callable(spec.function) and getattr(figures, name) is spec.function
        doc = spec.function.__doc__
        assert "Parameters" in doc and "Returns" in doc


def test_figures_are_not_left_in_pyplot(rendered):
    # Figures are plain matplotlib Figures (no pyplot state): a CLI loop or a notebook leaks nothing.
    assert plt.get_fignums() == []


@pytest.mark.parametrize(("name", "style"), CASES, ids=IDS)
def test_size_follows_the_house_style(rendered, name, style):
    fig = rendered[name, style]
    width, height = fig.get_size_inches()
    if style == "slide":
        assert (width, height) == pytest.approx((13.333, 7.5), abs=1e-3)  # 16:9
    else:
        assert width == pytest.approx(3.5) and 2.0 <= height <= 7.0  # one column


@pytest.mark.parametrize(("name", "style"), CASES, ids=IDS)
def test_panels_and_lines(rendered, name, style):
    fig = rendered[name, style]
    n_axes, lines, patches = EXPECTED[name]
    assert len(fig.axes) == n_axes
    for prefix, count in lines.items():
        assert len(_lines(fig, prefix)) == count, prefix
    for prefix, count in patches.items():
        found = [p for ax in fig.axes for p in ax.patches if str(p.get_gid() or "").startswith(prefix)]
        assert len(found) == count, prefix
    for line in _lines(fig, ""):
        if line.get_gid() not in ("stretch", "no_drug"):
            assert np.all(np.isfinite(np.asarray(line.get_ydata(), dtype=float))), line.get_gid()


def _visible_numeric_ticks(ticks: list[Text]) -> bool:
    texts = [t.get_text() for t in ticks if t.get_visible() and t.get_text()]
    return any(re.search(r"\d", t) and not re.search(r"[A-Za-z]{3,}", t.replace("mathdefault", "")) for t in texts)


@pytest.mark.parametrize(("name", "style"), CASES, ids=IDS)
def test_every_numeric_axis_states_its_unit(rendered, name, style):
    fig = rendered[name, style]
    fig.canvas.draw()
    # With shared time axes only the bottom row labels x; a column's label must then be below it.
    x_labels = {id(ax): ax.get_xlabel() for ax in fig.axes}
    for ax in fig.axes:
        for axis, label, ticks in (("x", ax.get_xlabel(), ax.get_xticklabels()),
                                   ("y", ax.get_ylabel(), ax.get_yticklabels())):
            if not _visible_numeric_ticks(ticks):
                continue  # a categorical axis (spike rows, steps of the chain) or hidden shared ticks
            if axis == "x" and not label:
                shared = [x_labels[id(o)] for o in ax.get_shared_x_axes().get_siblings(ax) if o is not ax]
                label = next((s for s in shared if s), "")
            if axis == "y" and not label:
                shared = [o.get_ylabel() for o in ax.get_shared_y_axes().get_siblings(ax) if o is not ax]
                label = next((s for s in shared if s), "")
            assert re.search(r"\([^)]*\S[^)]*\)", label), f"{axis} axis of {ax.get_title(loc='left')!r}: {label!r}"


@pytest.mark.parametrize(("name", "style"), CASES, ids=IDS)
def test_text_is_readable_at_its_size(rendered, name, style):
    fig = rendered[name, style]
    fig.canvas.draw()
    minimum = 14.0 if style == "slide" else 5.9  # slide: from the back of a room; handout: print at 3.5 in
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < minimum]
    assert not small


@pytest.mark.parametrize(("name", "style"), CASES, ids=IDS)
def test_colours_come_from_the_okabe_ito_palette(rendered, name, style):
    allowed = {c.upper() for c in plotting.OKABE_ITO} | {plotting.DRIVE_SHADE.upper(), "#FFFFFF"}
    fig = rendered[name, style]
    for line in _lines(fig, ""):
        assert to_hex(line.get_color()).upper() in allowed, line.get_gid()
    for ax in fig.axes:
        for coll in ax.collections:
            if isinstance(coll, EventCollection):
                assert to_hex(coll.get_colors()[0]).upper() in allowed
        for patch in ax.patches:
            if isinstance(patch, Rectangle) and str(patch.get_gid() or "").startswith(("cell:", "bar:")):
                assert to_hex(patch.get_facecolor()).upper() in allowed


@pytest.mark.parametrize(("name", "style"), CASES, ids=IDS)
def test_info_describes_the_figure(rendered, name, style):
    fig = rendered[name, style]
    info = figures.figure_info(fig)
    assert info.name == name and info.style == style and fig.get_label() == name
    assert info.title and info.caption.startswith(info.title) and "teaching model" in info.caption
    assert len(info.alt_text) > 80 and "nan" not in info.alt_text.lower().split()
    assert info.scenario == simlib.Scenario(motor_units=1)
    assert all(isinstance(label, str) and isinstance(sc, simlib.Scenario) for label, sc in info.runs)
    assert all(p in simlib.PRESETS for p in info.presets)
    assert not info.options  # drawn with defaults
    assert f"--only {name} --style {style}" in info.regenerate_command()
    assert fig.get_suptitle() == (info.title if style == "slide" else "")


def test_preset_names_and_scenarios_are_accepted():
    fig = figures.render("force_frequency", "cold", style="handout", rates_hz=(5, 20, 80))
    info = figures.figure_info(fig)
    assert info.scenario == simlib.PRESETS["cold"].replace(motor_units=1)
    assert info.options == (("rates_hz", (5.0, 20.0, 80.0)),)
    assert "simlib.figures.render('force_frequency'" in info.regenerate_command()
    (line,) = _lines(fig, "force_frequency")
    np.testing.assert_allclose(line.get_xdata(), [5, 20, 80])
    np.testing.assert_allclose(line.get_ydata(), simlib.force_frequency(simlib.PRESETS["cold"].replace(motor_units=1),
                                                                        [5, 20, 80]))


def test_the_scenario_changes_what_is_drawn():
    low_ca = simlib.Scenario(motor_units=1, ca_mM=0.75, rate_hz=0)
    fig = figures.chain_overview(low_ca, style="handout", output_dt_s=1e-3)
    info = figures.figure_info(fig)
    assert info.scenario == low_ca and "ca_mM = 0.75 mM" in info.caption
    res = simlib.simulate(low_ca)
    (force,) = _lines(fig, "force")
    np.testing.assert_array_equal(force.get_ydata(), res.force)
    assert "tetany" in info.caption


def test_electrolyte_map_grid_size_is_a_parameter():
    fig = figures.electrolyte_map(style="handout", n_rate=3, n_ca=4, rate_range_hz=(0, 40), ca_range_mM=(0.6, 1.5))
    cells = [p for p in fig.axes[0].patches if str(p.get_gid()).startswith("cell:")]
    assert len(cells) == 12
    grid = simlib.sweep(simlib.Scenario(motor_units=1), rate_hz=[0.0, 20.0, 40.0], ca_mM=[0.6, 0.9, 1.2, 1.5])
    expected = sorted(m.classification for m in grid.ravel())
    assert sorted(p.get_gid().split(":", 1)[1] for p in cells) == expected
    assert dict(figures.figure_info(fig).settings)["ca_mM"] == "0.6, 0.9, 1.2, 1.5"
    for bad in (1, 41, 2.5, True):
        with pytest.raises(simlib.ParameterError, match="between 2 and 40"):
            figures.electrolyte_map(n_rate=bad)


def test_drug_comparison_bars_are_percent_of_no_drug():
    fig = figures.drug_comparison(style="handout", drugs=("curare",))
    bars = {p.get_gid(): p.get_width() for ax in fig.axes for p in ax.patches if str(p.get_gid()).startswith("bar:")}
    assert set(bars) == {f"bar:curare:{k}" for k in ("quanta", "epp", "muscle_aps", "ca", "force")}
    assert bars["bar:curare:epp"] < 100.0  # receptors blocked: smaller endplate potential
    with pytest.raises(simlib.ParameterError, match="valid presets"):
        figures.drug_comparison(drugs=("aspirin",))


def test_cramp_figures_use_the_cramp_presets(rendered):
    info = figures.figure_info(rendered["cramp_and_stretch", "slide"])
    assert info.presets == ("exercise_cramp", "cramp_stretch")
    assert [sc for _, sc in info.runs] == [simlib.PRESETS["exercise_cramp"].replace(motor_units=1),
                                           simlib.PRESETS["cramp_stretch"].replace(motor_units=1)]
    fig = rendered["cramp_and_stretch", "slide"]
    assert [c for ax in fig.axes for c in ax.collections if c.get_gid() == "stretch"]  # the stretch is marked
    info = figures.figure_info(rendered["cramp_vs_contracture", "slide"])
    assert info.presets == ("exercise_cramp", "spasticity", "atp_depletion")
    assert info.title.startswith("Cramp or contracture") and "tetany" not in figures.FIGURES[info.name].summary


def test_bad_names_and_styles_list_the_valid_ones():
    with pytest.raises(simlib.ParameterError, match="did you mean 'force_frequency'.*valid figures: chain_overview"):
        figures.render("force_frequncy")
    with pytest.raises(simlib.ParameterError, match="valid styles: slide, handout"):
        figures.render("force_frequency", style="poster")
    with pytest.raises(simlib.ParameterError, match="valid presets"):
        figures.render("force_frequency", "hypocalcemia_typo")
    with pytest.raises(TypeError, match="Scenario"):
        figures.render("force_frequency", 42)


def test_figure_info_of_a_foreign_figure_says_what_to_do():
    with pytest.raises(simlib.ParameterError, match="export_figure"):
        figures.figure_info(Figure())


def test_every_figure_has_a_baseline_and_no_baseline_is_stale():
    expected = {f"{name}-{style}.png" for name, style in CASES}
    present = {p.name for p in BASELINES.glob("*.png")}
    assert expected <= present, f"missing baselines {sorted(expected - present)}: run {REGENERATE}"
    assert present <= expected, f"baselines of no registered figure: {sorted(present - expected)}"


@pytest.mark.parametrize(("name", "style"), CASES, ids=IDS)
def test_image_matches_baseline(rendered, name, style, tmp_path):
    baseline = BASELINES / f"{name}-{style}.png"
    if not baseline.exists():
        pytest.fail(f"no baseline {baseline.name}: run {REGENERATE}")
    actual = tmp_path / f"{name}-{style}.png"
    figures.save_baseline(rendered[name, style], actual)
    result = compare_images(str(baseline), str(actual), tol=TOLERANCE)
    assert result is None, (
        f"{result}\nIf the change is intended (model or figure update), review the images and run {REGENERATE}."
    )


# --- legibility (issue 15 item 6) ----------------------------------------------------------------


def test_every_classification_has_a_colour_and_hatch():
    assert set(figures.CLASS_STYLE) == set(simlib.metrics.CLASSIFICATIONS)
    assert len({hatch for _, hatch in figures.CLASS_STYLE.values()}) == len(figures.CLASS_STYLE)


@pytest.mark.parametrize(("name", "style"), CASES, ids=IDS)
def test_lines_have_contrast_on_white(rendered, name, style):
    # WCAG 2.1 1.4.11: graphics that carry meaning need 3:1; the faint no-drug reference is secondary.
    for line in _lines(fig := rendered[name, style], ""):
        if line.get_gid() != "reference" and line.get_linestyle() != "None":
            assert plotting.contrast_on_white(line.get_color()) >= 3.0, (fig.get_label(), line.get_gid())


def test_drug_comparison_separates_the_drugs_and_explains_extra_action_potentials(rendered):
    fig = rendered["drug_comparison", "slide"]
    forces = _lines(fig, "force:")
    assert len({line.axes for line in forces}) == len(forces)  # one panel each: traces near 0 cannot hide
    assert len({line.axes.get_ylim() for line in forces}) == 1  # on one scale
    caption = figures.figure_info(fig).caption
    bars = {p.get_gid(): p.get_width() for ax in fig.axes for p in ax.patches if str(p.get_gid()).startswith("bar:")}
    if bars["bar:dantrolene:muscle_aps"] > 100.0:
        assert "more muscle action potentials than without a drug" in caption and "reflex feedback" in caption


def test_cramp_columns_share_one_time_axis(rendered):
    for name in ("cramp_vs_contracture", "cramp_and_stretch"):
        for style in figures.STYLES:
            fig = rendered[name, style]
            forces = _lines(fig, "force:")
            assert len({line.axes.get_xlim() for line in forces}) == 1, (name, style)
            assert len({tuple(line.axes.get_xticks()) for line in forces}) == 1, (name, style)


# --- the package (issue 17 item 5) -----------------------------------------------------------------------


def test_every_public_name_is_importable_from_the_package():
    import simlib.figures as package

    for name in package.__all__:
        assert getattr(package, name) is not None, name
    assert simlib.export_figure is figures.export_figure  # simlib's lazy attribute
    assert figures.export_figure.__module__ == "simlib.figures.export"
    assert {spec.function.__module__ for spec in figures.FIGURES.values()} <= {
        f"simlib.figures.{m}" for m in ("chain", "twitch", "electrolytes", "atp", "cramps", "drugs", "temperatures",
                                           "mechanics", "metabolism", "emg")}


def test_spike_counts_of_the_figures_are_half_open_windows():
    # [start, end): a spike exactly at the end of the drug comparison's response window is not counted
    # there (metrics counts [start, end]); kept so that the captions' numbers do not change.
    from simlib.figures._common import _after_drive, _count_between

    assert _count_between(np.array([0.5, 0.75, 1.0]), 0.5, 1.0) == 2
    res = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=2.0))
    assert _after_drive(res) == res.scenario.drive_end_s + simlib.metrics.AFTER_DRIVE_DELAY_S


def _regenerate_tool():
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "tools" / "regenerate_baselines.py"
    spec = importlib.util.spec_from_file_location("regenerate_baselines", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_baseline_tool_saves_what_the_image_test_compares(tmp_path, monkeypatch, capsys):
    tool = _regenerate_tool()
    monkeypatch.setattr(figures, "names", lambda: ("force_frequency",))  # one figure keeps the test quick
    assert tool.main([str(tmp_path / "baselines")]) == 0
    written = sorted(p.name for p in (tmp_path / "baselines").iterdir())
    assert written == ["force_frequency-handout.png", "force_frequency-slide.png"]
    assert capsys.readouterr().out.count("wrote ") == 2
    again = tmp_path / "again.png"
    figures.save_baseline(figures.render("force_frequency", style="handout"), again)
    assert again.read_bytes() == (tmp_path / "baselines" / "force_frequency-handout.png").read_bytes()


def test_pool_figure_draws_what_the_public_api_measures(rendered):
    fig = rendered["recruitment_and_train_of_four", "handout"]
    pool = simlib.Scenario(motor_units=120)
    (ratio,) = _lines(fig, "tof_ratio")
    blocks = np.asarray(ratio.get_xdata(), dtype=float)
    np.testing.assert_allclose(ratio.get_ydata(),
                               [simlib.train_of_four(pool.replace(receptor_block=b)).ratio for b in blocks])
    (m_wave,) = _lines(fig, "m_wave")
    curve = simlib.recruitment_curve(pool, m_wave.get_xdata())
    np.testing.assert_allclose(m_wave.get_ydata(), curve.m_wave_mV)
    assert "0.9" in figures.figure_info(fig).caption and "residual" in figures.figure_info(fig).alt_text


def test_emg_figure_shows_an_active_cramp_and_a_silent_contracture(rendered):
    fig = rendered["emg_cramp_contracture", "slide"]
    cramp, contracture = (np.asarray(line.get_ydata(), dtype=float) for line in _lines(fig, "emg_rms"))
    late = [np.asarray(line.get_xdata(), dtype=float) >= 3.0 for line in _lines(fig, "emg_rms")]
    assert cramp[late[0]].min() > 0.0 and contracture[late[1]].max() < 1e-3
    info = figures.figure_info(fig)
    assert info.presets == ("exercise_cramp", "atp_depletion") and "electrically silent" in info.alt_text


def test_force_emg_plot_rejects_axes_of_the_wrong_shape():
    res = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=0.3))
    fig = Figure()
    with pytest.raises(ValueError, match="2 x 1"):
        plotting.plot_force_emg({"one run": res}, axes=fig.subplots(1, 2, squeeze=False))
