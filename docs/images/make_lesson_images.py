"""Render the main figure of each lesson notebook into ``docs/images/lesson_NN.png``.

Run from the repository root with the project environment::

    .venv/bin/python docs/images/make_lesson_images.py

Each figure is drawn with simlib and :mod:`simlib.plotting` only, the same way the lesson draws it:

- ``lesson_01.png``: safety factor of the neuromuscular junction (receptor block sweep);
- ``lesson_02.png``: summation and tetanus (force at 5, 10, 20 and 50 Hz stimulation);
- ``lesson_03.png``: Ca²⁺ and force as intracellular ATP falls from 5 to 0 mM;
- ``lesson_04.png``: classification map over voluntary signal rate × ionised Ca²⁺ (``simlib.sweep``);
- ``lesson_05.png``: spike origins of a cramp, the cramp relieved by stretch, and under baclofen;
- ``lesson_06.png``: where botulinum toxin, curare and dantrolene break the chain.

The output is the same from run to run (the model is deterministic) and needs no network. It takes
about half a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import simlib  # noqa: E402
from simlib import figures, plotting  # noqa: E402
from simlib.experiments import classification_grid  # noqa: E402

HERE = Path(__file__).resolve().parent
DPI = 150
#: 20 nerve stimuli in 1 s from 0.2 s: the protocol of lessons 01, 03 and 06.
TRAIN = simlib.Scenario(drive="stimulation", rate_hz=20.0)


def lesson_01() -> Figure:
    """Peak EPP and transmission against the fraction of ACh receptors blocked."""
    blocks = np.round(np.arange(0.0, 1.001, 0.02), 2)
    runs = [simlib.simulate(TRAIN.replace(receptor_block=b), output_dt_s=0.0001) for b in blocks]
    epp_peak = np.array([r.epp.max() for r in runs])
    followed = np.array([len(r.muscle_spikes) / len(r.nerve_spikes) for r in runs])
    fig, (ax_e, ax_f) = plt.subplots(2, 1, figsize=(7, 5), sharex=True, layout="constrained")
    ax_e.plot(blocks * 100, epp_peak, marker="o", ms=3, color=plotting.REDDISH_PURPLE)
    ax_e.set_ylabel("Peak EPP (mV)")
    ax_e.set_title("Safety factor: transmission survives until ~75 % of receptors are blocked")
    ax_f.plot(blocks * 100, followed * 100, marker="o", ms=3, color=plotting.BLACK)
    ax_f.set_ylabel("Impulses followed by\na muscle spike (%)")
    ax_f.set_xlabel("ACh receptors blocked (%)")
    for ax in (ax_e, ax_f):
        ax.axvspan(76, 80, color=plotting.ORANGE, alpha=0.3, label="Paton & Waud 1967: failure at 76–80 %")
    ax_e.legend(loc="lower left")
    return fig


def lesson_02() -> Figure:
    """Force during 1 s stimulation trains at four rates: twitches, unfused and fused tetanus."""
    base = simlib.Scenario(drive="stimulation", drive_start_s=0.2, drive_s=1.0, duration_s=2.0)
    fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    res = None
    for rate in (5, 10, 20, 50):
        res = simlib.simulate(base.replace(rate_hz=float(rate)))
        ax.plot(res.t, res.force, label=f"{rate} Hz")
    plotting.shade_drive(res, ax)
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Force (1 = max. tetanus)")
    ax.set_title("Summation and tetanus: force depends on the stimulation rate")
    ax.legend(title="stimulation rate")
    return fig


def lesson_03() -> Figure:
    """Free Ca²⁺ and force during a 20 Hz train at four levels of intracellular ATP."""
    levels = (5.0, 1.0, 0.3, 0.0)
    runs = [simlib.simulate(TRAIN.replace(atp_mM=atp)) for atp in levels]
    fig, (ax_ca, ax_f) = plt.subplots(2, 1, figsize=(8, 5.5), sharex=True, layout="constrained")
    for atp, r in zip(levels, runs, strict=True):
        ax_ca.plot(r.t, r.ca_i, label=f"ATP {atp:g} mM")
        ax_f.plot(r.t, r.force, label=f"ATP {atp:g} mM")
    plotting.shade_drive(runs[0], ax_ca)
    plotting.shade_drive(runs[0], ax_f)
    ax_ca.set_yscale("log")
    ax_ca.set_ylabel("Free Ca²⁺ (µM, log)")
    ax_ca.set_title("Relaxation needs ATP inside the fibre: without it, rigor")
    ax_f.set_ylabel("Force (1 = max. tetanus)")
    ax_f.set_xlabel("Time (s)")
    ax_f.legend(ncol=2)
    return fig


def lesson_04() -> Figure:
    """Classification over a 6 × 6 grid of voluntary signal rate × ionised Ca²⁺."""
    rates = [0.0, 5.0, 10.0, 20.0, 40.0, 80.0]
    cas = [0.5, 0.65, 0.8, 0.95, 1.2, 2.0]
    labels = classification_grid(simlib.sweep(simlib.Scenario(), progress=False, rate_hz=rates, ca_mM=cas))
    classes = list(figures.CLASS_STYLE)
    codes = np.vectorize(classes.index)(labels)
    fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    ax.pcolormesh(codes.T, cmap=ListedColormap([figures.CLASS_STYLE[c][0] for c in classes]),
                  vmin=-0.5, vmax=len(classes) - 0.5, edgecolors="white", linewidth=2)
    for i in range(len(rates)):
        for j in range(len(cas)):
            ax.text(i + 0.5, j + 0.5, labels[i, j], ha="center", va="center", fontsize=9)
    ax.set_xticks(np.arange(len(rates)) + 0.5, [f"{r:g}" for r in rates])
    ax.set_yticks(np.arange(len(cas)) + 0.5, [f"{c:g}" for c in cas])
    ax.set_xlabel("Voluntary signal rate (Hz)")
    ax.set_ylabel("Ionised Ca²⁺ (mM)")
    ax.set_title("Response over signal rate × Ca²⁺")
    return fig


def lesson_05() -> Figure:
    """Spike origins and force: untreated cramp, cramp with a passive stretch, baclofen."""
    panels = [("exercise_cramp", "Cramp, no treatment"), ("cramp_stretch", "Cramp, passive stretch at 2.2 s"),
              ("baclofen", "Baclofen-like drug (weak PIC)")]
    fig, axes = plt.subplots(3, 1, figsize=(9, 8), sharex=True, layout="constrained")
    for ax, (preset, title) in zip(axes, panels, strict=True):
        plotting.plot_spike_origins(simlib.simulate(simlib.PRESETS[preset]), ax)
        ax.set_title(title)  # plot_spike_origins marks the stretch itself (dashed line)
    return fig


def lesson_06() -> Figure:
    """Endplate potential, Ca²⁺ and force for healthy, botulinum, curare and dantrolene."""
    agents = ("healthy", "botulinum", "curare", "dantrolene")
    fig, axes = plt.subplots(3, len(agents), figsize=(12, 6.5), sharex=True, sharey="row", layout="constrained")
    for col, name in enumerate(agents):
        res = simlib.simulate(simlib.PRESETS[name].replace(drive="stimulation"), output_dt_s=0.0001)
        plotting.plot_epp(res, axes[0, col])
        plotting.plot_calcium(res, axes[1, col])
        plotting.plot_force(res, axes[2, col])
        axes[0, col].set_title(name)
    return fig


LESSONS: dict[str, Callable[[], Figure]] = {
    "lesson_01": lesson_01,
    "lesson_02": lesson_02,
    "lesson_03": lesson_03,
    "lesson_04": lesson_04,
    "lesson_05": lesson_05,
    "lesson_06": lesson_06,
}


def main() -> None:
    """Render every lesson figure into this folder."""
    for name, make in LESSONS.items():
        with plt.style.context(plotting.STYLE):
            fig = make()
            path = HERE / f"{name}.png"
            fig.savefig(path, dpi=DPI)
            plt.close(fig)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
