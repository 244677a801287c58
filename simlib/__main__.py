"""Command line of Muscle Spasm Lab: ``simlib`` (console script) or ``python -m simlib``.

Commands
--------
``simlib figures --out DIR [--only NAME ...] [--format png svg pdf] [--dpi N] [--style slide|handout]
[--scenario FILE] [--overwrite]``
    Draw the named figures of :mod:`simlib.figures` (all of them by default) and export each, with
    its caption file, into ``DIR``, showing a progress bar on stderr. ``--list`` lists the figures.
``simlib run FILE [--csv OUT] [--overwrite]``
    Simulate a scenario file (TOML or JSON, see :func:`simlib.load_scenario`), print its metrics and
    optionally write the time series as CSV (:meth:`simlib.Result.to_csv`: units in the headers).
``simlib presets [--citations]``
    List the presets with what they change and their descriptions.
``simlib warmup [--seed]``
    Compile the model kernel into the per-user cache now (several seconds, once per user and
    simlib version), so that the first simulation in a lesson starts at once. ``--seed`` also
    copies it into the installation, where every other user's first run finds it instead of
    compiling. ``make install`` and Binder's ``postBuild`` run ``warmup --seed``.

Errors (unknown figure, format or style, a missing or unwritable directory, a bad scenario file, an
out-of-range parameter, an existing file without ``--overwrite``) print one line on stderr and exit
with status 2 (command-line usage) or 1 (everything else); never a traceback. ``--traceback`` shows
the traceback of an unexpected error for a bug report.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import TextIO

__all__ = ["main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class _UsageError(Exception):
    """A command-line mistake: one line, exit status 2."""


class _InputError(Exception):
    """An error in the user's input or environment: one line, exit status 1."""


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (no usage block) and do not exit by themselves."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def _build_parser() -> _Parser:
    parser = _Parser(prog="simlib", description="Muscle Spasm Lab: figures, scenario runs and presets.")
    parser.add_argument("--version", action="store_true", help="print the simlib version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    fig = sub.add_parser("figures", help="draw and export the instructor figures",
                         description="Draw the named figures and export each (with a caption file) into --out.")
    fig.add_argument("--out", metavar="DIR", help="existing output directory")
    fig.add_argument("--only", metavar="NAME", nargs="+", action="extend", default=None,
                     help="figure names (default: all; see --list)")
    fig.add_argument("--format", metavar="FMT", nargs="+", action="extend", default=None, dest="formats",
                     help="png, svg and/or pdf (default: png)")
    fig.add_argument("--dpi", type=float, default=300.0, help="resolution in dots per inch (default: 300)")
    fig.add_argument("--style", default="slide", help="slide (16:9, 13.33 x 7.5 in) or handout (3.5 in wide); "
                     "default: slide")
    fig.add_argument("--scenario", metavar="FILE", help="base scenario file (.toml/.json, or a caption file)")
    fig.add_argument("--overwrite", action="store_true", help="replace existing files")
    fig.add_argument("--list", action="store_true", help="list the figures and exit")
    fig.add_argument("--quiet", action="store_true", help="no progress bar")

    run = sub.add_parser("run", help="simulate a scenario file and print its metrics",
                         description="Simulate a scenario file and print its metrics.")
    run.add_argument("file", metavar="FILE", help="scenario file (.toml or .json)")
    run.add_argument("--csv", metavar="OUT", help="also write the time series as CSV (units in the headers)")
    run.add_argument("--overwrite", action="store_true", help="replace an existing CSV file")

    presets = sub.add_parser("presets", help="list the presets", description="List the named scenarios.")
    presets.add_argument("--citations", action="store_true", help="also show each preset's sources")

    warmup = sub.add_parser("warmup", help="compile the model kernel into the per-user cache",
                            description="Compile the model kernel (and its helpers) now, into the per-user cache.")
    warmup.add_argument("--seed", action="store_true",
                        help="also copy it into the installation (sys.prefix/share/simlib), where every new "
                             "user's first run finds it instead of compiling")
    return parser


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _choose(kind: str, given: Sequence[str], valid: Sequence[str]) -> list[str]:
    """Validate names (comma- or space-separated) against ``valid``; unknown ones are a usage error."""
    from simlib.validation import suggest_names

    out: list[str] = []
    for item in given:
        for name in filter(None, (part.strip() for part in item.split(","))):
            key = name.lower() if kind in ("format", "style") else name
            key = key.lstrip(".") if kind == "format" else key
            if key not in valid:
                close = suggest_names(name, valid)
                hint = f"; did you mean {close[0]!r}" if close else ""
                raise _UsageError(f"simlib figures: unknown {kind} {name!r}{hint}; valid {kind}s: {', '.join(valid)}")
            if key not in out:
                out.append(key)
    return out


# --- progress bar --------------------------------------------------------------------------------


class _Progress:
    """A one-line progress bar on a terminal; one line per step otherwise (logs, CI)."""

    def __init__(self, total: int, stream: TextIO, enabled: bool = True) -> None:
        self.total, self.stream, self.enabled = total, stream, enabled
        self.tty = enabled and bool(getattr(stream, "isatty", lambda: False)())
        self._width = 0

    def _bar(self, done: int) -> str:
        filled = round(24 * done / self.total) if self.total else 24
        return f"[{'#' * filled}{'.' * (24 - filled)}] {done}/{self.total}"

    def start(self, done: int, label: str) -> None:
        if self.tty:
            self._write(f"{self._bar(done)} {label} ...")

    def finish(self, done: int, label: str, seconds: float) -> None:
        if not self.enabled:
            return
        line = f"{self._bar(done)} {label} ({seconds:.1f} s)"
        if self.tty:
            self._write(line)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()

    def _write(self, text: str) -> None:
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)


# --- commands --------------------------------------------------------------------------------------


def _writable_directory(directory: str) -> Path:
    out = Path(directory)
    if not out.exists():
        raise _InputError(f"simlib figures: output directory {directory!r} does not exist; create it first "
                       f"(mkdir -p {directory})")
    if not out.is_dir():
        raise _InputError(f"simlib figures: {directory!r} is not a directory")
    try:  # os.access is not enough (root, read-only mounts, ACLs): try to create a file
        fd, probe = tempfile.mkstemp(prefix=".simlib-write-test-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise _InputError(f"simlib figures: cannot write to {directory!r} ({exc.strerror or exc})") from None
    return out


def _load(path: str, command: str) -> object:
    import simlib

    try:
        return simlib.load_scenario(path)
    except simlib.ParameterError as exc:
        raise _InputError(f"simlib {command}: {_one_line(exc)}") from None


def _cmd_figures(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from simlib import figures

    if args.list:
        width = max(len(n) for n in figures.names())
        for name, spec in figures.FIGURES.items():
            out.write(f"{name:<{width}}  {spec.title}\n{'':<{width}}  {spec.summary}\n")
        return EXIT_OK
    names = _choose("figure", args.only, figures.names()) if args.only else list(figures.names())
    formats = _choose("format", args.formats, figures.FORMATS) if args.formats else ["png"]
    styles = _choose("style", [args.style], figures.STYLES)
    if len(styles) != 1:
        raise _UsageError(f"simlib figures: --style takes one of: {', '.join(figures.STYLES)}; got {args.style!r}")
    style = styles[0]
    try:
        dpi = figures._check_dpi(args.dpi)
    except ValueError as exc:
        raise _UsageError(f"simlib figures: --{_one_line(exc)}") from None
    if not args.out:
        raise _UsageError("simlib figures: the following argument is required: --out DIR (see 'simlib figures --help')")
    directory = _writable_directory(args.out)
    scenario = _load(args.scenario, "figures") if args.scenario else None

    if not args.overwrite:
        planned = [directory / f"{name}.{fmt}" for name in names for fmt in formats]
        planned += [directory / f"{name}{figures.CAPTION_SUFFIX}" for name in names]
        existing = [p for p in planned if p.exists()]
        if existing:
            more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
            raise _InputError(f"simlib figures: {existing[0]} already exists{more}; pass --overwrite to replace, "
                           "or choose another --out")

    from simlib import ParameterError, SimulationError

    progress = _Progress(len(names), err, enabled=not args.quiet)
    written: list[tuple[str, tuple[Path, ...]]] = []
    started = time.perf_counter()
    try:
        for i, name in enumerate(names):
            progress.start(i, name)
            t0 = time.perf_counter()
            fig = figures.render(name, scenario, style=style)
            try:
                paths = figures.export_figure(fig, directory / name, formats=formats, dpi=dpi,
                                              overwrite=args.overwrite)
            finally:
                fig.clear()
            written.append((name, paths))
            progress.finish(i + 1, name, time.perf_counter() - t0)
    except (ParameterError, SimulationError) as exc:
        progress.close()
        done = f" ({len(written)} of {len(names)} figures were written)" if written else ""
        raise _InputError(f"simlib figures: {name}: {_one_line(exc)}{done}") from None
    progress.close()
    elapsed = time.perf_counter() - started
    for name, paths in written:
        out.write(f"{name}: {', '.join(str(p) for p in paths)}\n")
    n_files = sum(len(p) for _, p in written)
    err.write(f"wrote {n_files} files for {len(written)} figures to {directory} in {elapsed:.1f} s "
              f"({style}, {dpi:g} dpi)\n")
    return EXIT_OK


def _metric_unit(name: str) -> str:
    if name == "classification":
        return ""
    if "force" in name:
        return "(normalised: 1 = healthy maximal tetanus)"
    if name.endswith("_s"):
        return "s"
    if name.endswith("_mV"):
        return "mV"
    if name == "quantal_content":
        return "quanta per impulse"
    if "spikes" in name:
        return "spikes"
    return ""


def _metric_value(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    if math.isinf(value):
        return "inf (never)"
    return f"{value:.4g}"


def _cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import simlib
    from simlib._fileio import atomic_write

    scenario = _load(args.file, "run")
    csv_path = Path(args.csv) if args.csv else None
    if csv_path is not None:
        if not csv_path.parent.is_dir():
            raise _InputError(f"simlib run: directory {str(csv_path.parent)!r} for --csv does not exist")
        if csv_path.exists() and not args.overwrite:
            raise _InputError(f"simlib run: {csv_path} already exists; pass --overwrite to replace it")
    try:
        res = simlib.simulate(scenario)
    except (simlib.SimulationError, simlib.ParameterError) as exc:
        raise _InputError(f"simlib run: {args.file}: {_one_line(exc)}") from None
    metrics = res.metrics()
    out.write(f"{args.file}\n{scenario.describe()}\n\nMetrics\n")
    names = [f.name for f in fields(metrics)]
    width = max(len(n) for n in names)
    for name in names:
        value, unit = _metric_value(getattr(metrics, name)), _metric_unit(name)
        out.write(f"  {name:<{width}}  {value:<12} {unit}".rstrip() + "\n")
    if csv_path is not None:
        try:  # Result.to_csv writes to a path: write it beside the target, then move it into place atomically
            with tempfile.TemporaryDirectory(prefix=".simlib-csv-", dir=csv_path.parent) as tmp_dir:
                tmp = Path(tmp_dir) / "result.csv"
                res.to_csv(tmp)
                atomic_write(csv_path, lambda handle: handle.write(tmp.read_bytes()), overwrite=args.overwrite)
        except simlib.ParameterError as exc:
            raise _InputError(f"simlib run: {_one_line(exc)}") from None
        except OSError as exc:
            raise _InputError(f"simlib run: {csv_path}: cannot write ({exc.strerror or exc})") from None
        err.write(f"wrote {csv_path} ({len(res.t)} rows)\n")
    return EXIT_OK


def _cmd_presets(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import simlib
    from simlib.parameters import scenario_param

    healthy = simlib.Scenario().to_dict()
    for name, sc in simlib.PRESETS.items():
        changes = []
        for key, value in sc.to_dict().items():
            if value != healthy[key]:
                unit = scenario_param(key).unit
                shown = f"{value:g}" if isinstance(value, float) else str(value)
                changes.append(f"{key} = {shown}{' ' + unit if unit else ''}")
        out.write(f"{name}  ({', '.join(changes) or 'healthy defaults'})\n")
        info = simlib.PRESET_INFO.get(name)
        if info is not None:
            out.write(textwrap.fill(info.description, width=100, initial_indent="    ",
                                    subsequent_indent="    ") + "\n")
            if args.citations:
                out.write(textwrap.fill(f"source: {info.citation}", width=100, initial_indent="    ",
                                        subsequent_indent="      ") + "\n")
    return EXIT_OK


def _cmd_warmup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import simlib
    from simlib.simulate import announce_compilation
    from simlib.stages._jit import cache_dir, write_seed

    start = time.perf_counter()
    announce_compilation(advice="")
    for drive in ("voluntary", "stimulation"):  # one short run compiles everything a lesson uses
        simlib.simulate(simlib.Scenario(drive=drive, duration_s=0.3, drive_start_s=0.1, drive_s=0.1))
    out.write(f"simlib kernel ready in {time.perf_counter() - start:.1f} s (cache: {cache_dir()})\n")
    if args.seed:
        try:
            seed = write_seed()
        except OSError as exc:
            err.write(f"error: could not write the seed for other users ({exc}); run as the installation's owner.\n")
            return EXIT_ERROR
        out.write(f"seed for new users: {seed}\n")
    return EXIT_OK


_COMMANDS = {"figures": _cmd_figures, "run": _cmd_run, "presets": _cmd_presets, "warmup": _cmd_warmup}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        Exit status: 0 on success, 1 for a bad file, directory or parameter, 2 for a command-line
        mistake (unknown command, figure, format or style), 130 when interrupted.
    """
    out, err = sys.stdout, sys.stderr
    for stream in (out, err):  # never fail on a terminal that cannot show "²⁺" or "µ"
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    args_list = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args_list
    args_list = [a for a in args_list if a != "--traceback"]
    parser = _build_parser()
    try:
        args = parser.parse_args(args_list)
        if args.version:
            from simlib import __version__

            out.write(f"simlib {__version__}\n")
            return EXIT_OK
        if args.command is None:
            parser.print_help(err)
            return EXIT_USAGE
        return _COMMANDS[args.command](args, out, err)
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except _UsageError as exc:
        err.write(f"{exc}\n")
        return EXIT_USAGE
    except _InputError as exc:
        err.write(f"{exc}\n")
        return EXIT_ERROR
    except BrokenPipeError:  # e.g. `simlib presets | head`: stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        err.write("simlib: interrupted\n")
        return 130
    except Exception as exc:  # the promise is one line, never a traceback
        if show_traceback:
            raise
        from simlib import ParameterError

        if isinstance(exc, ParameterError):
            err.write(f"simlib: {_one_line(exc)}\n")
            return EXIT_ERROR
        err.write(f"simlib: unexpected error: {type(exc).__name__}: {_one_line(exc)} "
                  "(rerun with --traceback and report it)\n")
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
