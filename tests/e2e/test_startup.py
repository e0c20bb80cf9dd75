"""`briefgen --help` answers at once: the command line imports no engine and no model until a command runs."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import pytest

HEAVY = ("weasyprint", "typst", "pydantic", "pydantic_core", "jinja2", "babel", "yaml", "pypdf", "fontTools")


def test_the_command_line_imports_no_engine_and_no_model() -> None:
    code = "import sys; import briefgen.cli; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert not set(imported.stdout.split()) & set(HEAVY)


@pytest.mark.slow
def test_help_takes_under_a_third_of_importing_weasyprint() -> None:
    """A ratio, measured in one run (median of 5, interleaved), never an absolute time: machines differ."""
    commands = {
        "help": [sys.executable, "-m", "briefgen", "--help"],
        "weasyprint": [sys.executable, "-c", "import weasyprint"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(6):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times[name].append(time.perf_counter() - start)
    help_time, weasyprint_time = (statistics.median(times[name][1:]) for name in commands)  # after a warm-up
    ratio = help_time / weasyprint_time
    assert ratio <= 0.3, f"briefgen --help takes {ratio:.2f} × the time of importing weasyprint"
