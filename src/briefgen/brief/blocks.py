"""The blocks of a section, one model per kind: a paragraph, a list, a table, a figure, a quote, a timeline.

A block holds exactly one kind, named by its key (`text:`, `table:` …); `BlockKind` lists them, and each
stage that treats kinds one by one (the view, one template per engine) dispatches on it exhaustively.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from briefgen.brief import limits
from briefgen.brief.facts import Period, When, error_at
from briefgen.brief.text import Basis, Excerpt, Localised, Strict, Text, check_neutral, one_of_keys


def _neutral(text: Any, info: ValidationInfo) -> Any:
    """A cell written once for every language: words, names and fact references, never a bare number."""
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        return text
    if not isinstance(text, str):
        # No context: pydantic then leaves the braces of the message as written.
        raise PydanticCustomError(
            "cell_number",
            f'the number {text} in a table is a fact: define it under facts and write "{{{{fact_id}}}}" in the '
            "cell, so that each language writes it its own way (or quote it to print it as written)",
        )
    return text


def _neutral_refs(text: str, info: ValidationInfo) -> str:
    check_neutral(text, info)
    return text


NeutralText = Annotated[Text, BeforeValidator(_neutral), AfterValidator(_neutral_refs)]


def _cell_kind(value: Any) -> str:
    return "localised" if isinstance(value, dict) else "neutral"


# A table cell: a text in every language `{en: …, fr: …}`, or one text for all (names, fact references).
Cell = Annotated[
    Annotated[Localised, Tag("localised")] | Annotated[NeutralText, Tag("neutral")],
    Discriminator(_cell_kind),
]
CELL_TAGS = ("localised", "neutral")


class Column(Strict):
    title: Localised
    align: Literal["left", "right", "center"] = "left"


class Table(Strict):
    """A table: a header row of column titles, rows of cells, an optional caption."""

    caption: Localised | None = None
    columns: Annotated[list[Column], Field(min_length=1, max_length=limits.MAX_COLUMNS)]
    rows: Annotated[
        list[Annotated[list[Cell], Field(min_length=1)]], Field(min_length=1, max_length=limits.MAX_ROWS)
    ]

    @model_validator(mode="after")
    def _rectangular(self) -> Table:
        for number, row in enumerate(self.rows, 1):
            if len(row) != len(self.columns):
                raise PydanticCustomError(
                    "table_row",
                    "row {number} has {cells} cells for {columns} columns",
                    {"number": number, "cells": len(row), "columns": len(self.columns), "row": number - 1},
                )
        return self


FIGURE_FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg"}


def _figure_file(name: str) -> str:
    if PurePosixPath(name).suffix.lower() not in FIGURE_FORMATS:
        raise PydanticCustomError(
            "figure_format", "a figure is a PNG, JPEG or SVG file (.png, .jpg, .jpeg, .svg)"
        )
    return name


class Figure(Strict):
    """An image file in the brief's folder, with what it shows in words (`alt`) and an optional caption."""

    file: Annotated[Text, AfterValidator(_figure_file)]
    alt: Localised
    caption: Localised | None = None
    width: Annotated[Decimal, Field(gt=0, le=1)] = Decimal(1)  # a fraction of the text's width


class TimelineEvent(Strict):
    """A dated event: its date, of any precision as a date fact's (`2023-05-14`, `2023-05`, `2023`, `{value:
    2023, part: late}`), and what happened, in every language."""

    date: When
    text: Localised


def _span(period: Period) -> tuple[dt.date, dt.date]:
    """The first and last day of a day, a month or a year."""
    if period.day:
        return period.first_day, period.first_day
    if period.month:
        last = calendar.monthrange(period.year, period.month)[1]
        return period.first_day, dt.date(period.year, period.month, last)
    return period.first_day, dt.date(period.year, 12, 31)


class Timeline(Strict):
    """Dated events, earliest first, printed in the brief's order; one wholly before an earlier one is an error."""

    events: Annotated[list[TimelineEvent], Field(min_length=1, max_length=limits.MAX_ITEMS)]

    @model_validator(mode="after")
    def _in_order(self) -> Timeline:
        latest, latest_at = _span(self.events[0].date.value)[0], 0
        for number, event in enumerate(self.events):
            first, last = _span(event.date.value)
            if last < latest:  # a date that overlaps (2023 and 2023-05) may come either side of it
                raise error_at(
                    "timeline_order",
                    "{date} comes before {earlier} (event {above}, above it): a timeline lists its events in "
                    "date order, earliest first",
                    ("events", number, "date"),
                    str(event.date.value),
                    date=str(event.date.value),
                    earlier=str(self.events[latest_at].date.value),
                    above=latest_at + 1,
                )
            if first > latest:
                latest, latest_at = first, number
        return self


# The kinds of block, in the order the schema lists them: each is a key of `Block` holding its own model.
BlockKind = Literal["text", "items", "table", "figure", "quote", "timeline"]
BLOCK_KINDS: tuple[BlockKind, ...] = get_args(BlockKind)


def _choices(kinds: tuple[str, ...]) -> str:
    return ", ".join(f"'{k}'" for k in kinds[:-1]) + f" or '{kinds[-1]}'"


class Block(Strict):
    """One of: a paragraph (`text`), a bulleted list (`items`), a `table`, a `figure`, a `quote` of a source
    (an excerpt, printed verbatim in its language) or a `timeline` of dated events; with the source excerpts it
    rests on (`basis`)."""

    model_config = ConfigDict(json_schema_extra=one_of_keys(*BLOCK_KINDS))

    text: Localised | None = None
    items: Annotated[list[Localised], Field(min_length=1, max_length=limits.MAX_ITEMS)] | None = None
    table: Table | None = None
    figure: Figure | None = None
    quote: Excerpt | None = None
    timeline: Timeline | None = None
    basis: Annotated[Basis, Field(max_length=limits.MAX_EXCERPTS)] = []

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        if sum(getattr(self, kind) is not None for kind in BLOCK_KINDS) != 1:
            raise PydanticCustomError("block_kind", f"a block holds exactly one of {_choices(BLOCK_KINDS)}")
        return self

    @property
    def kind(self) -> BlockKind:
        return next(kind for kind in BLOCK_KINDS if getattr(self, kind) is not None)


__all__ = [
    "BLOCK_KINDS",
    "CELL_TAGS",
    "FIGURE_FORMATS",
    "Block",
    "BlockKind",
    "Cell",
    "Column",
    "Figure",
    "Table",
    "Timeline",
    "TimelineEvent",
]
