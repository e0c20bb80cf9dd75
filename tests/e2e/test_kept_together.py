"""Blocks kept whole (short lists, a heading with what follows it) never leave the page before them part empty:
a list too tall to move whole starts on its page (Typst), and two lists kept whole are not chained to their
heading as one block (WeasyPrint). Each brief is one the generated corpus found (tests/fixtures/*/brief.yaml
says which)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from tests.conftest import FIXTURES, run_cli
from tests.pagelayout import check, layout_of

KINDS = ("short-page", "underfull-page", "stranded-heading", "widow")


def page_of(pdf: Path, words: str) -> list[int]:
    with pdfplumber.open(pdf) as document:
        return [
            n
            for n, page in enumerate(document.pages, 1)
            if words in " ".join((page.extract_text() or "").split())
        ]


@pytest.mark.parametrize(
    ("case", "engine", "theme", "lang", "opening", "page"),
    [
        # Six long items, taller than a quarter of the page, kept whole, had left page 3 two-thirds full.
        (
            "tall-list",
            "typst",
            "dossier",
            "fr",
            "Ce qui est annoncé •Le texte ne cite aucune source indépendante",
            3,
        ),
        # Two lists of five items under a heading had moved to page 2 together, leaving page 1 58 % full.
        ("two-lists", "weasyprint", "briefing", "fr", "EXTÉRIEURS • L’accord a été signé par Scaleway", 1),
    ],
    ids=["tall-list-typst", "two-lists-weasyprint"],
)
def test_a_section_opening_with_lists_starts_on_the_page_with_room_for_it(
    tmp_path: Path, case: str, engine: str, theme: str, lang: str, opening: str, page: int
) -> None:
    brief = FIXTURES / case / "brief.yaml"
    code, _stdout, stderr = run_cli("build", brief, "--engine", engine, "--theme", theme, "--out", tmp_path)
    assert code == 0, stderr
    pdf = tmp_path / f"{case}.{lang}.pdf"
    assert page_of(pdf, opening) == [page]
    assert [str(f) for f in check(pdf, layout_of(brief, lang, theme)) if f.kind in KINDS] == []
