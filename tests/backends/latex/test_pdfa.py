"""PDF/A from the LaTeX engine: XMP identification and metadata, an sRGB output intent, embedded fonts, the
document's language, the brief and its build record as associated files, the same bytes run after run; and
PDF/UA-1, which TeX Live 2022's tagging cannot write, refused before anything is built."""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.etree import ElementTree

import pytest

from briefgen.backends import About, Attachment, Job, compile_here
from briefgen.backends.latex import pdfa
from briefgen.brief.validate import load_brief
from briefgen.distribution.standards import Plan
from briefgen.document.view import build_document
from briefgen.errors import EngineError
from briefgen.language.catalog import load_catalog
from tests import pdfcheck
from tests.conftest import KYUTAI, run_cli

LANGS = ["fr", "en"]
STANDARDS = ["a-2b", "a-3b"]
PART = {"a-2b": "2", "a-3b": "3"}
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
XMP = "{http://ns.adobe.com/xap/1.0/}"
XMPMM = "{http://ns.adobe.com/xap/1.0/mm/}"


@pytest.fixture(scope="module")
def built(
    lualatex: None, tmp_path_factory: pytest.TempPathFactory, consenting: Path
) -> dict[str, dict[str, Path]]:
    """The Kyutai brief (its article's text allowed) in both languages, once per standard, and a-3b a second
    time: {name: {lang: pdf}}. (test_conformance checks that LaTeX withholds the article by default.)"""
    made: dict[str, dict[str, Path]] = {}
    for name, standard in (("a-2b", "a-2b"), ("a-3b", "a-3b"), ("a-3b again", "a-3b")):
        out = tmp_path_factory.mktemp(name.replace(" ", "-"))
        args = (
            "build",
            consenting,
            "--engine",
            "latex",
            "--pdf-standard",
            standard,
            "--out",
            out,
            "--jobs",
            "2",
        )
        # room for a machine loaded by other tests, as conftest's standard_pdfs gives: LuaLaTeX takes seconds
        code, _stdout, stderr = run_cli(*args, "--timeout", "600", "-q")
        assert code == 0, stderr
        made[name] = {lang: out / f"kyutai-launch.{lang}.pdf" for lang in LANGS}
    return made


def document(lang: str):
    return build_document(load_brief(KYUTAI), lang, load_catalog(lang))


def xmp(pdf: Path) -> dict[str, list[tuple[str, str]]]:
    """The XMP properties as {prefix:name: [(xml:lang, text)…]}: one entry for a simple value, one per item
    of a list (its rdf:li)."""
    packet = pdfcheck.reader(pdf).trailer["/Root"]["/Metadata"].get_object().get_data()
    names = {DC: "dc", XMP: "xmp", XMPMM: "xmpMM"}
    found: dict[str, list[tuple[str, str]]] = {}
    for description in ElementTree.fromstring(packet).iter(f"{RDF}Description"):
        for element in description:
            namespace, _, local = element.tag.partition("}")
            prefix = names.get(namespace + "}")
            if prefix is None:
                continue
            items = list(element.iter(f"{RDF}li")) or [element]
            lang = "{http://www.w3.org/XML/1998/namespace}lang"
            found[f"{prefix}:{local}"] = [(li.get(lang, ""), "".join(li.itertext()).strip()) for li in items]
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("standard", STANDARDS)
def test_pdf_a_identification_metadata_output_intent_fonts_and_language(
    built, standard: str, lang: str
) -> None:
    pdf = built[standard][lang]
    doc = document(lang)
    ids = pdfcheck.xmp_ids(pdf)
    assert (ids["pdfaid:part"], ids["pdfaid:conformance"]) == (PART[standard], "B")
    assert "pdfuaid:part" not in ids
    # The XMP says what the document information dictionary says, each value one item in the default language.
    info = pdfcheck.metadata(pdf)
    properties = xmp(pdf)
    assert info["Title"] == doc.title and "," in doc.title  # a comma does not split it
    assert properties["dc:title"] == [("x-default", info["Title"])]
    assert [text for _lang, text in properties["dc:creator"]] == [info["Author"]]
    assert properties["dc:description"] == [("x-default", info["Subject"])]
    if lang == "fr":  # its narrow no-break spaces, not a TeX macro's code
        assert "\u202f" in info["Subject"] and "202F" not in info["Subject"]
    assert [text for _lang, text in properties["dc:subject"]] == info["Keywords"].split(", ")
    assert properties["dc:language"] == [("", doc.tag)]
    # Dates from the brief, identifiers from its inputs: nothing from the clock.
    day = doc.date.isoformat()
    for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
        assert properties[key] == [("", f"{day}T00:00:00Z")]
    assert info["CreationDate"] == info["ModDate"] == f"D:{day.replace('-', '')}000000Z"
    file_id = pdfcheck.reader(pdf).trailer["/ID"][0].original_bytes.hex()
    assert properties["xmpMM:DocumentID"] == properties["xmpMM:InstanceID"]
    assert properties["xmpMM:DocumentID"][0][1].replace("-", "") == f"uuid:{file_id}"
    # An sRGB output intent with its ICC profile, every font embedded, the document's language.
    root = pdfcheck.reader(pdf).trailer["/Root"]
    (intent,) = [i.get_object() for i in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "IEC sRGB"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile's signature
    fonts = pdfcheck.fonts(pdf)
    assert len(fonts) >= 4 and all(fonts.values()), fonts
    assert pdfcheck.lang(pdf) == doc.tag
    assert "/StructTreeRoot" not in root  # no tagging is claimed where none is written


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_a_3b_carries_the_brief_and_its_build_record_as_associated_files(
    built, consenting: Path, lang: str
) -> None:
    pdf = built["a-3b"][lang]
    attached = pdfcheck.attachments(pdf)
    source = "source.fr.txt"  # the Kyutai brief's one source, a French article, in both languages
    assert set(attached) == {"brief.yaml", source, "briefgen-build.json"}
    assert attached["brief.yaml"]["data"] == consenting.read_bytes()
    assert attached[source]["data"] == (KYUTAI.parent / source).read_bytes()
    record = attached["briefgen-build.json"]
    assert b'"engine": "latex"' in record["data"] and b'"a-3b"' in record["data"]
    assert {name: a["relationship"] for name, a in attached.items()} == {
        "brief.yaml": "Source",
        source: "Source",
        "briefgen-build.json": "Supplement",
    }
    assert {name: a["mime"] for name, a in attached.items()} == {
        "brief.yaml": "application/yaml",
        source: "text/plain",
        "briefgen-build.json": "application/json",
    }
    assert all(a["associated"] and a["uf"] == name and a["description"] for name, a in attached.items())
    root = pdfcheck.reader(pdf).trailer["/Root"]
    assert len(root["/AF"]) == 3
    # Each embedded stream's parameters: its size, its MD5, the brief's date.
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    for i in range(0, len(names), 2):
        stream = names[i + 1].get_object()["/EF"]["/F"].get_object()
        data = stream.get_data()
        params = stream["/Params"]
        assert params["/Size"] == len(data)
        assert params["/CheckSum"].original_bytes == hashlib.md5(data, usedforsecurity=False).digest()
        assert params["/ModDate"] == f"D:{document(lang).date.strftime('%Y%m%d')}000000Z"


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_a_2b_attaches_nothing(built, lang: str) -> None:
    pdf = built["a-2b"][lang]
    assert pdfcheck.attachments(pdf) == {}
    assert "/AF" not in pdfcheck.reader(pdf).trailer["/Root"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_same_inputs_give_the_same_bytes(built, lang: str) -> None:
    assert built["a-3b"][lang].read_bytes() == built["a-3b again"][lang].read_bytes()


def test_pdf_ua_1_is_refused_in_one_line_before_anything_is_built(tmp_path: Path) -> None:
    for asked in ("ua-1", "ua-1,a-3b", "ua-1,a-2b"):
        code, stdout, stderr = run_cli(
            "build", KYUTAI, "--engine", "latex", "--pdf-standard", asked, "--out", tmp_path
        )
        assert code == 2, stderr
        (line,) = stderr.strip().splitlines()
        assert "latex" in line and "TeX Live 2024" in line and "weasyprint, typst" in line
        assert stdout == "" and list(tmp_path.iterdir()) == []


def job(standards: tuple[str, ...], attachments: tuple[Attachment, ...] = ()) -> Job:
    doc = About.of(document("en"))
    plan = Plan(standards, attach="none" if "a-2b" in standards else "all")
    return Job(source="", doc=doc, template_dirs=[], font_dir=Path(), plan=plan, attachments=attachments)


def test_the_engine_refuses_what_it_cannot_write_whoever_asks() -> None:
    """A job that reaches the engine with PDF/UA-1 is refused with the reason; one with files to attach under
    PDF/A-2 cannot be made."""
    record = Attachment("briefgen-build.json", b"{}\n", "application/json", "How this PDF was built")
    with pytest.raises(EngineError, match=r"latex: cannot write ua-1: .*TeX Live 2024"):
        compile_here("latex", job(("ua-1", "a-3b")))
    with pytest.raises(ValueError, match="attaches no file"):
        job(("a-2b",), (record,))
    assert pdfa.needs_wrapper(job(("a-3b",), (record,))) and pdfa.needs_wrapper(job((), (record,)))


def test_attached_names_and_descriptions_reach_the_pdf_as_written() -> None:
    """Names and descriptions are PDF text strings written as hex: any character, no TeX or Lua escaping."""
    assert pdfa.pdf_text("brief.yaml") == "<62726965662E79616D6C>"
    assert pdfa.pdf_text("été%{#}.txt") == "<FEFF" + "été%{#}.txt".encode("utf-16-be").hex().upper() + ">"
    assert pdfa.pdf_name("application/yaml") == "/application#2Fyaml"
    assert pdfa.lua_string('a"\\b\n') == '"a\\034\\092b\\010"'
