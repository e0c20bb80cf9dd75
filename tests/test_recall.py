"""The same words asked again are answered from the record before any setting is read (briefgen.recall), and
never when anything the answer stands on changed: a brief's byte (its size and time kept), a project file, the
`--config` file, briefgen's own files, a distribution installed, the engine's version, Python, an output."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen import digests, errors, quick, recall, signatures
from tests.conftest import FIXTURES

WORDS = ["build", "--engine", "typst", "--lang", "en"]
EN = "out/minimal-brief.en.pdf"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding briefs/minimal.yaml, made current; briefgen's own files are those of `pkg/`."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "briefs").mkdir()
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "briefs" / "minimal.yaml")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "code.py").write_text("ANSWER = 1\n", encoding="utf-8")
    monkeypatch.setattr(digests, "package_root", lambda: str(tmp_path / "pkg"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def program(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *words: str) -> str:
    """Run the `briefgen` program with `words` as a new process would, once what was written has settled:
    its stdout."""
    time.sleep(2 * signatures.SETTLE_NS / 1e9)
    monkeypatch.setattr(signatures, "STARTED", time.time_ns())
    monkeypatch.setattr(sys, "argv", ["briefgen", *words])
    capsys.readouterr()
    try:
        quick.main()
    except SystemExit as done:
        assert done.code in (0, None), capsys.readouterr().err
    return capsys.readouterr().out


def recalled(*words: str) -> bool:
    return quick.recalled(list(words), 0.0)[0]


def test_the_same_words_again_are_answered_without_the_settings(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "up to date" not in program(monkeypatch, capsys, *WORDS)
    record = json.loads(Path("out/.uptodate.json").read_text(encoding="utf-8"))
    assert record["runs"][0]["engine"] == ["typst", None] and record["signatures"]
    monkeypatch.setattr(quick, "answered", lambda argv, started: pytest.fail("the settings were read"))
    assert program(monkeypatch, capsys, *WORDS) == f"{EN}  up to date\n"
    assert program(monkeypatch, capsys, "-q", *WORDS) == ""  # -q shapes nothing: the same words


def _same_size_and_time(file: Path, old: bytes, new: bytes) -> None:
    """Replace `old` by `new` (as long) in `file`, its modification time set back."""
    assert len(old) == len(new)
    info = file.stat()
    data = file.read_bytes()
    assert old in data
    file.write_bytes(data.replace(old, new, 1))
    os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns))


def _brief(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_size_and_time(project / "briefs" / "minimal.yaml", b"Test team", b"Test crew")


def _project_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "briefgen.toml").write_text('engine = "typst"\n', encoding="utf-8")


def _briefgen_code(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_size_and_time(project / "pkg" / "code.py", b"1", b"2")


def _distribution(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listing = digests._listing
    monkeypatch.setattr(digests, "_listing", lambda folder: [*listing(folder), "newlib-1.0.dist-info"])


def _engine_version(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digests, "engine_version_of", lambda library, program: "99.0.0")


def _python(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/another/python3")


def _theme_added(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    themes = recall.builtin_themes()
    monkeypatch.setattr(recall, "builtin_themes", lambda: [*themes, "briefing2"])


def _pdf(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_size_and_time(project / EN, b"%PDF-1.", b"%PDF-2.")


def _manifest(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_size_and_time(project / "out" / "manifest.json", b"{", b" ")


CHANGES: dict[str, Callable[[Path, pytest.MonkeyPatch], None]] = {
    "a brief's byte, size and time kept": _brief,
    "a project file made": _project_file,
    "briefgen's own file": _briefgen_code,
    "a distribution installed": _distribution,
    "the engine's version": _engine_version,
    "another Python": _python,
    "a built-in theme added": _theme_added,
    "the PDF": _pdf,
    "the manifest": _manifest,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=list(CHANGES))
def test_a_change_is_never_answered_from_the_words(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[Path, pytest.MonkeyPatch], None],
) -> None:
    program(monkeypatch, capsys, *WORDS)
    assert program(monkeypatch, capsys, *WORDS) == f"{EN}  up to date\n"
    assert recalled(*WORDS)
    change(project, monkeypatch)
    assert not recalled(*WORDS)


def test_a_brief_changed_in_place_is_built_again(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the whole program: the audience changed, same size and time, and the PDF is made again."""
    program(monkeypatch, capsys, *WORDS)
    _brief(project, monkeypatch)
    said = program(monkeypatch, capsys, *WORDS)
    assert said.startswith(EN) and "up to date" not in said


def test_the_config_file_given_is_part_of_the_words(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With `--out`, a project file does not stop the answer; its bytes, and `--config`'s, are in the key."""
    (project / "other.toml").write_text("strict = false\n", encoding="utf-8")
    words = [*WORDS, "--out", "out", "--config", "other.toml"]
    program(monkeypatch, capsys, *words)
    assert recalled(*words)
    (project / "other.toml").write_text("strict = true \n", encoding="utf-8")
    assert not recalled(*words)


def test_a_project_file_changed_as_the_build_started_keeps_no_key(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The settings could have been read from bytes the key does not name: the run is kept, without its key;
    the answer is then the settings' (briefgen.quick.answered)."""
    words = [*WORDS, "--out", "out", "--config", "other.toml"]
    (project / "other.toml").write_text("strict = false\n", encoding="utf-8")
    program(monkeypatch, capsys, *words)
    assert recalled(*words)
    (project / "other.toml").write_text("strict = true \n", encoding="utf-8")
    monkeypatch.setattr(signatures, "STARTED", time.time_ns())  # the file changed as the process started
    monkeypatch.setattr(sys, "argv", ["briefgen", *words])
    with pytest.raises(SystemExit):
        quick.main()
    record = json.loads(Path("out/.uptodate.json").read_text(encoding="utf-8"))
    assert "asked" not in record["runs"][0]
    assert not recalled(*words)
    assert quick.answered(words, 0.0)


def test_absolute_words_are_the_same_build_from_any_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No project file, every path absolute: the working folder shapes nothing, the words are answered from
    another one; a relative path, or a project file found there, and they are not."""
    words = [*WORDS, str(project / "briefs"), "--out", str(project / "out")]
    program(monkeypatch, capsys, *words)
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert program(monkeypatch, capsys, *words) == f"{project / EN}  up to date\n"
    monkeypatch.chdir(project)
    relative = [*WORDS, "briefs", "--out", str(project / "out")]
    program(monkeypatch, capsys, *relative)
    assert recalled(*relative)
    monkeypatch.chdir(elsewhere)
    (elsewhere / "briefs").mkdir()
    shutil.copy(FIXTURES / "minimal.yaml", elsewhere / "briefs" / "minimal.yaml")
    assert not recalled(*relative)  # elsewhere's briefs/ is another folder
    (elsewhere / "briefgen.toml").write_text('engine = "typst"\n', encoding="utf-8")
    assert not recalled(*words)


def test_a_record_never_names_a_program_to_run(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The output folder is untrusted: a run whose engine is not one of briefgen's is no run, and its program,
    whose version would be asked by running it, is never run."""
    program(monkeypatch, capsys, *WORDS)
    place = Path("out/.uptodate.json")
    record = json.loads(place.read_text(encoding="utf-8"))
    record["runs"][0]["engine"] = [None, str(project / "evil")]
    place.write_text(json.dumps(record), encoding="utf-8")
    ran = []
    monkeypatch.setattr(digests, "engine_version_of", lambda library, program: ran.append(program) or "1")
    assert not recalled(*WORDS)
    assert ran == []


@pytest.mark.parametrize("path", ["out", "out/", "./out", "out//a/./b", "/", "//x", "///x", "", "."])
def test_paths_are_shown_as_the_command_line_shows_them(tmp_path: Path, path: str) -> None:
    assert recall.pure(path) == str(Path(path))
    assert recall.display(path or ".") == errors.display_path(path or ".")
    assert recall.display(str(tmp_path / "x")) == errors.display_path(tmp_path / "x")


def test_the_names_recall_reads_are_those_of_the_modules_it_stands_for() -> None:
    from briefgen import config
    from briefgen.backends import BACKENDS
    from briefgen.distribution import manifest
    from briefgen.themes import builtin

    assert recall.PROJECT_FILES == (config.FILE, config.PYPROJECT)
    assert sorted(recall.ENGINES, key=str) == sorted(
        ([b.library or None, b.program or None] for b in BACKENDS.values()), key=str
    )
    assert recall.THEME_MANIFEST == builtin.MANIFEST
    assert tuple(builtin.ALIASES) == recall.THEME_ALIASES
    assert recall.builtin_themes() == builtin.builtin_themes()
    assert (recall.MANIFEST, recall.MANIFEST_MOST) == (manifest.NAME, manifest.MOST)


@pytest.mark.parametrize(
    ("text", "answered"),
    [
        ('[project]\nname = "reports"\n', True),  # another tool's file: it names no folder of briefgen's
        ('[project]\nname = "reports"\n[tool.briefgen]\nstrict = false\n', False),
        ('[project]\nname = "reports"  # built with briefgen\n', False),  # it names briefgen: config decides
    ],
)
def test_a_pyproject_that_never_names_briefgen_does_not_stop_the_answer(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    answered: bool,
) -> None:
    """Without `--out`, a project file could name the output folder; a pyproject.toml that never names briefgen
    cannot (briefgen.config reads none), so the same words are answered from `out/`. Its bytes stay in the key."""
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    program(monkeypatch, capsys, *WORDS)
    assert recalled(*WORDS) is answered
    if answered:
        (project / "pyproject.toml").write_text(text + "# changed\n", encoding="utf-8")
        assert not recalled(*WORDS)
