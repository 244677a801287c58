"""Shared numba decorator for the compiled model kernel, and where its cache lives.

Compiled machine code is cached on disk so the one-off compilation (several seconds)
is paid once. Numba invalidates a cached function only when *its own* source file
changes, not when a function it calls in another module does; so the cache folder
is keyed by a hash of the kernel sources (stages, chain, solver). The folder is per user
(``$SIMLIB_CACHE_DIR``, else ``$XDG_CACHE_HOME/simlib`` or ``~/.cache/simlib``),
which works for read-only installs and for several users on one machine. Setting
``NUMBA_CACHE_DIR`` overrides all of this.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from numba import config, njit

__all__ = ["jit", "cache_dir"]

_PACKAGE = Path(__file__).resolve().parents[1]


def _source_hash() -> str:
    """Hash of the modules compiled into the kernel (stages, chain, solver)."""
    digest = hashlib.sha256()
    for path in sorted([*(_PACKAGE / "stages").glob("*.py"), _PACKAGE / "chain.py", _PACKAGE / "solver.py"]):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """Folder for this version's compiled kernel (created if missing; temp folder as last resort)."""
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
    return folder


if "NUMBA_CACHE_DIR" not in os.environ:
    config.CACHE_DIR = str(cache_dir())

jit = njit(cache=True, fastmath=False, nogil=True)
