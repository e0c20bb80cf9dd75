"""Incremental builds, as a user runs them: an output whose inputs are unchanged is "up to date" and left as it
is; a change to any input it is made from (brief, source, figure, theme template, theme value, font, catalog,
engine, option, briefgen's version, the engine's version) builds it again; so do `--force`, a PDF deleted or
edited in out/, and a manifest record that is missing, corrupt or hostile.

Each test starts from a project whose folder holds the record of its last build (briefgen.uptodate), so that a
build asked again is answered from that record first: every change below is one the record must see."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

import briefgen
from briefgen import build as pipeline
from briefgen import digests, uptodate
from briefgen.backends import workers
from briefgen.distribution import manifest
from tests.conftest import FIXTURES, ROOT, run_cli

EN = "minimal-brief.en.pdf"
ACME = FIXTURES / "themes" / "acme"
ELEMENTS = FIXTURES / "elements"
BUILD = ("build", "brief/brief.yaml", "--lang", "en", "--engine", "typst", "--theme", "theme", "--out", "out")


def _brief() -> str:
    """The minimal brief with a source file and a figure."""
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("  language: en\n", "  language: en\n  file: source.en.txt\n", 1)
    figure = (
        "      - figure:\n"
        "          file: chart.svg\n"
        "          alt: {en: Two bars, fr: Deux barres}\n"
        "          caption: {en: The chart, fr: Le graphique}\n"
    )
    return text.replace("    subsections:\n", figure + "    subsections:\n", 1)


@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project built once with Typst: brief/ (the brief, its source file, its figure), theme/ (acme, which
    extends briefing, with its own fonts, a Typst template and an English catalog of its own) and out/."""
    root = tmp_path_factory.mktemp("incremental")
    (root / "brief").mkdir()
    (root / "brief" / "brief.yaml").write_text(_brief(), encoding="utf-8")
    (root / "brief" / "source.en.txt").write_text("The report says the budget is 2.5 million.\n")
    shutil.copy(ELEMENTS / "chart.svg", root / "brief" / "chart.svg")
    shutil.copytree(ACME, root / "theme")
    (root / "theme" / "typst").mkdir()
    shutil.copy(ROOT / "templates" / "briefing" / "typst" / "summary.typ.j2", root / "theme" / "typst")
    (root / "theme" / "catalogs").mkdir()
    (root / "theme" / "catalogs" / "en.yaml").write_text("strings:\n  key_facts: Key facts\n")
    cwd = Path.cwd()
    os.chdir(root)
    try:
        code, _stdout, stderr = run_cli(*BUILD)
    finally:
        os.chdir(cwd)
    assert code == 0, stderr
    return root


def settle() -> None:
    """Wait until the files just written are older than a build about to start by more than the margin its
    record keeps for a file changed as it read it (briefgen.uptodate.SETTLE_NS): that build is recorded."""
    time.sleep(2 * uptodate.SETTLE_NS / 1e9)


@pytest.fixture
def project(built_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built project, made current: its PDF up to date, and the record of that build in out/."""
    copy = tmp_path / "project"
    shutil.copytree(built_project, copy, symlinks=True)
    monkeypatch.chdir(copy)
    (copy / "out" / uptodate.NAME).unlink(missing_ok=True)
    settle()
    build()
    assert (copy / "out" / uptodate.NAME).is_file()
    return copy


def build(*extra: str) -> tuple[str, str]:
    """`briefgen build` of the project's brief in English, with Typst; its stdout and stderr (exit 0)."""
    code, stdout, stderr = run_cli(*BUILD, *extra)
    assert code == 0, stderr
    assert "Traceback" not in stdout + stderr
    return stdout, stderr


def fingerprint(out: Path) -> str | None:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"][EN].get("fingerprint")


def text_of(pdf: Path) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(pdf).pages)


def assert_rebuilt(project: Path, before: str | None, *extra: str) -> str:
    """Build: the PDF is written again (its line gives pages and size, not "up to date") under a new
    fingerprint. Its text."""
    stdout, stderr = build(*extra)
    assert re.fullmatch(r"out/minimal-brief\.en\.pdf  \d+ pages?  [\d.]+ KiB  \d+\.\d\d s\n", stdout), stdout
    assert re.match(r"1 PDF written in out/ in ", stderr.splitlines()[-1]), stderr
    after = fingerprint(project / "out")
    assert after is not None and after != before
    return text_of(project / "out" / EN)


def assert_up_to_date() -> None:
    stdout, stderr = build()
    assert stdout == "out/minimal-brief.en.pdf  up to date\n"
    assert re.fullmatch(r"0 PDFs written, 1 up to date in out/ in \d+\.\d\d s\n", stderr), stderr


def test_an_unchanged_build_is_up_to_date_and_touches_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_engine() -> None:
        raise AssertionError("an engine worker was asked for")

    def no_plan(*_args: object) -> None:
        raise AssertionError("the briefs were read: the record alone tells that the build is up to date")

    monkeypatch.setattr(workers, "pool", no_engine)
    monkeypatch.setattr(pipeline, "plan", no_plan)
    out = project / "out"
    files = (out / EN, out / "manifest.json", out / uptodate.NAME)
    before = {f: (f.read_bytes(), f.stat().st_mtime_ns, f.stat().st_ino) for f in files}
    assert_up_to_date()
    assert {f: (f.read_bytes(), f.stat().st_mtime_ns, f.stat().st_ino) for f in files} == before
    assert sorted(p.name for p in out.iterdir()) == [
        ".manifest.json.lock",
        uptodate.NAME,
        "manifest.json",
        EN,
    ]


def test_without_its_record_an_unchanged_build_is_up_to_date(project: Path) -> None:
    """The full build decides (each output's fingerprint) and leaves the record for the next one."""
    record = project / "out" / uptodate.NAME
    kept = record.read_bytes()
    record.unlink()
    assert_up_to_date()
    assert record.read_bytes() == kept


def test_touching_an_input_without_changing_it_is_up_to_date(project: Path) -> None:
    for file in (project / "brief" / "brief.yaml", project / "theme" / "theme.yaml"):
        os.utime(file, (1_000_000_000, 1_000_000_000))
    assert_up_to_date()


def _edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        file = project / path
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _swap_font(project: Path) -> None:
    fonts = project / "theme" / "fonts"
    shutil.copy(fonts / "AtkinsonHyperlegible-Italic.ttf", fonts / "AtkinsonHyperlegible-Regular.ttf")


def _redraw_figure(project: Path) -> None:
    figure = project / "brief" / "chart.svg"
    figure.write_text(figure.read_text(encoding="utf-8").replace("</svg>", "<!-- redrawn --></svg>"))


CHANGES: dict[str, tuple[Callable[[Path], None], str | None]] = {
    # input → (the change, a word the rebuilt PDF then shows)
    "brief text": (_edit("brief/brief.yaml", "A test headline", "A changed headline"), "A changed headline"),
    "source file": (_edit("brief/source.en.txt", "2.5 million", "3 million"), None),
    "figure": (_redraw_figure, None),
    "theme template": (_edit("theme/typst/summary.typ.j2", "\n", "\n// changed\n"), None),
    "theme manifest value": (_edit("theme/theme.yaml", '"#00a878"', '"#a80000"'), None),
    "font file": (_swap_font, None),
    "catalog override": (
        _edit("theme/catalogs/en.yaml", "Key facts", "Essential figures"),
        "ESSENTIAL FIGURES",
    ),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_changed_input_is_built_again(project: Path, change: str) -> None:
    edit, shown = CHANGES[change]
    before = fingerprint(project / "out")
    edit(project)
    pipeline.forget()  # as a new process: this one loaded the catalogs for the build before the edit
    text = assert_rebuilt(project, before)
    if shown is not None:
        assert shown in text
    assert_up_to_date()  # and once built, it is up to date again


def test_another_engine_builds_again(project: Path) -> None:
    before = fingerprint(project / "out")
    code, stdout, stderr = run_cli(*BUILD, "--engine", "weasyprint")
    assert code == 0, stderr
    assert "up to date" not in stdout and stdout.startswith("out/minimal-brief.en.pdf  ")
    entry = manifest.read(project / "out")[EN]
    assert entry.engine == "weasyprint" and entry.replaced == "typst" and entry.fingerprint != before


def test_another_option_builds_again(project: Path) -> None:
    assert_rebuilt(project, fingerprint(project / "out"), "--pdf-standard", "a-2b")
    assert manifest.read(project / "out")[EN].standards == ["a-2b"]


def test_another_briefgen_version_builds_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(briefgen, "__version__", "99.0.0")
    assert_rebuilt(project, fingerprint(project / "out"))


def test_another_engine_version_builds_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digests, "engine_version", lambda backend: "99.0.0")
    assert_rebuilt(project, fingerprint(project / "out"))
    assert manifest.read(project / "out")[EN].engine_version == "99.0.0"


def test_force_builds_again(project: Path) -> None:
    pdf = project / "out" / EN
    before = pdf.stat().st_ino
    stdout, _stderr = build("--force")
    assert not stdout.endswith("up to date\n") and stdout.startswith("out/minimal-brief.en.pdf  ")
    assert pdf.stat().st_ino != before, "the file was written again"
    assert fingerprint(project / "out") is not None
    assert_up_to_date()


def test_a_deleted_pdf_is_built_again(project: Path) -> None:
    (project / "out" / EN).unlink()
    assert_rebuilt(project, None)
    assert "A test headline" in text_of(project / "out" / EN)


def test_an_edited_pdf_is_built_again(project: Path) -> None:
    pdf = project / "out" / EN
    good = pdf.read_bytes()
    pdf.write_bytes(good.replace(b"%%EOF", b"%%EOF\n% appended"))
    assert_rebuilt(project, None)
    assert pdf.read_bytes() == good, "Typst writes the same bytes from the same inputs"


def test_a_pdf_replaced_by_a_link_is_built_again(project: Path) -> None:
    pdf = project / "out" / EN
    kept = project / "kept.pdf"
    pdf.rename(kept)
    pdf.symlink_to(kept)  # the same bytes, through a link: not a file the build wrote
    assert_rebuilt(project, None)
    assert not pdf.is_symlink()


HOSTILE = {
    "not a sha256": "0" * 63 + "g",
    "upper case": "A" * 64,
    "a number": 7,
    "an object": {"__class__": "os.system", "args": ["touch pwned"]},
    "a list": ["f" * 64],
    "null": None,
    "escape sequences": "\x1b[2J" + "0" * 60,
    "very long": "0" * 100_000,
}


@pytest.mark.parametrize("record", HOSTILE.values(), ids=list(HOSTILE))
def test_a_corrupt_or_hostile_record_is_stale(project: Path, record: object) -> None:
    path = project / "out" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["files"][EN]["fingerprint"] = record
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert_rebuilt(project, None)
    assert not (project / "pwned").exists()
    assert_up_to_date()


def test_a_matching_record_of_another_file_is_stale(project: Path) -> None:
    """A record whose fingerprint matches but whose sha256 is not the file's: the file is not the one built."""
    path = project / "out" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["files"][EN]["sha256"] = "0" * 64
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    before = fingerprint(project / "out")
    stdout, _stderr = build()
    assert stdout.startswith("out/minimal-brief.en.pdf  ") and "up to date" not in stdout
    assert fingerprint(project / "out") == before  # the same inputs: the same fingerprint, now with its file
    assert_up_to_date()


def test_a_manifest_without_fingerprints_builds_once(project: Path) -> None:
    """A folder built by an earlier briefgen (no fingerprint): built again once, then up to date."""
    path = project / "out" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["files"][EN]["fingerprint"]
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert_rebuilt(project, None)
    assert_up_to_date()
