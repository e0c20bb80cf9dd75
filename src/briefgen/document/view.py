"""Turn a valid brief and one language's catalog into the view a template renders: localised, formatted, typeset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from briefgen.brief import model
from briefgen.brief.validate import LoadedBrief
from briefgen.document.inline import Inline, Node, keep, keep_together, parse, plain
from briefgen.language.catalog import Catalog
from briefgen.language.facts import format_day, format_fact, language_name
from briefgen.language.typography import typeset, typeset_text


@dataclass(frozen=True)
class KeyFact:
    id: str
    label: Inline
    value: Inline
    note: Inline | None


@dataclass(frozen=True)
class BlockView:
    kind: str  # "text" or "items"
    text: Inline = ()
    items: tuple[Inline, ...] = ()


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
    quote: Inline
    quote_lang: str
    note: Inline


@dataclass(frozen=True)
class Field:
    label: str
    value: Inline


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
    source: tuple[Field, ...]
    not_stated: tuple[Inline, ...]
    classification: str
    author: str
    organisation: str | None
    subject: str
    keywords: tuple[str, ...]
    date: dt.date
    version: str
    page_budget: int
    extra: dict[str, object] = field(default_factory=dict)


def build_document(loaded: LoadedBrief, lang: str, catalog: Catalog) -> Document:
    brief = loaded.brief

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

    def blocks(items: list[model.Block]) -> tuple[BlockView, ...]:
        return tuple(
            BlockView("text", text=prose(b.text))
            if b.text is not None
            else BlockView("items", items=tuple(prose(i) for i in b.items or ()))
            for b in items
        )

    sections = tuple(
        SectionView(
            anchor=s.id or f"section-{i + 1}",
            title=prose(s.title),
            blocks=blocks(s.blocks),
            subsections=tuple(
                SectionView(
                    anchor=sub.id or f"section-{i + 1}-{j + 1}",
                    title=prose(sub.title),
                    blocks=blocks(sub.blocks),
                )
                for j, sub in enumerate(s.subsections)
            ),
        )
        for i, s in enumerate(brief.sections)
    )

    key_facts = []
    for fact_id in brief.key_facts:
        fact = brief.facts[fact_id]
        label = getattr(fact, "label", None) or getattr(fact, "role", None)
        key_facts.append(
            KeyFact(
                id=fact_id,
                label=prose(label) if label else words(fact_id),
                value=(keep(typeset_text(format_fact(fact, catalog, "", brief.facts), catalog.typography)),),
                note=prose(fact.note) if fact.note else None,
            )
        )

    src = brief.source
    unknown = words(catalog("unknown"))
    source = [
        Field(catalog("kind." + src.kind), words(language_name(src.language, catalog))),
        Field(catalog("title"), words(src.title) if src.title else unknown),
        Field(catalog("publication"), words(src.publication) if src.publication else unknown),
        Field(catalog("published"), words(format_day(src.published, catalog)) if src.published else unknown),
        Field(
            catalog("url"),
            (Node("link", href=src.url, children=(Node("text", src.url),)),) if src.url else unknown,
        ),
    ]

    meta = [
        Field(catalog("date"), words(format_day(brief.date, catalog))),
        Field(catalog("version"), words(brief.version)),
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
        sections=sections,
        flags=tuple(
            FlagView(
                kind=f.kind,
                label=words(catalog("flag." + f.kind)),
                quote=(Node("text", typeset_text(f.quote, src.language)),),
                quote_lang=src.language,
                note=prose(f.note),
            )
            for f in brief.flags
        ),
        source=tuple(source),
        not_stated=tuple(prose(t) for t in src.not_stated),
        classification=catalog("classification." + brief.classification),
        author=brief.author,
        organisation=brief.organisation,
        subject=plain(summary),
        keywords=tuple(brief.keywords[lang]) if brief.keywords else (),
        date=brief.date,
        version=brief.version,
        page_budget=brief.page_budget,
    )
