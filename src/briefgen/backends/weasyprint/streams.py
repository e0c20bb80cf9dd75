"""Take the PDF's objects as WeasyPrint is about to write them; give streams whose ends PDF/A validators read
right, and images PDF/A allows.

A stream's data runs `/Length` bytes and is followed by an end-of-line marker, then `endstream`; pydyf writes
LF. Compressed data that ends in CR, one stream in 256, then reads as data followed by CR LF, one byte short of
its `/Length` (PDF/A's stream-length rule fails). Such a stream is ended by CR LF instead. The object stream and
the cross-reference stream, which pydyf makes while it writes, are ended the same way. PDF/A also forbids an
image to ask for interpolation (ISO 19005-2, 6.2.8), which WeasyPrint asks for under `image-rendering: auto`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

END = b"\nendstream"


@cache
def _ended_stream() -> type:
    import pydyf  # type: ignore[import-untyped]

    class EndedStream(pydyf.Stream):  # type: ignore[misc]  # pydyf has no types
        """A stream whose data, when it ends in CR, is followed by CR LF rather than LF."""

        @property
        def data(self) -> bytes:
            data: bytes = super().data
            if data.endswith(b"\r" + END):
                return data[: -len(END)] + b"\r" + END
            return data

    return EndedStream


def end_unambiguously(pdf: Any) -> None:
    """Every stream of `pdf` ended as `_ended_stream()` ends it, those pydyf adds while it writes too."""
    for item in pdf.objects:
        _ended(item)
    add_object = pdf.add_object

    def add(item: Any) -> None:
        add_object(_ended(item))

    pdf.add_object = add  # pydyf adds its object and cross-reference streams just before it writes each


def _ended(item: Any) -> Any:
    import pydyf

    if isinstance(item, pydyf.Stream):
        item.__class__ = _ended_stream()  # only `data` is read from here on, as pydyf writes the object
    return item


def no_interpolation(pdf: Any) -> None:
    """No image asks for interpolation."""
    import pydyf

    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and item.extra.get("Subtype") == "/Image":
            item.extra["Interpolate"] = "false"
