"""Write a new brief to start from: a name, languages and maybe a source file in; a folder that builds as is out.

The folder holds `brief.yaml`, whose texts are instructions in each language (its catalog's `scaffold:`),
the source's text when one is given (`source.<lang>.txt`), and, outside briefgen's repository, the brief's
JSON Schema (`brief.schema.json`), which the first line of `brief.yaml` names for editors, offline.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from briefgen.brief import limits
from briefgen.brief.discover import DEFAULT_FOLDER
from briefgen.brief.read import Unreadable, decode, read_bytes
from briefgen.errors import InputError, Problem, display_path
from briefgen.schema import BRIEF_SCHEMA_FILE, schema_text

HERE = Path(__file__).parent
KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DEFAULT_LANGS = ("en",)


@dataclass(frozen=True)
class Request:
    """What `briefgen new` was asked for."""

    name: str
    langs: tuple[str, ...] = DEFAULT_LANGS
    source: Path | None = None  # a text file to copy in as the first source
    source_lang: str | None = None  # its language (default: the first of `langs`)
    folder: Path | None = None  # where the brief's folder goes (default: briefs/, made when missing)


def languages() -> list[str]:
    """The languages a new brief may be written in: those whose built-in catalog has placeholder texts."""
    from briefgen.language.catalog import available_languages, load_catalog

    return [lang for lang in available_languages() if load_catalog(lang).scaffold]


def new_brief(request: Request) -> list[Path]:
    """Write the new brief's folder; return the files written. Raises InputError, writing nothing."""
    parent = request.folder or DEFAULT_FOLDER  # made when missing: where build, publish and bundle look
    target = parent / request.name
    source_lang, source = _check(request, target)
    files: dict[str, bytes] = {}
    source_file = None
    if source is not None:
        source_file = f"source.{source_lang}.txt"
        files[source_file] = source
    schema = schema_text("brief")
    schema_path = _current_schema_above(target, schema)
    if schema_path is None:
        files[BRIEF_SCHEMA_FILE] = schema.encode("utf-8")
        schema_path = BRIEF_SCHEMA_FILE
    files["brief.yaml"] = _render(request, target, schema_path, source_lang, source_file).encode("utf-8")
    return [target / name for name in _write(target, files)]


def _check(request: Request, target: Path) -> tuple[str, bytes | None]:
    """The source's language and bytes, after every check: raises InputError with every problem."""
    problems: list[Problem] = []
    if not KEBAB.fullmatch(request.name):
        problems.append(
            _usage(f"'{request.name}' is not a brief id: write it in kebab-case, like kyutai-launch")
        )
    known = languages()
    unknown = [lang for lang in request.langs if lang not in known]
    if unknown:
        problems.append(
            _usage(
                f"--lang {','.join(unknown)}: no built-in catalog for a new brief (available: {', '.join(known)})"
            )
        )
    if len(set(request.langs)) != len(request.langs):
        problems.append(_usage("--lang: a language is named twice"))
    source_lang = request.source_lang or (request.langs[0] if request.langs else "")
    if request.source_lang and request.source_lang not in request.langs:
        problems.append(
            _usage(f"--source-lang {request.source_lang}: not one of --lang {','.join(request.langs)}")
        )
    source = None
    if request.source is not None:
        try:
            source = read_bytes(request.source, limits.MAX_SOURCE_BYTES)
            decode(source)
        except Unreadable as exc:
            problems.append(Problem(display_path(request.source), exc.line, exc.column, exc.reason))
    if problems:
        raise InputError(problems, ordered=True)
    if target.exists() or target.is_symlink():
        raise InputError(Problem(display_path(target), 0, 0, "already exists; not overwritten"))
    return source_lang, source


def _usage(message: str) -> Problem:
    return Problem("briefgen new", 0, 0, message)


def _current_schema_above(target: Path, schema: str) -> str | None:
    """The relative path from `target` to the nearest `docs/brief.schema.json` above it that holds `schema` (in
    briefgen's repository), or None: the schema is then written beside the brief."""
    folder = target.parent.resolve()
    for above in (folder, *folder.parents):
        shipped = above / "docs" / BRIEF_SCHEMA_FILE
        if shipped.is_file():
            try:
                current = shipped.read_text(encoding="utf-8") == schema
            except (OSError, UnicodeDecodeError):
                current = False
            if current:
                return Path(os.path.relpath(shipped, folder / target.name)).as_posix()
    return None


def _render(request: Request, target: Path, schema: str, source_lang: str, source_file: str | None) -> str:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from briefgen.language.catalog import load_catalog

    texts = {lang: dict(load_catalog(lang).scaffold) for lang in request.langs}
    env = ImmutableSandboxedEnvironment(  # as every template briefgen renders
        loader=jinja2.FileSystemLoader(HERE),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["q"] = lambda text: json.dumps(text, ensure_ascii=False)  # a YAML double-quoted scalar
    return env.get_template("brief.yaml.j2").render(
        name=request.name,
        langs=list(request.langs),
        texts=texts,
        today=dt.date.today().isoformat(),
        schema=schema,
        folder=shlex.quote(display_path(target)),
        source_lang=source_lang,
        source_file=source_file,
    )


def _write(target: Path, files: dict[str, bytes]) -> list[str]:
    """Write `files` into a new folder `target`; made here, never one that exists; removed when a write fails."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.mkdir()
    except FileExistsError:  # made since it was checked: never written into
        raise InputError(Problem(display_path(target), 0, 0, "already exists; not overwritten")) from None
    except OSError as exc:
        raise InputError(
            Problem(display_path(target), 0, 0, f"cannot make it: {exc.strerror or exc}")
        ) from None
    try:
        for name, data in files.items():
            (target / name).write_bytes(data)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return sorted(files, key=lambda name: name != "brief.yaml")


__all__ = ["DEFAULT_LANGS", "Request", "languages", "new_brief"]
