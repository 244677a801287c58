"""Summary numbers and classification of a Result.

Metrics are computed from the Result alone (a pure function: no simulation). The drive window is
the protocol's (:meth:`simlib.Protocol.drive_window_s`; for a Scenario's own drive, from
``drive_start_s`` for ``drive_s``). "After drive" is the window from 0.5 s after the drive ends to the
end of the run (if the run ends sooner, the last sample).
The classification follows the precedence contracture > cramp > tetany > spasticity > weakness >
repetitive firing > fasciculation > normal (DESIGN.md §2):

- contracture: force stays ≥ 0.2 after the drive with no muscle action potentials;
- cramp: force stays ≥ 0.1 after the drive while the spinal motoneuron keeps firing by itself
  (≥ 2 "self-sustained" spikes after the drive: no descending command, and afferent input alone
  would not reach threshold; firing driven by an imposed stretch is "reflex", not a cramp);
- tetany: the peripheral axon fires by itself (≥ 2 ectopic spikes outside the drive) with
  force ≥ 0.05 outside the drive, also when there is no drive at all;
- spasticity: a passive stretch evokes an exaggerated reflex burst (≥ 8 "reflex" motoneuron spikes
  from the stretch to the end of the run, twice the most the healthy stretch reflex fires at any
  stretch speed of the slider range) that makes force (≥ 0.1), and no self-sustained firing
  follows it (that would be a cramp). Lance 1980: spasticity is a velocity-dependent increase of
  the stretch reflex. In the model the burst needs a fast stretch (none at 20 °/s or slower with
  the spasticity preset's gain; force after it 0.57 at 30 °/s, 0.85 at 120 °/s), but its spike
  count does not grow further with speed;
- weakness: the peak force during the drive (and 0.5 s after it) is less than half of the
  healthy default's at the same drive, or the force held over the last quarter of the drive is less
  than half of the healthy default's when that holds a contraction (≥ 0.1): a contraction that starts
  but cannot be held, e.g. transmission failing in a depolarising block (``healthy_peak`` and
  ``healthy_held``: :func:`simlib.simulate` records them in the Result when the force is low enough
  for the test to matter);
- repetitive firing: the muscle fires more action potentials than it receives nerve impulses
  (at least 2 more, and at least 20 % more), e.g. a second action potential after each impulse
  when acetylcholinesterase is inhibited (Besser et al. 1989; Katz & Miledi 1973);
- fasciculation (a motor-unit pool only, ``motor_units > 1``): axons fire by themselves (≥ 2 spontaneous
  discharges outside the drive, as for tetany) that reach the muscle (≥ 2 muscle action potentials
  outside the drive) but make less force than tetany (< 0.05 outside the drive): spontaneous discharges
  of single motor units without a sustained contraction (Layzer 1994, Muscle Nerve 17:1243; Mills 2010,
  Pract Neurol 10:200: "fasciculations are spontaneous discharges of single motor units"). In the pool
  it is the first sign as ionised Ca²⁺ falls (≈0.95-0.97 mM: a few of the most excitable axons); the
  single-unit model fires as one whole muscle, so its ectopic firing is tetany or nothing;
- normal otherwise.

The healthy default muscle never reaches the spasticity or repetitive-firing thresholds
(tests/unit/test_metrics.py checks it over the stretch-speed and drive-rate ranges).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from simlib.protocol import Protocol
    from simlib.result import Result

__all__ = ["HealthyResponse", "Metrics", "compute_metrics", "CLASSIFICATIONS", "AFTER_DRIVE_DELAY_S",
           "EMG_RMS_RATE_HZ", "FUSED_RELAXATION", "emg_rms_mV", "force_ripple", "held_force", "recruited_fraction",
           "relaxation_between_stimuli", "response_amplitudes", "response_peak", "response_window"]

#: Every classification, from "nothing abnormal" to the most specific finding (not the precedence).
CLASSIFICATIONS = ("normal", "weakness", "tetany", "cramp", "contracture", "spasticity", "repetitive firing",
                   "fasciculation")
AFTER_DRIVE_DELAY_S = 0.5
CONTRACTURE_FORCE = 0.2
CRAMP_FORCE = 0.1
TETANY_FORCE = 0.05
WEAKNESS_RATIO = 0.5
#: The held-force test of "weakness" applies only where the healthy muscle holds at least this force
#: over the last quarter of the drive (force unit): a single twitch's drive holds nothing.
HELD_MIN_FORCE = 0.1
#: No drive makes the healthy default muscle stronger than this (force unit: 1 is its maximal fused
#: tetanus; measured at most 0.99). A response above WEAKNESS_RATIO times it cannot be weakness, so
#: the healthy comparison run is skipped (tests/unit/test_metrics.py checks the bound).
HEALTHY_PEAK_BOUND = 1.05
RELAXED_FRACTION = 0.1
CRAMP_MIN_SPIKES = 2
#: Reflex spikes after a stretch that make it spasticity. The healthy default (reflex gain 1) fires
#: at most 4 at any stretch speed of 5-300 °/s (measured; tests/unit/test_metrics.py checks it).
SPASTICITY_MIN_REFLEX_SPIKES = 8
SPASTICITY_FORCE = 0.1
#: Extra muscle action potentials (beyond one per nerve impulse) that make repetitive firing:
#: at least this many, and at least this fraction of the nerve impulses.
REPETITIVE_MIN_EXTRA = 2
REPETITIVE_MIN_FRACTION = 0.2
#: Spontaneous discharges outside the drive (and muscle action potentials they evoke) that make a pool's
#: "fasciculation" when they make less force than tetany (TETANY_FORCE)
FASCICULATION_MIN_DISCHARGES = 2


@dataclass(frozen=True)
class Metrics:
    """Summary of one run.

    Attributes
    ----------
    peak_force : float
        Maximum force during the run (force unit: healthy maximal tetanus).
    plateau_force : float
        Mean force over the last quarter of the drive (0 without a drive).
    force_after_drive : float
        Mean force over the after-drive window.
    relaxation_time_s : float
        Time from the end of the drive until force falls below 10 % of its peak (s);
        ``math.inf`` if it never does, 0 if there was nothing to relax.
    nerve_spikes_after_drive, muscle_spikes_after_drive : int
        Spike counts in the after-drive window.
    resting_potential_mV : float
        Muscle membrane potential before the drive starts (mV).
    quantal_content : float
        Mean ACh quanta released per nerve impulse; without impulses, the quanta one
        impulse would release from the resting junction.
    peak_force_during_drive : float
        Maximum force from drive start to 0.5 s after drive end (the response used for
        "weakness").
    classification : str
        One of :data:`CLASSIFICATIONS`: ``"normal"``, ``"weakness"``, ``"tetany"``, ``"cramp"``,
        ``"contracture"``, ``"spasticity"``, ``"repetitive firing"`` or ``"fasciculation"``.
    recruited_fraction : float
        Fraction of the motor units with at least one muscle action potential in the run (the
        single-unit model: 1 or 0).
    emg_rms_mV : float
        RMS of the surface EMG over the whole run (mV; :func:`simlib.emg`, sampled at
        :data:`EMG_RMS_RATE_HZ`); 0 for an electrically silent muscle.
    """

    peak_force: float
    plateau_force: float
    force_after_drive: float
    relaxation_time_s: float
    nerve_spikes_after_drive: int
    muscle_spikes_after_drive: int
    resting_potential_mV: float
    quantal_content: float
    peak_force_during_drive: float
    classification: str
    recruited_fraction: float
    emg_rms_mV: float


def _window(t: np.ndarray, start: float, stop: float) -> np.ndarray:
    """Boolean mask of samples with start <= t <= stop; the last sample if that is empty."""
    mask = (t >= start - 1e-12) & (t <= stop + 1e-12)
    if not mask.any():
        mask = np.zeros_like(t, dtype=bool)
        mask[-1] = True
    return mask


def _count(times: np.ndarray, start: float, stop: float) -> int:
    return int(np.count_nonzero((times >= start) & (times <= stop)))


def drive_window(protocol: Protocol, duration_s: float) -> tuple[float, float]:
    """Start and end of the protocol's drive (s), the end clipped to the run; ``(0, 0)`` without a drive."""
    window = protocol.drive_window_s()
    if window is None:
        return 0.0, 0.0
    start, length = window
    return start, min(start + length, duration_s)


def response_window(protocol: Protocol, duration_s: float) -> tuple[float, float]:
    """Return the window whose peak force is "the response" (s): the drive and 0.5 s after it."""
    start, end = drive_window(protocol, duration_s)
    return start, min(end + AFTER_DRIVE_DELAY_S, duration_s)


def response_peak(res: Result) -> float:
    """Peak force during the drive and 0.5 s after it (force unit), the response used for "weakness"."""
    window = response_window(res.protocol, res.scenario.duration_s)
    return float(res.force[_window(res.t, *window)].max())


class HealthyResponse(NamedTuple):
    """What the healthy default muscle does under a drive, for the "weakness" test (force unit).

    Attributes
    ----------
    peak : float
        Peak force during the drive and 0.5 s after it (:func:`response_peak`).
    held : float
        Mean force over the last quarter of the drive (:func:`held_force`).
    """

    peak: float
    held: float


def held_force(res: Result) -> float:
    """Mean force over the last quarter of the drive (force unit; 0 without a drive): what it holds."""
    if not res.protocol.has_drive or (window := res.protocol.drive_window_s()) is None or window[1] <= 0:
        return 0.0
    _, end = drive_window(res.protocol, res.scenario.duration_s)
    return float(res.force[_window(res.t, end - window[1] / 4.0, end)].mean())


def _relaxation_time(res: Result, end: float, peak: float) -> float:
    if peak < 0.01:
        return 0.0
    after = res.t >= end
    below = np.nonzero(after & (res.force < RELAXED_FRACTION * peak))[0]
    return float(res.t[below[0]] - end) if below.size else math.inf


def _is_spasticity(res: Result) -> bool:
    """Tell whether a passive stretch evoked an exaggerated reflex burst with force and no cramp after it."""
    stretch = res.protocol.stretch
    t_end = float(res.t[-1])
    if stretch is None or stretch.start_s >= t_end:
        return False
    at = stretch.start_s
    reflex = _count(res.spikes_from("reflex"), at, t_end)
    self_sustained = _count(res.spikes_from("self-sustained"), at, t_end)
    force = float(res.force[_window(res.t, at, t_end)].max())
    return (reflex >= SPASTICITY_MIN_REFLEX_SPIKES and self_sustained < CRAMP_MIN_SPIKES
            and force >= SPASTICITY_FORCE)


def _is_weak(res: Result, response: float, held: float, healthy_peak: float | None) -> bool:
    """Tell whether the response, or the force held, is below half the healthy muscle's.

    The healthy values are read only now: they may need a run. An explicit ``healthy_peak`` replaces
    the recorded one and turns the held-force test off.
    """
    bound = WEAKNESS_RATIO * HEALTHY_PEAK_BOUND
    if response >= bound and held >= bound:
        return False  # stronger than half of anything the healthy muscle does: no run needed
    if healthy_peak is not None:
        return response < WEAKNESS_RATIO * healthy_peak
    healthy = res.healthy_response
    if healthy is None:
        return False
    return response < WEAKNESS_RATIO * healthy.peak or (healthy.held >= HELD_MIN_FORCE
                                                       and held < WEAKNESS_RATIO * healthy.held)


def _is_repetitive_firing(res: Result) -> bool:
    """Tell whether the muscle fired clearly more action potentials than it got nerve impulses."""
    extra = res.muscle_spikes.size - res.nerve_spikes.size
    return extra >= REPETITIVE_MIN_EXTRA and extra >= REPETITIVE_MIN_FRACTION * res.nerve_spikes.size


def compute_metrics(res: Result, *, healthy_peak: float | None = None) -> Metrics:
    """Compute :class:`Metrics` from a Result (pure: no simulation).

    Parameters
    ----------
    res : Result
        Output of :func:`simlib.simulate`.
    healthy_peak : float, keyword-only, optional
        Peak force of the healthy default muscle under the same drive (force unit), for the
        "weakness" test, which then compares the peak only; default :attr:`Result.healthy_response`
        (peak and held force, read only when the force is low enough for the test to matter).
        Without either, a run is never "weakness".

    Returns
    -------
    Metrics
        Summary numbers and classification.
    """
    protocol = res.protocol
    t, force = res.t, res.force
    t_end = float(t[-1])
    start, end = drive_window(protocol, res.scenario.duration_s)
    length = window[1] if (window := protocol.drive_window_s()) is not None else 0.0
    after_start = min(end + AFTER_DRIVE_DELAY_S, t_end)
    after = _window(t, after_start, t_end)
    has_drive = protocol.has_drive and length > 0
    peak = float(force.max())
    plateau = held_force(res) if has_drive else 0.0
    force_after = float(force[after].mean())
    response = response_peak(res)
    before = t < start
    rest_v = float(np.median(res.v_muscle[before])) if before.any() else float(res.v_muscle[0])
    quantal = float(res.quanta.mean()) if res.quanta.size else float(res.resting_quantal_content)
    nerve_after = _count(res.nerve_spikes, after_start, t_end)
    muscle_after = _count(res.muscle_spikes, after_start, t_end)
    self_sustained_after = _count(res.spikes_from("self-sustained"), after_start, t_end)
    outside = before | after
    ectopic_outside = _count(res.ectopic_spikes, 0.0, start - 1e-9) + _count(res.ectopic_spikes, after_start, t_end)
    if force_after >= CONTRACTURE_FORCE and muscle_after == 0:
        label = "contracture"
    elif force_after >= CRAMP_FORCE and self_sustained_after >= CRAMP_MIN_SPIKES:
        label = "cramp"
    elif ectopic_outside >= 2 and float(force[outside].max()) >= TETANY_FORCE:
        label = "tetany"
    elif _is_spasticity(res):
        label = "spasticity"
    elif has_drive and _is_weak(res, response, plateau, healthy_peak):
        label = "weakness"
    elif _is_repetitive_firing(res):
        label = "repetitive firing"
    elif res.unit_spikes is not None and ectopic_outside >= FASCICULATION_MIN_DISCHARGES and (
            _count(res.muscle_spikes, 0.0, start - 1e-9) + muscle_after >= FASCICULATION_MIN_DISCHARGES):
        label = "fasciculation"
    else:
        label = "normal"
    return Metrics(
        peak_force=peak,
        plateau_force=plateau,
        force_after_drive=force_after,
        relaxation_time_s=_relaxation_time(res, end, peak),
        nerve_spikes_after_drive=nerve_after,
        muscle_spikes_after_drive=muscle_after,
        resting_potential_mV=rest_v,
        quantal_content=quantal,
        peak_force_during_drive=response,
        classification=label,
        recruited_fraction=recruited_fraction(res),
        emg_rms_mV=emg_rms_mV(res),
    )


def recruited_fraction(res: Result) -> float:
    """Fraction of units with a muscle action potential (:attr:`Metrics.recruited_fraction`; no classification)."""
    if res.unit_spikes is None:
        return float(res.muscle_spikes.size > 0)
    return float(np.mean([s.size > 0 for s in res.unit_spikes]))


#: Sample rate of :attr:`Metrics.emg_rms_mV` (Hz): the EMG's power lies below ≈500 Hz, so 2 kHz gives its RMS
#: within 0.1 % of 10 kHz (the default run: 0.5946 against 0.5947 mV) at a tenth of the cost (0.2 ms).
EMG_RMS_RATE_HZ = 2_000.0


def emg_rms_mV(res: Result) -> float:
    """RMS of the run's surface EMG (mV; :attr:`Metrics.emg_rms_mV`; no classification)."""
    from simlib.emg import emg

    return emg(res, rate_hz=EMG_RMS_RATE_HZ).rms_value() if res.t.size > 1 else 0.0


#: A train's force "fuses" into a smooth tetanus when it relaxes between stimuli
#: (:func:`relaxation_between_stimuli`) by less than this fraction of its peak: 1 %, under the width
#: of the line on a trace a few hundred pixels tall (a design choice; textbooks call a tetanus
#: "complete" when no relaxation between stimuli shows).
FUSED_RELAXATION = 0.01


def force_ripple(t: np.ndarray, force: np.ndarray, start_s: float, end_s: float) -> float:
    """Peak-to-trough force ripple over the second half of a train, relative to its mean force.

    Parameters
    ----------
    t, force : numpy.ndarray
        Time (s) and force (force unit) of a run.
    start_s, end_s : float
        Start and end of the train (s); the window is ``start + (end - start)/2 <= t < end``.

    Returns
    -------
    float
        ``(max - min) / mean`` of the force in that window (0 for a smooth, fused tetanus);
        NaN when the window holds no sample.
    """
    mask = (t >= start_s + (end_s - start_s) / 2.0) & (t < end_s)
    seg = force[mask]
    return float((seg.max() - seg.min()) / max(seg.mean(), 1e-9)) if seg.size else math.nan


def response_amplitudes(t: np.ndarray, force: np.ndarray, impulses_s: tuple[float, ...]) -> np.ndarray:
    """Force rise evoked by each stimulus: the peak before the next stimulus minus the force at the stimulus.

    Parameters
    ----------
    t, force : numpy.ndarray
        Time (s) and force (force unit) of a run.
    impulses_s : tuple of float
        Stimulus times (s), sorted; the last response lasts to the end of the run.

    Returns
    -------
    numpy.ndarray
        One amplitude per stimulus (force unit), never below 0. The train-of-four ratio is the
        fourth over the first (Ali et al. 1970, Br J Anaesth 42:967).
    """
    edges = [*impulses_s, float(t[-1]) + 1.0]
    out = np.zeros(len(impulses_s))
    for i, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        inside = (t >= a) & (t < b)
        if inside.any():
            out[i] = max(float(force[inside].max() - force[inside][0]), 0.0)
    return out


def relaxation_between_stimuli(t: np.ndarray, force: np.ndarray, impulses_s: tuple[float, ...],
                               delay_s: float = 0.0) -> float:
    """Largest fall of force between two stimuli in the second half of a train, relative to the peak force.

    Each stimulus's response is taken from ``delay_s`` after it (the latent period) to ``delay_s``
    after the next one; within it, the fall is the response's peak minus the lowest force after that
    peak. A force that is still rising (a tetanus building up) does not count as a fall.

    Parameters
    ----------
    t, force : numpy.ndarray
        Time (s) and force (force unit) of a run.
    impulses_s : tuple of float
        The train's stimulus times (s), sorted; at least two.
    delay_s : float, default 0
        Stimulus to force onset (s).

    Returns
    -------
    float
        The largest fall over the intervals of the train's second half, divided by the run's peak
        force rise (0: fused); NaN for fewer than two stimuli or no force.
    """
    peak = float(force.max() - force[0])
    if len(impulses_s) < 2 or peak < 1e-3:
        return math.nan
    pairs = list(zip(impulses_s[:-1], impulses_s[1:], strict=True))
    fall = 0.0
    for a, b in pairs[len(pairs) // 2:]:
        seg = force[(t >= a + delay_s) & (t < b + delay_s)]
        if seg.size:
            top = int(np.argmax(seg))
            fall = max(fall, float(seg[top] - seg[top:].min()))
    return fall / peak
