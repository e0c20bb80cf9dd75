"""Every standard an engine claims, judged by validators the project did not write (tests/validators.py).

The matrix: each engine × each set of standards it writes × both example briefs × both languages, on the
`briefing` theme; then the `dossier` theme and the README's worked-example theme (acme) with PDF/UA-1 beside
PDF/A-3b and with PDF/A-2b; and a draft with a classification banner. One build per brief, engine, theme and
standards gives both languages, and one test checks both against every standard of the set, listing every rule
that fails. The PDFs claiming PDF/UA-1 are read again by outloud, in one run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from briefgen.backends import BACKENDS
from briefgen.distribution.inspect import inspect
from tests import validators
from tests.conftest import FIXTURES, ROOT, engines, require_tool, run_cli

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


@pytest.fixture
def build(standard_pdfs):
    """`build(case)` → {lang: PDF}, built once per session (conftest's standard_pdfs)."""

    def made(case: tuple[str, tuple[str, ...], str, Path]) -> dict[str, Path]:
        engine, standards, theme, brief = case
        return standard_pdfs(engine, standards, ACME if theme == "acme" else theme, brief)

    return made


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=_id(c), marks=pytest.mark.latex if c[0] == "latex" else ()) for c in CASES]
)
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
    require_tool("qpdf", "checking a PDF's syntax")
    for pdf in pdfs.values():
        checked = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, f"qpdf --check {pdf.name}:\n{checked.stdout}{checked.stderr}"
    alarms = [
        f"{pdf.name}: {f.check}: {f.reason}"
        for pdf in pdfs.values()
        for f in inspect(pdf).findings
        if not f.passed
    ]
    assert not alarms, "inspect fails what page-validation passes:\n" + "\n".join(alarms)


@pytest.mark.parametrize("engine", engines(*(e for e in BACKENDS if ("ua-1",) in _claimed(e))))
def test_outloud_finds_no_error_and_no_running_text_tagged_as_content(build, engine: str) -> None:
    """A second opinion on the PDFs that claim PDF/UA-1, in both themes, the worked example and the draft:
    no error, and no running header, footer or banner tagged as content (they are artifacts)."""
    cases = [c for c in CASES if c[0] == engine and "ua-1" in c[1] and c[1] != ("ua-1", "a-2b")]
    pdfs = [pdf for case in cases for pdf in build(case).values()]
    found = validators.outloud_failures(pdfs)
    failures = [f"{pdf.parent.name}/{pdf.name}: {line}" for pdf in pdfs for line in found[pdf]]
    assert not failures, f"{engine}: outloud finds {len(failures)} problems:\n" + "\n".join(failures)


# -- inspect against the validator -----------------------------------------------------------------------

# Each of inspect's checks and the page-validation rules that judge the same thing: when the validator fails one
# of these rules, inspect must fail the check (it never says "pass" where the validator fails what it checks).
CHECK_RULES = {
    "language": ("PDFUA1-TEXT-LANGUAGE-",),
    "title": ("PDFUA1-VIEWER-PREFERENCES-", "PDFUA1-TITLE-"),
    "marked": ("PDFUA1-TAGGED-DOCUMENT-",),
    "figures have alt text": ("PDFUA1-FIGURE-ALTERNATIVE-TEXT-",),
    "fonts embedded": ("PDFUA1-FONT-EMBEDDING-", "PDFA3B-FONT-EMBEDDING-"),
    "attachments described": ("PDFA3B-FILE-SPEC-AF-RELATIONSHIP-",),
    "claims a-3b": ("PDFA3B-ID-PART-", "PDFA3B-ID-CONFORMANCE-"),
    "content tagged": ("PDFUA1-CONTENT-TAGGING-",),
}


def _structure(pdf, change) -> None:
    """Call `change` on every element of the structure tree, each once."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    todo = [pdf.Root.StructTreeRoot]
    while todo:
        node = todo.pop()
        if not isinstance(node, pikepdf.Dictionary) or (node.is_indirect and node.objgen in seen):
            continue
        seen.add(node.objgen)
        change(node)
        kids = node.get("/K")
        todo += list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]


def _no_alt(pdf) -> None:
    _structure(pdf, lambda node: node.get("/S") == "/Figure" and "/Alt" in node and node.__delitem__("/Alt"))


def _no_font_file(pdf) -> None:
    for font in pdf.pages[0].Resources.Font.values():
        for each in [font, *font.get("/DescendantFonts", [])]:
            descriptor = each.get("/FontDescriptor")
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if descriptor is not None and key in descriptor:
                    del descriptor[key]


def _no_pdfaid(pdf) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        del xmp["pdfaid:part"]


def _no_relationship(pdf) -> None:
    del pdf.Root.Names.EmbeddedFiles.Names[1]["/AFRelationship"]


TAMPERED = {
    "no /Lang": lambda pdf: pdf.Root.__delitem__("/Lang"),
    "title not shown": lambda pdf: setattr(pdf.Root.ViewerPreferences, "DisplayDocTitle", False),
    "not marked": lambda pdf: pdf.Root.__delitem__("/MarkInfo"),
    "a figure without alt text": _no_alt,
    "a font not embedded": _no_font_file,
    "no pdfaid:part": _no_pdfaid,
    "an attached file without relationship": _no_relationship,
}


@pytest.mark.parametrize("tamper", TAMPERED)
def test_inspect_fails_what_the_validator_fails(build, tmp_path: Path, tamper: str) -> None:
    """A PDF that passes both (Typst, ua-1 and a-3b, the AI Alliance brief with its figure) is changed in one
    way: page-validation fails it, and inspect fails the checks of the rules that fail, and exits 1."""
    import pikepdf

    good = build(("typst", ("ua-1", "a-3b"), "briefing", ALLIANCE))["en"]
    bad = tmp_path / good.name
    with pikepdf.open(good) as pdf:
        TAMPERED[tamper](pdf)
        pdf.save(bad)
    failed = [
        line.split(":")[0]
        for standard in ("ua-1", "a-3b")
        for line in validators.page_failures(bad, standard)
    ]
    assert failed, f"page-validation finds nothing wrong with {tamper}"
    found = {f.check: f for f in inspect(bad).findings}
    owed = [check for check, rules in CHECK_RULES.items() if any(r.startswith(rules) for r in failed)]
    assert owed, f"no check of inspect covers {failed}"
    passed = [check for check in owed if check not in found or found[check].passed]
    assert not passed, f"{tamper}: page-validation fails {failed}, inspect passes {passed}"
    code, stdout, _ = run_cli("inspect", bad)
    assert code == 1 and "exit 1:" in stdout
