"""The typed brief: pydantic models for metadata, language-neutral facts and side-by-side prose."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections import deque
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal

from babel import Locale, UnknownLocaleError
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    RootModel,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from briefgen.brief import limits
from briefgen.brief.read import shown

FACT_REF = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*(?::\s*([a-z]+)\s*)?\}\}")
FACT_STYLES = ("compact", "long", "short")
# The only links a brief may hold, in prose or as its source's URL: never javascript:, file:, data:, …
LINK_SCHEMES = ("https://", "http://", "mailto:")
MARKUP = "[]()*_`"  # the characters of inline markup (links, emphasis, code)
# Control characters (tab and line feed aside), lone surrogates and noncharacters: no text holds them.
_NONCHARACTERS = "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
_FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]")


def link_allowed(url: str) -> bool:
    """Whether `url` may become a link: https, http and mailto only."""
    return url.strip().lower().startswith(LINK_SCHEMES)


def _refused_link(url: str, **where: str) -> PydanticCustomError:
    return PydanticCustomError(
        "link_scheme",
        "the link '{url}' is refused: only https, http and mailto links are allowed",
        {"url": shown(url), **where},
    )


def _clean(text: Any) -> Any:
    """A text as given, before any stripping, with no control character, lone surrogate or noncharacter."""
    match = _FORBIDDEN.search(text) if isinstance(text, str) else None
    if match:
        raise PydanticCustomError(
            "text_char",
            "the character U+{code} is not allowed in a text (remove it)",
            {"code": f"{ord(match.group()):04X}"},
        )
    return text


@cache
def known_language(code: str) -> bool:
    """Whether CLDR (through Babel) knows the language code `code`, e.g. fr, en-GB, pt-BR."""
    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _cldr(code: str) -> str:
    if not known_language(code):
        raise PydanticCustomError(
            "lang_unknown",
            "'{code}' is not a language CLDR knows (a code like fr, en, de-CH or pt-BR)",
            {"code": code},
        )
    return code


def _bounded(value: Decimal | int) -> Decimal | int:
    """An amount, count or number within the limits: at most 10^15, with at most 10 decimal places."""
    if abs(Decimal(value)) > limits.MAX_NUMBER:
        raise PydanticCustomError("number_bound", "too large (at most 10^15)")
    if isinstance(value, Decimal):
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -limits.MAX_DECIMALS:
            raise PydanticCustomError(
                "number_bound", "more than {places} decimal places", {"places": limits.MAX_DECIMALS}
            )
    return value


def _link(url: str) -> str:
    if not link_allowed(url):
        raise _refused_link(url)
    return url


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.MAX_TEXT),
    BeforeValidator(_clean),
]
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$"), AfterValidator(_cldr)]
Url = Annotated[Text, AfterValidator(_link)]
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


def _check_markup(text: str, lang: str) -> None:
    """Few enough markup characters for the inline parser, whose time grows with their number times the length."""
    count = sum(map(text.count, MARKUP))
    if count > limits.MAX_MARKUP:
        raise PydanticCustomError(
            "markup",
            "the text holds {count} of the characters {chars} (at most {limit} in one text)",
            {"count": count, "chars": " ".join(MARKUP), "limit": limits.MAX_MARKUP, "lang": lang},
        )


def _check_links(text: str, lang: str) -> None:
    """Every link of `text` is an https, http or mailto one: anything else is an error, never silent text."""
    from briefgen.document.inline import links  # the inline parser imports this module

    for url in links(text):
        if not link_allowed(url):
            raise _refused_link(url, lang=lang)


def _declared(lang: str, info: ValidationInfo) -> str:
    declared = _context(info).get("languages")
    if declared and lang not in declared:
        raise PydanticCustomError(
            "lang_original",
            "'{lang}' is not one of the brief's languages ({declared})",
            {"lang": lang, "declared": ", ".join(declared)},
        )
    return lang


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


Excerpt = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.MAX_TEXT),
    BeforeValidator(_clean),
    AfterValidator(_in_source),
]
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
    def _split_translated(cls, data: Any, handler: Any, info: ValidationInfo) -> Localised:
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
            declared = _context(info).get("languages") or []
            for lang in value._translated:
                if declared and lang not in declared:
                    raise PydanticCustomError(
                        "translated",
                        "'translated' names '{lang}', which is not declared in 'languages'",
                        {"lang": lang},
                    )
        return value

    @property
    def translated(self) -> dict[str, str]:
        return self._translated

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> Localised:
        _check_languages(self.root, info)
        for lang, text in self.root.items():
            _check_refs(text, lang, info)
            _check_markup(text, lang)
            _check_links(text, lang)
        return self

    def __getitem__(self, lang: str) -> str:
        return self.root[lang]


_TRANSLATED = TypeAdapter(dict[LangCode, Fingerprint])


class LocalisedList(RootModel[dict[LangCode, Annotated[list[Text], Field(max_length=limits.MAX_ITEMS)]]]):
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
    amount: Annotated[Decimal, Field(ge=0), AfterValidator(_bounded)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    label: Localised


class Count(FactBase):
    type: Literal["count"]
    value: Annotated[int, Field(ge=0), AfterValidator(_bounded)]
    label: Localised


class Number(FactBase):
    type: Literal["number"]
    value: Annotated[Decimal, AfterValidator(_bounded)]
    label: Localised


class Percent(FactBase):
    type: Literal["percent"]
    value: Annotated[Decimal, AfterValidator(_bounded)]  # 0.25 is 25 %
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
    members: Annotated[list[FactRef], Field(min_length=2, max_length=limits.MAX_GROUP_MEMBERS)]
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
    url: Url | None = None
    file: Text | None = None
    not_stated: Annotated[list[Localised], Field(max_length=limits.MAX_ITEMS)] = []


class Block(Strict):
    """A paragraph (`text`) or a bulleted list (`items`), with the source excerpts it rests on."""

    text: Localised | None = None
    items: Annotated[list[Localised], Field(min_length=1, max_length=limits.MAX_ITEMS)] | None = None
    basis: Annotated[Basis, Field(max_length=limits.MAX_EXCERPTS)] = []

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
    blocks: Annotated[list[Block], Field(min_length=1, max_length=limits.MAX_BLOCKS)]


class Section(Strict):
    id: KebabId | None = None
    title: Localised
    blocks: Annotated[list[Block], Field(max_length=limits.MAX_BLOCKS)] = []
    subsections: Annotated[list[Subsection], Field(max_length=limits.MAX_SUBSECTIONS)] = []


class Flag(Strict):
    kind: Literal["off-topic", "doubtful", "ambiguous", "unverified"]
    quote: Excerpt
    note: Localised


class Brief(Strict):
    id: KebabId
    version: Text
    date: dt.date
    languages: Annotated[list[LangCode], Field(min_length=1, max_length=limits.MAX_LANGUAGES)]
    # The language the prose is written in first (default: the first one).
    original: Annotated[LangCode, AfterValidator(_declared)] | None = None
    author: Text
    organisation: Text | None = None
    classification: Literal["public", "internal", "restricted", "confidential"] = "public"
    audience: Localised
    page_budget: int = Field(default=4, ge=1, le=100)
    keywords: LocalisedList | None = None
    source: Source
    facts: Annotated[dict[FactId, Fact], Field(max_length=limits.MAX_FACTS)] = {}
    key_facts: Annotated[list[FactRef], Field(max_length=limits.MAX_KEY_FACTS)] = []
    headline: Localised
    summary: Localised
    sections: Annotated[list[Section], Field(min_length=1, max_length=limits.MAX_SECTIONS)]
    flags: Annotated[list[Flag], Field(max_length=limits.MAX_FLAGS)] = []

    @field_validator("facts")
    @classmethod
    def _groups_bounded(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """No group contains itself; groups nest at most 3 deep and name at most 20 facts in all."""
        groups = {k: f.members for k, f in facts.items() if isinstance(f, Group)}
        for group in groups:
            cycle = _cycle(group, groups)
            if cycle:
                raise PydanticCustomError(
                    "group",
                    "group '{group}' contains itself: {cycle}",
                    {"group": group, "cycle": " → ".join(cycle), "fact": group},
                )
        for group in groups:
            chain, count = _extent(group, groups)
            if len(chain) > limits.MAX_GROUP_DEPTH:
                raise PydanticCustomError(
                    "group",
                    "groups nested more than {depth} deep: {chain}",
                    {"depth": limits.MAX_GROUP_DEPTH, "chain": " → ".join(chain), "fact": group},
                )
            if count > limits.MAX_GROUP_MEMBERS:
                raise PydanticCustomError(
                    "group",
                    "group '{group}' names {count} facts with the groups in it (at most {limit})",
                    {"group": group, "count": count, "limit": limits.MAX_GROUP_MEMBERS, "fact": group},
                )
        return facts

    @model_validator(mode="after")
    def _distinct_languages(self) -> Brief:
        if len(set(self.languages)) != len(self.languages):
            raise PydanticCustomError("lang_twice", "a language is listed twice in 'languages'")
        return self


def _cycle(start: str, groups: dict[str, list[str]]) -> list[str]:
    """The shortest chain of groups from `start` back to itself, or [] when there is none (no recursion)."""
    parents: dict[str, str] = {}
    queue = deque([start])
    while queue:
        group = queue.popleft()
        for member in groups.get(group, ()):
            if member in parents or member not in groups:
                continue
            parents[member] = group
            if member == start:
                chain = [start]
                while chain[-1] != start or len(chain) == 1:
                    chain.append(parents[chain[-1]])
                return chain[::-1]
            queue.append(member)
    return []


def _extent(
    group: str, groups: dict[str, list[str]], chain: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], int]:
    """The deepest chain of groups under `group` (stopping past the limit) and the facts it names in all."""
    chain = (*chain, group)
    if len(chain) > limits.MAX_GROUP_DEPTH:
        return chain, 0
    deepest, count = chain, 0
    for member in groups[group]:
        if member in groups:
            sub, n = _extent(member, groups, chain)
            deepest, count = max(deepest, sub, key=len), count + n
        else:
            count += 1
        if count > limits.MAX_GROUP_MEMBERS or len(deepest) > limits.MAX_GROUP_DEPTH:
            break
    return deepest, count
