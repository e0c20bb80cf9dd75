"""The typed brief: metadata, sources, facts and side-by-side prose in sections of blocks (`blocks`)."""

from __future__ import annotations

import datetime as dt
from collections import deque
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from briefgen.brief import limits
from briefgen.brief.blocks import (  # the blocks' models are part of the brief's model
    BLOCK_KINDS,
    CELL_TAGS,
    FIGURE_FORMATS,
    Block,
    BlockKind,
    Cell,
    Column,
    Figure,
    Table,
)
from briefgen.brief.facts import (  # the fact models are part of the brief's model
    Count,
    DateFact,
    Event,
    Fact,
    FactBase,
    Group,
    Money,
    Number,
    Organisation,
    Percent,
    Person,
    Place,
    When,
)
from briefgen.brief.inline import FACT_REF, link_allowed
from briefgen.brief.text import (
    Cited,
    Excerpt,
    FactId,
    FactRef,
    KebabId,
    LangCode,
    Localised,
    LocalisedList,
    SourceId,
    Strict,
    Text,
    Url,
    declared_language,
    fingerprint,
    one_of_keys,
    squash,
)

SOURCE_KINDS = Literal[
    "press-article", "press-release", "report", "transcript", "interview", "filing", "web-page", "other"
]
# The kinds of source published to be passed on: their text goes into the PDF unless the source says
# `redistribute: false`. Any other kind's text (an article, a report, a transcript…) belongs to its author and goes
# in only when the source says `redistribute: true` (its licence allows it, or the rights are yours).
REDISTRIBUTABLE_KINDS = frozenset({"press-release"})


def _consent_by_kind(data: Any) -> Any:
    """A source that does not say `redistribute` takes its kind's rule (REDISTRIBUTABLE_KINDS)."""
    if isinstance(data, dict) and "redistribute" not in data:
        return {**data, "redistribute": data.get("kind") in REDISTRIBUTABLE_KINDS}
    return data


# Whether the source's text file may be attached to the PDFs: the author's consent, never guessed from the text.
Redistribute = Annotated[
    StrictBool,
    Field(
        description="Whether the source's text file may be attached to the PDFs (`--attach all`): true when "
        "its licence allows it or the rights are yours. Default: true for a press-release, false for every "
        "other kind. A source withheld is still named in the build record by its sha256.",
        json_schema_extra=lambda schema: schema.pop("default", None),
    ),
]


class Source(Strict):
    """The one source of a brief written before `sources:` existed. Its id is `source`."""

    _consent = model_validator(mode="before")(_consent_by_kind)

    kind: SOURCE_KINDS
    language: LangCode
    title: Text | None = None
    publication: Text | None = None
    published: When | None = None
    url: Url | None = None
    file: Text | None = None
    redistribute: Redistribute = False  # (the kind's rule when not written: _consent_by_kind)
    not_stated: Annotated[list[Localised], Field(max_length=limits.MAX_ITEMS)] = []


class Cites(Strict):
    """One source of a brief in `sources:`; excerpts name it by its id."""

    _consent = model_validator(mode="before")(_consent_by_kind)

    id: SourceId
    kind: SOURCE_KINDS
    language: LangCode
    title: Text | None = None
    outlet: Text | None = None
    date: When | None = None  # YYYY-MM-DD, YYYY-MM or YYYY, as for a date fact
    url: Url | None = None
    file: Text | None = None
    redistribute: Redistribute = False  # (the kind's rule when not written: _consent_by_kind)
    not_stated: Annotated[list[Localised], Field(max_length=limits.MAX_ITEMS)] = []


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
    """What in a source is off-topic, doubtful, ambiguous or unverified (quoting it), or what it leaves out
    (`omission`: the quote, if any, is where the gap shows)."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"kind": {"const": "omission"}}},
            "else": one_of_keys("quote"),
        }
    )

    kind: Literal["off-topic", "doubtful", "ambiguous", "unverified", "omission"]
    quote: Excerpt | None = None
    note: Localised

    @model_validator(mode="after")
    def _quoted(self) -> Flag:
        if self.quote is None and self.kind != "omission":
            raise PydanticCustomError(
                "flag_quote",
                "a '{kind}' flag quotes the source ('quote'); only 'omission' may not",
                {"kind": self.kind},
            )
        return self


class Brief(Strict):
    model_config = ConfigDict(json_schema_extra=one_of_keys("source", "sources"))

    id: KebabId
    version: Text
    date: dt.date
    languages: Annotated[list[LangCode], Field(min_length=1, max_length=limits.MAX_LANGUAGES)]
    # The language the prose is written in first (default: the first one).
    original: Annotated[LangCode, AfterValidator(declared_language)] | None = None
    author: Text
    organisation: Text | None = None
    classification: Literal["public", "internal", "restricted", "confidential"] = "public"
    # A draft carries a watermark on every page (the catalog's "status.draft"); a final brief none.
    status: Literal["draft", "final"] = "final"
    audience: Localised
    page_budget: int = Field(default=4, ge=1, le=100)
    keywords: LocalisedList | None = None
    source: Source | None = None  # the one source (the first format), or:
    sources: Annotated[list[Cites], Field(min_length=1, max_length=limits.MAX_SOURCES)] | None = None
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
    def _one_source_list(self) -> Brief:
        if (self.source is None) == (self.sources is None):
            raise PydanticCustomError(
                "sources", "a brief names its sources in 'sources' (or its one source in 'source'), not both"
            )
        return self  # (two sources of one id are reported before validation, where they are read)

    @cached_property
    def cited(self) -> tuple[Cites, ...]:
        """Every source, the one of `source:` as `Cites(id="source", …)`."""
        if self.sources is not None:
            return tuple(self.sources)
        src = self.source
        assert src is not None
        return (
            Cites(
                id="source",
                kind=src.kind,
                language=src.language,
                title=src.title,
                outlet=src.publication,
                date=src.published,
                url=src.url,
                file=src.file,
                redistribute=src.redistribute,
                not_stated=src.not_stated,
            ),
        )

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


__all__ = [
    "BLOCK_KINDS",
    "CELL_TAGS",
    "FACT_REF",
    "FIGURE_FORMATS",
    "REDISTRIBUTABLE_KINDS",
    "Block",
    "BlockKind",
    "Brief",
    "Cell",
    "Cited",
    "Cites",
    "Column",
    "Count",
    "DateFact",
    "Event",
    "Fact",
    "FactBase",
    "Figure",
    "Flag",
    "Group",
    "Localised",
    "LocalisedList",
    "Money",
    "Number",
    "Organisation",
    "Percent",
    "Person",
    "Place",
    "Section",
    "Source",
    "Subsection",
    "Table",
    "fingerprint",
    "link_allowed",
    "squash",
]
