"""WeasyPrint's marking as artifacts, read back by pypdf, and its streams' ends as a validator reads them.

What repeats on every page (the draft's watermark, the classification banners, the running header and footer) is
painted as `/Artifact` marked content, in no structure element, while the body stays tagged. Every standard each
engine claims is judged in tests/e2e/test_validators.py.
"""

from __future__ import annotations

import warnings
import zlib
from pathlib import Path

import pytest

from briefgen.language.catalog import load_catalog
from tests import pdfcheck, validators
from tests.conftest import FIXTURES

DRAFT = FIXTURES / "marking" / "brief.yaml"  # draft, confidential, three pages
KINDS = ("artifact", "tagged", "untagged")  # of marked content, as pdfcheck.marked_content reads it


def failures(pdf: Path, standards: str) -> list[str]:
    """Each rule the validator finds broken in `pdf`, for each standard of `standards`: `file standard: rule`."""
    return [
        f"{pdf.name} {name}: {line}"
        for name in standards.split(",")
        for line in validators.page_failures(pdf, name)
    ]


# -- the marking: artifacts, out of the structure tree -----------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_marking_and_the_running_header_and_footer_are_artifacts(standard_pdfs, lang: str) -> None:
    pdf = standard_pdfs("weasyprint", ("ua-1",), "briefing", DRAFT)[lang]
    t = load_catalog(lang)
    watermark, classification = t("status.draft").upper(), t("classification.confidential")
    pages = [
        {kind: [value for k, what, value in runs if k == kind and what == "text"] for kind in KINDS}
        for runs in pdfcheck.marked_content(pdf)
    ]
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        # the watermark, the banner at the top and the foot, the page's number in the footer: artifacts
        assert [text for text in page["artifact"] if watermark in text] == [watermark], number
        assert page["artifact"].count(classification.upper()) == 2, number
        assert any(str(number) in text.split() for text in page["artifact"]), page[
            "artifact"
        ]  # "Page 2 of 3"
        assert page["untagged"] == [], number  # everything else is tagged: a structure element's
    tagged = " ".join(text for page in pages for text in page["tagged"])
    first = " ".join(pages[0]["tagged"])
    # the title block's fields state the status and the classification once, as content; the watermark and the
    # banners (in capitals) never reach the structure
    for said in (t("status.draft"), classification):
        assert tagged.count(said) == 1 and said in first, said
    assert watermark not in tagged and classification.upper() not in tagged
    roles = {role for role, _depth, _attrs, _text in pdfcheck.structure(pdf)}
    assert {"/H1", "/H2", "/P", "/L", "/LI"} <= roles
    assert not failures(pdf, "ua-1")


def test_a_stream_that_ends_in_a_carriage_return_keeps_its_length(tmp_path: Path) -> None:
    """Compressed data ending in CR, then pydyf's LF, reads as one byte short: briefgen ends it with CR LF."""
    import pydyf
    import weasyprint

    from briefgen.backends.weasyprint import streams

    payload = next(
        text
        for n in range(100_000)
        if zlib.compress(text := f"% pad {n}\n".encode(), 9).endswith(b"\r")  # a comment: paints nothing
    )

    def finisher(ended: bool):
        def finish(document: object, pdf: pydyf.PDF) -> None:
            extra = pydyf.Stream([payload], compress=True)
            pdf.add_object(extra)
            first = pdf.objects[int(pdf.page_references[0].split()[0])]
            first["Contents"] = pydyf.Array([first["Contents"], extra.reference])
            if ended:
                streams.end_unambiguously(pdf)
            # WeasyPrint compresses the XMP packet, which PDF/A validators refuse, whatever the streams' ends
            pdf.objects[int(pdf.catalog["Metadata"].split()[0])].compress = False

        return finish

    document = weasyprint.HTML(string="<html lang=en><title>T</title><p>Text</p>").render()
    for ended in (False, True):
        path = tmp_path / f"{ended}.pdf"
        with warnings.catch_warnings():
            # WeasyPrint leaves the file of its sRGB profile to be closed when collected
            warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
            path.write_bytes(document.write_pdf(pdf_variant="pdf/a-2b", finisher=finisher(ended)))
        rules = {line.split(":")[0] for line in validators.page_failures(path, "a-2b")}
        assert rules == (set() if ended else {"PDFA2B-STREAM-LENGTH-001"}), (ended, rules)
