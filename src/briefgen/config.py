"""Read the project's settings, `briefgen.toml` or `[tool.briefgen]` in `pyproject.toml`, into checked values.

The file is looked for in the working folder, then in each parent up to the folder holding `.git` (the
repository's root) or the filesystem's root: the first folder with a `briefgen.toml`, or a `pyproject.toml`
with a `[tool.briefgen]` table, is the project's. Paths in it are relative to its folder. Every problem is
reported at its place, `briefgen.toml:line:col: message`, all together; the command-line flags win over it.
The keys, their types and their allowed values are the settings model's (briefgen.settings).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import InputError, Problem, display_path
from briefgen.settings import Settings, file_keys, validate

if TYPE_CHECKING:
    import tomllib

log = logging.getLogger(__name__)

FILE = "briefgen.toml"
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "briefgen")  # in pyproject.toml


@dataclass(frozen=True)
class Config:
    """The settings the project's file gives (none when there is no file), by their names in the settings
    model, and where each is written."""

    file: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    places: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # name → line, column of its value

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def problem(self, name: str, message: str) -> Problem:
        """A problem placed at the value of the setting `name` in the file."""
        assert self.file is not None
        line, column = self.places.get(name, (0, 0))
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


def load(file: Path | None = None, start: Path | None = None, model: type[Settings] = Settings) -> Config:
    """The settings of `file` (`--config FILE`, which must exist), else of the file `find` finds, else none,
    checked by `model`. Raises InputError with every problem, each at its line and column."""
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
    import tomllib  # only when there is a file

    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(_syntax_problem(file, exc)) from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        line, column = _too_deep(text)
        message = f"arrays or tables nested more than {MAX_NESTING} deep: a project file needs 2"
        raise InputError(Problem(display_path(file), line, column, message)) from None
    table: tuple[str, ...] = ()
    if file.name == PYPROJECT:
        table = TABLE
        data = data.get("tool", {}).get("briefgen") if isinstance(data.get("tool"), dict) else None
        if not isinstance(data, dict):
            raise InputError(Problem(display_path(file), 0, 0, "no [tool.briefgen] table"))
    return _check(file, text, table, data, model)


def _mentions_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml holds a briefgen table under `tool`, as `[tool.briefgen]` or written inline
    (`[tool]` then `briefgen = {…}`). A file that names briefgen but does not parse counts: its error is said."""
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if "briefgen" not in text:
        return False
    import tomllib

    try:
        tool = tomllib.loads(text).get("tool")
    except (tomllib.TOMLDecodeError, RecursionError):
        return True
    return isinstance(tool, dict) and "briefgen" in tool


MAX_NESTING = 100


def _too_deep(text: str) -> tuple[int, int]:
    """Line and column of the first bracket that opens past MAX_NESTING levels (strings are not skipped: this
    locates, it does not parse)."""
    depth, line, column = 0, 1, 0
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line, column
        elif char in "]}":
            depth = max(0, depth - 1)
    return 0, 0


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


# -- the keys: the settings model's --------------------------------------------------------------------------


def _check(
    file: Path, text: str, table: tuple[str, ...], data: dict[str, Any], model: type[Settings]
) -> Config:
    """Every key known, of its type, with an allowed value (the model's checks); paths made relative to the
    file's folder. The problems in the order of the file's keys."""
    base = _folder(file)
    where = Places(text, table)
    keys = file_keys(model)
    values, errors = validate(model, data, base)
    problems: list[Problem] = []
    for key in data:
        if key not in keys:
            import difflib

            close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(keys)}"
            line, column = where.key(key)
            problems.append(Problem(display_path(file), line, column, f"unknown key '{key}' ({hint})"))
        elif key in errors:
            message, inner = errors[key]
            for sub, said in inner.items():  # a table's keys, each at its place: `mail.password: …`
                line, column = Places(text, (*table, key)).key(sub)
                problems.append(Problem(display_path(file), line, column, f"{key}.{sub}: {said}"))
            if not inner:
                line, column = where.value(key)
                problems.append(Problem(display_path(file), line, column, f"{key}: {message}"))
    names = {name: key for key, name in keys.items()}
    config = Config(file, values, {name: where.value(names[name]) for name in values})
    problems += _pairing(config)
    if problems:
        raise InputError(problems)
    return config


def _pairing(config: Config) -> list[Problem]:
    """`format = "typ"` needs the engine that writes it: typst, unless the file names another one."""
    from briefgen.backends import BACKENDS, engine_free

    fmt, engine = config.get("format"), config.get("engine")
    if engine_free(fmt) or engine is None or BACKENDS[engine].format == fmt:
        return []
    return [
        config.problem(
            "format",
            f"format: '{fmt}' is written by another engine than '{engine}' (which writes "
            f"{BACKENDS[engine].format}): remove 'engine' or change it",
        )
    ]


def settle(config: Config, flags: Mapping[str, Any], given: Collection[str]) -> dict[str, Any]:
    """Each setting (by its name in the settings model): the flag's value when `given` on the command line, else
    the file's, else the flag's default. A `format` other than pdf picks the engine that writes it, unless the
    engine is set as high up (command line over file over default), where a different one is an error."""
    from briefgen.backends import BACKENDS, engine_free

    values: dict[str, Any] = {}
    level: dict[str, int] = {}  # 2: the command line, 1: the file, 0: the default
    for name, flag in flags.items():
        if name in given:
            values[name], level[name] = flag, 2
        elif config.get(name) is not None:
            values[name], level[name] = config.get(name), 1
        else:
            values[name], level[name] = flag, 0
    fmt, engine = values.get("format"), values.get("engine")
    if engine_free(fmt) or engine is None or BACKENDS[engine].format == fmt:
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
        self.parent: list[
            int
        ] = []  # indexes of the lines of the table's parent, where it may be written inline
        for index, line in enumerate(self.lines):
            found = self._HEADER.match(line)
            if found:
                current = tuple(part.strip().strip("\"'") for part in found[1].split("."))
                if current == table:
                    self.header = (index + 1, line.index("[") + 1)
                continue
            if current == table:
                self.inside.append(index)
            elif table and current == table[:-1]:
                self.parent.append(index)

    def _find(self, key: str) -> tuple[int, int, int] | None:
        """The key's line index, the index of its first character and the index just after it."""
        name = _quoted(key)
        pattern = re.compile(rf"^(\s*){name}\s*[=.]")
        for index in self.inside:
            found = pattern.match(self.lines[index])
            if found:
                return index, len(found[1]), found.end() - 1
        if not self.table:
            return None
        # the table written in its parent: `briefgen = { key = … }` (one line) or `briefgen.key = …`
        table = _quoted(self.table[-1])
        inline = re.compile(rf"^\s*{table}\s*=\s*\{{")
        in_inline = re.compile(rf"(?<=[{{,])\s*({name})\s*=")
        dotted = re.compile(rf"^\s*{table}\s*\.\s*({name})\s*[=.]")
        for index in self.parent:
            line = self.lines[index]
            found = dotted.match(line) or (in_inline.search(line) if inline.match(line) else None)
            if found:
                return index, found.start(1), found.end(1)
        return None

    def key(self, key: str) -> tuple[int, int]:
        found = self._find(key)
        if found is None:
            return self._sub_table(key)
        index, start, _end = found
        return index + 1, start + 1

    def value(self, key: str) -> tuple[int, int]:
        found = self._find(key)
        if found is None:
            return self._sub_table(key)
        index, start, end = found
        line = self.lines[index]
        equals = line.find("=", end)
        if equals < 0:
            return index + 1, start + 1
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


def _quoted(key: str) -> str:
    """A pattern matching the TOML key `key`, bare or quoted (a group that captures nothing)."""
    return rf"(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')"


__all__ = ["FILE", "Config", "find", "load", "settle"]
