"""Describe the PDFs of an output folder in `OUT/manifest.json`: what each was built from, by what, its digest.

`build` gives the manifest its new entries and writes it in the same all-or-nothing write as the PDFs, holding
the folder's lock (LOCK) from reading the manifest to writing it, so that builds into one folder at the same
time keep each other's entries; entries of files not rebuilt are kept while their file is there. `bundle` and
`publish` read it. The manifest is untrusted input (another person's folder, a received bundle): it is read as
a regular file, never through a link, and checked against its schema (`Entry`) before any use; each bad value
is an InputError at its line and column. Every file it names is a plain `<brief-id>.<lang>.pdf` in the folder.
The JSON is written with sorted keys, indented, with a final newline, so that the same builds give the same
bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from briefgen import __version__, digests
from briefgen.backends import ENGINES, Backend
from briefgen.brief import model
from briefgen.brief.read import Unreadable
from briefgen.brief.validate import LoadedBrief, walk
from briefgen.distribution import confined
from briefgen.distribution.standards import STANDARDS
from briefgen.errors import EngineError, InputError, Problem, display_path

NAME = "manifest.json"
LOCK = ".manifest.json.lock"  # held by a build from reading the manifest to writing it
LOCK_WAIT = 120.0  # seconds a build waits for another to finish writing into the same folder
MOST = 32 * 1024 * 1024  # bytes: a manifest of ten thousand PDFs is about 5 MB
INPUTS_COVER = (
    "inputs: the sha256 of sha256sum lines ('<sha256>  <path>', paths relative to the brief's folder) of the "
    "brief file, then of its sources' files and its figures in path order"
)


def input_files(loaded: LoadedBrief) -> list[Path]:
    """The files a brief is built from: the brief, then its sources' files and its figures, by path."""
    folder = loaded.file.parent
    files: set[Path] = set()
    for source in loaded.brief.cited:
        if source.file:
            files.add(folder / source.file)
    for _path, node in walk(loaded.brief):
        if isinstance(node, model.Figure):
            try:
                files.add(loaded.figure_path(node.file))
            except Unreadable:  # checked when the brief was loaded
                continue
    ordered = sorted(files, key=lambda f: os.path.relpath(f, folder))
    return [loaded.file, *(f for f in ordered if f != loaded.file)]


def inputs_of(loaded: LoadedBrief) -> str:
    """The sha256 of what the brief is built from (see INPUTS_COVER)."""
    folder = loaded.file.parent
    lines = []
    for file in input_files(loaded):
        digest = digests.file_digest(file.resolve())  # read again when its signature (ctime too) changes
        lines.append(f"{digest}  {Path(os.path.relpath(file, folder)).as_posix()}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def identifier(inputs: str, lang: str) -> str:
    """The PDF file identifier of one language of a brief: 16 bytes (32 hex digits) from its inputs."""
    return hashlib.sha256(f"{inputs} {lang}".encode()).hexdigest()[:32]


def theme_name(theme: str) -> str:
    """A theme as the manifest and the build record name it: a built-in's name, a folder's path."""
    return theme if "/" not in theme and not Path(theme).is_dir() else display_path(theme)


Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
# The name of a file of the folder, `<brief-id>.<lang>.pdf`: brief ids and language codes as briefs write them.
BRIEF_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
LANGUAGE = r"[a-z]{2,3}(?:-[A-Z]{2})?"
FILE_NAME = re.compile(rf"{BRIEF_ID}\.{LANGUAGE}\.pdf")


class Entry(BaseModel):
    """One PDF of the folder, as the manifest describes it; every field checked, strictly (`"3"` is not 3)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    brief: Annotated[str, StringConstraints(pattern=rf"^{BRIEF_ID}$")]
    source: str  # the brief file, relative to the folder build ran in
    language: Annotated[str, StringConstraints(pattern=rf"^{LANGUAGE}$")]
    engine: str
    engine_version: str
    theme: str  # the theme it was built with (theme_name): said, never rendered from
    standards: list[str] = []
    attached: Literal["all", "record", "none"] = "all"  # all (brief, sources, figures, record), record, none
    format: Literal["pdf"]
    pages: Annotated[int, Field(ge=0)]
    bytes: Annotated[int, Field(ge=0)]
    sha256: Digest
    inputs: Digest  # see INPUTS_COVER
    briefgen: str
    replaced: str | None = None  # the engine that made the file before, when another did
    # Everything the file was made from, as one sha256 (briefgen.fingerprint): the next build keeps the file
    # while it matches. A record that is not a sha256 is no record: the file is built again.
    fingerprint: str | None = None

    @field_validator("fingerprint", mode="before")
    @classmethod
    def _fingerprint(cls, value: object) -> str | None:
        return value if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) else None

    @field_validator("engine", "replaced")
    @classmethod
    def _known_engine(cls, value: str | None) -> str | None:
        if value is not None and value not in ENGINES:
            raise ValueError("unknown engine")
        return value

    @field_validator("source", "engine_version", "theme", "briefgen")
    @classmethod
    def _printable(cls, value: str) -> str:
        if not value.isprintable():  # it is printed: a terminal's escape sequences are refused
            raise ValueError("control characters")
        return value

    @field_validator("standards")
    @classmethod
    def _known_standards(cls, value: list[str]) -> list[str]:
        if any(v not in STANDARDS for v in value):
            raise ValueError("unknown standard")
        return value

    @property
    def file_name(self) -> str:
        """The name of the file this entry describes."""
        return f"{self.brief}.{self.language}.pdf"


# What a field must be, as an error says it.
FORMS = {
    "source": "a path, printable",
    "engine_version": "printable text",
    "theme": "a theme's name or path, printable",
    "briefgen": "a version, printable",
    "brief": "a brief id (lower-case words joined by hyphens)",
    "language": "a language code such as fr, en or pt-BR",
    "engine": f"one of {', '.join(ENGINES)}",
    "replaced": f"one of {', '.join(ENGINES)}",
    "standards": f"a list of standards among {', '.join(STANDARDS)}",
    "attached": "all, record or none",
    "format": "pdf",
    "pages": "a whole number of pages, 0 or more",
    "bytes": "a whole number of bytes, 0 or more",
    "sha256": "a sha256: 64 lower-case hexadecimal digits",
    "inputs": "a sha256: 64 lower-case hexadecimal digits",
}


def entry(
    loaded: LoadedBrief,
    lang: str,
    backend: Backend,
    theme: str,
    data: bytes,
    pages: int,
    inputs: str,
    standards: tuple[str, ...] = (),
    attached: str = "all",
    fingerprint: str | None = None,
) -> Entry:
    """The manifest's entry for one PDF made in memory."""
    return Entry(
        brief=loaded.brief.id,
        source=Path(os.path.relpath(loaded.file)).as_posix(),
        language=lang,
        engine=backend.name,
        engine_version=digests.engine_version(backend),
        theme=theme_name(theme),
        standards=list(standards),
        attached=attached,  # type: ignore[arg-type]
        format="pdf",
        pages=pages,
        bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        inputs=inputs,
        briefgen=__version__,
        fingerprint=fingerprint,
    )


def read(out: Path) -> dict[str, Entry]:
    """The entries of `out`'s manifest, by file name; none when there is no manifest. Raises InputError with
    every problem, each at its line and column: a manifest that is not a regular file, not JSON, not
    briefgen's schema, or that names a file other than a plain `<brief-id>.<lang>.pdf` matching its entry."""
    path = out / NAME
    where = display_path(path)
    try:
        raw = confined.read(out, NAME, MOST, f" {_REMOVE}")
    except (
        FileNotFoundError,
        NotADirectoryError,
    ):  # no manifest yet (writing the folder says why, if it must)
        return {}
    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        raise InputError(Problem(where, 0, 0, f"cannot read: {exc} {_REMOVE}")) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            Problem(where, exc.lineno, exc.colno, f"not valid JSON: {exc.msg} {_REMOVE}")
        ) from None
    except RecursionError:
        raise InputError(
            Problem(where, 1, 1, f"nested too deep to be briefgen's manifest {_REMOVE}")
        ) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise InputError(Problem(where, 1, 1, f"not a briefgen manifest {_REMOVE}"))
    try:
        places = _places(text)
    except RecursionError:  # as deep as json.loads could go: each problem is then placed at the start
        places = {}

    def problem(at: tuple[Any, ...], message: str) -> Problem:
        while at and at not in places:
            at = at[:-1]
        line, column = places.get(at, (1, 1))
        return Problem(where, line, column, f"{message} {_REMOVE}")

    problems = [
        problem((key,), f"unknown field {json.dumps(key)} (a manifest has 'files' and 'inputs_cover')")
        for key in data
        if key not in ("files", "inputs_cover")
    ]
    if not isinstance(data.get("inputs_cover", ""), str):
        problems.append(problem(("inputs_cover",), "'inputs_cover' must be a string"))
    entries: dict[str, Entry] = {}
    for name, value in files.items():
        at = ("files", name)
        if not FILE_NAME.fullmatch(name):
            shown = json.dumps(name, ensure_ascii=True)
            problems.append(
                problem(
                    at,
                    f"{shown} is not the name of a PDF briefgen writes: <brief-id>.<lang>.pdf, in {display_path(out)}/ itself",
                )
            )
            continue
        try:
            found = Entry.model_validate(value)
        except ValidationError as exc:
            problems += [problem((*at, *err["loc"]), _message(name, err)) for err in exc.errors()]
            continue
        if found.file_name != name:
            problems.append(problem(at, f"{name}: its entry describes {found.file_name}"))
            continue
        entries[name] = found
    if problems:
        raise InputError(problems)
    return entries


_REMOVE = "(remove it: the next build writes a new one)"


def _message(name: str, error: Any) -> str:
    """A pydantic error about an entry's field, as a user reads it."""
    loc = error["loc"]
    if not loc or not isinstance(loc[0], str):
        return f"{name}: its entry must be an object of fields"
    field = loc[0]
    if error["type"] == "missing":
        return f"{name}: '{field}' is missing"
    if error["type"] == "extra_forbidden":
        return f"{name}: unknown field '{field}'"
    shown = json.dumps(error.get("input"), ensure_ascii=True)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{name}: '{field}' must be {FORMS.get(field, 'a string')}, not {shown}"


def _places(text: str) -> dict[tuple[Any, ...], tuple[int, int]]:
    """The line and column (1-based) of each member of the JSON `text` (well formed), by its path of keys and
    indexes: an object's member at its key, an array's item at its value."""
    places: dict[tuple[Any, ...], tuple[int, int]] = {}
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\n\r]*")

    def place(at: int) -> tuple[int, int]:
        return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)

    def skip(at: int) -> int:
        found = space.match(text, at)
        return found.end() if found else at

    def value(at: int, path: tuple[Any, ...]) -> int:
        at = skip(at)
        opening = text[at : at + 1]
        if opening not in ("{", "["):
            return decoder.raw_decode(text, at)[1]
        closing = "}" if opening == "{" else "]"
        at = skip(at + 1)
        index = 0
        while text[at] != closing:
            if opening == "{":
                key, after = json.decoder.scanstring(text, at + 1)  # type: ignore[attr-defined]
                places[(*path, key)] = place(at)
                at = value(skip(after) + 1, (*path, key))  # past the colon
            else:
                places[(*path, index)] = place(at)
                at = value(at, (*path, index))
                index += 1
            at = skip(at)
            if text[at] == ",":
                at = skip(at + 1)
        return at + 1

    value(0, ())
    return places


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the folder's lock (LOCK): builds into the same folder read, merge and write its manifest one at a
    time. Raises EngineError when the lock cannot be taken, or another build holds it past LOCK_WAIT."""
    from filelock import FileLock, Timeout

    where = display_path(out / LOCK)
    try:
        lock = FileLock(out / LOCK, timeout=LOCK_WAIT)
        lock.acquire()
    except Timeout:
        raise EngineError(
            Problem(
                where, 0, 0, f"another build into {display_path(out)}/ has held its lock for {LOCK_WAIT:g} s"
            )
        ) from None
    except OSError as exc:
        raise EngineError(Problem(where, 0, 0, f"cannot lock: {exc.strerror or exc}")) from None
    try:
        yield
    finally:
        lock.release()


def updated(out: Path, old: dict[str, Entry], new: dict[str, Entry]) -> dict[str, Entry]:
    """The manifest after a build: the new entries (noting `replaced` when another engine made the file
    before), and the old ones whose file is still in `out`."""
    files = {name: e for name, e in old.items() if name not in new and confined.is_regular(out, name)}
    for name, made in new.items():
        before = old.get(name)
        if before is not None and confined.is_regular(out, name) and before.engine != made.engine:
            made = made.model_copy(update={"replaced": before.engine})
        files[name] = made
    return files


def dumps(files: dict[str, Entry]) -> bytes:
    """The manifest's bytes: sorted, indented, a final newline."""
    described = {name: e.model_dump(mode="json", exclude_none=True) for name, e in files.items()}
    document = {"files": described, "inputs_cover": INPUTS_COVER}
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def restricted(files: dict[str, Entry], names: Iterable[str]) -> bytes:
    """The manifest of some of the files only (a bundle's)."""
    return dumps({name: files[name] for name in names})


__all__ = [
    "INPUTS_COVER",
    "LOCK",
    "NAME",
    "Entry",
    "dumps",
    "entry",
    "identifier",
    "inputs_of",
    "locked",
    "read",
    "restricted",
    "theme_name",
    "updated",
]
