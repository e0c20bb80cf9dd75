"""What every part of the view shares for one brief and one language: prose typeset, excerpts, notes, numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from briefgen.brief import model
from briefgen.brief.inline import Inline, Node, keep_together, parse
from briefgen.brief.text import excerpt_parts
from briefgen.brief.validate import LoadedBrief
from briefgen.language.catalog import Catalog, typography_for
from briefgen.language.facts import format_fact
from briefgen.language.typography import typeset, typeset_text


@dataclass(frozen=True)
class ExcerptView:
    """A verbatim excerpt of a source, in the source's language; `source` names it when there are several."""

    text: Inline
    lang: str
    source: str


@dataclass(frozen=True)
class NoteView:
    """The numbered note of a claim: the excerpts of the sources it rests on."""

    number: int
    excerpts: tuple[ExcerptView, ...]


def source_name(source: model.Cites, catalog: Catalog) -> str:
    """How a note names a source: its outlet, else its title, else its kind."""
    return source.outlet or source.title or catalog("kind." + source.kind)


@dataclass
class Context:
    """One brief in one language while its view is made: notes are numbered, and tables and figures counted,
    in the order the parts of the view ask for them, which is the order of the page."""

    loaded: LoadedBrief
    lang: str
    catalog: Catalog
    notes: list[NoteView] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def brief(self) -> model.Brief:
        return self.loaded.brief

    @cached_property
    def names(self) -> list[str]:
        """The names of people, organisations, places and events: never broken across lines."""
        kinds = model.Person | model.Organisation | model.Place | model.Event
        return [f.name for f in self.brief.facts.values() if isinstance(f, kinds)]

    def fact_text(self, fact_id: str, style: str) -> str:
        return format_fact(self.brief.facts[fact_id], self.catalog, style, self.brief.facts)

    def prose(self, text: model.Localised | str) -> Inline:
        """A text of the brief in this language: its markup parsed, its facts filled in, typeset."""
        raw = text if isinstance(text, str) else text[self.lang]
        return keep_together(typeset(parse(raw, self.fact_text), self.catalog.typography), self.names)

    def words(self, text: str) -> Inline:
        """Plain words (a catalog's, a name), typeset."""
        return keep_together((Node("text", typeset_text(text, self.catalog.typography)),), self.names)

    def excerpt(self, value: str | model.Cited) -> ExcerptView:
        cited = self.brief.cited
        source_id, quote = excerpt_parts(value, cited[0].id)
        source = next(s for s in cited if s.id == source_id)
        return ExcerptView(
            (Node("text", typeset_text(quote, typography_for(source.language, self.catalog.dirs))),),
            source.language,
            source_name(source, self.catalog) if len(cited) > 1 else "",
        )

    def note_of(self, basis: list[str | model.Cited] | str | model.Cited | None) -> NoteView | None:
        """The next note, quoting the excerpts of `basis`; None when there are none."""
        if not basis:
            return None
        excerpts = basis if isinstance(basis, list) else [basis]
        note = NoteView(len(self.notes) + 1, tuple(self.excerpt(e) for e in excerpts))
        self.notes.append(note)
        return note

    def number(self, kind: str) -> int:
        """The next number of a numbered kind of block: Table 1, Table 2, Figure 1 …"""
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return self.counts[kind]


__all__ = ["Context", "ExcerptView", "NoteView", "source_name"]
