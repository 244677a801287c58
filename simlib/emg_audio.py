"""Listening to the EMG: a WAV rendering and a notebook audio player (never played automatically).

In the BIOPAC and LabTutor EMG labs students listen to the EMG through a loudspeaker: the
crackle of single units at a weak contraction grows into a roar as units are recruited, a cramp
sounds like a contraction and an electrically silent contracture like nothing. :func:`emg_audio`
renders a run's EMG as a mono 16-bit WAV; :func:`emg_audio_widget` wraps it in an
``ipywidgets.Audio`` player with controls and ``autoplay=False``, below a visible label.
"""

from __future__ import annotations

import io
import wave
from typing import TYPE_CHECKING, Any

import numpy as np

from simlib import emg as _emg
from simlib.errors import ParameterError
from simlib.validation import Param

if TYPE_CHECKING:
    from simlib.emg import EMG
    from simlib.result import Result

__all__ = ["AUDIO_LEVEL", "AUDIO_RATE", "FULL_SCALE", "emg_audio", "emg_audio_widget"]

AUDIO_RATE = Param("rate_hz", 22_050.0, "Hz", "audio sample rate of the EMG sound",
                   "a standard audio rate every browser plays; the EMG's power lies below ≈500 Hz (Merletti & "
                   "Di Torino 1999)", 8_000.0, 48_000.0, hint="Use 22050 or 44100.")
AUDIO_LEVEL = Param("level_mV", 5.0, "mV", "EMG that plays at 90 % of full scale (a shared loudness reference)",
                    "design choice: the supramaximal M-wave of a hand muscle is ≈5-15 mV peak to peak", 0.001, 100.0,
                    hint="Use the same level (e.g. 5 mV) for clips you want to compare, or None for each clip's peak.")
#: loudest sample of a rendering, as a fraction of the 16-bit range (headroom: never clips)
FULL_SCALE = 0.9
_INT16_MAX = 32767


def _trace(source: Result | EMG, rate_hz: float) -> np.ndarray:
    """Return the EMG (mV) of ``source`` sampled at ``rate_hz``: synthesised from a Result, resampled from an EMG."""
    if isinstance(source, _emg.EMG):
        if source.t.size < 2:
            return source.mv.copy()
        t = np.arange(int(np.floor(source.t[-1] * rate_hz + 1e-9)) + 1) / rate_hz
        return np.interp(t, source.t, source.mv)
    if hasattr(source, "muscle_spikes") and hasattr(source, "protocol"):
        return _emg.emg(source, rate_hz=rate_hz).mv
    raise ParameterError(f"emg_audio needs a simlib.Result or a simlib.emg.EMG; got {type(source).__name__}. "
                         "Pass the result of simlib.simulate or of simlib.emg.")


def emg_audio(source: Result | EMG, *, rate_hz: float = 22_050.0, level_mV: float | None = None) -> bytes:
    """Render the EMG of a run as a WAV file (mono, 16-bit PCM), normalised to 90 % of full scale.

    Parameters
    ----------
    source : simlib.Result or simlib.emg.EMG
        A run (its EMG is synthesised at ``rate_hz``) or an EMG (resampled to ``rate_hz`` by linear
        interpolation).
    rate_hz : float, optional
        Audio sample rate (Hz, 8000-48000; default 22050).
    level_mV : float, optional
        EMG (mV) that plays at 90 % of full scale, so that clips rendered with the same level compare
        in loudness (a weak contraction sounds quieter); an EMG larger than it is scaled down to its
        own peak instead, so nothing clips. Default: each clip's own peak.

    Returns
    -------
    bytes
        The WAV file; as long as the run. A silent EMG (e.g. a contracture) gives silence.

    Raises
    ------
    ParameterError
        For a rate or level out of range or a source that is neither a Result nor an EMG.
    """
    rate = _emg.check_param(AUDIO_RATE, rate_hz)
    level = 0.0 if level_mV is None else _emg.check_param(AUDIO_LEVEL, level_mV)
    samples = _trace(source, rate)
    peak = max(float(np.max(np.abs(samples))) if samples.size else 0.0, level)
    scaled = samples * (FULL_SCALE * _INT16_MAX / peak) if peak > 0.0 else np.zeros_like(samples)
    pcm = np.clip(np.round(scaled), -_INT16_MAX, _INT16_MAX).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(round(rate)))
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def emg_audio_widget(source: Result | EMG, *, rate_hz: float = 22_050.0, level_mV: float | None = None,
                     description: str = "") -> Any:
    """Return a notebook audio player of the EMG: its label above an ``ipywidgets.Audio`` that never autoplays.

    Parameters
    ----------
    source : simlib.Result or simlib.emg.EMG
        As for :func:`emg_audio`.
    rate_hz : float, optional
        Audio sample rate (Hz).
    level_mV : float, optional
        Loudness reference, as for :func:`emg_audio`.
    description : str, optional
        What the clip is, shown as the player's visible label (read by screen readers before the
        player); default "EMG sound of the run (N s); press play to listen".

    Returns
    -------
    ipywidgets.VBox
        Class ``msl-emg-audio``: an ``ipywidgets.HTML`` label, then the player (``.children[1]``, an
        ``ipywidgets.Audio`` with ``format="wav"``, ``autoplay=False``, ``controls=True``, ``loop=False``).
        The label is visible text rather than the player's tooltip: ipywidgets 8's Audio view fails to
        render when a tooltip is set (it reads a ``description`` that Audio does not have).
    """
    import html

    import ipywidgets

    value = emg_audio(source, rate_hz=rate_hz, level_mV=level_mV)
    seconds = (len(value) - 44) / (2.0 * round(_emg.check_param(AUDIO_RATE, rate_hz)))
    text = description or f"EMG sound of the run ({seconds:.1f} s); press play to listen"
    player = ipywidgets.Audio(value=value, format="wav", autoplay=False, loop=False, controls=True)
    box = ipywidgets.VBox([ipywidgets.HTML(f"<span>{html.escape(text)}</span>"),
                           player])
    box.add_class("msl-emg-audio")
    return box
