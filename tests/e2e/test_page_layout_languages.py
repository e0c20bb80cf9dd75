"""The example briefs in German and Spanish (tests/fixtures/corpora: their texts translated, their facts and sources
the examples'), read by the page-layout checker (tests/pagelayout.py): the layout kinds of
tests/e2e/test_page_layout_corpus.py, and lines broken inside a name, an amount or a date.

German words run longer than English or French ones (labels, compounds, `105 Millionen Euro`), Spanish ones in
between: these briefs show what the pages of the examples do not. What the checker still finds of the kinds named
here is listed in KNOWN, finding for finding: a new one fails, and so does one that is gone (then take it out).
Each engine and theme is built once, both languages and both briefs in one `briefgen build`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, build_once
from tests.pagelayout import check, layout_of

CORPORA = ROOT / "tests" / "fixtures" / "corpora"
BRIEFS = {p.parent.name: p for p in sorted(CORPORA.glob("*/brief.yaml"))}
LANGS = ("de", "es")
KINDS = (
    "short-page",
    "stranded-heading",
    "table-split",
    "footnote-page",
    "underfull-page",
    "running-wrap",
    "name-break",
    "amount-break",
    "date-break",
)
# Nothing is left: each finding of these kinds fails.
KNOWN: dict[tuple[str, str, str, str], list[str]] = {}

# WeasyPrint's dossier (four PDFs the checker reads in about a minute) runs in `make test-corpus` only, for the
# suite's time; Typst's dossier, whose notes move between pages, and both engines' briefing run in `make test`.
CASES = [
    pytest.param(
        engine,
        theme,
        brief,
        lang,
        id=f"{engine}-{theme}-{brief}-{lang}",
        marks=[pytest.mark.corpus] if (engine, theme) == ("weasyprint", "dossier") else [],
    )
    for engine in ("typst", "weasyprint")
    for theme in ("briefing", "dossier")
    for brief in BRIEFS
    for lang in LANGS
]
# One LaTeX build (German and Spanish hyphenation, from TeX Live's language packages): the longest brief.
CASES += [
    pytest.param(
        "latex",
        "briefing",
        "ai-alliance-launch",
        lang,
        id=f"latex-briefing-ai-alliance-launch-{lang}",
        marks=[pytest.mark.latex, pytest.mark.corpus],  # in `make test-corpus`, for the suite's time
    )
    for lang in LANGS
]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    """`corpus(engine, theme)` → the folder of both briefs' PDFs in German and Spanish, built once per run."""

    def build(engine: str, theme: str) -> Path:
        if engine == "latex":
            from tests.conftest import require_tool

            require_tool("lualatex", "the LaTeX engine")
        return build_once(
            tmp_path_factory, CORPORA, "--engine", engine, "--theme", theme, "--lang", ",".join(LANGS)
        )

    return build


def found(pdf: Path, brief: str, lang: str, theme: str) -> list[str]:
    findings = check(pdf, layout_of(BRIEFS[brief], lang, theme))
    return [
        f"p{f.page} {f.kind} {f.text.split('.')[0]}" if f.kind in ("footnote-page", "table-split") else str(f)
        for f in findings
        if f.kind in KINDS
    ]


@pytest.mark.parametrize(("engine", "theme", "brief", "lang"), CASES)
def test_german_and_spanish_pages_break_as_a_typesetter_would(
    corpus, engine: str, theme: str, brief: str, lang: str
) -> None:
    pdf = corpus(engine, theme) / f"{brief}.{lang}.pdf"
    assert found(pdf, brief, lang, theme) == KNOWN.get((engine, theme, brief, lang), [])


def test_the_corpora_are_the_examples_with_german_and_spanish_added() -> None:
    """Each fixture is its example with two languages more: the same facts, sources and languages first."""
    import yaml

    for slug, path in BRIEFS.items():
        example = yaml.safe_load((ROOT / "briefs" / slug / "brief.yaml").read_text(encoding="utf-8"))
        fixture = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert fixture["languages"] == [*example["languages"], "de", "es"]
        assert fixture["facts"].keys() == example["facts"].keys()
        assert fixture["key_facts"] == example["key_facts"]
        for name in {p.name for p in (ROOT / "briefs" / slug).iterdir()} - {"brief.yaml"}:
            assert (path.parent / name).read_bytes() == (ROOT / "briefs" / slug / name).read_bytes()
