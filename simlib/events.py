r"""The model's instantaneous events, applied by one function that both integrators call.

Four kinds of event change the state by a jump rather than by a rate:

- a **stimulator impulse** (at a protocol time): an orthodromic axon spike that releases ACh, and an
  afferent volley whose EPSP reaches the motoneuron;
- an **ectopic axon spike**: the axon node's potential reaches its spike potential by itself;
- a **motoneuron spike**: the soma reaches threshold; it resets with an afterhyperpolarisation, and
  its spike travels to the muscle unless an antidromic stimulus volley still in the axon annihilates
  it (collision);
- a **spontaneous quantum** (at a time of the run's seeded Poisson schedule,
  :func:`simlib.stages.nmj.miniature_times_ms`): one quantum's ACh enters the cleft, a miniature
  endplate potential; no axon spike, nothing logged.

The seeded variability lives here too: a motoneuron spike's AHP jump and an ectopic spike's slow K⁺
jump are scaled by :math:`1 + c\,u`, ``u`` the jitter of (seed, channel, spike count)
(:func:`simlib.stages._noise.impulse_jitter`).

:func:`threshold_table` lists the threshold events as (state index, level, kind) for the
integrators to locate; :func:`apply_event` applies any event, so :mod:`simlib.solver` and
:mod:`simlib.reference` cannot drift apart.
"""

from __future__ import annotations

import numpy as np

from simlib.chain import (
    ACH,
    DAP,
    GAHP,
    PIC,
    SSTIM,
    VAX,
    VD,
    VMN,
    WAX,
    descending_command,
    evoked_input,
    junction_impulse,
)
from simlib.stages._jit import jit
from simlib.stages._noise import CHANNEL_AXON, CHANNEL_MOTONEURON, impulse_jitter
from simlib.stages.axon import axon_spike_reset

__all__ = ["EVENT_IMPULSE", "EVENT_ECTOPIC", "EVENT_MOTONEURON", "EVENT_MINIATURE", "ORIGIN_STIMULATOR",
           "ORIGIN_ECTOPIC", "ORIGIN_MOTONEURON", "LOG_COLUMNS", "apply_event", "threshold_table"]

EVENT_IMPULSE = 0
EVENT_ECTOPIC = 1
EVENT_MOTONEURON = 2
EVENT_MINIATURE = 3
#: origin codes in column 1 of the spike log
ORIGIN_STIMULATOR = 0.0
ORIGIN_ECTOPIC = 1.0
ORIGIN_MOTONEURON = 2.0
#: spike-log columns: time (ms), origin code, quanta released, descending command (mV), evoked input (mV),
#: PIC current (mV)
LOG_COLUMNS = 6


@jit
def threshold_table(kp):
    """Threshold events in the order they are tested: ``(state indices, levels, kinds)``.

    The axon node's spike potential (ectopic spike), then the motoneuron's threshold.
    """
    index = np.array([VAX, VMN])
    level = np.array([kp.ax_spike_v, kp.mn_threshold_mV])
    kind = np.array([EVENT_ECTOPIC, EVENT_MOTONEURON])
    return index, level, kind


@jit
def _fire(y, kp, inputs, t, spike_log, n_spikes, origin, adapt_scale):
    """Apply one axon action potential at time ``t``: reset the node and release ACh; log it.

    ``adapt_scale`` scales the slow K⁺ jump (:func:`simlib.stages.axon.axon_spike_reset`).
    The log row also keeps the motoneuron's inputs at that moment (descending command, input
    evoked by stretch or stimulation, PIC current; mV). Returns the new spike count.
    """
    axon_spike_reset(y, kp, VAX, WAX, DAP, adapt_scale)
    quanta = junction_impulse(y, kp)
    if n_spikes < spike_log.shape[0]:
        spike_log[n_spikes, 0] = t
        spike_log[n_spikes, 1] = origin
        spike_log[n_spikes, 2] = quanta
        spike_log[n_spikes, 3] = descending_command(t, inputs)
        spike_log[n_spikes, 4] = evoked_input(t, y, kp, inputs)
        spike_log[n_spikes, 5] = kp.pic_g * y[PIC] * (kp.pic_e_mV - y[VD])
    return n_spikes + 1


@jit
def apply_event(kind, y, kp, inputs, t, spike_log, n_spikes, last_stimulus):
    """Apply one event of ``kind`` at time ``t`` (ms) to ``y`` in place; return the new spike count.

    Parameters
    ----------
    kind : int
        :data:`EVENT_IMPULSE`, :data:`EVENT_ECTOPIC`, :data:`EVENT_MOTONEURON` or :data:`EVENT_MINIATURE`.
    y : numpy.ndarray
        State, changed in place.
    kp : numpy.void
        Kernel parameters of the run.
    inputs : numpy.void
        The protocol's input record (:meth:`simlib.Protocol.kernel_arrays`).
    t : float
        Time of the event (ms).
    spike_log : numpy.ndarray
        Nerve-spike log, (capacity, :data:`LOG_COLUMNS`).
    n_spikes : int
        Spikes logged so far.
    last_stimulus : float
        Time of the latest stimulator impulse (ms): a motoneuron spike within ``collision_ms`` of it
        is annihilated by the antidromic volley (the soma still resets).
    """
    if kind == EVENT_MINIATURE:
        y[ACH] += kp.ach_per_quantum
        return n_spikes
    if kind == EVENT_ECTOPIC:
        scale = 1.0 + kp.ax_adapt_jitter * impulse_jitter(kp.noise_seed, CHANNEL_AXON, n_spikes)
        return _fire(y, kp, inputs, t, spike_log, n_spikes, ORIGIN_ECTOPIC, scale)
    if kind == EVENT_MOTONEURON:
        scale = 1.0 + kp.mn_ahp_jitter * impulse_jitter(kp.noise_seed, CHANNEL_MOTONEURON, n_spikes)
        if t - last_stimulus >= kp.collision_window_ms:
            n_spikes = _fire(y, kp, inputs, t, spike_log, n_spikes, ORIGIN_MOTONEURON, 1.0)
        y[VMN] = kp.mn_reset_mV
        y[GAHP] += scale * kp.mn_ahp_jump
        return n_spikes
    n_spikes = _fire(y, kp, inputs, t, spike_log, n_spikes, ORIGIN_STIMULATOR, 1.0)
    y[SSTIM] += kp.stim_epsp_mV
    return n_spikes
