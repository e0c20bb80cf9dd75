"""Turn a Document (the view every engine renders) into a Pandoc AST, as JSON, in the order of the page.

The brief's text only ever becomes `Str` and `Code` nodes, which Pandoc's writers escape: no `RawBlock`,
`RawInline` or `Math` is made, so nothing in a brief (`<w:p>`, `{=openxml}`, `$x$`) is read as markup. Notes
become Pandoc notes (Word footnotes), each passage in another language a `Span` with its `lang`, and the
theme's paragraph styles are named by `custom-style` (word/reference.py makes them).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from briefgen.brief.inline import Inline, Node, map_text
from briefgen.document.blocks import BlockView, FigureView, TableView, TimelineView
from briefgen.document.context import ExcerptView, NoteView
from briefgen.document.view import Document, EntryView, Field, SectionView
from briefgen.language.catalog import Catalog

API_VERSION = [1, 23, 1]  # the Pandoc AST (pandoc-types) this module writes
MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
ALIGN = {"left": "AlignLeft", "right": "AlignRight", "center": "AlignCenter"}

Json = dict[str, Any]

# The paragraph styles this module names besides Pandoc's own (word/reference.py gives each the theme's look).
KICKER, TITLE, BANNER, SUMMARY_LABEL, SUMMARY, QUOTE_SOURCE, CAVEAT = (
    "Kicker",
    "Title",
    "Banner",
    "Summary Label",
    "Summary",
    "Quote Source",
    "Caveat",
)


def _node(kind: str, content: object = None) -> Json:
    return {"t": kind} if content is None else {"t": kind, "c": content}


def _attr(ident: str = "", **attributes: str) -> list[Any]:
    return [ident, [], [[key.replace("_", "-"), value] for key, value in attributes.items()]]


def text(value: str) -> list[Json]:
    """Words as Pandoc inlines: one `Str`, which every writer escapes."""
    return [_node("Str", value)] if value else []


def inlines(nodes: Inline) -> list[Json]:
    """An inline tree of the view as Pandoc inlines."""
    out: list[Json] = []
    for node in nodes:
        out += _inline(node)
    return out


def _inline(node: Node) -> list[Json]:
    match node.kind:
        case "text":
            return text(node.text)
        case "em":
            return [_node("Emph", inlines(node.children))]
        case "strong":
            return [_node("Strong", inlines(node.children))]
        case "code":
            return [_node("Code", [_attr(), node.text])]
        case "break":
            return [_node("LineBreak")]
        case "link":
            return [_node("Link", [_attr(), inlines(node.children), [node.href, ""]])]
        case "keep" if node.name:
            # A name's words may part in Word: its table columns have the widths the writer gives them, and a
            # no-break run wider than its column is cut inside a word (Foundatio|n). Values stay held together.
            return inlines(map_text(node.children, lambda words: words.replace("\u00a0", " ")))
        case "keep":
            return inlines(node.children)
        case _:
            raise ValueError(f"an inline node of unknown kind {node.kind!r}")


def span(lang: str, content: list[Json]) -> Json:
    """A passage in the language `lang` (Word's w:lang on its runs)."""
    return _node("Span", [_attr(lang=lang), content])


def para(content: list[Json]) -> Json:
    return _node("Para", content)


def styled(style: str, *blocks: Json) -> Json:
    """Blocks in the paragraph style `style`."""
    return _node("Div", [_attr(custom_style=style), list(blocks)])


def heading(level: int, content: list[Json], ident: str = "") -> Json:
    return _node("Header", [level, _attr(ident), content])


def _joined(parts: Iterable[list[Json]], between: list[Json]) -> list[Json]:
    out: list[Json] = []
    for i, part in enumerate(parts):
        out += (between if i else []) + part
    return out


class Writer:
    """The AST of one Document: its notes made as the page reaches them, in the language's quotes."""

    def __init__(self, doc: Document, catalog: Catalog, banner: bool) -> None:
        self.doc, self.t, self.banner = doc, catalog, banner

    # -- notes and quoted passages ------------------------------------------------------------------------

    def quoted(self, excerpt_text: Inline, lang: str, source: str = "") -> list[Json]:
        """A passage of a source in its language, between the document language's quotes, named by its source
        when the brief has several."""
        named = [*text(self.t("note_source", source=source)), _node("Space")] if source else []
        opening, closing = self.t.quotes[0], self.t.quotes[1]
        return named + text(opening) + [span(lang, inlines(excerpt_text))] + text(closing)

    def excerpt(self, excerpt: ExcerptView) -> list[Json]:
        return self.quoted(excerpt.text, excerpt.lang, excerpt.source)

    def mark(self, note: NoteView | None) -> list[Json]:
        """The note quoting a claim's sources, where the claim ends: a Word footnote."""
        if note is None:
            return []
        body = _joined((self.excerpt(e) for e in note.excerpts), [_node("Space")])
        return [_node("Note", [para(body)])]

    # -- the parts of the page ------------------------------------------------------------------------------

    def document(self) -> Json:
        doc = self.doc
        blocks = [*self.front(), *self.lead()]
        for section in doc.sections:
            blocks += self.section(section, 1)
        blocks += [*self.caveats(), *self.sources(), *self.annex()]
        return {"pandoc-api-version": API_VERSION, "meta": self.meta(), "blocks": blocks}

    def meta(self) -> Json:
        """Pandoc's metadata: the document's language (the default language of its styles). The core properties
        (title, author, subject, keywords, dates) are written by word/package.py, from the brief."""
        return {"lang": _node("MetaString", self.doc.tag)}

    def front(self) -> list[Json]:
        """The classification banner (when the theme prints it), the kicker, the headline, the brief's facts."""
        doc = self.doc
        out = [styled(BANNER, para(text(doc.classification)))] if self.banner else []
        out += [styled(KICKER, para(text(self.t("briefing")))), styled(TITLE, para(inlines(doc.headline)))]
        return [*out, self.fields(doc.meta)]

    def lead(self) -> list[Json]:
        """The bottom line, then the key facts as a table: each fact's label, and its value with its note."""
        doc = self.doc
        out = [
            styled(SUMMARY_LABEL, para(text(self.t("summary")))),
            styled(SUMMARY, para(inlines(doc.summary))),
        ]
        if doc.key_facts:
            rows = []
            for fact in doc.key_facts:
                value = [para([_node("Strong", inlines(fact.value)), *self.mark(fact.ref)])]
                if fact.note:
                    value.append(para([_node("Emph", inlines(fact.note))]))
                rows.append([[para(inlines(fact.label))], value])
            out += [
                heading(1, text(self.t("key_facts")), "key-facts"),
                table(None, ["left", "left"], None, rows),
            ]
        return out

    def section(self, section: SectionView, level: int) -> list[Json]:
        out = [heading(level, inlines(section.title), section.anchor)]
        for block in section.blocks:
            out += self.block(block)
        for sub in section.subsections:
            out += self.section(sub, level + 1)
        return out

    def block(self, block: BlockView) -> list[Json]:
        """A block of a section, by its kind, with the note quoting its basis where it ends."""
        content, mark = block.content, self.mark(block.ref)
        if isinstance(content, TableView):
            caption = [_node("Strong", text(content.label)), _node("Space")] if content.caption else []
            caption = caption or [_node("Strong", text(content.label))]
            caption += [*inlines(content.caption or ()), *mark]
            rows = [[[_node("Plain", inlines(cell))] for cell in row] for row in content.rows]
            head = [[_node("Plain", inlines(c.title))] for c in content.columns]
            return [table(caption, [c.align for c in content.columns], head, rows)]
        if isinstance(content, FigureView):
            return [self.figure(content, mark)]
        if isinstance(content, ExcerptView):
            quote = [para([span(content.lang, inlines(content.text)), *mark])]
            if content.source:
                quote.append(styled(QUOTE_SOURCE, para(text(content.source))))
            return [_node("BlockQuote", quote)]
        if isinstance(content, TimelineView):
            events = content.events
            return [
                _node(
                    "DefinitionList",
                    [
                        [inlines(e.date), [[para(inlines(e.text) + (mark if i == len(events) - 1 else []))]]]
                        for i, e in enumerate(events)
                    ],
                )
            ]
        if isinstance(content, tuple) and block.kind == "items":
            items = [inlines(item) for item in content if isinstance(item, tuple)]
            return [
                _node(
                    "BulletList",
                    [[para(item + (mark if i == len(items) - 1 else []))] for i, item in enumerate(items)],
                )
            ]
        if isinstance(content, tuple):  # a paragraph
            return [para([*inlines(tuple(n for n in content if isinstance(n, Node))), *mark])]
        raise ValueError(f"a block of unknown kind {block.kind!r}")

    def figure(self, figure: FigureView, mark: list[Json]) -> Json:
        """An image with its alt text (Word's description), at its width, its label and caption below. The
        image travels inside the AST as a data URL: Pandoc reads no file for it."""
        data = base64.b64encode(figure.path.read_bytes()).decode("ascii")
        image = _node(
            "Image",
            [
                _attr(width=f"{figure.width * 100:.4g}%"),
                text(figure.alt),
                [f"data:{MIME[figure.format]};base64,{data}", ""],
            ],
        )
        caption = [_node("Strong", text(figure.label))]
        caption += [_node("Space"), *inlines(figure.caption)] if figure.caption else []
        return _node("Figure", [_attr(), [None, [_node("Plain", caption + mark)]], [_node("Plain", [image])]])

    def caveats(self) -> list[Json]:
        """The caveats on the sources: each flag's label, the passage it quotes, its note."""
        if not self.doc.flags:
            return []
        out = [heading(1, text(self.t("source_caveats")), "source-caveats")]
        for flag in self.doc.flags:
            parts = [para([_node("Strong", inlines(flag.label))])]
            if flag.quote:
                parts.append(para(self.quoted(flag.quote, flag.quote_lang, flag.source)))
            parts.append(para(inlines(flag.note)))
            out.append(styled(CAVEAT, *parts))
        return out

    def sources(self) -> list[Json]:
        """Every source with its fields, then what the sources do not say."""
        doc = self.doc
        out = [heading(1, text(self.t("sources")), "sources")]
        for source in doc.sources:
            if len(doc.sources) > 1:
                out.append(heading(2, text(source.name)))
            out.append(self.fields(source.fields))
        if doc.not_stated:
            out.append(heading(2, text(self.t("not_stated"))))
            out.append(_node("BulletList", [[para(inlines(item))] for item in doc.not_stated]))
        return out

    def fields(self, fields: tuple[Field, ...]) -> Json:
        """Labels and values as a table of two columns; a value in another language is marked as such."""
        rows = [
            [
                [_node("Plain", [_node("Strong", text(f.label))])],
                [_node("Plain", [span(f.lang, inlines(f.value))] if f.lang else inlines(f.value))],
            ]
            for f in fields
        ]
        return table(None, ["left", "left"], None, rows)

    def annex(self) -> list[Json]:
        """Who's who, then the other facts: each a term and its description, its note, its source's note."""
        out = []
        for key, entries in (("who", self.doc.who), ("other_facts", self.doc.other_facts)):
            if entries:
                out += [heading(1, text(self.t(key)), key.replace("_", "-")), self.entries(entries)]
        return out

    def entries(self, entries: tuple[EntryView, ...]) -> Json:
        items = []
        for entry in entries:
            body = inlines(entry.description or ())
            if entry.note:
                body += ([_node("Space")] if body else []) + [_node("Emph", inlines(entry.note))]
            items.append([inlines(entry.term), [[para(body + self.mark(entry.ref))]]])
        return _node("DefinitionList", items)


def table(
    caption: list[Json] | None,
    aligns: list[str],
    head: list[list[Json]] | None,
    rows: list[list[list[Json]]],
) -> Json:
    """A Pandoc table: its caption (above it in Word), its columns' alignment, a header row or none, its rows."""

    def row(cells: list[list[Json]]) -> list[Any]:
        return [
            _attr(),
            [[_attr(), _node(ALIGN[a]), 1, 1, blocks] for a, blocks in zip(aligns, cells, strict=True)],
        ]

    return _node(
        "Table",
        [
            _attr(),
            [None, [_node("Plain", caption)] if caption else []],
            [[_node(ALIGN[a]), _node("ColWidthDefault")] for a in aligns],
            [_attr(), [row(head)] if head else []],
            [[_attr(), 0, [], [row(r) for r in rows]]],
            [_attr(), []],
        ],
    )


def ast_of(doc: Document, catalog: Catalog, banner: bool) -> Json:
    """The Pandoc AST of `doc`; `banner`: whether the classification banner shows (the theme's layout.banner)."""
    return Writer(doc, catalog, banner).document()


__all__ = ["API_VERSION", "ast_of"]
