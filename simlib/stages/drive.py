"""The command: stimulator impulse times and the descending command to the spinal motoneuron.

``drive="stimulation"``: the motor nerve is stimulated at ``rate_hz`` while the drive is on;
each stimulus also sends an afferent volley to the motoneuron. ``drive="voluntary"``: a
descending command depolarises the spinal motoneuron; its level is calibrated so that the
motoneuron alone (reflexes at rest) fires at about ``rate_hz`` in steady state. Motoneuron
firing saturates (afterhyperpolarisation), so very high requested rates give the maximal rate.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from simlib.constants import constant as c
from simlib.stages.motoneuron import steady_rate_hz

__all__ = ["command_times_s", "descending_level_mV", "motoneuron_rate_hz"]

_CALIBRATION_MS = 1000.0
_MAX_LEVEL_MV = 60.0  # strongest descending command: motoneuron ≈ 45 Hz, as human units at maximal effort
#: bisection steps of the command calibration: 60 mV / 2**20 ≈ 6e-5 mV, far below what changes a spike
#: count (the calibration counts spikes over 0.5 s, so its rate resolution is 2 Hz)
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


def motoneuron_rate_hz(level_mV: float, pic_gain: float) -> float:
    """Steady firing rate (Hz) of the isolated motoneuron under a constant descending command (mV)."""
    return steady_rate_hz(
        level_mV, c("mn_el_mV"), c("mn_ek_mV"), c("pic_e_mV"), c("pic_g") * pic_gain, c("mn_dendrite_tau_ms"),
        c("mn_tau_ms"), c("mn_coupling"), c("mn_threshold_mV"), c("mn_reset_mV"), c("mn_ahp_jump"),
        c("mn_ahp_tau_ms"), c("pic_half_mV"), c("pic_slope_mV"), c("pic_tau_ms"), _CALIBRATION_MS,
    )


@lru_cache(maxsize=1024)
def descending_level_mV(rate_hz: float, pic_gain: float) -> float:
    """Descending command (mV of equivalent depolarisation) that makes the motoneuron fire at ``rate_hz``.

    Parameters
    ----------
    rate_hz : float
        Requested steady firing rate (Hz).
    pic_gain : float
        Persistent-inward-current gain of the scenario.

    Returns
    -------
    float
        Command level (mV), found by bisection on the motoneuron's f-I relation with reflexes
        at rest; 0 for ``rate_hz == 0``; the maximal level when the rate is out of reach.
    """
    if rate_hz <= 0.0:
        return 0.0
    lo, hi = 0.0, _MAX_LEVEL_MV
    if motoneuron_rate_hz(hi, pic_gain) <= rate_hz:
        return hi
    for _ in range(_CALIBRATION_STEPS):
        mid = 0.5 * (lo + hi)
        if motoneuron_rate_hz(mid, pic_gain) < rate_hz:
            lo = mid
        else:
            hi = mid
    return hi
