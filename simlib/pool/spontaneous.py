r"""Spontaneous (ectopic) discharges of a motor-unit pool: excitability bands, per-unit lags, shifted muscle runs.

In a hyperexcitable state (low ionised Ca²⁺ or Mg²⁺) the motor axon's ectopic site fires by itself
(:mod:`simlib.stages.axon`). Each unit's axon has its own rheobase offset
(:attr:`simlib.pool.population.Population.rheobase_offset_mV`), so as Ca²⁺ falls the most excitable
axons fire first, a few single-unit discharges (fasciculation-like), then many (tetany).

1. **Bands.** Units are grouped by their offset into :data:`BAND_EDGES_SD` bands (in SDs of the spread):
   the most excitable band holds the ≈4 % of units beyond 1.75 SD. Each band's axon is one chain run
   (:func:`band_runs`) with ``ax_vt_mV`` moved by the band's mean offset, under the run's protocol for
   the units the stimulus reaches and without stimuli for the others; its ectopic discharges (with the
   band's own release history: their mean quanta and desensitisation) become impulses at each unit's
   junction, decided there as the stimulator's are (:mod:`simlib.pool.stimulation`). Bands run from the
   most excitable; the first silent band ends the search (a less excitable node fires no more; the
   representative unit, offset 0, is the release run itself), and so does a band less excitable than a
   band run already found silent under the same protocols (a pool of another size: no new run).
2. **Asynchrony.** A free-running band's units discharge out of phase: each unit's ectopic train is the
   band's shifted by a seeded lag, uniform over one mean interval of the band's train
   (:func:`free_running_lags`, :func:`stagger`). Units that a stimulus train reaches are reset in phase by every
   volley (collision at the ectopic site), so they keep the band run's timing (lag 0; their channel
   noise would drift them apart again: a limit).
3. **Muscle side.** The unit's impulses are decided upstream, so every muscle-side run of a hyperexcitable
   pool has its axon's ectopic generator silenced (``simulate(..., ectopic=False)``); a lagged unit's force
   and muscle action potentials are its group's unlagged run shifted by its lag (exact: the muscle side at
   rest is time-invariant), each group sharing one run per fibre-type class and band.

The shift is the reusable part: :func:`stagger` (per-unit lags of a band's spike train) and
:func:`shifted` (a run's trace shifted by a lag) serve any path whose units share one run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from simlib.pool.fibre_types import class_constants
from simlib.pool.patterns import share_patterns
from simlib.pool.population import CHANNEL_ECTOPIC_QUANTA, CHANNEL_LAG, Population
from simlib.protocol import Protocol
from simlib.result import Result
from simlib.scenario import Scenario

__all__ = ["BAND_EDGES_SD", "BandRun", "Spontaneous", "band_of", "band_runs", "discharge", "first_band_jobs", "shifted",
           "shifted_times", "stagger"]

#: edges of the excitability bands in SDs of the rheobase offset (ascending: band 0 is the most excitable)
BAND_EDGES_SD = (-1.75, -1.0, 0.0, 1.0)


@dataclass(frozen=True, eq=False)
class BandRun:
    """One excitability band whose axon fires by itself.

    Attributes
    ----------
    units : numpy.ndarray of int
        The band's units.
    offset_mV : float
        The band's mean rheobase offset (mV), by which its run's ``ax_vt_mV`` is moved.
    stimulated, unstimulated : Result or None
        The band's chain run under the run's protocol (units the stimulus reaches) and without stimuli
        (the others); None where no member needs it.
    """

    units: np.ndarray
    offset_mV: float
    stimulated: Result | None
    unstimulated: Result | None


def band_of(pop: Population, spread_mV: float) -> np.ndarray:
    """Band of each unit (0: most excitable), by its rheobase offset in SDs of ``spread_mV``."""
    z = pop.rheobase_offset_mV / spread_mV if spread_mV > 0 else np.zeros(pop.size)
    return np.digitize(z, BAND_EDGES_SD)


def _band_constants(constants: Mapping[str, float] | None, offset_mV: float) -> dict[str, float]:
    """Return the run's constants with the axon's rheobase potential moved by ``offset_mV`` (clipped to its range)."""
    from simlib.model import constants as declared
    from simlib.model import resolve_constants

    param = declared()["ax_vt_mV"]
    vt = float(resolve_constants(constants)["ax_vt_mV"])
    return {**(constants or {}), "ax_vt_mV": float(min(max(vt + offset_mV, param.low), param.high))}


def band_runs(single: Scenario, pop: Population, spread_mV: float, protocol: Protocol | None, ref: Result,
              excited: np.ndarray, constants: Mapping[str, float] | None, memo: dict[Any, Result],
              simulate: Callable[..., Result], options: Any, run_options: Mapping[str, Any],
              premade: Mapping[Any, Result] | None = None) -> list[BandRun]:
    """Chain runs of the bands whose axons fire by themselves, most excitable first (memoised).

    Parameters
    ----------
    single : Scenario
        The pool's single-unit chain (the release run's Scenario).
    pop : Population
        The pool.
    spread_mV : float
        SD of the rheobase offsets (``rheobase_spread_mV``).
    protocol : Protocol or None
        The run's protocol (None: the Scenario's own).
    ref : Result
        The release run (the representative axon, offset 0).
    excited : numpy.ndarray of bool
        Units the stimulus reaches.
    constants, run_options : mapping
        The run's constants and options of :func:`simlib.simulate`; ``options`` their memo key.
    memo : dict
        Chain runs to reuse and add to.
    simulate : callable
        :func:`simlib.simulate`.
    premade : mapping, optional
        Band runs already made (by :func:`first_band_jobs`), by memo key: entered in ``memo`` in turn.
    """
    band = band_of(pop, spread_mV)
    out: list[BandRun] = []
    for b in np.unique(band):
        units, offset, variants = _band(pop, band, b, excited, protocol)
        if offset >= 0.0 and ref.ectopic_spikes.size == 0:
            break
        if _vouched_silent(memo, single, variants, options, offset):
            break  # a more excitable band's axon was silent under each protocol this band needs: so is this one's
        values = _band_constants(constants, offset)
        runs: list[Result | None] = []
        for run_protocol, used in variants:
            if not used:
                runs.append(None)
                continue
            key = _band_key(single, run_protocol, options, offset)
            if key not in memo:
                memo[key] = (premade[key] if premade is not None and key in premade
                             else simulate(single, protocol=run_protocol, constants=values, **run_options))
            runs.append(memo[key])
        if not any(r is not None and r.ectopic_spikes.size for r in runs):
            break
        out.append(BandRun(units=units, offset_mV=offset, stimulated=runs[0], unstimulated=runs[1]))
    return out


def first_band_jobs(single: Scenario, pop: Population, spread_mV: float, protocol: Protocol | None,
                    excited: np.ndarray, constants: Mapping[str, float] | None, memo: Mapping[Any, Result],
                    simulate: Callable[..., Result], options: Any,
                    run_options: Mapping[str, Any]) -> dict[Any, Callable[[], Result]]:
    """Return the runs :func:`band_runs` makes first, by memo key, to make beside the release run (none made here).

    Those of the most excitable band, which needs no release run to be judged (its offset is negative),
    when it is not known to be silent and not in ``memo``; the parameters are those of :func:`band_runs`.
    """
    band = band_of(pop, spread_mV)
    _, offset, variants = _band(pop, band, band.min(), excited, protocol)
    if offset >= 0.0 or _vouched_silent(memo, single, variants, options, offset):
        return {}
    values = _band_constants(constants, offset)
    jobs = {_band_key(single, run_protocol, options, offset): run_protocol for run_protocol, used in variants if used}
    return {key: functools.partial(simulate, single, protocol=run_protocol, constants=values, **run_options)
            for key, run_protocol in jobs.items() if key not in memo}


def _band(pop: Population, band: np.ndarray, b: int, excited: np.ndarray,
          protocol: Protocol | None) -> tuple[np.ndarray, float, list[tuple[Protocol | None, bool]]]:
    """Return band ``b``'s units, their mean rheobase offset (mV) and the protocols its axon run is needed under."""
    units = np.flatnonzero(band == b)
    return units, float(pop.rheobase_offset_mV[units].mean()), _variants(units, excited, protocol)


def _band_key(single: Scenario, protocol: Protocol | None, options: Any, offset_mV: float) -> tuple[Any, ...]:
    """Memo key of a band's axon run: the single-unit chain, protocol, run options and rheobase offset (mV)."""
    return ("band", single, protocol, options, offset_mV)


def _vouched_silent(memo: Mapping[Any, Result], single: Scenario, variants: list[tuple[Protocol | None, bool]],
                    options: Any, offset_mV: float) -> bool:
    """Whether a more excitable band's run in ``memo`` was silent under every protocol this band needs."""
    return all(_known_silent(memo, single, run_protocol, options, offset_mV) for run_protocol, used in variants
               if used)


def _variants(units: np.ndarray, excited: np.ndarray, protocol: Protocol | None) -> list[tuple[Protocol | None, bool]]:
    """Return the protocols a band's axon run is needed under (stimulated, then quiet), each with whether it is used.

    The stimulated run if some of ``units`` are excited by the stimulus, the quiet one (no impulses) if some are not.
    """
    return [(run_protocol, bool((excited[units] == reached).any()))
            for reached, run_protocol in ((True, protocol), (False, Protocol.pulses(())))]


def _known_silent(memo: Mapping[Any, Result], single: Scenario, protocol: Protocol | None, options: Any,
                  offset_mV: float) -> bool:
    """Return whether ``memo`` holds a silent band run under ``protocol`` of a node at least as excitable.

    That is a run of ``single`` with the same options whose rheobase offset is at most ``offset_mV`` (mV)
    and that has no ectopic discharge: a band of offset ``offset_mV`` is less excitable, so its axon is
    silent too (the monotony :func:`band_runs` relies on to end its search). A pool of another size,
    whose bands' mean offsets differ, then needs no new band run to learn that its bands are silent.
    """
    prefix = _band_key(single, protocol, options, offset_mV)[:-1]
    return any(len(key) == len(prefix) + 1 and key[:-1] == prefix and key[-1] <= offset_mV
               and memo[key].ectopic_spikes.size == 0 for key in list(memo))


def free_running_lags(train_s: np.ndarray, n: int, seed: int, band: int, end_s: float) -> np.ndarray:
    """Seeded lags (s) of ``n`` units sharing the spike train ``train_s``: uniform over its mean interval.

    The mean interval is from the first spike to ``end_s`` over the number of spikes; 0 for an empty train.
    """
    if train_s.size == 0:
        return np.zeros(n)
    interval = (end_s - float(train_s[0])) / train_s.size
    return interval * np.random.default_rng([int(seed), CHANNEL_LAG, int(band)]).random(n)


def stagger(train_s: np.ndarray, lags_s: np.ndarray, end_s: float) -> list[np.ndarray]:
    """Each unit's copy of a shared spike train, shifted by its lag and cut at ``end_s`` (s)."""
    return [shifted_times(train_s, lag, end_s) for lag in lags_s]


def shifted_times(train_s: np.ndarray, lag_s: float, end_s: float) -> np.ndarray:
    """``train_s`` shifted by ``lag_s``, the spikes after ``end_s`` dropped (s)."""
    moved = np.asarray(train_s, dtype=float) + lag_s
    return moved[moved <= end_s + 1e-12]


def shifted(t: np.ndarray, trace: np.ndarray, lag_s: float) -> np.ndarray:
    """``trace`` on ``t`` delayed by ``lag_s`` (its first value before that): a time-invariant run started later."""
    if lag_s == 0.0:
        return trace
    return np.interp(t - lag_s, t, trace, left=float(trace[0]))


@dataclass(frozen=True, eq=False)
class Spontaneous:
    """What the bands' spontaneous discharges do in the pool.

    Attributes
    ----------
    units : numpy.ndarray of int
        Units of the firing bands (their impulses and muscle runs are decided here, not by the release run).
    discharges : dict
        Each such unit's spontaneous (ectopic) axon discharges (s), lag included.
    muscle_spikes : dict
        Each such unit's muscle action potentials (s).
    class_force : dict
        Their force by fibre-type class (keyed by ``slow``), in the pool's force units.
    nerve : tuple of numpy.ndarray
        The pool's spontaneous discharges merged (s) and the mean quanta of each.
    runs : int
        Muscle-side chain runs made.
    """

    units: np.ndarray
    discharges: dict[int, np.ndarray]
    muscle_spikes: dict[int, np.ndarray]
    class_force: dict[bool, np.ndarray]
    nerve: tuple[np.ndarray, np.ndarray]
    runs: int


def discharge(bands: list[BandRun], pop: Population, excited: np.ndarray, seed: int, pool_quanta: float,
              fires: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
              run: Callable[[tuple[float, ...], Mapping[str, float] | None], Result],
              constants: Mapping[str, float] | None, t: np.ndarray) -> Spontaneous:
    """Junction decision and muscle side of every unit of the firing ``bands``.

    ``fires(safety, quanta, free)`` is the pool's junction decision (:mod:`simlib.pool.stimulation`),
    ``run(pattern, constants)`` a silenced muscle-side chain run of an impulse pattern. Quanta are drawn
    binomially per unit and impulse as for the stimulator's impulses (own seed channel); within each
    (band, stimulus reached, fibre-type class) the units share one muscle-side run
    (:func:`simlib.pool.patterns.share_patterns` with a budget of 1), shifted by each unit's lag.
    """
    end = float(t[-1])
    weight = pop.force_weight
    out_d: dict[int, np.ndarray] = {}
    out_m: dict[int, np.ndarray] = {}
    force = {slow: np.zeros_like(t) for slow in (False, True)}
    nerve_t: list[np.ndarray] = []
    nerve_q: list[np.ndarray] = []
    runs = 0
    for b, band in enumerate(bands):
        for reached, res in ((True, band.stimulated), (False, band.unstimulated)):
            members = band.units[excited[band.units] == reached]
            if res is None or members.size == 0:
                continue
            origin = res.nerve_spike_origins
            keep = (origin == "ectopic") | ((origin == "stimulator") & reached)
            times, mean, ectopic = res.nerve_spikes[keep], res.quanta[keep], origin[keep] == "ectopic"
            free = 1.0 - np.interp(times, res.t, res.state("desensitised"))
            free_running = not (origin == "stimulator").any()
            lags = (free_running_lags(times[ectopic], members.size, seed, b, end) if free_running
                    else np.zeros(members.size))
            rng = np.random.default_rng([int(seed), CHANNEL_ECTOPIC_QUANTA, b, int(reached)])
            n = int(round(pool_quanta))
            quanta = rng.binomial(n, np.clip(mean / n, 0.0, 1.0), size=(members.size, times.size)).astype(float)
            ok = fires(pop.safety_scale[members][:, None], quanta, free[None, :])
            for u, lag in zip(members, lags, strict=True):
                out_d[int(u)] = shifted_times(times[ectopic], lag, end)
                nerve_t.append(out_d[int(u)])
                nerve_q.append(mean[ectopic][: out_d[int(u)].size])
            for slow in (False, True):
                in_class = pop.slow[members] == slow
                if not in_class.any():
                    continue
                cls, cls_lags = members[in_class], lags[in_class]
                patterns, inverse, pattern_weight = share_patterns(ok[in_class], weight[cls], 1)
                for g, row in enumerate(patterns):
                    group = inverse == g
                    chain = run(tuple(times[row].tolist()), class_constants(constants, slow)) if row.any() else None
                    runs += chain is not None
                    scale = pattern_weight[g] / weight[cls[group]].sum()
                    for u, lag in zip(cls[group], cls_lags[group], strict=True):
                        if chain is None:
                            out_m[int(u)] = np.zeros(0)
                            continue
                        force[slow] += scale * weight[u] * shifted(chain.t, chain.force, float(lag))
                        out_m[int(u)] = shifted_times(chain.muscle_spikes, float(lag), end)
    merged_t = np.concatenate(nerve_t) if nerve_t else np.zeros(0)
    merged_q = np.concatenate(nerve_q) if nerve_q else np.zeros(0)
    order = np.argsort(merged_t, kind="stable")
    units = np.concatenate([band.units for band in bands]) if bands else np.zeros(0, dtype=int)
    return Spontaneous(units=np.sort(units), discharges=out_d, muscle_spikes=out_m, class_force=force,
                       nerve=(merged_t[order], merged_q[order]), runs=runs)
