"""Names, amounts and dates are never broken across lines nor names hyphenated, in the example briefs' PDFs as
the page-layout checker (tests/pagelayout.py) reads them: AI Alliance, both languages, in Typst and WeasyPrint."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.pagelayout import check, layout_of

BRIEF = ROOT / "briefs" / "ai-alliance-launch"
# The findings no-break spaces and unhyphenated names rule out (hyphen-char is Typst's by design: README, Customising).
KINDS = ("name-break", "name-hyphen", "amount-break", "date-break")


@pytest.mark.parametrize(("engine", "lang"), [("typst", "en"), ("typst", "fr"), ("weasyprint", "en")])
def test_no_name_amount_or_date_is_broken(built, engine: str, lang: str) -> None:
    pdf = built(BRIEF, engine, "briefing", lang)
    findings = [str(f) for f in check(pdf, layout_of(BRIEF / "brief.yaml", lang)) if f.kind in KINDS]
    assert findings == [], "\n".join(findings)
