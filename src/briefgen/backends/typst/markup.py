"""Typst markup: brief text escaped so it is always shown literally; inline trees become #emph, #strong, #link.

Checked against the Typst compiler (0.15): in markup, `\\` followed by any punctuation shows that character,
so every character that starts markup, a shorthand or a comment is written with a backslash:
`\\ # [ ] * _ ` $ < > @ ~ ' " = +` always; `-` unless it joins two letters (`--`, `-?` and `-1` are
shorthands, `-` at a line start a list); `/` unless it joins two letters or digits (`//` and `/*` start
comments, `http://` a link, `/ term:` a term list); `.` in a run of dots (`...` is an ellipsis) and after the
digits that open a line, before a space (`1. ` an enumeration). Line breaks (for Typst, also U+000B, U+000C,
U+0085, U+2028 and U+2029) become spaces: a blank line would start a paragraph, a new line a heading or a list.
Embedded calls end with `;` so that text following them (`.x`, `(x)`) cannot continue the call. Other control
characters (NUL, BEL, ESC, DEL, C1) are dropped, as LaTeX drops them: Typst would put them in the PDF's text.
Words longer than markup.LONG_WORD get break opportunities (U+200B), as CSS's overflow-wrap gives WeasyPrint.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from briefgen.backends.markup import Syntax, breakable
from briefgen.document.inline import Inline

_ALWAYS = r"\\#\[\]*_`$<>@~'\"=+"
_SPECIAL = re.compile(
    rf"[{_ALWAYS}]"
    r"|(?<![^\W\d_])-|-(?![^\W\d_])"  # a hyphen unless between two letters
    r"|(?<!\w)/|/(?!\w)"  # a slash unless between two letters or digits
    r"|(?<=\.)\.|\.(?=\.)"  # dots in a run
)
_ENUM_MARKER = re.compile(r"^(\s*\d+)\.(?=\s|$)")
_LINE_BREAK = re.compile(r"\s*[\n\x0b\x0c\r\x85\u2028\u2029]+\s*")  # what Typst takes for a new line
LOGO = "logo"  # the logo's name beside the source, whatever the theme calls it
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Control characters that are neither white space nor a line break for Typst: dropped from text and strings.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def typst_text(text: str) -> str:
    """Typst markup that shows `text` literally, whatever it holds."""
    text = breakable(_CONTROL.sub("", _LINE_BREAK.sub(" ", text)))
    escaped = _SPECIAL.sub(lambda m: "\\" + m.group(), text)
    return _ENUM_MARKER.sub(r"\1\\.", escaped)


def typst_string(text: str) -> str:
    """A Typst string literal (for code positions such as metadata and link targets), quotes included.

    `@` is written `\\u{40}` so that no string built from brief text can look like a package import
    (`"@preview/…"`) to the engine's offline check.
    """
    body = "".join(
        _STRING_ESCAPES.get(c) or (f"\\u{{{ord(c):x}}}" if ord(c) < 32 or c == "@" else c)
        for c in _CONTROL.sub("", text)
    )
    return f'"{body}"'


def logo_name(path: Path) -> str:
    """The name of the theme's logo in the compile folder, where the engine copies it: logo.svg, logo.png, …"""
    return LOGO + path.suffix.lower()


def typst(nodes: Inline) -> str:
    """Typst markup of an inline tree; calls are closed by `;` so the text after them stays text."""
    out = []
    for n in nodes:
        if n.kind == "text":
            out.append(typst_text(n.text))
        elif n.kind == "code":
            out.append(f"#raw({typst_string(breakable(n.text))});")
        elif n.kind == "break":
            out.append("#linebreak();")
        elif n.kind == "em":
            out.append(f"#emph[{typst(n.children)}];")
        elif n.kind == "strong":
            out.append(f"#strong[{typst(n.children)}];")
        elif n.kind == "keep":
            out.append(f"#text(hyphenate: false)[{typst(n.children)}];")
        elif n.kind == "link":
            out.append(f"#link({typst_string(n.href)})[{typst(n.children)}];")
        else:
            raise ValueError(f"no Typst for inline node {n.kind!r}")
    return "".join(out)


SYNTAX = Syntax(
    entry="brief.typ.j2",
    inline=typst,
    text=typst_text,
    filters={
        "typst_string": lambda value: Markup(typst_string(str(value))),
        "logo_file": lambda path: Markup(typst_string(logo_name(Path(path)))),
    },
)
