"""The same theme gives the same page in every engine: size, margins, body font and size, colours, footer, logo.

Read from the PDFs, not eyeballed: the page box, the words' bounding boxes, the fonts and sizes of the text
runs, the pixels of a page rendered by pdftoppm, the images on page 1.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from briefgen.backends import BACKENDS
from briefgen.language.catalog import load_catalog
from briefgen.themes.layers import load_theme
from briefgen.themes.manifest import points
from tests import pdfcheck
from tests.conftest import FIXTURES, KYUTAI, engines

ENGINES = engines(*BACKENDS)
ACME = FIXTURES / "themes" / "acme"
THEMES = {"briefing": "briefing", "acme": str(ACME)}


def _family(font_name: str) -> str:
    """A font's family as engines name it in a PDF, without spaces or hyphens: `Atkinson-Hyperlegible` (WeasyPrint)
    and `AtkinsonHyperlegible-Regular` (Typst, LaTeX) are both `AtkinsonHyperlegible`."""
    return re.sub(r"-?(Regular|Roman|Book)$", "", font_name).replace(" ", "").replace("-", "")


def body_font(pdf: Path) -> tuple[str, float]:
    """The (family, size) that sets the most characters of the PDF: the body text."""
    runs: Counter[tuple[str, float]] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        if font is None or not text.strip():
            return
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        name = re.sub(r"^/?[A-Z]{6}\+", "", str(font.get("/BaseFont", "?")))
        family = _family(name)
        runs[(family, round(size * scale, 1))] += len(text.strip())

    back = [
        page
        for _level, title, page in pdfcheck.outline_pages(pdf)
        if title
        in {load_catalog(lang)(key) for lang in ("en", "fr") for key in ("who", "other_facts", "notes")}
    ]
    pages = pdfcheck.reader(pdf).pages
    for page in pages[: min(back) - 1] if back else pages:  # the briefing, not its annex and notes
        page.extract_text(visitor_text=visit)
    return runs.most_common(1)[0][0]


def text_box(pdf: Path, page: int) -> tuple[float, float]:
    """The left edge of the leftmost word and the right edge of the rightmost word of a page, in points."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    boxes = [
        (float(a), float(b))
        for a, b in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', out)
    ]
    return min(a for a, _ in boxes), max(b for _, b in boxes)


def pixels(pdf: Path, colour: str, tmp: Path, page: int = 1, tolerance: int = 24) -> int:
    """Pixels of page `page`, rendered at 50 dpi, within `tolerance` of `colour` in each channel."""
    prefix = tmp / f"{pdf.stem}-p{page}"
    subprocess.run(
        ["pdftoppm", "-r", "50", "-f", str(page), "-l", str(page), str(pdf), str(prefix)], check=True
    )
    data = next(tmp.glob(f"{prefix.name}*.ppm")).read_bytes()
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header
    body = data[header.end() :]
    want = bytes.fromhex(colour.lstrip("#"))
    return sum(
        1
        for i in range(0, len(body) - 2, 3)
        if all(abs(body[i + c] - want[c]) <= tolerance for c in range(3))
    )


def images_on(pdf: Path, page: int) -> int:
    out = subprocess.run(
        ["pdfimages", "-list", "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return len(out.splitlines()[2:])


@pytest.fixture(autouse=True)
def _tools() -> None:
    for tool in ("pdftotext", "pdftoppm", "pdfimages"):
        assert shutil.which(tool), f"{tool} is missing: install poppler-utils"


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("engine", ENGINES)
def test_page_size_margins_and_body_font_follow_the_theme(built, engine: str, theme: str) -> None:
    pdf = built(KYUTAI, engine, THEMES[theme])
    resolved = load_theme(THEMES[theme])
    page = resolved.manifest.page
    box = pdfcheck.reader(pdf).pages[0].mediabox
    assert abs(float(box.width) - float(points(page.width))) < 0.5
    assert abs(float(box.height) - float(points(page.height))) < 0.5
    left, right = text_box(pdf, 2)  # a page of body text, justified to both margins
    assert abs(left - float(points(page.margin.left))) < 2.5, (left, page.margin.left)
    assert abs(right - (float(box.width) - float(points(page.margin.right)))) < 2.5, (
        right,
        page.margin.right,
    )
    family, size = body_font(pdf)
    assert family == resolved.manifest.font.text.replace(" ", "")
    assert Decimal(str(size)) == points(resolved.manifest.text["body"].size)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_worked_example_shows_its_colour_footer_font_and_logo(built, engine: str, tmp_path: Path) -> None:
    pdf = built(KYUTAI, engine, str(ACME))
    assert pixels(pdf, "#00a878", tmp_path) > 80, "the theme's accent colour on page 1"
    assert pixels(pdf, "#b5452a", tmp_path, tolerance=10) == 0, "not the parent's accent"
    title = pdfcheck.metadata(pdf)["Title"]
    for number in range(1, pdfcheck.pages(pdf) + 1):
        page = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        flat = " ".join(page.split())
        assert "ACME Research —" in flat, f"footer on page {number}"
        assert title.split()[0] in flat
    assert images_on(pdf, 1) >= 1, "the logo on page 1"
    assert {_family(re.sub(r"-?(Bold|Italic|Black|Heavy)+$", "", name)) for name in pdfcheck.fonts(pdf)} == {
        "AtkinsonHyperlegible"
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_the_briefing_shows_its_accent_and_no_logo(built, engine: str, tmp_path: Path) -> None:
    pdf = built(KYUTAI, engine)
    assert pixels(pdf, "#b5452a", tmp_path) > 80
    assert images_on(pdf, 1) == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_french_builds_with_a_font_that_lacks_the_narrow_no_break_space(built, engine: str) -> None:
    """Atkinson Hyperlegible has no U+202F: every engine sets a space of its width, none stops or drops text."""
    pdf = built(KYUTAI, engine, str(ACME), "fr")
    flat = " ".join(pdfcheck.text(pdf).replace("\u00a0", " ").replace("\u202f", " ").split())
    assert "Chiffres clés".upper() in flat.upper() and "100 millions d’euros" in flat


def _rule_tops(pdf: Path, colour: str) -> list[float]:
    """The tops (points from the page's top) of page 1's horizontal rules in `colour` wider than half the page, as
    pdfplumber reads them: a filled rectangle or a stroked line, whichever the engine draws."""
    import pdfplumber

    want = tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def painted(shape: dict) -> bool:
        return any(
            isinstance(c, tuple)
            and len(c) == 3
            and all(abs(a - b) < 0.01 for a, b in zip(c, want, strict=True))
            for c in (shape.get("non_stroking_color"), shape.get("stroking_color"))
        )

    with pdfplumber.open(str(pdf)) as document:
        page = document.pages[0]
        shapes = [*page.rects, *page.lines]
        return sorted(s["top"] for s in shapes if s["width"] > page.width / 2 and painted(s))


@pytest.mark.parametrize("engine", ENGINES)
def test_the_logo_sits_above_the_title_rule(built, engine: str) -> None:
    """Logo, a gap of the theme's title-rule-gap, then the title rule, in every engine (WeasyPrint drew the rule
    above the logo)."""
    pdf = built(KYUTAI, engine, str(ACME))
    manifest = load_theme(str(ACME)).manifest
    import pdfplumber

    with pdfplumber.open(str(pdf)) as document:
        (logo,) = document.pages[0].images
    rules = _rule_tops(pdf, manifest.colours["primary"])
    assert rules, "the title rule on page 1"
    assert rules[0] > logo["bottom"], (engine, rules[0], logo["top"], logo["bottom"])
    gap = rules[0] - logo["bottom"]
    assert abs(gap - float(points(manifest.space["title-rule-gap"]))) < 1.5, (engine, gap)


RIGHT_FOOTER = "Prepared by the research office for the board of directors — {title} — {page_x_of_y}"


@pytest.fixture(scope="module")
def right_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A theme whose footer has an empty left side and a long right side."""
    folder = tmp_path_factory.mktemp("right-only")
    (folder / "theme.yaml").write_text(
        f'name: right-only\nextends: briefing\npage:\n  footer: {{left: "", right: "{RIGHT_FOOTER}"}}\n',
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize("engine", ENGINES)
def test_an_empty_left_footer_leaves_the_line_to_the_right_footer(
    built, engine: str, right_only: Path
) -> None:
    """The right footer on one line, whole, ending at the right margin (Typst kept 70 % of the line for the empty
    left side and wrapped it in the 30 % left; WeasyPrint wrapped it beside the banner's box)."""
    import pdfplumber

    pdf = built(FIXTURES / "minimal.yaml", engine, right_only)
    margin = float(points(load_theme(str(right_only)).manifest.page.margin.right))
    with pdfplumber.open(str(pdf)) as document:
        page = document.pages[0]
        words = page.extract_words()
    expected = RIGHT_FOOTER.format(title="A test headline", page_x_of_y="Page 1 of 1").replace(" ", "")
    first = next(w for w in words if w["text"].startswith("Prepared"))
    line = [w for w in words if abs(w["top"] - first["top"]) < 1]  # pdfplumber joins LaTeX's narrow spaces
    assert "".join(w["text"] for w in line) == expected, f"wrapped or cut in {engine}: {line}"
    assert abs(line[-1]["x1"] - (float(page.width) - margin)) < 1.5, (engine, line[-1]["x1"])
