"""Figures ``twitch_summation_tetanus`` and ``force_frequency``: trains of nerve stimuli and the force they make."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from simlib import plotting
from simlib._plot_common import FORCE_LABEL, TIME_LABEL, force_ylim
from simlib.figures._common import (
    _DRIVE_FIELDS,
    _STIM_AT_S,
    _as_scenario,
    _conditions,
    _crossing,
    _floats,
    _force_frequency,
    _options,
    _run,
    _single_stimulus,
    _train,
)
from simlib.figures._registry import FigureInfo, _register
from simlib.figures._style import _DASHES, _MODEL_NOTE, _finish, _house_style, _new_figure, _rc
from simlib.metrics import force_ripple
from simlib.result import Result
from simlib.scenario import Scenario


def _ripple(res: Result) -> float:
    """Peak-to-trough force ripple over the second half of the drive, relative to its mean."""
    return force_ripple(res.t, res.force, res.scenario.drive_start_s, res.scenario.drive_end_s)


@_register("Twitch, summation and tetanus", "force after one stimulus and during trains at two rates")
def twitch_summation_tetanus(scenario: Scenario | str | None = None, *, style: str = "slide",
                             rates_hz: Sequence[float] = (10.0, 80.0)) -> Figure:
    """Draw a single twitch and two stimulation trains, overlaid: summation and fused tetanus.

    Protocol: the conditions of `scenario` (its drive settings are replaced) with the motor nerve
    stimulated electrically from 0.1 s, once (single twitch, the protocol of :func:`simlib.twitch`)
    and for 1 s at each rate in `rates_hz`; 1.6 s runs.

    Parameters
    ----------
    scenario : Scenario or str, optional
        Conditions (electrolytes, temperature, ATP, drugs); healthy defaults when None.
    style : {'slide', 'handout'}
        House style.
    rates_hz : sequence of float, default (10, 80)
        Train rates (Hz): a low one that shows summation with ripple, a high one that fuses.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with ``1 + len(rates_hz)`` force lines (gids ``force:single``, ``force:<rate>hz``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    rates = _floats(rates_hz, "rates_hz")
    duration = _STIM_AT_S + 1.0 + 0.5
    runs = [("single stimulus", _single_stimulus(base, duration))]
    runs += [(f"{r:g} Hz train", _train(base, r, 1.0, duration)) for r in rates]
    results = [_run(sc) for _, sc in runs]
    fig, axes = _new_figure(hs, handout_height_in=2.6)
    ax = axes[0, 0]
    with mpl.rc_context(_rc(hs)):
        ax.axvspan(_STIM_AT_S, _STIM_AT_S + 1.0, color=plotting.DRIVE_SHADE, alpha=plotting.DRIVE_ALPHA, lw=0,
                   zorder=0, label="trains on", gid="drive")
        colours = [plotting.BLACK, *(c for c in plotting.LINE_COLOURS if c != plotting.BLACK)]
        for i, ((label, _), res) in enumerate(zip(runs, results, strict=True)):
            gid = "force:single" if i == 0 else f"force:{rates[i - 1]:g}hz"
            ax.plot(res.t, res.force, color=colours[i % len(colours)], ls=_DASHES[i % len(_DASHES)],
                    label=label, gid=gid)
        ax.set_xlabel(TIME_LABEL)
        ax.set_ylabel(FORCE_LABEL)
        ax.set_xlim(0.0, duration)
        ax.set_ylim(*force_ylim(*(r.force for r in results)))
        if hs.name == "slide":
            ax.legend(loc="upper right")
        else:
            fig.legend(handles=ax.get_legend_handles_labels()[0], loc="outside lower center", ncols=2,
                       handlelength=1.6, columnspacing=1.0)
    peaks = [float(r.force.max()) for r in results]
    ripples = [_ripple(r) for r in results[1:]]
    title = "Twitch, summation and tetanus"
    trains = "; ".join(f"{r:g} Hz: peak {p:.2f}, ripple {100 * q:.0f} %" for r, p, q in
                       zip(rates, peaks[1:], ripples, strict=True))
    caption = (
        f"{title}. Force after a single supramaximal nerve stimulus at {_STIM_AT_S:g} s (a twitch) and during "
        f"1 s stimulation trains (grey band) at {', '.join(f'{r:g}' for r in rates)} Hz. When stimuli come "
        "faster than the fibre relaxes, twitches add up (summation); at high rates they fuse into a smooth "
        f"tetanus. Single twitch peak {peaks[0]:.2f}; {trains} (ripple: peak-to-trough over the second half "
        f"of the train, relative to its mean). Conditions: {_conditions(base, _DRIVE_FIELDS)}. {_MODEL_NOTE}"
    )
    alt = (
        f"Line graph of force against time from 0 to {duration:g} seconds with {len(runs)} lines. A single "
        f"stimulus gives a brief twitch peaking at {peaks[0]:.2f}. "
        + " ".join(f"The {r:g} hertz train builds up to {p:.2f} with ripple of {100 * q:.0f} percent."
                   for r, p, q in zip(rates, peaks[1:], ripples, strict=True))
        + " Force is normalised so that 1 is the healthy maximal tetanus."
    )
    info = FigureInfo("twitch_summation_tetanus", title, caption, alt, style, base, runs=tuple(runs),
                      settings=(("rates_hz", ", ".join(f"{r:g}" for r in rates)),),
                      options=_options(rates_hz=(rates, (10.0, 80.0))))
    return _finish(fig, hs, info)


# --- 3. force-frequency -----------------------------------------------------------------------------

_FF_RATES_HZ = (1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 80.0, 100.0)


@_register("Force–frequency relation", "peak force of a 1 s train against stimulation rate")
def force_frequency(scenario: Scenario | str | None = None, *, style: str = "slide",
                    rates_hz: Sequence[float] = _FF_RATES_HZ) -> Figure:
    """Peak force of a 1 s nerve-stimulation train against its rate (:func:`simlib.force_frequency`).

    Parameters
    ----------
    scenario : Scenario or str, optional
        Conditions; its drive settings are replaced by the train. Healthy defaults when None.
    style : {'slide', 'handout'}
        House style.
    rates_hz : sequence of float
        Stimulation rates (Hz, 0-150).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one line (gid ``force_frequency``) with a marker at each rate.
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    rates = _floats(rates_hz, "rates_hz")
    peaks = _force_frequency(base, rates)
    fig, axes = _new_figure(hs, handout_height_in=2.6)
    ax = axes[0, 0]
    with mpl.rc_context(_rc(hs)):
        ax.plot(rates, peaks, marker="o", color=plotting.BLUE, gid="force_frequency", label="peak force")
        ax.set_xlabel("Stimulation rate (Hz)")
        ax.set_ylabel("Peak force (normalised;\n1 = max. tetanus)")
        ax.set_xlim(0.0, max(rates) * 1.03)
        ax.set_ylim(*force_ylim(peaks))
    half = _crossing(rates, peaks, 0.5 * float(np.max(peaks)))
    title = "Force–frequency relation"
    caption = (
        f"{title}. Peak force of a 1 s train of supramaximal nerve stimuli at each rate ({len(rates)} rates, "
        f"{min(rates):g}–{max(rates):g} Hz). Force grows with rate because twitches summate and then fuse; "
        f"it saturates once the tetanus is fused. Half of the largest force is reached at {half}. "
        f"Conditions: {_conditions(base, _DRIVE_FIELDS)}. {_MODEL_NOTE}"
    )
    alt = (
        f"Line graph with markers of peak force against stimulation rate from {min(rates):g} to {max(rates):g} "
        "hertz. Force (1 = healthy maximal tetanus) is "
        + ", ".join(f"{peaks[i]:.2f} at {rates[i]:g} hertz" for i in sorted({0, len(rates) // 2, len(rates) - 1}))
        + f"; the largest, {float(np.max(peaks)):.2f}, is reached at {rates[int(np.argmax(peaks))]:g} hertz and half "
        f"of it at {half}."
    )
    info = FigureInfo("force_frequency", title, caption, alt, style, base,
                      runs=tuple((f"{r:g} Hz train", _train(base, r, 1.0, 1.6)) for r in rates),
                      settings=(("rates_hz", ", ".join(f"{r:g}" for r in rates)),),
                      options=_options(rates_hz=(rates, _FF_RATES_HZ)))
    return _finish(fig, hs, info)


