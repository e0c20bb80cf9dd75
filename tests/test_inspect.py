"""`briefgen inspect FILE.pdf`: what a PDF was built from, its conformance, and `--extract DIR` giving back a
brief that builds the same briefing again."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from pypdf import PdfReader, PdfWriter
from pypdf.generic import StreamObject

from briefgen import __version__, conformance
from tests import pdfcheck
from tests.conftest import KYUTAI, ROOT, run_cli

ALLIANCE = ROOT / "briefs" / "ai-alliance-launch"
INPUTS = ["brief.yaml", "bensbites.en.txt", "figures/figure.svg", "source.en.txt"]
RECORD = "briefgen-build.json"


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes]]:
    """The AI Alliance brief with its figure moved into figures/, its English PDF as `briefgen build` writes it
    (with its inputs and build record attached), and its input files."""
    folder = tmp_path_factory.mktemp("alliance") / "ai-alliance-launch"
    shutil.copytree(ALLIANCE, folder)
    (folder / "figures").mkdir()
    (folder / "figure.svg").rename(folder / "figures" / "figure.svg")
    text = (folder / "brief.yaml").read_text(encoding="utf-8")
    (folder / "brief.yaml").write_text(
        text.replace("file: figure.svg", "file: figures/figure.svg"), encoding="utf-8"
    )
    out = tmp_path_factory.mktemp("alliance-out")
    code, _stdout, stderr = run_cli("build", folder / "brief.yaml", "--lang", "en", "--out", out, "-q")
    assert code == 0, stderr
    files = {name: (folder / name).read_bytes() for name in INPUTS}
    return folder, out / "ai-alliance-launch.en.pdf", files


def edit(pdf: Path, target: Path, change: Callable[[PdfWriter, list[Any]], None]) -> Path:
    """A copy of the PDF whose attachments `change(writer, [name, file spec, name, file spec…])` edits."""
    writer = PdfWriter(clone_from=PdfReader(pdf))
    change(writer, writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"])
    with target.open("wb") as out:
        writer.write(out)
    return target


def data_of(names: list[Any], name: str) -> StreamObject:
    spec = names[names.index(name) + 1].get_object()
    return spec["/EF"]["/F"].get_object()


def test_inspect_says_what_the_pdf_was_built_from(brief) -> None:
    _folder, pdf, files = brief
    code, stdout, stderr = run_cli("inspect", pdf)
    assert (code, stderr) == (0, "")
    inputs = json.loads((pdf.parent / "manifest.json").read_text())["files"][pdf.name]["inputs"]
    lines = stdout.splitlines()
    assert lines[0] == str(pdf)
    engine = f"weasyprint {weasyprint.__version__},"
    assert lines[1].split() == f"built by briefgen {__version__}, {engine} theme briefing".split()
    assert lines[2].split() == ["brief", "ai-alliance-launch", "(en),", "inputs", inputs]
    assert lines[3].split() == ["standards", "none", "claimed"]
    attached = {line.split()[0]: line for line in lines[5:10]}
    assert list(attached) == [*INPUTS, RECORD]
    assert all(attached[name].endswith("sha256 matches") for name in INPUTS)
    assert attached[RECORD].endswith("the build record")
    assert attached["brief.yaml"].split()[1:3] == [f"{len(files['brief.yaml']) / 1024:.1f}", "KiB"]
    assert attached["bensbites.en.txt"].split()[1:3] == [
        f"{len(files['bensbites.en.txt']) / 1024:.1f}",
        "KiB",
    ]
    assert lines[10] == "  conformance  2 of 2 checks pass (baseline; offline, not veraPDF)"
    assert re.fullmatch(r"    pass  fonts embedded: all \d+ fonts embedded", lines[11])
    assert lines[12] == "    pass  language: /Lang en-GB"


def test_inspect_json_gives_the_record_the_files_and_the_checks(brief) -> None:
    _folder, pdf, files = brief
    code, stdout, _stderr = run_cli("inspect", pdf, "--json")
    assert code == 0
    data = json.loads(stdout)
    attached = {a.name: a for a in conformance.read(pdf, content=False).attachments}
    assert data["build"] == json.loads(attached[RECORD].data)
    assert data["build"]["files"] == {name: hashlib.sha256(body).hexdigest() for name, body in files.items()}
    assert {f["name"]: f["status"] for f in data["files"]} == {
        **dict.fromkeys(INPUTS, "ok"),
        RECORD: "record",
    }
    assert {f["name"]: f["bytes"] for f in data["files"] if f["name"] in INPUTS} == {
        n: len(b) for n, b in files.items()
    }
    assert {f["name"]: f["mime"] for f in data["files"]}["figures/figure.svg"] == "image/svg+xml"
    assert data["missing"] == [] and data["standards"] == []
    assert [(c["check"], c["passed"]) for c in data["conformance"]] == [
        ("fonts embedded", True),
        ("language", True),
    ]


def test_inspect_runs_the_checks_of_the_standards_the_pdf_was_built_to(workdir: Path) -> None:
    args = (
        "build",
        KYUTAI,
        "--engine",
        "typst",
        "--lang",
        "fr",
        "--pdf-standard",
        "ua-1,a-3b",
        "--out",
        "out",
        "-q",
    )
    assert run_cli(*args)[0] == 0
    code, stdout, _stderr = run_cli("inspect", "out/kyutai-launch.fr.pdf", "--json")
    data = json.loads(stdout)
    assert code == 0 and data["standards"] == data["build"]["standards"] == ["ua-1", "a-3b"]
    assert len(data["conformance"]) == 16
    assert [c for c in data["conformance"] if not c["passed"]] == []
    assert {p["language"] for p in data["passages"]} == {"fr"} or data["passages"] == []


def test_a_changed_or_missing_file_is_reported(brief, tmp_path: Path) -> None:
    _folder, pdf, _files = brief

    def tamper(_writer: PdfWriter, names: list[Any]) -> None:
        data_of(names, "source.en.txt").set_data(b"another text\n")
        at = names.index("bensbites.en.txt")
        del names[at : at + 2]

    code, stdout, _stderr = run_cli("inspect", edit(pdf, tmp_path / "tampered.pdf", tamper))
    assert code == 0
    rows = {line.split()[0]: line for line in stdout.splitlines()[5:10]}
    assert rows["source.en.txt"].endswith("sha256 DIFFERS")
    assert rows["bensbites.en.txt"].endswith("MISSING: named by the build record")
    assert rows["brief.yaml"].endswith("sha256 matches")


def test_extract_gives_back_a_brief_that_builds_the_same_briefing(brief, tmp_path: Path) -> None:
    _folder, pdf, files = brief
    target = tmp_path / "again"
    code, stdout, stderr = run_cli("inspect", pdf, "--extract", target)
    assert (code, stderr) == (0, "")
    assert {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()} == {*INPUTS, RECORD}
    assert all((target / name).read_bytes() == data for name, data in files.items())
    assert f"extracted {target / 'figures' / 'figure.svg'}" in stdout.splitlines()
    assert stdout.splitlines()[-1] == f"next: `briefgen build {target / 'brief.yaml'}` builds it again"
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", target / "brief.yaml", "--lang", "en", "--out", out, "-q")
    assert code == 0, stderr
    rebuilt = out / "ai-alliance-launch.en.pdf"
    assert pdfcheck.text(rebuilt) == pdfcheck.text(pdf)
    assert rebuilt.read_bytes() == pdf.read_bytes()  # the same inputs, the same bytes, attachments and all


def test_extract_never_overwrites_and_writes_nothing_then(brief, tmp_path: Path) -> None:
    _folder, pdf, _files = brief
    target = tmp_path / "again"
    assert run_cli("inspect", pdf, "--extract", target)[0] == 0
    (target / "source.en.txt").unlink()
    (target / "brief.yaml").write_text("mine\n", encoding="utf-8")
    code, stdout, stderr = run_cli("inspect", pdf, "--extract", target)
    assert (code, stdout) == (2, "")
    message = "exists; not overwritten (remove it, or extract to another folder)"
    assert stderr.splitlines() == [
        f"{target / name}: {message}" for name in sorted([*INPUTS, RECORD]) if name != "source.en.txt"
    ]
    assert not (target / "source.en.txt").exists()
    assert (target / "brief.yaml").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("name", ["../outside.txt", "/tmp/absolute.txt", "figures/../../up.txt"])
def test_extract_refuses_a_name_outside_the_folder(brief, tmp_path: Path, name: str) -> None:
    _folder, pdf, _files = brief
    path = edit(pdf, tmp_path / "evil.pdf", lambda writer, _names: writer.add_attachment(name, b"x"))
    target = tmp_path / "inside" / "again"
    code, _stdout, stderr = run_cli("inspect", path, "--extract", target)
    assert code == 2
    assert stderr == f"{path}: attached file {name!r}: not a path inside a folder; refused\n"
    assert not (tmp_path / "inside").exists() and not (tmp_path / "outside.txt").exists()


def test_extract_refuses_a_path_through_a_link_out_of_the_folder(brief, tmp_path: Path) -> None:
    _folder, pdf, _files = brief
    target = tmp_path / "again"
    target.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (target / "figures").symlink_to(tmp_path / "elsewhere")
    code, _stdout, stderr = run_cli("inspect", pdf, "--extract", target)
    assert code == 2
    assert stderr == f"{target / 'figures' / 'figure.svg'}: leads outside the folder; refused\n"
    assert list((tmp_path / "elsewhere").iterdir()) == [] and not (target / "brief.yaml").exists()


def test_errors_are_one_line_and_exit_2(brief, workdir: Path) -> None:
    _folder, pdf, _files = brief
    Path("notes.pdf").write_text("not a PDF\n", encoding="utf-8")
    Path("broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    edit(pdf, workdir / "plain.pdf", lambda _writer, names: names.clear())
    expected = {
        "missing.pdf": "missing.pdf: no such file",
        "notes.pdf": "notes.pdf: not a PDF (it does not start with %PDF-)",
        "plain.pdf": f"plain.pdf: no briefgen build record: no {RECORD} is attached to it (briefgen "
        "attaches none with --attach none or --pdf-standard a-2b)",
    }
    for name, line in expected.items():
        assert run_cli("inspect", name) == (2, "", line + "\n")
    code, stdout, stderr = run_cli("inspect", "broken.pdf")
    assert (code, stdout) == (2, "")
    assert stderr.startswith("broken.pdf: not a PDF briefgen can read: ") and len(stderr.splitlines()) == 1
