"""The figure registry: what a figure carries (:class:`FigureInfo`), how it is registered and drawn by name."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from matplotlib.figure import Figure

from simlib.errors import ParameterError
from simlib.scenario import Scenario
from simlib.validation import suggest_names


@dataclass(frozen=True)
class FigureInfo:
    """What a figure shows and what produced it; attached to every figure made here.

    Attributes
    ----------
    name : str
        Registry name (e.g. ``"force_frequency"``).
    title : str
        Short title (drawn on slides; the first words of a handout caption).
    caption : str
        Caption for slides, handouts and exams: what is shown, the conditions, the protocol.
    alt_text : str
        Text alternative for readers who cannot see the figure, with the key numbers.
    style : str
        ``"slide"`` or ``"handout"``.
    scenario : Scenario
        The base scenario the figure was drawn from (regenerates it with :func:`render`).
    runs : tuple of (str, Scenario)
        Every labelled scenario simulated for a line or panel (a sweep is listed in `settings`).
    settings : tuple of (str, str)
        Other inputs (rates, grid, temperatures), as text.
    presets : tuple of str
        Names of :data:`simlib.PRESETS` entries used.
    options : tuple of (str, object)
        Keyword options passed to the figure function (empty for its defaults).
    """

    name: str
    title: str
    caption: str
    alt_text: str
    style: str
    scenario: Scenario
    runs: tuple[tuple[str, Scenario], ...] = ()
    settings: tuple[tuple[str, str], ...] = ()
    presets: tuple[str, ...] = ()
    options: tuple[tuple[str, object], ...] = ()

    def regenerate_command(self, caption_file: str | None = None) -> str:
        """Return the command line (or, with non-default options, the Python call) that redraws this figure.

        Parameters
        ----------
        caption_file : str, optional
            Name of the caption file, quoted as a Python string (``repr``) in the Python call or for a
            POSIX shell (:func:`shlex.quote`) in the command line, so that any name pastes safely. The
            placeholder ``CAPTION_FILE`` when None.
        """
        if self.options:
            opts = "".join(f", {k}={v!r}" for k, v in self.options)
            file = "CAPTION_FILE" if caption_file is None else repr(caption_file)
            return (f"simlib.figures.render({self.name!r}, simlib.load_scenario({file}), "
                    f"style={self.style!r}{opts})")
        file = "CAPTION_FILE" if caption_file is None else shlex.quote(caption_file)
        return f"simlib figures --only {self.name} --style {self.style} --scenario {file} --out DIR"


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure.

    Attributes
    ----------
    name : str
        Registry name.
    title : str
        Title used when the figure is drawn with its defaults.
    summary : str
        One line on what the figure shows.
    function : callable
        ``function(scenario=None, *, style="slide", **options) -> Figure``.
    """

    name: str
    title: str
    summary: str
    function: Callable[..., Figure]


_REGISTRY: dict[str, FigureSpec] = {}
#: Registered figures by name, in gallery order.
FIGURES: Mapping[str, FigureSpec] = MappingProxyType(_REGISTRY)


def _register(title: str, summary: str) -> Callable[[Callable[..., Figure]], Callable[..., Figure]]:
    def decorate(function: Callable[..., Figure]) -> Callable[..., Figure]:
        _REGISTRY[function.__name__] = FigureSpec(function.__name__, title, summary, function)
        return function

    return decorate


def names() -> tuple[str, ...]:
    """Names of the registered figures, in gallery order."""
    return tuple(_REGISTRY)


def _unknown(kind: str, name: object, valid: Iterable[str]) -> str:
    valid = list(valid)
    close = suggest_names(name, valid) if isinstance(name, str) else []
    hint = f"; did you mean {close[0]!r}" if close else ""
    return f"unknown {kind} {name!r}{hint}; valid {kind}s: {', '.join(valid)}"


def render(name: str, scenario: Scenario | str | None = None, *, style: str = "slide", **options: Any) -> Figure:
    """Draw a registered figure by name.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    scenario : Scenario or str, optional
        Base scenario, or the name of a preset; healthy defaults when None.
    style : {'slide', 'handout'}
        House style (size and fonts).
    **options
        Keyword options of that figure's function (e.g. ``n_rate=12`` for ``electrolyte_map``).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with its :class:`FigureInfo` (see :func:`figure_info`).

    Raises
    ------
    ParameterError
        For an unknown figure name or style (the message lists the valid ones) or invalid values.
    """
    if name not in _REGISTRY:
        raise ParameterError(_unknown("figure", name, _REGISTRY))
    return _REGISTRY[name].function(scenario, style=style, **options)


def figure_info(fig: Figure) -> FigureInfo:
    """Return the :class:`FigureInfo` attached to a figure drawn by this module.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure returned by :func:`render` or one of the figure functions.

    Raises
    ------
    ParameterError
        If the figure was not drawn by :mod:`simlib.figures`.
    """
    info = getattr(fig, "_simlib_figure_info", None)
    if not isinstance(info, FigureInfo):
        raise ParameterError("this figure was not drawn by simlib.figures, so it carries no FigureInfo; pass "
                             "title=, caption=, alt_text= and scenario= to export_figure instead")
    return info


