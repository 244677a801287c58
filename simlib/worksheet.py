"""Worksheet questions saved to the lab book: numbers checked against the learner's own run, and free text.

A numeric question's right answer is not written anywhere: it is what the library measures on the
learner's *own* recorded run (a row of their data table, or a :class:`simlib.Result`), and an answer
is right within a stated tolerance. "Read the latent period from your trace" is right within ±0.5 ms
of :func:`simlib.experiments.twitch_of` on the same run::

    q = simlib.worksheet.numeric_question("02-latent", "Latent period of your twitch?", unit="ms",
                                          tolerance=0.5, measure="latent_period_ms", source=res)

Every check is saved to the current lab book (:mod:`simlib.labbook`) with the value, the expected
value and the tolerance, and shown again after a kernel restart.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import ipywidgets as ipw

from simlib import labbook
from simlib.errors import ParameterError
from simlib.experiments import Twitch, twitch_of
from simlib.result import Result
from simlib.validation import unknown_name_message

__all__ = ["NumericQuestion", "TextQuestion", "check_numeric", "expected_value", "numeric_question", "text_question"]

_RIGHT, _WRONG = "#006B4F", "#9A3600"
#: Measures a numeric question can take from a Result: the twitch measures of its first stimulus.
RESULT_MEASURES = tuple(f.name for f in fields(Twitch))


def expected_value(source: Result | Mapping[str, object], measure: str) -> float:
    """Return what the library measures for ``measure`` on the learner's run.

    Parameters
    ----------
    source : Result or mapping
        A run (its first stimulator impulse is the stimulus; the measure is a field of
        :class:`simlib.Twitch`, from :func:`simlib.experiments.twitch_of`), or a recorded row
        (the measure is a column name).
    measure : str
        E.g. ``"latent_period_ms"``.

    Raises
    ------
    ParameterError
        For an unknown measure (with a suggestion), a run without a stimulus, or a non-numeric value.
    """
    if isinstance(source, Result):
        if measure not in RESULT_MEASURES:
            raise ParameterError(unknown_name_message(measure, RESULT_MEASURES, kind="measure of a run"))
        impulses = source.protocol.impulses_s
        if not impulses:
            raise ParameterError("this run has no stimulus; record a run with the stimulator first")
        value = getattr(twitch_of(source, impulses[0]), measure)
    elif isinstance(source, Mapping):
        if measure not in source:
            raise ParameterError(unknown_name_message(measure, list(source), kind="column of the row"))
        value = source[measure]
    else:
        raise ParameterError(f"a numeric question needs a Result or a recorded row; got {type(source).__name__}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ParameterError(f"{measure!r} of this run is {value!r}, not a number: it cannot be asked")
    return float(value)


def check_numeric(value: float, expected: float, tolerance: float) -> bool:
    """Return whether ``value`` is within ``tolerance`` (same unit) of ``expected``."""
    return math.isfinite(value) and abs(value - expected) <= tolerance * (1 + 1e-9)


def _save(key: str, record: dict[str, Any]) -> None:
    book = labbook.current()
    if book is not None:
        book.save_answer(key, {**record, "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})


def _earlier(key: str, kind: str) -> dict[str, Any] | None:
    book = labbook.current()
    found = book.answer(key) if book is not None else None
    return found if found and found.get("kind") == kind else None


class NumericQuestion(ipw.VBox):
    """A number to type, checked against the learner's own run within a tolerance (saved to the lab book)."""

    def __init__(self, key: str, prompt: str, *, expected: float, tolerance: float, unit: str = "",
                 source: str = "") -> None:
        if not (isinstance(tolerance, (int, float)) and tolerance > 0):
            raise ParameterError(f"'tolerance' must be a positive number in {unit or 'the unit'}; got {tolerance!r}")
        self.key, self.prompt, self.expected, self.tolerance, self.unit, self.source = (
            key, prompt, float(expected), float(tolerance), unit, source)
        self.attempts = 0
        label = f"{prompt} ({unit})" if unit else prompt
        self.entry = ipw.FloatText(value=None, description="Your answer", tooltip=label,
                                   style={"description_width": "initial"})
        self.question = ipw.HTML(f"<b>{html.escape(label)}</b>")
        self.check_button = ipw.Button(description="Check", icon="check", tooltip=f"Check: {label}")
        self.feedback = ipw.HTML()
        self.check_button.on_click(lambda _b: self.check())
        super().__init__([self.question, ipw.HBox([self.entry, self.check_button]), self.feedback])
        earlier = _earlier(key, "numeric")
        if earlier is not None and isinstance(earlier.get("value"), (int, float)):
            self.attempts = int(earlier.get("attempts") or 0)
            self.entry.value = float(earlier["value"])
            self._show(bool(earlier.get("correct")))

    def _show(self, right: bool) -> None:
        unit = f" {self.unit}" if self.unit else ""
        text = (f"✔ Right: within ±{self.tolerance:g}{unit} of what your run gives ({self.expected:.4g}{unit})."
                if right else f"✘ Not within ±{self.tolerance:g}{unit} of what your run gives. Read your trace again.")
        self.feedback.value = (f'<div role="status" aria-live="polite" style="color:{_RIGHT if right else _WRONG}">'
                               f"{html.escape(text)}</div>")

    def check(self) -> bool | None:
        """Judge the typed value, show the feedback and save it; None if nothing was typed."""
        value = self.entry.value
        if value is None:
            self.feedback.value = '<div role="status" aria-live="polite">Type a number first.</div>'
            return None
        self.attempts += 1
        right = check_numeric(float(value), self.expected, self.tolerance)
        self._show(right)
        _save(self.key, {"kind": "numeric", "prompt": self.prompt, "value": float(value), "unit": self.unit,
                         "expected": self.expected, "tolerance": self.tolerance, "correct": right,
                         "attempts": self.attempts, "source": self.source})
        return right


def numeric_question(key: str, prompt: str, *, measure: str, source: Result | Mapping[str, object],
                     tolerance: float, unit: str = "") -> NumericQuestion:
    """Make a numeric question whose answer is ``measure`` on the learner's run ``source`` (see module doc)."""
    where = "run" if isinstance(source, Result) else "recorded row"
    return NumericQuestion(key, prompt, expected=expected_value(source, measure), tolerance=tolerance, unit=unit,
                           source=f"{measure} of the learner's {where}")


class TextQuestion(ipw.VBox):
    """A free-text answer, saved to the lab book when the learner presses Save (and restored)."""

    def __init__(self, key: str, prompt: str) -> None:
        self.key, self.prompt = key, prompt
        self.entry = ipw.Textarea(placeholder="Your answer", description="Answer", tooltip=prompt,
                                  layout=ipw.Layout(width="95%", height="6em"))
        self.save_button = ipw.Button(description="Save", icon="save", tooltip=f"Save your answer: {prompt}")
        self.feedback = ipw.HTML()
        self.save_button.on_click(lambda _b: self.save())
        super().__init__([ipw.HTML(f"<b>{html.escape(prompt)}</b>"), self.entry, self.save_button, self.feedback])
        earlier = _earlier(key, "text")
        if earlier is not None:
            self.entry.value = str(earlier.get("text", ""))

    def save(self) -> None:
        """Save the text to the current lab book (or say that no lab book is open)."""
        _save(self.key, {"kind": "text", "prompt": self.prompt, "text": self.entry.value})
        saved = labbook.current() is not None
        self.feedback.value = ('<div role="status" aria-live="polite">'
                               + ("Saved." if saved else "Not saved: open the lesson's lab book first.") + "</div>")


def text_question(key: str, prompt: str) -> TextQuestion:
    """Make a free-text worksheet question saved to the lab book."""
    return TextQuestion(key, prompt)
