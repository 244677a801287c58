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
``simlib scenario --template`` / ``simlib scenario FILE``
    Print a commented example scenario file with every field at its healthy default, its unit and
    its allowed range (``simlib scenario --template > my_scenario.toml``), or check a scenario file
    and print what it changes.
``simlib presets [--citations]``
    List the presets with what they change and their descriptions.
``simlib answer-key CODES_FILE [-o KEY.csv] [--scenario FILE] [--paired-interval-ms MS] [--overwrite]``
    The answer key of a class: for every student code in ``CODES_FILE`` (one per line; blank lines
    and ``#`` comments ignored) the worksheet's key measures on that student's own preparation
    (:mod:`simlib.answerkey`), as CSV to ``-o`` or to standard output.
``simlib report LABBOOK.json [-o REPORT.html] [--pdf] [--overwrite]``
    Write a learner's lab report (:mod:`simlib.report`): one self-contained HTML file with their
    answers and tables (and plots of them); ``--pdf`` also writes a PDF beside it.
``simlib warmup [--seed]``
    Compile the model kernel into the per-user cache now (several seconds, once per user and
    simlib version), so that the first simulation in a lesson starts at once. ``--seed`` also
    copies it into the installation, where every other user's first run finds it instead of
    compiling. ``make install`` and Binder's ``postBuild`` run ``warmup --seed``.

Errors (unknown figure, format or style, a missing or unwritable directory, a bad scenario file, an
out-of-range parameter, an existing file without ``--overwrite``, a link or device as the output, a
full disk, a closed or full standard output) print one line on stderr and exit with status 2
(command-line usage) or 1 (everything else); never a traceback. Ctrl-C exits with status 130 and one
line; SIGTERM and SIGHUP during a write exit with 143 and 129 and one line, after removing the
temporary files, and at any other moment end the process as they normally do. Output files are
written atomically, so an interrupted command leaves the previous files as they were and no partial
file. ``--traceback`` shows the traceback of an unexpected error for a bug report.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import signal
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import TextIO

from simlib._cli_process import (
    OutputError,
    Stream,
    Terminated,
    checkpoint,
    signals_handled,
    silence_stdout,
    take_over_ctrl_c,
)

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

    scen = sub.add_parser("scenario", help="print a scenario file template, or check a scenario file",
                          description="Print a commented scenario file with every field (--template), or check "
                                      "a scenario file and print what it changes.")
    scen.add_argument("file", metavar="FILE", nargs="?", help="scenario file to check (.toml or .json)")
    scen.add_argument("--template", action="store_true",
                      help="print every field at its healthy default with its unit and range, as TOML "
                           "(simlib scenario --template > my_scenario.toml)")

    key = sub.add_parser("answer-key", help="the key measures of every student's preparation, as CSV",
                         description="For every student code (one per line), compute the worksheet's key measures "
                                     "on that student's preparation (simlib.individual) and write them as CSV.")
    key.add_argument("codes", metavar="CODES_FILE", help="text file: one student code per line (# comments)")
    key.add_argument("-o", "--output", metavar="KEY.csv", help="CSV file to write (default: standard output)")
    key.add_argument("--scenario", metavar="FILE", help="the worksheet's conditions (.toml/.json; default healthy)")
    key.add_argument("--paired-interval-ms", type=float, default=20.0, metavar="MS",
                     help="interval of the paired-pulse measure (default: 20 ms)")
    key.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    key.add_argument("--quiet", action="store_true", help="no progress bar")

    report = sub.add_parser("report", help="write a learner's lab report (HTML, and PDF) from a lab book",
                            description="Write the lab report of a lab book (LESSON.labbook.json): one "
                                        "self-contained HTML file with answers, tables and plots.")
    report.add_argument("labbook", metavar="LABBOOK.json", help="a lab-book file saved by a lesson")
    report.add_argument("-o", "--output", metavar="REPORT.html",
                        help="HTML file to write (default: the lab book's name with .report.html)")
    report.add_argument("--pdf", action="store_true", help="also write a PDF beside the HTML file")
    report.add_argument("--overwrite", action="store_true", help="replace existing files")

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
    if not out:
        option = {"figure": "--only", "format": "--format"}.get(kind, f"--{kind}")
        raise _UsageError(f"simlib figures: {option} needs at least one {kind}; valid {kind}s: {', '.join(valid)}")
    return out


def _check_output(path: Path, overwrite: bool, command: str) -> None:
    """Refuse up front an output that exists (without --overwrite), is a link or device, or has a bad name."""
    from simlib import ParameterError
    from simlib._fileio import check_target

    try:
        check_target(path, overwrite=overwrite)
    except ParameterError as exc:
        message = _one_line(exc)
        if "already exists" in message:
            message = f"{path} already exists; pass --overwrite to replace it"
        raise _InputError(f"simlib {command}: {message}") from None


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
        if style == "slide" and "png" in formats:  # every slide has the same size: check its pixels now
            hs = figures.HOUSE_STYLES["slide"]
            figures._check_pixels(hs.width_in, hs.height_in, dpi)
    except ValueError as exc:
        raise _UsageError(f"simlib figures: --{_one_line(exc)}") from None
    if not args.out:
        raise _UsageError("simlib figures: the following argument is required: --out DIR (see 'simlib figures --help')")
    directory = _writable_directory(args.out)
    scenario = _load(args.scenario, "figures") if args.scenario else None

    planned = [directory / f"{name}.{fmt}" for name in names for fmt in formats]
    planned += [directory / f"{name}{figures.CAPTION_SUFFIX}" for name in names]
    if not args.overwrite:
        existing = [p for p in planned if os.path.lexists(p)]
        if existing:
            more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
            raise _InputError(f"simlib figures: {existing[0]} already exists{more}; pass --overwrite to replace, "
                           "or choose another --out")
    for path in planned:  # links and devices are never replaced, even with --overwrite
        _check_output(path, True, "figures")

    from simlib import ParameterError, SimulationError
    from simlib.progress import Bar, Reporter

    # a bar on a terminal, one line per figure in a log; none with --quiet
    progress = Reporter(len(names)) if args.quiet else Bar(len(names), "figures", file=err, unit="figure",
                                                           log_lines=True)
    written: list[tuple[str, tuple[Path, ...]]] = []
    started = time.perf_counter()
    try:
        for i, name in enumerate(names):
            checkpoint()
            progress.describe(name)
            fig = figures.render(name, scenario, style=style)
            checkpoint()
            try:
                paths = figures.export_figure(fig, directory / name, formats=formats, dpi=dpi,
                                              overwrite=args.overwrite)
            finally:
                fig.clear()
            written.append((name, paths))
            progress(i + 1)
    except (ParameterError, SimulationError) as exc:
        done = f" ({len(written)} of {len(names)} figures were written)" if written else ""
        raise _InputError(f"simlib figures: {name}: {_one_line(exc)}{done}") from None
    finally:  # also on Ctrl-C or a signal: the bar's line ends before the one-line message
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

    scenario = _load(args.file, "run")
    csv_path = Path(args.csv) if args.csv else None
    if csv_path is not None:
        if not csv_path.parent.is_dir():
            raise _InputError(f"simlib run: directory {str(csv_path.parent)!r} for --csv does not exist")
        _check_output(csv_path, args.overwrite, "run")
    try:
        res = simlib.simulate(scenario)
    except (simlib.SimulationError, simlib.ParameterError) as exc:
        raise _InputError(f"simlib run: {args.file}: {_one_line(exc)}") from None
    metrics = res.metrics()
    checkpoint()
    out.write(f"{args.file}\n{scenario.describe()}\n\nMetrics\n")
    names = [f.name for f in fields(metrics)]
    width = max(len(n) for n in names)
    for name in names:
        value, unit = _metric_value(getattr(metrics, name)), _metric_unit(name)
        out.write(f"  {name:<{width}}  {value:<12} {unit}".rstrip() + "\n")
    if csv_path is not None:
        try:  # atomic: a temporary file beside the target, moved into place once complete
            res.to_csv(csv_path, overwrite=args.overwrite)
        except simlib.ParameterError as exc:
            raise _InputError(f"simlib run: {_one_line(exc)}") from None
        err.write(f"wrote {csv_path} ({len(res.t)} rows)\n")
    return EXIT_OK


def _cmd_scenario(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.template == bool(args.file):
        raise _UsageError("simlib scenario: give either --template or a FILE to check "
                          "(simlib scenario --template > my_scenario.toml)")
    if args.template:
        from simlib.scenario_io import scenario_template

        out.write(scenario_template())
        return EXIT_OK
    scenario = _load(args.file, "scenario")
    out.write(f"{args.file}: valid\n{scenario.describe()}\n")
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
        simlib.simulate(simlib.Scenario(motor_units=1, drive=drive, duration_s=0.3, drive_start_s=0.1, drive_s=0.1))
    where = cache_dir() or "in memory only, this session"
    out.write(f"simlib kernel ready in {time.perf_counter() - start:.1f} s (cache: {where})\n")
    if args.seed:
        try:
            seed = write_seed()
        except OSError as exc:
            err.write(f"error: could not write the seed for other users ({exc}); run as the installation's owner.\n")
            return EXIT_ERROR
        out.write(f"seed for new users: {seed}\n")
    return EXIT_OK


def _cmd_answer_key(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import simlib
    from simlib import answerkey
    from simlib.progress import Bar, Reporter

    target = Path(args.output) if args.output else None
    if target is not None:
        _check_output(target, args.overwrite, "answer-key")
    try:
        codes = answerkey.read_codes(args.codes)
    except simlib.ParameterError as exc:
        raise _InputError(f"simlib answer-key: {_one_line(exc)}") from None
    scenario = _load(args.scenario, "answer-key") if args.scenario else None
    if not 1.0 <= args.paired_interval_ms <= 1000.0:
        raise _UsageError(f"simlib answer-key: --paired-interval-ms must be between 1 and 1000 ms; "
                          f"got {args.paired_interval_ms:g}")
    progress = Reporter(len(codes)) if args.quiet else Bar(len(codes), "answer key", file=err, unit="student",
                                                           log_lines=True)
    try:
        rows = answerkey.answer_key(codes, scenario, paired_interval_s=args.paired_interval_ms / 1000.0,
                                    on_row=lambda i, code: (checkpoint(), progress.describe(code), progress(i)))
    except (simlib.ParameterError, simlib.SimulationError) as exc:
        raise _InputError(f"simlib answer-key: {_one_line(exc)}") from None
    finally:
        progress.close()
    if target is None:
        buffer = io.BytesIO()
        answerkey.write_csv(rows, buffer)
        out.write(buffer.getvalue().decode("utf-8"))
        return EXIT_OK
    try:
        answerkey.write_answer_key(rows, target, overwrite=args.overwrite)
    except simlib.ParameterError as exc:
        raise _InputError(f"simlib answer-key: {_one_line(exc)}") from None
    err.write(f"wrote {target} ({len(rows)} students)\n")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import simlib
    from simlib import report

    source = Path(args.labbook)
    target = Path(args.output) if args.output else report.default_report_path(source)
    _check_output(target, args.overwrite, "report")
    if args.pdf:
        _check_output(target.with_suffix(".pdf"), args.overwrite, "report")
    try:
        written = report.write_report(source, target, pdf=args.pdf, overwrite=args.overwrite)
    except simlib.ParameterError as exc:
        raise _InputError(f"simlib report: {_one_line(exc)}") from None
    for path in written:
        out.write(f"{path}\n")
    return EXIT_OK


_COMMANDS = {"figures": _cmd_figures, "run": _cmd_run, "scenario": _cmd_scenario, "presets": _cmd_presets,
             "warmup": _cmd_warmup, "answer-key": _cmd_answer_key, "report": _cmd_report}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        Exit status: 0 on success, 1 for a bad file, directory or parameter or an unwritable standard
        output, 2 for a command-line mistake (unknown command, figure, format or style), 130 when
        interrupted (Ctrl-C), 143 on SIGTERM and 129 on SIGHUP during a write (otherwise those signals
        end the process), 141 when stdout is a closed pipe.
    """
    take_over_ctrl_c()
    for stream in (sys.stdout, sys.stderr):  # never fail on a terminal that cannot show "²⁺" or "µ"
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")
    out, err = Stream(sys.stdout), Stream(sys.stderr, quiet=True)
    args_list = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args_list
    args_list = [a for a in args_list if a != "--traceback"]
    try:
        with signals_handled():
            return _run(args_list, out, err, show_traceback)
    except Terminated as exc:  # a signal that came after the command's own handlers
        err.write(f"simlib: stopped by {signal.Signals(exc.signum).name}; no partial file was left\n")
        return 128 + exc.signum
    except KeyboardInterrupt:
        err.write("simlib: interrupted\n")
        return 130
    finally:
        if argv is None and threading.current_thread() is threading.main_thread():
            # The program is over: a Ctrl-C now (while Python shuts down) would only turn the exit status
            # into "killed by SIGINT" with nothing printed.
            with contextlib.suppress(OSError, ValueError):
                signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(args_list: list[str], out: Stream, err: Stream, show_traceback: bool) -> int:
    """Parse the arguments and run the command; every failure becomes one line on stderr and an exit status."""
    parser = _build_parser()
    try:
        args = parser.parse_args(args_list)
        if args.version:
            from simlib._version import __version__

            out.write(f"simlib {__version__}\n")
            code = EXIT_OK
        elif args.command is None:
            parser.print_help(err)  # type: ignore[arg-type]
            code = EXIT_USAGE
        else:
            code = _COMMANDS[args.command](args, out, err)  # type: ignore[arg-type]
        checkpoint()
        out.flush()  # a full disk behind stdout shows here, while a clear message can still be given
        return code
    except Terminated as exc:
        err.write(f"simlib: stopped by {signal.Signals(exc.signum).name}; no partial file was left\n")
        return 128 + exc.signum
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except _UsageError as exc:
        err.write(f"{exc}\n")
        return EXIT_USAGE
    except (_InputError, OutputError) as exc:
        if isinstance(exc, OutputError):
            silence_stdout()
        err.write(f"{exc}\n")
        return EXIT_ERROR
    except BrokenPipeError:  # e.g. `simlib presets | head`: stop quietly
        silence_stdout()
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
