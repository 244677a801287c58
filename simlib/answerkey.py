"""The answer key of a class: each student's key measures, computed on that student's own preparation.

Every student code gives its own muscle (:func:`simlib.individual`), so a worksheet's numbers differ
between students. :func:`answer_key` measures, for each code, what the twitch-and-tetanus worksheets
ask for, with the library's own measures (:func:`simlib.twitch`, :func:`simlib.force_frequency`,
:func:`simlib.experiments.twitch_of`) under the conditions of one Scenario. On the command line::

    simlib answer-key codes.txt -o key.csv

(``codes.txt``: one student code per line; blank lines and lines starting with ``#`` are ignored).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from simlib._fileio import atomic_write
from simlib.errors import ParameterError
from simlib.experiments import force_frequency, twitch, twitch_of
from simlib.preparation import individual, normalise_code
from simlib.protocol import Protocol
from simlib.scenario import Scenario
from simlib.simulate import simulate

__all__ = ["COLUMNS", "Column", "answer_key", "read_codes", "student_measures", "write_answer_key", "write_csv"]

#: Rates (Hz) of the force-frequency columns; the last one is the tetanus of the twitch/tetanus ratio.
RATES_HZ = (10.0, 20.0, 50.0, 100.0)
#: Default interval (s) of the paired-pulse column.
PAIRED_INTERVAL_S = 0.02
_PAIRED_AT_S = 0.2
_MAX_CODES = 2000


@dataclass(frozen=True)
class Column:
    """One column of the answer key: its name (with the unit) and what it is."""

    name: str
    meaning: str


#: The columns after ``code``, in order.
COLUMNS: tuple[Column, ...] = (
    Column("latent_period_ms", "single twitch: stimulus to the onset of force (ms)"),
    Column("time_to_peak_ms", "single twitch: stimulus to peak force (contraction time, ms)"),
    Column("half_relaxation_ms", "single twitch: peak to half of the peak force (ms)"),
    Column("twitch_peak", "single twitch: peak force above rest (1 = healthy maximal tetanus)"),
    *(Column(f"force_{rate:g}hz", f"peak force of a 1 s train at {rate:g} Hz") for rate in RATES_HZ),
    Column("twitch_tetanus_ratio", f"twitch peak / force at {RATES_HZ[-1]:g} Hz"),
    Column("paired_pulse_peak", "two stimuli: peak force above rest (the interval is in paired_interval_ms)"),
    Column("paired_interval_ms", "interval between the two stimuli of paired_pulse_peak (ms)"),
)


def read_codes(path: str | os.PathLike[str]) -> list[str]:
    """Read a class list: one student code per line; blank lines and ``#`` comments are ignored.

    Returns
    -------
    list of str
        The codes in file order, in their canonical form (upper case).

    Raises
    ------
    ParameterError
        If the file cannot be read, holds no code, a code is invalid (the message gives the line
        number and a suggestion) or a code appears twice.
    """
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ParameterError(f"{target}: no such file (one student code per line)") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ParameterError(f"{target}: cannot read ({reason or exc})") from None
    codes: list[str] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        try:
            code = normalise_code(entry)
        except ParameterError as exc:
            raise ParameterError(f"{target}, line {number}: {exc}") from None
        if code in first_line:
            raise ParameterError(f"{target}, line {number}: code {code!r} is already on line {first_line[code]}; "
                                 "each student needs a code of their own")
        first_line[code] = number
        codes.append(code)
    if not codes:
        raise ParameterError(f"{target}: no student code found (one code per line; # starts a comment)")
    if len(codes) > _MAX_CODES:
        raise ParameterError(f"{target}: {len(codes)} codes; at most {_MAX_CODES} in one answer key")
    return codes


def student_measures(code: str, sc: Scenario | None = None, *,
                     paired_interval_s: float = PAIRED_INTERVAL_S) -> dict[str, float | str]:
    """Return the answer-key row of one student: the :data:`COLUMNS` measured on their preparation.

    Parameters
    ----------
    code : str
        Student code (:func:`simlib.individual`).
    sc : Scenario, optional
        Conditions of the worksheet (electrolytes, temperature, drugs); default: the healthy adult.
        Drive settings are replaced by each measurement's own stimuli.
    paired_interval_s : float, keyword-only
        Interval between the two stimuli of the paired-pulse measure (s).

    Returns
    -------
    dict
        ``{"code": code, column name: value}``; times in ms, forces in the lab's force unit.
    """
    sc = Scenario(motor_units=1) if sc is None else sc
    c = individual(code)
    tw = twitch(sc, constants=c)
    forces = force_frequency(sc, RATES_HZ, constants=c)
    run = sc.replace(drive="stimulation", duration_s=_PAIRED_AT_S + paired_interval_s + 0.8, stretch_at_s=None)
    paired = simulate(run, protocol=Protocol.paired(paired_interval_s, start_s=_PAIRED_AT_S), constants=c,
                      output_dt_s=1e-4)
    row: dict[str, float | str] = {
        "code": normalise_code(code), "latent_period_ms": tw.latent_period_ms,
        "time_to_peak_ms": tw.contraction_time_ms, "half_relaxation_ms": tw.half_relaxation_ms,
        "twitch_peak": tw.peak_force}
    row.update({f"force_{rate:g}hz": float(f) for rate, f in zip(RATES_HZ, forces, strict=True)})
    row["twitch_tetanus_ratio"] = tw.peak_force / float(forces[-1])
    row["paired_pulse_peak"] = twitch_of(paired, _PAIRED_AT_S).peak_force
    row["paired_interval_ms"] = paired_interval_s * 1000.0
    return row


def answer_key(codes: Sequence[str], sc: Scenario | None = None, *, paired_interval_s: float = PAIRED_INTERVAL_S,
               on_row: Callable[[int, str], None] | None = None) -> list[dict[str, float | str]]:
    """Return the answer-key rows of a class (one :func:`student_measures` row per code, in order).

    ``on_row(i, code)`` is called after each row (a progress bar).
    """
    rows = []
    for i, code in enumerate(codes):
        rows.append(student_measures(code, sc, paired_interval_s=paired_interval_s))
        if on_row is not None:
            on_row(i + 1, code)
    return rows


def _format(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:.6g}"


def write_answer_key(rows: Sequence[dict[str, float | str]], path: str | os.PathLike[str], *,
                     overwrite: bool = False) -> None:
    """Write answer-key rows as CSV (``code`` then :data:`COLUMNS`), atomically.

    Raises
    ------
    ParameterError
        If the file exists and `overwrite` is False, is not a regular file, or cannot be written.
    """
    atomic_write(Path(path), lambda handle: write_csv(rows, handle), overwrite=overwrite)


def write_csv(rows: Sequence[dict[str, float | str]], handle: BinaryIO) -> None:
    """Write answer-key rows as UTF-8 CSV to a binary file (``code`` then :data:`COLUMNS`)."""
    names = ["code", *(column.name for column in COLUMNS)]
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow(names)
        writer.writerows([_format(row[name]) for name in names] for row in rows)
        text.flush()
    finally:
        text.detach()
