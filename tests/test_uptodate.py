"""A build asked again is answered from the record of the last one (briefgen.uptodate) as the full build answers
it (a line per output, its warnings, the summary) without reading a brief; and whatever the record covers beyond
tests/e2e/test_incremental.py's inputs — a setting in the project file or on the command line, a brief added to
the folder, a catalogs folder made, `--templates` — leaves the answer to the full build, which builds again."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from briefgen import build as pipeline
from briefgen import fingerprint, uptodate
from briefgen.settings import Settings, fields
from tests.conftest import FIXTURES, ROOT, run_cli
from tests.test_fingerprint import OTHER

BUILD = ("build", "--engine", "typst", "--lang", "en")
EN = "out/minimal-brief.en.pdf"
# A theme with templates for html/ only: a Typst build of it warns that it uses its parent's templates.
WARNING = "theme 'mine' has templates for html/ only: typst builds with those of 'briefing'"


@pytest.fixture
def project(workdir: Path) -> Path:
    """A repository holding briefs/minimal.yaml."""
    (workdir / ".git").mkdir()
    (workdir / "briefs").mkdir()
    shutil.copy(FIXTURES / "minimal.yaml", workdir / "briefs" / "minimal.yaml")
    return workdir


def settle() -> None:
    """Wait until the files just written are older than the next build's start by more than the margin its record
    keeps for a file changed as it read it: that build is recorded."""
    time.sleep(2 * uptodate.SETTLE_NS / 1e9)


def build(*extra: str | Path) -> tuple[str, str]:
    code, stdout, stderr = run_cli(*BUILD, *extra)
    assert code == 0, stderr
    assert "Traceback" not in stdout + stderr
    return stdout, stderr


def recorded(*extra: str | Path) -> None:
    """Build once the inputs are settled: the folder holds the record of that build."""
    settle()
    build(*extra)
    assert Path("out", uptodate.NAME).is_file()


def briefs_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, a build that reads a brief fails the test."""

    def no_plan(*_args: object) -> None:
        raise AssertionError("the briefs were read: the record alone tells that the build is up to date")

    monkeypatch.setattr(pipeline, "plan", no_plan)


def built_again(stdout: str) -> bool:
    return bool(re.search(rf"^{EN}  \d+ pages?  ", stdout, re.MULTILINE))


def test_an_unchanged_build_reads_no_brief_and_says_each_output(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded()
    briefs_unread(monkeypatch)
    stdout, stderr = build()
    assert stdout == f"{EN}  up to date\n"
    assert re.fullmatch(r"0 PDFs written, 1 up to date in out/ in \d+\.\d\d s\n", stderr), stderr
    stdout, stderr = build("-q")
    assert (stdout, stderr) == ("", "")


def _theme_that_warns(project: Path) -> Path:
    mine = project / "mine"
    (mine / "html").mkdir(parents=True)
    (mine / "theme.yaml").write_text("name: mine\nextends: briefing\n", encoding="utf-8")
    (mine / "html" / "summary.html.j2").write_text("<p>{{ doc.summary }}</p>\n", encoding="utf-8")
    return mine


def test_the_record_gives_the_builds_warnings_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = _theme_that_warns(project)
    settle()
    _stdout, full = build("--theme", mine)
    assert f"warning: mine/theme.yaml: {WARNING}\n" in full
    briefs_unread(monkeypatch)
    stdout, stderr = build("--theme", mine)
    assert stdout == f"{EN}  up to date\n"
    warning, summary = stderr.splitlines()
    assert warning == f"warning: mine/theme.yaml: {WARNING}"
    assert re.fullmatch(r"0 PDFs written, 1 up to date in out/ in \d+\.\d\d s, 1 warning", summary)


def test_a_quiet_build_leaves_the_warnings_to_the_next_full_build(project: Path) -> None:
    """Under -q no warning is given, so none is recorded: the next build that shows warnings reads the briefs."""
    mine = _theme_that_warns(project)
    settle()
    assert build("--theme", mine, "-q") == ("", "")
    stdout, stderr = build("--theme", mine)
    assert stdout == f"{EN}  up to date\n"
    assert f"warning: mine/theme.yaml: {WARNING}\n" in stderr


@pytest.mark.parametrize("where", ["project file", "command line"])
def test_a_setting_changed_builds_again(project: Path, where: str) -> None:
    recorded()
    extra: tuple[str, ...] = ()
    if where == "project file":
        (project / "pyproject.toml").write_text('[tool.briefgen]\nattach = "none"\n', encoding="utf-8")
    else:
        extra = ("--attach", "none")
    stdout, _ = build(*extra)
    assert built_again(stdout), stdout
    stdout, _ = build(*extra)
    assert stdout == f"{EN}  up to date\n"


def test_a_brief_added_to_the_folder_is_built(project: Path) -> None:
    recorded()
    text = (project / "briefs" / "minimal.yaml").read_text(encoding="utf-8")
    (project / "briefs" / "second.yaml").write_text(text.replace("id: minimal-brief", "id: second-brief"))
    stdout, _ = build()
    assert stdout.splitlines() == [f"{EN}  up to date", stdout.splitlines()[1]]
    assert stdout.splitlines()[1].startswith("out/second-brief.en.pdf  1 page  ")


@pytest.mark.parametrize("folder", ["theme", "templates"])
def test_a_catalogs_folder_made_builds_again(project: Path, folder: str) -> None:
    """A folder the theme would read if it were there: the theme's own catalogs/, or `--templates DIR/catalogs`."""
    if folder == "theme":
        (project / "theme").mkdir()
        (project / "theme" / "theme.yaml").write_text(
            'name: theme\nextends: briefing\ncolours: {primary: "#123"}\n'
        )
        extra = ("--theme", "theme")
        catalogs = project / "theme" / "catalogs"
    else:
        (project / "templates" / "briefing" / "typst").mkdir(parents=True)
        summary = ROOT / "templates" / "briefing" / "typst" / "summary.typ.j2"
        shutil.copy(summary, project / "templates" / "briefing" / "typst")
        extra = ("--templates", "templates")
        catalogs = project / "templates" / "catalogs"
    recorded(*extra)
    catalogs.mkdir()
    (catalogs / "en.yaml").write_text("strings:\n  key_facts: Essential figures\n", encoding="utf-8")
    pipeline.forget()  # as a new process: this one loaded the catalogs for the build before
    stdout, _ = build(*extra)
    assert built_again(stdout), stdout


def test_a_build_whose_inputs_changed_as_it_started_is_not_recorded(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its inputs may have changed while it read them: what it would record is not sure."""
    monkeypatch.setattr(uptodate, "SETTLE_NS", 10**12)  # every file is too recent
    build()
    assert not Path("out", uptodate.NAME).exists()
    assert build()[0] == f"{EN}  up to date\n"  # the full build decides
    assert not Path("out", uptodate.NAME).exists()


HOSTILE = {
    "not JSON": lambda record: record.write_text("{not json"),
    "nested too deep": lambda record: record.write_text("[" * 100_000 + "]" * 100_000),
    "another format": lambda record: record.write_text(json.dumps({"format": 99, "runs": []})),
    "runs of the wrong shape": lambda record: record.write_text(
        json.dumps({"format": uptodate.FORMAT, "runs": [{"call": None}, 3, "x"]})
    ),
}


@pytest.mark.parametrize("damage", HOSTILE, ids=list(HOSTILE))
def test_a_damaged_record_leaves_the_answer_to_the_full_build(project: Path, damage: str) -> None:
    recorded()
    record = Path("out", uptodate.NAME)
    HOSTILE[damage](record)
    settle()
    stdout, stderr = build()
    assert stdout == f"{EN}  up to date\n" and "warning" not in stderr
    assert json.loads(record.read_text(encoding="utf-8"))["format"] == uptodate.FORMAT, "written anew"


def test_a_record_that_names_another_pdf_is_no_record(project: Path) -> None:
    """A record forged to name a PDF's bytes other than the file's: the full build decides, and the file is
    rebuilt when it is not the one built."""
    recorded()
    pdf = Path(EN)
    pdf.write_bytes(pdf.read_bytes() + b"\n% appended")
    record = Path("out", uptodate.NAME)
    data = json.loads(record.read_text(encoding="utf-8"))
    data["runs"][0]["outputs"][0]["sha256"] = fingerprint.file_digest(pdf)
    data["runs"][0]["outputs"][0]["bytes"] = pdf.stat().st_size
    record.write_text(json.dumps(data))
    stdout, _ = build()
    assert built_again(stdout), "the manifest says other bytes: the full build decides and rebuilds"


@pytest.mark.parametrize("kind", ["a link", "a folder"])
def test_a_record_that_is_not_a_file_is_never_followed_nor_replaced(project: Path, kind: str) -> None:
    recorded()
    record = Path("out", uptodate.NAME)
    kept = project / "kept.json"
    record.rename(kept)
    if kind == "a link":
        record.symlink_to(kept)
    else:
        record.mkdir()
    stdout, stderr = build()
    assert stdout == f"{EN}  up to date\n"
    assert (
        f"warning: out/{uptodate.NAME}: not a file briefgen wrote: no record of this build is kept" in stderr
    )
    assert record.is_symlink() == (kind == "a link") and kept.is_file()


# -- the call ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(fields()))
def test_each_setting_makes_another_call_unless_it_changes_no_output(name: str) -> None:
    """The settings left out of a call change neither an output (fingerprint.EXCLUDED) nor which are built."""
    paths = [Path("briefs")]
    same = uptodate.call(paths, Settings()) == uptodate.call(paths, Settings(**{name: OTHER[name]}))
    assert same == (name in uptodate.UNSHAPING)
    if same:
        assert name in fingerprint.EXCLUDED


def test_the_paths_given_make_another_call() -> None:
    assert uptodate.call([Path("briefs")], Settings()) != uptodate.call([Path("briefs/a.yaml")], Settings())


def test_a_record_is_for_the_working_folder_it_names(tmp_path: Path) -> None:
    """Paths inside the working folder are kept relative to it: a project moved whole keeps its record."""
    inside = Path.cwd() / "briefs" / "a.yaml"
    assert uptodate._place(inside) == os.path.join("briefs", "a.yaml")
    assert uptodate._place(tmp_path) == str(tmp_path)
