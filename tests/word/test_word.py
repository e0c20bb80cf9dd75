"""`build --format docx`: each example's Word document, read by readers the project did not write — LibreOffice
(headless, converting every .docx to PDF in one run, read back by poppler's pdftotext) and python-docx."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import docx
import pytest
from docx.oxml.ns import qn

from briefgen.brief.inline import plain
from briefgen.brief.validate import load_brief
from briefgen.document.blocks import FigureView
from briefgen.document.context import ExcerptView
from briefgen.document.view import Document, all_blocks, build_document
from briefgen.language.catalog import load_catalog
from briefgen.themes.layers import load_theme
from briefgen.themes.manifest import points
from tests import office, pdfcheck
from tests.conftest import FIXTURES, KYUTAI, ROOT, _locked, build_once, require_tool, run_cli

BRIEFS = sorted((ROOT / "briefs").glob("*/brief.yaml"))
ELEMENTS = FIXTURES / "elements" / "brief.yaml"  # every element of the brief format, two sources, internal
MARKING = FIXTURES / "marking" / "brief.yaml"  # a confidential draft
LANGS = ("fr", "en")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="session")
def docx_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example brief and the two fixtures, in every language, as .docx: built once per run."""
    return build_once(tmp_path_factory, ROOT / "briefs", ELEMENTS, MARKING, "--format", "docx")


@pytest.fixture(scope="session")
def office_pdfs(docx_folder: Path) -> Path:
    """Each .docx as LibreOffice prints it to PDF, all in one LibreOffice run (shared by pytest -n's workers)."""
    require_tool("soffice", "LibreOffice reads the .docx files: apt-get install libreoffice-writer-nogui")
    out = docx_folder / "libreoffice"
    with _locked(docx_folder / "libreoffice.lock"):
        if not (out / ".done").exists():
            office.to_pdf(sorted(docx_folder.glob("*.docx")), out)
            (out / ".done").touch()
    return out


def view(brief: Path, lang: str) -> Document:
    return build_document(load_brief(brief), lang, load_catalog(lang))


def words(text: str) -> set[str]:
    """Words as pdfcheck.body_words reads them."""
    return set(re.findall(r"[\w€$%]+(?:['.,][\w]+)*", text.replace("’", "'").lower()))


def opened(folder: Path, brief: Path, lang: str) -> docx.document.Document:
    return docx.Document(str(folder / f"{load_brief(brief).brief.id}.{lang}.docx"))


def spaced(text: str) -> str:
    """`text` with its no-break spaces as spaces: the view holds a name's words together, Word lets them part
    (word.pandoc_ast), and a value's no-break spaces are the same in both."""
    return text.replace("\u00a0", " ")


@pytest.mark.parametrize("brief", BRIEFS, ids=[p.parent.name for p in BRIEFS])
@pytest.mark.parametrize("lang", LANGS)
def test_libreoffice_prints_the_words_of_the_briefing(
    built, office_pdfs: Path, brief: Path, lang: str
) -> None:
    """The PDF LibreOffice makes of the .docx has the words of the Typst PDF, but for what the PDF prints in its
    running header and footer (the kicker, the classification), the heading of its endnotes (Word's notes are
    at the foot of each page), the labels drawn inside SVG figures, and a web address broken elsewhere."""
    doc, catalog = view(brief, lang), load_catalog(lang)
    typst = set(pdfcheck.briefing_words(built(brief, "typst", "briefing", lang), brief, lang))
    word = set(pdfcheck.body_words(office_pdfs / f"{doc.id}.{lang}.pdf", [], catalog.strings["page_x_of_y"]))
    allowed = words(f"{catalog('briefing')} {doc.classification} {catalog('notes')}")
    for svg in brief.parent.glob("*.svg"):
        allowed |= words(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text(encoding="utf-8"))))
    addresses = "".join(re.sub(r"\W", "", s.fields[-1].value[0].href.lower()) for s in doc.sources)

    def unexplained(difference: set[str]) -> list[str]:
        return sorted(w for w in difference - allowed if re.sub(r"\W", "", w) not in addresses)

    assert unexplained(typst - word) == [], "in the PDF, not in the Word document"
    assert unexplained(word - typst) == [], "in the Word document, not in the PDF"
    assert len(word) > 150


@pytest.mark.parametrize("brief", [*BRIEFS, ELEMENTS], ids=[*(p.parent.name for p in BRIEFS), "elements"])
@pytest.mark.parametrize("lang", LANGS)
def test_each_note_is_a_word_footnote_in_its_place(docx_folder: Path, brief: Path, lang: str) -> None:
    doc = view(brief, lang)
    document = opened(docx_folder, brief, lang)
    part = next(p for p in document.part.package.iter_parts() if p.partname == "/word/footnotes.xml")
    footnotes = [
        n
        for n in docx.oxml.parse_xml(part.blob).iter(f"{W}footnote")
        if n.get(f"{W}type") in (None, "normal")
    ]
    references = document.element.body.findall(f".//{W}footnoteReference")
    assert len(footnotes) == len(references) == len(doc.notes) > 0
    # the first note quotes the first excerpt of the first note of the page, in its language
    first = next(n for n in footnotes if n.get(f"{W}id") == references[0].get(f"{W}id"))
    excerpt = doc.notes[0].excerpts[0]
    runs = [r for r in first.iter(f"{W}r") if r.find(f"{W}rPr/{W}lang") is not None]
    quoted = "".join(t.text or "" for r in runs for t in r.iter(f"{W}t"))
    assert quoted == plain(excerpt.text)
    assert {r.find(f"{W}rPr/{W}lang").get(f"{W}val") for r in runs} == {excerpt.lang}


@pytest.mark.parametrize("brief", [BRIEFS[0], ELEMENTS], ids=[BRIEFS[0].parent.name, "elements"])
def test_the_document_is_french_and_an_english_quote_in_it_english(docx_folder: Path, brief: Path) -> None:
    doc = view(brief, "fr")
    document = opened(docx_folder, brief, "fr")
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert defaults is not None and defaults.get(f"{W}val") == doc.tag and doc.tag.startswith("fr")
    english = {
        "".join(t.text or "" for t in run.iter(f"{W}t"))
        for run in document.element.body.iter(f"{W}r")
        if (mark := run.find(f"{W}rPr/{W}lang")) is not None and mark.get(f"{W}val") == "en"
    }
    quotes = [b.content for b in all_blocks(doc.sections) if isinstance(b.content, ExcerptView)]
    quotes += [e for n in doc.notes for e in n.excerpts]
    in_english = [spaced(plain(q.text)) for q in quotes if q.lang == "en"]
    english = {spaced(text) for text in english}
    assert in_english and set(in_english) <= english | {
        spaced("".join(t.text or "" for t in r.iter(f"{W}t"))) for r in _footnote_runs(document, "en")
    }
    assert any(q in english for q in in_english), "an English passage of the body, marked en"
    # and the French document's own words are not marked English
    assert not any(doc.title.startswith(text) for text in english if text)


def _footnote_runs(document: docx.document.Document, lang: str) -> list:
    part = next(p for p in document.part.package.iter_parts() if p.partname == "/word/footnotes.xml")
    return [
        r
        for r in docx.oxml.parse_xml(part.blob).iter(f"{W}r")
        if (mark := r.find(f"{W}rPr/{W}lang")) is not None and mark.get(f"{W}val") == lang
    ]


def test_the_styles_carry_the_theme(docx_folder: Path) -> None:
    manifest = load_theme("briefing").manifest
    styles = {s.name: s for s in opened(docx_folder, ELEMENTS, "en").styles}
    colour = {name: value.lstrip("#").upper() for name, value in manifest.colours.items()}
    for name, step in (
        ("Normal", "body"),
        ("Title", "headline"),
        ("Heading 1", "heading"),
        ("Heading 2", "subheading"),
        ("Table Caption", "caption"),
        ("Image Caption", "caption"),
        ("Footnote Text", "note"),
        ("Block Text", "quote"),
    ):
        style, token = styles[name], manifest.text[step]
        assert style.font.name == getattr(manifest.font, token.font), name
        assert str(style.font.color.rgb) == colour[token.colour], name
        assert style.font.size.pt == round(float(points(token.size)) * 2) / 2, name  # Word's half points
        assert bool(style.font.bold) == (token.weight >= 700), name
    assert styles["Heading 1"].font.all_caps and str(styles["Heading 1"].font.color.rgb) == colour["primary"]
    assert styles["Block Text"].font.italic
    section = opened(docx_folder, ELEMENTS, "en").sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297  # A4


@pytest.mark.parametrize("lang", LANGS)
def test_every_element_is_in_the_document(docx_folder: Path, lang: str) -> None:
    """Title, bottom line, key facts as a table, sections, lists, tables with their captions, figures with
    their alt text, quotes, the caveats, the sources and the annex of the `elements` fixture."""
    doc, catalog = view(ELEMENTS, lang), load_catalog(lang)
    document = opened(docx_folder, ELEMENTS, lang)
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [text for _, text in paragraphs]
    assert ("Kicker", catalog("briefing")) in paragraphs and ("Title", doc.title) in paragraphs
    assert ("Banner", doc.classification) == paragraphs[0]  # an internal brief: the banner shows
    headings = [text for style, text in paragraphs if style.startswith("Heading 1")]
    sections = [plain(s.title) for s in doc.sections]
    backs = [catalog(k) for k in ("key_facts", "source_caveats", "sources", "who", "other_facts")]
    assert set(sections + backs) <= set(headings)
    assert any(
        p.style.name == "Summary" and spaced(doc.subject) in spaced(p.text) for p in document.paragraphs
    )
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    for fact in doc.key_facts:  # each key fact a row: its label, its value
        assert plain(fact.label) in cells
        assert any(plain(fact.value[0].children) in c for c in cells)
    figures = [b.content for b in all_blocks(doc.sections) if isinstance(b.content, FigureView)]
    described = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    assert described == [f.alt for f in figures] and len(figures) == 2
    captions = [text for style, text in paragraphs if style in ("Image Caption", "Table Caption")]
    assert any(text.startswith(f"{catalog('figure')} 1") for text in captions)
    assert any(text.startswith(f"{catalog('table')} 1") for text in captions)
    assert any(style == "Definition Term" and text == "Ada Moreau" for style, text in paragraphs)
    flags = [f for f in doc.flags]
    assert flags and all(f.note and plain(f.note) in texts for f in flags)
    assert doc.not_stated and all(plain(i) in texts for i in doc.not_stated)


@pytest.mark.parametrize("lang", LANGS)
def test_a_confidential_draft_says_so(docx_folder: Path, lang: str) -> None:
    doc, catalog = view(MARKING, lang), load_catalog(lang)
    paragraphs = [(p.style.name, p.text) for p in opened(docx_folder, MARKING, lang).paragraphs]
    assert paragraphs[0] == ("Banner", doc.classification)
    cells = [c.text for t in opened(docx_folder, MARKING, lang).tables for r in t.rows for c in r.cells]
    assert catalog("status.draft") in cells and doc.classification in cells


def test_the_properties_are_the_brief_s_and_the_bytes_the_same(docx_folder: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", ELEMENTS, "--format", "docx", "--out", tmp_path, "-q")
    assert code == 0, stderr
    for lang in LANGS:
        name = f"elements.{lang}.docx"
        again = (tmp_path / name).read_bytes()
        assert again == (docx_folder / name).read_bytes()
        doc = view(ELEMENTS, lang)
        core = docx.Document(io.BytesIO(again)).core_properties
        assert core.title == doc.title and core.language == doc.tag and core.subject == doc.subject
        assert core.author == "Test Desk" and core.keywords == ", ".join(doc.keywords)
        with zipfile.ZipFile(io.BytesIO(again)) as package:
            # read as written (python-docx before 1.2 reads these dates without their zone)
            stamps = ET.fromstring(package.read("docProps/core.xml"))
            for name in ("created", "modified"):
                assert stamps.findtext(f"{{http://purl.org/dc/terms/}}{name}") == f"{doc.date}T00:00:00Z"
            assert {info.date_time[:3] for info in package.infolist()} == {doc.date.timetuple()[:3]}


def test_brief_text_is_never_markup_in_the_document(tmp_path: Path) -> None:
    """OOXML, Pandoc's raw attributes and TeX math written in a brief are printed as written."""
    hostile = [
        "<w:p><w:r><w:t>INJECTED</w:t></w:r></w:p>",
        "`<w:br/>`{=openxml} and $E = mc^2$ and \\(x\\)",
        "```{=openxml}",
        "<!-- comment --> &amp; ]]> \\u0000 {=html}",
    ]
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "headline: {fr: Un titre de test, en: A test headline}",
        f"headline: {{fr: {hostile[0]!r}, en: A test headline}}".replace("'", '"'),
    )
    text = text.replace("- {fr: Point un, en: Point one}", f"- {{fr: {_yaml(hostile[1])}, en: Point one}}")
    text = text.replace(
        "- {fr: Point deux, en: Point two}",
        f"- {{fr: {_yaml(hostile[2] + ' ' + hostile[3])}, en: Point two}}",
    )
    brief = tmp_path / "brief.yaml"
    brief.write_text(text, encoding="utf-8")
    code, _, stderr = run_cli("build", brief, "--format", "docx", "--lang", "fr", "--out", tmp_path / "out")
    assert code == 0, stderr
    document = docx.Document(str(tmp_path / "out" / "minimal-brief.fr.docx"))
    texts = [p.text for p in document.paragraphs]
    assert hostile[0] in texts
    # (the brief's own markup applies: `code`, a backslash before punctuation; French spacing before `;`)
    assert "<w:br/>{=openxml} and $E = mc^2$ and (x)" in texts
    assert "```{=openxml} <!-- comment --> &amp\u202f; ]]> \\u0000 {=html}" in texts
    body = document.element.body
    assert "INJECTED" not in [
        t.text for t in body.iter(f"{W}t")
    ]  # no run of its own: the text of the headline
    assert body.find(f".//{W}br") is None
    assert body.find(".//{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath") is None


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_docx_is_written_whatever_the_engine(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", KYUTAI, "--format", "docx", "--engine", "latex", "--out", tmp_path)
    assert code == 0, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kyutai-launch.en.docx", "kyutai-launch.fr.docx"]
    assert "2 .docx files written" in stderr
