"""Typst markup: every character with a meaning in Typst is escaped; inline trees become #emph, #strong, #link."""

from __future__ import annotations

import json
import re

from markupsafe import Markup

from briefgen.inline import Inline
from briefgen.markup import Syntax

_TYPST_SPECIAL = re.compile(r"([\\#\[\]*_`$<>@~=\-+/\"'])")


def typst_text(text: str) -> str:
    """Typst markup that shows `text` literally: every character with a meaning in markup is escaped."""
    escaped = _TYPST_SPECIAL.sub(r"\\\1", text)
    # A digit run followed by '.' at line start would be an enumeration marker.
    return re.sub(r"(?m)^(\s*\d+)\.", r"\1\\.", escaped)


def typst_string(text: str) -> str:
    """A Typst string literal (for code positions such as metadata), quotes included."""
    return json.dumps(text, ensure_ascii=False)


def typst(nodes: Inline) -> str:
    out = []
    for n in nodes:
        if n.kind == "text":
            out.append(typst_text(n.text))
        elif n.kind == "code":
            out.append(f"#raw({typst_string(n.text)})")
        elif n.kind == "break":
            out.append("#linebreak()")
        elif n.kind == "em":
            out.append(f"#emph[{typst(n.children)}]")
        elif n.kind == "strong":
            out.append(f"#strong[{typst(n.children)}]")
        elif n.kind == "link":
            out.append(f"#link({typst_string(n.href)})[{typst(n.children)}]")
    return "".join(out)


SYNTAX = Syntax(
    entry="brief.typ.j2",
    inline=typst,
    text=typst_text,
    filters={"typst_string": lambda value: Markup(typst_string(str(value)))},
)
