"""`briefgen --help` answers at once: the command line imports no engine and no model until a command runs.
(How long it takes, against importing WeasyPrint, is a row of `make bench`: timings are never asserted here.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

HEAVY = ("weasyprint", "typst", "pydantic", "pydantic_core", "jinja2", "babel", "yaml", "pypdf", "fontTools")


def test_the_command_line_imports_no_engine_and_no_model() -> None:
    code = "import sys; import briefgen.cli; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert not set(imported.stdout.split()) & set(HEAVY)


def test_a_commands_help_reads_its_settings_without_a_model() -> None:
    """`build --help` lists every setting's option, read from the settings' declaration, which needs no
    validation library."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr))\n"
        "sys.argv = ['briefgen', 'build', '--help']\n"
        "from briefgen.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--pdf-standard STANDARDS" in done.stdout and "--jobs" in done.stdout
    assert not set(done.stderr.split()) & set(HEAVY)


def program_listing_modules(*args: str) -> str:
    """Python code running the `briefgen` program with `args`, which prints the modules imported on stderr."""
    return (
        "import atexit, sys\n"
        "atexit.register(lambda: print(' '.join(sorted(sys.modules)), file=sys.stderr))\n"
        f"sys.argv = {['briefgen', *args]!r}\n"
        "from briefgen.quick import main\n"
        "main()\n"
    )


def test_an_up_to_date_build_is_answered_without_the_command_line(tmp_path: Path) -> None:
    """A build asked again, every output up to date, is answered from the folder's record by briefgen.quick:
    without click, the models, the engines, nor what only a full build or a project file needs."""
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "minimal.yaml")
    code = program_listing_modules(
        "build", "minimal.yaml", "--engine", "typst", "--lang", "en", "--out", "out"
    )
    first = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert "click" in first.stderr.split()  # built: by the command line
    again = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert again.stdout == "out/minimal-brief.en.pdf  up to date\n"
    imported = set(again.stderr.split())
    assert not imported & {*HEAVY, "click", "tomllib", "difflib", "subprocess", "briefgen.cli"}
    # nor the settings (briefgen.recall answers the same words again) and the standard library's costlier modules
    unread = {
        "briefgen.settings",
        "briefgen.config",
        "briefgen.backends",
        "briefgen.errors",
        "briefgen.uptodate",
    }
    assert not imported & {*unread, "logging", "pathlib", "typing", "dataclasses", "inspect", "signal"}


def test_a_typst_build_reads_its_fonts_from_the_cache(tmp_path: Path) -> None:
    """Once a font's facts are kept (briefgen.themes.fonts.facts), a build renders and checks the document
    without importing fontTools in its own process."""
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "minimal.yaml")
    code = program_listing_modules(
        "build", "minimal.yaml", "--engine", "typst", "--lang", "en", "--out", "out", "--force"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True, env=env
        )
        assert done.stdout.startswith("out/minimal-brief.en.pdf  ")
    assert "fontTools" not in {name.split(".")[0] for name in done.stderr.split()}
