"""Named instructor figures: a registry, one house style, and faithful export with a caption file.

Every lesson figure is a function of a :class:`~simlib.Scenario` that returns a matplotlib
:class:`~matplotlib.figure.Figure` in one of two sizes, and every figure carries a
:class:`FigureInfo` (title, caption, alt text and the scenarios that produced it)::

    from simlib import figures
    fig = figures.render("force_frequency", style="slide")         # or figures.force_frequency()
    figures.figure_info(fig).alt_text
    figures.export_figure(fig, "exports/force_frequency", formats=("png", "svg", "pdf"))

The same gallery is one command away: ``simlib figures --out DIR`` (see :mod:`simlib.__main__`).

Figures
-------
=================================  ======================================================================
``chain_overview``                 nerve and muscle spikes, endplate potential, membrane potential, Ca²⁺, force
``twitch_summation_tetanus``       a single twitch, summation and fused tetanus
``force_frequency``                peak force of a 1 s train against stimulation rate
``electrolyte_map``                classification over drive rate × extracellular Ca²⁺ (:func:`simlib.sweep`)
``calcium_atp_relaxation``         Ca²⁺ and force with and without ATP: relaxation needs ATP
``cramp_and_stretch``              a cramp and a cramp stopped by stretch (needs the cramp presets)
``cramp_vs_contracture``           electrically active spasm vs electrically silent contracture
``drug_comparison``                where botulinum toxin, curare and dantrolene break the chain
``temperature``                    twitch and force–frequency at three temperatures
``muscle_mechanics``               length–tension (active, passive, total) and load–velocity with power
``fatigue_and_circulation``        fatigue, recovery with rest, PCr and Pi with and without blood flow
``emg_cramp_contracture``          force above the surface EMG: a cramp electrically active, a contracture silent
``recruitment_and_train_of_four``  M-wave and twitch against stimulus intensity; train-of-four fade against block
=================================  ======================================================================

House style
-----------
``"slide"``: 13.33 × 7.5 in (16:9), text 14–26 pt (labels 18–20 pt) and lines 3 pt, readable from
the back of a lecture room; the title is drawn on the figure. ``"handout"``: 3.5 in wide (one journal
or handout column), text 6–9 pt; the title goes in the caption, not on the figure. Both use the Okabe-Ito
colour-blind-safe palette of :mod:`simlib.plotting` and, where lines are compared, different line
styles as well, so that no comparison depends on colour alone. Every numeric axis states its unit.

Export
------
:func:`export_figure` writes PNG (with its dpi in the file), SVG (text kept as text, with
``<title>`` and ``<desc>`` for screen readers) and PDF (TrueType fonts embedded, Type 42), each
atomically, and beside them ``NAME.caption.toml``: a valid scenario file that
:func:`simlib.load_scenario` reads, whose ``#:`` header lines hold the title, caption, alt text and
the runs (read them with :func:`read_caption`).

Image baselines for the tests live in ``tests/baseline_images``; regenerate them only with
``make baselines`` (``tools/regenerate_baselines.py``), which saves each figure with :func:`save_baseline`.

Layout
------
One module per figure or pair of related figures (``chain``, ``twitch``, ``electrolytes``, ``atp``,
``cramps``, ``drugs``, ``temperatures``, ``mechanics``, ``metabolism``, ``emg``), the registry (``_registry``), the
house styles (``_style``), shared helpers (``_common``, ``_raster``) and the export pipeline (``export``).
Every public name is importable from :mod:`simlib.figures` itself. A new figure is a function in
its own module, decorated with ``@_register(title, summary)`` and imported below in gallery order.

This package imports matplotlib; ``import simlib`` does not import it.
"""

from __future__ import annotations

from simlib.figures._registry import FIGURES, FigureInfo, FigureSpec, figure_info, names, render
from simlib.figures._style import HOUSE_STYLES, STYLES, HouseStyle

# The figures, imported in gallery order (the order in which they register).
from simlib.figures.chain import chain_overview  # isort: skip
from simlib.figures.twitch import force_frequency, twitch_summation_tetanus  # isort: skip
from simlib.figures.electrolytes import CLASS_STYLE, electrolyte_map  # isort: skip
from simlib.figures.atp import calcium_atp_relaxation  # isort: skip
from simlib.figures.cramps import cramp_and_stretch, cramp_vs_contracture  # isort: skip
from simlib.figures.drugs import drug_comparison  # isort: skip
from simlib.figures.temperatures import temperature  # isort: skip
from simlib.figures.mechanics import muscle_mechanics  # isort: skip
from simlib.figures.metabolism import fatigue_and_circulation  # isort: skip
from simlib.figures.emg import emg_cramp_contracture, recruitment_and_train_of_four  # isort: skip
from simlib.figures.export import (  # isort: skip
    BASELINE_DPI,
    CAPTION_SUFFIX,
    EXPORT_RC,
    FORMATS,
    MAX_EXPORT_PIXELS,
    _check_dpi as _check_dpi,  # the command line (simlib.__main__) checks --dpi before drawing
    _check_pixels as _check_pixels,
    export_figure,
    read_caption,
    save_baseline,
)

__all__ = [
    "BASELINE_DPI",
    "CAPTION_SUFFIX",
    "CLASS_STYLE",
    "EXPORT_RC",
    "FIGURES",
    "FORMATS",
    "HOUSE_STYLES",
    "MAX_EXPORT_PIXELS",
    "STYLES",
    "FigureInfo",
    "FigureSpec",
    "HouseStyle",
    "calcium_atp_relaxation",
    "chain_overview",
    "cramp_and_stretch",
    "cramp_vs_contracture",
    "drug_comparison",
    "electrolyte_map",
    "emg_cramp_contracture",
    "export_figure",
    "fatigue_and_circulation",
    "figure_info",
    "force_frequency",
    "muscle_mechanics",
    "names",
    "read_caption",
    "recruitment_and_train_of_four",
    "render",
    "save_baseline",
    "temperature",
    "twitch_summation_tetanus",
]
