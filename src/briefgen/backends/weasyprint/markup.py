"""HTML for WeasyPrint: inline trees as elements, strings escaped by Jinja's autoescape."""

from __future__ import annotations

from markupsafe import Markup, escape

from briefgen.backends.markup import Syntax
from briefgen.document.inline import Inline


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
        elif n.kind == "keep":
            out.append(Markup('<span class="keep">%s</span>') % html(n.children))
        elif n.kind == "link":
            out.append(Markup('<a href="%s">%s</a>') % (n.href, html(n.children)))
        else:
            raise ValueError(f"no HTML for inline node {n.kind!r}")
    return Markup("").join(out)


def css_string(text: str) -> Markup:
    """A CSS string literal, quotes included."""
    body = "".join(
        c if c.isalnum() or c in " .,:;!?'’«»-–—/()%€$" or ord(c) > 127 else f"\\{ord(c):x} " for c in text
    )
    return Markup(f'"{body}"')


SYNTAX = Syntax(entry="brief.html.j2", inline=html, text=None, filters={"css_string": css_string})
