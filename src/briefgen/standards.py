"""Read `--pdf-standard` (or the project file's `pdf-standard`) into the standards a build is to meet.

A build meets at most one PDF/A part and, on its own or beside it, PDF/UA-1. Each engine lists the standards it
writes, alone and together (`Backend.standards`); asking an engine for one it does not write is a usage error
that names the engines that do.
"""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.errors import InputError

# Every standard briefgen can be asked for, in the order they are written: accessible first, then archival.
STANDARDS = {
    "ua-1": "PDF/UA-1: tagged and accessible (structure, alt text, languages)",
    "a-2b": "PDF/A-2b: archival; no attached files",
    "a-3b": "PDF/A-3b: archival, with the brief and its build record as associated files",
}
ARCHIVAL = ("a-2b", "a-3b")


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
    """How `Backend.standards` writes a set of standards: `ua-1+a-3b`."""
    return "+".join(name for name in STANDARDS if name in set(standards))


def check(engine: str, standards: tuple[str, ...]) -> None:
    """Refuse standards the engine does not write, saying why and naming the engines that do. Raises InputError
    (a usage error: nothing is built)."""
    from briefgen.backends import BACKENDS

    backend = BACKENDS[engine]
    wanted = key(standards)
    if not standards or wanted in backend.standards:
        return
    able = [b.name for b in BACKENDS.values() if wanted in b.standards]
    why = f" ({backend.standards_note})" if backend.standards_note else ""
    instead = f"; engines that write it: {', '.join(able)}" if able else "; no engine writes it"
    raise InputError(
        f"--pdf-standard {','.join(standards)}: the {engine} engine does not write {wanted}{why}{instead}"
    )


__all__ = ["ARCHIVAL", "STANDARDS", "check", "key", "parse"]
