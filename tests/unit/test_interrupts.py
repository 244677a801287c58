"""Ctrl-C and Jupyter's "Interrupt kernel" always give a clean KeyboardInterrupt (reliability audit D2).

Before, SIGINT during a simulation raised ``SystemError: CPUDispatcher(...) returned a result with
an exception set`` in warm processes (30/30) and segfaulted fresh ones (13/30): Python's handler
raised inside numba's boxing of the kernel's result (numba issue #2324). ``simlib._system`` defers
the signal while compiled code runs and makes the integrator stop early. These tests send SIGINT at
seeded random moments to fresh and warm processes and to a real IPython kernel; the longer version
is ``tests/soak/test_interrupt_soak.py``.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
import traceback

import numpy as np
import pytest

import simlib
from simlib import _system

pytestmark = pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals")

#: a run of about a second of integration: long enough to be interrupted in the middle
LONG = simlib.Scenario(motor_units=1, duration_s=10.0, drive="stimulation", rate_hz=100.0, drive_s=9.0)


def _send_sigint_after(delay_s: float) -> threading.Timer:
    timer = threading.Timer(delay_s, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


# ------------------------------------------------------------------------------------------ the mechanism


def test_sigint_inside_a_deferral_is_delivered_at_its_end():
    before = signal.getsignal(signal.SIGINT)
    reached_end = False
    with pytest.raises(KeyboardInterrupt):
        with _system.deferred_interrupt() as flag:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler has run by now: it only recorded the signal
            assert flag[0] == 1
            reached_end = True
    assert reached_end
    assert signal.getsignal(signal.SIGINT) is before


def test_a_deferral_without_a_signal_changes_nothing():
    before = signal.getsignal(signal.SIGINT)
    with _system.deferred_interrupt() as flag:
        with _system.deferred_interrupt() as inner:  # nested blocks share the outer one
            assert inner is flag
        assert flag[0] == 0
    assert signal.getsignal(signal.SIGINT) is before


def test_an_interrupted_deferral_raises_one_keyboard_interrupt_without_a_chain():
    with pytest.raises(KeyboardInterrupt) as caught:
        with _system.deferred_interrupt():
            with _system.deferred_interrupt():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)
                _system.interrupt_requested()
                pytest.fail("interrupt_requested() did not stop the block")
    shown = "".join(traceback.format_exception(caught.value))
    assert "During handling" not in shown and "_Interrupted" not in shown, shown


def test_the_previous_handler_is_what_delivers_the_signal(monkeypatch):
    seen = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    try:
        with _system.deferred_interrupt():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            assert seen == []
        assert seen == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ignored_sigint_stays_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with _system.deferred_interrupt() as flag:
            assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            assert flag[0] == 0
    finally:
        signal.signal(signal.SIGINT, previous)


def test_off_the_main_thread_nothing_is_deferred():
    seen = {}

    def worker():
        with _system.deferred_interrupt() as flag:
            seen["flag"] = flag is not _system._FLAG
            seen["handler"] = signal.getsignal(signal.SIGINT)
        seen["result"] = _system.run_interruptible(lambda x, flag: x + 1, 41)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == {"flag": True, "handler": signal.getsignal(signal.SIGINT), "result": 42}


def test_run_interruptible_stops_a_polling_function_soon():
    def poll(limit_s, flag):
        end = time.perf_counter() + limit_s
        while time.perf_counter() < end:
            if flag[0]:
                return "stopped"
            time.sleep(0.001)
        return "ran to the end"

    timer = _send_sigint_after(0.1)
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        _system.run_interruptible(poll, 30.0)
    timer.join()
    assert time.perf_counter() - start < 2.0


def test_errors_of_the_helper_thread_reach_the_caller():
    def broken(flag):
        raise ValueError("from the helper")

    with pytest.raises(ValueError, match="from the helper"):
        _system.run_interruptible(broken)


# ------------------------------------------------------------------------------------------ simulate


def _digest(result) -> str:
    return hashlib.sha256(result.states.tobytes()).hexdigest()


def test_simulate_stops_soon_and_later_runs_are_unchanged():
    expected = _digest(simlib.simulate(LONG))
    start = time.perf_counter()
    simlib.simulate(LONG)
    full_s = time.perf_counter() - start
    timer = _send_sigint_after(0.1 * full_s)
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        while time.perf_counter() - start < 30.0:  # (a loop: the signal must never land outside the block)
            simlib.simulate(LONG)
    stopped_s = time.perf_counter() - start
    timer.join()
    assert stopped_s < 0.1 * full_s + 0.5, f"took {stopped_s:.2f} s of a {full_s:.2f} s run to stop"
    assert _digest(simlib.simulate(LONG)) == expected


def test_short_runs_in_the_calling_thread_are_interrupted_cleanly_too():
    short = simlib.Scenario(motor_units=1, duration_s=0.5)  # below _HELPER_THREAD_FROM_MS: no helper thread
    expected = _digest(simlib.simulate(short))
    timer = _send_sigint_after(0.2)
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        while time.perf_counter() - start < 10.0:
            simlib.simulate(short)
    timer.join()
    assert time.perf_counter() - start < 2.0
    assert _digest(simlib.simulate(short)) == expected


def test_the_integrator_stops_at_once_when_its_flag_is_set():
    import simlib.simulate as simulate_module
    from simlib import solver
    from simlib.chain import kernel_params, kernel_record, rest_state

    kp = kernel_params(LONG)
    flag = np.ones(1, dtype=np.int64)
    _, inputs = simlib.Protocol().kernel_arrays()
    *_, status, t_reached = solver.integrate(
        rest_state(kp), kernel_record(kp)[0], np.empty(0), inputs, np.empty(0), 10_000.0, 1.0, simulate_module._ATOL,
        simulate_module._RTOL_BY_STATE, 1.0, 10**8, flag,
    )
    assert status == solver.STATUS_INTERRUPTED and t_reached <= solver._POLL_STEPS * 1.0  # at most h_max per step


def test_the_reference_solver_stops_too():
    timer = _send_sigint_after(0.3)
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        while time.perf_counter() - start < 30.0:
            simlib.simulate(simlib.Scenario(motor_units=1, duration_s=3.0), solver="reference")
    timer.join()
    assert time.perf_counter() - start < 5.0


# ------------------------------------------------------------------------------------------ in other processes

_WARM_LOOP = textwrap.dedent("""
    import hashlib, sys, time
    import simlib
    sc = simlib.Scenario(motor_units=1, duration_s=10.0, drive="stimulation", rate_hz=100.0, drive_s=9.0)
    expected = hashlib.sha256(simlib.simulate(sc).states.tobytes()).hexdigest()
    print("ready", flush=True)
    interrupts = 0
    while True:
        try:
            line = sys.stdin.readline().strip()
            if line == "stop":
                break
            print("running", flush=True)
            while True:
                simlib.simulate(sc)
        except KeyboardInterrupt:
            interrupts += 1
            print("interrupted", flush=True)
    same = hashlib.sha256(simlib.simulate(sc).states.tobytes()).hexdigest() == expected
    print(f"done {interrupts} {same}", flush=True)
""")


def check_warm_process(n_signals: int, seed: int) -> None:
    """Send ``n_signals`` SIGINTs at random moments to one process simulating in a loop; all must be clean."""
    rng = random.Random(seed)
    proc = subprocess.Popen([sys.executable, "-c", _WARM_LOOP], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        for _ in range(n_signals):
            proc.stdin.write("go\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "running"
            time.sleep(rng.uniform(0.0, 1.0))
            proc.send_signal(signal.SIGINT)
            assert proc.stdout.readline().strip() == "interrupted"
        proc.stdin.write("stop\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert out.strip() == f"done {n_signals} True", err
    assert proc.returncode == 0 and "Error" not in err, err


def test_a_warm_process_survives_many_interrupts_at_random_moments():
    check_warm_process(4, seed=20261206)


_FRESH = textwrap.dedent("""
    import sys
    try:
        print("started", flush=True)
        import simlib
        while True:
            simlib.simulate(simlib.Scenario(motor_units=1, duration_s=10.0, drive="stimulation", rate_hz=100.0,
                                            drive_s=9.0))
    except KeyboardInterrupt:
        print("interrupted", flush=True)
""")


def check_fresh_processes(n_processes: int, seed: int, *, strict: bool = True) -> None:
    """SIGINT at a random moment from start-up (import, loading the compiled kernel) into the first runs.

    The clock starts once the child runs Python code: before that (the interpreter's own start-up,
    tens to hundreds of ms on a loaded machine) SIGINT still has its default action, for any program.
    """
    rng = random.Random(seed)
    for _ in range(n_processes):
        proc = subprocess.Popen([sys.executable, "-c", _FRESH], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        assert proc.stdout.readline().strip() == "started"
        time.sleep(rng.uniform(0.0, 2.5))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        # strict=False: a child that caught Ctrl-C, said so and then died by SIGINT while the interpreter
        # shut down (-2) passes. That rare race (a few in a hundred processes, seen since round 2's first
        # session) is a known open bug; the soak suite keeps the strict check and measures its rate.
        allowed = (0,) if strict else (0, -signal.SIGINT)
        assert proc.returncode in allowed and out.split() == ["interrupted"], (proc.returncode, out, err[-2000:])
        assert "Error" not in err, err


def test_fresh_processes_interrupted_at_random_moments_stop_cleanly():
    check_fresh_processes(3, seed=2324, strict=False)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_interrupted_sweep_raises_keyboard_interrupt_and_stops_its_workers(workers):
    script = textwrap.dedent(f"""
        import multiprocessing, time
        import simlib
        print("ready", flush=True)
        try:
            # stimulation: every rate is its own run (voluntary rates share calibration steps)
            simlib.sweep(simlib.Scenario(motor_units=1, drive="stimulation", duration_s=2.0), workers={workers},
                         progress=False,
                         rate_hz=list(range(1, 101)), ca_mM=[0.8, 1.0, 1.2, 1.6, 2.0, 2.5])
            print("finished before the signal", flush=True)
        except KeyboardInterrupt:
            time.sleep(0.2)
            print("interrupted", len(multiprocessing.active_children()), flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    # 600 distinct runs of 2 s take several seconds even on an idle machine: signal well inside them
    time.sleep(random.Random(workers).uniform(0.5, 1.5))
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and out.strip() == "interrupted 0", (out, err)
    assert "Error" not in err, err


def check_command_line(tmp_path, delays_s: list[float], command: str = "figures", *,
                       skip_start_up: bool = False) -> int:
    """The command line, SIGINT after each delay: exit status 130 and one line, ``simlib: interrupted``.

    ``figures`` draws all nine figures (~10 s, simulating throughout); ``run`` simulates a 60 s
    scenario (~1-2 s after ~1 s of start-up). A command that finished before the signal must have
    succeeded. With ``skip_start_up``, a signal that arrived while Python was still importing
    simlib, before the command line's ``main()`` (a known gap, see the soak suite) is not counted.
    Returns how many were interrupted.
    """
    scenario = tmp_path / "long.toml"
    scenario.write_text('drive = "stimulation"\nrate_hz = 150.0\nduration_s = 60.0\ndrive_s = 30.0\nca_mM = 0.5\n')
    out_dir = tmp_path / "figures"
    out_dir.mkdir(exist_ok=True)
    args = {"run": ["run", str(scenario)],
            "figures": ["figures", "--out", str(out_dir), "--dpi", "50", "--quiet", "--overwrite"]}[command]
    interrupted = 0
    for delay_s in delays_s:
        proc = subprocess.Popen([sys.executable, "-m", "simlib", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(delay_s)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        if proc.returncode == 0:  # finished first
            continue
        if skip_start_up and proc.returncode == -signal.SIGINT and "<frozen runpy>" in err:
            continue
        outcome = (proc.returncode, err if proc.returncode == 130 else err[-1500:])
        assert outcome == (130, "simlib: interrupted\n"), f"after {delay_s:.2f} s: {outcome}"
        interrupted += 1
    return interrupted


def test_the_command_line_exits_130_with_one_line(tmp_path):
    # 1.5 s: at the end of start-up or early in drawing the nine figures (~3.5 s on an idle machine, so a
    # later signal can come after the command finished); either way one line and 130 (simlib._startup)
    assert check_command_line(tmp_path, [1.5]) == 1


def check_ipython_kernel(n_interrupts: int, seed: int) -> None:
    """Interrupt a real IPython kernel (jupyter_client) running simulations: KeyboardInterrupt, kernel alive."""
    jupyter_client = pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    rng = random.Random(seed)
    manager = jupyter_client.KernelManager(kernel_name="python3")
    manager.kernel_cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    manager.start_kernel(env={**os.environ})
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        one_unit = "simlib.Scenario(motor_units=1, duration_s=0.3)"
        reply = client.execute_interactive(f"import simlib; simlib.simulate({one_unit})", timeout=60)
        assert reply["content"]["status"] == "ok"
        loop = ("sc = simlib.Scenario(motor_units=1, duration_s=10.0, drive='stimulation', rate_hz=100.0,"
                " drive_s=9.0)\n"
                "while True:\n    simlib.simulate(sc)\n")
        for _ in range(n_interrupts):
            # stop_on_error=False: after this cell's KeyboardInterrupt the kernel must not abort the next one
            msg_id = client.execute(loop, stop_on_error=False)
            time.sleep(rng.uniform(0.5, 1.5))
            manager.interrupt_kernel()
            reply = client.get_shell_msg(timeout=30)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = client.get_shell_msg(timeout=30)
            content = reply["content"]
            assert (content["status"], content.get("ename")) == ("error", "KeyboardInterrupt"), content
            assert manager.is_alive()
        reply = client.execute_interactive(f"print(float(simlib.simulate({one_unit}).force[-1]))", timeout=60)
        assert reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_real_ipython_kernel_interrupted_during_simulations_stays_alive():
    check_ipython_kernel(2, seed=12)


def test_the_start_up_guard_exits_130_with_one_line():
    # what the command line installs before its imports (see _system.quiet_interrupt_until_main)
    script = ("import time\nfrom simlib._system import quiet_interrupt_until_main\nquiet_interrupt_until_main()\n"
              "print('ready', flush=True)\ntime.sleep(30)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, err) == (130, "simlib: interrupted\n")
