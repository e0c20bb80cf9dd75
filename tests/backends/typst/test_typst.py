"""The Typst engine: the same words as WeasyPrint, a complete PDF, brief text kept literal, offline and confined."""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from pathlib import Path

import pytest
import typst
from fontTools.ttLib import TTFont

from briefgen import backends, build
from briefgen.backends import typst as engine
from briefgen.backends import workers
from briefgen.backends.typst.markup import typst_string, typst_text
from briefgen.brief.inline import plain
from briefgen.brief.validate import load_brief
from briefgen.build import BACK_MATTER
from briefgen.distribution import pdfinfo
from briefgen.distribution.pdfinfo import first_page_of
from briefgen.document.view import Document, build_document
from briefgen.language.catalog import load_catalog
from briefgen.settings import Settings
from briefgen.themes import fonts
from tests import pdfcheck
from tests.conftest import FIXTURES, KYUTAI, run_cli

LANGS = ("fr", "en")
OTHER = {"fr": "en", "en": "fr"}
MINIMAL = FIXTURES / "minimal.yaml"
SPECIALS = FIXTURES / "typst_specials.yaml"
LATO = {"Lato-Regular", "Lato-Italic", "Lato-Bold", "Lato-BoldItalic", "Lato-Black"}  # the theme's faces


def document(brief: Path, lang: str) -> Document:
    return build_document(load_brief(brief), lang, load_catalog(lang))


@cache
def lato_cmap() -> dict[int, str]:
    return TTFont(fonts.font_dir() / "Lato-Regular.ttf").getBestCmap()


def lato_has(char: str) -> bool:
    return ord(char) in lato_cmap()


def flat(text: str) -> str:
    """Text with no-break spaces as spaces and runs of white space as one, for comparing with pdftotext."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture(scope="module")
def pdfs(kyutai_pdfs) -> dict[str, Path]:
    return kyutai_pdfs("typst")


# -- the Kyutai briefing, next to WeasyPrint's -----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_same_words_as_weasyprint(kyutai_pdfs, pdfs, lang: str) -> None:
    theirs = pdfcheck.briefing_words(kyutai_pdfs("weasyprint")[lang], KYUTAI, lang)
    ours = pdfcheck.briefing_words(pdfs[lang], KYUTAI, lang)
    assert len(ours) > 300, "the whole briefing is there"
    assert pdfcheck.word_diff(theirs, ours) == []


@pytest.mark.parametrize("lang", LANGS)
def test_metadata_and_language(pdfs, lang: str) -> None:
    doc, meta = document(KYUTAI, lang), pdfcheck.metadata(pdfs[lang])
    assert flat(meta["Title"]) == flat(doc.title)
    assert doc.author in meta["Author"]
    assert meta["Keywords"] == ", ".join(doc.keywords)
    assert flat(meta["Subject"]) == flat(doc.subject)
    assert meta["CreationDate"].startswith("D:" + doc.date.strftime("%Y%m%d"))
    assert pdfcheck.lang(pdfs[lang]) == doc.tag


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_are_embedded_lato_faces_with_every_glyph(pdfs, lang: str) -> None:
    used = pdfcheck.fonts(pdfs[lang])
    assert used and all(used.values()), f"not embedded: {[f for f, e in used.items() if not e]}"
    assert set(used) <= LATO, used
    assert {"Lato-Regular", "Lato-Bold", "Lato-Italic", "Lato-Black"} <= set(used), "real bold and italic"
    missing = {c for c in set(pdfcheck.text(pdfs[lang])) if not c.isspace() and not lato_has(c)}
    assert not missing, f"characters Lato does not have: {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_outline_is_weasyprints(kyutai_pdfs, pdfs, lang: str) -> None:
    outline = pdfcheck.outline(pdfs[lang])
    assert outline[:2] == [(1, load_catalog(lang)("summary")), (1, load_catalog(lang)("key_facts"))]
    assert [(level, flat(title)) for level, title in outline] == [
        (level, flat(title)) for level, title in pdfcheck.outline(kyutai_pdfs("weasyprint")[lang])
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_pages_and_fixed_strings_of_the_language(pdfs, lang: str) -> None:
    doc, catalog, other = document(KYUTAI, lang), load_catalog(lang), load_catalog(OTHER[lang])
    pages = pdfcheck.pages(pdfs[lang])
    back = first_page_of(pdfs[lang].read_bytes(), [catalog(key) for key in BACK_MATTER])
    assert back is not None and 1 <= back - 1 <= doc.page_budget < pages  # the annex and notes follow
    text = flat(pdfcheck.text(pdfs[lang])).casefold()
    for key in ("key_facts", "summary", "sources", "source_caveats", "not_stated", "briefing"):
        assert flat(catalog(key)).casefold() in text, key
        if catalog(key) != other(key):
            assert flat(other(key)).casefold() not in text, f"{key} of the other language"
    for page in range(1, pages + 1):
        assert flat(catalog("page_x_of_y", page=page, pages=pages)).casefold() in text


# -- brief text is data -------------------------------------------------------------------------------------

LITERALS = [
    "# [ ] * _ ` $ < > @ \\ ~ ' \"",
    "= heading",
    "- item",
    "+ item",
    "/ term: description",
    "1. one",
    "12. twelve",
    "// line comment",
    "/* block comment */",
    "*/",
    "a--b a---b a-?b -1 a...b",
    '#import "@preview/x:0.1.0": *',
    '#read("/etc/passwd") #image("/etc/hostname")',
    "#(1 + 1) #{ 2 } #x.y",
    "$x^2$",
    "<lbl> @lbl",
    "http://example.com/a_b https://example.org",
    "\\u{41} \\",
    "state-of-the-art km/h 3.14",
    "line one\n\n= line two\n- line three",
    "form feed\x0c= heading\u2028- item\x85+ item",
]


def compile_markup(markup: str, folder: Path) -> Path:
    """The PDF of a small Typst document, through the engine's compiler."""
    main = folder / "main.typ"
    main.write_text(f'#set text(font: "Lato")\n#set page(height: auto)\n{markup}\n', encoding="utf-8")
    pdf, warnings = engine.compiler((fonts.font_dir(),)).compile(main, dt.date(2024, 1, 1), [], False)
    assert not warnings
    (folder / "out.pdf").write_bytes(pdf)
    return folder / "out.pdf"


# Where brief text lands in a template, and what the reader then sees around it.
CONTEXTS = {
    "{}": "{}",
    "- {}": "•{}",
    "#strong[{}]": "{}",
    "a{}b": "a{}b",
    "#emph[x];{}": "x{}",
    "/ t: {}": "t{}",
}


@pytest.mark.parametrize("text", LITERALS)
@pytest.mark.parametrize("context", CONTEXTS)
def test_escaped_text_is_shown_literally(text: str, context: str, tmp_path: Path) -> None:
    pdf = compile_markup(context.format(typst_text(text)), tmp_path)
    shown = pdfcheck.text(pdf, "raw")
    assert "".join(shown.split()) == "".join(CONTEXTS[context].format(text).split())


@pytest.mark.parametrize(
    "text", ["plain", '"quoted" \\ back', "@preview/x:0.1.0", "tab\tnew\nline\x01\x7f é"]
)
def test_string_literal_holds_the_text(text: str, tmp_path: Path) -> None:
    assert "@" not in typst_string(text), "no string of brief text looks like a package to the offline check"
    kept = [c for c in text if c in "\t\n" or (c >= " " and c != "\x7f")]  # other controls are dropped
    chars = " + ".join(f"str.from-unicode({ord(c)})" for c in kept)
    compile_markup(f"#assert.eq({typst_string(text)}, {chars})", tmp_path)  # raises TypstError if not


@pytest.mark.parametrize("lang", LANGS)
def test_every_typst_special_in_a_brief_is_shown_literally(tmp_path: Path, lang: str) -> None:
    code, _, stderr = run_cli("build", SPECIALS, "--engine", "typst", "--lang", lang, "--out", tmp_path)
    assert code == 0, stderr
    text = flat(pdfcheck.text(tmp_path / f"typst-specials.{lang}.pdf", "raw"))
    doc = document(SPECIALS, lang)
    prose = [
        doc.headline,
        doc.summary,
        *(f.value for f in doc.meta),
        *(f.value for f in doc.source),
        *(fact.label for fact in doc.key_facts),
        *(fact.note for fact in doc.key_facts if fact.note),
        *(flag.quote for flag in doc.flags),
        *(flag.note for flag in doc.flags),
        *(block.content for block in doc.sections[0].blocks if block.kind == "text"),
        *(item for block in doc.sections[0].blocks if block.kind == "items" for item in block.content),
    ]
    squashed = "".join(text.split())  # pdftotext breaks lines after a slash: compare without white space
    for nodes in prose:
        assert "".join(flat(plain(nodes)).split()) in squashed, plain(nodes)
    for literal in ("#import", "@preview/x:0.1.0", "#read(", "$x^2$", "<lbl>", "@lbl", "/* ", "= ", "1. "):
        assert literal.replace(" ", "") in squashed, literal


def test_typographic_characters_are_lato_glyphs(tmp_path: Path) -> None:
    for fmt in ("pdf", "typ"):
        args = ("--engine", "typst", "--lang", "fr", "--format", fmt, "--out", tmp_path)
        code, _, stderr = run_cli("build", SPECIALS, *args)
        assert code == 0, stderr
    shown = pdfcheck.text(tmp_path / "typst-specials.fr.pdf")
    for char in "«»’–—€":
        assert char in shown and lato_has(char), char
    source = (tmp_path / "typst-specials.fr.typ").read_text(encoding="utf-8")
    for space in "\u00a0\u202f":  # no character in the extracted text, but given to Typst, and in Lato
        assert space in source and lato_has(space)
    assert set(pdfcheck.fonts(tmp_path / "typst-specials.fr.pdf")) <= LATO


# -- confined and offline --------------------------------------------------------------------------------


def override(tmp_path: Path, template: str) -> Path:
    """A --templates folder whose Typst entry template is `template`."""
    folder = tmp_path / "templates" / "default" / "typst"
    folder.mkdir(parents=True)
    (folder / "brief.typ.j2").write_text(template, encoding="utf-8")
    return tmp_path / "templates"


def build_with(templates: Path, out: Path) -> tuple[int, str, str]:
    return run_cli(
        "build", MINIMAL, "--engine", "typst", "--lang", "en", "--templates", templates, "--out", out
    )


def test_typst_error_names_the_template_line(tmp_path: Path) -> None:
    """An error placed in a template is invalid input (exit 2), like any other template error."""
    templates = override(tmp_path, '#set text(font: "Lato")\n{{ doc.title }}\n\n#nonexistent(1)\n')
    code, stdout, stderr = build_with(templates, tmp_path / "out")
    assert code == 2 and stdout == ""
    where = templates / "default" / "typst" / "brief.typ.j2"
    assert stderr.strip() == f"{where}:4:2: typst: unknown variable: nonexistent"
    assert not (tmp_path / "out").exists()


def test_a_line_of_values_is_placed_in_the_generated_source(tmp_path: Path) -> None:
    """An error no template line can be found for stays the engine's (exit 1)."""
    templates = override(tmp_path, '#set text(font: "Lato")\n#{{ "nonexistent" }}\n')
    code, _, stderr = build_with(templates, tmp_path / "out")
    assert code == 1
    assert stderr.strip() == (
        "main.typ:2:2: typst: unknown variable: nonexistent; in the generated source: '#nonexistent'"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('#read("/etc/passwd")', "file not found"),
        ('#image("/etc/hostname")', "file not found"),
        ('#read("../../../../../../etc/passwd")', "would escape the project root"),
        ('#include "/' + "main.typ" + '"', "cyclic"),
    ],
)
def test_templates_cannot_read_files(tmp_path: Path, call: str, message: str) -> None:
    templates = override(tmp_path, f'#set text(font: "Lato")\n{call}\n')
    code, _, stderr = build_with(templates, tmp_path / "out")
    assert code == 2
    assert "brief.typ.j2:2:" in stderr and message in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_package_imports_fail_at_once_without_download(tmp_path: Path) -> None:
    templates = override(tmp_path, '#set text(font: "Lato")\n#import "@preview/anything:0.1.0": *\n')
    code, _, stderr = build_with(templates, tmp_path / "out")
    # briefgen's refusal, before Typst sees the source: no download is tried, so none is waited for
    assert code == 2
    assert 'brief.typ.j2:2:9: typst: "@preview/anything:0.1.0' in stderr
    assert "builds offline" in stderr
    assert not engine.NO_PACKAGES.exists(), "Typst's package folders cannot exist"
    assert not (tmp_path / "out").exists()


def test_the_users_typst_packages_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "data" / "typst" / "packages" / "local" / "mine" / "0.1.0"
    package.mkdir(parents=True)
    (package / "typst.toml").write_text(
        '[package]\nname = "mine"\nversion = "0.1.0"\nentrypoint = "lib.typ"\n', encoding="utf-8"
    )
    (package / "lib.typ").write_text("#let x = 1\n", encoding="utf-8")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where Typst finds a user's own packages
    main = tmp_path / "build" / "main.typ"
    main.parent.mkdir()
    main.write_text('#import "@local/mine:0.1.0": x\n#x\n', encoding="utf-8")  # never downloaded: @local
    with pytest.raises(typst.TypstError, match="package not found"):
        engine.compiler((fonts.font_dir(),)).compile(main, dt.date(2024, 1, 1), [], False)


# -- outputs --------------------------------------------------------------------------------------------


def test_typ_source_compiles_on_its_own(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", MINIMAL, "--engine", "typst", "--format", "typ", "--out", tmp_path)
    assert code == 0, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal-brief.en.typ", "minimal-brief.fr.typ"]
    for lang in LANGS:
        source = tmp_path / f"minimal-brief.{lang}.typ"
        pdf = typst.compile(
            source, root=tmp_path, font_paths=[fonts.font_dir()], ignore_system_fonts=True, format="pdf"
        )
        (tmp_path / f"{lang}.pdf").write_bytes(pdf)
        assert flat(document(MINIMAL, lang).title) in flat(pdfcheck.text(tmp_path / f"{lang}.pdf"))


def test_invalid_brief_is_a_usage_error_with_nothing_written(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("value: 1200", "value: lots"), encoding="utf-8"
    )
    code, stdout, stderr = run_cli("build", broken, "--engine", "typst", "--out", tmp_path / "out")
    assert code == 2 and stdout == ""
    assert "value" in stderr
    assert not (tmp_path / "out").exists()


def compiles(font_dir: Path) -> tuple[int, int, int]:
    """In an engine worker: its process, its compiler's identity and how many documents that compiled."""
    shared = engine.compiler((font_dir,))
    return os.getpid(), id(shared), shared.compiles


def test_one_compiler_serves_every_language(tmp_path: Path) -> None:
    """Typst runs in an engine worker that outlives a build: one compiler, fonts loaded once, for every PDF the
    worker makes (one worker: --jobs 1)."""
    ask = workers.Call(compiles, (fonts.font_dir(),), 60, "typst")
    worker, compiler, before = workers.pool().call(ask)
    code, _, stderr = run_cli("build", MINIMAL, "--engine", "typst", "--out", tmp_path, "--jobs", "1")
    assert code == 0, stderr
    assert workers.pool().call(ask) == (worker, compiler, before + 2)
    assert worker != os.getpid()
    assert [pdfcheck.pages(tmp_path / f"minimal-brief.{lang}.pdf") for lang in LANGS] == [1, 1]


def test_page_count_is_read_from_the_pdf(tmp_path: Path) -> None:
    main = tmp_path / "main.typ"
    main.write_text('#set text(font: "Lato")\n' + "\n#pagebreak()\n".join("abc"), encoding="utf-8")
    pdf, _ = engine.compiler((fonts.font_dir(),)).compile(main, dt.date(2024, 1, 1), [], True)
    (tmp_path / "three.pdf").write_bytes(pdf)
    assert engine.page_count(pdf) == pdfcheck.pages(tmp_path / "three.pdf") == 3


@pytest.mark.parametrize("lang", LANGS)
def test_the_back_matters_page_is_asked_of_typst_and_is_the_outlines(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """Where the annex and notes start (the page budget's end) is asked of Typst's layout after the compile, not
    read back from the PDF by pypdf; it is the page the PDF's outline gives (pypdf, on the same PDF)."""
    setup = build.resolve(Settings(engine="typst", langs=(lang,)))
    job = build.prepare(build.plan([KYUTAI], setup).tasks[0], setup).job
    assert job is not None
    monkeypatch.setattr(pdfinfo, "first_page_of", lambda *_: pytest.fail("the PDF was read for the page"))
    made = backends.compile_here("typst", job)
    monkeypatch.undo()
    assert made.back is not None
    assert made.back == first_page_of(made.pdf, job.back_matter)
    assert 1 < made.back < made.pages


@pytest.mark.parametrize(
    ("heading", "page", "read"),
    [
        ("= Notes", 2, False),
        ("= Notes <notes>", 2, False),
        ("= The notes", None, False),
        ("= _Notes_", 2, True),
    ],
)
def test_typst_gives_the_page_of_a_heading_of_plain_text_and_leaves_any_other_to_the_outline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, heading: str, page: int | None, read: bool
) -> None:
    """Typst's answer is taken only for headings of plain text and spaces: for one in italics, whose outline
    title is its text all the same, the PDF's outline is read. Either way the page is the outline's (pypdf)."""
    main = tmp_path / "main.typ"
    main.write_text(f'#set text(font: "Lato")\n= Intro\n#pagebreak()\n{heading}\n', encoding="utf-8")
    shared = engine.compiler((fonts.font_dir(),))
    pdf, _ = shared.compile(main, dt.date(2024, 1, 1), [], True)
    titles = ["NOTES", "Who's who"]
    reads: list[bytes] = []
    monkeypatch.setattr(
        pdfinfo, "first_page_of", lambda pdf, titles: reads.append(pdf) or first_page_of(pdf, titles)
    )
    assert shared.first_page_of(main, titles, pdf) == first_page_of(pdf, titles) == page
    assert reads == ([pdf] if read else [])
