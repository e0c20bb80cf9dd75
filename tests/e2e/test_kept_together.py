"""Blocks kept whole (short lists, the key-facts panel, a heading with what follows it, the end of Sources) never
leave the page before them part empty: a list or a panel too tall to move whole starts on its page, two lists
kept whole are not chained to their heading as one block, the last source is not tied to a list of what the
sources do not say long enough to stand on its own. Each brief is one the generated corpus found
(tests/fixtures/*/brief.yaml says which)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from tests.conftest import FIXTURES, run_cli
from tests.e2e.test_page_layout_corpus import ACME
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
        # Six long items, taller than a quarter of the page, kept whole, had left page 3 two-thirds full: in Typst
        # the list is measured, in WeasyPrint laid out again as a list that may break.
        (
            "tall-list",
            "typst",
            "dossier",
            "fr",
            "Ce qui est annoncé •Le texte ne cite aucune source indépendante",
            3,
        ),
        (
            "tall-list",
            "weasyprint",
            "dossier",
            "fr",
            "Ce qui est annoncé • Le texte ne cite aucune source",
            3,
        ),
        # Two lists of five items under a heading had moved to page 2 together, leaving page 1 58 % full.
        ("two-lists", "weasyprint", "briefing", "fr", "EXTÉRIEURS • L’accord a été signé par Scaleway", 1),
        # A key-facts panel of two rows, one very tall, had moved whole to page 2, leaving page 1 63 % full.
        ("tall-key-facts", "typst", "acme", "en", "KEY FACTS €933,019,000 Montréal", 1),
        # The last source had gone to page 5 with the four things the sources do not say, leaving page 4 59 % full.
        ("sources-end", "typst", "dossier", "fr", "Page web français Titre non précisé", 4),
    ],
    ids=[
        "tall-list-typst",
        "tall-list-weasyprint",
        "two-lists-weasyprint",
        "tall-key-facts-typst",
        "sources-end-typst",
    ],
)
def test_a_block_kept_whole_starts_on_the_page_with_room_for_it(
    tmp_path: Path, case: str, engine: str, theme: str, lang: str, opening: str, page: int
) -> None:
    brief = FIXTURES / case / "brief.yaml"
    folder = str(ACME) if theme == "acme" else theme
    code, _stdout, stderr = run_cli("build", brief, "--engine", engine, "--theme", folder, "--out", tmp_path)
    assert code == 0, stderr
    pdf = tmp_path / f"{case}.{lang}.pdf"
    assert page_of(pdf, opening) == [page]
    assert [str(f) for f in check(pdf, layout_of(brief, lang, folder)) if f.kind in KINDS] == []
