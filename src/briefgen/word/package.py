"""Take the .docx Pandoc wrote and the Document it holds; give the same package with its core properties written
from the brief and every date in it the brief's date, so that one brief always gives the same bytes.

The core properties (docProps/core.xml: title, author, subject, keywords, language, dates) are written here
rather than by Pandoc, whose docx writer prints a `title` as the first paragraph: the page starts with the
kicker, as the PDF does. Every zip entry is dated the brief's date (1980-01-01 at the earliest: a zip's
epoch), in the order Pandoc wrote them.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

from briefgen.document.view import Document

CORE = "docProps/core.xml"
ZIP_EPOCH = dt.date(1980, 1, 1)  # the earliest date a zip entry can hold


def core_properties(doc: Document) -> bytes:
    """docProps/core.xml of the briefing: created and modified on the brief's date."""
    author = doc.author + (f" ({doc.organisation})" if doc.organisation else "")
    when = f"{doc.date.isoformat()}T00:00:00Z"
    fields = (
        ("dc:title", doc.title),
        ("dc:subject", doc.subject),
        ("dc:creator", author),
        ("cp:keywords", ", ".join(doc.keywords)),
        ("dc:language", doc.tag),
        ("cp:lastModifiedBy", author),
        ("cp:revision", "1"),
        ("cp:version", doc.version),
    )
    body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields)
    dates = "".join(
        f'<dcterms:{name} xsi:type="dcterms:W3CDTF">{when}</dcterms:{name}>'
        for name in ("created", "modified")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{body}{dates}</cp:coreProperties>"
    ).encode()


def settled(data: bytes, doc: Document) -> bytes:
    """The package `data` with the brief's core properties, every entry dated the brief's date."""
    day = max(doc.date, ZIP_EPOCH)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        if CORE not in names:
            raise ValueError(f"Pandoc wrote no {CORE}")
        for name in names:
            info = zipfile.ZipInfo(name, (day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, core_properties(doc) if name == CORE else source.read(name))
    return out.getvalue()


__all__ = ["core_properties", "settled"]
