"""Know a file's sha256 without reading it: from its stat signature, when a record holds that signature with the
digest and the file was settled when it was signed; else by reading it.

A signature is what `stat` says of a file (device, inode, size, modification and change times in nanoseconds),
as git's index keeps it. The kernel sets a file's change time (ctime) to the clock's time at every write,
rename, link or `touch` — no user tool can set it back — so a file written since it was signed has another
signature. Only a signature whose ctime is older than the moment its digest was read by a margin (SETTLE_NS,
COARSE_NS on a file system that keeps whole seconds) is signed: a write in the same clock tick as the read
cannot hide behind an unchanged ctime (git's "racy" rule). The standard library only, and the few modules a
build that is up to date (briefgen.recall) can afford.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

# Before this process read any file for a digest (briefgen.digests imports this module).
STARTED = time.time_ns()
SETTLE_NS = 50_000_000  # how much older than the read of its bytes a signature must be to be trusted
COARSE_NS = 2_000_000_000  # the same, on a file system whose times are whole seconds
MOST = 200_000  # signatures a record keeps

Signature = tuple[int, int, int, int, int]


def of(info: os.stat_result) -> Signature:
    """A file's signature, from what `stat` says of it."""
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def settled(ctime: int, before: int, settle: int = SETTLE_NS, coarse: int = COARSE_NS) -> bool:
    """Whether a file last changed at `ctime` had changed for the last time well before `before`."""
    return ctime < before - (coarse if ctime % 1_000_000_000 == 0 else settle)


def sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes, read now."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def walk(root: str | os.PathLike[str], skip: Iterable[str | os.PathLike[str]] = ()) -> list[tuple[str, str]]:
    """Every regular file under `root` (links to folders not followed, `skip`'s folders and `__pycache__` left
    out), as (path relative to root with `/`, path), in path order: what `os.walk` finds, with the types the
    folder's entries give (no `stat` for most)."""
    skipped = set()
    for folder in skip:  # a folder is skipped however it is reached: by its device and inode
        try:
            info = os.stat(folder)
            skipped.add((info.st_dev, info.st_ino))
        except OSError:
            continue
    found: list[tuple[str, str]] = []

    def visit(folder: str, relative: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:  # as os.walk: a folder that cannot be listed holds nothing
            return
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name == "__pycache__" or (skipped and _identity(entry) in skipped):
                    continue
                try:
                    link = entry.is_symlink()
                except OSError:
                    link = False
                if not link:
                    visit(entry.path, f"{relative}{entry.name}/")
                continue
            try:
                regular = entry.is_file()
            except OSError:
                regular = False
            if regular:
                found.append((relative + entry.name, entry.path))

    visit(os.fspath(root), "")
    return sorted(found)


def _identity(entry: os.DirEntry[str]) -> tuple[int, int] | None:
    try:
        info = entry.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


class Signed:
    """Digests of files, taken from the signatures a record holds (`{absolute path: [*signature, sha256]}`,
    untrusted: a malformed entry is no entry) when the file's signature is the same, else read."""

    def __init__(self, recorded: Mapping[str, object] | None = None) -> None:
        self.recorded = recorded if isinstance(recorded, dict) else {}

    def digest(self, path: str | os.PathLike[str]) -> str | None:
        """The sha256 of a regular file (links followed); None when there is none at `path`."""
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        entry = self.recorded.get(os.path.abspath(path))
        if (
            isinstance(entry, list)
            and len(entry) == 6
            and tuple(entry[:5]) == of(info)
            and isinstance(entry[5], str)
        ):
            return entry[5]
        try:
            return sha256(path)
        except OSError:
            return None


def sign(
    paths: Iterable[str | os.PathLike[str]],
    digest: Callable[[str], str],
    settle: int = SETTLE_NS,
    coarse: int = COARSE_NS,
) -> dict[str, list[int | str]]:
    """The signatures of the regular files among `paths` that have not changed since well before this process
    started (STARTED), each with its sha256 by `digest`: stat first, then read, so that a file written in
    between is signed with its older signature, which it no longer has."""
    signed: dict[str, list[int | str]] = {}
    for path in paths:
        place = os.path.abspath(path)
        try:
            info = os.stat(place)
            if stat.S_ISREG(info.st_mode) and settled(info.st_ctime_ns, STARTED, settle, coarse):
                signed[place] = [*of(info), digest(place)]
        except OSError:
            continue
    return signed


__all__ = ["COARSE_NS", "MOST", "SETTLE_NS", "STARTED", "Signed", "settled", "sha256", "sign", "walk"]
