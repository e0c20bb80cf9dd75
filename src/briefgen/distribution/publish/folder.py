"""Take the files of a site; write them as the folder DIR, whole or not at all.

The site is written into a new folder beside DIR, then put in its place in one step: a failed or stopped
publish leaves the site there before untouched. Every file is created new inside that folder, never through a
link, and a name that is not a path inside it (absolute, or with `..`) is refused: publish writes nothing
outside DIR. DIR may be missing, an empty folder, or a folder an earlier `briefgen publish` wrote (it holds
MARKER); it is then replaced whole, files added to it by hand included. Any other DIR is refused (InputError),
so that a mistyped name never erases a folder of other files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from briefgen.errors import EngineError, InputError, Problem, display_path

MARKER = ".briefgen-publish"
MARKER_TEXT = "Written by `briefgen publish`; the next publish to this folder replaces the whole folder.\n"


def check(site: Path) -> None:
    """InputError when `site` is neither missing, nor an empty folder, nor a site `briefgen publish` wrote."""
    where = display_path(site)
    if not site.exists():
        return
    if not site.is_dir():
        raise InputError(
            Problem(where, 0, 0, "is a file, not a folder: give the folder to write the site to")
        )
    if (site / MARKER).is_file() or not any(site.iterdir()):
        return
    raise InputError(
        Problem(
            where,
            0,
            0,
            f"holds files and is not a site briefgen publish wrote (it has no {MARKER}): publish replaces its "
            "folder whole, so give a new or empty folder",
        )
    )


def write(site: Path, files: dict[str, bytes]) -> None:
    """Write `files` (paths inside the site, with `/`) and MARKER as the folder `site`, replacing the site
    there. An OSError is an EngineError naming the folder; `site` is then as it was."""
    check(site)
    parent = site.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{site.name}.", suffix=".part"))
    except OSError as exc:
        raise _error(site, exc) from None
    try:
        os.chmod(staging, 0o755)
        for name, data in sorted({**files, MARKER: MARKER_TEXT.encode()}.items()):
            _write_inside(staging, name, data)
        _swap(staging, site)
    except OSError as exc:
        raise _error(site, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def inside(name: str) -> bool:
    """Whether `name` is a path inside a folder: relative, with `/`, every part a plain name (no `..`)."""
    parts = name.split("/")
    return all(part not in ("", ".", "..") and "\0" not in part for part in parts)


def _write_inside(staging: Path, name: str, data: bytes) -> None:
    """Write the file `name` of the new site in `staging`, never outside it: a name that is not a path inside
    the site is an InputError; no folder or file is followed through a link (the staging folder is new)."""
    if not inside(name):
        raise InputError(Problem(display_path(staging), 0, 0, f"{name!r} is not a path inside the site"))
    folder = staging
    for part in name.split("/")[:-1]:
        folder = folder / part
        if not folder.is_dir() or folder.is_symlink():
            os.mkdir(folder, 0o755)  # FileExistsError for a file or a link in the way
            os.chmod(folder, 0o755)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    with os.fdopen(os.open(folder / name.rsplit("/", 1)[-1], flags, 0o644), "wb") as handle:
        os.fchmod(handle.fileno(), 0o644)  # readable by all, whatever the umask, as a static site is served
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _swap(staging: Path, site: Path) -> None:
    """Put `staging` in the place of `site`, then remove the site before. On Linux the two folders are exchanged
    in one step (renameat2), so that DIR is never missing, even for a server reading it meanwhile."""
    if not site.exists():
        os.rename(staging, site)
        return
    if not _exchange(staging, site):
        old = Path(tempfile.mkdtemp(dir=staging.parent, prefix=f".{site.name}.", suffix=".old"))
        os.rmdir(old)
        os.rename(site, old)
        try:
            os.rename(staging, site)
        except OSError:
            os.rename(old, site)
            raise
        staging = old
    shutil.rmtree(staging, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two folders in one step with Linux's renameat2(RENAME_EXCHANGE); False where it cannot."""
    import ctypes
    import errno

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # an older kernel or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(second))


def _error(site: Path, exc: OSError) -> EngineError:
    return EngineError(Problem(display_path(site), 0, 0, f"cannot write the site: {exc.strerror or exc}"))


__all__ = ["MARKER", "check", "inside", "write"]
