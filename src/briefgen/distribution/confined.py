"""Read a file of a folder that someone else may have written (an output folder): its bytes, or an InputError.

The file is named by a plain name (no `/`, not `.` or `..`), opened in the folder without following a symbolic
link and without blocking (a FIFO is refused, not waited on), checked to be a regular file, and read up to a
limit: a file whose name leads out of the folder, a link, a device or a file past the limit is never read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from briefgen.errors import InputError, Problem, display_path


class Oversized(InputError):
    """A file holding more bytes than the reader allows."""


def plain_name(name: str) -> bool:
    """Whether `name` names a file in a folder, not a path: no separator, not `.`, `..` or empty, no NUL."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\0" not in name


def present(folder: Path, name: str) -> bool:
    """Whether `folder` holds something called `name` (a link counts, a link's target is not looked at)."""
    try:
        os.lstat(folder / name)
    except (OSError, ValueError):
        return False
    return True


def is_regular(folder: Path, name: str) -> bool:
    """Whether `name` in `folder` is a regular file itself (not a link to one)."""
    try:
        return stat.S_ISREG(os.lstat(folder / name).st_mode)
    except (OSError, ValueError):
        return False


def read(folder: Path, name: str, most: int, after: str = "") -> bytes:
    """The bytes of the regular file `name` of `folder`, at most `most` of them. Raises InputError at the file
    (`after` ends its message) when `name` is not a plain name, is a link, is not a regular file, cannot be
    read or holds more than `most` bytes. A missing file (or folder) is FileNotFoundError (NotADirectoryError),
    for the caller to say what it means."""
    path = folder / name
    where = f"{display_path(folder).rstrip('/')}/{name}"  # the link's name, not where it leads
    if not plain_name(name):
        raise InputError(Problem(where, 0, 0, f"not a file name of {display_path(folder)}/{after}"))
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(
                Problem(where, 0, 0, f"a symbolic link, not a file briefgen wrote{after}")
            ) from None
        raise InputError(Problem(where, 0, 0, f"cannot read: {exc.strerror or exc}{after}")) from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a device, pipe or socket"
            raise InputError(Problem(where, 0, 0, f"not a regular file ({kind}){after}"))
        try:
            data = handle.read(most + 1)
        except OSError as exc:
            raise InputError(Problem(where, 0, 0, f"cannot read: {exc.strerror or exc}{after}")) from None
    if len(data) > most:
        raise Oversized(Problem(where, 0, 0, f"larger than the {most} bytes expected{after}"))
    return data


__all__ = ["Oversized", "is_regular", "plain_name", "present", "read"]
