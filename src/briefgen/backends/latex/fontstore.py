"""Give LuaLaTeX a theme's font files from one folder per content, so that its font cache is shared by every install.

luaotfload keeps each font's tables in LuaTeX's cache under the file's name (`lato-regular`), and reads them
again from the file, for seconds a run, when the file's size or modification time is not the one it recorded.
The same font installed in two environments (two virtualenvs, a floors venv beside the test venv) has two
modification times, so each build in one made the other's next build read every font again. The files are
copied once into `<cache>/fonts/<digest>/`, with a modification time made from their digest: the same bytes
have the same time wherever they were installed from.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Where LuaTeX keeps its font cache between builds (luaotfload's names database and font tables), and where
    the font copies go."""
    from briefgen.digests import cache_folder

    return cache_folder("texmf-var")


def stable_folder(folder: Path, files: Iterable[Path], cache_root: Path) -> Path:
    """A folder holding `files` (each under `folder`) at the same relative paths, with a modification time of
    their content; `folder` itself when the copy cannot be made (the cache only saves time)."""
    relative = sorted({file.relative_to(folder).as_posix() for file in files})
    stats = tuple((name, *_stat(folder / name)) for name in relative)
    try:
        return _stable(folder, stats, cache_root)
    except OSError as exc:
        log.warning("fonts not copied into %s (LuaTeX may read them again each run): %s", cache_root, exc)
        return folder


def _stat(file: Path) -> tuple[int, int]:
    info = file.stat()
    return info.st_size, info.st_mtime_ns


@cache
def _stable(folder: Path, stats: tuple[tuple[str, int, int], ...], cache_root: Path) -> Path:
    digest = hashlib.sha256()
    for name, _, _ in stats:
        digest.update(name.encode() + b"\0" + _sha256(folder / name).encode() + b"\0")
    key = digest.hexdigest()[:32]
    target = cache_root / "fonts" / key
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    when = 1_000_000_000 + int(key[:7], 16)  # a time of the content: between 2001 and 2009
    made = Path(tempfile.mkdtemp(prefix=".part-", dir=target.parent))
    made.chmod(0o755)
    try:
        for name, _, _ in stats:
            (made / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, made / name)
            os.utime(made / name, (when, when))
        os.replace(made, target)
    except OSError:
        shutil.rmtree(made, ignore_errors=True)
        if not target.is_dir():  # else another build made it first
            raise
    return target


def _sha256(file: Path) -> str:
    with open(file, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
