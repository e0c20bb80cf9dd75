"""Read the project's settings, `briefgen.toml` or `[tool.briefgen]` in `pyproject.toml`, into checked values.

The file is looked for in the working folder, then in each parent up to the folder holding `.git` (the
repository's root) or the filesystem's root: the first folder with a `briefgen.toml`, or a `pyproject.toml`
with a `[tool.briefgen]` table, is the project's. Paths in it are relative to its folder. Every problem is
reported at its place, `briefgen.toml:line:col: message`, all together; the command-line flags win over it.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import InputError, Problem, display_path

log = logging.getLogger(__name__)

FILE = "briefgen.toml"
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "briefgen")  # in pyproject.toml


@dataclass(frozen=True)
class Config:
    """The settings of the project's file (none when there is no file), and where each is written."""

    file: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    places: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # key → line, column of its value

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def problem(self, key: str, message: str) -> Problem:
        """A problem placed at the value of `key` in the file."""
        assert self.file is not None
        line, column = self.places.get(key, (0, 0))
        return Problem(display_path(self.file), line, column, message)


def find(start: Path | None = None) -> Path | None:
    """The project's file: `briefgen.toml`, or a `pyproject.toml` holding `[tool.briefgen]`, in `start` (the
    working folder) or its parents, up to the folder holding `.git` or the filesystem's root."""
    folder = (start or Path.cwd()).resolve()
    for each in (folder, *folder.parents):
        if (each / FILE).is_file():
            pyproject = each / PYPROJECT
            if pyproject.is_file() and _mentions_table(pyproject):
                log.warning(
                    "%s: its [tool.briefgen] is not read: %s, beside it, is",
                    display_path(pyproject),
                    display_path(each / FILE),
                )
            return each / FILE
        if (each / PYPROJECT).is_file() and _mentions_table(each / PYPROJECT):
            return each / PYPROJECT
        if (each / ".git").exists():
            break
    return None


def load(file: Path | None = None, start: Path | None = None) -> Config:
    """The settings of `file` (`--config FILE`, which must exist), else of the file `find` finds, else none.
    Raises InputError with every problem, each at its line and column."""
    if file is None:
        file = find(start)
        if file is None:
            return Config()
    elif not file.is_file():
        raise InputError(Problem(display_path(file), 0, 0, "no such config file"))
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(display_path(file), 0, 0, f"cannot read: {exc}")) from None
    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(_syntax_problem(file, exc)) from None
    table: tuple[str, ...] = ()
    if file.name == PYPROJECT:
        table = TABLE
        data = data.get("tool", {}).get("briefgen") if isinstance(data.get("tool"), dict) else None
        if not isinstance(data, dict):
            raise InputError(Problem(display_path(file), 0, 0, "no [tool.briefgen] table"))
    return _check(file, text, table, data)


def _mentions_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml names [tool.briefgen] (read as text: a project's other tables are its own)."""
    try:
        return "tool.briefgen" in pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _syntax_problem(file: Path, exc: tomllib.TOMLDecodeError) -> Problem:
    """tomllib's message, `Invalid value (at line 3, column 9)`, as a located problem."""
    message = str(exc)
    found = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    if found is None:
        return Problem(display_path(file), 0, 0, f"TOML syntax error: {message}")
    where = message[: found.start()]
    return Problem(
        display_path(file), int(found[1]), int(found[2]), f"TOML syntax error: {where[:1].lower()}{where[1:]}"
    )


# -- the keys ----------------------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    """What a TOML value is, as a message says it."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


class _Bad(Exception):
    """A value of the right type that is not allowed; its message."""


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a string")
    if not value.strip():
        raise _Bad("must not be empty")
    return value


def _choice(what: str, choices: Collection[str]) -> Callable[[Any, Path], Any]:
    def check(value: Any, _base: Path) -> str:
        text = _string(value)
        if text not in choices:
            close = difflib.get_close_matches(text, choices, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise _Bad(f"unknown {what} '{text}' ({hint}{what}s: {', '.join(choices)})")
        return text

    return check


def _engine(value: Any, base: Path) -> str:
    """One of the engines of the registry."""
    from briefgen.backends import BACKENDS

    return str(_choice("engine", tuple(BACKENDS))(value, base))


def _format(value: Any, base: Path) -> str:
    """pdf, or the source one engine of the registry writes."""
    from briefgen.backends import formats

    return str(_choice("format", formats())(value, base))


def _theme(value: Any, base: Path) -> str:
    """A built-in theme's name as is; a folder relative to the file's."""
    from briefgen.themes.layers import ALIASES, MANIFEST, builtin_themes

    text = _string(value)
    if text in builtin_themes() or text in ALIASES:
        return text
    folder = _path(text, base)
    if not folder.is_dir():
        raise _Bad(
            f"no theme '{text}': not a built-in theme ({', '.join(builtin_themes())}) nor a folder "
            f"{display_path(folder)} holding a {MANIFEST}"
        )
    return str(folder)


def _languages(value: Any, _base: Path) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError('an array of language codes, e.g. ["fr", "en"]')
    odd = next((v for v in value if not isinstance(v, str)), None)
    if odd is not None:
        raise _Bad(f'each language is a string, e.g. "fr", not {_kind(odd)}')
    langs = tuple(v.strip() for v in value)
    if not langs or not all(langs):
        raise _Bad('must name languages, e.g. ["fr", "en"]')
    return langs


def _briefs(value: Any, base: Path) -> Path:
    path = _path(_string(value), base)
    if not path.exists():
        raise _Bad(f"no such file or folder: {display_path(path)}")
    return path


def _out(value: Any, base: Path) -> Path:
    path = _path(_string(value), base)
    if path.exists() and not path.is_dir():
        raise _Bad(f"{display_path(path)} is a file, not a folder")
    return path


def _jobs(value: Any, _base: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("an integer")
    if value < 1:
        raise _Bad(f"must be at least 1, not {value}")
    return value


def _timeout(value: Any, _base: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("a number of seconds")
    if not value > 0 or value != value or value == float("inf"):
        raise _Bad(f"must be a number of seconds above 0, not {value}")
    return float(value)


def _standards(value: Any, _base: Path) -> tuple[str, ...]:
    from briefgen.distribution.standards import parse

    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = ",".join(value)
    elif isinstance(value, str):
        text = value
    else:
        raise TypeError('a string or an array of standards, e.g. "ua-1,a-3b" or ["ua-1", "a-3b"]')
    try:
        return parse(text)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _flag(value: Any, _base: Path) -> bool:
    if not isinstance(value, bool):
        raise TypeError("true or false")
    return value


def _path(text: str, base: Path) -> Path:
    path = Path(os.path.expanduser(text))
    return path if path.is_absolute() else base / path


# The keys, in the order a file usually gives them, and how each is checked.
KEYS: dict[str, Callable[[Any, Path], Any]] = {
    "briefs": _briefs,
    "out": _out,
    "engine": _engine,
    "theme": _theme,
    "languages": _languages,
    "format": _format,
    "jobs": _jobs,
    "timeout": _timeout,
    "pdf-standard": _standards,
    "strict": _flag,
    "attach": _choice("attach", ("all", "record", "none")),
}


def _check(file: Path, text: str, table: tuple[str, ...], data: dict[str, Any]) -> Config:
    """Every key known, of its type, with an allowed value; paths made relative to the file's folder."""
    base = _folder(file)
    where = Places(text, table)
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(KEYS)}"
            line, column = where.key(key)
            problems.append(Problem(display_path(file), line, column, f"unknown key '{key}' ({hint})"))
            continue
        try:
            values[key] = KEYS[key](value, base)
        except TypeError as exc:
            line, column = where.value(key)
            problems.append(
                Problem(display_path(file), line, column, f"{key}: must be {exc}, not {_kind(value)}")
            )
        except _Bad as exc:
            line, column = where.value(key)
            problems.append(Problem(display_path(file), line, column, f"{key}: {exc}"))
    config = Config(file, values, {key: where.value(key) for key in values})
    problems += _pairing(config)
    if problems:
        raise InputError(problems)
    return config


def _pairing(config: Config) -> list[Problem]:
    """`format = "typ"` needs the engine that writes it: typst, unless the file names another one."""
    from briefgen.backends import BACKENDS

    fmt, engine = config.get("format"), config.get("engine")
    if fmt in (None, "pdf") or engine is None or BACKENDS[engine].format == fmt:
        return []
    return [
        config.problem(
            "format",
            f"format: '{fmt}' is written by another engine than '{engine}' (which writes "
            f"{BACKENDS[engine].format}): remove 'engine' or change it",
        )
    ]


def settle(config: Config, flags: Mapping[str, Any], given: Collection[str]) -> dict[str, Any]:
    """Each setting (by its key in the file): the flag's value when `given` on the command line, else the file's,
    else the flag's default. A `format` other than pdf picks the engine that writes it, unless the engine is
    set as high up (command line over file over default), where a different one is an error."""
    from briefgen.backends import BACKENDS

    values: dict[str, Any] = {}
    level: dict[str, int] = {}  # 2: the command line, 1: the file, 0: the default
    for key, flag in flags.items():
        if key in given:
            values[key], level[key] = flag, 2
        elif config.get(key) is not None:
            values[key], level[key] = config.get(key), 1
        else:
            values[key], level[key] = flag, 0
    fmt, engine = values.get("format"), values.get("engine")
    if fmt in (None, "pdf") or engine is None or BACKENDS[engine].format == fmt:
        return values
    writer = next(b.name for b in BACKENDS.values() if b.format == fmt)
    if level["engine"] < level["format"]:
        values["engine"] = writer
    elif level["format"] == 2:
        raise InputError(f"--format {fmt} is written by --engine {writer}, not by --engine {engine}")
    else:
        raise InputError(
            config.problem(
                "format", f"format: '{fmt}' is written by the engine '{writer}', not by --engine {engine}"
            )
        )
    return values


def _folder(file: Path) -> Path:
    """The file's folder, relative to the working folder when that reads shorter (as output lines print it)."""
    folder = file.parent
    if not folder.is_absolute():
        return folder
    try:
        relative = Path(os.path.relpath(folder))
    except ValueError:  # another drive
        return folder
    return relative if len(str(relative)) < len(str(folder)) else folder


class Places:
    """Where a key of one table is written in a TOML text (tomllib gives no positions): line and column of the
    key and of its value, 1-based; the table's header, or the file's start, when the key is not found."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")

    def __init__(self, text: str, table: tuple[str, ...]) -> None:
        self.lines = text.splitlines()
        self.table = table
        self.header = (0, 0)
        current: tuple[str, ...] = ()
        self.inside: list[int] = []  # indexes of the lines of the table (its keys, not its sub-tables)
        for index, line in enumerate(self.lines):
            found = self._HEADER.match(line)
            if found:
                current = tuple(part.strip().strip("\"'") for part in found[1].split("."))
                if current == table:
                    self.header = (index + 1, line.index("[") + 1)
                continue
            if current == table:
                self.inside.append(index)

    def _find(self, key: str) -> tuple[int, re.Match[str]] | None:
        pattern = re.compile(rf"^(\s*)(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*[=.]")
        for index in self.inside:
            found = pattern.match(self.lines[index])
            if found:
                return index, found
        return None

    def key(self, key: str) -> tuple[int, int]:
        found = self._find(key)
        if found is None:
            return self._sub_table(key)
        index, match = found
        return index + 1, len(match[1]) + 1

    def value(self, key: str) -> tuple[int, int]:
        found = self._find(key)
        if found is None:
            return self._sub_table(key)
        index, match = found
        line = self.lines[index]
        equals = line.find("=", match.end() - 1)
        if equals < 0:
            return index + 1, len(match[1]) + 1
        column = equals + 1
        while column < len(line) and line[column] in " \t":
            column += 1
        return index + 1, column + 1

    def _sub_table(self, key: str) -> tuple[int, int]:
        """A key written as a table of its own, `[tool.briefgen.key]`: its header."""
        for index, line in enumerate(self.lines):
            found = self._HEADER.match(line)
            if found and tuple(p.strip().strip("\"'") for p in found[1].split(".")) == (*self.table, key):
                return index + 1, line.index("[") + 1
        return self.header if self.header != (0, 0) else (1, 1)


__all__ = ["FILE", "KEYS", "Config", "find", "load", "settle"]
