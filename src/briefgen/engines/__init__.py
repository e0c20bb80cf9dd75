"""The engines that typeset a rendered source into PDF bytes; each lives in its own module, imported on use."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from briefgen.document import Document
from briefgen.errors import InputError

ENGINES = ("weasyprint", "typst", "latex")


@dataclass(frozen=True)
class Job:
    """What an engine needs to typeset one document: its source, the template folders, and where it may read."""

    source: str
    doc: Document
    template_dirs: list[Path]
    font_dir: Path
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Typeset:
    pdf: bytes
    pages: int


class Engine(Protocol):
    name: str
    source_suffix: str  # what `--format` writes for this engine: ".html", ".typ", ".tex"

    def compile(self, job: Job) -> Typeset: ...


def get_engine(name: str) -> Engine:
    """The engine called `name`, importing its module (and its library) only now."""
    if name not in ENGINES:
        raise InputError(f"unknown engine '{name}' (available: {', '.join(ENGINES)})")
    module = importlib.import_module(f"briefgen.engines.{name}")
    return module.ENGINE
