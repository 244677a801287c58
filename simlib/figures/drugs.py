"""Figure ``drug_comparison``: where botulinum toxin, curare and dantrolene break the chain."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator

from simlib import plotting
from simlib._plot_common import TIME_LABEL, force_ylim
from simlib.errors import ParameterError
from simlib.figures._common import (
    _as_scenario,
    _conditions,
    _count_between,
    _drive_text,
    _fmt,
    _options,
    _preset_changes,
    _run,
    _shade,
    _with_preset,
)
from simlib.figures._registry import FigureInfo, _register, _unknown
from simlib.figures._style import (
    _DASHES,
    _MODEL_NOTE,
    HouseStyle,
    _finish,
    _house_style,
    _panel_title,
    _rc,
    _two_panels,
)
from simlib.metrics import AFTER_DRIVE_DELAY_S, Metrics
from simlib.parameters import scenario_param
from simlib.presets import PRESETS
from simlib.result import Result
from simlib.scenario import Scenario

_TITLE = "Where drugs break the chain"
_DRUGS = ("botulinum", "curare", "dantrolene")
#: How each drug acts, for the caption (one sentence each).
_DRUG_ACTION = {
    "botulinum": "Botulinum toxin cuts ACh release from the nerve terminal.",
    "curare": "A curare-like drug blocks ACh receptors, so the endplate potential is too small to fire the muscle.",
    "dantrolene": "Dantrolene leaves the electrical steps intact and blocks Ca²⁺ release from the SR.",
    "organophosphate": "An organophosphate inhibits acetylcholinesterase, so ACh lingers at the endplate.",
}
_DRUG_LABELS = {"botulinum": "botulinum toxin", "curare": "curare-like block", "dantrolene": "dantrolene",
                "organophosphate": "organophosphate"}
#: Steps of the chain in the bar chart, top to bottom: (gid key, label).
_STAGES = (("quanta", "ACh quanta per impulse"), ("epp", "Endplate potential"),
           ("muscle_aps", "Muscle action potentials"), ("ca", "Ca²⁺ transient"), ("force", "Force"))
_STAGE_TEXT = {"quanta": "ACh quanta per impulse", "epp": "endplate potential",
               "muscle_aps": "muscle action potentials", "ca": "Ca²⁺ transient", "force": "force"}


def _stage_values(res: Result, m: Metrics) -> np.ndarray:
    """Size of the response at each stage of the chain (units differ; only ratios are used)."""
    sc = res.scenario
    window = (res.t >= sc.drive_start_s) & (res.t < sc.drive_end_s + AFTER_DRIVE_DELAY_S)
    rest_ca = float(res.ca_i[0])
    return np.array([
        m.quantal_content,
        float(np.max(res.epp[window], initial=0.0)),
        _count_between(res.muscle_spikes, sc.drive_start_s, sc.drive_end_s + AFTER_DRIVE_DELAY_S),
        float(np.max(res.ca_i[window], initial=rest_ca)) - rest_ca,
        m.peak_force_during_drive,
    ], dtype=float)


@_register("Where drugs break the chain", "force traces and the response at each stage of the chain, "
           "with botulinum toxin, curare and dantrolene")
def drug_comparison(scenario: Scenario | str | None = None, *, style: str = "slide",
                    drugs: Sequence[str] = _DRUGS) -> Figure:
    """Force, and the response at each stage of the chain, with each drug relative to none.

    Each drug is its preset's change (``botulinum``: ``release_block``; ``curare``:
    ``receptor_block``; ``dantrolene``: ``ryr_block``; also ``organophosphate``) applied on top of
    `scenario`. The bars give, as % of the same run without the drug, the ACh quanta per impulse,
    the peak endplate potential, the number of muscle action potentials, the rise of free Ca²⁺ and
    the peak force, during the drive and 0.5 s after it.

    Parameters
    ----------
    scenario : Scenario or str, optional
        Base run (drive and conditions, no drug); healthy defaults when None.
    style : {'slide', 'handout'}
        House style.
    drugs : sequence of str, default ('botulinum', 'curare', 'dantrolene')
        Preset names.

    Returns
    -------
    matplotlib.figure.Figure
        ``2 + len(drugs)`` axes: one small force panel per run, stacked on one time and force scale
        (lines ``force:<name>``; each drug panel also shows the no-drug trace, gid ``reference``),
        and grouped bars (``5 * len(drugs)`` Rectangles, gids ``bar:<drug>:<stage>``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    drugs = tuple(drugs)
    for drug in drugs:
        if drug not in PRESETS:
            raise ParameterError(_unknown("preset", drug, PRESETS))
    runs = (("no drug", base), *((_DRUG_LABELS.get(d, d), _with_preset(base, d)) for d in drugs))
    results = [_run(sc, 1e-4) for _, sc in runs]
    metrics = [r.metrics() for r in results]
    values = np.array([_stage_values(r, m) for r, m in zip(results, metrics, strict=True)])
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(values[0] > 0, 100.0 * values[1:] / values[0], np.nan)
    fig, ax_f, ax_b = _two_panels(hs, handout_height_in=5.6, ratios=(1.2, 1.0))
    with mpl.rc_context(_rc(hs)):
        _force_panels(fig, ax_f, hs, runs, results, metrics, drugs)
        _stage_bars(ax_b, hs, drugs, percent)
    caption, alt = _drug_text(hs, base, drugs, metrics, values, percent)
    info = FigureInfo("drug_comparison", _TITLE, caption, alt, style, base, runs=runs, presets=drugs,
                      options=_options(drugs=(drugs, _DRUGS)))
    return _finish(fig, hs, info)


#: Line colours of the runs (no drug first, in black) and hatches of the bars of each drug.
_COLOURS = (plotting.BLACK, *(c for c in plotting.LINE_COLOURS if c != plotting.BLACK))
_HATCHES = ("", "//", "..", "\\\\", "xx", "--")


def _force_panels(fig: Figure, ax_f: Axes, hs: HouseStyle, runs: Sequence[tuple[str, Scenario]],
                  results: Sequence[Result], metrics: Sequence[Metrics], drugs: Sequence[str]) -> None:
    """Replace ``ax_f`` by one small force panel per run, on one time and force scale."""
    colours = _COLOURS
    # One small force panel per run: the drugs' traces all lie near 0 and would hide each other on one axes.
    cells = ax_f.get_subplotspec().subgridspec(len(runs), 1)
    ax_f.remove()
    force_axes: list[Axes] = []
    for i, ((label, _), res) in enumerate(zip(runs, results, strict=True)):
        ax = fig.add_subplot(cells[i], sharex=force_axes[0] if force_axes else None,
                             sharey=force_axes[0] if force_axes else None)
        force_axes.append(ax)
        _shade(ax, results[0], label=None)
        if i:
            ax.plot(results[0].t, results[0].force, color=plotting.BLACK, lw=hs.linewidth * 0.4, alpha=0.35,
                    gid="reference")
        colour = colours[i % len(colours)]
        ax.plot(res.t, res.force, color=colour, ls=_DASHES[i % len(_DASHES)], label=label,
                gid=f"force:{'none' if i == 0 else drugs[i - 1]}")
        ax.text(0.99, 0.92, f"{label}: peak {metrics[i].peak_force:.2f}", transform=ax.transAxes, ha="right",
                va="top", color=colour, fontsize=hs.legend_pt)
        ax.yaxis.set_major_locator(FixedLocator([0.0, 1.0]))
        if i < len(runs) - 1:
            ax.tick_params(labelbottom=False)
    ax_f = force_axes[0]
    ax_f.set_xlim(float(results[0].t[0]), float(results[0].t[-1]))
    ax_f.set_ylim(*force_ylim(*(r.force for r in results)))
    force_axes[-1].set_xlabel(TIME_LABEL)
    middle = force_axes[(len(runs) - 1) // 2]
    middle.set_ylabel("Force (1 = max. tetanus)")
    if len(runs) % 2 == 0:  # centre the label on the stack
        middle.yaxis.label.set_y(0.0)
    _panel_title(ax_f, "Force (grey: no drug)", hs)


def _stage_bars(ax_b: Axes, hs: HouseStyle, drugs: Sequence[str], percent: np.ndarray) -> None:
    """Draw grouped horizontal bars: the response at each step of the chain, % of no drug, per drug."""
    colours, hatches = _COLOURS, _HATCHES
    # Horizontal bars, one group per step of the chain, read top to bottom as the signal travels.
    y = np.arange(len(_STAGES))
    height = 0.8 / max(1, len(drugs))
    for k, drug in enumerate(drugs):
        widths = np.nan_to_num(percent[k], nan=0.0)
        bars = ax_b.barh(y + (k - (len(drugs) - 1) / 2) * height, widths, height * 0.92,
                         color=colours[(k + 1) % len(colours)], hatch=hatches[(k + 1) % len(hatches)],
                         edgecolor="white", linewidth=0.0, label=_DRUG_LABELS.get(drug, drug))
        for bar, (key, _), value in zip(bars, _STAGES, percent[k], strict=True):
            bar.set_gid(f"bar:{drug}:{key}")
            shown = "n/a" if not np.isfinite(value) else f"{value:.0f} %"
            ax_b.annotate(shown, (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(3, 0),
                          textcoords="offset points", ha="left", va="center", fontsize=0.85 * hs.legend_pt,
                          gid="value")
    ax_b.axvline(100.0, color=plotting.BLACK, lw=hs.linewidth * 0.5, ls="--", gid="no_drug")
    wrap = hs.name != "slide"  # narrow column: two-line step names
    ax_b.set_yticks(y, [label.replace(" ", "\n", 1) if wrap and " " in label else label for _, label in _STAGES])
    ax_b.invert_yaxis()
    ax_b.tick_params(axis="y", length=0)
    ax_b.grid(False, axis="y")
    ax_b.set_xlabel("Response (% of no drug)")
    top = float(np.nanmax(percent, initial=100.0))
    ax_b.set_xlim(0.0, max(125.0, 1.18 * top))
    ax_b.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 if hs.name == "slide" else -0.2),
                ncols=3 if hs.name == "slide" else 2, handlelength=1.2, columnspacing=0.8)
    _panel_title(ax_b, "Each step of the chain", hs)


def _drug_text(hs: HouseStyle, base: Scenario, drugs: Sequence[str], metrics: Sequence[Metrics], values: np.ndarray,
               percent: np.ndarray) -> tuple[str, str]:
    """Caption and alt text of the drug comparison."""
    title = _TITLE
    first, second = ("Left", "Right") if hs.name == "slide" else ("Top", "Bottom")
    rows = []
    for k, drug in enumerate(drugs):
        cells = ", ".join(f"{_STAGE_TEXT[key]} {p:.0f} %" for (key, _), p in zip(_STAGES, percent[k], strict=True)
                          if np.isfinite(p))
        changes = ", ".join(f"{k} = {_fmt(v, scenario_param(k).unit)}" for k, v in _preset_changes(drug).items())
        rows.append(f"{_DRUG_LABELS.get(drug, drug)} ({changes}): {cells}")
    # More muscle action potentials than without the drug: the reflex loop, not the drug's own action.
    extra = [(d, int(values[k + 1][2]), int(values[0][2])) for k, d in enumerate(drugs)
             if values[k + 1][2] > values[0][2]]
    more = "".join(
        f" With {_DRUG_LABELS.get(d, d)} there are more muscle action potentials than without a drug ({n} vs {n0}): "
        "a voluntary command passes through the spinal motoneuron, whose reflex feedback follows force (spindle "
        "Ia excitation, Golgi tendon organ Ib inhibition); with less force its net inhibition is weaker and it fires "
        f"{n - n0} more impulse{'s' if n - n0 > 1 else ''}. The drug itself excites neither nerve nor muscle."
        for d, n, n0 in extra)
    caption = (
        f"{title}. {first}: force during {_drive_text(base)} (grey band) without a drug (top) and with each drug "
        f"(below it, the no-drug trace in grey), on one scale. {second}: "
        "the response at each step of the chain as % of the run without the drug (dashed line: 100 %), during "
        f"the drive and {AFTER_DRIVE_DELAY_S:g} s after it: ACh quanta released per impulse, peak endplate potential, "
        "number of muscle action potentials, rise of free Ca²⁺, peak force. "
        + "".join(_DRUG_ACTION[d] + " " for d in drugs if d in _DRUG_ACTION)
        + f"{'; '.join(rows)}.{more} Base conditions: "
        f"{_conditions(base)}. {_MODEL_NOTE}"
    )
    alt = (
        f"{len(drugs) + 1} stacked force panels against time and a bar chart. Without a drug force peaks at "
        f"{metrics[0].peak_force:.2f}; "
        + ", ".join(f"with {_DRUG_LABELS.get(d, d)} at {x.peak_force:.2f}" for d, x in zip(drugs, metrics[1:],
                                                                                            strict=True))
        + ". Grouped bar chart of the response at five steps of the chain as percent of no drug: "
        + "; ".join(f"{_DRUG_LABELS.get(d, d)}: " + ", ".join(
            f"{_STAGE_TEXT[key]} {p:.0f}" for (key, _), p in zip(_STAGES, percent[k], strict=True)
            if np.isfinite(p)) for k, d in enumerate(drugs)) + "."
    )
    return caption, alt
