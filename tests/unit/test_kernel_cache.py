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

    simlib.simulate(simlib.Scenario(motor_units=1, duration_s=0.3))  # make sure this user's cache holds the kernel
    prefix = tmp_path / "prefix"
    seed = prefix / "share" / "simlib" / _jit.cache_dir().name
    _jit._copy_cache(Path(config.CACHE_DIR), seed, only_into_empty=False)
    for path in [*seed.rglob("*"), seed]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    script = (
        "import sys; sys.prefix = sys.argv[1]\n"
        "import simlib\n"
        "from simlib import solver\n"
        "simlib.simulate(simlib.Scenario(motor_units=1, duration_s=0.3))\n"
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
    import simlib.simulate as simulate_module

    class NotYetCompiled:
        signatures: list = []

    monkeypatch.setattr(simulate_module, "_COMPILATION_CHECKED", False)
    monkeypatch.setattr(simulate_module._solver, "integrate", NotYetCompiled())
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
    import simlib.simulate as simulate_module

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


# ------------------------------------------------------------------------------------------ a private folder

posix_only = pytest.mark.skipif(os.name != "posix", reason="user ids and modes are POSIX")


@posix_only
def test_new_cache_folders_are_private(tmp_path):
    folder = tmp_path / "cache" / "simlib" / "numba-0123"
    assert _jit._private_folder(folder) == folder
    assert folder.stat().st_mode & 0o777 == 0o700
    assert folder.parent.stat().st_mode & 0o777 == 0o700


@posix_only
@pytest.mark.parametrize("kind", ["symlink", "world-writable", "group-writable", "file", "other-owner"])
def test_a_folder_someone_else_could_have_planted_is_refused(tmp_path, kind):
    base = tmp_path / "simlib"
    folder = base / "numba-0123"
    base.mkdir(mode=0o700)
    if kind == "symlink":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "elsewhere")
    elif kind == "file":
        folder.write_text("")
    else:
        folder.mkdir(mode=0o700)
        if kind == "world-writable":
            folder.chmod(0o777)
        elif kind == "group-writable":
            folder.chmod(0o770)
        elif os.geteuid() == 0:
            os.chown(folder, 65534, 65534)  # nobody
        else:
            pytest.skip("only root can give a folder to another user")
    with pytest.raises(OSError, match="symbolic link|write to it|not a folder|another user"):
        _jit._private_folder(folder)


@posix_only
def test_an_untrusted_seed_is_not_used(tmp_path):
    seed = tmp_path / "share" / "simlib" / "numba-0123"
    _fake_cache(seed)
    assert _jit._seed_problem(seed) is None
    index = seed / "simlib_abc" / "solver.integrate-170.py311.nbi"
    index.chmod(0o666)
    assert "write to it" in _jit._seed_problem(seed)
    index.chmod(0o644)
    (seed / "simlib_abc" / "planted.nbc").symlink_to(index)
    assert "symbolic link" in _jit._seed_problem(seed)


def test_cache_data_files_carry_a_checksum_of_their_name_and_content(tmp_path):
    files = _jit._CheckedCacheFile(str(tmp_path), "mod.f-1.py311", "stamp")
    files.save("key", {"code": b"\x00machine code"})
    assert files.load("key") == {"code": b"\x00machine code"}
    data = tmp_path / "mod.f-1.py311.1.nbc"
    blob = bytearray(data.read_bytes())
    blob[-3] ^= 0x01  # one bit
    data.write_bytes(bytes(blob))
    with pytest.raises(_jit._DamagedEntryError, match="checksum"):
        files.load("key")
    # a valid file under another name (swapped) is refused too
    other = _jit._CheckedCacheFile(str(tmp_path), "mod.g-9.py311", "stamp")
    other.save("key", {"code": b"other"})
    (tmp_path / "mod.g-9.py311.1.nbc").replace(data)
    with pytest.raises(_jit._DamagedEntryError, match="checksum"):
        files.load("key")
    data.unlink()
    with pytest.raises(_jit._DamagedEntryError, match="missing"):
        files.load("key")


# ------------------------------------------------------------------------------------------ in fresh processes

_CHILD = (
    "import sys, hashlib; sys.prefix = sys.argv[1]\n"
    "import simlib\n"
    "from simlib import solver\n"
    "from simlib.stages import _jit\n"
    "r = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=1.0))\n"
    "from numba.core.dispatcher import Dispatcher\n"
    "kernel = {id(f): f for m in list(sys.modules.values()) if getattr(m, '__name__', '').startswith('simlib')\n"
    "          for f in vars(m).values() if isinstance(f, Dispatcher)}\n"
    "misses = sum(len(f.stats.cache_misses) for f in kernel.values())  # every compiled function, not one\n"
    "print(hashlib.sha256(r.states.tobytes()).hexdigest()[:16], misses,\n"
    "      _jit.cache_dir())\n"
)


@pytest.fixture(scope="module")
def good_cache(tmp_path_factory):
    """This session's compiled kernel, copied as a user cache and as an installation seed; the run's digest."""
    import hashlib

    from numba import config

    import simlib

    # a run with 16 impulses (a kernel compiled afresh must give the same bits as one loaded from the
    # cache: once, a compiled helper's fast-math contraction differed between the two in some samples)
    states = simlib.simulate(simlib.Scenario(motor_units=1, duration_s=1.0)).states
    root = tmp_path_factory.mktemp("good-cache")
    name = _jit.cache_dir().name
    _jit._copy_cache(Path(config.CACHE_DIR), root / "cache" / name, only_into_empty=False)
    _jit._copy_cache(Path(config.CACHE_DIR), root / "prefix" / "share" / "simlib" / name, only_into_empty=False)
    return root, name, hashlib.sha256(states.tobytes()).hexdigest()[:16]


def _run_child(prefix: Path, env_changes: dict[str, str | None], timeout: float = 180,
               prelude: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("NUMBA_CACHE_DIR", None)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "-c", prelude + _CHILD, str(prefix)], capture_output=True, text=True,
                          env=env, timeout=timeout)


def _corrupt(folder: Path, kind: str) -> None:
    indexes, data = sorted(folder.rglob("*.nbi")), sorted(folder.rglob("*.nbc"))
    integrate = [p for p in (data if kind.endswith("bitflip") else indexes + data)
                 if p.name.startswith("solver.integrate-")]
    garbage = bytes(range(256)) * 8
    if kind.startswith("index"):
        targets = indexes
    elif kind.startswith("data"):
        targets = data
    else:
        targets = integrate
    for path in targets:
        content = path.read_bytes()
        if kind.endswith("truncated"):
            path.write_bytes(b"")
        elif kind.endswith("half"):
            path.write_bytes(content[: len(content) // 2])
        elif kind.endswith("garbage"):
            path.write_bytes(garbage)
        elif kind.endswith("deleted"):
            path.unlink()
        elif kind.endswith("bitflip"):
            flipped = bytearray(content)
            flipped[len(flipped) * 2 // 3] ^= 0x10
            path.write_bytes(bytes(flipped))
    if kind == "data-swapped":  # the integrator's and the right-hand side's
        # every specialisation of the integrator (other tests may have compiled more than the one
        # the child uses), each swapped with one of the right-hand side's in the same folder (numba
        # keeps one folder per source checkout: two checkouts of the same sources share the cache,
        # and swapping across them would only exchange identical files)
        for folder in sorted({p.parent for p in data}):
            rates = [p for p in data if p.parent == folder and p.name.startswith("chain.rates-")]
            kernels = [p for p in data if p.parent == folder and p.name.startswith("solver.integrate-")]
            for i, a in enumerate(kernels if rates else []):
                b = rates[i % len(rates)]
                a_bytes = a.read_bytes()
                a.write_bytes(b.read_bytes())
                b.write_bytes(a_bytes)


# The 11 kinds of damage of the reliability audit (D3): index or data files truncated, half
# truncated, garbage or deleted; the integrator's files only; a bit flip (in its data); two data
# files swapped. Four run in every test run, all eleven with the slow tests (~10 s each).
_FAST = ["index-garbage", "data-truncated", "integrate-bitflip", "data-swapped"]
CORRUPTIONS = [
    kind if kind in _FAST else pytest.param(kind, marks=pytest.mark.slow)
    for kind in ["index-truncated", "index-half", "index-garbage", "index-deleted", "data-truncated", "data-half",
                 "data-garbage", "data-deleted", "integrate-garbage", "integrate-bitflip", "data-swapped"]
]


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_damaged_cache_heals_itself_from_the_seed(tmp_path, good_cache, kind):
    root, name, digest = good_cache
    cache = tmp_path / "cache"
    _jit._copy_cache(root / "cache" / name, cache / name, only_into_empty=False)
    _corrupt(cache / name, kind)
    env = {"SIMLIB_CACHE_DIR": str(cache)}
    first = _run_child(root / "prefix", env)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert first.stdout.split()[:2] == [digest, "0"], (first.stdout, first.stderr)  # right numbers, no compile
    assert first.stderr.count("simlib:") <= 1, first.stderr
    if kind != "index-deleted":  # (a deleted index just means "not cached yet": the seed is copied)
        assert "damaged" in first.stderr
    again = _run_child(root / "prefix", env)
    assert again.returncode == 0 and again.stdout.split()[:2] == [digest, "0"]
    assert again.stderr == "", "the cache was not repaired for the next process"


@pytest.mark.slow
def test_a_damaged_cache_without_a_seed_is_compiled_again(tmp_path, good_cache):
    root, name, digest = good_cache
    cache = tmp_path / "cache"
    _jit._copy_cache(root / "cache" / name, cache / name, only_into_empty=False)
    _corrupt(cache / name, "index-garbage")
    first = _run_child(tmp_path / "no-installation", {"SIMLIB_CACHE_DIR": str(cache)})
    assert first.returncode == 0, first.stderr
    assert first.stdout.split()[0] == digest and "compiled again" in first.stderr
    again = _run_child(tmp_path / "no-installation", {"SIMLIB_CACHE_DIR": str(cache)})
    assert again.stdout.split()[:2] == [digest, "0"] and again.stderr == ""


@posix_only
@pytest.mark.parametrize("kind", ["symlink", "world-writable", "other-owner", "home-is-a-file"])
def test_an_unusable_cache_folder_falls_back_to_a_private_temporary_one(tmp_path, good_cache, kind):
    root, name, digest = good_cache
    base = tmp_path / "cache"
    base.mkdir(mode=0o700)
    env: dict[str, str | None] = {"SIMLIB_CACHE_DIR": str(base), "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    if kind == "symlink":  # a link planted where the cache folder goes, to a folder full of pickles
        planted = tmp_path / "planted"
        _jit._copy_cache(root / "cache" / name, planted, only_into_empty=False)
        (base / name).symlink_to(planted)
    elif kind == "world-writable":
        (base / name).mkdir()
        (base / name).chmod(0o777)
    elif kind == "other-owner":  # squatted with mode 0700: once made `import simlib` fail
        if os.geteuid() != 0:
            pytest.skip("only root can give a folder to another user")
        (base / name).mkdir(mode=0o700)
        os.chown(base / name, 65534, 65534)
    else:  # no usable home: ~/.cache cannot be created
        (tmp_path / "home").write_text("")
        env = {**env, "SIMLIB_CACHE_DIR": None, "XDG_CACHE_HOME": None, "HOME": str(tmp_path / "home")}
    proc = _run_child(root / "prefix", env)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.split()
    assert out[:2] == [digest, "0"], proc.stderr  # seeded from the installation: nothing compiled
    assert proc.stderr.count("\n") == 1 and "private temporary folder" in proc.stderr
    used = Path(out[2])
    assert used.parent.parent == tmp_path / "tmp" and used.parent.name.startswith("simlib-kernel-")
    assert not used.exists(), "the private folder was not removed at exit"
    if kind == "symlink":
        assert sorted(p.name for p in planted.rglob("*")) == sorted(
            p.name for p in (root / "cache" / name).rglob("*")), "files were written through the link"


@posix_only
def test_nothing_is_read_from_the_old_shared_temporary_path(tmp_path, good_cache):
    # Another user could pre-create <tmp>/simlib-<uid>/numba-<hash> with pickles that run code:
    # that path is never used any more, even when the home cache is unusable.
    root, name, digest = good_cache
    tmp = tmp_path / "tmp"
    planted = tmp / f"simlib-{os.getuid()}" / name
    planted.mkdir(parents=True)
    marker = tmp_path / "PWNED"
    evil = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    for path in (root / "cache" / name).rglob("*.nb[ic]"):
        target = planted / path.relative_to(root / "cache" / name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(evil)
    (tmp_path / "home").write_text("")
    proc = _run_child(root / "prefix", {"SIMLIB_CACHE_DIR": None, "XDG_CACHE_HOME": None,
                                        "HOME": str(tmp_path / "home"), "TMPDIR": str(tmp)})
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists(), "code planted by another user ran"
    assert proc.stdout.split()[0] == digest


@pytest.mark.slow
@posix_only
def test_with_no_private_folder_at_all_the_kernel_is_compiled_in_memory(tmp_path, good_cache):
    root, name, digest = good_cache
    (tmp_path / "home").write_text("")
    no_temporary_folders = (  # a full /tmp, say
        "import tempfile\n"
        "def mkdtemp(*args, **kwargs): raise OSError(28, 'No space left on device')\n"
        "tempfile.mkdtemp = mkdtemp\n"
    )
    proc = _run_child(root / "prefix", {"SIMLIB_CACHE_DIR": None, "XDG_CACHE_HOME": None,
                                        "HOME": str(tmp_path / "home")}, prelude=no_temporary_folders)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[0] == digest and proc.stdout.split()[2] == "None"
    assert "compiles the model in memory" in proc.stderr
