"""Property tests over the whole Scenario parameter box (the slider space), DESIGN.md §6.

Every field is drawn within its metadata range from ``simlib.parameters.SCENARIO_PARAMS`` (so a new
field is covered automatically); runs are at most 3 s long to keep the test fast. Hypothesis is
derandomized so CI sees the same examples on every run.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simlib
from simlib.chain import STATE_NAMES, STATE_UNITS, kernel_params, rates
from simlib.metrics import CLASSIFICATIONS
from simlib.parameters import SCENARIO_PARAMS

MAX_DURATION_S = 3.0
ECCENTRIC_FORCE_RATIO = simlib.constants()["eccentric_force_ratio"].default
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ARRAYS = ("t", "force", "v_muscle", "ca_i", "epp", "nerve_spikes", "ectopic_spikes", "muscle_spikes", "quanta",
          "states")
_SPECIAL = {"duration_s", "drive_start_s", "stretch_at_s"}


def _number(param, low=None, high=None):
    low = param.low if low is None else low
    high = param.high if high is None else high
    if param.name == "seed":  # a whole number
        return st.integers(int(low), int(high))
    if param.name == "motor_units":  # the single unit: a pool run is up to ~10 chain runs, too slow to sample here
        return st.just(1)
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw) -> simlib.Scenario:
    by_name = {p.name: p for p in SCENARIO_PARAMS}
    values = {}
    duration = draw(_number(by_name["duration_s"], high=min(MAX_DURATION_S, by_name["duration_s"].high)))
    values["duration_s"] = duration
    start_param = by_name["drive_start_s"]
    values["drive_start_s"] = draw(st.floats(start_param.low, min(start_param.high, duration), exclude_max=True))
    stretch = by_name["stretch_at_s"]
    values["stretch_at_s"] = draw(st.none() | st.floats(stretch.low, min(stretch.high, duration)))
    for param in SCENARIO_PARAMS:
        if param.name in _SPECIAL:
            continue
        if param.is_text:
            values[param.name] = draw(st.sampled_from(param.choices))
        elif param.optional:
            values[param.name] = draw(st.none() | _number(param))
        else:
            values[param.name] = draw(_number(param))
    return simlib.Scenario(**values)


def test_strategy_covers_every_field():
    # every Scenario field has metadata, so the strategy draws all of them
    assert set(simlib.Scenario.field_names()) == {p.name for p in SCENARIO_PARAMS}


@PROPERTY_SETTINGS
@given(sc=scenarios())
def test_every_scenario_runs_finite_and_bounded(sc):
    res = simlib.simulate(sc)  # must not raise (ParameterError or SimulationError)
    assert res.scenario == sc
    assert res.t.size == int(np.floor(sc.duration_s / 0.001 + 1e-9)) + 1
    for name in ("force", "v_muscle", "ca_i", "epp", "states", "quanta", "nerve_spikes", "muscle_spikes"):
        assert np.isfinite(getattr(res, name)).all(), name
    assert res.force.min() >= 0.0
    # rigor reaches ≈1.11; a stretch of an active muscle adds Katz's eccentric force (up to 1.8 times that)
    assert res.force.max() <= (1.2 if sc.stretch_at_s is None else 1.2 * ECCENTRIC_FORCE_RATIO)
    assert res.ca_i.min() >= 0.0
    assert res.state("ca_sr").min() >= 0.0
    assert np.isin(res.ectopic_spikes, res.nerve_spikes).all()
    m = res.metrics()
    assert m.classification in CLASSIFICATIONS

    again = simlib.simulate(sc)
    for name in ARRAYS:
        assert np.array_equal(getattr(res, name), getattr(again, name)), name


# Box of physically meaningful states for the kernel check below, by unit.
_STATE_BOX = {"mV": (-130.0, 60.0), "µM": (0.0, 50.0), "mM": (0.0, 40.0), "": (0.0, 1.0)}
_STATE_BOX_BY_NAME = {"ca_sr": (0.0, 5000.0), "ach": (0.0, 20.0), "w_axon": (0.0, 50.0)}


@st.composite
def states(draw) -> np.ndarray:
    values = []
    for name, unit in zip(STATE_NAMES, STATE_UNITS, strict=True):
        low, high = _STATE_BOX_BY_NAME.get(name, _STATE_BOX[unit])
        values.append(draw(st.floats(low, high)))
    return np.array(values)


@PROPERTY_SETTINGS
@given(sc=scenarios(), y=states())
def test_chain_rates_are_in_production_loss_form(sc, y):
    # every stage, wired together: dy/dt = a - b y with b >= 0 (what the exponential integrator needs),
    # and a >= 0 for concentrations and fractions, so they cannot be driven negative
    kp = kernel_params(sc)
    a = np.empty_like(y)
    b = np.empty_like(y)
    _, inputs = simlib.Protocol.from_scenario(sc).kernel_arrays()
    rates(1000.0, y, kp, inputs, a, b)
    assert np.isfinite(a).all() and np.isfinite(b).all()
    assert (b >= 0.0).all(), dict(zip(STATE_NAMES, b, strict=True))
    nonneg = np.array([unit != "mV" for unit in STATE_UNITS])
    assert (a[nonneg] >= 0.0).all(), dict(zip(np.array(STATE_NAMES)[nonneg], a[nonneg], strict=True))
