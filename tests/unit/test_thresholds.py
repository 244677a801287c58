"""simlib.thresholds: the Ca²⁺ below which the motor axon fires by itself (tetany)."""

from __future__ import annotations

import math

import pytest

import simlib
from simlib import model
from simlib.thresholds import ectopic_threshold_ca_mM


def _margin_mV(sc: simlib.Scenario) -> float:
    kp = model.kernel_parameters(sc)
    return kp.ax_vt - kp.ax_el_mV - kp.ax_delta_t_mV


def test_tetany_threshold_is_in_the_clinical_range():
    # Clinical tetany appears at ionised Ca 0.8-1.0 mM (Cooper & Gittoes 2008, BMJ 336:1298); ax_vt_mV was
    # calibrated for about 0.88 mM at normal Mg. The range is the clinical one, not the calibration target.
    assert 0.8 <= ectopic_threshold_ca_mM() <= 1.0


def test_threshold_is_where_the_axon_loses_its_resting_state():
    ca = ectopic_threshold_ca_mM()
    sc = simlib.Scenario(motor_units=1)
    assert _margin_mV(sc.replace(ca_mM=ca + 1e-3)) > 0 > _margin_mV(sc.replace(ca_mM=ca - 1e-3))
    assert abs(_margin_mV(sc.replace(ca_mM=ca))) < 1e-4  # the root, to the 1e-6 mM tolerance


def test_the_threshold_fires_the_axon_and_just_above_it_is_quiet():
    # The definition, checked by simulation: a quiet run (no drive) below the threshold has motor-axon
    # spikes, one just above it has none.
    ca = ectopic_threshold_ca_mM()
    quiet = simlib.Scenario(motor_units=1, rate_hz=0.0, duration_s=1.0)
    assert simlib.simulate(quiet.replace(ca_mM=ca - 0.05)).ectopic_spikes.size > 0
    assert simlib.simulate(quiet.replace(ca_mM=ca + 0.05)).ectopic_spikes.size == 0


def test_low_magnesium_raises_the_threshold_and_the_old_table_values_hold():
    # docs/model.md "Derived values": 0.88x at the default 0.55 mM Mg²⁺, higher at the hypomagnesaemia preset's.
    normal, low_mg = ectopic_threshold_ca_mM(), ectopic_threshold_ca_mM(simlib.PRESETS["hypomagnesaemia"].mg_mM)
    assert low_mg > normal
    assert ectopic_threshold_ca_mM(scenario=simlib.Scenario(motor_units=1, mg_mM=0.55)) == normal
    assert ectopic_threshold_ca_mM(0.55, scenario=simlib.Scenario(motor_units=1, mg_mM=3.0)) == normal  # mg_mM wins


def test_constants_move_the_threshold():
    shifted = model.resolve_constants({"ax_vt_mV": model.constants()["ax_vt_mV"].default - 1.0})
    assert ectopic_threshold_ca_mM(constants=shifted) > ectopic_threshold_ca_mM()  # a lower V_T: easier to fire


def test_no_threshold_in_range_is_nan_and_a_bad_mg_is_a_parameter_error():
    declared = model.constants()
    # the most stable node the declared ranges allow: a resting state at every allowed Ca²⁺
    always_quiet = model.resolve_constants({"ax_el_mV": declared["ax_el_mV"].low, "ax_vt_mV": declared["ax_vt_mV"].high,
                                            "ax_delta_t_mV": declared["ax_delta_t_mV"].low})
    assert math.isnan(ectopic_threshold_ca_mM(constants=always_quiet))
    with pytest.raises(simlib.ParameterError, match="'mg_mM'"):
        ectopic_threshold_ca_mM(50.0)
