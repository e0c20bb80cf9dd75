"""Themes in the LaTeX engine: tokens, running header and footer, logo, fonts, language and the dossier theme."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from briefgen.backends.latex import svg as latex_svg
from briefgen.brief.inline import plain
from briefgen.brief.validate import load_brief
from briefgen.document.view import Document, build_document
from briefgen.errors import InputError
from briefgen.language.catalog import load_catalog
from briefgen.themes.layers import load_theme
from briefgen.themes.manifest import points
from tests import pdfcheck
from tests.conftest import FIXTURES, KYUTAI, ROOT, require_tool, run_cli

ACME = FIXTURES / "themes" / "acme"
DOSSIER_LOGO = ROOT / "templates" / "dossier" / "logo.svg"
MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture(autouse=True)
def _poppler() -> None:
    for tool in ("pdftotext", "pdftoppm", "pdfimages", "pdffonts"):
        require_tool(tool, "reading PDFs back; apt-get install poppler-utils")


def poppler(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def page_text(pdf: Path, page: int, *mode: str) -> str:
    return poppler("pdftotext", *mode, "-f", page, "-l", page, pdf, "-")


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """The words of a page as (top, bottom, word), in points from the top of the page."""
    found = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
        page_text(pdf, page, "-bbox"),
    )
    return [(float(top), float(bottom), word) for top, bottom, word in found]


def running_text(pdf: Path, page: int, theme: str) -> tuple[str, str]:
    """The words of a page's header (in the top margin) and footer (in the bottom margin)."""
    margin = load_theme(theme).manifest.page.margin
    height = float(pdfcheck.reader(pdf).pages[page - 1].mediabox.height)
    top, bottom = float(points(margin.top)), height - float(points(margin.bottom))
    found = words(pdf, page)
    return (
        " ".join(w for t, b, w in found if b <= top),
        " ".join(w for t, b, w in found if t >= bottom),
    )


def colour_pixels(
    pdf: Path, colour: str, tmp: Path, page: int = 1, rows: tuple[float, float] = (0, 1)
) -> int:
    """Pixels of a page rendered at 50 dpi within 24 of `colour` in each channel, in a band of its height."""
    prefix = tmp / f"{pdf.stem}-{page}"
    poppler("pdftoppm", "-r", "50", "-f", page, "-l", page, pdf, prefix)
    data = next(tmp.glob(f"{prefix.name}*.ppm")).read_bytes()
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header
    width, height = int(header[1]), int(header[2])
    body = data[header.end() :]
    want = bytes.fromhex(colour.lstrip("#"))
    first, last = int(rows[0] * height), int(rows[1] * height)
    return sum(
        1
        for i in range(first * width * 3, last * width * 3, 3)
        if all(abs(body[i + c] - want[c]) <= 24 for c in range(3))
    )


def document(brief: Path, lang: str) -> Document:
    return build_document(load_brief(brief), lang, load_catalog(lang))


# -- the worked example: a theme with its own colour, footer, OFL font and PNG logo ------------------------


@pytest.fixture(scope="session")
def acme(lualatex: None, built) -> Path:
    return built(KYUTAI, "latex", str(ACME), "en")


def test_acme_footer_is_on_every_page(acme: Path) -> None:
    title = document(KYUTAI, "en").title
    for page in range(1, pdfcheck.pages(acme) + 1):
        _header, footer = running_text(acme, page, str(ACME))
        assert flat(footer).startswith(flat(f"ACME Research — {title}")), f"page {page}: {footer!r}"
        assert f"Page {page} of" in footer


def test_acme_sets_every_word_in_its_own_font(acme: Path) -> None:
    rows = poppler("pdffonts", acme).splitlines()[2:]
    names = {re.sub(r"^[A-Z]{6}\+", "", row.split()[0]) for row in rows}
    assert names and all(name.startswith("AtkinsonHyperlegible-") for name in names), names
    assert all(" yes " in row for row in rows), "every font embedded"


def test_acme_logo_is_on_page_1_only(acme: Path) -> None:
    listed = poppler("pdfimages", "-list", acme).splitlines()[2:]
    assert [(row.split()[0], row.split()[3], row.split()[4]) for row in listed] == [("1", "240", "80")]


def test_acme_accent_is_on_page_1_and_the_parent_s_is_not(acme: Path, tmp_path: Path) -> None:
    assert colour_pixels(acme, "#00a878", tmp_path) > 300
    assert colour_pixels(acme, "#b5452a", tmp_path) == 0


# -- the dossier: cover, table of contents, section titles in the running header ---------------------------


@pytest.fixture(scope="session")
def dossier(lualatex: None, built):
    return lambda lang: built(KYUTAI, "latex", "dossier", lang)


def contents(pdf: Path) -> list[tuple[int, str, int]]:
    """The table of contents on page 2: (level, title, page)."""
    entries = []
    for line in page_text(pdf, 2, "-layout").splitlines():
        match = re.match(r"^(\s*)(\S.*?)\s*\.{3,}\s*(\d+)$", line)
        if match:
            entries.append((2 if match[1] else 1, flat(match[2]), int(match[3])))
    return entries


def expected_contents(lang: str) -> list[tuple[int, str]]:
    doc, t = document(KYUTAI, lang), load_catalog(lang)
    out = [(1, t("summary")), (1, t("key_facts"))]
    for section in doc.sections:
        out.append((1, flat(plain(section.title))))
        out += [(2, flat(plain(sub.title))) for sub in section.subsections]
    out += [(1, t("source_caveats")), (1, t("sources"))]
    out += [(2, t("not_stated"))] if doc.not_stated else []
    out += [(1, t("who"))] if doc.who else []
    out += [(1, t("other_facts"))] if doc.other_facts else []
    return out  # the dossier puts notes at the foot of the page: no Notes section


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_dossier_cover_has_no_header_or_footer_and_later_pages_have_both(dossier, lang: str) -> None:
    pdf = dossier(lang)
    assert running_text(pdf, 1, "dossier") == ("", "")
    for page in range(2, pdfcheck.pages(pdf) + 1):
        header, footer = running_text(pdf, page, "dossier")
        assert header and footer, f"page {page}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_dossier_contents_list_every_heading_at_its_page(dossier, lang: str) -> None:
    pdf = dossier(lang)
    listed = contents(pdf)
    assert [(level, title) for level, title, _page in listed] == expected_contents(lang)
    pages = [page for _level, _title, page in listed]
    assert pages == sorted(pages) and pages[0] == 3, "the body starts after the cover and the contents"
    for level, title, page in listed:
        shown = title.upper() if level == 1 else title  # level-1 headings are set in capitals
        body = flat(page_text(pdf, page))
        assert shown in body, f"{title!r} is not on page {page}"
    links = [
        a for a in pdfcheck.reader(pdf).pages[1].get("/Annots") or [] if a.get_object()["/Subtype"] == "/Link"
    ]
    assert len(links) >= len(listed), "each entry links to its heading"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_dossier_running_header_names_the_section(dossier, lang: str) -> None:
    pdf = dossier(lang)
    first_on_page: dict[int, str] = {}
    for level, title, page in contents(pdf):
        if level == 1:
            first_on_page.setdefault(page, title)
    assert len(first_on_page) >= 2
    classification = document(KYUTAI, lang).classification
    for page, title in first_on_page.items():
        header, _footer = running_text(pdf, page, "dossier")
        assert flat(header) == flat(f"{title.upper()} {classification}"), f"page {page}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_dossier_cover_shows_the_svg_logo(dossier, lang: str, tmp_path: Path) -> None:
    pdf = dossier(lang)
    resources = pdfcheck.reader(pdf).pages[0]["/Resources"]
    forms = [x.get_object() for x in (resources.get("/XObject") or {}).values()]
    assert any(form["/Subtype"] == "/Form" for form in forms), "the logo, drawn as vector graphics"
    logo_band = (0, float(points("26mm") + points("16mm")) / 841.89)  # the top margin and the logo's height
    assert colour_pixels(pdf, "#1d3b4f", tmp_path, rows=logo_band) > 100
    assert colour_pixels(pdf, "#b07a2a", tmp_path, rows=logo_band) > 20


def test_svg_logo_becomes_a_pdf_page_of_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    theme = load_theme("dossier")
    svgs = latex_svg.Converter(theme.faces, tuple(theme.asset_dirs()))
    pdf = tmp_path / "logo.pdf"
    pdf.write_bytes(svgs.pdf(DOSSIER_LOGO, "logo"))
    assert [p.read_bytes() for p in latex_svg.cache_folder().iterdir()] == [pdf.read_bytes()], "cached once"
    assert svgs.pdf(DOSSIER_LOGO, "logo") == pdf.read_bytes()
    (page,) = pdfcheck.reader(pdf).pages
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (135, 45)  # 180 × 60 px


def test_an_svg_logo_that_is_not_svg_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "logo.svg"
    bad.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">\n<rect></svg>\n')
    with pytest.raises(InputError, match=r"logo.svg:2:\d+: logo: not valid SVG"):
        latex_svg.parse(bad, bad.read_bytes(), "logo")
    unsized = tmp_path / "unsized.svg"
    unsized.write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>')
    root, _where = latex_svg.parse(unsized, unsized.read_bytes(), "logo")
    with pytest.raises(InputError, match="needs a width and a height, or a viewBox"):
        latex_svg.svg_size(unsized, root)


# -- language as data: German ----------------------------------------------------------------------------


def german_brief(folder: Path) -> Path:
    """The minimal brief in German only, with a caveat quoting its German source."""
    brief = (
        (FIXTURES / "minimal.yaml")
        .read_text(encoding="utf-8")
        .replace("languages: [fr, en]", "languages: [de]")
    )
    brief = brief.replace("{fr: Équipe test, en: Test team}", "{de: Testteam}").replace(
        "language: en", "language: de"
    )
    brief = re.sub(r"\{fr: ([^{}]*?), en: ([^{}]*?)\}", r"{de: \2}", brief)
    brief = re.sub(r'\{fr: "([^"]*)", en: "([^"]*)"\}', r'{de: "\2"}', brief)
    brief += 'flags:\n  - kind: doubtful\n    quote: "Die Zahl gilt je Partner"\n    note: {de: "Unklar."}\n'
    (folder / "de.yaml").write_text(brief, encoding="utf-8")
    return folder / "de.yaml"


def test_a_german_brief_gets_german_hyphenation_and_quotes(lualatex: None, tmp_path: Path) -> None:
    brief = german_brief(tmp_path)
    code, _out, err = run_cli(
        "build", brief, "--engine", "latex", "--format", "tex", "--out", tmp_path / "tex"
    )
    assert code == 0, err
    source = (tmp_path / "tex" / "minimal-brief.de.tex").read_text(encoding="utf-8")
    assert "main=ngerman]{babel}" in source and "\\frenchsetup" not in source
    code, _out, err = run_cli("build", brief, "--engine", "latex", "--out", tmp_path / "out")
    assert code == 0, err
    pdf = tmp_path / "out" / "minimal-brief.de.pdf"
    assert "„Die Zahl gilt je Partner“" in flat(pdfcheck.text(pdf))
    assert pdfcheck.lang(pdf) == "de"


# -- templates: blocks, fonts and tokens ------------------------------------------------------------------


def child_theme(root: Path, body: str) -> Path:
    """A theme extending briefing whose LaTeX entry template is `body`."""
    (root / "latex").mkdir(parents=True)
    (root / "theme.yaml").write_text("name: child\nextends: briefing\n", encoding="utf-8")
    (root / "latex" / "brief.tex.j2").write_text(body, encoding="utf-8")
    return root


def test_a_child_theme_overrides_one_block(workdir: Path) -> None:
    body = (
        '%% extends "briefing:brief.tex.j2"\n%% block lead\n\\BriefParagraph{A LEAD OF MY OWN}\n%% endblock\n'
    )
    theme = child_theme(workdir / "child", body)
    args = ("build", KYUTAI, "--engine", "latex", "--theme", theme, "--lang", "en", "--format", "tex")
    code, _out, err = run_cli(*args, "--out", "out")
    assert code == 0, err
    source = (workdir / "out" / "kyutai-launch.en.tex").read_text(encoding="utf-8")
    assert "A LEAD OF MY OWN" in source
    assert "BriefSummary" in source and "\\begin{BriefSummary}" not in source  # defined, no longer used
    # the other blocks are the parent's
    assert "\\BriefKicker{" in source and "\\BriefSection{Sources}" in source


def test_a_font_family_no_face_provides_is_a_template_error(workdir: Path) -> None:
    body = '%% extends "briefing:brief.tex.j2"\n%% block macros\n<< (fonts | font_family("Comic Sans")) | length >>\n%% endblock\n'
    theme = child_theme(workdir / "child", body)
    args = ("build", KYUTAI, "--engine", "latex", "--theme", theme, "--lang", "en", "--format", "tex")
    code, _out, err = run_cli(*args, "--out", "out")
    assert code == 2
    assert (
        err.strip()
        == "child/latex/brief.tex.j2:3:1: template error: no font family 'Comic Sans' (families: Lato)"
    )


def test_a_token_the_theme_does_not_have_stops_the_build_at_its_line(lualatex: None, workdir: Path) -> None:
    body = '%% extends "briefing:brief.tex.j2"\n%% block macros\n\\setlength\\parskip{\\BriefToken{space-nowhere}}\n%% endblock\n'
    theme = child_theme(workdir / "child", body)
    args = ("build", FIXTURES / "minimal.yaml", "--engine", "latex", "--theme", theme, "--lang", "en")
    code, _out, err = run_cli(*args, "--out", "out")
    assert code == 2
    assert err.startswith("child/latex/brief.tex.j2:3:")
    assert "no token 'space-nowhere' in the theme" in err
