"""`briefgen --help` answers at once: the command line imports no engine and no model until a command runs.
(How long it takes, against importing WeasyPrint, is a row of `make bench`: timings are never asserted here.)"""

from __future__ import annotations

import subprocess
import sys

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
