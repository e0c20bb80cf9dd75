"""The program's quick answer (briefgen.quick): a `build` read without click gives the paths and settings click
gives, anything it does not read is left to click, and an up-to-date build prints what `build` prints."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from briefgen import quick, uptodate
from briefgen.cli import main
from tests.conftest import FIXTURES

PROJECT = 'engine = "typst"\nlanguages = ["en"]\ntheme = "dossier"\njobs = 3\n'


class _Asked(Exception):
    """Raised in place of the record's check, with what it was asked."""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (the working folder) with a brief, an out/ folder and a project file."""
    (tmp_path / "briefs").mkdir()
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "briefs" / "minimal.yaml")
    (tmp_path / "out").mkdir()
    (tmp_path / "other.toml").write_text('engine = "latex"\nattach = "none"\n', encoding="utf-8")
    (tmp_path / "briefgen.toml").write_text(PROJECT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def asked(paths: list[Path], settings: Any) -> None:
        raise _Asked(paths, settings)

    monkeypatch.setattr(uptodate, "known", asked)
    return tmp_path


def _by_click(argv: list[str]) -> tuple[Any, ...]:
    done = CliRunner().invoke(main, argv)
    assert isinstance(done.exception, _Asked), done.output
    return done.exception.args


def _by_quick(argv: list[str]) -> tuple[Any, ...]:
    with pytest.raises(_Asked) as asked:
        quick.answered(argv, 0.0)
    return asked.value.args


@pytest.mark.parametrize(
    "argv",
    [
        ["build"],
        ["build", "-q"],
        ["-q", "build", "briefs/minimal.yaml"],
        ["build", "briefs", "--lang", "fr,en", "--engine", "weasyprint", "--out", "out"],
        ["build", "--lang=fr", "--engine=latex", "--theme", "briefing", "briefs/minimal.yaml"],
        [
            "build",
            "--out",
            "elsewhere",
            "--format",
            "pdf",
            "--pdf-standard",
            "ua-1,a-3b",
            "--attach",
            "record",
        ],
        ["build", "--strict", "-j", "2", "--timeout", "30", "--jobs=5", "missing.yaml"],
        ["build", "--config", "other.toml", "--lang", " en , fr ,"],
        ["build", "--config=other.toml", "--engine", "typst", "--timeout=1.5"],
    ],
)
def test_a_build_is_read_as_click_reads_it(project: Path, argv: list[str]) -> None:
    """The paths and the settings (command line over project file over defaults) are click's."""
    assert _by_quick(argv) == _by_click(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["--version"],
        ["check"],
        ["-v", "build"],
        ["build", "-v"],
        ["build", "-qq"],
        ["build", "--force"],
        ["build", "--debug"],
        ["build", "--format", "typ"],
        ["build", "--engine", "nope"],
        ["build", "--lang", ""],
        ["build", "--lang", ","],
        ["build", "--lang"],
        ["build", "--jobs", "0"],
        ["build", "--jobs", "2_0"],
        ["build", "-j=2"],
        ["build", "-j2"],
        ["build", "--timeout", "inf"],
        ["build", "--pdf-standard", "ua-9"],
        ["build", "--attach", "some"],
        ["build", "--out", "briefgen.toml"],  # a file where a folder is asked
        ["build", "--config", "briefs"],  # a folder where a file is asked
        ["build", "--templates", "x"],
        ["build", "--out", "-q"],
        ["build", "--", "briefs"],
        ["build", "--unknown"],
    ],
)
def test_anything_else_is_left_to_click(project: Path, argv: list[str]) -> None:
    with pytest.raises(quick.Unusual):
        quick.read(argv)


def test_a_project_file_that_warns_is_left_to_click(project: Path) -> None:
    """briefgen.toml beside a pyproject.toml with a [tool.briefgen] table: the warning is click's to give."""
    (project / "pyproject.toml").write_text('[tool.briefgen]\nengine = "typst"\n', encoding="utf-8")
    assert quick.answered(["build", "-q"], 0.0) is False


@pytest.mark.parametrize(
    ("warnings", "quiet", "answered"),
    [([], False, True), (["a warning"], False, False), (None, False, False), (["a warning"], True, True)],
)
def test_warnings_to_give_again_are_left_to_click(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    warnings: list[str] | None,
    quiet: bool,
    answered: bool,
) -> None:
    """An up-to-date build that gave warnings gives them again, through the command line's logging; under -q
    there is nothing to give."""
    found = uptodate.Known([Path("out/minimal-brief.en.pdf")], warnings)
    monkeypatch.setattr(uptodate, "known", lambda paths, settings: found)
    argv = ["build", *(["-q"] if quiet else [])]
    assert quick.answered(argv, 0.0) is answered
    said = capsys.readouterr()
    if answered and not quiet:
        assert said.out == "out/minimal-brief.en.pdf  up to date\n"
        assert said.err.startswith("0 PDFs written, 1 up to date in out/ in ")
    else:
        assert said.out == said.err == ""


def test_an_up_to_date_build_says_what_the_command_line_says(tmp_path: Path) -> None:
    """Built once, then asked again through the program (answered without click) and through the command line:
    the same lines, the same exit code."""
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "minimal.yaml")
    argv = ["build", "minimal.yaml", "--engine", "typst", "--lang", "en,fr", "--out", "out"]
    program = [str(Path(sys.executable).parent / "briefgen"), *argv]
    first = subprocess.run(program, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "up to date" not in first.stdout
    quick_run = subprocess.run(program, cwd=tmp_path, capture_output=True, text=True, check=True)
    code = "import sys; from briefgen.cli import main; sys.argv[0] = 'briefgen'; main()"
    click_run = subprocess.run(
        [sys.executable, "-c", code, *argv], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert (
        quick_run.stdout
        == click_run.stdout
        == "out/minimal-brief.en.pdf  up to date\nout/minimal-brief.fr.pdf  up to date\n"
    )
    timing = r" in [0-9.]+ s$"
    import re

    assert re.sub(timing, "", quick_run.stderr.strip()) == re.sub(timing, "", click_run.stderr.strip())
    assert quick_run.stderr.startswith("0 PDFs written, 2 up to date in out/ in ")


PROGRAM = str(Path(sys.executable).parent / "briefgen")


@pytest.mark.slow
@pytest.mark.parametrize("program", [[PROGRAM], [sys.executable, "-m", "briefgen"]], ids=["script", "module"])
def test_the_program_ends_with_what_it_wrote_flushed_and_the_command_s_exit_code(
    tmp_path: Path, program: list[str]
) -> None:
    """The program ends without the interpreter's finalization (briefgen.quick.program): what it wrote into a
    pipe, which Python buffers, is all there, and the exit code is the command's."""
    schema = subprocess.run([*program, "schema"], capture_output=True, text=True, cwd=tmp_path)
    assert schema.returncode == 0, schema.stderr
    assert schema.stdout == CliRunner().invoke(main, ["schema"]).stdout  # every byte, through the pipe
    assert len(schema.stdout) > 40_000  # the schema (46 KB), not an error line
    missing = subprocess.run(
        [*program, "build", "nowhere.yaml"], capture_output=True, text=True, cwd=tmp_path
    )
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "nowhere.yaml: no such file or folder\n"
    usage = subprocess.run([*program, "build", "--jobs", "0"], capture_output=True, text=True, cwd=tmp_path)
    assert usage.returncode == 2 and "Invalid value for '--jobs'" in usage.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_program_stops_its_workers_and_removes_its_temporary_folder_before_it_ends(
    tmp_path: Path,
) -> None:
    """After a build, the exit handlers have run: the run's temporary folder, its workers' included, is gone
    (briefgen.backends.scratch), and so is every process it started."""
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "minimal.yaml")
    (tmp_path / "tmp").mkdir()
    # A child subreaper: the workers briefgen leaves running would be re-parented to it, not to init.
    code = (
        "import ctypes, os, subprocess, sys, time\n"
        "ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "time.sleep(0.2)\n"
        "def state(pid):\n"
        "    try:\n"
        "        return open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[:2]\n"
        "    except OSError:  # gone since\n"
        "        return ['Z', '0']\n"
        "alive = [p for p in os.listdir('/proc') if p.isdigit() and state(p)[0] != 'Z']  # a zombie is dead\n"
        "left = [p for p in alive if state(p)[1] == str(os.getpid())]\n"
        "print(done.returncode, left)\n"
    )
    argv = ["build", "minimal.yaml", "--engine", "typst", "--lang", "en,fr", "--jobs", "2", "--out", "out"]
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    done = subprocess.run(
        [sys.executable, "-c", code, PROGRAM, *argv], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert done.stdout == "0 []\n", done.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "minimal-brief.en.pdf",
        "minimal-brief.fr.pdf",
    ]
    runs = list((tmp_path / "tmp").glob("briefgen-*/run-*"))
    assert runs == [], runs
