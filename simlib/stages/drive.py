"""The command: times of the impulses that leave the spinal cord or the stimulator.

In this version the voluntary command is a spinal motoneuron firing regularly at
``rate_hz`` while the drive is on; electrical stimulation produces the same regular
train directly in the motor nerve. Both impulses travel down the motor axon.
"""

from __future__ import annotations

import numpy as np

__all__ = ["command_times_s"]


def command_times_s(rate_hz: float, start_s: float, duration_s: float, end_of_run_s: float) -> np.ndarray:
    """Return the times of commanded impulses.

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
