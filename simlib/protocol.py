r"""What the experimenter does to the preparation during a run: :class:`Protocol`.

A Scenario says what the preparation *is* (electrolytes, drugs, temperature, spinal settings);
a Protocol says what is *done* to it and when:

- **stimulator impulses** at given times (single pulses, paired pulses, trains, trains-of-four):
  each one fires the motor axon and sends an afferent volley to the spinal motoneuron;
- **command segments**: the descending (voluntary) command onto the motoneuron, in mV of
  equivalent depolarisation, held constant (``"hold"``) or rising to its level at the segment's
  midpoint and falling back (``"triangle"``, the slow recruitment ramp);
- **a stretch**: a passive joint rotation at a constant angular velocity, then held.

Protocols are frozen and combine with ``+`` (impulses merged in time order, command segments
added, at most one stretch). :meth:`Protocol.from_scenario` gives the protocol that a Scenario's
own drive fields describe, so ``simulate(sc)`` and ``simulate(sc, protocol=Protocol.from_scenario(sc))``
are the same run.

The compiled kernel reads a protocol as impulse times (ms) and an input record
(:meth:`Protocol.kernel_arrays`, :data:`INPUT_DTYPE`): the stretch (start ms, amplitude deg,
velocity deg/ms) and up to :data:`MAX_COMMAND_SEGMENTS` command segments (start ms, end ms, level
mV, shape). A record, passed by reference, costs the kernel nothing; a 2-D array argument made every
right-hand-side evaluation ~15 % slower (measured). Both integrators stop at every impulse and at every *breakpoint*
(:meth:`Protocol.breakpoints_ms`), where an input changes abruptly.

Examples
--------
>>> import simlib
>>> p = simlib.Protocol.paired(0.05, start_s=0.2)
>>> p.impulses_s
(0.2, 0.25)
>>> len(simlib.Protocol.train_of_four(0.2).impulses_s)
4
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from simlib.errors import ParameterError
from simlib.stages.drive import command_times_s, descending_level_mV

if TYPE_CHECKING:
    from simlib.model import ConstantValues
    from simlib.scenario import Scenario

__all__ = ["Protocol", "CommandSegment", "Stretch", "SHAPE_HOLD", "SHAPE_TRIANGLE", "DRIVE_FIELDS", "INPUT_DTYPE",
           "MAX_COMMAND_SEGMENTS",
           "input_breakpoints_ms"]

#: command-segment shapes as the kernel codes them (column 3 of the command array)
SHAPE_HOLD = 0.0
SHAPE_TRIANGLE = 1.0
_SHAPE_CODES = {"hold": SHAPE_HOLD, "triangle": SHAPE_TRIANGLE}
#: the Scenario fields that :meth:`Protocol.from_scenario` reads (and that act only through it)
DRIVE_FIELDS = ("drive", "rate_hz", "drive_start_s", "drive_s", "stretch_at_s", "stretch_velocity_deg_s")
#: the most command segments one protocol may hold (the kernel reads them from a fixed-size record field)
MAX_COMMAND_SEGMENTS = 16
#: the kernel's input record: the stretch, and the command segments (start ms, end ms, level mV, shape)
INPUT_DTYPE = np.dtype([("stretch_start_ms", np.float64), ("stretch_amplitude_deg", np.float64),
                        ("stretch_velocity_deg_ms", np.float64), ("n_segments", np.int64),
                        ("segments", np.float64, (MAX_COMMAND_SEGMENTS, 4))])
#: the longest protocol a learner can ask for (s); Scenario.duration_s has the same ceiling
_MAX_TIME_S = 600.0
#: the most impulses one protocol may hold (a 600 s train at 500 Hz is 300,000)
_MAX_IMPULSES = 300_000
#: train-of-four: four supramaximal stimuli at 2 Hz (Ali et al. 1970, Br J Anaesth 42:967)
TOF_RATE_HZ = 2.0


def _time(name: str, value: object, low: float = 0.0, high: float = _MAX_TIME_S) -> float:
    """Return ``value`` as a float time (s) in ``[low, high]``, else raise a ParameterError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(f"'{name}' must be a number of seconds; got {value!r}.")
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise ParameterError(f"'{name}' must be between {low:g} and {high:g} s; got {value!r}. "
                             "Times are in seconds from the start of the run.")
    return number


@dataclass(frozen=True)
class CommandSegment:
    """One segment of descending command onto the motoneuron.

    Attributes
    ----------
    start_s, end_s : float
        The segment is on for ``start_s <= t < end_s`` (s).
    level_mV : float
        Command (mV of equivalent depolarisation): held for ``"hold"``, reached at the midpoint
        for ``"triangle"``.
    shape : {"hold", "triangle"}
        Constant, or a symmetric rise and fall (the slow ramp that measures recruitment hysteresis).
    """

    start_s: float
    end_s: float
    level_mV: float
    shape: Literal["hold", "triangle"] = "hold"

    def __post_init__(self) -> None:
        _time("start_s", self.start_s)
        _time("end_s", self.end_s, low=self.start_s)
        if not (isinstance(self.level_mV, (int, float)) and 0.0 <= self.level_mV <= 120.0):
            raise ParameterError(f"'level_mV' must be between 0 and 120 mV (descending command); "
                                 f"got {self.level_mV!r}.")
        if self.shape not in _SHAPE_CODES:
            raise ParameterError(f"'shape' must be 'hold' or 'triangle'; got {self.shape!r}.")

    def level_at(self, t_s: np.ndarray) -> np.ndarray:
        """Command (mV) of this segment at times ``t_s`` (s); 0 outside the segment."""
        t = np.asarray(t_s, dtype=float)
        inside = (t >= self.start_s) & (t < self.end_s)
        if self.shape == "hold":
            return np.where(inside, self.level_mV, 0.0)
        x = (t - self.start_s) / (0.5 * (self.end_s - self.start_s))
        return np.where(inside, self.level_mV * np.where(x <= 1.0, x, 2.0 - x), 0.0)


@dataclass(frozen=True)
class Stretch:
    """A passive stretch: the joint turns at ``velocity_deg_s`` from ``start_s`` through ``amplitude_deg``, then holds.

    Attributes
    ----------
    start_s : float
        When the stretch starts (s).
    velocity_deg_s : float
        Angular velocity of the rotation (°/s), > 0.
    amplitude_deg : float
        Total rotation (°); the model's spindle and tendon-organ constants are for 30°.
    """

    start_s: float
    velocity_deg_s: float
    amplitude_deg: float = 30.0

    def __post_init__(self) -> None:
        _time("start_s", self.start_s)
        if not (isinstance(self.velocity_deg_s, (int, float)) and 0.0 < self.velocity_deg_s <= 2000.0):
            raise ParameterError(f"'velocity_deg_s' must be above 0 and at most 2000 °/s; "
                                 f"got {self.velocity_deg_s!r}.")
        if not (isinstance(self.amplitude_deg, (int, float)) and 0.0 < self.amplitude_deg <= 90.0):
            raise ParameterError(f"'amplitude_deg' must be above 0 and at most 90°; got {self.amplitude_deg!r}.")

    @property
    def end_s(self) -> float:
        """End of the rotation (s); the joint holds its angle after it."""
        return self.start_s + self.amplitude_deg / self.velocity_deg_s


@dataclass(frozen=True)
class Protocol:
    """Stimulator impulses, descending command and stretch of one run (frozen; combine with ``+``).

    Attributes
    ----------
    impulses_s : tuple of float
        Stimulator impulse times (s), sorted.
    command : tuple of CommandSegment
        Descending command segments; overlapping segments add.
    stretch : Stretch or None
        The passive stretch, if any.
    window : tuple of float or None
        ``(start_s, length_s)`` of the drive, the interval that :func:`simlib.metrics.compute_metrics`
        calls "during the drive" (its "after the drive" starts 0.5 s after its end). ``None``: from the
        first impulse or command start to the last impulse or command end.

    Examples
    --------
    >>> from simlib import Protocol
    >>> (Protocol.pulses([0.1]) + Protocol.pulses([0.3])).impulses_s
    (0.1, 0.3)
    """

    impulses_s: tuple[float, ...] = ()
    command: tuple[CommandSegment, ...] = ()
    stretch: Stretch | None = None
    window: tuple[float, float] | None = field(default=None)

    def __post_init__(self) -> None:
        impulses = tuple(_time("impulses_s", t) for t in self.impulses_s)
        if len(impulses) > _MAX_IMPULSES:
            raise ParameterError(f"a protocol holds at most {_MAX_IMPULSES} impulses; got {len(impulses)}.")
        if any(b < a for a, b in zip(impulses, impulses[1:], strict=False)):
            impulses = tuple(sorted(impulses))
        object.__setattr__(self, "impulses_s", impulses)
        object.__setattr__(self, "command", tuple(self.command))
        if not all(isinstance(seg, CommandSegment) for seg in self.command):
            raise ParameterError("'command' must hold simlib.protocol.CommandSegment objects.")
        if len(self.command) > MAX_COMMAND_SEGMENTS:
            raise ParameterError(f"a protocol holds at most {MAX_COMMAND_SEGMENTS} command segments; got "
                                 f"{len(self.command)}. Merge segments, or run the protocol in parts.")
        if self.stretch is not None and not isinstance(self.stretch, Stretch):
            raise ParameterError("'stretch' must be a simlib.protocol.Stretch or None.")
        if self.window is not None:
            start, length = self.window
            object.__setattr__(self, "window", (_time("window start", start), _time("window length", length)))

    # ---------------------------------------------------------------------------------- builders

    @classmethod
    def pulses(cls, times_s: Iterable[float]) -> Protocol:
        """Electrical stimulation of the motor nerve at the given impulse times (s).

        Examples
        --------
        >>> Protocol.pulses([0.1, 0.15]).impulses_s
        (0.1, 0.15)
        """
        if isinstance(times_s, (str, bytes)) or not isinstance(times_s, Iterable):
            raise ParameterError(f"'times_s' must be a sequence of impulse times in seconds; got {times_s!r}.")
        return cls(impulses_s=tuple(times_s))

    @classmethod
    def train(cls, rate_hz: float, start_s: float, duration_s: float) -> Protocol:
        """Return a regular train at ``rate_hz`` from ``start_s`` for ``duration_s`` (impulses strictly before its end).

        Examples
        --------
        >>> Protocol.train(10.0, 0.5, 0.3).impulses_s
        (0.5, 0.6, 0.7)
        """
        if isinstance(rate_hz, bool) or not (isinstance(rate_hz, (int, float)) and 0.0 <= rate_hz <= 500.0):
            raise ParameterError(f"'rate_hz' must be between 0 and 500 Hz; got {rate_hz!r}.")
        start = _time("start_s", start_s)
        length = _time("duration_s", duration_s)
        times = command_times_s(float(rate_hz), start, length, start + length)
        return cls(impulses_s=tuple(times.tolist()), window=(start, length))

    @classmethod
    def paired(cls, interval_s: float, start_s: float = 0.5) -> Protocol:
        """Two impulses ``interval_s`` apart (twitch summation, paired-pulse facilitation).

        Examples
        --------
        >>> Protocol.paired(0.05, 0.2).impulses_s
        (0.2, 0.25)
        """
        start = _time("start_s", start_s)
        interval = _time("interval_s", interval_s, low=0.0, high=10.0)
        return cls(impulses_s=(start, start + interval), window=(start, interval))

    @classmethod
    def train_of_four(cls, start_s: float = 0.5) -> Protocol:
        """Train-of-four: four impulses at 2 Hz (0.5 s apart), the anaesthetist's test of neuromuscular block."""
        start = _time("start_s", start_s)
        return cls.train(TOF_RATE_HZ, start, 4.0 / TOF_RATE_HZ)

    @classmethod
    def voluntary(cls, level_mV: float, start_s: float, duration_s: float) -> Protocol:
        """Return a held descending command of ``level_mV`` (see :func:`simlib.stages.drive.descending_level_mV`)."""
        start = _time("start_s", start_s)
        length = _time("duration_s", duration_s)
        return cls(command=(CommandSegment(start, start + length, float(level_mV)),), window=(start, length))

    @classmethod
    def ramp(cls, peak_mV: float, start_s: float, duration_s: float) -> Protocol:
        """Return a triangular descending command: up to ``peak_mV`` at mid-ramp, back to 0 at the end."""
        start = _time("start_s", start_s)
        length = _time("duration_s", duration_s)
        segment = CommandSegment(start, start + length, float(peak_mV), "triangle")
        return cls(command=(segment,), window=(start, length))

    @classmethod
    def stretched(cls, start_s: float, velocity_deg_s: float, amplitude_deg: float = 30.0) -> Protocol:
        """Return a passive stretch alone (see :class:`Stretch`)."""
        return cls(stretch=Stretch(start_s, velocity_deg_s, amplitude_deg))

    @classmethod
    def from_scenario(cls, sc: Scenario, constants: ConstantValues | None = None) -> Protocol:
        """Return the protocol that a Scenario's own drive fields describe (what ``simulate(sc)`` runs).

        ``drive="stimulation"``: impulses at ``rate_hz`` from ``drive_start_s`` for ``drive_s``
        (up to the end of the run); ``drive="voluntary"``: a held command calibrated so that the
        isolated motoneuron fires at ``rate_hz`` (:func:`simlib.stages.drive.descending_level_mV`);
        ``stretch_at_s``: a stretch at ``stretch_velocity_deg_s`` through the model's standard 30°.

        Parameters
        ----------
        sc : Scenario
            Any scenario.
        constants : ConstantValues, optional
            The run's model constants (:func:`simlib.model.resolve_constants`): the voluntary
            calibration uses the motoneuron's, the stretch the standard amplitude; default the
            declared values.
        """
        from simlib.model import resolve_constants

        values = resolve_constants() if constants is None else constants
        window = (sc.drive_start_s, sc.drive_s)
        stretch = None
        if sc.stretch_at_s is not None:
            stretch = Stretch(sc.stretch_at_s, sc.stretch_velocity_deg_s, values["stretch_amplitude_deg"])
        if sc.drive == "voluntary":
            level = descending_level_mV(sc.rate_hz, sc.pic_gain, constants)
            command = (CommandSegment(sc.drive_start_s, sc.drive_start_s + sc.drive_s, level),) if level else ()
            return cls(command=command, stretch=stretch, window=window)
        times = command_times_s(sc.rate_hz, sc.drive_start_s, sc.drive_s, sc.duration_s)
        return cls(impulses_s=tuple(times.tolist()), stretch=stretch, window=window)

    def __add__(self, other: object) -> Protocol:
        if not isinstance(other, Protocol):
            return NotImplemented
        if self.stretch is not None and other.stretch is not None:
            raise ParameterError("a protocol holds at most one stretch; give the stretch to only one of the two.")
        spans = [w for w in (self.drive_window_s(), other.drive_window_s()) if w is not None]
        window = None
        if spans:
            start = min(s for s, _ in spans)
            window = (start, max(s + n for s, n in spans) - start)
        return Protocol(impulses_s=tuple(sorted(self.impulses_s + other.impulses_s)),
                        command=self.command + other.command,
                        stretch=self.stretch if self.stretch is not None else other.stretch, window=window)

    # ---------------------------------------------------------------------------------- reading

    @property
    def has_drive(self) -> bool:
        """True when the protocol stimulates the nerve or commands the motoneuron."""
        return bool(self.impulses_s) or any(seg.level_mV != 0.0 for seg in self.command)

    def drive_window_s(self) -> tuple[float, float] | None:
        """Return ``(start_s, length_s)`` of the drive: :attr:`window`, else the span of impulses and commands."""
        if self.window is not None:
            return self.window
        starts = list(self.impulses_s[:1]) + [seg.start_s for seg in self.command]
        ends = list(self.impulses_s[-1:]) + [seg.end_s for seg in self.command]
        if not starts:
            return None
        return min(starts), max(ends) - min(starts)

    def command_mV(self, t_s: np.ndarray) -> np.ndarray:
        """Descending command (mV) at times ``t_s`` (s): the sum of every segment."""
        t = np.asarray(t_s, dtype=float)
        total = np.zeros(t.shape)
        for seg in self.command:
            total = total + seg.level_at(t)
        return total

    def kernel_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the protocol as the compiled kernel reads it.

        Returns
        -------
        impulses_ms : numpy.ndarray
            Impulse times (ms), shape (n,).
        inputs : numpy.void
            A record of :data:`INPUT_DTYPE`: ``stretch_start_ms`` (-1 for none),
            ``stretch_amplitude_deg``, ``stretch_velocity_deg_ms``, ``n_segments`` and ``segments``
            (rows: start ms, end ms, level mV, shape code :data:`SHAPE_HOLD` or :data:`SHAPE_TRIANGLE`).
        """
        impulses = 1000.0 * np.asarray(self.impulses_s, dtype=float)
        inputs = np.zeros(1, dtype=INPUT_DTYPE)[0]
        inputs["stretch_start_ms"] = -1.0
        inputs["stretch_amplitude_deg"] = 30.0
        if self.stretch is not None:
            st = self.stretch
            inputs["stretch_start_ms"] = 1000.0 * st.start_s
            inputs["stretch_amplitude_deg"] = st.amplitude_deg
            inputs["stretch_velocity_deg_ms"] = st.velocity_deg_s / 1000.0
        inputs["n_segments"] = len(self.command)
        for row, seg in enumerate(self.command):
            inputs["segments"][row] = 1000.0 * seg.start_s, 1000.0 * seg.end_s, seg.level_mV, _SHAPE_CODES[seg.shape]
        return impulses, inputs

    def breakpoints_ms(self, t_end_ms: float) -> np.ndarray:
        """Return the times (ms) where an input changes abruptly (see :func:`input_breakpoints_ms`)."""
        return input_breakpoints_ms(self.kernel_arrays()[1], t_end_ms)


def input_breakpoints_ms(inputs: np.ndarray, t_end_ms: float) -> np.ndarray:
    """Return the times (ms) in ``(0, t_end_ms)`` where the kernel's inputs change abruptly, sorted.

    Command starts and ends (and a triangle's apex), and the start and end of the stretch's
    rotation. Integrators restart there instead of stepping across the kink.

    Parameters
    ----------
    inputs : numpy.void
        The input record of :meth:`Protocol.kernel_arrays`.
    t_end_ms : float
        End of the run (ms).
    """
    times: list[float] = []
    for start, end, level, shape in inputs["segments"][: int(inputs["n_segments"])]:
        if level != 0.0:
            times += [start, end]
            if shape == SHAPE_TRIANGLE:
                times.append(0.5 * (start + end))
    if inputs["stretch_start_ms"] >= 0.0:
        start = float(inputs["stretch_start_ms"])
        times.append(start)
        times.append(start + float(inputs["stretch_amplitude_deg"]) / float(inputs["stretch_velocity_deg_ms"]))
    return np.array(sorted({float(t) for t in times if 0.0 < t < t_end_ms}), dtype=float)
