"""Classic experiments on a motor-unit pool: the recruitment curve and the train-of-four.

Both take the Scenario's pool (``motor_units``; use about 120, a first dorsal interosseous, since one
unit gives an all-or-none step) and its seed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from simlib.emg import emg
from simlib.errors import ParameterError
from simlib.experiments import TWITCH_OUTPUT_DT_S, twitch_of
from simlib.metrics import response_amplitudes
from simlib.pool.run import run_pool as _run_either_path
from simlib.pool.stimulation import PoolRun
from simlib.protocol import Protocol
from simlib.result import Result
from simlib.scenario import Scenario, scenario_param
from simlib.simulate import simulate

__all__ = ["TOF_COUNT_FRACTION", "RecruitmentCurve", "TrainOfFour", "recruitment_curve", "run_pool", "tof_of",
           "train_of_four", "unblocked_twitch_peak"]

#: a single impulse at this time (s) in a run of this length (s): the twitch peaks and relaxes well within it
_TWITCH_AT_S = 0.02
_TWITCH_RUN_S = 0.35
_TOF_START_S = 0.1
_TOF_INTERVAL_S = 0.5
#: a train-of-four response is present (counts in the TOF count) above this fraction of the unblocked twitch
TOF_COUNT_FRACTION = 0.01


@dataclass(frozen=True, eq=False)
class RecruitmentCurve:
    """Peak twitch force against stimulus intensity.

    Attributes
    ----------
    stimulus_v : numpy.ndarray
        Stimulus intensities (V).
    peak_force : numpy.ndarray
        Peak twitch force of the pool above rest at each intensity (force unit of
        :attr:`simlib.Result.force`): :func:`simlib.experiments.twitch_of`'s ``peak_force``, the measure of
        :func:`simlib.twitch` and of the stimulator bench.
    recruited_fraction : numpy.ndarray
        Fraction of the units whose fibres fired.
    m_wave_mV : numpy.ndarray
        Peak-to-peak M-wave (compound muscle action potential) of the surface EMG at each intensity
        (mV; :meth:`simlib.emg.EMG.m_wave_amplitudes`).
    """

    stimulus_v: np.ndarray
    peak_force: np.ndarray
    recruited_fraction: np.ndarray
    m_wave_mV: np.ndarray


@dataclass(frozen=True, eq=False)
class TrainOfFour:
    """Response of the pool to a train-of-four (four impulses at 2 Hz).

    Attributes
    ----------
    responses : numpy.ndarray
        Twitch height of each of the four responses (force unit; peak before the next impulse, or
        within 0.5 s of the last, minus the force at the impulse).
    ratio : float
        4th response over the 1st (the TOF ratio); NaN if the first response is absent.
    count : int
        Responses present, i.e. above :data:`TOF_COUNT_FRACTION` (1 %) of the single twitch of this
        scenario's unblocked pool (:func:`unblocked_twitch_peak`): the TOF count.
    run : PoolRun
        The pool run.
    """

    responses: np.ndarray
    ratio: float
    count: int
    run: PoolRun

    def describe(self) -> str:
        """Short words for a printed table, e.g. ``"TOF count 4, ratio 0.75"`` (no ratio without a first response)."""
        if math.isnan(self.ratio):
            return f"TOF count {self.count}, no ratio (no first response)"
        return f"TOF count {self.count}, ratio {self.ratio:.2f}"

    @property
    def m_wave_mV(self) -> np.ndarray:
        """Peak-to-peak M-wave of each of the four responses (mV): the electromyographic train-of-four.

        Computed on use from :attr:`run` (:meth:`simlib.emg.EMG.m_wave_amplitudes`);
        ``m_wave_mV[3] / m_wave_mV[0]`` is the EMG TOF ratio, which follows :attr:`ratio` under
        non-depolarising block (units that fail drop out of both).
        """
        return emg(self.run.result).m_wave_amplitudes()


def run_pool(sc: Scenario, protocol: Protocol | None = None, **options: Any) -> PoolRun:
    """Run ``sc``'s pool under ``protocol`` (default: its own drive) and return the :class:`PoolRun`.

    The keyword options are those of :func:`simlib.pool.stimulation.run_stimulated` (``constants``, ``memo``,
    ``max_patterns``, ``output_dt_s``, ``solver``, ``accuracy``); ``simlib.simulate(sc)`` returns the
    same run's Result.
    """
    return _run_either_path(sc, protocol, simulate=simulate, **options)


def _twitch_scenario(sc: Scenario) -> Scenario:
    """``sc`` set up for one impulse at ``_TWITCH_AT_S`` (its drive fields are replaced by the protocol)."""
    return sc.replace(duration_s=_TWITCH_RUN_S, drive_start_s=0.0, stretch_at_s=None)


def _intensities(stimulus_v: object) -> np.ndarray:
    param = scenario_param("stimulus_v")
    values = np.atleast_1d(np.asarray(stimulus_v, dtype=float)) if not isinstance(stimulus_v, str) else None
    if values is None or values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)) \
            or values.min() < param.low or values.max() > param.high:
        raise ParameterError(f"'stimulus_v' must be one or more intensities from {param.low:g} to {param.high:g} V; "
                             f"got {stimulus_v!r}.")
    return values


def recruitment_curve(sc: Scenario, stimulus_v: Iterable[float] | float, *,
                      constants: Mapping[str, float] | None = None) -> RecruitmentCurve:
    """Peak twitch force (above rest) and M-wave of ``sc``'s pool for single nerve impulses at each intensity.

    One chain run is shared by every intensity at which the same units fire (all of them, on a healthy
    junction), so a 20-point curve costs about one twitch. Each run is sampled every 0.1 ms
    (:data:`simlib.experiments.TWITCH_OUTPUT_DT_S`, as :func:`simlib.twitch` and the stimulator bench).

    Parameters
    ----------
    sc : Scenario
        The preparation (its drive fields are not used).
    stimulus_v : float or sequence of float
        Intensities (V, 0-20).
    constants : mapping, optional
        Model constants (see :func:`simlib.simulate`).

    Examples
    --------
    >>> import simlib
    >>> curve = simlib.recruitment_curve(simlib.Scenario(motor_units=120), [0.5, 10.0])
    >>> curve.recruited_fraction.tolist()
    [0.0, 1.0]
    """
    volts = _intensities(stimulus_v)
    base = _twitch_scenario(sc)
    memo: dict[Any, Any] = {}
    peaks, fractions, m_waves = [], [], []
    for v in volts:
        res = _pool_twitch(base, float(v), constants, memo)
        peaks.append(twitch_of(res, _TWITCH_AT_S).peak_force)
        fractions.append(res.metrics().recruited_fraction)
        m_waves.append(float(emg(res).m_wave_amplitudes()[0]))
    return RecruitmentCurve(volts, np.array(peaks), np.array(fractions), np.array(m_waves))


def _pool_twitch(base: Scenario, stimulus_v: float, constants: Mapping[str, float] | None,
                 memo: dict[Any, Any]) -> Result:
    """Run the pool for one impulse at ``stimulus_v`` (V) of ``base`` (a :func:`_twitch_scenario`), sharing ``memo``."""
    return run_pool(base.replace(stimulus_v=stimulus_v), Protocol.pulses([_TWITCH_AT_S]), constants=constants,
                    memo=memo, output_dt_s=TWITCH_OUTPUT_DT_S).result


def unblocked_twitch_peak(sc: Scenario, *, constants: Mapping[str, float] | None = None) -> float:
    """Peak twitch force above rest of ``sc`` without receptor block, at its stimulus intensity (cached).

    The reference of the train-of-four count (:data:`TOF_COUNT_FRACTION` of it): a pool's twitch is its
    :func:`recruitment_curve` at ``sc.stimulus_v`` with ``receptor_block`` and ``achr_loss`` set to 0; a
    single unit's (``motor_units`` 1) is the chain's own twitch (:func:`simlib.experiments.twitch_of`),
    which ignores the stimulus intensity as :func:`simlib.simulate` does.
    """
    return _unblocked_twitch_peak(_twitch_scenario(sc.replace(receptor_block=0.0, achr_loss=0.0)),
                                  tuple(sorted((constants or {}).items())))


@lru_cache(maxsize=64)
def _unblocked_twitch_peak(sc: Scenario, constants: tuple[tuple[str, float], ...]) -> float:
    values = dict(constants) or None
    if sc.motor_units > 1:  # the recruitment curve's twitch at sc.stimulus_v, without its M-wave and metrics
        res = _pool_twitch(_twitch_scenario(sc), float(_intensities(sc.stimulus_v)[0]), values, {})
        return float(twitch_of(res, _TWITCH_AT_S).peak_force)
    res = simulate(sc, TWITCH_OUTPUT_DT_S, protocol=Protocol.pulses([_TWITCH_AT_S]), constants=values)
    return float(twitch_of(res, _TWITCH_AT_S).peak_force)


def tof_of(res: Result, impulses_s: Sequence[float], reference_peak: float) -> tuple[np.ndarray, float, int]:
    """Measure a train-of-four in a run (pure: no simulation).

    Parameters
    ----------
    res : Result
        A run of the four impulses (force unit of :attr:`simlib.Result.force`).
    impulses_s : sequence of float
        The four impulse times (s).
    reference_peak : float
        The unblocked twitch (:func:`unblocked_twitch_peak`, force unit).

    Returns
    -------
    responses : numpy.ndarray
        Each response's rise: the peak before the next impulse minus the force at its impulse
        (:func:`simlib.metrics.response_amplitudes`).
    ratio : float
        Fourth response over the first (T4/T1); NaN when the first response is absent.
    count : int
        Responses present: above :data:`TOF_COUNT_FRACTION` of ``reference_peak`` (the TOF count).
    """
    responses = response_amplitudes(res.t, res.force, tuple(impulses_s))
    present = responses > TOF_COUNT_FRACTION * reference_peak
    ratio = float(responses[3] / responses[0]) if present[0] else math.nan
    return responses, ratio, int(np.count_nonzero(present))


def train_of_four(sc: Scenario, *, constants: Mapping[str, float] | None = None) -> TrainOfFour:
    """Train-of-four of ``sc``'s pool: four supramaximal-or-set-intensity impulses at 2 Hz; ratio 4th/1st.

    Under a partial non-depolarising block (``receptor_block``) the ratio falls below 1: prejunctional
    receptor block slows the refilling of the vesicle pool, so later impulses release fewer quanta, and
    units whose safety factor is near the margin fail first (stochastic release makes the failure
    graded; Paton & Waud 1967, J Physiol 191:59; Bowman 1980, Anesth Analg 59:935). The responses,
    ratio and count are :func:`tof_of`'s on a run sampled every 0.1 ms
    (:data:`simlib.experiments.TWITCH_OUTPUT_DT_S`), so the stimulator bench's train-of-four measures the same.

    Examples
    --------
    >>> import simlib
    >>> round(simlib.train_of_four(simlib.Scenario(motor_units=120)).ratio, 1)
    1.0
    """
    protocol = Protocol.train_of_four(_TOF_START_S)
    run_s = _TOF_START_S + 4 * _TOF_INTERVAL_S
    run = run_pool(sc.replace(duration_s=run_s, drive_start_s=0.0, stretch_at_s=None), protocol, constants=constants,
                   output_dt_s=TWITCH_OUTPUT_DT_S)
    responses, ratio, count = tof_of(run.result, protocol.impulses_s, unblocked_twitch_peak(sc, constants=constants))
    return TrainOfFour(responses, ratio, count, run)
