"""Take a PDF; give a PNG of its first page, for the site's index, drawn by PDFium (the pypdfium2 wheel).

The picture is WIDTH pixels wide (twice the width the index shows it at, for sharp screens), reduced to a
palette of COLOURS colours without dithering: a fifth of the bytes of the full-colour picture, and the same
bytes for the same PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from briefgen.errors import InputError

WIDTH = 400
COLOURS = 64


@dataclass(frozen=True)
class Thumbnail:
    png: bytes
    width: int
    height: int


def thumbnail(pdf: bytes, name: str) -> Thumbnail:
    """Page 1 of `pdf` (named `name` in errors) as a PNG."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]
    from PIL import Image

    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise InputError(f"{name}: PDFium cannot read it ({exc})") from None
    try:
        page = document[0]
        width, _height = page.get_size()
        bitmap = page.render(scale=WIDTH / width, draw_annots=False)
        image = bitmap.to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    small = image.quantize(colors=COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return Thumbnail(buffer.getvalue(), small.width, small.height)


__all__ = ["COLOURS", "WIDTH", "Thumbnail", "thumbnail"]
