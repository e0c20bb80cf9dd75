"""The project's file, briefgen.toml or [tool.briefgen] in pyproject.toml: where it is found, what wins, and
its mistakes located like a brief's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_cli

MINIMAL = FIXTURES / "minimal.yaml"


@pytest.fixture
def project(workdir: Path) -> Path:
    """A project folder (the root of a repository: the search stops there) holding the minimal brief."""
    (workdir / ".git").mkdir()
    shutil.copy(MINIMAL, workdir / "minimal.yaml")
    return workdir


def names(folder: Path) -> list[str]:
    """The files written in `folder`, its manifest, the manifest's lock and the record of what the build read
    aside (the build's records of its PDFs)."""
    kept = ("manifest.json", ".manifest.json.lock", ".uptodate.json")
    return sorted(p.name for p in folder.iterdir() if p.name not in kept) if folder.is_dir() else []


def column(text: str, line: int, needle: str) -> int:
    return text.splitlines()[line - 1].index(needle) + 1


# -- precedence ----------------------------------------------------------------------------------------


def test_the_default_without_a_file(project: Path) -> None:
    code, _, stderr = run_cli("build", "minimal.yaml", "--engine", "typst")
    assert code == 0, stderr
    assert names(project / "out") == ["minimal-brief.en.pdf", "minimal-brief.fr.pdf"]


def test_the_file_wins_over_the_defaults(project: Path) -> None:
    (project / "briefgen.toml").write_text(
        'briefs = "minimal.yaml"\nout = "pdfs"\nlanguages = ["en"]\nengine = "typst"\n', encoding="utf-8"
    )
    code, stdout, stderr = run_cli("build")
    assert code == 0, stderr
    assert names(project / "pdfs") == ["minimal-brief.en.pdf"]
    assert stdout.startswith("pdfs/minimal-brief.en.pdf  1 page")
    assert not (project / "out").exists()


def test_a_flag_wins_over_the_file(project: Path) -> None:
    (project / "briefgen.toml").write_text('out = "pdfs"\nlanguages = ["en"]\n', encoding="utf-8")
    code, _, stderr = run_cli("build", "minimal.yaml", "--engine", "typst", "--out", "mine", "--lang", "fr")
    assert code == 0, stderr
    assert names(project / "mine") == ["minimal-brief.fr.pdf"]
    assert not (project / "pdfs").exists()


def test_paths_in_the_file_are_relative_to_its_folder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "docs").mkdir()
    shutil.move(project / "minimal.yaml", project / "docs" / "minimal.yaml")
    (project / "briefgen.toml").write_text(
        'briefs = "docs"\nout = "build/pdf"\nformat = "typ"\n', encoding="utf-8"
    )
    below = project / "some" / "folder"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)  # the file is found in a parent folder
    code, stdout, stderr = run_cli("build")
    assert code == 0, stderr
    assert names(project / "build" / "pdf") == ["minimal-brief.en.typ", "minimal-brief.fr.typ"]
    assert stdout.splitlines()[0].startswith("../../build/pdf/minimal-brief.fr.typ  ")
    assert stderr.splitlines()[-1].startswith("2 .typ files written in ../../build/pdf/ in ")


def test_the_search_stops_at_the_repository_root(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "briefgen.toml").write_text('out = "elsewhere"\n', encoding="utf-8")  # outside the repository
    repo = project / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.move(project / "minimal.yaml", repo / "minimal.yaml")
    monkeypatch.chdir(repo)
    code, _, stderr = run_cli("build", "minimal.yaml", "--engine", "typst")
    assert code == 0, stderr
    assert (repo / "out").is_dir() and not (project / "elsewhere").exists()


def test_the_pyproject_table(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.other]\nout = 3\n\n[tool.briefgen]\nout = "pdfs"\nengine = "typst"\n',
        encoding="utf-8",
    )
    code, _, stderr = run_cli("build", "minimal.yaml")
    assert code == 0, stderr
    assert names(project / "pdfs") == ["minimal-brief.en.pdf", "minimal-brief.fr.pdf"]


def test_the_pyproject_table_written_inline(project: Path) -> None:
    """`[tool]` then `briefgen = {…}` is the same table as `[tool.briefgen]` in TOML: it was ignored."""
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool]\nbriefgen = {out = "pdfs", engine = "typst"}\n', encoding="utf-8"
    )
    code, _, stderr = run_cli("build", "minimal.yaml")
    assert code == 0, stderr
    assert names(project / "pdfs") == ["minimal-brief.en.pdf", "minimal-brief.fr.pdf"]


def test_a_pyproject_without_the_table_is_not_the_project_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = project / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n", encoding="utf-8")
    (project / "briefgen.toml").write_text('out = "pdfs"\nengine = "typst"\n', encoding="utf-8")
    monkeypatch.chdir(sub)
    code, _, stderr = run_cli("build", "../minimal.yaml")
    assert code == 0, stderr
    assert names(project / "pdfs") == ["minimal-brief.en.pdf", "minimal-brief.fr.pdf"]


def test_the_format_picks_its_engine(project: Path) -> None:
    code, _, stderr = run_cli("build", "minimal.yaml", "--format", "typ", "--lang", "en")
    assert code == 0, stderr
    assert names(project / "out") == ["minimal-brief.en.typ"]
    code, _, stderr = run_cli("build", "minimal.yaml", "--format", "tex", "--lang", "en")
    assert code == 0, stderr
    assert "\\documentclass" in (project / "out" / "minimal-brief.en.tex").read_text(encoding="utf-8")
    # the command line's format wins over the file's engine
    (project / "briefgen.toml").write_text('engine = "latex"\n', encoding="utf-8")
    code, _, stderr = run_cli("build", "minimal.yaml", "--format", "html", "--lang", "en")
    assert code == 0, stderr
    assert (project / "out" / "minimal-brief.en.html").is_file()


def test_a_format_and_another_engine_is_a_usage_error(project: Path) -> None:
    code, stdout, stderr = run_cli("build", "minimal.yaml", "--format", "typ", "--engine", "latex")
    assert (code, stdout) == (2, "")
    assert stderr.splitlines() == [
        "briefgen: --format typ is written by --engine typst, not by --engine latex"
    ]
    assert not (project / "out").exists()


def test_check_reads_the_file(project: Path) -> None:
    (project / "briefgen.toml").write_text('briefs = "minimal.yaml"\n', encoding="utf-8")
    code, stdout, stderr = run_cli("check")
    assert code == 0, stderr
    assert stdout.strip() == "1 brief checked: 0 error(s), 0 warning(s)"


# -- mistakes, located ----------------------------------------------------------------------------------


def test_an_unknown_key_is_located_with_a_did_you_mean(project: Path) -> None:
    text = '# the project\nout = "pdfs"\n  engin = "typst"\n'
    (project / "briefgen.toml").write_text(text, encoding="utf-8")
    for command in ("build", "check"):
        code, stdout, stderr = run_cli(command, "minimal.yaml")
        assert (code, stdout) == (2, "")
        assert stderr.splitlines() == ["briefgen.toml:3:3: unknown key 'engin' (did you mean 'engine'?)"]
    assert not (project / "pdfs").exists() and not (project / "out").exists()


def test_a_wrong_type_is_located_at_its_value(project: Path) -> None:
    text = '[tool.other]\njobs = "x"\n\n[tool.briefgen]\nout = "pdfs"\njobs = "4"\nlanguages = "fr"\n'
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    code, _, stderr = run_cli("build", "minimal.yaml")
    assert code == 2
    assert stderr.splitlines() == [
        "pyproject.toml:6:8: jobs: must be an integer, not a string",
        'pyproject.toml:7:13: languages: must be an array of language codes, e.g. ["fr", "en"], not a string',
    ]
    assert not (project / "pdfs").exists()


TYPS = '"typs"'


@pytest.mark.parametrize(
    "table",
    [
        '[tool]\nbriefgen = { engine = "typs", jobs = 0, enginee = "x" }\n',
        '[tool]\nbriefgen.engine = "typs"\nbriefgen . jobs = 0\n"briefgen".enginee = "x"\n',
    ],
    ids=["inline", "dotted"],
)
def test_the_pyproject_table_written_in_its_parent_is_located_at_each_key(project: Path, table: str) -> None:
    """`[tool]` then `briefgen = {…}` or `briefgen.key = …`: each mistake at its key or value, not at 1:1."""
    text = '[project]\nname = "x"\n\n' + table
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    code, _, stderr = run_cli("build", "minimal.yaml")
    assert code == 2
    lines = text.splitlines()
    where = {
        needle: f"pyproject.toml:{n}:{line.index(needle) + 1}"
        for needle in (TYPS, "0", "enginee")
        for n, line in enumerate(lines, 1)
        if needle in line and line.startswith(("briefgen", '"briefgen"'))
    }
    assert sorted(stderr.splitlines()) == sorted(
        [
            f"{where['enginee']}: unknown key 'enginee' (did you mean 'engine'?)",
            f"{where[TYPS]}: engine: unknown engine 'typs' (did you mean 'typst'? one of: weasyprint, typst, "
            "latex)",
            f"{where['0']}: jobs: must be at least 1, not 0",
        ]
    )
    assert not (project / "out").exists()


def test_bad_values_are_located_and_reported_together(project: Path) -> None:
    text = 'engine = "typs"\njobs = 0\ntimeout = -1\nbriefs = "nowhere"\nformat = "odt"\ntheme = "nope"\n'
    (project / "briefgen.toml").write_text(text, encoding="utf-8")
    code, _, stderr = run_cli("build", "minimal.yaml")
    assert code == 2
    assert stderr.splitlines() == [
        "briefgen.toml:1:10: engine: unknown engine 'typs' (did you mean 'typst'? one of: weasyprint, typst, latex)",
        "briefgen.toml:2:8: jobs: must be at least 1, not 0",
        "briefgen.toml:3:11: timeout: must be a number of seconds above 0 and at most 86400 (a day), not -1",
        "briefgen.toml:4:10: briefs: no such file or folder: nowhere",
        "briefgen.toml:5:10: format: unknown format 'odt' (one of: pdf, html, typ, tex, docx)",
        "briefgen.toml:6:9: theme: no theme 'nope': not a built-in theme (briefing, dossier) nor a folder nope "
        "holding a theme.yaml",
    ]


def test_a_format_and_another_engine_in_the_file(project: Path) -> None:
    text = 'engine = "latex"\nformat   =   "typ"\n'
    (project / "briefgen.toml").write_text(text, encoding="utf-8")
    code, _, stderr = run_cli("build", "minimal.yaml")
    assert code == 2
    at = column(text, 2, '"typ"')
    assert stderr.splitlines() == [
        f"briefgen.toml:2:{at}: format: 'typ' is written by another engine than 'latex' "
        "(which writes tex): remove 'engine' or change it"
    ]


def test_a_toml_syntax_error_is_located(project: Path) -> None:
    (project / "briefgen.toml").write_text('out = "pdfs"\njobs = = 2\n', encoding="utf-8")
    code, _, stderr = run_cli("build", "minimal.yaml")
    assert code == 2 and "Traceback" not in stderr
    assert stderr.splitlines() == ["briefgen.toml:2:8: TOML syntax error: invalid value"]


def test_a_toml_file_nested_too_deep_is_located_not_a_traceback(project: Path) -> None:
    (project / "briefgen.toml").write_text(
        'out = "pdfs"\nx = ' + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8"
    )
    code, _, stderr = run_cli("build", "minimal.yaml")
    assert code == 2 and "Traceback" not in stderr
    assert stderr.splitlines() == [
        "briefgen.toml:2:105: arrays or tables nested more than 100 deep: a project file needs 2"
    ]
    assert names(project / "pdfs") == []


def test_a_config_file_named_and_missing_is_an_error(project: Path) -> None:
    code, _, stderr = run_cli("build", "minimal.yaml", "--config", "nope.toml")
    assert code == 2
    assert stderr.splitlines() == ["nope.toml: no such config file"]
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    code, _, stderr = run_cli("check", "minimal.yaml", "--config", "pyproject.toml")
    assert code == 2
    assert stderr.splitlines() == ["pyproject.toml: no [tool.briefgen] table"]
