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
