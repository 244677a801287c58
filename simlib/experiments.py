"""Standard experiments built on :func:`simlib.simulate`.

Twitch, force-frequency, sweeps over Scenario values, and the spinal cramp machinery's slow command
ramps and cramp threshold frequency. The sweep's process pool is in :mod:`simlib._parallel`.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from simlib._parallel import group_metrics, identical_runs, sweep_parallel, worker_count
from simlib.errors import ParameterError
from simlib.progress import Progress, check_progress, progress_reporter
from simlib.protocol import Protocol
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.simulate import check_scenario, simulate
from simlib.validation import describe_value, unknown_name_message

__all__ = ["ONSET_FORCE", "TWITCH_OUTPUT_DT_S", "Twitch", "twitch", "twitch_of", "force_frequency",
           "FATIGUE_FRESH_S", "FATIGUE_END_S", "FATIGUE_OUTPUT_DT_S", "FatigueRecovery", "fatigue_protocol",
           "fatigue_recovery", "fatigue_recovery_of",
           "sweep", "classification_grid", "Ramp", "ramp",
           "cramp_threshold_frequency", "CTF_TRAIN_S", "CTF_RATES_HZ"]

_TWITCH_AT_S = 0.1
_TRAIN_S = 1.0
#: Output interval of :func:`twitch`'s run (s): 0.1 ms resolves the latent period of a few ms.
TWITCH_OUTPUT_DT_S = 1e-4
#: Force onset, for the latent period: the force has risen by this much above rest (force unit; about
#: 0.5 % of the healthy twitch, the smallest rise a force transducer shows above its noise: a design
#: choice). An absolute threshold makes the latent period independent of what later stimuli add.
ONSET_FORCE = 1e-3
#: Fatigue and recovery with rest (:func:`fatigue_recovery_of`): the fresh force is the peak of the fatiguing
#: train's first second (s), the fatigued force the peak of its last half second (design choices: at 20 Hz the
#: force reaches its fresh peak within the first second, and half a second holds at least one whole
#: interval between stimuli from 2 Hz up).
FATIGUE_FRESH_S = 1.0
FATIGUE_END_S = 0.5
#: Output interval of a fatigue run (s): 1 ms, as :func:`simlib.simulate`'s default; a 40 s run at 0.1 ms
#: would return 400 000 samples (about 90 MB), and its force peaks need no finer sampling.
FATIGUE_OUTPUT_DT_S = 1e-3


@dataclass(frozen=True)
class Twitch:
    """Time course of a single twitch.

    Attributes
    ----------
    contraction_time_ms : float
        Stimulus to peak force (ms); NaN when the stimulus evoked no twitch.
    half_relaxation_ms : float
        Peak to half of the peak force (ms); ``math.inf`` if force never falls to half,
        NaN when there was no twitch.
    peak_force : float
        Peak force above rest (force unit).
    latent_period_ms : float
        Stimulus to the onset of force (ms): the first sample where force has risen by
        :data:`ONSET_FORCE` above rest; NaN when there was no twitch.
    """

    contraction_time_ms: float
    half_relaxation_ms: float
    peak_force: float
    latent_period_ms: float = math.nan


def twitch(sc: Scenario, *, constants: Mapping[str, float] | None = None) -> Twitch:
    """Twitch evoked by one supramaximal nerve stimulus under the conditions of ``sc``.

    The drive settings of ``sc`` are replaced by a single stimulus at 0.1 s; the run
    lasts 1 s and is sampled every 0.1 ms.

    Parameters
    ----------
    sc : Scenario
        Conditions (electrolytes, temperature, ATP, drugs).
    constants : mapping of str to float, keyword-only, optional
        Model constants for this run (as in :func:`simlib.simulate`), e.g. a student's preparation
        ``simlib.individual(code)``.

    Returns
    -------
    Twitch
        Latent period, contraction time, half-relaxation time and peak force (:func:`twitch_of`).

    Raises
    ------
    ParameterError
        If ``sc`` is not a Scenario.
    """
    check_scenario(sc, "twitch")
    run = sc.replace(drive="stimulation", rate_hz=1.0, drive_start_s=_TWITCH_AT_S, drive_s=0.5,
                     duration_s=max(1.0, _TWITCH_AT_S + 0.9), stretch_at_s=None)
    return twitch_of(simulate(run, output_dt_s=TWITCH_OUTPUT_DT_S, constants=constants), _TWITCH_AT_S)


def twitch_of(res: Result, stimulus_s: float) -> Twitch:
    """Measure the time course of the force response in a run (pure: no simulation).

    Parameters
    ----------
    res : Result
        Any run; force is measured relative to its first sample (the resting force).
    stimulus_s : float
        Time of the (first) stimulus (s); times are measured from it.

    Returns
    -------
    Twitch
        Latent period (stimulus to force onset), contraction time (stimulus to peak), half-relaxation
        time (peak to half the peak) and peak force above rest. After several stimuli the same
        measures describe the whole response: its peak, when it is reached and how it relaxes.
    """
    after = res.t >= stimulus_s - 1e-12
    rise = res.force - res.force[0]
    first = int(np.argmax(after)) if after.any() else len(rise) - 1
    peak_i = first + int(np.argmax(rise[first:]))
    peak = float(rise[peak_i])
    if peak < ONSET_FORCE:
        return Twitch(math.nan, math.nan, max(peak, 0.0), math.nan)
    below = np.nonzero(rise[peak_i:] < peak / 2.0)[0]
    half = float(res.t[peak_i + below[0]] - res.t[peak_i]) * 1000.0 if below.size else math.inf
    onset_i = first + int(np.argmax(rise[first:] >= ONSET_FORCE))
    return Twitch((float(res.t[peak_i]) - stimulus_s) * 1000.0, half, peak,
                  (float(res.t[onset_i]) - stimulus_s) * 1000.0)


def force_frequency(sc: Scenario, rates_hz: Iterable[float], *,
                    constants: Mapping[str, float] | None = None) -> np.ndarray:
    """Peak force of a 1 s stimulation train at each rate.

    Parameters
    ----------
    sc : Scenario
        Conditions; its drive settings are replaced by a 1 s nerve-stimulation train
        starting at 0.1 s (run length 1.6 s).
    rates_hz : iterable of float
        Stimulation rates (Hz), each 0-150.
    constants : mapping of str to float, keyword-only, optional
        Model constants for these runs (as in :func:`simlib.simulate`).

    Returns
    -------
    numpy.ndarray
        Peak force at each rate (force unit).

    Raises
    ------
    ParameterError
        If ``sc`` is not a Scenario, ``rates_hz`` not a sequence of numbers, or a rate out of range.
    """
    check_scenario(sc, "force_frequency")
    rates_hz = _axis_values("force_frequency", "rates_hz", rates_hz, example="rates_hz=[10, 20, 50]")
    base = sc.replace(drive="stimulation", drive_start_s=_TWITCH_AT_S, drive_s=_TRAIN_S,
                      duration_s=_TWITCH_AT_S + _TRAIN_S + 0.5, stretch_at_s=None)
    return np.array([simulate(base.replace(rate_hz=rate), constants=constants).force.max()
                     for rate in rates_hz])


@dataclass(frozen=True)
class FatigueRecovery:
    """Force of a fatiguing train, and of a test train after a rest (force unit: 1 = maximal tetanus).

    Attributes
    ----------
    fresh_force : float
        Peak force in the fatiguing train's first :data:`FATIGUE_FRESH_S` (the fresh muscle).
    fatigued_force : float
        Peak force in its last :data:`FATIGUE_END_S` (the fatigued muscle).
    test_force : float
        Peak force from the test train's first stimulus to the end of the run.
    recovery_pct : float
        ``100 * test_force / fresh_force`` (%): how much of the fresh force the rest gave back; NaN
        when the fresh muscle did not contract (force never :data:`ONSET_FORCE` above rest).
    """

    fresh_force: float
    fatigued_force: float
    test_force: float
    recovery_pct: float


def fatigue_protocol(rate_hz: float, train_s: float, rest_s: float, test_s: float, start_s: float) -> Protocol:
    """Return a fatiguing train at ``rate_hz`` for ``train_s`` from ``start_s``, a rest of ``rest_s``, a test train.

    The test train has the same rate and lasts ``test_s`` (all times in s); PhysioEx exercise 2, activity 5.
    """
    return Protocol.train(rate_hz, start_s, train_s) + Protocol.train(rate_hz, start_s + train_s + rest_s, test_s)


def fatigue_recovery_of(res: Result, start_s: float, train_s: float, rest_s: float) -> FatigueRecovery:
    """Measure fatigue and recovery in a run of :func:`fatigue_protocol` (pure: no simulation).

    Parameters
    ----------
    res : Result
        The run.
    start_s, train_s, rest_s : float
        Start and length of the fatiguing train, and the rest after it (s); the test train starts at
        ``start_s + train_s + rest_s``.

    Returns
    -------
    FatigueRecovery
        Fresh, fatigued and test-train peak forces and the recovery (%).
    """
    t, force = res.t, res.force
    end = start_s + train_s

    def peak(a: float, b: float) -> float:
        inside = (t >= a - 1e-12) & (t < b - 1e-12)
        return float(force[inside].max()) if inside.any() else math.nan

    fresh = peak(start_s, start_s + min(FATIGUE_FRESH_S, train_s))
    test = peak(end + rest_s, math.inf)
    recovery = 100.0 * test / fresh if fresh - float(force[0]) >= ONSET_FORCE else math.nan
    return FatigueRecovery(fresh, peak(max(start_s, end - FATIGUE_END_S), end), test, recovery)


def fatigue_recovery(sc: Scenario, rest_s: float, *, rate_hz: float = 20.0, train_s: float = 10.0,
                     test_s: float = 1.0, constants: Mapping[str, float] | None = None) -> FatigueRecovery:
    """Fatigue the muscle with a nerve-stimulation train, let it rest, and test how much force has come back.

    Parameters
    ----------
    sc : Scenario
        Conditions (``blood_flow``, ``glycogenolysis``, electrolytes ...); its drive settings are replaced by
        :func:`fatigue_protocol` from 0.5 s; the run ends 0.5 s after the test train.
    rest_s : float
        Rest between the fatiguing train and the test train (s).
    rate_hz, train_s, test_s : float, keyword-only
        Rate of both trains (Hz), length of the fatiguing train and of the test train (s).
    constants : mapping of str to float, keyword-only, optional
        Model constants for the run (as in :func:`simlib.simulate`).

    Returns
    -------
    FatigueRecovery
        :func:`fatigue_recovery_of` of the run, sampled every :data:`FATIGUE_OUTPUT_DT_S`.

    Raises
    ------
    ParameterError
        If ``sc`` is not a Scenario or a time or rate is out of range.
    """
    check_scenario(sc, "fatigue_recovery")
    protocol = fatigue_protocol(rate_hz, train_s, rest_s, test_s, 0.5)
    run = sc.replace(duration_s=0.5 + train_s + rest_s + test_s + 0.5)
    res = simulate(run, output_dt_s=FATIGUE_OUTPUT_DT_S, protocol=protocol, constants=constants)
    return fatigue_recovery_of(res, 0.5, train_s, rest_s)


def sweep(
    sc: Scenario,
    *,
    progress: bool | Callable[[int, int], None] | None = None,
    workers: int | None = None,
    **axes: Sequence[float | str],
) -> np.ndarray:
    """Metrics over a grid of Scenario values, in parallel over processes when that pays off.

    Parameters
    ----------
    sc : Scenario
        Base scenario; every grid point is ``sc.replace(**point)``.
    progress : bool or callable, optional
        ``True``: show a progress bar (an ipywidgets bar in Jupyter, a text bar on stderr
        elsewhere). A callable is called as ``progress(done, total)`` in this process as grid
        points finish (after every point when serial, after every chunk of points when
        parallel; ``done`` only grows and ends at ``total``). ``None`` (default): a bar only
        when the sweep is long (more than about 100 simulated seconds) and someone is
        watching (Jupyter, or stderr is a terminal). ``False``: never.
    workers : int, optional, keyword-only
        Worker processes. ``None`` (default): all usable CPU cores, when the grid is large
        enough for a process pool to pay off (at least ``4 * cores`` points), else serial.
        ``1``: serial, in this process. Results are identical, bit for bit, whatever the
        number of workers (every grid point is an independent, deterministic simulation).
        Where workers are spawned rather than forked (macOS, Windows) the default stays
        serial below ~300 simulated seconds, and a script that uses workers must guard its
        entry point with ``if __name__ == "__main__":``.
    **axes : sequence
        One or more Scenario fields with the values to sweep, e.g.
        ``rate_hz=[5, 20], ca_mM=[0.7, 1.2]``. Axis order follows keyword order.

    Returns
    -------
    numpy.ndarray
        Object array of :class:`simlib.Metrics`, shape ``(len(axis1), len(axis2), ...)``.

    Raises
    ------
    ParameterError
        For an unknown field name, an invalid value or an invalid ``workers`` (before any
        simulation runs).
    KeyboardInterrupt
        Re-raised after pending work is cancelled and the worker processes are stopped.

    Notes
    -----
    Grid points that simulate identically are simulated once: those whose Scenarios differ only in
    drive fields that give the same :class:`simlib.Protocol` (the voluntary rates of one 1 Hz
    calibration step, and every voluntary rate above the motoneuron's maximal rate, about 45 Hz, get
    the same command). Their metrics, which depend on the run and its protocol only, are the same
    object. In a 60 x 60 rate x Ca²⁺ grid with voluntary drive from 1 to 100 Hz, 1 680 simulations
    serve the 3 600 points.

    Workers are started with ``fork`` on Linux: they inherit the already compiled model kernel
    and start in milliseconds. Elsewhere (``spawn``; and ``forkserver`` on Python 3.12+ when
    other threads run, as in Jupyter) each worker imports simlib and loads the compiled kernel
    from numba's on-disk cache (see :mod:`simlib.stages._jit`), which takes about a second.
    Workers ignore Ctrl-C; the parent handles it. They end with the parent even when it is killed
    (SIGTERM, SIGKILL, SIGHUP). Grid points are sent in chunks, in grid order.

    Examples
    --------
    >>> grid = sweep(Scenario(), rate_hz=[10, 20], ca_mM=[0.75, 1.2])  # doctest: +SKIP
    >>> grid[0, 1].classification  # doctest: +SKIP
    'normal'
    >>> grid = sweep(Scenario(), progress=True, rate_hz=range(1, 101), ca_mM=[0.5, 1.2, 3.0])  # doctest: +SKIP
    """
    check_scenario(sc, "sweep")
    if not axes:
        raise ParameterError("sweep() needs at least one axis, e.g. sweep(sc, rate_hz=[10, 20]).")
    for name in axes:
        if name not in Scenario.field_names():
            raise ParameterError(unknown_name_message(name, Scenario.field_names()))
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, numbers.Integral)
                                or workers < 1):
        raise ParameterError(f"'workers' must be a whole number of processes, at least 1, or None for all cores; "
                             f"got {workers!r}. Use workers=1 to run serially.")
    check_progress(progress)
    names = list(axes)
    values = [_axis_values("sweep", name, axes[name], example=f"{name}=[{getattr(sc, name)!r}]")
              for name in names]
    points = [sc.replace(**dict(zip(names, combo, strict=True))) for combo in itertools.product(*values)]
    shape = [len(v) for v in values]
    groups = identical_runs(points)
    n_workers = worker_count(workers, [group[0] for group in groups])
    report = progress_reporter(progress, len(points), sum(p.duration_s for p in points))
    out = np.empty(len(points), dtype=object)
    try:
        if n_workers <= 1:
            done = 0
            for group in groups:
                for i, metrics in zip(group, group_metrics([points[i] for i in group]), strict=True):
                    out[i] = metrics
                done += len(group)
                report(done)
        else:
            sweep_parallel(points, groups, n_workers, report, out)
    finally:
        report.close()
    return out.reshape(shape)


def _axis_values(function: str, name: str, values: object, *, example: str) -> list:
    """Return the values of one axis as a list; anything but a sequence of values is a ParameterError."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ParameterError(
            f"{function}() needs a list of values for {name!r}; got {describe_value(values, numeric=False)}. "
            f"Write, for example, {example} (one value in brackets for a single point)."
        )
    return list(values)


def classification_grid(grid: np.ndarray) -> np.ndarray:
    """Classification strings of a :func:`sweep` result, same shape (array of str)."""
    return np.vectorize(lambda m: m.classification, otypes=[object])(grid)


# ------------------------------------------------------------------------------------------ spinal cramp machinery

#: stimulation train length of the cramp-threshold protocol (s) (Miller & Knight 2009 used short trains)
CTF_TRAIN_S = 2.0
#: rates tried, in order (Hz): 2 Hz steps as in the clinical protocol, then coarser up to 150 Hz
CTF_RATES_HZ = tuple(range(4, 42, 2)) + tuple(range(45, 151, 5))
_CTF_AFTER_S = 3.0
_RAMP_START_S = 0.5


@dataclass(frozen=True)
class Ramp:
    """Result of a slow triangular command ramp.

    Attributes
    ----------
    recruitment_drive : float
        Descending command (mV of equivalent depolarisation) at the first motoneuron spike
        on the way up; ``math.nan`` if the motoneuron never fired.
    derecruitment_drive : float
        Command (mV) at the last motoneuron spike on the way down; ``math.nan`` if it never
        fired, and below zero never happens: firing that outlasts the ramp gives the value 0.
    peak_drive : float
        Command at the top of the triangle (mV).
    spike_times : numpy.ndarray
        Motoneuron spike times (s).
    rate_hz : numpy.ndarray
        Instantaneous firing rate at each spike after the first (Hz), for plotting.
    command_at_spike : numpy.ndarray
        Command (mV) at each of those spikes.
    ramp_s : float
        Duration of the whole triangle (s); it starts at :attr:`start_s`.
    start_s : float
        Time at which the command starts to rise (s).
    """

    recruitment_drive: float
    derecruitment_drive: float
    peak_drive: float
    spike_times: np.ndarray
    rate_hz: np.ndarray
    command_at_spike: np.ndarray
    ramp_s: float = 10.0
    start_s: float = _RAMP_START_S

    def command_mV(self, t_s: np.ndarray) -> np.ndarray:
        """Return the descending command (mV) at times ``t_s`` (s): 0, up to :attr:`peak_drive`, down to 0."""
        x = np.clip((np.asarray(t_s, dtype=float) - self.start_s) / (self.ramp_s / 2.0), 0.0, 2.0)
        return self.peak_drive * np.where(x <= 1.0, x, 2.0 - x)

    @property
    def hysteresis(self) -> float:
        """Recruitment minus derecruitment command (mV); positive when a PIC is active."""
        return self.recruitment_drive - self.derecruitment_drive


def ramp(sc: Scenario, *, ramp_s: float = 10.0, peak_drive_mV: float = 30.0) -> Ramp:
    """Slow triangular descending command (up, then down) to measure recruitment hysteresis.

    Parameters
    ----------
    sc : Scenario
        Conditions (``pic_gain``, ``fatigue``, electrolytes ...); its drive settings are replaced.
    ramp_s : float, keyword-only
        Duration of the whole triangle (s), 2-30.
    peak_drive_mV : float, keyword-only
        Command at the top of the triangle (mV of equivalent depolarisation), 5-120.

    Returns
    -------
    Ramp
        Recruitment and derecruitment command levels and the firing-rate trace. A persistent
        inward current makes recruitment need more command than derecruitment (Lee & Heckman
        1998; human ΔF a few pps, Gorassini et al. 2002).
    """
    from simlib.errors import ParameterError

    if not (2.0 <= ramp_s <= 30.0):
        raise ParameterError(f"'ramp_s' must be between 2 and 30 s (triangle duration); got {ramp_s!r}.")
    if not (5.0 <= peak_drive_mV <= 120.0):
        raise ParameterError(f"'peak_drive_mV' must be between 5 and 120 mV (ramp peak); got {peak_drive_mV!r}.")
    run = sc.replace(drive="voluntary", rate_hz=0.0, drive_start_s=_RAMP_START_S, drive_s=ramp_s,
                     duration_s=_RAMP_START_S + ramp_s + 1.0, stretch_at_s=None)
    peak = float(peak_drive_mV)
    res = simulate(run, protocol=Protocol.ramp(peak, _RAMP_START_S, float(ramp_s)))
    spikes = res.motoneuron_spikes
    empty = Ramp(math.nan, math.nan, peak, spikes, np.empty(0), np.empty(0), float(ramp_s), _RAMP_START_S)
    if spikes.size == 0:
        return empty
    command = empty.command_mV
    last = spikes[-1]
    derecruit = float(command(np.array([last]))[0]) if last < _RAMP_START_S + ramp_s else 0.0
    return replace(empty, recruitment_drive=float(command(spikes[:1])[0]), derecruitment_drive=derecruit,
                   rate_hz=1.0 / np.diff(spikes), command_at_spike=command(spikes[1:]))


def cramp_threshold_frequency(sc: Scenario, *, progress: Progress = None) -> float:
    """Lowest nerve-stimulation rate whose train leaves a cramp (Hz).

    Follows the clinical protocol (Miller & Knight 2009, Muscle Nerve 39:364): 2-s stimulation
    trains at increasing rates (4, 6, ... 40 Hz, then 45 ... 150 Hz), each from rest; a train
    "leaves a cramp" when the run is classified ``"cramp"`` (self-sustained motoneuron firing
    with force ≥ 0.1 in the window from 0.5 to 3 s after the train).

    Parameters
    ----------
    sc : Scenario
        Conditions (``fatigue``, ``pic_gain``, electrolytes ...); its drive settings are replaced.
    progress : bool, callable or None, keyword-only
        Progress bar over the rates tried (see :mod:`simlib.progress`); by default shown in
        notebooks and terminals, since a muscle that never cramps takes every rate (a few seconds).
        Ctrl-C stops the search between two trains.

    Returns
    -------
    float
        Threshold rate (Hz), or ``math.inf`` when no rate up to 150 Hz leaves a cramp.
    """
    check_progress(progress)
    base = sc.replace(drive="stimulation", drive_start_s=0.2, drive_s=CTF_TRAIN_S,
                      duration_s=0.2 + CTF_TRAIN_S + _CTF_AFTER_S, stretch_at_s=None)
    report = progress_reporter(progress, len(CTF_RATES_HZ), len(CTF_RATES_HZ) * base.duration_s,
                               label="cramp threshold")
    try:
        for i, rate in enumerate(CTF_RATES_HZ):
            if simulate(base.replace(rate_hz=float(rate))).metrics().classification == "cramp":
                report(report.total)  # the search is complete
                return float(rate)
            report(i + 1)
        return math.inf
    finally:
        report.close()
