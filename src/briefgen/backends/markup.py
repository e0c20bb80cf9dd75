"""Write inline trees and plain strings in each engine's markup, so brief text is always data, never code.

Each module gives `SYNTAX`: the entry template, how Jinja is delimited, the escaping of values, and how the
theme's design tokens are written in the engine's language.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefgen.brief.inline import Inline

if TYPE_CHECKING:
    from briefgen.language.catalog import Catalog
    from briefgen.themes.tokens import Token

# A word longer than this (in characters, no space) may break between any two characters, so that no word runs
# past the page's edge: engines without CSS's overflow-wrap (Typst, LaTeX) get a break opportunity (U+200B
# ZERO WIDTH SPACE) between its characters, which also ends its hyphenation. Shorter words, all the words of
# prose (the longest in English dictionaries has 45 letters), are left to hyphenate as before; what is longer
# is an address, a file name, a hash or a run of characters.
LONG_WORD = 45
BREAK = "\u200b"
_LONG = re.compile(rf"[^\s\u200b]{{{LONG_WORD + 1},}}")
_JOINERS = "\u200c\u200d\u2060"


def breakable(text: str) -> str:
    """`text` with U+200B between the characters of each word longer than LONG_WORD (never before a combining
    mark or a variation selector, nor around a joiner, so no character is split from what it carries)."""

    def mark(match: re.Match[str]) -> str:
        word = match.group()
        out = [word[0]]
        for before, char in itertools.pairwise(word):
            if not (_attached(char) or before in _JOINERS or char in _JOINERS):
                out.append(BREAK)
            out.append(char)
        return "".join(out)

    return _LONG.sub(mark, text)


def _attached(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or 0xFE00 <= ord(char) <= 0xFE0F


@dataclass(frozen=True)
class Syntax:
    """How one engine's templates are written and how values are escaped into them."""

    entry: str  # the template rendered first, e.g. "brief.html.j2"
    inline: Callable[[Inline], str]  # an inline tree -> markup of the engine
    text: Callable[[str], str] | None  # a plain string -> markup (None: Jinja's HTML autoescape does it)
    # The theme's design tokens -> the templates' `tokens_block` (CSS custom properties, a Typst dictionary, LaTeX
    # macros): a writer of briefgen.themes.tokens, or the engine's own.
    tokens: Callable[[dict[str, Token]], str]
    delimiters: dict[str, str] = field(
        default_factory=dict
    )  # Jinja delimiters, for engines where {% %} clash
    filters: dict[str, Callable[..., object]] = field(default_factory=dict)  # extra Jinja filters
    # Why the engine cannot set text of a language (tag) in a document of the catalog's language; "" if it can.
    language: Callable[[str, Catalog], str] | None = None
