r"""Surface EMG and M-wave synthesised from the muscle action potentials of a run (issue 19).

This module is callable: ``simlib.emg`` is the module itself, and calling it calls :func:`emg`
(as :mod:`simlib.simulate` does), so ``simlib.emg(result)`` gives the EMG and
``simlib.emg.CONSTANTS`` its declared constants.

``simlib.emg(result)`` returns an :class:`EMG`: the signal of a bipolar surface electrode over the
muscle belly, the sum over motor units of each unit's motor-unit action potential (MUAP) at each of
its muscle action-potential times. It is computed on demand from spike times, never inside the ODE,
so :func:`simlib.simulate` costs the same with or without it.

**MUAP shape.** A first-order Hermite-Rodriguez function (Lo Conte, Merletti & Sandri 1994, IEEE
Trans Biomed Eng 41:1147; used for pool EMG by Cisi & Kohn 2008, J Comput Neurosci 25:520), a
biphasic wave, negative first (the montage of a nerve-conduction study, active electrode over the
endplate zone):

.. math::

    \mathrm{MUAP}_i(t) = \frac{A_i}{\sqrt{2}\,e^{-1/2}}\; x\,e^{-x^2},\qquad
    x = \frac{t - t_{\mathrm{AP}} - d_i - 3\lambda_i}{\lambda_i},

with :math:`A_i` the peak-to-peak amplitude (mV), :math:`\lambda_i` the width (the two peaks are
:math:`\sqrt2\lambda_i` apart) and :math:`d_i` the unit's extra latency; the wave starts about
:math:`d_i` after the fibre's action potential and lasts :math:`6\lambda_i`.

**Scaling with unit size.** Units are those of :func:`simlib.pool.population` (index 0 the
smallest). A unit's surface potential grows with its number of fibres, which also sets its twitch
force (Fuglevand, Winter & Patla 1993, J Neurophysiol 70:2470, scaled MUAP amplitude with twitch
force; Fuglevand et al. 1992, Biol Cybern 67:143): :math:`A_i = \bar A\,P_i/\bar P\cdot a_i`, with
:math:`P_i` the twitch force, :math:`\bar A` the mean surface MUAP of a hand muscle and
:math:`a_i` a seeded lognormal factor (depth of the unit's territory under the electrode, which
Fuglevand et al. 1992 show attenuates it steeply). Larger units have faster-conducting fibres, so
shorter potentials (Andreassen & Arendt-Nielsen 1987, J Physiol 391:561): :math:`\lambda_i` falls
geometrically from ``muap_width_small_ms`` to ``muap_width_large_ms`` across the pool. The latency
:math:`d_i` is uniform in ``[0, muap_latency_range_ms]``, seeded, for the spread of motor-axon
conduction velocities. The seeded factors come from the unit's index only (never ``Scenario.seed``),
so a unit's shape is the same in every run.

**The single-unit model** (``motor_units = 1``) is the whole muscle fired as one unit (its force is the
whole muscle's): each of its muscle action potentials gives the compound potential of every unit of a
pool of ``representative_units`` units firing together (their MUAPs with their latencies), i.e. the
supramaximal M-wave. Under voluntary or ectopic firing this is a synchronised discharge: its amplitude
is an upper bound of the interference pattern a real muscle would give (no cancellation between
asynchronous units; Keenan et al. 2005, J Appl Physiol 98:120).

**Limits.** The volume conductor is reduced to one amplitude and width per unit (no tissue layers,
electrode size or spacing); fibres do not propagate (no end-of-fibre or far-field components); all
units have one polarity; there is no instrument noise, so a silent muscle gives exactly 0 mV.
"""

from __future__ import annotations

import inspect
import math
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from simlib.errors import ParameterError
from simlib.validation import Param, check_value

if TYPE_CHECKING:
    from simlib.result import Result

__all__ = ["CONSTANTS", "EMG", "MuapSet", "RATE", "RMS_WINDOW", "M_WAVE_WINDOW", "emg", "muap_set",
           "synthesise"]

#: seed channel of the MUAP shapes (with the unit's index; independent of the pool's channels)
CHANNEL_MUAP = 201
#: peak-to-peak of x·exp(-x²): √2·e^(-1/2)
_HR1_PP = math.sqrt(2.0) * math.exp(-0.5)
#: the wave is taken as zero beyond ±3 widths of its centre (|x e^{-x²}| < 0.1 % of its peak there)
_HALF_SPAN = 3.0
#: oversampling of a unit group's tabulated wave (linear interpolation error < 1e-4 of its peak)
_OVERSAMPLE = 8

CONSTANTS: tuple[Param, ...] = (
    Param("muap_mean_amplitude_mV", 0.07, "mV", "mean peak-to-peak amplitude of a unit's surface MUAP",
          "surface-detected motor-unit potentials of thenar, hypothenar and first dorsal interosseous muscles "
          "average ≈40-120 µV in motor-unit number estimation (Doherty & Brown 1993, Muscle Nerve 16:355; "
          "Bromberg 2007, Muscle Nerve 36:607)", 0.02, 0.3),
    Param("muap_amplitude_spread", 0.3, "", "SD of ln(MUAP amplitude) at a given unit size (depth of the unit's "
          "territory below the electrode)", "Fuglevand et al. 1992, Biol Cybern 67:143 (amplitude falls steeply "
          "with depth); assumed", 0.0, 0.8),
    Param("muap_width_small_ms", 3.0, "ms", "width λ of the smallest unit's MUAP (peaks √2·λ apart)",
          "surface MUAP phases of 3-6 ms and CMAP negative-peak duration ≈4-6 ms in hand muscles (Kimura 2013, "
          "Electrodiagnosis in Diseases of Nerve and Muscle, 4th ed., ch. 5); Cisi & Kohn 2008", 1.0, 6.0),
    Param("muap_width_large_ms", 2.0, "ms", "width λ of the largest unit's MUAP",
          "muscle-fibre conduction velocity rises ≈1.5-fold from the smallest to the largest units "
          "(Andreassen & Arendt-Nielsen 1987, J Physiol 391:561), so potentials shorten by as much", 0.5, 6.0),
    Param("muap_latency_range_ms", 1.0, "ms", "range of the units' extra latencies (motor-axon conduction spread)",
          "motor-axon conduction velocities ≈45-65 m/s over a distal stimulation distance of 7-8 cm give "
          "≈0.5-1.5 ms of dispersion (Kimura 2013, ch. 5); assumed", 0.0, 3.0),
    Param("representative_units", 120, "", "units whose MUAPs make the single-unit model's compound potential",
          "≈120 motor units in first dorsal interosseous (Feinstein et al. 1955, Acta Anat 23:127)", 1, 300),
)
_C = {p.name: p.default for p in CONSTANTS}

RATE = Param("rate_hz", 10_000.0, "Hz", "EMG sample rate",
             "nerve-conduction and EMG amplifiers sample at 5-20 kHz; ≥ 2 kHz resolves a MUAP of 2-3 ms "
             "(Merletti & Di Torino 1999, J Electromyogr Kinesiol 9:III)", 2_000.0, 50_000.0,
             hint="Use 10000 (10 kHz) normally, 44100 for audio.")
RMS_WINDOW = Param("window_s", 0.1, "s", "moving-RMS window of the EMG",
                   "50-250 ms for amplitude estimation of surface EMG (Merletti & Di Torino 1999, J Electromyogr "
                   "Kinesiol 9:III; SENIAM)", 0.005, 1.0, hint="Use 0.05-0.25 s (0.1 s is usual).")
M_WAVE_WINDOW = Param("window_s", 0.03, "s", "window after each stimulus in which the M-wave is measured",
                      "the M-wave of a distal hand-muscle stimulation lies within ≈3-25 ms of the stimulus "
                      "(Kimura 2013, ch. 5)", 0.005, 0.2, hint="Use 0.02-0.05 s.")


def check_param(param: Param, value: object) -> float:
    """Return ``value`` as a float if it is a finite number within ``param``'s range, else raise ParameterError.

    :func:`simlib.validation.check_value` for the EMG's numeric settings (never optional, never text).
    """
    return float(check_value(param, value))  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class MuapSet:
    """MUAP parameters of the units of one pool, from the smallest (index 0) to the largest.

    Attributes
    ----------
    amplitude_mV : numpy.ndarray
        Peak-to-peak amplitude (mV).
    width_s : numpy.ndarray
        Width λ (s).
    delay_s : numpy.ndarray
        Extra latency after the fibre's action potential (s).
    """

    amplitude_mV: np.ndarray
    width_s: np.ndarray
    delay_s: np.ndarray

    @property
    def size(self) -> int:
        """Number of units."""
        return int(self.amplitude_mV.size)

    def wave(self, units: Sequence[int] | np.ndarray, u_s: np.ndarray) -> np.ndarray:
        """Return the summed MUAP of ``units`` at ``u_s`` seconds after their fibres' action potential (mV)."""
        idx = np.asarray(units, dtype=int)
        width = self.width_s[idx][:, None]
        x = (np.asarray(u_s, dtype=float)[None, :] - self.delay_s[idx][:, None] - _HALF_SPAN * width) / width
        return (self.amplitude_mV[idx] / _HR1_PP) @ (x * np.exp(-x * x))

    def span_s(self, units: Sequence[int] | np.ndarray) -> float:
        """Time after the action potential by which every MUAP of ``units`` has ended (s)."""
        idx = np.asarray(units, dtype=int)
        return float(np.max(self.delay_s[idx] + 2.0 * _HALF_SPAN * self.width_s[idx]))


@lru_cache(maxsize=32)
def muap_set(n: int) -> MuapSet:
    """MUAP parameters of a pool of ``n`` units (deterministic: seeded by each unit's index; cached).

    Parameters
    ----------
    n : int
        Number of units (1-300), as ``Scenario.motor_units``.

    Examples
    --------
    >>> s = muap_set(120)
    >>> bool(s.amplitude_mV[-1] > s.amplitude_mV[0]), bool(s.width_s[-1] < s.width_s[0])
    (True, True)
    """
    from simlib.pool.population import population

    force = population(int(n), 0).twitch_force  # sizes do not depend on the seed
    z = np.empty(n)
    u = np.empty(n)
    for i in range(n):
        rng = np.random.default_rng([CHANNEL_MUAP, i])
        z[i], u[i] = rng.standard_normal(), rng.random()
    depth = np.exp(_C["muap_amplitude_spread"] * z)
    rank = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(1)
    width_ms = _C["muap_width_small_ms"] * (_C["muap_width_large_ms"] / _C["muap_width_small_ms"]) ** rank
    out = MuapSet(amplitude_mV=_C["muap_mean_amplitude_mV"] * force / force.mean() * depth,
                  width_s=1e-3 * width_ms, delay_s=1e-3 * _C["muap_latency_range_ms"] * u)
    for array in (out.amplitude_mV, out.width_s, out.delay_s):
        array.flags.writeable = False
    return out


def _unit_trains(res: Result) -> tuple[MuapSet, list[tuple[np.ndarray, list[int]]]]:
    """Return the run's MUAP set and its spike trains, each with the units that share it."""
    if res.unit_spikes is None:
        n = int(_C["representative_units"])
        return muap_set(n), [(np.asarray(res.muscle_spikes, dtype=float), list(range(n)))]
    groups: dict[bytes, tuple[np.ndarray, list[int]]] = {}
    for i, spikes in enumerate(res.unit_spikes):
        train = np.asarray(spikes, dtype=float)
        groups.setdefault(train.tobytes(), (train, []))[1].append(i)
    return muap_set(len(res.unit_spikes)), list(groups.values())


@lru_cache(maxsize=64)
def _muap_table(n: int, units: tuple[int, ...], rate_hz: float) -> tuple[int, np.ndarray, np.ndarray]:
    """Tabulate the summed MUAP of ``units`` of the pool of ``n`` for :func:`synthesise` (cached, read-only).

    Returns the MUAP's length in samples at ``rate_hz``, the fine time grid (s) and the table (mV). The same
    table serves every run of a single-unit model (and every run of a pool pattern): computing it is a
    (units x points) product, ~0.35 ms, whose BLAS call also woke BLAS's worker threads on every metrics call.
    """
    shapes = muap_set(n)
    span = shapes.span_s(units)
    length = int(math.ceil(span * rate_hz)) + 1
    fine = np.linspace(0.0, span + 1.0 / rate_hz, _OVERSAMPLE * length + 1)
    table = shapes.wave(units, fine)
    fine.flags.writeable = False
    table.flags.writeable = False
    return length, fine, table


def synthesise(res: Result, rate_hz: float, samples: int) -> np.ndarray:
    """EMG of ``res`` (mV) at ``samples`` times ``k / rate_hz`` (k = 0, 1, ...).

    Each group of units sharing a spike train has its summed MUAP tabulated once
    (:data:`_OVERSAMPLE` points per sample), then interpolated at every sample after each spike.
    """
    shapes, trains = _unit_trains(res)
    out = np.zeros(samples)
    for spikes, units in trains:
        if spikes.size == 0:
            continue
        length, fine, table = _muap_table(shapes.size, tuple(units), rate_hz)
        first = np.ceil(spikes * rate_hz - 1e-9).astype(np.int64)
        index = first[:, None] + np.arange(length)[None, :]
        keep = (index >= 0) & (index < samples)
        values = np.interp(index / rate_hz - spikes[:, None], fine, table, left=0.0, right=0.0)
        out += np.bincount(index[keep], weights=values[keep], minlength=samples)
    return out


@dataclass(frozen=True, eq=False)
class EMG:
    """A surface EMG trace and its measures (from :func:`simlib.emg`).

    Attributes
    ----------
    t : numpy.ndarray
        Time (s), uniform at :attr:`rate_hz`, from 0 to the end of the run.
    mv : numpy.ndarray
        EMG (mV), negative first for an M-wave.
    rate_hz : float
        Sample rate (Hz).
    stimuli_s : numpy.ndarray
        Stimulator impulse times of the run (s): where :meth:`m_wave_amplitudes` looks.
    """

    t: np.ndarray
    mv: np.ndarray
    rate_hz: float
    stimuli_s: np.ndarray

    def rms(self, window_s: float = 0.1) -> np.ndarray:
        """Return the moving RMS (mV) over a centred window of ``window_s`` seconds, on :attr:`t`.

        Raises
        ------
        ParameterError
            If ``window_s`` is not between 0.005 and 1 s.
        """
        width = max(int(round(check_param(RMS_WINDOW, window_s) * self.rate_hz)), 1)
        mean_square = np.convolve(self.mv * self.mv, np.full(width, 1.0 / width), mode="same")
        return np.sqrt(np.clip(mean_square, 0.0, None))

    def rms_value(self, start_s: float | None = None, stop_s: float | None = None) -> float:
        """RMS (mV) of the EMG from ``start_s`` to ``stop_s`` (default: the whole trace)."""
        lo = self.t[0] if start_s is None else float(start_s)
        hi = self.t[-1] if stop_s is None else float(stop_s)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ParameterError(f"the RMS window must have start_s < stop_s (s); got {start_s!r} to {stop_s!r}. "
                                 f"Use times within 0 to {self.t[-1]:g} s.")
        part = self.mv[(self.t >= lo) & (self.t <= hi)]
        return float(np.sqrt(np.mean(part * part))) if part.size else 0.0

    def m_wave_amplitudes(self, window_s: float = 0.03) -> np.ndarray:
        """Peak-to-peak M-wave (compound muscle action potential) after each stimulus (mV).

        Measured from each impulse of :attr:`stimuli_s` over ``window_s`` seconds or until the next
        impulse, whichever is shorter. Empty without stimuli.

        Raises
        ------
        ParameterError
            If ``window_s`` is not between 0.005 and 0.2 s.
        """
        window = check_param(M_WAVE_WINDOW, window_s)
        out = np.zeros(self.stimuli_s.size)
        ends = np.append(self.stimuli_s[1:], np.inf)[: self.stimuli_s.size]
        for k, (t_k, t_next) in enumerate(zip(self.stimuli_s, ends, strict=True)):
            part = self.mv[(self.t >= t_k) & (self.t < min(t_k + window, t_next))]
            out[k] = float(part.max() - part.min()) if part.size else 0.0
        return out

    def m_wave(self, index: int = 0, window_s: float = 0.03) -> tuple[np.ndarray, np.ndarray]:
        """Time since stimulus ``index`` (s) and EMG (mV) over its M-wave window."""
        if not 0 <= index < self.stimuli_s.size:
            raise ParameterError(f"'index' must be a stimulus number from 0 to {self.stimuli_s.size - 1}; "
                                 f"got {index!r}. The run has {self.stimuli_s.size} stimuli.")
        t_k = self.stimuli_s[index]
        mask = (self.t >= t_k) & (self.t < t_k + check_param(M_WAVE_WINDOW, window_s))
        return self.t[mask] - t_k, self.mv[mask]


def emg(result: Result, *, rate_hz: float = 10_000.0) -> EMG:
    """Surface EMG of a run, synthesised from its muscle action potentials (see :mod:`simlib.emg`).

    Parameters
    ----------
    result : simlib.Result
        A run of :func:`simlib.simulate`: a pool (``unit_spikes``, one MUAP per unit) or the single-unit
        model (each muscle action potential is the whole muscle's compound potential).
    rate_hz : float, optional
        Sample rate (Hz, 2000-50000; default 10 kHz).

    Returns
    -------
    EMG
        ``.t`` (s), ``.mv`` (mV), ``.rms(window_s)``, ``.rms_value()``, ``.m_wave_amplitudes()``.

    Raises
    ------
    ParameterError
        For a sample rate out of range, or if ``result`` is not a Result.

    Examples
    --------
    >>> import simlib
    >>> res = simlib.simulate(simlib.Scenario(motor_units=120, drive="stimulation", duration_s=0.5))
    >>> e = simlib.emg(res)
    >>> round(float(e.m_wave_amplitudes()[0]), 1)
    7.3
    """
    if not all(hasattr(result, name) for name in ("t", "muscle_spikes", "unit_spikes", "protocol")):
        raise ParameterError(f"simlib.emg needs a simlib.Result (from simlib.simulate); got "
                             f"{type(result).__name__}.")
    rate = check_param(RATE, rate_hz)
    duration = float(result.t[-1]) if result.t.size else 0.0
    samples = int(math.floor(duration * rate + 1e-9)) + 1
    stimuli = np.asarray(result.protocol.impulses_s, dtype=float)
    return EMG(t=np.arange(samples) / rate, mv=synthesise(result, rate, samples), rate_hz=rate,
               stimuli_s=stimuli[stimuli <= duration])


class _CallableModule(types.ModuleType):
    """Type of this module: calling the module calls :func:`emg` (``simlib.emg(result)``)."""

    def __call__(self, *args: Any, **kwargs: Any) -> EMG:
        return emg(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
#: so that ``inspect.signature(simlib.emg)`` and ``help`` show the function's parameters
__signature__ = inspect.signature(emg)
