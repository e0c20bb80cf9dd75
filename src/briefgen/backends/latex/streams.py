"""Take the PDF LuaTeX wrote; give it with no stream whose end-of-line before `endstream` reads as its data.

LuaTeX ends a stream's data with a line feed, then `endstream`. When the data itself ends with a carriage return
(a compressed stream does about once in 256: its last byte is its checksum's), the two read as one CR LF
end-of-line marker, and a PDF/A validator finds the data one byte shorter than its /Length (ISO 19005-2,
6.1.7.1). One more CR after the data makes the marker CR LF and leaves the data whole. The objects after it
move: their offsets in the cross-reference stream (or table) and `startxref` are written again. The same PDF
gives the same bytes; a PDF with no such stream is returned as it is.
"""

from __future__ import annotations

import bisect
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from briefgen.errors import EngineError

_STREAM = re.compile(rb">>\s*stream(\r\n|\n)")
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_WIDTHS = re.compile(rb"/W\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]")
_ENTRY = re.compile(rb"(\d{10}) \d{5} n")


def fix_end_of_lines(pdf: bytes) -> bytes:
    """`pdf` with a CR added after the data of each stream that ends with CR. Raises EngineError for a
    cross-reference section it does not read (LuaTeX writes a table, or a stream without predictor)."""
    start = _startxref(pdf)
    if pdf.startswith(b"xref", start):
        offsets = [int(entry[1]) for entry in _ENTRY.finditer(pdf, start, pdf.find(b"trailer", start))]
    else:
        offsets = [offset for kind, offset in XrefStream.read(pdf, start).rows() if kind == 1]
    points = sorted(point for offset in offsets if (point := _ambiguous_end(pdf, offset)) is not None)
    if not points:
        return pdf
    moved = (
        b"".join(pdf[a:b] + b"\r" for a, b in zip([0, *points[:-1]], points, strict=True)) + pdf[points[-1] :]
    )

    def shift(offset: int) -> int:  # the objects after each CR added move by one byte
        return offset + bisect.bisect_left(points, offset)

    start = shift(start)
    if moved.startswith(b"xref", start):
        return _rewrite_table(moved, start, shift)
    return XrefStream.read(moved, start).rewrite(moved, shift)


def _startxref(pdf: bytes) -> int:
    found = _STARTXREF.search(pdf[-64:])
    if found is None:
        raise EngineError("lualatex wrote a PDF with no startxref at its end")
    return int(found[1])


def _ambiguous_end(pdf: bytes, offset: int) -> int | None:
    """Where the data of the stream object at `offset` ends, if it ends with CR before LF endstream."""
    if _OBJECT.match(pdf, offset) is None:
        return None
    end = pdf.find(b"endobj", offset)
    stream = _STREAM.search(pdf, offset, end if end > 0 else len(pdf))
    length = _LENGTH.search(pdf, offset, stream.start()) if stream else None
    if stream is None or length is None:
        return None  # not a stream, or a length given by reference, which LuaTeX does not write
    data_end = stream.end() + int(length[1])
    if pdf[data_end - 1 : data_end] == b"\r" and pdf.startswith(b"\nendstream", data_end):
        return data_end
    return None


def _rewrite_table(pdf: bytes, start: int, shift: Callable[[int], int]) -> bytes:
    """A classic cross-reference table's offsets moved, in place (each is ten digits), and startxref."""
    out = bytearray(pdf[: pdf.rfind(b"startxref")])
    for entry in _ENTRY.finditer(out, start, out.find(b"trailer", start)):
        out[entry.start(1) : entry.end(1)] = b"%010d" % shift(int(entry[1]))
    return bytes(out) + b"startxref\n%d\n%%%%EOF\n" % start


@dataclass(frozen=True)
class XrefStream:
    """The cross-reference stream at the end of a LuaTeX PDF."""

    start: int  # the offset of its object
    dictionary: bytes  # from `N 0 obj` up to `>>` included, with LuaTeX's spaces after it
    widths: tuple[int, int, int]  # /W
    raw: bytes  # its rows, decoded

    @classmethod
    def read(cls, pdf: bytes, start: int) -> XrefStream:
        stream = _STREAM.search(pdf, start)
        head = pdf[start : stream.start()] if stream else b""
        widths = _WIDTHS.search(head)
        length = _LENGTH.search(head)
        if (
            stream is None
            or b"/XRef" not in head
            or widths is None
            or length is None
            or b"/DecodeParms" in head
        ):
            raise EngineError("lualatex wrote a cross-reference section briefgen does not read")
        data = pdf[stream.end() : stream.end() + int(length[1])]
        raw = zlib.decompress(data) if b"/FlateDecode" in head else data
        after = pdf[stream.start() + 2 : stream.end()]  # the spaces LuaTeX leaves after `>>`, then `stream`
        dictionary = pdf[start : stream.start() + 2] + after[: len(after) - len(after.lstrip(b" "))]
        w = tuple(int(n) for n in widths.groups())
        return cls(start, dictionary, (w[0], w[1], w[2]), raw)

    def rows(self) -> list[tuple[int, int]]:
        """Each entry's type (1 default when /W gives it no byte) and second field (an offset for type 1)."""
        kind, field, _generation = self.widths
        size = sum(self.widths)
        found = []
        for at in range(0, len(self.raw) - size + 1, size):
            row = self.raw[at : at + size]
            found.append(
                (
                    int.from_bytes(row[:kind], "big") if kind else 1,
                    int.from_bytes(row[kind : kind + field], "big"),
                )
            )
        return found

    def rewrite(self, pdf: bytes, shift: Callable[[int], int]) -> bytes:
        """`pdf` up to this stream, then this stream with each type-1 offset moved, and startxref."""
        kind, field, _generation = self.widths
        size = sum(self.widths)
        rows = bytearray(self.raw)
        for index, (entry, offset) in enumerate(self.rows()):
            if entry == 1:
                moved = shift(offset)
                if moved >= 1 << (8 * field):
                    raise EngineError("the PDF outgrows its cross-reference stream's offsets")
                rows[index * size + kind : index * size + kind + field] = moved.to_bytes(field, "big")
        data = zlib.compress(bytes(rows), 9) if b"/FlateDecode" in self.dictionary else bytes(rows)
        old = _LENGTH.search(self.dictionary)
        assert old is not None  # read() found it
        spaces = len(self.dictionary) - len(self.dictionary.rstrip(b" "))
        grown = len(b"%d" % len(data)) - len(old[1])
        dictionary = (
            self.dictionary[: old.start(1)] + b"%d" % len(data) + self.dictionary[old.end(1) :].rstrip(b" ")
        )
        dictionary += b" " * max(spaces - grown, 0)  # LuaTeX's room for a longer length, kept
        eol = b"\r\n" if data.endswith(b"\r") else b"\n"
        return (
            pdf[: self.start]
            + dictionary
            + b"\nstream\n"
            + data
            + eol
            + b"endstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % self.start
        )


__all__ = ["fix_end_of_lines"]
