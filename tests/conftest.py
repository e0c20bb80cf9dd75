"""Shared fixtures: the repository's briefs, small fixture briefs, and a CLI runner that reports like a user sees."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
KYUTAI = ROOT / "briefs" / "kyutai-launch" / "brief.yaml"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_once(factory: pytest.TempPathFactory, *args: str | Path) -> Path:
    """`briefgen build ARGS --out FOLDER` once for the whole run, FOLDER returned: the processes of `pytest -n`
    share the run's base folder, and the first to ask builds while the others wait for its PDFs."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's own folder, which holds each worker's
    key = hashlib.sha256("\0".join(map(str, args)).encode()).hexdigest()[:16]
    out = base / "built-once" / key
    out.parent.mkdir(exist_ok=True)
    with _locked(out.with_suffix(".lock")):
        if not (out / ".done").exists():
            shutil.rmtree(out, ignore_errors=True)
            code, _stdout, stderr = run_cli("build", *args, "--out", out)
            assert code == 0, stderr
            (out / ".done").touch()
    return out


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    """Run `briefgen ARGS` in-process; return exit code, stdout and stderr."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def require_tool(name: str, why: str) -> None:
    """Skip with a visible reason when a tool is missing locally; fail under CI, where everything is installed."""
    if shutil.which(name) is None:
        if IN_CI:
            pytest.fail(f"{name} is missing in CI ({why})")
        pytest.skip(f"{name} is not installed ({why})")


def build_pdf(
    factory: pytest.TempPathFactory, brief: Path, engine: str, theme: str | Path, lang: str
) -> Path:
    """One PDF, built once for the whole run (build_once): a brief named by its folder or by its brief.yaml is one
    build, so that every test asking for the same PDF reads the same file."""
    brief = Path(brief)
    if brief.is_dir():
        brief = brief / "brief.yaml"
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine")
    out = build_once(factory, brief, "--engine", engine, "--theme", theme, "--lang", lang)
    return next(out.glob(f"*.{lang}.pdf"))


@pytest.fixture(scope="session")
def kyutai_pdfs(tmp_path_factory: pytest.TempPathFactory):
    """The Kyutai brief built with an engine once per run: `kyutai_pdfs(engine)` → {lang: pdf path}, the PDFs
    `built(KYUTAI, engine, "briefing", lang)` gives."""

    def build(engine: str = "weasyprint") -> dict[str, Path]:
        return {lang: build_pdf(tmp_path_factory, KYUTAI, engine, "briefing", lang) for lang in ("en", "fr")}

    return build


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder, made current for the test."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def engines(*names: str) -> list[object]:
    """Engines to parametrise a test that builds with each: LaTeX's case carries the `latex` mark (LuaLaTeX takes
    seconds a document), so that `make test-fast` leaves out exactly the cases that run it."""
    return [
        pytest.param(name, marks=pytest.mark.latex, id=name) if name == "latex" else name for name in names
    ]


@pytest.fixture(scope="session")
def lualatex() -> None:
    """The test (or the fixture that asks for this one) runs LuaLaTeX: the test is marked `latex`, and skipped
    with a reason where TeX Live is not installed."""
    require_tool("lualatex", "the LaTeX engine; .ci/run installs TeX Live")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `latex` each test that runs LuaLaTeX through a fixture: it asks for `lualatex`, or for a fixture that
    does. A parametrised case gets the mark from its parameter (`engines()`); other tests carry it themselves."""
    for item in items:
        if "lualatex" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.latex)


@pytest.fixture(autouse=True)
def _no_lualatex_unless_marked(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A test not marked `latex` finds on PATH a `lualatex` that fails and leaves a note when asked to typeset:
    the test then fails with UNMARKED, so that no test runs LuaLaTeX in `make test-fast` unseen."""
    if request.node.get_closest_marker("latex") is not None:
        yield
        return
    folder = tmp_path_factory.getbasetemp() / "unmarked-bin"
    program, note = folder / "lualatex", folder / "lualatex.ran"
    if not program.exists():  # `lualatex --version` (what doctor asks) typesets nothing: the real one answers
        real = shutil.which("lualatex") or "false"
        folder.mkdir(exist_ok=True)
        script = f'[ "$1" = --version ] && exec {real} "$@"\necho "$@" >> \'{note}\'\nexit 97\n'
        program.write_text("#!/bin/sh\n" + script, encoding="utf-8")
        program.chmod(0o755)
    note.unlink(missing_ok=True)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    yield
    if note.exists():
        pytest.fail(UNMARKED, pytrace=False)


UNMARKED = "this test runs lualatex but is not marked latex: parametrise it with engines(), or ask for the lualatex fixture"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """`built(brief, engine, theme, lang)` → the PDF, built once per run for each combination (build_pdf)."""

    def build(brief: Path, engine: str, theme: str | Path = "briefing", lang: str = "en") -> Path:
        return build_pdf(tmp_path_factory, brief, engine, theme, lang)

    return build


@pytest.fixture(scope="session")
def standard_pdfs(tmp_path_factory: pytest.TempPathFactory):
    """`standard_pdfs(engine, standards, theme, brief)` → {lang: PDF}: every language of the brief, built once
    per run with `--pdf-standard` (a tuple of standards, () for none) and a theme (a name or a folder)."""
    built: dict[tuple[str, tuple[str, ...], str, str], dict[str, Path]] = {}

    def build(engine: str, standards: tuple[str, ...], theme: str | Path, brief: Path) -> dict[str, Path]:
        key = (engine, standards, str(theme), str(brief))
        if key not in built:
            if engine == "latex":
                require_tool("lualatex", "the LaTeX engine")
            args = [brief, "--engine", engine, "--theme", theme, "--pdf-standard", ",".join(standards)]
            # room for a machine loaded by other tests: LuaLaTeX takes seconds a document
            out = build_once(tmp_path_factory, *args, "--timeout", "600")
            built[key] = {p.name.split(".")[-2]: p for p in sorted(out.glob("*.pdf"))}
        return built[key]

    return build


@pytest.fixture(scope="session")
def consenting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Kyutai brief whose article says `redistribute: true`, as its rights holder may: its text is attached
    beside the brief (every kind of file a brief has but figures), and the folder `inspect --extract` gives back
    builds alone."""
    folder = tmp_path_factory.mktemp("consenting") / "kyutai-launch"
    shutil.copytree(KYUTAI.parent, folder)
    text = (folder / "brief.yaml").read_text(encoding="utf-8")
    assert text.count("\n  file: source.fr.txt\n") == 1
    text = text.replace("\n  file: source.fr.txt\n", "\n  file: source.fr.txt\n  redistribute: true\n")
    (folder / "brief.yaml").write_text(text, encoding="utf-8")
    return folder / "brief.yaml"
