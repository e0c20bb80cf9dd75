"""What briefgen reads back from a PDF an engine made: the page a heading of the outline starts on."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

log = logging.getLogger(__name__)


def first_page_of(pdf: bytes, titles: Sequence[str]) -> int | None:
    """The page (from 1) of the first bookmark whose title is one of `titles` (case aside), or None."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    wanted = {title.casefold() for title in titles}
    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages: list[int] = []

        def visit(items: list) -> None:
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


__all__ = ["first_page_of"]
