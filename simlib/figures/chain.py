"""Figure ``chain_overview``: the whole chain from nerve impulse to force for one scenario."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from simlib import plotting
from simlib.figures._common import _as_scenario, _capital, _conditions, _drive_text, _options, _run
from simlib.figures._raster import _RASTER_COLOURS, _relabel_raster
from simlib.figures._registry import FigureInfo, _register
from simlib.figures._style import _MODEL_NOTE, HouseStyle, _finish, _house_style, _new_figure, _panel_title, _rc
from simlib.result import Result
from simlib.scenario import Scenario

# Slides: each panel is named by a horizontal label on the left (no room for titles above five
# panels at projector font sizes) and the spike rows are named on the right. Handouts: titles above.
_PANEL_NAMES = ("Spikes", "Endplate potential", "Muscle membrane potential", "Free Ca²⁺ in the fibre", "Force")
_SLIDE_LABELS = ("1  Spikes", "2  Endplate (mV)", "3  Membrane (mV)", "4  Free Ca²⁺ (µM)", "5  Force (1 = max.)")
_TITLE = "From nerve impulse to force"
_HANDOUT_LABELS = ("", "EPP (mV)", "V (mV)", "Ca²⁺ (µM)", "Force (norm.;\n1 = max.)")


@_register("From nerve impulse to force", "nerve and muscle spikes, endplate potential, membrane potential, "
           "Ca²⁺ and force, stacked on one time axis")
def chain_overview(scenario: Scenario | str | None = None, *, style: str = "slide",
                   output_dt_s: float = 1e-4) -> Figure:
    """Draw the whole chain for one scenario: five stacked panels sharing the time axis.

    Panels, top to bottom: spike raster (commanded and ectopic nerve impulses, muscle action
    potentials), endplate potential (mV), muscle membrane potential (mV), free myoplasmic Ca²⁺ (µM)
    and force (normalised), drawn by :func:`simlib.plotting.plot_chain`.

    Parameters
    ----------
    scenario : Scenario or str, optional
        The run to show (healthy defaults: a 1 s voluntary contraction at 20 Hz).
    style : {'slide', 'handout'}
        House style.
    output_dt_s : float, default 1e-4
        Output interval (s); 0.1 ms resolves the muscle action potentials (about 2 ms long).

    Returns
    -------
    matplotlib.figure.Figure
        Five axes; four data lines (gids ``epp``, ``v_muscle``, ``ca_i``, ``force``) and three spike rows.
    """
    hs = _house_style(style)
    sc = _as_scenario(scenario)
    res = _run(sc, float(output_dt_s))
    fig, axes = _new_figure(hs, 5, 1, sharex=True, handout_height_in=6.2,
                            gridspec_kw={"height_ratios": [1.25, 1.0, 1.0, 1.0, 1.0]})
    axes = axes[:, 0]
    with mpl.rc_context(_rc(hs)):
        plotting.plot_chain(res, axes)
    _restyle_panels(fig, axes, hs)
    caption, alt = _chain_text(sc, res)
    info = FigureInfo("chain_overview", _TITLE, caption, alt, style, sc, runs=(("run", sc),),
                      settings=(("output_dt_s", f"{output_dt_s:g}"),),
                      options=_options(output_dt_s=(output_dt_s, 1e-4)))
    return _finish(fig, hs, info)


def _restyle_panels(fig: Figure, axes: np.ndarray, hs: HouseStyle) -> None:
    """Restyle :func:`simlib.plotting.plot_chain`'s five panels for the house style."""
    slide = hs.name == "slide"
    for i, ax in enumerate(axes):
        for line in ax.get_lines():
            line.set_linewidth(hs.linewidth * (0.6 if line.get_gid() == "v_muscle" else 0.85))
        for coll in ax.collections:
            coll.set_linewidth(hs.linewidth * 0.6)
        ax.set_title("", loc="left")
        if slide:
            ax.set_ylabel(_SLIDE_LABELS[i], rotation=0, ha="right", va="center", fontsize=hs.font_pt)
        else:
            ax.set_ylabel(_HANDOUT_LABELS[i], fontsize=hs.font_pt)
            _panel_title(ax, f"{i + 1}  {_PANEL_NAMES[i]}", hs)
    _relabel_raster(axes[0], right=slide)
    with mpl.rc_context(_rc(hs)):
        axes[-1].legend(handles=[Patch(facecolor=plotting.DRIVE_SHADE, alpha=plotting.DRIVE_ALPHA, label="drive on")],
                        loc="upper right")
    fig.align_ylabels(list(axes))


def _chain_text(sc: Scenario, res: Result) -> tuple[str, str]:
    """Caption and alt text of the chain overview of one run."""
    metrics = res.metrics()
    n_cmd = len(res.motoneuron_spikes)
    n_ect = len(res.ectopic_spikes)
    n_mus = len(res.muscle_spikes)
    caption = (
        f"{_TITLE}. One simulated motor axon, neuromuscular junction and muscle fibre under {_conditions(sc)}, "
        f"driven by {_drive_text(sc)} (grey band). Panels, top to bottom: (1) nerve impulses from the "
        "spinal cord or stimulator, nerve impulses that started in the peripheral axon (ectopic), and muscle "
        "action potentials; (2) endplate potential; (3) muscle membrane potential at the endplate region; "
        "(4) free Ca²⁺ in the myoplasm; (5) force, where 1 is the maximal fused tetanus of a healthy muscle. "
        f"{_RASTER_COLOURS}"
        + ("" if sc.stretch_at_s is None else f" A dashed line marks the passive stretch at {sc.stretch_at_s:g} s.")
        + f" Classification of this run: {metrics.classification}. {_MODEL_NOTE}"
    )
    alt = (
        f"Five stacked line panels sharing a time axis from {res.t[0]:g} to {res.t[-1]:g} seconds. "
        f"{_capital(_drive_text(sc))} is shaded grey. The top raster shows {n_cmd} nerve impulses from the spinal "
        "cord or stimulator, "
        f"{n_ect} ectopic nerve impulses and {n_mus} muscle action potentials. The endplate potential reaches "
        f"{float(np.max(res.epp)):.0f} mV, the membrane potential rests near {metrics.resting_potential_mV:.0f} mV "
        + (f"and spikes to {float(np.max(res.v_muscle)):.0f} mV" if n_mus else "and does not fire")
        + f", free calcium peaks at {float(np.max(res.ca_i)):.1f} "
        f"micromolar, and force peaks at {metrics.peak_force:.2f} of the healthy maximum and is "
        f"{float(res.force[-1]):.2f} at the end of the run."
    )
    return caption, alt
