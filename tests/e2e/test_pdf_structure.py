"""Every engine writes structurally valid PDFs, as qpdf checks them."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import engines, require_tool


@pytest.mark.parametrize("engine", engines("weasyprint", "typst", "latex"))
def test_qpdf_finds_no_problem(kyutai_pdfs, engine: str) -> None:
    require_tool("qpdf", "qpdf checks PDF structure")
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine runs LuaLaTeX from TeX Live")
    for lang, pdf in kyutai_pdfs(engine).items():
        result = subprocess.run(
            [shutil.which("qpdf") or "qpdf", "--check", str(pdf)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{engine} {lang}: {result.stdout}{result.stderr}"
        assert "No syntax or stream encoding errors found" in result.stdout


@pytest.mark.parametrize("engine", engines("weasyprint", "typst", "latex"))
def test_poppler_reads_them_without_a_complaint(kyutai_pdfs, engine: str) -> None:
    """pdfinfo and pdffonts, as a user runs them, print nothing on stderr (poppler 22 calls a `/Suspects false`
    in the catalog's MarkInfo a "Syntax Error", which Typst wrote)."""
    for tool in ("pdfinfo", "pdffonts"):
        require_tool(tool, "poppler reads the PDFs")
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine runs LuaLaTeX from TeX Live")
    for lang, pdf in kyutai_pdfs(engine).items():
        for tool in ("pdfinfo", "pdffonts"):
            done = subprocess.run([tool, str(pdf)], capture_output=True, text=True, check=False)
            assert (done.returncode, done.stderr) == (0, ""), f"{engine} {lang} {tool}: {done.stderr}"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        # LaTeX's PDFs are not tagged (the README's standards table: no PDF/UA with LaTeX)
        tagged = "no" if engine == "latex" else "yes"
        assert re.search(rf"^Tagged:\s+{tagged}$", info, re.MULTILINE), info
        assert re.search(r"^Suspects:\s+no$", info, re.MULTILINE), info
