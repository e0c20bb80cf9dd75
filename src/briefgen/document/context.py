"""What every part of the view shares for one brief and one language: prose typeset, excerpts, notes, numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from babel.lists import format_list

from briefgen.brief import model
from briefgen.brief.inline import (
    UNBROKEN_NAME,
    Inline,
    Node,
    keep,
    keep_quotations,
    keep_together,
    parse,
    unbroken,
)
from briefgen.brief.text import excerpt_parts
from briefgen.brief.validate import LoadedBrief
from briefgen.language.catalog import Catalog, typography_for
from briefgen.language.facts import format_fact
from briefgen.language.typography import SPACES, nested, typeset, typeset_text


@dataclass(frozen=True)
class ExcerptView:
    """A verbatim excerpt of a source, in the source's language; `source` names it when there are several (its
    words held together by no-break spaces, and never hyphenated by the templates)."""

    text: Inline
    lang: str
    source: str


class NoteNumbers:
    """The numbers of one view's notes, each given when a template first asks for it: the order the template
    writes the notes' marks in, which is the order of the page whatever order a theme puts the parts of the view in
    (the key facts after the first section). `restart()` before each rendering."""

    def __init__(self) -> None:
        self._numbers: dict[int, int] = {}

    def restart(self) -> None:
        self._numbers.clear()

    def of(self, index: int) -> int:
        return self._numbers.setdefault(index, len(self._numbers) + 1)


@dataclass(frozen=True)
class NoteView:
    """The numbered note of a claim: the excerpts of the sources it rests on."""

    index: int  # in the order the view made its notes
    excerpts: tuple[ExcerptView, ...]
    numbers: NoteNumbers = field(default_factory=NoteNumbers, repr=False, compare=False)

    @property
    def number(self) -> int:
        """The note's number: the order of the page (NoteNumbers)."""
        return self.numbers.of(self.index)


def source_name(source: model.Cites, catalog: Catalog) -> str:
    """How a note names a source: its outlet, else its title, else its kind."""
    return source.outlet or source.title or catalog("kind." + source.kind)


_SENTENCE_END = re.compile(r"[.!?…][»”’)\]\u00a0\u202f]*\s+$")


def capitalised(nodes: Inline) -> Inline:
    """The tree with a fact's value that opens a sentence begun with a capital ("Around May 2023: …"): at the
    start of the text, or after a full stop, a question or an exclamation mark. Text the brief's writer typed, and
    a name (ai-PULSE), are left as written."""
    out: list[Node] = []
    start = True  # whether the next text opens a sentence
    for node in nodes:
        if node.kind == "keep" and not node.name and start and node.children[:1]:
            first = node.children[0].text
            node = Node("keep", children=(Node("text", first[:1].upper() + first[1:]), *node.children[1:]))
        if node.kind == "text":
            start = bool(_SENTENCE_END.search(node.text)) or (start and not node.text.strip())
        elif node.kind != "break":
            start = False
        out.append(node)
    return tuple(out)


@dataclass
class Context:
    """One brief in one language while its view is made: tables and figures are counted in the order the parts of
    the view ask for them, which is the order of the page; notes are numbered as a template writes them."""

    loaded: LoadedBrief
    lang: str
    catalog: Catalog
    notes: list[NoteView] = field(default_factory=list)
    note_numbers: NoteNumbers = field(default_factory=NoteNumbers)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def brief(self) -> model.Brief:
        return self.loaded.brief

    @cached_property
    def names(self) -> list[str]:
        """The names of people, organisations, places and events: never broken across lines."""
        kinds = model.Person | model.Organisation | model.Place | model.Event
        names = [f.name for f in self.brief.facts.values() if isinstance(f, kinds)]
        # a name with its acronym, "National Science Foundation (NSF)", is also written without it
        return names + [n for n in (re.sub(r"\s*\([^)]*\)", "", n).strip() for n in names) if n not in names]

    def fact_text(self, fact_id: str, style: str) -> str | Node:
        """A fact's value as a reference shows it; a name, kept whole (UNBROKEN_NAME)."""
        fact = self.brief.facts[fact_id]
        names = model.Person | model.Organisation | model.Place | model.Event
        if isinstance(fact, model.Group):
            return self.group_text(fact, style)
        text = format_fact(fact, self.catalog, style, self.brief.facts)
        return keep(text, name=True) if isinstance(fact, names) and text == fact.name else text

    def group_text(self, group: model.Group, style: str = "") -> str:
        """A group's members as a list, each name held whole (UNBROKEN_NAME): "Iliad, CMA CGM and Schmidt
        Futures" may break after a comma or around "and", never inside a name."""
        names = model.Person | model.Organisation | model.Place | model.Event
        shown = [
            unbroken(m.name, UNBROKEN_NAME)
            if isinstance(m, names)
            else format_fact(m, self.catalog, style, self.brief.facts)
            for m in (self.brief.facts[member] for member in group.members)
        ]
        return format_list(shown, locale=self.catalog.locale)

    def prose(self, text: model.Localised | str) -> Inline:
        """A text of the brief in this language: its markup parsed, its facts filled in, typeset."""
        raw = text if isinstance(text, str) else text[self.lang]
        nodes = typeset(parse(raw, self.fact_text), self.catalog.typography)
        quotes = self.catalog.quotes
        return keep_quotations(keep_together(capitalised(nodes), self.names), (quotes[0], quotes[1]))

    def words(self, text: str) -> Inline:
        """Plain words (a catalog's, a name), typeset."""
        return keep_together((Node("text", typeset_text(text, self.catalog.typography)),), self.names)

    def excerpt(self, value: str | model.Cited, quoted: bool = True) -> ExcerptView:
        """An excerpt in its source's typography, the names it holds kept whole; `quoted`: printed inside the
        document's quotation marks, so that its own quotes go one level deeper when it uses the same marks."""
        cited = self.brief.cited
        source_id, quote = excerpt_parts(value, cited[0].id)
        source = next(s for s in cited if s.id == source_id)
        typography = typography_for(source.language, self.catalog.dirs)
        text = typeset_text(quote, typography)
        marks = typography.words.quotes
        if quoted and marks[0].strip(SPACES) == self.catalog.quotes[0].strip(SPACES):
            text = nested(text, marks)
        return ExcerptView(
            keep_together((Node("text", text),), self.names),
            source.language,
            unbroken(source_name(source, self.catalog), UNBROKEN_NAME) if len(cited) > 1 else "",
        )

    def note_of(self, basis: list[str | model.Cited] | str | model.Cited | None) -> NoteView | None:
        """The next note, quoting the excerpts of `basis`; None when there are none."""
        if not basis:
            return None
        excerpts = basis if isinstance(basis, list) else [basis]
        note = NoteView(len(self.notes), tuple(self.excerpt(e) for e in excerpts), self.note_numbers)
        self.notes.append(note)
        return note

    def number(self, kind: str) -> int:
        """The next number of a numbered kind of block: Table 1, Table 2, Figure 1 …"""
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return self.counts[kind]


__all__ = ["Context", "ExcerptView", "NoteNumbers", "NoteView", "capitalised", "source_name"]
