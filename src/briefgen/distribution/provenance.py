"""Say inside each PDF what it was built from: the brief, its sources' files and figures, and a build record.

The files go into the PDF as attachments (PDF/A-3's associated files of the document), under their paths
relative to the brief's folder, so that `briefgen inspect --extract DIR` gives back a folder that builds again.
The build record, `briefgen-build.json`, names briefgen's version, the engine and its version, the theme, the
standards and the sha256 of every attached file; it holds no date and no path of this machine, so that the
same inputs give the same PDF. PDF/A-2 allows no attached file: with a-2b nothing is attached.

`--attach` chooses what goes in: `all` (the default), `record` (the build record alone, whose sha256s still
identify the inputs without giving them away, for a PDF sent where its sources may not go) or `none`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from briefgen import __version__
from briefgen.backends import Attachment, Backend
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
    """The files one language of a brief carries, as the standards plan says (`plan.attach`): its inputs
    (`all`), then the build record (`all`, `record`); none (`none`, which the plan says under PDF/A-2)."""
    if not plan.attaches:
        return ()
    folder = loaded.file.parent
    cited = {(folder / s.file).resolve(): s for s in loaded.brief.cited if s.file}
    found: list[Attachment] = []
    for file in manifest.input_files(loaded):
        name = Path(os.path.relpath(file, folder)).as_posix()
        source = cited.get(file.resolve())
        if file == loaded.file:
            description, relationship = "The brief this PDF was built from", "Source"
        elif source is not None:
            description, relationship = f"Source '{source.id}': {source.title or name}", "Source"
        else:
            description, relationship = "A figure of the brief", "Data"
        found.append(Attachment(name, file.read_bytes(), mime_of(name), description, relationship))
    record = build_record(loaded, lang, backend, theme, plan, inputs, found)
    if plan.attach == "record":
        found = []
    description = "How this PDF was built: briefgen, the engine, the theme, the standards, each file's sha256"
    found.append(Attachment(RECORD, record, "application/json", description, "Supplement"))
    return tuple(found)


def build_record(
    loaded: LoadedBrief,
    lang: str,
    backend: Backend,
    theme: str,
    plan: Plan,
    inputs: str,
    files: list[Attachment],
) -> bytes:
    """The build record's JSON: sorted keys, indented, a final newline."""
    record = {
        "briefgen": __version__,
        "brief": loaded.brief.id,
        "brief_file": Path(loaded.file.name).as_posix(),
        "language": lang,
        "engine": backend.name,
        "engine_version": manifest.engine_version(backend),
        "theme": manifest.theme_name(theme),
        "standards": list(plan.standards),
        "inputs": inputs,
        "inputs_cover": manifest.INPUTS_COVER,
        "files": {f.name: hashlib.sha256(f.data).hexdigest() for f in files},
        "attached": plan.attach,  # all: the files above are in the PDF; record: only this record is
    }
    return (json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


__all__ = ["RECORD", "attachments", "build_record", "mime_of"]
