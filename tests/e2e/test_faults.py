"""Faults survived: write errors, signals, runaway engines, characters the fonts lack, languages LaTeX lacks and
words longer than a line, in every engine, each answered with one line and the right exit code."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.backends import get_backend, scratch, workers
from briefgen.backends.latex.markup import babel_installed
from briefgen.backends.markup import LONG_WORD, breakable
from briefgen.backends.typst.markup import typst_string, typst_text
from briefgen.errors import EXIT_ENGINE, EXIT_INPUT, display_path
from tests import pdfcheck
from tests.conftest import FIXTURES, ROOT, engines, require_tool, run_cli

pytestmark = pytest.mark.slow  # briefgen in child processes: signals, runaway engines, write errors

MINIMAL = FIXTURES / "minimal.yaml"
ENGINES = engines("weasyprint", "typst", "latex")
# Typst's evaluation of this never ends in a test's time (10¹⁰ rounds); WeasyPrint's layout of this, neither.
# Work no engine ends within the time limits the tests give: a build that returns was stopped.
TYPST_LOOP = "#for i in range(100000) { for j in range(100000) { } }\n"
HTML_FLOOD = "{% for i in range(40000) %}<p>paragraph {{ i }}</p>{% endfor %}\n"


def one_line(stderr: str) -> str:
    """The one line of an error: no traceback, nothing else."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def brief(folder: Path, name: str = "brief.yaml", **replace: str) -> Path:
    """The minimal brief with some text replaced (and its id, so that briefs of a folder differ)."""
    text = MINIMAL.read_text(encoding="utf-8").replace("id: minimal-brief", f"id: {Path(name).stem}")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def templates(folder: Path, engine_folder: str, name: str, body: str) -> Path:
    """A --templates folder where the built-in themes' `name` (of one engine) is `body`."""
    target = folder / "templates" / "default" / engine_folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return folder / "templates"


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())} if out.exists() else {}


# -- write errors ----------------------------------------------------------------------------------------


def test_out_under_a_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("not a folder", encoding="utf-8")
    code, stdout, stderr = run_cli(
        "build", MINIMAL, "--engine", "typst", "--out", tmp_path / "file.txt" / "out"
    )
    assert code == EXIT_ENGINE and stdout == ""
    line = one_line(stderr)
    assert line.endswith(
        "file.txt/out: cannot make the output folder: a file is in the way where a folder is needed"
    )
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "not a folder"


def _fail_with(code: int) -> Callable[..., object]:
    def fail(*_args: object, **_kwargs: object) -> object:
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    ("where", "code"),
    [
        ("fsync", errno.ENOSPC),  # the disk fills while the PDF is written
        ("fsync", errno.EIO),
        ("mkstemp", errno.EACCES),  # a folder the user may not write in
        ("mkstemp", errno.EROFS),  # a read-only file system
    ],
)
def test_a_write_error_keeps_the_good_pdfs_and_leaves_no_part_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, code: int
) -> None:
    out = tmp_path / "out"
    assert run_cli("build", MINIMAL, "--engine", "typst", "--out", out)[0] == 0
    good = outputs(out)
    changed = brief(tmp_path, "minimal.yaml", **{"A test headline": "Another headline"})
    target = os if where == "fsync" else __import__("tempfile")
    monkeypatch.setattr(target, where, _fail_with(code))
    status, stdout, stderr = run_cli("build", changed, "--engine", "typst", "--out", out)
    assert status == EXIT_ENGINE and stdout == ""
    line = one_line(stderr)
    assert re.fullmatch(
        rf".*out/minimal\.(en|fr)\.pdf: cannot write: {re.escape(os.strerror(code))}", line
    ), line
    assert outputs(out) == good, "a failed write replaced or added a file"


def test_a_batch_is_all_or_nothing_when_the_disk_fills_on_its_last_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file of a batch is staged before one is renamed: the second's full disk leaves no first."""
    out = tmp_path / "out"
    calls = {"n": 0}
    real = os.fsync

    def fsync_once(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync_once)
    code, _stdout, stderr = run_cli("build", MINIMAL, "--engine", "typst", "--out", out)
    assert code == EXIT_ENGINE
    assert "No space left on device" in one_line(stderr)
    assert outputs(out) == {}


# -- engine time limits, and batches that fail in the engine ---------------------------------------------


def test_typst_is_stopped_at_its_time_limit_with_the_brief_language_and_engine(tmp_path: Path) -> None:
    folder = templates(tmp_path, "typst", "summary.typ.j2", TYPST_LOOP)
    args = ("build", MINIMAL, "--engine", "typst", "--lang", "fr", "--templates", folder, "--timeout", "1.5")
    code, stdout, stderr = run_cli(*args, "--out", tmp_path / "out")
    assert code == EXIT_ENGINE and stdout == ""
    assert one_line(stderr) == (
        f"{display_path(MINIMAL)}: typst took more than 1.5 s to typeset the 'fr' briefing and was stopped "
        "(give it more time with --timeout SECONDS)"
    )
    assert not (tmp_path / "out").exists()
    # The stopped worker and its build folder are gone; the idle workers left are alive.
    live = {w.folder.name for w in workers.pool().idle if w.alive}
    assert {p.name for p in scratch.folder().iterdir()} <= live


def test_weasyprint_is_stopped_at_its_time_limit(tmp_path: Path) -> None:
    folder = templates(tmp_path, "html", "summary.html.j2", HTML_FLOOD)
    args = (
        "build",
        MINIMAL,
        "--lang",
        "en",
        "--templates",
        folder,
        "--timeout",
        "2",
        "--out",
        tmp_path / "out",
    )
    code, _stdout, stderr = run_cli(*args)
    assert code == EXIT_ENGINE
    assert "weasyprint took more than 2 s to typeset the 'en' briefing and was stopped" in one_line(stderr)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_a_folder_with_one_failing_build_writes_nothing(tmp_path: Path, jobs: str) -> None:
    """Two briefs, two languages each; one language of one brief runs past its time: no PDF is written."""
    briefs = tmp_path / "briefs"
    brief(briefs, "good.yaml")
    brief(briefs, "slow.yaml")
    body = '{% if doc.id == "slow" and doc.lang == "en" %}' + TYPST_LOOP + "{% endif %}"
    folder = templates(
        tmp_path, "typst", "summary.typ.j2", body + '{% include "briefing:summary.typ.j2" %}\n'
    )
    out = tmp_path / "out"
    args = ("build", briefs, "--engine", "typst", "--templates", folder, "--timeout", "3", "--jobs", jobs)
    code, stdout, stderr = run_cli(*args, "--out", out)
    assert code == EXIT_ENGINE and stdout == ""
    assert re.fullmatch(
        r".*slow\.yaml: typst took more than 3 s to typeset the 'en' briefing .*", one_line(stderr)
    )
    assert not out.exists()


def test_timeout_must_be_positive(tmp_path: Path) -> None:
    code, _stdout, stderr = run_cli("build", MINIMAL, "--timeout", "0", "--out", tmp_path)
    assert code == EXIT_INPUT and "--timeout" in stderr


def test_a_persistent_worker_serves_builds_one_after_another(tmp_path: Path) -> None:
    """The fast path: the second build reuses the worker (and its Typst compiler) the first one started."""
    assert run_cli("build", MINIMAL, "--engine", "typst", "--out", tmp_path / "a")[0] == 0
    before = {w.process.pid for w in workers.pool().idle}
    assert run_cli("build", MINIMAL, "--engine", "typst", "--out", tmp_path / "b")[0] == 0
    assert before and {w.process.pid for w in workers.pool().idle} == before
    record = ".uptodate.json"  # each build's record of what it read names its own output folder
    a, b = outputs(tmp_path / "a"), outputs(tmp_path / "b")
    assert a.pop(record) != b.pop(record) and a == b


# -- signals and temporary folders -----------------------------------------------------------------------


def start(tmp_path: Path, *args: str | Path) -> tuple[subprocess.Popen[str], Path]:
    """`python -m briefgen build ARGS` in its own temporary folder; the process and briefgen's folder there."""
    tmp = tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp)}
    command = [sys.executable, "-m", "briefgen", "build", *map(str, args)]
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return process, tmp / f"briefgen-{os.getuid()}"


def wait_for(found: Callable[[], object], what: str, seconds: float = 60) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := found():
            return value
        time.sleep(0.05)
    raise AssertionError(f"no {what} after {seconds} s")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def group(pgid: int) -> list[int]:
    """The processes of a process group (a worker and the programs it runs)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_build_exits_cleanly_and_leaves_no_temporary_folder(
    tmp_path: Path, signum: int, code: int
) -> None:
    folder = templates(tmp_path, "typst", "summary.typ.j2", TYPST_LOOP)
    process, root = start(tmp_path, MINIMAL, "--engine", "typst", "--templates", folder, "--out", "out")
    wait_for(lambda: list(root.glob("run-*/worker-*/typst-*/main.typ")), "Typst build folder")
    engine_workers = children(process.pid)
    assert engine_workers, "the engine runs in a worker"
    process.send_signal(signum)
    _stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == code
    assert one_line(stderr) == f"briefgen: stopped by {signal.Signals(signum).name}"
    assert list(root.iterdir()) == [], "the run's temporary folder is removed"
    assert sorted(p.name for p in root.parent.iterdir()) == [root.name], (
        "every temporary file is under one folder"
    )
    assert all(gone(pid) for pid in engine_workers)
    assert not (tmp_path / "out").exists()


def test_sigterm_stops_lualatex_too(lualatex: None, tmp_path: Path) -> None:
    body = "\\documentclass{article}\n\\begin{document}\n\\loop\\iftrue\\repeat\n\\end{document}\n"
    folder = templates(tmp_path, "latex", "brief.tex.j2", body)
    process, root = start(tmp_path, MINIMAL, "--engine", "latex", "--lang", "fr", "--templates", folder)
    wait_for(lambda: list(root.glob("run-*/worker-*/latex-*/main.log")), "LaTeX run")
    worker = children(process.pid)[0]
    running = wait_for(lambda: [p for p in group(worker) if p != worker], "lualatex in the worker's group")
    process.send_signal(signal.SIGTERM)
    _stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 143 and one_line(stderr) == "briefgen: stopped by SIGTERM"
    wait_for(lambda: all(gone(pid) for pid in [worker, *running]), "end of the worker and lualatex", 10)
    assert list(root.iterdir()) == []


@pytest.mark.parametrize("engine", ["typst", "weasyprint"])
def test_after_sigkill_the_next_run_removes_what_was_left(tmp_path: Path, engine: str) -> None:
    if engine == "typst":
        folder, ready = templates(tmp_path, "typst", "summary.typ.j2", TYPST_LOOP), "typst-*/main.typ"
    else:
        folder, ready = templates(tmp_path, "html", "summary.html.j2", HTML_FLOOD), "weasyprint-*/faces/*"
    process, root = start(tmp_path, MINIMAL, "--engine", engine, "--lang", "en", "--templates", folder)
    wait_for(lambda: list(root.glob(f"run-*/worker-*/{ready}")), f"{engine} build folder")
    worker = children(process.pid)[0]
    process.kill()
    process.communicate(timeout=30)
    wait_for(lambda: gone(worker), "end of the worker (it dies with its parent)", 10)
    left = sorted(p.name for p in root.iterdir())
    assert len(left) == 2 and left[0] + ".lock" == left[1], (
        left
    )  # the dead run's folder and lock, nothing else
    assert sorted(p.name for p in root.parent.iterdir()) == [root.name]  # no weasyprint-* beside it
    again, _ = start(tmp_path, MINIMAL, "--engine", "typst", "--lang", "en", "--out", "out")
    _stdout, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    assert list(root.iterdir()) == []


def test_clean_removes_the_folders_of_dead_runs_only(tmp_path: Path) -> None:
    for name in ("run-1-dead", "run-2-alive"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "file").write_text("x", encoding="utf-8")
        (tmp_path / f"{name}.lock").write_text("", encoding="utf-8")
    (tmp_path / "run-3-nolock").mkdir()
    with open(tmp_path / "run-2-alive.lock") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a live run holds its lock (flock: per open file, so per run)
        removed = scratch.clean(tmp_path)
    assert sorted(p.name for p in removed) == ["run-1-dead", "run-3-nolock"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run-2-alive", "run-2-alive.lock"]


def test_engines_build_under_the_one_folder(tmp_path: Path) -> None:
    """Every engine's temporary folder is made in briefgen's, never beside it in the system's."""
    run = scratch.folder()
    assert run.parent == scratch.root() and run.with_name(run.name + ".lock").is_file()
    code, _stdout, stderr = run_cli("build", MINIMAL, "--lang", "en", "--out", tmp_path / "out")
    assert code == 0, stderr
    assert all(p.name.startswith("worker-") for p in run.iterdir())


# -- characters the fonts lack: one policy, before any engine ----------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("written", "char", "name"),
    [
        ("A 😀 headline", "😀", "U+1F600 GRINNING FACE"),
        ("A \ufffd headline", "\ufffd", "U+FFFD REPLACEMENT CHARACTER"),
        ("A 漢 headline", "漢", "U+6F22 CJK UNIFIED IDEOGRAPH-6F22"),
    ],
)
def test_a_character_no_font_has_is_the_same_located_error_in_every_engine(
    tmp_path: Path, engine: str, written: str, char: str, name: str
) -> None:
    path = brief(tmp_path, **{"A test headline": written})
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if char in text)
    column = path.read_text(encoding="utf-8").splitlines()[line - 1].index(char) + 1
    code, stdout, stderr = run_cli("build", path, "--engine", engine, "--out", tmp_path / "out")
    assert code == EXIT_INPUT and stdout == ""
    assert one_line(stderr) == (
        f"{path}:{line}:{column}: no glyph for {char} ({name}) in the theme's fonts (Lato-Regular.ttf, "
        "Lato-Italic.ttf, Lato-Bold.ttf, Lato-BoldItalic.ttf, Lato-Black.ttf): write another character, "
        "or use a theme whose fonts have it"
    )
    assert not (tmp_path / "out").exists()
    code, _stdout, stderr = run_cli("check", path)
    assert code == EXIT_INPUT and stderr.splitlines()[0] == one_line(stderr.splitlines()[0])


def test_a_character_written_as_a_yaml_escape_is_placed_at_its_value(tmp_path: Path) -> None:
    path = brief(tmp_path, **{"en: A test headline}": 'en: "A \\U0001F600 headline"}'})
    line = next(
        n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "U0001F600" in text
    )
    column = path.read_text(encoding="utf-8").splitlines()[line - 1].index('"A ') + 1
    code, _stdout, stderr = run_cli(
        "build", path, "--lang", "en", "--engine", "typst", "--out", tmp_path / "o"
    )
    assert code == EXIT_INPUT
    assert one_line(stderr).startswith(f"{path}:{line}:{column}: no glyph for 😀 (U+1F600 GRINNING FACE)")


def test_the_other_language_builds_when_only_one_has_the_character(tmp_path: Path) -> None:
    path = brief(tmp_path, **{"A test headline": "A 😀 headline"})
    code, _stdout, stderr = run_cli(
        "build", path, "--lang", "fr", "--engine", "typst", "--out", tmp_path / "o"
    )
    assert code == 0, stderr


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x90", "\x9f"])
def test_typst_drops_control_characters_from_text_and_strings(control: str) -> None:
    for written in (typst_text(f"a{control}b"), typst_string(f"a{control}b")):
        assert control not in written
        assert "\\u{" not in written, "not written as an escape either"
    assert typst_text("tab\there") == "tab\there"


# -- languages LaTeX lacks ---------------------------------------------------------------------------------


def quoting(folder: Path, lang: str) -> Path:
    """The minimal brief, its source in `lang`, with a quote of it among the flags."""
    path = brief(folder, f"source-{lang}.yaml", **{"  language: en": f"  language: {lang}"})
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            'flags:\n  - kind: doubtful\n    quote: "Zitat quote"\n    note: {fr: Une note, en: A note}\n'
        )
    return path


def babel_line(tex: str) -> str:
    return next(line for line in tex.splitlines() if line.startswith(r"\usepackage[shorthands=off"))


@pytest.mark.parametrize(
    ("lang", "babel", "quote"),
    [("de", "french, ngerman", "ngerman"), ("nb", "french, norsk", "norsk"), ("ja", "french", "french")],
)
def test_babel_gets_its_own_names_or_none(tmp_path: Path, lang: str, babel: str, quote: str) -> None:
    path = quoting(tmp_path, lang)
    args = ("build", path, "--lang", "fr", "--engine", "latex", "--format", "tex", "--out", tmp_path / "out")
    code, _stdout, stderr = run_cli(*args)
    assert code == 0, stderr
    summary = stderr.splitlines()[-1]
    assert re.fullmatch(r"1 \.tex file written in .*out/ in \d+\.\d+ s(, 1 warning)?", summary), stderr
    stderr = stderr.removesuffix(f"{summary}\n")
    tex = (tmp_path / "out" / f"source-{lang}.fr.tex").read_text(encoding="utf-8")
    installed = lang == "ja" or shutil.which("kpsewhich") is None or babel_installed(quote)
    if installed:
        assert babel_line(tex) == rf"\usepackage[shorthands=off, {babel}, main=french]{{babel}}"
        assert rf"\BriefExcerpt{{{quote}}}{{Zitat quote}}" in tex
    else:  # TeX Live lacks it here: the quote is set in the document's language, and the build says so
        assert babel_line(tex) == r"\usepackage[shorthands=off, french, main=french]{babel}"
        assert "apt-get install texlive-lang-european" in stderr
    if lang == "ja":
        where = next(
            n for n, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "language: ja" in t
        )
        assert one_line(stderr) == (
            f"warning: {path}:{where}:13: LaTeX has no babel language for 'ja' (Japanese): its quotes are set "
            "with the hyphenation of 'fr', the document's language"
        )
    elif installed:
        assert stderr == ""


def test_latex_builds_briefs_quoting_german_norwegian_and_japanese(lualatex: None, tmp_path: Path) -> None:
    folder = tmp_path / "briefs"
    for lang in ("de", "nb", "ja"):
        quoting(folder, lang)
    args = ("build", folder, "--engine", "latex", "--lang", "fr", "--jobs", "3", "--out", tmp_path / "out")
    code, _stdout, stderr = run_cli(*args)
    assert code == 0, stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "source-de.fr.pdf",
        "source-ja.fr.pdf",
        "source-nb.fr.pdf",
    ]
    assert "Traceback" not in stderr and "babel.sty" not in stderr
    assert "for 'ja' (Japanese)" in stderr
    for name in ("de", "nb", "ja"):
        assert "Zitat quote" in pdfcheck.text(tmp_path / "out" / f"source-{name}.fr.pdf")


def test_doctor_says_which_languages_latex_hyphenates() -> None:
    require_tool("kpsewhich", "TeX Live")
    code, stdout, _stderr = run_cli("doctor")
    line = next(line for line in stdout.splitlines() if line.split()[1] == "languages")
    assert "LaTeX hyphenates en" in line and ", fr," in line and ", de," in line
    assert code in (0, 1)


# -- long words ------------------------------------------------------------------------------------------

LONG = "x" * 5000


def test_only_words_longer_than_any_word_of_prose_get_break_opportunities() -> None:
    word = "pneumonoultramicroscopicsilicovolcanoconiosis"  # the longest word of English dictionaries
    assert len(word) == LONG_WORD and breakable(f"a {word} b") == f"a {word} b"
    assert breakable("a" + word + " b") == "\u200b".join("a" + word) + " b"
    assert breakable("e\u0301" * 30) == "\u200b".join(["e\u0301"] * 30), (
        "never between a letter and its accent"
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_5000_character_word_breaks_inside_the_page(tmp_path: Path, engine: str) -> None:
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine")
    require_tool("pdftotext", "reading PDFs back")
    path = brief(
        tmp_path,
        **{
            "The budget reaches {{budget}} for {{staff}} staff.": f"Start {LONG} end.",
            "Point one": "Word " + "y" * 300 + " z",
        },
    )
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", path, "--engine", engine, "--lang", "en", "--out", out)
    assert code == 0, stderr
    pdf = out / "brief.en.pdf"
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))  # type: ignore[union-attr]
    words = [(float(x), word) for x, word in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)<', bbox)]
    assert words and max(x for x, _ in words) <= width, [w for x, w in words if x > width][:3]
    text = "".join(word for _, word in words)
    assert text.count("x") == LONG.count("x") and text.count("y") == 300, "the whole word is on the pages"


def test_the_source_of_a_long_word_has_break_opportunities_only_in_it(tmp_path: Path) -> None:
    path = brief(tmp_path, **{"The budget reaches {{budget}} for {{staff}} staff.": f"Start {'z' * 60} end."})
    for engine, mark in (("typst", "z#box();"), ("latex", "z\\penalty100\\relax{}")):
        out = tmp_path / engine
        args = ("build", path, "--engine", engine, "--lang", "en", "--format", get_backend(engine).format)
        assert run_cli(*args, "--out", out)[0] == 0
        source = next(out.iterdir()).read_text(encoding="utf-8")
        assert source.count(mark) == 59
        assert "\\penalty100" not in source.split("pdfsubject", 1)[-1].split("\n", 1)[0], "not in metadata"
    assert "overflow-wrap: break-word" in (ROOT / "templates" / "briefing" / "html" / "style.css").read_text()
