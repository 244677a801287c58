"""Quick checks: multiple-choice questions that teach, with the answers kept out of the notebooks.

Every lesson ends its sections with a quick check. The question, its options, a hint for each wrong
option and the explanation live in a data file, ``simlib/data/quick_checks.toml``, keyed by lesson
and name, so a notebook cell reads only ``quick_check("02-summation")`` and shows no answer.

A learner picks an option and presses **Check**:

- right: "✔ Right." and the explanation;
- wrong, the first time: the hint written for that option and "try again" (the answer stays hidden);
- wrong a second time (another wrong option), or **Show answer**: the right option and the explanation.

The options are a native radio group (an inline ES module run by anywidget: no build step, no
network) whose accessible name is the question (``<fieldset>`` with a ``<legend>`` and
``aria-label``), so a screen reader announces the question with the options and the arrow keys move
between them. Every check is recorded while the kernel runs: :func:`answers` returns one record per
question (id, last choice, attempts, correct, revealed, time). When a lesson has opened its lab book
(:func:`simlib.labbook.open_labbook`), every check is also saved to it as it happens, and a quick
check made again after a kernel restart shows the learner's earlier choice and its feedback.

Examples
--------
>>> from simlib.quickcheck import quick_check, answers
>>> qc = quick_check("02-summation")       # doctest: +SKIP
>>> qc.choices.value = qc.question.options[1]; qc.check()   # doctest: +SKIP
>>> answers()                               # doctest: +SKIP
[{'id': '02-summation', 'choice': '...', 'attempts': 1, 'correct': False, 'revealed': False, 'time': '...'}]
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import html
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as ipw
import traitlets

from simlib import labbook
from simlib.validation import unknown_name_message

__all__ = [
    "DATA_FILE",
    "KIND",
    "ChoiceGroup",
    "Question",
    "QuickCheck",
    "QuickCheckDataError",
    "UnknownQuickCheckError",
    "answers",
    "clear_answers",
    "load_questions",
    "question",
    "questions",
    "quick_check",
]

#: The ``kind`` of a quick check's record in a lab book (:mod:`simlib.labbook`).
KIND = "quick-check"
#: The questions shipped with the lab (a TOML file inside the package).
DATA_FILE = resources.files("simlib") / "data" / "quick_checks.toml"

_RIGHT, _WRONG, _NEUTRAL = "#006B4F", "#9A3600", "#000000"  # contrast ≥ 4.5:1 on white


class QuickCheckDataError(ValueError):
    """A quick-check question (or the data file) is incomplete or inconsistent."""


class UnknownQuickCheckError(KeyError):
    """No shipped quick check has this id (the message suggests close ids)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Question:
    """One multiple-choice question with a hint per wrong option.

    Parameters
    ----------
    id : str
        ``"<lesson>-<name>"``, e.g. ``"02-summation"``.
    text : str
        The question.
    options : sequence of str
        At least two different options, in the order shown.
    answer : str
        The right option (one of ``options``).
    hints : mapping of str to str
        For every wrong option, a hint that points the learner back to the evidence without giving
        the answer away.
    explanation : str
        Why the answer is right; shown when the learner is right, after a second wrong try, or on
        "Show answer".

    Raises
    ------
    QuickCheckDataError
        If a field is missing or empty, the options repeat, the answer is not an option, or a wrong
        option has no hint.
    """

    id: str
    text: str
    options: tuple[str, ...]
    answer: str
    hints: Mapping[str, str] = field(default_factory=dict)
    explanation: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(str(o) for o in self.options))
        object.__setattr__(self, "hints", {str(k): str(v) for k, v in dict(self.hints).items()})
        where = f"quick check {self.id!r}"
        for name in ("id", "text", "answer", "explanation"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise QuickCheckDataError(f"{where}: '{name}' must be a non-empty text; got {value!r}")
        opts = self.options
        if len(opts) < 2 or len(set(opts)) != len(opts) or any(not o.strip() for o in opts):
            raise QuickCheckDataError(f"{where}: needs at least two different, non-empty options; got {list(opts)}")
        if self.answer not in opts:
            raise QuickCheckDataError(f"{where}: the answer {self.answer!r} is not one of the options {list(opts)}")
        wrong = [o for o in opts if o != self.answer]
        missing = [o for o in wrong if not self.hints.get(o, "").strip()]
        if missing:
            raise QuickCheckDataError(f"{where}: every wrong option needs a hint; missing for {missing}")
        unknown = [k for k in self.hints if k not in wrong]
        if unknown:
            raise QuickCheckDataError(f"{where}: hints given for options that are not wrong options: {unknown}")

    @property
    def lesson(self) -> str:
        """The lesson the question belongs to (the id before the first ``-``, e.g. ``"02"``)."""
        return self.id.split("-", 1)[0]


def _parse(data: Mapping[str, Any], source: str) -> dict[str, Question]:
    """Questions from the parsed TOML: ``{lesson: {name: {text, explanation, options: [...]}}}``."""
    out: dict[str, Question] = {}
    for lesson, entries in data.items():
        if not isinstance(entries, Mapping):
            raise QuickCheckDataError(f"{source}: [{lesson}] must be a table of questions")
        for name, entry in entries.items():
            qid = f"{lesson}-{name}"
            if not isinstance(entry, Mapping):
                raise QuickCheckDataError(f"{source}: {qid} must be a table (text, explanation, options)")
            unknown = sorted(set(entry) - {"text", "explanation", "options"})
            if unknown:
                raise QuickCheckDataError(f"{source}: {qid} has unknown keys {unknown} "
                                          "(allowed: text, explanation, options)")
            options = entry.get("options", [])
            if not isinstance(options, list) or not all(isinstance(o, Mapping) for o in options):
                raise QuickCheckDataError(f"{source}: {qid}: 'options' must be a list of [[...options]] tables")
            right = [o.get("text") for o in options if o.get("correct") is True]
            if len(right) != 1:
                raise QuickCheckDataError(f"{source}: {qid}: exactly one option needs 'correct = true'; "
                                          f"found {len(right)}")
            for o in options:
                extra = sorted(set(o) - {"text", "hint", "correct"})
                if extra:
                    raise QuickCheckDataError(f"{source}: {qid}: option {o.get('text')!r} has unknown keys {extra}")
                if o.get("correct") is True and "hint" in o:
                    raise QuickCheckDataError(f"{source}: {qid}: the right option has a hint; put it in "
                                              "'explanation'")
            try:
                out[qid] = Question(
                    id=qid, text=entry.get("text", ""), options=tuple(o.get("text", "") for o in options),
                    answer=right[0], explanation=entry.get("explanation", ""),
                    hints={o.get("text", ""): o.get("hint", "") for o in options if o.get("correct") is not True},
                )
            except QuickCheckDataError as exc:
                raise QuickCheckDataError(f"{source}: {exc}") from None
    return out


def load_questions(path: str | Path | None = None) -> dict[str, Question]:
    """Read and validate a quick-check file.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file in the format of ``simlib/data/quick_checks.toml`` (default: that file).

    Returns
    -------
    dict of str to Question
        By id (``"<lesson>-<name>"``), in file order.

    Raises
    ------
    QuickCheckDataError
        If the file is not valid TOML or a question is incomplete (the message names the question
        and what is missing).
    """
    if path is None:
        text, source = DATA_FILE.read_text(encoding="utf-8"), "simlib/data/quick_checks.toml"
    else:
        text, source = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuickCheckDataError(f"{source}: not valid TOML: {exc}") from None
    return _parse(data, source)


@functools.cache
def _shipped() -> dict[str, Question]:
    return load_questions()


def questions(lesson: str | None = None) -> tuple[Question, ...]:
    """Return the shipped questions, optionally of one lesson (``"02"``), in file order."""
    return tuple(q for q in _shipped().values() if lesson is None or q.lesson == lesson)


def question(question_id: str) -> Question:
    """Return the shipped question with this id (``"02-summation"``).

    Raises
    ------
    UnknownQuickCheckError
        A ``KeyError`` with a "did you mean" suggestion, if there is no such question.
    """
    found = _shipped().get(question_id)
    if found is None:
        raise UnknownQuickCheckError(unknown_name_message(question_id, _shipped(), kind="quick-check id"))
    return found


# --- the record of answers ------------------------------------------------------------------------

_ANSWERS: dict[str, dict[str, Any]] = {}


def answers() -> list[dict[str, Any]]:
    """Return what the learner answered in this kernel session, one record per question checked.

    Returns
    -------
    list of dict
        In the order the questions were first checked; each with ``id``, ``choice`` (the option
        last checked), ``attempts`` (checks of a newly chosen option), ``correct`` (the last check was
        right), ``revealed`` (the answer was shown before a right check) and ``time`` (UTC, ISO 8601,
        of the last check). Copies: changing them changes nothing here.
    """
    return [copy.deepcopy(record) for record in _ANSWERS.values()]


def clear_answers() -> None:
    """Forget every recorded answer (for a new learner on the same kernel, or a test)."""
    _ANSWERS.clear()


def _record(qid: str, **values: Any) -> None:
    record = _ANSWERS.setdefault(qid, {"id": qid, "choice": None, "attempts": 0, "correct": False,
                                       "revealed": False, "time": None})
    record.update(values, time=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    book = labbook.current()
    if book is not None:  # saved as it goes, and restored after a kernel restart
        book.save_answer(qid, {"kind": KIND, **record})


def _restored(qid: str) -> dict[str, Any] | None:
    """Return the learner's earlier record of this question from the current lab book (None if none)."""
    book = labbook.current()
    saved = book.answer(qid) if book is not None else None
    if not saved or saved.get("kind") != KIND:
        return None
    record = {name: saved.get(name, default) for name, default in
              (("choice", None), ("attempts", 0), ("correct", False), ("revealed", False), ("time", None))}
    _ANSWERS.setdefault(qid, {"id": qid, **record})
    return record


# --- the widgets ----------------------------------------------------------------------------------

# The radio group. Native inputs sharing one name: one Tab stop, arrow keys move between options (kept
# from JupyterLab's notebook shortcuts); the question is the group's legend and aria-label.
_ESM = r"""
function render({ model, el }) {
  const group = document.createElement("fieldset");
  group.className = "msl-choice-group";
  group.setAttribute("role", "radiogroup");
  // JupyterLab's command-mode shortcuts would take the arrow keys (ArrowDown selects the next cell and
  // moves the focus away): keep the keys that move between radios inside the group.
  group.setAttribute("data-lm-suppress-shortcuts", "true");
  group.addEventListener("keydown", (event) => {
    if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", " ", "Home", "End"].includes(event.key)) {
      event.stopPropagation();
    }
  });
  const legend = document.createElement("legend");
  const name = "msl-choice-" + Math.random().toString(36).slice(2);
  // A choice goes to the kernel as a custom message, not a state sync: ipywidgets holds back a model's
  // state update while an earlier one is unanswered, so a Check pressed straight after an arrow key
  // could reach the kernel before the choice did. Custom messages keep their order. The kernel sets the
  // value and acknowledges; until then the group keeps showing the learner's latest choice.
  let pending = 0;
  const choose = (text) => {
    pending += 1;
    model.set("value", text);
    model.send({ event: "choose", value: text });
  };
  const draw = () => {
    const label = model.get("label");
    legend.textContent = label;
    group.setAttribute("aria-label", label);
    group.replaceChildren(legend);
    model.get("options").forEach((text) => {
      const option = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.value = text;
      input.checked = model.get("value") === text;
      input.disabled = model.get("disabled");
      input.addEventListener("change", () => {
        if (input.checked) { choose(text); }
      });
      option.append(input, " " + text);
      group.appendChild(option);
    });
  };
  const sync = () => {
    for (const input of group.querySelectorAll("input")) {
      input.checked = model.get("value") === input.value;
      input.disabled = model.get("disabled");
    }
  };
  draw();
  el.appendChild(group);
  model.on("change:options", draw);
  model.on("change:label", draw);
  model.on("change:value", () => { if (!pending) sync(); });
  model.on("msg:custom", (msg) => {
    if (msg.event === "chosen") {
      pending = Math.max(0, pending - 1);
      if (!pending) sync();
    }
  });
  model.on("change:disabled", sync);
}
export default { render };
"""

_CSS = """
.msl-choice-group { border: none; margin: 0; padding: 0; }
.msl-choice-group legend { font-weight: bold; padding: 0 0 0.3em 0; }
.msl-choice-group label { display: block; padding: 0.15em 0; cursor: pointer; }
.msl-choice-group input:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
"""


class ChoiceGroup(anywidget.AnyWidget):
    """A radio group whose accessible name is its label (a ``<fieldset>`` with ``<legend>``).

    Attributes
    ----------
    label : str
        The question; the group's legend and ``aria-label``.
    options : tuple of str
        The options, in the order shown.
    value : str or None
        The selected option (``None``: nothing selected).
    disabled : bool
    """

    _esm = _ESM
    _css = _CSS
    label = traitlets.Unicode("").tag(sync=True)
    options = traitlets.Tuple().tag(sync=True)
    value = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._on_front_end_message)

    def _on_front_end_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        """Take the learner's choice from the front end (in order with the buttons' clicks) and acknowledge it."""
        if content.get("event") != "choose":
            return
        if content.get("value") in self.options:
            self.value = content["value"]
        self.send({"event": "chosen"})

    @traitlets.validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> str | None:
        value = proposal["value"]
        if value is not None and value not in self.options:
            raise traitlets.TraitError(f"{value!r} is not one of the options {list(self.options)}")
        return value


class QuickCheck(ipw.VBox):
    """A multiple-choice question that gives a hint per wrong option and a retry before the answer.

    Parameters
    ----------
    question : Question
        The question (see :func:`quick_check` for the shipped ones by id).
    record : bool, optional
        Record every check in :func:`answers` (default True).

    Attributes
    ----------
    question : Question
    choices : ChoiceGroup
        The options; ``choices.value`` is the selected one.
    check_button, show_button : ipywidgets.Button
        "Check" and "Show answer".
    feedback : ipywidgets.HTML
        The feedback, in a polite live region.
    attempts : int
        Checks of a newly chosen option so far (checking the same option again does not count).
    revealed : bool
        Whether the explanation has been shown.
    """

    def __init__(self, question: Question, *, record: bool = True) -> None:
        if not isinstance(question, Question):
            raise TypeError(f"QuickCheck needs a Question (e.g. quick_check('02-summation')); got {question!r}")
        self.question = question
        self.attempts = 0
        self.revealed = False
        self._recording = record
        self._last_checked: str | None = None
        self._wrong: list[str] = []
        self._result_text = ""
        self.choices = ChoiceGroup(label=question.text, options=question.options)
        self.choices.add_class("msl-quick-check-options")
        self.check_button = ipw.Button(description="Check", icon="check", tooltip="Check your answer")
        self.check_button.add_class("msl-quick-check-button")
        self.show_button = ipw.Button(description="Show answer", tooltip="Show the right answer and why")
        self.show_button.add_class("msl-quick-check-show")
        self.feedback = ipw.HTML()
        self.feedback.add_class("msl-quick-check-feedback")
        self.check_button.on_click(lambda _b: self.check())
        self.show_button.on_click(lambda _b: self.show_answer())
        self.choices.observe(self._clear, "value")
        super().__init__([self.choices, ipw.HBox([self.check_button, self.show_button]), self.feedback])
        self.add_class("msl-quick-check")
        earlier = _restored(question.id) if record else None
        if earlier is not None:
            self._restore(earlier)

    def _restore(self, earlier: Mapping[str, Any]) -> None:
        """Show the learner's earlier choice and its feedback (from the lab book), without recording it."""
        q, choice = self.question, earlier.get("choice")
        self.attempts = int(earlier.get("attempts") or 0)
        self.revealed = bool(earlier.get("revealed")) or bool(earlier.get("correct"))
        if choice not in q.options:
            if self.revealed:
                self._show(self._answer_text(), _NEUTRAL)
            return
        self.choices.value = choice  # clears the feedback: shown below
        self._last_checked = choice
        if choice == q.answer:
            self._show(f"✔ Right. {q.explanation}", _RIGHT)
            return
        self._wrong.append(choice)
        tail = self._answer_text() if self.revealed else "Try again."
        self._show(f"✘ Not quite: {q.hints[choice]} {tail}", _WRONG)

    @property
    def feedback_text(self) -> str:
        """The feedback as plain text ("" before the first check and after a new choice)."""
        return self._result_text

    def _show(self, text: str, colour: str) -> None:
        self._result_text = text
        self.feedback.value = (f'<div role="status" aria-live="polite" style="color:{colour};line-height:1.45">'
                               f"{html.escape(text)}</div>")

    def _answer_text(self) -> str:
        return f"The answer is “{self.question.answer}”. {self.question.explanation}"

    def check(self) -> bool | None:
        """Judge the selected option and show the feedback.

        Returns
        -------
        bool or None
            True if right, False if wrong, None if nothing is selected.
        """
        q, choice = self.question, self.choices.value
        if choice is None:
            self._show("Choose an answer first.", _NEUTRAL)
            return None
        if choice != self._last_checked:
            self.attempts += 1
            self._last_checked = choice
            if choice != q.answer and choice not in self._wrong:
                self._wrong.append(choice)
        right = choice == q.answer
        if right:
            self.revealed = True
            self._show(f"✔ Right. {q.explanation}", _RIGHT)
        elif len(self._wrong) >= 2 or self.revealed:
            was_revealed, self.revealed = self.revealed, True
            self._show(f"✘ Not quite: {q.hints[choice]} {self._answer_text()}", _WRONG)
            if self._recording and not was_revealed:
                _record(q.id, revealed=True)
        else:
            self._show(f"✘ Not quite: {q.hints[choice]} Try again.", _WRONG)
        if self._recording:
            _record(q.id, choice=choice, attempts=self.attempts, correct=right)
        return right

    def show_answer(self) -> None:
        """Show the right option and the explanation (recorded as revealed if not yet answered right)."""
        if not self.revealed and self._recording:
            _record(self.question.id, revealed=True)
        self.revealed = True
        self._show(self._answer_text(), _NEUTRAL)

    def _clear(self, _change: Mapping[str, Any]) -> None:
        self._result_text = ""
        self.feedback.value = ""


def quick_check(question_id: str | Question, *, record: bool = True) -> QuickCheck:
    """Make the quick check with this id, from ``simlib/data/quick_checks.toml``.

    Parameters
    ----------
    question_id : str or Question
        ``"<lesson>-<name>"`` (e.g. ``"02-summation"``), or a :class:`Question` of your own.
    record : bool, optional
        Record the learner's checks in :func:`answers` (default True).

    Returns
    -------
    QuickCheck
        An ``ipywidgets.VBox``: display it as a cell's last value.

    Raises
    ------
    UnknownQuickCheckError
        A ``KeyError``, if there is no question with that id (the message suggests close ids).
    """
    q = question_id if isinstance(question_id, Question) else question(question_id)
    return QuickCheck(q, record=record)
