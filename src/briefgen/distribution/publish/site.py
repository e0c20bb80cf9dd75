"""Take briefs, their output folder and the site's folder; make every file of the site, then write it whole.

The pages are made with the theme given (`--theme`, or the project file's), else with the built-in theme each
PDF was built with, else with the default theme: never with a theme folder the manifest names, as the manifest
is untrusted. A PDF built with another theme than its page's is said in a warning.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from briefgen.distribution.built import Built, built, by_language, theme_for, themed
from briefgen.distribution.publish import folder
from briefgen.distribution.publish.briefing import Briefing, Site
from briefgen.distribution.publish.page import ENGINE
from briefgen.distribution.publish.words import language_name, words_for
from briefgen.errors import InputError, Problem, display_path
from briefgen.themes.layers import Theme

log = logging.getLogger(__name__)


def make(
    paths: list[Path], out: Path, site: Path, theme: str | None = None, langs: tuple[str, ...] | None = None
) -> Site:
    """See `briefgen.distribution.publish.publish`."""
    from briefgen.backends import get_backend
    from briefgen.build import checked_theme
    from briefgen.distribution.publish.index import index
    from briefgen.distribution.publish.page import page
    from briefgen.distribution.publish.thumbs import thumbnail

    folder.check(site)  # before any work: a folder that may not be replaced is said at once
    themes: dict[str, Theme] = {}
    if theme is not None:  # a theme given that cannot be used is said once, before any other work
        themes[theme] = checked_theme(theme, get_backend(ENGINE))
    found = built(paths, out, every_language=True, langs=langs)
    groups = _briefings(found, out, theme, themes)
    files: dict[str, bytes] = {}
    for group in groups:
        for position, briefing in enumerate(group):
            thumb = thumbnail(briefing.pdf.data, display_path(out / briefing.pdf.name))
            files[briefing.thumb_name] = thumb.png
            files[briefing.pdf_name] = briefing.pdf.data
            group[position] = replace(briefing, thumb_width=thumb.width // 2, thumb_height=thumb.height // 2)
    problems: list[Problem] = []
    for group in groups:
        for briefing in group:
            try:
                files[briefing.html_name] = page(briefing, [b for b in group if b is not briefing])
            except InputError as exc:
                problems += exc.problems
    if problems:
        raise InputError(problems)
    files["index.html"] = index(groups)
    folder.write(site, files)
    return Site(site, groups, {name: len(data) for name, data in files.items()})


def _briefings(
    found: list[list[Built]], out: Path, given: str | None, themes: dict[str, Theme]
) -> list[list[Briefing]]:
    """Each brief's briefings in the order of its languages; the briefs newest first, then by id. `themes`: the
    themes loaded already, by name."""
    from briefgen.backends import get_backend
    from briefgen.build import checked_theme
    from briefgen.document.view import build_document
    from briefgen.language.facts import format_day

    problems: list[Problem] = []
    groups: list[list[Briefing]] = []
    for pdfs in found:
        group: list[Briefing] = []
        for pdf in by_language(pdfs):
            name = theme_for(pdf, out, given)
            try:
                theme, catalog = themed(
                    pdf, out, name, themes, lambda n: checked_theme(n, get_backend(ENGINE))
                )
            except InputError as exc:
                problems += exc.problems
                continue
            doc = build_document(pdf.loaded, pdf.lang, catalog)
            words = words_for(catalog)
            date = format_day(doc.date, catalog)
            group.append(Briefing(pdf, doc, catalog, theme, words, language_name(catalog), date))
        groups.append(group)
    if problems:
        raise InputError(problems)
    return sorted(groups, key=lambda g: (-g[0].doc.date.toordinal(), g[0].doc.id))


__all__ = ["make"]
