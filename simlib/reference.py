r"""Slow reference path: the same model integrated by :func:`scipy.integrate.solve_ivp`.

This module exists for tests and benchmarks. It answers "how accurate is the fast compiled
integrator (:mod:`simlib.solver`)?" and "how fast is it compared with the best scipy
configuration of the same model?". Learners never need it.

What is shared with :func:`simlib.simulate`, and what is not
------------------------------------------------------------
*Shared* (so that a difference measures only the integration error):

- the right-hand side: :func:`simlib.chain.rates` fills :math:`a(t, y)` and :math:`b(t, y)` and
  the reference integrates :math:`dy/dt = a - b\,y` (a small compiled wrapper turns the
  production-loss form into ``dy/dt``; the Jacobian is a compiled forward finite difference of
  the same function);
- the events: every event (stimulator impulse, spontaneous quantum, ectopic axon spike, motoneuron spike) is an
  *instantaneous* jump applied by the one function the fast solver also calls
  (:func:`simlib.events.apply_event`), and the threshold events come from the same table
  (:func:`simlib.events.threshold_table`);
- the protocol's breakpoints (:meth:`simlib.Protocol.breakpoints_ms`);
- the setup (kernel parameters, initial state, protocol arrays) and the assembly of the
  :class:`simlib.Result`: ``simlib.simulate(sc, solver="reference")`` (or
  ``solver=Reference(rtol=...)``) calls a :class:`Reference` in place of the compiled integrator.

*Different* (this is the point of a reference):

- LSODA (or any implicit ``solve_ivp`` method) with tight tolerances, integrated *piecewise*:
  it stops exactly at every stimulator impulse, every spontaneous quantum and at every time where the inputs change
  abruptly (drive start/end, stretch start/end of ramp) and restarts after the jump;
- threshold crossings are located by ``solve_ivp``'s event root finding (terminal events on the
  axon-node potential crossing its spike potential, ectopic spikes, and on the motoneuron
  potential crossing its threshold) instead of the fast solver's "shorten the step until it
  lands within 5 µs past the crossing";
- muscle action potentials are upward crossings of ``spike_detect`` located by root finding
  (non-terminal events), with the same re-arming rule as the fast solver (the potential must
  fall 20 mV below the detection level before the next spike counts);
- output samples come from LSODA's own dense output (``t_eval``), not from linear interpolation
  inside a step; the fast solver's clamp of Ca²⁺ at zero is not applied.

Tolerances
----------
``rtol`` is scalar; ``atol`` defaults to ``rtol`` in state units (mV, µM, dimensionless
fractions), i.e. about :math:`10^{-9}` mV and :math:`10^{-9}` of full force at
``rtol=1e-9``. At ``rtol=1e-9`` the reference agrees with itself at ``rtol=1e-10`` to
~2e-8 in normalised force, and with Radau at ``rtol=1e-8`` to ~1e-8 (spike times to ~2 ns):
five orders of magnitude below the accuracy target of the fast path (1e-3).

Limits
------
A 3 s scenario takes 0.3-4 s at ``rtol=1e-9`` (python-level stepping: every step costs tens of
microseconds of interpreter overhead; the compiled right-hand side itself is ~1 µs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from simlib import chain
from simlib.chain import VM, rates
from simlib.events import EVENT_IMPULSE, EVENT_MINIATURE, LOG_COLUMNS, apply_event, threshold_table
from simlib.solver import (
    _REARM_BELOW_MV,
    STATUS_INTERRUPTED,
    STATUS_NOT_FINITE,
    STATUS_OK,
    STATUS_STEP_UNDERFLOW,
)
from simlib.stages._jit import jit

__all__ = ["Reference", "ReferenceStats", "integrate_reference", "DEFAULT_RTOL"]

#: tolerance of the tight reference used by the accuracy tests and benchmarks
DEFAULT_RTOL = 1e-9

_MAX_EVENTS_PER_MS = 5.0
#: stop code of a breakpoint (a restart without a jump), sorted before an event at the same time
_RESTART = -1


@dataclass
class ReferenceStats:
    """Work done by one reference run (filled in by :func:`integrate_reference`).

    Attributes
    ----------
    segments : int
        Number of ``solve_ivp`` calls (restarts at impulses, breakpoints and threshold events).
    nfev, njev, nlu : int
        Right-hand-side and Jacobian evaluations and LU decompositions, summed over segments.
    events : int
        Threshold events applied (ectopic axon spikes and motoneuron spikes).
    messages : list of str
        Why ``solve_ivp`` stopped, when it failed.
    """

    segments: int = 0
    nfev: int = 0
    njev: int = 0
    nlu: int = 0
    events: int = 0
    messages: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ compiled RHS


@jit
def _rhs(t, y, params, inputs, a, b, out):
    """``out = dy/dt = a(t, y) - b(t, y) * y`` (per ms); ``params`` and ``inputs`` are one-element record arrays."""
    rates(t, y, params[0], inputs[0], a, b)
    for i in range(y.shape[0]):
        out[i] = a[i] - b[i] * y[i]


@jit
def _jacobian(t, y, params, inputs, a, b, f0, f1, yp, jac):
    """Forward-difference Jacobian ``jac[i, j] = d(dy_i/dt)/dy_j`` of :func:`_rhs` (per ms)."""
    n = y.shape[0]
    _rhs(t, y, params, inputs, a, b, f0)
    for j in range(n):
        yp[j] = y[j]
    for j in range(n):
        h = 1.5e-8 * max(abs(y[j]), 1.0)
        yp[j] = y[j] + h
        h = yp[j] - y[j]  # the exactly representable increment
        _rhs(t, yp, params, inputs, a, b, f1)
        for i in range(n):
            jac[i, j] = (f1[i] - f0[i]) / h
        yp[j] = y[j]


class _StopError(Exception):
    """Raised from the right-hand side to leave ``solve_ivp`` when the run is interrupted."""


class _Model:
    """Python-facing ``fun``/``jac`` for solve_ivp, with preallocated work arrays."""

    def __init__(self, params: np.ndarray, inputs: np.ndarray, n: int,
                 interrupt: np.ndarray | None = None) -> None:
        self.params = params
        self.inputs = inputs  # one-element record arrays: passed to numba without unboxing a record
        self.interrupt = interrupt
        self.a = np.empty(n)
        self.b = np.empty(n)
        self.f0 = np.empty(n)
        self.f1 = np.empty(n)
        self.yp = np.empty(n)

    def fun(self, t: float, y: np.ndarray) -> np.ndarray:
        if self.interrupt is not None and self.interrupt[0]:
            raise _StopError
        out = np.empty(y.shape[0])
        _rhs(t, y, self.params, self.inputs, self.a, self.b, out)
        return out

    def jac(self, t: float, y: np.ndarray) -> np.ndarray:
        n = y.shape[0]
        jac = np.empty((n, n))
        _jacobian(t, y, self.params, self.inputs, self.a, self.b, self.f0, self.f1, self.yp, jac)
        return jac


# ------------------------------------------------------------------------------------------ events


def _crossing(index: int, level: float, direction: float, terminal: bool) -> Any:
    def event(t: float, y: np.ndarray) -> float:
        return y[index] - level

    event.direction = direction
    event.terminal = terminal
    return event


# ------------------------------------------------------------------------------------------ integrator


def integrate_reference(
    y0: np.ndarray,
    kp: chain.KernelParams | np.void,
    impulse_ms: np.ndarray,
    inputs: np.ndarray,
    breakpoint_ms: np.ndarray,
    t_end_ms: float,
    out_dt_ms: float,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float | np.ndarray | None = None,
    method: str = "LSODA",
    jacobian: bool = True,
    max_step_ms: float = math.inf,
    muscle_spikes: bool = True,
    stats: ReferenceStats | None = None,
    interrupt: np.ndarray | None = None,
    miniature_ms: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, int, int, float]:
    """Integrate the chain with ``solve_ivp``, piecewise between events.

    Same arguments (in ms) and the same return tuple as :func:`simlib.solver.integrate`, so the
    two are interchangeable.

    Parameters
    ----------
    y0 : numpy.ndarray
        Initial state.
    kp : KernelParams or numpy.void
        Parameters of the run (or their record, :func:`simlib.chain.kernel_record`, as
        :func:`simlib.simulate` passes them).
    impulse_ms : numpy.ndarray
        Sorted stimulator impulse times (ms).
    inputs : numpy.void
        The protocol's input record: stretch and command segments (:meth:`simlib.Protocol.kernel_arrays`).
    breakpoint_ms : numpy.ndarray
        Times where the inputs change abruptly (ms; :meth:`simlib.Protocol.breakpoints_ms`).
    t_end_ms, out_dt_ms : float
        End time and output sampling interval (ms).
    rtol : float, keyword-only
        Relative tolerance of ``solve_ivp`` (1e-9 for the reference; 1e-4 and 1e-6 are the
        "best scipy" baselines of the benchmark).
    atol : float or numpy.ndarray, optional
        Absolute tolerance in state units; default ``rtol``.
    method : str
        ``solve_ivp`` method: "LSODA" (default, fastest here), "Radau" or "BDF".
    jacobian : bool
        Pass the compiled finite-difference Jacobian (otherwise the solver estimates its own).
    max_step_ms : float
        Largest step (ms); unbounded by default.
    muscle_spikes : bool
        Locate muscle action potentials (two extra non-terminal events per step). The timing
        baselines of the benchmark switch this off: it is output only, and it costs scipy
        ~15 % of its time.
    stats : ReferenceStats, optional
        Filled in with the work done.
    interrupt : numpy.ndarray, optional
        One-element flag, as for :func:`simlib.solver.integrate`: once it is non-zero (Ctrl-C) the
        run stops at the next right-hand-side evaluation with ``STATUS_INTERRUPTED``.
    miniature_ms : numpy.ndarray, optional
        Sorted times of spontaneous quanta (ms), as for :func:`simlib.solver.integrate`.

    Returns
    -------
    tuple
        ``(samples, nerve, n_nerve, muscle, n_muscle, status, t_reached)`` as documented in
        :func:`simlib.solver.integrate`.
    """
    if isinstance(kp, chain.KernelParams):
        kp = chain.kernel_record(kp)[0]
    stats = stats if stats is not None else ReferenceStats()
    n_states = y0.shape[0]
    n_out = int(math.floor(t_end_ms / out_dt_ms + 1e-9)) + 1
    grid = np.arange(n_out) * out_dt_ms
    samples = np.empty((n_out, n_states))
    samples[0] = y0
    spike_cap = int(t_end_ms) + 16
    nerve = np.zeros((spike_cap, LOG_COLUMNS))
    n_nerve = 0
    model = _Model(np.array(kp, dtype=kp.dtype).reshape(1), np.array(inputs, dtype=inputs.dtype).reshape(1),
                   n_states, interrupt)
    options: dict[str, Any] = {"rtol": rtol, "atol": rtol if atol is None else atol}
    if math.isfinite(max_step_ms):
        options["max_step"] = max_step_ms
    if jacobian:
        options["jac"] = model.jac
    thresholds = list(zip(*(column.tolist() for column in threshold_table(kp)), strict=True))
    n_term = len(thresholds)
    detect = float(kp["spike_detect_mV"])
    events = [_crossing(index, level, 1.0, True) for index, level, _ in thresholds]
    if muscle_spikes:
        events += [_crossing(VM, detect, 1.0, False), _crossing(VM, detect - _REARM_BELOW_MV, -1.0, False)]
    ups: list[float] = []
    downs: list[float] = []
    # stops in time order: stimulator impulses and spontaneous quanta (a jump follows) and breakpoints (restart)
    stops = [(float(t), EVENT_IMPULSE) for t in impulse_ms if 0.0 <= t < t_end_ms]
    minis = np.empty(0) if miniature_ms is None else miniature_ms
    stops += [(float(t), EVENT_MINIATURE) for t in minis if 0.0 <= t < t_end_ms]
    stops += [(float(t), _RESTART) for t in breakpoint_ms if 0.0 < t < t_end_ms]
    stops.sort()
    stops.append((t_end_ms, _RESTART))
    max_events = int(_MAX_EVENTS_PER_MS * t_end_ms) + 100
    y = np.array(y0, dtype=float)
    t = 0.0
    last_stimulus = -1e9
    next_out = 1

    def failed(status: int) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, int, int, float]:
        return samples, nerve, n_nerve, np.zeros(spike_cap), 0, status, t

    for t_stop, stop_kind in stops:
        while t < t_stop:
            last = int(np.searchsorted(grid, t_stop, side="right"))
            t_eval = grid[next_out:last]
            extra = not (t_eval.size and t_eval[-1] == t_stop)
            if extra:  # also ask for the state at the stop itself
                t_eval = np.append(t_eval, t_stop)
            try:
                sol = solve_ivp(model.fun, (t, t_stop), y, method=method, t_eval=t_eval, events=events, **options)
            except _StopError:
                return failed(STATUS_INTERRUPTED)
            stats.segments += 1
            stats.nfev += int(sol.nfev)
            stats.njev += int(sol.njev)
            stats.nlu += int(sol.nlu)
            if sol.status == -1:
                stats.messages.append(f"t = {t:.6f} ms: {sol.message}")
                finite = bool(np.all(np.isfinite(np.asarray(sol.y, dtype=float))))
                return failed(STATUS_STEP_UNDERFLOW if finite else STATUS_NOT_FINITE)
            if muscle_spikes:
                ups.extend(float(x) for x in sol.t_events[n_term])
                downs.extend(float(x) for x in sol.t_events[n_term + 1])
            ts = np.asarray(sol.t, dtype=float)  # solve_ivp returns [] when no t_eval point was reached
            ys = np.asarray(sol.y, dtype=float).reshape(n_states, ts.size)
            n_points = ts.size - (1 if extra and ts.size and ts[-1] == t_stop else 0)
            samples[next_out:next_out + n_points] = ys[:, :n_points].T
            next_out += n_points
            fired = [(float(sol.t_events[k][0]), k) for k in range(n_term) if sol.t_events[k].size]
            if sol.status == 1 and fired:
                t_event, k = min(fired)
                y = np.array(sol.y_events[k][0], dtype=float)
                t = t_event
                n_nerve = apply_event(thresholds[k][2], y, kp, inputs, t, nerve, n_nerve, last_stimulus)
                stats.events += 1
                if stats.events > max_events:
                    stats.messages.append(f"more than {max_events} threshold events")
                    return failed(STATUS_STEP_UNDERFLOW)
            else:
                y = ys[:, -1].copy()
                t = t_stop
            if not np.all(np.isfinite(y)):
                return failed(STATUS_NOT_FINITE)
        if stop_kind != _RESTART:
            n_nerve = apply_event(stop_kind, y, kp, inputs, t, nerve, n_nerve, last_stimulus)
            if stop_kind == EVENT_IMPULSE:
                last_stimulus = t
    while next_out < n_out:  # a grid point past t_end by rounding
        samples[next_out] = y
        next_out += 1
    spikes = _muscle_spikes(ups, downs, armed=bool(y0[VM] < detect - _REARM_BELOW_MV))
    muscle = np.zeros(max(spike_cap, spikes.size))
    muscle[:spikes.size] = spikes
    return samples, nerve, n_nerve, muscle, int(spikes.size), STATUS_OK, t


def _muscle_spikes(ups: list[float], downs: list[float], *, armed: bool) -> np.ndarray:
    """Replay the fast solver's detection rule on the located crossings (times in ms)."""
    crossings = sorted([(t, 1) for t in ups] + [(t, -1) for t in downs])
    spikes = []
    for t, kind in crossings:
        if kind == 1 and armed:
            spikes.append(t)
            armed = False
        elif kind == -1 and not armed:
            armed = True
    return np.array(spikes, dtype=float)


# ------------------------------------------------------------------------------------------ Result


@dataclass
class Reference:
    """The scipy reference integrator with its options, to pass as ``simlib.simulate(sc, solver=...)``.

    Attributes
    ----------
    rtol, atol, method, jacobian, muscle_spikes, stats
        See :func:`integrate_reference`; ``Reference()`` is what ``solver="reference"`` uses.

    Examples
    --------
    >>> import simlib, numpy as np                                           # doctest: +SKIP
    >>> sc = simlib.Scenario(duration_s=1.0)                                 # doctest: +SKIP
    >>> ref = simlib.simulate(sc, solver="reference")                        # doctest: +SKIP
    >>> float(np.max(np.abs(simlib.simulate(sc).force - ref.force))) < 1e-3  # doctest: +SKIP
    True
    """

    rtol: float = DEFAULT_RTOL
    atol: float | np.ndarray | None = None
    method: str = "LSODA"
    jacobian: bool = True
    muscle_spikes: bool = True
    stats: ReferenceStats | None = None

    def __call__(self, y0: np.ndarray, kp: np.void, impulse_ms: np.ndarray, inputs: np.ndarray,
                 breakpoint_ms: np.ndarray, t_end_ms: float, out_dt_ms: float, _atol: np.ndarray,
                 _rtol: np.ndarray, _h_max_ms: float, _max_steps: int,
                 interrupt: np.ndarray | None = None, miniature_ms: np.ndarray | None = None,
                 ) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, int, int, float]:
        """Integrate with the arguments of :func:`simlib.solver.integrate` (its tolerances are not used)."""
        return integrate_reference(y0, kp, impulse_ms, inputs, breakpoint_ms, t_end_ms, out_dt_ms, rtol=self.rtol,
                                   atol=self.atol, method=self.method, jacobian=self.jacobian,
                                   muscle_spikes=self.muscle_spikes, stats=self.stats, interrupt=interrupt,
                                   miniature_ms=miniature_ms)

