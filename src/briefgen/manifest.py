"""Describe the PDFs of an output folder in `OUT/manifest.json`: what each was built from, by what, its digest.

`build` gives the manifest its new entries and writes it in the same all-or-nothing write as the PDFs; entries
of files not rebuilt are kept while their file is there. `bundle` reads it. The JSON is written with sorted keys,
indented, with a final newline, so that the same builds give the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.backends import Backend
from briefgen.brief import model
from briefgen.brief.read import Unreadable
from briefgen.brief.validate import LoadedBrief, walk
from briefgen.errors import InputError, Problem, display_path

NAME = "manifest.json"
INPUTS_COVER = (
    "inputs: the sha256 of sha256sum lines ('<sha256>  <path>', paths relative to the brief's folder) of the "
    "brief file, then of its sources' files and its figures in path order"
)

Entry = dict[str, Any]


def input_files(loaded: LoadedBrief) -> list[Path]:
    """The files a brief is built from: the brief, then its sources' files and its figures, by path."""
    folder = loaded.file.parent
    files: set[Path] = set()
    for source in loaded.brief.cited:
        if source.file:
            files.add(folder / source.file)
    for _path, node in walk(loaded.brief):
        if isinstance(node, model.Figure):
            try:
                files.add(loaded.figure_path(node.file))
            except Unreadable:  # checked when the brief was loaded
                continue
    ordered = sorted(files, key=lambda f: os.path.relpath(f, folder))
    return [loaded.file, *(f for f in ordered if f != loaded.file)]


@functools.cache
def _file_digest(path: Path, stamp: tuple[int, int]) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs_of(loaded: LoadedBrief) -> str:
    """The sha256 of what the brief is built from (see INPUTS_COVER)."""
    folder = loaded.file.parent
    lines = []
    for file in input_files(loaded):
        stat = file.stat()
        digest = _file_digest(file.resolve(), (stat.st_mtime_ns, stat.st_size))
        lines.append(f"{digest}  {Path(os.path.relpath(file, folder)).as_posix()}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def identifier(inputs: str, lang: str) -> str:
    """The PDF file identifier of one language of a brief: 16 bytes (32 hex digits) from its inputs."""
    return hashlib.sha256(f"{inputs} {lang}".encode()).hexdigest()[:32]


@functools.cache
def engine_version(backend: Backend) -> str:
    """The engine's version: its Python library's, or the first line its program prints."""
    import importlib.metadata

    if backend.library:
        try:
            return importlib.metadata.version(backend.library)
        except importlib.metadata.PackageNotFoundError:
            return "unknown"
    try:
        done = subprocess.run(
            [backend.program, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def theme_name(theme: str) -> str:
    """A theme as the manifest and the build record name it: a built-in's name, a folder's path."""
    return theme if "/" not in theme and not Path(theme).is_dir() else display_path(theme)


def entry(
    loaded: LoadedBrief,
    lang: str,
    backend: Backend,
    theme: str,
    data: bytes,
    pages: int,
    inputs: str,
    standards: tuple[str, ...] = (),
    attached: str = "all",
) -> Entry:
    """The manifest's entry for one PDF made in memory."""
    return {
        "brief": loaded.brief.id,
        "source": Path(os.path.relpath(loaded.file)).as_posix(),
        "language": lang,
        "engine": backend.name,
        "engine_version": engine_version(backend),
        "theme": theme_name(theme),
        "standards": list(standards),
        "attached": attached,  # what the PDF carries: all (brief, sources, figures, record), record, none
        "format": "pdf",
        "pages": pages,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "inputs": inputs,
        "briefgen": __version__,
    }


def read(out: Path) -> dict[str, Entry]:
    """The entries of `out`'s manifest, by file name; none when there is no manifest. A manifest that is not
    briefgen's JSON is an InputError at its place."""
    path = out / NAME
    try:
        text = path.read_text(encoding="utf-8")
    except (
        FileNotFoundError,
        NotADirectoryError,
    ):  # no manifest yet (writing the folder says why, if it must)
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(display_path(path), 0, 0, f"cannot read: {exc}")) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = Problem(display_path(path), exc.lineno, exc.colno, f"not valid JSON: {exc.msg} {_REMOVE}")
        raise InputError(where) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(e, dict) for e in files.values()):
        raise InputError(Problem(display_path(path), 1, 1, f"not a briefgen manifest {_REMOVE}"))
    return files


_REMOVE = "(remove it: the next build writes a new one)"


def updated(out: Path, old: dict[str, Entry], new: dict[str, Entry]) -> dict[str, Entry]:
    """The manifest after a build: the new entries (noting `replaced` when another engine made the file
    before), and the old ones whose file is still in `out`."""
    files = {name: e for name, e in old.items() if name not in new and (out / name).is_file()}
    for name, made in new.items():
        before = old.get(name)
        if (
            before is not None
            and (out / name).is_file()
            and before.get("engine") not in (None, made["engine"])
        ):
            made = {**made, "replaced": before["engine"]}
        files[name] = made
    return files


def dumps(files: dict[str, Entry]) -> bytes:
    """The manifest's bytes: sorted, indented, a final newline."""
    document = {"files": files, "inputs_cover": INPUTS_COVER}
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def restricted(files: dict[str, Entry], names: Iterable[str]) -> bytes:
    """The manifest of some of the files only (a bundle's)."""
    return dumps({name: files[name] for name in names})


__all__ = [
    "INPUTS_COVER",
    "NAME",
    "dumps",
    "entry",
    "identifier",
    "inputs_of",
    "read",
    "restricted",
    "theme_name",
    "updated",
]
