"""Take a job's standards plan and attached files; give WeasyPrint's options, its attachments and a finisher.

WeasyPrint 70 writes one variant at a time: `pdf/ua-1`, `pdf/a-2b`, `pdf/a-3b`. PDF/UA-1 beside a PDF/A part is
that PDF/A variant, tagged, with `pdfuaid:part` added to the identification WeasyPrint's metadata writes and
declared in a PDF/A extension schema (`metadata`). Every PDF is tagged, standard or not. The finisher reworks the
structure tree WeasyPrint wrote (`tagging`: artifacts, description lists, links, languages), writes the XMP
packet without a filter, and ends streams and marks images as PDF/A validators require (`streams`).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefgen.backends import Job
from briefgen.backends.weasyprint import metadata, streams, tagging
from briefgen.errors import EngineError

if TYPE_CHECKING:
    import weasyprint

# briefgen's name of a PDF/A part → WeasyPrint's variant.
ARCHIVAL = {"a-2b": "pdf/a-2b", "a-3b": "pdf/a-3b"}


@dataclass(frozen=True)
class Plan:
    """What WeasyPrint is asked for: its variant, tagging, and whether PDF/UA-1 rides on a PDF/A variant."""

    variant: str | None
    tags: bool
    ua_beside_archival: bool


def plan(job: Job) -> Plan:
    """WeasyPrint's options for the job's standards plan (briefgen.distribution.standards, which decided them)."""
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
    """What each page painted, for the finisher: the marked-content id of each box WeasyPrint tagged, and which
    boxes are to be artifacts or description-list terms (see `tagging`)."""

    plan: Plan
    pages: list[tagging.Page] = field(default_factory=list)

    def finish(self, document: weasyprint.Document, pdf: Any) -> None:
        """WeasyPrint's finisher: the PDF's objects before they are written."""
        if self.plan.tags:
            tagging.finish(document, pdf, self.pages)
        if self.plan.variant in ARCHIVAL.values():
            streams.no_interpolation(pdf)
        metadata.uncompressed(pdf)
        _unique_associated_files(pdf)
        streams.end_unambiguously(pdf)


def prepare(document: weasyprint.Document, plan: Plan) -> Marks:
    """Get `document` ready for `write_pdf(finisher=marks.finish)`: its metadata says PDF/UA-1 when it rides on a
    PDF/A variant, and each page records the marked-content ids of its boxes as it is painted."""
    if plan.ua_beside_archival:
        document.metadata = metadata.with_pdfua(document.metadata)
    marks = Marks(plan)
    if plan.tags:
        for page in document.pages:
            painted = tagging.sort_boxes(page._page_box)
            marks.pages.append(painted)
            page.paint = _recording(page.paint, painted)
    return marks


def _recording(paint: Any, into: tagging.Page) -> Any:
    def record(stream: Any, scale: float = 1) -> None:
        paint(stream, scale)
        tags = getattr(stream, "_tags", None)
        if not isinstance(tags, dict):
            raise EngineError(
                "weasyprint: this WeasyPrint keeps no marked-content ids on its page streams; briefgen cannot "
                "finish its structure tree (it reads WeasyPrint 70's)"
            )
        into.marks = {box: kid["mcid"] for box, kid in tags.items()}

    return record


def _unique_associated_files(pdf: Any) -> None:
    """PDF/A-3's catalog `/AF` names each attached file once (WeasyPrint 70 lists each twice)."""
    import pydyf  # type: ignore[import-untyped]

    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))
