"""For every engine and both languages, the Kyutai PDF shows each language's typography and CLDR formats."""

from __future__ import annotations

import pytest

from briefgen.brief.validate import load_brief
from briefgen.language.catalog import load_catalog
from briefgen.language.facts import format_day, format_fact
from tests import pdfcheck
from tests.backends.weasyprint.test_weasyprint import flat, without_quotes
from tests.conftest import KYUTAI, engines, require_tool

ENGINES = engines("weasyprint", "typst", "latex")


@pytest.fixture(scope="module")
def brief():
    return load_brief(KYUTAI).brief


@pytest.fixture(params=ENGINES)
def pdfs(request, kyutai_pdfs):
    if request.param == "latex":
        require_tool("lualatex", "the LaTeX engine runs LuaLaTeX from TeX Live")
    return kyutai_pdfs(request.param)


def test_no_line_starts_with_closing_punctuation(pdfs) -> None:
    for lang in ("fr", "en"):
        for line in pdfcheck.text(pdfs[lang]).splitlines():
            stripped = line.strip()
            assert stripped[:1] not in (";", ":", "!", "?", "»"), f"{lang}: {line!r}"
            assert not stripped.endswith("«"), f"{lang}: {line!r}"


def test_quotes_and_apostrophes_are_typographic(pdfs, brief) -> None:
    fr, en = pdfcheck.text(pdfs["fr"]), pdfcheck.text(pdfs["en"])
    assert "«" in fr and "»" in fr and "’" in fr
    english = without_quotes(flat(en), brief)
    assert "«" not in english and "»" not in english and "“" in english and "’" in english
    for text in (fr, en):
        assert "'" not in text and '"' not in text, "no straight quote in prose"


def test_french_spaces_before_high_punctuation(pdfs) -> None:
    fr = pdfcheck.text(pdfs["fr"])
    for mark in (";", ":", "?", "!"):
        for i in [i for i, c in enumerate(fr) if c == mark]:
            if fr[i - 1 : i + 2] == "://":  # never in URLs
                continue
            assert fr[i - 1] in " \u00a0\u202f\n", f"no space before {mark!r}: {fr[max(i - 20, 0) : i + 5]!r}"
    en = pdfcheck.text(pdfs["en"])
    for mark in (";", ":", "?", "!"):
        assert f" {mark}" not in en and f"\u00a0{mark}" not in en and f"\u202f{mark}" not in en


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_amounts_and_dates_read_as_babel_formats_them(pdfs, brief, lang) -> None:
    text = flat(pdfcheck.text(pdfs[lang]))
    catalog = load_catalog(lang)
    assert flat(format_day(brief.date, catalog)) in text
    for fact in brief.facts.values():
        if fact.type in ("money", "count", "date", "percent", "number"):
            assert flat(format_fact(fact, catalog)) in text, fact


@pytest.mark.parametrize("engine", ENGINES)
def test_hyphenation_is_on_but_never_in_proper_names(engine, tmp_path) -> None:
    from tests.conftest import FIXTURES, run_cli

    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine runs LuaLaTeX from TeX Live")
    code, _, stderr = run_cli("build", FIXTURES / "names.yaml", "--engine", engine, "--out", tmp_path)
    assert code == 0, stderr
    for lang in ("fr", "en"):
        lines = [line.strip() for line in pdfcheck.text(tmp_path / f"names.{lang}.pdf", "raw").splitlines()]
        broken = [line.split()[-1] for line in lines if line and line[-1] in "-\u2010\u00ad"]
        assert any(word.startswith("Super") for word in broken), f"{engine} {lang}: hyphenation is on"
        assert not [word for word in broken if word.startswith("Anti")], f"{engine} {lang}: {broken}"
