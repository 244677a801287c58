"""Experiments on the spinal cramp machinery: slow command ramps and the cramp threshold frequency."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from simlib.progress import Progress, check_progress, progress_reporter
from simlib.protocol import Protocol
from simlib.scenario import Scenario
from simlib.simulate import simulate

__all__ = ["Ramp", "ramp", "cramp_threshold_frequency", "CTF_TRAIN_S", "CTF_RATES_HZ"]

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
