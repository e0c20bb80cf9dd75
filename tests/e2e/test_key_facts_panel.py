"""The key-facts panel breaks across pages between its rows of cards, in every engine: never inside a row (a fact's
value, label and note stay together), at least two rows on each side of a break, its heading with its first
rows; a panel of two or three rows, which cannot keep two on each side, moves whole, unless that leaves the page
before it less than 70 % full: then it breaks between any rows (Typst and WeasyPrint lay it out again).

tests/fixtures/panel/brief.yaml holds 24 key facts (8 rows of 3 cards) under a one-line summary: a panel taller
than what page 1 has left. Kept whole, it went to page 2 and left page 1 with the title and the summary alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
import yaml

from briefgen.language.catalog import load_catalog
from briefgen.themes.layers import load_theme
from tests.conftest import FIXTURES
from tests.pagelayout import check, layout_of

PANEL = FIXTURES / "panel" / "brief.yaml"
COLUMNS = int(load_theme("briefing").manifest.layout["fact-columns"])
ENGINES = [
    "typst",
    "weasyprint",
    pytest.param("latex", marks=pytest.mark.latex),
]
# The page-layout checker's kinds this panel could cause: page 1 left short, its heading stranded at a page foot.
KINDS = ("underfull-page", "short-page", "stranded-heading", "unlocated")


def facts_of(brief: Path) -> list[tuple[str, str]]:
    """(value as printed, label) of each key fact, in the panel's order: the fixtures' facts are counts under 1000."""
    data = yaml.safe_load(brief.read_text(encoding="utf-8"))
    return [(str(data["facts"][k]["value"]), data["facts"][k]["label"]["en"]) for k in data["key_facts"]]


def pages_text(pdf: Path) -> list[tuple[list[str], str]]:
    """Each page's words and its text on one line (runs of spaces made one). A gap over 0.15 of the font size
    is a space: LuaLaTeX's spaces are gaps, narrower than pdfplumber's default 3 pt at a card's size."""
    with pdfplumber.open(pdf) as doc:
        return [
            (
                [w["text"] for w in page.extract_words(x_tolerance_ratio=0.15)],
                " ".join((page.extract_text(x_tolerance_ratio=0.15) or "").split()),
            )
            for page in doc.pages
        ]


def panel_pages(pdf: Path, brief: Path) -> list[int]:
    """The page (from 1) of each key fact's card: the one page showing both its value and its label."""
    pages = pages_text(pdf)
    where = []
    for value, label in facts_of(brief):
        with_label = {
            n for n, (_, text) in enumerate(pages, 1) if re.search(rf"\b{re.escape(label)}\b", text)
        }
        with_value = {n for n, (words, _) in enumerate(pages, 1) if value in words}
        assert len(with_label) == 1 and with_value == with_label, (
            f"{label!r} on pages {sorted(with_label)}, its value {value} on pages {sorted(with_value)}"
        )
        where.append(with_label.pop())
    return where


@pytest.mark.parametrize("engine", ENGINES)
def test_a_tall_panel_breaks_between_rows_and_leaves_page_1_full(built, engine: str) -> None:
    pdf = built(PANEL, engine)
    by_row = rows_by_page(pdf, PANEL)
    # The panel starts on page 1 and goes on on page 2, two rows at least on each.
    assert by_row[0] == 1 and by_row[-1] == 2, f"the rows on pages {by_row}"
    assert 2 <= by_row.count(1) <= len(by_row) - 2, f"the rows on pages {by_row}"
    heading = load_catalog("en")("key_facts").casefold()
    assert heading in pages_text(pdf)[0][1].casefold()
    findings = [str(f) for f in check(pdf, layout_of(PANEL, "en")) if f.kind in KINDS]
    assert findings == []


# A summary of this sentence said 16 times leaves room on page 1 for three rows of cards; said 20 times, for two;
# said 24 times, for fewer than two (the 24 facts' panel, whose first two rows go together, starts on page 2).
SENTENCE = (
    "The network opens its depots in stages over the year, each with its own staff, fleet and local partner."
)
ROOM = {3: 16, 2: 20, 1: 24}


@pytest.fixture(scope="session")
def variant(tmp_path_factory: pytest.TempPathFactory):
    """`variant(facts, sentences)` → the panel brief with its first `facts` key facts and a summary of `sentences`
    sentences, written once per run."""
    made: dict[tuple[int, int], Path] = {}

    def write(facts: int, sentences: int) -> Path:
        if (facts, sentences) not in made:
            data = yaml.safe_load(PANEL.read_text(encoding="utf-8"))
            data["key_facts"] = data["key_facts"][:facts]
            data["summary"] = {"en": " ".join([SENTENCE] * sentences)}
            folder = tmp_path_factory.mktemp(f"panel-{facts}-{sentences}")
            (folder / "brief.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            made[facts, sentences] = folder / "brief.yaml"
        return made[facts, sentences]

    return write


def rows_by_page(pdf: Path, brief: Path) -> list[int]:
    where = panel_pages(pdf, brief)
    rows = [where[i : i + COLUMNS] for i in range(0, len(where), COLUMNS)]
    assert all(len(set(row)) == 1 for row in rows), f"a row split across pages: {rows}"
    return [row[0] for row in rows]


@pytest.mark.parametrize("engine", ["typst", "weasyprint"])
@pytest.mark.parametrize(
    ("room", "facts", "pages"),
    [
        pytest.param(3, 12, [1, 1, 2, 2], id="4-rows-room-for-3"),
        pytest.param(1, 9, [2, 2, 2], id="3-rows-room-for-1"),
        pytest.param(2, 9, [1, 1, 2], id="3-rows-room-for-2"),
    ],
)
def test_a_short_panel_keeps_two_rows_on_each_side_of_a_break_or_moves_whole(
    built, variant, engine: str, room: int, facts: int, pages: list[int]
) -> None:
    """Where page 1 has room for three rows, a panel of four breaks 2 + 2, not 3 + 1; where it has room for one, a
    panel of three moves whole to page 2, not 1 + 2; where it has room for two, moving whole would leave page 1
    less than 70 % full, and the panel breaks 2 + 1. The room is measured: the 24 facts' panel under the same
    summary puts that many rows on page 1. Either way the checker finds page 1 full enough."""
    tall = variant(24, ROOM[room])
    # The room for one row is too little for the first two of the 24 facts' panel: none go on page 1 then.
    assert rows_by_page(built(tall, engine), tall).count(1) == (room if room > 1 else 0)
    brief = variant(facts, ROOM[room])
    pdf = built(brief, engine)
    assert rows_by_page(pdf, brief) == pages
    assert [str(f) for f in check(pdf, layout_of(brief, "en")) if f.kind in KINDS] == []
