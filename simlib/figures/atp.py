"""Figure ``calcium_atp_relaxation``: Ca²⁺ and force with and without ATP (relaxation needs ATP)."""

from __future__ import annotations

import math

import matplotlib as mpl
from matplotlib.figure import Figure

from simlib import plotting
from simlib._plot_common import FORCE_LABEL, TIME_LABEL, force_ylim
from simlib.figures._common import _DRIVE_FIELDS, _as_scenario, _conditions, _drive_text, _run, _shade, _with_preset
from simlib.figures._registry import FigureInfo, _register
from simlib.figures._style import _MODEL_NOTE, _finish, _house_style, _new_figure, _panel_title, _rc
from simlib.scenario import Scenario


@_register("Relaxation needs ATP", "Ca²⁺ and force with normal ATP and with none (atp_depletion)")
def calcium_atp_relaxation(scenario: Scenario | str | None = None, *, style: str = "slide") -> Figure:
    """Free Ca²⁺ and force with the scenario's ATP and with no ATP (preset ``atp_depletion``).

    Without ATP the SR Ca²⁺ pump (SERCA) cannot clear Ca²⁺ and cross-bridges cannot detach, so force
    stays after the nerve falls silent: an electrically silent contracture (rigor).

    Parameters
    ----------
    scenario : Scenario or str, optional
        Base run (drive and conditions); healthy defaults when None. The second run applies the
        ``atp_depletion`` preset's change (``atp_mM = 0``) on top of it.
    style : {'slide', 'handout'}
        House style.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes (Ca²⁺ on a log scale, force), two lines each (gids ``ca_i:<label>``, ``force:<label>``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    depleted = _with_preset(base, "atp_depletion")
    runs = ((f"ATP {base.atp_mM:g} mM", base), (f"ATP {depleted.atp_mM:g} mM (depleted)", depleted))
    results = [_run(sc) for _, sc in runs]
    fig, axes = _new_figure(hs, 2, 1, sharex=True, handout_height_in=4.2)
    ax_ca, ax_f = axes[:, 0]
    colours, dashes = (plotting.BLUE, plotting.VERMILLION), ("-", "--")
    with mpl.rc_context(_rc(hs)):
        for ax in (ax_ca, ax_f):
            _shade(ax, results[0], label="drive on" if ax is ax_ca else None)
        for (label, _), res, c, d in zip(runs, results, colours, dashes, strict=True):
            key = "normal" if res is results[0] else "depleted"
            ax_ca.plot(res.t, res.ca_i, color=c, ls=d, label=label, gid=f"ca_i:{key}")
            ax_f.plot(res.t, res.force, color=c, ls=d, label=label, gid=f"force:{key}")
        ax_ca.set_yscale("log")
        ax_ca.set_ylabel("Free Ca²⁺ (µM,\nlog scale)")
        ax_f.set_ylabel(FORCE_LABEL)
        ax_f.set_xlabel(TIME_LABEL)
        ax_f.set_xlim(float(results[0].t[0]), float(results[0].t[-1]))
        ax_f.set_ylim(*force_ylim(*(r.force for r in results)))
        _panel_title(ax_ca, "Free Ca²⁺ in the fibre", hs)
        _panel_title(ax_f, "Force", hs)
        ax_f.legend(handles=[*ax_f.get_lines(), *ax_ca.patches[:1]], loc="center right")
    m = [r.metrics() for r in results]
    relax = ["never relaxes" if math.isinf(x.relaxation_time_s) else f"relaxes in {x.relaxation_time_s:.2f} s"
             for x in m]
    title = "Relaxation needs ATP"
    caption = (
        f"{title}. Free myoplasmic Ca²⁺ (log scale) and force during {_drive_text(base)} (grey band), with "
        f"{base.atp_mM:g} mM ATP (solid) and with no ATP (dashed; preset atp_depletion). ATP powers the SR Ca²⁺ "
        "pump (SERCA), which lowers Ca²⁺ again, and detaches myosin from actin; without it Ca²⁺ stays high, "
        "cross-bridges stay attached and force remains after the nerve falls silent — an electrically silent "
        f"contracture (rigor), not a cramp. With ATP the muscle {relax[0]} ({m[0].classification}); without it, "
        f"it {relax[1]} ({m[1].classification}). Other conditions: {_conditions(base, ('atp_mM', *_DRIVE_FIELDS))}. "
        f"{_MODEL_NOTE}"
    )
    alt = (
        "Two stacked line graphs against time, each with two lines. Top: free calcium on a log scale; with ATP "
        f"it rises to {float(results[0].ca_i.max()):.1f} micromolar during the drive and falls back to "
        f"{float(results[0].ca_i[-1]):.2f}; without ATP it climbs to {float(results[1].ca_i.max()):.0f} and stays "
        f"at {float(results[1].ca_i[-1]):.0f}. Bottom: force; with ATP it peaks at {m[0].peak_force:.2f} and "
        f"{relax[0]}; without ATP it rises to {m[1].peak_force:.2f} and {relax[1]}, staying at "
        f"{m[1].force_after_drive:.2f} after the drive."
    )
    info = FigureInfo("calcium_atp_relaxation", title, caption, alt, style, base, runs=runs,
                      presets=("atp_depletion",))
    return _finish(fig, hs, info)


