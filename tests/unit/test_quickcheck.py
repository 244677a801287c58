"""simlib.quickcheck: the questions in simlib/data/quick_checks.toml and the widget that asks them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ipywidgets = pytest.importorskip("ipywidgets", reason="the quick checks need the 'lab' extra (ipywidgets)")

import traitlets  # noqa: E402

from simlib import quickcheck, widgets  # noqa: E402
from simlib.quickcheck import Question, QuickCheckDataError  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SHIPPED = quickcheck.questions()
CALL = re.compile(r"quick_check\(")
ONE_ID = re.compile(r"""^\s*widgets\.quick_check\("([0-9]{2}-[a-z0-9-]+)"\)\s*$""")


@pytest.fixture(autouse=True)
def _fresh_record():
    quickcheck.clear_answers()
    yield
    quickcheck.clear_answers()


def _question(**changes) -> Question:
    fields = {"id": "99-test", "text": "Where does hypocalcaemic tetany start?",
              "options": ("in the muscle fibre", "in the motor axon", "in the brain"), "answer": "in the motor axon",
              "hints": {"in the muscle fibre": "Its contraction Ca²⁺ comes from the SR.",
                        "in the brain": "There was no command at all."},
              "explanation": "Low Ca²⁺ lets the axon's Na⁺ channels open near rest."}
    return Question(**(fields | changes))


def _notebook_calls() -> dict[str, list[str]]:
    """Quick-check ids called in each notebook's code cells, in order."""
    calls = {}
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        found = []
        for source in sources:
            if CALL.search(source):
                match = ONE_ID.match(source)
                assert match, f"{path.name}: a quick-check cell must be only widgets.quick_check(\"<id>\"):\n{source}"
                found.append(match.group(1))
        calls[path.name] = found
    return calls


# --- the data file --------------------------------------------------------------------------------


def test_the_data_file_is_in_the_package_and_loads():
    assert quickcheck.DATA_FILE.is_file()
    assert len(SHIPPED) >= 14
    assert len({q.id for q in SHIPPED}) == len(SHIPPED)


@pytest.mark.parametrize("q", SHIPPED, ids=lambda q: q.id)
def test_every_shipped_question_is_complete(q):
    assert re.fullmatch(r"[0-9]{2}-[a-z0-9-]+", q.id)
    assert q.text.strip() and q.explanation.strip()
    assert len(q.options) >= 2 and len(set(q.options)) == len(q.options)
    assert q.answer in q.options
    wrong = [o for o in q.options if o != q.answer]
    assert set(q.hints) == set(wrong) and all(len(q.hints[o]) > 30 for o in wrong)
    # a hint helps without giving the answer away
    assert all(q.answer not in q.hints[o] for o in wrong), q.id


def test_package_data_ships_the_toml_file():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'\[tool\.setuptools\.package-data\]\s*\nsimlib = \[[^\]]*"data/\*\.toml"', pyproject)


def test_every_lesson_quick_check_comes_from_the_file_and_every_question_is_asked_once():
    calls = _notebook_calls()
    asked = [qid for ids in calls.values() for qid in ids]
    assert sorted(asked) == sorted(q.id for q in SHIPPED)
    for notebook, ids in calls.items():
        assert all(qid.startswith(notebook[:2] + "-") for qid in ids), (notebook, ids)
    assert all(calls[p.name] for p in NOTEBOOKS if p.name[:2] in {"01", "02", "03", "04", "05", "06"})


def test_no_answer_or_explanation_in_the_notebooks():
    for path in NOTEBOOKS:
        code = "".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                       if c["cell_type"] == "code")
        for q in SHIPPED:
            assert q.explanation[:40] not in code, (path.name, q.id)


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "checks.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
[07.one]
text = "Q?"
explanation = "Because."
[[07.one.options]]
text = "a"
correct = true
[[07.one.options]]
text = "b"
hint = "Look again at b."
"""


def test_a_file_of_ones_own_loads(tmp_path):
    loaded = quickcheck.load_questions(_write(tmp_path, GOOD))
    assert list(loaded) == ["07-one"]
    assert loaded["07-one"].lesson == "07" and loaded["07-one"].hints == {"b": "Look again at b."}


@pytest.mark.parametrize(("change", "message"), [
    (('hint = "Look again at b."', ""), r"every wrong option needs a hint; missing for \['b'\]"),
    (("correct = true", 'hint = "x"'), "exactly one option needs 'correct = true'; found 0"),
    (('hint = "Look again at b."', "correct = true"), "exactly one option needs 'correct = true'; found 2"),
    (('text = "b"', 'text = "a"'), "at least two different"),
    (('explanation = "Because."', ""), "'explanation' must be a non-empty text"),
    (("correct = true", 'correct = true\nhint = "y"'), "the right option has a hint"),
    (('text = "Q?"', 'text = "Q?"\nanswer = "a"'), r"unknown keys \['answer'\]"),
    (('text = "Q?"', 'text = "Q?'), "not valid TOML"),
])
def test_an_incomplete_question_is_refused_with_a_message_naming_it(tmp_path, change, message):
    with pytest.raises(QuickCheckDataError, match=message) as info:
        quickcheck.load_questions(_write(tmp_path, GOOD.replace(*change, 1)))
    assert "checks.toml" in str(info.value)


def test_a_question_checks_its_own_fields():
    with pytest.raises(QuickCheckDataError, match="not one of the options"):
        _question(answer="in the spinal cord")
    with pytest.raises(QuickCheckDataError, match="not wrong options"):
        _question(hints={**_question().hints, "in the motor axon": "no"})


def test_an_unknown_id_suggests_the_close_one():
    with pytest.raises(KeyError, match="did you mean '02-summation'") as info:
        widgets.quick_check("02-sumation")
    assert str(info.value).startswith("'02-sumation' is not a quick-check id")


# --- the widget -----------------------------------------------------------------------------------


def test_the_notebook_call_shows_a_radio_group_named_by_the_question():
    qc = widgets.quick_check("02-summation")
    assert isinstance(qc, ipywidgets.VBox) and isinstance(qc, quickcheck.QuickCheck)
    q = quickcheck.question("02-summation")
    assert qc.choices.label == q.text and qc.choices.options == q.options and qc.choices.value is None
    # the front end names the group by its label: <fieldset role="radiogroup" aria-label=...><legend>
    esm = quickcheck.ChoiceGroup._esm
    assert 'setAttribute("aria-label", label)' in esm and "legend" in esm and "radiogroup" in esm
    assert "input.name = name" in esm  # one group: one Tab stop, arrow keys move between options
    with pytest.raises(traitlets.TraitError, match="not one of the options"):
        qc.choices.value = "something else"


def test_a_choice_from_the_front_end_sets_the_value_and_is_acknowledged(monkeypatch):
    """The radio group sends each choice as a custom message (ordered with the buttons' clicks)."""
    group = quickcheck.ChoiceGroup(label="Where?", options=("here", "there"))
    sent = []
    monkeypatch.setattr(group, "send", sent.append)
    group._on_front_end_message(group, {"event": "choose", "value": "there"}, [])
    assert group.value == "there" and sent == [{"event": "chosen"}]
    group._on_front_end_message(group, {"event": "choose", "value": "nowhere"}, [])  # not an option: ignored
    assert group.value == "there" and sent == [{"event": "chosen"}] * 2


def test_first_wrong_answer_gives_its_hint_and_a_retry_not_the_answer():
    q = _question()
    qc = quickcheck.QuickCheck(q)
    qc.check_button.click()
    assert qc.feedback_text == "Choose an answer first."
    qc.choices.value = "in the muscle fibre"
    assert qc.check() is False
    assert q.hints["in the muscle fibre"] in qc.feedback_text and qc.feedback_text.endswith("Try again.")
    assert q.explanation not in qc.feedback_text and q.answer not in qc.feedback_text
    assert qc.check() is False and qc.attempts == 1  # checking the same option again is not a new try
    assert q.explanation not in qc.feedback_text
    qc.choices.value = "in the motor axon"
    assert qc.feedback_text == ""  # a new choice clears the old feedback
    qc.check_button.click()
    assert qc.feedback_text == f"✔ Right. {q.explanation}" and 'aria-live="polite"' in qc.feedback.value
    assert qc.attempts == 2


def test_second_wrong_answer_shows_the_answer_and_explanation():
    q = _question()
    qc = quickcheck.QuickCheck(q)
    qc.choices.value = "in the muscle fibre"
    qc.check()
    qc.choices.value = "in the brain"
    assert qc.check() is False
    assert q.hints["in the brain"] in qc.feedback_text
    assert f"The answer is “{q.answer}”. {q.explanation}" in qc.feedback_text and qc.revealed


def test_show_answer_button():
    q = _question()
    qc = quickcheck.QuickCheck(q)
    assert not qc.revealed
    qc.show_button.click()
    assert qc.feedback_text == f"The answer is “{q.answer}”. {q.explanation}" and qc.revealed


def test_answers_are_recorded_while_the_kernel_runs():
    first, second = quickcheck.QuickCheck(_question()), quickcheck.QuickCheck(_question(id="99-other"))
    assert quickcheck.answers() == []
    first.choices.value = "in the brain"
    first.check()
    second.show_answer()
    first.choices.value = "in the motor axon"
    first.check()
    records = quickcheck.answers()
    assert [r["id"] for r in records] == ["99-test", "99-other"]
    assert {k: v for k, v in records[0].items() if k != "time"} == {
        "id": "99-test", "choice": "in the motor axon", "attempts": 2, "correct": True, "revealed": False}
    assert records[1]["revealed"] is True and records[1]["attempts"] == 0 and records[1]["correct"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", records[0]["time"])
    records[0]["correct"] = False  # a copy
    assert quickcheck.answers()[0]["correct"] is True
    quickcheck.clear_answers()
    assert quickcheck.answers() == []


def test_a_check_can_be_left_out_of_the_record():
    qc = quickcheck.quick_check(_question(), record=False)
    qc.choices.value = "in the brain"
    qc.check()
    assert quickcheck.answers() == []


def test_quick_check_needs_a_question():
    with pytest.raises(TypeError, match="needs a Question"):
        quickcheck.QuickCheck("02-summation")


# --- saved to the lab book, restored after a kernel restart -------------------------------------------------


def test_checks_are_saved_to_the_lab_book_and_restored_after_a_restart(tmp_path):
    from simlib import labbook

    try:
        labbook.open_labbook("99-lesson", tmp_path)
        qc = quickcheck.QuickCheck(_question())
        qc.choices.value = "in the brain"
        qc.check()
        saved = labbook.read_labbook(tmp_path / "99-lesson.labbook.json")["answers"]["99-test"]
        assert saved["kind"] == quickcheck.KIND and saved["choice"] == "in the brain" and saved["correct"] is False
        wrong_feedback = qc.feedback_text
        # a kernel restart: nothing in memory; the lesson opens its lab book again and makes the check again
        quickcheck.clear_answers()
        labbook.close()
        labbook.open_labbook("99-lesson", tmp_path)
        again = quickcheck.QuickCheck(_question())
        assert again.choices.value == "in the brain" and again.attempts == 1
        assert again.feedback_text == wrong_feedback
        assert quickcheck.answers()[0]["choice"] == "in the brain"
        again.choices.value = "in the motor axon"
        again.check()
        labbook.close()
        labbook.open_labbook("99-lesson", tmp_path)
        third = quickcheck.QuickCheck(_question())
        assert third.feedback_text.startswith("✔ Right.") and third.revealed and third.attempts == 2
        assert quickcheck.QuickCheck(_question(id="99-other")).feedback_text == ""  # not answered: fresh
    finally:
        labbook.close()


def test_without_a_lab_book_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    qc = quickcheck.QuickCheck(_question())
    qc.choices.value = "in the brain"
    qc.check()
    assert list(tmp_path.iterdir()) == []
