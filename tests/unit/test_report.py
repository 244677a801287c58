"""simlib.report, simlib.worksheet and the 'report' / 'answer-key' commands."""

from __future__ import annotations

import base64
import csv
import html.parser

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import simlib  # noqa: E402
from simlib import answerkey, labbook, report  # noqa: E402
from simlib.__main__ import main  # noqa: E402

EVIL = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def _no_current_book():
    labbook.close()
    yield
    labbook.close()


def _book(tmp_path):
    book = labbook.open_labbook("02-twitch", tmp_path, student=EVIL, code="AB12")
    book.save_answer("02-summation", {"kind": "quick-check", "choice": EVIL, "attempts": 2, "correct": True})
    book.save_answer("02-latent", {"kind": "numeric", "prompt": "Latent period?", "value": 3.1, "unit": "ms",
                                   "expected": 3.0, "tolerance": 0.5, "correct": True})
    book.save_answer("02-why", {"kind": "text", "prompt": "Why?", "text": '<img src=x onerror="alert(1)">'})
    book.save_table("paired", [{"interval_ms": i, "peak": 0.2 + 0.01 * i, "note": EVIL} for i in (5, 10, 20)])
    return book


class _Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.images = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs))


def test_the_report_escapes_learner_text_and_embeds_its_figures(tmp_path):
    written = report.write_report(_book(tmp_path), pdf=True)
    assert written == (tmp_path / "02-twitch.report.html", tmp_path / "02-twitch.report.pdf")
    page = written[0].read_text(encoding="utf-8")
    parsed = _Collect()
    parsed.feed(page)
    assert "script" not in parsed.tags and EVIL not in page and "&lt;script&gt;" in page
    assert [img["src"][:22] for img in parsed.images] == ["data:image/png;base64,"]  # only ours, self-contained
    assert base64.b64decode(parsed.images[0]["src"][22:]).startswith(b"\x89PNG")
    assert "peak against interval_ms" in parsed.images[0]["alt"]
    for fragment in ("AB12", simlib.__version__, "Latent period?", "within ±0.5 ms", "right after 2 tries"):
        assert fragment in page
    assert written[1].read_bytes().startswith(b"%PDF")


def test_the_report_command(tmp_path, capsys):
    path = _book(tmp_path).path
    assert main(["report", str(path), "-o", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["report", str(path), "-o", str(tmp_path / "r.html")]) == 1
    assert "already exists; pass --overwrite" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{}")
    assert main(["report", str(tmp_path / "bad.json")]) == 1
    err = capsys.readouterr().err
    assert "not a simlib lab book" in err and len(err.strip().splitlines()) == 1


def test_write_report_needs_a_lab_book():
    with pytest.raises(simlib.ParameterError, match="open one first"):
        report.write_report()


def test_answer_key_matches_each_students_own_run(tmp_path, capsys):
    codes = tmp_path / "codes.txt"
    codes.write_text("# class A\nab12\n\n  CD34\n", encoding="utf-8")
    out = tmp_path / "key.csv"
    assert main(["answer-key", str(codes), "-o", str(out), "--quiet"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["code"] for r in rows] == ["AB12", "CD34"]
    assert list(rows[0]) == ["code", *(c.name for c in answerkey.COLUMNS)]
    for row in rows:  # the key is what the public API measures on that student's preparation
        tw = simlib.twitch(simlib.Scenario(motor_units=1), constants=simlib.individual(row["code"]))
        assert float(row["time_to_peak_ms"]) == pytest.approx(tw.contraction_time_ms, rel=1e-5)
        assert float(row["latent_period_ms"]) == pytest.approx(tw.latent_period_ms, rel=1e-5)
        assert float(row["force_10hz"]) < float(row["force_20hz"]) < float(row["force_50hz"])
    assert rows[0]["time_to_peak_ms"] != rows[1]["time_to_peak_ms"]
    assert main(["answer-key", str(codes), "-o", str(out), "--quiet"]) == 1
    assert "pass --overwrite" in capsys.readouterr().err


@pytest.mark.parametrize(("content", "fragment"), [("ab12\nAB12\n", "line 2: code 'AB12' is already on line 1"),
                                                   ("ok1\nnot ok!\n", "line 2: a student code must be"),
                                                   ("# nobody\n\n", "no student code found")])
def test_answer_key_bad_class_lists_are_one_line(tmp_path, capsys, content, fragment):
    codes = tmp_path / "codes.txt"
    codes.write_text(content, encoding="utf-8")
    assert main(["answer-key", str(codes)]) == 1
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_numeric_question_is_checked_against_the_learners_own_run(tmp_path):
    pytest.importorskip("ipywidgets")
    from simlib import worksheet

    res = simlib.simulate(simlib.Scenario(motor_units=1, drive="stimulation", duration_s=1.0), output_dt_s=1e-4,
                          protocol=simlib.Protocol.pulses([0.2]))
    measured = simlib.experiments.twitch_of(res, 0.2).latent_period_ms
    labbook.open_labbook("02-twitch", tmp_path)
    q = worksheet.numeric_question("02-latent", "Latent period?", measure="latent_period_ms", source=res,
                                   tolerance=0.5, unit="ms")
    assert q.expected == measured
    q.entry.value = measured + 0.8
    assert q.check() is False
    q.entry.value = measured + 0.4
    assert q.check() is True
    saved = labbook.read_labbook(tmp_path / "02-twitch.labbook.json")["answers"]["02-latent"]
    assert saved["kind"] == "numeric" and saved["correct"] is True and saved["attempts"] == 2
    assert saved["expected"] == measured and saved["tolerance"] == 0.5
    labbook.close()
    labbook.open_labbook("02-twitch", tmp_path)  # after a restart the answer is shown again
    again = worksheet.numeric_question("02-latent", "Latent period?", measure="latent_period_ms", source=res,
                                       tolerance=0.5, unit="ms")
    assert again.entry.value == measured + 0.4 and "Right" in again.feedback.value
    row = {"interval_ms": 20.0, "peak": 0.37}
    assert worksheet.expected_value(row, "peak") == 0.37
    with pytest.raises(simlib.ParameterError, match="did you mean 'latent_period_ms'"):
        worksheet.expected_value(res, "latent_period")
    text = worksheet.text_question("02-why", "Why?")
    text.entry.value = "Because <b>calcium</b>"
    text.save()
    assert labbook.current().answer("02-why")["text"] == "Because <b>calcium</b>"
