"""Take WeasyPrint's document metadata; give the XMP packet PDF/A accepts, with PDF/UA-1 beside a PDF/A part.

PDF/A allows in XMP only the properties of its predefined schemas and those an extension schema in the packet
declares (ISO 19005-2, 6.6.2.3): `pdfuaid:part`, written beside `pdfaid:part` when a PDF meets PDF/UA-1 and a
PDF/A part, comes with the declaration of its schema. The packet's stream is written without a filter, as PDF/A
validators require of the catalog's metadata.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from briefgen.errors import EngineError

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# The containers of PDF/A extension schemas, and the prefixes ISO 19005 names them by.
CONTAINERS = {
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
for _prefix, _uri in CONTAINERS.items():
    ElementTree.register_namespace(_prefix, _uri)


def with_pdfua(metadata: Any) -> Any:
    """WeasyPrint's metadata, writing also `pdfuaid:part="1"` beside its PDF/A identification, and the PDF/A
    extension schema that declares it."""
    from weasyprint.pdf.metadata import DocumentMetadata

    class WithPdfUA(DocumentMetadata):  # type: ignore[misc]  # WeasyPrint has no types
        def generate_rdf_metadata(self, variant: str, version: int, conformance: str | None) -> bytes:
            rdf = ElementTree.fromstring(super().generate_rdf_metadata(variant, version, conformance))
            for description in rdf.iter(f"{{{RDF}}}Description"):
                if f"{{{PDFAID}}}part" in description.attrib:
                    description.set(f"{{{PDFUAID}}}part", "1")
                    rdf.append(_pdfua_schema())
                    written: bytes = ElementTree.tostring(rdf, encoding="utf-8")
                    return written
            raise EngineError("weasyprint: its metadata has no PDF/A identification to add PDF/UA-1 to")

    return WithPdfUA(**vars(metadata))


def _pdfua_schema() -> ElementTree.Element:
    """The rdf:Description declaring the PDF/UA identification schema, its one property `part` (an Integer)."""
    extension, schema, prop = (CONTAINERS[k] for k in ("pdfaExtension", "pdfaSchema", "pdfaProperty"))
    description = ElementTree.Element(f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    bag = _sub(_sub(description, f"{{{extension}}}schemas"), f"{{{RDF}}}Bag")
    entry = _sub(bag, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
    _sub(entry, f"{{{schema}}}schema", text="PDF/UA identification schema")
    _sub(entry, f"{{{schema}}}namespaceURI", text=PDFUAID)
    _sub(entry, f"{{{schema}}}prefix", text="pdfuaid")
    sequence = _sub(_sub(entry, f"{{{schema}}}property"), f"{{{RDF}}}Seq")
    part = _sub(sequence, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
    _sub(part, f"{{{prop}}}name", text="part")
    _sub(part, f"{{{prop}}}valueType", text="Integer")
    _sub(part, f"{{{prop}}}category", text="internal")
    _sub(part, f"{{{prop}}}description", text="The part of ISO 14289 (PDF/UA) the document meets")
    return description


def _sub(
    parent: ElementTree.Element, tag: str, attrib: dict[str, str] | None = None, text: str | None = None
) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag, attrib or {})
    element.text = text
    return element


def uncompressed(pdf: Any) -> None:
    """The catalog's XMP stream, when there is one, written without a filter."""
    if "Metadata" in pdf.catalog:
        pdf.objects[int(pdf.catalog["Metadata"].split()[0])].compress = False
