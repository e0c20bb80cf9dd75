"""The engine registry is the one place an engine is named: a fourth engine (tests/plaintext, a plain-text writer),
added to briefgen.backends.BACKENDS by one entry, is accepted by the command line (--engine, --format), the
project file, `doctor` and rendering, with no other change to briefgen."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from briefgen import backends
from tests import plaintext
from tests.conftest import FIXTURES, ROOT, run_cli

MINIMAL = FIXTURES / "minimal.yaml"

TEMPLATE = """\
{{ doc.title }}
{{ doc.headline | inline }}

{{ doc.summary | inline }}
{% for section in doc.sections %}
== {{ section.title | inline }}
{% endfor %}

-- tokens
{{ tokens_block }}
"""


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> backends.Backend:
    """The plain-text engine, as one more entry of the registry (for this test only)."""
    monkeypatch.setitem(backends.BACKENDS, plaintext.BACKEND.name, plaintext.BACKEND)
    return plaintext.BACKEND


@pytest.fixture
def theme(workdir: Path) -> Path:
    """A theme of its own holding the plain-text engine's template: the briefing theme's design values, and a
    `text/` folder, the engine's folder."""
    folder = workdir / "plain-theme"
    (folder / "text").mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "briefing" / "theme.yaml", folder / "theme.yaml")
    (folder / "text" / "brief.txt.j2").write_text(TEMPLATE, encoding="utf-8")
    shutil.copy(MINIMAL, workdir / "minimal.yaml")
    return folder


def written(path: Path) -> str:
    assert path.is_file(), f"{path} was not written"
    return path.read_text(encoding="utf-8")


def test_an_engine_the_registry_does_not_hold_is_refused(theme: Path) -> None:
    code, _out, err = run_cli("build", "minimal.yaml", "--engine", "plaintext", "--theme", theme)
    assert code == 2
    assert "Invalid value for '--engine': 'plaintext' is not one of 'weasyprint', 'typst', 'latex'" in err
    code, _out, err = run_cli("build", "minimal.yaml", "--format", "txt", "--theme", theme)
    assert code == 2
    assert "'txt' is not one of 'pdf', 'html', 'typ', 'tex'" in err


def test_engine_and_format_write_its_source_through_its_templates(
    registered: backends.Backend, theme: Path, workdir: Path
) -> None:
    args = (
        "build",
        "minimal.yaml",
        "--engine",
        "plaintext",
        "--format",
        "txt",
        "--theme",
        theme,
        "--lang",
        "en",
    )
    code, out, err = run_cli(*args)
    assert code == 0, err
    assert out.startswith("out/minimal-brief.en.txt")
    text = written(workdir / "out" / "minimal-brief.en.txt")
    lines = text.splitlines()
    assert lines[:2] == ["A test headline", "A test headline"], text
    assert "The budget reaches" in text and "staff." in text
    assert "== First part" in lines
    # the theme's tokens, written by the engine's own token writer
    assert "colour-primary: #15325b" in lines, text
    assert not any(p.suffix == ".pdf" for p in (workdir / "out").iterdir())


def test_its_format_picks_it_and_the_help_lists_it(
    registered: backends.Backend, theme: Path, workdir: Path
) -> None:
    code, _out, err = run_cli("build", "minimal.yaml", "--format", "txt", "--theme", theme, "--lang", "fr")
    assert code == 0, err
    assert "Un titre de test" in written(workdir / "out" / "minimal-brief.fr.txt")
    code, out, _err = run_cli("build", "--help")
    assert code == 0
    assert "[weasyprint|typst|latex|plaintext]" in out
    assert "[pdf|html|typ|tex|txt|docx]" in out
    code, _out, err = run_cli(
        "build", "minimal.yaml", "--format", "txt", "--engine", "typst", "--theme", theme
    )
    assert code == 2
    assert "--format txt is written by --engine plaintext, not by --engine typst" in err


def test_the_project_file_accepts_it(registered: backends.Backend, theme: Path, workdir: Path) -> None:
    (workdir / ".git").mkdir()
    config = workdir / "briefgen.toml"
    config.write_text(
        'briefs = "minimal.yaml"\nengine = "plaintext"\nformat = "txt"\ntheme = "plain-theme"\nlanguages = ["en"]\n',
        encoding="utf-8",
    )
    code, _out, err = run_cli("build")
    assert code == 0, err
    assert "A test headline" in written(workdir / "out" / "minimal-brief.en.txt")
    config.write_text('engine = "plaintex"\nformat = "text"\n', encoding="utf-8")
    code, _out, err = run_cli("build")
    assert code == 2
    assert (
        "briefgen.toml:1:10: engine: unknown engine 'plaintex' (did you mean 'plaintext'? one of: weasyprint, "
        "typst, latex, plaintext)" in err
    ), err
    assert (
        "briefgen.toml:2:10: format: unknown format 'text' (did you mean 'txt'? one of: pdf, html, typ, tex, txt, docx)"
        in err
    ), err


def test_a_pdf_is_refused_with_the_format_it_writes(
    registered: backends.Backend, theme: Path, workdir: Path
) -> None:
    code, _out, err = run_cli("build", "minimal.yaml", "--engine", "plaintext", "--theme", theme)
    assert code == 2
    assert err.strip() == "briefgen: the plaintext engine writes no PDF: build with --format txt"
    assert not (workdir / "out").exists()


def test_a_standard_it_refuses_is_refused_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, theme: Path, workdir: Path
) -> None:
    """The standards an entry refuses, and the engines that write one instead, are the registry's."""
    typesetting = dataclasses.replace(plaintext.BACKEND, pdf=True)
    monkeypatch.setitem(backends.BACKENDS, typesetting.name, typesetting)
    args = ("build", "minimal.yaml", "--engine", "plaintext", "--pdf-standard", "ua-1", "--theme", theme)
    code, _out, err = run_cli(*args)
    assert code == 2
    assert (
        "--pdf-standard ua-1: the plaintext engine does not write ua-1 (plain text has no tags); engines that "
        "write it: weasyprint, typst" in err
    ), err
    assert not (workdir / "out").exists()


def test_doctor_reports_it_with_its_own_check(registered: backends.Backend) -> None:
    _code, out, _err = run_cli("doctor")
    names = [line.split()[1] for line in out.splitlines()]
    assert names[:4] == ["weasyprint", "typst", "latex", "plaintext"], out
    (line,) = [line for line in out.splitlines() if line.split()[1] == "plaintext"]
    assert line.split() == ["ok", "plaintext", "writes", "plain", "text;", "needs", "nothing"]


def test_doctor_checks_the_program_an_engine_runs_by_its_name(
    monkeypatch: pytest.MonkeyPatch, workdir: Path
) -> None:
    """An engine with no check of its own that runs a program: doctor looks for that program (not LuaLaTeX)."""
    monkeypatch.delattr(plaintext, "doctor")
    engine = dataclasses.replace(plaintext.BACKEND, program="txtset", install="pip install txtset")
    monkeypatch.setitem(backends.BACKENDS, engine.name, engine)
    bin_dir = workdir / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    def plaintext_line() -> list[str]:
        _code, out, _err = run_cli("doctor")
        (line,) = [line for line in out.splitlines() if line.split()[1] == "plaintext"]
        return line.split()

    assert plaintext_line() == [
        "missing",
        "plaintext",
        "txtset",
        "is",
        "not",
        "on",
        "PATH",
        "(pip",
        "install",
        "txtset)",
    ]
    program = bin_dir / "txtset"
    program.write_text("#!/bin/sh\necho 'txtset 1.2'\n", encoding="utf-8")
    program.chmod(0o755)
    assert plaintext_line() == ["ok", "plaintext", f"{program}:", "txtset", "1.2"]
