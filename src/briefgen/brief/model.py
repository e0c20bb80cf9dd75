"""The typed brief: metadata, sources, facts and side-by-side prose in sections of blocks."""

from __future__ import annotations

import datetime as dt
from collections import deque
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from briefgen.brief import limits
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
)
from briefgen.brief.text import (
    FACT_REF,
    Basis,
    Excerpt,
    FactId,
    FactRef,
    KebabId,
    LangCode,
    Localised,
    LocalisedList,
    Strict,
    Text,
    Url,
    declared_language,
    fingerprint,
    link_allowed,
    squash,
)


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
    original: Annotated[LangCode, AfterValidator(declared_language)] | None = None
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


__all__ = [
    "FACT_REF",
    "Block",
    "Brief",
    "Count",
    "DateFact",
    "Event",
    "Fact",
    "FactBase",
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
    "fingerprint",
    "link_allowed",
    "squash",
]
