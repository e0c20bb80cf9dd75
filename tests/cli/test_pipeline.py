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


# `briefgen ARGS` in a process of its own, its workers saying, as each call reaches them, whether the brief's schema
# (pydantic and briefgen.brief.model) is imported in them.
SCHEMA_IN_WORKERS = """
import os, sys
from briefgen.backends import workers

take_place = workers._take_place

def taking_place(*args):
    imported = [name for name in ("pydantic", "briefgen.brief.model") if name in sys.modules]
    os.write(2, f"call with {imported}\\n".encode())  # one write: the workers' lines never mix
    return take_place(*args)

workers._take_place = taking_place
from briefgen.quick import main
sys.argv[0] = "briefgen"
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["typst", "weasyprint"])
def test_a_worker_starts_before_the_brief_schema_is_imported_and_typesets_without_it(
    tmp_path: Path, engine: str
) -> None:
    """The worker is forked before this process imports the brief's schema (pydantic), and the job it is sent
    reads without it: so it imports only its engine while the briefs are read, validated and rendered."""
    args = [
        "build",
        "briefs/kyutai-launch",
        "--lang",
        "fr",
        "--engine",
        engine,
        "--out",
        str(tmp_path / "out"),
    ]
    assert _calls_in_workers(args) == ["call with []", "call with []"]  # its warm-up, then its job
    assert (tmp_path / "out" / "kyutai-launch.fr.pdf").stat().st_size > 0


@pytest.mark.slow
def test_workers_that_will_render_import_what_rendering_needs_as_they_warm_up(tmp_path: Path) -> None:
    """With more documents than workers (2 briefs × 2 languages, 2 at once), each worker renders some of them:
    the first imports the brief's schema (and what rendering needs) as it warms up, and the second, which it
    forks then, has them too: neither imports them in a call."""
    args = ["build", "briefs", "--jobs", "2", "--engine", "typst", "--out", str(tmp_path / "out")]
    calls = _calls_in_workers(args)
    assert calls[0] == "call with []"  # the first worker's warm-up: forked before the schema
    assert set(calls[1:]) == {"call with ['pydantic', 'briefgen.brief.model']"}
    assert len(calls) == 1 + 4  # then the 4 documents, 2 typeset after their render here, 2 rendered there
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 4


def _calls_in_workers(args: list[str]) -> list[str]:
    """`briefgen ARGS` run in a process of its own: what its workers say as each call reaches them."""
    done = subprocess.run(
        [sys.executable, "-c", SCHEMA_IN_WORKERS, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("call")]
