"""Take a briefing; give its page: the HTML of the theme's WeasyPrint templates, made self-contained for screens.

The page is the source WeasyPrint would typeset, with a viewport, the screen style sheet (screen.css: a centred
column at a size to read on a phone, elements the theme runs in the page margins hidden), a bar linking to the
index, the other languages and the PDF, and every resource embedded (embed.py).
"""

from __future__ import annotations

import re
from functools import cache

import jinja2

from briefgen.backends import get_backend
from briefgen.distribution.publish.briefing import Briefing
from briefgen.distribution.publish.embed import characters, file_resolver, self_contained
from briefgen.errors import InputError, Problem, display_path
from briefgen.render import render

ENGINE = "weasyprint"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
# A rule that moves its elements into the page's margins (`position: running(name)`): only paged media show them.
_RUNNING = re.compile(r"position\s*:\s*running\(", re.I)
_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")  # a rule without rules inside: its selector and declarations
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_BODY = re.compile(r"<body\b[^>]*>", re.I)


@cache
def templates() -> jinja2.Environment:
    """The site's own templates: HTML escaped, CSS as written; in Jinja's sandbox, as every template."""
    from pathlib import Path

    from briefgen.render import own_templates

    return own_templates(Path(__file__).with_name("templates"))


def page(briefing: Briefing, others: list[Briefing]) -> bytes:
    """The self-contained page of `briefing`; `others`: the same brief in its other languages."""
    backend = get_backend(ENGINE)
    theme = briefing.theme
    source = render(backend, theme, briefing.doc, briefing.catalog)
    site = templates()
    bar = site.get_template("bar.html.j2").render(briefing=briefing, others=others, w=briefing.words)
    screen = site.get_template("screen.css").render(hidden=_hidden(source))
    if "</head>" not in source or not _BODY.search(source):
        raise InputError(f"theme '{theme.name}': its {backend.syntax.entry} writes no <head> and <body>")
    source = source.replace("</head>", f"{VIEWPORT}\n<style>\n{screen}</style>\n</head>", 1)
    source = _BODY.sub(lambda m: f"{m.group(0)}\n{bar}", source, count=1)
    folders = theme.template_dirs(backend.folder)
    allowed = [*folders, *theme.asset_dirs(), *(f.path for f in briefing.doc.figures)]
    allowed += [face.file for face in theme.faces]
    resolve = file_resolver(allowed, folders[-1])
    try:
        return self_contained(source, resolve, characters(source)).encode("utf-8")
    except InputError as exc:
        where = display_path(folders[0])
        problems = [Problem(where, 0, 0, f"{briefing.html_name}: {p.message}") for p in exc.problems]
        raise InputError(problems) from None


def _hidden(source: str) -> str:
    """The screen rule hiding the elements the page's style sheets run in the page margins."""
    selectors = []
    for style in _STYLE.findall(source):
        for selector, body in _RULE.findall(_COMMENT.sub("", style)):
            selector = selector.split(";")[-1].strip()
            if _RUNNING.search(body) and selector and not selector.startswith("@"):
                selectors.append(selector)
    return f"  {', '.join(dict.fromkeys(selectors))} {{ display: none; }}\n" if selectors else ""


__all__ = ["page", "templates"]
