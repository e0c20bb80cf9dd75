"""Notes are numbered in the order of the page, whatever order a theme puts the parts in: a theme that prints the
key facts after the first section reads 1, 2, 3 … through its note calls, in every engine."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from briefgen.backends import BACKENDS
from briefgen.themes.layers import load_theme
from briefgen.themes.manifest import points
from tests.conftest import FIXTURES, KYUTAI, engines

FACTS_AFTER = FIXTURES / "themes" / "facts-after"
MARK_SIZE = float(points(load_theme("briefing").manifest.text["note-mark"].size))


def note_numbers(pdf: Path) -> list[int]:
    """The numbers set in the note-mark size, in reading order (page by page, line by line, left to right): the
    note calls in the text, then the numbers of the endnotes."""
    numbers: list[int] = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            digits = sorted(
                (c for c in page.chars if c["text"].isdigit() and abs(c["size"] - MARK_SIZE) < 0.2),
                key=lambda c: (round(c["bottom"]), c["x0"]),
            )
            previous = None
            for c in digits:
                joined = previous is not None and round(previous["bottom"]) == round(c["bottom"])
                if joined and c["x0"] - previous["x1"] < c["size"] / 4:  # the next digit of the same number
                    numbers[-1] = numbers[-1] * 10 + int(c["text"])
                else:
                    numbers.append(int(c["text"]))
                previous = c
    return numbers


@pytest.mark.parametrize("engine", engines(*BACKENDS))
def test_notes_follow_the_page_when_a_theme_moves_the_key_facts(built, engine: str) -> None:
    numbers = note_numbers(built(KYUTAI, engine, FACTS_AFTER))
    calls = numbers[: numbers.index(1, 1)]  # up to the endnotes' list, which starts at 1 again
    assert len(calls) > 5, numbers  # the first section's calls, the key facts' and more
    assert calls == list(range(1, len(calls) + 1)), calls
    assert numbers[len(calls) : 2 * len(calls)] == calls  # the endnotes listed in the same order
