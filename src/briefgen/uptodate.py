"""Tell whether a build asked again is up to date before the pipeline is imported: what the last builds into an
output folder read, recorded in `OUT/.uptodate.json`, checked against the disk.

A full build decides what is up to date by each output's fingerprint (briefgen.fingerprint), which needs the
briefs loaded and the theme resolved and checked: most of a second of imports. When it ends, it records, for its
call (the paths it was given, its settings, briefgen, Python, the libraries, the engine's version, the built-in
themes), every file and folder its fingerprints are made from or that decides what it builds (the briefs and
the folders searched for them, the theme's layers, catalogs and fonts, `--templates`), each by its sha256, the
sha256 of the manifest it left, each output's file and the warnings it gave before any engine started. The same
call again, every one of those files and folders holding the same bytes, the manifest the same bytes and each
output's file the bytes built, has the same fingerprints: every output is up to date, and nothing else is read.
The record also keeps the stat signature of each file it digested that was settled before the build's process
started (briefgen.signatures): a file with the same signature is not read again. A build started by the program
also records the key of its words (briefgen.recall), by which the same words are answered before the settings
are read.

Anything else means that the full build decides: no record, a record that does not parse or is not for this
call, one byte that differs. The output folder is untrusted input: the record is read as the manifest is
(briefgen.distribution.confined), and it can only ever make a build check more. A file changed while a build
read it could be recorded with bytes the build did not see: a build none of whose inputs is older than its start
(by SETTLE_NS, or COARSE_NS on a file system that keeps whole seconds) records nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import briefgen
from briefgen import digests, recall, signatures
from briefgen.distribution import confined

if TYPE_CHECKING:
    from briefgen.build import Build
    from briefgen.settings import Settings

NAME = recall.NAME
MANIFEST = recall.MANIFEST  # briefgen.distribution.manifest.NAME, without importing its schema
MOST = recall.MOST  # bytes a record may hold
MANIFEST_MOST = recall.MANIFEST_MOST  # as briefgen.distribution.manifest.MOST
RUNS = 16  # calls remembered per folder, the latest first
FORMAT = recall.FORMAT  # the record's own format: another one is no record
# The settings that change neither an output nor which outputs are built (each also in fingerprint.EXCLUDED):
# a build that differs only by them is the same call.
UNSHAPING = ("force", "jobs", "timeout", "mail")
# How long before a build's start a file must have changed for its record to be kept.
SETTLE_NS = signatures.SETTLE_NS
COARSE_NS = signatures.COARSE_NS  # the same, on a file system whose times are whole seconds

log = logging.getLogger(__name__)


def call(paths: Iterable[Path], settings: Settings) -> str:
    """The sha256 of what a build is asked and what it runs with."""
    from briefgen.backends import BACKENDS
    from briefgen.settings import dumped, fields
    from briefgen.themes.builtin import builtin_themes

    backend = BACKENDS.get(settings.engine)
    names = [name for name in fields(type(settings)) if name not in UNSHAPING]
    asked = {
        "format": FORMAT,
        "briefgen": briefgen.__version__,
        "installed": digests.installed(),  # the libraries' versions
        "engine_version": digests.engine_version(backend) if backend is not None else None,
        "themes": builtin_themes(),
        "paths": [str(path) for path in paths],
        "settings": dumped(settings, names),
        "model": type(settings).__qualname__,
    }
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


# -- digests of what a build reads ---------------------------------------------------------------------------


def _file(path: Path) -> tuple[str | None, int]:
    """A file's sha256 (None: missing, or not a regular file) and its change time."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, info.st_ctime_ns
        return digests.file_digest(path), info.st_ctime_ns
    except OSError:
        return None, 0


def _folder(root: Path, skip: Iterable[Path]) -> tuple[str | None, int]:
    """The sha256 of a folder's files as the fingerprint lists them (digests.folder_files; None: not a folder),
    and the latest change time of the folder, its sub-folders and its files."""
    try:
        if not root.is_dir():
            return None, 0
        files = digests.folder_files(root, skip)
        skipped = {p.resolve() for p in skip}
        latest = root.stat().st_ctime_ns
        for folder, dirs, names in os.walk(root):
            here = Path(folder)
            dirs[:] = [d for d in dirs if d != "__pycache__" and (here / d).resolve() not in skipped]
            for name in (*dirs, *names):
                latest = max(latest, (here / name).lstat().st_ctime_ns)
    except OSError:
        return None, 0
    return hashlib.sha256(json.dumps(files).encode()).hexdigest(), latest


def _place(path: Path) -> str:
    """A path as the record keeps it: relative to the working folder when inside it (a project moved whole keeps
    its record), else as it is."""
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
    return str(path)


# -- the fast answer -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """A build found up to date by its record: its outputs, in the order the build gives them, and the
    warnings it gave (None when it was quiet: it gave none it could record)."""

    outputs: list[Path]
    warnings: list[str] | None


def known(paths: list[Path], settings: Settings) -> Known | None:
    """The outputs of this build when its record says that every one is up to date, else None."""
    out = settings.out
    try:
        record = json.loads(confined.read(out, NAME, MOST))
        runs = record["runs"] if record.get("format") == FORMAT else []
        signed = signatures.Signed(record.get("signatures"))
    except (OSError, briefgen.BriefgenError, ValueError, TypeError, AttributeError, KeyError, RecursionError):
        return None
    key = call(paths, settings)
    run = next((r for r in runs if isinstance(r, dict) and r.get("call") == key), None)
    try:
        found = None if run is None else recall.checked(str(out), run, signed)
    except (OSError, briefgen.BriefgenError, ValueError, TypeError, AttributeError, KeyError, RecursionError):
        return None
    if found is None:
        return None
    names, warnings = found
    return Known([out / name for name in names], warnings)


# -- the record a full build leaves --------------------------------------------------------------------------


class Recorder(logging.Handler):
    """What a full build is asked and reads, kept for its record: its call, when it started, the warnings it
    gives until `reads` is called (before any engine starts), and the sha256 of what it read."""

    def __init__(self, paths: list[Path], settings: Settings, heard: bool) -> None:
        """`heard`: whether the build's warnings are logged at all (not under -q)."""
        super().__init__(logging.WARNING)
        self.started = time.time_ns()
        self.paths = list(paths)
        self.settings = settings
        self.said: list[str] | None = [] if heard else None
        self.listening = True
        self.files: dict[str, str | None] = {}
        self.folders: dict[str, str | None] = {}
        self.latest = 0
        self.coarse = False
        self.read_files: list[str] = []
        self.read_folders: list[str] = []
        self.asking = recall.asking  # the words of the program's build, when it runs this one

    def emit(self, record: logging.LogRecord) -> None:
        if not self.listening or self.said is None:
            return
        if record.levelno == logging.WARNING:
            self.said.append(record.getMessage())
        else:  # said otherwise than a warning: not replayed as one
            self.said = None

    def listen(self) -> Recorder:
        logging.getLogger("briefgen").addHandler(self)
        return self

    def close(self) -> None:
        logging.getLogger("briefgen").removeHandler(self)
        super().close()

    def reads(self, planned: Build) -> None:
        """Digest what the build's fingerprints are made from and what decides its outputs: called before the
        fingerprints are, so that a file changed in between is recorded as it was, and found changed."""
        from briefgen.distribution import manifest
        from briefgen.language.catalog import BUILTIN_CATALOGS
        from briefgen.themes.layers import catalogs_of

        self.listening = False
        setup, out = planned.setup, planned.setup.settings.out
        files = [p for p in self.paths if not p.is_dir()]
        files += [file for task in planned.tasks for file in manifest.input_files(task.loaded)]
        files += [face.file for face in setup.theme.faces]
        folders = [p for p in self.paths if p.is_dir()]
        folders += [layer.root for layer in setup.theme.layers]
        folders += [*(catalogs_of(layer) for layer in setup.theme.layers), *setup.theme.catalog_dirs]
        folders += [BUILTIN_CATALOGS, *([setup.settings.templates] if setup.settings.templates else [])]
        times = []
        self.read_files = [str(file) for file in dict.fromkeys(files)]
        self.read_folders = [str(folder) for folder in dict.fromkeys(folders)]
        for file in dict.fromkeys(files):
            self.files[_place(file)], changed = _file(file)
            times.append(changed)
        for folder in dict.fromkeys(folders):
            self.folders[_place(folder)], changed = _folder(folder, [out])
            times.append(changed)
        self.latest = max(times, default=0)
        self.coarse = any(t and t % 1_000_000_000 == 0 for t in times)

    def signatures(self, out: Path) -> dict[str, list[int | str]]:
        """The signatures of the files this build read (those of its folders and briefgen's own too) that were
        settled before this process started, each with its sha256."""
        files = [*self.read_files, *(file for _, file in signatures.walk(digests.package_root()))]
        for folder in self.read_folders:
            if os.path.isdir(folder):
                files += [file for _, file in signatures.walk(folder, [out])]
        return signatures.sign(files, digests.file_digest, SETTLE_NS, COARSE_NS)

    def record(
        self, before: bytes | None, manifest: bytes, outputs: list[tuple[str, int, str]]
    ) -> bytes | None:
        """The folder's record once this build is written: `before` (the record there, if any) with this build's
        run first; None when an input changed too close to the build's start to be sure of what it read.
        `outputs`: each output's name, size and sha256, in the build's order; `manifest`: the manifest's bytes
        as the build leaves it."""
        settle = COARSE_NS if self.coarse else SETTLE_NS
        if self.latest >= self.started - settle:
            log.debug("%s not written: an input changed as the build started", NAME)
            return None
        runs: list[Any] = []
        signed: dict[str, Any] = {}
        try:
            old = json.loads(before) if before else {}
            if old.get("format") == FORMAT and isinstance(old.get("runs"), list):
                runs = old["runs"]
                signed = old["signatures"] if isinstance(old.get("signatures"), dict) else {}
        except (ValueError, TypeError, AttributeError, RecursionError):
            runs = []
        key = call(self.paths, self.settings)
        run: dict[str, Any] = {
            "call": key,
            "manifest": hashlib.sha256(manifest).hexdigest(),
            "files": self.files,
            "folders": self.folders,
            "outputs": [{"name": name, "bytes": size, "sha256": digest} for name, size, digest in outputs],
            "warnings": self.said,
        }
        if self.asking is not None and self.asking.unchanged():  # the words of this build: recall's key
            from briefgen.backends import BACKENDS

            backend = BACKENDS[self.settings.engine]
            run["engine"] = [backend.library or None, backend.program or None]
            run["asked"] = self.asking.key(run["engine"], digests.file_digest)
        kept = [r for r in runs if isinstance(r, dict) and r.get("call") != key][: RUNS - 1]
        fresh = self.signatures(self.settings.out)
        signed = {k: v for k, v in signed.items() if k not in fresh}
        signed = dict(list(fresh.items()) + list(signed.items())[: max(0, signatures.MOST - len(fresh))])
        document = {"format": FORMAT, "runs": [run, *kept], "signatures": signed}
        return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def read(out: Path) -> bytes | None:
    """The folder's record as it is, if it is a file briefgen could have written."""
    try:
        return confined.read(out, NAME, MOST)
    except (OSError, briefgen.BriefgenError):
        return None


__all__ = ["NAME", "UNSHAPING", "Known", "Recorder", "call", "known", "read"]
