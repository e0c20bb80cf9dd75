"""Load each language's catalog: its fixed strings, its CLDR locale and its typographic conventions."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

from briefgen.brief.read import Located, load_yaml
from briefgen.errors import InputError, Problem

BUILTIN_CATALOGS = Path(__file__).parent / "catalogs"
REFERENCE_LANG = "en"
_CATALOG_KEYS = {"locale", "tag", "strings", "money", "facts", "quotes", "typography", "tex"}
TYPOGRAPHY = ("fr", "en", "de", "none")  # the rule sets of briefgen.language.typography
# The patterns of `facts:` and the fields each fills in.
FACT_PATTERNS = {
    "range": {"low", "high"},
    "range_apart": {"low", "high"},
    "early": {"date"},
    "mid": {"date"},
    "late": {"date"},
    "around_day": {"date"},
    "around_month": {"date"},
    "around_year": {"date"},
    "event": {"name", "date"},
}
CURRENCY_DISPLAYS = ("name", "short", "symbol", "code")  # the keys of `facts.scaled`
_PLURALS = {"zero", "one", "two", "few", "many", "other"}  # CLDR's plural categories


@dataclass(frozen=True)
class FactWords:
    """How facts read beyond what CLDR holds: ranges, parts of a month or year, approximate dates, events,
    round amounts under each currency display, and the short names of currencies."""

    patterns: Mapping[str, str] = field(default_factory=dict)  # FACT_PATTERNS' keys
    scaled: Mapping[str, str] = field(default_factory=dict)  # CURRENCY_DISPLAYS' keys
    currencies: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # code → plural category → name


@dataclass(frozen=True)
class Catalog:
    """The fixed strings of one language and the CLDR locale its facts are formatted in."""

    lang: str
    file: Path
    locale: Locale
    tag: str  # BCP 47 tag written in the document (lang, /Lang, hyphenation)
    strings: dict[str, str]
    money: dict[str, object]
    quotes: tuple[str, str, str, str] = ("“", "”", "‘", "’")  # outer open, close; inner open, close
    typography: str = "none"  # the rule set applied to every text: fr, en, de, or none
    babel: str = ""  # LaTeX babel's name of the language (french, british, ngerman)
    tex_package: str = ""  # the Debian package holding its hyphenation patterns
    facts: FactWords = FactWords()

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


def catalog_dirs(extra: Sequence[Path] = ()) -> list[Path]:
    """Where catalogs are looked up: a theme's `catalogs/` folders, nearest first, then the built-in ones."""
    return [*extra, BUILTIN_CATALOGS]


def available_languages(extra: Sequence[Path] = ()) -> list[str]:
    return sorted({p.stem for d in catalog_dirs(extra) if d.is_dir() for p in d.glob("*.yaml")})


def load_catalog(lang: str, extra: Sequence[Path] = ()) -> Catalog:
    """The catalog of `lang`, looked up in `extra` folders first. Raises InputError with file:line:col."""
    return _load_catalog(lang, tuple(d.resolve() for d in extra))


@cache
def _load_catalog(lang: str, extra: tuple[Path, ...]) -> Catalog:
    file = next((d / f"{lang}.yaml" for d in catalog_dirs(extra) if (d / f"{lang}.yaml").is_file()), None)
    if file is None:
        shipped = ", ".join(available_languages(extra))
        raise InputError(
            f"no catalog for language '{lang}' (available: {shipped}); "
            f"add catalogs/{lang}.yaml to a theme folder (briefgen themes export briefing DIR copies them)"
        )
    located = load_yaml(file)
    data = located.data if isinstance(located.data, dict) else {}
    problems: list[Problem] = list(located.problems)
    for key in data:
        if key not in _CATALOG_KEYS:
            problems.append(located.problem((key,), f"unknown catalog key '{key}'", at_key=True))
    strings = data.get("strings") or {}
    if lang != REFERENCE_LANG:
        reference = _load_catalog(REFERENCE_LANG, ()).strings
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
    quotes = data.get("quotes", ["“", "”", "‘", "’"])
    if not (isinstance(quotes, list) and len(quotes) == 4 and all(isinstance(q, str) and q for q in quotes)):
        problems.append(
            located.problem(
                ("quotes",), "'quotes' is a list of four marks: open, close, inner open, inner close"
            )
        )
        quotes = ["“", "”", "‘", "’"]
    typography = str(data.get("typography", "none"))
    if typography not in TYPOGRAPHY:
        problems.append(
            located.problem(
                ("typography",), f"unknown typography rules '{typography}' (rules: {', '.join(TYPOGRAPHY)})"
            )
        )
    tex = data.get("tex") or {}
    if not isinstance(tex, dict) or set(tex) - {"babel", "package"}:
        problems.append(
            located.problem(
                ("tex",), "'tex' holds 'babel' (the babel language name) and 'package' (its Debian package)"
            )
        )
        tex = {}
    facts = _fact_words(data.get("facts"), located, problems)
    if problems:
        raise InputError(problems)
    return Catalog(
        lang=lang,
        file=file,
        locale=locale,
        tag=str(data.get("tag", lang)),
        strings={k: str(v) for k, v in strings.items()},
        money=dict(data.get("money") or {}),
        quotes=(quotes[0], quotes[1], quotes[2], quotes[3]),
        typography=typography,
        babel=str(tex.get("babel", "")),
        tex_package=str(tex.get("package", "")),
        facts=facts,
    )


def _pattern(value: object, fields: set[str], where: tuple[str, ...], located: Located) -> list[Problem]:
    """Problems of one pattern: a non-empty text whose fields in braces are among `fields`."""
    if not isinstance(value, str) or not value.strip():
        return [located.problem(where, f"'{'.'.join(where)}' is a text with {_braced(fields)}")]
    try:
        used = {name for _text, name, _spec, _conv in string.Formatter().parse(value) if name is not None}
    except ValueError as exc:
        return [located.problem(where, f"'{'.'.join(where)}': {exc} (write {{ and }} around a field)")]
    if used - fields:
        unknown = ", ".join(sorted(used - fields))
        return [
            located.problem(where, f"'{'.'.join(where)}' has no field {unknown} (it has {_braced(fields)})")
        ]
    return []


def _braced(fields: set[str]) -> str:
    return ", ".join(f"{{{f}}}" for f in sorted(fields))


def _fact_words(data: object, located: Located, problems: list[Problem]) -> FactWords:
    """The catalog's `facts:` mapping, every pattern checked; its problems are added to `problems`."""
    if not isinstance(data, dict):
        problems.append(
            located.problem(("facts",) if data is not None else (), "missing 'facts' (see catalogs/en.yaml)")
        )
        return FactWords()
    for key in data:
        if key not in {*FACT_PATTERNS, "scaled", "currencies"}:
            problems.append(located.problem(("facts", key), f"unknown key 'facts.{key}'", at_key=True))
    for key, fields in FACT_PATTERNS.items():
        if key not in data:
            problems.append(
                located.problem(("facts",), f"missing 'facts.{key}' (see catalogs/en.yaml)", at_key=True)
            )
        else:
            problems += _pattern(data[key], fields, ("facts", key), located)
    scaled = data.get("scaled")
    if not isinstance(scaled, dict) or set(scaled) != set(CURRENCY_DISPLAYS):
        problems.append(
            located.problem(
                ("facts", "scaled"),
                f"'facts.scaled' has one pattern for each of {', '.join(CURRENCY_DISPLAYS)}",
            )
        )
        scaled = {}
    for key, pattern in scaled.items():
        problems += _pattern(pattern, {"number", "currency"}, ("facts", "scaled", key), located)
    currencies: dict[str, dict[str, str]] = {}
    given = data.get("currencies") or {}
    if not isinstance(given, dict):
        problems.append(
            located.problem(("facts", "currencies"), "'facts.currencies' maps a currency to its names")
        )
        given = {}
    for code, names in given.items():
        forms = {"other": names} if isinstance(names, str) else names
        if (
            not isinstance(forms, dict)
            or "other" not in forms
            or set(forms) - _PLURALS
            or not all(isinstance(n, str) and n.strip() for n in forms.values())
        ):
            problems.append(
                located.problem(
                    ("facts", "currencies", code),
                    f"'facts.currencies.{code}' is a name, or names by CLDR plural category "
                    "with 'other': {one: dollar, other: dollars}",
                )
            )
            continue
        currencies[str(code)] = {str(k): str(v) for k, v in forms.items()}
    return FactWords(
        patterns={k: str(data.get(k, "")) for k in FACT_PATTERNS},
        scaled={k: str(v) for k, v in scaled.items()},
        currencies=currencies,
    )


__all__ = ["Catalog", "FactWords", "available_languages", "load_catalog"]
