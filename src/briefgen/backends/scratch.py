"""One folder for every temporary file of briefgen and its engines, cleaned of what dead processes left there.

Each process builds in its own folder `$TMPDIR/briefgen-<uid>/run-<pid>-<random>/`, beside a lock file of the
same name + `.lock` that it holds locked (flock) while it lives. The kernel releases the lock when the process
dies, however it dies (SIGKILL included), so the next run removes every folder whose lock it can take.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import IO

from briefgen.errors import EngineError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: folders of dead processes are not found
    fcntl = None  # type: ignore[assignment]

LOCK = ".lock"

_folder: Path | None = None  # this process's folder
_lock: IO[str] | None = None  # its lock file, held open and locked
_owner = 0  # the process that made `_folder` and removes it at exit


def root() -> Path:
    """The folder holding every run's folder: one per user, in the system's temporary folder."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"briefgen-{uid}"


def folder() -> Path:
    """This process's temporary folder, made (and the folders of dead runs removed) on first use."""
    global _folder
    if _folder is None:
        _folder = _make()
    return _folder


def adopt(path: Path) -> None:
    """Use `path` (a folder of the parent process) as this process's: an engine worker's, removed by its parent.

    Every library's temporary files go there too (`tempfile`, and TMPDIR for the programs it runs).
    """
    global _folder, _lock, _owner
    _folder, _lock, _owner = path, None, 0
    tempfile.tempdir = str(path)
    os.environ["TMPDIR"] = str(path)


def _make() -> Path:
    global _lock, _owner
    base = root()
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        info = base.lstat()
        if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            raise EngineError(f"{base}: the temporary folder of briefgen is not a folder of this user")
        clean(base)
        _lock, lock_path = _locked_file(base)
        made = lock_path.with_name(lock_path.name.removesuffix(LOCK))
        made.mkdir(mode=0o700)
    except OSError as exc:
        raise EngineError(f"{base}: cannot make a temporary folder: {exc.strerror or exc}") from None
    _owner = os.getpid()
    atexit.register(remove)
    return made


def _locked_file(base: Path) -> tuple[IO[str], Path]:
    """A new lock file, locked by this process (retried if a cleaning run removed it before it was locked)."""
    while True:
        fd, name = tempfile.mkstemp(prefix=f"run-{os.getpid()}-", suffix=LOCK, dir=base)
        handle = os.fdopen(fd, "w")
        if fcntl is None:
            return handle, Path(name)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if os.path.samestat(os.fstat(fd), os.stat(name)):
                return handle, Path(name)
        except FileNotFoundError:
            pass
        handle.close()


def clean(base: Path) -> list[Path]:
    """Remove the folders of runs that have ended (their lock is free), and folders left without a lock."""
    removed: list[Path] = []
    if fcntl is None:
        return removed
    for lock_path in sorted(base.glob(f"*{LOCK}")):
        try:
            handle = open(lock_path, "a")  # noqa: SIM115 - held while its folder is removed
        except OSError:
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # its process is alive
            run = lock_path.with_name(lock_path.name.removesuffix(LOCK))
            shutil.rmtree(run, ignore_errors=True)
            lock_path.unlink(missing_ok=True)
            removed.append(run)
    for entry in base.iterdir():  # a lock is made before its folder and removed after it
        if entry.is_dir() and not entry.with_name(entry.name + LOCK).exists():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def remove() -> None:
    """Remove this process's folder and its lock (at exit; also after SIGINT and SIGTERM, which unwind)."""
    global _folder, _lock
    if _folder is None or _owner != os.getpid():
        return
    shutil.rmtree(_folder, ignore_errors=True)
    lock_path = _folder.with_name(_folder.name + LOCK)
    lock_path.unlink(missing_ok=True)
    if _lock is not None:
        _lock.close()
    _folder, _lock = None, None


__all__ = ["adopt", "clean", "folder", "remove", "root"]
