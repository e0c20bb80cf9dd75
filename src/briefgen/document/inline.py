"""Parse the light inline markup of prose (emphasis, strong, links, code) into a small tree; resolve fact references."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt

from briefgen.brief.model import FACT_REF, link_allowed

# Noncharacters (which validation refuses in every text) standing for fact references while parsing.
_OPEN, _CLOSE = "\ufdd0", "\ufdd1"


@dataclass(frozen=True)
class Node:
    """One inline element: `text`, `em`, `strong`, `link` (with `href`), `code`, `break`, or `keep`.

    `keep` holds a fact's value or a proper name: engines never hyphenate it.
    """

    kind: str
    text: str = ""
    children: tuple[Node, ...] = ()
    href: str = ""


Inline = tuple[Node, ...]


@cache
def _parser(every_link: bool = False) -> MarkdownIt:
    """The inline parser. It refuses links other than https, http, mailto (validation has rejected them)."""
    md = MarkdownIt("zero").enable(["emphasis", "link", "backticks", "escape", "newline"])
    md.validateLink = (lambda url: True) if every_link else link_allowed  # type: ignore[method-assign]
    return md


def links(text: str) -> list[str]:
    """The target of every link `[text](url)` in `text`, allowed or not: for validation to judge."""
    tokens = _parser(every_link=True).parseInline(text)[0].children or []
    return [str(tok.attrs.get("href", "")) for tok in tokens if tok.type == "link_open"]


def parse(text: str, resolve: Callable[[str, str], str] | None = None) -> Inline:
    """The inline tree of `text`; `{{fact}}` references become text from `resolve(fact_id, style)`."""
    refs: list[tuple[str, str]] = []

    def hide(match: object) -> str:
        refs.append((match.group(1), match.group(2) or ""))  # type: ignore[attr-defined]
        return f"{_OPEN}{len(refs) - 1}{_CLOSE}"

    hidden = FACT_REF.sub(hide, text.strip())
    tokens = _parser().parseInline(hidden)[0].children or []
    stack: list[tuple[str, str, list[Node]]] = [("root", "", [])]
    for tok in tokens:
        if tok.type == "text":
            stack[-1][2].append(Node("text", tok.content))
        elif tok.type == "code_inline":
            stack[-1][2].append(Node("code", tok.content))
        elif tok.type in ("softbreak", "hardbreak"):
            stack[-1][2].append(Node("text", " ") if tok.type == "softbreak" else Node("break"))
        elif tok.type.endswith("_open"):
            href = str(tok.attrs.get("href", "")) if tok.type == "link_open" else ""
            stack.append((tok.type[: -len("_open")], href, []))
        elif tok.type.endswith("_close"):
            kind, href, children = stack.pop()
            stack[-1][2].append(Node(kind, children=tuple(children), href=href))
    nodes = _merge(stack[0][2])
    if not refs:
        return nodes

    def value(index: str) -> Node:
        if int(index) >= len(refs):  # never from a validated text, which holds no noncharacter
            return Node("text", f"{_OPEN}{index}{_CLOSE}")
        fact_id, style = refs[int(index)]
        text = resolve(fact_id, style) if resolve else fact_id
        return keep(text)

    return split_text(nodes, re.compile(f"{_OPEN}(\\d+){_CLOSE}"), lambda m: value(m.group(1)))


def _merge(nodes: Iterable[Node]) -> Inline:
    out: list[Node] = []
    for node in nodes:
        if node.kind == "text" and out and out[-1].kind == "text":
            out[-1] = Node("text", out[-1].text + node.text)
        else:
            out.append(node)
    return tuple(out)


def keep(text: str) -> Node:
    """A `keep` node holding `text`: engines never hyphenate it."""
    return Node("keep", children=(Node("text", text),))


def split_text(nodes: Inline, pattern: re.Pattern[str], make: Callable[[re.Match[str]], Node]) -> Inline:
    """The tree with each match of `pattern` in its text nodes replaced by the node `make` returns."""
    out: list[Node] = []
    for node in nodes:
        if node.kind == "text":
            last = 0
            for match in pattern.finditer(node.text):
                if match.start() > last:
                    out.append(Node("text", node.text[last : match.start()]))
                out.append(make(match))
                last = match.end()
            if last < len(node.text):
                out.append(Node("text", node.text[last:]))
        elif node.kind in ("code", "keep"):
            out.append(node)
        else:
            out.append(Node(node.kind, node.text, split_text(node.children, pattern, make), node.href))
    return tuple(out)


def keep_together(nodes: Inline, names: list[str]) -> Inline:
    """The tree with every occurrence of `names` (proper names) in a `keep` node: never hyphenated."""
    if not names:
        return nodes
    alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    return split_text(nodes, pattern, lambda m: keep(m.group()))


def map_text(nodes: Inline, fn: Callable[[str], str]) -> Inline:
    """The same tree with `fn` applied to every text node (never to URLs or code)."""
    return tuple(
        Node("text", fn(n.text))
        if n.kind == "text"
        else Node(n.kind, n.text, map_text(n.children, fn), n.href)
        for n in nodes
    )


def plain(nodes: Inline) -> str:
    """The words of the tree without markup (for PDF metadata and outlines)."""
    return "".join(
        n.text if n.kind in ("text", "code") else " " if n.kind == "break" else plain(n.children)
        for n in nodes
    )
