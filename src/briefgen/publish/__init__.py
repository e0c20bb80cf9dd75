"""Take briefs and the PDFs `build` wrote for them; give a static site: an index and a page per briefing.

`publish(paths, out, site)` checks the PDFs of every language of each brief as `bundle` does (built.py), then
writes, all or nothing (folder.py), into `site`:

- `index.html`: a card per briefing and language, grouped by brief, newest first (index.py);
- `<id>.<lang>.html`: the briefing, from the brief through the WeasyPrint templates of the theme given, else of
  the built-in theme its PDF was built with (never a theme folder the untrusted manifest names: site.py),
  self-contained: fonts, images and styles as data: URIs, readable on a phone (page.py, embed.py);
- `pdf/<id>.<lang>.pdf`, the PDFs as built, and `thumbs/<id>.<lang>.png`, their first pages (thumbs.py).

Every link is relative: the site works from a file:// address and from any static server. The same PDFs and
briefs give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.built import Built
from briefgen.document.view import Document
from briefgen.language.catalog import Catalog
from briefgen.publish.words import Words
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


def publish(paths: list[Path], out: Path, site: Path, theme: str | None = None) -> Site:
    """Write the site of the briefs of `paths` from their PDFs in `out` to the folder `site`, each page made
    with `theme` (a built-in's name or a theme folder), else with the built-in theme its PDF was built with, else
    the default theme. Raises InputError (nothing written) for a brief that does not load, a language without
    its PDF, a PDF that is not the manifest's or is older than its brief, a theme that does not load, or a
    `site` that is not a folder publish may replace."""
    from briefgen.publish import site as making

    return making.make(paths, out, site, theme)


__all__ = ["Briefing", "Site", "publish"]
