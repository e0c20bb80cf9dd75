"""The pipeline's order of work (briefgen.build.make): the engine's workers are started for every document the
pool will typeset at once, before the documents are rendered, so that each imports its engine meanwhile; those
first documents are rendered by briefgen's own process, every other one by the worker that typesets it."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from briefgen import build
from briefgen.backends import workers
from briefgen.errors import EXIT_INPUT, EngineError
from briefgen.settings import Settings
from tests import pdfcheck
from tests.conftest import FIXTURES, ROOT, run_cli

KYUTAI = ROOT / "briefs" / "kyutai-launch"


class Recording:
    """A pool that records what it is asked, in order, and typesets nothing (each call fails)."""

    def __init__(self, said: list[str]) -> None:
        self.said = said

    def warm(self, function: Callable[..., object], *args: object, count: int = 1) -> None:
        self.said.append(f"warm {count}")

    def run(self, calls: Iterable[workers.Call], jobs: int = 1) -> Iterator[tuple[int, Any, float]]:
        """As the pool does: a call taken (and sent) for each free worker, then their results."""
        self.said.append(f"run, {jobs} at a time")
        taken = []
        for call in itertools.islice(calls, jobs):
            self.said.append(f"send {call.function.__name__}")
            taken.append(call)
        yield from ((index, EngineError("typeset nothing"), 0.0) for index in range(len(taken)))


@pytest.mark.parametrize(
    ("jobs", "langs", "warmed"), [(2, ("fr", "en"), 2), (2, ("fr",), 1), (1, ("fr", "en"), 1)]
)
def test_the_workers_the_documents_need_are_warmed_before_any_is_rendered(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: int, langs: tuple[str, ...], warmed: int
) -> None:
    """Each document rendered here is sent to its worker as soon as it is rendered, before the next one is: the
    worker typesets the first while the second is rendered. With --jobs 1, the English document is left to the
    worker: the parent renders only the first."""
    said: list[str] = []
    monkeypatch.setattr(workers, "pool", lambda: Recording(said))
    prepare = build.prepare

    def rendering(task: build.Task, *args: Any, **kwargs: Any) -> build.Output:
        said.append(f"render {task.lang}")
        return prepare(task, *args, **kwargs)

    monkeypatch.setattr(build, "prepare", rendering)
    setup = build.resolve(Settings(engine="typst", jobs=jobs, langs=langs, out=tmp_path))
    with pytest.raises(EngineError, match="typeset nothing"):  # what the recording pool says of each call
        build.make(build.plan([KYUTAI], setup))
    each = [said for lang in langs[:warmed] for said in (f"render {lang}", "send compile_here")]
    assert said == [f"warm {warmed}", f"run, {jobs} at a time", *each]


# A build run as `briefgen ARGS` in a process of its own (single-threaded, so that its workers are forked from
# it), every call of build.prepare there or in its workers adding `id.lang pid` to the file LOG.
RECORDING = """
import os, sys
from briefgen import build
from briefgen.cli import main

prepare = build.prepare

def rendering(task, *args, **kwargs):
    with open(os.environ["LOG"], "a", encoding="utf-8") as handle:
        handle.write(f"{task.loaded.brief.id}.{task.lang} {os.getpid()}\\n")
    return prepare(task, *args, **kwargs)

build.prepare = rendering
print(os.getpid(), file=sys.stderr)
main(sys.argv[1:])
"""


def test_the_documents_past_the_first_are_rendered_by_the_worker_that_typesets_them(tmp_path: Path) -> None:
    """Kyutai fr and en with --jobs 1: fr is rendered by briefgen's process while the worker imports Typst, en by
    the worker. The English PDF is the one the same document built alone is, and is described the same."""
    log = tmp_path / "rendered"
    args = ["build", str(KYUTAI), "--engine", "typst", "--jobs", "1", "--out", str(tmp_path / "both")]
    done = subprocess.run(
        [sys.executable, "-c", RECORDING, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "LOG": str(log)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()] == [
        str(tmp_path / "both" / f"kyutai-launch.{lang}.pdf") for lang in ("fr", "en")
    ]
    briefgen = done.stderr.splitlines()[0]
    rendered = dict(line.split() for line in log.read_text(encoding="utf-8").splitlines())
    assert rendered.keys() == {"kyutai-launch.fr", "kyutai-launch.en"}
    assert rendered["kyutai-launch.fr"] == briefgen
    assert rendered["kyutai-launch.en"] != briefgen
    code, _stdout, stderr = run_cli(
        "build", KYUTAI, "--engine", "typst", "--lang", "en", "--out", tmp_path / "en"
    )
    assert code == 0, stderr
    alone = pdfcheck.text(tmp_path / "en" / "kyutai-launch.en.pdf")
    assert "Kyutai" in alone and "Paris" in alone
    assert pdfcheck.text(tmp_path / "both" / "kyutai-launch.en.pdf") == alone
    made, built_alone = (
        json.loads((tmp_path / folder / "manifest.json").read_text(encoding="utf-8"))["files"]
        for folder in ("both", "en")
    )
    assert made.keys() == {"kyutai-launch.en.pdf", "kyutai-launch.fr.pdf"}
    for key in ("inputs", "pages", "sha256", "bytes", "fingerprint"):  # the same PDF, described the same
        assert made["kyutai-launch.en.pdf"][key] == built_alone["kyutai-launch.en.pdf"][key], key


def test_an_input_problem_a_worker_finds_is_said_with_every_other_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    """Three documents with --jobs 1: the two with a character no font has are left to the worker. The build says
    both problems, as when every document was rendered before the engines ran, exits 2 and writes nothing."""
    folder = tmp_path / "briefs"
    minimal = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    places = []
    for name in ("a-good", "b-bad", "c-bad"):
        text = minimal.replace("id: minimal-brief", f"id: {name}")
        if name.endswith("bad"):
            text = text.replace("A test headline", "A 😀 headline")
            line = next(n for n, t in enumerate(text.splitlines(), 1) if "😀" in t)
            places.append(
                f"{folder / name / 'brief.yaml'}:{line}:{text.splitlines()[line - 1].index('😀') + 1}"
            )
        (folder / name).mkdir(parents=True)
        (folder / name / "brief.yaml").write_text(text, encoding="utf-8")
    args = ("build", folder, "--engine", "typst", "--jobs", "1", "--lang", "en", "--out", tmp_path / "out")
    code, stdout, stderr = run_cli(*args)
    assert code == EXIT_INPUT and stdout == "", stderr
    said = [text.split(": no glyph for 😀")[0] for text in stderr.splitlines() if "no glyph for 😀" in text]
    assert said == places
    assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists()
