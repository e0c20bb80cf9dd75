"""`briefgen watch`: what a change rebuilds, and a real watch in a child process: an edit rebuilds the PDF, a bad
edit is reported at its place while the watch goes on, a fix rebuilds, SIGTERM ends it."""

from __future__ import annotations

import _thread
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefgen.language.catalog import BUILTIN_CATALOGS
from briefgen.settings import Settings
from briefgen.themes.layers import builtin_root
from briefgen.watch import Rebuild, Watch
from tests.conftest import FIXTURES, KYUTAI, ROOT

MINIMAL = FIXTURES / "minimal.yaml"


@pytest.fixture
def briefs(tmp_path: Path) -> Path:
    """A folder of two briefs: the minimal one (a file) and Kyutai's (a folder with its source)."""
    folder = tmp_path / "briefs"
    folder.mkdir()
    shutil.copy(MINIMAL, folder / "minimal.yaml")
    shutil.copytree(KYUTAI.parent, folder / "kyutai-launch")
    return folder


def watching(briefs: Path) -> Watch:
    """A watch of `briefs` that has built them once (as sources: no engine runs)."""
    watch = Watch([briefs], Settings(engine="typst", out=briefs.parent / "out", format="typ"))
    built: list[Path] = []
    watch.build(Rebuild(tuple(watch.briefs)), lambda written: built.extend(w.path for w in written), _raise)
    assert len(built) == 4
    return watch


def _raise(error: BaseException) -> None:
    raise error


def test_a_change_rebuilds_what_it_affects(briefs: Path) -> None:
    watch = watching(briefs)
    minimal = (briefs / "minimal.yaml").resolve()
    kyutai = (briefs / "kyutai-launch" / "brief.yaml").resolve()
    assert watch.affected({minimal}) == Rebuild((minimal,))
    source = (briefs / "kyutai-launch" / "source.fr.txt").resolve()
    assert watch.affected({source}) == Rebuild((kyutai,)), "a brief's source rebuilds that brief"
    assert watch.affected({(briefs / "kyutai-launch" / "notes.txt").resolve()}) == Rebuild(())
    assert watch.affected({(briefs.parent / "out" / "minimal-brief.fr.typ").resolve()}) == Rebuild(())
    catalog = BUILTIN_CATALOGS.resolve() / "fr.yaml"
    assert watch.affected({catalog}) == Rebuild((kyutai, minimal), frozenset({"fr"}), theme=True)
    template = builtin_root().resolve() / "briefing" / "typst" / "brief.typ.j2"
    assert watch.affected({template}) == Rebuild((kyutai, minimal), theme=True), "a theme file: all"
    new = briefs / "another.yaml"
    shutil.copy(MINIMAL, new)
    assert watch.affected({new.resolve()}) == Rebuild((new.resolve(),)), "a new brief is built"


def test_a_bad_edit_is_reported_and_the_next_good_one_built(briefs: Path) -> None:
    watch = watching(briefs)
    minimal = briefs / "minimal.yaml"
    good = minimal.read_text(encoding="utf-8")
    minimal.write_text(good.replace("value: 1200", "value: lots"), encoding="utf-8")
    errors: list[str] = []
    built: list[Path] = []
    rebuild = watch.affected({minimal.resolve()})
    watch.build(
        rebuild, lambda written: built.extend(w.path for w in written), lambda e: errors.append(e.format())
    )
    assert built == [] and len(errors) == 1 and re.match(r".*minimal\.yaml:\d+:\d+: 'value'", errors[0])
    minimal.write_text(good.replace("A test headline", "Another headline"), encoding="utf-8")
    watch.build(rebuild, lambda written: built.extend(w.path for w in written), _raise)
    assert sorted(p.name for p in built) == ["minimal-brief.en.typ", "minimal-brief.fr.typ"]
    assert "Another headline" in (briefs.parent / "out" / "minimal-brief.en.typ").read_text(encoding="utf-8")


def test_an_edit_saved_during_the_first_build_is_built_after_it(briefs: Path) -> None:
    """The file is saved while the first build runs (from its `built` callback, before `run` returns to the
    watcher); the watch, running since before that build, builds it again with the edit. A watch started only
    after the first build missed it and sat there (a timer stops it, as Ctrl-C would)."""
    minimal = briefs / "minimal.yaml"
    watch = Watch([minimal], Settings(engine="typst", out=briefs.parent / "out", format="typ"))
    typ = briefs.parent / "out" / "minimal-brief.en.typ"
    builds: list[str] = []

    def built(written: list[object]) -> None:
        builds.append(typ.read_text(encoding="utf-8"))
        if len(builds) == 1:
            text = minimal.read_text(encoding="utf-8")
            minimal.write_text(
                text.replace("A test headline", "A headline saved meanwhile"), encoding="utf-8"
            )
        else:
            raise KeyboardInterrupt  # the second build happened: stop watching

    timer = threading.Timer(30, _thread.interrupt_main)  # only if no second build comes
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            watch.run(built, _raise)
    finally:
        timer.cancel()
    assert len(builds) == 2, "no build after the edit saved during the first one"
    assert "A test headline" in builds[0] and "A headline saved meanwhile" in builds[1]


# -- a real watch ------------------------------------------------------------------------------------------


class Child:
    """`briefgen watch` in a child process, its stdout and stderr read as they come."""

    def __init__(self, cwd: Path, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("BRIEFGEN_FORCE_TERMINAL", "NO_COLOR")}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefgen", "watch", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        self.readers = [
            threading.Thread(target=self._read, args=(stream, lines), daemon=True)
            for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line.rstrip("\n"))

    def wait_for(self, done: Callable[[], object], what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not done():
            assert self.process.poll() is None, f"watch ended ({self.process.returncode}): {self.err}"
            assert time.monotonic() < deadline, f"no {what} within {seconds} s; stderr: {self.err}"
            time.sleep(0.05)

    def stop(self) -> int:
        """SIGTERM, as a CI's cancel sends it; the exit code, once all it printed is read."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for reader in self.readers:
                reader.join(timeout=10)
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


def mtime(path: Path) -> int:
    return path.stat().st_mtime_ns if path.exists() else 0


@pytest.mark.slow  # a watch in a child process
def test_watch_rebuilds_after_an_edit_reports_a_bad_one_and_goes_on(briefs: Path) -> None:
    kyutai = briefs / "kyutai-launch" / "brief.yaml"
    good = kyutai.read_text(encoding="utf-8")
    out = briefs.parent / "out"
    pdf, other = out / "kyutai-launch.en.pdf", out / "minimal-brief.en.pdf"
    child = Child(briefs.parent, "briefs", "--engine", "typst", "--jobs", "2")
    try:
        child.wait_for(lambda: any(line.startswith("watching 2 briefs") for line in child.err), "start")
        assert sorted(p.name for p in out.glob("*.pdf")) == [
            "kyutai-launch.en.pdf",
            "kyutai-launch.fr.pdf",
            "minimal-brief.en.pdf",
            "minimal-brief.fr.pdf",
        ]
        untouched = mtime(other)

        before, lines = mtime(pdf), len(child.out)
        kyutai.write_text(good.replace("Xavier Niel", "X. Niel", 1), encoding="utf-8")
        child.wait_for(lambda: mtime(pdf) != before, "rebuild after an edit")
        child.wait_for(lambda: len(child.out) >= lines + 2, "the rebuild's lines")

        bad = good.replace("languages: [fr, en]", "languages: [fr, en", 1)
        assert bad != good
        kyutai.write_text(bad, encoding="utf-8")
        located = re.compile(r".*kyutai-launch/brief\.yaml:\d+:\d+: YAML syntax error")
        child.wait_for(lambda: any(located.match(line) for line in child.err), "the located error")
        assert child.process.poll() is None, "the watch goes on after a bad edit"

        before, lines = mtime(pdf), len(child.out)
        kyutai.write_text(good, encoding="utf-8")
        child.wait_for(lambda: mtime(pdf) != before, "rebuild after the fix")
        child.wait_for(lambda: len(child.out) >= lines + 2, "the rebuild's lines")
        assert mtime(other) == untouched, "a change to one brief rebuilds only that brief"
    finally:
        code = child.stop()
    assert code == 128 + signal.SIGTERM
    assert "Traceback" not in "\n".join(child.err)
    assert child.err[-1] == "briefgen: stopped by SIGTERM"
    written = [line for line in child.out if line.startswith("out/kyutai-launch.en.pdf  6 pages")]
    assert len(written) >= 3, child.out  # the first build, the edit, the fix
    stamps = [re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", line) for line in child.err if re.match(r"\[\d\d:", line)]
    assert len(stamps) >= 5, (
        child.err
    )  # a line when each build ends: two briefs, the edit, the bad one, the fix
    assert sorted(stamps[:2]) == ["built kyutai-launch (2 files)", "built minimal-brief (2 files)"]
    assert "rebuilt kyutai-launch (2 files)" in stamps[2:]
    assert "not rebuilt (1 problem)" in stamps[2:]
    assert child.err.index(next(e for e in child.err if e.startswith("watching"))) == 2, (
        "after the first build"
    )


def test_a_watch_leaves_an_up_to_date_pdf_and_builds_a_changed_one(tmp_path: Path) -> None:
    """The watch keeps the rule of `build`: a brief whose files did not change is up to date, its PDF untouched."""
    brief = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, brief)
    watch = Watch([brief], Settings(engine="typst", out=tmp_path / "out", langs=("en",)))
    written: list[list[tuple[str, bool]]] = []

    def built(each: list[Any]) -> None:
        written.append([(w.path.name, w.up_to_date) for w in each])

    watch.build(Rebuild(tuple(watch.briefs)), built, _raise)
    pdf = tmp_path / "out" / "minimal-brief.en.pdf"
    stamp = pdf.stat().st_mtime_ns, pdf.stat().st_ino
    brief.touch()  # an event, and the same bytes
    watch.build(watch.affected({brief.resolve()}), built, _raise)
    assert (pdf.stat().st_mtime_ns, pdf.stat().st_ino) == stamp
    brief.write_text(brief.read_text(encoding="utf-8").replace("A test headline", "Another headline"))
    watch.build(watch.affected({brief.resolve()}), built, _raise)
    assert written == [[(pdf.name, False)], [(pdf.name, True)], [(pdf.name, False)]]
    assert pdf.stat().st_ino != stamp[1]
