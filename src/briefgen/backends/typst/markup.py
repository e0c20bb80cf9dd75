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
Words longer than markup.LONG_WORD may break between any two characters, as CSS's overflow-wrap gives
WeasyPrint: an empty box between them is a break opportunity that leaves nothing in the PDF's text (a U+200B
would do the same, but Typst puts it in the PDF's text, where a copied address would carry it).
Addresses in prose are never hyphenated; a `keep` node is never hyphenated, and each of its words that could
break at its own hyphen or slash is a box, never broken.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from briefgen.backends.markup import BREAK, LONG_WORD, Syntax, breakable
from briefgen.brief.inline import Inline, addresses

if TYPE_CHECKING:
    from briefgen.themes.tokens import Token

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
_WORDS = re.compile(r"(\s+)")
_LONG_RUN = re.compile(rf"[^\W_]{{{LONG_WORD + 1},}}")
_OPPORTUNITY = "#box();"  # a line may break here; nothing is drawn, nothing goes to the PDF's text
# Characters after which a line may break inside a word: a word of a `keep` node holding one is kept whole.
_INNER_BREAKS = re.compile(r"[-\u2010\u2013\u2014/]")


def typst_text(text: str) -> str:
    """Typst markup that shows `text` literally, whatever it holds; a word longer than LONG_WORD may break
    between any two characters."""
    return _pieces(breakable(_CONTROL.sub("", _LINE_BREAK.sub(" ", text))))


def typst_address(text: str) -> str:
    """Typst markup of a web or e-mail address, never hyphenated. Typst breaks an address after its `/ . - ? &`
    and the like; only a run of letters and digits longer than LONG_WORD gets more break opportunities (each
    would be a link annotation of its own in a link's text)."""
    text = _LONG_RUN.sub(lambda m: breakable(m.group()), _CONTROL.sub("", _LINE_BREAK.sub(" ", text)))
    return f"#text(hyphenate: false)[{_pieces(text)}];"


def _pieces(text: str) -> str:
    """Escaped text, an empty box where markup.breakable marked a break opportunity."""
    if BREAK not in text:
        return _escaped(text)
    return "".join(
        _OPPORTUNITY.join(_escaped(piece) for piece in word.split(BREAK) if piece)
        if BREAK in word
        else _escaped(word)
        for word in _WORDS.split(text)
    )


def _escaped(text: str) -> str:
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
            out.append(
                "".join(
                    typst_address(run) if address else typst_text(run) for run, address in addresses(n.text)
                )
            )
        elif n.kind == "code":
            pieces = breakable(n.text).split(BREAK)
            if len(pieces) == 1:
                out.append(f"#raw({typst_string(n.text)});")
            else:
                out.append(_OPPORTUNITY.join(f"#raw({typst_string(piece)});" for piece in pieces if piece))
        elif n.kind == "break":
            out.append("#linebreak();")
        elif n.kind == "em":
            out.append(f"#emph[{typst(n.children)}];")
        elif n.kind == "strong":
            out.append(f"#strong[{typst(n.children)}];")
        elif n.kind == "keep":
            out.append(f"#text(hyphenate: false)[{kept(n.children)}];")
        elif n.kind == "link":
            out.append(f"#link({typst_string(n.href)})[{typst(n.children)}];")
        else:
            raise ValueError(f"no Typst for inline node {n.kind!r}")
    return "".join(out)


def kept(nodes: Inline) -> str:
    """The inside of a `keep` node: each word that could break at a hyphen or a slash in a box."""
    out = []
    for n in nodes:
        if n.kind != "text":
            out.append(typst((n,)))
            continue
        out.append(
            " ".join(
                f"#box[{typst_text(word)}];"
                if _INNER_BREAKS.search(word) and len(word) <= LONG_WORD
                else typst_text(word)
                for word in _CONTROL.sub("", _LINE_BREAK.sub(" ", n.text)).split(" ")
            )
        )
    return "".join(out)


def _tokens(values: dict[str, Token]) -> Markup:
    """The theme's design tokens as a Typst dictionary (themes.tokens.typst_block), imported when a theme is
    rendered: the engine's worker reads this module's strings, and imports no theme (nor its schema)."""
    from briefgen.themes.tokens import typst_block

    return typst_block(values)


SYNTAX = Syntax(
    entry="brief.typ.j2",
    inline=typst,
    text=typst_text,
    tokens=_tokens,
    filters={
        "typst_string": lambda value: Markup(typst_string(str(value))),
        "logo_file": lambda path: Markup(typst_string(logo_name(Path(path)))),
    },
)
