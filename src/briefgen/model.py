"""The typed brief: pydantic models for metadata, language-neutral facts and side-by-side prose."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
FactId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
KebabId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localised(RootModel[dict[LangCode, Text]]):
    """One text in every declared language: `{fr: "…", en: "…"}`."""

    model_config = ConfigDict(frozen=True)

    def __getitem__(self, lang: str) -> str:
        return self.root[lang]


class LocalisedList(RootModel[dict[LangCode, list[Text]]]):
    """A list per language: `{fr: [a, b], en: [a, b]}`."""

    model_config = ConfigDict(frozen=True)

    def __getitem__(self, lang: str) -> list[str]:
        return self.root[lang]


Basis = list[Text]


class FactBase(Strict):
    label: Localised | None = None
    note: Localised | None = None
    basis: Text | None = None


class Money(FactBase):
    type: Literal["money"]
    amount: Decimal = Field(ge=0)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    label: Localised


class Count(FactBase):
    type: Literal["count"]
    value: int = Field(ge=0)
    label: Localised


class Number(FactBase):
    type: Literal["number"]
    value: Decimal
    label: Localised


class Percent(FactBase):
    type: Literal["percent"]
    value: Decimal  # 0.25 is 25 %
    label: Localised


class DateFact(FactBase):
    type: Literal["date"]
    value: dt.date
    label: Localised


class Place(FactBase):
    type: Literal["place"]
    name: Text
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None


class Organisation(FactBase):
    type: Literal["organisation"]
    name: Text
    role: Localised | None = None


class Person(FactBase):
    type: Literal["person"]
    name: Text
    role: Localised | None = None


class Event(FactBase):
    type: Literal["event"]
    name: Text
    date: dt.date | None = None


Fact = Annotated[
    Money | Count | Number | Percent | DateFact | Place | Organisation | Person | Event,
    Field(discriminator="type"),
]


class Source(Strict):
    kind: Literal["press-article", "press-release", "report", "transcript", "other"]
    language: LangCode
    title: Text | None = None
    publication: Text | None = None
    published: dt.date | None = None
    url: Text | None = None
    file: Text | None = None
    not_stated: list[Localised] = []


class Block(Strict):
    """A paragraph (`text`) or a bulleted list (`items`), with the source excerpts it rests on."""

    text: Localised | None = None
    items: Annotated[list[Localised], Field(min_length=1)] | None = None
    basis: Basis = []


class Subsection(Strict):
    id: KebabId | None = None
    title: Localised
    blocks: Annotated[list[Block], Field(min_length=1)]


class Section(Strict):
    id: KebabId | None = None
    title: Localised
    blocks: list[Block] = []
    subsections: list[Subsection] = []


class Flag(Strict):
    kind: Literal["off-topic", "doubtful", "ambiguous", "unverified"]
    quote: Text
    note: Localised


class Brief(Strict):
    id: KebabId
    version: Text
    date: dt.date
    languages: Annotated[list[LangCode], Field(min_length=1)]
    author: Text
    organisation: Text | None = None
    classification: Literal["public", "internal", "restricted", "confidential"] = "public"
    audience: Localised
    page_budget: int = Field(default=4, ge=1, le=100)
    keywords: LocalisedList | None = None
    source: Source
    facts: dict[FactId, Fact] = {}
    key_facts: list[FactId] = []
    headline: Localised
    summary: Localised
    sections: Annotated[list[Section], Field(min_length=1)]
    flags: list[Flag] = []
