"""Take a theme and a language's catalog; give what the theme's logo says to a reader who cannot see it.

A logo with alt text is a figure described in the document's language; a decorative one, or a file named alone
(a manifest written before logos had alt text), is page furniture: an artifact in a tagged PDF, read by no
screen reader. Templates get the text as `logo_alt`, "" for furniture.
"""

from __future__ import annotations

from briefgen.errors import InputError, Problem, display_path
from briefgen.language.catalog import Catalog
from briefgen.themes.layers import Layer, Theme

ALT = ("page", "logo", "alt")
FILE = ("page", "logo", "file")


def _layer(theme: Theme, path: tuple[str, ...]) -> Layer:
    """The layer that wrote `path` (or the nearest value above it), for a problem placed in its manifest."""
    probe = path
    while probe:
        if probe in theme.origin:
            return theme.origin[probe]
        probe = probe[:-1]
    return next(layer for layer in theme.layers if layer.located is not None)


def _problem(theme: Theme, path: tuple[str, ...], message: str, warning: bool = False) -> Problem:
    located = _layer(theme, path).located
    assert located is not None  # every layer in `origin` has a manifest
    return located.problem(path, message, warning=warning)


def _alt(theme: Theme, catalog: Catalog) -> tuple[str, Problem | None]:
    logo = theme.manifest.page.logo
    if theme.logo is None or logo is None or logo.alt is None:
        return "", None
    if isinstance(logo.alt, str):
        if logo.alt in catalog.strings:
            return catalog(logo.alt), None
        return "", _problem(
            theme,
            ALT,
            f"logo: no string '{logo.alt}' in the catalog of '{catalog.lang}' ({display_path(catalog.file)})",
        )
    if catalog.lang in logo.alt:
        return logo.alt[catalog.lang], None
    return "", _problem(
        theme,
        ALT,
        f"logo: no alt text in '{catalog.lang}', the language of a brief built with this theme "
        f"(alt has {', '.join(logo.alt)}); add {catalog.lang}: … to alt",
    )


def alt_problems(theme: Theme, catalog: Catalog) -> list[Problem]:
    """The logo has no alt text in the catalog's language: a problem at the manifest's alt line."""
    _text, problem = _alt(theme, catalog)
    return [problem] if problem is not None else []


def alt_text(theme: Theme, catalog: Catalog) -> str:
    """The logo's alt text in the catalog's language; "" when there is no logo or it is page furniture.
    Raises InputError (at the manifest's line) when the language has none."""
    text, problem = _alt(theme, catalog)
    if problem is not None:
        raise InputError(problem)
    return text


def undescribed(theme: Theme) -> Problem | None:
    """A logo named by its file alone, which a PDF/UA-1 build draws as an artifact: the warning that says so."""
    logo = theme.manifest.page.logo
    if theme.logo is None or logo is None or logo.alt is not None or logo.decorative:
        return None
    return _problem(
        theme,
        FILE,
        f"theme {theme.name}: its logo has no alt text; give logo: {{file, alt}} or decorative: true "
        "(it is drawn as an artifact, which screen readers skip)",
        warning=True,
    )


__all__ = ["alt_problems", "alt_text", "undescribed"]
