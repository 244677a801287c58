"""The lab book: what the learner did in a lesson, saved as they go to a small JSON file.

A lesson opens its lab book once, in a code cell::

    book = simlib.labbook.open_labbook("02-twitch")
    book                      # tells where the work is saved, and what was restored

From then on every quick check (:mod:`simlib.quickcheck`), worksheet answer
(:mod:`simlib.worksheet`) and recorded data table (:meth:`LabBook.save_table`) is written to
``02-twitch.labbook.json`` in the kernel's working directory, which is the notebook's folder in
JupyterLab and Voilà. After a kernel restart, opening the lab book again restores everything: a
quick check made again shows the learner's earlier choice and its feedback.

What is promised (nothing a learner saved is lost):

- every save writes the whole file atomically (:func:`simlib._fileio.atomic_write`): a reader, or a
  crash, never sees half a file;
- a file that is not valid JSON, or not a lab book (a foreign or damaged file), is kept aside as
  ``<name>.bak`` (``.bak2``, ... if that exists) and the lab book starts empty, saying so in words;
- a folder that cannot be written (read-only, full disk) leaves the lab book working in memory, with
  one warning that says why and what to do;
- saves from several threads, or from two kernels on the same file, merge: each save re-reads the
  file and keeps the entries that another writer added (the last save of one entry wins).

The file (schema ``simlib-labbook``, version :data:`SCHEMA_VERSION`) is documented in
``docs/classroom.md`` ("Collecting the learners' work").
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import re
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simlib._fileio import atomic_write
from simlib._version import __version__
from simlib.errors import ParameterError

__all__ = ["SCHEMA", "SCHEMA_VERSION", "SUFFIX", "LabBook", "LabBookWarning", "Student", "close", "current",
           "open_labbook", "read_labbook"]

#: The ``schema`` field of every lab-book file.
SCHEMA = "simlib-labbook"
#: Version of the file layout; a reader refuses (and keeps aside) a file of a newer version.
SCHEMA_VERSION = 1
#: File name ending: ``<name>.labbook.json``.
SUFFIX = ".labbook.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MAX_BYTES = 5_000_000  # a lab book holds answers and small tables; anything bigger is not one of ours

_lock = threading.RLock()
_current: LabBook | None = None


class LabBookWarning(UserWarning):
    """The lab book could not be saved (it keeps working in memory) or a damaged file was set aside."""


@dataclass(frozen=True)
class Student:
    """Who the lab book belongs to: a name and the student code a teacher gave (both may be empty)."""

    name: str = ""
    code: str = ""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _json_safe(value: object, where: str) -> Any:
    """Return a deep copy of ``value`` with only JSON types (str, finite/None numbers, bool, lists, dicts)."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) or (hasattr(value, "dtype") and hasattr(value, "item")):
        number = float(value.item() if hasattr(value, "item") else value)  # numpy scalars too
        return number if math.isfinite(number) else None  # JSON has no NaN or inf
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v, where) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v, where) for v in value]
    raise ParameterError(f"{where}: {type(value).__name__} cannot be saved in a lab book; use text, numbers, "
                         "True/False, lists or dicts")


def _empty(lesson: str, student: Student) -> dict[str, Any]:
    return {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "simlib_version": __version__, "lesson": lesson,
            "student": {"name": student.name, "code": student.code}, "created": _now(), "updated": None,
            "answers": {}, "tables": {}}


def _problem(data: object) -> str | None:
    """Why ``data`` is not a lab book this version can read (None if it is one)."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return "it is not a simlib lab book"
    version = data.get("schema_version")
    if not isinstance(version, int) or version < 1:
        return "its schema_version is missing"
    if version > SCHEMA_VERSION:
        return f"it was written by a newer simlib (lab-book schema {version}; this simlib reads {SCHEMA_VERSION})"
    if not isinstance(data.get("answers"), dict) or not isinstance(data.get("tables"), dict):
        return "its answers or tables are damaged"
    if not all(isinstance(t, dict) and isinstance(t.get("rows"), list) for t in data["tables"].values()):
        return "a table is damaged"
    if not isinstance(data.get("student", {}), dict):
        return "its student entry is damaged"
    return None


def read_labbook(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a lab-book file (for a teacher's script, the report or the command line).

    Parameters
    ----------
    path : str or path-like
        A ``*.labbook.json`` file.

    Returns
    -------
    dict
        The file's content (see the schema in ``docs/classroom.md``).

    Raises
    ------
    ParameterError
        If the file cannot be read, is not JSON, or is not a lab book this simlib can read; the message
        starts with the path.
    """
    target = Path(path)
    try:
        if target.stat().st_size > _MAX_BYTES:
            raise ParameterError(f"{target}: too large for a lab book ({target.stat().st_size} bytes)")
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"{target}: no such file") from None
    except OSError as exc:
        raise ParameterError(f"{target}: cannot read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParameterError(f"{target}: not a lab book (not valid JSON: {exc})") from None
    problem = _problem(data)
    if problem:
        raise ParameterError(f"{target}: cannot be read as a lab book: {problem}")
    return data


def _set_aside(target: Path) -> Path:
    """Rename ``target`` to the first free ``.bak``, ``.bak2``, ... beside it; return the new path."""
    for n in range(1, 1000):
        aside = target.with_name(target.name + (".bak" if n == 1 else f".bak{n}"))
        if not os.path.lexists(aside):
            os.rename(target, aside)
            return aside
    raise OSError(f"too many backups of {target.name}")


class LabBook:
    """One learner's record of one lesson: answers and data tables, saved to a JSON file as they go.

    Make one with :func:`open_labbook`. Every method is safe to call from several threads.

    Attributes
    ----------
    path : pathlib.Path
        The file the lab book saves to.
    saving : bool
        False while the file cannot be written (the lab book then keeps everything in memory).
    status : str
        What happened when the lab book was opened or last saved, in words for the learner.
    """

    def __init__(self, path: Path, lesson: str) -> None:
        self.path = path
        self.lesson = lesson
        self.saving = True
        self.status = ""
        self._blocked = False  # a bad file that could not be moved aside is never written over
        self._data = _empty(lesson, Student())
        self._changed: set[tuple[str, str]] = set()  # (section, key) written since the last save
        self._lock = threading.RLock()
        self._load()

    # --- reading and writing the file ---------------------------------------------------------------

    def _load(self) -> None:
        if not os.path.lexists(self.path):
            self.status = f"New lab book: your work in this lesson is saved as you go to {self.path}."
            return
        try:
            data = read_labbook(self.path)
        except ParameterError as exc:
            reason = str(exc).split(": ", 1)[-1]
            try:
                aside = _set_aside(self.path)
            except OSError as err:
                self.saving, self._blocked = False, True
                self.status = (f"{self.path} could not be used ({reason}) nor moved aside ({err}); your work is "
                               "kept in memory only. Ask your teacher, or open the lab book under another name.")
            else:
                self.status = (f"{self.path} could not be used ({reason}); it was kept as {aside.name} and a "
                               "new lab book was started. Nothing in it was deleted.")
            warnings.warn(self.status, LabBookWarning, stacklevel=3)
            return
        self._data = data
        self.status = (f"Lab book restored from {self.path}: {len(data['answers'])} answers, "
                       f"{len(data['tables'])} tables. Your work is saved as you go.")

    def _merged_with_disk(self) -> dict[str, Any]:
        """Our data, plus the entries another writer saved to the file that we did not change."""
        data = self._data
        try:
            disk = read_labbook(self.path) if os.path.lexists(self.path) else None
        except ParameterError as exc:  # damaged since we opened it: keep it, as at opening
            disk = None
            try:
                aside = _set_aside(self.path)
            except OSError:
                self._blocked = True
            else:
                warnings.warn(f"{self.path} was damaged ({str(exc).split(': ', 1)[-1]}); it was kept as "
                              f"{aside.name} and your work saved anew.", LabBookWarning, stacklevel=5)
        if disk is not None:
            for section in ("answers", "tables"):
                for key, value in disk[section].items():
                    if (section, key) not in self._changed:
                        data[section][key] = value
        return data

    def _save(self) -> None:
        data = self._merged_with_disk() if not self._blocked else self._data
        if self._blocked:
            self.saving = False
            return
        data["updated"] = _now()
        data["simlib_version"] = __version__
        payload = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        try:
            atomic_write(self.path, lambda handle: handle.write(payload), overwrite=True)
        except ParameterError as exc:
            if self.saving:
                self.status = (f"Your work cannot be saved to {self.path} ({str(exc).split(': ', 1)[-1]}). It is "
                               "kept in memory while this kernel runs: write the report now "
                               "(simlib.report.write_report) or ask your teacher for a folder you can write to.")
                warnings.warn(self.status, LabBookWarning, stacklevel=4)
            self.saving = False
            return
        self._changed.clear()
        if not self.saving:
            self.status = f"Saving again to {self.path}."
        self.saving = True

    # --- the learner's work -------------------------------------------------------------------------

    @property
    def student(self) -> Student:
        """The learner's name and student code (empty until :meth:`set_student`)."""
        with self._lock:
            who = self._data.get("student") or {}
            return Student(str(who.get("name", "")), str(who.get("code", "")))

    def set_student(self, name: str | None = None, code: str | None = None) -> None:
        """Record the learner's name and/or student code (None leaves one as it is), and save."""
        with self._lock:
            old = self.student
            self._data["student"] = {"name": old.name if name is None else str(name).strip(),
                                     "code": old.code if code is None else str(code).strip()}
            self._save()

    def save_answer(self, key: str, record: Mapping[str, object]) -> None:
        """Save one answer (replacing an earlier one with the same key) and write the file.

        Parameters
        ----------
        key : str
            The question's id, e.g. ``"02-summation"``.
        record : mapping
            What the learner answered: JSON-able values (text, numbers, True/False, lists, dicts).
            NaN and infinity are saved as null.
        """
        key = _check_key(key, "save_answer")
        value = _json_safe(dict(record), f"save_answer({key!r})")
        with self._lock:
            self._data["answers"][key] = value
            self._changed.add(("answers", key))
            self._save()

    def answer(self, key: str) -> dict[str, Any] | None:
        """Return (a copy of) the saved answer with this key, or None."""
        with self._lock:
            found = self._data["answers"].get(key)
            return copy.deepcopy(found) if found is not None else None

    def answers(self) -> list[dict[str, Any]]:
        """Every saved answer, in the order first saved, each with its ``key`` (copies)."""
        with self._lock:
            return [{"key": key, **copy.deepcopy(rec)} for key, rec in self._data["answers"].items()]

    def save_table(self, key: str, rows: list[dict[str, object]]) -> None:
        """Save a data table (replacing an earlier one with the same key) and write the file.

        Parameters
        ----------
        key : str
            The table's name, e.g. ``"paired-pulses"``.
        rows : list of dict
            One dict per row, column name → value (text, number, True/False or None); column order is
            kept. NaN and infinity are saved as None.
        """
        key = _check_key(key, "save_table")
        if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)) or \
                not all(isinstance(row, Mapping) for row in rows):
            raise ParameterError(f"save_table({key!r}) needs a list of dicts (one per row); got {type(rows).__name__}")
        safe = [_json_safe(dict(row), f"save_table({key!r})") for row in rows]
        with self._lock:
            self._data["tables"][key] = {"rows": safe, "updated": _now()}
            self._changed.add(("tables", key))
            self._save()

    def load_table(self, key: str) -> list[dict[str, object]]:
        """Return (a copy of) the rows of the saved table ``key``; an empty list if there is none."""
        with self._lock:
            table = self._data["tables"].get(key)
            return copy.deepcopy(table["rows"]) if table else []

    def tables(self) -> dict[str, list[dict[str, object]]]:
        """Every saved table: ``{key: rows}`` (copies)."""
        with self._lock:
            return {key: copy.deepcopy(t["rows"]) for key, t in self._data["tables"].items()}

    def to_dict(self) -> dict[str, Any]:
        """Return the whole lab book as saved (a copy; the schema is in ``docs/classroom.md``)."""
        with self._lock:
            return copy.deepcopy(self._data)

    def __repr__(self) -> str:
        return f"LabBook({self.lesson!r}, path={str(self.path)!r}, saving={self.saving})\n{self.status}"

    def _repr_html_(self) -> str:
        import html

        colour = "#006B4F" if self.saving else "#9A3600"
        return (f'<div role="status" style="color:{colour}"><b>Lab book “{html.escape(self.lesson)}”.</b> '
                f"{html.escape(self.status)}</div>")


def _check_key(key: object, function: str) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > 200:
        raise ParameterError(f"{function}() needs a key: a short non-empty text such as '02-summation'; got {key!r}")
    return key


def open_labbook(name: str, directory: str | os.PathLike[str] | None = None, *, student: str | None = None,
                 code: str | None = None) -> LabBook:
    """Open (or start) the lab book of a lesson and make it the current one.

    Parameters
    ----------
    name : str
        The lesson's name, e.g. ``"02-twitch"``: letters, digits, ``-``, ``_`` and ``.`` (up to 64); the
        file is ``<name>.labbook.json``.
    directory : str or path-like, optional
        Where the file lives; default: the working directory (in JupyterLab and Voilà, the notebook's
        folder).
    student, code : str, optional, keyword-only
        The learner's name and student code, saved in the lab book (see :meth:`LabBook.set_student`).

    Returns
    -------
    LabBook
        Display it to tell the learner where their work is saved. Quick checks and worksheet
        questions made after this save to it (:func:`current`).

    Raises
    ------
    ParameterError
        If ``name`` is not a valid name or ``directory`` is not a folder.
    """
    global _current
    if not isinstance(name, str) or not _NAME.match(name) or name.endswith(SUFFIX):
        raise ParameterError(f"open_labbook() needs a lesson name of letters, digits, '-', '_' or '.' (up to 64), "
                             f"e.g. '02-twitch'; got {name!r}")
    folder = Path.cwd() if directory is None else Path(directory)
    if not folder.is_dir():
        raise ParameterError(f"open_labbook(): {str(folder)!r} is not a folder; create it first or leave "
                             "directory out (the notebook's folder)")
    book = LabBook(folder / f"{name}{SUFFIX}", name)
    if student is not None or code is not None:
        book.set_student(student, code)
    with _lock:
        _current = book
    return book


def current() -> LabBook | None:
    """Return the lab book opened last in this kernel (None before :func:`open_labbook`)."""
    return _current


def close() -> None:
    """Stop saving to the current lab book (its file stays; a test or a new learner on the same kernel)."""
    global _current
    with _lock:
        _current = None
