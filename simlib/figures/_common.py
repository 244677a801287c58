"""Helpers shared by the figures: scenarios and cached runs, protocols, caption text, shading, counts."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from simlib import experiments, plotting
from simlib._plot_common import drive_window
from simlib.errors import ParameterError
from simlib.figures._registry import _unknown
from simlib.metrics import AFTER_DRIVE_DELAY_S
from simlib.parameters import SCENARIO_PARAMS
from simlib.presets import PRESETS
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.simulate import simulate

#: the chain's figures draw one motor unit unless given a pool: a preset name is that preset's single unit
_HEALTHY = Scenario(motor_units=1)
#: the library's defaults, from which a preset's changes are read (its unit count is not one of them)
_DEFAULTS = Scenario()


def _as_scenario(scenario: Scenario | str | None) -> Scenario:
    if scenario is None:
        return _HEALTHY
    if isinstance(scenario, str):
        if scenario not in PRESETS:
            raise ParameterError(_unknown("preset", scenario, PRESETS))
        return PRESETS[scenario].replace(motor_units=1)
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a simlib.Scenario, a preset name or None; got {type(scenario).__name__}")
    return scenario


@functools.lru_cache(maxsize=48)
def _run(sc: Scenario, output_dt_s: float = 1e-3) -> Result:
    """Simulate once per (scenario, output interval) in this process (slide and handout share runs)."""
    return simulate(sc, output_dt_s=output_dt_s)


def _preset_changes(name: str) -> dict[str, Any]:
    """Return the fields a preset changes relative to the healthy defaults."""
    preset, healthy = PRESETS[name].to_dict(), _DEFAULTS.to_dict()
    return {k: v for k, v in preset.items() if v != healthy[k]}


def _with_preset(base: Scenario, name: str) -> Scenario:
    """Return ``base`` with the changes that define preset ``name`` applied on top."""
    return base.replace(**_preset_changes(name))


def _fmt(value: object, unit: str = "") -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}" if unit else text


def _conditions(sc: Scenario, ignore: Iterable[str] = ()) -> str:
    """``"healthy defaults"`` or ``"defaults except ca_mM = 0.75 mM, ..."`` (fields in `ignore` left out).

    The defaults are the figures' own (:data:`_HEALTHY`, one motor unit): a figure drawn from a pool says so.
    """
    skip = set(ignore)
    changed = [(p, getattr(sc, p.name)) for p in SCENARIO_PARAMS
               if p.name not in skip and getattr(sc, p.name) != getattr(_HEALTHY, p.name)]
    if not changed:
        return "healthy defaults"
    return "healthy defaults except " + ", ".join(f"{p.name} = {_fmt(v, p.unit)}" for p, v in changed)


_DRIVE_FIELDS = ("drive", "rate_hz", "drive_start_s", "drive_s", "duration_s", "stretch_at_s")


def _capital(text: str) -> str:
    """Capitalise the first letter only (``str.capitalize`` would turn "Hz" into "hz")."""
    return text[:1].upper() + text[1:]


def _drive_text(sc: Scenario) -> str:
    """Describe the drive: ``"a 1 s voluntary command at 20 Hz from 0.2 s"`` (or "no drive")."""
    if sc.rate_hz <= 0 or sc.drive_s <= 0:
        return "no drive"
    kind = "voluntary command" if sc.drive == "voluntary" else "nerve stimulation"
    return f"a {sc.drive_s:g} s {kind} at {sc.rate_hz:g} Hz from {sc.drive_start_s:g} s"


def _options(**kwargs: tuple[object, object]) -> tuple[tuple[str, object], ...]:
    """Keyword options that differ from their defaults: ``name=(value, default)``."""
    return tuple((k, v) for k, (v, d) in kwargs.items() if v != d)


def _floats(values: Iterable[float], what: str) -> tuple[float, ...]:
    out = tuple(float(v) for v in values)
    if not out:
        raise ParameterError(f"{what} must not be empty")
    return out


def _shade(ax: Axes, res: Result, label: str | None = "drive on") -> None:
    """Shade the drive window of a run (:func:`simlib.plotting.shade_drive`'s window, drawn as a span)."""
    window = drive_window(res)
    if window is not None:
        ax.axvspan(*window, color=plotting.DRIVE_SHADE, alpha=plotting.DRIVE_ALPHA, lw=0, zorder=0,
                   label=label, gid="drive")


def _after_drive(res: Result) -> float:
    """Start (s) of the after-drive window of the metrics (:data:`simlib.metrics.AFTER_DRIVE_DELAY_S`)."""
    return min(res.scenario.drive_end_s + AFTER_DRIVE_DELAY_S, float(res.t[-1]))


def _count_between(times: np.ndarray, start: float, end: float) -> int:
    """Count the spike times in the half-open window ``[start, end)`` (s).

    Half-open, unlike the closed ``[start, end]`` count of :mod:`simlib.metrics`: the drug comparison counts
    muscle action potentials in ``[drive start, drive end + 0.5 s)``, and the after-drive counts end just
    after the last sample. Kept as the figures have always counted, so their numbers do not change.
    """
    times = np.asarray(times, dtype=float)
    return int(np.count_nonzero((times >= start) & (times < end)))


def _spikes_after_drive(res: Result) -> tuple[int, int, int]:
    """(commanded-or-reflex nerve, ectopic nerve, muscle) spikes in the after-drive window."""
    start, end = _after_drive(res), float(res.t[-1]) + 1e-9
    return (_count_between(res.motoneuron_spikes, start, end), _count_between(res.ectopic_spikes, start, end),
            _count_between(res.muscle_spikes, start, end))



# --- stimulation protocols --------------------------------------------------------------------------

_STIM_AT_S = 0.1


def _train(sc: Scenario, rate_hz: float, train_s: float, duration_s: float) -> Scenario:
    """Return `sc` with a train of nerve stimuli (rate Hz, train s) from 0.1 s, in a run of `duration_s` (s)."""
    return sc.replace(drive="stimulation", rate_hz=rate_hz, drive_start_s=_STIM_AT_S, drive_s=train_s,
                      duration_s=duration_s, stretch_at_s=None)


def _single_stimulus(sc: Scenario, duration_s: float = 1.0) -> Scenario:
    """One supramaximal nerve stimulus at 0.1 s (the protocol of :func:`simlib.twitch`): a 1 Hz train for 0.5 s."""
    return _train(sc, 1.0, 0.5, duration_s)


@functools.lru_cache(maxsize=16)
def _force_frequency(sc: Scenario, rates: tuple[float, ...]) -> np.ndarray:
    out = experiments.force_frequency(sc, rates)
    out.setflags(write=False)
    return out


def _twitch_text(tw: experiments.Twitch) -> str:
    """Describe a twitch: contraction time, half-relaxation and peak (or that there was none)."""
    if not math.isfinite(tw.contraction_time_ms):
        return f"no twitch (peak {tw.peak_force:.2f})"
    relax = "never relaxes to half" if math.isinf(tw.half_relaxation_ms) else \
        f"half-relaxation {tw.half_relaxation_ms:.0f} ms"
    return f"contraction time {tw.contraction_time_ms:.0f} ms, {relax}, twitch peak {tw.peak_force:.2f}"


def _crossing(x: Sequence[float], y: np.ndarray, level: float) -> str:
    """Where ``y`` first reaches ``level``, interpolated, as text (``"14 Hz"``)."""
    y = np.asarray(y, dtype=float)
    if float(np.max(y, initial=0.0)) < 0.01:
        return "no rate (no measurable force)"
    above = np.nonzero(y >= level)[0]
    if above.size == 0:
        return "no rate shown"
    i = int(above[0])
    if i == 0:
        return f"{x[0]:g} Hz or below"
    x0, x1, y0, y1 = x[i - 1], x[i], y[i - 1], y[i]
    return f"about {x0 + (level - y0) * (x1 - x0) / (y1 - y0):.0f} Hz"

