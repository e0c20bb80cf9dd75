"""Place a line of a generated engine source in the template that wrote it, and order an engine's errors.

One algorithm for every engine: each line of the templates Jinja would load (a user's file hides the built-in
one of the same name) becomes a pattern, its fixed text literal and each Jinja tag matching anything; the
template line whose fixed text matches the generated line with the most characters wins, and one holding the
command the engine names (a LaTeX control sequence) wins over all. Errors are reported root cause first:
in the engine's order, each once, with the ones that merely follow from the first counted, not listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from briefgen.errors import Problem

MAX_LISTED = 3  # errors listed after the first; the rest are counted
JINJA = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))  # Jinja's default delimiters


@dataclass(frozen=True)
class Place:
    path: Path
    line: int
    column: int


@cache
def _tag_pattern(delimiters: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"{re.escape(a)}.*?{re.escape(b)}" for a, b in delimiters))


def template_lines(dirs: list[Path]) -> Iterator[tuple[Path, int, str]]:
    """Every line of the templates Jinja would load from `dirs` (nearest layer first), each name once."""
    seen: set[str] = set()
    for folder in dirs:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if not path.is_file() or name in seen or path.suffix in (".png", ".svg", ".jpg", ".ttf", ".otf"):
                continue
            seen.add(name)
            for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                yield path, number, text


def locate(
    generated: str,
    dirs: list[Path],
    delimiters: tuple[tuple[str, str], ...],
    column: int = 0,
    culprit: str = "",
    comments: tuple[str, ...] = (),
) -> Place | None:
    """The template line that wrote `generated`, with the column of `column` (or of `culprit`) in it.

    None when no template line has three or more characters of fixed text in common with it (a line made of
    substituted values alone cannot be placed).
    """
    return _best(generated, dirs, delimiters, column, culprit, comments, whole=True) or _best(
        generated, dirs, delimiters, column, culprit, comments, whole=False
    )


def _best(
    generated: str,
    dirs: list[Path],
    delimiters: tuple[tuple[str, str], ...],
    column: int,
    culprit: str,
    comments: tuple[str, ...],
    whole: bool,
) -> Place | None:
    """The best template line for `generated`: one that writes all of it (`whole`), else part of it."""
    tags = _tag_pattern(delimiters)
    target = generated.strip()
    offset = len(generated) - len(generated.lstrip())
    best: tuple[int, Path, int, int] | None = None
    for path, number, text in template_lines(dirs):
        stripped = text.strip()
        if not stripped or (comments and stripped.startswith(comments)):
            continue
        literals = tags.split(stripped)
        fixed = sum(len(piece.strip()) for piece in literals)
        if fixed < 3:
            continue
        pattern = "(.*?)".join(f"({re.escape(piece)})" for piece in literals)
        match = re.fullmatch(pattern, target, re.DOTALL) if whole else re.search(pattern, target, re.DOTALL)
        if match is None:
            continue
        score = fixed + (10_000 if culprit and culprit in text else 0)
        if best is not None and score <= best[0]:
            continue
        indent = len(text) - len(text.lstrip())
        if culprit and culprit in text:
            col = text.find(culprit) + 1
        elif column:
            col = _column(match, literals, stripped, column - 1 - offset) + indent + 1
        else:
            col = indent + 1
        best = (score, path, number, col)
    return Place(best[1], best[2], best[3]) if best else None


def _column(match: re.Match[str], literals: list[str], template: str, at: int) -> int:
    """The template column (0-based, in the stripped line) of generated column `at` (0-based, stripped)."""
    cursor = 0
    for i, piece in enumerate(literals):
        where = template.find(piece, cursor)
        start = match.start(2 * i + 1)
        if at < start:  # in the value a tag wrote: the tag's column
            return cursor
        if at < start + len(piece):
            return where + (at - start)
        cursor = where + len(piece)
    return max(len(template) - 1, 0)


def problems_in_order(problems: list[Problem]) -> list[Problem]:
    """The root cause first: problems in the engine's order, each once, the tail counted in the last line."""
    unique = list(dict.fromkeys(problems))
    if len(unique) <= MAX_LISTED + 1:
        return unique
    shown = unique[: MAX_LISTED + 1]
    rest = len(unique) - len(shown)
    last = shown[-1]
    note = f" ({rest} more error{'s' if rest != 1 else ''} follow from the first: fix it and build again)"
    return [*shown[:-1], Problem(last.path, last.line, last.column, last.message + note, last.warning)]


__all__ = ["JINJA", "MAX_LISTED", "Place", "locate", "problems_in_order", "template_lines"]
