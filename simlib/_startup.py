"""Guard the command line's start-up against Ctrl-C (imported first by ``simlib/__init__.py``).

It imports nothing but the standard library, so the guard is in place before numpy loads.

Importing simlib's dependencies takes about a second; a Ctrl-C then would print a traceback from
deep inside numba. When this process is the ``simlib`` command line (``python -m simlib`` or the
console script), :func:`quiet_interrupt_until_main` makes such a Ctrl-C one line and
exit status 130 until ``simlib.__main__.main`` takes over. ``import simlib`` anywhere else (a
notebook, a script, the tests) is left alone.
"""

from __future__ import annotations

import os
import signal
import sys
import threading


def quiet_interrupt_until_main() -> None:
    """For the command line's start-up: until ``main()`` takes over, Ctrl-C prints one line and exits 130.

    Importing simlib (numpy, scipy, numba) takes about a second, before the command line's own
    ``except KeyboardInterrupt`` is reached; Python would print a traceback and end by SIGINT. This
    handler writes ``simlib: interrupted`` and ends the process at once with status 130 (nothing
    has been written yet). ``main()`` must put ``signal.default_int_handler`` back first thing, so
    that its own handling (and the clean-up of partly written files) applies from then on.
    Main thread only; elsewhere it does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, frame: object) -> None:
        try:
            sys.stderr.write("simlib: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        os._exit(130)

    try:
        signal.signal(signal.SIGINT, handler)
    except (ValueError, OSError):  # pragma: no cover - not the main interpreter
        pass


def _is_command_line(argv: list[str]) -> bool:
    """Tell whether ``argv`` is that of the simlib command line while its package is being imported.

    ``sys.argv[0]`` is ``"-m"`` while ``python -m simlib`` imports the package, and the path of the
    console script (``.../bin/simlib``) when that runs.
    """
    if not argv:
        return False
    program = argv[0].replace("\\", "/").rsplit("/", 1)[-1]
    return argv[0] == "-m" or program in ("simlib", "simlib.exe")


if _is_command_line(sys.argv):
    quiet_interrupt_until_main()
