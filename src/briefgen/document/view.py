"""Turn a valid brief and one language's catalog into the view a template renders: localised, formatted, typeset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from babel import Locale

from briefgen.brief import model
from briefgen.brief.inline import Inline, Node, keep, plain
from briefgen.brief.validate import LoadedBrief
from briefgen.document.blocks import BlockView, FigureView, block_view
from briefgen.document.context import Context, NoteNumbers, NoteView, source_name
from briefgen.language.catalog import Catalog, typography_for
from briefgen.language.facts import format_day, format_event, format_fact, format_when, language_name
from briefgen.language.typography import typeset_text
from briefgen.themes.manifest import LAYOUT_CHOICES


@dataclass(frozen=True)
class KeyFact:
    id: str
    label: Inline
    value: Inline
    note: Inline | None
    ref: NoteView | None = None


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
    made_notes: tuple[NoteView, ...] = ()  # every note, in the order the view made them (notes: by number)
    note_numbers: NoteNumbers = field(default_factory=NoteNumbers, repr=False, compare=False)
    who: tuple[EntryView, ...] = ()  # every person and organisation
    other_facts: tuple[EntryView, ...] = ()  # every other fact not among the key facts
    figures: tuple[FigureView, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)
    # Marking: the brief's status ("draft" or "final") and its watermark (the catalog's word for a draft, empty
    # for a final brief); whether its classification is `public`, which the banner of `layout.banner: auto` reads.
    status: str = "final"
    watermark: str = ""
    public: bool = True

    @property
    def notes(self) -> tuple[NoteView, ...]:
        """Every note, in the order of its number: the order the template wrote their marks in, which is the order
        of the page; a note whose mark a theme leaves out comes last."""
        return tuple(sorted(self.made_notes, key=lambda note: note.number))

    def restart_notes(self) -> None:
        """Number the notes afresh, as the next rendering writes them (render calls it)."""
        self.note_numbers.restart()

    def banner(self, setting: str) -> bool:
        """Whether the classification banner prints under a theme's `layout.banner`: `always`, `never`, or
        `auto` (a brief that is not public)."""
        if setting not in LAYOUT_CHOICES["banner"]:  # load_theme reports a bad value where it is written
            raise ValueError(
                f"layout.banner is one of {', '.join(LAYOUT_CHOICES['banner'])}, not {setting!r}"
            )
        return setting == "always" or (setting == "auto" and not self.public)


def build_document(loaded: LoadedBrief, lang: str, catalog: Catalog) -> Document:
    """The view of `loaded` in `lang`: its parts in the order of the page, which numbers the notes."""
    ctx = Context(loaded, lang, catalog)
    brief = loaded.brief
    key_facts = key_facts_view(ctx)
    sections = tuple(section_view(ctx, s, i) for i, s in enumerate(brief.sections))
    who, other_facts = who_view(ctx), other_facts_view(ctx)
    sources = tuple(source_view(ctx, s) for s in brief.cited)
    headline, summary = ctx.prose(brief.headline), ctx.prose(brief.summary)
    return Document(
        id=brief.id,
        lang=lang,
        tag=catalog.tag,
        title=plain(headline),
        headline=headline,
        summary=summary,
        meta=meta_view(ctx),
        key_facts=key_facts,
        sections=sections,
        flags=tuple(flag_view(ctx, f) for f in brief.flags),
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
        made_notes=tuple(ctx.notes),
        note_numbers=ctx.note_numbers,
        who=who,
        other_facts=other_facts,
        figures=tuple(b.content for b in all_blocks(sections) if isinstance(b.content, FigureView)),
        status=brief.status,
        watermark=catalog("status.draft") if brief.status == "draft" else "",
        public=brief.classification == "public",
    )


def all_blocks(sections: tuple[SectionView, ...]) -> list[BlockView]:
    """Every block, in the order of the page: a section's own, then its subsections'."""
    return [b for s in sections for part in (s, *s.subsections) for b in part.blocks]


def _value(ctx: Context, fact: model.Fact, wide: bool = False) -> Inline:
    """A fact's value as one unbreakable run: never hyphenated. `wide`: on a line of the text's width (the
    annex), a group's names are each held whole (UNBROKEN_NAME); the key-facts panel's narrow cards chunk them
    as any value (UNBROKEN), so that no chunk is wider than a card."""
    if wide and isinstance(fact, model.Group):
        value = ctx.group_text(fact)
    else:
        value = fact_value(fact, ctx.catalog, ctx.brief.facts)
    return (keep(typeset_text(value, ctx.catalog.typography)),)


def key_facts_view(ctx: Context) -> tuple[KeyFact, ...]:
    out = []
    for fact_id in ctx.brief.key_facts:
        fact = ctx.brief.facts[fact_id]
        label = getattr(fact, "label", None) or getattr(fact, "role", None)
        out.append(
            KeyFact(
                id=fact_id,
                label=ctx.prose(label) if label else ctx.words(fact_id),
                value=_value(ctx, fact),
                note=ctx.prose(fact.note) if fact.note else None,
                ref=ctx.note_of(fact.basis),
            )
        )
    return tuple(out)


def section_view(ctx: Context, section: model.Section, index: int) -> SectionView:
    title, blocks = ctx.prose(section.title), tuple(block_view(ctx, b) for b in section.blocks)
    subsections = tuple(
        SectionView(
            anchor=sub.id or f"section-{index + 1}-{j + 1}",
            title=ctx.prose(sub.title),
            blocks=tuple(block_view(ctx, b) for b in sub.blocks),
        )
        for j, sub in enumerate(section.subsections)
    )
    return SectionView(section.id or f"section-{index + 1}", title, blocks, subsections)


def _described(ctx: Context, *texts: model.Localised | None) -> Inline | None:
    """A label and a role, as many as the fact has, one after the other."""
    parts = [ctx.prose(t) for t in texts if t is not None]
    return sum(((*a, Node("text", " — ")) for a in parts[:-1]), ()) + parts[-1] if parts else None


def who_view(ctx: Context) -> tuple[EntryView, ...]:
    """Every person and organisation, with its label and role (the annex's first part)."""
    return tuple(
        EntryView(
            (keep(fact.name, name=True),),
            _described(ctx, fact.label, fact.role),
            ctx.prose(fact.note) if fact.note else None,
            ctx.note_of(fact.basis),
        )
        for fact in ctx.brief.facts.values()
        if isinstance(fact, model.Person | model.Organisation)
    )


def other_facts_view(ctx: Context) -> tuple[EntryView, ...]:
    """Every other fact not among the key facts: its label and value, or its value alone."""
    out = []
    for fact_id, fact in ctx.brief.facts.items():
        if isinstance(fact, model.Person | model.Organisation) or fact_id in ctx.brief.key_facts:
            continue
        label = getattr(fact, "label", None)
        value = _value(ctx, fact, wide=True)
        out.append(
            EntryView(
                ctx.prose(label) if label else value,
                value if label else None,
                ctx.prose(fact.note) if fact.note else None,
                ctx.note_of(fact.basis),
            )
        )
    return tuple(out)


def flag_view(ctx: Context, flag: model.Flag) -> FlagView:
    quoted = ctx.excerpt(flag.quote) if flag.quote is not None else None
    return FlagView(
        kind=flag.kind,
        label=ctx.words(ctx.catalog("flag." + flag.kind)),
        quote=quoted.text if quoted else (),
        quote_lang=quoted.lang if quoted else ctx.brief.cited[0].language,
        note=ctx.prose(flag.note),
        source=quoted.source if quoted else "",
    )


def source_view(ctx: Context, source: model.Cites) -> SourceView:
    return SourceView(
        source.id,
        source_name(source, ctx.catalog),
        source.language,
        source_fields(source, ctx.catalog, ctx.words),
        tuple(ctx.prose(t) for t in source.not_stated),
    )


def meta_view(ctx: Context) -> tuple[Field, ...]:
    brief, catalog, words = ctx.brief, ctx.catalog, ctx.words
    return (
        Field(catalog("date"), words(format_day(brief.date, catalog))),
        Field(catalog("version"), words(brief.version)),
        # A draft says so once in the text, where a screen reader reads it: its watermark is an artifact.
        *([Field(catalog("status"), words(catalog("status.draft")))] if brief.status == "draft" else []),
        Field(catalog("audience"), ctx.prose(brief.audience)),
        Field(catalog("classification"), words(catalog("classification." + brief.classification))),
        Field(catalog("author"), words(", ".join(x for x in (brief.author, brief.organisation) if x))),
    )


def fact_value(fact: model.Fact, catalog: Catalog, facts: dict[str, model.Fact]) -> str:
    """A fact's value as a panel or the annex shows it: an event with its date, a place with its country."""
    if isinstance(fact, model.Event):
        return format_event(fact, catalog)
    value = format_fact(fact, catalog, "", facts)
    if isinstance(fact, model.Place) and fact.country:
        return f"{value} ({Locale.parse(catalog.locale).territories.get(fact.country, fact.country)})"
    return value


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
