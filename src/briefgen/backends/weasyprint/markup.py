"""HTML for WeasyPrint: inline trees as elements, strings escaped by Jinja's autoescape.

An address in text is a `span.address` and a word longer than LONG_WORD a `span.long-word`: never hyphenated
(a hyphen at a line's end would read as part of an address or a digest), a long word breaks between any two
characters, as in the other engines. A `keep` node is a `span.keep` (never hyphenated) in which each word that
could break at its own hyphen or slash is a `span.word` (never broken). style.css says how.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from briefgen.backends.markup import LONG_WORD, Syntax
from briefgen.brief.inline import Inline, addresses
from briefgen.themes.tokens import css_block

# Characters after which a line may break inside a word: a word of a `keep` node holding one is kept whole.
_INNER_BREAKS = re.compile(r"[-\u2010\u2013\u2014/]")
_LONG_WORD = re.compile(rf"[^\s\u200b]{{{LONG_WORD + 1},}}")


def html(nodes: Inline) -> Markup:
    out = []
    for n in nodes:
        if n.kind == "text":
            out.append(prose(n.text))
        elif n.kind == "code":
            out.append(Markup("<code>%s</code>") % n.text)
        elif n.kind == "break":
            out.append(Markup("<br>"))
        elif n.kind == "em":
            out.append(Markup("<em>%s</em>") % html(n.children))
        elif n.kind == "strong":
            out.append(Markup("<strong>%s</strong>") % html(n.children))
        elif n.kind == "keep":
            out.append(Markup('<span class="keep">%s</span>') % kept(n.children))
        elif n.kind == "link":
            out.append(Markup('<a href="%s">%s</a>') % (n.href, html(n.children)))
        else:
            raise ValueError(f"no HTML for inline node {n.kind!r}")
    return Markup("").join(out)


def prose(text: str) -> Markup:
    """Text, its web and e-mail addresses in `span.address`, its other words longer than LONG_WORD in
    `span.long-word`."""
    return Markup("").join(
        Markup('<span class="%s">%s</span>')
        % ("address long-word" if len(run) > LONG_WORD else "address", run)
        if address
        else _long_words(run)
        for run, address in addresses(text)
    )


def _long_words(text: str) -> Markup:
    out, last = [], 0
    for match in _LONG_WORD.finditer(text):
        out += [
            escape(text[last : match.start()]),
            Markup('<span class="long-word">%s</span>') % match.group(),
        ]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def kept(nodes: Inline) -> Markup:
    """The inside of a `keep` node: each word that could break at a hyphen or a slash in a `span.word`."""
    out = []
    for n in nodes:
        if n.kind != "text":
            out.append(html((n,)))
            continue
        out.append(
            Markup(" ").join(
                Markup('<span class="word">%s</span>') % word
                if _INNER_BREAKS.search(word) and len(word) <= LONG_WORD
                else escape(word)
                for word in n.text.split(" ")
            )
        )
    return Markup("").join(out)


def css_string(text: str) -> Markup:
    """A CSS string literal, quotes included."""
    body = "".join(
        c if c.isalnum() or c in " .,:;!?'’«»-–—/()%€$" or ord(c) > 127 else f"\\{ord(c):x} " for c in text
    )
    return Markup(f'"{body}"')


SYNTAX = Syntax(
    entry="brief.html.j2", inline=html, text=None, tokens=css_block, filters={"css_string": css_string}
)
