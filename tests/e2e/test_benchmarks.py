"""The benchmark harness (benchmarks/run.py) runs: its smallest rows in --quick mode print their table lines.
No time is asserted: the figures of a smoke run mean nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_harness_prints_each_row_with_its_goal() -> None:
    command = [
        sys.executable,
        "benchmarks/run.py",
        "--quick",
        "--rows",
        "typst,uptodate,help,check",
        "--engines",
        "typst",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert lines[0] == "| what | briefgen | compared with (same run) | ratio | goal | met |"
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ") for line in lines[1:]}
    assert set(rows) == {
        "Kyutai fr, Typst",
        "Kyutai fr + en built again, out/ up to date, typst",
        "`briefgen --help`",
        "`briefgen build --help`",
        "`check` on 4 briefs: cost per brief",
    }
    typst = rows["Kyutai fr, Typst"]
    assert typst[2].startswith("`typst.compile` on the `--format typ` file: ")
    assert float(typst[3]) > 0
    assert typst[4] == "≤ 1.5" and typst[5].rstrip(" |") in ("yes", "**no**")
    assert rows["`briefgen --help`"][4] == "≤ 0.15"
    again = rows["Kyutai fr + en built again, out/ up to date, typst"]
    assert again[2].startswith("a cold build of Kyutai fr: ") and again[4] == "≤ 0.05"


def test_an_unknown_row_is_a_usage_error() -> None:
    command = [sys.executable, "benchmarks/run.py", "--rows", "nope"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown rows: nope" in done.stderr
