"""Take a job's standards plan and attached files; give WeasyPrint's options, its attachments and a finisher.

WeasyPrint 70 writes one variant at a time: `pdf/ua-1`, `pdf/a-2b`, `pdf/a-3b`. PDF/UA-1 beside a PDF/A part is
that PDF/A variant, tagged, with `pdfuaid:part` added to the identification WeasyPrint's metadata writes. Every
PDF is tagged, standard or not. WeasyPrint gives structure elements no language of their own: the finisher sets
`/Lang` on each one whose text is in another language than the document's (an English source title in a French
briefing), from the `lang` the template gives the passage.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from briefgen.backends import Job
from briefgen.errors import EngineError

if TYPE_CHECKING:
    import weasyprint

# briefgen's name of a PDF/A part → WeasyPrint's variant.
ARCHIVAL = {"a-2b": "pdf/a-2b", "a-3b": "pdf/a-3b"}
PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@dataclass(frozen=True)
class Plan:
    """What WeasyPrint is asked for: its variant, tagging, and whether PDF/UA-1 rides on a PDF/A variant."""

    variant: str | None
    tags: bool
    ua_beside_archival: bool


def plan(job: Job) -> Plan:
    """WeasyPrint's options for the job's standards plan (briefgen.standards, which decided them)."""
    wanted = job.plan
    if wanted.archival:
        return Plan(ARCHIVAL[wanted.archival], tags=True, ua_beside_archival=wanted.accessible)
    return Plan("pdf/ua-1" if wanted.accessible else None, tags=True, ua_beside_archival=False)


def attachments(job: Job) -> list[weasyprint.Attachment]:
    """The job's files as WeasyPrint attachments, dated the brief's date so that the PDF's bytes stay the same,
    in the order of their names (a PDF name tree's order).

    Each comes as a data: URL, so that WeasyPrint takes its MIME type from briefgen rather than guessing it
    from the name."""
    import weasyprint

    date = dt.datetime(job.doc.date.year, job.doc.date.month, job.doc.date.day, tzinfo=dt.UTC)
    return [
        weasyprint.Attachment(
            url=f"data:{a.mime};base64,{base64.b64encode(a.data).decode('ascii')}",
            name=a.name,
            description=a.description,
            created=date,
            modified=date,
            relationship=a.relationship,
        )
        for a in sorted(job.attachments, key=lambda a: a.name)
    ]


@dataclass
class Marks:
    """The marked-content ids WeasyPrint gives each page's text boxes as it paints them, for the finisher."""

    plan: Plan
    pages: list[dict[Any, dict[str, Any]]] = field(default_factory=list)

    def finish(self, document: weasyprint.Document, pdf: Any) -> None:
        """WeasyPrint's finisher: the PDF's objects before they are written."""
        if self.plan.tags:
            _mark_languages(document, pdf, self.pages)
        _unique_associated_files(pdf)


def prepare(document: weasyprint.Document, plan: Plan) -> Marks:
    """Get `document` ready for `write_pdf(finisher=marks.finish)`: its metadata says PDF/UA-1 when it rides on a
    PDF/A variant, and each page records the marked-content ids of its text as it is painted."""
    if plan.ua_beside_archival:
        document.metadata = _with_pdfua(document.metadata)
    marks = Marks(plan)
    if plan.tags:
        for page in document.pages:
            page.paint = _recording(page.paint, marks.pages)
    return marks


def _recording(paint: Any, into: list[dict[Any, dict[str, Any]]]) -> Any:
    def record(stream: Any, scale: float = 1) -> None:
        paint(stream, scale)
        tags = getattr(stream, "_tags", None)
        if not isinstance(tags, dict):
            raise EngineError(
                "weasyprint: this WeasyPrint keeps no marked-content ids on its page streams; briefgen cannot "
                "mark the language of quoted passages (it reads WeasyPrint 70's)"
            )
        into.append(dict(tags))

    return record


def _with_pdfua(metadata: Any) -> Any:
    """WeasyPrint's metadata writing also `pdfuaid:part="1"` beside its PDF/A identification."""
    from weasyprint.pdf.metadata import DocumentMetadata

    class WithPdfUA(DocumentMetadata):
        def generate_rdf_metadata(self, variant: str, version: int, conformance: str | None) -> bytes:
            rdf = ElementTree.fromstring(super().generate_rdf_metadata(variant, version, conformance))
            for description in rdf.iter(f"{{{RDF}}}Description"):
                if f"{{{PDFAID}}}part" in description.attrib:
                    description.set(f"{{{PDFUAID}}}part", "1")
                    return ElementTree.tostring(rdf, encoding="utf-8")
            raise EngineError("weasyprint: its metadata has no PDF/A identification to add PDF/UA-1 to")

    return WithPdfUA(**vars(metadata))


def _object(pdf: Any, reference: Any) -> Any:
    return pdf.objects[int(reference.split()[0])]


def _mark_languages(document: Any, pdf: Any, pages: list[dict[Any, dict[str, Any]]]) -> None:
    """Set `/Lang` on every structure element whose text is all in another language than the document's."""
    import pydyf  # type: ignore[import-untyped]

    main = (document.metadata.lang or "").casefold()
    if "StructTreeRoot" not in pdf.catalog or len(pages) != len(document.pages):
        raise EngineError("weasyprint: the tagged PDF has no structure tree, or pages went unpainted")
    nums = _object(pdf, _object(pdf, pdf.catalog["StructTreeRoot"])["ParentTree"])["Nums"]
    by_page = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2) if isinstance(nums[i + 1], list)}
    languages: dict[int, set[str]] = {}  # structure element's number → the languages of its marked content
    elements: dict[int, Any] = {}
    for number, tags in enumerate(pages):
        parents = by_page.get(number, [])
        for box, kid in tags.items():
            if kid["mcid"] >= len(parents):
                raise EngineError(
                    f"weasyprint: page {number + 1} marks content {kid['mcid']} with no structure"
                )
            element = _object(pdf, parents[kid["mcid"]])
            lang = box.style["lang"] or main
            elements[element.number] = element
            languages.setdefault(element.number, set()).add(lang)
    for number, found in languages.items():
        if len(found) == 1 and (lang := next(iter(found))).casefold() != main:
            elements[number]["Lang"] = pydyf.String(lang)


def _unique_associated_files(pdf: Any) -> None:
    """PDF/A-3's catalog `/AF` names each attached file once (WeasyPrint 70 lists each twice)."""
    import pydyf

    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))
