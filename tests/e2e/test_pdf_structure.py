"""Every engine writes structurally valid PDFs, as qpdf checks them."""

from __future__ import annotations

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
