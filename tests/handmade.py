"""PDFs written by hand, byte by byte: small files with exactly the objects a test needs, hostile ones among
them, which no PDF library would write."""

from __future__ import annotations


def pdf(objects: dict[int, bytes], trailer: bytes = b"") -> bytes:
    """A PDF of these numbered objects, object 1 its catalog, with a cross-reference table that is right."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer, xref)
    return bytes(out)


def document(catalog: bytes = b"", **objects: bytes) -> dict[int, bytes]:
    """A one-page document in English, no font, its catalog given more entries, and more objects (`o10=…`)."""
    made = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Lang (en) " + catalog + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    }
    made.update({int(key[1:]): value for key, value in objects.items()})
    return made


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)
