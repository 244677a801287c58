"""Figures ``emg_cramp_contracture`` and ``recruitment_and_train_of_four``: what the EMG and a pool tell."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simlib import plotting
from simlib.emg import emg
from simlib.emg_plots import RMS_WINDOW_S, force_emg_alt_text, m_wave_curve_alt_text, plot_force_emg, plot_m_wave_curve
from simlib.figures._common import (
    _DRIVE_FIELDS,
    _as_scenario,
    _capital,
    _conditions,
    _floats,
    _options,
    _run,
    _with_preset,
)
from simlib.figures._registry import FigureInfo, _register
from simlib.figures._style import (
    _MODEL_NOTE,
    HouseStyle,
    _finish,
    _house_legends,
    _house_style,
    _new_figure,
    _panel_title,
    _rc,
    _two_panels,
)
from simlib.pool.experiments import TrainOfFour, recruitment_curve, train_of_four
from simlib.result import Result
from simlib.scenario import Scenario

#: motor units of both figures' pools: a first dorsal interosseous (Feinstein et al. 1955), as in lessons 10, 12, 15
_MOTOR_UNITS = 120

# --- emg_cramp_contracture ----------------------------------------------------------------------------

_EMG_TITLE = "Cramp or contracture: the surface EMG"
#: Columns, left to right: (preset, label); both runs last 5 s, as in lesson 05
_EMG_COLUMNS = (("exercise_cramp", "Exercise cramp"), ("atp_depletion", "No ATP (contracture)"))
_EMG_DURATION_S = 5.0
#: lesson 05 reads force and EMG RMS over the last 2 s of the runs, well after the drive
_LATE_S = (3.0, 5.0)


@_register(_EMG_TITLE, "force above the surface EMG and its moving RMS for an exercise cramp (electrically "
           "active) and a no-ATP contracture (electrically silent); needs presets exercise_cramp, atp_depletion")
def emg_cramp_contracture(scenario: Scenario | str | None = None, *, style: str = "slide") -> Figure:
    """Draw force above the surface EMG for a cramp and for a contracture (lesson 05).

    The two runs are the presets ``exercise_cramp`` and ``atp_depletion``, their changes applied on top
    of `scenario`, each 5 s long, each a muscle of :data:`_MOTOR_UNITS` motor units: the surface EMG sums
    the units' asynchronous action potentials, as a clinician records it.

    Parameters
    ----------
    scenario : Scenario or str, optional
        Base scenario; healthy defaults when None.
    style : {'slide', 'handout'}
        House style.

    Returns
    -------
    matplotlib.figure.Figure
        2 × 2 axes (:func:`simlib.plotting.plot_force_emg`): force (gid ``force``) above the EMG (gid
        ``emg``) and its moving RMS (gid ``emg_rms``), the cramp left and the contracture right.
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    runs = tuple((label, _with_preset(base, preset).replace(duration_s=_EMG_DURATION_S, motor_units=_MOTOR_UNITS))
                 for preset, label in _EMG_COLUMNS)
    results = {label: _run(sc) for label, sc in runs}
    fig, axes = _new_figure(hs, 2, 2, handout_height_in=4.4, sharex="col", sharey="row")
    with mpl.rc_context(_rc(hs)):
        plot_force_emg(results, axes=axes)
        _house_lines(fig, hs, ("force", "emg_rms"))
        for ax, (label, _) in zip(axes[0], runs, strict=True):
            ax.set_title("")  # the plot's centred title; the house title is on the left
            _panel_title(ax, label, hs)
        handles, _ = axes[1, -1].get_legend_handles_labels()
        axes[1, -1].get_legend().remove()  # under the panels, it hides no trace
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    late = [(_mean_between(res, *_LATE_S), emg(res).rms_value(*_LATE_S)) for res in results.values()]
    parts = [f"{label}: force {force:.2f} and EMG RMS {rms:.2f} mV from {_LATE_S[0]:g} to {_LATE_S[1]:g} s"
             for (label, _), (force, rms) in zip(runs, late, strict=True)]
    caption = (
        f"{_EMG_TITLE}. Force (top, black) above the surface EMG (bottom, blue) and its {1000 * RMS_WINDOW_S:g} ms "
        f"moving RMS (vermillion, dashed), drive shaded. Left: preset exercise_cramp, a fatigued muscle with strong "
        f"persistent inward currents; the spinal motoneuron keeps firing after the command ends, so the cramp is "
        f"electrically active. Right: preset atp_depletion; without ATP Ca²⁺ is not pumped back and cross-bridges "
        f"cannot detach, so force stays while the EMG falls silent: a contracture (Miller & Layzer 2005; lesson "
        f"05). {_MOTOR_UNITS} motor units. {'; '.join(parts)}. Base conditions: "
        f"{_conditions(base, ('motor_units',))}. {_MODEL_NOTE}"
    )
    info = FigureInfo("emg_cramp_contracture", _EMG_TITLE, caption, force_emg_alt_text(results), style, base,
                      runs=runs, presets=tuple(p for p, _ in _EMG_COLUMNS))
    return _finish(fig, hs, info)


def _house_lines(fig: Figure, hs: HouseStyle, gids: tuple[str, ...]) -> None:
    """Give the lines with these gids (drawn by a notebook plot helper) the house line width and marker size."""
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_gid() in gids:
                line.set_linewidth(hs.linewidth)
                line.set_markersize(hs.markersize)


def _mean_between(res: Result, start: float, end: float) -> float:
    """Mean force of ``res`` from ``start`` to ``end`` (s)."""
    window = (res.t >= start) & (res.t <= end)
    return float(res.force[window].mean())


# --- recruitment_and_train_of_four --------------------------------------------------------------------

_POOL_TITLE = "Recruitment and the train-of-four"
#: stimulus intensities of lesson 10 (V) and receptor blocks of the train-of-four (fraction of receptors)
_VOLTS = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0)
_BLOCKS = (0.0, 0.2, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85)
#: a train-of-four ratio below this is residual block (Murphy & Brull 2010)
_RESIDUAL_RATIO = 0.9
_POOL_FIELDS = (*_DRIVE_FIELDS, "motor_units", "stimulus_v", "receptor_block")


@_register(_POOL_TITLE, "twitch force and M-wave against stimulus intensity of a 120-unit pool, and its "
           "train-of-four ratio and first twitch against ACh receptor block")
def recruitment_and_train_of_four(scenario: Scenario | str | None = None, *, style: str = "slide",
                                  stimulus_v: Sequence[float] = _VOLTS,
                                  receptor_blocks: Sequence[float] = _BLOCKS) -> Figure:
    """Draw the recruitment curve and the train-of-four fade of a pool of 120 motor units (lessons 10, 12).

    Parameters
    ----------
    scenario : Scenario or str, optional
        Conditions; its pool is set to 120 motor units, its drive replaced by single impulses
        (:func:`simlib.recruitment_curve`) and by trains-of-four (:func:`simlib.train_of_four`).
        Healthy defaults when None.
    style : {'slide', 'handout'}
        House style.
    stimulus_v : sequence of float
        Stimulus intensities of the recruitment curve (V, 0-20).
    receptor_blocks : sequence of float
        ACh receptor blocks of the train-of-four (fraction of receptors, 0-1).

    Returns
    -------
    matplotlib.figure.Figure
        Three axes: M-wave (gid ``m_wave``) and, on a twin axis, twitch force (gid ``twitch``) against
        intensity; train-of-four ratio (gid ``tof_ratio``), first twitch as a fraction of the unblocked
        one (gid ``first_twitch``) and the residual-block line (gid ``residual_block``) against block.
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    volts, blocks = _floats(stimulus_v, "stimulus_v"), _floats(receptor_blocks, "receptor_blocks")
    pool = base.replace(motor_units=_MOTOR_UNITS)
    curve = recruitment_curve(pool, volts)
    tofs = [train_of_four(pool.replace(receptor_block=b)) for b in blocks]
    control = float(train_of_four(pool.replace(receptor_block=0.0)).responses[0])
    first = np.array([float(t.responses[0]) / control for t in tofs])
    fig, ax_r, ax_t = _two_panels(hs, handout_height_in=5.4)
    with mpl.rc_context(_rc(hs)):
        plot_m_wave_curve(curve, ax_r)
        _house_lines(fig, hs, ("m_wave", "twitch"))
        _draw_tof(ax_t, blocks, tofs, first)
        _house_legends(fig, (ax_r, ax_t), columns=1)
        _panel_title(ax_r, f"Recruitment curve ({_MOTOR_UNITS} motor units)", hs)
        _panel_title(ax_t, "Train-of-four fade", hs)
    panels = ("Left", "Right") if hs.name == "slide" else ("Top", "Bottom")
    caption = _pool_caption(base, (curve.m_wave_mV, curve.peak_force), volts, blocks, (tofs, first), panels)
    alt = (f"{panels[0]} panel. {m_wave_curve_alt_text(curve)} {panels[1]} panel. "
           f"{_tof_alt_text(blocks, tofs, first)}")
    info = FigureInfo("recruitment_and_train_of_four", _POOL_TITLE, caption, alt, style, base,
                      runs=(("recruitment curve (single impulses)", pool),)
                      + tuple((f"train-of-four, receptor block {b:g}", pool.replace(receptor_block=b)) for b in blocks),
                      settings=(("stimulus_v", ", ".join(f"{v:g}" for v in volts)),
                                ("receptor_blocks", ", ".join(f"{b:g}" for b in blocks))),
                      options=_options(stimulus_v=(volts, _VOLTS), receptor_blocks=(blocks, _BLOCKS)))
    return _finish(fig, hs, info)


def _draw_tof(ax: Axes, blocks: tuple[float, ...], tofs: list[TrainOfFour], first: np.ndarray) -> None:
    """TOF ratio (vermillion, solid), first twitch / unblocked (blue, dashed), residual-block line (dotted)."""
    ratios = np.array([t.ratio for t in tofs])
    shown = np.isfinite(ratios)
    ax.plot(np.array(blocks)[shown], ratios[shown], color=plotting.VERMILLION, marker="o", gid="tof_ratio",
            label="TOF ratio T4/T1")
    ax.plot(blocks, first, color=plotting.BLUE, ls="--", marker="s", gid="first_twitch",
            label="first twitch T1 / unblocked")
    ax.axhline(_RESIDUAL_RATIO, color=plotting.BLACK, ls=":", gid="residual_block",
               label=f"ratio {_RESIDUAL_RATIO:g}: below is residual block")
    ax.set_xlim(min(blocks) - 0.02, max(blocks) + 0.02)
    ax.set_ylim(0.0, 1.05)
    ax.set_xlabel("ACh receptor block (fraction)")
    ax.set_ylabel("Ratio (fraction)")


def _first_residual(blocks: tuple[float, ...], tofs: list[TrainOfFour]) -> int | None:
    """Index of the smallest block whose TOF ratio is below the residual-block line (None if none is)."""
    below = [i for i, t in enumerate(tofs) if math.isfinite(t.ratio) and t.ratio < _RESIDUAL_RATIO]
    return min(below, key=lambda i: blocks[i]) if below else None


def _pool_caption(base: Scenario, recruitment: tuple[np.ndarray, np.ndarray], volts: tuple[float, ...],
                  blocks: tuple[float, ...], fade: tuple[list[TrainOfFour], np.ndarray],
                  panels: tuple[str, str]) -> str:
    """Write the caption, with the largest M-wave and twitch and the first dose of residual block.

    ``recruitment`` is (M-wave (mV), twitch) at each intensity, ``fade`` the train-of-four at each block
    and its first twitch as a fraction of the unblocked one, ``panels`` the two panels' positions.
    """
    (m_wave, twitch), (tofs, first) = recruitment, fade
    i = _first_residual(blocks, tofs)
    residual = ("no dose drawn leaves a ratio below 0.9" if i is None else
                f"from a block of {blocks[i]:g} the ratio is {tofs[i].ratio:.2f}, below 0.9, while the first twitch "
                f"is still {100 * first[i]:.0f} % of the unblocked one: a single twitch looks normal, yet the "
                f"block is residual (Murphy & Brull 2010)")
    return (
        f"{_POOL_TITLE}. {panels[0]}: a pool of {_MOTOR_UNITS} motor units given single nerve impulses from "
        f"{min(volts):g} to {max(volts):g} V (lesson 10): as the intensity rises more axons are excited, so the "
        f"M-wave of the surface EMG (blue, left axis) and the twitch force (vermillion, dashed, right axis) grow "
        f"together along one S-shaped curve up to the maximal stimulus ({float(np.max(m_wave)):.1f} mV, twitch "
        f"{float(np.max(twitch)):.2f}). {panels[1]}: the same pool's train-of-four (four impulses at 2 Hz) under ACh "
        f"receptor blocks from {min(blocks):g} to {max(blocks):g} (lesson 12): the ratio of the fourth response to "
        f"the first (vermillion) fades under a partial non-depolarising block, long before the first twitch "
        f"(blue, dashed, fraction of the unblocked twitch) falls; {residual}. The dotted line is a ratio of 0.9. "
        f"Conditions: {_conditions(base, _POOL_FIELDS)}. {_MODEL_NOTE}"
    )


def _tof_alt_text(blocks: tuple[float, ...], tofs: list[TrainOfFour], first: np.ndarray) -> str:
    """Describe the train-of-four panel in words, with every dose's ratio, first twitch and count."""
    points = [f"block {b:g}: ratio {'none' if math.isnan(t.ratio) else f'{t.ratio:.2f}'}, first twitch "
              f"{100 * f:.0f} %, count {t.count}" for b, t, f in zip(blocks, tofs, first, strict=True)]
    i = _first_residual(blocks, tofs)
    verdict = ("No ratio falls below the line." if i is None
               else f"The ratio first falls below the 0.9 line at a block of {blocks[i]:g}.")
    return (f"Line plot of the train-of-four ratio (vermillion circles, solid) and the first twitch as a fraction "
            f"of the unblocked one (blue squares, dashed) against ACh receptor block from {min(blocks):g} to "
            f"{max(blocks):g}, with a dotted horizontal line at a ratio of {_RESIDUAL_RATIO:g} (below it: residual "
            f"block). "
            f"{_capital('; '.join(points))}. {verdict}")
