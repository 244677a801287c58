"""simlib.widgets.mystery_patient: built headless (Agg) and answered through its controls, as a learner would."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

ipywidgets = pytest.importorskip("ipywidgets", reason="the widgets need the 'lab' extra (ipywidgets)")

from simlib import labbook, mystery, widgets  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh():
    mystery.clear_answers()
    labbook.close()
    yield
    mystery.clear_answers()
    labbook.close()


def test_shows_the_case_without_its_answer():
    w = widgets.mystery_patient("B")
    c = mystery.case("B")
    assert w.case is c and w.patient_select.value == "B"
    assert c.vignette in w.vignette.value.replace("&#x27;", "'")
    assert w._image.value[:2] == b"\xff\xd8"  # a JPEG of the panels
    assert all(f in w.alt_text for f in w.findings) and c.diagnosis not in w.alt_text
    assert c.explanation not in w.feedback.value and w.feedback_text == ""
    assert w.step_choice.label and set(w.step_choice.options) == {s.label for s in mystery.steps()}
    for button in (w.check_button, w.reveal_button):
        assert button.description  # accessible name


def test_wrong_then_right_is_checked_explained_and_saved(tmp_path):
    book = labbook.open_labbook("11-mystery", tmp_path)
    w = widgets.mystery_patient("E")
    c = w.case
    assert w.check() is None and "first" in w.feedback_text
    wrong = next(s for s in mystery.steps() if s.key != c.step)
    w.select(wrong.key)
    assert w.check().step_correct is False
    assert wrong.sign in w.feedback_text and c.explanation not in w.feedback_text
    w.select(c.step, c.diagnosis)
    verdict = w.check()
    assert verdict.step_correct and verdict.diagnosis_correct
    assert c.explanation in w.feedback_text and c.citation in w.feedback_text
    saved = labbook.read_labbook(book.path)["answers"][f"mystery-{c.id}"]
    assert saved["correct"] is True and saved["attempts"] == 2 and saved["revealed"] is False
    assert saved == {**mystery.answers()[0], "time": saved["time"]}


def test_two_wrong_steps_reveal_the_answer():
    w = widgets.mystery_patient("A")
    others = [s.key for s in mystery.steps() if s.key != w.case.step]
    for key in others[:2]:
        w.select(key)
        w.check()
    assert w.revealed and w.case.explanation in w.feedback_text
    assert mystery.answers()[0]["revealed"] is True


def test_show_explanation_is_recorded_as_revealed():
    w = widgets.mystery_patient("C")
    w.reveal()
    assert w.case.explanation in w.feedback_text and mystery.step(w.case.step).label in w.feedback_text


def test_switching_patient_and_restoring_after_a_restart(tmp_path):
    labbook.open_labbook("11-mystery", tmp_path)
    w = widgets.mystery_patient("G")
    w.select("junction")
    w.check()
    w.patient_select.value = "H"
    assert w.case.id == "H" and w.step_choice.value is None and w.feedback_text == ""
    mystery.clear_answers()  # a kernel restart: the widget is made again from the lab book
    labbook.open_labbook("11-mystery", tmp_path)
    again = widgets.mystery_patient("G")
    assert again.step_choice.value == mystery.step("junction").label and again.attempts == 1
    assert "Not this step" in again.feedback_text
