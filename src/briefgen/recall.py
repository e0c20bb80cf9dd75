"""Answer `briefgen build` asked again in the same words, in the same folder, before any setting is read: from
the run of the folder's record (briefgen.uptodate) that a build asked the same way left, with the standard
library and briefgen's light modules only.

The settings of a build are a function of its words (argv, -q aside: it shapes no output), the working folder,
the project files it finds there or is given (`--config`), and briefgen itself (its code, its built-in themes).
A build started by the program (briefgen.quick) records, with its run, the sha256 of those — the words, the
working folder, each project file looked for by its digest, and the rest of what the run's `call` is made of
(briefgen's files, Python, the distributions installed, the engine's version, the built-in themes): its
`asked` key. The same key again means the same settings and the same call; the run's files, folders, manifest
and outputs are then checked as briefgen.uptodate checks them, each file by its signature when the record signed
it (briefgen.signatures). The key is only recorded when the project files were settled before the build
started and the same when it ended: the settings it read are those of the bytes the key names.

The output folder is read from `--out`; without it, only when no project file is found (which could name
another): else, and for anything unusual, the answer is left to briefgen.quick's reading of the settings.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys

import briefgen
from briefgen import digests, signatures

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAME = ".uptodate.json"  # the record, in the output folder
MANIFEST = "manifest.json"  # briefgen.distribution.manifest.NAME
MOST = 8 * 1024 * 1024  # bytes a record may hold
MANIFEST_MOST = 32 * 1024 * 1024  # as briefgen.distribution.manifest.MOST
FORMAT = 1  # the record's own format
PROJECT_FILES = ("briefgen.toml", "pyproject.toml")  # briefgen.config.FILE, briefgen.config.PYPROJECT
THEME_MANIFEST = "theme.yaml"  # briefgen.themes.builtin.MANIFEST
THEME_ALIASES = ("default",)  # briefgen.themes.builtin.ALIASES
QUIET = ("-q", "--quiet")
# The engines, by the library each imports or the program it runs (briefgen.backends.BACKENDS): a record names
# one of them, never a program of its own (the output folder is untrusted, and a program's version is asked by
# running it).
ENGINES = (["weasyprint", None], ["typst", None], [None, "lualatex"])

# The words of the build this process runs, set by briefgen.quick while the command line runs it; with the
# project files as they were then. None: the build was not started by the program, and keeps no key.
asking: Asked | None = None


class Asked:
    """A build's words, where it runs, and the project files it may read (each path with its signature and
    sha256, or with None: no regular file there), read before the build reads its settings."""

    def __init__(self, argv: list[str], config: str | None, places: list[str], theme: str | None) -> None:
        """`places`: the words that are paths (the briefs, `--out`); `theme`: `--theme`'s word."""
        self.words = [word for word in argv if word not in QUIET]  # -q is never a value (briefgen.quick)
        self.files = project_files(config)
        present = {path for path, found in self.files if found is not None and counts(path)}
        self.found = bool(present) or config is not None
        # Without a project file, and every path absolute, the working folder shapes nothing the build is asked
        # (nor does it in briefgen.uptodate's call): the same words anywhere are the same build.
        anywhere = not present and config is None and all(os.path.isabs(place) for place in places)
        if (
            theme is not None
            and not os.path.isabs(theme)
            and theme not in (*builtin_themes(), *THEME_ALIASES)
        ):
            anywhere = False  # a theme folder relative to the working folder
        self.cwd = None if anywhere else os.getcwd()
        # a briefgen.toml beside a pyproject.toml (which may hold a table it shadows): a warning to give
        self.warns = any(
            os.path.basename(path) == PROJECT_FILES[0]
            and os.path.join(os.path.dirname(path), PROJECT_FILES[1]) in present
            for path in present
        )

    def key(self, engine: list[Any], digest: Any) -> str:
        """The sha256 of what this build asks and runs with, its engine named by `[library, program]` and
        briefgen's files digested by `digest`."""
        library, program = engine
        asked = {
            "format": FORMAT,
            "briefgen": briefgen.__version__,
            "words": self.words,
            "cwd": self.cwd,
            "executable": sys.executable,
            "projects": [[path, found[1]] for path, found in self.files if found is not None],
            "installed": digests.installed_by(digest),
            "engine": [library, program, digests.engine_version_of(library, program)],
            "themes": builtin_themes(),
        }
        return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()

    def unchanged(self) -> bool:
        """Whether the project files were settled before this process started and are the same now."""
        if any(
            found is not None and not signatures.settled(found[0][4], signatures.STARTED)
            for _, found in self.files
        ):
            return False
        return project_files_again(self.files)


def project_files(config: str | None) -> list[tuple[str, tuple[signatures.Signature, str] | None]]:
    """The files the project's settings may come from (briefgen.config.find's, and more): in the working folder
    and each parent up to the folder holding `.git` or the root, each project file; and `config`."""
    folder = os.path.realpath(os.getcwd())
    places = []
    while True:
        places += [os.path.join(folder, name) for name in PROJECT_FILES]
        parent = os.path.dirname(folder)
        if os.path.exists(os.path.join(folder, ".git")) or parent == folder:
            break
        folder = parent
    if config is not None:
        places.append(os.path.abspath(config))
    return [(place, _file(place)) for place in places]


def counts(path: str) -> bool:
    """Whether the file `path` found by project_files can hold the project's settings, as briefgen.config.find
    reads it: a `pyproject.toml` whose bytes never name briefgen cannot (its digest is in the key all the same)."""
    if os.path.basename(path) != PROJECT_FILES[1]:
        return True
    try:
        with open(path, "rb") as file:
            return b"briefgen" in file.read()
    except OSError:
        return True


def project_files_again(files: list[tuple[str, tuple[signatures.Signature, str] | None]]) -> bool:
    return all(_file(place) == found for place, found in files)


def _file(path: str) -> tuple[signatures.Signature, str] | None:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None if not os.path.isdir(path) else ((0, 0, 0, 0, 0), "a folder")
        return signatures.of(info), signatures.sha256(path)
    except OSError:
        return None


def builtin_themes() -> list[str]:
    """briefgen.themes.builtin.builtin_themes(), without pathlib."""
    base = os.path.dirname(os.path.realpath(briefgen.__file__))
    root = os.path.join(base, "templates")
    if not os.path.isdir(root):
        root = os.path.join(os.path.dirname(os.path.dirname(base)), "templates")
    return sorted(
        name for name in os.listdir(root) if os.path.isfile(os.path.join(root, name, THEME_MANIFEST))
    )


# -- reading the output folder (as briefgen.distribution.confined does; anything odd is no answer) --------------


def read(folder: str, name: str, most: int) -> bytes:
    """The bytes of the regular file `name` of `folder`, not through a link, at most `most` of them; else
    OSError or ValueError."""
    if not plain_name(name):
        raise ValueError(name)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    with os.fdopen(os.open(os.path.join(folder, name), flags), "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ValueError(name)
        data = handle.read(most + 1)
    if len(data) > most:
        raise ValueError(name)
    return data


def plain_name(name: object) -> bool:
    """briefgen.distribution.confined.plain_name."""
    return (
        isinstance(name, str)
        and bool(name)
        and name not in (".", "..")
        and "/" not in name
        and "\0" not in name
    )


def is_regular(folder: str, name: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(os.path.join(folder, name)).st_mode)
    except (OSError, ValueError):
        return False


def folder_digest(root: str, skip: list[str], signed: signatures.Signed) -> str | None:
    """briefgen.uptodate's digest of a folder (None: not a folder), each file by its signature when signed."""
    if not os.path.isdir(root):
        return None
    files = digests.folder_files(root, skip, signed.digest)
    return hashlib.sha256(json.dumps(files).encode()).hexdigest()


def checked(out: str, run: dict[str, Any], signed: signatures.Signed) -> tuple[list[str], Any] | None:
    """The names of the run's outputs and its warnings when the disk is as it recorded, else None (a malformed
    run raises)."""
    text = read(out, MANIFEST, MANIFEST_MOST)
    if hashlib.sha256(text).hexdigest() != run["manifest"]:
        return None
    described = json.loads(text)["files"]
    if not all(is_regular(out, name) for name in described):  # the build drops what is gone
        return None
    for path, digest in run["files"].items():
        if signed.digest(path) != digest:
            return None
    for path, digest in run["folders"].items():
        if folder_digest(path, [out], signed) != digest:
            return None
    outputs = []
    for output in run["outputs"]:
        name, size, digest = output["name"], output["bytes"], output["sha256"]
        if not (plain_name(name) and isinstance(size, int) and isinstance(digest, str)):
            return None
        entry = described.get(name)  # the manifest describes the same file (the full build reads it)
        if not isinstance(entry, dict) or (entry.get("bytes"), entry.get("sha256")) != (size, digest):
            return None
        data = read(out, name, size)
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            return None
        outputs.append(name)
    warnings = run["warnings"]
    if warnings is not None and not all(isinstance(w, str) for w in warnings):
        return None
    return outputs, warnings


def known(asked: Asked, out: str) -> tuple[list[str], Any] | None:
    """The outputs and warnings of the run recorded in `out` for the build `asked`, when every output is up to
    date; else None."""
    try:
        record = json.loads(read(out, NAME, MOST))
        if record.get("format") != FORMAT:
            return None
        signed = signatures.Signed(record.get("signatures"))
        keys: dict[str, str] = {}
        for run in record["runs"]:
            if not isinstance(run, dict):
                continue
            engine = run.get("engine")
            if not isinstance(run.get("asked"), str) or engine not in ENGINES:
                continue
            name = json.dumps(engine)
            if name not in keys:
                keys[name] = asked.key(engine, signed.digest)
            if run["asked"] == keys[name]:
                return checked(out, run, signed)
    except (OSError, ValueError, TypeError, AttributeError, KeyError, RecursionError):
        return None
    return None


def display(path: str) -> str:
    """briefgen.errors.display_path, without pathlib: a path relative to the working folder when inside it."""
    try:
        full, here = os.path.realpath(path), os.path.realpath(os.getcwd())
    except (OSError, ValueError):
        return pure(path)
    if full == here:
        return "."
    if full.startswith(here.rstrip("/") + "/"):
        return full[len(here.rstrip("/")) + 1 :]
    return pure(path)


def pure(text: str) -> str:
    """str(PurePosixPath(text)): `.` parts and doubled separators gone, no trailing `/`."""
    lead = (
        "//" if text.startswith("//") and not text.startswith("///") else "/" if text.startswith("/") else ""
    )
    return lead + "/".join(part for part in text.split("/") if part and part != ".") or "."


__all__ = ["Asked", "asking", "builtin_themes", "checked", "display", "known", "pure", "read"]
