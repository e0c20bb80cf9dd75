"""Compare the languages of a valid brief: same lists, same numbers, dates and URLs, translations up to date."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

from briefgen.brief.inline import Inline, parse
from briefgen.brief.model import FACT_REF, Localised, LocalisedList, fingerprint
from briefgen.brief.validate import LoadedBrief, walk
from briefgen.errors import BriefgenError, Problem
from briefgen.language.catalog import load_catalog

_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.,’']\d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)?")
_URL = re.compile(r"(?:https?://|mailto:|www\.)[^\s<>()\]]+[^\s<>()\].,;:!?]")


def _number_values(text: str, locale: Locale) -> Counter[Decimal]:
    """The numbers written in `text`, read with the locale's decimal and group symbols."""
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    values: Counter[Decimal] = Counter()
    for token in _NUMBER.findall(text):
        cleaned = re.sub(r"[ \u00a0\u202f’']", "", token)
        if group in (",", "."):
            parts = cleaned.split(decimal)
            integer = parts[0].replace(group, "")
            cleaned = integer + ("." + parts[1] if len(parts) == 2 else "")
        else:
            cleaned = cleaned.replace(decimal, ".")
        try:
            values[Decimal(cleaned).normalize()] += 1
        except InvalidOperation:
            continue
    return values


def _links(nodes: Inline) -> list[str]:
    out = []
    for node in nodes:
        if node.kind == "link":
            out.append(node.href)
        out += _links(node.children)
    return out


def _words_without_refs(text: str) -> str:
    return FACT_REF.sub(" ", text)


def compare(loaded: LoadedBrief, catalogs: Sequence[Path] = ()) -> list[Problem]:
    """Parity findings for one brief: errors for lists that differ in length, warnings for the rest."""
    brief, located = loaded.brief, loaded.located
    langs = brief.languages
    original = brief.original or langs[0]
    locales = {lang: _locale(lang, catalogs) for lang in langs}
    problems: list[Problem] = []
    for path, node in walk(brief):
        if isinstance(node, LocalisedList):
            lengths = {lang: len(node.root.get(lang, [])) for lang in langs}
            if len(set(lengths.values())) > 1:
                counts = ", ".join(f"{lang}: {n}" for lang, n in lengths.items())
                problems.append(located.problem(path, f"lists of different lengths ({counts})"))
        if not isinstance(node, Localised):
            continue
        texts = node.root
        numbers = {lang: _number_values(_words_without_refs(texts[lang]), locales[lang]) for lang in langs}
        refs = {lang: Counter(m.group(1) for m in FACT_REF.finditer(texts[lang])) for lang in langs}
        urls = {lang: Counter(_links(parse(texts[lang])) + _URL.findall(texts[lang])) for lang in langs}
        for lang in langs:
            for other in langs:
                if other == lang:
                    continue
                where = (*path, other)
                for value in numbers[lang] - numbers[other]:
                    problems.append(
                        located.problem(
                            where, f"the number {value:f} in '{lang}' is not in '{other}'", warning=True
                        )
                    )
                for fact in refs[lang] - refs[other]:
                    problems.append(
                        located.problem(
                            where, f"'{lang}' refers to {{{{{fact}}}}}, '{other}' does not", warning=True
                        )
                    )
                for url in urls[lang] - urls[other]:
                    problems.append(
                        located.problem(where, f"the URL {url} in '{lang}' is not in '{other}'", warning=True)
                    )
        for lang, recorded in node.translated.items():
            current = fingerprint(texts[original])
            if lang != original and recorded != current:
                problems.append(
                    located.problem(
                        (*path, lang),
                        f"the '{lang}' translation is older than its '{original}' original "
                        f"(recorded {recorded}, now {current}): update it, then record translated: {{{lang}: {current}}}",
                        warning=True,
                    )
                )
    return sorted(set(problems))


def _locale(lang: str, catalogs: Sequence[Path]) -> Locale:
    try:
        return load_catalog(lang, catalogs).locale
    except BriefgenError:  # a language without a catalog: read its numbers the CLDR way for its code
        return Locale.parse(lang, sep="-")
