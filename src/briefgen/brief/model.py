"""The typed brief: pydantic models for metadata, language-neutral facts and side-by-side prose."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    RootModel,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

FACT_REF = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*(?::\s*([a-z]+)\s*)?\}\}")
FACT_STYLES = ("compact", "long", "short")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
FactId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
KebabId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


def _context(info: ValidationInfo) -> dict:
    """What the whole brief tells each part: its languages, its fact ids, its source text (when known)."""
    return info.context or {}


def _unknown_fact(fact_id: str, known: list[str], **where: str) -> PydanticCustomError:
    close = difflib.get_close_matches(fact_id, known, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return PydanticCustomError("unknown_fact", "unknown fact '{fact}'" + hint, {"fact": fact_id, **where})


def _check_languages(mapping: dict, info: ValidationInfo) -> None:
    declared = _context(info).get("languages")
    if not declared:
        return
    for lang in mapping:
        if lang not in declared:
            raise PydanticCustomError(
                "lang_undeclared", "language '{lang}' is not declared in 'languages'", {"lang": lang}
            )
    missing = [lang for lang in declared if lang not in mapping]
    if missing:
        raise PydanticCustomError(
            "lang_missing",
            "missing {missing} text (languages: {declared})",
            {"missing": ", ".join(f"'{m}'" for m in missing), "declared": ", ".join(declared)},
        )


def _check_refs(text: str, lang: str, info: ValidationInfo) -> None:
    """Fact references in `text` name known facts and styles. Errors carry `lang` to point at the text."""
    facts = _context(info).get("facts")
    for match in FACT_REF.finditer(text):
        fact_id, style = match.group(1), match.group(2)
        if facts is not None and fact_id not in facts:
            raise _unknown_fact(fact_id, facts, lang=lang)
        if style and style not in FACT_STYLES:
            styles = ", ".join(FACT_STYLES)
            raise PydanticCustomError(
                "fact_style",
                "unknown style ':{style}' (use {styles})",
                {"style": style, "styles": styles, "lang": lang},
            )
    if "{{" in FACT_REF.sub("", text):
        raise PydanticCustomError(
            "fact_ref", "'{{' opens no fact reference (write {{fact_id}})", {"lang": lang}
        )


def _known_fact(fact_id: str, info: ValidationInfo) -> str:
    facts = _context(info).get("facts")
    if facts is not None and fact_id not in facts:
        raise _unknown_fact(fact_id, facts)
    return fact_id


def _in_source(excerpt: str, info: ValidationInfo) -> str:
    source = _context(info).get("source_text")
    if source is not None and squash(excerpt) not in source:
        raise PydanticCustomError("excerpt", "excerpt not found word for word in the source file")
    return excerpt


def squash(text: str) -> str:
    """Text with every run of spaces (no-break ones included) made one space, for excerpt matching."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


Excerpt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_in_source)]
FactRef = Annotated[str, AfterValidator(_known_fact)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}$")]


def fingerprint(text: str) -> str:
    """A short fingerprint of a text, recorded with a translation to tell when its original changed."""
    return hashlib.sha256(squash(text).encode("utf-8")).hexdigest()[:8]


class Localised(RootModel[dict[LangCode, Text]]):
    """One text in every declared language: `{fr: "…", en: "…"}`.

    `translated: {en: 1a2b3c4d}` may record the fingerprint of the original-language text that the English
    was translated from, so that `briefgen check` can tell a translation older than its original.
    """

    model_config = ConfigDict(frozen=True)
    _translated: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _split_translated(cls, data: Any, handler: Any) -> Localised:
        translated = None
        if isinstance(data, dict) and "translated" in data:
            data = dict(data)
            translated = data.pop("translated")
        value = handler(data)
        if translated is not None:
            try:
                value._translated = _TRANSLATED.validate_python(translated)
            except ValidationError:
                raise PydanticCustomError(
                    "translated",
                    "'translated' maps a language to the 8-hex-digit fingerprint of its original",
                ) from None
        return value

    @property
    def translated(self) -> dict[str, str]:
        return self._translated

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> Localised:
        _check_languages(self.root, info)
        for lang, text in self.root.items():
            _check_refs(text, lang, info)
        return self

    def __getitem__(self, lang: str) -> str:
        return self.root[lang]


_TRANSLATED = TypeAdapter(dict[LangCode, Fingerprint])


class LocalisedList(RootModel[dict[LangCode, list[Text]]]):
    """A list per language: `{fr: [a, b], en: [a, b]}`."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> LocalisedList:
        _check_languages(self.root, info)
        return self

    def __getitem__(self, lang: str) -> list[str]:
        return self.root[lang]


Basis = list[Excerpt]


class FactBase(Strict):
    label: Localised | None = None
    note: Localised | None = None
    basis: Excerpt | None = None


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


class Group(FactBase):
    """Several facts named together, e.g. the founders: written as a list in each language's way."""

    type: Literal["group"]
    members: Annotated[list[FactRef], Field(min_length=2)]
    label: Localised


Fact = Annotated[
    Money | Count | Number | Percent | DateFact | Place | Organisation | Person | Event | Group,
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

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        if (self.text is None) == (self.items is None):
            raise PydanticCustomError(
                "block_kind", "a block holds either 'text' or 'items', not both or neither"
            )
        return self


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
    quote: Excerpt
    note: Localised


class Brief(Strict):
    id: KebabId
    version: Text
    date: dt.date
    languages: Annotated[list[LangCode], Field(min_length=1)]
    original: LangCode | None = None  # the language the prose is written in first (default: the first one)
    author: Text
    organisation: Text | None = None
    classification: Literal["public", "internal", "restricted", "confidential"] = "public"
    audience: Localised
    page_budget: int = Field(default=4, ge=1, le=100)
    keywords: LocalisedList | None = None
    source: Source
    facts: dict[FactId, Fact] = {}
    key_facts: list[FactRef] = []
    headline: Localised
    summary: Localised
    sections: Annotated[list[Section], Field(min_length=1)]
    flags: list[Flag] = []

    @model_validator(mode="after")
    def _distinct_languages(self) -> Brief:
        if len(set(self.languages)) != len(self.languages):
            raise PydanticCustomError("lang_twice", "a language is listed twice in 'languages'")
        return self
