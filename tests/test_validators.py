"""Every standard an engine claims, judged by validators the project did not write (tests/validators.py).

The matrix: each engine × each set of standards it writes × both example briefs × both languages, on the
`briefing` theme; then the `dossier` theme and the README's worked-example theme (acme) with PDF/UA-1 beside
PDF/A-3b and with PDF/A-2b; and a draft with a classification banner. One build per brief, engine, theme and
standards gives both languages, and one test checks both against every standard of the set, listing every rule
that fails. The PDFs claiming PDF/UA-1 are read again by outloud, in one run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.backends import BACKENDS
from tests import validators
from tests.conftest import FIXTURES, ROOT, require_tool, run_cli

KYUTAI = ROOT / "briefs" / "kyutai-launch"
ALLIANCE = ROOT / "briefs" / "ai-alliance-launch"
MARKING = FIXTURES / "marking" / "brief.yaml"  # a draft, with a classification: watermark and banners
ACME = FIXTURES / "themes" / "acme"
SETS = (("ua-1",), ("a-2b",), ("a-3b",), ("ua-1", "a-2b"), ("ua-1", "a-3b"))


def _claimed(engine: str) -> list[tuple[str, ...]]:
    return [s for s in SETS if BACKENDS[engine].writes(s)]


def _cases() -> list[tuple[str, tuple[str, ...], str, Path]]:
    cases = []
    for engine in BACKENDS:
        claimed = _claimed(engine)
        cases += [(engine, s, "briefing", brief) for s in claimed for brief in (KYUTAI, ALLIANCE)]
        both = ("ua-1", "a-3b") if ("ua-1", "a-3b") in claimed else ("a-3b",)
        cases += [(engine, s, theme, KYUTAI) for theme in ("dossier", "acme") for s in (both, ("a-2b",))]
        if ("ua-1",) in claimed:
            cases.append((engine, ("ua-1",), "briefing", MARKING))
    return cases


CASES = _cases()


def _id(case: tuple[str, tuple[str, ...], str, Path]) -> str:
    engine, standards, theme, brief = case
    name = brief.parent.name if brief.name == "brief.yaml" else brief.name
    return f"{engine}-{'+'.join(standards)}-{theme}-{name}"


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory):
    """`build(case)` → {lang: PDF}, every language of the brief, built once per session."""
    built: dict[str, dict[str, Path]] = {}

    def made(case: tuple[str, tuple[str, ...], str, Path]) -> dict[str, Path]:
        engine, standards, theme, brief = case
        key = _id(case)
        if key not in built:
            if engine == "latex":
                require_tool("lualatex", "the LaTeX engine")
            out = tmp_path_factory.mktemp(key.replace("+", "_"))
            chosen = str(ACME) if theme == "acme" else theme
            args = ["build", brief, "--engine", engine, "--theme", chosen, "--out", out]
            code, _stdout, stderr = run_cli(*args, "--pdf-standard", ",".join(standards))
            assert code == 0, stderr
            built[key] = {p.name.split(".")[-2]: p for p in sorted(out.glob("*.pdf"))}
        return built[key]

    return made


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_page_validation_accepts_every_standard_claimed(build, case) -> None:
    engine, standards, _theme, _brief = case
    pdfs = build(case)
    assert len(pdfs) >= 2 or case[3] == MARKING
    failures = [
        f"{pdf.name} {standard}: {line}"
        for lang, pdf in pdfs.items()
        for standard in standards
        for line in validators.page_failures(pdf, standard)
    ]
    assert not failures, f"{engine}: page-validation fails {len(failures)} rules:\n" + "\n".join(failures)


@pytest.mark.parametrize("engine", [e for e in BACKENDS if ("ua-1",) in _claimed(e)])
def test_outloud_finds_no_error_and_no_running_text_tagged_as_content(build, engine: str) -> None:
    """A second opinion on the PDFs that claim PDF/UA-1, in both themes, the worked example and the draft:
    no error, and no running header, footer or banner tagged as content (they are artifacts)."""
    cases = [c for c in CASES if c[0] == engine and "ua-1" in c[1] and c[1] != ("ua-1", "a-2b")]
    pdfs = [pdf for case in cases for pdf in build(case).values()]
    found = validators.outloud_failures(pdfs)
    failures = [f"{pdf.parent.name}/{pdf.name}: {line}" for pdf in pdfs for line in found[pdf]]
    assert not failures, f"{engine}: outloud finds {len(failures)} problems:\n" + "\n".join(failures)
