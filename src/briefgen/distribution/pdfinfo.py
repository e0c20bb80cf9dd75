"""What briefgen reads back from a PDF: its number of pages (from its page tree), the page a heading starts on."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)


class Unreadable(ValueError):
    """A PDF pypdf cannot read, or whose page tree is broken; the reason."""


def page_count(pdf: bytes) -> int:
    """The number of pages of the PDF: the /Page leaves pypdf finds walking the page tree from the catalog (a
    /Count the file writes is not believed), within pypdf's limits of depth and size, a loop refused. Raises
    Unreadable with pypdf's reason for a file it cannot read strictly (a broken cross-reference table), an
    encrypted file, or a page tree with a loop."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf), strict=True)
        if reader.is_encrypted:
            raise Unreadable("it is encrypted")
        return len(reader.pages)
    except Unreadable:
        raise
    except Exception as exc:  # pypdf's errors on a hostile file are of many kinds
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise Unreadable(f"pypdf: {reason}") from None


def first_page_of(pdf: bytes, titles: Sequence[str]) -> int | None:
    """The page (from 1) of the first bookmark whose title is one of `titles` (case aside), or None."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    wanted = {title.casefold() for title in titles}
    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages: list[int] = []

        def visit(items: list[Any]) -> None:
            for item in items:
                if isinstance(item, list):
                    visit(item)
                elif " ".join(str(item.title).split()).casefold() in wanted:
                    page = reader.get_destination_page_number(item)
                    if page is not None:
                        pages.append(page + 1)

        visit(reader.outline)
    except (PdfReadError, ValueError, KeyError) as exc:  # the engine's PDF is read only to count pages
        log.warning("could not read the outline of the PDF to count its pages: %s", exc)
        return None
    return min(pages) if pages else None


__all__ = ["Unreadable", "first_page_of", "page_count"]
