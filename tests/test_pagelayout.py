"""The page-layout checker (tests/pagelayout.py) on small Typst PDFs: each has one defect, which the checker
reports with its kind, page and text; a clean one reports nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import typst

from tests.pagelayout import Finding, Layout, Note, Table, check, read

# A 300 × 400 pt page, 60 pt margins: 24 lines of 10 pt text fill its body (280 pt). A note's call is a
# smaller raised figure, as briefgen's themes print it (not a superscript glyph of the font).
PAGE = """#set page(width: 300pt, height: 400pt, margin: (top: 60pt, bottom: 60pt, x: 40pt),
  header: [Running head], footer: [{footer}])
#set text(size: 10pt, hyphenate: false, lang: "en")
#set par(justify: false, leading: 5pt, spacing: 5pt)
#set super(typographic: false)
"""
LAYOUT = Layout(margin_top=60, margin_bottom=60)


def lines(first: int, last: int) -> str:
    return "".join(f"Line number {i} of the text.\\\n" for i in range(first, last + 1))


def pdf(tmp_path: Path, body: str, footer: str = "Running foot") -> Path:
    source = tmp_path / "page.typ"
    source.write_text(PAGE.replace("{footer}", footer) + body, encoding="utf-8")
    out = tmp_path / "page.pdf"
    typst.compile(str(source), output=str(out), ignore_system_fonts=True)
    return out


def found(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.kind, f.page) for f in findings]


def test_a_clean_pdf_reports_nothing(tmp_path: Path) -> None:
    body = (
        "*Findings*\\\n"
        + lines(1, 8)
        + "The lab was unveiled by Xavier Niel with a budget of €105 million on 27 November 2023."
        + "#footnote[The source says so.]\\\n"
        + lines(9, 30)
        + "*Details*\\\n"
        + "Table 1 Example rows\n"
        + "#table(columns: 2, inset: 3pt, [Alpha], [1], [Beta], [2], [Gamma], [3])\n"
        + lines(31, 36)
    )
    layout = Layout(
        margin_top=60,
        margin_bottom=60,
        names=("Xavier Niel",),
        headings=("Findings", "Details"),
        tables=(Table("Table 1", ("Alpha", "Beta", "Gamma")),),
        footnotes=(Note(1, "The source says so."),),
        excerpts=("the source says so",),
    )
    assert check(pdf(tmp_path, body), layout) == []


def test_a_last_page_of_three_lines(tmp_path: Path) -> None:
    findings = check(pdf(tmp_path, lines(1, 27)), LAYOUT)
    assert found(findings) == [("short-page", 2)]
    assert findings[0].text.startswith("Line number 25 of the text.")
    assert "page 1 is full" in findings[0].why


def test_a_last_page_of_a_figure_and_two_lines_is_no_short_page(tmp_path: Path) -> None:
    """A figure (a drawing with no text beside it) counts as the lines it is as tall as; a rule does not."""
    figure = lines(1, 24) + "#rect(width: 60pt, height: 120pt, fill: gray)\n" + lines(25, 26)
    assert check(pdf(tmp_path, figure), LAYOUT) == []
    rule = lines(1, 24) + "#line(length: 100%)\n" + lines(25, 26)
    assert found(check(pdf(tmp_path, rule), LAYOUT)) == [("short-page", 2)]


def test_a_heading_at_the_foot_of_a_page(tmp_path: Path) -> None:
    body = lines(1, 23) + "*Next part*\\\n" + lines(24, 34)
    findings = check(pdf(tmp_path, body), Layout(margin_top=60, margin_bottom=60, headings=("Next part",)))
    assert found(findings) == [("stranded-heading", 1)]
    assert findings[0].text == "Next part"
    assert "0 lines" in findings[0].why


def test_a_heading_at_a_page_foot_with_a_figure_under_it_is_not_stranded(tmp_path: Path) -> None:
    """A figure (a drawing with no text) at least two lines tall is what follows a heading; a rule is not."""
    layout = Layout(margin_top=60, margin_bottom=60, headings=("Next part",))
    figure = lines(1, 20) + "*Next part*\\\n#rect(width: 60pt, height: 30pt, fill: gray)\n" + lines(21, 30)
    assert check(pdf(tmp_path, figure), layout) == []
    rule = lines(1, 21) + "*Next part*\\\n#line(length: 100%)\n#pagebreak()\n" + lines(22, 30)
    findings = check(pdf(tmp_path, rule), layout)
    assert found(findings) == [("stranded-heading", 1)]
    assert findings[0].text == "Next part"


@pytest.mark.parametrize(
    ("label", "stranded"),
    [
        ("#strong[Unverified] “The quote this caveat flags.”", []),
        ("#strong[Unverified]", ["Caveats", "Unverified"]),
    ],
)
def test_a_caveat_label_sharing_its_line_with_its_quote_is_a_line_under_the_heading(
    tmp_path: Path, label: str, stranded: list[str]
) -> None:
    """A heading, then a caveat's label and quote on one line and its note on the next, end a page: two lines
    follow the heading and the label. A label alone on its line has one, and the heading one too."""
    body = lines(1, 21) + f"*Caveats*\\\n{label}\\\nThe note on it.\n#pagebreak()\n" + lines(22, 30)
    layout = Layout(margin_top=60, margin_bottom=60, headings=("Caveats",), labels=("Unverified",))
    findings = check(pdf(tmp_path, body), layout)
    assert [(f.kind, f.page, f.text) for f in findings] == [("stranded-heading", 1, s) for s in stranded]


PARAGRAPH = (
    "The partners "
    + "say the laboratory will share its findings with the research community in Europe and beyond, " * 4
    + "they add."
)


@pytest.mark.parametrize(
    ("before", "page", "text"),
    [
        (17, 2, "Europe and beyond, they add."),  # a widow: the last line at the head of page 2
        (23, 1, "The partners say the laboratory will share its findings"),  # an orphan: the first at a foot
    ],
)
def test_a_paragraph_leaving_one_line_on_a_page(tmp_path: Path, before: int, page: int, text: str) -> None:
    """A justified paragraph of five lines, after `before` lines, across a page break: with Typst's widow and
    orphan rules off, one of its lines is alone on a page; with them on (their default), none is."""
    body = lines(1, before) + "\n" + PARAGRAPH + "\n\n" + lines(100, 104)
    rules = "#set par(justify: true, spacing: 12pt)\n"
    findings = check(pdf(tmp_path, rules + "#set text(costs: (widow: 0%, orphan: 0%))\n" + body), LAYOUT)
    assert [(f.kind, f.page, f.text) for f in findings] == [("widow", page, text)]
    assert check(pdf(tmp_path, rules + body), LAYOUT) == []


@pytest.mark.parametrize(
    ("after", "stranded"),
    [
        ("*Other part*\\\n", False),  # its one line ends what it opens: the next page starts a part
        ("", True),  # its one line's paragraph goes on at the top of the next page
    ],
)
def test_a_heading_with_one_line_at_the_foot_of_a_page(tmp_path: Path, after: str, stranded: bool) -> None:
    body = lines(1, 22) + "*Next part*\\\n" + lines(23, 23) + after + lines(24, 34)
    headings = ("Next part", "Other part") if after else ("Next part",)
    findings = check(pdf(tmp_path, body), Layout(margin_top=60, margin_bottom=60, headings=headings))
    assert found(findings) == ([("stranded-heading", 1)] if stranded else [])
    if stranded:
        assert (findings[0].text, findings[0].why) == (
            "Next part",
            "a heading with 1 line of what follows on its page",
        )


def test_a_heading_with_a_figure_below_it_at_the_foot_of_a_page_is_not_stranded(tmp_path: Path) -> None:
    figure = "#rect(width: 120pt, height: 100pt, fill: gray)\n"
    body = lines(1, 14) + "*Next part*\\\n" + figure + lines(15, 30)
    file = pdf(tmp_path, body)
    assert check(file, Layout(margin_top=60, margin_bottom=60, headings=("Next part",))) == []
    # the figure ends page 1 and the text goes on at the top of page 2 (the heading has no line after it)
    page_one, page_two = read(file, LAYOUT)
    assert page_one.zone("body")[-1].text == "Next part"
    assert page_two.zone("body")[0].text == "Line number 15 of the text."


def test_a_table_split_leaving_two_rows(tmp_path: Path) -> None:
    rows = ", ".join(f"[Row{i}], [{i}]" for i in range(1, 7))
    body = lines(1, 18) + f"Table 1 Example rows\n#table(columns: 2, inset: 3pt, {rows})\n" + lines(19, 23)
    layout = Layout(
        margin_top=60, margin_bottom=60, tables=(Table("Table 1", tuple(f"Row{i}" for i in range(1, 7))),)
    )
    findings = check(pdf(tmp_path, body), layout)
    assert found(findings) == [("table-split", 2)]
    assert findings[0].text == "Table 1"
    assert "2 body rows of 6 on page 2, after the break" in findings[0].why


def test_a_footnote_on_the_page_after_its_call(tmp_path: Path) -> None:
    body = (
        lines(1, 10)
        + "A claim that a note supports.#super[1]\\\n"
        + lines(11, 30)
        + "#place(bottom + left, text(size: 8pt)[#super[1] The note quoting the source.])\n"
    )
    layout = Layout(margin_top=60, margin_bottom=60, footnotes=(Note(1, "The note quoting the source."),))
    findings = check(pdf(tmp_path, body), layout)
    assert found(findings) == [("footnote-page", 2)]
    assert findings[0].why == "footnote 1 is on page 2, its call on page 1"


def test_a_page_half_empty_without_a_forced_break(tmp_path: Path) -> None:
    body = lines(1, 10) + "#pagebreak()\n*Part two*\\\n" + lines(11, 20)
    file = pdf(tmp_path, body)
    findings = check(file, LAYOUT)
    assert found(findings) == [("underfull-page", 1)]
    assert findings[0].text == "Line number 10 of the text."
    # The same page ended by a break the layout forces (a heading that opens a page) is no defect.
    assert check(file, Layout(margin_top=60, margin_bottom=60, forced=("Part two",))) == []


@pytest.mark.parametrize(("height", "underfull"), [(200, False), (60, True)])
def test_a_page_half_empty_before_a_figure(tmp_path: Path, height: int, underfull: bool) -> None:
    """A page left half empty by a figure that could not have fitted at its foot is no defect; one that could
    have (60 pt, in the 130 pt left) is."""
    figure = f"*Part two*\\\n#rect(width: 120pt, height: {height}pt, fill: gray)\n"
    body = lines(1, 10) + "#pagebreak()\n" + figure + lines(11, 20)
    pages = read(file := pdf(tmp_path, body), LAYOUT)
    assert pages[1].zone("body")[0].text == "Part two"  # the heading and its figure open page 2
    findings = check(file, Layout(margin_top=60, margin_bottom=60, headings=("Part two",)))
    assert found(findings) == ([("underfull-page", 1)] if underfull else [])


def test_a_running_footer_that_wraps(tmp_path: Path) -> None:
    footer = "A very long running title that cannot fit on one line of this narrow page at all"
    findings = check(pdf(tmp_path, lines(1, 20), footer=footer), LAYOUT)
    assert found(findings) == [("running-wrap", 1)]
    assert findings[0].text.startswith("A very long running title")


@pytest.mark.parametrize(
    ("text", "layout", "kind", "shown"),
    [
        (
            "The lab was unveiled by Xavier\\\nNiel at the event.",
            Layout(names=("Xavier Niel",)),
            "name-break",
            "Xavier ⏎ Niel",
        ),
        ("The partners gave €105\\\nmillion in all.", Layout(), "amount-break", "€105 ⏎ million"),
        (
            "The Alliance paid 105 Millionen\\\nEuro in all.",
            Layout(lang="de"),
            "amount-break",
            "Millionen ⏎ Euro",
        ),
        ("It was founded on 27 November\\\n2023 in Paris.", Layout(), "date-break", "November ⏎ 2023"),
        (
            "The lab is led by Ar-\\\nthur Mensch today.",
            Layout(names=("Arthur Mensch",)),
            "name-hyphen",
            "Ar- ⏎ thur",
        ),
        (
            "It says “the lab will share its find-\\\nings with the world” today.",
            Layout(excerpts=("The lab will share its findings with the world.",)),
            "excerpt-hyphen",
            "find- ⏎ ings",
        ),
    ],
)
def test_a_break_inside_a_name_an_amount_a_date_or_an_excerpt(
    tmp_path: Path, text: str, layout: Layout, kind: str, shown: str
) -> None:
    layout = Layout(
        lang=layout.lang, margin_top=60, margin_bottom=60, names=layout.names, excerpts=layout.excerpts
    )
    findings = check(pdf(tmp_path, lines(1, 6) + text), layout)
    assert found(findings) == [(kind, 1)]
    assert shown in findings[0].text


def test_prose_sharing_words_with_an_excerpt_is_not_the_excerpt(tmp_path: Path) -> None:
    """The brief's own words may meet an excerpt's for a few words ("a new laboratory of"): a word hyphenated
    there is hyphenated prose, as the words around it, which part from the excerpt's, show."""
    text = "They say Kyutai is a new labo-\\\nratory of research in Paris."
    layout = Layout(
        margin_top=60, margin_bottom=60, excerpts=("It unveiled Kyutai, a new laboratory of science.",)
    )
    assert check(pdf(tmp_path, lines(1, 6) + text), layout) == []


def test_a_break_after_a_sentence_that_ends_with_a_currency_is_no_amount_break(tmp_path: Path) -> None:
    text = "The first gave 20 British pounds.\\\n€270 million came from the second."
    assert check(pdf(tmp_path, lines(1, 6) + text), Layout(margin_top=60, margin_bottom=60)) == []


def test_hyphenation_that_extracts_as_a_soft_hyphen(tmp_path: Path) -> None:
    body = lines(1, 6) + "#block(width: 70pt, text(hyphenate: true)[internationalisation])\n"
    findings = check(pdf(tmp_path, body), LAYOUT)
    assert found(findings) == [("hyphen-char", 1)]
    assert findings[0].text.endswith("\u00ad")
    assert "U+00AD" in findings[0].why


def test_what_the_layout_names_and_the_pages_lack_is_said(tmp_path: Path) -> None:
    findings = check(
        pdf(tmp_path, lines(1, 8)), Layout(margin_top=60, margin_bottom=60, headings=("Absent",))
    )
    assert found(findings) == [("unlocated", 1)]
    assert findings[0].text == "Absent"
