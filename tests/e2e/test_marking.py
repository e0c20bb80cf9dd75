"""Marking a briefing: a draft's watermark and the classification banner, on every page, in every engine.

The watermark is diagonal text, which poppler's pdftotext splits into pieces or leaves out: it is read back with
pypdf, page by page. The banner is read with `pdftotext -bbox`: the top line and the bottom line of each page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from briefgen.language.catalog import load_catalog
from briefgen.schema import brief_schema
from tests import pdfcheck
from tests.conftest import FIXTURES, engines, require_tool, run_cli

DRAFT = FIXTURES / "marking" / "brief.yaml"  # draft, confidential: three pages, the last the annex
ENGINES = engines("weasyprint", "typst", "latex")
WORDS = {lang: load_catalog(lang)("status.draft").upper() for lang in ("fr", "en", "de")}


def variant(folder: Path, **values: str) -> Path:
    """The marking fixture with some of its top-level values changed (`status`, `classification`)."""
    text = DRAFT.read_text(encoding="utf-8")
    for key, value in values.items():
        text, count = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, flags=re.MULTILINE)
        assert count == 1, key
    folder.mkdir(parents=True)
    (folder / "brief.yaml").write_text(text, encoding="utf-8")
    return folder / "brief.yaml"


def theme(folder: Path, banner: str) -> Path:
    """A theme that extends briefing and sets `layout.banner`."""
    folder.mkdir(parents=True)
    (folder / "theme.yaml").write_text(
        f"name: {folder.name}\nextends: briefing\nlayout:\n  banner: {banner}\n", encoding="utf-8"
    )
    return folder


def page_texts(pdf: Path) -> list[str]:
    """The text of each page as pypdf reads it, the diagonal watermark whole."""
    return [page.extract_text() for page in pdfcheck.reader(pdf).pages]


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's lines of words, from the top of the page to its foot, as `pdftotext -bbox` places them."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: install poppler-utils"
    xml = subprocess.run([tool, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in xml.split("<page ")[1:]:
        rows: dict[int, list[tuple[float, str]]] = {}
        for match in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" [^>]*>([^<]*)</word>', page):
            x, y, word = float(match.group(1)), float(match.group(2)), match.group(3)
            row = next((r for r in rows if abs(r - y) <= 2), round(y))
            rows.setdefault(row, []).append((x, word))
        pages.append([" ".join(w for _, w in sorted(rows[r])) for r in sorted(rows)])
    return pages


@pytest.fixture(scope="module")
def unmarked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture final and public (a brief with no marking), and a theme with no banner."""
    root = tmp_path_factory.mktemp("unmarked")
    return variant(root / "public", status="final", classification="public"), theme(root / "plain", "never")


# -- the watermark ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("engine", ENGINES)
def test_a_draft_has_the_watermark_of_its_language_on_every_page(built, engine: str, lang: str) -> None:
    pdf = built(DRAFT, engine, "briefing", lang)
    texts = page_texts(pdf)
    assert len(texts) >= 3 and "Example Board" in texts[-1]  # the last page is the annex, the back matter
    for number, text in enumerate(texts, 1):
        assert WORDS[lang] in text, (number, text[-300:])
        assert not {w for other, w in WORDS.items() if other != lang} & set(re.findall(r"\w+", text)), number


@pytest.mark.parametrize("engine", ENGINES)
def test_the_dossier_marks_every_page_the_cover_too(built, engine: str) -> None:
    pdf = built(DRAFT, engine, "dossier", "en")
    texts, lines = page_texts(pdf), page_lines(pdf)
    assert len(texts) >= 4  # a cover, the contents, the body, the annex
    for number, (text, page) in enumerate(zip(texts, lines, strict=True), 1):
        assert WORDS["en"] in text, number
        assert page[0] == page[-1] == "CONFIDENTIAL", (number, page[:2], page[-2:])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_final_public_brief_has_no_watermark_and_no_banner(built, unmarked, engine: str) -> None:
    public, _ = unmarked
    pdf = built(public, engine, "briefing", "en")
    assert not any("draft" in text.casefold() for text in page_texts(pdf))
    lines = page_lines(pdf)
    assert not any("PUBLIC" in line for page in lines for line in page)
    # The running header prints the classification, as before: no banner says it.
    assert lines[1][0].endswith("Public"), lines[1][:2]


# -- the classification banner ---------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_a_confidential_brief_has_its_banner_at_the_top_and_the_foot_of_every_page(
    built, engine: str
) -> None:
    pdf = built(DRAFT, engine, "briefing", "fr")
    lines = page_lines(pdf)
    for number, page in enumerate(lines, 1):
        assert page[0] == page[-1] == "CONFIDENTIEL", (number, page[:2], page[-2:])
        if number > 1:  # page 1 names it in the title block too; the header no longer repeats it
            assert sum("confidentiel" in line.casefold() for line in page) == 2, page


@pytest.mark.parametrize("engine", ENGINES)
def test_the_theme_says_when_the_banner_shows(built, unmarked, tmp_path_factory, engine: str) -> None:
    public, plain = unmarked
    always = built(public, engine, theme(tmp_path_factory.mktemp("always") / "always", "always"), "en")
    for number, page in enumerate(page_lines(always), 1):
        assert page[0] == page[-1] == "PUBLIC", number
    never = built(DRAFT, engine, plain, "en")
    for number, page in enumerate(page_lines(never)[1:], 2):
        assert "CONFIDENTIAL" not in page, number
        assert page[0].endswith("Confidential"), page[:2]  # the header's right side prints it again
    assert all(
        WORDS["en"] in text for text in page_texts(never)
    )  # the watermark is the brief's, not the theme's


@pytest.mark.parametrize("engine", ENGINES)
def test_marking_moves_no_word_of_the_text(built, unmarked, tmp_path: Path, engine: str) -> None:
    """The same brief, marked and not: the same pages, each with the same words once the marking's are left out."""
    _, plain = unmarked
    final = variant(tmp_path / "final", status="final")
    marked, bare = built(DRAFT, engine, "briefing", "en"), built(final, engine, plain, "en")
    # The marking's words: the watermark, the banner, and the draft's status in the title block's fields
    marking = {WORDS["en"].casefold(), "confidential", "status"}

    def words(pdf: Path, page: int) -> list[str]:  # -nodiag: pdftotext leaves the watermark out
        text = pdfcheck.page_text(pdf, page, "nodiag").casefold()
        return [w for w in re.findall(r"\w+", text) if w not in marking]

    assert pdfcheck.pages(marked) == pdfcheck.pages(bare)
    for number in range(1, pdfcheck.pages(marked) + 1):
        a, b = words(marked, number), words(bare, number)
        assert a == b, (number, pdfcheck.word_diff(a, b))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_theme_that_replaces_the_running_header_keeps_the_marking(tmp_path: Path, engine: str) -> None:
    """The marking has a block of its own in the template of the running header and footer."""
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine")
    folder, file, body = {
        "weasyprint": (
            "html",
            "running.css.j2",
            '{% block running %}@page { @top-left { content: "ACME"; } }',
        ),
        "typst": ("typst", "page.typ.j2", "{% block running %}#set page(header: [ACME], footer: none)\n"),
        "latex": ("latex", "running.tex.j2", "%% block running\n\\fancypagestyle{BriefFirst}{}\n"),
    }[engine]
    extends = (
        '%% extends "briefing:' + file + '"\n'
        if engine == "latex"
        else '{% extends "briefing:' + file + '" %}'
    )
    end = "%% endblock\n" if engine == "latex" else "{% endblock %}\n"
    mine = tmp_path / "mine"
    (mine / folder).mkdir(parents=True)
    (mine / "theme.yaml").write_text("name: mine\nextends: briefing\n", encoding="utf-8")
    (mine / folder / file).write_text(extends + body + end, encoding="utf-8")
    code, _, stderr = run_cli(
        "build", DRAFT, "--engine", engine, "--theme", mine, "--lang", "en", "--out", tmp_path / "o"
    )
    assert code == 0, stderr
    pdf = tmp_path / "o" / "marking-draft.en.pdf"
    assert all(WORDS["en"] in text for text in page_texts(pdf))
    for number, page in enumerate(page_lines(pdf), 1):
        assert page[0] == page[-1] == "CONFIDENTIAL", (number, page[:2], page[-2:])


# -- mistakes --------------------------------------------------------------------------------------------


def test_a_status_other_than_draft_or_final_is_a_located_error(tmp_path: Path) -> None:
    brief = variant(tmp_path / "brief", status="drafty")
    line = next(i for i, text in enumerate(brief.read_text().splitlines(), 1) if text.startswith("status:"))
    for command in (("check", brief), ("build", brief, "--out", tmp_path / "out")):
        code, _, stderr = run_cli(*command)
        assert code == 2, stderr
        assert f"{brief}:{line}:9: 'status': input should be 'draft' or 'final'" in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_the_schema_knows_the_status() -> None:
    status = brief_schema()["properties"]["status"]
    assert status["enum"] == ["draft", "final"] and status["default"] == "final"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("banner", "sometimes", "'banner' is auto, always or never, not 'sometimes'"),
        ("watermark-opacity", "140%", "'watermark-opacity' is a percentage from 0% to 100%, not '140%'"),
        (
            "watermark-angle",
            "steep",
            "'watermark-angle' is a whole number of degrees from -180 to 180, not 'steep'",
        ),
    ],
    ids=["banner", "opacity", "angle"],
)
def test_a_bad_marking_setting_is_a_located_error(tmp_path: Path, key: str, value: str, message: str) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "theme.yaml").write_text(
        f"name: odd\nextends: briefing\nlayout:\n  {key}: {value}\n", encoding="utf-8"
    )
    code, _, stderr = run_cli(
        "build", DRAFT, "--theme", folder, "--engine", "typst", "--out", tmp_path / "out"
    )
    assert code == 2, stderr
    assert f"{folder / 'theme.yaml'}:4:{len(key) + 5}: {message}" in stderr, stderr
    assert not (tmp_path / "out").exists()
