"""The typed, language-neutral facts of a brief: amounts, counts, dates, names and groups of them.

A quantity is one value or a range `[low, high]`; a date is a day, a month or a year (`2023-05-14`,
`2023-05`, `2023`), maybe placed early, mid or late in its month or year, or approximate.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Generic, Literal, TypeVar

from babel import Locale
from babel.numbers import list_currencies
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ModelWrapValidatorHandler,
    PlainValidator,
    StrictBool,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, InitErrorDetails, PydanticCustomError

from briefgen.brief import limits
from briefgen.brief.text import (
    Excerpt,
    FactRef,
    Localised,
    Strict,
    Text,
    bounded,
    brief_context,
    one_of_keys,
)

N = TypeVar("N", int, Decimal)
Part = Literal["early", "mid", "late"]
CurrencyDisplay = Literal["name", "short", "symbol", "code"]
UnitDisplay = Literal["long", "short", "narrow"]
SPELLED = range(2, 101)  # the counts `spell: true` writes in words


@dataclass(frozen=True)
class Range(Generic[N]):
    """Two values of one quantity, low then high: `[10, 20]` in the brief, "10–20" in print."""

    low: N
    high: N


@dataclass(frozen=True)
class Period:
    """A day, a month or a year: `2023-05-14`, `2023-05` or `2023`."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Literal["day", "month", "year"]:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return "-".join(f"{n:02d}" for n in (self.year, self.month, self.day) if n)


def error_at(kind: str, message: str, loc: tuple[str | int, ...], given: Any, **ctx: Any) -> ValidationError:
    """A validation error at `loc` inside the value being validated (pydantic prefixes the value's place)."""
    detail = InitErrorDetails(type=PydanticCustomError(kind, message, ctx), loc=loc, input=given)
    return ValidationError.from_exception_data("fact", [detail])


# -- dates -----------------------------------------------------------------------------------------

_PERIOD = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DAY = TypeAdapter(dt.date)
_FORMATS = "write YYYY-MM-DD, YYYY-MM or YYYY, like 2023-05-14, 2023-05 or 2023"


def _period(value: Any) -> Period:
    """A day, month or year as YAML reads it: a date, `2023` (an integer) or a text like '2023-05'."""
    if isinstance(value, Period):
        return value
    if isinstance(value, dt.datetime):
        raise PydanticCustomError(
            "when", "a date has no time of day: write {day}", {"day": str(value.date())}
        )
    if isinstance(value, dt.date):
        return Period(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9999:
        value = f"{value:04d}"
    match = _PERIOD.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        shown = value if isinstance(value, str) else repr(value)
        raise PydanticCustomError("when", "'{value}' is not a date: " + _FORMATS, {"value": shown})
    year, month, day = (int(g) if g else None for g in match.groups())
    if day is not None:
        parsed = _DAY.validate_python(value.strip())  # pydantic's own errors, as for every other date
        return Period(parsed.year, parsed.month, parsed.day)
    reason = (
        "year 0 is out of range"
        if year == 0
        else "month value is outside expected range of 1-12"
        if month is not None and not 1 <= month <= 12
        else None
    )
    if reason:
        raise PydanticCustomError(
            "when", "'{value}' is not a valid date ({reason})", {"value": value, "reason": reason}
        )
    assert year is not None
    return Period(year, month)


# What an editor reading the JSON Schema accepts as a date of any precision: YAML reads `2023` as a number.
PERIOD_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
        {"type": "integer", "minimum": 1, "maximum": 9999},
    ],
    "description": "A day, a month or a year: YYYY-MM-DD, YYYY-MM or YYYY.",
}
PeriodValue = Annotated[Period, PlainValidator(_period), WithJsonSchema(PERIOD_SCHEMA)]


def _check_when(period: Period, part: Part | None, approximate: bool) -> None:
    if part and period.precision == "day":
        raise error_at(
            "when",
            "a part of a month or year (early June 2023, mid-2023) needs a month or a year, "
            "and {value} names its day: write {month}, or remove 'part'",
            ("part",),
            part,
            value=str(period),
            month=f"{period.year}-{period.month:02d}",
        )
    if part and approximate:
        raise error_at(
            "when",
            "not with 'part', which places the date approximately already",
            ("approximate",),
            approximate,
        )


class When(Strict):
    """A date of any precision: `2023-05-14`, `2023-05`, `2023`, or `{value: 2023, part: mid}` (mid-2023),
    `{value: 2023-06, approximate: true}` (around June 2023)."""

    value: PeriodValue
    part: Part | None = None
    approximate: StrictBool = False

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A bare date, or the mapping: what `_plain` below accepts."""
        return {"anyOf": [PERIOD_SCHEMA, handler(schema)]}

    @model_validator(mode="wrap")
    @classmethod
    def _plain(cls, data: Any, handler: ModelWrapValidatorHandler[When], _info: ValidationInfo) -> When:
        """A bare date stands for `{value: date}`; its errors are reported where it is written."""
        if isinstance(data, dict | When):
            return handler(data)
        return handler({"value": _period(data)})

    @model_validator(mode="after")
    def _consistent(self) -> When:
        _check_when(self.value, self.part, self.approximate)
        return self


# -- quantities ------------------------------------------------------------------------------------


def _range_of(adapter: TypeAdapter[Any]) -> Callable[[Any], Any]:
    """A validator of one value, or of a range `[low, high]` of two, each validated by `adapter`."""

    def validate(value: Any) -> Any:
        if isinstance(value, Range):
            value = [value.low, value.high]
        if not isinstance(value, list):
            return adapter.validate_python(value)
        if len(value) != 2:
            raise PydanticCustomError(
                "range",
                "a range is two values, low then high, like [10, 20] (this list has {n})",
                {"n": len(value)},
            )
        ends = []
        for end, item in zip(("low", "high"), value, strict=True):
            try:
                ends.append(adapter.validate_python(item))
            except ValidationError as exc:
                reason = exc.errors()[0]["msg"]
                raise PydanticCustomError(
                    "range",
                    "the {end} end of the range: {reason}",
                    {"end": end, "reason": reason[0].lower() + reason[1:]},
                ) from None
        low, high = ends
        if low >= high:
            raise PydanticCustomError(
                "range",
                "a range goes up, low then high: [{low}, {high}] does not"
                + (" (one value is written alone)" if low == high else ""),
                {"low": str(low), "high": str(high)},
            )
        return Range(low, high)

    return validate


def _fraction(value: Decimal) -> Decimal:
    """A percentage as a fraction, 0.25 for 25 %: a value of 1 or more is most likely a mistake."""
    if abs(value) >= 1:
        points = value * 100
        raise PydanticCustomError(
            "percent",
            "{value} would print as {points} %: 'value' is a fraction (0.08 for 8 %); "
            "write 'percent: {value}' for {value} %, or 'percent: {points}'",
            {"value": _plain(value), "points": _plain(points)},
        )
    return value


def _plain(value: Decimal) -> str:
    """A decimal as the brief would write it: 800, 0.08."""
    return format(value.normalize(), "f")


_AMOUNT = TypeAdapter(Annotated[Decimal, AfterValidator(bounded)])
_COUNT = TypeAdapter(Annotated[int, Field(ge=0), AfterValidator(bounded)])
_FRACTION = TypeAdapter(Annotated[Decimal, AfterValidator(bounded), AfterValidator(_fraction)])


def _one_or_range(one: dict[str, Any]) -> WithJsonSchema:
    """The JSON Schema of one value or of a range `[low, high]` of two."""
    pair = {"type": "array", "items": one, "minItems": 2, "maxItems": 2, "description": "A range: low, high."}
    return WithJsonSchema({"anyOf": [one, pair]})


_BOUNDS = {"minimum": -limits.MAX_NUMBER, "maximum": limits.MAX_NUMBER}
Amount = Annotated[
    Decimal | Range[Decimal],
    PlainValidator(_range_of(_AMOUNT)),
    _one_or_range({"type": "number", **_BOUNDS}),
]
CountValue = Annotated[
    int | Range[int],
    PlainValidator(_range_of(_COUNT)),
    _one_or_range({"type": "integer", "minimum": 0, "maximum": limits.MAX_NUMBER}),
]
Fraction = Annotated[
    Decimal | Range[Decimal],
    PlainValidator(_range_of(_FRACTION)),
    _one_or_range({"type": "number", "exclusiveMinimum": -1, "exclusiveMaximum": 1}),
]


# -- currencies and units --------------------------------------------------------------------------


def _did_you_mean(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _currency(code: str) -> str:
    known = sorted(list_currencies())
    if code not in known:
        alike = [c for c in known if c[0] == code[0]]  # EUX: EUR rather than XEU
        hint = _did_you_mean(code, alike) or " (an ISO 4217 code, like 'EUR' or 'USD')"
        raise PydanticCustomError(
            "currency", "'{code}' is not a currency CLDR knows{hint}", {"code": code, "hint": hint}
        )
    return code


@cache
def _units() -> dict[str, str]:
    """CLDR's units by name: 'kilometer' and 'length-kilometer' both name 'length-kilometer'."""
    full = sorted(Locale.parse("en").unit_display_names)
    return {**{u.split("-", 1)[1]: u for u in full}, **{u: u for u in full}}


def _unit(name: str) -> str:
    known = _units()
    if name not in known:
        short = sorted({u.split("-", 1)[1] for u in known.values()})
        raise PydanticCustomError(
            "unit",
            "unknown unit '{name}'{hint}; units are CLDR's, like kilometer, gigawatt, hour or length-kilometer",
            {"name": name, "hint": _did_you_mean(name, short)},
        )
    return known[name]


Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), AfterValidator(_currency)]
Unit = Annotated[str, AfterValidator(_unit)]


_DISPLAYS = ("name", "short", "symbol", "code")
_DISPLAY_ERROR = "input should be 'name', 'short', 'symbol' or 'code'"


def _displays(value: Any, info: ValidationInfo) -> CurrencyDisplay | dict[str, CurrencyDisplay]:
    """A currency display for every language (`short`), or one per language (`{fr: short, en: symbol}`, a
    language it does not name taking its catalog's), each error at the language it concerns."""
    if isinstance(value, str):
        if value not in _DISPLAYS:
            raise PydanticCustomError("currency_display", _DISPLAY_ERROR)
        return value  # type: ignore[return-value]
    if not isinstance(value, dict) or not value:
        raise PydanticCustomError(
            "currency_display", _DISPLAY_ERROR + ", or one of them per language: {fr: short, en: symbol}"
        )
    for lang, display in value.items():
        declared = brief_context(info).get("languages")
        if declared and lang not in declared:
            raise PydanticCustomError(
                "lang_undeclared", "language '{lang}' is not declared in 'languages'", {"lang": str(lang)}
            )
        if display not in _DISPLAYS:
            raise error_at("currency_display", _DISPLAY_ERROR, (str(lang),), display)
    return {str(k): v for k, v in value.items()}


_DISPLAY_SCHEMA = {"enum": list(_DISPLAYS)}
CurrencyDisplays = Annotated[
    CurrencyDisplay | dict[str, CurrencyDisplay],
    PlainValidator(_displays),
    WithJsonSchema(
        {
            "oneOf": [
                _DISPLAY_SCHEMA,
                {"type": "object", "additionalProperties": _DISPLAY_SCHEMA, "minProperties": 1},
            ]
        }
    ),
]


# -- the facts -------------------------------------------------------------------------------------


class FactBase(Strict):
    label: Localised | None = None
    note: Localised | None = None
    basis: Excerpt | None = None


class Money(FactBase):
    """An amount of a currency, maybe negative (a loss) or a range: `amount: [1000000000, 2000000000]`."""

    type: Literal["money"]
    amount: Amount
    currency: Currency
    currency_display: CurrencyDisplays | None = None  # default: the catalog's `money` (digits, scaled)
    label: Localised

    def display_in(self, lang: str) -> CurrencyDisplay | None:
        """The currency display the brief gives for `lang`; None: the catalog's."""
        if isinstance(self.currency_display, dict):
            return self.currency_display.get(lang)
        return self.currency_display


class Count(FactBase):
    """A whole number of things, or a range of them; `spell: true` writes it in words (six, six, sechs)."""

    type: Literal["count"]
    value: CountValue
    spell: StrictBool = False
    label: Localised

    @model_validator(mode="after")
    def _spelled(self) -> Count:
        if not self.spell or (isinstance(self.value, int) and self.value in SPELLED):
            return self
        if isinstance(self.value, Range):
            message = "a range stays in digits: remove 'spell'"
        elif self.value == 1:
            message = (
                "1 stays in digits: one takes the gender of its noun (un/une, ein/eine), "
                "so write it in the text"
            )
        else:
            message = "only counts from {low} to {high} are written in words; {value} stays in digits"
        raise error_at(
            "spell",
            message,
            ("spell",),
            self.spell,
            low=SPELLED.start,
            high=SPELLED.stop - 1,
            value=self.value,
        )


class Number(FactBase):
    """A number, maybe negative, a range, or a measure in a CLDR unit: `unit: kilometer`."""

    type: Literal["number"]
    value: Amount
    unit: Unit | None = None
    unit_display: UnitDisplay | None = None  # default: long (12 kilometres)
    label: Localised

    @model_validator(mode="after")
    def _display_of_a_unit(self) -> Number:
        if self.unit_display and not self.unit:
            raise error_at("unit", "needs a 'unit' (like kilometer)", ("unit_display",), self.unit_display)
        return self


class Percent(FactBase):
    """A percentage, as a fraction (`value: 0.25`) or in points (`percent: 25`): both are 25 %."""

    model_config = ConfigDict(json_schema_extra=one_of_keys("value", "percent"))

    type: Literal["percent"]
    value: Fraction | None = None
    percent: Amount | None = None
    label: Localised

    @model_validator(mode="after")
    def _one_spelling(self) -> Percent:
        if (self.value is None) == (self.percent is None):
            both = self.percent is not None
            raise error_at(
                "percent",
                ("a percentage is written once: as " if both else "a percentage needs ")
                + "'value' (a fraction: 0.08 for 8 %) or "
                + ("as " if both else "")
                + "'percent' (8 for 8 %)"
                + (", not both" if both else ""),
                ("percent",) if both else (),
                self.percent,
            )
        return self

    @property
    def fraction(self) -> Decimal | Range[Decimal]:
        """The percentage as a fraction: 0.25 for 25 %, whichever way it was written."""
        if self.percent is None:
            assert self.value is not None
            return self.value
        if isinstance(self.percent, Range):
            return Range(self.percent.low / 100, self.percent.high / 100)
        return self.percent / 100


class DateFact(FactBase):
    """A day, a month or a year, maybe placed in it (`part: mid`) or approximate (`approximate: true`)."""

    type: Literal["date"]
    value: PeriodValue
    part: Part | None = None
    approximate: StrictBool = False
    label: Localised

    @model_validator(mode="after")
    def _consistent(self) -> DateFact:
        _check_when(self.value, self.part, self.approximate)
        return self

    @property
    def when(self) -> When:
        return When.model_construct(value=self.value, part=self.part, approximate=self.approximate)


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
    """Something that happened, on a date of any precision (`date: 2023-06-14`), or on one not known (null)."""

    type: Literal["event"]
    name: Text
    date: When | None = None


class Group(FactBase):
    """Several facts named together, e.g. the founders: written as a list in each language's way."""

    type: Literal["group"]
    members: Annotated[list[FactRef], Field(min_length=2, max_length=limits.MAX_GROUP_MEMBERS)]
    label: Localised


Fact = Annotated[
    Money | Count | Number | Percent | DateFact | Place | Organisation | Person | Event | Group,
    Field(discriminator="type"),
]
