"""The typed, language-neutral facts of a brief: amounts, counts, dates, names and groups of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from briefgen.brief import limits
from briefgen.brief.text import Excerpt, FactRef, Localised, Strict, Text, bounded


class FactBase(Strict):
    label: Localised | None = None
    note: Localised | None = None
    basis: Excerpt | None = None


class Money(FactBase):
    type: Literal["money"]
    amount: Annotated[Decimal, Field(ge=0), AfterValidator(bounded)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    label: Localised


class Count(FactBase):
    type: Literal["count"]
    value: Annotated[int, Field(ge=0), AfterValidator(bounded)]
    label: Localised


class Number(FactBase):
    type: Literal["number"]
    value: Annotated[Decimal, AfterValidator(bounded)]
    label: Localised


class Percent(FactBase):
    type: Literal["percent"]
    value: Annotated[Decimal, AfterValidator(bounded)]  # 0.25 is 25 %
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
