"""The settings model declares each build setting once: its command-line option (type, choices from the
registries, default, help) and its project-file key come from it, a setting added to the model is an option and
a key with nothing else changed, and the build gets its engine and theme as objects, resolved once."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from briefgen.backends import BACKENDS, formats
from briefgen.build import plan, resolve
from briefgen.cli.common import as_settings, config_option, reports_errors, settled
from briefgen.cli.options import EVERY, SettingsCommand
from briefgen.distribution import standards
from briefgen.settings import (
    AnyPath,
    Choice,
    Count,
    Existing,
    Folder,
    Kind,
    Languages,
    MailTable,
    Option,
    Seconds,
    Settings,
    Standards,
    Switch,
    ThemeName,
    fields,
    file_keys,
    kind,
    option,
    setting,
)
from briefgen.themes.layers import Theme, builtin_themes
from briefgen.watch import Rebuild, Watch
from tests.conftest import FIXTURES, run_cli

MINIMAL = FIXTURES / "minimal.yaml"
WITH_OPTIONS = [name for name, field in fields().items() if option(field) is not None]


def help_of(command: str) -> str:
    """`briefgen COMMAND --help`, its lines joined (click wraps the help at 80 columns)."""
    code, out, err = run_cli(command, "--help")
    assert code == 0, err
    return " ".join(out.split())


@pytest.fixture
def project(workdir: Path) -> Path:
    """A repository's root holding the minimal brief."""
    (workdir / ".git").mkdir()
    shutil.copy(MINIMAL, workdir / "minimal.yaml")
    return workdir


# -- the command line's options ------------------------------------------------------------------------------


def long_flags(command: str) -> list[str]:
    """The long options `briefgen COMMAND --help` lists, in its order."""
    code, out, err = run_cli(command, "--help")
    assert code == 0, err
    return re.findall(r"^  (?:-\w, )?(--[\w-]+)", out, flags=re.MULTILINE)


@pytest.mark.parametrize("command", ["build", "watch"])
def test_every_setting_with_an_option_is_an_option_of_build_and_watch(command: str) -> None:
    """In the model's order, before the options that are not settings (--config, -q, -v, --debug)."""
    declared = []
    for name in WITH_OPTIONS:
        flag = option(fields()[name])
        assert flag is not None
        declared.append(next(n for n in flag.names if n.startswith("--")))
    assert declared[:3] == ["--lang", "--engine", "--out"]
    assert long_flags(command) == [*declared, "--config", "--quiet", "--verbose", "--debug", "--help"]


def test_choices_are_the_registries() -> None:
    text = help_of("build")
    assert f"--engine [{'|'.join(BACKENDS)}]" in text
    assert f"--format [{'|'.join(formats())}]" in text
    assert f"--attach [{'|'.join(standards.ATTACH)}]" in text
    for name in ("engine", "format", "attach"):
        choice = kind(fields()[name])
        assert isinstance(choice, Choice)
    assert kind(fields()["engine"]).choices == tuple(BACKENDS)  # type: ignore[attr-defined]


def test_defaults_and_help_are_the_models() -> None:
    text = help_of("build")
    declared = fields()
    assert f"[default: {declared['engine'].default}]" in text
    assert f"[default: {declared['out'].default}]" in text
    assert f"[default: {declared['timeout'].default}]" in text
    assert f"[default: {declared['jobs'].default}; x>=1]" in text
    assert "Documents (a brief in one language) typeset in parallel" in text and "--timeout SECONDS" in text

    # the help names what the registry holds
    sources = ", ".join(f"{b.format} ({b.name})" for b in BACKENDS.values())
    assert f"pdf, or the engine's source: {sources}; picks that engine" in text
    assert "Or docx: a Word document made from the brief, whatever the engine." in text


def test_jobs_default_to_the_cores_this_process_may_use() -> None:
    assert Settings().jobs == len(os.sched_getaffinity(0))


def test_a_command_gives_its_own_help_and_default_for_a_shared_setting() -> None:
    text = help_of("publish")
    assert "--theme TEXT The theme whose WeasyPrint templates make the pages" in text
    assert "[default: briefing]" not in text  # publish's theme: the project file's, else each PDF's
    assert "--out DIRECTORY The folder holding the PDFs and their manifest.json. [default: out]" in text


# -- the project file's keys ---------------------------------------------------------------------------------


def sample(key: Kind, name: str) -> Any:
    """A value of the kind the project file accepts."""
    match key:
        case Choice():
            return key.choices[0]
        case Count():
            return key.least + 1
        case Seconds():
            return 30
        case Languages():
            return ["en"]
        case Standards():
            return ["a-3b"]
        case Switch():
            return True
        case ThemeName():
            return "dossier"
        case Existing():
            return "minimal.yaml"
        case Folder() | AnyPath():
            return f"{name}-folder"
    raise AssertionError(f"no sample for {key!r}")


def test_every_key_of_the_model_is_accepted_by_the_project_file(project: Path) -> None:
    keys = file_keys()
    assert set(keys.values()) == set(fields()) - {
        "templates",
        "force",
    }  # the command line's only
    lines = []
    for key, name in keys.items():
        if isinstance(kind(fields()[name]), MailTable):  # a table: TOML's inline form
            lines.append(f'{key} = {{host = "smtp.example.org", from = "Briefings <briefings@example.org>"}}')
            continue
        value = sample(kind(fields()[name]), name)
        lines.append(f"{key} = {value!r}".replace("'", '"').replace("True", "true"))
    (project / "briefgen.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, stdout, stderr = run_cli("check")
    assert (code, stderr) == (0, ""), stderr
    assert stdout.strip() == "1 brief checked: 0 error(s), 0 warning(s)"


def test_a_key_the_model_does_not_have_lists_the_models_keys(project: Path) -> None:
    (project / "briefgen.toml").write_text('colour = "red"\n', encoding="utf-8")
    code, _, stderr = run_cli("check")
    assert code == 2
    assert stderr.splitlines() == [
        f"briefgen.toml:1:1: unknown key 'colour' (known keys: {', '.join(file_keys())})"
    ]


@pytest.mark.parametrize(
    ("key", "value", "listed"),
    [
        ("engine", "tipst", lambda: f"did you mean 'typst'? one of: {', '.join(BACKENDS)}"),
        ("format", "pfd", lambda: f"did you mean 'pdf'? one of: {', '.join(formats())}"),
        ("attach", "everything", lambda: f"one of: {', '.join(standards.ATTACH)}"),
        ("pdf-standard", "ua-2", lambda: f"standards: {', '.join(standards.STANDARDS)}"),
        ("theme", "brefing", lambda: f"not a built-in theme ({', '.join(builtin_themes())})"),
    ],
)
def test_a_bad_choice_in_the_file_lists_the_registrys_choices(
    project: Path, key: str, value: str, listed: Any
) -> None:
    (project / "briefgen.toml").write_text(f'out = "pdfs"\n{key} = "{value}"\n', encoding="utf-8")
    code, stdout, stderr = run_cli("build", "minimal.yaml")
    assert (code, stdout) == (2, "")
    (line,) = stderr.splitlines()
    assert line.startswith(f"briefgen.toml:2:{len(key) + 4}: {key}: ")
    assert listed() in line
    assert not (project / "pdfs").exists()


# -- a setting added to the model ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WithPaper(Settings):
    """The settings and one more: nothing else is declared for it."""

    paper: str = setting(
        "a4",
        Choice("paper", lambda: ("a4", "letter")),
        Option("--paper"),
        key="paper-size",
        help="The paper the briefing is printed on.",
    )


@click.command(cls=SettingsCommand, settings=EVERY, model=WithPaper)
@config_option
@reports_errors
def paper_build(config: Path | None, **flags: Any) -> None:
    """Settles its settings as `build` does and prints two of them."""
    _project, values = settled(config, flags)
    made = as_settings(values)
    assert isinstance(made, WithPaper)
    click.echo(f"paper={made.paper} engine={made.engine}")


def run_paper(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(paper_build, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_setting_added_to_the_model_is_an_option_with_its_choices(project: Path) -> None:
    code, out, _ = run_paper("--help")
    assert code == 0
    text = " ".join(out.split())
    assert "--paper [a4|letter] The paper the briefing is printed on. [default: a4]" in text
    assert f"--engine [{'|'.join(BACKENDS)}]" in text  # and every setting before it
    assert run_paper("--paper", "letter")[1] == "paper=letter engine=weasyprint\n"
    code, _, err = run_paper("--paper", "a5")
    assert code == 2 and "'a5' is not one of 'a4', 'letter'" in err


def test_a_setting_added_to_the_model_is_a_key_of_the_project_file(project: Path) -> None:
    config = project / "briefgen.toml"
    config.write_text('engine = "typst"\npaper-size = "letter"\n', encoding="utf-8")
    assert run_paper() == (0, "paper=letter engine=typst\n", "")
    assert run_paper("--paper", "a4")[1] == "paper=a4 engine=typst\n", "the command line wins over the file"
    config.write_text('paper-size = "a5"\npapr-size = "a4"\n', encoding="utf-8")
    code, out, err = run_paper()
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "briefgen.toml:1:14: paper-size: unknown paper 'a5' (one of: a4, letter)",
        "briefgen.toml:2:1: unknown key 'papr-size' (did you mean 'paper-size'?)",
    ]


# -- the build's settings, resolved once ---------------------------------------------------------------------


def test_plan_gives_the_engine_and_theme_as_objects() -> None:
    setup = resolve(Settings(engine="typst", theme="dossier", langs=("en",)))
    planned = plan([MINIMAL], setup)
    assert planned.setup.backend is BACKENDS["typst"]
    assert isinstance(planned.setup.theme, Theme)
    assert planned.setup.theme.name == "dossier"
    assert [t.lang for t in planned.tasks] == ["en"]


def test_watch_keeps_its_setup_until_the_theme_changes(tmp_path: Path) -> None:
    theme = tmp_path / "mine"
    theme.mkdir()
    manifest = theme / "theme.yaml"
    manifest.write_text('name: mine\nextends: briefing\ncolours:\n  primary: "#112233"\n', encoding="utf-8")
    shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    out = tmp_path / "out"
    watch = Watch(
        [tmp_path / "minimal.yaml"],
        Settings(engine="typst", theme=str(theme), format="typ", langs=("en",), out=out),
    )
    brief = (tmp_path / "minimal.yaml").resolve()

    def fail(error: BaseException) -> None:
        raise error

    def source(rebuild: Rebuild) -> str:
        watch.build(rebuild, lambda _written: None, fail)
        return (out / "minimal-brief.en.typ").read_text(encoding="utf-8").lower()

    assert "#112233" in source(Rebuild((brief,)))
    first = watch.setup()
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("#112233", "#445566"), encoding="utf-8")
    assert watch.affected({manifest.resolve()}) == Rebuild((brief,), theme=True)
    assert "#112233" in source(Rebuild((brief,))), "a brief's own change reuses the setup"
    assert watch.setup() is first
    changed = source(Rebuild((brief,), theme=True))
    assert "#445566" in changed and "#112233" not in changed
    assert watch.setup() is not first
