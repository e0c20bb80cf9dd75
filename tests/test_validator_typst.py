"""Typst's PDF standards judged by a validator briefgen did not write: page-validation, an independent Rust PDF/A and
PDF/UA-1 validator. Every claimed standard, alone and together, for both examples in both languages and the
briefing theme; dossier and the README's worked example (acme) for PDF/UA-1 with PDF/A-3b and for PDF/A-2b; a
draft, confidential brief (watermark and banners) for PDF/UA-1. One build per brief, standards and theme gives
both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import validators
from tests.conftest import FIXTURES, ROOT, run_cli

EXAMPLES = {name: ROOT / "briefs" / name / "brief.yaml" for name in ("kyutai-launch", "ai-alliance-launch")}
MARKING = FIXTURES / "marking" / "brief.yaml"
ACME = FIXTURES / "themes" / "acme"
THEMES = {"briefing": "briefing", "dossier": "dossier", "acme": str(ACME)}
LANGS = ("fr", "en")

CASES = [
    *((brief, "briefing", standards) for brief in EXAMPLES for standards in validators.PROFILES),
    *((brief, "briefing", f"ua-1,{part}") for brief in EXAMPLES for part in ("a-2b", "a-3b")),
    *(
        (brief, theme, standards)
        for brief in EXAMPLES
        for theme in ("dossier", "acme")
        for standards in ("ua-1,a-3b", "a-2b")
    ),
    ("marking", "briefing", "ua-1"),
]
CHECKS = [
    (brief, theme, standards, lang, name)
    for brief, theme, standards in CASES
    for lang in LANGS
    for name in standards.split(",")
]


@pytest.fixture(scope="session")
def typst_pdfs(tmp_path_factory: pytest.TempPathFactory):
    """`typst_pdfs(brief, theme, standards)` → {lang: PDF}, built once per session for each combination."""
    cache: dict[tuple[str, str, str], dict[str, Path]] = {}

    def build(brief: str, theme: str, standards: str) -> dict[str, Path]:
        key = (brief, theme, standards)
        if key not in cache:
            out = tmp_path_factory.mktemp(f"valid-{brief}-{theme}-{standards.replace(',', '+')}")
            source = MARKING if brief == "marking" else EXAMPLES[brief]
            args = ("--engine", "typst", "--theme", THEMES[theme], "--pdf-standard", standards, "--out", out)
            code, _stdout, stderr = run_cli("build", source, *args)
            assert code == 0, stderr
            cache[key] = {lang: next(out.glob(f"*.{lang}.pdf")) for lang in LANGS}
        return cache[key]

    return build


@pytest.mark.parametrize(
    ("brief", "theme", "standards", "lang", "standard"),
    CHECKS,
    ids=[f"{b}-{t}-{s.replace(',', '+')}-{lang}-{n}" for b, t, s, lang, n in CHECKS],
)
def test_the_validator_accepts_what_typst_writes(
    typst_pdfs, brief: str, theme: str, standards: str, lang: str, standard: str
) -> None:
    pdf = typst_pdfs(brief, theme, standards)[lang]
    failures = validators.page_failures(pdf, standard)
    assert not failures, f"{pdf.name} ({theme}, {standards}) fails {standard}:\n" + "\n".join(failures)
