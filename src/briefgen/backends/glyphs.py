"""One policy for characters the fonts lack, in every engine: before any engine runs, each character of the
document's text that no font of the theme can draw is an input error, at its place in the brief.

Without this, LaTeX stops with no place in the brief, WeasyPrint names the theme, and Typst leaves the character
out of the PDF without a word. Spaces, control and format characters (which engines do not draw) and variation
selectors are not looked at.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from briefgen.brief.read import Located
from briefgen.document.view import Document
from briefgen.errors import Problem, display_path
from briefgen.language.catalog import Catalog
from briefgen.themes.fonts import Face

# Fields of the document that are never printed: identifiers, language tags, link targets, PDF keywords.
_NOT_PRINTED = frozenset(
    {"id", "lang", "tag", "anchor", "kind", "quote_lang", "href", "keywords", "extra", "date", "page_budget"}
)


def missing(doc: Document, catalog: Catalog, faces: Iterable[Face]) -> list[str]:
    """The characters of the document's text (and of its catalog) that no face has, each once, in order."""
    cmap = covered(tuple(sorted({face.file for face in faces})))
    every = "".join((*texts(doc), *catalog.strings.values(), *catalog.quotes))
    found = {char for char in set(every) if ord(char) not in cmap and drawn(char)}
    return sorted(found, key=every.index)


def problems(
    doc: Document, catalog: Catalog, faces: tuple[Face, ...], located: Located, lang: str
) -> list[Problem]:
    """A located problem for each character no face of the theme has: in the brief, else in the catalog."""
    names = ", ".join(dict.fromkeys(face.file.name for face in faces))
    out = []
    for char in missing(doc, catalog, faces):
        message = (
            f"no glyph for {describe(char)} in the theme's fonts ({names}): "
            "write another character, or use a theme whose fonts have it"
        )
        in_catalog = any(char in text for text in (*catalog.strings.values(), *catalog.quotes))
        out.append(
            _in_brief(located, char, lang, message)
            or (_in_file(catalog.file, char, message) if in_catalog else None)
            or Problem(display_path(located.file), 0, 0, message)  # a character the typography added
        )
    return out


def describe(char: str) -> str:
    """`😀 (U+1F600 GRINNING FACE)`."""
    name = unicodedata.name(char, "")
    return f"{char} (U+{ord(char):04X}{' ' + name if name else ''})"


def drawn(char: str) -> bool:
    """Whether an engine draws a glyph for the character (not a space, control, format or variation selector)."""
    if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
        return False
    code = ord(char)
    return not (0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)


def texts(value: Any) -> Iterator[str]:
    """Every printed string of a document (its dataclasses, tuples and inline nodes), in order."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in _NOT_PRINTED:
                yield from texts(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from texts(item)


@cache
def covered(files: tuple[Path, ...]) -> frozenset[int]:
    """The code points some font file of `files` maps to a glyph."""
    points: set[int] = set()
    for file in files:
        points.update(_mapped(file))
    return frozenset(points)


def _mapped(file: Path) -> frozenset[int]:
    """The code points the font file maps (its best cmap, as briefgen.themes.fonts keeps it)."""
    from briefgen.themes.fonts import facts

    return facts(file).mapped


# -- where the character is -------------------------------------------------------------------------------


def _in_brief(located: Located, char: str, lang: str, message: str) -> Problem | None:
    """The first value of the brief holding `char`, this language's first; at the character when it is
    written as itself (not as a YAML escape)."""
    paths = [path for path, value in _strings(located.data, ()) if char in value]
    if not paths:
        return None
    path = next((p for p in paths if lang in p), paths[0])
    at = located.problem(path, message)
    lines = _text(located.file).splitlines()
    for number in range(at.line, len(lines) + 1):
        column = lines[number - 1].find(char, at.column - 1 if number == at.line else 0)
        if column >= 0:
            return dataclasses.replace(at, line=number, column=column + 1)
    return at


def _strings(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _in_file(file: Path, char: str, message: str) -> Problem | None:
    for number, line in enumerate(_text(file).splitlines(), 1):
        if char in line:
            return Problem(display_path(file), number, line.index(char) + 1, message)
    return None


def _text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


__all__ = ["covered", "describe", "drawn", "missing", "problems", "texts"]
