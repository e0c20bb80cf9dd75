"""Themes in Typst: a worked example theme (fonts, colour, footer, logo), the dossier, fonts and quotes as data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from briefgen.brief.validate import load_brief
from briefgen.document.view import Document, build_document
from briefgen.language.catalog import load_catalog
from briefgen.themes.layers import load_theme
from briefgen.themes.manifest import points
from tests import pdfcheck
from tests.conftest import FIXTURES, KYUTAI, run_cli

ACME = FIXTURES / "themes" / "acme"
ACME_GREEN = (0x00, 0xA8, 0x78)
BRIEFING_ACCENT = (0xB5, 0x45, 0x2A)
LANGS = ("fr", "en")


def document(brief: Path, lang: str) -> Document:
    return build_document(load_brief(brief), lang, load_catalog(lang))


def flat(text: str) -> str:
    """Text with no-break spaces as spaces and runs of white space as one, for comparing with pdftotext."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def count(image: Image.Image, colour: tuple[int, int, int]) -> int:
    """How many pixels of the image are near `colour`."""
    return sum(n for n, pixel in image.getcolors(image.width * image.height) if near(pixel, colour))


def theme_folder(root: Path, templates: dict[str, str], manifest: str = "extends: briefing") -> Path:
    """A theme folder `root` with a manifest and Typst templates (name → text)."""
    (root / "typst").mkdir(parents=True)
    (root / "theme.yaml").write_text(f"name: {root.name}\n{manifest}\n", encoding="utf-8")
    for name, text in templates.items():
        (root / "typst" / name).write_text(text, encoding="utf-8")
    return root


def child(root: Path, block: str, body: str, parent: str = "briefing") -> Path:
    """A theme extending `parent` whose Typst entry template replaces one block."""
    entry = f'{{% extends "{parent}:brief.typ.j2" %}}\n{{% block {block} %}}\n{body}\n{{% endblock %}}\n'
    manifest = f"extends: {parent if parent == 'briefing' else ACME}"
    return theme_folder(root, {"brief.typ.j2": entry}, manifest)


# -- the worked example: tests/fixtures/themes/acme --------------------------------------------------------


@pytest.fixture(scope="module")
def acme(built) -> Path:
    return built(KYUTAI, "typst", ACME, "en")


def test_acme_footer_is_on_every_page(acme: Path) -> None:
    title = flat(document(KYUTAI, "en").title)
    pages = pdfcheck.pages(acme)
    assert pages > 1
    for page in range(1, pages + 1):
        text = flat(pdfcheck.page_text(acme, page))
        assert f"ACME Research — {title}" in text, f"page {page}"
        assert f"Page {page} of {pages}" in text, f"page {page}"


def test_acme_uses_only_its_own_font(acme: Path) -> None:
    used = pdfcheck.fonts(acme)
    assert used and all(used.values()), used
    assert {name.split("-")[0] for name in used} == {"AtkinsonHyperlegible"}, used
    assert {"AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold"} <= set(used)


def test_acme_logo_is_on_page_one_only(acme: Path) -> None:
    images = pdfcheck.images(acme)
    assert [(i["page"], i["width"], i["height"]) for i in images] == [("1", "240", "80")]


def test_acme_accent_colours_page_one(acme: Path, tmp_path: Path) -> None:
    """The accent (the kicker, the summary's bar, the bullets) is ACME's green, not the briefing's red.

    The logo is green too: only the part of the page below it is counted.
    """
    image = Image.open(pdfcheck.render(acme, 1, 60, tmp_path)).convert("RGB")
    below_logo = image.crop((0, image.height // 4, image.width, image.height))
    assert count(below_logo, ACME_GREEN) > 100
    assert count(below_logo, BRIEFING_ACCENT) == 0


def test_the_compile_folder_holds_only_the_source_and_the_logo(tmp_path: Path) -> None:
    reads = '#image("logo.png", height: 1cm)\n#read("theme.yaml")'
    theme = child(tmp_path / "reader", "cover", reads, parent="acme")
    code, _, stderr = run_cli(
        "build", KYUTAI, "--engine", "typst", "--theme", theme, "--lang", "en", "--out", tmp_path / "out"
    )
    assert code == 2
    assert f"{theme / 'typst' / 'brief.typ.j2'}:4:" in stderr and "file not found" in stderr, stderr
    assert "logo.png" not in stderr, "the logo is beside the source"
    assert not (tmp_path / "out").exists()


# -- blocks of the entry template ------------------------------------------------------------------------


def test_a_child_theme_replaces_one_block(tmp_path: Path) -> None:
    theme = child(tmp_path / "no-lead", "lead", "// no summary, no key facts")
    code, _, stderr = run_cli(
        "build", KYUTAI, "--engine", "typst", "--theme", theme, "--lang", "en", "--out", tmp_path / "out"
    )
    assert code == 0, stderr
    pdf = tmp_path / "out" / "kyutai-launch.en.pdf"
    titles = [title for _, title in pdfcheck.outline(pdf)]
    assert "Bottom line" not in titles and "Key facts" not in titles
    assert titles[0] == flat(document(KYUTAI, "en").sections[0].title[0].text)
    assert "Sources" in titles


# -- fonts: a family no face provides is an error -----------------------------------------------------------


def test_an_unknown_font_family_is_an_error_and_no_pdf(tmp_path: Path) -> None:
    theme = child(tmp_path / "nope", "cover", '#set text(font: "Nope")')
    code, stdout, stderr = run_cli(
        "build", KYUTAI, "--engine", "typst", "--theme", theme, "--lang", "en", "--out", tmp_path / "out"
    )
    assert code == 2 and stdout == ""
    where = theme / "typst" / "brief.typ.j2"
    assert stderr.strip() == (
        f"{where}:3:17: typst: unknown font family 'Nope': no font of the theme provides it (families: Lato)"
    )
    assert not (tmp_path / "out").exists()


def test_an_unknown_font_family_names_the_themes_families(tmp_path: Path) -> None:
    """Even as a fallback after a family the theme has; named as the template writes it (Typst lower-cases it)."""
    theme = child(
        tmp_path / "nope", "cover", '#text(font: ("Atkinson Hyperlegible", "NoPe"))[x]', parent="acme"
    )
    code, _, stderr = run_cli(
        "build", KYUTAI, "--engine", "typst", "--theme", theme, "--lang", "en", "--out", tmp_path / "out"
    )
    assert code == 2
    assert "unknown font family 'NoPe'" in stderr, stderr
    assert "(families: Atkinson Hyperlegible, Lato)" in stderr, "acme's own family and the one it inherits"
    assert not (tmp_path / "out").exists()


# -- quotation marks come from the catalog ----------------------------------------------------------------

GERMAN = """\
id: german-brief
version: "0.1"
date: 2024-03-05
languages: [de]
author: Test Author
classification: internal
audience: {de: Testteam}
page_budget: 2
source: {kind: report, language: en}
headline: {de: Eine Testüberschrift}
summary: {de: Eine kurze Zusammenfassung.}
sections:
  - id: first
    title: {de: Erster Teil}
    blocks:
      - text: {de: Ein Absatz.}
flags:
  - kind: doubtful
    quote: "a doubtful claim"
    note: {de: Eine Anmerkung zur Quelle.}
"""


def test_a_german_caveat_quotes_with_german_marks(tmp_path: Path) -> None:
    brief = tmp_path / "german.yaml"
    brief.write_text(GERMAN, encoding="utf-8")
    code, _, stderr = run_cli("build", brief, "--engine", "typst", "--out", tmp_path / "out")
    assert code == 0, stderr
    text = pdfcheck.text(tmp_path / "out" / "german-brief.de.pdf")
    assert "„a doubtful claim“" in text, text


# -- the dossier -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=LANGS)
def dossier(request, built) -> tuple[str, Path]:
    return request.param, built(KYUTAI, "typst", "dossier", request.param)


def bands(pdf: Path) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The header's and the footer's bands of a dossier page: (x, y, width, height) in points."""
    page = load_theme("dossier").manifest.page
    width, height = float(points(page.width)), float(points(page.height))
    top, bottom = float(points(page.margin.top)), float(points(page.margin.bottom))
    return (0, 0, width, top), (0, height - bottom, width, bottom)


def test_dossier_cover_has_no_header_or_footer(dossier: tuple[str, Path]) -> None:
    lang, pdf = dossier
    header, footer = bands(pdf)
    assert pdfcheck.page_text(pdf, 1, box=header).strip() == ""
    assert pdfcheck.page_text(pdf, 1, box=footer).strip() == ""
    doc = document(KYUTAI, lang)
    assert flat(doc.classification) in flat(pdfcheck.page_text(pdf, 3, box=header))
    assert flat(doc.title) in flat(pdfcheck.page_text(pdf, 3, box=footer))
    cover = flat(pdfcheck.page_text(pdf, 1))
    for field in doc.meta:
        assert flat(field.label).casefold() in cover.casefold(), field.label


def test_dossier_cover_has_the_logo(dossier: tuple[str, Path], tmp_path: Path) -> None:
    """The dossier's logo.svg (vector art: no image in the PDF) is drawn at the top of the cover only."""
    _lang, pdf = dossier
    colours = load_theme("dossier").manifest.colours
    primary, accent = (
        tuple(int(colours[name][i : i + 2], 16) for i in (1, 3, 5)) for name in ("primary", "accent")
    )
    for page, drawn in ((1, True), (2, False)):
        image = Image.open(pdfcheck.render(pdf, page, 60, tmp_path)).convert("RGB")
        band = image.crop((0, 0, image.width, image.height // 6))  # the logo, above the cover's kicker
        # The logo's square and bars: far more pixels than any heading in the band of another page.
        assert (count(band, primary) > 800 and count(band, accent) > 200) == drawn, page


def toc(pdf: Path) -> dict[str, int]:
    """The table of contents on page 2: entry → page number."""
    entries = {}
    for line in pdfcheck.page_text(pdf, 2, "layout").splitlines():
        if match := re.fullmatch(r"\s*(.*?)[\s.]*?\s(\d+)\s*", line):
            entries[flat(match.group(1).rstrip(" ."))] = int(match.group(2))
    return entries


def test_dossier_contents_give_the_right_pages(dossier: tuple[str, Path]) -> None:
    lang, pdf = dossier
    listed = toc(pdf)
    doc = document(KYUTAI, lang)
    assert load_catalog(lang)("contents").casefold() in pdfcheck.page_text(pdf, 2).casefold()
    for section in doc.sections:
        assert flat("".join(n.text for n in section.title)) in listed
    headings = pdfcheck.outline_pages(pdf)
    assert len(headings) > 10 and max(page for *_, page in headings) > 3
    for _level, title, page in headings:
        assert listed.get(flat(title)) == page, (title, listed)
        assert flat(title).casefold() in flat(pdfcheck.page_text(pdf, page)).casefold(), (title, page)


def test_dossier_running_header_names_the_section(dossier: tuple[str, Path]) -> None:
    _lang, pdf = dossier
    header, _ = bands(pdf)
    sections = [(title, page) for level, title, page in pdfcheck.outline_pages(pdf) if level == 1]
    for page in range(3, pdfcheck.pages(pdf) + 1):
        starting = [title for title, at in sections if at == page]
        expected = starting[0] if starting else [title for title, at in sections if at < page][-1]
        shown = flat(pdfcheck.page_text(pdf, page, box=header))
        assert flat(expected).upper() in shown, (page, expected, shown)
    assert flat(pdfcheck.page_text(pdf, 2, box=header)) == flat(document(KYUTAI, _lang).classification)


def test_dossier_theme_shows_with_its_tokens() -> None:
    code, stdout, stderr = run_cli("themes", "show", "dossier")
    assert code == 0, stderr
    for token in ("text-cover-kicker-size", "text-toc-entry-size", "space-toc-indent", "layout-cover"):
        assert token in stdout
