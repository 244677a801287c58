"""Where the compiled kernel is cached, and how a new user starts from the installation's seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simlib.stages import _jit


def _fake_cache(folder: Path, content: bytes = b"compiled") -> None:
    (folder / "simlib_abc").mkdir(parents=True)
    (folder / "simlib_abc" / "solver.integrate-170.py311.nbi").write_bytes(content)
    (folder / "simlib_abc" / "solver.integrate-170.py311.1.nbc").write_bytes(content * 2)
    (folder / "simlib_abc" / "notes.txt").write_text("not a cache file")


def test_an_empty_user_cache_is_seeded(tmp_path):
    seed, user = tmp_path / "seed", tmp_path / "user"
    _fake_cache(seed)
    user.mkdir()
    _jit._copy_cache(seed, user, only_into_empty=True)
    copied = sorted(p.relative_to(user).as_posix() for p in user.rglob("*") if p.is_file())
    assert copied == ["simlib_abc/solver.integrate-170.py311.1.nbc", "simlib_abc/solver.integrate-170.py311.nbi"]
    assert (user / "simlib_abc" / "solver.integrate-170.py311.1.nbc").read_bytes() == b"compiledcompiled"
    assert not list(user.rglob("*.part"))


def test_a_user_cache_in_use_is_left_alone(tmp_path):
    seed, user = tmp_path / "seed", tmp_path / "user"
    _fake_cache(seed, b"seed")
    _fake_cache(user, b"mine")
    _jit._copy_cache(seed, user, only_into_empty=True)
    assert (user / "simlib_abc" / "solver.integrate-170.py311.nbi").read_bytes() == b"mine"


def test_a_missing_or_unreadable_seed_is_not_an_error(tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    _jit._copy_cache(tmp_path / "no-such-seed", user, only_into_empty=True)
    assert not any(user.iterdir())


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_writing_the_seed_into_a_read_only_installation_raises(tmp_path):
    seed, source = tmp_path / "seed", tmp_path / "source"
    _fake_cache(source)
    seed.mkdir()
    seed.chmod(0o500)
    try:
        with pytest.raises(OSError):
            _jit._copy_cache(source, seed, only_into_empty=False)
    finally:
        seed.chmod(0o700)


def test_a_new_user_runs_from_a_read_only_seed_without_compiling(tmp_path):
    # The real thing, in a fresh process: the seed is the kernel compiled by this test session's
    # user (copied to a read-only folder standing in for the installation), the new user's cache
    # folder is empty. Nothing may be compiled: numba's compile counter stays at zero.
    from numba import config

    import simlib

    simlib.simulate(simlib.Scenario(duration_s=0.3))  # make sure this user's cache holds the kernel
    prefix = tmp_path / "prefix"
    seed = prefix / "share" / "simlib" / _jit.cache_dir().name
    _jit._copy_cache(Path(config.CACHE_DIR), seed, only_into_empty=False)
    for path in [*seed.rglob("*"), seed]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    script = (
        "import sys; sys.prefix = sys.argv[1]\n"
        "import simlib\n"
        "from simlib import solver\n"
        "simlib.simulate(simlib.Scenario(duration_s=0.3))\n"
        "print(len(solver.integrate.stats.cache_misses))\n"
    )
    env = {**os.environ, "SIMLIB_CACHE_DIR": str(tmp_path / "new-user")}
    env.pop("NUMBA_CACHE_DIR", None)
    proc = subprocess.run([sys.executable, "-c", script, str(prefix)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0", "the kernel was compiled instead of loaded from the seed"
    assert list((tmp_path / "new-user").rglob("*.nbi")), "the seed was not copied into the user's cache"


def test_a_run_that_must_compile_first_says_so_once(monkeypatch, capsys):
    simulate_module = sys.modules["simlib.simulate"]

    class NotYetCompiled:
        signatures: list = []

    monkeypatch.setattr(simulate_module, "_COMPILATION_CHECKED", False)
    monkeypatch.setattr(simulate_module.solver, "integrate", NotYetCompiled())
    monkeypatch.setattr(simulate_module, "kernel_cached", lambda: False)
    simulate_module.announce_compilation()
    simulate_module.announce_compilation()
    err = capsys.readouterr().err
    assert err.count("compiling the model") == 1 and "simlib warmup" in err
    # `simlib warmup` announces its own compilation without advising to run itself
    monkeypatch.setattr(simulate_module, "_COMPILATION_CHECKED", False)
    simulate_module.announce_compilation(advice="")
    err = capsys.readouterr().err
    assert "compiling the model" in err and "warmup" not in err


def test_a_run_that_loads_the_cached_kernel_says_nothing(monkeypatch, capsys):
    simulate_module = sys.modules["simlib.simulate"]
    monkeypatch.setattr(simulate_module, "_COMPILATION_CHECKED", False)
    monkeypatch.setattr(simulate_module, "kernel_cached", lambda: True)
    simulate_module.announce_compilation()
    assert capsys.readouterr().err == ""


def test_writing_the_seed_removes_the_seeds_of_earlier_sources(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    seed = _jit.seed_dir()
    old = seed.parent / "numba-0123456789abcdef"
    _fake_cache(old)
    assert _jit.write_seed() == seed
    assert not old.exists()
    assert seed.is_dir()
