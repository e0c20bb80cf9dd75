"""The example briefs of `briefs/`, in every engine and language, under the fidelity checks: no glyph outside
the text area, every hyphen of the brief read back as `-`, the same words and outline as WeasyPrint, the page
budget kept, every figure drawn, nothing the brief holds missing from the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.brief.read import load_yaml
from briefgen.brief.validate import load_brief
from briefgen.document.view import build_document
from briefgen.language.catalog import load_catalog
from briefgen.themes.layers import load_theme
from briefgen.themes.manifest import points
from tests import pdfcheck
from tests.conftest import ROOT, engines, require_tool, run_cli
from tests.e2e.test_fidelity import HANG, SHY, as_printed, found, lines, raw_text

BRIEFS = sorted((ROOT / "briefs").glob("*/brief.yaml"))
ENGINES = engines("weasyprint", "typst", "latex")


def texts_of(path: Path, lang: str) -> list[str]:
    """Every text a reader of `lang` sees: that side of each localised text, and the texts written once (names,
    titles, outlets, addresses, excerpts)."""
    data = load_yaml(path).data
    languages = set(data["languages"])
    out: list[str] = []

    def visit(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            if set(value) & languages and not set(value) - languages - {"translated"}:
                out.append(str(value[lang]))
                return
            for name, item in value.items():
                visit(item, str(name))
        elif isinstance(value, list):
            for item in value:
                visit(item, key)
        elif isinstance(value, str) and key in ("name", "title", "outlet", "url", "author", "quote"):
            out.append(value)

    visit({k: v for k, v in data.items() if k not in ("id", "version", "languages")})
    return out


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "latex":
        require_tool("lualatex", "the LaTeX engine runs LuaLaTeX from TeX Live")
    return str(request.param)


def test_there_are_two_examples_one_from_an_english_source() -> None:
    languages = {path.parent.name: load_yaml(path).data.get("original") for path in BRIEFS}
    assert len(BRIEFS) >= 2 and "en" in languages.values(), languages


@pytest.mark.parametrize("brief", BRIEFS, ids=[p.parent.name for p in BRIEFS])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_example_is_faithful_on_the_page(built, engine: str, brief: Path, lang: str) -> None:
    pdf = built(brief, engine, "briefing", lang)
    page = load_theme("briefing").manifest.page
    left = float(points(page.margin.left)) - HANG
    right = float(points(page.width)) - float(points(page.margin.right)) + HANG
    outside = [line for line in lines(pdf) if line.left < left or line.right > right]
    assert not outside, f"past the text's edges: {outside[:3]}"
    text = raw_text(pdf)
    assert "\u2010" not in text
    assert SHY not in text  # a hyphen at a line's end reads as `-` in every engine, Typst's too
    tokens = {
        token.strip(".,;:!?()")
        for t in texts_of(brief, lang)
        for token in re.findall(r"[^\s«»“”\"(]*\w-\w[^\s«»“”\")]*", as_printed(t))
        if "{{" not in token
    }
    missing = [t for t in sorted(tokens) if not found(t, text, r"[-\u00ad]?\n")]
    assert not missing, f"not read back as written: {missing}"


def words_of(pdf: Path, brief: Path, lang: str) -> list[str]:
    """The briefing's words without those drawn inside its SVG figures, which each engine's image code reads
    out at another point of the page."""
    words = pdfcheck.briefing_words(pdf, brief, lang)
    # The running footer's title (cut with an ellipsis when too long for its line) is read out where each
    # engine draws it: leave it out everywhere (the headline on page 1 with it, in every engine alike).
    headline = build_document(load_brief(brief), lang, load_catalog(lang)).title
    title = re.findall(r"[\w€$%]+(?:['.,][\w]+)*", headline.replace("’", "'").lower())
    at = 0
    while title and at <= len(words) - len(title):
        # the whole title, or the start of it that the footer prints before its ellipsis
        shown = next(
            (n for n in range(len(title), len(title) // 2, -1) if words[at : at + n] == title[:n]), 0
        )
        if shown:
            del words[at : at + shown]
        else:
            at += 1
    for svg in brief.parent.glob("*.svg"):
        labels = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text(encoding="utf-8")))
        drawn = re.findall(r"[\w€$%]+(?:['.,][\w]+)*", labels.lower())  # as pdfcheck.body_words reads words
        for at in range(len(words) - len(drawn) + 1):
            if drawn and words[at : at + len(drawn)] == drawn:
                del words[at : at + len(drawn)]
                break
    return words


def differences(ours: list[str], theirs: list[str]) -> list[str]:
    """`pdfcheck.word_diff`, less a word broken at a line's end without a hyphen (an address) or at its own
    hyphen (member-driven), which text extraction reads as two words: the same letters either way."""
    return [
        line
        for line in pdfcheck.word_diff(ours, theirs)
        if (parts := re.match(r"\w+: '(.*)' -> '(.*)'$", line))
        and parts.group(1).replace(" ", "") != parts.group(2).replace(" ", "")
    ]


@pytest.mark.parametrize("brief", BRIEFS, ids=[p.parent.name for p in BRIEFS])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_example_has_the_words_and_outline_of_weasyprint(
    built, engine: str, brief: Path, lang: str
) -> None:
    reference = built(brief, "weasyprint", "briefing", lang)
    pdf = built(brief, engine, "briefing", lang)
    assert differences(words_of(reference, brief, lang), words_of(pdf, brief, lang)) == []
    assert pdfcheck.outline(pdf) == pdfcheck.outline(reference)


@pytest.mark.parametrize("brief", BRIEFS, ids=[p.parent.name for p in BRIEFS])
def test_the_example_keeps_its_page_budget_and_draws_its_figures(
    tmp_path: Path, engine: str, brief: Path
) -> None:
    code, _stdout, stderr = run_cli("build", brief, "--engine", engine, "--out", tmp_path)
    assert code == 0, stderr
    assert "page budget" not in stderr
    figures = len(re.findall(r"^\s*- figure:", brief.read_text(encoding="utf-8"), re.M))
    for pdf in tmp_path.glob("*.pdf"):
        text = " ".join(pdfcheck.text(pdf).split())
        for number in range(1, figures + 1):
            assert re.search(rf"(Figure|Abbildung) {number}\b", text), f"{pdf.name}: figure {number}"
