"""Chain runs made side by side (simlib.pool.threads): the same runs, in the same memo order, as one at a time."""

from __future__ import annotations

import multiprocessing
import threading
from types import ModuleType

import numpy as np
import pytest

import simlib
from simlib.pool import run_pool, stimulation, threads, voluntary
from simlib.pool.stimulation import RunMemo
from simlib.pool.threads import beside, made_on_threads, memoised_runs


def _serial_and_threaded(monkeypatch: pytest.MonkeyPatch, module: ModuleType, sc: simlib.Scenario):
    """Run ``sc``'s pool with ``module``'s threads off, then on: ((PoolRun, memo keys), (PoolRun, memo keys))."""
    free = module.threads_free
    runs = {}
    for threaded in (False, True):
        monkeypatch.setattr(module, "threads_free", free if threaded else (lambda duration_s: False))
        memo = RunMemo(10**9)
        runs[threaded] = (run_pool(sc, memo=memo), list(memo))
    (serial, serial_keys), (threaded, threaded_keys) = runs[False], runs[True]
    assert threaded_keys == serial_keys  # the same runs, entered in the same order
    np.testing.assert_array_equal(threaded.result.force, serial.result.force)
    assert all(np.array_equal(a, b) for a, b in zip(threaded.result.unit_spikes, serial.result.unit_spikes,
                                                    strict=True))
    return serial, serial_keys


@pytest.mark.parametrize("changes", [{"receptor_block": 0.76}, {"ca_mM": 0.85, "stimulus_v": 3.0}],
                         ids=["partial-block", "hyperexcitable"])
def test_stimulated_runs_side_by_side_are_those_made_one_at_a_time(monkeypatch, changes):
    """Release beside the first band's axon runs, and muscle-side runs on two threads."""
    sc = simlib.Scenario(motor_units=120, drive="stimulation", rate_hz=40.0, drive_s=0.4, duration_s=0.6, **changes)
    serial, _ = _serial_and_threaded(monkeypatch, stimulation, sc)
    assert serial.patterns > 2


def test_voluntary_bands_side_by_side_are_those_made_one_at_a_time(monkeypatch):
    """The bands of a voluntary pool and their feedback reruns on two threads."""
    sc = simlib.PRESETS["exercise_cramp"].replace(duration_s=2.0)  # positive force feedback: bands are rerun
    serial, keys = _serial_and_threaded(monkeypatch, voluntary, sc)
    assert serial.patterns > len({key[4] for key in keys if key[0] == "band"})  # some bands were rerun


def test_threads_only_with_a_spare_core_outside_sweep_workers_and_for_short_runs(monkeypatch):
    monkeypatch.setattr(threads, "usable_cores", lambda: 2)
    assert threads.threads_free(1.0)
    assert not threads.threads_free(threads.THREADED_MAX_S + 1.0)
    monkeypatch.setattr(threads, "usable_cores", lambda: 1)
    assert not threads.threads_free(1.0)
    monkeypatch.setattr(threads, "usable_cores", lambda: 2)
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    assert not threads.threads_free(1.0)


def test_runs_made_on_threads_keep_their_order_and_leave_no_thread():
    before = threading.active_count()
    assert made_on_threads(lambda x: x * x, [3, 1, 2]) == [9, 1, 4]
    made = []

    def fails_on_two(x):
        if x == 2:
            raise ValueError("no")
        made.append(x)
        return x

    with pytest.raises(ValueError, match="no"):
        made_on_threads(fails_on_two, [1, 2, 3, 4, 5, 6])
    assert threading.active_count() == before


@pytest.mark.parametrize("threaded", [False, True])
def test_a_job_beside_the_block_gives_its_result_and_leaves_no_thread(threaded):
    before, made = threading.active_count(), []
    with beside(lambda: made.append(1) or 42, threaded) as result:
        assert result() == 42
    assert made == [1] and threading.active_count() == before

    def fails():
        raise ValueError("probe failed")

    with pytest.raises(ValueError, match="probe failed"), beside(fails, threaded) as result:
        result()
    assert threading.active_count() == before


@pytest.mark.parametrize("threaded", [False, True])
def test_memoised_runs_make_only_what_is_missing_and_enter_it_in_order(threaded):
    memo = {"b": "B"}
    made = []

    def make(job):
        made.append(job)
        return job.upper()

    assert memoised_runs(["a", "b", "c", "a"], ["a", "b", "c", "a"], memo, make, threaded) == ["A", "B", "C", "A"]
    assert sorted(made) == ["a", "c"] and list(memo) == ["b", "a", "c"]
