"""Page counts come from the PDF's page tree: text that looks like PDF objects, carried inside the PDF with the
brief, never changes the count `build` prints and the manifest records. poppler's pdfinfo is the judge."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import FIXTURES, require_tool, run_cli

MINIMAL = FIXTURES / "minimal.yaml"


def _pdfinfo_pages(pdf: Path) -> int:
    require_tool("pdfinfo", "poppler counts the pages")
    done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)$", done.stdout, re.M)
    assert found, done.stdout
    return int(found[1])


def _with_text(folder: Path, text: str) -> Path:
    """The minimal brief whose headline (the PDF's title, in its metadata) ends with `text`, in both languages."""
    brief = MINIMAL.read_text(encoding="utf-8")
    for old in ("Un titre de test", "A test headline"):
        assert old in brief
        brief = brief.replace(old, f"'{old} {text}'")
    path = folder / "minimal.yaml"
    path.write_text(brief, encoding="utf-8")
    return path


def test_objects_written_in_the_brief_do_not_change_the_page_count(tmp_path: Path) -> None:
    """Typst writes the title uncompressed, in the document information dictionary before the catalog."""
    engine = "typst"
    # The catalog's object number of the PDF this brief makes, to aim the forged objects at it.
    first = tmp_path / "first"
    (tmp_path / "probe").mkdir()
    brief = _with_text(tmp_path / "probe", "1 0 obj /Pages 99999 0 R endobj 99999 0 obj /Count 42 endobj")
    assert run_cli("build", brief, "--engine", engine, "--lang", "en", "--out", first)[0] == 0
    root = PdfReader(first / "minimal-brief.en.pdf").trailer.raw_get("/Root").idnum
    forged = f"{root} 0 obj /Pages 99999 0 R endobj 99999 0 obj /Count 42 endobj"
    (tmp_path / "forged").mkdir()
    brief = _with_text(tmp_path / "forged", forged)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", brief, "--engine", engine, "--lang", "en", "--out", out)
    assert code == 0, stderr
    pdf = out / "minimal-brief.en.pdf"
    assert PdfReader(pdf).trailer.raw_get("/Root").idnum == root, "the forged number is the catalog's"
    assert forged.encode() in pdf.read_bytes(), "the forged objects are in the PDF, as its title"
    pages = _pdfinfo_pages(pdf)
    assert pages < 42
    assert json.loads((out / "manifest.json").read_text())["files"][pdf.name]["pages"] == pages
    assert re.search(rf"minimal-brief\.en\.pdf  {pages} pages?  ", stdout), stdout
