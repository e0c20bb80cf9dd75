"""The `latex` mark comes from what a test uses, not from its name: the `latex` case of `engines()`, or the
`lualatex` fixture, directly or through another fixture. A test without the mark that runs lualatex fails."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import engines


@pytest.fixture
def typesets_with_latex(lualatex: None) -> str:
    return "a fixture that builds with LaTeX asks for lualatex"


@pytest.mark.parametrize("engine", engines("weasyprint", "typst", "latex"))
def test_the_latex_case_of_engines_is_marked_and_only_it(request: pytest.FixtureRequest, engine: str) -> None:
    marked = request.node.get_closest_marker("latex") is not None
    assert marked == (engine == "latex")


def test_a_test_using_a_fixture_that_uses_lualatex_is_marked(
    request: pytest.FixtureRequest, typesets_with_latex: str
) -> None:
    assert request.node.get_closest_marker("latex") is not None
    assert Path(shutil.which("lualatex") or "").parent.name != "unmarked-bin"


def test_a_test_named_latex_but_using_no_latex_is_not_marked(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("latex") is None


def test_an_unmarked_test_finds_a_lualatex_that_fails_and_is_noted() -> None:
    found = Path(shutil.which("lualatex") or "")
    assert found.parent.name == "unmarked-bin"
    note = found.with_name("lualatex.ran")
    assert subprocess.run([found, "main.tex"], check=False).returncode == 97
    assert note.read_text(encoding="utf-8") == "main.tex\n"
    note.unlink()  # else this test fails at teardown, as any unmarked test that runs lualatex does
