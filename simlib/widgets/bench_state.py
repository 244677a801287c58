"""The stimulator bench without any widget: settings → Protocol and Scenario → Result → measured values.

:class:`Stimulator` is what the learner sets on the stimulator (mode; interval of paired pulses;
rate and length of a train) and makes the :class:`simlib.Protocol` of a run; the preparation's
conditions are a :class:`simlib.Scenario` (electrolytes, drugs, temperature: the fields listed in
:data:`BENCH_CONDITIONS`, or any others the bench is given). :class:`BenchState` runs the pair on
request and measures the force trace (:func:`measure`) with the library's own measures
(:func:`simlib.experiments.twitch_of`, :func:`simlib.metrics.relaxation_between_stimuli`,
:func:`simlib.pool.experiments.tof_of`, the train-of-four's ratio and count of
:func:`simlib.train_of_four`; the fresh, fatigued and test-train forces and the recovery of a fatigue run,
:func:`simlib.experiments.fatigue_recovery_of`), so a recorded value equals what the API measures for the
same settings.
Muscle length and an isotonic load are conditions like the others; an isotonic run is also measured
for its shortening (:func:`simlib.mechanics.shortening_of`, the measure of
:func:`simlib.load_velocity`). Stimulus intensity (``stimulus_v``) and the muscle's motor units
(``motor_units``: 1 is the single representative unit, more a pool, :mod:`simlib.pool`) are
conditions too; a pool run is also measured for the fraction of its units that fired
(:attr:`simlib.metrics.Metrics.recruited_fraction`, what :func:`simlib.recruitment_curve` reports).

This module imports neither ipywidgets nor matplotlib.

Examples
--------
>>> from simlib.widgets.bench_state import BenchState, Stimulator
>>> state = BenchState()                                           # doctest: +SKIP
>>> state.run(Stimulator("paired", interval_ms=20.0))              # doctest: +SKIP
>>> state.measures["peak_force"] > 0                               # doctest: +SKIP
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from simlib.errors import ParameterError
from simlib.experiments import (
    FATIGUE_OUTPUT_DT_S,
    TWITCH_OUTPUT_DT_S,
    fatigue_protocol,
    fatigue_recovery_of,
    twitch_of,
)
from simlib.mechanics import shortening_of
from simlib.metrics import FUSED_RELAXATION, relaxation_between_stimuli
from simlib.pool.experiments import run_pool, tof_of, unblocked_twitch_peak
from simlib.pool.stimulation import RunMemo
from simlib.protocol import TOF_RATE_HZ, Protocol
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.simulate import simulate
from simlib.validation import Param, check_value
from simlib.widgets.state import field_param

__all__ = ["BENCH_CONDITIONS", "MEASURE_LABELS", "MODES", "POOL_MEMO_BYTES", "RELAX_S", "STIMULATOR_PARAMS",
           "STIMULUS_AT_S", "TEST_TRAIN_S", "BenchState", "Stimulator", "measure"]

#: Stimulator modes: one pulse, two pulses, a regular train, a train-of-four (four pulses at 2 Hz), and
#: fatigue and recovery (a fatiguing train, a rest, a test train at the same rate: PhysioEx exercise 2, activity 5).
MODES = ("single", "paired", "train", "train_of_four", "fatigue")
#: Length of the test train after the rest in "fatigue" mode (s), as in lesson 14.
TEST_TRAIN_S = 1.0
#: The first (or only) stimulus comes at this time (s): the resting trace is visible before it, as in
#: :func:`simlib.twitch`, whose run the bench's single pulse repeats exactly.
STIMULUS_AT_S = 0.1
#: Time recorded after the last stimulus (s): a twitch relaxes within it at 20 °C and above.
RELAX_S = 0.9
#: The preparation's conditions a bench shows by default: electrolytes, temperature, drugs and toxins,
#: muscle length and isotonic load, blood flow and glycogen breakdown (the fibre's ATP supply), the
#: muscle's motor units and the stimulus intensity (read by a pool only).
BENCH_CONDITIONS = ("ca_mM", "mg_mM", "k_mM", "na_mM", "temperature_c", "ache_activity", "release_block",
                    "receptor_block", "ryr_block", "length_rel", "load_rel", "blood_flow", "glycogenolysis",
                    "motor_units", "stimulus_v")
#: Bytes of chain runs a bench keeps for its pool runs (:class:`simlib.pool.stimulation.RunMemo`): about ten
#: 3 s runs, so going back to an earlier condition, or changing one that leaves a chain run unchanged
#: (stimulus intensity, motor units; receptor block for the muscle-side runs), does not simulate it again.
POOL_MEMO_BYTES = 100_000_000
_SOURCE = "stimulator setting of the bench (design choice)"
#: Metadata of the stimulator's settings (label, unit, range, step), like the Scenario's fields.
STIMULATOR_PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("mode", "single", "", "what the stimulator delivers", _SOURCE, choices=MODES, label="Stimulus mode",
          hint="single, paired, train, train_of_four or fatigue"),
    Param("interval_ms", 50.0, "ms", "time between the two pulses of a pair", _SOURCE, low=2.0, high=1000.0,
          step=1.0, label="Pulse interval",
          hint="A second twitch sums with the first until it has relaxed; most at 5-10 ms."),
    Param("rate_hz", 20.0, "Hz", "pulses per second in a train", _SOURCE, low=1.0, high=150.0, step=1.0,
          label="Train rate", hint="Twitches fuse into a tetanus from about 30 Hz."),
    Param("train_s", 1.0, "s", "how long a train lasts", _SOURCE, low=0.1, high=5.0, step=0.1,
          label="Train duration", hint="0.5-2 s shows summation and tetanus."),
    Param("fatigue_s", 10.0, "s", "how long the fatiguing train lasts", _SOURCE, low=1.0, high=30.0, step=1.0,
          label="Fatiguing train", hint="10 s at 20-40 Hz halves the force of a rested muscle."),
    Param("rest_s", 10.0, "s", "rest between the fatiguing train and the test train", _SOURCE, low=0.0,
          high=60.0, step=1.0, label="Rest", hint="Force comes back over tens of seconds: try 0, 5, 10, 20, 30 s."),
)}
#: Column heading (with unit) of each measured value, in table order.
MEASURE_LABELS: dict[str, str] = {
    "latent_period_ms": "Latent period (ms)",
    "time_to_peak_ms": "Time to peak (ms)",
    "peak_force": "Peak force",
    "half_relaxation_ms": "Half-relaxation (ms)",
    "relaxation": "Relaxation between stimuli (fraction of peak)",
    "fused": "Fused",
    "tof_ratio": "Train-of-four ratio",
    "tof_count": "Train-of-four count",
    "shortening_latent_ms": "Latent period to shortening (ms)",
    "shortening_velocity": "Shortening velocity (L0/s)",
    "shortening_distance": "Shortening distance (L0)",
    "recruited_fraction": "Recruited fraction of motor units",
    "fresh_force": "Force at the start of the fatiguing train",
    "fatigued_force": "Force at the end of the fatiguing train",
    "test_force": "Test-train peak force",
    "recovery_pct": "Recovery (% of the first peak)",
}


@dataclass(frozen=True)
class Stimulator:
    """What the stimulator delivers in one run (validated on construction).

    Attributes
    ----------
    mode : {"single", "paired", "train", "train_of_four", "fatigue"}
        One pulse; two pulses ``interval_ms`` apart; a train at ``rate_hz`` for ``train_s``; four
        pulses at 2 Hz (:meth:`simlib.Protocol.train_of_four`); a fatiguing train at ``rate_hz`` for
        ``fatigue_s``, a rest of ``rest_s`` and a :data:`TEST_TRAIN_S` test train at the same rate
        (:func:`simlib.experiments.fatigue_protocol`).
    interval_ms : float
        Interval of paired pulses (ms); read in "paired" mode only.
    rate_hz : float
        Train rate (Hz); read in "train" and "fatigue" modes.
    train_s : float
        Train duration (s); read in "train" mode only.
    fatigue_s, rest_s : float
        Fatiguing train and rest (s); read in "fatigue" mode only.

    Raises
    ------
    ParameterError
        If a value lies outside :data:`STIMULATOR_PARAMS` (the message names range, unit and a hint).
    """

    mode: str = "single"
    interval_ms: float = 50.0
    rate_hz: float = 20.0
    train_s: float = 1.0
    fatigue_s: float = 10.0
    rest_s: float = 10.0

    def __post_init__(self) -> None:
        for name, param in STIMULATOR_PARAMS.items():
            object.__setattr__(self, name, check_value(param, getattr(self, name)))

    def replace(self, **changes: Any) -> Stimulator:
        """Return a copy with ``changes`` (validated); an unknown name is a ParameterError."""
        unknown = set(changes) - set(STIMULATOR_PARAMS)
        if unknown:
            raise ParameterError(f"the stimulator has no setting {sorted(unknown)[0]!r}; it has "
                                 f"{', '.join(STIMULATOR_PARAMS)}")
        return Stimulator(**{**asdict(self), **changes})

    def protocol(self) -> Protocol:
        """Return the :class:`simlib.Protocol` of this stimulator setting, first stimulus at :data:`STIMULUS_AT_S`."""
        if self.mode == "paired":
            return Protocol.paired(self.interval_ms / 1000.0, STIMULUS_AT_S)
        if self.mode == "train":
            return Protocol.train(self.rate_hz, STIMULUS_AT_S, self.train_s)
        if self.mode == "train_of_four":
            return Protocol.train_of_four(STIMULUS_AT_S)
        if self.mode == "fatigue":
            return fatigue_protocol(self.rate_hz, self.fatigue_s, self.rest_s, TEST_TRAIN_S, STIMULUS_AT_S)
        return Protocol.pulses([STIMULUS_AT_S])

    def duration_s(self) -> float:
        """Return the run's length (s): the stimuli, then :data:`RELAX_S`; at least 1 s, as :func:`simlib.twitch`."""
        last = self.protocol().impulses_s[-1]
        end = STIMULUS_AT_S + self.train_s if self.mode == "train" else last
        if self.mode == "train_of_four":
            end = STIMULUS_AT_S + 4.0 / TOF_RATE_HZ
        if self.mode == "fatigue":
            end = STIMULUS_AT_S + self.fatigue_s + self.rest_s + TEST_TRAIN_S
        return round(max(1.0, end + RELAX_S), 9)

    def settings(self) -> dict[str, object]:
        """Return the settings that matter in this mode (for a data-table row); the others are ``None``."""
        fatigue = self.mode == "fatigue"
        return {"mode": self.mode,
                "interval_ms": self.interval_ms if self.mode == "paired" else None,
                "rate_hz": self.rate_hz if self.mode in ("train", "fatigue") else (
                    TOF_RATE_HZ if self.mode == "train_of_four" else None),
                "train_s": self.train_s if self.mode == "train" else None,
                "fatigue_s": self.fatigue_s if fatigue else None, "rest_s": self.rest_s if fatigue else None}

    def describe(self) -> str:
        """Short words for a legend or a caption, e.g. ``"paired pulses, 50 ms apart"``."""
        if self.mode == "paired":
            return f"paired pulses, {self.interval_ms:g} ms apart"
        if self.mode == "train":
            return f"train, {self.rate_hz:g} Hz for {self.train_s:g} s"
        if self.mode == "train_of_four":
            return "train-of-four (2 Hz)"
        if self.mode == "fatigue":
            return f"fatigue, {self.rate_hz:g} Hz for {self.fatigue_s:g} s, rest {self.rest_s:g} s, test train"
        return "single pulse"

    def output_dt_s(self, finest_s: float) -> float:
        """Return the output interval of this setting's run (s): ``finest_s``, or 1 ms for a fatigue run.

        A fatigue run lasts up to a minute; :data:`simlib.experiments.FATIGUE_OUTPUT_DT_S` keeps it to
        tens of thousands of samples.
        """
        return max(finest_s, FATIGUE_OUTPUT_DT_S) if self.mode == "fatigue" else finest_s


def _number(value: float) -> float | None:
    """Return a measured number for the table: NaN (not measurable) becomes None; inf stays (never relaxes)."""
    return None if math.isnan(value) else float(value)


def measure(result: Result, stimulator: Stimulator) -> dict[str, object]:
    """Measure the force trace of a bench run with the library's measures.

    Parameters
    ----------
    result : Result
        The run of ``stimulator.protocol()``.
    stimulator : Stimulator
        Its stimulator setting (which measures apply).

    Returns
    -------
    dict of str to object
        Keys of :data:`MEASURE_LABELS`: ``latent_period_ms`` (first stimulus to force onset),
        ``time_to_peak_ms`` (first stimulus to the peak), ``peak_force`` (above rest) and
        ``half_relaxation_ms`` (peak to half of it), all from :func:`simlib.experiments.twitch_of`;
        for trains ``relaxation`` (the largest fall of force between stimuli over the peak,
        :func:`simlib.metrics.relaxation_between_stimuli`) and ``fused`` (relaxation below
        :data:`simlib.metrics.FUSED_RELAXATION`); for a train-of-four ``tof_ratio`` (fourth response
        over the first, T4/T1; None when the first is absent) and ``tof_count`` (responses present), as
        :func:`simlib.train_of_four` measures them (:func:`simlib.pool.experiments.tof_of`; the count's
        reference, the preparation's twitch without receptor block, is one cached run:
        :func:`simlib.pool.experiments.unblocked_twitch_peak`); for an isotonic run (the
        Scenario's ``load_rel`` set) ``shortening_latent_ms`` (first stimulus to the start of
        shortening), ``shortening_velocity`` (peak, optimal lengths per second) and
        ``shortening_distance`` (optimal lengths), from :func:`simlib.mechanics.shortening_of` (0 and
        0 when the load is not lifted); for a fatigue run ``fresh_force``, ``fatigued_force``,
        ``test_force`` and ``recovery_pct`` (:func:`simlib.experiments.fatigue_recovery_of`); for a
        pool (the Scenario's ``motor_units`` above 1) ``recruited_fraction``, the fraction of its units whose
        fibres fired (:attr:`simlib.metrics.Metrics.recruited_fraction`). Values that do not
        apply, or cannot be measured (no twitch, no shortening), are ``None``.
    """
    tw = twitch_of(result, STIMULUS_AT_S)
    out: dict[str, object] = {
        "latent_period_ms": _number(tw.latent_period_ms), "time_to_peak_ms": _number(tw.contraction_time_ms),
        "peak_force": float(tw.peak_force), "half_relaxation_ms": _number(tw.half_relaxation_ms),
        "relaxation": None, "fused": None, "tof_ratio": None, "tof_count": None,
        "shortening_latent_ms": None, "shortening_velocity": None, "shortening_distance": None,
        "recruited_fraction": None, "fresh_force": None, "fatigued_force": None, "test_force": None,
        "recovery_pct": None,
    }
    if result.scenario.motor_units > 1:
        out["recruited_fraction"] = _number(result.metrics().recruited_fraction)
    if result.scenario.load_rel is not None:
        velocity, distance, latent = shortening_of(result, STIMULUS_AT_S)
        out.update(shortening_latent_ms=_number(latent), shortening_velocity=velocity, shortening_distance=distance)
    if stimulator.mode == "train":
        delay = 0.0 if math.isnan(tw.latent_period_ms) else tw.latent_period_ms / 1000.0
        fall = relaxation_between_stimuli(result.t, result.force, result.protocol.impulses_s, delay)
        out["relaxation"] = _number(fall)
        out["fused"] = None if math.isnan(fall) else bool(fall < FUSED_RELAXATION)
    elif stimulator.mode == "train_of_four":
        _, ratio, count = tof_of(result, result.protocol.impulses_s, unblocked_twitch_peak(result.scenario))
        out.update(tof_ratio=_number(ratio), tof_count=count)
    elif stimulator.mode == "fatigue":
        fr = fatigue_recovery_of(result, STIMULUS_AT_S, stimulator.fatigue_s, stimulator.rest_s)
        out.update(fresh_force=_number(fr.fresh_force), fatigued_force=_number(fr.fatigued_force),
                   test_force=_number(fr.test_force), recovery_pct=_number(fr.recovery_pct))
    return out


class BenchState:
    """The preparation, the stimulator, and the last run with its measures (no widgets).

    Parameters
    ----------
    scenario : Scenario, optional
        The preparation's conditions; the healthy default when None. Its drive fields are not used
        (the stimulator's protocol replaces them).
    conditions : sequence of str, default :data:`BENCH_CONDITIONS`
        The Scenario fields the bench lets the learner change.
    output_dt_s : float, default :data:`simlib.experiments.TWITCH_OUTPUT_DT_S`
        Output interval of the runs (s); the default is :func:`simlib.twitch`'s (0.1 ms). Fatigue runs are
        sampled at 1 ms or coarser (:meth:`Stimulator.output_dt_s`).

    Attributes
    ----------
    scenario : Scenario
        The conditions of the next run.
    stimulator : Stimulator
        The stimulator setting of the next run.
    result : Result or None
        The last run (None before the first).
    measures : dict of str to object
        :func:`measure` of the last run (empty before the first).
    ran_with : tuple of (Stimulator, Scenario) or None
        The settings of the last run (the row :meth:`row` records).

    Raises
    ------
    ParameterError
        If a condition is not a Scenario field (with a suggestion) or ``scenario`` is not a Scenario.
    """

    def __init__(self, scenario: Scenario | None = None, *, conditions: Sequence[str] = BENCH_CONDITIONS,
                 output_dt_s: float = TWITCH_OUTPUT_DT_S) -> None:
        if scenario is not None and not isinstance(scenario, Scenario):
            raise ParameterError(f"'scenario' must be a simlib.Scenario; got {type(scenario).__name__}")
        self.conditions = tuple([conditions] if isinstance(conditions, str) else conditions)
        for name in self.conditions:
            field_param(name)
        # one motor unit unless given a pool (motor_units, a condition of the recruitment bench): the classic
        # twitch, summation and fatigue protocols read one unit's force at once
        self.scenario = Scenario(motor_units=1) if scenario is None else scenario
        self.stimulator = Stimulator()
        self.output_dt_s = float(output_dt_s)
        self.result: Result | None = None
        self.measures: dict[str, object] = {}
        self.ran_with: tuple[Stimulator, Scenario] | None = None
        self._memo = RunMemo(POOL_MEMO_BYTES)

    def set(self, **values: Any) -> None:
        """Change stimulator settings and conditions by name (validated; nothing changes on a ParameterError)."""
        stim = {k: v for k, v in values.items() if k in STIMULATOR_PARAMS}
        rest = {k: v for k, v in values.items() if k not in STIMULATOR_PARAMS}
        stimulator = self.stimulator.replace(**stim) if stim else self.stimulator
        scenario = self.scenario.replace(**rest) if rest else self.scenario
        self.stimulator, self.scenario = stimulator, scenario

    def run_scenario(self) -> Scenario:
        """Return the Scenario that is simulated: the conditions, with the run as long as the stimulator needs."""
        return self.scenario.replace(duration_s=self.stimulator.duration_s())

    def run(self) -> Result:
        """Simulate the current settings, measure the force and keep both (:attr:`result`, :attr:`measures`).

        The run is :func:`simlib.simulate`'s; a pool's chain runs are kept (:data:`POOL_MEMO_BYTES`) and reused
        by later runs that need the same ones.
        """
        stimulator, scenario = self.stimulator, self.run_scenario()
        dt_s = stimulator.output_dt_s(self.output_dt_s)
        if scenario.motor_units > 1:  # what simulate() runs, with the bench's memo of chain runs
            result = run_pool(scenario, stimulator.protocol(), memo=self._memo, output_dt_s=dt_s).result
        else:
            result = simulate(scenario, output_dt_s=dt_s, protocol=stimulator.protocol())
        self.result, self.measures = result, measure(result, stimulator)
        self.ran_with = (stimulator, self.scenario)
        return result

    def row(self) -> dict[str, object]:
        """Return the data-table row of the last run: stimulator settings, conditions, measured values.

        Raises
        ------
        ParameterError
            If nothing has run yet.
        """
        if self.ran_with is None:
            raise ParameterError("nothing to record yet: press Stimulate first")
        stimulator, scenario = self.ran_with
        return {**stimulator.settings(), **{name: getattr(scenario, name) for name in self.conditions},
                **self.measures}
