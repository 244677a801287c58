"""simlib.mystery: every case loads, runs, and its evidence points to its broken step; answers are checked and saved."""

from __future__ import annotations

import pytest

import simlib
from simlib import labbook, mystery
from simlib.errors import ParameterError
from simlib.presets import PRESETS


def _step_from_evidence(p: mystery.Evidence, h: mystery.Evidence) -> str:
    """The reasoning a learner is asked for, as rules on the readings against the healthy run (no model numbers)."""
    if p.nerve_spikes["self-sustained"] >= 2 or p.nerve_spikes["reflex"] > h.nerve_spikes["reflex"] + 4:
        return "motoneuron"
    if p.nerve_spikes["ectopic"] >= 2:
        return "axon"
    if p.muscle_spikes_after_drive == 0 and p.force_after_drive >= 0.2:
        return "crossbridges"  # force stays while the muscle is electrically silent: contracture
    if p.muscle_spikes != p.nerve_total:  # impulses arrive but do not fire the fibre one for one
        return "membrane" if p.resting_potential_mV > h.resting_potential_mV + 5.0 else "junction"
    if p.ca_peak_uM < 0.5 * h.ca_peak_uM:
        return "release"
    return "normal"


@pytest.fixture(scope="module")
def examined():
    return {c.id: mystery.examine(c) for c in mystery.cases()}


@pytest.fixture(autouse=True)
def _fresh():
    mystery.clear_answers()
    labbook.close()
    yield
    mystery.clear_answers()
    labbook.close()


def test_the_shipped_set():
    steps = [s.key for s in mystery.steps()]
    assert steps == ["motoneuron", "axon", "junction", "membrane", "release", "crossbridges"]
    found = mystery.cases()
    assert len(found) >= 10 and len({c.id for c in found}) == len(found)
    assert {c.step for c in found} == set(steps), "every step of the chain is broken in some case"
    for c in found:
        assert c.preset in PRESETS and c.citation and c.explanation
        for word in (c.preset.replace("_", " "), c.diagnosis.split(" (")[0]):  # the vignette keeps the secret
            assert word.lower() not in c.vignette.lower(), (c.id, word)
        assert mystery.step(c.step).label.lower() not in c.vignette.lower()


@pytest.mark.parametrize("case_id", [c.id for c in mystery.cases()])
def test_every_case_runs_and_its_evidence_points_to_its_step(examined, case_id):
    res, patient, healthy = examined[case_id]
    c = mystery.case(case_id)
    assert res.scenario == c.scenario
    assert _step_from_evidence(healthy, healthy) == "normal"
    assert _step_from_evidence(patient, healthy) == c.step
    assert len(mystery.findings(patient, healthy)) == 6


def test_classification_agrees_with_the_step(examined):
    # tetany starts in the axon, cramp and spasticity in the motoneuron, contracture has force without APs
    expected = {"axon": {"tetany"}, "motoneuron": {"cramp", "spasticity"}, "crossbridges": {"contracture"}}
    for case_id, (res, patient, _) in examined.items():
        step = mystery.case(case_id).step
        label = res.metrics().classification
        if step in expected:
            assert label in expected[step], (case_id, label)
        if step == "axon":
            assert patient.nerve_spikes["ectopic"] >= 2 and res.ectopic_spikes.size == patient.nerve_spikes["ectopic"]
        if step == "crossbridges":
            assert patient.muscle_spikes_after_drive == 0 and patient.force_after_drive > 0.2


def test_evidence_equals_what_the_result_says(examined):
    res, patient, _ = examined["B"]
    assert patient.muscle_spikes == res.muscle_spikes.size
    assert patient.nerve_total == res.nerve_spikes.size
    assert patient.peak_force == pytest.approx(float(res.force.max()))
    assert patient.ca_peak_uM == pytest.approx(float(res.ca_i.max()))


def test_healthy_reference_keeps_the_procedure_only():
    c = next(c for c in mystery.cases() if c.preset == "exercise_cramp")
    ref = mystery.healthy_reference(c)
    assert ref.rate_hz == c.scenario.rate_hz and ref.duration_s == c.scenario.duration_s
    assert ref.fatigue == simlib.Scenario().fatigue and ref.pic_gain == simlib.Scenario().pic_gain


def test_check_right_and_wrong():
    c = mystery.cases()[0]
    right = mystery.check(c.id, c.step, c.diagnosis)
    assert right.step_correct and right.diagnosis_correct and right.feedback.startswith("✔")
    other = next(s for s in mystery.steps() if s.key != c.step)
    wrong = mystery.check(c.id, other.key)
    assert not wrong.step_correct and wrong.diagnosis_correct is None
    assert other.sign in wrong.feedback and c.explanation not in wrong.feedback  # a hint, not the answer
    wrong_dx = next(d for d in mystery.diagnoses() if d != c.diagnosis)
    assert mystery.check(c.id, c.step, wrong_dx).diagnosis_correct is False


@pytest.mark.parametrize(("args", "word"), [(("Z", "axon"), "mystery patient"), (("A", "nerve"), "step"),
                                            (("A", "axon", "flu"), "diagnosis")])
def test_check_refuses_unknown_names(args, word):
    with pytest.raises(ParameterError, match=word):
        mystery.check(*args)


def test_answers_go_to_the_open_lab_book(tmp_path):
    book = labbook.open_labbook("11-mystery", tmp_path)
    rec = mystery.record(mystery.check("A", "axon"), attempts=1, revealed=False)
    assert rec["kind"] == mystery.KIND and rec["correct"] is False
    saved = labbook.read_labbook(book.path)["answers"]["mystery-A"]
    assert saved["step"] == "axon" and saved["attempts"] == 1
    mystery.clear_answers()  # a kernel restart: the lab book still has it
    labbook.open_labbook("11-mystery", tmp_path)
    assert mystery.restored("A")["step"] == "axon"
    assert mystery.restored("B") is None


@pytest.mark.parametrize(("text", "message"), [
    ("[steps.a]\nlabel='A'\nsign='s'\n[[case]]\nid='X'\nvignette='v'\npreset='nope'\nstep='a'\ndiagnosis='d'\n"
     "explanation='e'\ncitation='c'\n", "preset"),
    ("[steps.a]\nlabel='A'\nsign='s'\n[[case]]\nid='X'\nvignette='v'\npreset='healthy'\nstep='b'\ndiagnosis='d'\n"
     "explanation='e'\ncitation='c'\n", "step"),
    ("[steps.a]\nlabel='A'\nsign='s'\n[[case]]\nid='X'\nvignette='v'\npreset='healthy'\nstep='a'\ndiagnosis='d'\n"
     "explanation='e'\ncitation='c'\nchanges={ca_mM=99}\n", "ca_mM"),
    ("[steps.a]\nlabel='A'\nsign='s'\n[[case]]\nid='X'\npreset='healthy'\nstep='a'\ndiagnosis='d'\n"
     "explanation='e'\ncitation='c'\n", "vignette"),
    ("not toml [", "TOML"),
])
def test_bad_files_are_refused_with_a_reason(tmp_path, text, message):
    path = tmp_path / "cases.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mystery.MysteryDataError, match=message):
        mystery.load_cases(path)


def test_the_lab_report_shows_a_mystery_answer(tmp_path):
    from simlib.report import answer_rows

    labbook.open_labbook("11-mystery", tmp_path)
    c = mystery.case("B")
    rec = mystery.record(mystery.check(c.id, c.step, c.diagnosis), attempts=1, revealed=False)
    ((question, answer, result),) = answer_rows({"mystery-B": rec})
    assert "B" in question and c.step in answer and c.diagnosis in answer
    assert result.startswith("right") and "diagnosis right" in result
