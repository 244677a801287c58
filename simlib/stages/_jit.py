"""Shared numba decorator for the compiled model kernel, and where its cache lives.

Compiled machine code is cached on disk so the one-off compilation (several seconds)
is paid once. Numba invalidates a cached function only when *its own* source file
changes, not when a function it calls in another module does; so the cache folder
is keyed by a hash of the kernel sources (stages, chain, events, solver, reference, protocol).
The folder is per user (``$SIMLIB_CACHE_DIR``, else ``$XDG_CACHE_HOME/simlib`` or ``~/.cache/simlib``),
which works for read-only installs and for several users on one machine. Setting
``NUMBA_CACHE_DIR`` overrides all of this.

Numba's cache files are pickles: whoever can write the folder can run code in the process that
loads them. The folder is therefore used only when it is *private*: a real folder (not a
symbolic link), owned by this user, not writable by the group or others, at the folder and its
parent (new folders are made with mode 0700). Otherwise (someone else's folder, a full or
read-only home, no home) this process uses a fresh private temporary folder
(``tempfile.mkdtemp``, unpredictable name, mode 0700, removed at exit), and if even that fails it
keeps the compiled kernel in memory only; each case says so once on stderr. There is no shared,
predictable fallback path.

An installation can carry a *seed*: ``python -m simlib warmup --seed`` (run by ``make install``
and by Binder's ``postBuild``) copies the freshly compiled kernel to
``<sys.prefix>/share/simlib/numba-<hash>``. A user whose own cache folder is still empty gets
a copy of the seed (a few MB, milliseconds) instead of compiling for ~9 s. The seed is only
read, so the installation may be read-only; numba checks every cached function against the
source files and the CPU, and compiles (into the user's folder) whatever does not match. The seed
is copied only if it is trusted: its folders and files are owned by root or this user and not
writable by anyone else.

The cache heals itself: each data file carries a SHA-256 checksum, and any error while loading a
function's cache entry (a truncated, garbage or bit-flipped ``.nbi``/``.nbc`` file: ``EOFError``,
``UnpicklingError``, a checksum mismatch ...) removes that function's files, copies them again from
the seed if it has them and retries once, else compiles the function afresh, with a one-line
notice. A failure to *save* an entry (full disk) only costs the next process a compilation.
"""

from __future__ import annotations

import atexit
import functools
import glob
import hashlib
import os
import pickle
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from numba import config, njit
from numba.core.caching import FunctionCache, IndexDataCacheFile

__all__ = ["jit", "cache_dir", "kernel_cached", "seed_dir", "write_seed"]

_PACKAGE = Path(__file__).resolve().parents[1]
_CHECKSUM_BYTES = 32
#: modules outside ``stages/`` whose source is compiled into (or read as constants by) the kernel
_KERNEL_MODULES = ("chain.py", "events.py", "solver.py", "reference.py", "protocol.py")


@functools.lru_cache(maxsize=1)
def _source_hash() -> str:
    """Hash of the modules compiled into the kernel (stages, chain, events, solver, reference) or read by it.

    ``protocol`` is included because the kernel reads its shape codes as compile-time constants.
    """
    digest = hashlib.sha256()
    for path in sorted([*(_PACKAGE / "stages").glob("*.py"),
                        *(_PACKAGE / name for name in _KERNEL_MODULES)]):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _notice(message: str) -> None:
    """One line on stderr, prefixed ``simlib:`` (never raises: stderr may be closed)."""
    try:
        print(f"simlib: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


# ------------------------------------------------------------------------------------------ trust checks


def _owners() -> tuple[int, ...]:
    """User ids whose files this process may load code from: itself (and root, for an installation)."""
    return (os.getuid(),) if hasattr(os, "getuid") else ()


def _untrusted(path: Path, owners: tuple[int, ...], *, folder: bool) -> str | None:
    """Why ``path`` may not be trusted (``None`` if it may), judged with ``os.lstat`` (links not followed).

    Trusted: a real folder (``folder=True``) or regular file, owned by one of ``owners``, not
    writable by the group or others. On systems without user ids (Windows) everything is trusted.
    """
    if os.name != "posix":
        return None
    try:
        st = os.lstat(path)
    except OSError as exc:
        return f"{exc.strerror or exc}"
    if stat.S_ISLNK(st.st_mode):
        return "it is a symbolic link"
    if folder and not stat.S_ISDIR(st.st_mode):
        return "it is not a folder"
    if not folder and not stat.S_ISREG(st.st_mode):
        return "it is not a regular file"
    if st.st_uid not in owners:
        return f"it belongs to another user (uid {st.st_uid})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"other users can write to it (mode {stat.S_IMODE(st.st_mode):04o})"
    return None


def _private_folder(folder: Path) -> Path:
    """Create ``folder`` (and its parent) with mode 0700 if missing, and check that both are private.

    Raises
    ------
    OSError
        If a folder cannot be created, or is not private (the message says why).
    """
    owners = _owners()
    for path in (folder.parent, folder):
        if not os.path.lexists(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                path.mkdir(mode=0o700)
            except FileExistsError:  # made meanwhile (another process of this user, or not): checked below
                pass
        problem = _untrusted(path, owners, folder=True)
        if problem:
            raise OSError(f"{path}: {problem}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OSError(f"{folder}: it is not writable")
    return folder


def _choose_cache_dir() -> Path | None:
    """Pick this process's cache folder (see the module notes); ``None``: cache in memory only."""
    base = os.environ.get("SIMLIB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "simlib"
    )
    folder = Path(base) / f"numba-{_source_hash()}"
    try:
        return _private_folder(folder)
    except (OSError, ValueError, RuntimeError) as exc:  # ValueError: e.g. a NUL in the path
        reason = exc
    try:
        private = Path(tempfile.mkdtemp(prefix="simlib-kernel-"))
        atexit.register(shutil.rmtree, private, ignore_errors=True)
        (private / folder.name).mkdir(mode=0o700)
    except OSError as exc:
        _notice(f"cannot use the compiled-kernel cache ({reason}) nor a private temporary folder ({exc}); "
                "this session compiles the model in memory (about 10 s, once per session).")
        return None
    _notice(f"cannot use the compiled-kernel cache ({reason}); this session uses a private temporary "
            f"folder instead ({private}). Fix or remove that folder to keep the compiled kernel between sessions.")
    return private / folder.name


def _seed_problem(seed: Path) -> str | None:
    """Why the installation's seed may not be loaded (``None``: it may), checking every folder and file in it.

    Its folders (and ``share/simlib`` above it) and files must be owned by root or this user and
    writable by nobody else, and none may be a symbolic link.
    """
    owners = (0, *_owners())
    for path in (seed.parent, seed):
        problem = _untrusted(path, owners, folder=True)
        if problem:
            return f"{path}: {problem}"
    for root, dirs, files in os.walk(seed):
        for name in dirs:
            problem = _untrusted(Path(root, name), owners, folder=True)
            if problem:
                return f"{Path(root, name)}: {problem}"
        for name in files:
            problem = _untrusted(Path(root, name), owners, folder=False)
            if problem:
                return f"{Path(root, name)}: {problem}"
    return None


def _seed_from_installation(folder: Path) -> None:
    """Copy the installation's seed into ``folder`` if that holds no index yet and the seed is trusted."""
    seed = seed_dir()
    if not seed.is_dir() or any(folder.rglob("*.nbi")):
        return
    problem = _seed_problem(seed)
    if problem:
        _notice(f"the installation's compiled kernel is not used ({problem}); compiling the model instead.")
        return
    _copy_cache(seed, folder, only_into_empty=True)


def cache_dir() -> Path | None:
    """Folder of this process's compiled kernel (chosen and seeded at import; ``None``: in memory only)."""
    return _CACHE_DIR


def kernel_cached() -> bool:
    """Return whether numba's cache folder holds a compiled integrator (a first run then loads, not compiles)."""
    return _CACHE_DIR is not None and any(_CACHE_DIR.rglob("solver.integrate-*.nbi"))


def seed_dir() -> Path:
    """Folder of the installation's seed of the compiled kernel (may not exist)."""
    return Path(sys.prefix) / "share" / "simlib" / f"numba-{_source_hash()}"


def write_seed() -> Path:
    """Copy this user's compiled kernel into the installation's seed folder (see the module notes).

    Seeds left by earlier versions of the kernel sources in the same installation are removed.

    Returns
    -------
    pathlib.Path
        The seed folder.

    Raises
    ------
    OSError
        If the installation is not writable, or this process has no kernel cache folder.
    """
    if _CACHE_DIR is None:
        raise OSError("this session keeps the compiled kernel in memory only (see the notice above)")
    seed = seed_dir()
    _copy_cache(_CACHE_DIR, seed, only_into_empty=False)
    # seeds of this installation's earlier sources can never match again
    for stale in seed.parent.glob("numba-*"):
        if stale != seed and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return seed


def _copy_cache(source: Path, target: Path, *, only_into_empty: bool, pattern: str = "**/*.nb[ic]") -> bool:
    """Copy numba cache files (index ``.nbi``, data ``.nbc``) from ``source`` into ``target``.

    Each file is written under a temporary name and renamed, so a process reading the target
    meanwhile never sees half a file. With ``only_into_empty`` nothing is copied into a folder
    that already holds an index, and a failure (unreadable seed, full disk) is ignored: the
    kernel is then simply compiled. ``pattern`` (a glob relative to ``source``) selects the files,
    of which only ``.nbi`` and ``.nbc`` files are copied. Returns whether anything was copied.
    """
    if source == target or not source.is_dir():
        return False
    if only_into_empty and any(target.rglob("*.nbi")):
        return False
    copied = False
    try:
        for path in sorted(p for p in source.glob(pattern) if p.suffix in (".nbi", ".nbc")):
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(f".{destination.name}.{os.getpid()}.part")
            shutil.copyfile(path, partial)
            os.replace(partial, destination)
            copied = True
    except OSError:
        if not only_into_empty:
            raise
    return copied


# ------------------------------------------------------------------------------------------ self-healing cache


class _DamagedEntryError(Exception):
    """A cache data file whose checksum does not match its content."""


class _CheckedCacheFile(IndexDataCacheFile):
    """Numba's index and data files, each data file headed by a SHA-256 checksum of its name and pickle.

    The name is part of the checksum, so a data file moved or swapped under another name is
    detected too; so is a data file the index lists but which is missing.
    """

    def load(self, key: object) -> object:
        overloads = self._load_index()
        name = overloads.get(key)
        if name is None:
            return None
        try:
            return self._load_data(name)
        except FileNotFoundError:
            raise _DamagedEntryError(f"{name} is missing") from None

    @staticmethod
    def _checksum(name: str, payload: bytes) -> bytes:
        return hashlib.sha256(name.encode() + b"\0" + payload).digest()

    def _load_data(self, name: str) -> object:
        with open(self._data_path(name), "rb") as f:
            blob = f.read()
        payload = blob[_CHECKSUM_BYTES:]
        if len(blob) <= _CHECKSUM_BYTES or self._checksum(name, payload) != blob[:_CHECKSUM_BYTES]:
            raise _DamagedEntryError(f"{name} does not match its checksum")
        return pickle.loads(payload)

    def _save_data(self, name: str, data: object) -> None:
        payload = self._dump(data)
        with self._open_for_write(self._data_path(name)) as f:
            f.write(self._checksum(name, payload) + payload)


_SAID: set[str] = set()


def _notice_once(kind: str, message: str) -> None:
    if kind not in _SAID:
        _SAID.add(kind)
        _notice(message)


class _HealingCache(FunctionCache):
    """Numba's per-function cache, confined to the private cache folder, that repairs a damaged entry.

    A load that raises (see the module notes) removes the function's index and data files, copies
    them again from the installation's seed and retries once; if that fails too, the function is
    compiled and saved afresh. A save that raises is skipped.
    """

    def __init__(self, py_func: object) -> None:
        super().__init__(py_func)
        if _CACHE_DIR is None or not Path(self._cache_path).is_relative_to(_CACHE_DIR):
            raise RuntimeError(f"numba chose {self._cache_path}, outside the private cache folder")
        self._cache_file.__class__ = _CheckedCacheFile

    def load_overload(self, sig: object, target_context: object) -> object:
        try:
            return super().load_overload(sig, target_context)
        except Exception as exc:  # whatever a damaged pickle raises
            damage = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        self._remove_entry()
        reseeded = self._reseed_entry()
        _notice_once("damaged", f"the compiled-kernel cache in {_CACHE_DIR} was damaged ({damage}); the damaged "
                     "files were removed and the kernel is " + ("copied again from the installation." if reseeded
                                                              else "compiled again (about 10 s)."))
        if reseeded:
            try:
                return super().load_overload(sig, target_context)
            except Exception:
                self._remove_entry()
        return None

    def save_overload(self, sig: object, data: object) -> None:
        try:
            super().save_overload(sig, data)
        except Exception as exc:  # a full disk, a removed folder: the next session compiles
            _notice_once("save", f"could not save the compiled kernel in {_CACHE_DIR} ({type(exc).__name__}: {exc}); "
                         "the next session compiles it again.")

    def _entry_pattern(self) -> str:
        return f"{glob.escape(self._impl.filename_base)}.*"

    def _remove_entry(self) -> None:
        for path in Path(self._cache_path).glob(self._entry_pattern()):
            if path.suffix in (".nbi", ".nbc"):
                try:
                    path.unlink()
                except OSError:
                    pass

    def _reseed_entry(self) -> bool:
        """Copy this function's files from the installation's seed (if trusted); return whether any were."""
        assert _CACHE_DIR is not None
        relative = Path(self._cache_path).relative_to(_CACHE_DIR)
        seed = seed_dir()
        if _CACHE_DIR == seed or not seed.is_dir() or _seed_problem(seed):
            return False
        return _copy_cache(seed, _CACHE_DIR, only_into_empty=False,
                           pattern=f"{relative.as_posix()}/{self._entry_pattern()}")


def _cached_dispatcher(dispatcher: object) -> object:
    """Give a numba dispatcher the healing on-disk cache (what ``cache=True`` does, with repairs)."""
    if _CACHE_DIR is not None:
        try:
            dispatcher._cache = _HealingCache(dispatcher.py_func)
        except Exception as exc:  # no usable location: compile in memory
            _notice_once("locator", f"the compiled kernel is not cached on disk ({exc}).")
    return dispatcher


if "NUMBA_CACHE_DIR" in os.environ:  # the user's own choice
    _CACHE_DIR: Path | None = Path(config.CACHE_DIR) if config.CACHE_DIR else None
else:
    _CACHE_DIR = _choose_cache_dir()
    if _CACHE_DIR is not None:
        _seed_from_installation(_CACHE_DIR)
        config.CACHE_DIR = str(_CACHE_DIR)

#: LLVM fast-math flags of the kernel. Measured on the 60 x 60 benchmark sweep (2026-11-26), they
#: make the integration ~1.2x faster (``arcp``, divisions by run constants become multiplications,
#: ~11 %; ``contract``, fused multiply-adds; ``reassoc``) and move the 60 accuracy cases by < 2e-13 in
#: force. ``nnan`` and ``ninf`` are deliberately left out: they would let LLVM delete the solver's
#: finiteness checks. Under ``arcp`` a division by a subnormal number overflows (its reciprocal is
#: infinite), so divisions by a state are guarded away from 0 (see ``total_calcium_rates``).
FAST_MATH = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})

#: ``error_model="numpy"``: a division by zero gives inf/nan (caught by the solver's finiteness check)
#: instead of raising, so no zero test precedes every division (~7 % of the integration time)
_njit = njit(nogil=True, error_model="numpy", fastmath=set(FAST_MATH))


def jit(func: object) -> object:
    """Compile ``func`` as part of the model kernel (nopython, no GIL, fast-math; cached on disk, see above)."""
    return _cached_dispatcher(_njit(func))
