"""The example briefs' pages, read by the page-layout checker (tests/pagelayout.py): no page of a few leftover
lines, no heading or caveat label stranded at a page foot, no table split leaving fewer than three rows on a
side, no footnote away from its call's page, no running line that wraps, no paragraph leaving a lone line at a
page's head or foot.

The typography-level findings (names, amounts and dates broken or hyphenated, hyphen characters) are left to
their own tests. What the checker still finds of the kinds named here is listed in KNOWN, finding for finding:
a new one fails, and so does one that is gone (then take it out of KNOWN).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.themes.fonts import fit_line
from tests.conftest import ROOT
from tests.pagelayout import check, layout_of

BRIEFS = {p.parent.name: p for p in sorted((ROOT / "briefs").glob("*/brief.yaml"))}
# The layout kinds these tests hold to none.
LAYOUT = ("short-page", "widow", "stranded-heading", "table-split", "footnote-page", "running-wrap")
# Nothing is left: a finding of these kinds fails its case.
KNOWN: dict[tuple[str, str, str, str], list[str]] = {}
ACME = ROOT / "tests" / "fixtures" / "themes" / "acme"

# In `make test`: Typst and WeasyPrint in both built-in themes, every brief and language; LaTeX in the longest
# brief with the theme with a cover and contents; the worked-example theme (acme: its own font, whose measure
# makes a five-row table reach a page foot) in WeasyPrint and LaTeX, in French. Every other case of the three
# engines, three themes, two briefs and two languages in `make test-corpus` (the `corpus` mark).
ENGINES = ("typst", "weasyprint", "latex")
THEMES = ("briefing", "dossier", "acme")
IN_MAKE_TEST = {
    *(
        (engine, theme, brief, lang)
        for engine in ("typst", "weasyprint")
        for theme in THEMES[:2]
        for brief in BRIEFS
        for lang in ("fr", "en")
    ),
    ("latex", "dossier", "ai-alliance-launch", "en"),
    ("weasyprint", "acme", "ai-alliance-launch", "fr"),
    ("latex", "acme", "ai-alliance-launch", "fr"),
}
CASES = [
    pytest.param(
        *case,
        id="-".join(case),
        marks=([pytest.mark.latex] if case[0] == "latex" else [])
        + ([] if case in IN_MAKE_TEST else [pytest.mark.corpus]),
    )
    for case in (
        (engine, theme, brief, lang)
        for engine in ENGINES
        for theme in THEMES
        for brief in BRIEFS
        for lang in ("fr", "en")
    )
]


def found(pdf: Path, brief: str, lang: str, theme: str | Path) -> list[str]:
    findings = check(pdf, layout_of(BRIEFS[brief], lang, theme))
    return [
        f"p{f.page} {f.kind} {f.text.split('.')[0]}" if f.kind == "footnote-page" else str(f)
        for f in findings
        if f.kind in LAYOUT
    ]


@pytest.mark.parametrize(("engine", "theme", "brief", "lang"), CASES)
def test_the_example_pages_break_as_a_typesetter_would(
    built, engine: str, theme: str, brief: str, lang: str
) -> None:
    folder = ACME if theme == "acme" else theme
    pdf = built(BRIEFS[brief], engine, folder, lang)
    assert found(pdf, brief, lang, str(folder)) == KNOWN.get((engine, theme, brief, lang), [])


def test_a_long_running_title_is_cut_after_a_word_with_an_ellipsis() -> None:
    title = "IBM and Meta launch the AI Alliance: over 50 members, six objectives"
    assert fit_line(title, 100, len) == title
    assert (
        fit_line(title, 53, len) == "IBM and Meta launch the AI Alliance: over 50 members…"
    )  # its comma dropped
    assert fit_line(title, 40, len) == "IBM and Meta launch the AI Alliance…"  # and its colon
    assert fit_line("Unbreakable-single-word", 5, len) == "Unbreakable-single-word"  # no word to cut after
