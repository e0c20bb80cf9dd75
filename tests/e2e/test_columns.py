"""`layout.columns: 2` sets the sections in two columns in every engine, tables among them (LaTeX's longtable
cannot go in multicols: a table there is a tabular per row)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from briefgen.backends import BACKENDS
from tests.conftest import FIXTURES, ROOT, engines, run_cli

ALLIANCE = ROOT / "briefs" / "ai-alliance-launch" / "brief.yaml"
TWO_COLUMNS = FIXTURES / "themes" / "two-columns"
# The first words of the first cell of each row of the brief's Table 1 (before any line break a narrow column
# makes), and its number.
TABLE_ROWS = [
    ("Organisations named", "31"),
    ("Founding members", "over 50"),
    ("Organisations in", "56"),
    ("Objectives set", "6"),
    ("Statements by", "43"),
]


def page_words(pdf: Path, page: int, width: float, height: float) -> list[str]:
    """The words of a page (1-based), read column by column (pdftotext on its left half, then on its right half), a
    word hyphenated at a line's end made whole."""
    half = round(width / 2)
    texts = [
        subprocess.run(
            [
                "pdftotext",
                "-f",
                str(page),
                "-l",
                str(page),
                "-x",
                str(x),
                "-y",
                "0",
                "-W",
                str(half),
                "-H",
                str(round(height)),
                str(pdf),
                "-",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for x in (0, half)
    ]
    return re.sub("[-\u00ad]\n", "", "\n".join(texts)).split()


@pytest.mark.parametrize("engine", engines(*BACKENDS))
def test_two_columns_with_tables_build_in_every_engine(built, engine: str) -> None:
    pdf = built(ALLIANCE, engine, TWO_COLUMNS)
    with pdfplumber.open(pdf) as document:
        width, height = document.pages[0].width, document.pages[0].height
        table_page = next(
            n for n in range(1, len(document.pages) + 1) if "Table" in page_words(pdf, n, width, height)
        )
        words = page_words(pdf, table_page, width, height) + page_words(pdf, table_page + 1, width, height)
        text = " ".join(words)
        for first, number in TABLE_ROWS:  # every row, on the table's page or the next (another column)
            assert first in text and all(w in words for w in number.split()), (first, number)
        # Page 2 is set in two columns: words in both halves, and (but for the running footer) none across the
        # middle, where a single column's lines run.
        page = document.pages[1]
        middle = page.width / 2
        body = [w for w in page.extract_words() if w["bottom"] < page.height * 0.9]
        left = [w for w in body if w["x1"] < middle]
        right = [w for w in body if w["x0"] > middle]
        across = [w["text"] for w in body if w["x0"] < middle < w["x1"]]
        assert len(left) > 40 and len(right) > 40, (len(left), len(right))
        assert not across, across
        # On every page set in columns (the title block's first page and the back matter span the page), no word
        # runs across the gap or past the text's right edge (a table wider than its column), and no two glyphs
        # overlap (a cell's text running over the next cell).
        first = document.pages[0].extract_words()
        left_edge, right_edge = min(w["x0"] for w in first), max(w["x1"] for w in first)
        for number, page in enumerate(document.pages[1:], 2):
            if not _in_columns(page):
                continue
            body = [
                w
                for w in page.extract_words(x_tolerance=1, return_chars=True)
                if w["bottom"] < page.height * 0.9
            ]
            assert not _across(body, page.width / 2, left_edge), number
            assert not [w["text"] for w in body if _ink_end(w) > right_edge + 1], number
            assert not _overlapping(page), (number, _overlapping(page))


def _in_columns(page: pdfplumber.page.Page) -> bool:
    """Whether the page's body is set in two columns: lines on both sides of the middle, none across it."""
    middle = page.width / 2
    lines = page.extract_text_lines()
    body = [line for line in lines if page.height * 0.1 < line["top"] < page.height * 0.9]
    return (
        bool(body)
        and sum(line["x1"] < middle for line in body) > 5
        and sum(line["x0"] > middle for line in body) > 5
    )


# A line's last hyphen or punctuation mark may hang past the text's edge (Typst's overhang, as a typesetter
# would): a word ends, for the right-edge rule, where its last letter or digit does.
HANGING = "-\u00ad\u2010,.;:!?’”»)"


def _ink_end(word: dict) -> float:
    chars = word["chars"]
    while len(chars) > 1 and chars[-1]["text"] in HANGING:
        chars = chars[:-1]
    return float(chars[-1]["x1"])


def _across(words: list[dict], middle: float, left_edge: float) -> list[str]:
    """The words across the middle that are not on a line spanning the page (one that starts at the text's left
    edge or just inside it, as the caveats after the columns do)."""
    return [
        w["text"]
        for w in words
        if w["x0"] < middle < w["x1"]
        and min(o["x0"] for o in words if o["top"] < w["bottom"] and w["top"] < o["bottom"]) > left_edge + 24
    ]


def _overlapping(page: pdfplumber.page.Page) -> list[tuple[str, str]]:
    """Pairs of letters or digits whose boxes overlap by more than a third of the narrower one's width (kerned
    punctuation, as a quote mark over a full stop, does not count)."""
    chars = sorted((c for c in page.chars if c["text"].isalnum()), key=lambda c: c["x0"])
    pairs = []
    for i, a in enumerate(chars):
        for b in chars[i + 1 :]:
            if b["x0"] >= a["x1"]:
                break
            share = min(a["x1"], b["x1"]) - b["x0"]
            tall = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if share > min(a["width"], b["width"]) / 3 and tall > min(a["height"], b["height"]) / 2:
                pairs.append((a["text"], b["text"]))
    return pairs


@pytest.mark.parametrize("value", ["0", "5", "two", "true"])
def test_columns_other_than_1_to_4_is_a_located_error(tmp_path: Path, value: str) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "theme.yaml").write_text(
        f"name: odd\nextends: briefing\nlayout:\n  columns: {value}\n", encoding="utf-8"
    )
    code, _, stderr = run_cli(
        "build", ALLIANCE, "--theme", folder, "--engine", "typst", "--out", tmp_path / "out"
    )
    assert code == 2, stderr
    assert (
        f"{folder / 'theme.yaml'}:4:12: 'columns' is a whole number of columns from 1 to 4, not " in stderr
    ), stderr
    assert not (tmp_path / "out").exists()
