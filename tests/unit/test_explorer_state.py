"""simlib.widgets.state: the explorer's Scenario, runs and metrics, driven without any widget or figure."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import simlib
from simlib import PRESETS, ParameterError, Scenario, SimulationError
from simlib.widgets import captions
from simlib.widgets import state as state_module
from simlib.widgets.state import RECENT_RUNS, VOLUNTARY_RATE_STEP_HZ, ExplorerState


@pytest.fixture
def runs(monkeypatch) -> list[Scenario]:
    """Record every real simulation the state asks for (cache misses), in order."""
    seen: list[Scenario] = []
    original = state_module.simulate

    def recording(scenario, *args, **kwargs):
        seen.append(scenario)
        return original(scenario, *args, **kwargs)

    monkeypatch.setattr(state_module, "simulate", recording)
    return seen


def test_the_state_and_its_words_import_neither_ipywidgets_nor_matplotlib():
    code = ("import sys; import simlib.widgets.state, simlib.widgets.captions; from simlib import widgets; "
            "assert widgets.ExplorerState is simlib.widgets.state.ExplorerState; "
            "print(sorted(m for m in ('ipywidgets', 'matplotlib', 'simlib.widgets.view') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_starts_at_the_healthy_default_with_its_run_and_metrics(runs):
    state = ExplorerState()
    assert state.scenario == Scenario(motor_units=1) and state.result.scenario == state.scenario
    assert state.metrics == state.result.metrics() and state.metrics.classification == "normal"
    # the reference (healthy default, for the figure's y limits) is the first run; the start reuses it
    assert runs == [Scenario(motor_units=1)] and state.reference is state.result
    assert (state.misses, state.hits) == (1, 1) and state.error == ""


def test_a_change_simulates_the_new_scenario_and_computes_its_metrics():
    state = ExplorerState(output_dt_s=0.0005)
    assert state.set(ca_mM=0.75, rate_hz=0)
    assert state.scenario == Scenario(motor_units=1).replace(ca_mM=0.75, rate_hz=0)
    assert state.result.scenario == state.scenario
    assert state.metrics == state.result.metrics() and state.metrics.classification == "tetany"
    assert state.result.t[1] - state.result.t[0] == pytest.approx(0.0005)
    assert set(state.timings) >= {"simulate_ms", "metrics_ms"} and state.timings["simulate_ms"] > 0


@pytest.mark.parametrize(("change", "words"), [
    ({"ca_mM": 99.0}, ("'ca_mM'", "mM")),          # out of range: name, allowed range and unit
    ({"ca": 0.75}, ("did you mean", "'ca_mM'")),    # unknown name: a suggestion
])
def test_an_invalid_change_surfaces_the_parameter_error_and_changes_nothing(change, words):
    state = ExplorerState()
    assert state.set(ca_mM=1.0)
    before = (state.scenario, state.result, state.metrics)
    with pytest.raises(ParameterError) as raised:
        Scenario(motor_units=1).replace(**change)
    assert not state.set(**change)
    assert state.error == str(raised.value) and all(w in state.error for w in words)
    assert (state.scenario, state.result, state.metrics) == before
    assert state.set(ca_mM=1.1) and state.error == ""  # the next valid change clears it


def test_a_simulation_error_is_surfaced_too(monkeypatch):
    state = ExplorerState()

    def failing(scenario, **_kwargs):
        raise SimulationError("step size underflow", 0.25, scenario)

    monkeypatch.setattr(state_module, "simulate", failing)
    assert not state.set(ca_mM=0.9)
    assert "step size underflow" in state.error and state.scenario == Scenario(motor_units=1)


def test_other_failures_propagate(monkeypatch):
    state = ExplorerState()
    monkeypatch.setattr(state_module, "simulate", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        state.set(ca_mM=0.9)
    assert state.scenario == Scenario(motor_units=1) and state.result.scenario == state.scenario


def test_presets_and_the_active_preset():
    state = ExplorerState()
    name = next(iter(PRESETS))
    assert state.apply_preset(name) and state.active_preset == name
    assert state.scenario == PRESETS[name].replace(motor_units=1)  # the explorer keeps its single unit
    assert not state.apply_preset("hypocalcemia")
    assert "did you mean 'hypocalcaemia'" in state.error and state.active_preset == name
    assert state.set(ca_mM=3.9) and state.active_preset is None


def test_cache_hits_and_misses_by_exact_scenario(runs):
    state = ExplorerState()
    assert state.set(ca_mM=0.8) and state.set(ca_mM=1.5)
    assert runs == [Scenario(motor_units=1), Scenario(motor_units=1, ca_mM=0.8), Scenario(motor_units=1, ca_mM=1.5)]
    first = state.result
    assert state.set(ca_mM=0.8) and state.set(ca_mM=1.5)  # back and forth: both cached
    assert len(runs) == 3 and state.result is first
    assert state.set(ca_mM=1.5000000001)  # not exactly the same Scenario: a new run
    assert len(runs) == 4 and state.cached(Scenario(motor_units=1, ca_mM=1.5))
    assert (state.misses, state.hits) == (4, 3)  # the start reused the reference run


def test_the_cache_keeps_the_most_recent_runs_only(runs):
    state = ExplorerState(recent_runs=3)
    values = [0.5, 0.6, 0.7, 0.8]
    for ca in values:
        assert state.set(ca_mM=ca)
    assert not state.cached(Scenario(motor_units=1)) and not state.cached(Scenario(motor_units=1, ca_mM=0.5))
    assert all(state.cached(Scenario(motor_units=1, ca_mM=ca)) for ca in values[1:])
    assert state.set(ca_mM=0.6) and len(runs) == 1 + len(values)  # a hit refreshes 0.6 ...
    assert state.set(ca_mM=0.9) and state.cached(Scenario(motor_units=1, ca_mM=0.6))  # ... so 0.7 goes, not 0.6
    assert not state.cached(Scenario(motor_units=1, ca_mM=0.7))
    assert RECENT_RUNS == ExplorerState()._recent_runs == 6
    with pytest.raises(ParameterError, match="recent_runs"):
        ExplorerState(recent_runs=0)


def test_a_result_is_never_relabelled_with_another_scenario(runs):
    """Rates that simulate identically (one 1 Hz calibration step) each get their own run."""
    state = ExplorerState()
    for change in ({"rate_hz": 21.5}, {"rate_hz": 22.0}, {"rate_hz": 21.5}, {"rate_hz": 20.0},
                   {"rate_hz": 149.0}, {"rate_hz": 150.0}, {"ca_mM": 99.0}, {"drive": "stimulation"}):
        state.set(**change)
        assert state.result.scenario == state.scenario
        assert state.metrics == state.result.metrics()
    assert Scenario(motor_units=1, rate_hz=21.5) in runs and Scenario(motor_units=1, rate_hz=22.0) in runs
    assert len(runs) == len(set(runs))  # every real run is of a different Scenario
    # identical runs stay identical, each under its own name
    np.testing.assert_array_equal(state.run(Scenario(motor_units=1, rate_hz=21.5)).force,
                                  state.run(Scenario(motor_units=1, rate_hz=22.0)).force)


def test_control_ranges_follow_the_scenario():
    state = ExplorerState()
    assert state.control_range("rate_hz") == {"step": VOLUNTARY_RATE_STEP_HZ}
    assert state.set(drive="stimulation") and state.control_range("rate_hz") == {"step": 1.0}
    assert state.set(duration_s=2.0) and state.control_range("drive_start_s") == {"high": 2.0}
    assert state.control_range("ca_mM") == {} and state.control_range("duration_s") == {}
    with pytest.raises(ParameterError, match="did you mean 'ca_mM'"):
        state.control_range("ca")


def test_the_words_come_from_the_state_alone():
    state = ExplorerState()
    assert state.apply_preset("hypocalcaemia")
    text = captions.caption(state)
    assert "preset 'hypocalcaemia'" in text and "Tetany" in text
    alt = captions.alt_text(state, ("calcium", "force"))
    assert alt.startswith("2 stacked panels") and "classification: tetany" in alt
    assert captions.export_title(state) == "Hypocalcaemia: Tetany"
    assert 'role="status"' in captions.status_html(state)
    assert repr(state).startswith("ExplorerState(scenario=")


def test_a_scenario_of_another_type_is_refused():
    with pytest.raises(ParameterError, match="simlib.Scenario"):
        ExplorerState({"ca_mM": 1.0})  # type: ignore[arg-type]
    assert isinstance(ExplorerState(simlib.Scenario(motor_units=1, ca_mM=1.0)).scenario, Scenario)
