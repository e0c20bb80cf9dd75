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
