"""Standard experiments built on :func:`simlib.simulate`: twitch, force-frequency, sweeps."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from simlib.errors import ParameterError
from simlib.scenario import Scenario
from simlib.simulate import simulate
from simlib.validation import unknown_name_message

__all__ = ["Twitch", "twitch", "force_frequency", "sweep", "classification_grid"]

_TWITCH_AT_S = 0.1
_TRAIN_S = 1.0


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
    """

    contraction_time_ms: float
    half_relaxation_ms: float
    peak_force: float


def twitch(sc: Scenario) -> Twitch:
    """Twitch evoked by one supramaximal nerve stimulus under the conditions of ``sc``.

    The drive settings of ``sc`` are replaced by a single stimulus at 0.1 s; the run
    lasts 1 s and is sampled every 0.1 ms.

    Parameters
    ----------
    sc : Scenario
        Conditions (electrolytes, temperature, ATP, drugs).

    Returns
    -------
    Twitch
        Contraction time, half-relaxation time and peak force.
    """
    run = sc.replace(drive="stimulation", rate_hz=1.0, drive_start_s=_TWITCH_AT_S, drive_s=0.5,
                     duration_s=max(1.0, _TWITCH_AT_S + 0.9), stretch_at_s=None)
    res = simulate(run, output_dt_s=1e-4)
    rise = res.force - res.force[0]
    peak_i = int(np.argmax(rise))
    peak = float(rise[peak_i])
    if peak < 1e-3:
        return Twitch(math.nan, math.nan, max(peak, 0.0))
    below = np.nonzero(rise[peak_i:] < peak / 2.0)[0]
    half = float(res.t[peak_i + below[0]] - res.t[peak_i]) * 1000.0 if below.size else math.inf
    return Twitch((float(res.t[peak_i]) - _TWITCH_AT_S) * 1000.0, half, peak)


def force_frequency(sc: Scenario, rates_hz: Iterable[float]) -> np.ndarray:
    """Peak force of a 1 s stimulation train at each rate.

    Parameters
    ----------
    sc : Scenario
        Conditions; its drive settings are replaced by a 1 s nerve-stimulation train
        starting at 0.1 s (run length 1.6 s).
    rates_hz : iterable of float
        Stimulation rates (Hz), each 0-150.

    Returns
    -------
    numpy.ndarray
        Peak force at each rate (force unit).
    """
    base = sc.replace(drive="stimulation", drive_start_s=_TWITCH_AT_S, drive_s=_TRAIN_S,
                      duration_s=_TWITCH_AT_S + _TRAIN_S + 0.5, stretch_at_s=None)
    return np.array([simulate(base.replace(rate_hz=rate)).force.max() for rate in rates_hz])


def sweep(
    sc: Scenario,
    *,
    progress: Callable[[int, int], None] | None = None,
    **axes: Sequence[float | str],
) -> np.ndarray:
    """Metrics over a grid of Scenario values.

    Parameters
    ----------
    sc : Scenario
        Base scenario; every grid point is ``sc.replace(**point)``.
    progress : callable, optional
        Called as ``progress(done, total)`` after each grid point.
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
        For an unknown field name or an invalid value (before any simulation runs).

    Examples
    --------
    >>> grid = sweep(Scenario(), rate_hz=[10, 20], ca_mM=[0.75, 1.2])  # doctest: +SKIP
    >>> grid[0, 1].classification  # doctest: +SKIP
    'normal'
    """
    if not axes:
        raise ParameterError("sweep() needs at least one axis, e.g. sweep(sc, rate_hz=[10, 20]).")
    for name in axes:
        if name not in Scenario.field_names():
            raise ParameterError(unknown_name_message(name, Scenario.field_names()))
    names = list(axes)
    values = [list(axes[name]) for name in names]
    points = [sc.replace(**dict(zip(names, combo, strict=True))) for combo in itertools.product(*values)]
    out = np.empty(len(points), dtype=object)
    for i, point in enumerate(points):
        out[i] = simulate(point).metrics()
        if progress is not None:
            progress(i + 1, len(points))
    return out.reshape([len(v) for v in values])


def classification_grid(grid: np.ndarray) -> np.ndarray:
    """Classification strings of a :func:`sweep` result, same shape (array of str)."""
    return np.vectorize(lambda m: m.classification, otypes=[object])(grid)

