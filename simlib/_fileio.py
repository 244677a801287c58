"""Atomic file writes shared by every writer of a user's file (no matplotlib here).

A file is written to a temporary file in its destination directory and then moved into place, so a
reader never sees half a file and a failed write (a full disk, an interrupt) leaves the previous file
as it was: with ``overwrite`` by :func:`os.replace`; without it by a hard link, which fails instead of
replacing a file that appeared in the meantime. :func:`atomic_write_set` does this for several files
that belong together (a figure's images and its caption): every temporary file is written first and
the files are moved into place only when all of them were written, so a failure leaves none of them.

Temporary files are named ``.simlib-tmp-<random>-<name>`` (:data:`TEMP_PREFIX`) and removed in a
``finally`` block; the command line turns SIGTERM and SIGHUP into an exception so that this block runs
(``simlib.__main__``). Only SIGKILL or a power cut can leave one behind: such files, when older than
:data:`STALE_AFTER_S` and owned by the current user, are removed by the next write into that folder.

Targets that exist and are not regular files (symbolic links, devices, FIFOs, directories) are refused
rather than replaced: :func:`os.replace` would swap a link for a plain file, or ``/dev/null`` for a
regular file when run as root.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from simlib.errors import ParameterError

__all__ = [
    "STALE_AFTER_S",
    "TEMP_PREFIX",
    "atomic_write",
    "atomic_write_set",
    "check_target",
    "exists_message",
    "os_reason",
    "remove_stale_temps",
    "writing",
]

#: Name prefix of the temporary files of an atomic write (hidden; recognisable for clean-up).
TEMP_PREFIX = ".simlib-tmp-"
#: Age (s) after which a leftover temporary file of the current user is removed by the next write
#: into its folder. A write takes seconds; an hour leaves any write still in progress alone.
STALE_AFTER_S = 3600.0
#: Longest part of the target's name kept in the temporary file's name (file names are limited to
#: 255 bytes; the prefix and the random part take 25).
_NAME_PART = 100
#: Signals held back while a set of files is moved into place (delivered right after).
_HELD_SIGNALS = {s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None}

Writer = Callable[[BinaryIO], object]

_active = 0
_active_lock = threading.Lock()


def writing() -> bool:
    """Tell whether an atomic write is in progress in this process (temporary files may exist).

    The command line's SIGTERM handler raises an exception only then, so that the ``finally`` block
    removes the temporary files; at any other moment it lets the signal end the process as usual
    (an exception raised at an arbitrary moment can be swallowed, e.g. inside a ctypes callback of
    the compiler).
    """
    return _active > 0


@contextlib.contextmanager
def _in_progress() -> Iterator[None]:
    global _active
    with _active_lock:
        _active += 1
    try:
        yield
    finally:
        with _active_lock:
            _active -= 1


def os_reason(exc: OSError) -> str:
    """Return the operating system's reason for ``exc``, e.g. ``"No space left on device"``."""
    return exc.strerror or str(exc) or type(exc).__name__


def exists_message(target: Path) -> str:
    """Message for a file that exists and may not be overwritten."""
    return (f"{target}: file already exists; pass overwrite=True (command line: --overwrite) to replace it, "
            "or choose another name")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "symbolic link"), (stat.S_ISDIR, "directory"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def check_target(target: Path, *, overwrite: bool) -> bool:
    """Check that ``target`` may be written; return whether it exists.

    Parameters
    ----------
    target : pathlib.Path
        Destination file.
    overwrite : bool
        Whether an existing regular file may be replaced.

    Returns
    -------
    bool
        True if ``target`` exists (and is a regular file that may be replaced).

    Raises
    ------
    ParameterError
        If the directory does not exist; ``target`` exists and is not a regular file (a symbolic link,
        device, FIFO or directory is never replaced); it exists and `overwrite` is False; or the path
        cannot be examined (too long, no permission). The message starts with the path.
    """
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        directory = target.parent
        if not directory.is_dir():
            why = "is not a directory" if directory.exists() else "does not exist"
            raise ParameterError(f"{target}: directory {str(directory)!r} {why}; create it first") from None
        return False
    except (OSError, ValueError) as exc:  # ENAMETOOLONG, EACCES, ELOOP; ValueError: embedded NUL
        reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        raise ParameterError(f"{target}: cannot write ({reason})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ParameterError(
            f"{target}: is a {_kind(info.st_mode)}, not a regular file; simlib only replaces regular files "
            "(choose another file name" + (", or write to the file the link points to)" if
                                            stat.S_ISLNK(info.st_mode) else ")"))
    if not overwrite:
        raise ParameterError(exists_message(target))
    return True


def _temp_path(target: Path) -> Path:
    return target.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}-{target.name[:_NAME_PART]}"


#: Leftovers of simlib before version 0.1.1, removed like stale temporary files: the command line's
#: ``.simlib-csv-XXXXXXXX/`` folders and the exporters' ``.NAME.HEX.tmp`` files.
_OLD_LEFTOVERS = re.compile(r"^(\.simlib-csv-[a-z0-9_]{8}|\..+\.[0-9a-f]{12}\.tmp)$")


def remove_stale_temps(directory: Path, *, max_age_s: float = STALE_AFTER_S) -> int:
    """Remove this user's temporary files older than `max_age_s` s from `directory`; return how many.

    They are left only by a process killed with SIGKILL (or a power cut) while writing. Folders
    ``.simlib-csv-*`` and files ``.NAME.HEX.tmp`` left by earlier versions of simlib go too.
    """
    removed = 0
    now = time.time()
    getuid = getattr(os, "getuid", None)
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            ours = entry.name.startswith(TEMP_PREFIX)
            if not ours and not _OLD_LEFTOVERS.match(entry.name):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if now - info.st_mtime <= max_age_s or (getuid is not None and info.st_uid != getuid()):
                    continue
                if stat.S_ISREG(info.st_mode):
                    os.unlink(entry.path)
                    removed += 1
                elif stat.S_ISDIR(info.st_mode) and entry.name.startswith(".simlib-csv-"):
                    shutil.rmtree(entry.path)
                    removed += 1
    return removed


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back SIGINT/SIGTERM/SIGHUP (delivered on exit) so that moving a set of files is not cut."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:  # pragma: no cover - not on POSIX
        yield
        return
    old = mask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def _directory_locked(directory: Path) -> Iterator[None]:
    """Advisory lock on ``directory`` while a set is moved into place: two writers never mix their sets."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        fcntl = None  # type: ignore[assignment]
    fd = -1
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX)  # also between threads: each has its own open file description
    try:
        yield
    finally:
        if fd >= 0:
            os.close(fd)  # releases the lock


def _write_temp(tmp: Path, write: Writer) -> None:
    # O_EXCL + mode 0o666 lets the umask set the permissions, as for a normally created file.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) |
                 getattr(os, "O_CLOEXEC", 0), 0o666)
    with os.fdopen(fd, "wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())


def _publish(pairs: Sequence[tuple[Path, Path]], overwrite: bool) -> None:
    """Move every temporary file onto its target; without `overwrite`, all or none appear.

    With `overwrite`, an exception raised part way by a signal handler (Ctrl-C, the command line's
    SIGTERM) does not leave half the set replaced: the remaining files are moved too, then it is raised.
    """
    if overwrite:
        done = 0
        try:
            for tmp, target in pairs:
                os.replace(tmp, target)
                done += 1
        except (KeyboardInterrupt, SystemExit):
            for tmp, target in pairs[done:]:
                with contextlib.suppress(OSError):  # the one being moved when it came may be there already
                    os.replace(tmp, target)
            raise
        return
    linked: list[Path] = []
    try:
        for tmp, target in pairs:
            try:
                os.link(tmp, target)  # atomic, and never replaces an existing file
            except FileExistsError:
                raise ParameterError(exists_message(target)) from None
            except OSError as exc:  # no hard links on this file system: check, then move
                if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                    raise
                if os.path.lexists(target):
                    raise ParameterError(exists_message(target)) from None
                os.replace(tmp, target)
            linked.append(target)
    except BaseException:
        for target in linked:  # ours: we just created them
            with contextlib.suppress(OSError):
                os.unlink(target)
        raise


def atomic_write_set(items: Sequence[tuple[Path, Writer]], *, overwrite: bool) -> None:
    """Write several files all-or-nothing: every one is written to a temporary file first.

    Parameters
    ----------
    items : sequence of (pathlib.Path, callable)
        Each destination with the function that writes its content (called once with a binary file
        open for writing). The destinations' directories must exist.
    overwrite : bool
        Replace existing regular files; otherwise an existing file is an error.

    Raises
    ------
    ParameterError
        If a destination is not a regular file, exists while `overwrite` is False, or a file cannot be
        written; the message starts with the path and gives the operating system's reason (e.g. "No
        space left on device"). Then none of the files was written or changed and no temporary file
        remains.

    Notes
    -----
    The temporary files are moved into place only after all were written, with SIGINT, SIGTERM and
    SIGHUP held back on this thread, under an advisory lock on the directory (two processes writing the
    same set with `overwrite` leave one complete set, never a mix); an interrupt that still arrives
    while they are moved is raised once the whole set is in place. Without `overwrite` each file is hard-linked
    into place, which never replaces a file that appeared meanwhile; if one appeared, the files already
    linked are removed again.
    """
    with _in_progress():
        _write_set(items, overwrite)


def _write_set(items: Sequence[tuple[Path, Writer]], overwrite: bool) -> None:
    pairs: list[tuple[Path, Path]] = []
    current = items[0][0] if items else Path()
    try:
        for target, _ in items:
            current = target
            check_target(target, overwrite=overwrite)
        for directory in {target.parent for target, _ in items}:
            remove_stale_temps(directory)
        for target, write in items:
            current = target
            tmp = _temp_path(target)
            pairs.append((tmp, target))
            _write_temp(tmp, write)
        with _signals_held(), _directory_locked(current.parent):
            for _, target in pairs:  # again: a file may have been replaced by a link meanwhile
                current = target
                if overwrite:
                    check_target(target, overwrite=True)
            _publish(pairs, overwrite)
    except OSError as exc:
        raise ParameterError(f"{current}: cannot write ({os_reason(exc)}); nothing was changed") from exc
    finally:
        for tmp, _ in pairs:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def atomic_write(target: Path, write: Writer, *, overwrite: bool) -> None:
    """Write ``target`` through ``write(binary file)``, atomically.

    Parameters
    ----------
    target : pathlib.Path
        Destination; its directory must exist.
    write : callable
        Called once with a binary file open for writing.
    overwrite : bool
        Replace an existing regular file; otherwise an existing file is an error.

    Raises
    ------
    ParameterError
        If ``target`` exists and `overwrite` is False, is not a regular file (links and devices are
        never replaced), its directory does not exist, or the file cannot be written (the message starts
        with the path and gives the operating system's reason). The previous file, if any, is unchanged.
    """
    atomic_write_set([(target, write)], overwrite=overwrite)
