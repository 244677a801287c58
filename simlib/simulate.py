"""One entry point: :func:`simulate` turns a Scenario into a Result."""

from __future__ import annotations

import sys

import numpy as np

from simlib import solver
from simlib._system import deferred_interrupt, interrupt_requested, run_interruptible
from simlib.chain import (
    EPP,
    FORCE,
    STATE_NAMES,
    VM,
    KernelParams,
    force_unit,
    free_calcium_trace,
    kernel_params,
    kernel_record,
    rest_state,
)
from simlib.errors import ParameterError, SimulationError
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
from simlib.stages.drive import command_rate_hz, command_times_s, descending_level_mV
from simlib.validation import check_output_dt

__all__ = ["simulate", "run_chain", "simulation_key", "announce_compilation", "check_scenario"]

#: Absolute tolerance per state (state units: mV, µM or fraction) and its relative-tolerance factor
#: (x 3e-4; potentials get none, their zero is arbitrary). Chosen with ``benchmarks/run.py`` so that
#: force stays within 1e-3 of the tight scipy reference for every preset and drive rate at the least
#: cost: the muscle action potential (membrane, gates, end-plate) can be looser because force only
#: sees it through the voltage sensor; the axon node is tight near its threshold (its spike times in
#: hypocalcaemia set the whole contraction; the solver relaxes it far below threshold), and the
#: motoneuron's states are tight because self-sustained firing accumulates their phase errors.
_TOLERANCES = {
    "v_axon": (5e-4, 0.0), "w_axon": (5e-3, 0.0), "vesicle_pool": (1e-4, 1.0), "ach": (1e-4, 1.0),
    "receptors_open": (1e-4, 1.0), "v_fibre": (0.025, 0.0), "na_m": (5e-4, 5.0), "na_h": (5e-4, 5.0),
    "k_n": (5e-4, 5.0), "epp": (0.025, 0.0), "sensor": (1e-4, 1.0), "ca_total": (3.5e-4, 0.7), "ca_sr": (0.1, 1.0),
    "troponin": (7e-6, 0.7), "attached": (1e-5, 1.0), "force": (1e-5, 1.0), "v_endplate": (0.025, 0.0),
    "v_motoneuron": (1e-3, 0.0), "g_ahp": (2e-5, 0.2), "pic": (2e-5, 0.2), "ia_drive": (1e-3, 0.0),
    "ib_drive": (1e-3, 0.0), "stim_epsp": (5e-3, 0.0), "v_dendrite": (1e-3, 0.0),
}
_RTOL = 3e-4
_ATOL = np.array([_TOLERANCES[name][0] for name in STATE_NAMES])
_RTOL_BY_STATE = np.array([_RTOL * _TOLERANCES[name][1] for name in STATE_NAMES])
_H_MAX_MS = 1.0
#: runs of at least this much simulated time (ms; x sqrt(accuracy)) integrate in a helper thread, so that
#: Ctrl-C stops them within a millisecond; shorter ones run in the calling thread, Ctrl-C waiting for
#: their end (at most ~0.15 s: a 10 s run of 100 Hz stimulation), which saves the ~0.5 ms that the
#: thread costs a 7 ms default run (measured: 7.3 against 6.8 ms; see simlib._system)
_HELPER_THREAD_FROM_MS = 10_000.0
_EVOKED_MV = 1.0


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


def simulate(scenario: Scenario, output_dt_s: float = 0.001, *, accuracy: float = 1.0) -> Result:
    """Simulate the nerve-to-muscle chain for one Scenario.

    Parameters
    ----------
    scenario : Scenario
        What the learner set (validated on construction).
    output_dt_s : float, optional
        Sampling interval of the returned time series (s); 1e-5 to 0.01.
    accuracy : float, keyword-only
        Tolerance divisor: 1 is the default accuracy, 100 makes every tolerance 100
        times tighter (used by the accuracy tests; slower).

    Returns
    -------
    Result
        Time series, spike times and the scenario.

    Raises
    ------
    ParameterError
        If ``scenario`` is not a Scenario, ``output_dt_s`` is out of range or would return more
        than :data:`simlib.validation.MAX_SAMPLES` samples, or ``accuracy`` is not a number.
    SimulationError
        If the integrator cannot continue (the message gives the time reached).
    KeyboardInterrupt
        On Ctrl-C or Jupyter's "Interrupt kernel": the run stops within about a millisecond of
        integration (see :mod:`simlib._system`).
    """
    check_scenario(scenario, "simulate")
    dt_s = check_output_dt(output_dt_s, scenario.duration_s)
    if isinstance(accuracy, bool) or not (isinstance(accuracy, (int, float)) and 0.1 <= accuracy <= 1e4):
        raise ParameterError(f"'accuracy' must be between 0.1 and 10000; got {accuracy!r}. Use 1 normally.")
    announce_compilation()
    # Ctrl-C waits while compiled code runs in this thread (loading, parameters, calibration): a
    # KeyboardInterrupt raised inside numba's result boxing would crash (see simlib._system)
    with deferred_interrupt():
        kp = kernel_params(scenario)
        if scenario.drive == "voluntary":
            kp = kp._replace(desc_level=descending_level_mV(scenario.rate_hz, scenario.pic_gain))
            impulses_ms = np.empty(0)
        else:
            impulses_ms = 1000.0 * command_times_s(scenario.rate_hz, scenario.drive_start_s, scenario.drive_s,
                                                   scenario.duration_s)
        interrupt_requested()
        return run_chain(scenario, kp, impulses_ms, dt_s, accuracy)


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
    # the compiled integrator itself (simlib.reference may have routed this module's name elsewhere)
    if not solver.integrate.signatures and not kernel_cached():
        print(f"simlib: compiling the model for this computer, once (about 10 s; later runs start at once).{advice}",
              file=sys.stderr, flush=True)


def simulation_key(scenario: Scenario) -> Scenario:
    """Return a Scenario that :func:`simulate` integrates exactly like ``scenario``.

    Scenarios with the same key give the same time series, bit for bit, so one run can serve
    them all (:func:`simlib.sweep` does). A voluntary run reads its rate only through the
    calibrated descending command, and the calibration gives the same command to every rate of
    one 2 Hz step and to every rate above the motoneuron's maximum
    (:func:`simlib.stages.drive.command_rate_hz`): their key has the rate that stands for the
    step. Any other scenario is its own key.

    Parameters
    ----------
    scenario : Scenario
        Any scenario.

    Returns
    -------
    Scenario
        ``scenario`` itself, or a copy with the representative rate.
    """
    if scenario.drive == "voluntary":
        same = command_rate_hz(scenario.rate_hz, scenario.pic_gain)
        if same != scenario.rate_hz:
            return scenario.replace(rate_hz=same)
    return scenario


def run_chain(scenario: Scenario, kp: KernelParams, impulses_ms: np.ndarray, dt_s: float,
              accuracy: float = 1.0) -> Result:
    """Integrate prepared parameters and stimulator impulses into a Result (used by experiments).

    Parameters
    ----------
    scenario : Scenario
        The scenario the parameters came from (stored in the Result).
    kp : KernelParams
        Parameters, possibly adjusted by an experiment (e.g. a triangular command).
    impulses_ms : numpy.ndarray
        Stimulator impulse times (ms).
    dt_s : float
        Output interval (s), already validated.
    accuracy : float
        Tolerance divisor (see :func:`simulate`).

    Raises
    ------
    KeyboardInterrupt
        On Ctrl-C during the run (the integration stops early; see :func:`simlib._system.run_interruptible`).
    """
    with deferred_interrupt():
        return _run_chain(scenario, kp, impulses_ms, dt_s, accuracy)


def _run_chain(scenario: Scenario, kp: KernelParams, impulses_ms: np.ndarray, dt_s: float,
               accuracy: float) -> Result:
    """:func:`run_chain` with SIGINT deferred."""
    y0 = rest_state(kp)
    t_end_ms = 1000.0 * scenario.duration_s
    # The step size does not depend on the output interval: samples are interpolated inside steps.
    h_max = _H_MAX_MS
    max_steps = int((200 * t_end_ms / h_max) * max(1.0, 4.0 * accuracy**0.5)) + 100_000
    # `integrate` is looked up now: simlib.reference may have routed it to the scipy reference
    samples, nerve, n_nerve, muscle, n_muscle, status, t_reached = run_interruptible(
        integrate, y0, kernel_record(kp)[0], impulses_ms, t_end_ms, 1000.0 * dt_s, _ATOL / accuracy,
        _RTOL_BY_STATE / accuracy, h_max, max_steps,
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
        nerve_spike_origins=_origin_labels(nerve, kp),
    )


def _origin_labels(nerve: np.ndarray, kp: KernelParams) -> np.ndarray:
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
