"""Every footnote prints on the page of its call in Typst: a note that would not fit under its call's line is set
on the next page with that line, not left there alone (tests/fixtures/footnote-at-foot puts a call on the last
line of a page, under which its note does not fit). A figure whose caption's note does not fit under it at a
page's foot is sized down to stay under its heading (tests/fixtures/figure-under-heading), not moved alone."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pdfplumber
import pytest
import typst

from briefgen.backends.typst.markup import logo_name
from briefgen.themes import fonts
from tests.conftest import FIXTURES, ROOT, run_cli
from tests.pagelayout import check, layout_of

BRIEF = FIXTURES / "footnote-at-foot" / "brief.yaml"
CALL = "The board approved the plan."
NOTE = "The board of the foundation approved the plan"


def dossier(factory: pytest.TempPathFactory, brief: Path, pdf: str) -> tuple[Path, str]:
    """The brief's PDF built with Typst in the dossier theme, and what `-v` said."""
    out = factory.mktemp(brief.parent.name)
    code, _stdout, stderr = run_cli(
        "build", brief, "--engine", "typst", "--theme", "dossier", "--out", out, "-v"
    )
    assert code == 0, stderr
    return out / pdf, stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return dossier(tmp_path_factory, BRIEF, "foot-note.en.pdf")


def pages_holding(pdf: Path, words: str) -> list[int]:
    with pdfplumber.open(pdf) as document:
        return [
            number
            for number, page in enumerate(document.pages, 1)
            if words in " ".join((page.extract_text() or "").split())
        ]


def test_a_note_that_does_not_fit_under_its_call_goes_to_the_next_page_with_it(
    built: tuple[Path, str],
) -> None:
    pdf, stderr = built
    call, note = pages_holding(pdf, CALL), pages_holding(pdf, NOTE)
    assert call == note == [4], (call, note)
    assert [str(f) for f in check(pdf, layout_of(BRIEF, "en", "dossier")) if f.kind == "footnote-page"] == []
    # The brief does put the call where its note does not fit: Typst's first layout left the note behind.
    assert "compiled again to keep note 1 (page 4) with its call" in stderr


def test_moving_the_call_leaves_no_short_page_nor_a_stranded_heading(built: tuple[Path, str]) -> None:
    pdf, stderr = built
    kinds = ("short-page", "underfull-page", "stranded-heading")
    assert [str(f) for f in check(pdf, layout_of(BRIEF, "en", "dossier")) if f.kind in kinds] == []
    assert "prints on page" not in stderr  # no note left away from its call


FIGURE_BRIEF = FIXTURES / "figure-under-heading" / "brief.yaml"


@pytest.fixture(scope="module")
def figure_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return dossier(tmp_path_factory, FIGURE_BRIEF, "figure-under-heading.en.pdf")


def test_a_figure_whose_note_does_not_fit_under_its_heading_is_sized_down_to_stay_there(
    figure_built: tuple[Path, str],
) -> None:
    pdf, stderr = figure_built
    heading, caption = (
        pages_holding(pdf, "INTERNATIONAL CONTEXT"),
        pages_holding(pdf, "Figure 1 Amounts by partner"),
    )
    assert heading == caption == [3], (heading, caption)
    # Its note is on its page, and the first compile had moved the figure to page 4, alone.
    assert pages_holding(pdf, "Schmidt.” Interview: “The implementation schedule") == [3]
    assert "compiled again to keep figure 1 (page 4) with its heading, at 85 %" in stderr
    kinds = ("short-page", "underfull-page", "stranded-heading", "footnote-page")
    assert [str(f) for f in check(pdf, layout_of(FIGURE_BRIEF, "en", "dossier")) if f.kind in kinds] == []


def page_texts(pdf: Path | bytes) -> list[str]:
    with pdfplumber.open(pdf if isinstance(pdf, Path) else io.BytesIO(pdf)) as document:
        return [" ".join((page.extract_text() or "").split()) for page in document.pages]


@pytest.mark.parametrize(
    ("case", "name", "value"),
    [("footnote", "briefgen-notes-at-call", "1"), ("figure", "briefgen-fit-figures", "1:85")],
)
def test_the_written_typst_source_lays_out_its_pages_as_the_build(
    built: tuple[Path, str], figure_built: tuple[Path, str], tmp_path: Path, case: str, name: str, value: str
) -> None:
    """`--format typ` writes what the build's compiles found (the notes kept with their calls, the figures' sizes)
    into the source as its inputs' defaults: compiled on its own, beside the theme's logo, it prints each page's
    words as the built PDF does."""
    pdf, brief = (built[0], BRIEF) if case == "footnote" else (figure_built[0], FIGURE_BRIEF)
    code, _stdout, stderr = run_cli(
        "build", brief, "--engine", "typst", "--theme", "dossier", "--format", "typ", "--out", tmp_path
    )
    assert code == 0, stderr
    source = tmp_path / pdf.with_suffix(".typ").name
    assert f'sys.inputs.at("{name}", default: "{value}")' in source.read_text(encoding="utf-8")
    logo = ROOT / "templates" / "dossier" / "logo.svg"
    shutil.copyfile(logo, tmp_path / logo_name(logo))
    for figure in brief.parent.glob("figure-*"):
        shutil.copyfile(figure, tmp_path / figure.name)
    alone = typst.compile(
        source, root=tmp_path, font_paths=[fonts.font_dir()], ignore_system_fonts=True, format="pdf"
    )
    assert isinstance(alone, bytes)
    assert page_texts(alone) == page_texts(pdf)
