"""`build` starts the engine's workers before it reads the briefs (briefgen.cli.pipeline._warm_engine): one for
each document it will typeset at once, as far as the brief files found and --lang tell before any is read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

# `briefgen ARGS` in a process of its own, each worker warm-up it asks for and the start of the briefs' reading
# printed on stderr as they happen.
WATCHING = """
import sys
from briefgen import build
from briefgen.backends import workers
from briefgen.cli import main

warm, plan = workers.Pool.warm, build.plan

def warming(self, function, *args, count=1):
    print(f"warm {count}", file=sys.stderr, flush=True)
    return warm(self, function, *args, count=count)

def planning(*args, **kwargs):
    print("read the briefs", file=sys.stderr, flush=True)
    return plan(*args, **kwargs)

workers.Pool.warm, build.plan = warming, planning
main(sys.argv[1:])
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("paths", "options", "first"),
    [
        (["briefs/kyutai-launch"], ["--jobs", "2"], "warm 2"),  # fr and en: both workers before the reading
        (["briefs/kyutai-launch"], ["--jobs", "2", "--lang", "fr"], "warm 1"),
        (["briefs"], ["--jobs", "3", "--lang", "fr,en"], "warm 3"),  # 2 briefs × 2 languages, 3 at once
    ],
)
def test_the_workers_the_documents_will_need_start_before_the_briefs_are_read(
    tmp_path: Path, paths: list[str], options: list[str], first: str
) -> None:
    args = ["build", *paths, "--engine", "typst", "--out", str(tmp_path / "out"), *options]
    done = subprocess.run(
        [sys.executable, "-c", WATCHING, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if line.startswith(("warm", "read"))]
    assert said[:2] == [first, "read the briefs"], done.stderr
    assert os.listdir(tmp_path / "out")
