"""Names, amounts and dates are never broken across lines nor names hyphenated, quoted excerpts are never
hyphenated and every hyphen reads back as `-`, in the example briefs' PDFs as the page-layout checker
(tests/pagelayout.py) reads them: AI Alliance, both languages, in Typst and WeasyPrint. LaTeX hyphenates no
excerpt of the examples: its case is a brief of long quoted words (tests/fixtures/quotes.yaml), in French."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.pagelayout import check, layout_of

BRIEF = ROOT / "briefs" / "ai-alliance-launch"
QUOTES = ROOT / "tests" / "fixtures" / "quotes.yaml"  # a quote, a note and a caveat of long words
# The findings no-break spaces and unhyphenated names rule out.
KINDS = ("name-break", "name-hyphen", "amount-break", "date-break")
# The findings unhyphenated excerpts and hyphens that extract as `-` (in pdfminer's and poppler's text) rule out.
HYPHENS = ("excerpt-hyphen", "hyphen-char")
CASES = [("typst", "en"), ("typst", "fr"), ("weasyprint", "en")]


@pytest.mark.parametrize(("engine", "lang"), CASES)
def test_no_name_amount_or_date_is_broken(built, engine: str, lang: str) -> None:
    pdf = built(BRIEF, engine, "briefing", lang)
    findings = [str(f) for f in check(pdf, layout_of(BRIEF / "brief.yaml", lang)) if f.kind in KINDS]
    assert findings == [], "\n".join(findings)


@pytest.mark.parametrize(
    ("brief", "engine", "lang"),
    [
        *((BRIEF, engine, lang) for engine, lang in [*CASES, ("weasyprint", "fr")]),
        pytest.param(QUOTES, "latex", "fr", marks=pytest.mark.latex, id="quotes-latex-fr"),
    ],
    ids=lambda value: value.stem if hasattr(value, "stem") else value,
)
def test_no_excerpt_is_hyphenated_and_every_hyphen_reads_as_one(built, brief, engine: str, lang: str) -> None:
    pdf = built(brief, engine, "briefing", lang)
    source = brief / "brief.yaml" if brief.is_dir() else brief
    findings = [str(f) for f in check(pdf, layout_of(source, lang)) if f.kind in HYPHENS]
    assert findings == [], "\n".join(findings)
