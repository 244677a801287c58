"""Long version of tests/unit/test_interrupts.py: many SIGINTs at seeded random moments (~5-10 min).

The numbers of the reliability audit (D2) they replace: warm processes 30/30 SystemError, fresh
processes 13/30 segfaults, a real IPython kernel killed by 1 of 12 interrupts, ``simlib run``
segfaulting in 9 of 26 runs.
"""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.soak, pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals")]

_spec = importlib.util.spec_from_file_location(
    "_interrupt_checks", Path(__file__).resolve().parents[1] / "unit" / "test_interrupts.py")
checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checks)


def test_thirty_interrupts_of_a_warm_process():
    checks.check_warm_process(30, seed=1)


def test_thirty_fresh_processes_interrupted_from_start_up_on():
    checks.check_fresh_processes(30, seed=2)


def test_twelve_interrupts_of_a_real_ipython_kernel():
    checks.check_ipython_kernel(12, seed=3)


def test_simlib_run_interrupted_during_the_run(tmp_path):
    rng = random.Random(4)
    assert checks.check_command_line(tmp_path, [rng.uniform(1.2, 2.5) for _ in range(12)], "run",
                                     skip_start_up=True) >= 3


def test_simlib_figures_interrupted_at_random_moments(tmp_path):
    rng = random.Random(7)
    assert checks.check_command_line(tmp_path, [rng.uniform(2.0, 9.0) for _ in range(10)]) >= 8


def test_simlib_run_interrupted_during_start_up(tmp_path):
    rng = random.Random(5)
    assert checks.check_command_line(tmp_path, [rng.uniform(0.05, 1.0) for _ in range(10)], "run") == 10


def test_sweeps_interrupted_at_random_moments():
    rng = random.Random(6)
    for workers in (1, 2, 1, 2, 1, 2):
        script = (
            "import multiprocessing, time\n"
            "import simlib\n"
            "print('ready', flush=True)\n"
            "try:\n"
            f"    simlib.sweep(simlib.Scenario(motor_units=1, duration_s=1.0), workers={workers}, progress=False,\n"
            "                 rate_hz=list(range(1, 101)), ca_mM=[0.8, 1.2, 2.0, 2.5])\n"
            "    print('finished', flush=True)\n"
            "except KeyboardInterrupt:\n"
            "    time.sleep(0.2)\n"
            "    print('interrupted', len(multiprocessing.active_children()), flush=True)\n"
        )
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.2, 4.0))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        if out.strip() == "finished":  # before the signal
            continue
        assert proc.returncode == 0 and out.strip() == "interrupted 0", (workers, proc.returncode, out, err)
        assert "Error" not in err, err
