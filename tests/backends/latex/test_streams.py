"""The end of a stream in a LuaTeX PDF: data ending with CR gets one more CR before LuaTeX's LF `endstream`, so
a PDF/A validator reads its /Length right, and the cross-reference stream follows the objects that moved."""

from __future__ import annotations

import subprocess
import zlib
from pathlib import Path

import page
from pypdf import PdfReader

from briefgen.backends.latex.streams import fix_end_of_lines
from tests.conftest import require_tool


def luatex_like(data: bytes) -> bytes:
    """A one-page PDF laid out as LuaTeX writes one: streams with a direct /Length, data, LF, `endstream`; a
    compressed cross-reference stream with /W [1 3 1] and spaces after its dictionary; `startxref`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data),
    ]
    out = b"%PDF-1.5\n%\xd0\xd4\xc5\xd8\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    rows = b"\x00\x00\x00\x00\xff" + b"".join(b"\x01" + o.to_bytes(3, "big") + b"\x00" for o in offsets)
    rows += b"\x01" + start.to_bytes(3, "big") + b"\x00"  # the cross-reference stream itself, object 5
    xref = zlib.compress(rows)
    out += b"5 0 obj\n<< /Type /XRef /Index [ 0 6 ] /Size 6 /W [ 1 3 1 ] /Root 1 0 R /Filter /FlateDecode"
    out += b" /Length %d >>        \nstream\n%s\nendstream\nendobj\n" % (len(xref), xref)
    return out + b"startxref\n%d\n%%%%EOF\n" % start


def test_data_ending_with_cr_keeps_its_length_and_the_pdf_its_offsets(tmp_path: Path) -> None:
    require_tool("qpdf", "checking a PDF's syntax; apt-get install qpdf")
    content = b"0 0 1 rg 10 10 50 50 re f % ends with a carriage return\r"
    before, after = tmp_path / "before.pdf", tmp_path / "after.pdf"
    before.write_bytes(luatex_like(content))
    after.write_bytes(fix_end_of_lines(before.read_bytes()))
    failures = {f.rule_id for f in page.validate_pdf(str(before), profile="2b").failures}
    assert "PDFA2B-STREAM-LENGTH-001" in failures, "the case the fix is for"
    failures = {f.rule_id for f in page.validate_pdf(str(after), profile="2b").failures}
    assert "PDFA2B-STREAM-LENGTH-001" not in failures
    assert content + b"\r\nendstream" in after.read_bytes()
    assert PdfReader(after).pages[0].get_contents().get_data() == content
    checked = subprocess.run(["qpdf", "--check", after], capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and "No syntax or stream encoding errors" in checked.stdout, checked.stdout
    assert checked.stderr == "", "qpdf found every object where the cross-reference stream says"


def test_a_pdf_with_no_such_stream_is_left_as_it_is() -> None:
    pdf = luatex_like(b"0 0 1 rg 10 10 50 50 re f\n")
    assert fix_end_of_lines(pdf) == pdf
