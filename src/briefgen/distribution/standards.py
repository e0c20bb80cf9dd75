"""Take `--pdf-standard`, `--attach` and the engine; give the one plan of standards a build's PDFs are to meet.

A build meets at most one PDF/A part and, on its own or beside it, PDF/UA-1. The plan is decided here once,
before anything is built, and carried in every job: the engines read from it which variant to write, the
provenance which files to attach, the manifest and the build record which standards to name. Nothing else
decides it again.

Each engine names the standards it refuses, with the reason (`Backend.refuses`); asking an engine for one is a
usage error that says why and names the engines that write it. PDF/A-2 allows attached files only when they are
PDF/A themselves, which a brief and a build record never are: under a-2b the plan attaches nothing, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.errors import InputError

if TYPE_CHECKING:
    from briefgen.backends import Backend

# Every standard briefgen can be asked for, in the order they are written: accessible first, then archival.
STANDARDS = {
    "ua-1": "PDF/UA-1: tagged and accessible (structure, alt text, languages)",
    "a-2b": "PDF/A-2b: archival; no attached files",
    "a-3b": "PDF/A-3b: archival, with the brief and its build record as associated files",
}
ACCESSIBLE = "ua-1"
ARCHIVAL = ("a-2b", "a-3b")
# PDF/A parts whose attached files must be PDF/A documents themselves, which briefgen's never are.
NO_ATTACHMENTS = ("a-2b",)
# `--attach`: what each PDF carries: every input that may be passed on (the brief, its figures, the texts its
# sources allow) and the build record, the record alone, or nothing.
ATTACH = ("all", "record", "none")


@dataclass(frozen=True)
class Plan:
    """The standards one build's PDFs meet and what they carry, decided once (see `plan`)."""

    standards: tuple[str, ...] = ()  # in STANDARDS' order: ("ua-1", "a-3b")
    attach: str = "all"  # what each PDF carries, once the standards are applied (ATTACH)
    notes: tuple[str, ...] = ()  # what the plan changed of the request, said to the user as warnings

    def __post_init__(self) -> None:
        """A plan is consistent whoever makes it: known standards in order, one PDF/A part at most, no file
        attached where the part forbids it. Raises ValueError."""
        if parse(self.standards) != self.standards:
            raise ValueError(f"standards {self.standards!r} are not in briefgen's order {tuple(STANDARDS)}")
        if self.attach not in ATTACH:
            raise ValueError(f"attach {self.attach!r} is not one of {', '.join(ATTACH)}")
        if self.archival in NO_ATTACHMENTS and self.attaches:
            raise ValueError(f"PDF/A-{self.archival[2]} allows no attached files, and the plan attaches some")

    @property
    def accessible(self) -> bool:
        """Whether the PDFs meet PDF/UA-1."""
        return ACCESSIBLE in self.standards

    @property
    def archival(self) -> str | None:
        """The PDF/A part the PDFs meet ("a-2b", "a-3b"), or None."""
        return next((name for name in self.standards if name in ARCHIVAL), None)

    @property
    def pdfa(self) -> tuple[int, str] | None:
        """The PDF/A part as its XMP identification says it: (3, "B") for a-3b."""
        return (int(self.archival[2]), self.archival[3:].upper()) if self.archival else None

    @property
    def key(self) -> str:
        """The standards as one word: `ua-1+a-3b`."""
        return key(self.standards)

    @property
    def attaches(self) -> bool:
        """Whether the PDFs carry any file."""
        return self.attach != "none"

    @property
    def associated_files(self) -> bool:
        """Whether the attached files are PDF/A-3's associated files of the document (listed in its /AF)."""
        return self.archival == "a-3b" and self.attaches


def parse(values: str | Iterable[str]) -> tuple[str, ...]:
    """The standards `ua-1,a-3b` (or a list of them) names, in STANDARDS' order. `pdf/a-3b` and `PDF/UA-1`
    are read as `a-3b` and `ua-1`. Raises ValueError with the reason."""
    items = values.split(",") if isinstance(values, str) else list(values)
    chosen: set[str] = set()
    for item in items:
        name = item.strip().lower().removeprefix("pdf/").removeprefix("pdf")
        if not name:
            continue
        if name not in STANDARDS:
            raise ValueError(f"unknown PDF standard '{item.strip()}' (standards: {', '.join(STANDARDS)})")
        chosen.add(name)
    archival = sorted(chosen.intersection(ARCHIVAL))
    if len(archival) > 1:
        raise ValueError(f"a PDF meets one PDF/A part, not {' and '.join(archival)}")
    return tuple(name for name in STANDARDS if name in chosen)


def key(standards: Iterable[str]) -> str:
    """A set of standards as one word: `ua-1+a-3b`."""
    return "+".join(name for name in STANDARDS if name in set(standards))


NONE = Plan()  # no standard, every file that may be passed on attached: a build that asks for nothing


def plan(requested: Iterable[str], backend: Backend, attach: str = "all") -> Plan:
    """The plan for `requested` standards (parsed or not) built by `backend`, each PDF carrying `attach`.
    Raises InputError (a usage error: nothing is built) for a standard the engine refuses, saying why and
    naming the engines that write it, and for an unknown `attach`."""
    try:
        chosen = parse(requested)
    except ValueError as exc:
        raise InputError(f"--pdf-standard: {exc}") from None
    if attach not in ATTACH:
        raise InputError(f"--attach {attach}: not one of {', '.join(ATTACH)}")
    refused = [(name, reason) for name in chosen if (reason := backend.refusal(name)) is not None]
    if refused:
        able = backend.writing(chosen)
        instead = f"; engines that write it: {', '.join(able)}" if able else "; no engine writes it"
        name, reason = refused[0]
        raise InputError(
            f"--pdf-standard {','.join(chosen)}: the {backend.name} engine does not write {name} ({reason})"
            f"{instead}"
        )
    notes: tuple[str, ...] = ()
    archival = next((name for name in chosen if name in ARCHIVAL), None)
    if archival in NO_ATTACHMENTS and attach != "none":
        notes = (
            f"--pdf-standard {','.join(chosen)}: PDF/A-{archival[2]} allows no attached files, so the brief "
            "and its build record are not attached to the PDFs (a-3b attaches them as associated files)",
        )
        attach = "none"
    return Plan(chosen, attach, notes)


__all__ = ["ACCESSIBLE", "ARCHIVAL", "ATTACH", "NONE", "STANDARDS", "Plan", "key", "parse", "plan"]
