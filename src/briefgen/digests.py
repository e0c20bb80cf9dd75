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

import briefgen
from briefgen import signatures

TYPE_CHECKING = False  # typing is not imported: a build that is up to date reads this module
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path
    from typing import Any

    from briefgen.backends import Backend


def cache_folder(name: str) -> Path:
    """`$XDG_CACHE_HOME/briefgen/NAME` (`~/.cache/briefgen/NAME` when it is unset): where briefgen keeps what it
    can always make again (compiled templates, font facts, LuaTeX's font cache, converted SVGs)."""
    from pathlib import Path

    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "briefgen" / name


@functools.lru_cache(maxsize=4096)
def _digest(path: str, stamp: signatures.Signature) -> str:
    """A file's sha256, read again when its stamp (times, size, inode) changes: `watch` runs for hours."""
    return signatures.sha256(path)


def file_digest(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes."""
    return _digest(os.fspath(path), signatures.of(os.stat(path)))


def folder_files(
    root: str | os.PathLike[str],
    skip: Iterable[str | os.PathLike[str]] = (),
    digest: Callable[[str], str | None] = file_digest,
) -> list[tuple[str, str | None]]:
    """Every regular file under `root` (links to folders not followed, `skip`'s folders left out), as
    (path relative to root, sha256 by `digest`), in path order."""
    return [(relative, digest(file)) for relative, file in signatures.walk(root, skip)]


def _normal(name: str) -> str:
    """A distribution's name as its `.dist-info` folder writes it (PEP 503 normalised, `_` for `-`)."""
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def _listing(folder: str) -> list[str]:
    """The names in a folder of the import path, listed once per process."""
    return os.listdir(folder)


@functools.cache
def _dist_infos() -> dict[str, str]:
    """The `.dist-info` folder of each distribution installed where Python imports from, by normalised name;
    the first on the path, as importlib.metadata finds it."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = sorted(_listing(entry or "."))
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                found.setdefault(
                    _normal(name.removesuffix(".dist-info").split("-")[0]), os.path.join(entry or ".", name)
                )
    return found


def version(name: str) -> str | None:
    """A library's version, as importlib.metadata.version gives it (the `Version:` of its metadata), read
    without importing importlib.metadata when its `.dist-info` folder says it; None when it is not installed."""
    folder = _dist_infos().get(_normal(name))
    try:
        if folder is not None:
            with open(os.path.join(folder, "METADATA"), encoding="utf-8") as metadata:
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

    root = os.path.dirname(briefgen.__file__)
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
    return installed_by(file_digest)


def installed_by(digest: Callable[[str], str | None]) -> dict[str, Any]:
    """`installed()`, each of briefgen's files digested by `digest`."""
    found = []
    for entry in dict.fromkeys(sys.path):
        try:
            names = _listing(entry or ".")
        except OSError:
            continue
        found += [[entry, name] for name in names if name.endswith((".dist-info", ".egg-info", ".egg-link"))]
    return {
        "files": hashlib.sha256(json.dumps(folder_files(package_root(), (), digest)).encode()).hexdigest(),
        "python": sys.version,
        "executable": sys.executable,
        "distributions": sorted(found),
    }


def package_root() -> str:
    """The folder of briefgen's own files."""
    return os.path.dirname(briefgen.__file__)


def engine_version(backend: Backend) -> str:
    """The engine's version: its Python library's, or the first line its program prints."""
    return engine_version_of(backend.library or None, backend.program or None)


@functools.cache
def engine_version_of(library: str | None, program: str | None) -> str:
    """The version of the engine that imports `library` (its distribution's), else runs `program` (the first
    line its `--version` prints)."""
    if library:
        return version(library) or "unknown"
    if not program:
        return "unknown"
    import subprocess

    try:
        done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


__all__ = [
    "engine_version",
    "engine_version_of",
    "file_digest",
    "folder_files",
    "installed",
    "installed_by",
    "package",
    "package_root",
    "version",
]
