"""Mystery patients: unlabelled cases in which the learner finds the broken step of the chain.

Each case (a fixed, cited set in ``simlib/data/mystery_patients.toml``) is a short clinical vignette
and a run of the model: a preset of :data:`simlib.PRESETS`, possibly with a few Scenario fields
changed. The learner reads the chain panels, the spike origins and the muscle action potentials (the
EMG) and decides which step of the chain is broken (:data:`STEPS`, in the order the signal
travels); optionally also the diagnosis. :func:`check` judges an answer and explains it, and
:func:`record` saves it to the open lab book (:mod:`simlib.labbook`), as quick checks do.

No widgets here (the widget is :func:`simlib.widgets.mystery_patient`).

Examples
--------
>>> from simlib import mystery
>>> [c.id for c in mystery.cases()][:3]
['A', 'B', 'C']
>>> verdict = mystery.check("B", "axon")
>>> verdict.step_correct
True
"""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from simlib import labbook
from simlib.errors import ParameterError
from simlib.metrics import AFTER_DRIVE_DELAY_S, drive_window
from simlib.presets import PRESETS
from simlib.result import SPIKE_ORIGINS, Result
from simlib.scenario import Scenario
from simlib.simulate import simulate
from simlib.validation import unknown_name_message

__all__ = ["DATA_FILE", "KIND", "Case", "Evidence", "MysteryDataError", "Step", "Verdict", "answers", "case",
           "cases", "check", "clear_answers", "diagnoses", "evidence", "examine", "findings", "healthy_reference",
           "load_cases", "record", "restored", "run", "step", "steps"]

DATA_FILE = resources.files("simlib") / "data" / "mystery_patients.toml"
#: The ``kind`` of a mystery-patient answer in the lab book.
KIND = "mystery-patient"
#: Output interval of a case's run (s): short enough for the muscle action potentials to show.
OUTPUT_DT_S = 0.0001
#: Scenario fields that say what is done to the patient (the drive and the stretch), not what is wrong:
#: the healthy reference run keeps them.
_PROCEDURE_FIELDS = ("drive", "rate_hz", "drive_start_s", "drive_s", "duration_s", "stretch_at_s",
                     "stretch_velocity_deg_s", "seed", "motor_units")
_CASE_KEYS = {"id", "vignette", "preset", "changes", "step", "diagnosis", "explanation", "citation"}


class MysteryDataError(ValueError):
    """The mystery-patient file is malformed (the message names the case and the field)."""


@dataclass(frozen=True)
class Step:
    """One step of the chain: its key, its label, and what the panels would show were it broken."""

    key: str
    label: str
    sign: str


@dataclass(frozen=True)
class Case:
    """One mystery patient.

    Attributes
    ----------
    id : str
        Neutral label ("A", "B", ...); :attr:`title` is what the learner sees.
    vignette : str
        The clinical picture, without the condition, the drug or the broken step.
    preset : str
        Key of :data:`simlib.PRESETS` the run starts from.
    changes : mapping of str to value
        Scenario fields changed from the preset (may be empty).
    step : str
        The broken step (a key of :func:`steps`).
    diagnosis, explanation, citation : str
    """

    id: str
    vignette: str
    preset: str
    changes: Mapping[str, Any]
    step: str
    diagnosis: str
    explanation: str
    citation: str

    @property
    def title(self) -> str:
        """``"Patient A"``."""
        return f"Patient {self.id}"

    @property
    def scenario(self) -> Scenario:
        """The Scenario of this patient: the preset's single motor unit with :attr:`changes`.

        The cases are read on the chain panels of one unit (nerve, junction, fibre, Ca²⁺, force).
        """
        return PRESETS[self.preset].replace(**{"motor_units": 1, **dict(self.changes)})


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MysteryDataError(f"{where}: '{key}' must be a non-empty text; got {value!r}")
    return " ".join(value.split())


def _parse_steps(data: Mapping[str, Any], source: str) -> tuple[Step, ...]:
    table = data.get("steps")
    if not isinstance(table, Mapping) or not table:
        raise MysteryDataError(f"{source}: needs [steps.<key>] tables (label and sign of each step of the chain)")
    return tuple(Step(key, _text(entry, "label", f"{source} [steps.{key}]"),
                      _text(entry, "sign", f"{source} [steps.{key}]")) for key, entry in table.items())


def _parse_case(entry: Mapping[str, Any], keys: tuple[str, ...], where: str) -> Case:
    unknown = set(entry) - _CASE_KEYS
    if unknown:
        raise MysteryDataError(f"{where}: unknown field(s) {sorted(unknown)}; a case has {sorted(_CASE_KEYS)}")
    texts = {k: _text(entry, k, where) for k in ("id", "vignette", "preset", "step", "diagnosis", "explanation",
                                                 "citation")}
    if texts["preset"] not in PRESETS:
        raise MysteryDataError(f"{where}: {unknown_name_message(texts['preset'], list(PRESETS), kind='preset')}")
    if texts["step"] not in keys:
        raise MysteryDataError(f"{where}: {unknown_name_message(texts['step'], keys, kind='step')}")
    changes = entry.get("changes", {})
    if not isinstance(changes, Mapping):
        raise MysteryDataError(f"{where}: 'changes' must be a table of Scenario fields; got {changes!r}")
    found = Case(changes=MappingProxyType(dict(changes)), **texts)
    try:
        found.scenario  # noqa: B018 - validates the changes now, not when a learner opens the case
    except ParameterError as exc:
        raise MysteryDataError(f"{where}: {exc}") from None
    return found


def load_cases(path: str | Path | None = None) -> tuple[tuple[Step, ...], tuple[Case, ...]]:
    """Read and check a mystery-patient file.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file in the format of ``simlib/data/mystery_patients.toml`` (default: that file).

    Returns
    -------
    (tuple of Step, tuple of Case)
        The steps of the chain in order, and the cases in file order.

    Raises
    ------
    MysteryDataError
        If the file is not valid TOML, a field is missing or wrong, a preset or step is unknown, a
        change is not a valid Scenario value, or two cases share an id.
    """
    source = str(path) if path is not None else "simlib/data/mystery_patients.toml"
    text = Path(path).read_text(encoding="utf-8") if path is not None else DATA_FILE.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MysteryDataError(f"{source} is not valid TOML: {exc}") from None
    found_steps = _parse_steps(data, source)
    keys = tuple(s.key for s in found_steps)
    entries = data.get("case")
    if not isinstance(entries, list) or not entries:
        raise MysteryDataError(f"{source}: needs at least one [[case]]")
    found = tuple(_parse_case(e, keys, f"{source} case {i + 1}") for i, e in enumerate(entries))
    ids = [c.id for c in found]
    if len(set(ids)) != len(ids):
        raise MysteryDataError(f"{source}: case ids must be unique; got {ids}")
    return found_steps, found


_LOADED: tuple[tuple[Step, ...], tuple[Case, ...]] | None = None


def _shipped() -> tuple[tuple[Step, ...], tuple[Case, ...]]:
    global _LOADED
    if _LOADED is None:
        _LOADED = load_cases()
    return _LOADED


def steps() -> tuple[Step, ...]:
    """Return the steps of the chain, in the order the signal travels (motoneuron first, cross-bridges last)."""
    return _shipped()[0]


def step(key: str) -> Step:
    """Return the step with this key; :class:`~simlib.ParameterError` naming the steps if there is none."""
    for s in steps():
        if s.key == key:
            return s
    raise ParameterError(unknown_name_message(key, [s.key for s in steps()], kind="step of the chain"))


def cases() -> tuple[Case, ...]:
    """Every mystery patient, in the order of the file."""
    return _shipped()[1]


def case(case_id: str | Case) -> Case:
    """Return the patient with this id (``"A"``); a :class:`Case` is returned as it is."""
    if isinstance(case_id, Case):
        return case_id
    for c in cases():
        if c.id == case_id:
            return c
    raise ParameterError(unknown_name_message(str(case_id), [c.id for c in cases()], kind="mystery patient"))


def diagnoses() -> tuple[str, ...]:
    """Return the diagnoses of the cases, sorted alphabetically (the choices offered to the learner)."""
    return tuple(sorted({c.diagnosis for c in cases()}, key=str.casefold))


def healthy_reference(case_id: str | Case) -> Scenario:
    """Return the healthy muscle under the same procedure (drive, stretch, run length, seed, units) as the patient."""
    sc = case(case_id).scenario
    return PRESETS["healthy"].replace(**{name: getattr(sc, name) for name in _PROCEDURE_FIELDS})


def run(case_id: str | Case, output_dt_s: float = OUTPUT_DT_S) -> Result:
    """Simulate the patient (deterministic); ``output_dt_s`` (s) short enough to see action potentials."""
    return simulate(case(case_id).scenario, output_dt_s)


@dataclass(frozen=True)
class Evidence:
    """What the instruments show in one run (read from a :class:`~simlib.Result`, no simulation).

    Attributes
    ----------
    nerve_spikes : mapping of str to int
        Nerve impulses by origin (:data:`simlib.result.SPIKE_ORIGINS`).
    muscle_spikes, muscle_spikes_after_drive : int
        Muscle action potentials (the EMG), in all and from 0.5 s after the command ended.
    resting_potential_mV, epp_peak_mV : float
        Fibre membrane potential before the command (mV) and the largest endplate potential (mV).
    ca_peak_uM : float
        Peak free myoplasmic Ca²⁺ (µM).
    peak_force, force_after_drive : float
        Peak force and mean force from 0.5 s after the command ended (1 = healthy maximal tetanus).
    """

    nerve_spikes: Mapping[str, int]
    muscle_spikes: int
    muscle_spikes_after_drive: int
    resting_potential_mV: float
    epp_peak_mV: float
    ca_peak_uM: float
    peak_force: float
    force_after_drive: float

    @property
    def nerve_total(self) -> int:
        """Every nerve impulse, whatever its origin."""
        return sum(self.nerve_spikes.values())


def evidence(res: Result) -> Evidence:
    """Read the :class:`Evidence` of a run (pure: no simulation)."""
    metrics = res.metrics(healthy_peak=float("nan"))  # the weakness test is not needed here
    start, end = drive_window(res.protocol, res.scenario.duration_s)
    after = min(end + AFTER_DRIVE_DELAY_S, float(res.t[-1])) if res.protocol.has_drive else start
    return Evidence(
        nerve_spikes=MappingProxyType({o: int(res.spikes_from(o).size) for o in SPIKE_ORIGINS}),
        muscle_spikes=int(res.muscle_spikes.size),
        muscle_spikes_after_drive=int(np.count_nonzero(res.muscle_spikes >= after)),
        resting_potential_mV=metrics.resting_potential_mV,
        epp_peak_mV=float(res.epp.max()),
        ca_peak_uM=float(res.ca_i.max()),
        peak_force=metrics.peak_force,
        force_after_drive=metrics.force_after_drive,
    )


def examine(case_id: str | Case) -> tuple[Result, Evidence, Evidence]:
    """Run the patient and the healthy reference; return the patient's run and both evidences."""
    c = case(case_id)
    res = run(c)
    return res, evidence(res), evidence(simulate(healthy_reference(c), OUTPUT_DT_S))


_ORIGIN_WORDS = {"commanded": "commanded by the spinal motoneuron", "reflex": "reflex firing of the motoneuron",
                 "self-sustained": "self-sustained motoneuron firing", "ectopic": "started in the axon (ectopic)",
                 "stimulator": "from the stimulator"}


def findings(patient: Evidence, healthy: Evidence) -> list[str]:
    """Say what the instruments show, in chain order, each beside the healthy value; no interpretation.

    Parameters
    ----------
    patient, healthy : Evidence
        The patient's run and the healthy muscle's under the same procedure (:func:`examine`).

    Returns
    -------
    list of str
        Nerve impulses by origin, muscle action potentials, resting potential, endplate potential,
        Ca²⁺ and force (units in the text).
    """
    origins = ", ".join(f"{n} {_ORIGIN_WORDS[o]}" for o, n in patient.nerve_spikes.items() if n) or "none"
    return [
        f"Nerve impulses: {patient.nerve_total} ({origins}); healthy: {healthy.nerve_total}.",
        f"Muscle action potentials (EMG): {patient.muscle_spikes}, {patient.muscle_spikes_after_drive} of them "
        f"from 0.5 s after the command ended; healthy: {healthy.muscle_spikes} and "
        f"{healthy.muscle_spikes_after_drive}.",
        f"Fibre resting potential: {patient.resting_potential_mV:.0f} mV; healthy: "
        f"{healthy.resting_potential_mV:.0f} mV.",
        f"Largest endplate potential: {patient.epp_peak_mV:.0f} mV; healthy: {healthy.epp_peak_mV:.0f} mV.",
        f"Peak free Ca²⁺: {patient.ca_peak_uM:.3g} µM; healthy: {healthy.ca_peak_uM:.3g} µM.",
        f"Peak force: {patient.peak_force:.2f}, force from 0.5 s after the command: "
        f"{patient.force_after_drive:.2f} (1 = healthy maximal tetanus); healthy: {healthy.peak_force:.2f} and "
        f"{healthy.force_after_drive:.2f}.",
    ]


@dataclass(frozen=True)
class Verdict:
    """The judgement of one answer.

    Attributes
    ----------
    case_id, step : str
        The patient and the step chosen (a key of :func:`steps`).
    step_correct : bool
    diagnosis : str or None
        The diagnosis chosen (None: not asked).
    diagnosis_correct : bool or None
        None when no diagnosis was given.
    feedback : str
        What to tell the learner: right, or what the chosen step's failure would look like (a hint
        that does not give the answer away).
    explanation, citation : str
        The case's explanation and sources (show them once the answer is right or revealed).
    """

    case_id: str
    step: str
    step_correct: bool
    diagnosis: str | None
    diagnosis_correct: bool | None
    feedback: str
    explanation: str = field(repr=False)
    citation: str = field(repr=False)


def check(case_id: str | Case, step_key: str, diagnosis: str | None = None) -> Verdict:
    """Judge an answer: which step is broken and, optionally, the diagnosis.

    Parameters
    ----------
    case_id : str or Case
        The patient (``"A"``).
    step_key : str
        A key of :func:`steps` (``"junction"``).
    diagnosis : str, optional
        One of :func:`diagnoses`.

    Returns
    -------
    Verdict

    Raises
    ------
    ParameterError
        If the patient, the step or the diagnosis is unknown (the message lists the choices).
    """
    c = case(case_id)
    chosen = step(step_key)
    if diagnosis is not None and diagnosis not in diagnoses():
        raise ParameterError(unknown_name_message(diagnosis, diagnoses(), kind="diagnosis"))
    right = chosen.key == c.step
    dx_right = None if diagnosis is None else diagnosis == c.diagnosis
    if right:
        text = f"✔ Right: the broken step is “{chosen.label}”."
        if dx_right is False:
            text += " The diagnosis is another one that breaks this step: compare the vignette with the explanation."
    else:
        text = f"✘ Not this step. {chosen.sign} Is that what this patient's panels show?"
    return Verdict(c.id, chosen.key, right, diagnosis, dx_right, text, c.explanation, c.citation)


# --- the record of answers ------------------------------------------------------------------------

_ANSWERS: dict[str, dict[str, Any]] = {}


def _key(case_id: str) -> str:
    return f"mystery-{case_id}"


def record(verdict: Verdict, *, attempts: int, revealed: bool) -> dict[str, Any]:
    """Record an answer in this kernel and in the open lab book (if any); return the record.

    Parameters
    ----------
    verdict : Verdict
        What :func:`check` said.
    attempts : int, keyword-only
        Checks of a newly chosen answer so far.
    revealed : bool, keyword-only
        Whether the explanation was shown before a right answer.

    Returns
    -------
    dict
        ``kind``, ``prompt``, ``case``, ``step``, ``correct``, ``diagnosis``, ``diagnosis_correct``,
        ``attempts``, ``revealed`` and ``time`` (UTC, ISO 8601); saved under the key ``mystery-<id>``.
    """
    rec = {"kind": KIND, "prompt": f"Mystery patient {verdict.case_id}: which step is broken?",
           "case": verdict.case_id, "step": verdict.step, "correct": verdict.step_correct,
           "diagnosis": verdict.diagnosis, "diagnosis_correct": verdict.diagnosis_correct,
           "attempts": int(attempts), "revealed": bool(revealed),
           "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    _ANSWERS[verdict.case_id] = rec
    book = labbook.current()
    if book is not None:
        book.save_answer(_key(verdict.case_id), rec)
    return copy.deepcopy(rec)


def restored(case_id: str) -> dict[str, Any] | None:
    """Return the learner's earlier answer for this patient: from this kernel, else from the open lab book."""
    if case_id in _ANSWERS:
        return copy.deepcopy(_ANSWERS[case_id])
    book = labbook.current()
    saved = book.answer(_key(case_id)) if book is not None else None
    return saved if saved and saved.get("kind") == KIND else None


def answers() -> list[dict[str, Any]]:
    """Every answer recorded in this kernel session (copies), in the order first recorded."""
    return [copy.deepcopy(r) for r in _ANSWERS.values()]


def clear_answers() -> None:
    """Forget the answers recorded in this kernel (a new learner on the same kernel, or a test)."""
    _ANSWERS.clear()
