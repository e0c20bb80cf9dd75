"""Give each language its catalog of fixed strings and format typed facts for its locale with Babel (CLDR)."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
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

from briefgen import model
from briefgen.errors import InputError, Problem
from briefgen.load import load_yaml

BUILTIN_CATALOGS = Path(__file__).parent / "catalogs"
REFERENCE_LANG = "en"
_VOWELS = "aeiouyhàâéèêëîïôœùûü"
_CATALOG_KEYS = {"locale", "tag", "strings", "money"}


@dataclass(frozen=True)
class Catalog:
    """The fixed strings of one language and the CLDR locale its facts are formatted in."""

    lang: str
    file: Path
    locale: Locale
    tag: str  # BCP 47 tag written in the document (lang, /Lang, hyphenation)
    strings: dict[str, str]
    money: dict[str, object]

    def __call__(self, key: str, **fields: object) -> str:
        text = self.strings[key]
        return text.format(**fields) if fields else text

    def split(self, key: str) -> list[tuple[str, str]]:
        """A pattern as ('text', literal) and ('field', name) parts, for engines that fill fields themselves."""
        parts = []
        for literal, name, _spec, _conv in string.Formatter().parse(self.strings[key]):
            if literal:
                parts.append(("text", literal))
            if name:
                parts.append(("field", name))
        return parts


def catalog_dirs(templates: Path | None) -> list[Path]:
    """Where catalogs are looked up: the user's `--templates DIR/catalogs` first, then the built-in ones."""
    dirs = [templates / "catalogs"] if templates else []
    return [*dirs, BUILTIN_CATALOGS]


def available_languages(templates: Path | None = None) -> list[str]:
    return sorted({p.stem for d in catalog_dirs(templates) if d.is_dir() for p in d.glob("*.yaml")})


def load_catalog(lang: str, templates: Path | None = None) -> Catalog:
    """The catalog of `lang`. Raises InputError naming what is missing or wrong, with file:line:col."""
    return _load_catalog(lang, templates.resolve() if templates else None)


@cache
def _load_catalog(lang: str, templates: Path | None) -> Catalog:
    file = next((d / f"{lang}.yaml" for d in catalog_dirs(templates) if (d / f"{lang}.yaml").is_file()), None)
    if file is None:
        shipped = ", ".join(available_languages(templates))
        raise InputError(
            f"no catalog for language '{lang}' (available: {shipped}); "
            f"add catalogs/{lang}.yaml to a --templates folder"
        )
    located = load_yaml(file)
    data = located.data if isinstance(located.data, dict) else {}
    problems: list[Problem] = list(located.problems)
    for key in data:
        if key not in _CATALOG_KEYS:
            problems.append(located.problem((key,), f"unknown catalog key '{key}'", at_key=True))
    strings = data.get("strings") or {}
    if lang != REFERENCE_LANG:
        reference = _load_catalog(REFERENCE_LANG, None).strings
        for key in reference:
            if not isinstance(strings.get(key), str) or not strings[key].strip():
                problems.append(
                    located.problem(("strings",), f"missing string '{key}' (see catalogs/en.yaml)")
                )
    try:
        locale = Locale.parse(str(data.get("locale", lang)))
    except (UnknownLocaleError, ValueError) as exc:
        problems.append(located.problem(("locale",), f"unknown CLDR locale: {exc}"))
        locale = Locale.parse("en")
    if problems:
        raise InputError(problems)
    return Catalog(
        lang=lang,
        file=file,
        locale=locale,
        tag=str(data.get("tag", lang)),
        strings={k: str(v) for k, v in strings.items()},
        money=dict(data.get("money") or {}),
    )


# -- facts ---------------------------------------------------------------------------------------------


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


def format_day(value: object, catalog: Catalog) -> str:
    return format_date(value, "long", locale=catalog.locale)


def language_name(code: str, catalog: Catalog) -> str:
    """The name of language `code` in the catalog's language, e.g. 'français' / 'French'."""
    name = Locale.parse(code).get_display_name(catalog.locale) or code
    return name


__all__ = ["Catalog", "available_languages", "format_day", "format_fact", "language_name", "load_catalog"]
