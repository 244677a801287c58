"""Figures ``cramp_and_stretch`` and ``cramp_vs_contracture``: involuntary force with and without spikes."""

from __future__ import annotations

from matplotlib.figure import Figure

from simlib.figures._common import (
    _as_scenario,
    _capital,
    _conditions,
    _drive_text,
    _run,
    _spikes_after_drive,
    _with_preset,
)
from simlib.figures._raster import _RASTER_COLOURS, _raster_force_columns
from simlib.figures._registry import FigureInfo, _register
from simlib.figures._style import _MODEL_NOTE, _finish, _house_style
from simlib.scenario import Scenario

#: Presets of the two runs of :func:`cramp_and_stretch`: (preset, label).
_CRAMP_RUNS = (("exercise_cramp", "cramp"), ("cramp_stretch", "cramp + stretch"))
#: Columns of :func:`cramp_vs_contracture`, left to right: (preset, label).
_SPASM_COLUMNS = (("exercise_cramp", "Cramp"), ("spasticity", "Spasticity"), ("atp_depletion", "Contracture (no ATP)"))


@_register("A cramp, and stretch stopping it", "spinal motoneuron keeps firing after the drive; a passive "
           "stretch stops it (needs presets exercise_cramp, cramp_stretch)")
def cramp_and_stretch(scenario: Scenario | str | None = None, *, style: str = "slide") -> Figure:
    """Draw an exercise-associated cramp without and with a passive stretch.

    The two runs are the presets ``exercise_cramp`` and ``cramp_stretch``, their changes applied on
    top of `scenario`.

    Parameters
    ----------
    scenario : Scenario or str, optional
        Base scenario; healthy defaults when None.
    style : {'slide', 'handout'}
        House style.

    Returns
    -------
    matplotlib.figure.Figure
        2 × 2 axes: spike rasters (top) and force (bottom), without stretch (left) and with (right);
        one force line per column (gid ``force:<label>``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    runs = tuple((label, _with_preset(base, preset)) for preset, label in _CRAMP_RUNS)
    results = [_run(sc) for _, sc in runs]
    fig, _ = _raster_force_columns(hs, runs, results, [f"force:{label}" for label, _ in runs])
    m = [r.metrics() for r in results]
    spikes = [_spikes_after_drive(r) for r in results]
    title = "A cramp, and stretch stopping it"
    what = (f"Top: spike rasters; bottom: force. Left: preset exercise_cramp (classified {m[0].classification}); "
            f"right: preset cramp_stretch, with a passive stretch at {runs[1][1].stretch_at_s:g} s (dashed "
            f"line; classified {m[1].classification}). In a cramp the spinal motoneuron keeps firing by itself "
            "after the voluntary drive ends (reflex excitation from muscle spindles, persistent inward "
            f"currents); stretching activates Golgi tendon organs, whose inhibition stops it. {_RASTER_COLOURS}")
    caption = f"{title}. {what} Base conditions: {_conditions(base)}. {_MODEL_NOTE}"
    described = []
    for (label, _), x, (n_cmd, n_ect, n_mus) in zip(runs, m, spikes, strict=True):
        described.append(f"{_capital(label)}: {n_cmd} motoneuron or reflex nerve impulses, {n_ect} ectopic nerve "
                         f"impulses and {n_mus} muscle action potentials after the drive; force peaks at "
                         f"{x.peak_force:.2f} and averages {x.force_after_drive:.2f} after the drive.")
    alt = "Four panels in two columns: spike rasters above force traces against time. " + " ".join(described)
    info = FigureInfo("cramp_and_stretch", title, caption, alt, style, base, runs=runs,
                      presets=tuple(p for p, _ in _CRAMP_RUNS))
    return _finish(fig, hs, info)


@_register("Spasm or contracture: is the muscle electrically active?", "cramp and spasticity with nerve and "
           "muscle spikes vs electrically silent contracture")
def cramp_vs_contracture(scenario: Scenario | str | None = None, *, style: str = "slide") -> Figure:
    """Sustained involuntary force with and without muscle action potentials.

    Columns (each the preset's changes applied on top of `scenario`): ``exercise_cramp`` (a cramp:
    the spinal motoneuron keeps firing), ``spasticity`` (a tripled stretch reflex: a passive stretch
    evokes reflex firing) and ``atp_depletion`` (contracture: force without action potentials).

    Parameters
    ----------
    scenario : Scenario or str, optional
        Base scenario; healthy defaults when None.
    style : {'slide', 'handout'}
        House style.

    Returns
    -------
    matplotlib.figure.Figure
        2 × 3 axes: spike rasters (top) and force (bottom); one force line per column.
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    columns = _SPASM_COLUMNS
    runs = tuple((label, _with_preset(base, preset)) for preset, label in columns)
    results = [_run(sc) for _, sc in runs]
    n = len(runs)
    fig, _ = _raster_force_columns(hs, runs, results, [f"force:{preset}" for preset, _ in columns])
    m = [r.metrics() for r in results]
    spikes = [_spikes_after_drive(r) for r in results]
    title = "Cramp or contracture: is the muscle electrically active?"
    parts = []
    for (preset, label), x, s in zip(columns, m, spikes, strict=True):
        parts.append(f"{label} (preset {preset}): force {x.force_after_drive:.2f} after the drive with {s[0] + s[1]} "
                     f"nerve impulses ({s[1]} ectopic) and {s[2]} muscle action potentials; classified "
                     f"{x.classification}")
    explain = ("A cramp is driven by the spinal motoneuron, which keeps firing, so nerve and muscle action "
               "potentials continue (active EMG)")
    caption = (
        f"{title}. Spike rasters (top) and force (bottom) after {_drive_text(base)} (grey band), on one time axis. "
        f"{_RASTER_COLOURS} {explain}; in a "
        "contracture force persists with the muscle electrically silent, because without ATP Ca²⁺ is not pumped "
        f"back and cross-bridges cannot detach. {'; '.join(parts)}. Base conditions: {_conditions(base)}. "
        f"{_MODEL_NOTE}"
    )
    alt = (f"{2 * n} panels in {n} columns: spike rasters above force traces against time. " + ". ".join(
        f"{label}: {s[0] + s[1]} nerve impulses and {s[2]} muscle action potentials after the drive, force "
        f"{x.force_after_drive:.2f} after the drive"
        for (_, label), x, s in zip(columns, m, spikes, strict=True)) + ".")
    info = FigureInfo("cramp_vs_contracture", title, caption, alt, style, base, runs=runs,
                      presets=tuple(p for p, _ in columns))
    return _finish(fig, hs, info)
