"""Write outputs atomically: a failed build never leaves a partial file and never replaces a good one.

A batch is written in two steps: every output goes to a temporary file beside its place (the step where a full
disk or a refused folder fails, and then every temporary file is removed and nothing is replaced), then each
is renamed into place. A write error is an EngineError (exit 1) naming the file: `out/x.pdf: cannot write: …`.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from briefgen.errors import EngineError, Problem, display_path


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename it into place."""
    write_all([(path, data)])


def write_all(outputs: list[tuple[Path, bytes]]) -> None:
    """Write every output, or (on any error) none: all are staged in temporary files before one is renamed."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in outputs:
            staged.append((_stage(path, data), path))
        for tmp, path in staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise _error(path, "cannot write", exc) from None
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def _stage(path: Path, data: bytes) -> Path:
    """`data` in a new temporary file beside `path`, on disk (fsync), readable by all like a file cp writes."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _error(path.parent, "cannot make the output folder", exc) from None
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise _error(path, "cannot write", exc) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _error(path, "cannot write", exc) from None
        raise
    return tmp


def _error(path: Path, doing: str, exc: OSError) -> EngineError:
    """`path: doing: reason`, the reason as the system says it (a folder that is a file said plainly)."""
    if isinstance(exc, FileExistsError | NotADirectoryError) or exc.errno in (errno.EEXIST, errno.ENOTDIR):
        reason = "a file is in the way where a folder is needed"
    else:
        reason = exc.strerror or str(exc)
    return EngineError(Problem(display_path(path), 0, 0, f"{doing}: {reason}"))


__all__ = ["write_all", "write_atomic"]
