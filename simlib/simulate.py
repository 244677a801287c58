"""One entry point: ``simlib.simulate(scenario, ...)`` turns a Scenario (and a Protocol) into a Result.

This module is callable: ``simlib.simulate`` is the module itself, and calling it calls
:func:`simulate` (so ``import simlib.simulate as m`` gives this module, and
``simlib.simulate(sc)`` still runs a simulation).
"""

from __future__ import annotations

import functools
import inspect
import sys
import types
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from simlib import solver as _solver
from simlib._system import deferred_interrupt, interrupt_requested, run_interruptible
from simlib.chain import (
    ATOL,
    EPP,
    FORCE,
    LENGTH,
    RTOL,
    VM,
    KernelParams,
    force_unit,
    free_calcium_trace,
    kernel_params,
    kernel_record,
    rest_state,
)
from simlib.errors import ParameterError, SimulationError
from simlib.metrics import HealthyResponse, held_force, response_peak, response_window
from simlib.model import ConstantValues, resolve_constants
from simlib.protocol import Protocol, input_breakpoints_ms
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.solver import (
    ORIGIN_ECTOPIC,
    ORIGIN_MOTONEURON,
    ORIGIN_STIMULATOR,
    STATUS_INTERRUPTED,
    STATUS_NOT_FINITE,
    STATUS_OK,
    STATUS_STEP_UNDERFLOW,
    integrate,
)
from simlib.stages._jit import kernel_cached
from simlib.stages.mechanics import passive_force_trace
from simlib.stages.nmj import miniature_times_ms
from simlib.validation import check_output_dt

__all__ = ["simulate", "announce_compilation", "check_scenario", "SOLVERS"]

#: Absolute tolerance per state (state units) and relative tolerance, from the stages' declarations
#: (:data:`simlib.chain.ATOL`, :data:`simlib.chain.RTOL`; chosen with ``benchmarks/run.py`` so that force
#: stays within 1e-3 of the tight scipy reference for every preset and drive rate at the least cost).
_ATOL = ATOL
_RTOL_BY_STATE = RTOL
_H_MAX_MS = 1.0
#: runs of at least this much simulated time (ms; x sqrt(accuracy)) integrate in a helper thread, so that
#: Ctrl-C stops them within a millisecond; shorter ones run in the calling thread, Ctrl-C waiting for
#: their end (at most ~0.15 s: a 10 s run of 100 Hz stimulation), which saves the ~0.5 ms that the
#: thread costs a 7 ms default run (measured: 7.3 against 6.8 ms; see simlib._system)
_HELPER_THREAD_FROM_MS = 10_000.0
_EVOKED_MV = 1.0
#: the integrators ``solver=`` can name: the compiled adaptive one, and scipy's LSODA at rtol 1e-9
SOLVERS = ("fast", "reference")


def check_scenario(scenario: object, function: str) -> Scenario:
    """Return ``scenario`` if it is a Scenario, else raise the standard ParameterError naming ``function``.

    Raises
    ------
    ParameterError
        ``function() needs a simlib.Scenario; got NoneType. Build one with ...``.
    """
    if not isinstance(scenario, Scenario):
        raise ParameterError(
            f"{function}() needs a simlib.Scenario; got {type(scenario).__name__}. "
            "Build one with simlib.Scenario(...) or take one from simlib.PRESETS."
        )
    return scenario


def simulate(scenario: Scenario, output_dt_s: float = 0.001, *, protocol: Protocol | None = None,
             constants: Mapping[str, float] | None = None, solver: Any = "fast", accuracy: float = 1.0,
             ectopic: bool = True) -> Result:
    """Simulate the nerve-to-muscle chain for one Scenario.

    Parameters
    ----------
    scenario : Scenario
        What the learner set (validated on construction).
    output_dt_s : float, optional
        Sampling interval of the returned time series (s); 1e-5 to 0.01.
    protocol : Protocol, keyword-only, optional
        What is done to the preparation (stimulator impulses, descending command, stretch). It
        replaces the Scenario's own drive fields (``drive``, ``rate_hz``, ``drive_start_s``,
        ``drive_s``, ``stretch_at_s``, ``stretch_velocity_deg_s``); default
        ``Protocol.from_scenario(scenario)``. The run still lasts ``scenario.duration_s``.
    constants : mapping of str to float, keyword-only, optional
        Model constants to change for this run only, e.g. ``{"g_na_mS_cm2": 150.0}`` ("what if the
        Na⁺ conductance were halved?"); every name, unit and range is in :func:`simlib.constants`.
        Force stays in the unit of the default model (1 = its maximal tetanus), and "weakness" is
        judged against the default model, so a change shows.
    solver : {"fast", "reference"} or simlib.reference.Reference, keyword-only
        ``"fast"``: the compiled adaptive integrator (:mod:`simlib.solver`). ``"reference"``: scipy's
        LSODA at ``rtol=1e-9`` (:mod:`simlib.reference`; 10-500 times slower, for checking accuracy);
        a :class:`simlib.reference.Reference` sets its options.
    accuracy : float, keyword-only
        Tolerance divisor of the fast solver: 1 is the default accuracy, 100 makes every tolerance
        100 times tighter (used by the accuracy tests; slower).
    ectopic : bool, keyword-only
        True (default): the motor-axon node fires by itself when it has no resting state (tetany).
        False silences that ectopic generator (its Na⁺ activation is removed; conducted impulses still
        pass): a motor-unit pool's muscle-side runs, whose impulses are decided upstream
        (:mod:`simlib.pool.spontaneous`), use it.

    Returns
    -------
    Result
        Time series, spike times, the scenario and the protocol. The Result can also tell the
        healthy default muscle's peak and held force under the same drive
        (:attr:`Result.healthy_response`, a cached run made on first use), which the "weakness"
        test of :meth:`Result.metrics` needs when the force stays below half of a healthy tetanus.

    Raises
    ------
    ParameterError
        If ``scenario`` is not a Scenario, ``protocol`` not a Protocol, a constant unknown or out of
        its range, ``solver`` unknown,
        ``output_dt_s`` out of range or would return more than
        :data:`simlib.validation.MAX_SAMPLES` samples, or ``accuracy`` is not a number.
    SimulationError
        If the integrator cannot continue (the message gives the time reached).
    KeyboardInterrupt
        On Ctrl-C or Jupyter's "Interrupt kernel": the run stops within about a millisecond of
        integration (see :mod:`simlib._system`).

    Examples
    --------
    >>> import simlib
    >>> one_unit = simlib.Scenario(motor_units=1, duration_s=1.0)
    >>> res = simlib.simulate(one_unit, protocol=simlib.Protocol.paired(0.02, 0.1))
    >>> res.nerve_spikes.size
    2
    """
    check_scenario(scenario, "simulate")
    dt_s = check_output_dt(output_dt_s, scenario.duration_s)
    if isinstance(accuracy, bool) or not (isinstance(accuracy, (int, float)) and 0.1 <= accuracy <= 1e4):
        raise ParameterError(f"'accuracy' must be between 0.1 and 10000; got {accuracy!r}. Use 1 normally.")
    if protocol is not None and not isinstance(protocol, Protocol):
        raise ParameterError(f"'protocol' must be a simlib.Protocol or None; got {type(protocol).__name__}. "
                             "Build one with simlib.Protocol.train(...), .pulses(...) or .paired(...).")
    integrator = _integrator(solver)
    values = _constants(constants)
    if scenario.motor_units > 1:
        from simlib.pool.run import run_pool  # the pool runs this function once per shared chain

        return run_pool(scenario, protocol, simulate=simulate, constants=constants, output_dt_s=output_dt_s,
                        solver=solver, accuracy=accuracy).result
    announce_compilation()
    # Ctrl-C waits while compiled code runs in this thread (loading, parameters, calibration): a
    # KeyboardInterrupt raised inside numba's result boxing would crash (see simlib._system)
    with deferred_interrupt():
        run_protocol = Protocol.from_scenario(scenario, values) if protocol is None else protocol
        kp = kernel_params(scenario, values)
        if not ectopic:
            kp = _silence_ectopic(kp)
        interrupt_requested()
        reference = functools.partial(_healthy_reference, scenario, protocol)
        return _run(scenario, run_protocol, kp, dt_s, accuracy, integrator, reference)


#: rheobase potential of a silenced axon node above its leak reversal (mV): exp(-SILENT/ΔT) underflows to 0
_SILENT_RHEOBASE_MV = 1.0e4


def _silence_ectopic(kp: Any) -> Any:
    """Return ``kp`` with the axon node's Na⁺ activation removed: a passive node that never fires by itself."""
    vt = kp.ax_el_mV + _SILENT_RHEOBASE_MV
    return kp._replace(ax_vt=vt, ax_spike_v=vt + (kp.ax_spike_v - kp.ax_vt))


def _constants(constants: object) -> ConstantValues | None:
    """Return the run's constants (None for the declared defaults), or raise a ParameterError."""
    if constants is None:
        return None
    if not isinstance(constants, Mapping):
        raise ParameterError(f"'constants' must be a mapping of constant names to values, e.g. "
                             f"{{'g_na_mS_cm2': 150.0}}; got {type(constants).__name__}. "
                             "simlib.constants() lists every name with its unit and range.")
    return resolve_constants(constants) if constants else None


def _integrator(solver: Any) -> Any:
    """Return the integrator function that ``solver`` names (see :func:`simulate`)."""
    if isinstance(solver, str) and solver in SOLVERS:
        if solver == "fast":
            return integrate
        from simlib.reference import Reference  # scipy: imported only when asked for

        return Reference()
    if callable(solver) and type(solver).__name__ == "Reference":
        return solver
    raise ParameterError(f"'solver' must be 'fast' or 'reference' (or a simlib.reference.Reference); "
                         f"got {solver!r}.")


def _healthy_reference(sc: Scenario, protocol: Protocol | None) -> HealthyResponse:
    """Return the healthy default muscle's response under the drive of a run of ``sc`` (with ``protocol``).

    A Scenario's own drive is judged against the healthy default with the same drive fields (its
    default spinal settings, no stretch); an explicit protocol against the healthy default under
    that protocol. Either is at the run's muscle length and load: a healthy muscle far from its
    optimal length, or lifting a light load, is not weak.
    """
    mechanics = {"length_rel": sc.length_rel, "load_rel": sc.load_rel}
    if protocol is None:
        healthy = Scenario(motor_units=1, drive=sc.drive, rate_hz=sc.rate_hz, drive_start_s=sc.drive_start_s,
                           drive_s=sc.drive_s, duration_s=sc.duration_s, **mechanics)
        protocol = Protocol.from_scenario(healthy)
    return healthy_response(protocol, sc.duration_s, **mechanics)


@lru_cache(maxsize=256)
def healthy_response(protocol: Protocol, duration_s: float, length_rel: float = 1.0,
                     load_rel: float | None = None) -> HealthyResponse:
    """Peak and held force of the healthy default muscle under the protocol (force unit; cached).

    Parameters
    ----------
    protocol : Protocol
        The drive being judged.
    duration_s : float
        Duration of the run being judged (s): the response window ends 0.5 s after the drive or
        at the end of the run.
    length_rel : float
        Muscle length of the run being judged (optimal lengths).
    load_rel : float or None
        Isotonic load of the run being judged (fraction of the maximal isometric force; None: isometric).

    Returns
    -------
    HealthyResponse
        The peak in the response window and the force held over the last quarter of the drive.
    """
    _, end = response_window(protocol, duration_s)
    # Only the response window matters: stop there (duration_s has a 0.01 s floor).
    # (the drive fields act only through the protocol; drive_start_s 0 keeps any duration valid)
    sc = Scenario(motor_units=1, drive_start_s=0.0, duration_s=max(min(duration_s, end + 0.01), 0.01),
                  length_rel=length_rel, load_rel=load_rel)
    res = _run(sc, protocol, kernel_params(sc), 0.001, 1.0, integrate)
    # the trimmed run's windows are the judged run's (they end at or before the trim)
    return HealthyResponse(response_peak(res), held_force(res))


_COMPILATION_CHECKED = False
_WARMUP_ADVICE = " `python -m simlib warmup` does this ahead of time."


def announce_compilation(advice: str = _WARMUP_ADVICE) -> None:
    """Say so on stderr, once per process, when the next run has to compile the model kernel first (~10 s).

    That happens only where nothing compiled it ahead (``python -m simlib warmup``, run by
    ``make install`` and Binder's ``postBuild``) and no installation seed was found; without a word,
    a learner would wait for a cell that seems stuck. :func:`simulate` calls it; ``warmup`` calls it
    first with no ``advice`` (the advice is to run ``warmup``).
    """
    global _COMPILATION_CHECKED
    if _COMPILATION_CHECKED:
        return
    _COMPILATION_CHECKED = True
    if not _solver.integrate.signatures and not kernel_cached():
        print(f"simlib: compiling the model for this computer, once (about 10 s; later runs start at once).{advice}",
              file=sys.stderr, flush=True)


def _run(scenario: Scenario, protocol: Protocol, kp: KernelParams, dt_s: float, accuracy: float,
         integrator: Any, healthy_reference: Callable[[], float] | None = None) -> Result:
    """Integrate one run from rest (SIGINT deferred by the caller) and assemble its Result."""
    y0 = rest_state(kp)
    t_end_ms = 1000.0 * scenario.duration_s
    impulses_ms, inputs = protocol.kernel_arrays()
    breakpoints = input_breakpoints_ms(inputs, t_end_ms)
    miniatures_ms = miniature_times_ms(kp.mepp_rate_per_ms, t_end_ms, scenario.seed)
    # The step size does not depend on the output interval: samples are interpolated inside steps.
    h_max = _H_MAX_MS
    max_steps = int((200 * t_end_ms / h_max) * max(1.0, 4.0 * accuracy**0.5)) + 100_000
    with_miniatures = functools.partial(integrator, miniature_ms=miniatures_ms)
    samples, nerve, n_nerve, muscle, n_muscle, status, t_reached = run_interruptible(
        with_miniatures, y0, kernel_record(kp)[0], impulses_ms, inputs, breakpoints, t_end_ms, 1000.0 * dt_s,
        _ATOL / accuracy, _RTOL_BY_STATE / accuracy, h_max, max_steps,
        helper_thread=t_end_ms * max(1.0, accuracy) ** 0.5 >= _HELPER_THREAD_FROM_MS,
    )
    interrupt_requested()
    if status == STATUS_INTERRUPTED:  # the flag was set by someone else: still a Ctrl-C
        raise KeyboardInterrupt
    if status != STATUS_OK:
        reason = {
            STATUS_STEP_UNDERFLOW: "step size fell below 1e-7 ms",
            STATUS_NOT_FINITE: "the state became non-finite",
        }.get(status, "the step budget was exhausted")
        raise SimulationError(f"simulation failed: {reason}", t_reached / 1000.0, scenario)
    if n_nerve > nerve.shape[0] or n_muscle > muscle.shape[0]:
        raise SimulationError("simulation failed: more spikes than the spike log can hold",
                              t_reached / 1000.0, scenario)
    nerve = nerve[:n_nerve]
    nerve_s = nerve[:, 0] / 1000.0
    t = np.arange(samples.shape[0]) * dt_s
    return Result(
        t=t,
        force=samples[:, FORCE] / force_unit(),
        v_muscle=samples[:, VM],
        ca_i=free_calcium_trace(samples, kp),
        epp=samples[:, EPP],
        nerve_spikes=nerve_s,
        ectopic_spikes=nerve_s[nerve[:, 1] == ORIGIN_ECTOPIC],
        muscle_spikes=muscle[:n_muscle] / 1000.0,
        quanta=nerve[:, 2].copy(),
        resting_quantal_content=kp.pool_quanta * kp.p_release,
        scenario=scenario,
        states=samples,
        nerve_spike_origins=_origin_labels(nerve),
        protocol=protocol,
        healthy_reference=healthy_reference,
        passive_force=passive_force_trace(samples[:, LENGTH], kp),
        miniature_times=miniatures_ms / 1000.0,
    )


def _origin_labels(nerve: np.ndarray) -> np.ndarray:
    """Label each logged nerve spike by where it started (see :attr:`Result.nerve_spike_origins`).

    A motoneuron spike is "commanded" while the descending command is on, "reflex" while input
    evoked by an imposed stretch or by nerve stimulation is present (≥ 1 mV), and "self-sustained"
    otherwise: kept going by the motoneuron's persistent inward current and the contraction's own
    spindle/tendon-organ feedback.
    """
    labels = np.empty(nerve.shape[0], dtype="<U14")
    origin, desc, evoked = nerve[:, 1], nerve[:, 3], nerve[:, 4]
    labels[origin == ORIGIN_STIMULATOR] = "stimulator"
    labels[origin == ORIGIN_ECTOPIC] = "ectopic"
    mn = origin == ORIGIN_MOTONEURON
    labels[mn & (desc > 0.0)] = "commanded"
    labels[mn & (desc <= 0.0) & (evoked >= _EVOKED_MV)] = "reflex"
    labels[mn & (desc <= 0.0) & (evoked < _EVOKED_MV)] = "self-sustained"
    return labels


class _CallableModule(types.ModuleType):
    """Type of this module: calling the module calls :func:`simulate`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Result:
        return simulate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
#: so that ``inspect.signature(simlib.simulate)`` and ``help`` show the function's parameters
__signature__ = inspect.signature(simulate)
