"""Take a briefing's document, its catalog and its theme; give the bodies of its e-mail: HTML made for mail
clients and the same words as text/plain.

The HTML is the mail template (templates/mail.html.j2) with its style sheet (mail.css, the theme's colours
filled in) moved into each element's `style` attribute by css-inline, as mail clients drop <style> blocks.
It loads nothing: no image, no font, no script; its only URLs are the links the brief writes. The words are
the catalog's `mail:` and `strings:`; a language whose catalog has no `mail:` gets English's, marked `lang`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from briefgen.brief.inline import Inline, plain
from briefgen.distribution.publish.words import Words, words_for
from briefgen.document.view import Document
from briefgen.language.catalog import Catalog, load_catalog
from briefgen.themes.layers import Theme

FALLBACK = "en"


@dataclass(frozen=True)
class Bodies:
    html: str
    text: str


@cache
def templates() -> jinja2.Environment:
    """The mail templates, in Jinja's sandbox as every template: HTML escaped, text as written."""
    from pathlib import Path

    from briefgen.render import own_templates

    env = own_templates(Path(__file__).with_name("templates"))
    env.filters["html"] = html
    env.filters["text"] = text
    return env


def html(nodes: Inline) -> Markup:
    """An inline tree as HTML elements, its text escaped."""
    out = []
    for n in nodes:
        if n.kind in ("text", "code"):
            out.append(Markup("<code>%s</code>") % n.text if n.kind == "code" else escape(n.text))
        elif n.kind == "break":
            out.append(Markup("<br>"))
        elif n.kind in ("em", "strong"):
            out.append(Markup("<%s>%s</%s>") % (Markup(n.kind), html(n.children), Markup(n.kind)))
        elif n.kind == "keep":
            out.append(html(n.children))
        elif n.kind == "link":
            out.append(Markup('<a href="%s">%s</a>') % (n.href, html(n.children)))
        else:
            raise ValueError(f"no HTML for inline node {n.kind!r}")
    return Markup("").join(out)


def text(nodes: Inline) -> str:
    """An inline tree as text: its words, each link's address after its words when they differ."""
    out = []
    for n in nodes:
        if n.kind == "link" and plain(n.children).strip() != n.href:
            out.append(f"{text(n.children)} <{n.href}>")
        elif n.children:
            out.append(text(n.children))
        else:
            out.append(plain((n,)))
    return "".join(out)


def bodies(
    doc: Document, catalog: Catalog, theme: Theme, file: str, pages: int, size: int, date: str
) -> Bodies:
    """The HTML and text bodies of the e-mail of `doc`, whose PDF `file` has `pages` pages of `size` bytes;
    `date`: the brief's date in its language."""
    import css_inline

    site = words_for(catalog)
    pattern = str((catalog.mail or load_catalog(FALLBACK).mail)["attached"])
    before, _, after = pattern.partition("{file}")
    filled = {"pages": site.pages(pages), "size": site.size(size)}
    words = _Words(catalog, site)
    values: dict[str, Any] = {
        "d": doc,
        "w": words,
        "date": date,
        "file": file,
        "attached_before": before.format(**filled),
        "attached_after": after.format(**filled),
    }
    env = templates()
    css = env.get_template("mail.css").render(c=colours(theme))
    page = env.get_template("mail.html.j2").render(css=Markup(css), **values)
    inlined = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False).inline(page)
    return Bodies(inlined, env.get_template("mail.txt.j2").render(**values))


class _Words:
    """The labels the bodies show, from the catalog's strings."""

    def __init__(self, catalog: Catalog, site: Words) -> None:
        self.briefing = catalog("briefing")
        self.summary = catalog("summary")
        self.key_facts = catalog("key_facts")
        self.contents = catalog("contents")
        self.version = catalog("version")
        self.site = site


def colours(theme: Theme) -> dict[str, str]:
    """The theme's colours, each the default theme's where the theme names none of that name."""
    from briefgen.themes.builtin import DEFAULT_THEME
    from briefgen.themes.layers import load_theme

    own = dict(theme.manifest.colours)
    if theme.name != DEFAULT_THEME:
        return {**_default_colours(DEFAULT_THEME, load_theme), **own}
    return own


@cache
def _default_colours(name: str, load: Any) -> dict[str, str]:
    return dict(load(name).manifest.colours)


__all__ = ["Bodies", "bodies", "html", "text"]
