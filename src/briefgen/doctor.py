"""Look at the machine and say, for each engine and tool briefgen uses, what is installed and how to get the rest."""

from __future__ import annotations

import importlib
import importlib.metadata
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from briefgen.backends import BACKENDS, Backend


@dataclass(frozen=True)
class Check:
    """One thing briefgen needs: found (with its version) or missing (with how to install it)."""

    name: str
    ok: bool
    detail: str
    required: bool = True  # False for what only the tests use
    slow: bool = False  # there and working, but slower than it would be with what `detail` names

    def __str__(self) -> str:
        status = "missing" if not self.ok else "slow" if self.slow else "ok"
        return f"{status:<8} {self.name:<11} {self.detail}"


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _python_engine(name: str, module: str, distribution: str, install: str = "") -> Check:
    """An engine that is a Python library: it must import (WeasyPrint also needs Pango from the system)."""
    try:
        importlib.import_module(module)
    except Exception as exc:  # an import can fail in many ways (missing library, missing system library)
        hint = f"pip install {distribution}" + (f"; {install}" if install else "")
        return Check(name, False, f"cannot import {module}: {exc} ({hint})")
    return Check(name, True, f"{distribution} {_version(distribution)}")


def _first_line(command: list[str]) -> str:
    """The first line a tool prints about itself (some print their version on stderr)."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"({exc})"
    output = (result.stdout or result.stderr).strip()
    return output.splitlines()[0] if output else ""


def engine(backend: Backend) -> Check:
    """What one backend of the registry needs: its package's own `doctor(backend)` when it has one, else
    `needs(backend)`."""
    own: Callable[[Backend], Check] | None = getattr(importlib.import_module(backend.module), "doctor", None)
    return own(backend) if own is not None else needs(backend)


def needs(backend: Backend) -> Check:
    """Whether the program a backend runs is on PATH (with its version), else whether the Python library it
    imports imports (with its version); a backend that needs neither is there."""
    if backend.program:
        tool = shutil.which(backend.program)
        if tool is None:
            hint = f" ({backend.install})" if backend.install else ""
            return Check(backend.name, False, f"{backend.program} is not on PATH{hint}")
        return Check(backend.name, True, f"{tool}: {_first_line([tool, '--version'])}")
    if backend.library:
        return _python_engine(backend.name, backend.library, backend.library, backend.install)
    return Check(backend.name, True, "built in: needs no library nor program")


def fonts() -> Check:
    """The font packages the built-in themes read their fonts from."""
    from briefgen.errors import BriefgenError
    from briefgen.themes.layers import builtin_themes, load_theme

    found = []
    for name in builtin_themes():
        try:
            theme = load_theme(name)
        except BriefgenError as exc:
            return Check("fonts", False, f"theme {name}: {exc.format()}")
        for family, source in theme.manifest.fonts.items():
            if source.package:
                found.append(f"{source.package} {_version(source.package)} ({family})")
    return Check("fonts", True, ", ".join(dict.fromkeys(found)))


def pdftotext() -> Check:
    """Poppler's pdftotext, which the tests use to read PDFs back."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return Check("pdftotext", False, "for the tests (apt-get install poppler-utils)", required=False)
    return Check("pdftotext", True, f"{tool}: {_first_line([tool, '-v'])}", required=False)


def languages() -> Check:
    """The languages LaTeX hyphenates (babel's files installed); text in another is set as the document's."""
    from briefgen.backends.latex.markup import hyphenation

    if shutil.which("kpsewhich") is None:
        return Check("languages", False, "no TeX Live: see latex", required=False)
    found, missing = hyphenation()
    detail = f"LaTeX hyphenates {', '.join(found)}"
    if missing:
        packages = " ".join(sorted({p for p in missing.values() if p}))
        detail += f"; not {', '.join(missing)} (apt-get install {packages})"
    return Check("languages", not missing, detail + "; any other: no babel language", required=False)


CHECKS: tuple[Callable[[], Check], ...] = (fonts, languages, pdftotext)


def checks() -> list[Check]:
    """Every check, in the order of the report: each engine of the registry, then fonts and tools."""
    return [engine(backend) for backend in BACKENDS.values()] + [check() for check in CHECKS]


def report(missing_only: bool = False) -> tuple[list[str], bool]:
    """The lines of the report (`missing_only`: those of what is missing), and whether everything the engines
    need is there."""
    results = checks()
    lines = [str(c) for c in results if not (missing_only and c.ok)]
    return lines, all(c.ok for c in results if c.required)
