"""sweep(): parallel over processes, identical to serial, progress reporting, clean interruption."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import subprocess
import sys

import pytest

import simlib
import simlib._parallel as _parallel

# Short runs keep the process-pool tests fast: drive 0.1-0.4 s, run 1 s.
SHORT = simlib.Scenario(motor_units=1, duration_s=1.0, drive_start_s=0.1, drive_s=0.3)
AXES = {"rate_hz": [5.0, 20.0, 80.0], "ca_mM": [0.6, 1.2, 2.5]}
N_POINTS = 9

needs_two_cores = pytest.mark.skipif(_parallel.usable_cores() < 2 and sys.platform != "linux",
                                     reason="a process pool needs fork or two cores to be worth testing")


@pytest.fixture(scope="module")
def serial_grid():
    return simlib.sweep(SHORT, workers=1, **AXES)


def _assert_bit_identical(a, b):
    assert a.shape == b.shape
    for x, y in zip(a.flat, b.flat, strict=True):
        # pickling each Metrics compares every field bit for bit (also NaN and inf)
        assert pickle.dumps(x) == pickle.dumps(y), (x, y)


@pytest.fixture(autouse=True)
def _children_before():
    """Child processes that existed before the test (other tests may leave some running)."""
    global _BEFORE
    _BEFORE = {p.pid for p in multiprocessing.active_children()}
    yield


_BEFORE: set[int] = set()


def _no_worker_left():
    return {p.pid for p in multiprocessing.active_children()} <= _BEFORE


# ------------------------------------------------------------------------------------------ results


@needs_two_cores
@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_is_bit_identical_to_serial(serial_grid, workers):
    grid = simlib.sweep(SHORT, workers=workers, **AXES)
    _assert_bit_identical(grid, serial_grid)
    assert _no_worker_left()


def test_serial_matches_simulate(serial_grid):
    rates, cas = AXES["rate_hz"], AXES["ca_mM"]
    assert serial_grid.shape == (3, 3)
    assert serial_grid[1, 2] == simlib.simulate(SHORT.replace(rate_hz=rates[1], ca_mM=cas[2])).metrics()


@needs_two_cores
def test_parallel_keeps_axis_order_for_three_axes():
    axes = {"k_mM": [3.0, 6.0], "rate_hz": [10.0, 40.0], "temperature_c": [30.0, 37.0]}
    serial = simlib.sweep(SHORT, workers=1, **axes)
    parallel = simlib.sweep(SHORT, workers=2, **axes)
    assert parallel.shape == (2, 2, 2)
    _assert_bit_identical(parallel, serial)


def test_more_workers_than_points_is_fine():
    grid = simlib.sweep(SHORT, workers=8, rate_hz=[20.0])
    assert grid.shape == (1,)
    assert grid[0] == simlib.simulate(SHORT.replace(rate_hz=20.0)).metrics()


# ------------------------------------------------------------------------------------------ choosing workers


def test_default_is_serial_for_a_small_grid(monkeypatch):
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 2)

    def no_pool(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("a 2-point sweep must not start a process pool")

    monkeypatch.setattr(_parallel, "sweep_parallel", no_pool)
    assert simlib.sweep(SHORT, rate_hz=[10.0, 20.0]).shape == (2,)


def test_worker_count_rules(monkeypatch):
    points = [SHORT] * 100
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(_parallel, "_start_method", lambda: "fork")
    assert _parallel.worker_count(None, points) == 2
    assert _parallel.worker_count(None, points[:7]) == 1  # fewer than 4 points per core
    assert _parallel.worker_count(1, points) == 1
    assert _parallel.worker_count(5, points[:3]) == 3  # never more workers than points
    monkeypatch.setattr(_parallel, "_start_method", lambda: "spawn")
    assert _parallel.worker_count(None, points) == 1  # 100 s of simulation: not worth spawning
    assert _parallel.worker_count(None, [SHORT.replace(duration_s=10.0)] * 100) == 2
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 1)
    assert _parallel.worker_count(None, points) == 1


@pytest.mark.parametrize(("n_groups", "n_workers"), [(1, 2), (7, 2), (40, 2), (1380, 2), (500, 4)])
def test_tasks_cover_the_grid_in_order_and_shrink_to_single_simulations(n_groups, n_workers):
    groups = [[i] for i in range(n_groups)]
    chunks = _parallel._chunks(groups, n_workers)
    assert [g for chunk in chunks for g in chunk] == groups  # every group once, in grid order
    sizes = [len(chunk) for chunk in chunks]
    assert max(sizes) <= _parallel._MAX_CHUNK
    assert sizes == sorted(sizes, reverse=True)  # guided: tasks only shrink
    assert sizes[-1] == 1  # the workers finish within one simulation of each other
    if n_groups >= 16 * 8 * n_workers:
        assert sizes[0] == _parallel._MAX_CHUNK


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_invalid_workers_raise_before_simulating(bad):
    with pytest.raises(simlib.ParameterError, match="'workers'"):
        simlib.sweep(SHORT, workers=bad, rate_hz=[10.0])


def test_numpy_integer_workers_accepted():
    np = pytest.importorskip("numpy")
    assert simlib.sweep(SHORT, workers=np.int64(1), rate_hz=[10.0]).shape == (1,)


def test_invalid_progress_raises():
    with pytest.raises(simlib.ParameterError, match="'progress'"):
        simlib.sweep(SHORT, progress="yes", rate_hz=[10.0])


# ------------------------------------------------------------------------------------------ progress


def test_serial_progress_callback_after_every_point():
    seen = []
    simlib.sweep(SHORT, workers=1, progress=lambda done, total: seen.append((done, total)), **AXES)
    assert seen == [(i, N_POINTS) for i in range(1, N_POINTS + 1)]


@needs_two_cores
def test_parallel_progress_callback_grows_to_total():
    seen = []
    simlib.sweep(SHORT, workers=2, progress=lambda done, total: seen.append((done, total)), **AXES)
    assert seen, "the callback must be called"
    assert all(total == N_POINTS for _, total in seen)
    dones = [done for done, _ in seen]
    assert dones == sorted(dones) and len(set(dones)) == len(dones)
    assert dones[-1] == N_POINTS


def test_progress_true_draws_a_text_bar_on_stderr(capsys):
    simlib.sweep(SHORT, workers=1, progress=True, rate_hz=[10.0, 20.0])
    err = capsys.readouterr().err
    assert "\rsweep:   0%|" in err  # tqdm's bar (tests/unit/test_progress.py tests the bar itself)
    assert "100%|" in err and "| 2/2 [" in err and "stopped" not in err
    assert err.endswith("\n")


@pytest.mark.parametrize("progress", [False, None])
def test_no_bar_for_short_or_disabled(capsys, progress):
    simlib.sweep(SHORT, workers=1, progress=progress, rate_hz=[10.0, 20.0])
    assert capsys.readouterr().err == ""


def test_importing_simlib_does_not_import_widgets_or_tqdm():
    code = "import sys, simlib; print('ipywidgets' in sys.modules, 'IPython' in sys.modules, 'tqdm' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert proc.stdout.split() == ["False", "False", "False"]


# ------------------------------------------------------------------------------------------ interruption


def _interrupt_after_first(done, total):
    raise KeyboardInterrupt


@needs_two_cores
def test_keyboard_interrupt_stops_workers_and_is_reraised():
    big = {"rate_hz": [5.0, 10.0, 20.0, 40.0, 60.0, 80.0], "ca_mM": [0.6, 0.9, 1.2, 2.0, 2.5, 3.0]}
    with pytest.raises(KeyboardInterrupt):
        simlib.sweep(SHORT, workers=2, progress=_interrupt_after_first, **big)
    assert _no_worker_left()


def test_keyboard_interrupt_serial_is_reraised(capsys):
    with pytest.raises(KeyboardInterrupt):
        simlib.sweep(SHORT, workers=1, progress=_interrupt_after_first, rate_hz=[10.0, 20.0])


@needs_two_cores
@pytest.mark.skipif(_parallel._start_method() != "fork", reason="patching simulate reaches workers only by fork")
def test_error_in_a_worker_propagates_and_stops_the_pool(monkeypatch):
    real = _parallel.simulate

    def failing(sc, *args, **kwargs):
        if sc.rate_hz == 80.0:
            raise simlib.SimulationError("simulation failed: test", 0.5, sc)
        return real(sc, *args, **kwargs)

    monkeypatch.setattr(_parallel, "simulate", failing)  # inherited by the forked workers
    with pytest.raises(simlib.SimulationError, match="test"):
        simlib.sweep(SHORT, workers=2, **AXES)
    assert _no_worker_left()


@pytest.mark.skipif(sys.platform != "linux", reason="sends SIGINT to a child process")
def test_ctrl_c_in_a_script_exits_cleanly(tmp_path):
    """A real SIGINT while a parallel sweep runs: KeyboardInterrupt in the parent, no worker left."""
    script = tmp_path / "run_sweep.py"
    script.write_text(
        "import signal, sys, multiprocessing, simlib\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "sc = simlib.Scenario(motor_units=1, duration_s=1.0, drive_start_s=0.1, drive_s=0.3)\n"
        "simlib.simulate(sc)\n"
        "print('ready', flush=True)\n"
        "try:\n"
        "    simlib.sweep(sc, workers=2, rate_hz=[float(r) for r in range(1, 101)], ca_mM=[0.6, 1.2, 2.5])\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', len(multiprocessing.active_children()), flush=True)\n"
        "    sys.exit(3)\n"
        "print('finished', flush=True)\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        import time

        time.sleep(0.5)
        proc.send_signal(subprocess.signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # pragma: no cover - only if the test fails
            proc.kill()
            proc.communicate()
    if "finished" in out:  # pragma: no cover - a very fast machine finished first
        pytest.skip("the sweep finished before the signal arrived")
    assert proc.returncode == 3, err
    assert out.split() == ["interrupted", "0"]


def test_start_method_rules(monkeypatch):
    import threading

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert _parallel._start_method() == "fork"
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # e.g. a Jupyter kernel
    expected = "forkserver" if sys.version_info >= (3, 12) else "fork"
    assert _parallel._start_method() == expected
    monkeypatch.setattr(sys, "platform", "darwin")
    assert _parallel._start_method() == "spawn"


@pytest.mark.skipif(sys.platform != "linux", reason="spawned workers: slow to start, tested where fork is default")
def test_spawned_workers_give_identical_results(monkeypatch, serial_grid):
    """The path used on macOS and Windows: workers import simlib and load the kernel from numba's cache."""
    monkeypatch.setattr(_parallel, "_start_method", lambda: "spawn")
    grid = simlib.sweep(SHORT, workers=2, **AXES)
    _assert_bit_identical(grid, serial_grid)
    assert _no_worker_left()


def test_cramp_threshold_search_reports_progress_over_the_rates():
    from simlib.experiments import CTF_RATES_HZ

    calls = []
    rate = simlib.cramp_threshold_frequency(simlib.Scenario(motor_units=1, fatigue=1.0, pic_gain=1.5),
                                            progress=lambda done, total: calls.append((done, total)))
    assert rate == 12.0  # seed 0 (seeds 0-3: 12 Hz each since issue 18; fatigue alone gives 14 Hz)
    assert calls[-1] == (len(CTF_RATES_HZ), len(CTF_RATES_HZ))  # complete once the threshold is found
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    with pytest.raises(simlib.ParameterError, match="progress"):
        simlib.cramp_threshold_frequency(simlib.Scenario(motor_units=1), progress="yes")


# ------------------------------------------------------------------------------------------ identical runs


def test_voluntary_rates_above_the_maximum_simulate_identically():
    import numpy as np

    from simlib.stages.drive import max_voluntary_rate_hz

    protocol = simlib.Protocol.from_scenario
    top = max_voluntary_rate_hz(1.0)
    fast, faster = SHORT.replace(rate_hz=top + 16.0), SHORT.replace(rate_hz=150.0)
    assert protocol(fast) == protocol(faster) == protocol(SHORT.replace(rate_hz=top))
    np.testing.assert_array_equal(simlib.simulate(fast).states, simlib.simulate(faster).states)
    # below the maximum a rate has its own command
    assert protocol(SHORT.replace(rate_hz=top - 2.0)) != protocol(fast)


def test_rates_of_one_calibration_step_get_the_same_command_bit_for_bit():
    """The calibration counts spikes in 1 s, so it tells rates apart in 1 Hz steps: every request in
    (k - 1, k] Hz must get exactly the command of k Hz, the step's representative; else sharing
    their runs (identical protocols) would be wrong."""
    import numpy as np

    from simlib.stages import drive

    def fresh_calibration(rate_hz):  # the bisection itself, bypassing the cache and the step mapping
        return drive.bisect_boundary(lambda level: drive.motoneuron_rate_hz(level, 1.0) < rate_hz, 0.0,
                                     drive._MAX_LEVEL_MV, drive._CALIBRATION_STEPS)

    top = drive.max_voluntary_rate_hz(1.0)
    rates = [float(r) for r in np.random.default_rng(7).uniform(0.2, top - 1.0, 6)] + [2.0, 2.0 + 1e-9, 17.3]
    for rate in rates:
        step_top = drive.command_rate_hz(rate, 1.0)
        assert step_top == np.ceil(rate) and step_top - 1.0 < rate <= step_top
        assert fresh_calibration(rate) == fresh_calibration(step_top) == drive.descending_level_mV(rate, 1.0)
    # just below the maximum each rate stands for itself (its step's top gets the strongest command),
    # and so does 0 (no command at all)
    assert drive.command_rate_hz(top - 0.25, 1.0) == top - 0.25
    assert drive.command_rate_hz(0.0, 1.0) == 0.0
    assert drive.descending_level_mV(top - 0.25, 1.0) < drive.descending_level_mV(top, 1.0)


def test_voluntary_rates_of_one_step_simulate_identically():
    import numpy as np

    low, high = SHORT.replace(rate_hz=17.1), SHORT.replace(rate_hz=17.9)
    protocol = simlib.Protocol.from_scenario
    assert protocol(low) == protocol(high) == protocol(SHORT.replace(rate_hz=18.0))
    np.testing.assert_array_equal(simlib.simulate(low).states, simlib.simulate(high).states)


def test_sweep_runs_identical_points_once_and_judges_each_with_its_own_scenario(monkeypatch):
    calls = []
    original = _parallel.simulate
    monkeypatch.setattr(_parallel, "simulate", lambda sc: calls.append(sc) or original(sc))
    rates = [60.0, 90.0, 150.0]  # all above the motoneuron's maximal rate: one run
    grid = simlib.sweep(SHORT, workers=1, rate_hz=rates, ca_mM=[1.2])
    assert len(calls) == 1
    for rate, metrics in zip(rates, grid[:, 0], strict=True):
        assert pickle.dumps(metrics) == pickle.dumps(simlib.simulate(SHORT.replace(rate_hz=rate)).metrics())


@needs_two_cores
def test_parallel_sweep_with_shared_runs_is_bit_identical_to_simulating_every_point():
    axes = {"rate_hz": [10.0, 60.0, 100.0, 150.0], "ca_mM": [0.8, 1.2, 2.0]}
    grid = simlib.sweep(SHORT, workers=2, **axes)
    for (i, rate), (j, ca) in ((a, b) for a in enumerate(axes["rate_hz"]) for b in enumerate(axes["ca_mM"])):
        direct = simlib.simulate(SHORT.replace(rate_hz=rate, ca_mM=ca)).metrics()
        assert pickle.dumps(grid[i, j]) == pickle.dumps(direct)


def test_the_calibration_helper_thread_is_stopped_before_workers_are_forked():
    # Forking a process that runs other threads is deprecated from Python 3.12 on (and makes sweep
    # fall back to forkserver workers): the command calibration's helper thread is stopped first.
    import threading

    from simlib.stages import drive

    def helper_alive():
        return any(t.name.startswith("simlib-calibration") for t in threading.enumerate())

    drive.descending_level_mV.cache_clear()
    simlib.simulate(SHORT.replace(rate_hz=17.0))
    if drive._helper_thread() is None:
        pytest.skip("no spare core: the calibration runs without a helper thread")
    assert helper_alive()
    if sys.platform.startswith("linux"):
        simlib.sweep(SHORT, workers=2, rate_hz=[5.0, 20.0], ca_mM=[1.2, 2.0])
        assert not helper_alive()
    drive.stop_helper_thread()
    assert not helper_alive()
    drive.descending_level_mV.cache_clear()
    assert simlib.simulate(SHORT.replace(rate_hz=17.0)).nerve_spikes.size > 0  # and it comes back when needed


_ORPHAN_SWEEP = (
    "import simlib\n"
    "print('ready', flush=True)\n"
    "simlib.sweep(simlib.Scenario(motor_units=1, duration_s=1.0), workers=2, progress=False,\n"
    "             rate_hz=[float(r) for r in range(1, 101)], ca_mM=[0.6, 1.2, 2.5])\n"
)


def _workers_of(pid: int, wait_s: float = 60.0) -> list[int]:
    import time

    end = time.monotonic() + wait_s
    while time.monotonic() < end:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        if len(out) >= 2:
            return [int(p) for p in out]
        time.sleep(0.05)
    pytest.fail("the sweep started no workers")


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("signame", ["SIGKILL", "SIGTERM", "SIGHUP"])
def test_workers_end_when_the_parent_is_killed(signame):
    """Reliability audit D5: both workers used to stay alive, re-parented to PID 1."""
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-c", _ORPHAN_SWEEP], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        workers = _workers_of(proc.pid)
        time.sleep(0.3)
        proc.send_signal(getattr(signal, signame))
        proc.communicate(timeout=30)
        end = time.monotonic() + 5.0
        while any(_running(w) for w in workers) and time.monotonic() < end:
            time.sleep(0.05)
        left = [w for w in workers if _running(w)]
    finally:
        for w in workers:
            if _running(w):  # pragma: no cover - only if the test fails
                os.kill(w, signal.SIGKILL)
        proc.kill()
    assert not left, f"workers {left} outlived their parent"


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_the_portable_watchdog_ends_a_worker_whose_parent_died():
    """Without PR_SET_PDEATHSIG (macOS, or a missed signal) the worker's watchdog thread ends it."""
    import signal
    import time

    script = (
        "import multiprocessing, os, sys, time, types\n"
        "import simlib._system as system\n"
        "def worker(parent):\n"
        "    system.sys = types.SimpleNamespace(platform='darwin')  # no prctl: the watchdog alone\n"
        "    system.die_with_parent(parent, poll_s=0.1)\n"
        "    time.sleep(60)\n"
        "if __name__ == '__main__':\n"
        "    p = multiprocessing.get_context('fork').Process(target=worker, args=(os.getpid(),))\n"
        "    p.start()\n"
        "    print(p.pid, flush=True)\n"
        "    time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    try:
        time.sleep(0.3)
        assert _running(child)
        proc.kill()
        proc.wait()
        end = time.monotonic() + 5.0
        while _running(child) and time.monotonic() < end:
            time.sleep(0.05)
        assert not _running(child), "the worker outlived its parent"
    finally:
        if _running(child):  # pragma: no cover
            os.kill(child, signal.SIGKILL)
