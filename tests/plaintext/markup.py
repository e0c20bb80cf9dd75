"""Plain text: inline markup dropped to its words, values written as they are, design tokens as `name: value`."""

from __future__ import annotations

from briefgen.backends.markup import Syntax
from briefgen.brief.inline import Inline, plain
from briefgen.themes.tokens import Token


def tokens(values: dict[str, Token]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in values.items())


def words(nodes: Inline) -> str:
    return plain(nodes)


SYNTAX = Syntax(entry="brief.txt.j2", inline=words, text=str, tokens=tokens)
