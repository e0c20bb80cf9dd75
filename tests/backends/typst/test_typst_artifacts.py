"""Page furniture in Typst's tagged PDF: a draft's watermark, the classification banners and the running header
and footer are artifacts, which a screen reader does not read on every page; the text of the brief stays tagged.

Read back with pypdf: each page's content stream, walked with its marked content (/Artifact, or an /MCID of a
structure element), and the structure tree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.brief.inline import plain
from briefgen.brief.validate import load_brief
from briefgen.document.view import Document, build_document
from briefgen.language.catalog import load_catalog
from tests import pdfcheck
from tests.conftest import FIXTURES, run_cli

DRAFT = (
    FIXTURES / "marking" / "brief.yaml"
)  # draft and confidential: the watermark and the banner on every page
THEMES = ("briefing", "dossier")
LANGS = ("fr", "en")


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The draft under PDF/UA-1 in Typst, one build per theme: (theme, lang) → its PDF."""
    found = {}
    for theme in THEMES:
        out = tmp_path_factory.mktemp(f"marked-{theme}")
        args = ("build", DRAFT, "--engine", "typst", "--theme", theme, "--pdf-standard", "ua-1", "--out", out)
        code, _stdout, stderr = run_cli(*args)
        assert code == 0, stderr
        found.update({(theme, lang): out / f"marking-draft.{lang}.pdf" for lang in LANGS})
    return found


def document(lang: str) -> Document:
    return build_document(load_brief(DRAFT), lang, load_catalog(lang))


def squeezed(text: str) -> str:
    """Text without white space: pypdf spaces out the letters of tracked text (the banner's)."""
    return re.sub(r"\s+", "", text)


def texts(pdf: Path) -> list[dict[str, str]]:
    """Each page's text by kind of marked content: artifact, tagged, untagged (white space squeezed out)."""
    pages = []
    for runs in pdfcheck.marked_content(pdf):
        kinds = {"artifact": "", "tagged": "", "untagged": ""}
        for kind, what, value in runs:
            if what == "text":
                kinds[kind] += squeezed(value)
        pages.append(kinds)
    return pages


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("theme", THEMES)
def test_the_watermark_and_the_banners_are_artifacts_on_every_page(marked, theme: str, lang: str) -> None:
    catalog = load_catalog(lang)
    watermark = squeezed(catalog("status.draft").upper())  # the theme's watermark and banner are in capitals
    banner = squeezed(catalog("classification.confidential").upper())
    pages = texts(marked[(theme, lang)])
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        assert page["artifact"].count(watermark) == 1, (number, page["artifact"])
        assert page["artifact"].count(banner) == 2, (number, page["artifact"])  # at the top and at the foot
        assert watermark not in page["tagged"], number
        assert banner not in page["tagged"], number
        assert page["untagged"] == "", number  # every text is either content or furniture


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("theme", THEMES)
def test_the_running_footer_is_an_artifact_and_the_headings_stay_tagged(
    marked, theme: str, lang: str
) -> None:
    doc = document(lang)
    pdf = marked[(theme, lang)]
    title = squeezed(doc.title)
    pages = texts(pdf)
    for number, page in enumerate(pages[1:], 2):  # page 1 holds the title block (or the cover) as content
        assert title in page["artifact"], number  # the footer's left side: the title
        assert title not in page["tagged"], number
    headings = [squeezed(text).casefold() for role, _d, _a, text in pdfcheck.structure(pdf) if role == "/H1"]
    sections = [squeezed(plain(section.title)).casefold() for section in doc.sections]
    assert sections and set(sections) <= set(headings), (sections, headings)
    tagged = "".join(page["tagged"] for page in pages).casefold()
    assert all(section in tagged for section in sections)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("lang", LANGS)
def test_a_screen_reader_hears_once_that_the_briefing_is_a_draft(marked, theme: str, lang: str) -> None:
    """The watermark is an artifact, so the title block's fields say the status, once, as tagged text."""
    catalog = load_catalog(lang)
    tagged = "".join(page["tagged"] for page in texts(marked[theme, lang])).casefold()
    said = squeezed(catalog("status")).casefold()  # the theme sets the fields' names in capitals
    assert tagged.count(said) == 1 and tagged.split(said, 1)[1].startswith(catalog("status.draft").casefold())
