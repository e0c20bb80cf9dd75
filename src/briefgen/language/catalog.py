"""Load a language's catalog, one file `catalogs/<lang>.yaml` (maybe extending another): everything that differs
by language, with its CLDR locale, checked and located."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from briefgen.brief.read import Located, load_yaml
from briefgen.errors import InputError, Problem
from briefgen.language.typography import NONE, RULES, SPACE_NAMES, Typography, Words

BUILTIN_CATALOGS = Path(__file__).parent / "catalogs"
REFERENCE_LANG = "en"
_CATALOG_KEYS = {
    "extends",
    "locale",
    "tag",
    "strings",
    "money",
    "facts",
    "quotes",
    "months",
    "units",
    "titles",
    "typography",
    "tex",
    "publish",
    "mail",
    "scaffold",
}
_TEX_KEYS = {"babel", "package", "patterns", "setup"}
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
class Money:
    """How an amount reads when its fact names no `currency_display` for the language."""

    scaled: str = "name"  # a round amount in words of its scale: 100 millions d’euros (a CURRENCY_DISPLAYS)
    digits: str = "symbol"  # an amount in digits: 2 500 € (a CURRENCY_DISPLAYS)
    elide: bool = False  # French: "de" elided before a vowel, 100 millions d’euros


@dataclass(frozen=True)
class Catalog:
    """Everything that differs by language: fixed strings, CLDR locale, quotation marks, typography rules, TeX
    names, money wording, the site's words and a new brief's placeholder texts."""

    lang: str
    file: Path
    locale: Locale
    tag: str  # BCP 47 tag written in the document (lang, /Lang, hyphenation)
    strings: dict[str, str]
    money: Money = Money()
    quotes: tuple[str, str, str, str] = ("“", "”", "‘", "’")  # outer open, close; inner open, close
    typography: Typography = NONE  # the rules applied to every text, in order
    babel: str = ""  # LaTeX babel's name of the language (french, british, ngerman)
    tex_package: str = ""  # the Debian package holding its babel file and hyphenation patterns
    tex_patterns: str = ""  # the file of its hyphenation patterns, for `briefgen doctor` (hyph-fr.tex)
    tex_setup: str = ""  # LaTeX written after babel is loaded with the language (\frenchsetup{…})
    facts: FactWords = FactWords()
    publish: Mapping[str, object] = field(default_factory=dict)  # the words of `briefgen publish`'s site
    mail: Mapping[str, object] = field(default_factory=dict)  # the words of `briefgen mail`'s messages
    scaffold: Mapping[str, object] = field(default_factory=dict)  # the placeholder texts of `briefgen new`
    dirs: tuple[Path, ...] = ()  # the folders it was looked up in, for the catalogs of other languages

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickled with its locale by name, read again from Babel's data where it is unpickled (an engine
        worker): 190 KB less for each document a worker is sent."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return _unpickled, ({**values, "locale": str(self.locale)},)

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
    """Every language with a catalog file: the languages are the files, `catalogs/<lang>.yaml`."""
    return sorted({p.stem for d in catalog_dirs(extra) if d.is_dir() for p in d.glob("*.yaml")})


def load_catalog(lang: str, extra: Sequence[Path] = ()) -> Catalog:
    """The catalog of `lang`, looked up in `extra` folders first. Raises InputError with file:line:col."""
    return _load_catalog(lang, tuple(d.resolve() for d in extra))


def catalog_for(tag: str, extra: Sequence[Path] = ()) -> Catalog | None:
    """The catalog of a language tag (en-US), else of its language (en); None when there is neither."""
    for lang in dict.fromkeys((tag, tag.split("-")[0])):
        if lang in available_languages(extra):
            return load_catalog(lang, extra)
    return None


def typography_for(tag: str, extra: Sequence[Path] = ()) -> Typography:
    """The typography of text in language `tag` (a source's): its catalog's rules, none without a catalog."""
    catalog = catalog_for(tag, extra)
    return catalog.typography if catalog is not None else NONE


def _file(lang: str, extra: tuple[Path, ...]) -> Path:
    file = next((d / f"{lang}.yaml" for d in catalog_dirs(extra) if (d / f"{lang}.yaml").is_file()), None)
    if file is None:
        shipped = ", ".join(available_languages(extra))
        raise InputError(
            f"no catalog for language '{lang}' (available: {shipped}); "
            f"add catalogs/{lang}.yaml to a theme folder (briefgen themes export briefing DIR copies them)"
        )
    return file


def _merged(base: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """`own` over `base`: mappings merged key by key, any other value replaced."""
    out = dict(base)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def _data(lang: str, extra: tuple[Path, ...], chain: tuple[str, ...] = ()) -> tuple[Located, dict[str, Any]]:
    """The nearest catalog file of `lang` read, and its data over that of the catalog it `extends`, or else over
    the next file of `lang` in a farther folder (a theme's `fr.yaml` merged key by key over the built-in one)."""
    file = _file(lang, extra)
    located = load_yaml(file)
    data = dict(located.data) if isinstance(located.data, dict) else {}
    base = data.pop("extends", None)
    if base is None:
        dirs = catalog_dirs(extra)
        farther = [d for d in dirs[dirs.index(file.parent) + 1 :] if (d / f"{lang}.yaml").is_file()]
        if not farther:
            return located, data
        _below, below = _data(lang, tuple(d for d in farther if d != BUILTIN_CATALOGS), chain)
        return located, _merged(below, data)
    if not isinstance(base, str) or base in (*chain, lang):
        what = " → ".join((*chain, lang, str(base)))
        raise InputError([located.problem(("extends",), f"'extends' names a catalog in a circle: {what}")])
    try:
        _base_located, base_data = _data(base, extra, (*chain, lang))
    except InputError as exc:
        raise InputError(
            [p if p.line else located.problem(("extends",), p.message) for p in exc.problems]
        ) from None
    return located, _merged(base_data, data)


@cache
def _load_catalog(lang: str, extra: tuple[Path, ...]) -> Catalog:
    located, data = _data(lang, extra)
    file = located.file
    problems: list[Problem] = list(located.problems)
    own = located.data if isinstance(located.data, dict) else {}
    for key in own:
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
    if not (
        isinstance(quotes, list)
        and len(quotes) == 4
        and all(isinstance(q, str) and q.strip() for q in quotes)
    ):
        problems.append(
            located.problem(
                ("quotes",), "'quotes' is a list of four marks: open, close, inner open, inner close"
            )
        )
        quotes = ["“", "”", "‘", "’"]
    words = Words(
        quotes=(quotes[0], quotes[1], quotes[2], quotes[3]),
        months=(*_months(locale), *_words(data, "months", located, problems)),
        units=_words(data, "units", located, problems),
        titles=_words(data, "titles", located, problems),
    )
    typography = data.get("typography")
    if isinstance(typography, str):  # the former form: a built-in catalog's rules and words, `typography: fr`
        typography = _named_typography(typography, located, problems)
    else:
        typography = Typography(_rules(typography, located, problems), words)
    tex = data.get("tex") or {}
    if not isinstance(tex, dict) or set(tex) - _TEX_KEYS or not all(isinstance(v, str) for v in tex.values()):
        problems.append(
            located.problem(
                ("tex",),
                "'tex' holds texts: 'babel' (babel's name of the language), 'package' (the Debian package of "
                "its files), 'patterns' (its hyphenation file) and 'setup' (LaTeX written after babel)",
            )
        )
        tex = {}
    money = _money(data.get("money"), located, problems)
    facts = _fact_words(data.get("facts"), located, problems)
    publish = _mapping(data, "publish", located, problems)
    mail = _mapping(data, "mail", located, problems)
    scaffold = _mapping(data, "scaffold", located, problems)
    if scaffold and lang != REFERENCE_LANG:
        for key in _load_catalog(REFERENCE_LANG, ()).scaffold:
            if key not in scaffold:
                problems.append(
                    located.problem(("scaffold",), f"missing 'scaffold.{key}' (see catalogs/en.yaml)")
                )
    if problems:
        raise InputError(problems)
    return Catalog(
        lang=lang,
        file=file,
        locale=locale,
        tag=str(data.get("tag", lang)),
        strings={k: str(v) for k, v in strings.items()},
        money=money,
        quotes=words.quotes,
        typography=typography,
        babel=str(tex.get("babel", "")),
        tex_package=str(tex.get("package", "")),
        tex_patterns=str(tex.get("patterns", "")),
        tex_setup=str(tex.get("setup", "")),
        facts=facts,
        publish=publish,
        mail=mail,
        scaffold=scaffold,
        dirs=extra,
    )


def _unpickled(values: dict[str, Any]) -> Catalog:
    return Catalog(**{**values, "locale": Locale.parse(values["locale"])})


def _months(locale: Locale) -> tuple[str, ...]:
    """The months as the locale writes them in dates, in full and abbreviated (CLDR's)."""
    return tuple(
        dict.fromkeys(
            name for width in ("wide", "abbreviated") for name in locale.months["format"][width].values()
        )
    )


def _words(data: Mapping[str, Any], key: str, located: Located, problems: list[Problem]) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        problems.append(located.problem((key,), f"'{key}' is a list of words"))
        return ()
    return tuple(value)


def _mapping(
    data: Mapping[str, Any], key: str, located: Located, problems: list[Problem]
) -> dict[str, object]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        problems.append(located.problem((key,), f"'{key}' is a mapping"))
        return {}
    return dict(value)


def _named_typography(name: str, located: Located, problems: list[Problem]) -> Typography:
    """`typography: fr`, as catalogs wrote it before they listed their rules: the rules and words (units, titles,
    months, quotes) of the built-in catalog of that name; `none`: no rules."""
    builtin = sorted(p.stem for p in BUILTIN_CATALOGS.glob("*.yaml"))
    if name == "none":
        return NONE
    if name not in builtin:
        problems.append(
            located.problem(
                ("typography",),
                f"unknown typography rules '{name}': list the rules (docs/themes.md, \"Catalogs\"), or name a "
                f"built-in catalog whose rules to take ({', '.join(builtin)}) or none",
            )
        )
        return NONE
    return _load_catalog(name, ()).typography


def _rules(
    data: object, located: Located, problems: list[Problem]
) -> tuple[tuple[str, tuple[tuple[str, object], ...]], ...]:
    """The catalog's `typography:` list: each item a rule's name, or a name with its settings."""
    if data is None:
        return ()
    if not isinstance(data, list):
        problems.append(
            located.problem(("typography",), "'typography' is a list of rules (a name, or name: {settings})")
        )
        return ()
    rules = []
    for index, item in enumerate(data):
        where = ("typography", index)
        settings: object = {}
        name = item if isinstance(item, str) else ""
        if isinstance(item, dict) and len(item) == 1:
            name, settings = next(iter(item.items()))
        if name not in RULES:
            problems.append(
                located.problem(where, f"unknown typography rule {name!r} (rules: {', '.join(RULES)})")
            )
            continue
        known = RULES[name][1]
        if not isinstance(settings, dict):
            problems.append(located.problem(where, f"'{name}' takes settings as a mapping: {name}: {{…}}"))
            continue
        good = True
        for key, value in settings.items():
            if key not in known:
                hint = f" (it has {', '.join(known)})" if known else " (it has none)"
                problems.append(
                    located.problem(
                        (*where, name, key), f"rule '{name}' has no setting '{key}'{hint}", at_key=True
                    )
                )
                good = False
            elif type(value) is not type(known[key]) or (key == "space" and value not in SPACE_NAMES):
                kind = {bool: "true or false", str: "a text"}.get(type(known[key]), "a value")
                allowed = f"one of: {', '.join(SPACE_NAMES)}" if key == "space" else kind
                problems.append(located.problem((*where, name, key), f"'{name}.{key}' is {allowed}"))
                good = False
        if good:
            rules.append((name, tuple(sorted(settings.items()))))
    return tuple(rules)


def _money(data: object, located: Located, problems: list[Problem]) -> Money:
    if data is None:
        return Money()
    if not isinstance(data, dict) or set(data) - {"scaled", "digits", "elide"}:
        problems.append(located.problem(("money",), "'money' holds 'scaled', 'digits' and 'elide'"))
        return Money()
    if isinstance(data.get("scaled"), str) and "{" in data["scaled"]:  # the former form: a pattern
        data = {**data, "scaled": "symbol" if "{symbol}" in data["scaled"] else "name"}
    for key in ("scaled", "digits"):
        if key in data and data[key] not in CURRENCY_DISPLAYS:
            problems.append(
                located.problem(("money", key), f"'money.{key}' is one of: {', '.join(CURRENCY_DISPLAYS)}")
            )
            return Money()
    if not isinstance(data.get("elide", False), bool):
        problems.append(located.problem(("money", "elide"), "'money.elide' is true or false"))
        return Money()
    return Money(
        scaled=str(data.get("scaled", "name")),
        digits=str(data.get("digits", "symbol")),
        elide=bool(data.get("elide", False)),
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


__all__ = [
    "Catalog",
    "FactWords",
    "Money",
    "available_languages",
    "catalog_for",
    "load_catalog",
    "typography_for",
]
