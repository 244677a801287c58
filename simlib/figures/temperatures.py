"""Figure ``temperature``: twitches and force–frequency at three muscle temperatures."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simlib import experiments, plotting
from simlib._plot_common import FORCE_LABEL, force_ylim
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
    _twitch_text,
)
from simlib.figures._registry import FigureInfo, _register
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
from simlib.presets import PRESETS
from simlib.result import Result
from simlib.scenario import Scenario

_TITLE = "Temperature changes twitch speed"
_TEMP_RATES_HZ = (1.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 60.0, 80.0, 100.0)


@_register("Temperature changes twitch speed", "single twitches and force–frequency at three temperatures "
           "(presets cold and warm)")
def temperature(scenario: Scenario | str | None = None, *, style: str = "slide",
                temperatures_c: Sequence[float] | None = None) -> Figure:
    """Twitches and force–frequency curves at three muscle temperatures.

    By default the temperatures are those of the presets ``cold`` and ``warm`` and of `scenario`
    itself (37 °C for the healthy defaults). Cooling slows every rate (Q10 2-3): twitches rise and
    relax more slowly, so they fuse at lower stimulation rates.

    Parameters
    ----------
    scenario : Scenario or str, optional
        Conditions; its drive settings are replaced by the stimulation protocols. Healthy defaults
        when None.
    style : {'slide', 'handout'}
        House style.
    temperatures_c : sequence of float, optional
        Temperatures (°C, 20-42) instead of the preset ones.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes, one line per temperature in each (gids ``twitch:<T>c``, ``ff:<T>c``).
    """
    hs = _house_style(style)
    base = _as_scenario(scenario)
    if temperatures_c is None:
        temps = tuple(sorted({PRESETS["cold"].temperature_c, base.temperature_c, PRESETS["warm"].temperature_c}))
        presets: tuple[str, ...] = ("cold", "warm")
    else:
        temps = _floats(temperatures_c, "temperatures_c")
        presets = ()
    conds = [base.replace(temperature_c=t) for t in temps]
    twitches = [_run(_single_stimulus(c), 1e-4) for c in conds]
    ff = [_force_frequency(c, _TEMP_RATES_HZ) for c in conds]
    tw = [experiments.twitch(c) for c in conds]
    fig, ax_t, ax_ff = _two_panels(hs, handout_height_in=4.6)
    _draw_panels(ax_t, ax_ff, hs, temps, twitches, ff)
    caption, alt = _temperature_text(hs, base, temps, tw, ff)
    info = FigureInfo("temperature", _TITLE, caption, alt, style, base,
                      runs=tuple((f"{t:g} °C", c) for t, c in zip(temps, conds, strict=True)),
                      settings=(("temperatures_c", ", ".join(f"{t:g}" for t in temps)),
                                ("rates_hz", ", ".join(f"{r:g}" for r in _TEMP_RATES_HZ))),
                      presets=presets,
                      options=_options(temperatures_c=(None if temperatures_c is None else temps, None)))
    return _finish(fig, hs, info)


def _draw_panels(ax_t: Axes, ax_ff: Axes, hs: HouseStyle, temps: tuple[float, ...], twitches: Sequence[Result],
                 ff: Sequence[np.ndarray]) -> None:
    """Twitch force against time after the stimulus, and peak force against train rate, per temperature."""
    palette = list(plotting.LINE_COLOURS)
    colours = palette if len(temps) > 3 else [plotting.BLUE, plotting.BLACK, plotting.VERMILLION]
    with mpl.rc_context(_rc(hs)):
        for i, (t, res, peaks) in enumerate(zip(temps, twitches, ff, strict=True)):
            c, d = colours[i % len(colours)], _DASHES[i % len(_DASHES)]
            ax_t.plot(1000.0 * (res.t - _STIM_AT_S), res.force, color=c, ls=d, label=f"{t:g} °C", gid=f"twitch:{t:g}c")
            ax_ff.plot(_TEMP_RATES_HZ, peaks, color=c, ls=d, marker="o", label=f"{t:g} °C", gid=f"ff:{t:g}c")
        ax_t.set_xlim(-20.0, 700.0)
        ax_t.set_xlabel("Time after the stimulus (ms)")
        ax_t.set_ylabel(FORCE_LABEL)
        ax_t.set_ylim(-0.02, max(0.1, 1.15 * max(float(r.force.max()) for r in twitches)))
        _panel_title(ax_t, "Single twitch", hs)
        ax_ff.set_xlabel("Stimulation rate (Hz)")
        ax_ff.set_ylabel("Peak force (normalised;\n1 = max. tetanus)")
        ax_ff.set_xlim(0.0, max(_TEMP_RATES_HZ) * 1.03)
        ax_ff.set_ylim(*force_ylim(*ff))
        _panel_title(ax_ff, "Force–frequency (1 s trains)", hs)
        ax_t.legend(loc="upper right")


def _temperature_text(hs: HouseStyle, base: Scenario, temps: tuple[float, ...], tw: Sequence[experiments.Twitch],
                      ff: Sequence[np.ndarray]) -> tuple[str, str]:
    """Caption and alt text of the temperature figure."""
    title = _TITLE
    first, second = ("Left", "Right") if hs.name == "slide" else ("Top", "Bottom")
    rows = "; ".join(f"{t:g} °C: {_twitch_text(x)}" for t, x in zip(temps, tw, strict=True))
    caption = (
        f"{title}. {first}: force after one supramaximal nerve stimulus at {', '.join(f'{t:g}' for t in temps)} °C. "
        f"{second}: peak force of 1 s stimulation trains against rate at the same temperatures. Cooling slows "
        "every step (Q10 about 2-3), so a cold twitch rises and relaxes more slowly, is larger, and fuses at "
        f"lower rates; warming does the opposite. {rows}. Other conditions: "
        f"{_conditions(base, ('temperature_c', *_DRIVE_FIELDS))}. {_MODEL_NOTE}"
    )
    alt = (
        f"Two line graphs with one line per temperature ({', '.join(f'{t:g}' for t in temps)} degrees Celsius). "
        "Single twitch force against time after the stimulus: "
        + "; ".join(f"at {t:g} degrees " + (f"it peaks at {x.peak_force:.2f} after {x.contraction_time_ms:.0f} ms"
                                             if math.isfinite(x.contraction_time_ms) else "there is no twitch")
                    for t, x in zip(temps, tw, strict=True))
        + ". Peak force against stimulation rate from 1 to 100 hertz: "
        + "; ".join(f"at {t:g} degrees it reaches {float(np.max(p)):.2f}, half of that at "
                    f"{_crossing(_TEMP_RATES_HZ, p, 0.5 * float(np.max(p)))}" for t, p in zip(temps, ff, strict=True))
        + "."
    )
    return caption, alt
