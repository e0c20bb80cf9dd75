"""Turn a valid brief and one language's catalog into the view a template renders: localised, formatted, typeset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from babel import Locale

from briefgen.brief import model
from briefgen.brief.inline import Inline, Node, keep, keep_together, parse, plain
from briefgen.brief.text import excerpt_parts
from briefgen.brief.validate import LoadedBrief
from briefgen.language.catalog import Catalog, typography_for
from briefgen.language.facts import format_day, format_event, format_fact, format_when, language_name
from briefgen.language.typography import typeset, typeset_text
from briefgen.themes.manifest import LAYOUT_CHOICES


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


@dataclass(frozen=True)
class KeyFact:
    id: str
    label: Inline
    value: Inline
    note: Inline | None
    ref: NoteView | None = None


@dataclass(frozen=True)
class ColumnView:
    title: Inline
    align: str  # left, right, center


@dataclass(frozen=True)
class TableView:
    number: int
    label: str  # "Table 2"
    caption: Inline | None
    columns: tuple[ColumnView, ...]
    rows: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class FigureView:
    number: int
    label: str  # "Figure 1"
    path: Path  # the image file in the brief's folder
    name: str  # its name beside the engine's source: figure-1.png
    format: str  # png, jpeg, svg
    alt: str
    caption: Inline | None
    width: float  # a fraction of the text's width


@dataclass(frozen=True)
class BlockView:
    kind: str  # text, items, table, figure, quote
    text: Inline = ()
    items: tuple[Inline, ...] = ()
    table: TableView | None = None
    figure: FigureView | None = None
    quote: ExcerptView | None = None
    ref: NoteView | None = None  # the note quoting the block's basis


@dataclass(frozen=True)
class SectionView:
    anchor: str
    title: Inline
    blocks: tuple[BlockView, ...]
    subsections: tuple[SectionView, ...] = ()


@dataclass(frozen=True)
class FlagView:
    kind: str
    label: Inline
    quote: Inline  # empty for an omission that quotes nothing
    quote_lang: str
    note: Inline
    source: str = ""  # the source quoted, when the brief has several


@dataclass(frozen=True)
class Field:
    label: str
    value: Inline
    lang: str = ""  # the value's language when it is not the document's (a source's title): templates mark it


@dataclass(frozen=True)
class SourceView:
    id: str
    name: str  # how notes and quotes name it
    lang: str
    fields: tuple[Field, ...]
    not_stated: tuple[Inline, ...]


@dataclass(frozen=True)
class EntryView:
    """A line of the annex: a name and its role, or a fact's label and value; its note and its source note."""

    term: Inline
    description: Inline | None
    note: Inline | None
    ref: NoteView | None


@dataclass(frozen=True)
class Document:
    """Everything a template shows for one language. Prose is an inline tree, to be written by the engine's filter."""

    id: str
    lang: str
    tag: str
    title: str
    headline: Inline
    summary: Inline
    meta: tuple[Field, ...]
    key_facts: tuple[KeyFact, ...]
    sections: tuple[SectionView, ...]
    flags: tuple[FlagView, ...]
    source: tuple[Field, ...]  # the fields of the first source (sources: all of them)
    not_stated: tuple[Inline, ...]  # what the sources do not say, all of them
    classification: str
    author: str
    organisation: str | None
    subject: str
    keywords: tuple[str, ...]
    date: dt.date
    version: str
    page_budget: int
    sources: tuple[SourceView, ...] = ()
    notes: tuple[NoteView, ...] = ()  # every note, in the order of the page
    who: tuple[EntryView, ...] = ()  # every person and organisation
    other_facts: tuple[EntryView, ...] = ()  # every other fact not among the key facts
    figures: tuple[FigureView, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)
    # Marking: the brief's status ("draft" or "final") and its watermark (the catalog's word for a draft, empty
    # for a final brief); whether its classification is `public`, which the banner of `layout.banner: auto` reads.
    status: str = "final"
    watermark: str = ""
    public: bool = True

    def banner(self, setting: str) -> bool:
        """Whether the classification banner prints under a theme's `layout.banner`: `always`, `never`, or
        `auto` (a brief that is not public)."""
        if setting not in LAYOUT_CHOICES["banner"]:  # load_theme reports a bad value where it is written
            raise ValueError(
                f"layout.banner is one of {', '.join(LAYOUT_CHOICES['banner'])}, not {setting!r}"
            )
        return setting == "always" or (setting == "auto" and not self.public)


def build_document(loaded: LoadedBrief, lang: str, catalog: Catalog) -> Document:
    brief = loaded.brief
    cited = brief.cited
    first = cited[0].id
    by_id = {s.id: s for s in cited}
    several = len(cited) > 1

    def fact_text(fact_id: str, style: str) -> str:
        return format_fact(brief.facts[fact_id], catalog, style, brief.facts)

    names = [
        f.name
        for f in brief.facts.values()
        if isinstance(f, model.Person | model.Organisation | model.Place | model.Event)
    ]

    def prose(text: model.Localised | str) -> Inline:
        raw = text if isinstance(text, str) else text[lang]
        return keep_together(typeset(parse(raw, fact_text), catalog.typography), names)

    def words(text: str) -> Inline:
        return keep_together((Node("text", typeset_text(text, catalog.typography)),), names)

    def excerpt(value: str | model.Cited) -> ExcerptView:
        source_id, quote = excerpt_parts(value, first)
        source_lang = by_id[source_id].language
        return ExcerptView(
            (Node("text", typeset_text(quote, typography_for(source_lang, catalog.dirs))),),
            source_lang,
            source_name(by_id[source_id], catalog) if several else "",
        )

    notes: list[NoteView] = []

    def note_of(basis: list[str | model.Cited] | str | model.Cited | None) -> NoteView | None:
        if not basis:
            return None
        excerpts = basis if isinstance(basis, list) else [basis]
        note = NoteView(len(notes) + 1, tuple(excerpt(e) for e in excerpts))
        notes.append(note)
        return note

    counters = {"table": 0, "figure": 0}
    figures: list[FigureView] = []

    def table_view(table: model.Table) -> TableView:
        counters["table"] += 1
        number = counters["table"]
        return TableView(
            number,
            f"{catalog('table')} {number}",
            prose(table.caption) if table.caption else None,
            tuple(ColumnView(prose(c.title), c.align) for c in table.columns),
            tuple(tuple(prose(cell) for cell in row) for row in table.rows),
        )

    def figure_view(figure: model.Figure) -> FigureView:
        counters["figure"] += 1
        number = counters["figure"]
        fmt = model.FIGURE_FORMATS[Path(figure.file).suffix.lower()]
        view = FigureView(
            number,
            f"{catalog('figure')} {number}",
            loaded.figure_path(figure.file),
            f"figure-{number}.{'jpg' if fmt == 'jpeg' else fmt}",
            fmt,
            plain(prose(figure.alt)),
            prose(figure.caption) if figure.caption else None,
            float(figure.width),
        )
        figures.append(view)
        return view

    def block_view(b: model.Block) -> BlockView:
        match b.kind:
            case "text":
                view = BlockView("text", text=prose(b.text))  # type: ignore[arg-type]
            case "items":
                view = BlockView("items", items=tuple(prose(i) for i in b.items or ()))
            case "table":
                view = BlockView("table", table=table_view(b.table))  # type: ignore[arg-type]
            case "figure":
                view = BlockView("figure", figure=figure_view(b.figure))  # type: ignore[arg-type]
            case _:
                view = BlockView("quote", quote=excerpt(b.quote))  # type: ignore[arg-type]
        ref = note_of(b.basis)
        return view if ref is None else replace(view, ref=ref)

    key_facts = []
    for fact_id in brief.key_facts:
        fact = brief.facts[fact_id]
        label = getattr(fact, "label", None) or getattr(fact, "role", None)
        key_facts.append(
            KeyFact(
                id=fact_id,
                label=prose(label) if label else words(fact_id),
                value=(keep(typeset_text(fact_value(fact, catalog, brief.facts), catalog.typography)),),
                note=prose(fact.note) if fact.note else None,
                ref=note_of(fact.basis),
            )
        )

    sections = []
    for i, s in enumerate(brief.sections):
        title, blocks = prose(s.title), tuple(block_view(b) for b in s.blocks)
        subsections = tuple(
            SectionView(
                anchor=sub.id or f"section-{i + 1}-{j + 1}",
                title=prose(sub.title),
                blocks=tuple(block_view(b) for b in sub.blocks),
            )
            for j, sub in enumerate(s.subsections)
        )
        sections.append(SectionView(s.id or f"section-{i + 1}", title, blocks, subsections))

    def described(*texts: model.Localised | None) -> Inline | None:
        """A label and a role, as many as the fact has, one after the other."""
        parts = [prose(t) for t in texts if t is not None]
        return sum(((*a, Node("text", " — ")) for a in parts[:-1]), ()) + parts[-1] if parts else None

    who = [  # in the order of the page: who's who, then the other facts
        EntryView(
            (keep(fact.name),),
            described(fact.label, fact.role),
            prose(fact.note) if fact.note else None,
            note_of(fact.basis),
        )
        for fact in brief.facts.values()
        if isinstance(fact, model.Person | model.Organisation)
    ]
    other_facts = []
    for fact_id, fact in brief.facts.items():
        if isinstance(fact, model.Person | model.Organisation) or fact_id in brief.key_facts:
            continue
        label = getattr(fact, "label", None)
        value = (keep(typeset_text(fact_value(fact, catalog, brief.facts), catalog.typography)),)
        other_facts.append(
            EntryView(
                prose(label) if label else value,
                value if label else None,
                prose(fact.note) if fact.note else None,
                note_of(fact.basis),
            )
        )

    flags = []
    for f in brief.flags:
        quoted = excerpt(f.quote) if f.quote is not None else None
        flags.append(
            FlagView(
                kind=f.kind,
                label=words(catalog("flag." + f.kind)),
                quote=quoted.text if quoted else (),
                quote_lang=quoted.lang if quoted else cited[0].language,
                note=prose(f.note),
                source=quoted.source if quoted else "",
            )
        )

    sources = tuple(
        SourceView(
            s.id,
            source_name(s, catalog),
            s.language,
            source_fields(s, catalog, words),
            tuple(prose(t) for t in s.not_stated),
        )
        for s in cited
    )

    meta = [
        Field(catalog("date"), words(format_day(brief.date, catalog))),
        Field(catalog("version"), words(brief.version)),
        # A draft says so once in the text, where a screen reader reads it: its watermark is an artifact.
        *([Field(catalog("status"), words(catalog("status.draft")))] if brief.status == "draft" else []),
        Field(catalog("audience"), prose(brief.audience)),
        Field(catalog("classification"), words(catalog("classification." + brief.classification))),
        Field(catalog("author"), words(", ".join(x for x in (brief.author, brief.organisation) if x))),
    ]

    headline = prose(brief.headline)
    summary = prose(brief.summary)
    return Document(
        id=brief.id,
        lang=lang,
        tag=catalog.tag,
        title=plain(headline),
        headline=headline,
        summary=summary,
        meta=tuple(meta),
        key_facts=tuple(key_facts),
        sections=tuple(sections),
        flags=tuple(flags),
        source=sources[0].fields,
        not_stated=tuple(item for s in sources for item in s.not_stated),
        classification=catalog("classification." + brief.classification),
        author=brief.author,
        organisation=brief.organisation,
        subject=plain(summary),
        keywords=tuple(brief.keywords[lang]) if brief.keywords else (),
        date=brief.date,
        version=brief.version,
        page_budget=brief.page_budget,
        sources=sources,
        notes=tuple(notes),
        who=tuple(who),
        other_facts=tuple(other_facts),
        figures=tuple(figures),
        status=brief.status,
        watermark=catalog("status.draft") if brief.status == "draft" else "",
        public=brief.classification == "public",
    )


def fact_value(fact: model.Fact, catalog: Catalog, facts: dict[str, model.Fact]) -> str:
    """A fact's value as a panel or the annex shows it: an event with its date, a place with its country."""
    if isinstance(fact, model.Event):
        return format_event(fact, catalog)
    value = format_fact(fact, catalog, "", facts)
    if isinstance(fact, model.Place) and fact.country:
        return f"{value} ({Locale.parse(catalog.locale).territories.get(fact.country, fact.country)})"
    return value


def source_name(source: model.Cites, catalog: Catalog) -> str:
    """How a note names a source: its outlet, else its title, else its kind."""
    return source.outlet or source.title or catalog("kind." + source.kind)


def source_fields(source: model.Cites, catalog: Catalog, words: Callable[[str], Inline]) -> tuple[Field, ...]:
    def unknown(key: str) -> Inline:  # agreeing with the field's noun: « Date de parution : non précisée »
        return words(catalog(f"unknown.{key}"))

    return (
        Field(catalog("kind." + source.kind), words(language_name(source.language, catalog))),
        Field(  # in the source's own language and typography
            catalog("title"),
            (Node("text", typeset_text(source.title, typography_for(source.language, catalog.dirs))),),
            source.language,
        )
        if source.title
        else Field(catalog("title"), unknown("title")),
        Field(catalog("publication"), words(source.outlet) if source.outlet else unknown("publication")),
        Field(
            catalog("published"),
            words(format_when(source.date, catalog)) if source.date else unknown("published"),
        ),
        Field(
            catalog("url"),
            (Node("link", href=source.url, children=(Node("text", source.url),)),)
            if source.url
            else unknown("url"),
        ),
    )
