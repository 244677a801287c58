"""simlib.labbook: the learner's work saved as it goes, restored after a restart, never lost."""

from __future__ import annotations

import json
import math
import threading
import warnings

import pytest

from simlib import ParameterError, labbook
from simlib._version import __version__


@pytest.fixture(autouse=True)
def _no_current_book():
    labbook.close()
    yield
    labbook.close()


def _reopen(book: labbook.LabBook) -> labbook.LabBook:
    """A new kernel: nothing in memory, the same file."""
    labbook.close()
    return labbook.open_labbook(book.lesson, book.path.parent)


def test_answers_and_tables_are_saved_as_they_go_and_restored(tmp_path):
    book = labbook.open_labbook("02-twitch", tmp_path, student="Ada Lovelace", code="AB12")
    assert labbook.current() is book and book.path == tmp_path / "02-twitch.labbook.json"
    book.save_answer("02-summation", {"kind": "quick-check", "choice": "b", "correct": True})
    rows = [{"interval_ms": 10.0, "peak": 0.31, "note": "held"}, {"interval_ms": 20.0, "peak": 0.28, "note": ""}]
    book.save_table("paired-pulses", rows)
    on_disk = json.loads(book.path.read_text(encoding="utf-8"))
    assert on_disk["schema"] == labbook.SCHEMA and on_disk["schema_version"] == labbook.SCHEMA_VERSION
    assert on_disk["simlib_version"] == __version__ and on_disk["lesson"] == "02-twitch"
    assert on_disk["student"] == {"name": "Ada Lovelace", "code": "AB12"}
    assert on_disk["tables"]["paired-pulses"]["rows"] == rows
    again = _reopen(book)
    assert "restored" in again.status and "1 answers, 1 tables" in again.status
    assert again.student == labbook.Student("Ada Lovelace", "AB12")
    assert again.answer("02-summation") == {"kind": "quick-check", "choice": "b", "correct": True}
    assert again.answers() == [{"key": "02-summation", "kind": "quick-check", "choice": "b", "correct": True}]
    assert again.load_table("paired-pulses") == rows and list(again.load_table("paired-pulses")[0]) == [
        "interval_ms", "peak", "note"]
    assert again.load_table("no-such-table") == []


def test_copies_are_returned_and_non_finite_numbers_become_null(tmp_path):
    book = labbook.open_labbook("x", tmp_path)
    book.save_table("t", [{"a": math.nan, "b": math.inf, "c": 1}])
    got = book.load_table("t")
    assert got == [{"a": None, "b": None, "c": 1}]
    got[0]["c"] = 99
    assert book.load_table("t")[0]["c"] == 1
    json.loads(book.path.read_text(encoding="utf-8"))  # strict JSON: no NaN


def test_bad_input_is_a_clear_error(tmp_path):
    book = labbook.open_labbook("x", tmp_path)
    with pytest.raises(ParameterError, match="list of dicts"):
        book.save_table("t", "a,b\n1,2")
    with pytest.raises(ParameterError, match="cannot be saved in a lab book"):
        book.save_answer("q", {"value": object()})
    with pytest.raises(ParameterError, match="needs a key"):
        book.save_answer("", {})
    with pytest.raises(ParameterError, match="lesson name"):
        labbook.open_labbook("../escape", tmp_path)
    with pytest.raises(ParameterError, match="is not a folder"):
        labbook.open_labbook("x", tmp_path / "missing")


NEWER = b'{"schema": "simlib-labbook", "schema_version": 99, "answers": {}, "tables": {}}'


@pytest.mark.parametrize("content", [b"{not json", b'{"schema": "someone-else", "answers": {}}', b"\xff\xfe", NEWER])
def test_a_damaged_or_foreign_file_is_kept_aside_and_a_new_book_started(tmp_path, content):
    target = tmp_path / "03.labbook.json"
    target.write_bytes(content)
    (tmp_path / "03.labbook.json.bak").write_bytes(b"an older backup")
    with pytest.warns(labbook.LabBookWarning, match="kept as 03.labbook.json.bak2"):
        book = labbook.open_labbook("03", tmp_path)
    assert (tmp_path / "03.labbook.json.bak2").read_bytes() == content  # nothing the user had is lost
    assert (tmp_path / "03.labbook.json.bak").read_bytes() == b"an older backup"
    assert "new lab book was started" in book.status and book.saving
    book.save_answer("q", {"choice": "a"})
    assert labbook.read_labbook(target)["answers"] == {"q": {"choice": "a"}}


def test_read_labbook_explains_what_is_wrong(tmp_path):
    bad = tmp_path / "a.json"
    bad.write_text("[]")
    with pytest.raises(ParameterError, match="not a simlib lab book"):
        labbook.read_labbook(bad)
    with pytest.raises(ParameterError, match="no such file"):
        labbook.read_labbook(tmp_path / "missing.json")


def test_an_unwritable_folder_keeps_the_work_in_memory_and_says_so(tmp_path, monkeypatch):
    book = labbook.open_labbook("04", tmp_path)

    def refuse(target, write, *, overwrite):  # what atomic_write raises in a read-only folder (even as root)
        raise ParameterError(f"{target}: cannot write (Read-only file system); nothing was changed")

    monkeypatch.setattr(labbook, "atomic_write", refuse)
    with pytest.warns(labbook.LabBookWarning, match="Read-only file system"):
        book.save_answer("q1", {"choice": "a"})
    assert not book.saving and "kept in memory" in book.status
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once, not at every save
        book.save_answer("q2", {"choice": "b"})
    assert [a["key"] for a in book.answers()] == ["q1", "q2"]
    monkeypatch.undo()
    book.save_answer("q3", {"choice": "c"})  # the folder is writable again: everything is saved
    assert book.saving and set(labbook.read_labbook(book.path)["answers"]) == {"q1", "q2", "q3"}


def test_concurrent_saves_from_threads_and_from_two_kernels_all_survive(tmp_path):
    book = labbook.open_labbook("05", tmp_path)
    other_kernel = labbook.LabBook(book.path, "05")  # a second kernel on the same notebook

    def save(which: labbook.LabBook, prefix: str) -> None:
        for i in range(15):
            which.save_answer(f"{prefix}{i}", {"i": i})

    threads = [threading.Thread(target=save, args=(book, "a")), threading.Thread(target=save, args=(book, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    save(other_kernel, "c")
    book.save_table("t", [{"x": 1}])
    saved = labbook.read_labbook(book.path)
    assert set(saved["answers"]) == {f"{p}{i}" for p in "abc" for i in range(15)}
    assert saved["tables"]["t"]["rows"] == [{"x": 1}]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".simlib-tmp-")]


def test_the_book_tells_the_learner_where_their_work_goes(tmp_path):
    book = labbook.open_labbook("06", tmp_path)
    assert "saved as you go" in book.status and str(book.path) in repr(book)
    assert 'role="status"' in book._repr_html_()
    book.set_student(name="  Bob ")
    assert book.student == labbook.Student("Bob", "")
    book.set_student(code="XY9")
    assert book.student == labbook.Student("Bob", "XY9")
