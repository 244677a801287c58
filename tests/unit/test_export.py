"""simlib.figures.export_figure: faithful PNG/SVG/PDF, caption files that round-trip, safe writes."""

from __future__ import annotations

import os
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

import simlib  # noqa: E402
from simlib import figures, scenario_io  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def fig() -> Figure:
    # Cheap to draw (three short runs), with superscripts and units in its text.
    return figures.render("twitch_summation_tetanus", style="handout")


@pytest.fixture(scope="module")
def exported(fig, tmp_path_factory) -> tuple[Path, ...]:
    out = tmp_path_factory.mktemp("export")
    return figures.export_figure(fig, out / "twitch", formats=("png", "svg", "pdf"), dpi=300)


def _no_temporaries(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def test_returns_one_file_per_format_then_the_caption(exported):
    names = [p.name for p in exported]
    assert names == ["twitch.png", "twitch.svg", "twitch.pdf", "twitch.caption.toml"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in exported)
    assert _no_temporaries(exported[0].parent)


@pytest.mark.parametrize("dpi", [300, 150])
def test_png_stores_its_dpi(fig, tmp_path, dpi):
    (png, _) = figures.export_figure(fig, tmp_path / "f", dpi=dpi)
    with Image.open(png) as img:
        # PNG stores whole pixels per metre: the dpi read back is within 0.0254 of the requested one.
        assert img.info["dpi"] == pytest.approx((dpi, dpi), abs=0.0254)
        width, height = img.size
        assert width == pytest.approx(3.5 * dpi, abs=1)  # the house width, not cropped
        info = figures.figure_info(fig)
        assert img.info["Title"] == info.title
        assert img.info["Description"] == info.alt_text


def test_svg_keeps_text_as_text_with_title_and_description(fig, exported):
    svg = exported[1]
    root = ET.parse(svg).getroot()  # well-formed XML
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert any("Time (s)" in t for t in texts)
    assert any("single stimulus" in t for t in texts)
    info = figures.figure_info(fig)
    assert root.find(f"{SVG}title").text == info.title
    assert root.find(f"{SVG}desc").text == info.alt_text
    assert b"DejaVuSans-" not in svg.read_bytes()  # no glyphs drawn as paths


def test_pdf_embeds_truetype_fonts(exported):
    pdf = exported[2].read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf  # an embedded TrueType font program (Type 42)
    assert b"/CIDFontType2" in pdf or b"/TrueType" in pdf
    assert b"/Type3" not in pdf and b"/FontFile3" not in pdf


def test_caption_file_round_trips_through_load_scenario(fig, exported):
    caption_file = exported[-1]
    info = figures.figure_info(fig)
    assert simlib.load_scenario(caption_file) == info.scenario
    data = figures.read_caption(caption_file)
    assert (data["name"], data["title"], data["caption"], data["alt_text"]) == (
        info.name, info.title, info.caption, info.alt_text)
    assert data["style"] == "handout" and data["dpi"] == 300
    assert data["files"] == ["twitch.png", "twitch.svg", "twitch.pdf"]
    assert data["scenario"] == info.scenario
    assert [r["label"] for r in data["runs"]] == [label for label, _ in info.runs]
    for run, (_, sc) in zip(data["runs"], info.runs, strict=True):
        assert info.scenario.replace(**run["changes"]) == sc  # each run can be rebuilt
    assert "--scenario twitch.caption.toml" in data["regenerate"]
    # the whole file is valid TOML, and readable as text
    text = caption_file.read_text(encoding="utf-8")
    assert "scenario" in tomllib.loads(text)
    assert info.title in text


def test_caption_file_regenerates_the_figure(fig, exported):
    again = figures.render("twitch_summation_tetanus", simlib.load_scenario(exported[-1]), style="handout")
    assert figures.figure_info(again) == figures.figure_info(fig)


def test_non_default_scenario_round_trips(tmp_path):
    sc = simlib.PRESETS["hypocalcaemia"].replace(motor_units=1, stretch_at_s=2.5, temperature_c=30.0)
    fig = figures.force_frequency(sc, style="handout", rates_hz=(10, 50))
    paths = figures.export_figure(fig, tmp_path / "ff", formats="svg")
    assert simlib.load_scenario(paths[-1]) == sc
    assert figures.read_caption(paths[-1])["rates_hz"] == "10, 50"


def test_foreign_figure_with_explicit_metadata(tmp_path):
    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("Time (s)")
    title, caption = 'Quotes " and \\ backslashes', "Line one.\nLine two with   three spaces; " + "long " * 40
    sc = simlib.Scenario(motor_units=1, ca_mM=0.9)
    paths = figures.export_figure(fig, tmp_path / "mine.png", formats=("png",), title=title, caption=caption,
                                  alt_text="A diagonal line.", scenario=sc)
    assert [p.name for p in paths] == ["mine.png", "mine.caption.toml"]
    data = figures.read_caption(paths[-1])
    assert (data["title"], data["caption"], data["alt_text"]) == (title, caption, "A diagonal line.")
    assert data["scenario"] == sc and data["runs"] == [] and "name" not in data


def test_caption_without_a_scenario_says_so(tmp_path):
    fig = Figure()
    fig.subplots().plot([1, 2])
    paths = figures.export_figure(fig, tmp_path / "bare", title="Bare")
    data = figures.read_caption(paths[-1])
    assert data["scenario"] is None and data["title"] == "Bare"
    assert "No scenario was recorded" in paths[-1].read_text(encoding="utf-8")


def test_the_caption_file_holds_the_scenario_as_save_scenario_writes_it(tmp_path):
    # The caption writer uses the public scenario writer, not a copy of it (issue 17 item 5).
    sc = simlib.Scenario(motor_units=1, ca_mM=0.9, stretch_at_s=1.5)
    fig = Figure()
    fig.subplots().plot([1, 2])
    paths = figures.export_figure(fig, tmp_path / "f", formats="svg", title="T", scenario=sc)
    text = paths[-1].read_text(encoding="utf-8")
    table = scenario_io.scenario_to_toml(sc, header=False)
    assert table.startswith("[scenario]\n") and text.endswith("\n" + table)
    assert scenario_io.scenario_to_toml(sc).endswith(table) and scenario_io.scenario_to_toml(sc) != table
    assert tomllib.loads(table)["scenario"]["ca_mM"] == 0.9
    with pytest.raises(TypeError, match="Scenario"):
        scenario_io.scenario_to_toml({"ca_mM": 0.9})


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_toml_string_round_trips(text):
    assert tomllib.loads("x = " + scenario_io.toml_string(text))["x"] == text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_survives_the_caption_format(text):
    # Long texts are wrapped across lines in the caption file; they must read back exactly.
    assert tomllib.loads("x = " + figures.export._toml_text(text))["x"] == text


def test_refuses_to_overwrite_and_writes_nothing(fig, tmp_path):
    first = figures.export_figure(fig, tmp_path / "f", formats=("png", "svg"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in first}
    (tmp_path / "g.svg").write_text("keep me")
    with pytest.raises(simlib.ParameterError, match=r"already exists \(and 2 more\); pass overwrite=True"):
        figures.export_figure(fig, tmp_path / "f", formats=("png", "svg"))
    with pytest.raises(simlib.ParameterError, match="g.svg: file already exists"):
        figures.export_figure(fig, tmp_path / "g", formats=("png", "svg"))
    assert not (tmp_path / "g.png").exists() and (tmp_path / "g.svg").read_text() == "keep me"
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in first} == before
    again = figures.export_figure(fig, tmp_path / "f", formats=("png", "svg"), overwrite=True)
    assert again == first
    assert _no_temporaries(tmp_path)


def test_failed_write_leaves_no_partial_file(fig, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(simlib.ParameterError, match="cannot write .*No space left on device"):
        figures.export_figure(fig, tmp_path / "f", formats=("pdf",))
    assert list(tmp_path.iterdir()) == []


def test_missing_directory(fig, tmp_path):
    with pytest.raises(simlib.ParameterError, match="does not exist; create it first"):
        figures.export_figure(fig, tmp_path / "nope" / "f")
    (tmp_path / "file").write_text("x")
    with pytest.raises(simlib.ParameterError, match="is not a directory"):
        figures.export_figure(fig, tmp_path / "file" / "f")


@pytest.mark.parametrize("formats", ["gif", ("png", "jpeg"), ()])
def test_unknown_formats_list_the_valid_ones(fig, tmp_path, formats):
    with pytest.raises(simlib.ParameterError, match="png, svg, pdf"):
        figures.export_figure(fig, tmp_path / "f", formats=formats)


@pytest.mark.parametrize("dpi", [0, 5, 1201, 2400, 5000, float("nan"), "300", True])
def test_dpi_out_of_range(fig, tmp_path, dpi):
    with pytest.raises(simlib.ParameterError, match="dpi must be a number between 10 and 1200.*memory"):
        figures.export_figure(fig, tmp_path / "f", dpi=dpi)
    assert list(tmp_path.iterdir()) == []


def test_too_many_pixels_are_refused_before_drawing(tmp_path):
    # Audit D14: --dpi 2400 took 2.47 GB. A slide at 1200 dpi would be 144 megapixels (766 MB measured).
    slide = Figure(figsize=(13.333, 7.5))
    with pytest.raises(simlib.ParameterError) as info:
        figures.export_figure(slide, tmp_path / "f", dpi=1200)
    message = str(info.value)
    assert "16000 x 9000 px image (144 megapixels" in message and "GB of memory" in message
    assert "use dpi <= 632" in message
    assert list(tmp_path.iterdir()) == []
    figures.export_figure(slide, tmp_path / "f", formats=("svg",), dpi=1200)  # no pixels: allowed
    figures.export_figure(Figure(figsize=(3.5, 6.2)), tmp_path / "handout", dpi=1200)  # 31 megapixels


def test_a_failure_half_way_leaves_no_file_of_the_set(fig, tmp_path, monkeypatch):
    # Audit D10: a full disk during png+svg+pdf left chain.png alone, which then blocked the retry.
    real = figures.export._save_image

    def fails_on_svg(fig_, handle, fmt, *args):
        if fmt == "svg":
            raise OSError(28, "No space left on device")
        real(fig_, handle, fmt, *args)

    monkeypatch.setattr(figures.export, "_save_image", fails_on_svg)
    with pytest.raises(simlib.ParameterError, match=r"f\.svg: cannot write \(No space left on device\)"):
        figures.export_figure(fig, tmp_path / "f", formats=("png", "svg", "pdf"), dpi=40)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(figures.export, "_save_image", real)
    written = figures.export_figure(fig, tmp_path / "f", formats=("png", "svg", "pdf"), dpi=40)  # the retry works
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)


def test_a_failed_overwrite_keeps_the_previous_set(fig, tmp_path, monkeypatch):
    first = figures.export_figure(fig, tmp_path / "f", formats=("png", "pdf"), dpi=40)
    before = {p: p.read_bytes() for p in first}

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(simlib.ParameterError, match="No space left on device"):
        figures.export_figure(fig, tmp_path / "f", formats=("png", "pdf"), dpi=50, overwrite=True)
    assert {p: p.read_bytes() for p in first} == before
    assert _no_temporaries(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links and device nodes")
def test_overwrite_never_replaces_a_link(fig, tmp_path):
    # Audit D11: --overwrite turned a symbolic link into a regular file.
    real = tmp_path / "real.png"
    real.write_bytes(b"not replaced")
    (tmp_path / "f.png").symlink_to(real)
    with pytest.raises(simlib.ParameterError, match="f.png: is a symbolic link, not a regular file"):
        figures.export_figure(fig, tmp_path / "f", dpi=40, overwrite=True)
    assert (tmp_path / "f.png").is_symlink() and real.read_bytes() == b"not replaced"
    assert not (tmp_path / "f.caption.toml").exists()


@pytest.mark.parametrize("name", ["my map; touch PWN", "cap $(id)", "it's here", "plain"])
def test_regenerate_line_quotes_the_caption_file_name(tmp_path, name):
    # Audit D16: the caption file's name was embedded unquoted in the shell and Python forms.
    import ast
    import shlex

    fig = figures.render("twitch_summation_tetanus", style="handout")
    (png, caption) = figures.export_figure(fig, tmp_path / name, dpi=20)
    command = figures.read_caption(caption)["regenerate"]
    words = shlex.split(command)
    assert words[words.index("--scenario") + 1] == caption.name
    info = figures.figure_info(fig)
    python_form = dataclasses_replace_options(info).regenerate_command(caption.name)
    call = ast.parse(python_form, mode="eval").body
    assert ast.literal_eval(call.args[1].args[0]) == caption.name


def dataclasses_replace_options(info):
    import dataclasses

    return dataclasses.replace(info, options=(("n_rate", 4),))


def test_extension_in_path(fig, tmp_path):
    paths = figures.export_figure(fig, tmp_path / "x.SVG", formats=("svg", "png"))
    assert [p.name for p in paths] == ["x.svg", "x.png", "x.caption.toml"]
    with pytest.raises(simlib.ParameterError, match="ends in .pdf but formats"):
        figures.export_figure(fig, tmp_path / "y.pdf", formats=("png",))


def test_type_errors(fig, tmp_path):
    with pytest.raises(TypeError, match="matplotlib Figure"):
        figures.export_figure(fig.axes[0], tmp_path / "f")
    with pytest.raises(TypeError, match="Scenario"):
        figures.export_figure(fig, tmp_path / "f", scenario={"ca_mM": 1.0})


def test_exported_files_have_normal_permissions(fig, tmp_path):
    (png, caption) = figures.export_figure(fig, tmp_path / "f")
    umask = os.umask(0)
    os.umask(umask)
    assert png.stat().st_mode & 0o777 == 0o666 & ~umask
    assert caption.stat().st_mode & 0o777 == 0o666 & ~umask
