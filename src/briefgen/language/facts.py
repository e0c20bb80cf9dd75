"""Format typed facts in a language's CLDR locale with Babel: money, counts, numbers, percentages, dates, lists."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_name,
    get_currency_symbol,
)

from briefgen.brief import model
from briefgen.language.catalog import Catalog

_VOWELS = "aeiouyhàâéèêëîïôœùûü"


def _is_scaled(amount: Decimal) -> bool:
    """Amounts of a million or more that are round in their scale read better as '100 million'."""
    if amount < 1_000_000:
        return False
    digits = amount.adjusted()  # 8 for 100 000 000
    in_scale = amount.scaleb(-(digits - digits % 3))  # 100 (millions)
    return in_scale == in_scale.quantize(Decimal("0.1"))


def format_money(fact: model.Money, catalog: Catalog, style: str = "") -> str:
    loc = catalog.locale
    if style in ("compact", "short") and fact.amount >= 1000:
        return format_compact_currency(fact.amount, fact.currency, locale=loc, fraction_digits=1)
    if _is_scaled(fact.amount):
        number = format_compact_decimal(fact.amount, format_type="long", locale=loc, fraction_digits=1)
        number = number.replace(" ", "\u00a0")  # 100 millions: never broken between number and scale
        currency = get_currency_name(fact.currency, count=fact.amount, locale=loc)
        pattern = str(catalog.money.get("scaled", "{number} {currency}"))
        text = pattern.format(
            number=number, currency=currency, symbol=get_currency_symbol(fact.currency, loc)
        )
        if catalog.money.get("elide"):
            text = re.sub(rf"\b([dl])e (?=[{_VOWELS}])", r"\1’", text)
        return text
    if fact.amount == fact.amount.to_integral_value():
        pattern = loc.currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(fact.amount, fact.currency, format=pattern, locale=loc, currency_digits=False)
    return format_currency(fact.amount, fact.currency, locale=loc)


def format_fact(
    fact: model.Fact, catalog: Catalog, style: str = "", facts: Mapping[str, model.Fact] | None = None
) -> str:
    """The value of a fact as the reader of `catalog`'s language writes it (`facts`: for groups' members)."""
    loc = catalog.locale
    match fact:
        case model.Group():
            members = [format_fact((facts or {})[m], catalog, style, facts) for m in fact.members]
            return format_list(members, locale=loc)
        case model.Money():
            return format_money(fact, catalog, style)
        case model.Count():
            if style == "compact":
                return format_compact_decimal(fact.value, locale=loc)
            return format_decimal(fact.value, locale=loc)
        case model.Number():
            return format_decimal(fact.value, locale=loc)
        case model.Percent():
            return format_percent(fact.value, locale=loc, decimal_quantization=False)
        case model.DateFact():
            return format_date(fact.value, "medium" if style == "short" else "long", locale=loc)
        case model.Event():
            return fact.name
        case model.Place() | model.Organisation() | model.Person():
            return fact.name
    raise AssertionError(f"unhandled fact {fact!r}")


def format_day(value: dt.date, catalog: Catalog) -> str:
    return format_date(value, "long", locale=catalog.locale)


def language_name(code: str, catalog: Catalog) -> str:
    """The name of language `code` in the catalog's language, e.g. 'français' / 'French'."""
    return Locale.parse(code, sep="-").get_display_name(catalog.locale) or code


__all__ = ["format_day", "format_fact", "format_money", "language_name"]
