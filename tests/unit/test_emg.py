"""simlib.emg: shapes, determinism, measures, WAV rendering and error messages."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

import simlib
from simlib.emg import CONSTANTS, EMG, muap_set

STIM = simlib.Scenario(motor_units=1, drive="stimulation", duration_s=0.5)


@pytest.fixture(scope="module")
def pool_run() -> simlib.Result:
    return simlib.simulate(STIM.replace(motor_units=120))


@pytest.fixture(scope="module")
def single_run() -> simlib.Result:
    return simlib.simulate(STIM)


def test_emg_is_callable_module_and_public():
    assert callable(simlib.emg) and simlib.emg.EMG is EMG
    assert {"emg", "emg_audio", "emg_audio_widget"} <= set(simlib.__all__)
    for param in CONSTANTS:
        assert param.unit is not None and param.meaning and param.source and param.low <= param.default <= param.high


def test_trace_shape_and_time_grid(pool_run):
    e = simlib.emg(pool_run, rate_hz=4000.0)
    assert e.t.shape == e.mv.shape == (int(0.5 * 4000) + 1,)
    assert e.t[0] == 0.0 and e.t[-1] == pytest.approx(0.5) and np.allclose(np.diff(e.t), 1 / 4000)
    assert e.rate_hz == 4000.0 and e.stimuli_s.tolist() == list(pool_run.protocol.impulses_s)
    assert e.rms(0.05).shape == e.t.shape and np.all(e.rms(0.05) >= 0.0)


def test_muap_shapes_scale_with_size_and_are_deterministic():
    a, b = muap_set(120), muap_set(120)
    assert a is b  # cached
    fresh = muap_set.__wrapped__(120)
    assert np.array_equal(fresh.amplitude_mV, a.amplitude_mV) and np.array_equal(fresh.delay_s, a.delay_s)
    # seeded by the unit's index: the first units of a 200-unit pool have the same depth/latency draws
    other = muap_set(200)
    assert np.array_equal(other.delay_s[:120], a.delay_s)
    assert a.amplitude_mV[-1] > 10 * a.amplitude_mV[0]  # larger units, larger potentials
    assert np.all(np.diff(a.width_s) < 0)  # and shorter (faster fibres)
    assert a.amplitude_mV.mean() == pytest.approx(0.07, rel=0.3)
    u = np.linspace(0.0, 0.03, 3001)
    wave_ = a.wave([5], u)
    assert wave_.max() - wave_.min() == pytest.approx(a.amplitude_mV[5], rel=1e-3)
    assert np.argmin(wave_) < np.argmax(wave_)  # negative first
    assert abs(wave_[-1]) < 1e-3 * a.amplitude_mV[5]  # over by the end of its span


def test_synthesis_is_deterministic_and_rate_independent(pool_run):
    one, two = simlib.emg(pool_run), simlib.emg(pool_run)
    assert np.array_equal(one.mv, two.mv)
    fine = simlib.emg(pool_run, rate_hz=40_000.0)
    assert one.rms_value() == pytest.approx(fine.rms_value(), rel=1e-3)
    assert one.m_wave_amplitudes()[0] == pytest.approx(fine.m_wave_amplitudes()[0], rel=0.01)


def test_single_unit_emg_is_the_whole_muscle_compound_potential(single_run, pool_run):
    # documented: each muscle AP of the single-unit model is every unit of a 120-unit pool firing
    single, pool = simlib.emg(single_run), simlib.emg(pool_run)
    assert single.m_wave_amplitudes() == pytest.approx(pool.m_wave_amplitudes(), rel=1e-3)


def test_result_emg_and_metrics(pool_run):
    assert pool_run.emg.shape == pool_run.t.shape and pool_run.emg is pool_run.emg
    m = pool_run.metrics()
    assert m.emg_rms_mV == pytest.approx(simlib.emg(pool_run).rms_value(), rel=0.01)
    silent = simlib.simulate(STIM.replace(motor_units=120, stimulus_v=0.5))
    assert silent.metrics().emg_rms_mV == 0.0 and not silent.emg.any()


def test_m_wave_windows_and_rms_value(pool_run):
    e = simlib.emg(pool_run)
    amps = e.m_wave_amplitudes()
    assert amps.shape == (len(pool_run.protocol.impulses_s),) and np.all(amps > 1.0)
    t, v = e.m_wave(0, 0.02)
    assert t[0] >= 0.0 and t[-1] < 0.02 and v.max() - v.min() == pytest.approx(amps[0], rel=1e-6)
    assert e.rms_value(0.0, 0.19) == 0.0  # before the first stimulus (0.2 s)
    assert e.rms_value() > 0.0
    empty = EMG(t=e.t, mv=e.mv, rate_hz=e.rate_hz, stimuli_s=np.zeros(0))
    assert empty.m_wave_amplitudes().size == 0


@pytest.mark.parametrize(("call", "name"), [
    (lambda r: simlib.emg(r, rate_hz=100.0), "rate_hz"),
    (lambda r: simlib.emg(r, rate_hz=float("nan")), "rate_hz"),
    (lambda r: simlib.emg(r).rms(0.0001), "window_s"),
    (lambda r: simlib.emg(r).rms("wide"), "window_s"),
    (lambda r: simlib.emg(r).m_wave_amplitudes(1.0), "window_s"),
    (lambda r: simlib.emg_audio(r, rate_hz=1e6), "rate_hz"),
])
def test_bad_values_name_parameter_range_unit_and_suggestion(single_run, call, name):
    with pytest.raises(simlib.ParameterError) as info:
        call(single_run)
    text = str(info.value)
    assert text.startswith(f"'{name}' must be between") and ("Hz" in text or " s " in text) and "got" in text
    assert "Use " in text  # the suggestion


def test_other_errors(single_run):
    with pytest.raises(simlib.ParameterError, match="needs a simlib.Result"):
        simlib.emg(single_run.force)
    with pytest.raises(simlib.ParameterError, match="start_s < stop_s"):
        simlib.emg(single_run).rms_value(0.3, 0.1)
    with pytest.raises(simlib.ParameterError, match="stimulus number"):
        simlib.emg(single_run).m_wave(99)
    with pytest.raises(simlib.ParameterError, match="Result or a simlib.emg.EMG"):
        simlib.emg_audio("loud")


def _read(data: bytes) -> tuple[wave.Wave_read, np.ndarray]:
    reader = wave.open(io.BytesIO(data), "rb")
    return reader, np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")


def test_wav_header_length_and_normalisation(pool_run):
    data = simlib.emg_audio(pool_run, rate_hz=8000.0)
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    reader, pcm = _read(data)
    assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 8000)
    assert pcm.size == int(0.5 * 8000) + 1
    assert np.abs(pcm).max() == pytest.approx(0.9 * 32767, abs=1)  # normalised, never clipped
    from_emg = simlib.emg_audio(simlib.emg(pool_run), rate_hz=8000.0)
    assert _read(from_emg)[1].size == pcm.size


def test_silent_emg_gives_silence():
    silent = simlib.simulate(STIM.replace(motor_units=120, stimulus_v=0.5))
    _, pcm = _read(simlib.emg_audio(silent))
    assert pcm.size > 0 and not pcm.any()


def test_audio_widget_never_autoplays(single_run):
    ipywidgets = pytest.importorskip("ipywidgets")
    box = simlib.emg_audio_widget(single_run, description="EMG of a 20 Hz train")
    label, player = box.children
    assert isinstance(player, ipywidgets.Audio)
    assert player.autoplay is False and player.controls is True and player.format == "wav"
    assert "EMG of a 20 Hz train" in label.value and player.value[:4] == b"RIFF"
    assert "press play" in simlib.emg_audio_widget(single_run).children[0].value
    # no tooltip: ipywidgets 8's Audio view fails to render with one (it reads a description Audio lacks)
    assert not player.tooltip


def test_emg_plots_have_gids_and_alt_text(pool_run):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from simlib import plotting

    silent = simlib.simulate(STIM.replace(motor_units=120, stimulus_v=0.5))
    runs = {"supramaximal": pool_run, "below threshold": silent}
    fig = plotting.plot_force_emg(runs)
    gids = {line.get_gid() for ax in fig.axes for line in ax.get_lines()}
    assert {"force", "emg", "emg_rms"} <= gids and len(fig.axes) == 4
    text = plotting.force_emg_alt_text(runs)
    assert "supramaximal" in text and "below threshold" in text and "mV" in text
    curve = simlib.recruitment_curve(simlib.Scenario(motor_units=120), [0.0, 2.5, 3.0, 10.0])
    ax = plotting.plot_m_wave_curve(curve)
    assert {line.get_gid() for a in ax.figure.axes for line in a.get_lines()} == {"m_wave", "twitch"}
    words = plotting.m_wave_curve_alt_text(curve)
    assert "threshold" in words and f"{curve.m_wave_mV.max():.1f} mV" in words
    none = simlib.recruitment_curve(simlib.Scenario(motor_units=120), [0.0, 0.5])
    assert "No intensity" in plotting.m_wave_curve_alt_text(none)
    plt.close("all")


def test_shared_level_keeps_loudness_comparable_without_clipping(pool_run):
    weak = simlib.simulate(STIM.replace(motor_units=120, stimulus_v=2.5))
    _, loud = _read(simlib.emg_audio(pool_run, level_mV=20.0))
    _, quiet = _read(simlib.emg_audio(weak, level_mV=20.0))
    assert 0 < np.abs(quiet).max() < np.abs(loud).max() < 0.9 * 32767
    _, capped = _read(simlib.emg_audio(pool_run, level_mV=0.01))  # smaller than the EMG: its own peak, no clipping
    assert np.abs(capped).max() == pytest.approx(0.9 * 32767, abs=1)
    with pytest.raises(simlib.ParameterError, match="'level_mV' must be between"):
        simlib.emg_audio(pool_run, level_mV=-1.0)
