"""What a reader sees, copies and searches is what the brief says, in every engine: no glyph leaves the page,
text read back from the PDF is the typeset text, words break only where they may, quotes nest, inline markup is
the documented subset and nothing else, pages break in good places, and every engine prints the same words.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from briefgen.brief.inline import Node, parse
from briefgen.language.catalog import load_catalog, typography_for
from briefgen.language.typography import typeset, typeset_text
from briefgen.themes.layers import load_theme
from briefgen.themes.manifest import points
from tests import pdfcheck
from tests.conftest import FIXTURES, engines, require_tool

ENGINES = engines("weasyprint", "typst", "latex")
LANGS = ["fr", "en"]
FIDELITY = FIXTURES / "fidelity"
WORDS = FIDELITY / "words.yaml"  # long addresses and words, hyphens, quotes, underscores, soft hyphens
LINES = FIDELITY / "lines.yaml"  # names, dates and percentages at every place of a line
LONG = FIDELITY / "long.yaml"  # five pages of headings, paragraphs and lists of every size
NARROW = FIDELITY / "narrow"  # a theme with a narrow page
THEMES = {"briefing": "briefing", "narrow": str(NARROW)}
NB, NN, SHY = "\u00a0", "\u202f", "\u00ad"
# A glyph may hang past the text's edge by a hyphen's width or so (Typst and microtype's protrusion), no more.
HANG = 3.0


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "latex":
        require_tool("lualatex", "the LaTeX engine runs LuaLaTeX from TeX Live")
    return str(request.param)


def brief_texts(path: Path, lang: str) -> list[str]:
    """Every text of the brief a reader of `lang` sees: the language's side of each text, and the texts written
    once for all languages (names, the source's title and address, the author)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    languages = set(data["languages"])
    found: list[str] = []

    def visit(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            if set(value) & languages:
                found.append(str(value[lang]))
                return
            for name, item in value.items():
                visit(item, name)
        elif isinstance(value, list):
            for item in value:
                visit(item, key)
        elif isinstance(value, str) and key in ("name", "title", "url", "author"):
            found.append(value)

    visit({k: v for k, v in data.items() if k not in ("id", "version", "languages", "source")})
    visit(data["source"])
    return found


def as_printed(text: str) -> str:
    """A text of the brief as any engine prints it: markup and soft hyphens gone, apostrophes curly."""
    text = re.sub(r"[*`]", "", text).replace(SHY, "")
    return re.sub(r"(?<=\w)'(?=\w)", "’", text)


def found(text: str, extracted: str, breaks: str) -> int:
    """How many times `text` is in the text extracted from a PDF, where a line may end: at its spaces always,
    and between any two characters too when `breaks` says how (a pattern: `\\n` a line's end, `-?\\n` a line's
    end or a hyphenation)."""
    between = f"(?:{breaks})?" if breaks else ""
    parts = [r"\s+" if char.isspace() else re.escape(char) for char in text]
    return len(re.findall(between.join(parts), extracted))


def raw_text(pdf: Path) -> str:
    """The PDF's text in content order, line by line, as pdftotext reads it (no words rejoined)."""
    return unicodedata.normalize("NFC", pdfcheck.text(pdf, "raw"))


@dataclass(frozen=True)
class Line:
    page: int
    top: float
    bottom: float
    left: float
    right: float
    text: str


def lines(pdf: Path) -> Iterator[Line]:
    """Every line of the PDF with its box, in points from the top left, as `pdftotext -bbox-layout` finds them."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    for number, page in enumerate(xml.split("<page ")[1:], 1):
        for line in re.finditer(
            r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', page, re.S
        ):
            words = re.findall(r">([^<]*)</word>", line.group(5))
            left, top, right, bottom = (float(v) for v in line.groups()[:4])
            yield Line(number, top, bottom, left, right, " ".join(words))


# -- 1. nothing leaves the page --------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("lang", LANGS)
def test_long_addresses_and_words_stay_inside_the_text_area(
    built, engine: str, theme: str, lang: str
) -> None:
    pdf = built(WORDS, engine, THEMES[theme], lang)
    page = load_theme(THEMES[theme]).manifest.page
    left = float(points(page.margin.left)) - HANG
    right = float(points(page.width)) - float(points(page.margin.right)) + HANG
    out = [
        line
        for line in lines(pdf)
        if line.left < left or line.right > right or line.top < 0 or line.bottom > float(points(page.height))
    ]
    assert not out, f"past the text's edges ({left:.0f}–{right:.0f} pt) or the page's: {out}"
    text = raw_text(pdf)
    data = yaml.safe_load(WORDS.read_text(encoding="utf-8"))
    address = data["source"]["url"]
    # The address is printed whole twice (in prose and in the sources), breaking between characters, never with
    # a hyphen added; so are the long words.
    assert found(address, text, r"\n") == 2, address
    for word in (
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogochuchaf",
    ):
        assert found(word, text, r"\n") == 1, word


# -- 2. text read back is the typeset text ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_hyphen_of_the_brief_reads_back_as_a_hyphen(built, engine: str, lang: str) -> None:
    """Names, compounds, the address: each `-` of the brief is U+002D in the PDF's text. A line broken inside a
    word ends with U+002D too, never U+2010 (which WeasyPrint's default would draw with the hyphen's glyph, so
    that every hyphen of the face would read back as U+2010)."""
    texts = [as_printed(t) for t in brief_texts(WORDS, lang)]
    tokens = {
        token.rstrip(".,;:")
        for text in texts
        for token in re.findall(r"[^\s«»“”\"(]*-[^\s«»“”\")]*", text)
        if "{{" not in token
    }
    assert {"Saint-Gobain", "Aix-en-Provence", "Durand-Lefèvre"} <= tokens
    for theme in THEMES.values():
        pdf = built(WORDS, engine, theme, lang)
        text = raw_text(pdf)
        assert "\u2010" not in text
        missing = [t for t in sorted(tokens) if not found(t, text, r"[-\u00ad]?\n")]
        assert not missing, f"not read back with U+002D: {missing}"
        # A line broken inside a word, at a hyphenation point or at one of the brief's soft hyphens, ends with
        # `-` in every engine (Typst writes U+00AD there, which briefgen makes `-`: backends/typst/hyphens.py).
        assert f"{SHY}\n" not in text
        if engine == "typst":  # Typst keeps the brief's own soft hyphens where no line breaks (invisible)
            assert text.count(SHY) <= sum(t.count(SHY) for t in brief_texts(WORDS, lang))
        else:
            assert SHY not in text


@pytest.mark.parametrize("lang", LANGS)
def test_quotes_nest_and_straight_single_quotes_stay(built, engine: str, lang: str) -> None:
    text = " ".join(raw_text(built(WORDS, engine, "briefing", lang)).split())
    if lang == "fr":
        assert f"«{NB}externe “interne” fin{NB}»".replace(NB, " ") in text.replace(NB, " ")
        assert f"«{NB}dehors “dedans” dehors{NB}»".replace(NB, " ") in text.replace(NB, " ")
        assert " 'cité' " in text
    else:
        assert "“outside ‘inside’ outside”" in text
        assert "‘cited’" in text


@pytest.mark.parametrize("lang", LANGS)
def test_underscores_print_as_written(built, engine: str, lang: str) -> None:
    text = raw_text(built(WORDS, engine, "briefing", lang))
    flat = " ".join(text.split())
    assert flat.count("__init__") == 2, "in code and in text"
    assert " snake_case" in flat and " _x_ " in flat
    emphasis = {"fr": "l’emphase", "en": "emphasis"}[lang]
    assert f"*{emphasis}*" not in flat and emphasis in flat


# -- 3. where lines break ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_names_dates_and_percentages_never_break_inside(built, engine: str, lang: str) -> None:
    """Set narrow, the paragraph's lines end at every place of its names, values, dates and percentages: none
    breaks but at a space (a name's own hyphen included), though lines do break at the hyphens of other words."""
    text = raw_text(built(LINES, engine, str(NARROW), lang))
    anywhere = r"[-\u00ad]?\n"
    for name in ("Saint-Gobain", "Aix-en-Provence", "Jean-Pierre Durand-Lefèvre"):
        count = found(name, text, anywhere)
        assert count >= 25, f"{name}: {count}"
        assert found(name, text, "") == count, f"{name} broken inside a word"
    month = {"fr": "juin", "en": "June"}[lang]
    days = len(re.findall(rf"14\s+{month}", text))
    assert days >= 48
    assert len(re.findall(rf"14[ {NB}]{month}", text)) == days, f"14 {month} broken across lines"
    if lang == "fr":  # pdftotext reads U+202F as a space
        percentages = len(re.findall(r"50\s*%", text))
        assert percentages >= 48
        assert len(re.findall(r"50 %", text)) == percentages, "50 % broken across lines"
    assert re.search(r"\w-\n", text), "lines do break at other words' hyphens here"


# -- 4. where pages break ---------------------------------------------------------------------------------------


def lists_of(path: Path, lang: str) -> list[list[str]]:
    """The items of every list of the brief's sections, as printed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    blocks = [b for s in data["sections"] for part in [s, *s.get("subsections", [])] for b in part["blocks"]]
    return [[as_printed(item[lang]) for item in block["items"]] for block in blocks if "items" in block]


def headings_of(path: Path, lang: str) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [part["title"][lang] for s in data["sections"] for part in [s, *s.get("subsections", [])]]


def key(text: str) -> str:
    """A line's text for comparing: a list's bullet, case and runs of spaces left out."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().removeprefix("•").split())


def page_of(all_lines: list[Line], text: str, whole: bool = False) -> int:
    """The page where a line starts with `text` (the start of a list item), or is `text` (`whole`: a heading)."""
    pages = {
        line.page
        for line in all_lines
        if (key(line.text) == key(text) if whole else key(line.text).startswith(key(text)))
    }
    assert len(pages) == 1, f"{text!r} on pages {pages}"
    return pages.pop()


# The key facts' values in long.yaml, row by row (three cards to a row in `briefing`).
PANEL_ROWS = [
    ("Lyon", "Lille", "Nantes"),
    ("Rennes", "Brest", "Tours"),
    ("Dijon", "Metz", "Nancy"),
    ("Reims", "Caen", "Pau"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_short_lists_are_never_broken_across_pages_nor_the_key_facts_inside_a_row(
    built, engine: str, lang: str
) -> None:
    """A list of at most six items is on one page; a longer one leaves no item alone at a page's foot or head
    (its first two items share a page, and so do its last two). The key-facts panel (four rows of three cards, near
    page 1's foot) breaks, if at all, between its second and third rows: its heading on the page of the first two,
    each row on one page, the last two together."""
    pdf = built(LONG, engine, "briefing", lang)
    all_lines = list(lines(pdf))
    assert pdfcheck.pages(pdf) >= 5
    long_lists = 0
    for items in lists_of(LONG, lang):
        pages = [page_of(all_lines, item[: item.index(":")].rstrip(NB + " ")) for item in items]
        if len(items) <= 6:
            assert len(set(pages)) == 1, f"{items[0]!r}…: items on pages {pages}"
        else:
            long_lists += 1
            assert pages[0] == pages[1] and pages[-2] == pages[-1], f"{items[0]!r}…: items on pages {pages}"
    assert long_lists == 2
    catalog = load_catalog(lang)
    heading = page_of(all_lines, catalog("key_facts"), whole=True)
    rows = [[page_of(all_lines, name) for name in row] for row in PANEL_ROWS]
    assert all(len(set(row)) == 1 for row in rows), f"the key facts' rows on pages {rows}"
    assert heading == rows[0][0] == rows[1][0] and rows[2][0] == rows[3][0], (
        f"heading p{heading}, rows {rows}"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_heading_is_followed_on_its_page_by_two_lines(built, engine: str, lang: str) -> None:
    pdf = built(LONG, engine, "briefing", lang)
    page = load_theme("briefing").manifest.page
    text_bottom = float(points(page.height)) - float(points(page.margin.bottom))
    all_lines = list(lines(pdf))
    for heading in headings_of(LONG, lang):
        where = [line for line in all_lines if key(line.text) == key(heading)]
        assert len(where) == 1, heading
        after = [
            line
            for line in all_lines
            if line.page == where[0].page and where[0].bottom < line.top and line.bottom <= text_bottom + HANG
        ]
        assert len(after) >= 2, f"{heading!r} ends page {where[0].page}"


# -- 5. every engine prints the same words ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_engines_print_the_same_words_in_the_same_order_and_the_same_headings(
    built, engine: str, lang: str
) -> None:
    """What the README promises: the same words in the same order, the same sections and headings (and PDF
    outline) in every engine; where pages break may differ."""
    reference = built(LONG, "weasyprint", "briefing", lang)
    pdf = built(LONG, engine, "briefing", lang)
    words = pdfcheck.briefing_words(pdf, LONG, lang)
    assert len(words) > 1500, "the whole brief is there"
    assert pdfcheck.word_diff(pdfcheck.briefing_words(reference, LONG, lang), words) == []
    outline = [(level, " ".join(title.split())) for level, title in pdfcheck.outline(pdf)]
    assert outline == [(level, " ".join(title.split())) for level, title in pdfcheck.outline(reference)]
    assert [title for _, title in outline if title in headings_of(LONG, lang)] == headings_of(LONG, lang)


# -- the rules, without an engine -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('« externe "interne" fin »', f"«{NB}externe “interne” fin{NB}»"),
        ('«externe "interne" fin»', f"«{NB}externe “interne” fin{NB}»"),
        ("« un « deux » trois »", f"«{NB}un «{NB}deux{NB}» trois{NB}»"),
        ('“dedans "plus loin" dedans”', "“dedans “plus loin” dedans”"),
        ('"un "deux "trois" deux" un"', f"«{NB}un “deux «{NB}trois{NB}» deux” un{NB}»"),
        ("il garde 'cité' tel quel", "il garde 'cité' tel quel"),
        ("« garde 'cité' » et l'équipe", f"«{NB}garde 'cité'{NB}» et l’équipe"),
        ("50% et 50 % et 3,5 %", f"50{NN}% et 50{NN}% et 3,5{NN}%"),
        ("le 14 juin 2024 et le 1er mai", f"le 14{NB}juin{NB}2024 et le 1er{NB}mai"),
        ("le 3 janv. 2024", f"le 3{NB}janv.{NB}2024"),
    ],
)
def test_french_rules(raw: str, expected: str) -> None:
    assert typeset_text(raw, typography_for("fr")) == expected
    assert typeset_text(expected, typography_for("fr")) == expected, "idempotent"


@pytest.mark.parametrize(
    ("raw", "rules", "expected"),
    [
        ('“outside "inside" outside”', "en", "“outside ‘inside’ outside”"),
        ('"a "b" c"', "en", "“a ‘b’ c”"),
        ("on 14 June 2024, or June 14, 2024", "en", f"on 14{NB}June{NB}2024, or June{NB}14,{NB}2024"),
        ('„außen "innen" außen“', "de", "„außen ‚innen‘ außen“"),
        ("am 14. Juni 2024", "de", f"am 14.{NB}Juni{NB}2024"),
    ],
)
def test_english_and_german_rules(raw: str, rules: str, expected: str) -> None:
    assert typeset_text(raw, typography_for(rules)) == expected
    assert typeset_text(expected, typography_for(rules)) == expected, "idempotent"


def test_quotes_nest_across_inline_markup() -> None:
    nodes = typeset(parse('« il dit *"oui"* fin »'), typography_for("fr"))
    assert nodes[1] == Node("em", children=(Node("text", "“oui”"),))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "__init__ and snake_case and _x_ and __y__",
            (Node("text", "__init__ and snake_case and _x_ and __y__"),),
        ),
        (
            "a *b* **c**",
            (
                Node("text", "a "),
                Node("em", children=(Node("text", "b"),)),
                Node("text", " "),
                Node("strong", children=(Node("text", "c"),)),
            ),
        ),
        ("`a_b` \\*no\\* 5 * 3", (Node("code", "a_b"), Node("text", " *no* 5 * 3"))),
        (
            "[x_y](https://e.org/a_b)",
            (Node("link", children=(Node("text", "x_y"),), href="https://e.org/a_b"),),
        ),
        ("&amp; <b>x</b> ~~s~~ <https://e.org>", (Node("text", "&amp; <b>x</b> ~~s~~ <https://e.org>"),)),
    ],
)
def test_inline_markup_is_the_documented_subset(text: str, expected: tuple[Node, ...]) -> None:
    assert tuple(node for node in parse(text) if node != Node("text", "")) == expected


def test_code_prints_as_written_and_fact_references_outside_it_are_values() -> None:
    nodes = parse("`{{staff}}` is {{staff}}", lambda fact, style: "1 200")
    assert nodes[0] == Node("code", "{{staff}}")
    assert nodes[2] == Node("keep", children=(Node("text", f"1{NB}200"),))  # a value: never broken
