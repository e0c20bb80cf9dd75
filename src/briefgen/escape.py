"""Write inline trees and plain strings for each engine's markup, so brief text is always data, never code."""

from __future__ import annotations

import json
import re

from markupsafe import Markup, escape

from briefgen.inline import Inline

# -- HTML ---------------------------------------------------------------------------------------------


def html(nodes: Inline) -> Markup:
    out = []
    for n in nodes:
        if n.kind == "text":
            out.append(escape(n.text))
        elif n.kind == "code":
            out.append(Markup("<code>%s</code>") % n.text)
        elif n.kind == "break":
            out.append(Markup("<br>"))
        elif n.kind == "em":
            out.append(Markup("<em>%s</em>") % html(n.children))
        elif n.kind == "strong":
            out.append(Markup("<strong>%s</strong>") % html(n.children))
        elif n.kind == "link":
            out.append(Markup('<a href="%s">%s</a>') % (n.href, html(n.children)))
    return Markup("").join(out)


def css_string(text: str) -> Markup:
    """A CSS string literal, quotes included."""
    body = "".join(c if c.isalnum() or c in " .,:;!?'’«»-–—/()%€$" or ord(c) > 127 else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{body}"')


# -- Typst --------------------------------------------------------------------------------------------

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


# -- LaTeX --------------------------------------------------------------------------------------------

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
    "[": "{[}",
    "]": "{]}",
    "\n": " ",
    "\r": " ",
    "\u00a0": "~",
    "\u202f": r"\,",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX))


def latex_text(text: str) -> str:
    """LaTeX that typesets `text` literally: every special character replaced by its text command."""
    return _LATEX_RE.sub(lambda m: _LATEX[m.group()], text)


def latex_url(url: str) -> str:
    return re.sub(r"([\\#%{}~^&_$])", r"\\\1", url)


def latex(nodes: Inline) -> str:
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
        elif n.kind == "link":
            out.append(rf"\href{{{latex_url(n.href)}}}{{{latex(n.children)}}}")
    return "".join(out)
