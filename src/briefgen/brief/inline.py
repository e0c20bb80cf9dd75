"""Parse the light inline markup of prose (emphasis, strong, links, code) into a small tree; resolve fact references.

The markup is a subset of CommonMark's inline syntax (docs/brief-format.md, "Inline markup"): `*em*`,
`**strong**`, `` `code` ``, `[text](url)`, a backslash before ASCII punctuation to print it as itself, and a
line break. `_` is not emphasis: `snake_case`, `__init__` and `_x_` print as written. Nothing else is markup,
and no text outside markup is changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.emphasis import tokenize as emphasis

# A fact reference written in text: `{{fact_id}}` or `{{fact_id: style}}`.
FACT_REF = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*(?::\s*([a-z]+)\s*)?\}\}")
# The only links a brief may hold, in prose or as its source's URL: never javascript:, file:, data:, …
LINK_SCHEMES = ("https://", "http://", "mailto:")
MARKUP = "[]()*`"  # the characters of inline markup (links, emphasis, code)
# Noncharacters (which validation refuses in every text) standing for fact references while parsing.
_OPEN, _CLOSE = "\ufdd0", "\ufdd1"
# A web or e-mail address written in text: typography leaves it as typed, and engines never hyphenate it (a
# hyphen at a line's end would read as part of the address). `{stop}` are characters that end it besides spaces.
ADDRESS = r"(?:https?://|mailto:|www\.)[^\s{stop}]+|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+"
_ADDRESS = re.compile(ADDRESS.format(stop=""))


def link_allowed(url: str) -> bool:
    """Whether `url` may become a link: https, http and mailto only."""
    return url.strip().lower().startswith(LINK_SCHEMES)


@dataclass(frozen=True)
class Node:
    """One inline element: `text`, `em`, `strong`, `link` (with `href`), `code`, `break`, or `keep`.

    `keep` holds a fact's value or a proper name (`name`: written as its owner writes it, never capitalised):
    engines never hyphenate it, and its short runs are held together by no-break spaces (see `unbroken`); or a
    quotation in prose (see `keep_quotations`), never hyphenated either, its spaces left as they are.
    """

    kind: str
    text: str = ""
    children: tuple[Node, ...] = ()
    href: str = ""
    name: bool = False


Inline = tuple[Node, ...]


@cache
def _parser(every_link: bool = False) -> MarkdownIt:
    """The inline parser. It refuses links other than https, http, mailto (validation has rejected them)."""
    md = MarkdownIt("zero").enable(["emphasis", "link", "backticks", "escape", "newline"])
    md.inline.ruler.at("emphasis", _star_emphasis)
    md.validateLink = (lambda url: True) if every_link else link_allowed  # type: ignore[method-assign]
    return md


def _star_emphasis(state: StateInline, silent: bool) -> bool:
    """CommonMark's emphasis with `*` only: an underscore is an ordinary character."""
    return state.src[state.pos] == "*" and emphasis(state, silent)


def links(text: str) -> list[str]:
    """The target of every link `[text](url)` in `text`, allowed or not: for validation to judge."""
    tokens = _parser(every_link=True).parseInline(text)[0].children or []
    return [str(tok.attrs.get("href", "")) for tok in tokens if tok.type == "link_open"]


def parse(text: str, resolve: Callable[[str, str], str | Node] | None = None) -> Inline:
    """The inline tree of `text`; `{{fact}}` references become a `keep` node of the text `resolve(fact_id, style)`
    gives (or the node it gives), except in code, which prints as written."""
    refs: list[tuple[str, str, str]] = []

    def hide(match: re.Match[str]) -> str:
        refs.append((match.group(1), match.group(2) or "", match.group()))
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
    hidden_ref = re.compile(f"{_OPEN}(\\d+){_CLOSE}")

    def written(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return refs[index][2] if index < len(refs) else match.group()

    def value(index: str) -> Node:
        if int(index) >= len(refs):  # never from a validated text, which holds no noncharacter
            return Node("text", f"{_OPEN}{index}{_CLOSE}")
        fact_id, style, _ = refs[int(index)]
        text = resolve(fact_id, style) if resolve else fact_id
        return text if isinstance(text, Node) else keep(text)

    def code_as_written(items: Inline) -> Inline:
        return tuple(
            Node("code", hidden_ref.sub(written, n.text))
            if n.kind == "code"
            else replace(n, children=code_as_written(n.children))
            for n in items
        )

    return split_text(code_as_written(nodes), hidden_ref, lambda m: value(m.group(1)))


def _merge(nodes: Iterable[Node]) -> Inline:
    out: list[Node] = []
    for node in nodes:
        if node.kind == "text" and out and out[-1].kind == "text":
            out[-1] = Node("text", out[-1].text + node.text)
        else:
            out.append(node)
    return tuple(out)


# A run of a `keep` node at most this long is never broken between its words (see unbroken): a fact's value
# ("14 June 2023", "100 millions d’euros") fits in the narrow column of the key-facts panel; a longer one (a
# list, an amount with a long currency name) breaks between chunks of this length, never inside a word.
UNBROKEN = 20
# A name at most this long is never broken (Sethuraman Panchanathan): a third of a line of body text, which a
# table cell holds too; a longer one breaks between its words, never inside one, so that it cannot overflow.
UNBROKEN_NAME = 30
# Where a `keep` node's text may break even when short: before a bracket, around a spaced dash, after a comma.
_SEGMENTS = re.compile(r" (?=\()| (?=[–—] )|(?<= [–—]) |(?<=,) ")


def unbroken(text: str, limit: int = UNBROKEN) -> str:
    """`text` with the spaces of each of its runs (see _SEGMENTS) made no-break, in chunks of up to UNBROKEN
    characters (`limit`): "14 June 2023", "100 millions d’euros" are never broken across lines."""
    out, last = [], 0
    for match in [*_SEGMENTS.finditer(text), None]:
        end = match.start() if match else len(text)
        run = text[last:end]
        out.append(_chunked(run, limit))
        if match:
            out.append(match.group())
            last = match.end()
    return "".join(out)


def _chunked(run: str, limit: int) -> str:
    """The words of `run` joined by no-break spaces into chunks of at most `limit` characters, from the left
    (a single longer word is a chunk of its own): a break may fall only between chunks. A sign (€, %) joins the
    chunk before it whatever its length: "391 133 000 000 000 €" never breaks before its currency."""
    chunks: list[str] = []
    for word in run.split(" "):
        sign = bool(word) and not any(ch.isalnum() for ch in word)
        if chunks and (sign or len(chunks[-1]) + 1 + len(word) <= limit):
            chunks[-1] += "\u00a0" + word
        else:
            chunks.append(word)
    return " ".join(chunks)


def keep(text: str, name: bool = False) -> Node:
    """A `keep` node holding `text`: engines never hyphenate it, nor break its runs up to UNBROKEN characters
    long (see unbroken), UNBROKEN_NAME for a `name`, which is written as its owner writes it."""
    limit = UNBROKEN_NAME if name else UNBROKEN
    return Node("keep", children=(Node("text", unbroken(text, limit)),), name=name)


def loosen(nodes: Inline) -> Inline:
    """The tree with the no-break spaces of its `keep` nodes made spaces: their words may go to separate lines
    (in a cell of a table set in a narrow column, where a name held on one line would run over the next cell),
    still never hyphenated."""
    return tuple(
        replace(node, children=map_text(node.children, lambda text: text.replace("\u00a0", " ")))
        if node.kind == "keep"
        else node
        if node.kind in ("text", "code")
        else replace(node, children=loosen(node.children))
        for node in nodes
    )


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
            out.append(replace(node, children=split_text(node.children, pattern, make)))
    return tuple(out)


def keep_together(nodes: Inline, names: list[str]) -> Inline:
    """The tree with every occurrence of `names` (proper names) in a `keep` node: never hyphenated."""
    if not names:
        return nodes
    alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    return split_text(nodes, pattern, lambda m: keep(m.group(), name=True))


def keep_quotations(nodes: Inline, marks: tuple[str, str]) -> Inline:
    """The tree with each passage between the quotation marks `marks` (open, close), marks included, in a
    `keep` node: a quotation in prose is verbatim, never hyphenated. Its spaces stay spaces (it breaks between
    its words; a name in it keeps its own `keep` node). A quotation is marked where it lies at one level of the
    tree (not across emphasis or a link) and holds no address."""
    opening, closing = (mark.strip() for mark in marks)
    if not opening or not closing:
        return nodes
    out: list[Node] = []
    held: list[Node] | None = None  # the nodes of the quotation being read, from its opening mark
    for node in nodes:
        if node.kind == "keep" and held is not None:
            held.append(node)
            continue
        if node.kind != "text":
            out += held or []  # an opening mark with no closing one at this level: left as it was
            held = None
            nested = node.kind in ("code", "break", "keep")
            out.append(node if nested else replace(node, children=keep_quotations(node.children, marks)))
            continue
        text = node.text
        while text:
            if held is None:
                at = text.find(opening)
                if at < 0:
                    out.append(Node("text", text))
                    break
                out.append(Node("text", text[:at]))
                held, text = [Node("text", opening)], text[at + len(opening) :]
                continue
            at = text.find(closing)
            if at < 0:
                held.append(Node("text", text))
                break
            held.append(Node("text", text[: at + len(closing)]))
            text = text[at + len(closing) :]
            quoted = _merge(held)
            if any(address for n in quoted if n.kind == "text" for _, address in addresses(n.text)):
                out += quoted
            else:
                out.append(Node("keep", children=quoted))
            held = None
    out += held or []
    return _merge(n for n in out if n.kind != "text" or n.text)


def addresses(text: str) -> list[tuple[str, bool]]:
    """`text` cut into runs, each with whether it is a web or e-mail address (see ADDRESS)."""
    runs: list[tuple[str, bool]] = []
    last = 0
    for match in _ADDRESS.finditer(text):
        if match.start() > last:
            runs.append((text[last : match.start()], False))
        runs.append((match.group(), True))
        last = match.end()
    if last < len(text) or not runs:
        runs.append((text[last:], False))
    return runs


def map_text(nodes: Inline, fn: Callable[[str], str]) -> Inline:
    """The same tree with `fn` applied to every text node (never to URLs or code)."""
    return tuple(
        Node("text", fn(n.text)) if n.kind == "text" else replace(n, children=map_text(n.children, fn))
        for n in nodes
    )


def plain(nodes: Inline) -> str:
    """The words of the tree without markup (for PDF metadata and outlines)."""
    return "".join(
        n.text if n.kind in ("text", "code") else " " if n.kind == "break" else plain(n.children)
        for n in nodes
    )
