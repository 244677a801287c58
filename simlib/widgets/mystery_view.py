"""The mystery-patient widget: a vignette, the run's chain panels and spike origins, and "which step is broken?".

:func:`mystery_patient` shows one patient of :mod:`simlib.mystery` at a time (a dropdown picks
another): the vignette, a figure drawn by :mod:`simlib.plotting` (spike origins over force, then the
five chain panels: spike raster with the muscle action potentials, endplate potential, membrane
potential, Ca²⁺ and force), the instrument readings beside the healthy values (also the figure's
alternative text), and a radio group of the chain's steps (plus an optional diagnosis). *Check*
judges the answer (:func:`simlib.mystery.check`) and *Show explanation* reveals it; every answer is
saved to the open lab book (:func:`simlib.mystery.record`) and restored after a kernel restart.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as ipw
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simlib import mystery, palette
from simlib.a11y import SliderLabeller
from simlib.plotting import plot_chain, plot_spike_origins
from simlib.quickcheck import ChoiceGroup
from simlib.result import Result
from simlib.widgets.encoding import IMAGE_FORMAT, encode

__all__ = ["MysteryPatient", "mystery_patient"]

_NO_DIAGNOSIS = "(not sure yet)"
#: Wrong checks after which the explanation is shown (as quick checks do).
REVEAL_AFTER_WRONG = 2
_COLOURS = {"right": "#006B4F", "wrong": "#9A3600", "neutral": "#222222"}


def draw_case(res: Result, figsize: tuple[float, float] = (8.0, 12.0)) -> bytes:
    """Draw a patient's run: spike origins over force, then the five chain panels; return the image.

    Parameters
    ----------
    res : Result
        The patient's run (:func:`simlib.mystery.run`).
    figsize : tuple of float
        Size (in) at 80 dots per inch.
    """
    with palette.apply_style():
        fig = Figure(figsize=figsize, dpi=80, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(6, 1, sharex=True, height_ratios=(1.3, 1.1, 1, 1, 1, 1))
        plot_spike_origins(res, axes[0])
        axes[0].set_title("Where each nerve impulse started", loc="left")
        plot_chain(res, axes[1:])
        fig.canvas.draw()
    return encode(fig.canvas)


class MysteryPatient(ipw.VBox):
    """One mystery patient at a time; see :func:`mystery_patient`.

    Attributes
    ----------
    case : simlib.mystery.Case
        The patient shown.
    result : Result
        Its run.
    findings : list of str
        The instrument readings beside the healthy values (the figure's alternative text).
    patient_select : ipywidgets.Dropdown
        Which patient ("Patient A", ...).
    step_choice, diagnosis_choice : simlib.quickcheck.ChoiceGroup
        The broken step (labels of :func:`simlib.mystery.steps`) and the diagnosis (optional).
    check_button, reveal_button : ipywidgets.Button
    feedback : ipywidgets.HTML
        In a polite live region.
    attempts : int
        Checks of a newly chosen step for this patient.
    revealed : bool
        Whether the explanation has been shown.
    """

    def __init__(self, case_id: str | None = None, *, ask_diagnosis: bool = True) -> None:
        self._labels = {s.label: s.key for s in mystery.steps()}
        self.patient_select = ipw.Dropdown(options=[(c.title, c.id) for c in mystery.cases()],
                                           description="Patient", tooltip="Choose the patient to examine")
        self.patient_select.add_class("msl-mystery-patient")
        self.vignette = ipw.HTML()
        self._image = ipw.Image(format=IMAGE_FORMAT, layout=ipw.Layout(width="100%", max_width="640px"))
        self._image.add_class("msl-mystery-figure")
        self._readings = ipw.HTML()
        self.step_choice = ChoiceGroup(label="Which step of the chain is broken?", options=tuple(self._labels))
        self.diagnosis_choice = ChoiceGroup(label="What is the diagnosis? (optional)",
                                            options=(_NO_DIAGNOSIS, *mystery.diagnoses()))
        self.diagnosis_choice.layout.display = None if ask_diagnosis else "none"
        self.check_button = ipw.Button(description="Check", icon="check", tooltip="Check your answer")
        self.reveal_button = ipw.Button(description="Show explanation", tooltip="Show the answer and why")
        self.feedback = ipw.HTML()
        self.feedback.add_class("msl-mystery-feedback")
        self._labeller = SliderLabeller(scope=".msl-mystery")
        self.check_button.on_click(lambda _b: self.check())
        self.reveal_button.on_click(lambda _b: self.reveal())
        self.step_choice.observe(self._clear, "value")
        self.diagnosis_choice.observe(self._clear, "value")
        self.patient_select.observe(lambda change: self.show(change["new"]), "value")
        question = ipw.VBox([self.step_choice, self.diagnosis_choice,
                             ipw.HBox([self.check_button, self.reveal_button]), self.feedback])
        super().__init__([self.patient_select, self.vignette, self._image, self._readings, question, self._labeller])
        self.add_class("msl-mystery")
        self.feedback_text = ""
        self.show(case_id or mystery.cases()[0].id)

    # -- showing a patient ------------------------------------------------------------------------

    def show(self, case_id: str) -> None:
        """Show this patient: run it, draw it and restore the learner's earlier answer (if any)."""
        self.case = mystery.case(case_id)
        if self.patient_select.value != self.case.id:
            self.patient_select.value = self.case.id  # calls show again, which does the rest
            return
        self.attempts, self.revealed, self._wrong = 0, False, set()
        self.result, patient, healthy = mystery.examine(self.case)
        self.findings = mystery.findings(patient, healthy)
        self.vignette.value = (f"<h3>{html.escape(self.case.title)}</h3><p style=\"max-width:46em\">"
                               f"{html.escape(self.case.vignette)}</p>")
        self._image.value = draw_case(self.result)
        self._labeller.alt_text = (f"{self.case.title}: spike origins over force, then nerve and muscle spike "
                                   "raster, endplate potential, membrane potential, free Ca²⁺ and force against "
                                   "time. " + " ".join(self.findings))
        items = "".join(f"<li>{html.escape(f)}</li>" for f in self.findings)
        self._readings.value = f"<b>What the instruments show</b><ul>{items}</ul>"
        self.step_choice.value = None
        self.diagnosis_choice.value = None
        self._show("", "neutral")
        earlier = mystery.restored(self.case.id)
        if earlier is not None:
            self._restore(earlier)

    def _restore(self, earlier: dict[str, Any]) -> None:
        labels = {key: label for label, key in self._labels.items()}
        self.attempts = int(earlier.get("attempts") or 0)
        self.revealed = bool(earlier.get("revealed"))
        if earlier.get("step") in labels:
            self.step_choice.value = labels[earlier["step"]]
        if earlier.get("diagnosis") in self.diagnosis_choice.options:
            self.diagnosis_choice.value = earlier["diagnosis"]
        verdict = self._verdict()
        if verdict is not None:
            self._say(verdict)

    # -- answering --------------------------------------------------------------------------------

    @property
    def alt_text(self) -> str:
        """The figure's alternative text (what a screen reader says for it)."""
        return self._labeller.alt_text

    def select(self, step_key: str, diagnosis: str | None = None) -> None:
        """Choose a step (a key of :func:`simlib.mystery.steps`) and optionally a diagnosis, as a click would."""
        self.step_choice.value = mystery.step(step_key).label
        if diagnosis is not None:
            self.diagnosis_choice.value = diagnosis

    def _verdict(self) -> mystery.Verdict | None:
        if self.step_choice.value is None:
            return None
        dx = self.diagnosis_choice.value
        return mystery.check(self.case, self._labels[self.step_choice.value], None if dx in (None, _NO_DIAGNOSIS)
                             else dx)

    def check(self) -> mystery.Verdict | None:
        """Judge the chosen answer, show the feedback and save it; None (and a prompt) if no step is chosen."""
        verdict = self._verdict()
        if verdict is None:
            self._show("Choose a step of the chain first.", "neutral")
            return None
        if verdict.step not in self._wrong or verdict.step_correct:
            self.attempts += 1
        if not verdict.step_correct:
            self._wrong.add(verdict.step)
            if len(self._wrong) >= REVEAL_AFTER_WRONG:
                self.revealed = True
        mystery.record(verdict, attempts=self.attempts, revealed=self.revealed and not verdict.step_correct)
        self._say(verdict)
        return verdict

    def reveal(self) -> None:
        """Show the broken step, the explanation and its sources (recorded as revealed)."""
        self.revealed = True
        earlier = mystery.restored(self.case.id) or {}
        verdict = self._verdict()
        if verdict is not None:
            mystery.record(verdict, attempts=self.attempts, revealed=not earlier.get("correct", False))
        self._show(self._answer_text(), "neutral")

    def _answer_text(self) -> str:
        c = self.case
        return (f"The broken step is “{mystery.step(c.step).label}”; the diagnosis: {c.diagnosis}. "
                f"{c.explanation} Sources: {c.citation}.")

    def _say(self, verdict: mystery.Verdict) -> None:
        if verdict.step_correct:
            self.revealed = True
            self._show(f"{verdict.feedback} {self._answer_text()}", "right")
        elif self.revealed:
            self._show(f"{verdict.feedback} {self._answer_text()}", "wrong")
        else:
            self._show(f"{verdict.feedback} Try again.", "wrong")

    def _show(self, text: str, tone: str) -> None:
        self.feedback_text = text
        self.feedback.value = (f'<div role="status" aria-live="polite" style="color:{_COLOURS[tone]};'
                               f'line-height:1.45;max-width:46em">{html.escape(text)}</div>') if text else ""

    def _clear(self, _change: dict[str, Any]) -> None:
        self._show("", "neutral")


def mystery_patient(case_id: str | None = None, *, ask_diagnosis: bool = True) -> MysteryPatient:
    """Make the mystery-patient widget.

    Parameters
    ----------
    case_id : str, optional
        The patient shown first (``"A"``, the first when None); the dropdown picks another.
    ask_diagnosis : bool, keyword-only, default True
        Also ask for the diagnosis (optional for the learner; judged only when chosen).

    Returns
    -------
    MysteryPatient
        An ``ipywidgets.VBox``: display it as a cell's last value.
    """
    return MysteryPatient(case_id, ask_diagnosis=ask_diagnosis)
