"""Theme templates render in Jinja's immutable sandbox: a theme someone sent cannot run code. Python reached
through a template's objects is refused with an error at the template's line (exit 2), and the command it
would have run never runs; the same in every engine, and in `publish`, which renders the WeasyPrint templates."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, engines, require_tool, run_cli

MINIMAL = FIXTURES / "minimal.yaml"
# The engine's folder of a theme, its title template, and how its Jinja prints a value.
ENGINES = {
    "typst": ("typst", "title.typ.j2", "{{ %s }}"),
    "weasyprint": ("html", "title.html.j2", "{{ %s }}"),
    "latex": ("latex", "title.tex.j2", "<< %s >>"),
}
# Ways out of a template to Python's os module, each ending in a shell command that makes the canary file.
PAYLOADS = {
    "cycler": 'cycler.__init__.__globals__.os.system("touch CANARY")',
    "joiner": 'joiner.__init__.__globals__.os.system("touch CANARY")',
    "lipsum": 'lipsum.__globals__["os"].system("touch CANARY")',
    "subclasses": "''.__class__.__mro__[1].__subclasses__()",
    "context": "self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch CANARY')",
    "format": '"{0.__class__.__init__.__globals__}".format(doc)',
    "mutate": "running.update(header=1)",
}


def _theme(folder: Path, engine: str, payload: str) -> Path:
    """A theme extending briefing whose title template of `engine` holds `payload` on its line 2."""
    sub, name, value = ENGINES[engine]
    theme = folder / "sent-theme"
    (theme / sub).mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: sent-theme\nextends: briefing\n", encoding="utf-8")
    comment = "<# a theme someone sent #>" if engine == "latex" else "{# a theme someone sent #}"
    (theme / sub / name).write_text(f"{comment}\n{value % payload}\n", encoding="utf-8")
    return theme


def _run(folder: Path, engine: str, payload: str) -> tuple[int, str, str, Path]:
    canary = folder / "canary"
    theme = _theme(folder, engine, payload.replace("CANARY", str(canary)))
    shutil.copy(MINIMAL, folder / "minimal.yaml")
    code, stdout, stderr = run_cli(
        "build",
        folder / "minimal.yaml",
        "--engine",
        engine,
        "--theme",
        theme,
        "--lang",
        "en",
        "--out",
        folder / "out",
    )
    return code, stdout, stderr, canary


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_a_theme_cannot_run_code_in_typst(tmp_path: Path, payload: str) -> None:
    code, stdout, stderr, canary = _run(tmp_path, "typst", PAYLOADS[payload])
    assert not canary.exists(), "the template ran a shell command"
    assert code == 2 and stdout == "" and "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert re.fullmatch(r".*sent-theme/typst/title\.typ\.j2:2:1: template error: .*unsafe.*", lines[0]), (
        lines[0]
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("engine", engines("weasyprint", "latex"))
def test_a_theme_cannot_run_code_in_the_other_engines(tmp_path: Path, engine: str) -> None:
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine")
    code, _stdout, stderr, canary = _run(tmp_path, engine, PAYLOADS["cycler"])
    assert not canary.exists(), "the template ran a shell command"
    assert code == 2 and "Traceback" not in stderr
    folder, name, _value = ENGINES[engine]
    line = stderr.strip()
    assert re.fullmatch(
        rf".*sent-theme/{folder}/{re.escape(name)}:2:1: template error: access to attribute '__init__' of "
        r"'type' object is unsafe\.",
        line,
    ), line


def test_publish_renders_a_theme_in_the_sandbox(workdir: Path) -> None:
    shutil.copy(MINIMAL, workdir / "minimal.yaml")
    assert run_cli("build", "minimal.yaml", "--engine", "typst")[0] == 0
    canary = workdir / "canary"
    theme = _theme(workdir, "weasyprint", PAYLOADS["cycler"].replace("CANARY", str(canary)))
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml", "--theme", theme)
    assert not canary.exists(), "the template ran a shell command"
    assert code == 2 and "Traceback" not in stderr
    assert "sent-theme/html/title.html.j2:2:1: template error: access to attribute '__init__'" in stderr
    assert not (workdir / "site").exists()


def _typst_source(brief: Path) -> str:
    from briefgen.build import plan, prepare, resolve
    from briefgen.settings import Settings

    setup = resolve(Settings(engine="typst", format="typ"))
    task = plan([brief], setup).tasks[0]
    return prepare(task, setup).data.decode("utf-8")


def test_compiled_templates_are_kept_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run compiles the theme's templates once and keeps them under $XDG_CACHE_HOME/briefgen/jinja; the next
    run (a fresh environment) compiles none of them and writes the same source."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from briefgen import render

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compiled: list[str] = []
    compile_ = ImmutableSandboxedEnvironment.compile

    def counting(
        self: ImmutableSandboxedEnvironment, source: str, name: str | None = None, *a: object
    ) -> object:
        compiled.append(str(name))
        return compile_(self, source, name, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(ImmutableSandboxedEnvironment, "compile", counting)
    render.environment.cache_clear()
    first = _typst_source(FIXTURES / "minimal.yaml")
    assert "brief.typ.j2" in compiled
    assert list((tmp_path / "briefgen" / "jinja").glob("typst-*/__jinja2_*.cache"))
    compiled.clear()
    render.environment.cache_clear()
    assert _typst_source(FIXTURES / "minimal.yaml") == first
    assert compiled == []
    render.environment.cache_clear()


def test_a_cache_folder_that_cannot_be_made_only_costs_the_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen import render

    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    render.environment.cache_clear()
    try:
        assert "#" in _typst_source(FIXTURES / "minimal.yaml")
    finally:
        render.environment.cache_clear()


def test_the_typst_list_of_what_the_sources_do_not_say_is_a_list_from_its_first_item() -> None:
    """The heading of what the sources do not say ends its line: on the same line, the first item's `- ` was
    text, not a list marker (an unbulleted line, and a list of the rest that could move to the next page)."""
    source = _typst_source(FIXTURES / "elements" / "brief.yaml")
    lines = source.splitlines()
    wording = ("does not say", "do not say", "ne dit pas", "ne disent pas")
    at = next(
        i for i, line in enumerate(lines) if "#heading(level: 2)[" in line and any(w in line for w in wording)
    )
    assert lines[at].strip().endswith("]"), lines[at]
    assert lines[at + 1].strip().startswith("- "), lines[at + 1]
