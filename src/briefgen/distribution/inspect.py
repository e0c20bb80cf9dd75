"""Read back what a PDF was built from: its build record, the files attached to it, its conformance; and write
the attached brief back out, with the command that builds it again.

A PDF briefgen builds carries, as attached files named by their path from the brief's folder, the brief
(`brief.yaml`), its figures, the texts of the sources that allow it (`redistribute`), and `briefgen-build.json`:
briefgen's version, the engine and its version, the theme, the standards, the brief's id and language, the
inputs' fingerprint, each input file's sha256, and the files withheld, with why. A withheld file is named, not
missing: `--extract` says it must be put back before the brief builds again. With `--attach none` or
`--pdf-standard a-2b` it carries none of them: the checks are then those of the standards its XMP claims.

The PDF is untrusted: only a regular file of at most MAX_BYTES is read, its trees within limits
(`briefgen.distribution.pdfwalk`), and every text it gives is printed with its control characters escaped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from briefgen.distribution import conformance
from briefgen.errors import InputError, Problem, display_path

RECORD = "briefgen-build.json"
MAX_BYTES = 200_000_000  # the largest PDF inspect reads (200 MB)
NO_RECORD = "no build record: built with --attach none or a-2b, or not by briefgen"
NOT_A_VALIDATOR = "not an ISO validator: validate with a PDF/A / PDF/UA validator"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0 (ESC among them), DEL, C1
_KINDS = {  # what stat says a path is, when it is not a regular file
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


@dataclass(frozen=True)
class File:
    """An attached file and what the build record says of it: `ok` (its sha256 is the record's), `differs`,
    `unlisted` (the record does not name it), `was withheld` (the record says it was not attached: put in
    since), `record` (the record itself) or `no record` (there is none)."""

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
    record: dict[str, Any] | None  # None: no build record is attached
    files: list[File]
    missing: list[str]  # files the record names that are not attached
    standards: list[str]  # those checked: the record's and those the XMP claims
    findings: list[conformance.Finding]
    passages: list[tuple[str, str]]
    named: list[str] = field(default_factory=list)  # inputs the record names, not attached (--attach record)
    # inputs the record names and says it withheld, with why (a source that does not allow redistribution)
    withheld: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every check passes and every attached file is the one the build record names: exit 0."""
        bad_files = [f for f in self.files if f.status in ("differs", "unlisted", "was withheld")]
        return all(f.passed for f in self.findings) and not bad_files and not self.missing


def printable(text: object) -> str:
    """`text` with its control characters (C0, ESC, DEL, C1) written as `\\x1b`: safe on a terminal."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", str(text))


def read_pdf(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES: a FIFO, a device or a folder is refused without being
    opened for reading. Raises InputError."""
    where = printable(display_path(path))
    try:
        kind = os.stat(path).st_mode
        if not stat.S_ISREG(kind):
            raise InputError(
                Problem(where, 0, 0, f"not a regular file: {_KINDS.get(stat.S_IFMT(kind), 'a special file')}")
            )
        # O_NONBLOCK: a file swapped for a FIFO since the stat above does not block the open; fstat then says so.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(Problem(where, 0, 0, "no such file")) from None
    except OSError as exc:
        raise InputError(Problem(where, 0, 0, f"cannot read: {exc.strerror or exc}")) from None
    with os.fdopen(fd, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise InputError(Problem(where, 0, 0, "not a regular file"))
        data = file.read(MAX_BYTES + 1) if status.st_size <= MAX_BYTES else b""
    if status.st_size > MAX_BYTES or len(data) > MAX_BYTES:
        message = f"larger than {MAX_BYTES // 1_000_000} MB, the largest PDF inspect reads"
        raise InputError(Problem(where, 0, 0, message))
    return data


def inspect(path: Path) -> Inspection:
    """Read a PDF. Raises InputError when it is not there, not a regular file, too large, or not a PDF pypdf
    can read, or when its build record is not JSON."""
    where = printable(display_path(path))
    data = read_pdf(path)
    if not data.lstrip(b"\x00\t\n\r ")[:5] == b"%PDF-":
        raise InputError(Problem(where, 0, 0, "not a PDF (it does not start with %PDF-)"))
    try:
        facts = conformance.read(data, content=False)
    except conformance.NotAPdf as exc:
        raise InputError(Problem(where, 0, 0, f"not a PDF briefgen can read: {printable(exc)}")) from None
    attached = {each.name: each for each in facts.attachments}
    record = _record(where, attached[RECORD].data) if RECORD in attached else None
    listed: dict[str, Any] = {}
    if record is not None and isinstance(record.get("files"), dict):
        listed = record["files"]
    brief_file = record.get("brief_file", "brief.yaml") if record is not None else None
    # Built with `--attach record`: the record names the inputs by their sha256 and carries none of them.
    kept_back = record is not None and record.get("attached") == "record"
    # A source's text its source does not allow to be passed on: named by the record, with why, not attached.
    said: Any = record.get("withheld") if record is not None else None
    said = said if isinstance(said, dict) and not kept_back else {}
    files = []
    for each in sorted(facts.attachments, key=lambda a: (a.name != brief_file, a.name == RECORD, a.name)):
        digest = hashlib.sha256(each.data).hexdigest()
        status = "unlisted" if each.name not in listed else "ok" if listed[each.name] == digest else "differs"
        status = "was withheld" if status == "ok" and each.name in said else status
        status = "record" if each.name == RECORD else "no record" if record is None else status
        files.append(File(each.name, each.size, digest, each.mime, each.relationship, status, each.data))
    absent = sorted(name for name in listed if name not in attached)
    named = absent if kept_back else []
    withheld = [(name, str(said[name])) for name in absent if name in said]
    missing = [] if kept_back else [name for name in absent if name not in said]
    recorded = record.get("standards") if record is not None else None
    recorded = [str(s) for s in recorded] if isinstance(recorded, list) else []
    standards = list(dict.fromkeys(s for s in [*recorded, *facts.claimed] if s in conformance.CHECKS))
    if "ua-1" in standards:  # its checks read the pages' content: marked text, headings' words, passages
        facts = conformance.read(data)
    findings = conformance.check(facts, standards)
    if record is not None:
        findings.insert(0, _agree(recorded, facts.claimed))
    return Inspection(path, record, files, missing, standards, findings, facts.passages, named, withheld)


def _record(where: str, data: bytes) -> dict[str, Any]:
    try:
        record = json.loads(data)
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        raise InputError(Problem(where, 0, 0, f"{RECORD} is not a build record: {printable(exc)}")) from None
    return record


def _agree(recorded: list[str], claimed: list[str]) -> conformance.Finding:
    """Whether the build record and the XMP name the same standards."""
    name, asking = "standards recorded", ("build record",)
    unknown = [s for s in recorded if s not in conformance.CHECKS]
    if unknown:
        reason = f"the build record names {', '.join(unknown)}, which briefgen does not write"
        return conformance.Finding(name, False, reason, asking)
    said = {"the build record": ", ".join(recorded) or "none", "the XMP": ", ".join(claimed) or "none"}
    if set(recorded) != set(claimed):
        reason = f"the XMP claims {said['the XMP']}, the build record names {said['the build record']}"
        return conformance.Finding(name, False, reason, asking)
    return conformance.Finding(
        name, True, f"the build record and the XMP both name {said['the XMP']}", asking
    )


def describe(found: Inspection) -> str:
    """The inspection as lines for a terminal, every text from the PDF escaped."""
    lines = [printable(display_path(found.path))]
    record = found.record
    if record is None:
        lines.append(f"  {NO_RECORD}")
        claimed = "(claimed by its XMP)" if found.standards else ""
        lines.append(f"  standards    {', '.join(found.standards) or 'none claimed'} {claimed}".rstrip())
    else:
        engine = f"{record.get('engine', '?')} {record.get('engine_version', '')}".rstrip()
        built = f"briefgen {record.get('briefgen', '?')}, {engine}, theme {record.get('theme', '?')}"
        brief = (
            f"{record.get('brief', '?')} ({record.get('language', '?')}), inputs {record.get('inputs', '?')}"
        )
        lines += [f"  built by     {printable(built)}", f"  brief        {printable(brief)}"]
        lines.append(f"  standards    {', '.join(found.standards) or 'none claimed'}")
    names = {f.name: printable(f.name) for f in found.files}
    rows = [
        *(printable(n) for n in [*found.missing, *found.named, *(n for n, _why in found.withheld)]),
        *names.values(),
    ]
    width = max((len(name) for name in rows), default=0)
    lines += ["  attached"] if rows else []
    said = {
        "ok": "sha256 matches",
        "differs": "sha256 DIFFERS from the build record's",
        "unlisted": "NOT in the build record",
        "was withheld": "ATTACHED, but the build record says it was withheld",
        "record": "the build record",
        "no record": "no build record to compare with",
    }
    for each in found.files:
        lines.append(f"    {names[each.name]:<{width}}  {_size(each.size):>9}  {said[each.status]}")
    lines += [
        f"    {printable(name):<{width}}  {'':>9}  MISSING: named by the build record"
        for name in found.missing
    ]
    files: Any = record.get("files") if record is not None else {}
    lines += [
        f"    {printable(name):<{width}}  {'':>9}  not attached (--attach record): sha256 {printable(files[name])}"
        for name in found.named
    ]
    lines += [
        f"    {printable(name):<{width}}  {'':>9}  withheld: {printable(why)}; sha256 {printable(files[name])}"
        for name, why in found.withheld
    ]
    passed = sum(f.passed for f in found.findings)
    checked = ", ".join(found.standards) or "baseline"
    lines.append(f"  conformance  {passed} of {len(found.findings)} checks pass ({checked})")
    lines.append(f"               {_checker(found)}")
    lines += [
        f"    {'pass' if f.passed else 'FAIL'}  {f.check}: {printable(f.reason)}" for f in found.findings
    ]
    languages: dict[str, list[str]] = {}
    for lang, text in found.passages:
        languages.setdefault(lang, []).append(text)
    for lang, texts in languages.items():
        first = max(texts[:10], key=len)
        example = f", e.g. '{first[:60]}…'" if len(first) > 60 else f", e.g. '{first}'" if first else ""
        lines.append(
            f"  passages     {len(texts)} marked as {printable(lang or '(no language)')}{printable(example)}"
        )
    lines.append(f"  result       {_verdict(found)}")
    return "\n".join(lines)


def _checker(found: Inspection) -> str:
    return f"offline checks of {len(found.findings)} rules, {NOT_A_VALIDATOR}"


def _verdict(found: Inspection) -> str:
    """`exit 0: …` or `exit 1: what fails`."""
    if found.ok:
        files = ", every attached file is the build record's" if found.record is not None else ""
        count = len(found.withheld)
        kept = f", {count} file{'s' if count > 1 else ''} withheld as the record says" if count else ""
        return f"exit 0: every check passes{files}{kept}"
    failing = sum(not f.passed for f in found.findings)
    differ = sum(f.status == "differs" for f in found.files)
    unlisted = sum(f.status == "unlisted" for f in found.files)
    put_in = sum(f.status == "was withheld" for f in found.files)
    parts = [
        f"{failing} check{'s' if failing > 1 else ''} fail{'' if failing > 1 else 's'}" if failing else "",
        f"{differ} attached file{'s' if differ > 1 else ''} differ{'' if differ > 1 else 's'}"
        if differ
        else "",
        f"{unlisted} attached file{'s' if unlisted > 1 else ''} not in the build record" if unlisted else "",
        f"{put_in} attached file{'s' if put_in > 1 else ''} the build record says {'were' if put_in > 1 else 'was'}"
        " withheld"
        if put_in
        else "",
        f"{len(found.missing)} named by the build record missing" if found.missing else "",
    ]
    return "exit 1: " + ", ".join(part for part in parts if part)


def as_json(found: Inspection) -> dict[str, Any]:
    """The inspection as JSON: the record as it is (None without one), the files, every check."""
    return {
        "pdf": display_path(found.path),
        "build": found.record,
        "no_build_record": NO_RECORD if found.record is None else None,
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
        "withheld": [
            {"name": name, "sha256": (found.record or {})["files"][name], "reason": why}
            for name, why in found.withheld
        ],
        "standards": found.standards,
        "checker": _checker(found),
        "conformance": [
            {"check": f.check, "passed": f.passed, "reason": f.reason, "standards": list(f.standards)}
            for f in found.findings
        ],
        "passages": [{"language": lang, "text": text} for lang, text in found.passages],
        "passed": found.ok,
        "exit": 0 if found.ok else 1,
    }


def dumps(data: dict[str, Any]) -> str:
    """JSON with every control character escaped: json escapes C0 (ESC among them), this DEL and C1 too."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    return re.sub(r"[\x7f-\x9f]", lambda found: f"\\u{ord(found.group()):04x}", text)


def _inside(name: str) -> bool:
    """Whether a name from the PDF is a relative path that stays inside a folder, without control characters."""
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and not (_CONTROL.search(name))
    )


def extract(found: Inspection, folder: Path) -> list[Path]:
    """Write every attached file under `folder` at its path, all or none. Raises InputError, writing nothing,
    when there is no build record or only it, for a name (attached or withheld) that is absolute, climbs out
    (`..`) or holds a control character, and for a file already there (never overwritten)."""
    from briefgen.output import write_all

    problems: list[Problem] = []
    outputs: list[tuple[Path, bytes]] = []
    where = printable(display_path(found.path))
    if found.record is None:
        raise InputError(Problem(where, 0, 0, f"nothing to extract: {NO_RECORD}"))
    if found.named:
        message = (
            "its brief is not attached: it was built with --attach record, which carries only the build record "
            f"(the sha256 of {len(found.named)} inputs); nothing extracted"
        )
        raise InputError(Problem(where, 0, 0, message))
    # A withheld file is to be put back at its path: a path that leads out of the folder is not one to give.
    for withheld, _why in found.withheld:
        if not _inside(withheld):
            message = f"withheld file {printable(repr(withheld))}: not a path inside a folder; refused"
            problems.append(Problem(where, 0, 0, message))
    for each in found.files:
        name = PurePosixPath(each.name)
        if not _inside(each.name):
            problems.append(
                Problem(
                    where,
                    0,
                    0,
                    f"attached file {printable(repr(each.name))}: not a path inside a folder; refused",
                )
            )
            continue
        target = folder.joinpath(*name.parts)
        if target.exists() or target.is_symlink():
            message = "exists; not overwritten (remove it, or extract to another folder)"
            problems.append(Problem(printable(display_path(target)), 0, 0, message))
        elif not target.resolve().is_relative_to(folder.resolve()):  # through a symbolic link already there
            problems.append(
                Problem(printable(display_path(target)), 0, 0, "leads outside the folder; refused")
            )
        else:
            outputs.append((target, each.data))
    if problems:
        raise InputError(problems)
    write_all(outputs)
    return [path for path, _ in outputs]


def put_back(found: Inspection, folder: Path) -> list[dict[str, str]]:
    """The files withheld from the PDF that the brief extracted to `folder` needs before it builds again: where
    each goes, its sha256 (the build record's), and why it was withheld."""
    files: Any = (found.record or {}).get("files", {})
    return [
        {"path": str(folder.joinpath(*PurePosixPath(name).parts)), "sha256": str(files[name]), "reason": why}
        for name, why in found.withheld
    ]


def after_extract(found: Inspection, folder: Path, written: list[Path]) -> list[str]:
    """What `inspect --extract` prints after the inspection: each file written, each withheld file to put back,
    and the command that builds the brief again (said to need the withheld files, when there are)."""
    lines = [f"extracted {printable(path)}" for path in written]
    needed = put_back(found, folder)
    lines += [
        f"withheld {printable(each['path'])}: not in the PDF ({printable(each['reason'])}); put that file back "
        f"there (sha256 {printable(each['sha256'])}): the brief does not build without it"
        for each in needed
    ]
    command, why_not = rebuild(found, folder)
    if command is None:
        return [*lines, f"next: no command to build it again: {why_not}"]
    if needed:
        count = f"the {len(needed)} withheld files" if len(needed) > 1 else "the withheld file"
        return [*lines, f"next: with {count} put back, `{command}` builds it again"]
    return [*lines, f"next: `{command}` builds it again"]


def rebuild(found: Inspection, folder: Path) -> tuple[str | None, str]:
    """The command that builds the brief extracted to `folder` again as the build record says it was built
    (engine, theme, standards, --attach, language), into `folder/out`; or None and why there is none."""
    from briefgen.backends import ENGINES
    from briefgen.distribution.standards import parse
    from briefgen.themes.builtin import ALIASES, MANIFEST, builtin_themes

    record = found.record or {}
    engine, theme, lang = record.get("engine"), record.get("theme"), record.get("language")
    attach, brief = record.get("attached", "all"), record.get("brief_file", "brief.yaml")
    problems = []
    if engine not in ENGINES:
        problems.append(f"its engine {engine!r} is not one briefgen has ({', '.join(ENGINES)})")
    recorded = record.get("standards", [])
    try:
        if not isinstance(recorded, list):
            raise ValueError(f"{recorded!r} is not a list")
        standards = parse([str(s) for s in recorded])
    except ValueError as exc:
        problems.append(f"its standards: {exc}")
        standards = ()
    if not isinstance(theme, str) or not theme:
        problems.append("it names no theme")
    elif ALIASES.get(theme, theme) not in builtin_themes() and not (Path(theme) / MANIFEST).is_file():
        problems.append(
            f"its theme {theme!r} is neither a built-in theme nor a theme folder here: with that folder at "
            "that path, run this again, or build the brief with --theme and a theme of yours"
        )
    if not isinstance(lang, str) or not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", lang):
        problems.append(f"its language {lang!r} is not a language tag")
    if attach not in ("all", "record", "none"):
        problems.append(f"its --attach {attach!r} is not all, record or none")
    if not isinstance(brief, str) or brief not in {f.name for f in found.files}:
        problems.append(f"its brief file {brief!r} is not attached")
    if problems:
        return None, printable("; ".join(problems))
    argv = ["briefgen", "build", str(folder / brief), "--lang", str(lang), "--engine", str(engine)]
    argv += ["--theme", str(theme)]
    argv += ["--pdf-standard", ",".join(standards)] if standards else []
    argv += ["--attach", attach] if attach != "all" else []
    argv += ["--out", str(folder / "out")]
    return printable(shlex.join(argv)), ""


def _size(size: int) -> str:
    return (
        f"{size} B"
        if size < 1024
        else f"{size / 1024:.1f} KiB"
        if size < 1024**2
        else f"{size / 1024**2:.1f} MiB"
    )


__all__ = [
    "MAX_BYTES",
    "RECORD",
    "File",
    "Inspection",
    "after_extract",
    "as_json",
    "describe",
    "dumps",
    "extract",
    "inspect",
    "printable",
    "put_back",
    "read_pdf",
    "rebuild",
]
