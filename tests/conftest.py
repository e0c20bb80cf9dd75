"""Shared fixtures: the repository's briefs, small fixture briefs, and a CLI runner that reports like a user sees."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
KYUTAI = ROOT / "briefs" / "kyutai-launch" / "brief.yaml"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


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


@pytest.fixture(scope="session")
def kyutai_pdfs(tmp_path_factory: pytest.TempPathFactory):
    """Build the Kyutai brief with an engine once per session: `kyutai_pdfs(engine)` → {lang: pdf path}."""
    built: dict[str, dict[str, Path]] = {}

    def build(engine: str = "weasyprint") -> dict[str, Path]:
        if engine not in built:
            out = tmp_path_factory.mktemp(f"kyutai-{engine}")
            code, _stdout, stderr = run_cli("build", KYUTAI, "--engine", engine, "--out", out)
            assert code == 0, stderr
            built[engine] = {p.name.split(".")[-2]: p for p in sorted(out.glob("*.pdf"))}
        return built[engine]

    return build


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder, made current for the test."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# Tests that run briefgen in child processes (signals, timeouts, strace, a wheel build) or search many
# examples: `make test` runs them, `make test-fast` leaves them out.
SLOW = (
    "tests/e2e/test_faults.py::",
    "tests/e2e/test_offline.py::",
    "tests/e2e/test_cli.py::test_the_wheel_ships",
    "tests/e2e/test_cli.py::test_parallel_jobs",
    "tests/e2e/test_hardening_input.py::test_any_text",
    "tests/e2e/test_hardening_input.py::test_bombs",
    "tests/test_watch.py::test_watch_rebuilds",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that run LuaLaTeX, and the slow ones, so that `make test-fast` can leave them out."""
    for item in items:
        if "latex" in item.nodeid.lower():
            item.add_marker(pytest.mark.latex)
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """`built(brief, engine, theme, lang)` → the PDF, built once per session for each combination."""
    cache: dict[tuple[str, str, str, str], Path] = {}

    def build(brief: Path, engine: str, theme: str | Path = "briefing", lang: str = "en") -> Path:
        key = (str(brief), engine, str(theme), lang)
        if key not in cache:
            if engine == "latex":
                require_tool("lualatex", "the LaTeX engine")
            out = tmp_path_factory.mktemp(f"built-{engine}")
            args = ("build", brief, "--engine", engine, "--theme", theme, "--lang", lang, "--out", out)
            code, _stdout, stderr = run_cli(*args)
            assert code == 0, stderr
            cache[key] = next(out.glob(f"*.{lang}.pdf"))
        return cache[key]

    return build


@pytest.fixture(scope="session")
def standard_pdfs(tmp_path_factory: pytest.TempPathFactory):
    """`standard_pdfs(engine, standards, theme, brief)` → {lang: PDF}: every language of the brief, built once
    per session with `--pdf-standard` (a tuple of standards, () for none) and a theme (a name or a folder)."""
    built: dict[tuple[str, tuple[str, ...], str, str], dict[str, Path]] = {}

    def build(engine: str, standards: tuple[str, ...], theme: str | Path, brief: Path) -> dict[str, Path]:
        key = (engine, standards, str(theme), str(brief))
        if key not in built:
            if engine == "latex":
                require_tool("lualatex", "the LaTeX engine")
            out = tmp_path_factory.mktemp(f"{engine}-{'_'.join(standards) or 'none'}")
            args = ["build", brief, "--engine", engine, "--theme", theme, "--out", out]
            # room for a machine loaded by other tests: LuaLaTeX takes seconds a document
            code, _stdout, stderr = run_cli(*args, "--pdf-standard", ",".join(standards), "--timeout", "600")
            assert code == 0, stderr
            built[key] = {p.name.split(".")[-2]: p for p in sorted(out.glob("*.pdf"))}
        return built[key]

    return build
