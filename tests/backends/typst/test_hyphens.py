"""Typst's hyphens read back as `-` once briefgen has written its PDF (backends/typst/hyphens.py), in poppler's
text and in pdfminer's, whichever of a hyphenated word or a hyphen of the text Typst drew first."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import typst

from briefgen.backends.typst.hyphens import plain_hyphens

SHY = "\u00ad"
# A narrow column: Typst breaks "internationalisation" and "interdisciplinary" at hyphenation points.
HYPHENATED = "internationalisation and interdisciplinary work"
HARD = "state-of-the-art"


def typeset(tmp_path: Path, text: str) -> bytes:
    source = tmp_path / "main.typ"
    source.write_text(
        '#set page(width: 200pt, height: 200pt)\n#set text(lang: "en", hyphenate: true)\n'
        f"#block(width: 60pt)[{text}]\n",
        encoding="utf-8",
    )
    pdf = typst.compile(str(source), ignore_system_fonts=True)
    assert isinstance(pdf, bytes)
    return pdf


def poppler(pdf: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: install poppler-utils"
    return subprocess.run(
        [tool, "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pdfminer(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() for page in document.pages)


def qpdf_check(pdf: bytes, tmp_path: Path) -> str:
    tool = shutil.which("qpdf")
    assert tool, "qpdf is missing"
    file = tmp_path / "checked.pdf"
    file.write_bytes(pdf)
    done = subprocess.run([tool, "--check", str(file)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "text",
    [f"{HYPHENATED}, {HARD}", f"{HARD}, {HYPHENATED}"],
    ids=["hyphenation-first", "hyphen-first"],
)
def test_every_hyphen_reads_as_a_hyphen_in_poppler_and_pdfminer(tmp_path: Path, text: str) -> None:
    before = typeset(tmp_path, text)
    assert SHY in poppler(before) + pdfminer(before)  # what Typst writes: U+00AD for one reader or the other
    after = plain_hyphens(before)
    for read in (poppler(after), pdfminer(after)):
        assert SHY not in read
        assert HARD in read.replace("-\n", "-")  # a hyphen of the text, wherever the line breaks
        assert "-\n" in read  # the words Typst broke end their line with `-`
        assert "internationalisation" in read.replace("-\n", "")
    assert "No syntax or stream encoding errors found" in qpdf_check(after, tmp_path)
    assert plain_hyphens(before) == after  # the same PDF gives the same bytes
    assert plain_hyphens(after) == after  # nothing left to change


def test_a_pdf_with_no_soft_hyphen_is_returned_as_it_is(tmp_path: Path) -> None:
    pdf = typeset(tmp_path, "short words only")
    assert plain_hyphens(pdf) == pdf


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_pdf_laid_out_otherwise_is_returned_as_it_is_with_a_warning(tmp_path: Path) -> None:
    """A cross-reference stream (which Typst 0.15 does not write) is not rewritten: the build says so."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(typeset(tmp_path, HYPHENATED))) as document:
        document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    pdf = out.getvalue()
    # on the module's own logger: a CLI run earlier in this process stops briefgen's records at its logger
    logger, kept = logging.getLogger("briefgen.backends.typst.hyphens"), _Kept()
    logger.addHandler(kept)
    try:
        assert plain_hyphens(pdf) == pdf
    finally:
        logger.removeHandler(kept)
    assert [r.getMessage() for r in kept.records] == [
        "typst: the PDF has a cross-reference stream, not a table; the hyphens Typst adds at a line's end "
        "read back as U+00AD in some readers"
    ]
