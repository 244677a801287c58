"""Words an explorer shows and exports: the classification, the status line, the caption and the alt text.

Plain functions of an :class:`~simlib.widgets.state.ExplorerState` (no widget, no figure), so the
words can be tested, and reused by another front end, on their own.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from simlib.metrics import Metrics
from simlib.scenario import Scenario
from simlib.widgets.state import ExplorerState

__all__ = [
    "CLASSIFICATION_WORDS",
    "PANEL_WORDS",
    "alt_text",
    "caption",
    "classification_sentence",
    "drive_text",
    "export_title",
    "metrics_text",
    "preset_label",
    "status_html",
]

#: What each classification means, in words a learner can read aloud (title, explanation).
CLASSIFICATION_WORDS: dict[str, tuple[str, str]] = {
    "normal": ("Normal", "force follows the nerve signal: no weakness, no abnormal firing (tetany, cramp, "
               "spasticity, repetitive firing) and no contracture."),
    "weakness": ("Weakness", "the muscle makes less than half of the healthy force for the same nerve signal."),
    "fasciculation": ("Fasciculation", "a few motor units fire by themselves now and then, each a small twitch, "
                      "without a sustained contraction."),
    "tetany": ("Tetany", "the peripheral nerve fires by itself, so the muscle twitches and contracts without "
               "any command."),
    "cramp": ("Cramp", "the spinal motoneuron keeps firing by itself after the command stops, so the muscle "
              "stays contracted."),
    "contracture": ("Contracture", "the muscle stays contracted although it is electrically silent (no muscle "
                    "action potentials)."),
    "spasticity": ("Spasticity", "the passive stretch sets off an exaggerated reflex burst in the spinal "
                   "motoneuron (a fast stretch sets it off, a slow one does not), so the muscle contracts against "
                   "it; the firing stops with the stretch, so it is not a cramp."),
    "repetitive firing": ("Repetitive firing", "the muscle fires more action potentials than it gets nerve "
                          "impulses (e.g. two per impulse when acetylcholine lingers): the fibre is "
                          "hyperexcitable."),
}

#: What each figure panel shows, as the alt text names it.
PANEL_WORDS: dict[str, str] = {
    "spikes": "nerve and muscle spikes", "epp": "endplate potential", "membrane": "muscle membrane potential",
    "calcium": "free Ca²⁺ inside the fibre", "force": "force",
}

# Words written in capitals in preset button labels.
_ACRONYMS = {"atp": "ATP", "ach": "ACh", "ache": "AChE", "pic": "PIC", "ryr": "RyR"}


def classification_sentence(classification: str) -> str:
    """Put a classification into words, e.g. ``"Tetany — the peripheral nerve fires by itself, ..."``.

    Parameters
    ----------
    classification : str
        A value of :attr:`simlib.Metrics.classification`.

    Returns
    -------
    str
        Title, em dash and explanation (the title alone for a classification without words).
    """
    title, explanation = _words(classification)
    return f"{title} \N{EM DASH} {explanation}" if explanation else title


def _words(classification: str) -> tuple[str, str]:
    return CLASSIFICATION_WORDS.get(classification, (classification.capitalize(), ""))


def preset_label(name: str) -> str:
    """Button text of a preset: ``"atp_depletion"`` -> ``"ATP depletion"``."""
    words = [_ACRONYMS.get(word, word) for word in name.split("_")]
    first = words[0] if words[0] in _ACRONYMS.values() else words[0].capitalize()
    return " ".join([first, *words[1:]])


def _fmt(value: float, digits: int = 2) -> str:
    return "never" if math.isinf(value) else f"{value:.{digits}f}"


def drive_text(sc: Scenario) -> str:
    """Describe the drive of ``sc``, e.g. ``"voluntary command at 20 Hz from 0.5 s to 2 s"`` (times in s)."""
    if sc.rate_hz <= 0 or sc.drive_s <= 0:
        return "no drive (the nerve gets no command)"
    end = min(sc.drive_start_s + sc.drive_s, sc.duration_s)
    kind = "voluntary command" if sc.drive == "voluntary" else "nerve stimulation"
    return f"{kind} at {sc.rate_hz:g} Hz from {sc.drive_start_s:g} s to {end:g} s"


def metrics_text(m: Metrics) -> str:
    """State the key numbers of a run: peak force and force after the drive (1 = healthy maximum), spike counts."""
    return (
        f"Peak force {_fmt(m.peak_force)} (1 = healthy maximal tetanus); force after the drive "
        f"{_fmt(m.force_after_drive)}; nerve impulses after the drive: {m.nerve_spikes_after_drive}; "
        f"muscle action potentials after the drive: {m.muscle_spikes_after_drive}."
    )


def status_html(state: ExplorerState) -> str:
    """Return the classification line shown with the figure, as HTML that screen readers announce politely."""
    m = state.metrics
    title, explanation = _words(m.classification)
    return (
        '<div role="status" aria-live="polite" style="border-left:4px solid #0072B2;padding:2px 8px">'
        f"<b>{html.escape(title)}</b> \N{EM DASH} {html.escape(explanation)}<br>"
        f"<small>Drive: {html.escape(drive_text(state.scenario))}. {html.escape(metrics_text(m))}</small></div>"
    )


def caption(state: ExplorerState) -> str:
    """Caption of the current figure: classification, drive and the settings that differ from healthy."""
    sc = state.scenario
    preset = state.active_preset
    what = f"preset '{preset}'" if preset else "custom scenario"
    # the unit count is said in words, not as a changed setting: the Spasm explorer follows one unit
    settings = [line.strip() for line in sc.describe().splitlines()[1:] if not line.strip().startswith("motor_units =")]
    units = "one motor unit" if sc.motor_units == 1 else f"a muscle of {sc.motor_units} motor units"
    return (
        f"Muscle Spasm Lab, {what}. {classification_sentence(state.metrics.classification)} "
        f"Drive: {drive_text(sc)}. Settings: {'; '.join(settings) or 'healthy defaults'} ({units}). "
        f"{metrics_text(state.metrics)}"
    )


def alt_text(state: ExplorerState, panels: Sequence[str]) -> str:
    """Describe the current figure of ``panels`` (top to bottom) in words (generated alternative text)."""
    titles = [PANEL_WORDS.get(p, p) for p in panels]
    m = state.metrics
    return (
        f"{len(panels)} stacked panels sharing a time axis from 0 to {state.scenario.duration_s:g} s "
        f"({', '.join(titles)}), drive: {drive_text(state.scenario)}. "
        f"Peak force {_fmt(m.peak_force)} of the healthy maximum; classification: {m.classification}."
    )


def export_title(state: ExplorerState) -> str:
    """Title of an exported figure: the preset's label (or "Custom scenario") and the classification."""
    preset = state.active_preset
    kind = CLASSIFICATION_WORDS.get(state.metrics.classification, (state.metrics.classification, ""))[0]
    return f"{preset_label(preset) if preset else 'Custom scenario'}: {kind}"
