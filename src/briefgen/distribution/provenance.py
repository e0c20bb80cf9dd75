"""Say inside each PDF what it was built from: the brief, its figures, the texts its sources allow to be passed
on, and a build record.

The files go into the PDF as attachments (PDF/A-3's associated files of the document), under their paths
relative to the brief's folder, so that `briefgen inspect --extract DIR` gives back a folder that builds again.
The build record, `briefgen-build.json`, names briefgen's version, the engine and its version, the theme, the
standards and the sha256 of every input file; it holds no date and no path of this machine, so that the
same inputs give the same PDF. PDF/A-2 allows no attached file: with a-2b nothing is attached.

A source's text goes in only with its consent: `redistribute: true` on the source, which a press release has
unless it says otherwise (`briefgen.brief.model.REDISTRIBUTABLE_KINDS`). A text withheld is still named by the
build record (its sha256) and listed under `withheld` with the reason, so that a reader holding the text can
tell it is the one, and `inspect --extract` says which file to put back before building again.

`--attach` chooses what goes in: `all` (the default: every file that may be passed on), `record` (the build
record alone, whose sha256s still identify the inputs without giving them away) or `none`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from briefgen import __version__, digests
from briefgen.backends import Attachment, Backend
from briefgen.brief.model import Cites
from briefgen.brief.validate import LoadedBrief
from briefgen.distribution import manifest
from briefgen.distribution.standards import Plan

RECORD = "briefgen-build.json"
# What each kind of input is to the PDF, as PDF/A-3 names the relationship of an associated file.
MIME = {
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".json": "application/json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
}


def mime_of(name: str) -> str:
    return MIME.get(Path(name).suffix.lower(), "application/octet-stream")


def attachments(
    loaded: LoadedBrief, lang: str, backend: Backend, theme: str, plan: Plan, inputs: str
) -> tuple[Attachment, ...]:
    """The files one language of a brief carries, as the standards plan says (`plan.attach`): its inputs that
    may be passed on (`all`: the brief, its figures, the texts of the sources that allow it), then the build
    record (`all`, `record`), which names every input, withheld or not; none (`none`, and under PDF/A-2)."""
    if not plan.attaches:
        return ()
    folder = loaded.file.parent
    citing: dict[Path, list[Cites]] = {}
    for source in loaded.brief.cited:
        if source.file:
            citing.setdefault((folder / source.file).resolve(), []).append(source)
    inputs_found: list[Attachment] = []
    withheld: dict[str, str] = {}
    for file in manifest.input_files(loaded):
        name = Path(os.path.relpath(file, folder)).as_posix()
        sources = [] if file == loaded.file else citing.get(file.resolve(), [])
        if file == loaded.file:
            description, relationship = "The brief this PDF was built from", "Source"
        elif sources:
            description, relationship = f"Source '{sources[0].id}': {sources[0].title or name}", "Source"
        else:
            description, relationship = "A figure of the brief", "Data"
        refusing = [source for source in sources if not source.redistribute]
        if refusing:  # the file of two sources goes in only when both allow it
            withheld[name] = withheld_reason(refusing[0])
        inputs_found.append(Attachment(name, file.read_bytes(), mime_of(name), description, relationship))
    if plan.attach != "all":
        withheld = {}  # nothing is attached but the record: no file is kept back for its source's sake
    record = build_record(loaded, lang, backend, theme, plan, inputs, inputs_found, withheld)
    found = [each for each in inputs_found if each.name not in withheld] if plan.attach == "all" else []
    description = "How this PDF was built: briefgen, the engine, the theme, the standards, each file's sha256"
    found.append(Attachment(RECORD, record, "application/json", description, "Supplement"))
    return tuple(found)


def withheld_reason(source: Cites) -> str:
    """Why a source's text is not attached, as the build record says it: `not redistributable (source
    'source', press-article)`."""
    return f"not redistributable (source '{source.id}', {source.kind})"


def build_record(
    loaded: LoadedBrief,
    lang: str,
    backend: Backend,
    theme: str,
    plan: Plan,
    inputs: str,
    files: list[Attachment],
    withheld: dict[str, str],
) -> bytes:
    """The build record's JSON: sorted keys, indented, a final newline. `files` are every input, attached or
    not; `withheld` names those kept out of the PDF because their source does not allow it, with why."""
    record = {
        "briefgen": __version__,
        "brief": loaded.brief.id,
        "brief_file": Path(loaded.file.name).as_posix(),
        "language": lang,
        "engine": backend.name,
        "engine_version": digests.engine_version(backend),
        "theme": manifest.theme_name(theme),
        "standards": list(plan.standards),
        "inputs": inputs,
        "inputs_cover": manifest.INPUTS_COVER,
        "files": {f.name: hashlib.sha256(f.data).hexdigest() for f in files},
        # all: the files above are in the PDF but those withheld; record: only this record is
        "attached": plan.attach,
        "withheld": withheld,
    }
    return (json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


__all__ = ["RECORD", "attachments", "build_record", "mime_of", "withheld_reason"]
