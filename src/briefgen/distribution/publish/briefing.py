"""Take the PDFs and documents of a site's briefings; give what the index and the pages show of each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.distribution.built import Built
from briefgen.distribution.publish.words import Words
from briefgen.document.view import Document
from briefgen.language.catalog import Catalog
from briefgen.themes.layers import Theme


@dataclass(frozen=True)
class Briefing:
    """One language of one brief, as the site shows it."""

    pdf: Built
    doc: Document
    catalog: Catalog
    theme: Theme
    words: Words  # the site's words in its language
    language: str  # its language's name, in itself
    date: str  # the brief's date, in its language
    thumb_width: int = 0  # the thumbnail's size as the index shows it (half its pixels)
    thumb_height: int = 0

    @property
    def name(self) -> str:
        return f"{self.doc.id}.{self.doc.lang}"

    @property
    def brief_id(self) -> str:
        return self.doc.id

    @property
    def tag(self) -> str:
        return self.catalog.tag

    @property
    def title(self) -> str:
        return self.doc.title

    @property
    def classification(self) -> str:
        return self.doc.classification

    @property
    def draft(self) -> str:
        """The draft's word in its language (the PDF's watermark), empty for a final briefing."""
        return self.doc.watermark

    @property
    def iso_date(self) -> str:
        return self.doc.date.isoformat()

    @property
    def pages(self) -> int:
        """Its PDF's pages (the manifest's count, checked against the PDF's page tree)."""
        return self.pdf.entry.pages

    @property
    def size(self) -> int:
        return len(self.pdf.data)

    @property
    def html_name(self) -> str:
        return f"{self.name}.html"

    @property
    def pdf_name(self) -> str:
        return f"pdf/{self.pdf.name}"

    @property
    def thumb_name(self) -> str:
        return f"thumbs/{self.name}.png"


@dataclass(frozen=True)
class Site:
    """What `publish` wrote: the folder, its briefings by brief, each file's size."""

    folder: Path
    groups: list[list[Briefing]]
    files: dict[str, int]
