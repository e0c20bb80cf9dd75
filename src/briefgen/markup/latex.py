"""LaTeX: every TeX special character replaced by its text command; inline trees become \\emph, \\textbf, \\href."""

from __future__ import annotations

import re

from briefgen.inline import Inline
from briefgen.markup import Syntax

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
)
