"""Figure ``fatigue_and_circulation``: force, PCr and Pi of a fatiguing train with and without blood flow."""

from __future__ import annotations

import functools

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simlib import plotting
from simlib._plot_common import FORCE_LABEL, TIME_LABEL, force_ylim
from simlib.experiments import FATIGUE_OUTPUT_DT_S, FatigueRecovery, fatigue_protocol, fatigue_recovery_of
from simlib.figures._common import _DRIVE_FIELDS, _as_scenario, _capital, _conditions, _shade
from simlib.figures._registry import FigureInfo, _register
from simlib.figures._style import _MODEL_NOTE, _finish, _house_style, _panel_title, _rc, _two_panels
from simlib.metabolism_plots import METABOLITES
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.simulate import simulate

_TITLE = "Fatigue and circulation"
#: lesson 14: a 20 Hz nerve-stimulation train for 10 s from 0.5 s, 30 s of rest, a 1 s test train; 60 s runs
_RATE_HZ, _START_S, _TRAIN_S, _REST_S, _TEST_S, _DURATION_S = 20.0, 0.5, 10.0, 30.0, 1.0, 60.0
#: (key, blood flow (1 = normal), label, dash pattern, force colour): the flow is told by the line style in
#: both panels and, as a 20 Hz force ripples too fast for a dash pattern, by the colour of the force too
_FLOWS = (("flow", 1.0, "normal blood flow", "-", plotting.BLUE),
          ("no_flow", 0.0, "no blood flow", "--", plotting.REDDISH_PURPLE))
_SHOWN = ("pcr", "pi")


def _exercise(base: Scenario, blood_flow: float) -> Scenario:
    """Return ``base`` with lesson 14's fatiguing train as its drive, 60 s long, at ``blood_flow``."""
    return base.replace(drive="stimulation", rate_hz=_RATE_HZ, drive_start_s=_START_S, drive_s=_TRAIN_S,
                        duration_s=_DURATION_S, stretch_at_s=None, blood_flow=blood_flow)


@functools.lru_cache(maxsize=8)
def _fatigue_run(sc: Scenario) -> Result:
    """Simulate the fatiguing train, rest and test train (:func:`simlib.experiments.fatigue_protocol`) once."""
    protocol = fatigue_protocol(_RATE_HZ, _TRAIN_S, _REST_S, _TEST_S, _START_S)
    return simulate(sc, output_dt_s=FATIGUE_OUTPUT_DT_S, protocol=protocol)


@_register(_TITLE, "force of a 10 s, 20 Hz stimulated train and of a test train after 30 s of rest, and "
           "phosphocreatine and inorganic phosphate, with normal blood flow and with none")
def fatigue_and_circulation(scenario: Scenario | str | None = None, *, style: str = "slide") -> Figure:
    """Draw fatigue, recovery with rest, and PCr and Pi with and without blood flow (lesson 14).

    Parameters
    ----------
    scenario : Scenario or str, optional
        Conditions; its drive is replaced by lesson 14's protocol (20 Hz nerve stimulation for 10 s from
        0.5 s, 30 s of rest, a 1 s test train at 20 Hz; 60 s runs) and its ``blood_flow`` by 1 (normal)
        and 0 (none, as with a cuff). Healthy defaults when None.
    style : {'slide', 'handout'}
        House style.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: force against time (gids ``force:flow``, ``force:no_flow``; the trains shaded, gids
        ``drive`` and ``test_train``), and PCr and Pi (mM) against time (gids ``pcr:flow``, ``pi:flow``,
        ``pcr:no_flow``, ``pi:no_flow``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    runs = tuple((f"{label} ({flow:g})", _exercise(base, flow)) for _, flow, label, _, _ in _FLOWS)
    results = [_fatigue_run(sc) for _, sc in runs]
    recoveries = [fatigue_recovery_of(res, _START_S, _TRAIN_S, _REST_S) for res in results]
    fig, ax_f, ax_m = _two_panels(hs, handout_height_in=5.2)
    with mpl.rc_context(_rc(hs)):
        _draw_force(ax_f, results, runs)
        _draw_metabolites(ax_m, results)
        _panel_title(ax_f, "Force: fatigue and recovery", hs)
        _panel_title(ax_m, "PCr and Pi", hs)
        ax_f.legend(loc="upper right", frameon=False)  # force is zero after the train: room at the top
        ax_m.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False)
    test_at = _START_S + _TRAIN_S + _REST_S
    first, second = ("Left", "Right") if hs.name == "slide" else ("Top", "Bottom")
    caption = (
        f"{_TITLE}. {first}: force of a {_TRAIN_S:g} s nerve-stimulation train at {_RATE_HZ:g} Hz from "
        f"{_START_S:g} s and, after {_REST_S:g} s of rest, of a {_TEST_S:g} s test train at the same rate "
        f"(PhysioEx exercise 2, activity 5; lesson 14), with normal blood flow (blue, solid) and with none "
        f"(purple, dashed, as with a cuff around the limb). The muscle fatigues during the train; with flow the "
        f"test train reaches {recoveries[0].recovery_pct:.0f} % of the fresh force, without it "
        f"{recoveries[1].recovery_pct:.0f} %. {second}: phosphocreatine (PCr) and inorganic phosphate (Pi) of the "
        f"same runs (solid and dashed again). Creatine kinase refills ATP from PCr, so PCr falls and Pi rises "
        f"during the train; respiration, with oxygen from the blood, rebuilds PCr during the rest; without blood "
        f"flow PCr does not recover and Pi stays high, so force stays low. "
        f"Conditions: {_conditions(base, (*_DRIVE_FIELDS, 'blood_flow'))}. {_MODEL_NOTE}"
    )
    alt = _alt_text(results, recoveries, test_at, (first, second))
    info = FigureInfo("fatigue_and_circulation", _TITLE, caption, alt, style, base, runs=runs,
                      settings=(("protocol", f"{_RATE_HZ:g} Hz nerve stimulation for {_TRAIN_S:g} s from "
                                 f"{_START_S:g} s, {_REST_S:g} s rest, {_TEST_S:g} s test train from "
                                 f"{test_at:g} s (simlib.experiments.fatigue_protocol)"),))
    return _finish(fig, hs, info)


def _shade_trains(ax: Axes, res: Result, label: str | None) -> None:
    """Shade the fatiguing train (gid ``drive``, with ``label``) and the test train (gid ``test_train``)."""
    _shade(ax, res, label=label)
    test_at = _START_S + _TRAIN_S + _REST_S
    ax.axvspan(test_at, test_at + _TEST_S, color=plotting.DRIVE_SHADE, alpha=plotting.DRIVE_ALPHA, lw=0,
               zorder=0, gid="test_train")


def _draw_force(ax: Axes, results: list[Result], runs: tuple[tuple[str, Scenario], ...]) -> None:
    """Force of both runs (blue and solid with flow, purple and dashed without), the two trains shaded."""
    _shade_trains(ax, results[0], label="stimulation (the two trains)")
    for (key, _, _, dashes, colour), (label, _), res in zip(_FLOWS, runs, results, strict=True):
        ax.plot(res.t, res.force, color=colour, ls=dashes, lw=0.6 * mpl.rcParams["lines.linewidth"], label=label,
                gid=f"force:{key}")
    ax.set_xlim(float(results[0].t[0]), float(results[0].t[-1]))
    ax.set_ylim(*force_ylim(*(r.force for r in results)))
    ax.set_xlabel(TIME_LABEL)
    ax.set_ylabel(FORCE_LABEL)


def _draw_metabolites(ax: Axes, results: list[Result]) -> None:
    """PCr and Pi of both runs (colours of :data:`METABOLITES`; solid with flow, dashed without)."""
    _shade_trains(ax, results[0], label=None)
    for (key, _, label, dashes, _), res in zip(_FLOWS, results, strict=True):
        for name in _SHOWN:
            short, colour = METABOLITES[name][0].split(" ")[0], METABOLITES[name][1]
            ax.plot(res.t, res.state(name), color=colour, ls=dashes, label=f"{short}, {label}", gid=f"{name}:{key}")
    ax.set_xlim(float(results[0].t[0]), float(results[0].t[-1]))
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel(TIME_LABEL)
    ax.set_ylabel("Concentration (mM)")


def _alt_text(results: list[Result], recoveries: list[FatigueRecovery], test_at: float,
              panels: tuple[str, str]) -> str:
    """Describe the figure in words, with the numbers of both runs."""
    t = results[0].t
    end, before_test = int(np.searchsorted(t, _START_S + _TRAIN_S)), int(np.searchsorted(t, test_at)) - 1
    words = [f"Two line graphs against time from {t[0]:.0f} to {t[-1]:.0f} s, with the fatiguing train shaded from "
             f"{_START_S:g} to {_START_S + _TRAIN_S:g} s and the test train from {test_at:g} to "
             f"{test_at + _TEST_S:g} s; normal blood flow solid, no blood flow dashed."]
    force = [f"{label}: force rises to {r.fresh_force:.2f}, falls to {r.fatigued_force:.2f} by the end of the "
             f"train and reaches {r.test_force:.2f} in the test train ({r.recovery_pct:.0f} % of the fresh force)"
             for (_, _, label, _, _), r in zip(_FLOWS, recoveries, strict=True)]
    words.append(f"{panels[0]}, force (normal flow blue, no flow purple). {'. '.join(_capital(p) for p in force)}.")
    pcr_colour, pi_colour = (METABOLITES[name][3].split(",")[0] for name in _SHOWN)
    metabolites = []
    for (_, _, label, _, _), res in zip(_FLOWS, results, strict=True):
        pcr, pi = res.state("pcr"), res.state("pi")
        metabolites.append(
            f"{label}: PCr ({pcr_colour}) falls from {pcr[0]:.1f} to {pcr[end]:.1f} mM during the train and is "
            f"{pcr[before_test]:.1f} mM before the test train and {pcr[-1]:.1f} mM at the end; Pi ({pi_colour}) "
            f"rises from {pi[0]:.1f} to {pi[end]:.1f} mM and is {pi[before_test]:.1f} mM before the test train "
            f"and {pi[-1]:.1f} mM at the end")
    words.append(f"{panels[1]}, PCr and Pi. {'. '.join(_capital(p) for p in metabolites)}.")
    return " ".join(words)

