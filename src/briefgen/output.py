"""Write outputs atomically: a failed build never leaves a partial file and never replaces a good one.

A batch is written in two steps. First every output goes to a temporary file beside its place (the step where
a full disk or a refused folder fails, and then every temporary file is removed and nothing is replaced). Then,
once no place is found taken by a folder, each existing file is kept aside (a hard link, or a copy) and each
temporary file renamed into place; when one rename fails, the files already renamed are put back from what was
kept aside (or removed, where there was none), so that the batch, PDFs and manifest alike, is all or nothing.
A write error is an EngineError (exit 1) naming the file: `out/x.pdf: cannot write: …`.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import stat
import tempfile
from pathlib import Path
from types import TracebackType

from briefgen.errors import EngineError, Problem, display_path

log = logging.getLogger(__name__)


class Batch:
    """Files staged one by one (`stage`), then put in place together (`commit`); what is not committed is
    removed on leaving the `with` block."""

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path]] = []  # (temporary file, place)

    def __enter__(self) -> Batch:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for tmp, _path in self.staged:
            tmp.unlink(missing_ok=True)
        self.staged = []

    def stage(self, path: Path, data: bytes) -> None:
        """Write `data` to a temporary file beside `path`. Raises EngineError (nothing of it left)."""
        self.staged.append((_stage(path, data), path))

    def commit(self) -> None:
        """Put every staged file in its place, or (raising EngineError) none: every place as it was."""
        for _tmp, path in self.staged:
            _check_place(path)
        kept: list[tuple[Path, Path | None]] = []  # (place, its former file kept aside, or None)
        stranded: set[Path] = set()  # files kept aside that could not be put back: never removed
        try:
            for _tmp, path in self.staged:
                kept.append((path, _keep(path)))
            done: list[tuple[Path, Path | None]] = []
            for (tmp, path), (_place, aside) in zip(self.staged, kept, strict=True):
                try:
                    os.replace(tmp, path)
                except OSError as exc:
                    stranded = _put_back(done)
                    raise _error(path, "cannot write", exc) from None
                done.append((path, aside))
        finally:
            for _path, aside in kept:
                if aside is not None and aside not in stranded:
                    aside.unlink(missing_ok=True)
        self.staged = []


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename it into place."""
    write_all([(path, data)])


def write_all(outputs: list[tuple[Path, bytes]]) -> None:
    """Write every output, or (on any error) none: all are staged in temporary files before one is renamed,
    and the ones renamed are put back if a later rename fails."""
    with Batch() as batch:
        for path, data in outputs:
            batch.stage(path, data)
        batch.commit()


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


def _check_place(path: Path) -> None:
    """EngineError when a folder is where `path` is to be written: a rename could not replace it."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _error(path, "cannot write", exc) from None
    if stat.S_ISDIR(mode):
        raise EngineError(Problem(display_path(path), 0, 0, "cannot write: a folder is in the way"))


def _keep(path: Path) -> Path | None:
    """The file at `path` kept aside under a new name beside it (a hard link: the file stays in its place), to
    be put back if the batch fails; None when there is none. A file system without hard links gets a copy."""
    if not os.path.lexists(path):
        return None
    for _ in range(100):
        aside = path.with_name(f".{path.name}.{os.urandom(6).hex()}.old")
        try:
            os.link(path, aside, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError:
            try:
                shutil.copy2(path, aside, follow_symlinks=False)
            except OSError as exc:
                raise _error(path, "cannot keep the file aside while the batch is written", exc) from None
        return aside
    raise EngineError(Problem(display_path(path), 0, 0, "cannot keep the file aside: no free name"))


def _put_back(done: list[tuple[Path, Path | None]]) -> set[Path]:
    """Undo the renames of `done`, the last first: each former file back in its place, a new file removed. A
    former file that cannot be put back stays where it was kept, and a warning says where: it is never lost.
    Gives those files."""
    stranded: set[Path] = set()
    for path, aside in reversed(done):
        try:
            if aside is None:
                path.unlink()
            else:
                os.replace(aside, path)
        except OSError as exc:
            if aside is not None:
                stranded.add(aside)
            kept = f"; the former file is kept as {display_path(aside)}" if aside is not None else ""
            log.warning(
                "%s: cannot be put back as it was: %s%s", display_path(path), exc.strerror or exc, kept
            )
    return stranded


def _error(path: Path, doing: str, exc: OSError) -> EngineError:
    """`path: doing: reason`, the reason as the system says it (a folder that is a file said plainly)."""
    if isinstance(exc, FileExistsError | NotADirectoryError) or exc.errno in (errno.EEXIST, errno.ENOTDIR):
        reason = "a file is in the way where a folder is needed"
    else:
        reason = exc.strerror or str(exc)
    return EngineError(Problem(display_path(path), 0, 0, f"{doing}: {reason}"))


__all__ = ["Batch", "write_all", "write_atomic"]
