"""The :class:`Result` of one simulation: uniform time series plus spike times."""

from __future__ import annotations

import csv
import functools
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from simlib._fileio import atomic_write
from simlib.chain import STATE_NAMES, STATE_UNITS
from simlib.errors import ParameterError
from simlib.metrics import compute_metrics
from simlib.protocol import Protocol
from simlib.scenario import Scenario
from simlib.validation import unknown_name_message

if TYPE_CHECKING:
    from simlib.metrics import HealthyResponse, Metrics

__all__ = ["Result", "SPIKE_ORIGINS", "MOTONEURON_ORIGINS", "write_columns_csv"]

SPIKE_ORIGINS = ("stimulator", "ectopic", "commanded", "reflex", "self-sustained")
MOTONEURON_ORIGINS = ("commanded", "reflex", "self-sustained")


@dataclass(frozen=True, eq=False)
class Result:
    """Time series and spike trains produced by :func:`simlib.simulate`.

    Attributes
    ----------
    t : numpy.ndarray
        Time (s), uniform with the requested output interval.
    force : numpy.ndarray
        Force; 1.0 is the maximal fused tetanus of the healthy default muscle.
    v_muscle : numpy.ndarray
        Muscle membrane potential at the endplate region (mV).
    ca_i : numpy.ndarray
        Free myoplasmic Ca²⁺ (µM).
    epp : numpy.ndarray
        Endplate depolarisation (mV): the depolarisation the endplate current produces
        on the passive membrane, i.e. the endplate potential as recorded with the muscle
        action potential blocked.
    nerve_spikes : numpy.ndarray
        Times (s) of every motor-axon action potential (commanded, reflex and ectopic).
    ectopic_spikes : numpy.ndarray
        Times (s) of the subset that started in the peripheral axon.
    muscle_spikes : numpy.ndarray
        Times (s) of muscle action potentials.
    quanta : numpy.ndarray
        ACh quanta released by each nerve spike (same order as ``nerve_spikes``).
    resting_quantal_content : float
        Quanta that one impulse would release from the full vesicle pool (quanta).
    scenario : Scenario
        The Scenario that produced this result.
    states : numpy.ndarray
        Every model state on the time grid, shape (len(t), number of states); see
        :meth:`state` and :data:`simlib.chain.STATE_NAMES`.
    nerve_spike_origins : numpy.ndarray or None
        Where each nerve spike started (same order as ``nerve_spikes``): ``"stimulator"``
        (electrical stimulus), ``"ectopic"`` (peripheral axon firing by itself),
        ``"commanded"`` (motoneuron driven by the descending command), ``"reflex"``
        (motoneuron driven by afferent input strong enough on its own) or ``"self-sustained"``
        (motoneuron kept firing by its persistent inward current).
    protocol : Protocol
        What was done to the preparation (``Protocol.from_scenario(scenario)`` unless
        :func:`simlib.simulate` was given one).
    healthy_reference : callable or None
        Returns the healthy default muscle's :class:`simlib.metrics.HealthyResponse` under the same
        drive (its peak and held force), for the "weakness" test; :func:`simlib.simulate` sets it (a
        cached run of the healthy muscle, made only when it is first read). None for a hand-made Result.
    unit_spikes : tuple of numpy.ndarray or None
        Muscle action-potential times (s) of each motor unit of a pool (``Scenario.motor_units > 1``),
        ordered from the smallest to the largest unit; None for the single-unit model, whose
        :attr:`muscle_spikes` are its one unit's.
    passive_force : numpy.ndarray or None
        Force of the parallel elastic element (force unit) on the time grid: zero at and below the
        optimal length (:mod:`simlib.stages.mechanics`). ``force`` is the active force transmitted by
        the series element; :attr:`total_force` is what a force transducer records. None (zero) for a
        hand-made Result.
    miniature_times : numpy.ndarray or None
        Times (s) of the spontaneous quanta, each a miniature endplate potential
        (:func:`simlib.stages.nmj.miniature_times_ms`; seeded by ``Scenario.seed``); None for a hand-made Result.
    """

    t: np.ndarray
    force: np.ndarray
    v_muscle: np.ndarray
    ca_i: np.ndarray
    epp: np.ndarray
    nerve_spikes: np.ndarray
    ectopic_spikes: np.ndarray
    muscle_spikes: np.ndarray
    quanta: np.ndarray
    resting_quantal_content: float
    scenario: Scenario
    states: np.ndarray = field(repr=False)
    nerve_spike_origins: np.ndarray | None = field(default=None, repr=False)
    protocol: Protocol = field(default=None, repr=False)  # type: ignore[assignment]  # set in __post_init__
    healthy_reference: Callable[[], HealthyResponse] | None = field(default=None, repr=False)
    unit_spikes: tuple[np.ndarray, ...] | None = field(default=None, repr=False)
    passive_force: np.ndarray | None = field(default=None, repr=False)
    miniature_times: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.protocol is None:
            object.__setattr__(self, "protocol", Protocol.from_scenario(self.scenario))

    @property
    def healthy_response(self) -> HealthyResponse | None:
        """The healthy default muscle's peak and held force under the same drive (force unit), or None.

        Computed on first use (and cached) by :attr:`healthy_reference`.
        """
        return None if self.healthy_reference is None else self.healthy_reference()

    @functools.cached_property
    def emg(self) -> np.ndarray:
        """Surface EMG (mV) at the times :attr:`t` (computed on first use from the spike times; cached).

        Point samples of :func:`simlib.emg`'s signal at the output interval: at the default 1 ms they
        show where the muscle is electrically active, not the shape of its potentials, which last a
        few ms; ``simlib.emg(result)`` gives the trace at 10 kHz with its RMS and M-wave measures.
        """
        from simlib.emg import synthesise

        if self.t.size < 2:
            return np.zeros(self.t.size)
        return synthesise(self, 1.0 / float(self.t[1] - self.t[0]), int(self.t.size))

    @property
    def healthy_peak(self) -> float | None:
        """Peak force of the healthy default muscle under the same drive (force unit), or None."""
        healthy = self.healthy_response
        return None if healthy is None else healthy.peak

    @property
    def length_rel(self) -> np.ndarray:
        """Muscle length relative to the optimal length on the time grid (constant in isometric runs)."""
        return self.state("length_rel")

    @property
    def total_force(self) -> np.ndarray:
        """Active plus passive force (force unit): what a force transducer in series records."""
        return self.force if self.passive_force is None else self.force + self.passive_force

    def state(self, name: str) -> np.ndarray:
        """Return one model state on the time grid.

        Parameters
        ----------
        name : str
            One of :data:`simlib.chain.STATE_NAMES`, e.g. ``"ca_sr"`` or ``"attached"``, or
            ``"ca_i"`` for free myoplasmic Ca²⁺ (same as :attr:`ca_i`; the model's state is
            total Ca²⁺, ``"ca_total"``).
        """
        if name == "ca_i":
            return self.ca_i
        if name not in STATE_NAMES:
            raise ParameterError(unknown_name_message(name, STATE_NAMES, kind="model state"))
        return self.states[:, STATE_NAMES.index(name)]

    @property
    def motoneuron_spikes(self) -> np.ndarray:
        """Times (s) of nerve spikes fired by the spinal motoneuron (commanded, reflex or self-sustained).

        Without origin labels (hand-made Results) every non-ectopic spike counts.
        """
        if self.nerve_spike_origins is None:
            return np.setdiff1d(self.nerve_spikes, self.ectopic_spikes, assume_unique=True)
        return self.nerve_spikes[np.isin(self.nerve_spike_origins, MOTONEURON_ORIGINS)]

    def spikes_from(self, origin: str) -> np.ndarray:
        """Return the times (s) of nerve spikes of one origin (see ``nerve_spike_origins``).

        Without origin labels (hand-made Results) non-ectopic spikes count as "self-sustained".
        """
        if origin not in SPIKE_ORIGINS:
            raise ParameterError(unknown_name_message(origin, SPIKE_ORIGINS, kind="spike origin"))
        if self.nerve_spike_origins is None:
            if origin == "ectopic":
                return self.ectopic_spikes
            return self.motoneuron_spikes if origin == "self-sustained" else np.empty(0)
        return self.nerve_spikes[self.nerve_spike_origins == origin]

    def metrics(self, *, healthy_peak: float | None = None) -> Metrics:
        """Summary numbers and the classification of this run (see :class:`simlib.Metrics`).

        ``healthy_peak`` overrides :attr:`healthy_peak` for the weakness test (which then compares
        the peak only, not the force held).
        """
        return compute_metrics(self, healthy_peak=healthy_peak)

    def to_csv(self, path: str | os.PathLike[str], *, overwrite: bool = True) -> None:
        """Write the time series to CSV with units in the column headers, atomically.

        Columns: time, force, then every model state (:data:`simlib.chain.STATE_NAMES`), with free
        myoplasmic Ca²⁺ (``ca_i``) just before the model's total Ca²⁺ (``ca_total``).

        Parameters
        ----------
        path : str or os.PathLike
            Output file; its directory must exist. An existing regular file is replaced (unless
            `overwrite` is False); a symbolic link or device is never replaced.
        overwrite : bool, keyword-only
            Replace an existing file (default True); with False an existing file is an error.

        Raises
        ------
        ParameterError
            If the file cannot be written (the message names the file and the reason, e.g. "No space
            left on device"), its directory does not exist, it is not a regular file, or it exists and
            `overwrite` is False. The previous file, if any, is then unchanged.

        Notes
        -----
        The rows go to a temporary file beside the target (``.simlib-tmp-*``), which is moved into
        place only once complete (:func:`simlib._fileio.atomic_write`): a full disk or an interrupt
        never leaves a truncated file or destroys the previous one.
        """
        try:
            target = Path(os.fspath(path))
        except TypeError:
            raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}") from None
        atomic_write(target, self._write_csv, overwrite=overwrite)

    def _write_csv(self, handle: BinaryIO) -> None:
        columns = {"t (s)": self.t, "force (normalised)": self.force}
        for name, unit in zip(STATE_NAMES, STATE_UNITS, strict=True):
            if name == "ca_total":  # the model's state; free Ca²⁺ (what indicators measure) goes with it
                columns["ca_i (µM)"] = self.ca_i
            if name != "force":
                columns[f"{name} ({unit})" if unit else f"{name} (fraction)"] = self.state(name)
        write_columns_csv(handle, columns)


def write_columns_csv(handle: BinaryIO, columns: dict[str, np.ndarray]) -> None:
    """Write equal-length columns as UTF-8 CSV to a binary file: one header row, values rounded to 9 decimals.

    Parameters
    ----------
    handle : binary file
        Open for writing (e.g. the temporary file of :func:`simlib._fileio.atomic_write`); the caller
        flushes, syncs and closes it.
    columns : dict of str to ndarray
        Column heading (with its unit) → values, all of the same length.
    """
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow(columns)
        writer.writerows(zip(*(np.round(col, 9) for col in columns.values()), strict=True))
        text.flush()
    finally:
        text.detach()
