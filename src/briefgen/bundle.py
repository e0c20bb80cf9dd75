"""Pack the PDFs an output folder holds into zip files to hand out: per brief, or one for all.

Each zip holds the brief's PDFs, `manifest.json` (the output folder's, restricted to them) and `SHA256SUMS`
(sha256sum's format). The same PDFs give the same zip bytes: names sorted, every entry dated the brief's date
(1980-01-01 when earlier), mode 0644, deflated at level 9.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shlex
import zipfile
from dataclasses import dataclass
from pathlib import Path

from briefgen import manifest
from briefgen.brief.discover import DEFAULT_FOLDER, START_HINT, find_briefs
from briefgen.brief.read import load_yaml
from briefgen.brief.validate import LoadedBrief, load_brief
from briefgen.errors import BriefgenError, InputError, Problem, display_path
from briefgen.output import write_all

FOLDER = "bundles"
ONE = "briefings.zip"
EPOCH = dt.date(1980, 1, 1)  # the earliest date a zip entry can hold


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes
    date: dt.date


def bundle(paths: list[Path], out: Path, one: bool = False) -> list[Path]:
    """Write the bundles of the briefs of `paths` from the PDFs in `out`; the zips written. Raises InputError
    (nothing written) when a brief does not load, has no PDF in `out`, or its PDFs are not the manifest's."""
    briefs = _load(paths)
    files = manifest.read(out)
    problems: list[Problem] = []
    members: dict[str, list[Member]] = {}
    for loaded in briefs:
        try:
            members[loaded.brief.id] = _members(loaded, out, files)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    zips: list[tuple[Path, bytes]]
    if one:
        every = sorted((m for ms in members.values() for m in ms), key=lambda m: m.name)
        zips = [(out / FOLDER / ONE, _zip(every, files))]
    else:
        zips = [(out / FOLDER / f"{key}.zip", _zip(ms, files)) for key, ms in sorted(members.items())]
    write_all(zips)
    return [path for path, _ in zips]


def _load(paths: list[Path]) -> list[LoadedBrief]:
    """Every brief of `paths`, loaded and validated; InputError with every problem."""
    problems: list[Problem] = []
    for path in paths:
        if not path.exists():
            hint = f" ({START_HINT})" if path == DEFAULT_FOLDER else ""
            problems.append(Problem(display_path(path), 0, 0, "no such file or folder" + hint))
    files = find_briefs([p for p in paths if p.exists()])
    if not files and not problems:
        problems.append(
            Problem(", ".join(map(display_path, paths)), 0, 0, "no brief found (*.yaml or */brief.yaml)")
        )
    briefs: list[LoadedBrief] = []
    for file in files:
        try:
            briefs.append(load_brief(file, load_yaml(file)))
        except BriefgenError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return briefs


def _members(loaded: LoadedBrief, out: Path, files: dict[str, manifest.Entry]) -> list[Member]:
    """The brief's PDFs in `out` that the manifest describes, checked against it and against the brief."""
    brief = loaded.brief
    where = display_path(loaded.file)
    target = loaded.file.parent if loaded.file.name == "brief.yaml" else loaded.file
    command = f"briefgen build {shlex.quote(display_path(target))}"
    if display_path(out).rstrip("/") != "out":
        command += f" --out {shlex.quote(display_path(out))}"
    names = sorted(n for n, e in files.items() if e.get("brief") == brief.id and (out / n).is_file())
    if not names:
        raise InputError(
            Problem(where, 0, 0, f"no PDF of '{brief.id}' in {display_path(out)}/: run `{command}`")
        )
    inputs = manifest.inputs_of(loaded)
    date = max(brief.date, EPOCH)
    members: list[Member] = []
    problems: list[Problem] = []
    for name in names:
        data = (out / name).read_bytes()
        if hashlib.sha256(data).hexdigest() != files[name].get("sha256"):
            problems.append(
                Problem(
                    display_path(out / name), 0, 0, f"not the file the manifest describes: run `{command}`"
                )
            )
        elif files[name].get("inputs") != inputs:
            problems.append(
                Problem(display_path(out / name), 0, 0, f"built from an older {where}: run `{command}`")
            )
        members.append(Member(name, data, date))
    if problems:
        raise InputError(problems)
    return members


def _zip(members: list[Member], files: dict[str, manifest.Entry]) -> bytes:
    """The zip of `members`, with their manifest and SHA256SUMS, byte for byte the same for the same PDFs."""
    date = max(m.date for m in members)
    described = manifest.restricted(files, [m.name for m in members])
    sums = "".join(f"{hashlib.sha256(m.data).hexdigest()}  {m.name}\n" for m in members)
    every = [*members, Member(manifest.NAME, described, date), Member("SHA256SUMS", sums.encode(), date)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in sorted(every, key=lambda m: m.name):
            info = zipfile.ZipInfo(
                member.name, (member.date.year, member.date.month, member.date.day, 0, 0, 0)
            )
            info.create_system = 3  # Unix, so that the mode below is read
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.data, compresslevel=9)
    return buffer.getvalue()


__all__ = ["FOLDER", "ONE", "bundle"]
