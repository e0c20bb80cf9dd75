"""Themes through WeasyPrint: the worked example (font, colour, footer, logo), the dossier (cover, contents,
section in the header), the user's style sheet winning over generated rules, and fonts with no system fallback."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from briefgen.brief.inline import parse, plain
from briefgen.brief.validate import load_brief
from briefgen.document.view import Document, build_document
from briefgen.language.catalog import load_catalog, typography_for
from briefgen.language.typography import typeset
from briefgen.themes.layers import builtin_root, load_theme
from briefgen.themes.manifest import points
from tests import pdfcheck
from tests.conftest import FIXTURES, KYUTAI, run_cli

ACME = FIXTURES / "themes" / "acme"
MINIMAL = FIXTURES / "minimal.yaml"
BRIEFING_CSS = builtin_root() / "briefing" / "html" / "style.css"
LANGS = ("fr", "en")


@pytest.fixture(autouse=True)
def _poppler() -> None:
    for tool in ("pdftotext", "pdftoppm", "pdfimages", "pdffonts"):
        assert shutil.which(tool), f"{tool} is missing: install poppler-utils"


def flat(text: str) -> str:
    """Text with no-break spaces as spaces and runs of white space as one, for comparing with pdftotext."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def document(lang: str) -> Document:
    return build_document(load_brief(KYUTAI), lang, load_catalog(lang))


def heading(text: str, lang: str) -> str:
    return flat(plain(typeset(parse(text), typography_for(lang))))


def bands(theme: str | Path) -> dict[str, tuple[float, float, float, float]]:
    """The header band, the footer band and the body between them, (x, y, width, height) in points."""
    page = load_theme(str(theme)).manifest.page
    width, height = float(points(page.width)), float(points(page.height))
    top, bottom = float(points(page.margin.top)), float(points(page.margin.bottom))
    return {
        "header": (0, 0, width, top),
        "body": (0, top, width, height - top - bottom),
        "footer": (0, height - bottom, width, bottom),
    }


def band_text(pdf: Path, page: int, theme: str | Path, band: str) -> str:
    return flat(pdfcheck.page_text(pdf, page, box=bands(theme)[band]))


def pdf_fonts(pdf: Path) -> list[tuple[str, bool]]:
    """The fonts `pdffonts` lists: (name without the subset prefix, embedded)."""
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    return [(re.sub(r"^[A-Z]{6}\+", "", row[0]), row[-5] == "yes") for row in rows]


def pixels(pdf: Path, page: int, colour: str, tmp: Path, rows: tuple[float, float] = (0, 1)) -> int:
    """Pixels of a page rendered at 100 dpi within 24 of `colour` in each channel, in a band of rows (fractions)."""
    prefix = tmp / f"{pdf.stem}-{page}"
    subprocess.run(
        ["pdftoppm", "-r", "100", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
        check=True,
    )
    data = Path(f"{prefix}.ppm").read_bytes()
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header, "pdftoppm writes binary PPM"
    width, height = int(header.group(1)), int(header.group(2))
    body = data[header.end() :]
    want = bytes.fromhex(colour.lstrip("#"))
    first, last = int(rows[0] * height), int(rows[1] * height)
    return sum(
        1
        for at in range(first * width * 3, last * width * 3, 3)
        if all(abs(body[at + c] - want[c]) <= 24 for c in range(3))
    )


# -- the worked example: tests/fixtures/themes/acme ------------------------------------------------------


@pytest.fixture(scope="module")
def acme(built) -> Path:
    return built(KYUTAI, "weasyprint", ACME, "en")


def test_acme_footer_is_on_every_page(acme: Path) -> None:
    title = flat(document("en").title)
    pages = pdfcheck.pages(acme)
    assert pages >= 2
    for page in range(1, pages + 1):
        footer = band_text(acme, page, ACME, "footer")
        assert footer.startswith(f"ACME Research — {title}"[:60]), (page, footer)
        assert load_catalog("en")("page_x_of_y", page=page, pages=pages) in footer


def test_acme_embeds_only_its_atkinson_hyperlegible_faces(acme: Path) -> None:
    fonts = pdf_fonts(acme)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    # WeasyPrint names a font after its family, spaces as hyphens: Atkinson-Hyperlegible-Bold.
    assert all(name.startswith("Atkinson-Hyperlegible") for name, _ in fonts), fonts
    assert {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold", "Atkinson-Hyperlegible-Italic"} <= {
        name for name, _ in fonts
    }


def test_acme_logo_is_on_page_one_only(acme: Path) -> None:
    images = pdfcheck.images(acme)
    assert [(i["page"], i["width"], i["height"]) for i in images] == [("1", "240", "80")], images


def test_acme_accent_colours_page_one(acme: Path, tmp_path: Path) -> None:
    # The logo is drawn in the same green at the top: the bullets and bars below it are the accent token.
    assert pixels(acme, 1, "#00a878", tmp_path, rows=(0.3, 1)) > 20, (
        "the theme's accent below the title block"
    )
    assert pixels(acme, 1, "#b5452a", tmp_path) == 0, "no pixel of the parent theme's accent"


def test_the_briefing_has_no_logo_and_no_header_on_page_one(kyutai_pdfs) -> None:
    pdf = kyutai_pdfs("weasyprint")["en"]
    assert pdfcheck.images(pdf) == []
    assert band_text(pdf, 1, "briefing", "header") == ""
    assert load_catalog("en")("briefing").casefold() in band_text(pdf, 2, "briefing", "header").casefold()


# -- the dossier -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=LANGS)
def dossier(request: pytest.FixtureRequest, built) -> tuple[str, Path]:
    return request.param, built(KYUTAI, "weasyprint", "dossier", request.param)


def test_dossier_cover_has_no_header_or_footer(dossier: tuple[str, Path], tmp_path: Path) -> None:
    lang, pdf = dossier
    assert band_text(pdf, 1, "dossier", "header") == ""
    assert band_text(pdf, 1, "dossier", "footer") == ""
    cover = band_text(pdf, 1, "dossier", "body").casefold()
    doc = document(lang)
    assert " ".join(heading(doc.title, lang).split()[:4]).casefold() in cover
    assert load_catalog(lang)("briefing").casefold() in cover and doc.author.casefold() in cover
    accent = load_theme("dossier").manifest.colours["accent"]  # the SVG logo is drawn, not an image
    assert pixels(pdf, 1, accent, tmp_path, rows=(0, 0.25)) > 50, "the logo's bars at the top of the cover"
    assert doc.classification in band_text(pdf, 2, "dossier", "header"), "the header starts on page 2"


def contents(pdf: Path) -> dict[str, int]:
    """The entries of the table of contents on page 2: title → page number."""
    out = {}
    for line in pdfcheck.page_text(pdf, 2, mode="layout").splitlines():
        if match := re.match(r"^\s*(.+?)\s*(?:\.\s*){3,}(\d+)\s*$", line):
            out[flat(match.group(1))] = int(match.group(2))
    return out


def test_dossier_contents_give_the_page_of_each_section(dossier: tuple[str, Path]) -> None:
    lang, pdf = dossier
    entries = contents(pdf)
    brief = load_brief(KYUTAI).brief
    titles = [heading(s.title[lang], lang) for s in brief.sections]
    titles += [heading(sub.title[lang], lang) for s in brief.sections for sub in s.subsections]
    assert set(titles) <= set(entries), f"missing from the contents: {set(titles) - set(entries)}"
    outline = {flat(title): page for _, title, page in pdfcheck.outline_pages(pdf)}
    for title in titles:
        page = entries[title]
        assert page >= 3, (title, page)
        assert outline[title] == page, f"{title}: contents say {page}, the heading is on {outline[title]}"
        body = band_text(pdf, page, "dossier", "body").casefold()
        assert title.casefold() in body, f"{title} is not on page {page}"


def test_dossier_running_header_names_the_current_section(dossier: tuple[str, Path]) -> None:
    _lang, pdf = dossier
    sections = [(page, flat(title)) for level, title, page in pdfcheck.outline_pages(pdf) if level == 1]
    for page in range(3, pdfcheck.pages(pdf) + 1):
        starting = [title for at, title in sections if at == page]
        current = starting[0] if starting else [title for at, title in sections if at < page][-1]
        header = band_text(pdf, page, "dossier", "header")
        assert header.casefold().startswith(current.casefold()), (page, header, current)


def test_dossier_theme_resolves() -> None:
    code, stdout, stderr = run_cli("themes", "show", "dossier")
    assert code == 0, stderr
    assert re.search(r"text-cover-title-size\s+30pt\s+dossier", stdout)


# -- the user's style sheet wins over generated rules ----------------------------------------------------


def theme_with(folder: Path, files: dict[str, str]) -> Path:
    """A theme extending briefing, with the given files in its html/ folder."""
    (folder / "html").mkdir(parents=True)
    (folder / "theme.yaml").write_text(f"name: {folder.name}\nextends: briefing\n", encoding="utf-8")
    for name, text in files.items():
        (folder / "html" / name).write_text(text, encoding="utf-8")
    return folder


def test_a_footer_in_the_users_style_sheet_replaces_the_generated_one(tmp_path: Path) -> None:
    css = BRIEFING_CSS.read_text(encoding="utf-8") + '\n@page { @bottom-left { content: "ACME" } }\n'
    theme = theme_with(tmp_path / "mine", {"style.css": css})
    code, _, stderr = run_cli("build", MINIMAL, "--lang", "en", "--theme", theme, "--out", tmp_path / "out")
    assert code == 0, stderr
    footer = band_text(tmp_path / "out" / "minimal-brief.en.pdf", 1, theme, "footer")
    assert footer.startswith("ACME"), footer
    assert "A test headline" not in footer


def test_a_child_template_overrides_one_block(tmp_path: Path) -> None:
    entry = '{% extends "briefing:brief.html.j2" %}\n{% block lead %}{% endblock %}\n'
    theme = theme_with(tmp_path / "mine", {"brief.html.j2": entry})
    code, _, stderr = run_cli("build", MINIMAL, "--lang", "en", "--theme", theme, "--out", tmp_path / "out")
    assert code == 0, stderr
    text = flat(pdfcheck.text(tmp_path / "out" / "minimal-brief.en.pdf")).casefold()
    catalog = load_catalog("en")
    assert "first part" in text and "a test headline" in text
    assert catalog("summary").casefold() not in text and catalog("key_facts").casefold() not in text


@pytest.mark.parametrize("lang", LANGS)
def test_quotation_marks_come_from_the_catalog(kyutai_pdfs, lang: str) -> None:
    text = flat(pdfcheck.text(kyutai_pdfs("weasyprint")[lang]))
    brief = load_brief(KYUTAI).brief
    quote = heading(brief.flags[0].quote, brief.source.language)  # quoted in the source's language
    opening, closing = (flat(mark) for mark in load_catalog(lang).quotes[:2])
    words = quote.split()
    assert re.search(re.escape(opening) + r"\s?" + re.escape(words[0]), text), (opening, words[0])
    assert re.search(re.escape(words[-1]) + r"\s?" + re.escape(closing), text), (words[-1], closing)


def test_quotation_marks_of_a_themes_catalog_are_used(tmp_path: Path) -> None:
    theme = tmp_path / "mine"
    (theme / "catalogs").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: mine\nextends: briefing\n", encoding="utf-8")
    catalog = load_catalog("en").file.read_text(encoding="utf-8")
    marks = 'quotes: ["»", "«", "›", "‹"]'
    (theme / "catalogs" / "en.yaml").write_text(re.sub(r"(?m)^quotes: .*$", marks, catalog), "utf-8")
    code, _, stderr = run_cli("build", KYUTAI, "--lang", "en", "--theme", theme, "--out", tmp_path / "out")
    assert code == 0, stderr
    text = flat(pdfcheck.text(tmp_path / "out" / "kyutai-launch.en.pdf"))
    brief = load_brief(KYUTAI).brief
    words = heading(brief.flags[0].quote, brief.source.language).split()
    assert f"»{words[0]}" in text and f"{words[-1]}«" in text


def test_the_templates_test_no_language() -> None:
    for file in (builtin_root() / "briefing" / "html").rglob("*"):
        assert not file.is_file() or "lang^=" not in file.read_text(encoding="utf-8"), file


# -- fonts: only the theme's, never a system fallback ----------------------------------------------------


def test_a_family_no_font_provides_is_an_error_naming_it(tmp_path: Path) -> None:
    css = BRIEFING_CSS.read_text(encoding="utf-8") + '\ncode { font-family: "Comic Neue"; }\n'
    theme = theme_with(tmp_path / "mine", {"style.css": css})
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", MINIMAL, "--theme", theme, "--out", out)
    assert code == 2 and stdout == ""
    line = len(css.splitlines())
    assert f'style.css:{line}:22: font-family "Comic Neue" named in the CSS' in stderr, stderr
    assert "(families: Lato)" in stderr
    assert not out.exists() or not list(out.iterdir()), "nothing is written"


def test_a_generic_family_set_by_the_default_style_sheet_is_an_error(tmp_path: Path) -> None:
    summary = '<section class="summary" id="summary"><p><tt>{{ doc.summary | inline }}</tt></p></section>\n'
    theme = theme_with(tmp_path / "mine", {"summary.html.j2": summary})
    code, _, stderr = run_cli("build", MINIMAL, "--lang", "en", "--theme", theme, "--out", tmp_path / "out")
    assert code == 2
    assert 'font-family "monospace" set on the text of <tt>' in stderr and "(families: Lato)" in stderr
    assert not (tmp_path / "out").exists()


def test_a_character_the_font_cannot_draw_is_an_error(tmp_path: Path) -> None:
    brief = tmp_path / "han.yaml"
    brief.write_text(MINIMAL.read_text(encoding="utf-8").replace("A test headline", "A 漢 headline"), "utf-8")
    code, _, stderr = run_cli("build", brief, "--lang", "en", "--out", tmp_path / "out")
    assert code == 2
    assert "no glyph for 漢 (U+6F22" in stderr and "Lato-" in stderr
    assert not (tmp_path / "out").exists()


def test_the_build_fontconfig_knows_no_system_font(tmp_path: Path) -> None:
    """Even a family the check would refuse cannot reach a system font: fontconfig has none for the build."""
    import weasyprint

    from briefgen.backends.weasyprint.fonts import font_config
    from briefgen.themes.fonts import faces

    regular = next(f for f in faces() if f.weight == 400 and not f.italic)
    html = (
        f'<style>@font-face {{ font-family: "Lato"; src: url("{regular.file.as_uri()}"); }}</style>'
        '<p style="font-family: Lato">Lato <span style="font-family: serif">serif</span>'
        ' <span style="font-family: monospace">mono</span></p>'
    )
    confined, open_ = tmp_path / "confined.pdf", tmp_path / "open.pdf"
    weasyprint.HTML(string=html).write_pdf(confined, font_config=font_config(tmp_path))
    weasyprint.HTML(string=html).write_pdf(open_)
    assert [name for name, _ in pdf_fonts(confined)] == ["Lato"]
    if shutil.which("fc-list") and subprocess.run(["fc-list"], capture_output=True, text=True).stdout.strip():
        assert len(pdf_fonts(open_)) > 1, "without it, WeasyPrint takes system fonts (the test can fail)"
