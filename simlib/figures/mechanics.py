"""Figure ``muscle_mechanics``: length–tension and afterloaded isotonic load–velocity with power."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from simlib.figures._common import _DRIVE_FIELDS, _as_scenario, _conditions, _floats, _options
from simlib.figures._registry import FigureInfo, _register
from simlib.figures._style import _MODEL_NOTE, _finish, _house_legends, _house_style, _panel_title, _rc, _two_panels
from simlib.mechanics import length_tension, load_velocity
from simlib.mechanics_plots import (
    fit_hill,
    length_tension_alt_text,
    load_velocity_alt_text,
    plateau,
    plot_length_tension,
    plot_load_velocity,
)
from simlib.scenario import Scenario

_TITLE = "Length–tension and load–velocity"
#: muscle lengths (optimal lengths, L0) and afterloads (fractions of the maximal isometric force) drawn
#: (0.97 and 1.03 sit on the edges of the plateau, 0.969-1.031 L0 with human filament lengths)
_LENGTHS = (0.6, 0.7, 0.8, 0.9, 0.97, 1.0, 1.03, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6)
_LOADS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
_MECHANICS_FIELDS = (*_DRIVE_FIELDS, "length_rel", "load_rel")


@_register(_TITLE, "isometric force against muscle length (active, passive, total) and isotonic "
           "shortening velocity and power against load")
def muscle_mechanics(scenario: Scenario | str | None = None, *, style: str = "slide",
                     lengths_rel: Sequence[float] = _LENGTHS, loads_rel: Sequence[float] = _LOADS) -> Figure:
    """Draw the length–tension curve and the load–velocity (Hill) curve with power (PhysioEx activities 6-7).

    Parameters
    ----------
    scenario : Scenario or str, optional
        Conditions; its drive, length and load are replaced by 0.5 s, 100 Hz nerve-stimulation tetani
        (:func:`simlib.length_tension`, :func:`simlib.load_velocity`). Healthy defaults when None.
    style : {'slide', 'handout'}
        House style.
    lengths_rel : sequence of float
        Muscle lengths (optimal lengths, 0.5-1.7).
    loads_rel : sequence of float
        Afterloads (fractions of the maximal isometric force, 0.02-2).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: active, passive and total force against length (gids ``active``, ``passive``,
        ``total``, ``plateau``), and velocity, power and the Hill fit against load (gids ``velocity``,
        ``power``, ``peak_power``, ``hill_fit``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    lengths, loads = _floats(lengths_rel, "lengths_rel"), _floats(loads_rel, "loads_rel")
    lt, lv = length_tension(base, lengths), load_velocity(base, loads)
    fig, ax_lt, ax_lv = _two_panels(hs, handout_height_in=5.0)
    with mpl.rc_context(_rc(hs)):
        plot_length_tension(lt, ax_lt)
        plot_load_velocity(lv, ax_lv, hill=True)
        _panel_title(ax_lt, "Length–tension (isometric tetanus)", hs)
        _panel_title(ax_lv, "Load–velocity (isotonic tetanus)", hs)
        _house_legends(fig, (ax_lt, ax_lv), columns=1 if hs.name == "slide" else 2)
    low, high = plateau(lt)
    fit = fit_hill(lv)
    best = int(np.argmax(lv.power))
    caption = (
        f"{_TITLE}. Left: peak isometric force of a 0.5 s, 100 Hz tetanus at {len(lengths)} muscle lengths "
        f"({min(lengths):g}–{max(lengths):g} optimal lengths, L0): active force follows the overlap of thick and "
        f"thin filaments (Gordon, Huxley & Julian 1966, human filament lengths) with a plateau from {low:.2f} to "
        f"{high:.2f} L0; passive (parallel elastic) force rises beyond the optimum. Right: afterloaded isotonic "
        f"tetani at {len(loads)} loads: the heavier the load, the slower the shortening (Hill 1938; fitted a/P0 "
        f"{fit.a_rel:.2f}, Vmax {fit.vmax:.1f} L0/s); power peaks at a load of {lv.load_rel[best]:.2f}. "
        f"Conditions: {_conditions(base, _MECHANICS_FIELDS)}. {_MODEL_NOTE}"
    )
    alt = f"Left panel. {length_tension_alt_text(lt)} Right panel. {load_velocity_alt_text(lv)}"
    info = FigureInfo("muscle_mechanics", _TITLE, caption, alt, style, base,
                      runs=tuple((f"isometric at {x:g} L0", base.replace(length_rel=x)) for x in lengths)
                      + tuple((f"isotonic, load {p:g}", base.replace(load_rel=p)) for p in loads),
                      settings=(("lengths_rel", ", ".join(f"{x:g}" for x in lengths)),
                                ("loads_rel", ", ".join(f"{p:g}" for p in loads))),
                      options=_options(lengths_rel=(lengths, _LENGTHS), loads_rel=(loads, _LOADS)))
    return _finish(fig, hs, info)

