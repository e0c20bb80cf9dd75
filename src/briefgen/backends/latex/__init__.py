"""Typeset rendered LaTeX into PDF bytes with LuaLaTeX, sandboxed in a throwaway folder."""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.backends import Backend, Job, Typeset, scratch, sourcemap
from briefgen.backends.latex import pdfa, streams
from briefgen.backends.latex.fontstore import cache_dir
from briefgen.backends.latex.logo import place_figure, place_logo
from briefgen.backends.latex.svg import Converter
from briefgen.errors import BriefgenError, EngineError, EngineTimeout, InputError, Problem, display_path
from briefgen.language.catalog import available_languages, load_catalog

if TYPE_CHECKING:
    from briefgen.doctor import Check

log = logging.getLogger(__name__)
live = logging.getLogger("briefgen.live")  # shown as it happens, not when the build is over (workers.LIVE)

# What `apt-get install` needs on Debian for this engine and the default theme, then the package of each built-in
# catalog's language (its tex.package: babel's file and the hyphenation patterns). The same list is in .ci/run.
_LANGUAGES = [load_catalog(lang) for lang in available_languages()]
TEXLIVE_PACKAGES = (
    "texlive-luatex",
    "texlive-latex-recommended",
    "texlive-latex-extra",
    *dict.fromkeys(c.tex_package for c in _LANGUAGES if c.tex_package),
)
INSTALL_HINT = "apt-get install " + " ".join(TEXLIVE_PACKAGES)
# A file of each package the default theme uses, to tell which package is missing; each language's patterns.
REQUIRED_FILES = {
    "luaotfload.sty": "texlive-luatex",
    "lua-ul.sty": "texlive-luatex",
    "fontspec.sty": "texlive-latex-recommended",
    "microtype.sty": "texlive-latex-recommended",
    "tcolorbox.sty": "texlive-latex-extra",
    "lastpage.sty": "texlive-latex-extra",
    "enumitem.sty": "texlive-latex-extra",
    "pdfmanagement-testphase.sty": "texlive-latex-recommended",  # --pdf-standard a-2b, a-3b
    **{c.tex_patterns: c.tex_package for c in _LANGUAGES if c.tex_patterns and c.tex_package},
}
MAX_RUNS = 4  # page references settle in two runs; a third when a reference moves a page break


def lualatex() -> str:
    """The path of lualatex. Raises EngineError naming the packages to install when it is missing."""
    found = shutil.which("lualatex")
    if found is None:
        raise EngineError(f"lualatex is not installed: install TeX Live ({INSTALL_HINT})")
    return found


def missing_files() -> dict[str, str]:
    """The files of REQUIRED_FILES that TeX cannot find, with the Debian package that has each."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return dict(REQUIRED_FILES)
    result = subprocess.run(
        [kpsewhich, *REQUIRED_FILES], capture_output=True, text=True, timeout=60, check=False
    )
    found = {Path(line).name for line in result.stdout.splitlines()}
    return {file: package for file, package in REQUIRED_FILES.items() if file not in found}


def doctor(backend: Backend) -> Check:
    """What `briefgen doctor` says of LuaLaTeX: on PATH, with the TeX Live packages the default theme uses."""
    from briefgen.doctor import Check, needs

    tool = shutil.which(backend.program)
    if tool is None:
        return Check(backend.name, False, f"{backend.program} is not on PATH ({INSTALL_HINT})")
    missing = missing_files()
    if missing:
        files = ", ".join(f"{file} ({package})" for file, package in missing.items())
        packages = " ".join(sorted(set(missing.values())))
        return Check(backend.name, False, f"{tool} lacks {files} (apt-get install {packages})")
    return needs(backend)


def sandbox_env(build: Path, job: Job) -> dict[str, str]:
    """The environment of a run: no shell escape, no file read or written outside `build`, dates of the brief."""
    epoch = calendar.timegm(job.doc.date.timetuple())
    cache = str(cache_dir())
    return {
        **os.environ,
        "shell_escape": "f",
        "openin_any": "p",
        "openout_any": "p",
        "TEXMFOUTPUT": str(build),
        "TMPDIR": str(build),
        "TEXMFVAR": cache,
        "TEXMFCACHE": cache,
        "SOURCE_DATE_EPOCH": str(epoch),
        "FORCE_SOURCE_DATE": "1",
        "max_print_line": "10000",
        "error_line": "254",
        "half_error_line": "238",
    }


def cache_ready(cache: Path) -> bool:
    """Whether luaotfload's font names database is in `cache` (else the next run spends a minute making it)."""
    return any(cache.glob("luatex-cache/generic/names/luaotfload-names.*"))


@contextlib.contextmanager
def _cache_lock() -> Iterator[None]:
    """Serialise builds while the font cache is being made, so parallel jobs do not write it at once; say once
    that it is being made, before the minute it takes."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    if cache_ready(cache):
        yield
        return
    import fcntl

    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not cache_ready(cache):
                live.warning("latex: making LuaTeX's font cache in %s, once (up to a minute)", cache)
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(command: list[str], build: Path, env: dict[str, str], timeout: float) -> str | None:
    """One lualatex run: None when it succeeded, else what it printed on the terminal. `timeout`: seconds left."""
    try:
        result = subprocess.run(
            command,
            cwd=build,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=max(timeout, 0.01),
        )
    except subprocess.TimeoutExpired:
        raise EngineTimeout(0, "latex") from None
    if result.returncode == 0:
        return None
    return (result.stdout + result.stderr).decode("utf-8", "replace")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _read_log(build: Path) -> str:
    path = build / "main.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


class LatexEngine:
    command = (
        "-no-shell-escape",
        "-halt-on-error",
        "-interaction=nonstopmode",
        "-file-line-error",
        "main.tex",
    )

    def compile(self, job: Job) -> Typeset:
        from briefgen.distribution.pdfinfo import first_page_of

        command = [lualatex(), *self.command]
        if pdfa.needs_wrapper(job):  # PDF standards or attached files: the wrapper inputs main.tex
            command[-1:] = ["-jobname=main", pdfa.WRAPPER]
        with tempfile.TemporaryDirectory(prefix="latex-", dir=scratch.folder()) as tmp, _cache_lock():
            build = Path(tmp)
            (build / "main.tex").write_text(job.source, encoding="utf-8")
            if pdfa.needs_wrapper(job):
                pdfa.write(job, build)
            svgs = Converter.of(job)  # an SVG is drawn as the WeasyPrint engine would: theme fonts, confined
            if job.logo is not None:
                place_logo(job.logo, build, svgs)
            for figure in job.doc.figures:  # the brief's images, under the names the source gives them
                place_figure(figure, build, svgs)
            log.debug("lualatex: %s, in %s", " ".join(command), build)
            log_text = _runs(command, build, job)
            pdf = streams.fix_end_of_lines((build / "main.pdf").read_bytes())  # PDF/A reads each /Length
        back = first_page_of(pdf, job.back_matter) if job.back_matter else None  # the PDF's outline
        return Typeset(pdf, page_count(log_text) or 0, back=back)


def _runs(command: list[str], build: Path, job: Job) -> str:
    """Run lualatex until the page references in main.aux settle; the last log. Raises EngineError."""
    env = sandbox_env(build, job)
    deadline = time.monotonic() + job.timeout  # for all the runs together
    for run in range(1, MAX_RUNS + 1):
        before = _digest(build / "main.aux")
        try:
            terminal = _run(command, build, env, deadline - time.monotonic())
        except EngineTimeout:
            raise EngineTimeout(job.timeout, "latex") from None
        log_text = _read_log(build)
        if terminal is not None:
            raise _error(failure(log_text, terminal, job))
        missing = missing_characters(log_text)
        if missing:
            raise EngineError(f"lualatex: the font has no glyph for {missing}")
        if run > 1 and _digest(build / "main.aux") == before:
            break
    log.debug("lualatex: %d runs", run)
    return log_text


# -- reading the log -------------------------------------------------------------------------------------

_ERROR = re.compile(r"^(?:(?P<file>[^\s:(][^:\n]*):(?P<line>\d+): |! )(?P<message>.+)$", re.MULTILINE)
_REFUSED = re.compile(r"Not (?P<verb>reading from|writing to) (?P<path>.+) \(open(?:in|out)_any = p\)")
_CONTEXT = re.compile(r"^l\.(?P<line>\d+) (?P<before>.*)$", re.MULTILINE)
_MISSING = re.compile(
    r"^Missing character: There is no (?P<char>.+?) \((?P<code>U\+[0-9A-F]+)\) in font (?P<font>.*)$",
    re.MULTILINE,
)
_PAGES = re.compile(r"^Output written on .*? \((?P<pages>\d+) pages?", re.MULTILINE)
_COMMAND = re.compile(r"\\(?:[A-Za-z@]+|.)$")
# An expandable error (expl3's \msg_expandable_error:nnn, as \BriefToken raises for an unknown token) shows as
# TeX's "Use of \??? doesn't match its definition" with the real message in the context below it.
_EXPANDABLE = re.compile(r"\s*<argument> \\\?\?\?\s*\n\s*! (?P<message>.+)$", re.MULTILINE)
TAGS = (("<<", ">>"), ("<%", "%>"), ("<#", "#>"))  # the LaTeX templates' Jinja delimiters


def page_count(log_text: str) -> int | None:
    match = _PAGES.search(log_text)
    return int(match["pages"]) if match else None


def missing_characters(log_text: str) -> str:
    """The characters the fonts lack, as `‑ (U+2011) in Lato-Regular.ttf`, each once; empty when none."""
    found = dict.fromkeys(
        f"{m['char']} ({m['code']}) in {Path(m['font'].split(']')[0].lstrip('[')).name}"
        for m in _MISSING.finditer(log_text)
    )
    return ", ".join(found)


def _error(found: Problem | str) -> BriefgenError:
    """A failed run's error: invalid input (exit 2) when its cause is placed in a template, as in every engine;
    an engine failure (exit 1) when it is not, or when TeX Live lacks a package."""
    placed = (
        isinstance(found, Problem)
        and found.path not in ("main.tex", pdfa.WRAPPER)
        and "apt-get install" not in found.message
    )
    return InputError(found) if placed else EngineError(found)


def failure(log_text: str, terminal: str, job: Job) -> Problem | str:
    """Why a run failed, as one problem at its template line: a file the sandbox refused, or the first error."""
    problem = first_error(log_text, job.source, job.template_dirs)
    refused = _REFUSED.search(terminal)
    if refused:
        verb = "read" if refused["verb"] == "reading from" else "write"
        message = (
            f"lualatex: may not {verb} {refused['path']}: LaTeX reads and writes only in its build folder"
        )
        return replace(problem, message=message) if problem else message
    if problem is None:
        return "lualatex failed without an error in its log (look at the source: --format tex)"
    missing = missing_files() if "not found" in problem.message else {}
    if missing:
        packages = " ".join(sorted(set(missing.values())))
        return replace(problem, message=f"{problem.message} (apt-get install {packages})")
    return problem


def first_error(log_text: str, source: str, template_dirs: list[Path]) -> Problem | None:
    """The first error of a TeX log as a Problem, located in the template that wrote the failing line."""
    error = _ERROR.search(log_text)
    if error is None:
        return None
    message = error["message"].strip()
    inner = _EXPANDABLE.match(log_text, error.end() + 1)
    if message.startswith("Use of \\??? doesn't match") and inner:
        message = inner["message"].strip()
    context = _CONTEXT.search(log_text, error.end())
    culprit = ""
    if context and message.startswith("Undefined control sequence"):
        command = _COMMAND.search(context["before"].rstrip())
        culprit = command.group() if command else ""
        message = f"{message.rstrip('.')} {culprit}".rstrip()
    generated = error["file"] in (None, "./main.tex", "main.tex")
    line = int(error["line"]) if error["line"] else int(context["line"]) if context else 0
    if error["file"] in (f"./{pdfa.WRAPPER}", pdfa.WRAPPER):  # the engine's own wrapper: not the theme's
        return Problem(pdfa.WRAPPER, line, 1, f"lualatex: {message}")
    if not generated:
        return Problem(error["file"], line, 1, f"lualatex: {message}")
    lines = source.splitlines()
    if 0 < line <= len(lines):
        where = sourcemap.locate(lines[line - 1], template_dirs, TAGS, culprit=culprit, comments=("%%", "%#"))
        if where is not None:
            return Problem(display_path(where.path), where.line, where.column, f"lualatex: {message}")
    return Problem(
        "main.tex", line, 1, f"lualatex: {message} (in the generated LaTeX: see it with --format tex)"
    )


ENGINE = LatexEngine()
