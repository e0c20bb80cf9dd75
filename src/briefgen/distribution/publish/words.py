"""Take a briefing's catalog; give the site's words in its language, its language's name, counts and sizes.

The words are the catalog's `publish:`; a language whose catalog has none gets the English ones, and `lang` says
so, for the markup to carry it. Counts of pages follow the language's CLDR plural rules, sizes its number format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel import Locale

from briefgen.language.catalog import Catalog, load_catalog

FALLBACK = "en"


@dataclass(frozen=True)
class Words:
    lang: str  # the language the words are in: the briefing's, or FALLBACK's tag when its catalog has none
    locale: Locale  # the briefing's, for numbers and plurals
    strings: dict[str, Any]

    def __call__(self, key: str) -> str:
        return str(self.strings[key])

    def pages(self, count: int) -> str:
        forms = self.strings["pages"]
        category = Locale.parse(self.lang.replace("-", "_")).plural_form(count)
        return str(forms.get(category, forms["other"])).format(count=count)

    def size(self, size: int) -> str:
        """A file's size in kilobytes or megabytes, with the language's units: 53 kB, 53 ko."""
        from babel.units import format_unit

        if size < 1_000_000:
            return format_unit(max(1, round(size / 1000)), "digital-kilobyte", "short", locale=self.locale)
        return format_unit(round(size / 1_000_000, 1), "digital-megabyte", "short", locale=self.locale)


def words_for(catalog: Catalog) -> Words:
    """The site's words in the catalog's language (or English, said by `lang`)."""
    if catalog.publish:
        return Words(catalog.tag, catalog.locale, dict(catalog.publish))
    return Words(FALLBACK, catalog.locale, dict(load_catalog(FALLBACK).publish))


def english() -> Words:
    """The words of the index's own heading."""
    return Words(FALLBACK, Locale.parse(FALLBACK), dict(load_catalog(FALLBACK).publish))


def language_name(catalog: Catalog) -> str:
    """The language's name in itself, with a capital: Français, English, Deutsch."""
    name = catalog.locale.get_language_name(catalog.locale) or catalog.lang
    return name[:1].upper() + name[1:]


__all__ = ["Words", "english", "language_name", "words_for"]
