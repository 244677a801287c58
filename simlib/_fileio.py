"""Atomic file writes shared by the exporters (no matplotlib here).

A file is written to a temporary file in its destination directory and then moved into place, so a
reader never sees half a file: with ``overwrite`` by :func:`os.replace`; without it by a hard link,
which fails instead of replacing a file that appeared in the meantime.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from simlib.errors import ParameterError

__all__ = ["atomic_write", "exists_message"]


def exists_message(target: Path) -> str:
    """Message for a file that exists and may not be overwritten."""
    return (f"{target}: file already exists; pass overwrite=True (command line: --overwrite) to replace it, "
            "or choose another name")


def atomic_write(target: Path, write: Callable[[BinaryIO], object], *, overwrite: bool) -> None:
    """Write ``target`` through ``write(binary file)``, atomically.

    Parameters
    ----------
    target : pathlib.Path
        Destination; its directory must exist.
    write : callable
        Called once with a binary file open for writing.
    overwrite : bool
        Replace an existing ``target``; otherwise an existing file is an error.

    Raises
    ------
    ParameterError
        If ``target`` exists and `overwrite` is False, or the file cannot be written (the message
        starts with the path and gives the operating system's reason).
    """
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        # O_EXCL + mode 0o666 lets the umask set the permissions, as for a normally created file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # atomic, and never replaces an existing file
            except FileExistsError:
                raise ParameterError(exists_message(target)) from None
            except OSError:  # no hard links on this file system: check, then move
                if target.exists():
                    raise ParameterError(exists_message(target)) from None
                os.replace(tmp, target)
    except OSError as exc:
        raise ParameterError(f"{target}: cannot write ({exc.strerror or exc})") from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
