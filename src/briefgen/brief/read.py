"""Read a brief's YAML into plain data, keeping the line and column of every key and value."""

from __future__ import annotations

import codecs
import contextlib
import importlib
import os
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from briefgen.brief.limits import MAX_DEPTH, MAX_FILE_BYTES
from briefgen.errors import InputError, Problem, display_path

# libyaml's parser, when PyYAML was built with it (else None, and `_Loader` reads every text).
_CParser: Any = None
with contextlib.suppress(ImportError):
    _CParser = getattr(importlib.import_module("yaml.cyaml"), "CParser", None)

Path_ = tuple[str | int, ...]

_YAML = "tag:yaml.org,2002:"
# What YAML allows in a stream, less U+0085 (a YAML line break that editors show as nothing).
_BAD_CHAR = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # line breaks as PyYAML counts them


@dataclass
class Located:
    """Plain data from a YAML file, with the position of each value and each mapping key."""

    file: Path
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: Path_, message: str, *, at_key: bool = False, warning: bool = False) -> Problem:
        """A problem located at `path`, or at the nearest ancestor whose position is known."""
        table = self.keys if at_key else self.values
        probe = tuple(path)
        while probe and probe not in table and probe not in self.values:
            probe = probe[:-1]
        line, col = table.get(probe) or self.values.get(probe, (1, 1))
        return Problem(display_path(self.file), line, col, message, warning)


class Unreadable(Exception):
    """A file that cannot be read as input: missing, not a regular file, too large, unreadable or not text."""

    def __init__(self, reason: str, line: int = 0, column: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


def size_text(size: int) -> str:
    """A size as people read it: 1 MB, 2.5 MB, 300 KB (decimal units, as the limits are stated)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.3g} MB"
    return f"{size / 1000:.3g} KB"


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them. Raises Unreadable with the reason.

    The file is opened without blocking and checked before it is read: a folder, a device (/dev/zero),
    a pipe or a socket is refused, never read, so that a brief can neither hang briefgen nor exhaust its memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise Unreadable("no such file") from None
    except IsADirectoryError:
        raise Unreadable("a folder, not a file") from None
    except OSError as exc:
        raise Unreadable(f"cannot read it: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("not a regular file (a device, a pipe or a socket)")
        if info.st_size > limit:
            raise Unreadable(f"too large: {info.st_size} bytes (the limit is {size_text(limit)})")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise Unreadable(f"too large: more than {limit} bytes (the limit is {size_text(limit)})")
        return b"".join(chunks)
    except OSError as exc:
        raise Unreadable(f"cannot read it: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of `text[index]`, counting line breaks as YAML does."""
    line, start = 1, 0
    for match in _BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1


def decode(data: bytes) -> str:
    """The text of a YAML file: UTF-8, or UTF-16 with a byte-order mark. Raises Unreadable at the first bad byte."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, label = "utf-16", "UTF-16"
    else:
        encoding, label = "utf-8-sig", "UTF-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode(encoding, errors="replace")
        line, col = position(before, len(before))
        bad = " ".join(f"0x{b:02X}" for b in data[exc.start : exc.end])
        plural = "s" if exc.end - exc.start > 1 else ""
        message = f"not {label} text: invalid byte{plural} {bad} ({exc.reason}); save the file as UTF-8"
        raise Unreadable(message, line, col) from None


def bad_character(text: str) -> tuple[int, int, str] | None:
    """Line, column and description of the first character YAML text may not hold (a control character)."""
    match = _BAD_CHAR.search(text)
    if match is None:
        return None
    code = ord(match.group())
    kind = "control character" if code < 0xA0 else "character"
    return (*position(text, match.start()), f"the {kind} U+{code:04X} is not allowed here (delete it)")


class _Refused(Exception):
    """YAML that is valid but that no brief needs: an alias, a tag, a merge key, nesting past MAX_DEPTH."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = mark.line + 1, mark.column + 1, message
        self.index: int = mark.index


def _tag_text(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


# YAML 1.2's core schema for booleans and numbers, where PyYAML follows YAML 1.1: `no`, `yes`, `on`, `off`
# (the Norway problem: `languages: [fr, no]`) stay text, `012` is twelve, `1_000` and `1:20` are text.
# Dates (YYYY-MM-DD) are still read as dates: a brief's dates need them.
_CORE = (
    (_YAML + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (_YAML + "int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789"),
    (
        _YAML + "float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        "-+.0123456789",
    ),
)


def _core_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    replaced = {tag for tag, _rx, _first in _CORE}
    resolvers = {
        first: [(tag, rx) for tag, rx in entries if tag not in replaced]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for tag, rx, firsts in _CORE:
        for first in firsts:
            resolvers.setdefault(first, []).append((tag, rx))
    return resolvers


def _core_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """An integer as YAML 1.2 reads it: decimal (a leading zero does not make it octal), 0o octal, 0x hex."""
    text = str(loader.construct_scalar(node))
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


class _Strict:
    """Composition refusing aliases (no expansion, hence no alias bomb), every explicit tag and deep nesting.

    Composition recurses once per level: the nesting is bounded before Python's own limit can be reached.
    """

    depth = 0
    peek_event: Any  # the parser's

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, "YAML aliases (*name) are not allowed: write the value out")
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _Refused(event.start_mark, f"the YAML tag '{_tag_text(tag)}' is not allowed: remove it")
        if not isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            return super().compose_node(parent, index)  # type: ignore[misc, no-any-return]
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(
                    event.start_mark, f"lists and mappings nested more than {MAX_DEPTH} levels deep"
                )
            return super().compose_node(parent, index)  # type: ignore[misc, no-any-return]
        finally:
            self.depth -= 1


class _Loader(_Strict, yaml.SafeLoader):
    """The safe loader with `_Strict`'s refusals and YAML 1.2's booleans and numbers."""

    yaml_implicit_resolvers = _core_resolvers()


class _FastLoader(_Strict, Composer, SafeConstructor, Resolver, _CParser or object):  # type: ignore[misc]
    """`_Loader` reading the text with libyaml (PyYAML's C parser) when it is there: the brief, the theme's
    manifest and the catalogs of a build are read in a tenth of the time. Nodes are made by `_Strict` and
    PyYAML's composer, as `_Loader`'s; a text libyaml refuses is read again by `_Loader` for its message."""

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    def __init__(self, stream: str) -> None:
        _CParser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def dispose(self) -> None:
        """Nothing to drop: libyaml's parser keeps no state machine in Python."""


def _core_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    """A decimal number exactly as written (0.1 stays 0.1, 1e400 is too large rather than infinite);
    .inf and .nan stay floats, for validation to refuse."""
    text = str(loader.construct_scalar(node))
    unsigned = text.lstrip("+-")
    if unsigned.startswith(".") and unsigned[1:].isalpha():  # .inf, -.Inf, .nan
        return float(text.replace(".", "", 1))
    try:
        return Decimal(text)
    except InvalidOperation:  # an exponent past what a decimal holds: 1e999999999999999999999
        raise _Refused(node.start_mark, f"the number {shown(text, 40)} is too large to be read") from None


_Loader.add_constructor(_YAML + "int", _core_int)
_Loader.add_constructor(_YAML + "float", _core_float)
_FastLoader.yaml_constructors = _Loader.yaml_constructors


def shown(text: str, limit: int = 80) -> str:
    """User text for a one-line message: control characters and line breaks escaped, long text cut."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode() for c in cut
    )


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Walker:
    def __init__(self, loader: yaml.SafeLoader, located: Located) -> None:
        self.loader = loader
        self.located = located
        self.problems: list[Problem] = []

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        self.located.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Refused(key_node.start_mark, "a key is a word, not a list or a mapping")
                if key_node.tag == _YAML + "merge":
                    raise _Refused(
                        key_node.start_mark, "YAML merge keys (<<) are not allowed: write the keys out"
                    )
                key = self.scalar(key_node)
                if not isinstance(key, str | int) or isinstance(key, bool):
                    key = str(key)
                if key in out:
                    first = self.located.keys[(*path, key)]
                    line, col = _mark(key_node)
                    message = f"duplicate key '{shown(str(key))}' (first defined at line {first[0]})"
                    self.problems.append(Problem(display_path(self.located.file), line, col, message))
                    continue
                self.located.keys[(*path, key)] = _mark(key_node)
                out[key] = self.walk(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        """A scalar's value. An impossible date stays text, for validation to reject where a date is due."""
        if node.tag in (_YAML + "str", _YAML + "value"):
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:  # 2026-02-30, or an integer past Python's limit on digits
            if node.tag == _YAML + "int" and re.fullmatch(r"[-+]?[0-9_]+", node.value):
                return Decimal(node.value.replace("_", ""))
            return node.value


# Characters YAML reads as syntax at the start of a value: a text starting with one of them must be quoted.
_INDICATORS = {
    "*": "an alias",
    "&": "an anchor",
    "!": "a tag",
    "@": "reserved",
    "`": "reserved",
    "%": "a directive",
}


def _quoted(value: str) -> str:
    """`value` as the user should write it: in double quotes, cut for a one-line message."""
    return '"' + shown(value.strip().replace('"', '\\"'), 40) + '"'


def _value_at(text: str, index: int) -> str:
    """The value written on the line of `index`: what follows the line's `key: ` or `- `, else the line."""
    start = text.rfind("\n", 0, index) + 1
    line = text[start:].split("\n", 1)[0]
    found = re.match(r"\s*(?:-\s+)*(?:[^\s:#][^:#]*?:\s+)?(.*)", line)
    return found.group(1) if found else line.strip()


def _column_of(text: str, index: int, value: str) -> int:
    """The column where `value` starts on the line of `index`."""
    start = text.rfind("\n", 0, index) + 1
    return text.index(value, start) - start + 1


def _braces(value: str) -> str:
    return (
        "a text that starts with {{ must be quoted (YAML reads { as the start of a mapping), "
        f"like {_quoted(value)}"
    )


def _plain_message(text: str, exc: yaml.MarkedYAMLError) -> str | None:
    """The commonest YAML mistakes of a writer, said in a writer's words with the fix; None for the others."""
    problem = exc.problem or ""
    mark = exc.problem_mark or exc.context_mark
    if "'\\t'" in problem or (mark is not None and text[mark.index : mark.index + 1] == "\t"):
        return "a tab character: YAML indents and separates with spaces only; replace the tab with spaces"
    for where in (exc.context_mark, exc.problem_mark):
        if where is None or where.index >= len(text):
            continue
        char = text[where.index]
        if char in _INDICATORS:
            line = text[where.index :].split("\n", 1)[0]
            return (
                f"a text that starts with {char} must be quoted (YAML reads {char} as {_INDICATORS[char]}), "
                f"like {_quoted(line)}"
            )
    if mark is None:
        return None
    value = _value_at(text, mark.index)
    if value.startswith("{{"):
        return _braces(value)
    if problem == "mapping values are not allowed here":
        return (
            "a colon followed by a space inside a text that is not quoted: quote the whole text, "
            f"like {_quoted(value)}"
        )
    return None


def load_yaml(file: Path, text: str | None = None) -> Located:
    """Parse `file` (or `text`) into located data; duplicate keys are kept as problems, not raised."""
    name = display_path(file)
    if text is None:
        try:
            text = decode(read_bytes(file, MAX_FILE_BYTES))
        except Unreadable as exc:
            raise InputError(Problem(name, exc.line, exc.column, exc.reason)) from None
    bad = bad_character(text)
    if bad is not None:
        raise InputError(Problem(name, *bad))
    if _CParser is not None and "\t" not in text:  # libyaml takes tabs where PyYAML's parser refuses them
        with contextlib.suppress(_Refused, yaml.YAMLError):  # read again below, for the message
            return _located(file, _FastLoader(text))
    return _located(file, _Loader(text), text)


def _located(file: Path, loader: Any, text: str = "") -> Located:
    """The located data `loader` reads. Raises InputError (a message made from `text`), or _Refused and
    yaml.YAMLError when no text is given."""
    name = display_path(file)
    located = Located(file=file, data=None)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(Problem(name, 1, 1, "the file is empty"))
        walker = _Walker(loader, located)
        located.data = walker.walk(node, ())
    except (_Refused, yaml.YAMLError) as exc:
        if not text:
            raise
        raise _problem(file, exc, text) from None
    finally:
        loader.dispose()
    located.problems.extend(walker.problems)
    return located


def _problem(file: Path, exc: _Refused | yaml.YAMLError, text: str) -> InputError:
    """The InputError saying, in words, what the YAML reader refused in `text`."""
    name = display_path(file)
    if isinstance(exc, _Refused):
        message, column, value = exc.message, exc.column, _value_at(text, exc.index)
        if message.startswith("a key is") and value.startswith("{{"):  # `a: {{ b }}` read as a mapping
            message, column = _braces(value), _column_of(text, exc.index, value)
        return InputError(Problem(name, exc.line, column, message))
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        plain = _plain_message(text, exc)
        if mark is not None and plain is not None and plain.startswith("a text that starts with {{"):
            col = _column_of(text, mark.index, _value_at(text, mark.index))
        if plain is None:
            plain = exc.problem or "invalid YAML"
            if exc.context:
                plain = f"{exc.context}: {plain}" if exc.problem else exc.context
        return InputError(Problem(name, line, col, f"YAML syntax error: {plain}"))
    return InputError(Problem(name, 0, 0, f"YAML error: {exc}"))
