"""Render the static figures used in the documentation into this folder.

Run from the repository root with the project environment::

    .venv/bin/python docs/images/make_images.py

It overwrites ``chain_overview.png``: the five-panel chain (spikes, endplate potential, membrane
potential, Ca²⁺, force) of :func:`simlib.plotting.plot_chain` for the healthy default scenario
(``simlib.Scenario()``: 1 s voluntary drive at 20 Hz), at 150 dpi. Rerun it whenever the model or
the plot style changes. No network is needed; the output is the same from run to run.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # noqa: E402

import simlib  # noqa: E402
from simlib import plotting  # noqa: E402

HERE = Path(__file__).resolve().parent
DPI = 150
#: Output interval (s) fine enough to resolve muscle action potentials, which last about 2 ms.
OUTPUT_DT_S = 0.0001


def chain_overview(path: Path = HERE / "chain_overview.png") -> Path:
    """Render the healthy default chain figure.

    Parameters
    ----------
    path : pathlib.Path
        Output PNG; overwritten.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    res = simlib.simulate(simlib.Scenario(), output_dt_s=OUTPUT_DT_S)
    axes = plotting.plot_chain(res)
    fig = axes[0].figure
    # No "Software" tag, so the file does not change with the matplotlib version alone.
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return path


def main() -> None:
    """Render every documentation image and print where each one went."""
    for made in (chain_overview(),):
        print(f"wrote {made}")


if __name__ == "__main__":
    main()
