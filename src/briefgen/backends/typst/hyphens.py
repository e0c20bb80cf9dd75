"""Take the PDF Typst wrote; give it with every hyphen read back as `-`, those Typst adds at a line's end too.

Typst (0.13 and later) gives the hyphen it draws where it breaks a word the text U+00AD, SOFT HYPHEN
(typst/typst#6799), and the hyphens of the text U+002D; both are the font's hyphen glyph. A font's /ToUnicode
map holds one text per glyph, so the PDF writer (krilla) maps the glyph to the text of its first use and wraps
each other use in a marked span with an /ActualText: where a hyphenated word comes first, the map says U+00AD
and each hyphen of the text is a span of `-`; otherwise the map says `-` and each hyphen Typst added is a span
of U+00AD. Readers differ: poppler (pdftotext, most viewers' copy) takes /ActualText, pdfminer and pdfplumber
read the map alone, so that each finds U+00AD in some words, `inno` U+00AD `vation` or `multi` U+00AD `modal`,
and a search for "multi-modal" fails.

A glyph drawn on a page is a hyphen shown (a soft hyphen shows nothing where no line breaks at it), so its
text is made U+002D in both places: each entry of U+00AD alone in a font's map, and each /ActualText of U+00AD
alone in the pages' content (and the forms they draw). Every hyphen then reads as `-` in every reader, as in
WeasyPrint's and LaTeX's PDFs. (A soft hyphen of the text where no line breaks stays in the /ActualText of the
glyph before it, `A` U+00AD, left as it is.) Each stream changed is written again with Flate as Typst writes
it (zlib's level 6: as small as Typst's); the objects after it move, and their offsets in the cross-reference
table and `startxref` are written again. The same PDF gives the same bytes; a PDF with no such text is
returned as it is. A PDF laid out otherwise than Typst 0.15 writes it (a cross-reference stream, an update
section, a map by ranges) is returned as it is, with a warning.
"""

from __future__ import annotations

import bisect
import io
import itertools
import logging
import re
import zlib
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

SOFT_HYPHEN = 0x00AD
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SUBSECTION = re.compile(rb"(\d+) (\d+)\r?\n")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
_STREAM = re.compile(rb"stream(\r\n|\n)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_FILTER = re.compile(rb"/Filter\s*(?:/(\w+)|\[)")
_END = re.compile(rb"\s*endstream\s+endobj")
# A map's sections of single glyphs (`<002C> <00AD>`: a glyph, its text) and of ranges
# (`<0010> <0012> <0041>`: glyphs 10 to 12 are A to C; or `<0010> <0011> [<0041> <0042>]`).
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.DOTALL)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>(\s*)<([0-9A-Fa-f]+)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])")
# The span krilla writes around a glyph whose text is not the map's: `/Span<</ActualText<FEFF00AD>>>BDC`.
_ACTUAL_SOFT_HYPHEN = re.compile(rb"(/Span\s*<<\s*/ActualText\s*)<FEFF00AD>(\s*>>\s*BDC)", re.IGNORECASE)
_KEEPS = "the hyphens Typst adds at a line's end read back as U+00AD in some readers"


class Unexpected(ValueError):
    """The PDF is not laid out as Typst writes it; what was found."""


def plain_hyphens(pdf: bytes) -> bytes:
    """`pdf` with each text U+00AD of its hyphen glyphs made U+002D (see the module's docstring)."""
    try:
        return _rewritten(pdf)
    except Unexpected as exc:  # a Typst that writes its PDF otherwise: say so, never quietly keep U+00AD
        log.warning("typst: %s; %s", exc, _KEEPS)
        return pdf


def _rewritten(pdf: bytes) -> bytes:
    found = _STARTXREF.search(pdf[-64:])
    if found is None:
        raise Unexpected("no startxref at the end of the PDF")
    start = int(found[1])
    offsets = _table(pdf, start)
    maps, contents = _streams(pdf)
    edits = {number: _map for number in maps} | {number: _content for number in contents}
    changes: list[tuple[int, int, bytes]] = []  # (start, end, bytes) of each object written again
    for number, edit in sorted(edits.items()):
        if number not in offsets:
            raise Unexpected(f"object {number} is not in the cross-reference table")
        change = _changed(pdf, number, offsets[number], edit)
        if change is not None:
            changes.append(change)
    if not changes:
        return pdf
    changes.sort()
    out = bytearray()
    at = 0
    for begin, end, data in changes:
        out += pdf[at:begin] + data
        at = end
    out += pdf[at:]

    ends = [end for _, end, _ in changes]
    grown = list(itertools.accumulate(len(data) - (end - begin) for begin, end, data in changes))

    def shift(offset: int) -> int:  # an object moves by what the objects before it grew
        before = bisect.bisect_right(ends, offset)
        return offset + (grown[before - 1] if before else 0)

    moved = shift(start)
    for entry in _ENTRY.finditer(out, moved, out.find(b"trailer", moved)):
        if entry[3] == b"n":
            out[entry.start(1) : entry.end(1)] = b"%010d" % shift(int(entry[1]))
    return bytes(out[: out.rfind(b"startxref")]) + b"startxref\n%d\n%%%%EOF\n" % moved


def _table(pdf: bytes, start: int) -> dict[int, int]:
    """The offsets of the objects in use (by number) in the cross-reference table at `start`, the only one."""
    if not pdf.startswith(b"xref", start):
        raise Unexpected("the PDF has a cross-reference stream, not a table")
    end = pdf.find(b"trailer", start)
    if end < 0:
        raise Unexpected("the cross-reference table has no trailer")
    if b"/Prev" in pdf[end:]:
        raise Unexpected("the PDF has an update section")
    offsets: dict[int, int] = {}
    at = start + len(b"xref")
    while (head := _SUBSECTION.search(pdf, at, end)) is not None:
        first, count = int(head[1]), int(head[2])
        at = head.end()
        for number in range(first, first + count):
            entry = _ENTRY.match(pdf, at)
            if entry is None:
                raise Unexpected("the cross-reference table has an entry briefgen does not read")
            if entry[3] == b"n":
                offsets[number] = int(entry[1])
            at = entry.end()
    return offsets


def _streams(pdf: bytes) -> tuple[set[int], set[int]]:
    """The object numbers of the fonts' /ToUnicode maps and of the content streams (the pages' and those of
    the forms they draw), found from the page tree by pypdf."""
    from pypdf import PdfReader

    reader = PdfReader(
        io.BytesIO(pdf), strict=True
    )  # strict: the table is believed, not checked object by object
    maps: set[int] = set()
    contents: set[int] = set()
    todo: list[Any] = []
    for page in reader.pages:
        contents |= _numbers(page.get("/Contents"), "the content of a page")
        todo.append(page.get("/Resources"))
    seen: set[int] = set()
    while todo:
        resources = todo.pop()
        resources = resources.get_object() if resources is not None else None
        if resources is None or id(resources) in seen:
            continue
        seen.add(id(resources))
        fonts = resources.get("/Font")
        for font in fonts.get_object().values() if fonts is not None else ():
            maps |= _numbers(font.get_object().get("/ToUnicode"), "a font's /ToUnicode")
        forms = resources.get("/XObject")
        for ref in forms.get_object().values() if forms is not None else ():
            if ref.get_object().get("/Subtype") == "/Form":
                contents |= _numbers(ref, "a form")
                todo.append(ref.get_object().get("/Resources"))
    return maps, contents


def _numbers(ref: Any, what: str) -> set[int]:
    """The numbers of the objects `ref` (a reference, an array of them, or None) names."""
    from pypdf.generic import ArrayObject, IndirectObject

    refs = [] if ref is None else list(ref) if isinstance(ref, ArrayObject) else [ref]
    if any(not isinstance(r, IndirectObject) or r.generation != 0 for r in refs):
        raise Unexpected(f"{what} is not a stream of its own")
    return {r.idnum for r in refs}


def _changed(
    pdf: bytes, number: int, offset: int, edit: Callable[[bytes, int], bytes]
) -> tuple[int, int, bytes] | None:
    """Where the stream object `number` at `offset` lies and the object written again with its data edited by
    `edit`; None when `edit` changes nothing."""
    if not re.match(rb"%d 0 obj\b" % number, pdf[offset:]):
        raise Unexpected(f"object {number} is not where the cross-reference table says")
    stream = _STREAM.search(pdf, offset)
    head = pdf[offset : stream.start()] if stream else b""
    length = _LENGTH.search(head)
    if stream is None or length is None or b"endobj" in head:
        raise Unexpected(f"object {number} is not a stream of a length briefgen reads")
    data_end = stream.end() + int(length[1])
    end = _END.match(pdf, data_end)
    if end is None:
        raise Unexpected(f"the stream of object {number} does not end at its /Length")
    filters = [f[1] for f in _FILTER.finditer(head)]
    if filters not in ([], [b"FlateDecode"]):
        raise Unexpected(f"the stream of object {number} has a filter briefgen does not read")
    raw = pdf[stream.end() : data_end]
    old = zlib.decompress(raw) if filters else raw
    new = edit(old, number)
    if new == old:
        return None
    data = zlib.compress(new, 6) if filters else new  # level 9 takes several times longer
    head = head[: length.start(1)] + b"%d" % len(data) + head[length.end(1) :]
    eol = b"\r\n" if data.endswith(b"\r") else b"\n"  # data ending in CR reads apart from the marker (PDF/A)
    return offset, end.end(), head + b"stream\n" + data + eol + b"endstream\nendobj"


def _map(cmap: bytes, number: int) -> bytes:
    """A /ToUnicode map with each glyph whose text is U+00AD alone given U+002D."""
    if any(_ranges_to_soft_hyphen(block[1]) for block in _BFRANGE.finditer(cmap)):
        raise Unexpected(f"the /ToUnicode map of object {number} gives U+00AD to a range of glyphs")
    return _BFCHAR.sub(lambda block: _PAIR.sub(_hyphen, block[0]), cmap)


def _hyphen(pair: re.Match[bytes]) -> bytes:
    """A bfchar entry, its text U+002D where it was U+00AD alone."""
    if len(pair[3]) == 4 and int(pair[3], 16) == SOFT_HYPHEN:
        return b"<%s>%s<002D>" % (pair[1], pair[2])
    return pair[0]


def _ranges_to_soft_hyphen(block: bytes) -> bool:
    """Whether a bfrange section gives U+00AD to a glyph."""
    for lo, hi, first, listed in _RANGE.findall(block):
        if first:
            if len(first) == 4 and int(first, 16) <= SOFT_HYPHEN <= int(first, 16) + int(hi, 16) - int(
                lo, 16
            ):
                return True
        elif any(len(c) == 4 and int(c, 16) == SOFT_HYPHEN for c in re.findall(rb"<([0-9A-Fa-f]+)>", listed)):
            return True
    return False


def _content(content: bytes, number: int) -> bytes:
    """A content stream with each /ActualText of U+00AD alone made U+002D."""
    return _ACTUAL_SOFT_HYPHEN.sub(rb"\1<FEFF002D>\2", content)


__all__ = ["plain_hyphens"]
