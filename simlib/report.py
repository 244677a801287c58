"""The lab report: a learner's lab book as one self-contained HTML file (and a PDF), ready to hand in.

:func:`write_report` turns a lab book (:mod:`simlib.labbook`, the open one or its JSON file) into a
single HTML file with the learner's name and student code, the simlib version and the date, every
answer (quick checks, worksheet questions, numeric answers with the value their own run gave) and
every recorded data table, each table also drawn as a plot embedded as a PNG image with alt text. No
file beside it, no network: it opens anywhere and can be uploaded to a learning platform.

With ``pdf=True`` a PDF with the same content is written beside it, with matplotlib's PdfPages (no
new dependency): a page of answers, then one page per table with its plot.

Every text the learner typed is escaped: a name such as ``<script>`` shows as text, never runs.
Files are written atomically (:mod:`simlib._fileio`). On the command line::

    simlib report 02-twitch.labbook.json -o report.html --pdf
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from simlib._fileio import atomic_write_set
from simlib._version import __version__
from simlib.errors import ParameterError
from simlib.labbook import SUFFIX, LabBook, current, read_labbook
from simlib.widgets.datatable import format_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["answer_rows", "default_report_path", "plot_table", "report_html", "write_report"]

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #000; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em 0; }
th, td { border: 1px solid #666; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
.right { color: #006B4F; } .wrong { color: #9A3600; }
img { max-width: 100%; height: auto; }
"""


def _fmt(value: object) -> str:
    """Return a value as the report shows it (a dash where there is none)."""
    return format_value(value, missing="—")


def answer_rows(answers: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """Return one ``(question, answer, result)`` text triple per saved answer, for a table.

    Quick checks (and mystery patients: the step and diagnosis chosen) show the choice, attempts and whether
    the answer was shown; numeric answers show the
    value with its unit and the value the learner's own run gave, with the tolerance; free text shows
    the text. Any other record shows its fields.
    """
    rows = []
    for key, rec in answers.items():
        kind, question = rec.get("kind"), str(rec.get("prompt") or key)
        if kind in ("quick-check", "mystery-patient"):
            result = ("right" if rec.get("correct") else "not right") + f" after {rec.get('attempts', 0)} tries"
            if rec.get("revealed") and not rec.get("correct"):
                result += "; answer shown"
            chosen = rec.get("choice") if kind == "quick-check" else rec.get("step")
            if kind == "mystery-patient" and rec.get("diagnosis"):
                chosen = f"{chosen}; diagnosis: {rec['diagnosis']}"
                result += "; diagnosis " + ("right" if rec.get("diagnosis_correct") else "not right")
            rows.append((question, _fmt(chosen), result))
        elif kind == "numeric":
            unit = f" {rec.get('unit')}" if rec.get("unit") else ""
            verdict = "within" if rec.get("correct") else "outside"
            result = (f"{verdict} ±{_fmt(rec.get('tolerance'))}{unit} of your run's "
                      f"{_fmt(rec.get('expected'))}{unit}")
            rows.append((question, f"{_fmt(rec.get('value'))}{unit}", result))
        elif kind == "text":
            rows.append((question, _fmt(rec.get("text")), "—"))
        else:
            shown = {k: v for k, v in rec.items() if k not in ("kind", "time")}
            rows.append((question, _fmt(shown), "—"))
    return rows


def _numeric_columns(rows: Sequence[Mapping[str, object]]) -> list[str]:
    names = list(dict.fromkeys(name for row in rows for name in row))
    return [n for n in names if all(isinstance(r.get(n), (int, float)) and not isinstance(r.get(n), bool)
                                    for r in rows if r.get(n) is not None)
            and any(r.get(n) is not None for r in rows)]


def plot_table(key: str, rows: Sequence[Mapping[str, object]]) -> tuple[Figure, str] | None:
    """Draw a data table: its first numeric column across, every other numeric column up.

    Returns
    -------
    (matplotlib.figure.Figure, str) or None
        The figure and its alt text; None if the table has fewer than two numeric columns or rows.
    """
    columns = _numeric_columns(rows)
    if len(columns) < 2 or len(rows) < 2:
        return None
    from matplotlib.figure import Figure

    from simlib import palette

    x_name, ys = columns[0], columns[1:5]
    fig = Figure(figsize=(6.0, 3.2), dpi=100)
    ax = fig.add_subplot()
    colours, markers = (palette.BLUE, palette.VERMILLION, palette.BLUISH_GREEN, palette.REDDISH_PURPLE), "osD^"
    points = sorted((r for r in rows if r.get(x_name) is not None), key=lambda r: float(r[x_name]))  # type: ignore[arg-type]
    for y_name, colour, marker in zip(ys, colours, markers, strict=False):
        pairs = [(r[x_name], r[y_name]) for r in points if r.get(y_name) is not None]
        ax.plot([p[0] for p in pairs], [p[1] for p in pairs], marker=marker, color=colour, label=y_name)
    ax.set_xlabel(x_name)
    ax.set_title(key)
    if len(ys) > 1:
        ax.legend(frameon=False)
    else:
        ax.set_ylabel(ys[0])
    fig.tight_layout()
    alt = (f"Plot of the recorded table “{key}”: {', '.join(ys)} against {x_name} for {len(points)} rows; "
           f"{x_name} from {_fmt(points[0][x_name])} to {_fmt(points[-1][x_name])}.")
    return fig, alt


def _png_base64(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _html_table(header: Sequence[str], rows: Sequence[Sequence[object]], caption: str) -> str:
    esc = html.escape
    head = "".join(f'<th scope="col">{esc(str(h))}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(_fmt(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(book: Mapping[str, Any], *, generated: dt.datetime | None = None) -> str:
    """Return the lab report of a lab book (its saved dict, :meth:`simlib.labbook.LabBook.to_dict`) as HTML."""
    esc = html.escape
    when = (generated or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    student = book.get("student") or {}
    lesson = str(book.get("lesson", ""))
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lab report: {esc(lesson)}"
             f"</title><style>{_STYLE}</style></head><body><main>",
             f"<h1>Lab report: {esc(lesson)}</h1>",
             _html_table(("", ""), [("Name", student.get("name") or "—"), ("Student code", student.get("code") or "—"),
                                    ("Lab book started", book.get("created")), ("Last saved", book.get("updated")),
                                    ("Report written", when),
                                    ("simlib", f"{__version__} (lab book saved by {book.get('simlib_version')})")],
                         "Who and when"),
             "<h2>Answers</h2>"]
    answers = book.get("answers") or {}
    if answers:
        parts.append(_html_table(("Question", "Answer", "Result"), answer_rows(answers), "Answers"))
    else:
        parts.append("<p>No answers were saved.</p>")
    parts.append("<h2>Recorded data</h2>")
    tables = book.get("tables") or {}
    if not tables:
        parts.append("<p>No data table was recorded.</p>")
    for key, table in tables.items():
        rows = table.get("rows") or []
        parts.append(f"<h3>{esc(str(key))}</h3>")
        header = list(dict.fromkeys(name for row in rows for name in row))
        parts.append(_html_table(header, [[row.get(h) for h in header] for row in rows], f"Table: {key}")
                     if rows else "<p>The table is empty.</p>")
        drawn = plot_table(str(key), rows)
        if drawn is not None:
            fig, alt = drawn
            parts.append(f'<figure><img src="data:image/png;base64,{_png_base64(fig)}" alt="{esc(alt, quote=True)}">'
                         f"<figcaption>{esc(alt)}</figcaption></figure>")
    parts.append("</main></body></html>\n")
    return "".join(parts)


def _write_pdf(book: Mapping[str, Any], handle: BinaryIO) -> None:
    """Write the report as PDF pages (matplotlib's PdfPages): the answers, then one page per table."""
    import textwrap

    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    student = book.get("student") or {}
    lines = [f"Lab report: {book.get('lesson', '')}",
             f"Name: {student.get('name') or '-'}    Student code: {student.get('code') or '-'}",
             f"simlib {__version__}    written {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}", ""]
    for question, answer, result in answer_rows(book.get("answers") or {}):
        lines += textwrap.wrap(f"Q: {question}", 95) + textwrap.wrap(f"A: {answer}  ({result})", 95) + [""]
    with PdfPages(handle) as pdf:
        for start in range(0, max(len(lines), 1), 55):
            page = Figure(figsize=(8.27, 11.69))
            page.text(0.06, 0.96, "\n".join(lines[start:start + 55]), va="top", family="DejaVu Sans", fontsize=9)
            pdf.savefig(page)
        for key, table in (book.get("tables") or {}).items():
            rows = table.get("rows") or []
            header = list(dict.fromkeys(name for row in rows for name in row))
            page = Figure(figsize=(8.27, 11.69))
            page.text(0.06, 0.96, f"Recorded data: {key}", va="top", fontsize=12)
            if rows:
                ax = page.add_axes((0.06, 0.45, 0.88, 0.48))
                ax.axis("off")
                ax.table(cellText=[[_fmt(r.get(h)) for h in header] for r in rows[:40]], colLabels=header,
                         loc="upper left")
            drawn = plot_table(str(key), rows)
            if drawn is not None:
                buffer = io.BytesIO()
                drawn[0].savefig(buffer, format="png", dpi=150)
                import matplotlib.image as mpimg

                buffer.seek(0)
                image_ax = page.add_axes((0.06, 0.05, 0.88, 0.36))
                image_ax.imshow(mpimg.imread(buffer, format="png"))
                image_ax.axis("off")
            pdf.savefig(page)


def default_report_path(labbook_path: str | os.PathLike[str]) -> Path:
    """Return the default report path of a lab-book file: ``02-twitch.labbook.json`` → ``02-twitch.report.html``."""
    path = Path(labbook_path)
    stem = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.stem
    return path.with_name(f"{stem}.report.html")


def write_report(book: LabBook | str | os.PathLike[str] | None = None, path: str | os.PathLike[str] | None = None,
                 *, pdf: bool = False, overwrite: bool = True) -> tuple[Path, ...]:
    """Write the lab report of a lab book: one self-contained HTML file, and a PDF beside it if asked.

    Parameters
    ----------
    book : LabBook, str or path-like, optional
        The lab book, or its JSON file; default: the current one (:func:`simlib.labbook.current`).
    path : str or path-like, optional
        The HTML file; default: beside the lab book, ``<lesson>.report.html``.
    pdf : bool, keyword-only
        Also write the report as PDF (same name, ``.pdf``), with matplotlib.
    overwrite : bool, keyword-only
        Replace existing files (default True: a learner writes the report again as they go).

    Returns
    -------
    tuple of pathlib.Path
        The files written (HTML first).

    Raises
    ------
    ParameterError
        If there is no lab book, the file is not a lab book, or a file cannot be written (then none
        of the files is written).
    """
    if book is None:
        book = current()
        if book is None:
            raise ParameterError("write_report() needs a lab book: open one first with "
                                 "simlib.labbook.open_labbook('<lesson>'), or give a .labbook.json file")
    if isinstance(book, LabBook):
        data, source = book.to_dict(), book.path
    else:
        source = Path(book)
        data = read_labbook(source)
    target = Path(path) if path is not None else default_report_path(source)
    page = report_html(data).encode("utf-8")
    items: list[tuple[Path, Any]] = [(target, lambda handle: handle.write(page))]
    if pdf:
        items.append((target.with_suffix(".pdf"), lambda handle: _write_pdf(data, handle)))
    atomic_write_set(items, overwrite=overwrite)
    return tuple(p for p, _ in items)
