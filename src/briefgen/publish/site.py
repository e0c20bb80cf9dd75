"""Take briefs, their output folder and the site's folder; make every file of the site, then write it whole."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from briefgen.built import Built, built
from briefgen.errors import BriefgenError, InputError, Problem, display_path
from briefgen.publish import Briefing, Site, folder
from briefgen.publish.words import language_name, words_for
from briefgen.themes.layers import DEFAULT_THEME, Theme


def make(paths: list[Path], out: Path, site: Path) -> Site:
    """See `briefgen.publish.publish`."""
    from briefgen.publish.index import index
    from briefgen.publish.page import page
    from briefgen.publish.thumbs import thumbnail

    folder.check(site)  # before any work: a folder that may not be replaced is said at once
    found = built(paths, out, every_language=True)
    groups = _briefings(found, out)
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


def _briefings(found: list[list[Built]], out: Path) -> list[list[Briefing]]:
    """Each brief's briefings in the order of its languages; the briefs newest first, then by id."""
    from briefgen.build import Options, theme_of
    from briefgen.document.view import build_document
    from briefgen.language.catalog import load_catalog
    from briefgen.language.facts import format_day

    themes: dict[str, Theme] = {}
    problems: list[Problem] = []
    groups: list[list[Briefing]] = []
    for pdfs in found:
        order = pdfs[0].loaded.brief.languages
        group: list[Briefing] = []
        for pdf in sorted(pdfs, key=lambda p: order.index(p.lang) if p.lang in order else len(order)):
            name = str(pdf.entry.get("theme", DEFAULT_THEME))
            try:
                if name not in themes:
                    themes[name] = theme_of(Options(engine="weasyprint", theme=name))
                theme = themes[name]
                catalog = load_catalog(pdf.lang, theme.catalog_dirs)
            except BriefgenError as exc:
                where = display_path(out / pdf.name)
                problems += [Problem(where, 0, 0, f"its theme '{name}': {p.message}") for p in exc.problems]
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
