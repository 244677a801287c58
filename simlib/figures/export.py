"""Faithful export of a figure: PNG, SVG and PDF with metadata, a caption file beside them, and its reader.

:func:`export_figure` writes PNG (with its dpi in the file), SVG (text kept as text, with ``<title>``
and ``<desc>`` for screen readers) and PDF (TrueType fonts embedded, Type 42), all or nothing, and
beside them ``NAME.caption.toml``: a valid scenario file that :func:`simlib.load_scenario` reads,
whose ``#:`` header lines hold the title, caption, alt text and the runs (:func:`read_caption`).
:func:`save_baseline` saves a figure the way the image-comparison tests do.
"""

from __future__ import annotations

import io
import math
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any
from xml.sax.saxutils import escape

import matplotlib as mpl
import numpy as np
from matplotlib import style as mpl_style
from matplotlib.figure import Figure

from simlib._fileio import atomic_write_set, exists_message
from simlib._version import __version__
from simlib.errors import ParameterError
from simlib.figures._registry import FigureInfo, _unknown, figure_info
from simlib.scenario import Scenario
from simlib.scenario_io import load_scenario, scenario_to_toml, toml_string

__all__ = ["BASELINE_DPI", "CAPTION_SUFFIX", "EXPORT_RC", "FORMATS", "MAX_EXPORT_PIXELS", "export_figure",
           "read_caption", "save_baseline"]

#: Valid export formats, in the order they are written.
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

#: rcParams that make exports faithful: SVG text stays text, PDF embeds TrueType (Type 42), and
#: SVG ids and PDF dates do not change from run to run.
EXPORT_RC: Mapping[str, object] = MappingProxyType({
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.hashsalt": "simlib",
})

#: Allowed export resolution, dots per inch. Drawing needs about 4 bytes of memory per pixel (measured:
#: a 13.3 x 7.5 in slide used 238 MB at 300 dpi, 343 MB at 600 and 766 MB at 1200; 2.47 GB at 2400).
_DPI_RANGE = (10, 1200)
#: Most pixels of an exported PNG (40 megapixels, about 160 MB to draw): a slide up to 632 dpi, a
#: handout (3.5 in wide) at any allowed dpi. Keeps an export within a learner's 1 GB (docs/classroom.md).
MAX_EXPORT_PIXELS = 40_000_000

CAPTION_SUFFIX = ".caption.toml"
_META_PREFIX = "#: "


def _check_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    items = [formats] if isinstance(formats, str) else list(formats)
    out: list[str] = []
    for fmt in items:
        key = str(fmt).lower().lstrip(".")
        if key not in FORMATS:
            raise ParameterError(_unknown("format", fmt, FORMATS))
        if key not in out:
            out.append(key)
    if not out:
        raise ParameterError(f"formats must name at least one of: {', '.join(FORMATS)}")
    return tuple(out)


def _check_dpi(dpi: object) -> float:
    low, high = _DPI_RANGE
    if isinstance(dpi, bool) or not isinstance(dpi, int | float | np.integer | np.floating) or not math.isfinite(dpi) \
            or not low <= dpi <= high:
        raise ParameterError(f"dpi must be a number between {low} and {high}; got {dpi!r} (300 is print quality, "
                             f"150 is plenty for slides; above {high} dpi a slide needs gigabytes of memory)")
    return float(dpi)


def _check_pixels(width_in: float, height_in: float, dpi: float) -> None:
    """Refuse a PNG of more than MAX_EXPORT_PIXELS pixels, naming the highest dpi this figure size allows."""
    width_px, height_px = round(width_in * dpi), round(height_in * dpi)
    if width_px * height_px > MAX_EXPORT_PIXELS:
        most = math.floor(math.sqrt(MAX_EXPORT_PIXELS / (width_in * height_in)))
        raise ParameterError(
            f"dpi {dpi:g} would make a {width_px} x {height_px} px image ({width_px * height_px / 1e6:.0f} "
            f"megapixels, about {width_px * height_px * 4 / 1e9:.1f} GB of memory to draw); at most "
            f"{MAX_EXPORT_PIXELS / 1e6:.0f} megapixels are allowed: use dpi <= {most} for this "
            f"{width_in:.3g} x {height_in:.3g} in figure (or svg/pdf, which scale without pixels)"
        )


def _svg_accessible(svg: bytes, title: str, description: str) -> bytes:
    """Insert ``<title>`` and ``<desc>`` (read by screen readers) right after the opening ``<svg>`` tag."""
    match = re.search(rb"<svg\b[^>]*>", svg)
    if match is None or not (title or description):
        return svg
    head = svg[: match.end()]
    if b"role=" not in head:
        head = head[:-1] + b' role="img">'
    extra = ""
    if title:
        extra += f"\n <title>{escape(title)}</title>"
    if description:
        extra += f"\n <desc>{escape(description)}</desc>"
    return head + extra.encode("utf-8") + svg[match.end():]


def _save_image(fig: Figure, handle: Any, fmt: str, dpi: float, title: str, caption: str, alt: str) -> None:
    software = f"simlib {__version__} (Muscle Spasm Lab)"
    if fmt == "png":
        meta: dict[str, Any] = {"Title": title, "Description": alt, "Comment": caption, "Software": software}
    elif fmt == "pdf":
        meta = {"Title": title, "Subject": caption, "Keywords": alt, "Creator": software, "CreationDate": None,
                "ModDate": None}
    else:
        meta = {"Title": title, "Description": alt, "Creator": software, "Date": None}
    meta = {k: v for k, v in meta.items() if v or v is None}
    with mpl.rc_context(dict(EXPORT_RC)):
        if fmt == "svg":
            buffer = io.BytesIO()
            fig.savefig(buffer, format="svg", dpi=dpi, metadata=meta, facecolor="white", bbox_inches=None)
            handle.write(_svg_accessible(buffer.getvalue(), title, alt))
        else:
            fig.savefig(handle, format=fmt, dpi=dpi, metadata=meta, facecolor="white", bbox_inches=None)


def _toml_text(text: str, width: int = 96) -> str:
    """Quote text as TOML; long text becomes a multi-line basic string wrapped with line-ending backslashes."""
    quoted = toml_string(text)
    if len(quoted) <= width or text[:1].isspace():
        return quoted
    words = quoted[1:-1].split(" ")
    lines, current = [], words[0]
    for word in words[1:]:
        # Break only before a non-empty word: TOML drops the backslash, the newline and the whitespace
        # that follows, keeping the space written before the backslash.
        if word and current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}"
    lines.append(current)
    return '"""\\\n' + " \\\n".join(lines) + '"""'


def _caption_toml(info: dict[str, Any], runs: Sequence[tuple[str, Scenario]], scenario: Scenario | None) -> str:
    meta = ["[figure]"]
    for key, value in info.items():
        if isinstance(value, str):
            rendered = _toml_text(value)
        elif isinstance(value, list | tuple):
            rendered = "[" + ", ".join(toml_string(str(v)) for v in value) + "]"
        else:
            rendered = repr(value)
        meta.append(f"{key} = {rendered}")
    for label, run in runs:
        base = (scenario if scenario is not None else Scenario()).to_dict()
        changes = {k: v for k, v in run.to_dict().items() if v != base[k]}
        inline = ", ".join(f"{k} = {toml_string(str(v).lower()) if v is None or isinstance(v, str) else repr(v)}"
                           for k, v in changes.items())
        meta += ["", "[[figure.runs]]", f"label = {toml_string(label)}", f"changes = {{ {inline} }}"]
    header = [
        "# Muscle Spasm Lab figure caption (simlib).",
        '# Lines starting with "#:" hold the figure\'s title, caption, alt text and runs as TOML: read them with',
        "# simlib.figures.read_caption(path). Each run lists its changes from the [scenario] below.",
    ]
    if scenario is not None:
        header += [
            "# The [scenario] table is the scenario the figure was drawn from: simlib.load_scenario(path) reads it,",
            "# and the 'regenerate' command in the header redraws the figure from it.",
        ]
    else:
        header.append("# No scenario was recorded for this figure.")
    body = "\n".join(header) + "\n#\n" + "\n".join((_META_PREFIX + line).rstrip() for line in
                                                   "\n".join(meta).splitlines()) + "\n"
    if scenario is not None:
        body += "\n" + scenario_to_toml(scenario, header=False)
    return body


def export_figure(
    fig: Figure,
    path: str | os.PathLike[str],
    formats: str | Iterable[str] = ("png",),
    dpi: float = 300,
    *,
    caption: str | None = None,
    overwrite: bool = False,
    scenario: Scenario | None = None,
    title: str | None = None,
    alt_text: str | None = None,
) -> tuple[Path, ...]:
    """Save a figure as PNG, SVG and/or PDF, with a caption file beside it, atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Any figure. For one drawn by this module, the title, caption, alt text and scenario come from
        its :class:`FigureInfo`; the keyword arguments below override them.
    path : str or os.PathLike
        Output path without extension (``exports/force_frequency``); each format adds its own. A path
        ending in ``.png``, ``.svg`` or ``.pdf`` has that extension removed (it must be one of `formats`).
        The directory must exist.
    formats : str or iterable of str, default ('png',)
        Any of ``"png"`` (raster, dpi stored in the file), ``"svg"`` (text kept as text, with
        ``<title>``/``<desc>``) and ``"pdf"`` (TrueType fonts embedded as Type 42).
    dpi : float, default 300
        Resolution (dots per inch, 10-1200) of the PNG and of any raster parts of SVG/PDF. A PNG may have
        at most :data:`MAX_EXPORT_PIXELS` pixels (a slide up to 632 dpi), which bounds the memory it takes.
    caption, title, alt_text : str, optional
        Caption, title and alt text; also stored in the image metadata.
    overwrite : bool, default False
        Replace existing files; otherwise an existing file is an error and nothing is written.
    scenario : Scenario, optional
        The scenario that produced the figure, written to the caption file.

    Returns
    -------
    tuple of pathlib.Path
        The files written: one per format, in the order of `formats`, then ``<path>.caption.toml``.

    Raises
    ------
    ParameterError
        For an unknown format (listing the valid ones), a dpi out of range or too many pixels, a missing
        directory, an existing file without `overwrite`, a path that exists and is not a regular file
        (a symbolic link or device is never replaced), or a failed write (naming the file and the
        reason, e.g. "No space left on device"). Nothing is written or changed then.
    TypeError
        If `fig` is not a matplotlib Figure or `scenario` not a Scenario.

    Notes
    -----
    The files are written as a set, all or nothing (:func:`simlib._fileio.atomic_write_set`): each to a
    temporary file in the same directory, and only when all were written are they moved into place,
    with :func:`os.replace` (with `overwrite`) or a hard link (without, so a file that appeared meanwhile
    is never replaced). A failure half way (a full disk, an interrupt) leaves no file of the set and no
    temporary file. The caption file is TOML: a ``[scenario]`` table that :func:`simlib.load_scenario`
    reads, and header lines starting with ``#:`` holding the title, caption, alt text, file names, dpi
    and the runs, which :func:`read_caption` reads.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"export_figure needs a matplotlib Figure; got {type(fig).__name__}")
    fmts = _check_formats(formats)
    dpi_value = _check_dpi(dpi)
    if scenario is not None and not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a simlib.Scenario; got {type(scenario).__name__}")
    base = _output_base(path, fmts)

    info = getattr(fig, "_simlib_figure_info", None)
    info = info if isinstance(info, FigureInfo) else None
    title_text = title if title is not None else (info.title if info else "")
    caption_text = caption if caption is not None else (info.caption if info else "")
    alt = alt_text if alt_text is not None else (info.alt_text if info else "")
    sc = scenario if scenario is not None else (info.scenario if info else None)

    if "png" in fmts:
        _check_pixels(*fig.get_size_inches(), dpi_value)
    targets = [base.with_name(f"{base.name}.{fmt}") for fmt in fmts]
    caption_path = base.with_name(base.name + CAPTION_SUFFIX)
    if not overwrite:
        _refuse_existing((*targets, caption_path))
    meta = _caption_meta(info, title_text, caption_text, alt, targets, dpi_value, caption_path)
    runs = info.runs if info is not None and sc == info.scenario else ()
    text = _caption_toml(meta, runs, sc)

    items: list[tuple[Path, Callable[[Any], object]]] = [
        (target, lambda h, fmt=fmt: _save_image(fig, h, fmt, dpi_value, title_text, caption_text, alt))
        for fmt, target in zip(fmts, targets, strict=True)
    ]
    items.append((caption_path, lambda h: h.write(text.encode("utf-8"))))
    atomic_write_set(items, overwrite=overwrite)
    return (*targets, caption_path)


def _output_base(path: str | os.PathLike[str], fmts: tuple[str, ...]) -> Path:
    """Return the output path without extension, checked: a file name in an existing directory."""
    try:
        base = Path(os.fspath(path))
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}") from None
    if base.name.lower().endswith(CAPTION_SUFFIX):
        base = base.with_name(base.name[: -len(CAPTION_SUFFIX)])
    suffix = base.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        if suffix not in fmts:
            raise ParameterError(f"{base}: the path ends in .{suffix} but formats is {fmts!r}; add {suffix!r} to "
                                 "formats or give the path without an extension")
        base = base.with_suffix("")
    if not base.name:
        raise ParameterError(f"{path!s}: give a file name (without extension), e.g. exports/my_figure")
    directory = base.parent
    if not directory.is_dir():
        shown = str(directory)
        why = "is not a directory" if directory.exists() else "does not exist"
        raise ParameterError(f"{shown}: output directory {why}; create it first (mkdir -p {shown})")
    return base


def _refuse_existing(paths: Sequence[Path]) -> None:
    """Refuse to export over existing files (without `overwrite`), naming the first and counting the rest."""
    existing = [p for p in paths if os.path.lexists(p)]
    if existing:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise ParameterError(exists_message(existing[0]).replace(" already exists", f" already exists{more}"))


def _caption_meta(info: FigureInfo | None, title: str, caption: str, alt: str, targets: Sequence[Path], dpi: float,
                  caption_path: Path) -> dict[str, Any]:
    """Return the ``[figure]`` table of a caption file, in the order it is written."""
    meta: dict[str, Any] = {}
    if info is not None:
        meta["name"] = info.name
    meta.update(title=title, caption=caption, alt_text=alt)
    if info is not None:
        meta["style"] = info.style
    meta.update(files=[p.name for p in targets], dpi=round(dpi, 6), simlib_version=__version__)
    if info is not None:
        if info.presets:
            meta["presets"] = list(info.presets)
        for key, value in info.settings:
            meta[key] = value
        meta["regenerate"] = info.regenerate_command(caption_path.name)
    return meta


def read_caption(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a caption file written by :func:`export_figure`.

    Parameters
    ----------
    path : str or os.PathLike
        A ``*.caption.toml`` file.

    Returns
    -------
    dict
        The ``[figure]`` metadata (``title``, ``caption``, ``alt_text``, ``files``, ``dpi``, ... and
        ``runs``, a list of ``{"label", "changes"}``) plus ``"scenario"``: the :class:`Scenario` read
        by :func:`simlib.load_scenario`, or None if none was recorded.

    Raises
    ------
    ParameterError
        If the file is missing or not a caption file.
    """
    file = Path(os.fspath(path))
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{file}: cannot read caption file ({exc.strerror or exc})") from exc
    meta_lines = [line[len(_META_PREFIX):] if line.startswith(_META_PREFIX) else ""
                  for line in text.splitlines() if line.startswith(_META_PREFIX.rstrip())]
    try:
        meta = tomllib.loads("\n".join(meta_lines)).get("figure")
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{file}: malformed caption metadata: {exc}") from exc
    if not isinstance(meta, dict):
        raise ParameterError(f"{file}: not a simlib caption file (no '#: [figure]' header)")
    data = tomllib.loads(text)
    meta["scenario"] = load_scenario(file) if "scenario" in data else None
    meta.setdefault("runs", [])
    return meta


# --- image baselines for the tests -----------------------------------------------------------------------

#: Resolution of the test baselines: small files, about 11 px per text line in both styles.
BASELINE_DPI: Mapping[str, float] = MappingProxyType({"slide": 40.0, "handout": 100.0})


def save_baseline(fig: Figure, path: str | os.PathLike[str]) -> None:
    """Save a figure the way the image-comparison tests and their baselines do (PNG, no metadata).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure drawn by this module (its style sets the dpi, :data:`BASELINE_DPI`).
    path : str or os.PathLike
        Output PNG; overwritten.
    """
    style = figure_info(fig).style
    # Draw-time settings (text hinting, path simplification, ...) from matplotlib's defaults, so that the
    # baseline does not depend on the rcParams of the process that saves it.
    with mpl.rc_context(), mpl_style.context("default"):
        mpl.rcParams.update(EXPORT_RC)
        fig.savefig(path, format="png", dpi=BASELINE_DPI[style], metadata={"Software": None}, facecolor="white")


