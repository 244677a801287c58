r"""Compiled adaptive exponential integrator with exact impulse events.

Every state obeys :math:`dy/dt = a(y) - b(y)\,y` with :math:`b \ge 0`
(see :func:`simlib.chain.rates`). One step of size :math:`h` is an exponential
predictor-corrector:

.. math::

    y^* = E(y_0; a_0, b_0, h),\qquad
    y_1 = e^{-\bar b h} y_0 + h\left[(\varphi_1 - \varphi_2) a_0 + \varphi_2 a^*\right],\qquad
    \bar b = \tfrac{b_0 + b^*}{2}

with :math:`E` the exponential Euler step and :math:`\varphi_{1,2}` at :math:`-\bar b h`: the
exact solution for ``a`` linear in time over the step and ``b`` frozen at its mean. It is
unconditionally stable for the stiff diagonal parts (channel gates, membrane conductances,
ACh clearance), second order also for stiff states that track a moving equilibrium, and
keeps concentrations non-negative. Total Ca²⁺ and troponin, whose coupling through free
Ca²⁺ is stiff and off-diagonal, are advanced instead by the linearly implicit ROS2 stages
(:func:`_pair_matrix`) at the same two points. :math:`|y_1 - y^*|` estimates the local
error; the step size adapts so that it stays below ``atol + rtol |y|`` for every state,
from microseconds during action potentials to ``h_max`` at rest.

Stimulator impulses are events: the integrator stops exactly at each impulse time,
applies the jump (axon reset, quantal ACh release; :func:`simlib.events.apply_event`) and
continues, so no pulse is stepped over; spontaneous quanta (miniature endplate potentials) are events
at given times too. It also stops exactly at every protocol breakpoint
(command and stretch edges, :meth:`simlib.Protocol.breakpoints_ms`), so no step straddles a kink
in the inputs. Ectopic axon spikes are detected when the axon node crosses its spike
potential. Muscle action potentials are detected as upward crossings of
``spike_detect`` (linear interpolation in time).
"""

from __future__ import annotations

import math

import numpy as np

from simlib.chain import CATOT, TROP, VAX, VM, calcium_jacobian, rates
from simlib.events import (
    EVENT_IMPULSE,
    EVENT_MINIATURE,
    LOG_COLUMNS,
    ORIGIN_ECTOPIC,
    ORIGIN_MOTONEURON,
    ORIGIN_STIMULATOR,
    apply_event,
    threshold_table,
)
from simlib.stages._jit import jit

__all__ = ["integrate", "ORIGIN_STIMULATOR", "ORIGIN_ECTOPIC", "ORIGIN_MOTONEURON", "LOG_COLUMNS",
           "STATUS_OK", "STATUS_STEP_UNDERFLOW", "STATUS_TOO_MANY_STEPS", "STATUS_NOT_FINITE",
           "STATUS_INTERRUPTED"]

STATUS_OK = 0
STATUS_STEP_UNDERFLOW = 1
STATUS_TOO_MANY_STEPS = 2
STATUS_NOT_FINITE = 3
STATUS_INTERRUPTED = 4
#: the integrator looks at its interrupt flag once per this many steps (a power of two; ~0.1-1 ms of work)
_POLL_STEPS = 256

_H_MIN_MS = 1e-7
_SPIKE_LOCATE_MS = 1e-4

_REARM_BELOW_MV = 20.0


@jit
def _phi12(z):
    """``phi1(z) = (e^z - 1)/z`` and ``phi2(z) = (e^z - 1 - z)/z^2``.

    For ``|z| < 0.01`` both come from their Taylor series (relative error < 3e-12), which avoids an
    exponential for the many states that barely move in a short step.
    """
    if abs(z) < 0.01:
        phi1 = 1.0 + z * (0.5 + z * (1.0 / 6.0 + z * (1.0 / 24.0 + z * (1.0 / 120.0))))
        phi2 = 0.5 + z * (1.0 / 6.0 + z * (1.0 / 24.0 + z * (1.0 / 120.0 + z * (1.0 / 720.0))))
    else:
        phi1 = math.expm1(z) / z
        phi2 = (phi1 - 1.0) / z
    return phi1, phi2


@jit
def _exp_step(y, a, b, h, out, phi):
    """``out = E(y; a, b, h) = y + h (a - b y) phi1(-b h)``: exponential Euler, exact for frozen rates.

    ``phi`` (n_states, 2) receives ``phi1`` and ``phi2`` at ``-b h``, for the corrector to reuse.
    """
    for i in range(y.shape[0]):
        phi1, phi2 = _phi12(-b[i] * h)
        phi[i, 0] = phi1
        phi[i, 1] = phi2
        out[i] = y[i] + h * (a[i] - b[i] * y[i]) * phi1


@jit
def _exp_linear_step(y, a0, b0, a1, b1, h, out, phi):
    """Corrector: exact solution over ``h`` of ``dy/dt = a(s) - b y``, ``a`` linear in time, ``b`` frozen.

    ``a`` goes from ``a0`` to ``a1`` and ``b`` is the mean of ``b0`` and ``b1``.

    ``out = e^{-b h} y + h (phi1 - phi2) a0 + h phi2 a1`` (phi at ``-b h``). Second order; unlike
    averaging ``a`` it stays second order for stiff states that track a moving equilibrium
    (``b h >> 1``: the result is ``a1/b - a'/b^2``, not the mid-step equilibrium), and all
    coefficients are non-negative, so non-negative states stay non-negative. Where ``b`` did not
    change over the step (half the states have a constant loss rate) the mean is ``b0`` exactly, so
    the predictor's ``phi`` (from :func:`_exp_step`) is reused: the same numbers, one exponential
    fewer.
    """
    for i in range(y.shape[0]):
        if b1[i] == b0[i]:
            z = -b0[i] * h
            phi1 = phi[i, 0]
            phi2 = phi[i, 1]
        else:
            z = -0.5 * (b0[i] + b1[i]) * h
            phi1, phi2 = _phi12(z)
        out[i] = (1.0 + z * phi1) * y[i] + h * ((phi1 - phi2) * a0[i] + phi2 * a1[i])


_ROS2_GAMMA = 1.0 + 1.0 / math.sqrt(2.0)
_AXON_SLACK_MAX = 30.0


@jit
def _axon_slack(v, kp):
    """Factor (1 to _AXON_SLACK_MAX) by which the axon node's tolerance is relaxed at potential ``v``.

    The node matters only through the time it reaches its spike potential, and its regenerative
    Na⁺ current grows as ``exp((v - V_T)/Delta_T)``: far below the rheobase potential an error in
    ``v`` decays with the membrane time constant and never changes a spike time.
    """
    return min(max(math.exp((kp.ax_vt - v) / kp.ax_delta_t_mV), 1.0), _AXON_SLACK_MAX)


@jit
def _pair_matrix(y, kp, h):
    """``I - g h J`` of the (total Ca²⁺, troponin) pair, as its four entries and determinant."""
    j_cc, j_ct, j_tc, j_tt = calcium_jacobian(y, kp)
    gh = _ROS2_GAMMA * h
    m11, m12, m21, m22 = 1.0 - gh * j_cc, -gh * j_ct, -gh * j_tc, 1.0 - gh * j_tt
    return m11, m12, m21, m22, m11 * m22 - m12 * m21


@jit
def _pair_solve(m, r1, r2):
    """Solve the 2x2 system ``M k = r`` (``m`` from :func:`_pair_matrix`)."""
    m11, m12, m21, m22, det = m
    return (m22 * r1 - m12 * r2) / det, (m11 * r2 - m21 * r1) / det


@jit
def integrate(y0, kp, impulse_ms, inputs, breakpoint_ms, t_end_ms, out_dt_ms, atol, rtol, h_max_ms, max_steps,
              interrupt=None, miniature_ms=None):
    """Integrate the chain from ``t = 0`` to ``t_end_ms``.

    Parameters
    ----------
    y0 : numpy.ndarray
        Initial state.
    kp : numpy.void
        Parameters of the run: the record of :func:`simlib.chain.kernel_params` (read by reference).
    impulse_ms : numpy.ndarray
        Sorted times of stimulator impulses (ms).
    inputs : numpy.void
        The protocol's input record: stretch and command segments (:meth:`simlib.Protocol.kernel_arrays`).
    breakpoint_ms : numpy.ndarray
        Sorted times where the inputs change abruptly (ms; :meth:`simlib.Protocol.breakpoints_ms`).
    t_end_ms, out_dt_ms : float
        End time and output sampling interval (ms).
    atol : numpy.ndarray
        Absolute tolerance per state (state units).
    rtol : numpy.ndarray
        Relative tolerance per state (0 for potentials, whose zero is arbitrary).
    h_max_ms : float
        Largest step (ms).
    max_steps : int
        Step budget; exceeding it stops the run with ``STATUS_TOO_MANY_STEPS``.
    interrupt : numpy.ndarray, optional
        One-element integer flag, read every ``_POLL_STEPS`` steps: once another thread makes it
        non-zero (Ctrl-C, see :func:`simlib._system.run_interruptible`) the run stops with
        ``STATUS_INTERRUPTED``. Reading it changes no number of a run that is not interrupted.
    miniature_ms : numpy.ndarray, optional
        Sorted times of spontaneous quanta (ms; :func:`simlib.stages.nmj.miniature_times_ms`); none if omitted.

    Returns
    -------
    tuple
        ``(samples, nerve, n_nerve, muscle, n_muscle, status, t_reached)``: ``samples`` is
        (n_out, n_states) on the uniform output grid; ``nerve`` rows are (time ms, origin code,
        quanta released, descending command mV, evoked input mV, PIC current mV);
        ``muscle`` holds muscle spike times (ms).
    """
    n_states = y0.shape[0]
    n_out = int(math.floor(t_end_ms / out_dt_ms + 1e-9)) + 1
    samples = np.empty((n_out, n_states))
    spike_cap = int(t_end_ms) + 16
    nerve = np.zeros((spike_cap, LOG_COLUMNS))
    muscle = np.zeros(spike_cap)
    n_nerve = 0
    n_muscle = 0
    y = y0.copy()
    y_pred = np.empty(n_states)
    y_new = np.empty(n_states)
    a0 = np.empty(n_states)
    b0 = np.empty(n_states)
    a1 = np.empty(n_states)
    b1 = np.empty(n_states)
    phi = np.empty((n_states, 2))
    samples[0, :] = y
    next_out = 1
    next_imp = 0
    n_imp = impulse_ms.shape[0]
    if miniature_ms is None:
        minis = np.empty(0)
    else:
        minis = miniature_ms
    next_mini = 0
    n_mini = minis.shape[0]
    next_break = 0
    n_break = breakpoint_ms.shape[0]
    thr_index, thr_level, thr_kind = threshold_table(kp)
    n_thr = thr_index.shape[0]
    armed = y[VM] < kp.spike_detect_mV - _REARM_BELOW_MV
    t = 0.0
    last_stimulus = -1e9
    h = min(0.01, h_max_ms)
    steps = 0
    while t < t_end_ms:
        steps += 1
        if steps > max_steps:
            return samples, nerve, n_nerve, muscle, n_muscle, STATUS_TOO_MANY_STEPS, t
        if interrupt is not None:
            if steps % _POLL_STEPS == 0 and interrupt[0] != 0:
                return samples, nerve, n_nerve, muscle, n_muscle, STATUS_INTERRUPTED, t
        while next_break < n_break and breakpoint_ms[next_break] <= t:
            next_break += 1
        t_stop = t_end_ms
        hits_stop = False
        if next_imp < n_imp and impulse_ms[next_imp] <= t_stop:
            t_stop = impulse_ms[next_imp]
            hits_stop = True
        if next_break < n_break and breakpoint_ms[next_break] < t_stop:
            t_stop = breakpoint_ms[next_break]
            hits_stop = True
        if next_mini < n_mini and minis[next_mini] < t_stop:
            t_stop = minis[next_mini]
            hits_stop = True
        if (next_imp < n_imp and impulse_ms[next_imp] <= t) or (next_mini < n_mini and minis[next_mini] <= t):
            h_try = 0.0
        else:
            h_try = min(h, t_stop - t)
        if h_try > 0.0:
            rates(t, y, kp, inputs, a0, b0)
            _exp_step(y, a0, b0, h_try, y_pred, phi)
            # total Ca2+ and troponin: linearly implicit ROS2 stages (their coupling is stiff)
            m = _pair_matrix(y, kp, h_try)
            k1c, k1t = _pair_solve(m, a0[CATOT] - b0[CATOT] * y[CATOT], a0[TROP] - b0[TROP] * y[TROP])
            y_pred[CATOT] = y[CATOT] + h_try * k1c
            y_pred[TROP] = y[TROP] + h_try * k1t
            rates(t + h_try, y_pred, kp, inputs, a1, b1)
            _exp_linear_step(y, a0, b0, a1, b1, h_try, y_new, phi)
            k2c, k2t = _pair_solve(m, a1[CATOT] - b1[CATOT] * y_pred[CATOT] - 2.0 * k1c,
                                   a1[TROP] - b1[TROP] * y_pred[TROP] - 2.0 * k1t)
            y_new[CATOT] = y[CATOT] + h_try * (1.5 * k1c + 0.5 * k2c)
            y_new[TROP] = y[TROP] + h_try * (1.5 * k1t + 0.5 * k2t)
            err = 0.0
            finite = True
            axon_slack = _axon_slack(y[VAX], kp)
            for i in range(n_states):
                if not math.isfinite(y_new[i]):
                    finite = False
                    break
                e = abs(y_new[i] - y_pred[i]) / (atol[i] + rtol[i] * abs(y_new[i]))
                if i == VAX:
                    e /= axon_slack
                if e > err:
                    err = e
            if not finite or err > 1.0:
                if h_try <= _H_MIN_MS:
                    status = STATUS_STEP_UNDERFLOW if finite else STATUS_NOT_FINITE
                    return samples, nerve, n_nerve, muscle, n_muscle, status, t
                h = max(h_try * max(0.2, 0.9 / math.sqrt(err if finite else 100.0)), _H_MIN_MS)
                continue
            relocate = False
            for k in range(n_thr):
                i = thr_index[k]
                if y_new[i] >= thr_level[k] and h_try > _SPIKE_LOCATE_MS:
                    # a threshold was crossed inside the step: shorten the step to land just past it
                    frac = (thr_level[k] - y[i]) / max(y_new[i] - y[i], 1e-12)
                    h = max(min(0.5, frac + 0.05) * h_try, _SPIKE_LOCATE_MS)
                    relocate = True
                    break
            if relocate:
                continue
            t_new = t_stop if (hits_stop and h_try == t_stop - t) else t + h_try
            # uniform output by linear interpolation inside the accepted step
            while next_out < n_out and next_out * out_dt_ms <= t_new + 1e-12:
                frac = (next_out * out_dt_ms - t) / (t_new - t)
                for i in range(n_states):
                    samples[next_out, i] = y[i] + frac * (y_new[i] - y[i])
                next_out += 1
            v_old = y[VM]
            v_cur = y_new[VM]
            if armed and v_cur >= kp.spike_detect_mV > v_old:
                if n_muscle < spike_cap:
                    muscle[n_muscle] = t + (kp.spike_detect_mV - v_old) / (v_cur - v_old) * (t_new - t)
                n_muscle += 1
                armed = False
            elif not armed and v_cur < kp.spike_detect_mV - _REARM_BELOW_MV:
                armed = True
            for i in range(n_states):
                y[i] = max(y_new[i], 0.0) if i == CATOT else y_new[i]
            t = t_new
            for k in range(n_thr):
                if y[thr_index[k]] >= thr_level[k]:
                    n_nerve = apply_event(thr_kind[k], y, kp, inputs, t, nerve, n_nerve, last_stimulus)
            grow = 2.0 if err < 1e-4 else min(2.0, 0.9 / math.sqrt(err))
            h = min(h * grow, h_max_ms)
        if next_imp < n_imp and impulse_ms[next_imp] <= t + 1e-12:
            n_nerve = apply_event(EVENT_IMPULSE, y, kp, inputs, t, nerve, n_nerve, last_stimulus)
            last_stimulus = t
            next_imp += 1
            h = min(h, 0.005)
        while next_mini < n_mini and minis[next_mini] <= t + 1e-12:
            n_nerve = apply_event(EVENT_MINIATURE, y, kp, inputs, t, nerve, n_nerve, last_stimulus)
            next_mini += 1
            h = min(h, 0.005)
    while next_out < n_out:
        samples[next_out, :] = y
        next_out += 1
    return samples, nerve, n_nerve, muscle, n_muscle, STATUS_OK, t
