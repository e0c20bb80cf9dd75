"""The offline conformance checker, on PDFs WeasyPrint and Typst write with and without standards, and on
copies of them broken one way each: every check passes where it should and fails where it should."""

from __future__ import annotations

import gc
import io
import warnings
from collections.abc import Callable
from pathlib import Path

import fontpkg_lato
import pytest
import typst
import weasyprint
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from briefgen.distribution import conformance
from tests.conftest import FIXTURES, KYUTAI

FONTS = Path(fontpkg_lato.ROOT) / "files"
HEADINGS = [(1, "Headline"), (2, "What was announced"), (3, "Detail"), (2, "Sources")]
HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A test brief</title><style>
@font-face {{ font-family: Lato; src: url({regular}); }}
@font-face {{ font-family: Lato; font-weight: bold; src: url({bold}); }}
body {{ font-family: Lato; }}
</style></head><body>
<h1>Headline</h1><p>Summary.</p>
<h2>What was announced</h2><p>Text <span lang="fr">en français</span>.</p>
<figure><img src="photo.png" alt="A photograph of the team"><figcaption>The team</figcaption></figure>
<table><thead><tr><th>Item</th><th>Amount</th></tr></thead><tbody><tr><td>Budget</td><td>100</td></tr></tbody></table>
<h3>Detail</h3><p>More.</p>
<h2>Sources</h2><p>The end.</p>
</body></html>"""
TYPST = """#set document(title: "A test brief")
#set text(lang: "en", font: "Lato")
= Headline
Summary.
== What was announced
Text #text(lang: "fr")[en français].
#figure(image("photo.png", alt: "A photograph of the team"), caption: [The team])
#table(columns: 2, table.header([Item], [Amount]), [Budget], [100])
=== Detail
More.
== Sources
The end.
"""
UA = ["ua-1"]
UA_A3 = ["ua-1", "a-3b"]


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The same small document from each engine: `<engine>` (tagged, no standard), `<engine>-<standards>`,
    and `weasyprint-untagged`. WeasyPrint's carry a `brief.yaml` attachment, except under PDF/A-2b."""
    folder = tmp_path_factory.mktemp("samples")
    (folder / "photo.png").write_bytes((FIXTURES / "elements" / "photo.png").read_bytes())
    html = HTML.format(regular=(FONTS / "Lato-Regular.ttf").as_uri(), bold=(FONTS / "Lato-Bold.ttf").as_uri())
    made: dict[str, bytes] = {}
    for name, variant, tags in [
        ("weasyprint", None, True),
        ("weasyprint-untagged", None, False),
        ("weasyprint-ua-1", "pdf/ua-1", True),
        ("weasyprint-a-3b", "pdf/a-3b", True),
        ("weasyprint-a-2b", "pdf/a-2b", True),
    ]:
        brief = weasyprint.Attachment(string="id: test\n", name="brief.yaml", relationship="Source")
        document = weasyprint.HTML(string=html, base_url=str(folder) + "/").render()
        options = {"pdf_variant": variant} if variant else {}
        attachments = [] if variant == "pdf/a-2b" else [brief]
        made[name] = write_pdf(document, pdf_tags=tags, attachments=attachments, **options)
    (folder / "main.typ").write_text(TYPST, encoding="utf-8")
    for standards in [[], UA_A3, ["a-2b"]]:
        name = "-".join(["typst", *standards]) if standards else "typst"
        made[name] = typst.compile(
            str(folder / "main.typ"),
            font_paths=[str(FONTS)],
            ignore_system_fonts=True,
            pdf_standards=standards,
        )
    return made


def write_pdf(document: weasyprint.Document, **options: object) -> bytes:
    """WeasyPrint 70 opens its sRGB profile for PDF/A and leaves closing it to the garbage collector: collect it
    here, where its ResourceWarning is expected, not in a later test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = document.write_pdf(**options)
        gc.collect()
    return pdf


def failing(findings: list[conformance.Finding]) -> set[str]:
    return {f.check for f in findings if not f.passed}


def reason(findings: list[conformance.Finding], check: str) -> str:
    return next(f.reason for f in findings if f.check == check)


# PDFs that meet their standards


def test_typst_pdf_ua_1_and_a_3b_passes_every_check_and_reads_as_written(samples) -> None:
    facts = conformance.read(samples["typst-ua-1-a-3b"])
    findings = conformance.check(facts, UA_A3)
    assert failing(findings) == set()
    assert len(findings) == len({f.check for f in findings}) == 17
    asking = {f.check: f.standards for f in findings}
    assert asking["fonts embedded"] == asking["read in full"] == ("ua-1", "a-3b")
    assert (asking["headings follow the outline"], asking["output intent"]) == (("ua-1",), ("a-3b",))
    assert facts.claimed == UA_A3
    assert facts.title == "A test brief" and facts.lang == "en"
    assert [(h.level, h.text) for h in facts.headings] == HEADINGS == facts.outline
    assert facts.figures == ["A photograph of the team"]
    assert facts.tables == [True]
    assert facts.passages == [("fr", "en français")]
    assert facts.fonts == {"Lato-Regular": True, "Lato-Bold": True}
    assert facts.output_intents == [("GTS_PDFA1", True)]


def test_weasyprint_pdf_ua_1_passes_the_ua_checks(samples) -> None:
    facts = conformance.read(samples["weasyprint-ua-1"])
    assert failing(conformance.check(facts, UA)) == set()
    assert facts.claimed == UA
    assert [(h.level, h.text) for h in facts.headings] == HEADINGS == facts.outline
    assert facts.figures == ["A photograph of the team"]
    assert facts.fonts == {"Lato": True, "Lato-Bold": True}


def test_weasyprint_pdf_a_3b_passes_with_its_attachment_described(samples) -> None:
    facts = conformance.read(samples["weasyprint-a-3b"])
    assert failing(conformance.check(facts, ["a-3b"])) == set()
    assert facts.claimed == ["a-3b"]
    [attached] = facts.attachments
    assert (attached.name, attached.data, attached.size) == ("brief.yaml", b"id: test\n", 9)
    assert attached.relationship == "Source" and attached.in_catalog_af and attached.mime


@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_pdf_a_2b_passes_with_nothing_attached(samples, engine: str) -> None:
    facts = conformance.read(samples[f"{engine}-a-2b"])
    assert failing(conformance.check(facts, ["a-2b"])) == set()
    assert facts.claimed == ["a-2b"] and facts.attachments == []


def test_a_path_and_bytes_read_the_same(samples, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(samples["typst"])
    assert conformance.read(tmp_path / "a.pdf") == conformance.read(samples["typst"])


def test_without_a_standard_the_baseline_runs(samples) -> None:
    findings = conformance.check(samples["weasyprint-untagged"])
    assert [(f.check, f.passed) for f in findings] == [
        ("fonts embedded", True),
        ("language", True),
        ("read in full", True),
    ]
    assert {f.standards for f in findings} == {("baseline",)}


# PDFs written without the standards fail the checks that need them


@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_a_pdf_made_without_standards_does_not_claim_them(samples, engine: str) -> None:
    findings = conformance.check(samples[engine], UA_A3)
    assert {"claims ua-1", "claims a-3b", "output intent"} <= failing(findings)
    assert "no pdfaid:part" in reason(findings, "claims a-3b")


def test_an_untagged_pdf_fails_every_structure_check(samples) -> None:
    findings = conformance.check(samples["weasyprint-untagged"], UA)
    assert failing(findings) == {
        "claims ua-1",
        "marked",
        "structure tree",
        "structure types",
        "content tagged",
        "title",
        "headings follow the outline",
        "figures have alt text",
        "tables have headers",
    }
    assert reason(findings, "content tagged").endswith(
        "outside any marked content (neither tagged nor artifact)"
    )


def test_a_pdf_a_3b_checked_as_a_2b_fails_for_its_claim_and_its_attachment(samples) -> None:
    findings = conformance.check(samples["weasyprint-a-3b"], ["a-2b"])
    assert failing(findings) == {"claims a-2b", "no attachments"}
    assert reason(findings, "claims a-2b") == "its XMP has pdfaid:part 3, conformance B"
    assert reason(findings, "no attachments") == "attached: brief.yaml"


def test_an_attachment_outside_pdf_a_3_is_not_described(samples) -> None:
    """WeasyPrint's PDF/UA-1 has no /ID and attaches without a relationship or an /AF entry."""
    findings = conformance.check(samples["weasyprint-ua-1"], ["a-3b"])
    assert {"file identifier", "attachments described"} <= failing(findings)
    assert reason(findings, "attachments described") == (
        "brief.yaml: no /AFRelationship, not in the catalog's /AF"
    )


# Copies of a conforming PDF broken one way each


def edit(pdf: bytes, change: Callable[[DictionaryObject], None]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    change(writer.root_object)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def elements(root: DictionaryObject, kind: str) -> list[DictionaryObject]:
    found: list[DictionaryObject] = []

    def visit(node: object) -> None:
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, ArrayObject):
            for kid in node:
                visit(kid)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            if node["/S"] == kind:
                found.append(node)
            visit(node.get("/K"))

    visit(root["/StructTreeRoot"].get_object()["/K"])
    return found


def unembed_fonts(root: DictionaryObject) -> None:
    for page in root["/Pages"].get_object()["/Kids"]:
        for font in page.get_object()["/Resources"]["/Font"].values():
            font = font.get_object()
            owner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = owner["/FontDescriptor"].get_object()
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                descriptor.pop(key, None)


def drop_alt(root: DictionaryObject) -> None:
    for figure in elements(root, "/Figure"):
        del figure["/Alt"]


def swap_sections(root: DictionaryObject) -> None:
    """The second and last headings (H2s) change places in the structure tree: out of the outline's order."""
    document = elements(root, "/Document")[0]
    kids = document["/K"]
    first, last = (kids.index(next(k for k in kids if k.get_object() is e)) for e in elements(root, "/H2"))
    kids[first], kids[last] = kids[last], kids[first]


def demote_detail(root: DictionaryObject) -> None:
    elements(root, "/H3")[0][NameObject("/S")] = NameObject("/H2")


def headers_as_cells(root: DictionaryObject) -> None:
    for header in elements(root, "/TH"):
        header[NameObject("/S")] = NameObject("/TD")


def unmapped_type(root: DictionaryObject) -> None:
    elements(root, "/P")[0][NameObject("/S")] = NameObject("/Paragraph")


def untagged_text(root: DictionaryObject) -> None:
    page = root["/Pages"].get_object()["/Kids"][0].get_object()
    font = next(iter(page["/Resources"]["/Font"]))
    extra = StreamObject()
    extra.set_data(f"BT {font} 11 Tf 10 10 Td <0001> Tj ET".encode())
    contents = page["/Contents"]
    page[NameObject("/Contents")] = ArrayObject([contents, extra])


def set_catalog(key: str, value: object | None) -> Callable[[DictionaryObject], None]:
    def change(root: DictionaryObject) -> None:
        if value is None:
            del root[key]
        else:
            root[NameObject(key)] = value

    return change


def no_display_title(root: DictionaryObject) -> None:
    root["/ViewerPreferences"].get_object()[NameObject("/DisplayDocTitle")] = NumberObject(0)


def damage_profile(root: DictionaryObject) -> None:
    root["/OutputIntents"][0].get_object()["/DestOutputProfile"].get_object().set_data(b"not a profile")


BROKEN = {
    "a font not embedded": (unembed_fonts, {"fonts embedded"}, "not embedded: Lato-Bold, Lato-Regular"),
    "a Figure without Alt": (drop_alt, {"figures have alt text"}, "1 of 1 Figures have no /Alt"),
    "headings out of the outline's order": (
        swap_sections,
        {"headings follow the outline"},
        "the outline's 'Detail' (level 3) is no heading after the one before",
    ),
    "a heading at another level than its bookmark": (
        demote_detail,
        {"headings follow the outline"},
        "heading 3 'Detail' is H2; the outline has it at level 3",
    ),
    "a table without TH": (headers_as_cells, {"tables have headers"}, "1 of 1 Tables have no TH"),
    "a type neither standard nor mapped": (
        unmapped_type,
        {"structure types"},
        "not standard nor role-mapped: Paragraph",
    ),
    "text outside marked content": (
        untagged_text,
        {"content tagged"},
        "1 text operators outside any marked content (neither tagged nor artifact)",
    ),
    "no XMP": (
        set_catalog("/Metadata", None),
        {"claims ua-1", "claims a-3b", "XMP metadata", "title"},
        "it has no XMP metadata, so no pdfuaid:part",
    ),
    "no /Lang": (set_catalog("/Lang", None), {"language"}, "no /Lang"),
    "a /Lang that is not a tag": (
        set_catalog("/Lang", TextStringObject("1 2")),
        {"language"},
        "/Lang is '1 2', not a language tag",
    ),
    "no /MarkInfo": (set_catalog("/MarkInfo", None), {"marked"}, "/MarkInfo /Marked is not true"),
    "no DisplayDocTitle": (no_display_title, {"title"}, "/ViewerPreferences /DisplayDocTitle is not true"),
    "no output intent": (
        set_catalog("/OutputIntents", None),
        {"output intent"},
        "no GTS_PDFA1 output intent with an ICC profile (found: none)",
    ),
    "an output intent whose profile is not ICC": (
        damage_profile,
        {"output intent"},
        "no GTS_PDFA1 output intent with an ICC profile (found: GTS_PDFA1 (no ICC profile))",
    ),
    "no structure tree": (
        set_catalog("/StructTreeRoot", None),
        {
            "structure tree",
            "structure types",
            "headings follow the outline",
            "figures have alt text",
            "tables have headers",
        },
        "no /StructTreeRoot",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_copy_fails_exactly_the_checks_it_breaks(samples, case: str) -> None:
    change, expected, first_reason = BROKEN[case]
    findings = conformance.check(edit(samples["typst-ua-1-a-3b"], change), UA_A3)
    assert failing(findings) == expected
    assert first_reason in [f.reason for f in findings if not f.passed]


def test_a_structure_element_named_twice_is_read_once_and_fails_one_check(samples) -> None:
    named: list[int] = []

    def twice(root: DictionaryObject) -> None:
        kids = elements(root, "/Document")[0]["/K"]
        kid = next(k for k in kids if isinstance(k, IndirectObject) and k.get_object()["/S"] == "/P")
        named.append(kid.idnum)
        kids.append(kid)

    pdf = edit(samples["typst-ua-1-a-3b"], twice)
    findings = conformance.check(pdf, UA_A3)
    assert failing(findings) == {"read in full"}
    assert reason(findings, "read in full") == (
        f"the structure tree names object {named[0]} 0 R more than once (a shared or cyclic node): read once"
    )
    assert conformance.read(pdf).headings == conformance.read(samples["typst-ua-1-a-3b"]).headings


def test_an_attachment_without_a_type_is_not_described(samples) -> None:
    def untyped(root: DictionaryObject) -> None:
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
        del names[1].get_object()["/EF"]["/F"].get_object()["/Subtype"]

    findings = conformance.check(edit(samples["weasyprint-a-3b"], untyped), ["a-3b"])
    assert failing(findings) == {"attachments described"}
    assert reason(findings, "attachments described") == "brief.yaml: no MIME type"


def test_an_encrypted_pdf_fails_once(samples) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples["typst"])))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    findings = conformance.check(out.getvalue(), UA)
    assert [(f.check, f.passed) for f in findings] == [("not encrypted", False)]


def test_every_check_is_shown_failing() -> None:
    """The cases above make each check of each standard fail at least once."""
    shown = set().union(*(expected for _, expected, _ in BROKEN.values()))
    shown |= {"claims a-2b", "no attachments", "file identifier", "attachments described", "read in full"}
    every = {check(conformance.Facts()).check for checks in conformance.CHECKS.values() for check in checks}
    assert every == shown


def test_what_is_not_a_pdf_is_refused() -> None:
    with pytest.raises(conformance.NotAPdf):
        conformance.read(b"%PDF-1.7\nnot really")
    with pytest.raises(KeyError):
        conformance.check(conformance.Facts(), ["a-1b"])


# Through briefgen: the PDFs `briefgen build --pdf-standard` writes

# What every engine attaches to the Kyutai briefing: the brief and the build record; not its source, a press
# article, whose text is not passed on without its consent (the record names it).
KYUTAI_ATTACHED = {"brief.yaml", "briefgen-build.json"}


@pytest.fixture(scope="module")
def briefings(standard_pdfs):
    """`briefings(engine, standards)` → the English Kyutai briefing built with those standards: the build of the
    validators' matrix (conftest's standard_pdfs), made once for the run."""

    def build(engine: str, standards: str) -> Path:
        return standard_pdfs(engine, tuple(standards.split(",")), "briefing", KYUTAI.parent)["en"]

    return build


def test_briefgen_typst_pdf_ua_1_and_a_3b_passes_every_check(briefings) -> None:
    facts = conformance.read(briefings("typst", "ua-1,a-3b"))
    assert failing(conformance.check(facts, UA_A3)) == set()
    assert facts.claimed == UA_A3
    assert len(facts.headings) == len(facts.outline) > 5
    assert {a.name for a in facts.attachments} == KYUTAI_ATTACHED
    assert {lang for lang, _ in facts.passages} == {
        "fr"
    }  # the French source's quotations in the English text


def test_briefgen_weasyprint_pdf_ua_1_and_a_3b_passes_every_check(briefings) -> None:
    """WeasyPrint tags the briefing's headline H1, the document's title, which the outline leaves out: the
    sections that follow are H2 and the outline's first level."""
    facts = conformance.read(briefings("weasyprint", "ua-1,a-3b"), content=False)
    assert {a.name for a in facts.attachments} == KYUTAI_ATTACHED
    findings = conformance.check(briefings("weasyprint", "ua-1,a-3b"), UA_A3)
    assert failing(findings) == set()
    assert len(findings) == 17
    assert reason(findings, "headings follow the outline").endswith(
        "; 1 heading outside it (a title, contents)"
    )


@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_briefgen_pdf_a_2b_passes_and_attaches_nothing(briefings, engine: str) -> None:
    facts = conformance.read(briefings(engine, "a-2b"))
    assert failing(conformance.check(facts, ["a-2b"])) == set()
    assert facts.claimed == ["a-2b"] and facts.attachments == []


def test_briefgen_latex_pdf_a_3b_passes_every_check(lualatex: None, briefings) -> None:
    facts = conformance.read(briefings("latex", "a-3b"), content=False)
    assert failing(conformance.check(facts, ["a-3b"])) == set()
    assert facts.claimed == ["a-3b"]
    assert {a.name for a in facts.attachments} == KYUTAI_ATTACHED


@pytest.mark.parametrize(
    ("outline", "passed", "reason_start"),
    [
        (
            [(1, "Context"), (1, "Sources")],
            True,
            "2 outline entries, each a heading in order; 1 heading outside",
        ),
        (
            [(1, "Context"), (1, "Annex")],
            False,
            "the outline's 'Annex' (level 1) is no heading after the one before",
        ),
        (
            [(1, "Sources"), (1, "Context")],
            False,
            "the outline's 'Context' (level 1) is no heading after the one",
        ),
    ],
)
def test_headings_outside_the_outline_are_allowed_every_entry_must_be_a_heading_in_order(
    outline: list[tuple[int, str]], passed: bool, reason_start: str
) -> None:
    """A document's title or a contents page's heading may stand outside the outline (Typst's outline title
    does); an outline entry with no heading, or out of the headings' order, fails."""
    facts = conformance.Facts(
        tagged=True,
        title="The Title",
        headings=[
            conformance.Heading(1, "The Title"),
            conformance.Heading(2, "Context"),
            conformance.Heading(2, "Sources"),
        ],
        outline=outline,
    )
    found = next(f for f in conformance.check(facts, ["ua-1"]) if f.check == "headings follow the outline")
    assert found.passed is passed and found.reason.startswith(reason_start), found
