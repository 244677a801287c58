"""Reading and writing :class:`~simlib.scenario.Scenario` files (TOML or JSON).

File format
-----------
A flat table of Scenario fields, either at the top level or inside a ``[scenario]`` table (both are
accepted when reading; :func:`save_scenario` writes the ``[scenario]`` form). Fields left out take
their healthy defaults. TOML has no null, so an unset ``stretch_at_s`` is simply omitted; JSON writes
it as ``null``.

.. code-block:: toml

    # Muscle Spasm Lab scenario
    [scenario]
    drive = "stimulation"
    rate_hz = 50.0        # Hz
    ca_mM = 0.75          # mM

.. code-block:: json

    {"scenario": {"drive": "stimulation", "rate_hz": 50.0, "ca_mM": 0.75, "stretch_at_s": null}}

Files are parsed as data only (``tomllib`` / ``json``; nothing is evaluated or unpickled). Every
problem -- unknown extension, missing file, malformed content (with its line number), unknown or
invalid fields -- raises :class:`~simlib.errors.ParameterError` naming the file.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

from simlib._fileio import atomic_write, exists_message
from simlib.errors import ParameterError
from simlib.parameters import SCENARIO_PARAMS
from simlib.scenario import Scenario

__all__ = ["SUFFIXES", "load_scenario", "save_scenario"]

#: Supported file extensions (compared case-insensitively).
SUFFIXES: tuple[str, ...] = (".toml", ".json")

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
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise ParameterError(
            f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except ValueError as exc:  # duplicate keys
        raise ParameterError(f"{path}: malformed JSON: {exc}") from exc


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
        return inner
    return data


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
        The validated scenario; fields missing from the file take their defaults.

    Raises
    ------
    ParameterError
        If the extension is not ``.toml``/``.json``, the file is missing or unreadable, its content
        is malformed (the message gives the line), is not a table of fields, or has unknown names or
        invalid values. Every message starts with the file path.
    """
    file = _as_path(path)
    fmt = _format_of(file)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ParameterError(f"{file}: scenario file not found (working directory: {Path.cwd()})") from None
    except IsADirectoryError:
        raise ParameterError(f"{file}: is a directory, not a scenario file") from None
    except OSError as exc:
        raise ParameterError(f"{file}: cannot read scenario file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{file}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc
    fields = _fields_of(_parse(text, fmt, file), fmt, file)
    return Scenario.from_dict(fields, source=str(file))


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
        If the extension is unsupported, the file exists and `overwrite` is False, the directory does
        not exist, or the file cannot be written.

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
    if file.exists() and not overwrite:
        raise ParameterError(exists_message(file))
    directory = file.parent
    if not directory.is_dir():
        raise ParameterError(f"{file}: directory {str(directory)!r} does not exist")
    atomic_write(file, lambda handle: handle.write(text.encode("utf-8")), overwrite=overwrite)
