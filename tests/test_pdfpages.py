"""The page-layout checker's reader (tests/pdfpages.py) reads what pdfplumber reads, to the last bit: every word
with its box and size, every character, the box of every image and drawing. On each engine's PDF of a brief, and
on a hand-written PDF whose first page qpdf tokenizes (text, a kerned string, a rectangle, a form XObject) and
whose second pdfminer tokenizes itself (a `null` and an inline image, which the two could read differently)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pdfminer.pdfinterp import PDFPageInterpreter

from tests import handmade, pdfpages
from tests.conftest import KYUTAI, engines


def reference(pdf: Path) -> tuple[pdfpages.RawPage, ...]:
    """The pages as pdfplumber's own API reads them (as the checker read them before tests/pdfpages.py)."""
    pages = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, 1):
            words = tuple(
                (w["text"], w["x0"], w["x1"], w["top"], w["bottom"], float(w["size"]), bool(w["upright"]))
                for w in page.extract_words(**pdfpages.WORDS)
            )
            drawn = tuple(
                (o["x0"], o["x1"], o["top"], o["bottom"])
                for o in (*page.images, *page.rects, *page.curves, *page.lines)
            )
            chars = tuple(c["text"] for c in page.chars)
            pages.append(pdfpages.RawPage(number, float(page.width), float(page.height), words, chars, drawn))
    return tuple(pages)


@pytest.mark.parametrize("engine", engines("typst", "weasyprint", "latex"))
def test_a_brief_reads_as_pdfplumber_reads_it(built, engine: str) -> None:
    pdf = built(KYUTAI, engine)
    read = pdfpages.read(pdf)
    assert read == reference(pdf)
    assert any(w[0] == "Kyutai" for page in read for w in page.words)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
FORM = handmade.stream(
    b"BT /F1 9 Tf 0 10 Td (Form text) Tj ET",
    b"/Type /XObject /Subtype /Form /BBox [0 0 100 50] /Resources << /Font << /F1 4 0 R >> >>",
)
# qpdf's tokens: text, a kerned string (a TJ array), a filled rectangle, a form XObject drawn by `Do`
FIRST = (
    b"BT /F1 12 Tf 20 150 Td (Hello world) Tj ET\n"
    b"BT /F1 10 Tf 20 130 Td [(Kern) -50 (ed) -400 (text)] TJ ET\n"
    b"10 10 50 20 re f\nq 1 0 0 1 20 60 cm /X1 Do Q"
)
# pdfminer's own tokens: a `null` (an operator to pdfminer, an operand to qpdf) and an inline image
SECOND = (
    b"/Span << /ActualText null /MCID 0 >> BDC BT /F1 12 Tf 20 150 Td (After null) Tj ET EMC\n"
    b"q 30 0 0 30 20 20 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q"
)


def two_pages(path: Path, first: bytes = FIRST) -> Path:
    resources = b"/Resources << /Font << /F1 4 0 R >> /XObject << /X1 5 0 R >> >>"
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] %s /Contents 7 0 R >>" % resources,
        4: FONT,
        5: FORM,
        # a media box away from the origin: pdfplumber shifts what pdfminer gives
        6: b"<< /Type /Page /Parent 2 0 R /MediaBox [5 10 205 210] %s /Contents 8 0 R >>" % resources,
        7: handmade.stream(first),
        8: handmade.stream(SECOND),
    }
    path.write_bytes(handmade.pdf(objects))
    return path


def test_each_tokenizer_reads_as_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = two_pages(tmp_path / "two.pdf")
    by_pdfminer: list[int] = []  # the pages whose streams pdfminer's own tokenizer read
    own = PDFPageInterpreter.execute

    def execute(self: PDFPageInterpreter, streams: object) -> None:
        by_pdfminer.append(len(by_pdfminer))
        own(self, streams)

    monkeypatch.setattr(PDFPageInterpreter, "execute", execute)
    read = pdfpages.read(pdf)
    assert len(by_pdfminer) == 1  # the second page only: the first, and its form, went through qpdf
    monkeypatch.undo()
    assert read == reference(pdf)
    first, second = ([w[0] for w in page.words] for page in read)
    assert first == ["Hello", "world", "Kerned", "text", "Form", "text"]
    assert second == ["After", "null"]
    assert len(read[0].graphics) == 1 and len(read[1].graphics) == 1  # the rectangle; the inline image


def test_a_file_is_read_again_once_it_changes(tmp_path: Path) -> None:
    pdf = two_pages(tmp_path / "two.pdf")
    assert pdfpages.read(pdf) is pdfpages.read(pdf)  # read once while unchanged
    two_pages(pdf, FIRST.replace(b"(Hello world)", b"(Goodbye now, world)"))
    assert [w[0] for w in pdfpages.read(pdf)[0].words][:3] == ["Goodbye", "now,", "world"]
