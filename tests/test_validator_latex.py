"""LaTeX's PDF/A, judged by tools the project did not write: page-validation (a Rust PDF/A and PDF/UA checker)
accepts PDF/A-2b and PDF/A-3b for both example briefs, in both languages, in the briefing theme, and PDF/A-3b in
the dossier theme and the README's worked-example theme; qpdf finds no fault in their syntax."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests import validators
from tests.conftest import FIXTURES, ROOT, require_tool, run_cli

BRIEFS = {name: ROOT / "briefs" / name for name in ("kyutai-launch", "ai-alliance-launch")}
ACME = str(FIXTURES / "themes" / "acme")
# (standard, theme): briefing for both parts, the other themes for the part that attaches the brief.
BUILDS = [("a-2b", "briefing"), ("a-3b", "briefing"), ("a-3b", "dossier"), ("a-3b", ACME)]


@pytest.fixture(scope="session")
def pdfa(tmp_path_factory: pytest.TempPathFactory):
    """`pdfa(standard, theme, brief, lang)` → the PDF: one build per standard and theme, both briefs and both
    languages at once."""
    built: dict[tuple[str, str], Path] = {}

    def build(standard: str, theme: str, brief: str, lang: str) -> Path:
        if (standard, theme) not in built:
            require_tool("lualatex", "the LaTeX engine; .ci/run installs TeX Live")
            out = tmp_path_factory.mktemp(f"pdfa-{standard}-{Path(theme).name}")
            args = ["--engine", "latex", "--pdf-standard", standard, "--theme", theme, "--out", out]
            args += [
                "--jobs",
                "2",
                "--timeout",
                "900",
            ]  # seconds a document: LaTeX is slow on a loaded machine
            code, _stdout, stderr = run_cli("build", *BRIEFS.values(), *args, "-q")
            assert code == 0, stderr
            built[standard, theme] = out
        return built[standard, theme] / f"{brief}.{lang}.pdf"

    return build


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("brief", list(BRIEFS))
@pytest.mark.parametrize(("standard", "theme"), BUILDS, ids=[f"{s}-{Path(t).name}" for s, t in BUILDS])
def test_the_validator_accepts_latex_pdf_a(pdfa, standard: str, theme: str, brief: str, lang: str) -> None:
    pdf = pdfa(standard, theme, brief, lang)
    failures = validators.page_failures(pdf, standard)
    assert not failures, f"{pdf.name} ({standard}, {Path(theme).name}) fails:\n" + "\n".join(failures)
    require_tool("qpdf", "checking a PDF's syntax; apt-get install qpdf")
    checked = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and not checked.stderr, checked.stdout + checked.stderr
