"""Reading and writing :class:`~simlib.scenario.Scenario` files (TOML or JSON).

File format
-----------
A flat table of Scenario fields, either at the top level or inside a ``[scenario]`` table (both are
accepted when reading; :func:`save_scenario` writes the ``[scenario]`` form). Fields left out take
their healthy defaults, but a file must set at least one: an empty file is far more often a failed save
than a choice, so it is refused rather than read as the healthy defaults. TOML has no null, so an unset
``stretch_at_s`` is simply omitted; JSON writes it as ``null``. ``simlib scenario --template`` prints a
file with every field, its unit and range (:func:`scenario_template`).

.. code-block:: toml

    # Muscle Spasm Lab scenario
    [scenario]
    drive = "stimulation"
    rate_hz = 50.0        # Hz
    ca_mM = 0.75          # mM

.. code-block:: json

    {"scenario": {"drive": "stimulation", "rate_hz": 50.0, "ca_mM": 0.75, "stretch_at_s": null}}

Files are parsed as data only (``tomllib`` / ``json``; nothing is evaluated or unpickled). Only a
regular file of at most :data:`MAX_FILE_BYTES` is read (a FIFO, a device such as ``/dev/zero`` or a
huge file could hang the reader or exhaust its memory). Every problem -- unknown extension, missing
file, not a regular file, too large, malformed content (with its line number), nesting too deep,
unknown or invalid fields -- raises :class:`~simlib.errors.ParameterError` naming the file, with a
message of bounded length.
"""

from __future__ import annotations

import json
import os
import stat
import textwrap
import tomllib
from pathlib import Path
from typing import Any

from simlib._fileio import atomic_write, os_reason
from simlib.errors import ParameterError
from simlib.parameters import SCENARIO_PARAMS
from simlib.scenario import Scenario

__all__ = ["MAX_FILE_BYTES", "SUFFIXES", "load_scenario", "save_scenario", "scenario_template", "scenario_to_toml",
           "toml_string"]

#: Supported file extensions (compared case-insensitively).
SUFFIXES: tuple[str, ...] = (".toml", ".json")
#: Largest scenario file read, in bytes (64 KiB). A saved scenario is about 2 KB (every field with its
#: comment) and a caption file about 6 KB; the limit keeps a wrong file from costing memory and time.
MAX_FILE_BYTES = 64 * 1024

_TABLE = "scenario"

_TOML_HEADER = (
    "# Muscle Spasm Lab scenario (simlib).\n"
    "# Load with simlib.load_scenario(path). Fields left out take their healthy defaults;\n"
    "# the comment after each value gives its unit and meaning.\n"
)


# -- helpers ------------------------------------------------------------------------------------------


def _as_path(path: str | os.PathLike[str]) -> Path:
    try:
        return Path(os.fspath(path))
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}") from None


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        shown = f"'{path.suffix}'" if path.suffix else "no extension"
        raise ParameterError(
            f"{path}: unsupported scenario file type ({shown}); use a file name ending in "
            f"{' or '.join(SUFFIXES)}"
        )
    return suffix[1:]


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json`` object hook: a key given twice is an error (TOML rejects it too)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _parse(text: str, fmt: str, path: Path) -> Any:
    """Parse file text as TOML or JSON; syntax errors become ParameterError with the line number."""
    if fmt == "toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            # tomllib's message ends in "(at line N, column M)" or "(at end of document)".
            raise ParameterError(f"{path}: malformed TOML: {exc}") from exc
        except RecursionError:
            raise ParameterError(f"{path}: malformed TOML: arrays or tables nested too deeply") from None
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise ParameterError(f"{path}: malformed TOML: {_short(str(exc))}") from None
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise ParameterError(
            f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError:
        raise ParameterError(f"{path}: malformed JSON: arrays or objects nested too deeply") from None
    except ValueError as exc:  # duplicate keys, an integer of more than 4300 digits
        raise ParameterError(f"{path}: malformed JSON: {_short(str(exc))}") from exc


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _read(file: Path) -> bytes:
    """Read a scenario file: a regular file of at most MAX_FILE_BYTES, never blocking on a FIFO or device."""
    try:
        # O_NONBLOCK: opening a FIFO returns at once (it is refused below) instead of waiting for a writer.
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) |
                     getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ParameterError(f"{file}: scenario file not found (working directory: {Path.cwd()})") from None
    except IsADirectoryError:
        raise ParameterError(f"{file}: is a directory, not a scenario file") from None
    except OSError as exc:
        raise ParameterError(f"{file}: cannot read scenario file ({os_reason(exc)})") from exc
    except ValueError as exc:  # embedded NUL character
        raise ParameterError(f"{file}: not a valid file name ({exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ParameterError(f"{file}: is a directory, not a scenario file")
        if not stat.S_ISREG(info.st_mode):
            raise ParameterError(f"{file}: not a regular file (a device, FIFO or socket); a scenario file must "
                                 "be an ordinary .toml or .json file")
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:  # read at most one byte more than allowed (the file may grow)
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise ParameterError(f"{file}: too large for a scenario file (more than {MAX_FILE_BYTES // 1024} KiB; "
                                 "a scenario is about 2 KB): is this the right file?")
        return b"".join(chunks)
    except OSError as exc:
        raise ParameterError(f"{file}: cannot read scenario file ({os_reason(exc)})") from exc
    finally:
        os.close(fd)


def _fields_of(data: Any, fmt: str, path: Path) -> dict[str, Any]:
    """Return the table of Scenario fields: the whole document or its ``[scenario]`` table."""
    table = "a [scenario] table" if fmt == "toml" else 'a "scenario" object'
    if not isinstance(data, dict):
        raise ParameterError(
            f"{path}: a scenario file must contain a table of Scenario fields (or {table}); "
            f"got {type(data).__name__}"
        )
    if _TABLE in data:
        inner = data[_TABLE]
        if not isinstance(inner, dict):
            raise ParameterError(
                f"{path}: '{_TABLE}' must be a table of Scenario fields; got {type(inner).__name__}"
            )
        others = [key for key in data if key != _TABLE]
        if others:
            raise ParameterError(
                f"{path}: put every field inside {table}; found {', '.join(repr(k) for k in others)} "
                "outside it"
            )
        data = inner
    if not data:
        raise ParameterError(_no_fields(path, "contains no scenario fields"))
    return data


def _no_fields(path: Path, what: str) -> str:
    return (f"{path}: {what} (an empty file is more often a failed save than a choice); to use the healthy "
            "defaults, set at least one field, e.g. drive = \"voluntary\" ('simlib scenario --template' "
            "prints every field)")


# -- TOML writer (flat scalars only) -------------------------------------------------------------------

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(text: str) -> str:
    """TOML basic string: quoted, with backslash, quote and control characters escaped."""
    out = []
    for char in text:
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value: object) -> str:
    """One TOML scalar: bool, int, float (``repr``, which round-trips exactly) or string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # round-trips exactly; 'inf', 'nan' and '1e-05' are valid TOML floats too
    if isinstance(value, str):
        return _toml_string(value)
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
    return key if bare else _toml_string(key)


def _toml_comment(text: str) -> str:
    """Comment text on one line with no control characters (TOML forbids them in comments)."""
    return "".join(c if c == "\t" or (ord(c) >= 0x20 and ord(c) != 0x7F) else " " for c in text)


def _to_toml(scenario: Scenario) -> str:
    lines = [_TOML_HEADER, f"[{_TABLE}]"]
    for param in SCENARIO_PARAMS:
        value = getattr(scenario, param.name)
        note = f"{param.unit}, {param.meaning}" if param.unit else param.meaning
        if value is None:  # TOML has no null: leave the field out, which means "not set"
            lines.append(f"# {param.name} is not set ({_toml_comment(param.meaning)})")
            continue
        lines.append(f"{_toml_key(param.name)} = {_toml_value(value)}  # {_toml_comment(note)}")
    return "\n".join(lines) + "\n"


def _wrapped_comment(text: str, width: int = 100) -> list[str]:
    return textwrap.wrap(_toml_comment(text), width=width, initial_indent="# ", subsequent_indent="#   ")


def scenario_template() -> str:
    """Return a commented example scenario file (TOML) with every field at its healthy default.

    Each field is preceded by comments giving its meaning, unit and allowed range (from
    :data:`simlib.parameters.SCENARIO_PARAMS`) and a hint; the optional ``stretch_at_s`` is left
    commented out (no stretch). ``simlib scenario --template > my_scenario.toml`` writes it;
    :func:`load_scenario` reads it back as ``Scenario()``.

    Returns
    -------
    str
        The file's text.
    """
    lines = [
        "# Muscle Spasm Lab scenario (simlib). Written by: simlib scenario --template",
        "# Every field is shown at its healthy default. Change what your experiment needs and delete or keep",
        "# the rest (a field left out takes its default). Then run it:  simlib run my_scenario.toml",
        "# or load it in Python:  simlib.load_scenario('my_scenario.toml').",
        "# Rule across fields: drive_start_s must be earlier than duration_s.",
        "",
        f"[{_TABLE}]",
    ]
    for param in SCENARIO_PARAMS:
        unit = f"unit: {param.unit}; " if param.unit else "dimensionless; " if not param.is_text else ""
        lines.append("")
        lines += _wrapped_comment(f"{param.name}: {param.meaning}.")
        lines += _wrapped_comment(f"{unit}allowed: {param.range_text()}. {param.hint}".rstrip())
        if param.default is None:  # TOML has no None: the field is left out; an example value is shown
            lines.append(f"# {_toml_key(param.name)} = 1.0  # delete the first '#' to set it; left out means None")
        else:
            lines.append(f"{_toml_key(param.name)} = {_toml_value(param.default)}")
    return "\n".join(lines) + "\n"


def _to_json(scenario: Scenario) -> str:
    return json.dumps({_TABLE: scenario.to_dict()}, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# -- public API ----------------------------------------------------------------------------------------


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read a Scenario from a ``.toml`` or ``.json`` file.

    Parameters
    ----------
    path : str or os.PathLike
        File to read. The extension (case-insensitive) selects the format.

    Returns
    -------
    Scenario
        The validated scenario; fields missing from the file take their defaults (a complete file saved
        before the pool became the default, which has no ``motor_units``, is read as the single unit it
        was saved from).

    Raises
    ------
    ParameterError
        If the extension is not ``.toml``/``.json``; the file is missing, unreadable, not a regular file
        or larger than :data:`MAX_FILE_BYTES`; its content is malformed (the message gives the line),
        nested too deeply, not a table of fields or sets no field at all (an empty file); or it has
        unknown names (at most five are listed) or invalid values. Every message starts with the file
        path.
    """
    file = _as_path(path)
    fmt = _format_of(file)
    raw = _read(file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{file}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc
    if not text.strip():
        raise ParameterError(_no_fields(file, "is empty" if not text else "holds only white space"))
    fields = _fields_of(_parse(text, fmt, file), fmt, file)
    return Scenario.from_dict(_single_unit_if_saved_before_pool(fields), source=str(file))


#: fields that :func:`save_scenario` has written since the first release (a saved file lists every field)
_ALWAYS_SAVED = frozenset({"drive", "rate_hz", "drive_start_s", "drive_s", "duration_s", "ca_mM", "mg_mM", "k_mM",
                           "na_mM", "temperature_c", "atp_mM", "ache_activity", "release_block", "receptor_block",
                           "ryr_block", "pic_gain", "fatigue", "reflex_gain"})


def _single_unit_if_saved_before_pool(fields: dict[str, Any]) -> dict[str, Any]:
    """Return ``fields``, read as one motor unit if the file was saved before the pool was the default.

    A file written by :func:`save_scenario` lists every field. One that lists all of
    :data:`_ALWAYS_SAVED` but no ``motor_units`` was saved when the default Scenario was a single
    unit (CHANGELOG, "the pool is the default"): it keeps the single unit it was saved from. A hand-written file that
    leaves ``motor_units`` out takes today's default, the 120-unit pool.
    """
    if "motor_units" in fields or not _ALWAYS_SAVED <= fields.keys():
        return fields
    return {**fields, "motor_units": 1}


def save_scenario(scenario: Scenario, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Write a Scenario to a ``.toml`` or ``.json`` file, atomically.

    The file holds every field inside a ``[scenario]`` table (TOML, with a comment header and each
    field's unit; an unset ``stretch_at_s`` is omitted) or a ``{"scenario": {...}}`` object (JSON;
    ``None`` as ``null``). :func:`load_scenario` reads it back to an equal Scenario.

    Parameters
    ----------
    scenario : Scenario
        What to save.
    path : str or os.PathLike
        Destination; the extension (``.toml`` or ``.json``) selects the format. Its directory must exist.
    overwrite : bool, optional
        Replace an existing file. Default False.

    Raises
    ------
    TypeError
        If `scenario` is not a :class:`Scenario`.
    ParameterError
        If the extension is unsupported, the file exists and `overwrite` is False, the path exists and
        is not a regular file (a symbolic link or device is never replaced), the directory does not
        exist, or the file cannot be written (the message names the file and the reason, e.g. "No
        space left on device"; the previous file is then unchanged).

    Notes
    -----
    The content is written to a temporary file in the destination directory and moved into place
    with :func:`os.replace`, so a reader never sees a half-written file. Without `overwrite`, the
    move uses a hard link where the file system supports one, so a file created concurrently is never
    clobbered either.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"save_scenario needs a Scenario; got {type(scenario).__name__}")
    file = _as_path(path)
    fmt = _format_of(file)
    text = _to_toml(scenario) if fmt == "toml" else _to_json(scenario)
    atomic_write(file, lambda handle: handle.write(text.encode("utf-8")), overwrite=overwrite)


def scenario_to_toml(scenario: Scenario, *, header: bool = True) -> str:
    """Return the TOML text that :func:`save_scenario` writes for a Scenario.

    Parameters
    ----------
    scenario : Scenario
        What to write.
    header : bool, default True
        Start with the comment header; when False the text starts at the ``[scenario]`` table, for
        embedding in a larger TOML file (a figure's caption file).

    Returns
    -------
    str
        Every field inside a ``[scenario]`` table, each with its unit and meaning as a comment; an
        unset ``stretch_at_s`` is a comment only. :func:`load_scenario` reads it back to an equal Scenario.

    Raises
    ------
    TypeError
        If `scenario` is not a :class:`Scenario`.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario_to_toml needs a Scenario; got {type(scenario).__name__}")
    text = _to_toml(scenario)
    return text if header else text[text.index(f"[{_TABLE}]"):]


def toml_string(text: str) -> str:
    """Quote text as a TOML basic string (``"..."``), escaping backslashes, quotes and control characters.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The quoted string; :mod:`tomllib` reads it back to `text`.
    """
    return _toml_string(text)
