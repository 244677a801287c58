"""Redraw the image baselines of the figure tests (``tests/baseline_images``): ``make baselines``.

Run only after a deliberate change to the model or the figures, then look at every changed image
before committing it::

    MPLBACKEND=Agg .venv/bin/python tools/regenerate_baselines.py tests/baseline_images

Each registered figure of :mod:`simlib.figures` is drawn with its defaults in both house styles and
saved as ``<name>-<style>.png`` by :func:`simlib.figures.save_baseline`, exactly as
``tests/unit/test_figures.py`` saves the image it compares.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

from simlib import figures  # noqa: E402


def regenerate_baselines(directory: str | os.PathLike[str]) -> list[Path]:
    """Redraw every registered figure in both styles into ``directory/<name>-<style>.png``.

    Parameters
    ----------
    directory : str or os.PathLike
        Baseline folder (created if missing); existing images are overwritten.

    Returns
    -------
    list of pathlib.Path
        The files written, in gallery order, slide before handout.
    """
    out = Path(os.fspath(directory))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in figures.names():
        for style in figures.STYLES:
            target = out / f"{name}-{style}.png"
            figures.save_baseline(figures.render(name, style=style), target)
            written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, redraw the baselines and print each file written.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        Exit status, 0.
    """
    parser = argparse.ArgumentParser(prog="tools/regenerate_baselines.py",
                                     description="Redraw the image baselines of the figure tests.")
    parser.add_argument("directory", metavar="DIR",
                        help="baseline folder, e.g. tests/baseline_images (review the images before committing)")
    args = parser.parse_args(argv)
    for path in regenerate_baselines(args.directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
