"""Format typed facts in a language's CLDR locale with Babel: money, counts, numbers, percentages, dates, lists.

A value keeps every significant digit the brief wrote (€1.25B, never €1.2B); a negative one takes a real minus
sign, U+2212; a range reads with the catalog's range pattern, its currency, scale or unit written once when
both ends share it ("10–20 km", "€1–2 billion").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_name,
    get_currency_symbol,
    get_currency_unit_pattern,
    parse_pattern,
)
from babel.units import format_unit

from briefgen.brief import limits, model
from briefgen.brief.facts import Period, Range, When
from briefgen.brief.read import Located
from briefgen.errors import InputError, Problem, display_path
from briefgen.language.catalog import Catalog

MINUS = "\u2212"  # CLDR gives en, fr and de the hyphen-minus; print gives them the minus sign
NBSP = "\u00a0"
# At most this many significant digits in a scaled amount (113.4 million): one with more is printed in full.
SCALED_DIGITS = 4
_VOWELS = "aeiouyhàâéèêëîïôœùûü"
# The digits of one formatted number, with its group and decimal separators: 1,250.5 / 1 250,5 / 1.250,5
_NUMBER = re.compile(r"\d(?:[.,\u00a0\u202f’'٬]?\d)*")


def _signed(text: str, value: Decimal) -> str:
    """`text`, the value as Babel formats it, with the hyphen-minus of a negative value made a minus sign."""
    return text.replace("-", MINUS, 1) if value < 0 else text


def _range(low: str, high: str, catalog: Catalog, together: bool) -> str:
    """The two ends as one range: the number of `low` set before that of `high` when they share their words
    (`together`: "10–20 %", "€1–2 billion"), else both in full ("€500 million – €1.5 billion")."""
    lows, highs = _NUMBER.findall(low), list(_NUMBER.finditer(high))
    if together and len(lows) == 1 and len(highs) == 1:
        number = highs[0]
        span = catalog.facts.patterns["range"].format(low=lows[0], high=number.group())
        return high[: number.start()] + span + high[number.end() :]
    return catalog.facts.patterns["range_apart"].format(low=low, high=high)


# -- exact numbers and their scale -----------------------------------------------------------------


def _divisor(value: Decimal, formats: Mapping[str, Mapping[str, object]]) -> int:
    """What CLDR's compact pattern for `value` divides it by: 10**6 for "1.5 million"; 1 for none ("1.200")."""
    for magnitude in sorted(map(int, formats["other"]), reverse=True):
        if abs(value) >= magnitude:
            pattern = parse_pattern(formats["other"][str(magnitude)]).pattern  # type: ignore[arg-type]
            return 1 if pattern == "0" else magnitude // 10 ** (pattern.count("0") - 1)
    return 1


def _places(value: Decimal, divisor: int) -> int | None:
    """The fraction digits `value / divisor` needs to keep every digit: None for no scale, or for a value with
    more significant digits than a scaled number may show (1 234 567 has no exact short form)."""
    exact = value.normalize()
    if divisor == 1 or len(exact.as_tuple().digits) > SCALED_DIGITS:
        return None
    exponent = (abs(exact) / divisor).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else None


def _exact(value: Decimal, loc: Locale) -> str:
    return format_decimal(value, locale=loc, decimal_quantization=False)


def _compact_scale(value: Decimal, loc: Locale) -> int:
    """The divisor of a count or number in its compact form (1: written in full)."""
    divisor = _divisor(value, loc.compact_decimal_formats["short"])
    return divisor if _places(value, divisor) is not None else 1


def _compact(value: Decimal, loc: Locale) -> str:
    """A count or number shortened by its scale without losing a digit ("1.25K", "12 Mio."), else in full."""
    places = _places(value, _compact_scale(value, loc))
    if places is None:
        return _signed(_exact(value, loc), value)
    return _signed(format_compact_decimal(value, locale=loc, fraction_digits=places), value)


def _scale_of(value: Decimal, loc: Locale, compact: bool) -> int:
    """The divisor a value is written with (1: in full), in a compact or long scaled form."""
    formats = loc.compact_currency_formats["short"] if compact else loc.compact_decimal_formats["long"]
    divisor = _divisor(value, formats)
    if not compact and abs(value) < 1_000_000:
        return 1
    return divisor if _places(value, divisor) is not None else 1


# -- money -----------------------------------------------------------------------------------------


def _short_name(currency: str, count: Decimal, catalog: Catalog) -> str:
    names = catalog.facts.currencies.get(currency)
    if names is None:
        known = ", ".join(sorted(catalog.facts.currencies))
        raise InputError(
            Problem(
                display_path(catalog.file),
                0,
                0,
                f"no short name for {currency} in the catalog's 'facts.currencies' (it has {known}): "
                "add one there, or write another currency_display",
            )
        )
    return names.get(catalog.locale.plural_form(abs(count))) or names["other"]


def _wording(display: str, currency: str, count: Decimal, catalog: Catalog) -> str:
    """The currency as `display` asks: its CLDR name or symbol, its ISO code, or the catalog's short name."""
    loc = catalog.locale
    if display == "name":
        return get_currency_name(currency, count=abs(count), locale=loc)
    if display == "short":
        return _short_name(currency, count, catalog)
    if display == "symbol":
        return get_currency_symbol(currency, loc)
    return currency


def _scaled_money(amount: Decimal, fact: model.Money, catalog: Catalog) -> str:
    """100 millions d’euros, €1.25 billion: the scale in words, the currency as the catalog writes it."""
    loc = catalog.locale
    places = _places(amount, _divisor(amount, loc.compact_decimal_formats["long"]))
    number = format_compact_decimal(abs(amount), format_type="long", locale=loc, fraction_digits=places or 0)
    number = number.replace(" ", NBSP)  # 100 millions: never broken between number and scale
    display = fact.display_in(catalog.lang) or catalog.money.scaled
    pattern = catalog.facts.scaled[display]
    text = pattern.format(number=number, currency=_wording(display, fact.currency, amount, catalog))
    if catalog.money.elide:
        text = re.sub(rf"\b([dl])e (?=[{_VOWELS}])", r"\1’", text)
    return MINUS + text if amount < 0 else text


def _plain_money(amount: Decimal, fact: model.Money, catalog: Catalog, cents: bool) -> str:
    """An amount in digits, with its cents when it has some (`cents`: also when the other end of its range has)."""
    loc = catalog.locale
    display = fact.display_in(catalog.lang) or catalog.money.digits
    if display in ("name", "short"):
        number = parse_pattern(loc.decimal_formats[None]).apply(
            abs(amount), loc, currency=fact.currency, currency_digits=cents, decimal_quantization=False
        )
        unit = get_currency_unit_pattern(fact.currency, count=abs(amount), locale=loc)
        word = _wording(display, fact.currency, amount, catalog)
        return (MINUS if amount < 0 else "") + unit.format(number, word)
    pattern = loc.currency_formats["standard"].pattern
    if not cents:
        pattern = re.sub(r"\.0+", "", pattern)
    if display == "code":
        pattern = pattern.replace("¤", "¤¤")
    text = format_currency(
        amount, fact.currency, format=pattern, locale=loc, currency_digits=cents, decimal_quantization=False
    )
    if display == "code":  # CLDR's currency spacing, which Babel leaves out: USD 2,500
        text = re.sub(r"(?<=[A-Z]{3})(?=\d)|(?<=\d)(?=[A-Z]{3})", NBSP, text)
    return _signed(text, amount)


def _money(amount: Decimal, fact: model.Money, catalog: Catalog, style: str, scale: int, cents: bool) -> str:
    if scale > 1 and style in ("compact", "short"):
        places = _places(amount, scale) or 0
        text = format_compact_currency(amount, fact.currency, locale=catalog.locale, fraction_digits=places)
        return _signed(text, amount)
    if scale > 1:
        return _scaled_money(amount, fact, catalog)
    return _plain_money(amount, fact, catalog, cents)


def format_money(fact: model.Money, catalog: Catalog, style: str = "") -> str:
    compact = style in ("compact", "short")
    ends = [fact.amount.low, fact.amount.high] if isinstance(fact.amount, Range) else [fact.amount]
    scales = [_scale_of(a, catalog.locale, compact) for a in ends]
    if 1 in scales:  # written in full: both ends alike, with cents if either has some
        scales = [1] * len(ends)
    cents = any(a != a.to_integral_value() for a in ends)
    texts = [_money(a, fact, catalog, style, s, cents) for a, s in zip(ends, scales, strict=True)]
    if len(texts) == 1:
        return texts[0]
    return _range(texts[0], texts[1], catalog, together=scales[0] == scales[1] and ends[0] >= 0)


# -- counts, numbers, percentages ------------------------------------------------------------------


def _spelled(value: int, catalog: Catalog) -> str:
    """A count in words in the catalog's language (num2words: six, six, sechs; septante in Swiss French).
    num2words is imported here, for the briefs that spell a count: 0.02 s."""
    from num2words import CONVERTER_CLASSES, num2words  # type: ignore[import-untyped]

    loc = catalog.locale
    lang = next((c for c in (str(loc), loc.language) if c in CONVERTER_CLASSES), None)
    if lang is None:
        raise InputError(
            Problem(
                display_path(catalog.file),
                0,
                0,
                f"cannot write numbers in words in '{loc}' (num2words does not know it): remove 'spell'",
            )
        )
    return str(num2words(value, lang=lang))


def _exact_pattern(loc: Locale) -> str:
    """The locale's decimal pattern with as many fraction digits as a brief may write."""
    whole = str(loc.decimal_formats[None].pattern).split(";")[0].split(".")[0]
    return whole + "." + "#" * limits.MAX_DECIMALS


def _number(value: Decimal, fact: model.Number, catalog: Catalog, style: str) -> str:
    loc = catalog.locale
    if fact.unit:
        width = "short" if style in ("short", "compact") else fact.unit_display or "long"
        text = format_unit(value, fact.unit, width, format=_exact_pattern(loc), locale=loc)
        return _signed(text, value)
    if style == "compact":
        return _compact(value, loc)
    return _signed(_exact(value, loc), value)


def _each(
    value: Decimal | Range[Decimal],
    show: Callable[[Decimal], str],
    catalog: Catalog,
    scale: Callable[[Decimal], int] | None = None,
) -> str:
    """One value shown, or a range of two, with their words once when the low end is not negative and both
    ends have the same `scale` ("10–20K"; "500K – 1.5M")."""
    if not isinstance(value, Range):
        return show(value)
    low, high = value.low, value.high
    together = low >= 0 and (scale is None or scale(low) == scale(high))
    return _range(show(low), show(high), catalog, together)


def _count(fact: model.Count, catalog: Catalog, style: str) -> str:
    loc = catalog.locale
    if fact.spell and style != "short" and isinstance(fact.value, int):
        return _spelled(fact.value, catalog)
    value = fact.value
    exact = Range(Decimal(value.low), Decimal(value.high)) if isinstance(value, Range) else Decimal(value)
    if style == "compact":
        return _each(exact, lambda v: _compact(v, loc), catalog, lambda v: _compact_scale(v, loc))
    return _each(exact, lambda v: _exact(v, loc), catalog)


def _percent(value: Decimal, catalog: Catalog) -> str:
    return _signed(format_percent(value, locale=catalog.locale, decimal_quantization=False), value)


# -- dates -----------------------------------------------------------------------------------------


def format_when(value: When | Period | dt.date, catalog: Catalog, style: str = "") -> str:
    """A date of any precision as the catalog's language writes it: 14 June 2023, June 2023, mid-2023,
    around 2023 (`style` "short": 14 Jun 2023, Jun 2023)."""
    when = value if isinstance(value, When) else When.model_validate(value)
    period, loc, short = when.value, catalog.locale, style == "short"
    match period.precision:
        case "day":
            text = format_date(period.first_day, "medium" if short else "long", locale=loc)
        case "month":
            text = format_skeleton("yMMM" if short else "yMMMM", period.first_day, locale=loc)
        case _:
            text = format_skeleton("y", period.first_day, locale=loc)
    if when.part:
        return catalog.facts.patterns[when.part].format(date=text)
    if when.approximate:
        return catalog.facts.patterns["around_" + period.precision].format(date=text)
    return text


def format_day(value: dt.date | When | Period, catalog: Catalog) -> str:
    """A day in full, 14 June 2023 (a date of another precision as `format_when` writes it)."""
    if isinstance(value, dt.date):
        return format_date(value, "long", locale=catalog.locale)
    return format_when(value, catalog)


def format_event(fact: model.Event, catalog: Catalog, style: str = "") -> str:
    """An event with its date, 'ai-PULSE, 14 June 2023'; its name alone when its date is not known."""
    if fact.date is None:
        return fact.name
    return catalog.facts.patterns["event"].format(name=fact.name, date=format_when(fact.date, catalog, style))


# -- any fact --------------------------------------------------------------------------------------


def format_fact(
    fact: model.Fact, catalog: Catalog, style: str = "", facts: Mapping[str, model.Fact] | None = None
) -> str:
    """The value of a fact as the reader of `catalog`'s language writes it (`facts`: for groups' members).

    `style` is a reference's: "compact" shortens amounts and counts (€100M), "short" also dates (14 Jun 2023)
    and units (12 km) and keeps a spelled count in digits; "long" gives an event with its date.
    """
    loc = catalog.locale
    match fact:
        case model.Group():
            members = [format_fact((facts or {})[m], catalog, style, facts) for m in fact.members]
            return format_list(members, locale=loc)
        case model.Money():
            return format_money(fact, catalog, style)
        case model.Count():
            return _count(fact, catalog, style)
        case model.Number():
            number, scale = fact, (lambda v: _compact_scale(v, loc)) if style == "compact" else None
            return _each(fact.value, lambda v: _number(v, number, catalog, style), catalog, scale)
        case model.Percent():
            return _each(fact.fraction, lambda v: _percent(v, catalog), catalog)
        case model.DateFact():
            return format_when(fact.when, catalog, style)
        case model.Event():
            return format_event(fact, catalog, style) if style == "long" else fact.name
        case model.Place() | model.Organisation() | model.Person():
            return fact.name
    raise AssertionError(f"unhandled fact {fact!r}")


def fact_problems(facts: Mapping[str, model.Fact], catalog: Catalog, located: Located) -> list[Problem]:
    """What the catalog's language cannot write of the facts (a currency with no short name in the catalog, a
    count in words in a language num2words does not know), located at the fact's field in the brief."""
    problems = []
    for fact_id, fact in facts.items():
        field = {model.Money: "currency_display", model.Count: "spell"}.get(type(fact))
        if field is None:
            continue
        try:
            format_fact(fact, catalog)
        except InputError as exc:
            where: tuple[str, ...] = ("facts", fact_id, field)
            if isinstance(fact, model.Money) and isinstance(fact.currency_display, dict):
                where += (catalog.lang,)
            problems += [located.problem(where, f"{catalog.lang}: {p.message}") for p in exc.problems]
    return problems


def language_name(code: str, catalog: Catalog) -> str:
    """The name of language `code` in the catalog's language, e.g. 'français' / 'French'."""
    return Locale.parse(code, sep="-").get_display_name(catalog.locale) or code


__all__ = [
    "fact_problems",
    "format_day",
    "format_event",
    "format_fact",
    "format_money",
    "format_when",
    "language_name",
]
