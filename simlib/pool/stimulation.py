r"""Electrical stimulation of a motor-unit pool: axon recruitment, a seeded junction decision per impulse, shared runs.

How a pool run is built (the design is in ``docs/performance.md``, "Motor-unit pool"):

1. **Release.** One run of the single-unit chain under the run's Scenario and protocol gives the mean
   quanta :math:`\bar Q_k` of every stimulator impulse :math:`k`, with the junction's facilitation,
   depletion and the prejunctional effect of a curare-like block (train-of-four fade).
2. **Axons.** Unit :math:`i` is excited by every impulse when ``stimulus_v`` reaches its axon
   threshold (:mod:`simlib.pool.population`).
3. **Junction.** Each excited unit draws its quanta per impulse, seeded: each of the pool's
   :math:`N` vesicles is released with probability :math:`\bar Q_k/N` (binomial release, Wood &
   Slater 2001). The unit's muscle fibres fire when

   .. math:: S_i\,(1 - b_{rec})(1 - l_{AChR})\,\frac{Q_{ik}}{Q_0} \ge 1,

   :math:`S_i = s_i S_0` its safety factor, :math:`S_0 = 1/(1 - b^*)` the representative unit's, with
   :math:`b^*` the receptor block at which the chain's own fibre stops firing to a first impulse (found
   by bisection on the chain, cached), :math:`Q_0` the first impulse's quanta from rest. The margin is
   taken linear in endplate conductance and quanta (an approximation; the chain's endplate current
   saturates in ACh).
4. **Muscle.** Units with the same muscle-impulse pattern share one run of the chain with the
   receptor block removed (its fibre then follows every impulse it is given), under their fibre-type
   class's constants; each (class, pattern) is run once. Pool force is the sum of each run's force
   weighted by its units' share of the pool's maximal force.

The slow and fast classes of the population have their own kinetics and metabolism
(:mod:`simlib.pool.fibre_types`): muscle-side runs are grouped by (class, pattern), each class's runs
under its class constants, within :data:`MAX_PATTERNS` in total (:func:`class_budgets`). The fast
class is the representative unit, so a healthy supramaximal pool is the release run (its fast units)
plus one slow-class run.

**Threads** (:mod:`simlib.pool.threads`). With a spare core the chain runs that do not depend on each
other are made side by side: the safety factor's bisection beside the release and band runs, and the
muscle-side runs on two threads. Every run, and the memo, is what making them one at a time gives.

**Spontaneous discharges.** In a hyperexcitable state (low Ca²⁺ or Mg²⁺) the units of each excitability
band whose axon fires by itself take their impulses from that band's axon run (its ectopic discharges,
each unit's lagged, plus its stimulator impulses), decided at the junction as above
(:mod:`simlib.pool.spontaneous`); every muscle-side run of such a pool has its axon's ectopic
generator silenced, so a discharge is counted once, in its unit.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from simlib.pool.fibre_types import class_constants
from simlib.pool.patterns import share_patterns
from simlib.pool.population import CHANNEL_QUANTA, Population, _rng, population
from simlib.pool.population import CONSTANTS as _POPULATION_CONSTANTS
from simlib.pool.spontaneous import Spontaneous, band_runs, discharge, first_band_jobs
from simlib.pool.threads import beside, made_on_threads, memoised_runs, threads_free
from simlib.protocol import DRIVE_FIELDS, Protocol
from simlib.result import Result
from simlib.scenario import Scenario

__all__ = ["MAX_PATTERNS", "PoolRun", "RunMemo", "class_budgets", "endplate_charge",
           "representative_safety_factor", "run_stimulated"]

_PROBE_AT_S = 0.01
_PROBE_S = 0.05
_BISECTIONS = 16
_SUPRAMAXIMAL_V = 10.0
#: muscle-side chain runs per pool run at most: a pool run then costs at most about this many + 1 single runs
#: (measured in benchmarks/pool_speed.py; ``docs/performance.md``, "Motor-unit pool")
MAX_PATTERNS = 8
_RHEOBASE_SPREAD = next(p.default for p in _POPULATION_CONSTANTS if p.name == "rheobase_spread_mV")
#: Scenario fields the safety-factor probe does not read, left at their defaults in its cache key: the drive
#: fields (the probe has its own protocol), the run's length, the junction's gain (the margin's own factors)
#: and the pool's (its size, the stimulus intensity)
_NOT_PROBED = frozenset({*DRIVE_FIELDS, "duration_s", "receptor_block", "achr_loss", "motor_units", "stimulus_v"})


@dataclass(frozen=True, eq=False)
class PoolRun:
    """What a pool run produced besides its :class:`~simlib.result.Result`.

    Attributes
    ----------
    population : Population
        The pool's units.
    impulses_s : numpy.ndarray
        Stimulator impulse times (s).
    excited : numpy.ndarray of bool
        Units whose axon the stimulus reaches.
    quanta : numpy.ndarray
        Quanta drawn per unit and impulse (units x impulses; 0 where the axon is not excited).
    transmitted : numpy.ndarray of bool
        Impulses that fired each unit's muscle fibres (units x impulses).
    patterns : int
        Distinct muscle-impulse patterns, i.e. chain runs made for the muscle side.
    result : Result
        The pool's result (``force`` is the pool's; ``unit_spikes`` per unit).
    class_force : dict
        Force of each fibre-type class's units, keyed by ``slow`` (True: type I), in the pool's force units
        (the two sum to ``result.force``).
    spontaneous : Spontaneous or None
        The units whose axons fire by themselves, their discharges and muscle action potentials
        (:mod:`simlib.pool.spontaneous`); their rows of ``transmitted`` are False (their impulses are there).
        None for a voluntarily driven pool (:mod:`simlib.pool.voluntary`), whose band runs keep their
        axons' own ectopic firing (the per-axon excitability spread acts on stimulated and resting pools only).
    """

    population: Population
    impulses_s: np.ndarray
    excited: np.ndarray
    quanta: np.ndarray
    transmitted: np.ndarray
    patterns: int
    result: Result
    class_force: dict[bool, np.ndarray]
    spontaneous: Spontaneous | None = None


def _single(sc: Scenario, **changes: Any) -> Scenario:
    """Return the single-unit chain of ``sc``: one unit, which ignores the stimulus intensity (set to a fixed value)."""
    return sc.replace(motor_units=1, stimulus_v=_SUPRAMAXIMAL_V, **changes)


def _options_key(constants: Mapping[str, float] | None,
                 run_options: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """Memo key of a chain run's constants and options; None when an option is not a plain value."""
    plain = (str, int, float, bool, type(None))
    if not all(isinstance(v, plain) for v in run_options.values()):
        return None
    return _constants_key(constants), tuple(sorted(run_options.items()))


class RunMemo(OrderedDict):
    """A memo of chain runs for :func:`run_pool` that keeps at most ``max_bytes`` of their arrays.

    Beyond that, the least recently used runs are dropped (the newest always stays). A stimulator
    bench keeps one across its runs, so a condition change that leaves a chain run unchanged reuses it.

    Parameters
    ----------
    max_bytes : int
        Most bytes of the kept Results' arrays (a 3 s run sampled every 0.1 ms holds about 10 MB).
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self.max_bytes = int(max_bytes)
        self.nbytes = 0

    def __getitem__(self, key: Any) -> Result:
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key: Any, value: Result) -> None:
        if key in self:
            self.nbytes -= _result_bytes(super().__getitem__(key))
        super().__setitem__(key, value)
        self.nbytes += _result_bytes(value)
        while self.nbytes > self.max_bytes and len(self) > 1:
            _, dropped = self.popitem(last=False)
            self.nbytes -= _result_bytes(dropped)


def _result_bytes(res: Result) -> int:
    return sum(getattr(res, f.name).nbytes for f in dataclasses.fields(res)
               if isinstance(getattr(res, f.name), np.ndarray))


def _constants_key(constants: Mapping[str, float] | None) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((constants or {}).items()))


def representative_safety_factor(sc: Scenario, simulate_one: Callable[..., Result],
                                 constants: Mapping[str, float] | None = None) -> float:
    """Safety factor :math:`S_0 = 1/(1 - b^*)` of the single-unit chain's junction under ``sc`` (cached).

    :math:`b^*` is the receptor block at which a first impulse from rest stops firing the fibre
    (bisection to 2e-5); 0 if the fibre does not fire even unblocked. ``simulate_one`` is
    :func:`simlib.simulate.simulate` (passed in: this module is below it).
    """
    probe = Scenario(motor_units=1, **{name: getattr(sc, name) for name in Scenario.field_names()
                                       if name not in _NOT_PROBED})
    return _safety_factor(probe, _constants_key(constants), simulate_one)


@lru_cache(maxsize=256)
def _safety_factor(probe: Scenario, constants: tuple[tuple[str, float], ...],
                   simulate: Callable[..., Result]) -> float:
    values = dict(constants) or None
    protocol = Protocol.pulses([_PROBE_AT_S])

    def fires(block: float) -> bool:
        res = simulate(probe.replace(receptor_block=block, duration_s=_PROBE_S, drive_start_s=0.0),
                       protocol=protocol, constants=values)
        return res.muscle_spikes.size > 0

    if not fires(0.0):
        return 0.0
    low, high = 0.0, 1.0
    for _ in range(_BISECTIONS):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if fires(mid) else (low, mid)
    return 1.0 / max(1.0 - low, 1e-9)


def _draw_quanta(pop: Population, mean: np.ndarray, pool_quanta: float, seed: int) -> np.ndarray:
    """Quanta per unit and impulse: binomial over the vesicle pool (the mean itself for a one-unit pool)."""
    if pop.size == 1:
        return mean[None, :].copy()
    n = int(round(pool_quanta))
    p = np.clip(mean / n, 0.0, 1.0)
    return _rng(seed, CHANNEL_QUANTA).binomial(n, p, size=(pop.size, p.size)).astype(float)


def run_stimulated(sc: Scenario, protocol: Protocol | None = None, *, simulate: Callable[..., Result],
                   constants: Mapping[str, float] | None = None, memo: dict[Any, Result] | None = None,
                   max_patterns: int = MAX_PATTERNS, **run_options: Any) -> PoolRun:
    """Run ``sc``'s pool of ``sc.motor_units`` units under the stimulator impulses of ``protocol``.

    Parameters
    ----------
    sc : Scenario
        The preparation; ``motor_units`` units, ``stimulus_v`` the stimulus intensity.
    simulate : callable
        :func:`simlib.simulate.simulate`, which runs every single-unit chain (passed in: this module is
        below it; :func:`simlib.pool.run.run_pool` passes it).
    protocol : Protocol, optional
        Stimulator impulses; default ``Protocol.from_scenario(sc)``. (A protocol with a descending
        command or a stretch goes to :func:`simlib.pool.voluntary.run_voluntary`: :func:`simlib.pool.run.run_pool`
        chooses.)
    constants : mapping, optional
        Model constants for every chain run (see :func:`simlib.simulate`).
    memo : dict, optional
        Chain runs (the release run and the muscle-side runs by impulse pattern) to reuse and to add
        to. Each is keyed by everything it depends on (its single-unit Scenario, protocol or impulse
        pattern, constants and run options), so one memo may serve any calls: a recruitment curve
        reuses the runs across intensities, and a stimulator bench across condition changes that leave
        a run unchanged (``stimulus_v``, ``motor_units``; a new ``receptor_block`` reuses the muscle-side
        runs). Run options that are not plain values (a ``Reference`` solver object) are not memoised.
    max_patterns : int, optional
        Most muscle-side chain runs (distinct impulse patterns) made; beyond it, units share the
        nearest simulated pattern (:func:`share_patterns`; an approximation). The runs of spontaneously
        discharging units (one per band, stimulus reached or not and fibre-type class) count in it; the
        other units keep at least 2.
    **run_options
        ``output_dt_s``, ``solver``, ``accuracy`` of :func:`simlib.simulate`.

    Returns
    -------
    PoolRun
    """
    options = _options_key(constants, run_options)
    memo = {} if memo is None or options is None else memo
    pop = population(sc.motor_units, sc.seed)
    release = _single(sc)
    ref_key = ("release", release, protocol, options)
    excited = pop.axon_threshold_v <= sc.stimulus_v
    threaded = ref_key not in memo and threads_free(sc.duration_s)
    # new runs that do not depend on each other are made side by side: the safety factor's bisection (probes
    # of its own) beside the release run and the most excitable band's axon runs, those two on two threads
    with beside(lambda: representative_safety_factor(sc, simulate, constants), threaded) as safety_factor:
        premade: dict[Any, Result] = {}
        if threaded:
            jobs = {ref_key: functools.partial(simulate, release, protocol=protocol, constants=constants,
                                               **run_options),
                    **first_band_jobs(release, pop, _RHEOBASE_SPREAD, protocol, excited, constants, memo, simulate,
                                      options, run_options)}
            if len(jobs) > 1:
                premade = dict(zip(jobs, made_on_threads(lambda make: make(), list(jobs.values())), strict=True))
        if ref_key not in memo:
            memo[ref_key] = (premade.pop(ref_key) if ref_key in premade
                             else simulate(release, protocol=protocol, constants=constants, **run_options))
        ref = memo[ref_key]
        bands = band_runs(release, pop, _RHEOBASE_SPREAD, protocol, ref, excited, constants, memo, simulate, options,
                          run_options, premade)
        s0 = safety_factor()
    stim = ref.nerve_spike_origins == "stimulator"
    times, mean_q = ref.nerve_spikes[stim], ref.quanta[stim]
    kp = _kernel(sc, constants)
    quanta = _draw_quanta(pop, mean_q, float(kp.pool_quanta), sc.seed)
    quanta[~excited] = 0.0
    fires = _junction(sc, ref, kp, s0)
    free = 1.0 - np.interp(times, ref.t, ref.state("desensitised"))  # receptors not desensitised at each impulse
    transmitted = excited[:, None] & fires(pop.safety_scale[:, None], quanta, free[None, :])
    hyperexcitable = bool(bands) or ref.ectopic_spikes.size > 0
    muscle_options = {**run_options, "ectopic": False} if hyperexcitable else dict(run_options)
    muscle = _single(sc, receptor_block=0.0, achr_loss=0.0)

    def muscle_runs(jobs: Sequence[tuple[tuple[float, ...], Mapping[str, float] | None]]) -> list[Result]:
        return _muscle_runs(muscle, jobs, memo, simulate, muscle_options)

    def muscle_run(pattern: tuple[float, ...], c: Mapping[str, float] | None) -> Result:
        return muscle_runs([(pattern, c)])[0]

    spont = discharge(bands, pop, excited, sc.seed, float(kp.pool_quanta), fires, muscle_run, constants, ref.t)
    transmitted[spont.units] = False  # their impulses are the bands' (no double counting)
    full = ref if (1.0 - sc.receptor_block) * (1.0 - sc.achr_loss) == 1.0 and not hyperexcitable else None
    budget = max(2, max_patterns - spont.runs) if spont.runs else max_patterns  # the bands' runs count in it
    runs, inverse, run_weight, run_slow = _class_runs(pop, transmitted, times, budget, full, muscle_runs, constants)
    class_force = {slow: spont.class_force[slow].copy() if bands else np.zeros_like(ref.force)
                   for slow in (False, True)}
    for run, w, slow in zip(runs, run_weight, run_slow, strict=True):
        if run is not None:
            class_force[bool(slow)] += w * run.force
    empty = np.zeros(0)
    unit_spikes = tuple(spont.muscle_spikes[i] if i in spont.muscle_spikes else
                        (empty if runs[g] is None else runs[g].muscle_spikes) for i, g in enumerate(inverse))
    shown = _shown(pop, runs, inverse, ref, excited, lambda: muscle_run((), constants))
    result = _pool_result(shown, ref, sc, class_force, unit_spikes, spont)
    return PoolRun(population=pop, impulses_s=times, excited=excited, quanta=quanta, transmitted=transmitted,
                   patterns=sum(r is not None and r is not ref for r in runs) + spont.runs, result=result,
                   class_force=class_force, spontaneous=spont)


def _junction(sc: Scenario, ref: Result, kp: Any,
              s0: float) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """Return the pool's junction decision ``fires(safety_scale, quanta, free)`` under ``sc`` (module docstring).

    ``s0`` is the representative unit's safety factor (:func:`representative_safety_factor`).
    """
    gain = (1.0 - sc.receptor_block) * (1.0 - sc.achr_loss)
    grid, charge = endplate_charge(float(kp.pool_quanta), float(kp.ach_per_quantum), float(kp.ach_clear),
                                   float(kp.achr_open), float(kp.achr_close))
    at_rest = np.interp(ref.resting_quantal_content, grid, charge)

    def fires(safety: np.ndarray, quanta: np.ndarray, free: np.ndarray) -> np.ndarray:
        return safety * s0 * gain * free * (np.interp(quanta, grid, charge) / at_rest) >= 1.0

    return fires


def _shown(pop: Population, runs: list[Result | None], inverse: np.ndarray, ref: Result, excited: np.ndarray,
           at_rest: Callable[[], Result]) -> Result:
    """Return the chain run whose traces (membrane, Ca²⁺, ...) the pool's Result shows: its heaviest run."""
    weight = pop.force_weight
    heaviest = max(range(len(runs)), key=lambda g: weight[inverse == g].sum() if runs[g] is not None else -1.0)
    shown = runs[heaviest] if runs[heaviest] is not None else ref
    if not excited.any() or shown is ref and ref.ectopic_spikes.size:
        return at_rest()  # not the reference fibre the chain fires: a fibre at rest
    return shown


def _pool_result(shown: Result, ref: Result, sc: Scenario, class_force: dict[bool, np.ndarray],
                 unit_spikes: tuple[np.ndarray, ...], spont: Spontaneous) -> Result:
    """Return the pool's Result: the shown run's traces, the pool's force and unit spikes, the pool's nerve discharges.

    Without spontaneous discharges the nerve spikes are the release run's; with them, the release run's
    stimulator impulses plus every unit's spontaneous discharges (``ectopic_spikes``), merged, and the
    muscle action potentials those add (each unit's are in ``unit_spikes``).
    """
    nerve, origins, quanta, ectopic = ref.nerve_spikes, ref.nerve_spike_origins, ref.quanta, ref.ectopic_spikes
    muscle = shown.muscle_spikes
    if spont.units.size:
        muscle = np.unique(np.concatenate([muscle, *spont.muscle_spikes.values()]))
        stim = ref.nerve_spike_origins == "stimulator"
        ectopic, ectopic_q = spont.nerve
        nerve = np.concatenate([ref.nerve_spikes[stim], ectopic])
        order = np.argsort(nerve, kind="stable")
        nerve = nerve[order]
        origins = np.concatenate([ref.nerve_spike_origins[stim], np.full(ectopic.size, "ectopic",
                                                                         dtype=ref.nerve_spike_origins.dtype)])[order]
        quanta = np.concatenate([ref.quanta[stim], ectopic_q])[order]
    return dataclasses.replace(shown, force=class_force[False] + class_force[True], unit_spikes=unit_spikes,
                               scenario=sc, protocol=ref.protocol, muscle_spikes=muscle, nerve_spikes=nerve,
                               nerve_spike_origins=origins,
                               ectopic_spikes=ectopic, quanta=quanta, healthy_reference=ref.healthy_reference)


def _muscle_runs(muscle: Scenario, jobs: Sequence[tuple[tuple[float, ...], Mapping[str, float] | None]],
                 memo: dict[Any, Result], simulate: Callable[..., Result],
                 run_options: Mapping[str, Any]) -> list[Result]:
    """Return the muscle-side chain runs of ``jobs`` (impulse pattern, class constants), memoised.

    The runs not in ``memo`` are made first, on two threads when :func:`simlib.pool.threads.threads_free`
    allows (the compiled integrator releases the GIL, so two cores make them in about half the time),
    then entered in ``memo`` in the jobs' order: the runs and the memo are those of making them one at a time.
    """
    keys = [("muscle", muscle, _options_key(c, run_options), pattern) for pattern, c in jobs]

    def make(job: tuple[tuple[float, ...], Mapping[str, float] | None]) -> Result:
        return simulate(muscle, protocol=Protocol.pulses(job[0]), constants=job[1], **run_options)

    return memoised_runs(keys, jobs, memo, make, threads_free(muscle.duration_s))


def class_budgets(pop: Population, max_patterns: int) -> dict[bool, int]:
    """Most muscle-side runs of each fibre-type class (keyed by ``slow``): ``max_patterns`` in total.

    The slow class gets its share of the pool's force (at least 1), the fast class the rest (at least 1);
    a class without units gets none.
    """
    share = float(pop.force_weight[pop.slow].sum())
    slow = max(1, round(max_patterns * share)) if pop.slow.any() else 0
    fast = max(1, max_patterns - slow) if (~pop.slow).any() else 0
    return {True: slow, False: fast}


def _class_runs(pop: Population, transmitted: np.ndarray, times: np.ndarray, max_patterns: int,
                full_run: Result | None,
                make: Callable[[Sequence[tuple[tuple[float, ...], Mapping[str, float] | None]]], list[Result]],
                constants: Mapping[str, float] | None) -> tuple[list[Result | None], np.ndarray, np.ndarray,
                                                                np.ndarray]:
    """Muscle-side runs grouped by (fibre-type class, impulse pattern), within each class's budget.

    ``full_run`` (the release run of a healthy junction, or None) serves fast-class units that transmit every
    impulse: the fast class has the representative's constants (:mod:`simlib.pool.fibre_types`). ``make``
    returns the runs of a list of (impulse pattern, class constants), all at once.

    Returns
    -------
    runs : list of Result or None
        One per (class, pattern); None for the empty pattern.
    inverse : numpy.ndarray of int
        Each unit's index into ``runs``.
    run_weight : numpy.ndarray
        Each run's share of the pool's force.
    run_slow : numpy.ndarray of bool
        Each run's class (True: slow).
    """
    runs: list[Result | None] = []
    jobs: list[tuple[int, tuple[float, ...], Mapping[str, float] | None]] = []  # (index in runs, pattern, constants)
    weights: list[np.ndarray] = []
    run_slow: list[bool] = []
    inverse = np.zeros(pop.size, dtype=int)
    for slow, budget in class_budgets(pop, max_patterns).items():
        members = np.flatnonzero(pop.slow == slow)
        if members.size == 0:
            continue
        patterns, inv, pattern_weight = share_patterns(transmitted[members], pop.force_weight[members], budget)
        inverse[members] = len(runs) + inv
        weights.append(pattern_weight)
        run_slow += [slow] * patterns.shape[0]
        class_c = class_constants(constants, slow)
        for row in patterns:
            pattern = tuple(times[row].tolist())
            if not pattern:
                runs.append(None)
            elif not slow and full_run is not None and len(pattern) == times.size:
                runs.append(full_run)
            else:
                jobs.append((len(runs), pattern, class_c))
                runs.append(None)
    for (index, _, _), run in zip(jobs, make([(pattern, c) for _, pattern, c in jobs]), strict=True):
        runs[index] = run
    return runs, inverse, np.concatenate(weights), np.array(run_slow, dtype=bool)


def _kernel(sc: Scenario, constants: Mapping[str, float] | None) -> Any:
    """Kernel parameters of the single-unit chain of ``sc``."""
    from simlib.chain import kernel_params
    from simlib.model import resolve_constants

    return kernel_params(_single(sc), resolve_constants(constants) if constants else None)


@lru_cache(maxsize=64)
def endplate_charge(q_max: float, per_quantum: float, clearance: float, opening: float,
                    closing: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Time integral of the open receptor fraction after an impulse of Q quanta, for Q from 0 to ``q_max`` (cached).

    The chain's cleft and receptor equations (:mod:`simlib.stages.nmj`) from rest, with the membrane
    held: :math:`A(0) = Q\,c_q`, :math:`dA/dt = -k A`, :math:`dO/dt = k_o A^2 (1 - O) - \alpha O`
    (exponential Euler, 5 µs steps, until A and O have decayed 8 time constants). The endplate
    potential of a passive fibre grows with this charge, which saturates in Q (receptors saturate);
    the junction decision uses it instead of Q itself.

    Parameters
    ----------
    q_max : float
        Largest quanta (the vesicle pool).
    per_quantum, clearance, opening, closing : float
        The kernel's ``ach_per_quantum``, ``ach_clear`` (1/ms), ``achr_open`` and ``achr_close`` (1/ms).

    Returns
    -------
    grid : numpy.ndarray
        Quanta (one point per quantum from 0 to ``q_max``).
    charge : numpy.ndarray
        :math:`\int O\,dt` (ms) for each.
    """
    grid = np.linspace(0.0, max(q_max, 1.0), int(max(q_max, 1.0)) + 1)
    dt = 0.005
    ach = grid * per_quantum
    opened = np.zeros_like(grid)
    charge = np.zeros_like(grid)
    for _ in range(int(8.0 / (clearance * dt)) + int(8.0 / (closing * dt))):
        a = opening * ach * ach
        b = a + closing
        relax = np.exp(-b * dt)
        opened = opened * relax + a / b * (1.0 - relax)
        charge += opened * dt
        ach *= math.exp(-clearance * dt)
    grid.flags.writeable = charge.flags.writeable = False
    return grid, charge
