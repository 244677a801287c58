"""Shared numba decorator for the compiled model kernel, and where its cache lives.

Compiled machine code is cached on disk so the one-off compilation (several seconds)
is paid once. Numba invalidates a cached function only when *its own* source file
changes, not when a function it calls in another module does; so the cache folder
is keyed by a hash of the kernel sources (stages, chain, solver). The folder is per user
(``$SIMLIB_CACHE_DIR``, else ``$XDG_CACHE_HOME/simlib`` or ``~/.cache/simlib``),
which works for read-only installs and for several users on one machine. Setting
``NUMBA_CACHE_DIR`` overrides all of this.

An installation can carry a *seed*: ``python -m simlib warmup --seed`` (run by ``make install``
and by Binder's ``postBuild``) copies the freshly compiled kernel to
``<sys.prefix>/share/simlib/numba-<hash>``. A user whose own cache folder is still empty gets
a copy of the seed (a few MB, milliseconds) instead of compiling for ~9 s. The seed is only
read, so the installation may be read-only; numba checks every cached function against the
source files and the CPU, and compiles (into the user's folder) whatever does not match.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

from numba import config, njit

__all__ = ["jit", "cache_dir", "kernel_cached", "seed_dir", "write_seed"]

_PACKAGE = Path(__file__).resolve().parents[1]


@functools.lru_cache(maxsize=1)
def _source_hash() -> str:
    """Hash of the modules compiled into the kernel (stages, chain, solver)."""
    digest = hashlib.sha256()
    for path in sorted([*(_PACKAGE / "stages").glob("*.py"), _PACKAGE / "chain.py", _PACKAGE / "solver.py"]):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """Folder for this version's compiled kernel (created if missing, seeded if empty; temp folder as last resort)."""
    base = os.environ.get("SIMLIB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "simlib"
    )
    folder = Path(base) / f"numba-{_source_hash()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        user = os.getuid() if hasattr(os, "getuid") else "user"
        folder = Path(tempfile.gettempdir()) / f"simlib-{user}" / folder.name
        folder.mkdir(parents=True, exist_ok=True)
    _copy_cache(seed_dir(), folder, only_into_empty=True)
    return folder


def kernel_cached() -> bool:
    """Return whether numba's cache folder holds a compiled integrator (a first run then loads, not compiles)."""
    return any(Path(config.CACHE_DIR).rglob("solver.integrate-*.nbi"))


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
        If the installation is not writable.
    """
    seed = seed_dir()
    _copy_cache(cache_dir(), seed, only_into_empty=False)
    # seeds of this installation's earlier sources can never match again
    for stale in seed.parent.glob("numba-*"):
        if stale != seed and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return seed


def _copy_cache(source: Path, target: Path, *, only_into_empty: bool) -> None:
    """Copy numba cache files (index ``.nbi``, data ``.nbc``) from ``source`` into ``target``.

    Each file is written under a temporary name and renamed, so a process reading the target
    meanwhile never sees half a file. With ``only_into_empty`` nothing is copied into a folder
    that already holds an index, and a failure (unreadable seed, full disk) is ignored: the
    kernel is then simply compiled.
    """
    if source == target or not source.is_dir():
        return
    if only_into_empty and any(target.rglob("*.nbi")):
        return
    try:
        for path in source.rglob("*.nb[ic]"):
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(f".{destination.name}.{os.getpid()}.part")
            shutil.copyfile(path, partial)
            os.replace(partial, destination)
    except OSError:
        if not only_into_empty:
            raise


if "NUMBA_CACHE_DIR" not in os.environ:
    config.CACHE_DIR = str(cache_dir())

#: LLVM fast-math flags of the kernel. Measured on the 60 x 60 benchmark sweep (2026-11-26), they
#: make the integration ~1.2x faster (``arcp``, divisions by run constants become multiplications,
#: ~11 %; ``contract``, fused multiply-adds; ``reassoc``) and move the 60 accuracy cases by < 2e-13 in
#: force. ``nnan`` and ``ninf`` are deliberately left out: they would let LLVM delete the solver's
#: finiteness checks. Under ``arcp`` a division by a subnormal number overflows (its reciprocal is
#: infinite), so divisions by a state are guarded away from 0 (see ``total_calcium_rates``).
FAST_MATH = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})

#: ``error_model="numpy"``: a division by zero gives inf/nan (caught by the solver's finiteness check)
#: instead of raising, so no zero test precedes every division (~7 % of the integration time)
jit = njit(cache=True, nogil=True, error_model="numpy", fastmath=set(FAST_MATH))
