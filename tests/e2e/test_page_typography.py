"""Names, amounts and dates are never broken across lines nor names hyphenated, quoted excerpts are never
hyphenated and every hyphen reads back as `-`, in the example briefs' PDFs as the page-layout checker
(tests/pagelayout.py) reads them: AI Alliance, both languages, in Typst and WeasyPrint. LaTeX hyphenates no
excerpt of the examples: its case is a brief of long quoted words (tests/fixtures/quotes.yaml), in French."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from briefgen.brief.inline import plain
from briefgen.brief.validate import load_brief
from briefgen.document.view import all_blocks, build_document
from briefgen.language.catalog import load_catalog
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


def quotations_in_prose(brief: Path, lang: str) -> tuple[str, ...]:
    """The passages the brief's own prose quotes between the language's quotation marks (“…”, « … »)."""
    loaded = load_brief(brief)
    catalog = load_catalog(lang)
    doc = build_document(loaded, lang, catalog)
    opening, closing = (mark.strip() for mark in catalog.quotes[:2])
    texts = [plain(b.content) for b in all_blocks(doc.sections) if b.kind == "text"]
    pattern = re.compile(f"{re.escape(opening)}([^{re.escape(closing)}]+){re.escape(closing)}")
    return tuple(q.strip() for text in texts for q in pattern.findall(text))


@pytest.mark.parametrize("engine", ["typst", "weasyprint", pytest.param("latex", marks=pytest.mark.latex)])
def test_no_quotation_in_the_briefs_prose_is_hyphenated(built, engine: str) -> None:
    """The passages AI Alliance's English brief quotes in its own paragraphs (“from the needed GPUs to custom AI
    accelerators and cloud platforms”, “underpinned by safety, security, trust…”) are verbatim: never hyphenated
    (“under-pinned”, “ques-tions”), as a quoted excerpt is not."""
    quoted = quotations_in_prose(BRIEF / "brief.yaml", "en")
    assert any("cloud platforms" in q for q in quoted), quoted
    layout = layout_of(BRIEF / "brief.yaml", "en")
    layout = replace(layout, excerpts=(*layout.excerpts, *quoted))
    findings = [str(f) for f in check(built(BRIEF, engine, "briefing", "en"), layout) if f.kind in HYPHENS]
    assert findings == [], "\n".join(findings)
