"""Plots of the surface EMG (re-exported by :mod:`simlib.plotting`), each with an alt-text function.

- :func:`plot_force_emg`: force above EMG for one or more runs (cramp against contracture: force
  with and without electrical activity); alt text :func:`force_emg_alt_text`.
- :func:`plot_m_wave_curve`: M-wave amplitude and twitch force against stimulus intensity (the
  recruitment curve seen electrically and mechanically); alt text :func:`m_wave_curve_alt_text`.

Colours and dashes are those of :mod:`simlib.palette` (Okabe-Ito, colour-blind safe): the EMG is
blue and solid, its moving RMS vermillion and dashed, force black.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simlib import emg as _emg
from simlib._plot_common import FORCE_LABEL, TIME_LABEL, shade_drive
from simlib.metrics import AFTER_DRIVE_DELAY_S, drive_window
from simlib.palette import BLACK, BLUE, VERMILLION, apply_style, new_axes

if TYPE_CHECKING:
    from simlib.pool.experiments import RecruitmentCurve
    from simlib.result import Result

__all__ = ["EMG_LABEL", "force_emg_alt_text", "m_wave_curve_alt_text", "plot_force_emg", "plot_m_wave_curve"]

EMG_LABEL = "EMG (mV)"
#: moving-RMS window of the plots (s)
RMS_WINDOW_S = 0.1


def plot_force_emg(runs: Mapping[str, Result], *, window_s: float = RMS_WINDOW_S,
                   axes: np.ndarray | None = None) -> Figure:
    """Plot force above the surface EMG and its moving RMS for each run, one column per run.

    Parameters
    ----------
    runs : mapping of str to simlib.Result
        Title -> run (e.g. ``{"cramp": ..., "contracture": ...}``).
    window_s : float, optional
        Moving-RMS window (s).
    axes : numpy.ndarray of matplotlib.axes.Axes, optional
        A 2 × len(runs) array of axes to draw on (force row above EMG row; share x by column and y by
        row for one scale); a new pyplot figure is made when None.

    Returns
    -------
    matplotlib.figure.Figure
        Two rows of axes (force, gid ``"force"``; EMG, gid ``"emg"``, and its RMS, gid ``"emg_rms"``)
        and one column per run; the drive window is shaded; the EMG axes share one scale. Alt text:
        :func:`force_emg_alt_text`.
    """
    items = list(runs.items())
    n = max(len(items), 1)
    with apply_style():
        if axes is None:
            fig, axes = plt.subplots(2, n, figsize=(4.2 * n, 4.6), sharex="col", sharey="row", layout="constrained",
                                     squeeze=False)
        else:
            axes = np.asarray(axes, dtype=object)
            if axes.shape != (2, n):
                raise ValueError(f"axes must be a 2 x {n} array (force above EMG, one column per run); "
                                 f"got shape {axes.shape}")
            fig = axes[0, 0].figure
        for col, (title, res) in enumerate(items):
            trace = _emg.emg(res)
            top, bottom = axes[0, col], axes[1, col]
            top.plot(res.t, res.force, color=BLACK, lw=1.5, gid="force")
            (emg_line,) = bottom.plot(trace.t, trace.mv, color=BLUE, lw=0.6, gid="emg", label="EMG")
            (rms_line,) = bottom.plot(trace.t, trace.rms(window_s), color=VERMILLION, ls="--", lw=1.5,
                                      gid="emg_rms", label=f"moving RMS ({1000 * window_s:g} ms)")
            for ax in (top, bottom):
                shade_drive(res, ax)
                ax.set_xlim(float(res.t[0]), float(res.t[-1]))
            top.set_title(title)
            bottom.set_xlabel(TIME_LABEL)
        axes[0, 0].set_ylabel(FORCE_LABEL)
        axes[1, 0].set_ylabel(EMG_LABEL)
        if items:
            axes[1, -1].legend(handles=[emg_line, rms_line], loc="lower right", framealpha=0.9)
    return fig


def _after_drive_rms(res: Result, trace: _emg.EMG) -> tuple[float, float, float]:
    """Return the EMG RMS during the drive and after it (mV), and the force after it."""
    start, end = drive_window(res.protocol, float(res.t[-1]))
    after = min(end + AFTER_DRIVE_DELAY_S, float(res.t[-1]) - 1e-3)
    during = trace.rms_value(start, end) if end > start else 0.0
    window = res.t >= after
    return during, trace.rms_value(after, float(res.t[-1])), float(res.force[window].mean())


def force_emg_alt_text(runs: Mapping[str, Result]) -> str:
    """Describe a :func:`plot_force_emg` figure in words, with its numbers.

    Parameters
    ----------
    runs : mapping of str to simlib.Result
        The runs given to :func:`plot_force_emg`.

    Returns
    -------
    str
        For each run: peak force, force after the drive, EMG RMS during and after the drive, and
        whether the muscle holds force with a silent EMG (a contracture) or with an active one.
    """
    parts = []
    for title, res in runs.items():
        during, after, force_after = _after_drive_rms(res, _emg.emg(res))
        if force_after >= 0.1:
            verdict = ("force stays with a silent EMG: electrically silent" if after < 1e-3
                       else "force stays and the EMG stays active: electrically active")
        else:
            verdict = "force and EMG both return to rest"
        parts.append(f"{title}: peak force {float(res.force.max()):.2f}, force after the drive {force_after:.2f}; "
                     f"EMG RMS {during:.2f} mV during the drive and {after:.2f} mV after it ({verdict}).")
    return ("Force (black, top) above the surface EMG (blue, bottom) and its moving RMS (vermillion, dashed) "
            "against time, drive shaded. " + " ".join(parts))


def plot_m_wave_curve(curve: RecruitmentCurve, ax: Axes | None = None) -> Axes:
    """Plot M-wave amplitude (left axis) and peak twitch force (right axis) against stimulus intensity.

    Parameters
    ----------
    curve : simlib.pool.RecruitmentCurve
        From :func:`simlib.recruitment_curve`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` with the M-wave (blue circles, solid, gid ``"m_wave"``) and, on a twin axis, the twitch
        force (vermillion squares, dashed, gid ``"twitch"``). Alt text: :func:`m_wave_curve_alt_text`.
    """
    ax = new_axes(figsize=(7.0, 3.6)) if ax is None else ax
    with apply_style():
        (m_line,) = ax.plot(curve.stimulus_v, curve.m_wave_mV, color=BLUE, marker="o", ms=4, gid="m_wave",
                            label="M-wave (left axis)")
        twin = ax.twinx()
        (f_line,) = twin.plot(curve.stimulus_v, curve.peak_force, color=VERMILLION, ls="--", marker="s", ms=4,
                              gid="twitch", label="twitch force (right axis)")
        ax.set_xlabel("Stimulus intensity (V)")
        ax.set_ylabel("M-wave, peak to peak (mV)")
        twin.set_ylabel("Peak twitch force (normalised)")
        ax.set_ylim(bottom=0.0)
        twin.set_ylim(bottom=0.0)
        twin.grid(False)
        ax.legend(handles=[m_line, f_line], loc="lower right")
    return ax


def _threshold_and_maximal(volts: np.ndarray, values: np.ndarray) -> tuple[float | None, float | None]:
    """Return the lowest intensity with a response and the lowest with ≥ 99 % of the largest."""
    if values.size == 0 or values.max() <= 0.0:
        return None, None
    return float(volts[values > 0.0][0]), float(volts[values >= 0.99 * values.max()][0])


def m_wave_curve_alt_text(curve: RecruitmentCurve) -> str:
    """Describe a :func:`plot_m_wave_curve` plot in words, with its numbers.

    Parameters
    ----------
    curve : simlib.pool.RecruitmentCurve
        The curve given to :func:`plot_m_wave_curve`.

    Returns
    -------
    str
        Alt text naming the intensity range, the threshold and maximal intensities, and the
        largest M-wave (mV) and twitch.
    """
    volts = np.asarray(curve.stimulus_v)
    low, high = _threshold_and_maximal(volts, np.asarray(curve.m_wave_mV))
    text = (f"Line plot of the M-wave amplitude (blue circles, left axis, mV) and the peak twitch force "
            f"(vermillion squares, dashed, right axis) against stimulus intensity from {volts.min():g} to "
            f"{volts.max():g} V. ")
    if low is None:
        return text + "No intensity evokes an M-wave or a twitch."
    return text + (f"Both are zero below threshold, first appear at {low:g} V, rise together in an S-shape as "
                   f"more axons are recruited and level off from {high:g} V (maximal stimulus) at an M-wave of "
                   f"{float(np.max(curve.m_wave_mV)):.1f} mV and a twitch of {float(np.max(curve.peak_force)):.2f}.")
