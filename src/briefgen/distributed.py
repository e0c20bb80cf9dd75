"""Build a batch past one machine: list its documents (a brief in one language) as jobs, split them into shards,
and build one job into PDF bytes, for a distributed engine (Dask, Ray, a CI matrix) to call.

A document is a pure function of its job: the brief's files, the theme, the engine and its version, the options.
`build_one` is `briefgen build` for that one document (the same validation, the engine in a worker stopped at
the time limit, the same PDF bytes) and writes nothing: where the bytes go is the caller's.

    from briefgen.distributed import build_one, documents, shard
    jobs = documents([Path("briefs")], Settings(engine="typst"))   # every problem of every brief, raised at once
    pdfs = {job.name: build_one(job) for job in shard(jobs, 1, 4)}  # this machine's quarter
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.build import Build, Setup, make, plan, resolve
from briefgen.settings import Settings, dumped


@dataclass(frozen=True)
class DocumentJob:
    """One document to build: the brief file, the language and the build's settings. It pickles, so that it can
    be sent to another process or machine (which has the brief's folder and the theme at the same paths)."""

    brief: Path
    lang: str
    id: str  # the brief's id
    settings: Settings = field(default_factory=Settings)

    @property
    def name(self) -> str:
        """The file `briefgen build` writes for it: `<brief-id>.<lang>.pdf`."""
        return f"{self.id}.{self.lang}.pdf"


def documents(paths: list[Path], settings: Settings | None = None) -> list[DocumentJob]:
    """Every document of the briefs under `paths` (files or folders), in the order `build` makes them. Validates
    every brief first: raises InputError with every problem, as `build` does."""
    settings = settings or Settings()
    planned = plan(paths, resolve(settings))
    return [
        DocumentJob(task.loaded.file, task.lang, task.loaded.brief.id, settings) for task in planned.tasks
    ]


def shard(jobs: list[DocumentJob], index: int, count: int) -> list[DocumentJob]:
    """The jobs of shard `index` of `count` (1-based, as a CI matrix numbers them): each job falls in exactly one
    shard, chosen by a hash of its brief id and language, so that adding a brief moves no other document."""
    if not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count}: the shard is a number from 1 to {count}")
    return [job for job in jobs if _bucket(job, count) == index - 1]


def _bucket(job: DocumentJob, count: int) -> int:
    digest = hashlib.sha256(f"{job.id}\0{job.lang}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count


def build_one(job: DocumentJob) -> bytes:
    """The PDF of `job`, as `briefgen build` writes it (same bytes), written nowhere. Raises InputError for an
    invalid brief, EngineError when the engine fails or passes its time limit."""
    settings = dataclasses.replace(job.settings, langs=(job.lang,), format="pdf")
    key = json.dumps(dumped(settings), sort_keys=True)
    setup = _SETUPS.get(key) or _SETUPS.setdefault(key, resolve(settings))
    (output,) = make(Build(setup, plan([job.brief], setup).tasks))
    return output.data


_SETUPS: dict[str, Setup] = {}  # the settings resolved once per process (engine, theme, standards), by value


__all__ = ["DocumentJob", "build_one", "documents", "shard"]
