"""Muscle-mechanics experiments: the length–tension curve and the load–velocity (and power) curve.

Both stimulate the motor nerve with a fused tetanus under the other conditions of the Scenario
(temperature, ATP, drugs ...) and read the model of :mod:`simlib.stages.mechanics`:

- :func:`length_tension`: an isometric tetanus at each muscle length gives the active force
  (filament overlap), the passive force (parallel elastic element) and their sum (Gordon, Huxley &
  Julian 1966; PhysioEx 9.0 exercise 2, activity 6);
- :func:`load_velocity`: an afterloaded isotonic tetanus at each load gives the shortening
  velocity and power (Hill 1938), the shortening distance and the latent period from the first
  stimulus to the start of shortening, which grows with the load (PhysioEx activity 7).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from simlib.errors import ParameterError
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.simulate import simulate

__all__ = ["LengthTension", "LoadVelocity", "length_tension", "load_velocity", "shortening_of"]

_STIMULUS_AT_S = 0.1
_AFTER_S = 0.4
#: output interval of the isotonic runs (s): resolves the latent period and the velocity
_ISOTONIC_DT_S = 1e-4
#: shortening (optimal lengths) taken as the start of the movement, for the latent period
_MOVED = 1e-4


@dataclass(frozen=True)
class LengthTension:
    """Isometric tetanic force at each muscle length (force unit: 1 = maximal tetanus at the optimal length).

    Attributes
    ----------
    length_rel : numpy.ndarray
        Muscle length relative to the optimal length.
    active : numpy.ndarray
        Peak active force developed by the tetanus, above the resting force.
    passive : numpy.ndarray
        Passive force of the parallel elastic element at that length, before stimulation.
    total : numpy.ndarray
        Peak total force (active plus passive): what the force transducer reads.
    """

    length_rel: np.ndarray
    active: np.ndarray
    passive: np.ndarray
    total: np.ndarray


@dataclass(frozen=True)
class LoadVelocity:
    """Afterloaded isotonic tetanus at each load.

    Attributes
    ----------
    load_rel : numpy.ndarray
        Load as a fraction of the maximal isometric force.
    velocity : numpy.ndarray
        Peak shortening velocity (optimal lengths per second); 0 when the load is not lifted.
    power : numpy.ndarray
        Load times velocity (maximal isometric force × optimal lengths per second).
    shortening : numpy.ndarray
        Largest shortening during the run (optimal lengths).
    latent_period_ms : numpy.ndarray
        First stimulus to the start of shortening (ms); NaN when the load is not lifted.
    """

    load_rel: np.ndarray
    velocity: np.ndarray
    power: np.ndarray
    shortening: np.ndarray
    latent_period_ms: np.ndarray


def _tetanus(sc: Scenario, rate_hz: float, train_s: float, **changes: float | None) -> Scenario:
    """``sc`` driven by a nerve-stimulation train at ``rate_hz`` for ``train_s`` from 0.1 s."""
    return sc.replace(drive="stimulation", rate_hz=rate_hz, drive_start_s=_STIMULUS_AT_S, drive_s=train_s,
                      duration_s=_STIMULUS_AT_S + train_s + _AFTER_S, stretch_at_s=None, **changes)


def _values(name: str, values: float | Iterable[float]) -> np.ndarray:
    """Return the requested values as a 1-D float array (a single number gives one value)."""
    array = np.atleast_1d(np.asarray(values, dtype=float))
    if array.ndim != 1 or array.size == 0:
        raise ParameterError(f"{name} must be a number or a non-empty list of numbers; got {values!r}")
    return array


def length_tension(sc: Scenario, length_rel: float | Iterable[float], *, rate_hz: float = 100.0,
                   train_s: float = 0.5, constants: Mapping[str, float] | None = None) -> LengthTension:
    """Isometric tetanic force (active, passive, total) at each muscle length.

    Parameters
    ----------
    sc : Scenario
        Conditions of the muscle; its drive, load and stretch settings are replaced by an isometric
        nerve-stimulation tetanus from 0.1 s.
    length_rel : float or iterable of float
        Muscle lengths relative to the optimal length (each within the range of
        ``Scenario.length_rel``).
    rate_hz : float, keyword-only
        Stimulation rate of the tetanus (Hz); 100 Hz fuses it.
    train_s : float, keyword-only
        Length of the train (s).
    constants : mapping, optional
        Model-constant overrides (:func:`simlib.simulate`).

    Raises
    ------
    ParameterError
        For a length, rate or train outside its Scenario range.
    """
    lengths = _values("length_rel", length_rel)
    active, passive, total = (np.empty(lengths.size) for _ in range(3))
    for i, length in enumerate(lengths):
        res = simulate(_tetanus(sc, rate_hz, train_s, length_rel=float(length), load_rel=None), constants=constants)
        passive[i] = res.passive_force[0]
        active[i] = float(res.force.max() - res.force[0])
        total[i] = float(res.total_force.max())
    return LengthTension(lengths, active, passive, total)


def load_velocity(sc: Scenario, load_rel: float | Iterable[float], *, rate_hz: float = 100.0,
                  train_s: float = 0.5, constants: Mapping[str, float] | None = None) -> LoadVelocity:
    """Shortening velocity, power, distance and latent period of an afterloaded isotonic tetanus per load.

    Parameters
    ----------
    sc : Scenario
        Conditions of the muscle (its ``length_rel`` is the starting length, on the stop); its drive
        and stretch settings are replaced by a nerve-stimulation tetanus from 0.1 s.
    load_rel : float or iterable of float
        Loads as fractions of the maximal isometric force (each within the range of
        ``Scenario.load_rel``).
    rate_hz, train_s : float, keyword-only
        Stimulation rate (Hz) and train length (s) of the tetanus.
    constants : mapping, optional
        Model-constant overrides (:func:`simlib.simulate`).

    Raises
    ------
    ParameterError
        For a load, rate or train outside its Scenario range.
    """
    loads = _values("load_rel", load_rel)
    velocity, shortening, latent = (np.empty(loads.size) for _ in range(3))
    for i, load in enumerate(loads):
        run = _tetanus(sc, rate_hz, train_s, load_rel=float(load))
        res = simulate(run, output_dt_s=_ISOTONIC_DT_S, constants=constants)
        velocity[i], shortening[i], latent[i] = shortening_of(res, _STIMULUS_AT_S)
    return LoadVelocity(loads, velocity, loads * velocity, shortening, latent)


def shortening_of(res: Result, stimulus_at_s: float) -> tuple[float, float, float]:
    """Measure the shortening of an (isotonic) run: peak velocity, distance and latent period.

    Parameters
    ----------
    res : Result
        A run; its Scenario's ``length_rel`` is the starting length. Use a fine output interval
        (0.1 ms, as :func:`load_velocity` and the stimulator bench do) to resolve the latent period.
    stimulus_at_s : float
        Time of the first stimulus (s).

    Returns
    -------
    tuple of float
        Peak shortening velocity (optimal lengths per second), largest shortening (optimal lengths)
        and the time from the stimulus to the start of shortening (ms); ``(0, 0, nan)`` when the
        muscle never shortened (no load, or a load it could not lift).
    """
    moved = res.scenario.length_rel - res.length_rel
    started = np.flatnonzero(moved > _MOVED)
    if started.size == 0:  # the load was never lifted
        return 0.0, 0.0, math.nan
    velocity = float(np.max(-np.diff(res.length_rel) / np.diff(res.t)))
    return velocity, float(moved.max()), 1000.0 * float(res.t[started[0]] - stimulus_at_s)
