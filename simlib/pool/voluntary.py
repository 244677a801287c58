r"""Voluntary drive of a motor-unit pool: recruitment and rate coding from one common descending command.

Every motoneuron of the pool gets the same descending command :math:`C(t)` (and the same afferent
input), and each is less excitable than the smallest by an offset :math:`\theta_i` (mV of command;
Henneman's size principle, Henneman 1957; recruitment thresholds after Fuglevand, Winter & Patla 1993):

.. math::

    \theta_i = \frac{RTE_i - 1}{RR - 1}\,\theta_{max},\qquad
    \theta_{max} = f\,C_{max} - C_{rec},

with :math:`RTE_i` the unit's recruitment threshold (1 to :math:`RR`, :mod:`simlib.pool.population`),
:math:`C_{max}` the strongest descending command (:func:`simlib.stages.drive.max_voluntary_rate_hz`),
:math:`C_{rec}` the command that just recruits the smallest unit (1 impulse/s) and :math:`f`
(:data:`CONSTANTS`, ``last_recruitment_command_fraction``) the fraction of the maximal command at which
the largest unit is recruited. Unit :math:`i`'s motoneuron receives :math:`C(t) - \theta_i` plus the
reflex inputs; the offset acts on every input (a larger motoneuron needs more synaptic drive of any
origin), so a stretch reflex also recruits in size order. The learner's ``rate_hz`` keeps its meaning
for the smallest unit (:math:`\theta = 0`). Rate coding follows: early units keep firing faster as the
command rises while later ones are recruited at lower rates (onion skin, De Luca & Hostage 2010).

How a run is built (``docs/performance.md`` §7, "Voluntary drive"):

1. **Bands.** Units whose offset the run's peak excitation can reach are grouped into at most
   :data:`~simlib.pool.stimulation.MAX_PATTERNS` bands of neighbouring thresholds (equal shares of force
   weight within each fibre-type class, :func:`bands`); each band is one single-unit chain run under its
   class's constants with its force-weighted mean offset, i.e. the protocol plus a constant command of
   :math:`-\theta_b`. Under a positive net force feedback (:func:`feedback_band_budget`: a fatigued
   muscle, whose spindle support outweighs its tendon-organ inhibition) at most :data:`FEEDBACK_BANDS`:
   then the bands that fire are run twice (step 2), and fewer, wider bands keep a cramp within the
   pool's cost.
2. **Pool feedback.** Tendon organs and spindles (via α–γ co-activation) report the muscle's total
   tension to every motoneuron, so each band should feel the pool's force, not its own. After a first
   pass with its own force, a band whose missing input :math:`G\,(F_{pool}(t) - F_b(t))` (:math:`G` the
   net force-driven reflex gain) exceeds :data:`FEEDBACK_TOLERANCE_MV` is rerun with it added as
   piecewise-constant command segments (:func:`_correction`), at most :data:`FEEDBACK_PASSES` times
   (Jacobi: every band uses the previous pass's pool force). One pass: near a cramp the undamped
   iteration swings between a high and a low state (period 2), so a second pass costs as much as the
   first and lands no nearer a damped iteration's converged state (``docs/performance.md`` §7).
3. **Units.** Each unit's spikes are its band's, delayed by a seeded lag within one interspike interval
   ordered by threshold inside the band (:func:`unit_lags`), so the units of a band do not fire in
   synchrony; the band's force is the force-weighted mean of the lagged copies of its run's force, so
   force and spikes agree. Pool force = the sum over bands.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from simlib.errors import ParameterError
from simlib.pool.fibre_types import class_constants
from simlib.pool.population import Population, _rng, population
from simlib.pool.spontaneous import shifted, shifted_times
from simlib.pool.stimulation import MAX_PATTERNS, PoolRun, _options_key, _single, class_budgets
from simlib.pool.threads import memoised_runs, threads_free
from simlib.protocol import MAX_COMMAND_SEGMENTS, CommandSegment, Protocol
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.validation import Param

__all__ = ["CHANNEL_LAG", "CONSTANTS", "FEEDBACK_BANDS", "FEEDBACK_PASSES", "FEEDBACK_TOLERANCE_MV", "REACH_MARGIN_MV",
           "bands", "feedback_band_budget", "offsets_mV", "run_voluntary", "unit_lags"]

#: seed channel of the units' firing lags (with ``Scenario.seed``)
CHANNEL_LAG = 104
#: a band is rerun with pool-force feedback when its force-driven reflex input would change by more than this (mV)
FEEDBACK_TOLERANCE_MV = 0.5
#: units whose offset is at most the run's peak excitation minus the smallest unit's recruitment command plus
#: this (mV) get a band (a positive force feedback, e.g. in fatigue, adds its value at full force)
REACH_MARGIN_MV = 1.0
#: most reruns of a band for the pool-force feedback (measured: a second pass of the undamped iteration swings back)
FEEDBACK_PASSES = 1
#: most bands of a pool under a positive net force feedback (:func:`feedback_band_budget`): its firing bands rerun
FEEDBACK_BANDS = 4

CONSTANTS: tuple[Param, ...] = (
    Param("last_recruitment_command_fraction", 0.5, "", "fraction of the maximal descending command at which the "
          "largest unit of the pool is recruited (sets the offsets' range θ_max)",
          "small hand muscles recruit all their units by ≈50 % of maximal effort (adductor pollicis, Kukulka & "
          "Clamann 1981, Brain Res 219:45; first dorsal interosseous, Milner-Brown, Stein & Yemm 1973, J Physiol "
          "230:371; De Luca, LeFever, McCue & Xenakis 1982, J Physiol 329:113), large limb muscles by ≈85 % "
          "(biceps, deltoid: Kukulka & Clamann 1981; De Luca et al. 1982); the default pool is a first dorsal "
          "interosseous; Fuglevand et al. 1993 recruit all units by ≈2/3 of maximal excitation", 0.2, 0.95),
)
_C = {p.name: p.default for p in CONSTANTS}


def _drive_constants(constants: Mapping[str, float] | None) -> Any:
    from simlib.model import resolve_constants

    return resolve_constants(constants) if constants else None


@lru_cache(maxsize=16)
def _offset_range_mV(fraction: float) -> float:
    r""":math:`\theta_{max}` (mV) of the default motoneuron (pic_gain 1, declared constants): a property of the pool."""
    from simlib.stages.drive import _MAX_LEVEL_MV, descending_level_mV

    return max(fraction * _MAX_LEVEL_MV - descending_level_mV(1.0, 1.0), 0.0)


def offsets_mV(pop: Population) -> np.ndarray:
    r"""Each unit's command offset :math:`\theta_i` (mV): 0 for the smallest, :math:`\theta_{max}` for the largest."""
    rr = pop.recruitment_threshold
    span = rr[-1] - rr[0]
    scale = (rr - rr[0]) / span if span > 0 else np.zeros_like(rr)
    return scale * _offset_range_mV(_C["last_recruitment_command_fraction"])


def bands(pop: Population, reachable: np.ndarray, max_bands: int) -> list[np.ndarray]:
    """Group the reachable units into at most ``max_bands`` bands of neighbouring thresholds, the others by class.

    The units out of reach get one band per fibre-type class (they stay at rest unless the run's
    reflexes recruit them, and a resting fibre may hold force, e.g. in rigor). The smallest unit is a
    band of its own (offset 0: the unit whose rate ``rate_hz`` sets). The other reachable units share
    the remaining bands, each fibre-type class its share (:func:`simlib.pool.stimulation.class_budgets`
    on their force); within a class the bands hold equal shares of its force weight, in size order.

    Returns
    -------
    list of numpy.ndarray
        Unit indices of each band, ordered by their smallest unit.
    """
    units = np.flatnonzero(reachable)
    out = [band for slow in (True, False) if (band := np.flatnonzero(~reachable & (pop.slow == slow))).size]
    if units.size <= 1 or max_bands <= 1:
        return sorted(out + ([units] if units.size else []), key=lambda band: int(band[0]))
    out.append(units[:1])
    units = units[1:]
    sub = dataclasses.replace(pop, **{f.name: getattr(pop, f.name)[units] for f in dataclasses.fields(pop)})
    for slow, budget in class_budgets(sub, max_bands - 1).items():
        members = units[pop.slow[units] == slow]
        if members.size == 0:
            continue
        cumulative = np.cumsum(pop.force_weight[members])
        labels = np.minimum((cumulative / cumulative[-1] * min(budget, members.size) - 1e-9).astype(int), budget - 1)
        out += [members[labels == k] for k in np.unique(labels)]
    return sorted(out, key=lambda band: int(band[0]))


def unit_lags(spikes: np.ndarray, members: np.ndarray, seed: int) -> np.ndarray:
    """Return the firing lag (s) of each unit of a band behind the band's run: within one interspike interval.

    Unit ``k`` (in size order) of a band of ``n`` gets ``ISI (k + u_k) / n``, ``u_k`` seeded uniform on
    [0, 1) (:data:`CHANNEL_LAG`), ``ISI`` the median interval of the band's spikes (0 below two spikes):
    units of one band fire at spread phases, the larger a little later, as their higher thresholds would.
    """
    if spikes.size < 2 or members.size == 0:
        return np.zeros(members.size)
    isi = float(np.median(np.diff(spikes)))
    u = _rng(seed, CHANNEL_LAG).random(int(members.max()) + 1)[members]
    return isi * (np.arange(members.size) + u) / members.size


@dataclass(frozen=True, eq=False)
class BandTrace:
    """What the pool keeps of a band's chain run besides the first band's (whose traces the Result shows).

    Attributes
    ----------
    t, force : numpy.ndarray
        Time (s) and the band run's force (force units).
    muscle_spikes : numpy.ndarray
        Its muscle action potentials (s).
    """

    t: np.ndarray
    force: np.ndarray
    muscle_spikes: np.ndarray


def _segment(start_s: float, end_s: float, level_mV: float) -> CommandSegment:
    """Return a held command segment built without the learner-facing check (levels 0-120 mV): it may be negative."""
    segment = object.__new__(CommandSegment)
    for name, value in (("start_s", start_s), ("end_s", end_s), ("level_mV", level_mV), ("shape", "hold")):
        object.__setattr__(segment, name, value)
    return segment


def _bias(protocol: Protocol, theta_mV: float, duration_s: float,
          correction: tuple[tuple[float, float, float], ...] = ()) -> Protocol:
    """Return ``protocol`` with a band's own inputs added to its command.

    A constant ``-theta_mV`` over the whole run (the band's lower excitability), and the ``correction``
    segments (start s, end s, level mV: the pool-force feedback the band's own force does not give).
    """
    extra = [_segment(0.0, duration_s + 1.0, -float(theta_mV))] if theta_mV != 0.0 else []
    extra += [_segment(lo, hi, level) for lo, hi, level in correction if level != 0.0]
    if not extra:
        return protocol
    return Protocol(impulses_s=protocol.impulses_s, command=protocol.command + tuple(extra), stretch=protocol.stretch,
                    window=protocol.drive_window_s())


def _peak_excitation_mV(protocol: Protocol, sc: Scenario, values: Any) -> float:
    """Largest command (mV) plus the stretch's largest spindle drive: what can reach a unit's offset."""
    t = np.linspace(0.0, sc.duration_s, int(sc.duration_s * 1000) + 1)
    t = np.concatenate([t, [seg.start_s for seg in protocol.command],
                        [0.5 * (seg.start_s + seg.end_s) for seg in protocol.command]])
    peak = float(protocol.command_mV(t).max()) if protocol.command else 0.0
    if protocol.stretch is not None:
        st = protocol.stretch
        peak += sc.reflex_gain * (values.ia_length_mV_per_deg * st.amplitude_deg
                                  + values.ia_velocity_mV_per_deg_s * st.velocity_deg_s)
    return peak


def _net_force_gain(sc: Scenario, values: Any) -> float:
    """Reflex input per force unit (mV) at the run's fatigue: Ia support minus Ib inhibition."""
    return (values.ia_force_mV * (1.0 + values.ia_fatigue_boost * sc.fatigue)
            - values.ib_force_mV * (1.0 - values.ib_fatigue_loss * sc.fatigue))


def feedback_band_budget(gain_mV: float, max_patterns: int) -> int:
    """Return the most bands of a run whose net force-driven reflex gain is ``gain_mV``.

    Parameters
    ----------
    gain_mV : float
        Net force-driven reflex input per force unit (mV; :func:`_net_force_gain`): -0.5 in a rested
        muscle, +17.75 at fatigue 1.
    max_patterns : int
        Most bands otherwise.

    Returns
    -------
    int
        :data:`FEEDBACK_BANDS` (``max_patterns`` if fewer) when the feedback is positive and one force
        unit (the healthy maximal tetanus) between the pool's force and a band's moves the band's input
        by more than :data:`FEEDBACK_TOLERANCE_MV`: the bands that fire are then rerun with the pool's
        force (measured: all of them in the cramp presets). Otherwise ``max_patterns``: a negative
        feedback steadies the bands, and no band of a rested muscle is rerun.
    """
    return min(max_patterns, FEEDBACK_BANDS) if gain_mV > FEEDBACK_TOLERANCE_MV else max_patterns


def run_voluntary(sc: Scenario, protocol: Protocol | None = None, *, simulate: Callable[..., Result],
                  constants: Mapping[str, float] | None = None, memo: dict[Any, Result] | None = None,
                  max_patterns: int = MAX_PATTERNS, **run_options: Any) -> PoolRun:
    """Run ``sc``'s pool under a descending command and/or a stretch (no stimulator impulses).

    Parameters are those of :func:`simlib.pool.stimulation.run_stimulated` (``max_patterns``: most bands;
    fewer under a positive force feedback, :func:`feedback_band_budget`).

    Returns
    -------
    PoolRun
        ``impulses_s`` empty, ``quanta`` and ``transmitted`` with no columns, ``excited`` the units
        that fired, ``patterns`` the chain runs made (bands times passes).

    Raises
    ------
    ParameterError
        If the protocol also holds stimulator impulses.
    """
    values = _drive_constants(constants)
    run_protocol = Protocol.from_scenario(sc, values) if protocol is None else protocol
    if run_protocol.impulses_s:
        raise ParameterError("a motor-unit pool takes either nerve stimulation or a descending command/stretch in "
                             "one run, not both; run them separately, or use motor_units=1.")
    from simlib.model import resolve_constants

    c = resolve_constants(values)
    options = _options_key(constants, run_options)
    slim = memo is None or options is None  # nobody keeps the runs: hold only what the pool needs of them
    memo = {} if slim else memo
    pop = population(sc.motor_units, sc.seed)
    theta = offsets_mV(pop)
    from simlib.stages.drive import descending_level_mV

    gain = _net_force_gain(sc, c)
    reach = (_peak_excitation_mV(run_protocol, sc, c) + max(gain, 0.0) - descending_level_mV(1.0, sc.pic_gain, values)
             + REACH_MARGIN_MV)
    groups = bands(pop, theta <= max(reach, 0.0), feedback_band_budget(gain, max_patterns))
    weight = pop.force_weight
    band_theta = [float(weight[g] @ theta[g] / weight[g].sum()) for g in groups]
    start = (run_protocol.drive_window_s() or (0.0, 0.0))[0]

    Correction = tuple[tuple[float, float, float], ...]

    def band_key(b: int, correction: Correction) -> tuple[Any, ...]:
        band_c = class_constants(constants, bool(pop.slow[groups[b][0]]))
        return ("band", sc, run_protocol, band_theta[b], b, correction, _options_key(band_c, run_options))

    def make_band(job: tuple[int, Correction]) -> Result | BandTrace:
        b, correction = job
        single = _single(sc, seed=(sc.seed + 1009 * (b + 1)) % 10_000)
        res = simulate(single, protocol=_bias(run_protocol, band_theta[b], sc.duration_s, correction),
                       constants=class_constants(constants, bool(pop.slow[groups[b][0]])), **run_options)
        return BandTrace(res.t, res.force, res.muscle_spikes) if slim and b > 0 else res

    def band_runs(jobs: list[tuple[int, Correction]]) -> list[Result | BandTrace]:
        """Return the band runs of ``jobs`` (band, correction), memoised; new ones side by side if a core is spare."""
        return memoised_runs([band_key(b, correction) for b, correction in jobs], jobs, memo, make_band,
                             threads_free(sc.duration_s))

    corrections: list[Correction] = [()] * len(groups)
    runs = band_runs([(b, ()) for b in range(len(groups))])
    made = len(runs)
    pieces = MAX_COMMAND_SEGMENTS - 1 - len(run_protocol.command)
    for _ in range(FEEDBACK_PASSES if runs and pieces > 0 else 0):
        forces = [_band_force(r, g, sc.seed) for r, g in zip(runs, groups, strict=True)]
        pool_force = np.sum([weight[g].sum() * f for g, f in zip(groups, forces, strict=True)], axis=0)
        # Jacobi: every band's correction is read off this pass's pool force, so the reruns are independent
        rerun = []
        for b, own in enumerate(forces):
            new = _correction(runs[b].t, gain * (pool_force - own), start, sc.duration_s, pieces)
            if _largest_change_mV(new, corrections[b]) > FEEDBACK_TOLERANCE_MV:
                corrections[b] = new
                rerun.append(b)
        made += len(rerun)
        for b, res in zip(rerun, band_runs([(b, corrections[b]) for b in rerun]), strict=True):
            runs[b] = res
        if not rerun:
            break
    return _assemble(sc, run_protocol, pop, groups, runs, made, simulate, constants, memo, run_options)


def _correction(t: np.ndarray, missing_mV: np.ndarray, start_s: float, end_s: float,
                pieces: int) -> tuple[tuple[float, float, float], ...]:
    """Piecewise-constant command segments (start s, end s, level mV) of the feedback a band misses.

    ``missing_mV`` is the net force-driven reflex input the band lacks, :math:`G (F_{pool} - F_b)`; it is
    averaged over up to ``pieces`` equal intervals (at least 0.1 s each) from ``start_s`` to ``end_s``,
    rounded to 0.01 mV.
    """
    count = max(1, min(pieces, int((end_s - start_s) / 0.1)))
    edges = np.linspace(start_s, end_s, count + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (t >= lo) & (t < hi)
        level = round(float(missing_mV[inside].mean()), 2) if inside.any() else 0.0
        out.append((float(lo), float(hi), level))
    return tuple(out)


def _largest_change_mV(new: tuple[tuple[float, float, float], ...],
                       old: tuple[tuple[float, float, float], ...]) -> float:
    """Largest difference of two corrections' levels (mV); an empty correction is 0 everywhere."""
    previous = [level for _, _, level in old] or [0.0] * len(new)
    return max((abs(a[2] - b) for a, b in zip(new, previous, strict=True)), default=0.0)


def _band_force(run: Result | BandTrace, members: np.ndarray, seed: int) -> np.ndarray:
    """Force of a band per unit of its weight: the mean of its run's force lagged by each unit's lag."""
    lags = unit_lags(run.muscle_spikes, members, seed)
    if not lags.any():
        return run.force
    return np.mean([shifted(run.t, run.force, float(lag)) for lag in lags], axis=0)


def _assemble(sc: Scenario, protocol: Protocol, pop: Population, groups: list[np.ndarray],
              runs: list[Result | BandTrace], made: int, simulate: Callable[..., Result],
              constants: Mapping[str, float] | None, memo: dict[Any, Result],
              run_options: Mapping[str, Any]) -> PoolRun:
    """Build the pool's Result from its band runs: force, per-unit spikes, the first band's traces and nerve spikes."""
    weight = pop.force_weight
    if runs:
        shown = runs[0]
    else:  # nothing reachable: a motoneuron at rest under the largest offset
        shown = simulate(_single(sc), protocol=_bias(protocol, float(offsets_mV(pop)[-1]), sc.duration_s),
                         constants=constants, **run_options)
    class_force = {slow: np.zeros_like(shown.force) for slow in (False, True)}
    unit_spikes: list[np.ndarray] = [np.zeros(0)] * pop.size
    for run, members in zip(runs, groups, strict=True):
        force = _band_force(run, members, sc.seed)
        class_force[bool(pop.slow[members[0]])] += weight[members].sum() * force
        lags = unit_lags(run.muscle_spikes, members, sc.seed)
        for unit, lag in zip(members, lags, strict=True):
            unit_spikes[int(unit)] = shifted_times(run.muscle_spikes, float(lag), sc.duration_s)
    fired = np.array([s.size > 0 for s in unit_spikes])
    result = dataclasses.replace(shown, force=class_force[False] + class_force[True], unit_spikes=tuple(unit_spikes),
                                 scenario=sc, protocol=protocol,
                                 healthy_reference=lambda: healthy_pool_response(sc, protocol, simulate))
    empty = np.zeros((pop.size, 0))
    return PoolRun(population=pop, impulses_s=np.zeros(0), excited=fired, quanta=empty,
                   transmitted=empty.astype(bool), patterns=made, result=result, class_force=class_force)


def healthy_pool_response(sc: Scenario, protocol: Protocol, simulate: Callable[..., Result]) -> Any:
    """Peak and held force of the healthy default pool of ``sc``'s size and seed under ``protocol`` (cached).

    ``simulate`` runs the single-unit chains (:func:`simlib.simulate.simulate`).

    A pool's weakness is judged against a healthy pool under the same drive: a voluntary command
    recruits part of a pool, so the single unit's force is not the reference.
    """
    healthy = Scenario(motor_units=sc.motor_units, seed=sc.seed, drive_start_s=0.0, duration_s=sc.duration_s,
                       length_rel=sc.length_rel, load_rel=sc.load_rel)
    return _healthy(healthy, protocol, simulate)


@lru_cache(maxsize=64)
def _healthy(healthy: Scenario, protocol: Protocol, simulate: Callable[..., Result]) -> Any:
    from simlib.metrics import HealthyResponse, held_force, response_peak

    res = run_voluntary(healthy, protocol, simulate=simulate).result
    return HealthyResponse(response_peak(res), held_force(res))
