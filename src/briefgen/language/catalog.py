"""Load each language's catalog: its fixed strings, its CLDR locale and its typographic conventions."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

from briefgen.brief.read import load_yaml
from briefgen.errors import InputError, Problem

BUILTIN_CATALOGS = Path(__file__).parent / "catalogs"
REFERENCE_LANG = "en"
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


__all__ = ["Catalog", "available_languages", "load_catalog"]
