"""LaTeX: every TeX special character replaced by its text command; inline trees become \\emph, \\textbf, \\href."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

from briefgen.backends.markup import Syntax
from briefgen.document.inline import Inline, map_text, plain
from briefgen.themes.fonts import Face

_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "%": r"\%",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "[": "{[}",  # never the optional argument of a command before it (\item, \\)
    "]": "{]}",
    "\n": " ",
    "\r": " ",
    "\t": " ",
    "\u2028": " ",
    "\u2029": " ",
    "\u00ad": r"\-",  # a soft hyphen is a hyphenation point, not a glyph
}
# Control characters are invalid in TeX input (catcode 15) or active (^^L): they are dropped.
_CONTROL = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_LATEX.update(dict.fromkeys(_CONTROL, ""))
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX))

# In \href's URL, hyperref turns these escapes back into the characters; `$` needs \string.
_URL_TEX = {"%": r"\%", "#": r"\#", "&": r"\&", "_": r"\_", "~": r"\~", "$": r"\string$"}
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"

# Babel's names for language tags; other tags use the language's English name (german, spanish, …).
_BABEL = {
    "en": "english",
    "en-GB": "british",
    "en-US": "american",
    "en-CA": "canadian",
    "en-AU": "australian",
}


def latex_text(text: str) -> str:
    """LaTeX that typesets `text` literally: every special character replaced by its text command.

    Non-breaking spaces (U+00A0, U+202F) stay characters: the font has them, so their width is the font's.
    """
    return _LATEX_RE.sub(lambda m: _LATEX[m.group()], text)


def latex_url(url: str) -> str:
    """A URL for \\href's first argument: unsafe characters percent-encoded, the rest escaped for TeX."""
    encoded = quote(url, safe=_URL_SAFE)
    return "".join(_URL_TEX.get(c, c) for c in encoded)


def latex(nodes: Inline) -> str:
    """LaTeX for an inline tree."""
    out = []
    for n in nodes:
        if n.kind == "text":
            out.append(latex_text(n.text))
        elif n.kind == "code":
            out.append(rf"\texttt{{{latex_text(n.text)}}}")
        elif n.kind == "break":
            out.append(r"\newline{}")
        elif n.kind == "em":
            out.append(rf"\emph{{{latex(n.children)}}}")
        elif n.kind == "strong":
            out.append(rf"\textbf{{{latex(n.children)}}}")
        elif n.kind == "keep":  # each word in an \mbox: never hyphenated, still free to break between words
            out.append(" ".join(rf"\mbox{{{word}}}" for word in latex(n.children).split(" ") if word))
        elif n.kind == "link":
            out.append(rf"\href{{{latex_url(n.href)}}}{{{latex(n.children)}}}")
        else:
            raise ValueError(f"no LaTeX for inline node {n.kind!r}")
    return "".join(out)


def caps(value: Inline | str) -> Inline | str:
    """The text in capitals (CSS text-transform: uppercase), for a string or an inline tree."""
    return value.upper() if isinstance(value, str) else map_text(value, str.upper)


def plain_text(value: Inline | str) -> str:
    """The words of an inline tree without markup, e.g. for PDF bookmarks (escaped when printed)."""
    return value if isinstance(value, str) else plain(value)


def babel_language(tag: str) -> str:
    """Babel's name for a BCP 47 language tag: fr → french, en-GB → british, de → german."""
    if tag in _BABEL:
        return _BABEL[tag]
    primary = tag.split("-")[0]
    if primary in _BABEL:
        return _BABEL[primary]
    try:
        return (Locale.parse(primary).english_name or primary).lower()
    except (UnknownLocaleError, ValueError):
        return primary


def babel_languages(tags: Iterable[str]) -> list[str]:
    """Babel's names for several tags, each once, in order."""
    return list(dict.fromkeys(babel_language(t) for t in tags))


def tex_path(path: str | Path) -> str:
    """A file path written so TeX reads it as characters, whatever it holds (spaces, %, #, ~, …)."""
    return "".join(c if c.isalnum() or c in "/.-+,:=@" else rf"\csstring\{c}" for c in str(path))


def pdf_id(name: str) -> Markup:
    """A PDF file identifier made from `name`, so the same brief gives the same bytes wherever it is built."""
    digest = hashlib.md5(name.encode("utf-8"), usedforsecurity=False).hexdigest()
    return Markup(f"<{digest}> <{digest}>")


def font_file(fonts: Iterable[Face], weight: int, italic: bool = False) -> Markup:
    """The file name of the face of `fonts` with this weight and style, for fontspec (next to Path=)."""
    for face in fonts:
        if face.weight == weight and face.italic == italic:
            return Markup(tex_path(face.file.name))
    raise ValueError(f"no font face of weight {weight}{' italic' if italic else ''}")


SYNTAX = Syntax(
    entry="brief.tex.j2",
    inline=latex,
    text=latex_text,
    delimiters={
        "block_start_string": "<%",
        "block_end_string": "%>",
        "variable_start_string": "<<",
        "variable_end_string": ">>",
        "comment_start_string": "<#",
        "comment_end_string": "#>",
        "line_statement_prefix": "%%",
        "line_comment_prefix": "%#",
    },
    filters={
        "caps": caps,
        "plain": plain_text,
        "babel": babel_language,
        "babel_all": babel_languages,
        "tex_path": lambda path: Markup(tex_path(path)),
        "font_file": font_file,
        "pdf_id": pdf_id,
    },
)
