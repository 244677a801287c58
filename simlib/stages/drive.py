"""The command: stimulator impulse times and the descending command to the spinal motoneuron.

``drive="stimulation"``: the motor nerve is stimulated at ``rate_hz`` while the drive is on;
each stimulus also sends an afferent volley to the motoneuron. ``drive="voluntary"``: a
descending command depolarises the spinal motoneuron; its level is calibrated so that the
motoneuron alone (reflexes at rest) fires about ``rate_hz`` impulses per second over the first
second after the command starts, recruitment latency and the persistent inward current's warm-up
included (:func:`simlib.stages.motoneuron.onset_rate_hz`). Motoneuron
firing saturates (afterhyperpolarisation), so very high requested rates give the maximal rate.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from simlib._system import usable_cores
from simlib.stages.motoneuron import onset_rate_hz

if TYPE_CHECKING:
    from simlib.model import ConstantValues

__all__ = ["bisect_boundary", "command_rate_hz", "command_times_s", "descending_level_mV", "max_voluntary_rate_hz",
           "motoneuron_rate_hz", "stop_helper_thread"]

_CALIBRATION_MS = 1000.0
_MAX_LEVEL_MV = 60.0  # strongest descending command: motoneuron at 45 Hz, a fast human unit at maximal effort
#: bisection steps of the command calibration: 60 mV / 2**20 ≈ 6e-5 mV, far below what changes a spike
#: count (the calibration counts spikes over 1 s, so its rate resolution is 1 Hz)
_CALIBRATION_STEPS = 20


def command_times_s(rate_hz: float, start_s: float, duration_s: float, end_of_run_s: float) -> np.ndarray:
    """Return the times of stimulator impulses.

    Parameters
    ----------
    rate_hz : float
        Impulse rate while the drive is on (Hz); 0 gives no impulses.
    start_s, duration_s : float
        Drive start and duration (s).
    end_of_run_s : float
        End of the simulation (s); impulses after it are dropped.

    Returns
    -------
    numpy.ndarray
        Impulse times (s), regular with period ``1/rate_hz`` starting at ``start_s``
        and strictly before the drive ends.
    """
    if rate_hz <= 0.0 or duration_s <= 0.0:
        return np.empty(0)
    stop = min(start_s + duration_s, end_of_run_s)
    count = int(np.ceil((stop - start_s) * rate_hz - 1e-9))
    times = start_s + np.arange(max(count, 0)) / rate_hz
    return times[times < stop]


def _motoneuron_constants(constants: ConstantValues | None) -> tuple[float, ...]:
    """Return the constants the motoneuron calibration reads, in the order of :func:`_rate_hz`."""
    if constants is None:
        from simlib.model import resolve_constants

        constants = resolve_constants()
    c = constants
    return (c.mn_el_mV, c.mn_ek_mV, c.pic_e_mV, c.pic_g, c.mn_dendrite_tau_ms, c.mn_tau_ms, c.mn_coupling,
            c.mn_threshold_mV, c.mn_reset_mV, c.mn_ahp_jump, c.mn_ahp_tau_ms, c.pic_half_mV, c.pic_slope_mV,
            c.pic_tau_ms)


def motoneuron_rate_hz(level_mV: float, pic_gain: float, constants: ConstantValues | None = None) -> float:
    """Return the firing rate (Hz) of the isolated motoneuron over the first second of a command (mV).

    ``constants`` are the run's model constants (:func:`simlib.model.resolve_constants`; None: the
    defaults). Cached on the motoneuron's own constants: the calibrations of different rates bisect the
    same interval, so they share their first midpoints (30 mV, then 15 or 45 mV, ...), and a change of
    a constant elsewhere in the chain reuses them.
    """
    return _rate_hz(level_mV, pic_gain, _motoneuron_constants(constants))


@lru_cache(maxsize=4096)
def _rate_hz(level_mV: float, pic_gain: float, mn: tuple[float, ...]) -> float:
    """:func:`motoneuron_rate_hz` for the constants tuple of :func:`_motoneuron_constants`."""
    el, ek, e_pic, g_pic, tau_d, tau_m, coupling, threshold, reset, ahp_jump, ahp_tau, half, slope, tau_p = mn
    return onset_rate_hz(level_mV, el, ek, e_pic, g_pic * pic_gain, tau_d, tau_m, coupling, threshold, reset,
                         ahp_jump, ahp_tau, half, slope, tau_p, _CALIBRATION_MS)


@lru_cache(maxsize=64)
def max_voluntary_rate_hz(pic_gain: float, constants: ConstantValues | None = None) -> float:
    """Rate (Hz, over the first second from rest) of the isolated motoneuron under the strongest descending command.

    Any requested rate at or above it gets that command (:func:`descending_level_mV`), so all
    such rates give the same run.
    """
    return motoneuron_rate_hz(_MAX_LEVEL_MV, pic_gain, constants)


@lru_cache(maxsize=1024)
def descending_level_mV(rate_hz: float, pic_gain: float, constants: ConstantValues | None = None) -> float:
    """Descending command (mV of equivalent depolarisation) that makes the motoneuron fire at ``rate_hz``.

    Parameters
    ----------
    rate_hz : float
        Requested firing rate (Hz): impulses per second over the first second of the command.
    pic_gain : float
        Persistent-inward-current gain of the scenario.
    constants : ConstantValues, optional
        The run's model constants (:func:`simlib.model.resolve_constants`); None: the defaults.

    Returns
    -------
    float
        Command level (mV), found by bisection on the motoneuron's f-I relation with reflexes
        at rest; 0 for ``rate_hz == 0``; the maximal level when the rate is out of reach.
    """
    if rate_hz <= 0.0:
        return 0.0
    if max_voluntary_rate_hz(pic_gain, constants) <= rate_hz:
        return _MAX_LEVEL_MV
    same = command_rate_hz(rate_hz, pic_gain, constants)
    if same != rate_hz:  # one calibration serves every rate of the same step
        return descending_level_mV(same, pic_gain, constants)

    def too_weak(level_mV: float) -> bool:
        return motoneuron_rate_hz(level_mV, pic_gain, constants) < rate_hz

    return bisect_boundary(too_weak, 0.0, _MAX_LEVEL_MV, _CALIBRATION_STEPS, helper=_helper_thread())


def command_rate_hz(rate_hz: float, pic_gain: float, constants: ConstantValues | None = None) -> float:
    """Return the rate that stands for every requested rate given the same descending command as ``rate_hz``.

    The calibration (:func:`descending_level_mV`) counts the motoneuron's spikes over the first
    1 s after the command starts, so the rates it can tell apart are steps of ``1 / 1 s`` = 1 Hz:
    every request in ``(k - 1, k]`` Hz asks the bisection the same questions ("fires fewer than
    k spikes?") and gets the same command, bit for bit. Such a step stands for its top, ``k`` Hz.
    Requests at or above the maximal rate stand for the maximal rate (they all get the strongest
    command). The step just below the maximum is the exception: its requests get the bisection's
    boundary, its top gets the strongest command, so each of those rates stands for itself.

    Parameters
    ----------
    rate_hz : float
        Requested firing rate (Hz); 0 (no command) stands for itself.
    pic_gain : float
        Persistent-inward-current gain of the scenario.
    constants : ConstantValues, optional
        The run's model constants; None: the defaults.

    Returns
    -------
    float
        The representative rate (Hz): ``rate_hz`` itself, or the top of its step.
    """
    top = max_voluntary_rate_hz(pic_gain, constants)
    if rate_hz <= 0.0 or top <= 0.0:
        return rate_hz
    if rate_hz >= top:
        return top
    window_s = _CALIBRATION_MS / 1000.0  # the same arithmetic as onset_rate_hz
    spikes = max(math.ceil(rate_hz * window_s), 1)
    while spikes > 1 and (spikes - 1) / window_s >= rate_hz:
        spikes -= 1
    while spikes / window_s < rate_hz:
        spikes += 1
    step_top = spikes / window_s
    return rate_hz if step_top >= top else step_top


def bisect_boundary(below: Callable[[float], bool], lo: float, hi: float, steps: int,
                    helper: ThreadPoolExecutor | None = None) -> float:
    """Bisection for the boundary of a predicate that is true below it: ``hi`` after ``steps`` halvings.

    Parameters
    ----------
    below : callable
        ``below(x)`` is true for ``x`` under the boundary (here: the command is too weak).
    lo, hi : float
        Bracket: ``below(lo)`` is assumed true, ``below(hi)`` false.
    steps : int
        Number of halvings.
    helper : ThreadPoolExecutor, optional
        A thread for speculative evaluation. While ``below(mid)`` runs, the helper evaluates the
        midpoint of the upper half, which is the next midpoint if ``mid`` turns out to be below. A
        right guess (about half the time) saves a step; a wrong one is discarded. The sequence of
        midpoints, and so the result, is exactly that of plain bisection; the calibration's
        ``below`` runs compiled code that releases the GIL, so on two cores this takes ~30 % less
        time (measured 52 → 37 ms per calibration).

    Returns
    -------
    float
        The final ``hi``.
    """
    done = 0
    while done < steps:
        mid = 0.5 * (lo + hi)
        ahead = 0.5 * (mid + hi)
        future = helper.submit(below, ahead) if helper is not None and done + 1 < steps else None
        if below(mid):
            lo = mid
        else:
            hi = mid
        done += 1
        if future is not None:
            ahead_below = future.result()
            if lo == mid:  # the guess was right: `ahead` is this step's midpoint
                if ahead_below:
                    lo = ahead
                else:
                    hi = ahead
                done += 1
    return hi


_HELPER: tuple[int, ThreadPoolExecutor | None] | None = None


def stop_helper_thread() -> None:
    """Stop the calibration's helper thread; the next calibration starts a new one.

    :func:`simlib.sweep` calls it before it forks worker processes: on Python 3.12+ forking a
    process that runs other threads is deprecated, and sweep would fall back to slower
    ``forkserver`` workers.
    """
    global _HELPER
    if _HELPER is not None and _HELPER[0] == os.getpid() and _HELPER[1] is not None:
        _HELPER[1].shutdown(wait=True)
    _HELPER = None


def _helper_thread() -> ThreadPoolExecutor | None:
    """Return a one-thread pool for speculative calibration steps, or None without a spare core.

    Sweep workers (daemon processes, every core already busy) get none. The pool is made per
    process, so a forked worker never uses its parent's (dead) thread.
    """
    global _HELPER
    if _HELPER is None or _HELPER[0] != os.getpid():
        spare = usable_cores() >= 2 and not multiprocessing.current_process().daemon
        _HELPER = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="simlib-calibration") if spare else None)
    return _HELPER[1]
