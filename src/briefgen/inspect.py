"""Read back what a briefgen PDF was built from: its build record, the files attached to it, its conformance;
and write the attached brief back out, to build again.

A PDF briefgen builds carries, as attached files named by their path from the brief's folder, the brief
(`brief.yaml`), its sources and figures, and `briefgen-build.json`: briefgen's version, the engine and its
version, the theme, the standards, the brief's id and language, the inputs' fingerprint and each attached
file's sha256.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from briefgen import conformance
from briefgen.errors import InputError, Problem, display_path

RECORD = "briefgen-build.json"


@dataclass(frozen=True)
class File:
    """An attached file and what the build record says of it: `ok` (its sha256 is the record's), `differs`,
    or `unlisted` (the record does not name it)."""

    name: str
    size: int
    sha256: str
    mime: str | None
    relationship: str | None
    status: str
    data: bytes


@dataclass(frozen=True)
class Inspection:
    path: Path
    record: dict[str, Any]
    files: list[File]
    missing: list[str]  # files the record names that are not attached
    standards: list[str]  # those checked: the record's, else those the XMP claims
    findings: list[conformance.Finding]
    passages: list[tuple[str, str]]
    named: list[str] = field(default_factory=list)  # inputs the record names, not attached (--attach record)


def inspect(path: Path) -> Inspection:
    """Read a PDF briefgen built. Raises InputError when it is not there, not a PDF or has no build record."""
    where = display_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(where, 0, 0, "no such file")) from None
    except OSError as exc:
        raise InputError(Problem(where, 0, 0, f"cannot read: {exc.strerror or exc}")) from None
    if not data.lstrip(b"\x00\t\n\r ")[:5] == b"%PDF-":
        raise InputError(Problem(where, 0, 0, "not a PDF (it does not start with %PDF-)"))
    try:
        facts = conformance.read(data, content=False)
    except conformance.NotAPdf as exc:
        raise InputError(Problem(where, 0, 0, f"not a PDF briefgen can read: {exc}")) from None
    attached = {each.name: each for each in facts.attachments}
    if RECORD not in attached:
        message = (
            f"no briefgen build record: no {RECORD} is attached to it (briefgen attaches none with "
            "--attach none or --pdf-standard a-2b)"
        )
        raise InputError(Problem(where, 0, 0, message))
    try:
        record = json.loads(attached[RECORD].data)
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        raise InputError(Problem(where, 0, 0, f"{RECORD} is not a build record: {exc}")) from None
    listed: dict[str, Any] = record["files"] if isinstance(record.get("files"), dict) else {}
    brief_file = record.get("brief_file", "brief.yaml")
    files = []
    for each in sorted(facts.attachments, key=lambda a: (a.name != brief_file, a.name == RECORD, a.name)):
        digest = hashlib.sha256(each.data).hexdigest()
        status = "unlisted" if each.name not in listed else "ok" if listed[each.name] == digest else "differs"
        status = "record" if each.name == RECORD else status
        files.append(File(each.name, each.size, digest, each.mime, each.relationship, status, each.data))
    # Built with `--attach record`: the record names the inputs by their sha256 and carries none of them.
    kept_back = record.get("attached") == "record"
    missing = [] if kept_back else sorted(name for name in listed if name not in attached)
    named = sorted(name for name in listed if name not in attached) if kept_back else []
    claimed = record.get("standards") if isinstance(record.get("standards"), list) else None
    standards = [s for s in claimed or facts.claimed if s in conformance.CHECKS]
    if "ua-1" in standards:  # its checks read the pages' content: marked text, headings' words, passages
        facts = conformance.read(data)
    return Inspection(
        path, record, files, missing, standards, conformance.check(facts, standards), facts.passages, named
    )


def describe(found: Inspection) -> str:
    """The inspection as lines for a terminal."""
    record = found.record
    engine = f"{record.get('engine', '?')} {record.get('engine_version', '')}".rstrip()
    lines = [
        display_path(found.path),
        f"  built by     briefgen {record.get('briefgen', '?')}, {engine}, theme {record.get('theme', '?')}",
        f"  brief        {record.get('brief', '?')} ({record.get('language', '?')}), inputs {record.get('inputs', '?')}",
        f"  standards    {', '.join(found.standards) or 'none claimed'}",
        "  attached",
    ]
    width = max((len(f.name) for f in found.files), default=0)
    for each in found.files:
        said = {"ok": "sha256 matches", "differs": "sha256 DIFFERS", "unlisted": "not in the build record"}
        lines.append(
            f"    {each.name:<{width}}  {_size(each.size):>9}  {said.get(each.status, 'the build record')}"
        )
    lines += [f"    {name:<{width}}  {'':>9}  MISSING: named by the build record" for name in found.missing]
    width = max([width, *(len(name) for name in found.named)])
    lines += [
        f"    {name:<{width}}  {'':>9}  not attached (--attach record): sha256 {found.record['files'][name]}"
        for name in found.named
    ]
    passed = sum(f.passed for f in found.findings)
    checked = f"{', '.join(found.standards)}" if found.standards else "baseline"
    lines.append(
        f"  conformance  {passed} of {len(found.findings)} checks pass ({checked}; offline, not veraPDF)"
    )
    lines += [f"    {'pass' if f.passed else 'FAIL'}  {f.check}: {f.reason}" for f in found.findings]
    languages: dict[str, list[str]] = {}
    for lang, text in found.passages:
        languages.setdefault(lang, []).append(text)
    for lang, texts in languages.items():
        first = max(texts[:10], key=len)
        example = f", e.g. '{first[:60]}…'" if len(first) > 60 else f", e.g. '{first}'" if first else ""
        lines.append(f"  passages     {len(texts)} marked as {lang or '(no language)'}{example}")
    return "\n".join(lines)


def as_json(found: Inspection) -> dict[str, Any]:
    """The inspection as JSON: the record as it is, the files, the findings."""
    return {
        "pdf": display_path(found.path),
        "build": found.record,
        "files": [
            {
                "name": f.name,
                "bytes": f.size,
                "sha256": f.sha256,
                "mime": f.mime,
                "relationship": f.relationship,
                "status": f.status,
            }
            for f in found.files
        ],
        "missing": found.missing,
        "not_attached": found.named,
        "standards": found.standards,
        "conformance": [{"check": f.check, "passed": f.passed, "reason": f.reason} for f in found.findings],
        "passages": [{"language": lang, "text": text} for lang, text in found.passages],
    }


def extract(found: Inspection, folder: Path) -> list[Path]:
    """Write every attached file under `folder` at its path, all or none. Raises InputError, writing nothing,
    for a name that is absolute or climbs out (`..`), and for a file already there (never overwritten)."""
    from briefgen.output import write_all

    problems: list[Problem] = []
    outputs: list[tuple[Path, bytes]] = []
    where = display_path(found.path)
    if found.named:
        message = (
            "its brief is not attached: it was built with --attach record, which carries only the build record "
            f"(the sha256 of {len(found.named)} inputs); nothing extracted"
        )
        raise InputError(Problem(where, 0, 0, message))
    for each in found.files:
        name = PurePosixPath(each.name)
        if (
            not each.name
            or name.is_absolute()
            or ".." in name.parts
            or "\\" in each.name
            or "\x00" in each.name
        ):
            problems.append(
                Problem(where, 0, 0, f"attached file {each.name!r}: not a path inside a folder; refused")
            )
            continue
        target = folder.joinpath(*name.parts)
        if target.exists() or target.is_symlink():
            message = "exists; not overwritten (remove it, or extract to another folder)"
            problems.append(Problem(display_path(target), 0, 0, message))
        elif not target.resolve().is_relative_to(folder.resolve()):  # through a symbolic link already there
            problems.append(Problem(display_path(target), 0, 0, "leads outside the folder; refused"))
        else:
            outputs.append((target, each.data))
    if problems:
        raise InputError(problems)
    write_all(outputs)
    return [path for path, _ in outputs]


def _size(size: int) -> str:
    return (
        f"{size} B"
        if size < 1024
        else f"{size / 1024:.1f} KiB"
        if size < 1024**2
        else f"{size / 1024**2:.1f} MiB"
    )


__all__ = ["RECORD", "File", "Inspection", "as_json", "describe", "extract", "inspect"]
