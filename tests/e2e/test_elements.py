"""Sources, notes, tables, figures, quotes and the annex: checked where they are written, shown in every engine.

The fixture `tests/fixtures/elements/` uses every element: two sources (one English article, one French press
release), excerpts that name their source, a table, an SVG and a PNG figure, two quotes, a timeline, an omission
flag, people, an organisation and a place outside the key facts.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests import pdfcheck, validators
from tests.conftest import FIXTURES, engines, run_cli

ELEMENTS = FIXTURES / "elements"
BRIEF = ELEMENTS / "brief.yaml"
ENGINES = engines("weasyprint", "typst", "latex")


# -- the format: every new element is checked, each mistake located ------------------------------------


def copy_with(tmp_path: Path, old: str, new: str) -> Path:
    """The elements fixture copied to tmp_path with one change to the brief."""
    folder = tmp_path / "elements"
    shutil.copytree(ELEMENTS, folder)
    text = BRIEF.read_text(encoding="utf-8")
    assert old in text, old
    (folder / "brief.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder / "brief.yaml"


def located(brief: Path, needle: str) -> str:
    """`file:line:` of the first line holding `needle`."""
    line = next(i for i, text in enumerate(brief.read_text().splitlines(), 1) if needle in text)
    return f"{brief}:{line}:"


def check(brief: Path) -> tuple[int, str]:
    code, _stdout, stderr = run_cli("check", brief)
    assert "Traceback" not in stderr
    return code, stderr


def test_the_fixture_is_valid() -> None:
    assert check(BRIEF)[0] == 0


MISTAKES = [
    # (what, old, new, the line's needle, message)
    (
        "an excerpt names an unknown source",
        "basis: {source: release, quote:",
        "basis: {source: relase, quote:",
        "source: relase",
        "unknown source 'relase' (did you mean 'release'?)",
    ),
    (
        "an excerpt is not in the source it names",
        '{source: release, quote: "menée par Harbor Ventures"}',
        '{source: release, quote: "led by Harbor Ventures"}',
        'quote: "led by Harbor Ventures"}',
        "excerpt not found word for word in the file of source 'release'",
    ),
    (
        "a plain excerpt comes from the first source",
        'basis: "employs 120 people"',
        'basis: "recruter 60 ingénieurs"',
        'basis: "recruter 60 ingénieurs"',
        "excerpt not found word for word in the file of source 'wire'",
    ),
    (
        "a row with a cell missing",
        '- [{en: Employees, fr: Salariés}, "{{staff}}"]',
        "- [{en: Employees, fr: Salariés}]",
        "- [{en: Employees, fr: Salariés}]",
        "row 2 has 1 cells for 2 columns",
    ),
    (
        "a number in a cell",
        '- [{en: Employees, fr: Salariés}, "{{staff}}"]',
        "- [{en: Employees, fr: Salariés}, 120]",
        "- [{en: Employees, fr: Salariés}, 120]",
        "the number 120 in a table is a fact",
    ),
    (
        "an unknown fact in a cell",
        '"{{hires}}"]',
        '"{{hire}}"]',
        '"{{hire}}"]',
        "unknown fact 'hire' (did you mean 'hires'?)",
    ),
    (
        "an unknown alignment",
        "align: right",
        "align: rigth",
        "align: rigth",
        "'align'",
    ),
    (
        "a figure that is no image format",
        "file: photo.png",
        "file: photo.gif",
        "file: photo.gif",
        "a figure is a PNG, JPEG or SVG file",
    ),
    (
        "a figure file that is missing",
        "file: photo.png",
        "file: missing.png",
        "file: missing.png",
        "cannot show figure 'missing.png': no such file",
    ),
    (
        "a figure outside the brief's folder",
        "file: photo.png",
        "file: ../photo.png",
        "file: ../photo.png",
        "'..' leaves the brief's folder",
    ),
    (
        "a figure without words for the blind",
        "          alt: {en: A blue and orange swatch., fr: Une nuance bleue et orange.}\n",
        "",
        "file: photo.png",
        "missing required key 'alt'",
    ),
    (
        "a block of two kinds",
        '      - quote: "We are building',
        '      - text: {en: a, fr: b}\n        quote: "We are building',
        "text: {en: a, fr: b}",
        "a block holds exactly one of 'text', 'items', 'table', 'figure', 'quote' or 'timeline'",
    ),
    (
        "a timeline's events out of date order",
        "- date: 2024-03-12",
        "- date: 2018-03-12",
        "- date: 2018-03-12",
        "'date': 2018-03-12 comes before 2019 (event 1, above it): a timeline lists its events in date order",
    ),
    (
        "a timeline event in the month before the day above it",
        "- date: {value: 2025, part: late}",
        "- date: 2024-02",
        "- date: 2024-02",
        "2024-02 comes before 2024-03-12 (event 2, above it)",
    ),
    (
        "an empty timeline",
        "      - timeline:\n",
        "      - timeline: {events: []}\n      - timeline:\n",
        "timeline: {events: []}",
        "'events' must not be empty",
    ),
    (
        "a timeline event that is no date",
        "- date: 2019",
        "- date: 2019-13",
        "- date: 2019-13",
        "'2019-13' is not a valid date (month value is outside expected range of 1-12)",
    ),
    (
        "a timeline event not written in every language",
        ', fr: "{{hires}} ingénieurs recrutés."}',
        "}",
        "{{hires}} engineers hired.",
        "missing 'fr'",
    ),
    (
        "a flag with no quote that is not an omission",
        "  - kind: omission",
        "  - kind: doubtful",
        "kind: doubtful",
        "a 'doubtful' flag quotes the source",
    ),
    (
        "two sources with one id",
        "  - id: release",
        "  - id: wire",
        "  - id: wire\n    kind: press-release",
        "the source id 'wire' is used twice",
    ),
]


@pytest.mark.parametrize(("what", "old", "new", "needle", "message"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistakes_are_located(
    tmp_path: Path, what: str, old: str, new: str, needle: str, message: str
) -> None:
    brief = copy_with(tmp_path, old, new)
    code, stderr = check(brief)
    assert code == 2, stderr
    first_line = needle.splitlines()[0]
    where = located(brief, first_line) if "\n" not in needle else _line_of_block(brief, needle)
    assert any(line.startswith(where) and message in line for line in stderr.splitlines()), stderr


def _line_of_block(brief: Path, needle: str) -> str:
    text = brief.read_text()
    line = text[: text.index(needle)].count("\n") + 1
    return f"{brief}:{line}:"


def test_a_timeline_event_may_share_the_period_of_the_one_above_it(tmp_path: Path) -> None:
    """2024 after 2024-03-12 is not out of order: the year holds the day (the order checked is the dates')."""
    brief = copy_with(tmp_path, "- date: {value: 2025, part: late}", "- date: 2024")
    assert check(brief) == (0, "")


def test_source_and_sources_together_are_refused(tmp_path: Path) -> None:
    brief = copy_with(tmp_path, "sources:\n", "source: {kind: other, language: en}\nsources:\n")
    code, stderr = check(brief)
    assert code == 2
    assert "names its sources in 'sources' (or its one source in 'source'), not both" in stderr


SVGS = {
    "an external image": '<image href="file:///etc/passwd" width="1" height="1"/>',
    "an external style": "<style>@import url(http://example.com/x.css);</style>",
    "a script": "<script>alert(1)</script>",
    "an entity": None,
}


@pytest.mark.parametrize("what", list(SVGS))
def test_an_svg_figure_refers_to_nothing_outside_itself(tmp_path: Path, what: str) -> None:
    brief = copy_with(tmp_path, "file: chart.svg", "file: chart.svg")
    svg = brief.parent / "chart.svg"
    if SVGS[what] is None:
        svg.write_text(
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg viewBox="0 0 1 1">&a;</svg>'
        )
    else:
        svg.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{SVGS[what]}</svg>')
    code, stderr = check(brief)
    assert code == 2
    assert stderr.startswith(located(brief, "file: chart.svg")), stderr
    assert "cannot show figure 'chart.svg'" in stderr


def test_a_figure_whose_bytes_are_not_its_format(tmp_path: Path) -> None:
    brief = copy_with(tmp_path, "file: photo.png", "file: photo.png")
    (brief.parent / "photo.png").write_bytes(b"GIF89a" + bytes(40))
    code, stderr = check(brief)
    assert code == 2
    assert "not a PNG file" in stderr


def _damaged(fmt: str, how: str) -> bytes:
    """A real image of format `fmt` (PNG, JPEG) whose header is intact and whose data is not."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (10, 120, 200)).save(buffer, fmt)
    data = buffer.getvalue()
    if how == "truncated":
        return data[: len(data) // 2]
    return data[:300] + bytes(range(256)) * 3 + data[300 + 768 :]  # its compressed data overwritten


@pytest.mark.parametrize(("fmt", "how"), [("PNG", "truncated"), ("JPEG", "truncated"), ("JPEG", "garbled")])
def test_a_damaged_raster_figure_is_refused_by_check(tmp_path: Path, fmt: str, how: str) -> None:
    """Its header says PNG or JPEG and gives a size, but its image cannot be decoded: `check` says so at the
    figure's line (WeasyPrint would drop it without a word, LaTeX fail in main.tex) — also in a process where
    WeasyPrint, imported, has told Pillow to accept truncated images."""
    import weasyprint  # noqa: F401  (sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES)

    name = "photo.png" if fmt == "PNG" else "photo.jpg"
    brief = copy_with(tmp_path, "file: photo.png", f"file: {name}")
    (brief.parent / name).write_bytes(_damaged(fmt, how))
    code, stderr = check(brief)
    assert code == 2
    assert stderr.startswith(located(brief, f"file: {name}")), stderr
    assert f"cannot show figure '{name}': a damaged {fmt} file: its image cannot be decoded" in stderr


def test_the_old_single_source_still_works_and_is_named_source(tmp_path: Path) -> None:
    """`source:` (the first format) is the one source, id `source`; a plain excerpt comes from it."""
    from briefgen.brief.validate import load_brief

    loaded = load_brief(Path(__file__).resolve().parents[2] / "briefs" / "kyutai-launch" / "brief.yaml")
    assert [s.id for s in loaded.brief.cited] == ["source"]
    assert loaded.source_text and "Kyutai" in loaded.source_text


def test_check_compares_table_cells_across_languages(tmp_path: Path) -> None:
    brief = copy_with(
        tmp_path,
        "[{en: Amount raised, fr: Montant levé}",
        "[{en: Amount raised in 12 days, fr: Montant levé en 13 jours}",
    )
    code, stderr = check(brief)
    assert code == 0
    where = located(brief, "Amount raised in 12 days")
    lines = [line for line in stderr.splitlines() if line.startswith(where)]
    assert any("the number 13 in 'fr' is not in 'en'" in line for line in lines), stderr
    assert any("the number 12 in 'en' is not in 'fr'" in line for line in lines), stderr


# -- the page: every element shown, in every engine ----------------------------------------------------


def words_of(pdf: Path) -> str:
    return " ".join(pdfcheck.text(pdf, "raw").split())


@pytest.mark.parametrize("engine", ENGINES)
def test_every_element_is_on_the_page(built, engine: str) -> None:
    pdf = built(BRIEF, engine, "briefing", "fr")
    text = words_of(pdf)
    # the table: label, caption, header and cells in order, values formatted for French
    assert re.search(
        r"Tableau 1 La levée en chiffres.*Élément.*Valeur.*Montant levé.*42,5.*Salariés.*120",
        text,
        re.I | re.S,
    )
    # the quotes, verbatim in their language, the second named by its source
    assert "We are building the safest warehouse robots on the market," in text
    assert "Les fonds serviront à ouvrir un site de production à Lyon" in text
    # the figures: both images drawn, with their labels and caption
    assert "Figure 1 Effectifs avant et après le plan" in text
    assert "Figure 2" in text
    assert len(pdfcheck.images(pdf)) >= 1  # the PNG (the SVG may be drawn as vectors)
    # the caveats: a flag quoting a named source, and an omission
    assert "Example Wire : « values the company at about $300 million »" in text
    assert "Aucun chiffre d’affaires n’est donné." in text
    # both sources, each under its name, fields agreeing with their noun
    assert re.search(
        r"Example Wire.*Article de presse.*Northwind raises \$42\.5 million.*12 mars 2024", text, re.I | re.S
    )
    assert re.search(
        r"Northwind Robotics.*Communiqué de presse.*Titre non précisé.*Parution non précisée",
        text,
        re.I | re.S,
    )
    # the annex: every person and organisation with role and note; the other facts with their values
    assert re.search(r"Qui est qui.*Ada Moreau.*Citée — Directrice générale de Northwind", text, re.I | re.S)
    assert "Investisseur principal Sans autre précision." in text
    assert re.search(
        r"Autres données.*Ingénieurs à recruter.*60.*Fondée à.*Lyon \(France\)", text, re.I | re.S
    )


TIMELINE = {  # the fixture's timeline as each language prints it: the heading, then each date and its event
    "en": [
        "Timeline",
        "2019 Northwind is founded in Lyon.",
        "12 March 2024 Series B round: US$42.5 million.",
        "late 2025 60 engineers hired.",
    ],
    "fr": [
        "Chronologie",
        "2019 Northwind est fondée à Lyon.",
        "12 mars 2024 Tour de série B : 42,5 millions de dollars des États-Unis.",
        "fin 2025 60 ingénieurs recrutés.",
    ],
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("theme", "lang"), [("briefing", "fr"), ("briefing", "en"), ("dossier", "en")])
def test_a_timeline_shows_its_dated_events_in_order(built, engine: str, theme: str, lang: str) -> None:
    """Each event under its date, written the language's way (12 mars 2024, fin 2025), in the brief's order."""
    text = words_of(built(BRIEF, engine, theme, lang))
    heading, *events = TIMELINE[lang]
    at = text.lower().rfind(heading.lower() + " 2019")
    assert at != -1, text
    positions = [text.find(event, at) for event in events]
    assert -1 not in positions, [e for e, p in zip(events, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


@pytest.mark.parametrize("engine", ("typst", "weasyprint"))
def test_a_timeline_is_tagged_as_a_list_of_dated_events(standard_pdfs, engine: str) -> None:
    """Under PDF/UA-1 a timeline is a list: an item per event, its date the item's label, the event its body."""
    for lang, pdf in standard_pdfs(engine, ("ua-1",), "briefing", BRIEF).items():
        assert validators.page_failures(pdf, "ua-1") == []
        rows = [
            (role, depth, " ".join(text.split())) for role, depth, _attrs, text in pdfcheck.structure(pdf)
        ]
        events = TIMELINE[lang][1:]
        start = next(
            i for i, (role, _d, text) in enumerate(rows) if role == "/L" and text.startswith("2019 ")
        )
        depth = rows[start][1]
        end = next((n for n in range(start + 1, len(rows)) if rows[n][1] <= depth), len(rows))
        inside = rows[start + 1 : end]
        items = [text for role, d, text in inside if role == "/LI" and d == depth + 1]
        labels = [text for role, d, text in inside if role == "/Lbl" and d == depth + 2]
        bodies = [text for role, d, text in inside if role == "/LBody" and d == depth + 2]
        assert items == events, lang
        assert [f"{label} {body}" for label, body in zip(labels, bodies, strict=True)] == events, lang


@pytest.mark.parametrize("engine", ENGINES)
def test_endnotes_quote_the_sources_in_page_order(built, engine: str) -> None:
    pdf = built(BRIEF, engine, "briefing", "en")
    notes = words_of(pdf).split("NOTES" if engine != "weasyprint" else "Notes")[-1]
    expected = [
        "1 Example Wire: “raised $42.5 million in a Series B round”",
        "2 Example Wire: “employs 120 people”",
        "3 Example Wire: “led by Harbor Ventures” Northwind Robotics: “menée par Harbor Ventures”",
        "4 Example Wire: “raised $42.5 million” Northwind Robotics: “recruter 60 ingénieurs”",
        "5 Example Wire: “plans to double its engineering team”",
        "6 Example Wire: “said chief executive Ada Moreau”",
        "7 Example Wire: “led by Harbor Ventures”",
        "8 Northwind Robotics: “recruter 60 ingénieurs d’ici fin 2025”",
        "9 Example Wire: “founded in 2019 in Lyon”",
    ]
    positions = [notes.find(line) for line in expected]
    assert -1 not in positions, [line for line, at in zip(expected, positions, strict=True) if at == -1]
    assert positions == sorted(positions)


@pytest.mark.parametrize("engine", ENGINES)
def test_footnotes_sit_on_the_page_of_their_claim(built, engine: str) -> None:
    """The dossier theme puts the notes at the foot of the page: the excerpt is on the page of the table."""
    pdf = built(BRIEF, engine, "dossier", "en")
    for page in range(1, pdfcheck.pages(pdf) + 1):
        text = " ".join(pdfcheck.page_text(pdf, page).split())
        if "The round in figures" in text:
            assert "“recruter 60 ingénieurs”" in text
            break
    else:
        pytest.fail("no page shows the table")
    assert "Notes" not in [title for _level, title in pdfcheck.outline(pdf)]


@pytest.mark.parametrize("engine", engines("typst", "latex"))
def test_same_words_as_weasyprint(built, engine: str) -> None:
    for lang in ("en", "fr"):
        theirs = pdfcheck.briefing_words(built(BRIEF, "weasyprint", "briefing", lang), BRIEF, lang)
        ours = pdfcheck.briefing_words(built(BRIEF, engine, "briefing", lang), BRIEF, lang)
        assert pdfcheck.word_diff(theirs, ours) == []


LONG_TABLE_ROWS = "\n".join(
    f'            - [{{en: "Row {n} of the long table", fr: "Ligne {n} du long tableau"}}, "{{{{staff}}}}"]'
    for n in range(1, 81)
)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_long_table_repeats_its_header_on_every_page(tmp_path: Path, engine: str) -> None:
    brief = copy_with(
        tmp_path,
        '            - [{en: Engineers to hire, fr: Ingénieurs à recruter}, "{{hires}}"]',
        LONG_TABLE_ROWS,
    )
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", brief, "--engine", engine, "--lang", "en", "--out", out)
    assert code == 0, stderr
    pdf = out / "elements.en.pdf"
    pages = [" ".join(pdfcheck.page_text(pdf, p).split()) for p in range(1, pdfcheck.pages(pdf) + 1)]
    with_rows = [text for text in pages if "of the long table" in text]
    assert len(with_rows) >= 2, "the table runs across pages"
    for text in with_rows:
        assert re.search(r"ITEM|Item", text) and re.search(r"VALUE|Value", text), text[:300]
    assert "Row 80 of the long table" in pages[-1] or any("Row 80 of the long table" in t for t in with_rows)


def test_the_page_budget_leaves_out_the_back_matter(tmp_path: Path) -> None:
    """Kyutai's briefing fits its 4 pages; the annex and the notes follow on pages of their own."""
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli(
        "build", FIXTURES.parent.parent / "briefs" / "kyutai-launch", "--out", out
    )
    assert code == 0
    assert "page budget" not in stderr
    pdf = out / "kyutai-launch.en.pdf"
    outline = pdfcheck.outline_pages(pdf)
    who = next(page for _level, title, page in outline if title == "Who’s who")
    sources = next(page for _level, title, page in outline if title == "Sources")
    assert sources < who <= 5  # the budget's 4 pages, then the back matter on a page of its own
    before = " ".join(pdfcheck.page_text(pdf, who - 1).split())
    assert "What the source does not say" in before or "computing capacity supplied by Scaleway" in before
    assert pdfcheck.pages(pdf) > 4


def test_a_briefing_over_its_budget_says_so(tmp_path: Path) -> None:
    brief = copy_with(tmp_path, "page_budget: 6", "page_budget: 1")
    code, _stdout, stderr = run_cli("build", brief, "--lang", "en", "--out", tmp_path / "out")
    assert code == 0
    assert re.search(
        r"elements\.en\.pdf: 2 pages \(before the annex and notes\), over the brief's page budget of 1",
        stderr,
    ), stderr


def test_a_theme_names_where_notes_go_or_is_refused(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "theme.yaml").write_text("name: mine\nextends: briefing\nlayout:\n  notes: footnote\n")
    code, _stdout, stderr = run_cli("build", BRIEF, "--theme", theme, "--out", tmp_path / "out")
    assert code == 2
    assert f"{theme / 'theme.yaml'}:4:10: 'notes' is endnotes or footnotes, not 'footnote'" in stderr
    assert not (tmp_path / "out").exists()


def test_an_excerpt_not_found_says_which_mark_differs(tmp_path: Path) -> None:
    """The source writes d’ici with a curly apostrophe; the excerpt has a straight one."""
    brief = copy_with(
        tmp_path, "recruter 60 ingénieurs d'ici fin 2025", "recruter 60 ingénieurs d’ici fin 2025"
    )
    (brief.parent / "release.fr.txt").write_text(
        (ELEMENTS / "release.fr.txt").read_text().replace("d'ici", "d’ici"), encoding="utf-8"
    )
    brief.write_text(brief.read_text().replace("d’ici fin 2025", "d'ici fin 2025"), encoding="utf-8")
    code, stderr = check(brief)
    assert code == 2
    expected = (
        "excerpt not found word for word in the file of source 'release': "
        "the source writes curly ’ where the excerpt has straight '"
    )
    assert f"{located(brief, 'd' + chr(39) + 'ici fin 2025')}" in stderr and expected in stderr, stderr


def test_an_excerpt_not_found_shows_the_nearest_passage(tmp_path: Path) -> None:
    brief = copy_with(tmp_path, 'basis: "employs 120 people"', 'basis: "employs 130 people"')
    code, stderr = check(brief)
    assert code == 2
    assert "the nearest passage reads 'employs 120 people'" in stderr, stderr


def test_the_readme_brief_builds_as_it_stands(tmp_path: Path) -> None:
    """The README's example of the format is a brief: it validates and builds beside the Kyutai article."""
    readme = (FIXTURES.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The brief format", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    folder = tmp_path / "readme"
    folder.mkdir()
    (folder / "brief.yaml").write_text(example, encoding="utf-8")
    shutil.copy(FIXTURES.parent.parent / "briefs" / "kyutai-launch" / "source.fr.txt", folder)
    code, stderr = check(folder / "brief.yaml")
    assert code == 0, stderr
    code, _stdout, stderr = run_cli("build", folder, "--engine", "typst", "--out", tmp_path / "out")
    assert code == 0, stderr
    text = words_of(tmp_path / "out" / "kyutai-launch.fr.pdf")
    assert "L’équipe compte six chercheurs." in text
    assert "Budget initial 100 millions d’euros" in text
