"""The pipeline's order of work (briefgen.build.make): the engine's workers are started for every document the
pool will typeset at once, before the documents are rendered, so that each imports its engine meanwhile."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from briefgen import build
from briefgen.backends import workers
from briefgen.settings import Settings
from tests.conftest import ROOT

KYUTAI = ROOT / "briefs" / "kyutai-launch"


class Recording:
    """A pool that records what it is asked, in order, and typesets nothing."""

    def __init__(self, said: list[str]) -> None:
        self.said = said

    def warm(self, function: Callable[..., object], *args: object, count: int = 1) -> None:
        self.said.append(f"warm {count}")

    def run(self, calls: list[workers.Call], jobs: int = 1) -> Iterator[tuple[int, Any, float]]:
        self.said.append(f"run {len(calls)} calls, {jobs} at a time")
        yield from ()


@pytest.mark.parametrize(
    ("jobs", "langs", "warmed"), [(2, ("fr", "en"), 2), (2, ("fr",), 1), (1, ("fr", "en"), 1)]
)
def test_the_workers_the_documents_need_are_warmed_before_any_is_rendered(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: int, langs: tuple[str, ...], warmed: int
) -> None:
    said: list[str] = []
    monkeypatch.setattr(workers, "pool", lambda: Recording(said))
    prepare = build.prepare

    def rendering(task: build.Task, *args: Any, **kwargs: Any) -> build.Output:
        said.append(f"render {task.lang}")
        return prepare(task, *args, **kwargs)

    monkeypatch.setattr(build, "prepare", rendering)
    setup = build.resolve(Settings(engine="typst", jobs=jobs, langs=langs, out=tmp_path))
    build.make(build.plan([KYUTAI], setup))  # the recording pool typesets nothing
    renders = [f"render {lang}" for lang in langs]
    assert said == [f"warm {warmed}", *renders, f"run {len(langs)} calls, {jobs} at a time"]
