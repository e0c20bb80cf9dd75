"""PDF standards in WeasyPrint and Typst: PDF/UA-1, PDF/A-2b, PDF/A-3b and PDF/UA-1 with PDF/A-3b, read back from
the files: identification, output intent, fonts, tags, languages, alt text, attached files, reproducible bytes."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest

from briefgen import build
from briefgen.backends import BACKENDS, Attachment, Job
from briefgen.distribution import standards as standards_plan
from briefgen.document.view import Document, build_document
from briefgen.errors import BriefgenError
from briefgen.settings import Settings
from tests import pdfcheck
from tests.conftest import ROOT

ALLIANCE = ROOT / "briefs" / "ai-alliance-launch"  # English sources, a figure, tables, quotes
ENGINES = ("weasyprint", "typst")
LANGS = ("fr", "en")
STANDARDS = (("ua-1",), ("a-2b",), ("a-3b",), ("ua-1", "a-3b"))
PARTS = {"a-2b": ("2", "B"), "a-3b": ("3", "B")}


@cache
def job(engine: str, lang: str) -> Job:
    """The job the build makes for the AI Alliance brief, with its attached files."""
    setup = build.resolve(Settings(engine=engine, langs=(lang,)))
    (task,) = [t for t in build.plan([ALLIANCE], setup).tasks if t.lang == lang]
    made = build.prepare(task, setup).job
    assert made is not None
    return made


def document(engine: str, lang: str) -> Document:
    """The document the AI Alliance brief's job is rendered from (its title, figures and language tag)."""
    setup = build.resolve(Settings(engine=engine, langs=(lang,)))
    (task,) = [t for t in build.plan([ALLIANCE], setup).tasks if t.lang == lang]
    return build_document(task.loaded, lang, task.catalog)


def with_standards(engine: str, lang: str, standards: tuple[str, ...]) -> Job:
    """The job asking for `standards`; PDF/A-2 allows no attached files, so the plan attaches none with it."""
    made = standards_plan.plan(standards, BACKENDS[engine])
    attached = job(engine, lang).attachments if made.attaches else ()
    return dataclasses.replace(job(engine, lang), plan=made, attachments=attached)


@cache
def pdf_bytes(engine: str, lang: str, standards: tuple[str, ...]) -> bytes:
    return BACKENDS[engine].engine.compile(with_standards(engine, lang, standards)).pdf


@cache
def planned(engine: str, lang: str, standards: tuple[str, ...]) -> Job:
    """The job `briefgen build --pdf-standard` makes for the AI Alliance brief: its attached files and record."""
    setup = build.resolve(Settings(engine=engine, langs=(lang,), standards=standards))
    (task,) = [t for t in build.plan([ALLIANCE], setup).tasks if t.lang == lang]
    made = build.prepare(task, setup).job
    assert made is not None
    return made


@pytest.fixture(scope="module")
def built(standard_pdfs):
    """`built(engine, lang, standards)` → the AI Alliance briefing as `briefgen build --pdf-standard` writes it:
    the build of the validators' matrix (conftest's standard_pdfs), made once for the run."""

    def pdf(engine: str, lang: str, standards: tuple[str, ...]) -> Path:
        return standard_pdfs(engine, standards, "briefing", ALLIANCE)[lang]

    return pdf


def words(text: str) -> str:
    """Text compared across engines: hyphenation across lines joined, white space as one space, case folded."""
    return " ".join(text.replace("-\n", "").replace("\u00ad", "").split()).casefold()


CASES = [(e, lang, s) for e in ENGINES for lang in LANGS for s in STANDARDS]
IDS = [f"{e}-{lang}-{'+'.join(s)}" for e, lang, s in CASES]


@pytest.mark.parametrize(("engine", "lang", "standards"), CASES, ids=IDS)
def test_identification_intent_and_fonts(built, engine: str, lang: str, standards: tuple[str, ...]) -> None:
    pdf = built(engine, lang, standards)
    expected = {}
    for name in standards:
        if name in PARTS:
            expected["pdfaid:part"], expected["pdfaid:conformance"] = PARTS[name]
    if "ua-1" in standards:
        expected["pdfuaid:part"] = "1"
    assert pdfcheck.xmp_ids(pdf) == expected
    intents = pdfcheck.reader(pdf).trailer["/Root"].get("/OutputIntents")
    if any(name in PARTS for name in standards):
        assert intents is not None
        assert [str(i.get_object()["/S"]) for i in intents.get_object()] == ["/GTS_PDFA1"]
        assert "/DestOutputProfile" in intents.get_object()[0].get_object()
    used = pdfcheck.fonts(pdf)
    assert used, "no font found"
    assert all(used.values()), f"fonts not embedded: {[f for f, e in used.items() if not e]}"


@pytest.mark.parametrize(("engine", "lang", "standards"), CASES, ids=IDS)
def test_tags_language_headings_figures(built, engine: str, lang: str, standards: tuple[str, ...]) -> None:
    pdf = built(engine, lang, standards)
    doc = document(engine, lang)
    root = pdfcheck.reader(pdf).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert pdfcheck.lang(pdf) == doc.tag
    runs, by_mcid = pdfcheck.marked_text(pdf)
    tree = pdfcheck.structure(pdf, by_mcid)
    roles = [role for role, _depth, _attrs, _text in tree]

    # headings: H1, H2… in the order and at the levels of the outline (WeasyPrint adds the title's H1 first)
    headings = [(int(r[2:]), words(t)) for r, _d, _a, t in tree if r[:2] == "/H" and r[2:].isdigit()]
    outline = [(level, words(title)) for level, title in pdfcheck.outline(pdf)]
    if headings and headings[0][1] == words(doc.title) != outline[0][1]:
        headings = headings[1:]
    shift = headings[0][0] - outline[0][0]
    assert [(level - shift, text) for level, text in headings] == outline

    figures = [attrs for role, _d, attrs, _t in tree if role == "/Figure"]
    assert len(figures) == len(doc.figures) > 0
    assert [str(f.get("/Alt", "")) for f in figures] == [f.alt for f in doc.figures]
    assert "/Table" in roles and "/TH" in roles and "/TD" in roles
    assert "/L" in roles and "/LI" in roles

    # the English source's title, in a French briefing, is marked English; in an English one it is not marked
    title = next(s for s in doc.sources if s.id == "release").fields[1].value[0].text
    english = words("".join(text for language, text in runs if language.startswith("en")))
    other = words("".join(text for language, text in runs if not language.startswith(lang)))
    if lang == "fr":
        assert words(title) in english
        assert words("be a part of the Open AI Alliance") in english  # an excerpt quoted in a note
    else:
        assert other == "", f"passages marked in another language than English: {other[:200]!r}"


@pytest.mark.parametrize(("engine", "lang", "standards"), CASES, ids=IDS)
def test_attached_files(built, engine: str, lang: str, standards: tuple[str, ...]) -> None:
    pdf = built(engine, lang, standards)
    found = pdfcheck.attachments(pdf)
    expected = planned(engine, lang, standards).attachments
    assert sorted(found) == sorted(a.name for a in expected)
    if "a-2b" in standards:
        assert found == {}
        return
    # the press release's text goes with the PDF; the newsletter's article does not (its source does not allow it)
    assert set(found) == {"brief.yaml", "source.en.txt", "figure.svg", "briefgen-build.json"}
    for a in expected:
        got = found[a.name]
        assert got["data"] == a.data, a.name
        assert got["mime"] == a.mime, a.name
        assert got["description"] == a.description, a.name
        assert got["uf"] == a.name
        if "a-3b" in standards:
            assert got["relationship"] == a.relationship, a.name
            assert got["associated"], f"{a.name} is not in the catalog's /AF"
    root = pdfcheck.reader(pdf).trailer["/Root"]
    if "a-3b" in standards:
        assert len(root["/AF"]) == len(expected)


@pytest.mark.parametrize("engine", ENGINES)
def test_same_inputs_same_bytes(engine: str) -> None:
    standards = ("ua-1", "a-3b")
    first = pdf_bytes(engine, "fr", standards)
    again = BACKENDS[engine].engine.compile(with_standards(engine, "fr", standards)).pdf
    assert first == again


@pytest.mark.parametrize("engine", ENGINES)
def test_tagged_without_a_standard(engine: str) -> None:
    made = (
        BACKENDS[engine].engine.compile(dataclasses.replace(job(engine, "fr"), plan=standards_plan.NONE)).pdf
    )
    from io import BytesIO

    from pypdf import PdfReader

    root = PdfReader(BytesIO(made)).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root


@pytest.mark.parametrize("engine", ENGINES)
def test_pdfa2_with_attached_files_is_refused_whoever_makes_the_job(engine: str) -> None:
    """The plan attaches nothing under PDF/A-2b; a job that would attach files under it cannot be made."""
    assert standards_plan.plan(("a-2b",), BACKENDS[engine], "all").attach == "none"
    base = job(engine, "en")
    assert base.attachments
    with pytest.raises(ValueError, match="attaches no file"):
        dataclasses.replace(base, plan=standards_plan.plan(("a-2b",), BACKENDS[engine]))
    with pytest.raises(ValueError, match="PDF/A-2 allows no attached files"):
        standards_plan.Plan(("a-2b",), attach="all")


def test_unknown_standard_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown PDF standard 'x-9'"):
        standards_plan.Plan(("x-9",))
    with pytest.raises(ValueError, match="one PDF/A part"):
        standards_plan.Plan(("a-2b", "a-3b"), attach="none")


def test_typst_reports_what_breaks_a_standard_where_the_template_wrote_it(tmp_path: Path) -> None:
    """An image without alt text breaks PDF/UA-1: Typst's error comes back placed at the template's line."""
    template = tmp_path / "brief.typ.j2"
    template.write_text('#set document(title: "T")\n= T\n#image("figure-1.svg")\n', encoding="utf-8")
    base = job("typst", "en")
    asked = dataclasses.replace(
        base,
        source='#set document(title: "T")\n#set text(lang: "en")\n= T\n#image("figure-1.svg")\n',
        template_dirs=[tmp_path],
        plan=standards_plan.plan(("ua-1",), BACKENDS["typst"]),
        attachments=(),
    )
    with pytest.raises(BriefgenError) as raised:
        BACKENDS["typst"].engine.compile(asked)
    (problem,) = raised.value.problems
    assert "PDF/UA-1 error: missing alt text" in problem.message
    assert (Path(problem.path).name, problem.line) == ("brief.typ.j2", 3)


@pytest.mark.parametrize("engine", ENGINES)
def test_attached_file_names_keep_their_folders(engine: str) -> None:
    """A figure in a sub-folder keeps its path as the attached file's name, and nothing clashes with figures."""
    files = (
        Attachment("figures/figure.svg", b"<svg/>", "image/svg+xml", "A figure", "Data"),
        Attachment("figure-1.svg", b"not the figure", "image/svg+xml", "Same name as the figure", "Data"),
    )
    made = BACKENDS[engine].engine.compile(
        dataclasses.replace(
            job(engine, "en"), plan=standards_plan.plan(("a-3b",), BACKENDS[engine]), attachments=files
        )
    )
    from io import BytesIO

    from pypdf import PdfReader

    names = PdfReader(BytesIO(made.pdf)).trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    got = {str(names[i]): names[i + 1].get_object()["/EF"]["/F"].get_object().get_data() for i in (0, 2)}
    assert got == {"figure-1.svg": b"not the figure", "figures/figure.svg": b"<svg/>"}
    assert made.pages == BACKENDS[engine].engine.compile(job(engine, "en")).pages


@pytest.mark.parametrize("engine", ENGINES)
def test_pdfua_beside_pdfa2(built, engine: str) -> None:
    """PDF/UA-1 also rides on PDF/A-2b, which carries no attached file."""
    pdf = built(engine, "fr", ("ua-1", "a-2b"))
    assert pdfcheck.xmp_ids(pdf) == {"pdfaid:part": "2", "pdfaid:conformance": "B", "pdfuaid:part": "1"}
    assert pdfcheck.attachments(pdf) == {}
    assert bool(pdfcheck.reader(pdf).trailer["/Root"]["/MarkInfo"]["/Marked"])
