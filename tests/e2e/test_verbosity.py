"""What build and check print at each verbosity: -q, the default (a line per file, a summary), -v (each stage
with its time), -vv (debug detail); the progress display of a terminal, without colour under NO_COLOR."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import pytest

from briefgen.cli import main
from tests.conftest import FIXTURES, run_cli

MINIMAL = FIXTURES / "minimal.yaml"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # a colour or a style of the terminal


@pytest.fixture
def brief(workdir: Path) -> Path:
    shutil.copy(MINIMAL, workdir / "minimal.yaml")
    return workdir / "minimal.yaml"


def over_budget(folder: Path) -> Path:
    """The minimal brief, three pages long for a page budget of one: a build warns."""
    text = MINIMAL.read_text(encoding="utf-8").replace("page_budget: 2", "page_budget: 1")
    item = "          - {fr: Point deux, en: Point two}\n"
    path = folder / "long.yaml"
    path.write_text(text.replace(item, item * 90), encoding="utf-8")
    return path


# -- the default: a line per file, then the summary -------------------------------------------------------


def test_build_ends_with_a_summary(brief: Path) -> None:
    code, stdout, stderr = run_cli("build", brief.name, "--engine", "typst")
    assert code == 0, stderr
    assert len(stdout.splitlines()) == 2, "one line per PDF on stdout"
    assert re.fullmatch(r"2 PDFs written in out/ in \d+\.\d+ s\n", stderr)


def test_the_summary_counts_the_warnings(workdir: Path) -> None:
    code, _, stderr = run_cli("build", over_budget(workdir).name, "--engine", "typst", "--lang", "en")
    assert code == 0, stderr
    lines = stderr.splitlines()
    assert lines[0] == "warning: out/minimal-brief.en.pdf: 3 pages, over the brief's page budget of 1"
    assert re.fullmatch(r"1 PDF written in out/ in \d+\.\d+ s, 1 warning", lines[1])


def test_the_summary_of_sources(brief: Path) -> None:
    code, _, stderr = run_cli("build", brief.name, "--format", "html", "--out", "site")
    assert code == 0, stderr
    assert re.fullmatch(r"2 \.html files written in site/ in \d+\.\d+ s\n", stderr)


def test_check_ends_with_a_summary_with_or_without_errors(brief: Path) -> None:
    code, stdout, _ = run_cli("check", brief.name)
    assert code == 0 and stdout == "1 brief checked: 0 error(s), 0 warning(s)\n"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("value: 1200", "value: lots").replace("amount: 2500000", "amount: many"))
    code, stdout, stderr = run_cli("check", brief.name)
    assert code == 2 and stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith("minimal.yaml:") for line in lines[:2]), stderr
    assert lines[2] == "1 brief checked: 2 error(s), 0 warning(s)"


# -- -q: errors only --------------------------------------------------------------------------------------


def test_quiet_prints_nothing_when_all_goes_well(workdir: Path) -> None:
    code, stdout, stderr = run_cli(
        "build", over_budget(workdir).name, "--engine", "typst", "--lang", "en", "-q"
    )
    assert (code, stdout, stderr) == (0, "", "")
    assert (workdir / "out" / "minimal-brief.en.pdf").is_file()
    code, stdout, stderr = run_cli("check", MINIMAL, "-q")
    assert (code, stdout, stderr) == (0, "", "")


def test_quiet_prints_the_errors(brief: Path) -> None:
    brief.write_text(brief.read_text(encoding="utf-8").replace("value: 1200", "value: lots"))
    for command in ("build", "check"):
        code, stdout, stderr = run_cli(command, brief.name, "-q")
        assert code == 2 and stdout == ""
        assert len(stderr.splitlines()) == 1 and stderr.startswith("minimal.yaml:"), stderr


# -- -v and -vv -------------------------------------------------------------------------------------------


def test_verbose_shows_each_stage_with_its_time(brief: Path) -> None:
    code, stdout, stderr = run_cli("build", brief.name, "--engine", "typst", "-v")
    assert code == 0, stderr
    assert len(stdout.splitlines()) == 2
    stages = [
        re.fullmatch(r"(\S+|\d+ files)  (\w+) +(\d+\.\d{3}) s", line) for line in stderr.splitlines()[:-1]
    ]
    assert all(stages), stderr
    seen = [(m[1], m[2]) for m in stages if m]
    assert seen[:2] == [("minimal-brief", "load"), ("minimal-brief", "validate")]
    for lang in ("fr", "en"):
        for step in ("localise", "render", "engine"):
            assert (f"minimal-brief.{lang}", step) in seen, (lang, step, stderr)
    assert seen[-1] == ("2 files", "write")
    assert "debug:" not in stderr


def test_very_verbose_names_the_templates_and_the_engine(brief: Path) -> None:
    code, _, stderr = run_cli("build", brief.name, "--engine", "typst", "--lang", "en", "-vv")
    assert code == 0, stderr
    lines = stderr.splitlines()
    assert any(
        re.fullmatch(r"debug: template brief\.typ\.j2: .*templates/briefing/typst/brief\.typ\.j2", x)
        for x in lines
    )
    assert (
        "debug: minimal-brief.en: typeset by typst (Typst, in-process) in a worker process, stopped after 120 s"
        in lines
    )


# -- the terminal ------------------------------------------------------------------------------------------


def terminal_build(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    monkeypatch.setenv("BRIEFGEN_FORCE_TERMINAL", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, stdout, stderr = run_cli("build", "minimal.yaml", "--engine", "typst")
    assert code == 0, stderr
    assert len(stdout.splitlines()) == 2 and "\x1b" not in stdout, "stdout keeps its plain lines"
    return stderr


def test_a_terminal_shows_the_progress_in_colour(brief: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = terminal_build(monkeypatch)
    assert "typesetting with typst" in stderr
    assert SGR.search(stderr), "in colour"
    assert re.search(r"2 PDFs written in out/ in \d+\.\d+ s\n$", stderr)


def test_no_color_is_honoured(brief: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = terminal_build(monkeypatch, NO_COLOR="1")
    assert "typesetting with typst" in stderr, "the progress is still shown"
    assert not SGR.search(stderr), repr(stderr)


def test_a_dumb_terminal_gets_plain_lines(brief: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = terminal_build(monkeypatch, TERM="dumb")
    assert "\x1b" not in stderr and "typesetting" not in stderr
    assert re.fullmatch(r"2 PDFs written in out/ in \d+\.\d+ s\n", stderr)


def test_quiet_shows_no_progress_on_a_terminal(brief: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFGEN_FORCE_TERMINAL", "1")
    assert run_cli("build", "minimal.yaml", "--engine", "typst", "-q") == (0, "", "")


# -- help -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "check", "serve", "watch"])
def test_every_option_has_help(command: str) -> None:
    cmd = main.commands[command]
    options = [p for p in cmd.params if isinstance(p, click.Option)]
    assert options and all(o.help for o in options), [o.name for o in options if not o.help]


# -- -q and -v on every command ---------------------------------------------------------------------------


def every_command(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in group.commands.items():
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out += every_command(command, (*prefix, name))
    return out


@pytest.mark.parametrize("command", every_command(), ids=" ".join)
def test_every_command_takes_quiet_and_verbose(command: tuple[str, ...]) -> None:
    code, stdout, stderr = run_cli(*command, "--help")
    assert code == 0, stderr
    assert re.search(r"^  -q, --quiet ", stdout, re.MULTILINE), stdout
    assert re.search(r"^  -v, --verbose ", stdout, re.MULTILINE), stdout


def test_quiet_silences_new_bundle_publish_inspect_and_doctor(brief: Path) -> None:
    """Each prints its lines without -q (so there is something to silence) and nothing with it, its work done;
    -q given before the command (`briefgen -q new`) counts too."""
    loud = run_cli("new", "first-brief", "--lang", "en")
    assert loud[0] == 0 and "next: edit" in loud[1], loud
    assert run_cli("new", "second-brief", "--lang", "en", "-q") == (0, "", "")
    assert run_cli("-q", "new", "third-brief", "--lang", "en") == (0, "", "")
    assert (brief.parent / "briefs" / "second-brief" / "brief.yaml").is_file()
    assert (brief.parent / "briefs" / "third-brief" / "brief.yaml").is_file()

    assert run_cli("build", brief.name, "--engine", "typst", "-q") == (0, "", "")
    loud = run_cli("bundle", brief.name)
    assert loud[0] == 0 and "minimal-brief.zip" in loud[1], loud
    (brief.parent / "out" / "bundles" / "minimal-brief.zip").unlink()
    assert run_cli("bundle", brief.name, "-q") == (0, "", "")
    assert (brief.parent / "out" / "bundles" / "minimal-brief.zip").is_file()

    loud = run_cli("publish", "site", brief.name)
    assert loud[0] == 0 and "index.html" in loud[1] and "published in site/" in loud[2], loud
    assert run_cli("publish", "site2", brief.name, "-q") == (0, "", "")
    assert (brief.parent / "site2" / "index.html").is_file()

    pdf = brief.parent / "out" / "minimal-brief.en.pdf"
    loud = run_cli("inspect", pdf)
    assert loud[0] == 0 and "minimal-brief" in loud[1], loud
    assert run_cli("inspect", pdf, "-q") == (0, "", "")

    loud = run_cli("doctor")
    assert loud[1].startswith("ok "), loud
    code, stdout, stderr = run_cli("doctor", "-q")
    assert code == loud[0] and stderr == ""
    assert stdout.splitlines() == [line for line in loud[1].splitlines() if not line.startswith("ok ")]


def test_verbose_is_accepted_by_every_command_that_runs(brief: Path) -> None:
    assert run_cli("new", "first-brief", "--lang", "en", "-v")[0] == 0
    assert run_cli("-v", "check", brief.name)[0] == 0
    assert run_cli("themes", "list", "-v")[0] == 0
    assert run_cli("schema", "-v")[0] == 0
