"""Digest what outputs are made from: a file's bytes, a folder's files, briefgen and its libraries, an engine's
version. Light on purpose (the standard library only): a build that is up to date (briefgen.uptodate) computes
them before it imports the pipeline, and the fingerprint of a full build (briefgen.fingerprint) is made of them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import briefgen

if TYPE_CHECKING:
    from briefgen.backends import Backend


def cache_folder(name: str) -> Path:
    """`$XDG_CACHE_HOME/briefgen/NAME` (`~/.cache/briefgen/NAME` when it is unset): where briefgen keeps what it
    can always make again (compiled templates, font facts, LuaTeX's font cache, converted SVGs)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "briefgen" / name


def _stamp(path: Path) -> tuple[int, ...]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino, stat.st_dev


@functools.lru_cache(maxsize=4096)
def _digest(path: Path, stamp: tuple[int, ...]) -> str:
    """A file's sha256, read again when its stamp (times, size, inode) changes: `watch` runs for hours."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    """The sha256 of a file's bytes."""
    return _digest(path, _stamp(path))


def folder_files(root: Path, skip: Iterable[Path] = ()) -> list[tuple[str, str]]:
    """Every regular file under `root` (links to folders not followed, `skip`'s folders left out), as
    (path relative to root, sha256), in path order."""
    skipped = {p.resolve() for p in skip}
    found: list[tuple[str, str]] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and (here / d).resolve() not in skipped)
        for name in files:
            file = here / name
            if file.is_file():
                found.append(((file.relative_to(root)).as_posix(), file_digest(file)))
    return sorted(found)


def _normal(name: str) -> str:
    """A distribution's name as its `.dist-info` folder writes it (PEP 503 normalised, `_` for `-`)."""
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def _dist_infos() -> dict[str, Path]:
    """The `.dist-info` folder of each distribution installed where Python imports from, by normalised name;
    the first on the path, as importlib.metadata finds it."""
    found: dict[str, Path] = {}
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                found.setdefault(
                    _normal(name.removesuffix(".dist-info").split("-")[0]), Path(entry or ".") / name
                )
    return found


def version(name: str) -> str | None:
    """A library's version, as importlib.metadata.version gives it (the `Version:` of its metadata), read
    without importing importlib.metadata when its `.dist-info` folder says it; None when it is not installed."""
    folder = _dist_infos().get(_normal(name))
    try:
        if folder is not None:
            with open(folder / "METADATA", encoding="utf-8") as metadata:
                for line in metadata:
                    if line.startswith("Version:"):
                        return line.removeprefix("Version:").strip()
                    if not line.strip():  # the headers end: no version there
                        break
    except OSError:
        pass
    import importlib.metadata  # an egg, a zip: what the library's own reader finds

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


@functools.cache
def package() -> dict[str, Any]:
    """briefgen, the Python running it and the libraries it depends on: once per process."""
    import importlib.metadata

    root = Path(briefgen.__file__).parent
    requires = importlib.metadata.requires("briefgen") or []
    libraries = {}
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[\s;<>=!\[~(]", requirement, maxsplit=1)[0]
        libraries[name] = version(name) or "missing"
    return {
        "files": hashlib.sha256(json.dumps(folder_files(root)).encode()).hexdigest(),
        "python": sys.version,
        "libraries": libraries,
    }


@functools.cache
def installed() -> dict[str, Any]:
    """Cheaper than `package` and telling every change it tells: the sha256 of briefgen's files, the Python
    running it and the name of every distribution installed where it imports from (a library upgraded or added
    renames or adds its `<name>-<version>.dist-info` folder), without reading any library's metadata."""
    found = []
    for entry in dict.fromkeys(sys.path):
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found += [[entry, name] for name in names if name.endswith((".dist-info", ".egg-info", ".egg-link"))]
    root = Path(briefgen.__file__).parent
    return {
        "files": hashlib.sha256(json.dumps(folder_files(root)).encode()).hexdigest(),
        "python": sys.version,
        "executable": sys.executable,
        "distributions": sorted(found),
    }


@functools.cache
def engine_version(backend: Backend) -> str:
    """The engine's version: its Python library's, or the first line its program prints."""
    if backend.library:
        return version(backend.library) or "unknown"
    import subprocess

    try:
        done = subprocess.run(
            [backend.program, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


__all__ = ["engine_version", "file_digest", "folder_files", "installed", "package", "version"]
