"""`briefgen inspect` in CI: a corpus of PDFs changed after their build, each one way, each exiting 1 with the
line that says what changed, in its text and in its --json; the PDF as built exits 0."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject

from tests.conftest import KYUTAI, run_cli
from tests.handmade import document, pdf, stream

RECORD = "briefgen-build.json"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The English Kyutai briefing as Typst writes it to PDF/A-3b, with its brief and build record; its source,
    a press article, withheld (named by the record)."""
    out = tmp_path_factory.mktemp("built")
    code, _stdout, stderr = run_cli(
        "build", KYUTAI, "--engine", "typst", "--lang", "en", "--pdf-standard", "a-3b", "--out", out, "-q"
    )
    assert code == 0, stderr
    return out / "kyutai-launch.en.pdf"


def tampered(pdf: Path, target: Path, change: Callable[[PdfWriter, list[Any]], None]) -> Path:
    """A copy of the PDF that `change(writer, [name, file spec, name, file spec…])` edits."""
    writer = PdfWriter(clone_from=PdfReader(pdf))
    change(writer, writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"])
    out = io.BytesIO()
    writer.write(out)
    target.write_bytes(out.getvalue())
    return target


def data_of(names: list[Any], name: str) -> Any:
    return names[names.index(name) + 1].get_object()["/EF"]["/F"].get_object()


def record_edit(change: Callable[[dict[str, Any]], None]) -> Callable[[PdfWriter, list[Any]], None]:
    def edit(_writer: PdfWriter, names: list[Any]) -> None:
        stream = data_of(names, RECORD)
        record = json.loads(stream.get_data())
        change(record)
        stream.set_data(json.dumps(record, indent=2).encode())

    return edit


def change_brief(_writer: PdfWriter, names: list[Any]) -> None:
    data_of(names, "brief.yaml").set_data(b"Another text.\n")


def drop_brief(_writer: PdfWriter, names: list[Any]) -> None:
    at = names.index("brief.yaml")
    del names[at : at + 2]


def attach_withheld(writer: PdfWriter, _names: list[Any]) -> None:
    writer.add_attachment("source.fr.txt", (KYUTAI.parent / "source.fr.txt").read_bytes())


def add_file(writer: PdfWriter, _names: list[Any]) -> None:
    writer.add_attachment("extra.txt", b"not from the build\n")


def unembed_fonts(writer: PdfWriter, _names: list[Any]) -> None:
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            owner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor: DictionaryObject = owner["/FontDescriptor"].get_object()
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                descriptor.pop(key, None)


NOTES = hashlib.sha256(b"notes\n").hexdigest()
CORPUS: dict[str, tuple[Callable[[PdfWriter, list[Any]], None], str, str]] = {
    # case: (change, the line that says it (spaces aside), the verdict)
    "an attached file's bytes changed": (
        change_brief,
        "    brief.yaml           14 B  sha256 DIFFERS from the build record's",
        "1 attached file differs",
    ),
    "an attached file removed": (
        drop_brief,
        "    brief.yaml                   MISSING: named by the build record",
        "1 named by the build record missing",
    ),
    "a withheld file attached after the build": (
        attach_withheld,
        "    source.fr.txt  3.1 KiB  ATTACHED, but the build record says it was withheld",
        "1 attached file the build record says was withheld",
    ),
    "the record no longer saying a file was withheld": (
        record_edit(lambda record: record.update(withheld={})),
        "    source.fr.txt                   MISSING: named by the build record",
        "1 named by the build record missing",
    ),
    "the record naming a file never attached": (
        record_edit(lambda record: record["files"].update({"notes.txt": NOTES})),
        "    notes.txt                       MISSING: named by the build record",
        "1 named by the build record missing",
    ),
    "a file attached that the record does not name": (
        add_file,
        "    extra.txt               19 B  NOT in the build record",
        "1 attached file not in the build record",
    ),
    "an XMP claiming a standard the record does not": (
        record_edit(lambda record: record.update(standards=[])),
        "    FAIL  standards recorded: the XMP claims a-3b, the build record names none",
        "1 check fails",
    ),
    "a record claiming a standard the XMP does not": (
        record_edit(lambda record: record.update(standards=["ua-1", "a-3b"])),
        "    FAIL  standards recorded: the XMP claims a-3b, the build record names ua-1, a-3b",
        "",  # and the checks of ua-1 fail
    ),
    "a record naming a standard briefgen does not write": (
        record_edit(lambda record: record.update(standards=["a-1b"])),
        "    FAIL  standards recorded: the build record names a-1b, which briefgen does not write",
        "1 check fails",
    ),
    "fonts no longer embedded": (
        unembed_fonts,
        "    FAIL  fonts embedded: not embedded: Lato-Black, Lato-Bold, Lato-Italic, Lato-Regular",
        "1 check fails",
    ),
}


def test_the_pdf_as_built_passes(built: Path) -> None:
    code, stdout, stderr = run_cli("inspect", built)
    assert (code, stderr) == (0, "")
    assert stdout.splitlines()[-1] == (
        "  result       exit 0: every check passes, every attached file is the build record's, 1 file withheld "
        "as the record says"
    )
    assert json.loads(run_cli("inspect", built, "--json")[1])["exit"] == 0


@pytest.mark.parametrize("case", CORPUS)
def test_a_tampered_pdf_exits_1_saying_what_changed(built: Path, tmp_path: Path, case: str) -> None:
    change, line, verdict = CORPUS[case]
    path = tampered(built, tmp_path / "tampered.pdf", change)
    code, stdout, stderr = run_cli("inspect", path)
    assert (code, stderr) == (1, "")
    assert line.split() in [each.split() for each in stdout.splitlines()], stdout
    last = stdout.splitlines()[-1]
    assert last.startswith("  result       exit 1: ") and verdict in last
    code, stdout, _stderr = run_cli("inspect", path, "--json")
    data = json.loads(stdout)
    assert (code, data["exit"], data["passed"]) == (1, 1, False)
    failing = [f"{c['check']}: {c['reason']}" for c in data["conformance"] if not c["passed"]]
    files = {f["name"]: f["status"] for f in data["files"]}
    assert (
        line.split("FAIL  ")[-1] in failing
        or files.get(line.split()[0]) in ("differs", "unlisted", "was withheld")
        or line.split()[0] in data["missing"]
    )


def test_a_record_claiming_ua_1_runs_its_checks(built: Path, tmp_path: Path) -> None:
    change = record_edit(lambda record: record.update(standards=["ua-1", "a-3b"]))
    data = json.loads(run_cli("inspect", tampered(built, tmp_path / "t.pdf", change), "--json")[1])
    assert data["standards"] == ["ua-1", "a-3b"]
    assert len(data["conformance"]) == 18  # the record's check, ua-1's 12, a-3b's 5 more
    failing = {c["check"]: c["standards"] for c in data["conformance"] if not c["passed"]}
    assert (failing["standards recorded"], failing["claims ua-1"]) == (["build record"], ["ua-1"])


def test_a_hand_written_pdf_with_a_font_not_embedded_fails(tmp_path: Path) -> None:
    """No build record: the baseline checks run, and the font, named and not embedded, fails one."""
    path = tmp_path / "helvetica.pdf"
    path.write_bytes(
        pdf(
            {
                **document(),
                3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>",
                4: stream(b"BT /F1 12 Tf 10 10 Td (Hello) Tj ET"),
                5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            }
        )
    )
    code, stdout, stderr = run_cli("inspect", path)
    assert (code, stderr) == (1, "")
    lines = stdout.splitlines()
    assert lines[1] == "  no build record: built with --attach none or a-2b, or not by briefgen"
    assert "    FAIL  fonts embedded: not embedded: Helvetica" in lines
    assert lines[-1] == "  result       exit 1: 1 check fails"


def test_a_withheld_entry_is_printed_escaped_and_never_a_path_out(built: Path, tmp_path: Path) -> None:
    """The record's `withheld` is untrusted too: its reason is printed with its escapes shown, and a name that
    climbs out of the folder is no file to put back: `--extract` refuses it, writing nothing."""
    digest = hashlib.sha256(b"x").hexdigest()

    def hostile(record: dict[str, Any]) -> None:
        record["files"]["../outside.txt"] = digest
        record["withheld"] = {"source.fr.txt": "not yours \x1b[2J", "../outside.txt": "up"}

    path = tampered(built, tmp_path / "hostile.pdf", record_edit(hostile))
    code, stdout, stderr = run_cli("inspect", path)
    assert (code, stderr) == (0, "")
    assert r"withheld: not yours \x1b[2J;" in stdout and "\x1b" not in stdout
    target = tmp_path / "inside" / "again"
    code, stdout, stderr = run_cli("inspect", path, "--extract", target)
    assert (code, stdout) == (2, "")
    assert stderr == f"{path}: withheld file '../outside.txt': not a path inside a folder; refused\n"
    assert not (tmp_path / "inside").exists()
