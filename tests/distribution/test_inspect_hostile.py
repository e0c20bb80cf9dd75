"""`briefgen inspect` on hostile files: PDFs written by hand whose trees are graphs (a node named twice by its
parent, a cycle, a tree too deep), a FIFO, a device, a folder, a file too large, and PDFs whose texts carry
terminal escapes. Each runs in a child process with a generous timeout, so that a hang fails the test instead of
blocking the suite; each ends with its exit code and its line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.distribution.inspect import MAX_BYTES
from briefgen.distribution.pdfwalk import MAX_DEPTH
from tests.handmade import document, pdf, stream

DEPTH = 60  # levels of a graph whose every node names its child twice: 2^60 paths for a naive walk
TIMEOUT = 120  # seconds: far more than any of these takes, far less than a 2^60 walk


def chain(first: int, depth: int, node: bytes, last: bytes) -> dict[str, bytes]:
    """Objects first … first+depth: each names the next twice through `node` (a %d for the next), then `last`."""
    made = {f"o{first + i}": node % ((first + i + 1,) * node.count(b"%d")) for i in range(depth)}
    made[f"o{first + depth}"] = last
    return made


def inspect(path: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", "inspect", str(path), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


ATTACHED = {
    "o100": b"<< /Type /Filespec /F (a.txt) /UF (a.txt) /EF << /F 101 0 R >> >>",
    "o101": stream(b"hi", b"/Type /EmbeddedFile"),
}
GRAPHS = {
    "a name tree whose nodes name their child twice": (
        document(
            b"/Names << /EmbeddedFiles 10 0 R >>",
            **chain(10, DEPTH, b"<< /Kids [%d 0 R %d 0 R] >>", b"<< /Names [(a.txt) 100 0 R] >>"),
            **ATTACHED,
        ),
        f"the name tree of attached files names object {10 + DEPTH} 0 R more than once",
    ),
    "a structure tree whose elements name their child twice": (
        document(
            b"/StructTreeRoot 9 0 R /MarkInfo << /Marked true >>",
            o9=b"<< /Type /StructTreeRoot /K 10 0 R >>",
            **chain(10, DEPTH, b"<< /S /Div /K [%d 0 R %d 0 R] >>", b"<< /S /P /Lang (fr) /K 0 >>"),
        ),
        f"the structure tree names object {10 + DEPTH} 0 R more than once",
    ),
    "a structure tree with a cycle": (
        document(
            b"/StructTreeRoot 9 0 R",
            o9=b"<< /Type /StructTreeRoot /K 10 0 R >>",
            o10=b"<< /S /Div /K [11 0 R] >>",
            o11=b"<< /S /P /K [10 0 R] >>",
        ),
        "the structure tree names object 10 0 R more than once",
    ),
    "a structure tree too deep": (
        document(
            b"/StructTreeRoot 9 0 R",
            o9=b"<< /Type /StructTreeRoot /K 10 0 R >>",
            **chain(10, MAX_DEPTH + 1, b"<< /S /Div /K %d 0 R >>", b"<< /S /P >>"),
        ),
        f"the structure tree is deeper than {MAX_DEPTH} levels: read down to there",
    ),
    "an outline whose items name the next twice": (
        document(
            b"/Outlines 9 0 R",
            o9=b"<< /Type /Outlines /First 10 0 R >>",
            **chain(10, DEPTH, b"<< /Title (x) /First %d 0 R /Next %d 0 R >>", b"<< /Title (y) >>"),
        ),
        f"the outline names object {10 + DEPTH} 0 R more than once",
    ),
    "a page tree whose nodes name their child twice": (
        {
            **document(),
            2: b"<< /Type /Pages /Kids [10 0 R] /Count 1 >>",
            **{
                int(key[1:]): value
                for key, value in chain(
                    10,
                    DEPTH,
                    b"<< /Type /Pages /Kids [%d 0 R %d 0 R] >>",
                    b"<< /Type /Page /MediaBox [0 0 10 10] >>",
                ).items()
            },
        },
        f"the page tree names object {10 + DEPTH} 0 R more than once",
    ),
}


UA_XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
DRAWN = b"<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X %d 0 R >> >> /Length 11 >>"
GRAPHS["a page drawing a form that draws the next twice (its content read for ua-1)"] = (
    document(
        b"/Metadata 9 0 R",
        o3=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /XObject << /X 10 0 R >> >> >>",
        o4=stream(b"/X Do"),
        o9=stream(UA_XMP, b"/Type /Metadata /Subtype /XML"),
        **chain(
            10,
            DEPTH,
            DRAWN + b"\nstream\n/X Do /X Do\nendstream",
            stream(b"", b"/Type /XObject /Subtype /Form"),
        ),
    ),
    "the pages draw form XObjects more than 5000 times: read up to there",
)


@pytest.mark.parametrize("case", GRAPHS)
def test_a_graph_is_read_once_and_said(tmp_path: Path, case: str) -> None:
    objects, said = GRAPHS[case]
    path = tmp_path / "graph.pdf"
    path.write_bytes(pdf(objects))
    assert path.stat().st_size < 16_384  # a few KB
    done = inspect(path)
    assert (done.returncode, done.stderr) == (1, ""), done.stderr
    failing = [line for line in done.stdout.splitlines() if line.startswith("    FAIL  read in full: ")]
    assert len(failing) == 1 and failing[0].startswith(f"    FAIL  read in full: {said}"), done.stdout
    assert done.stdout.splitlines()[-1].startswith("  result       exit 1: ")
    data = json.loads(inspect(path, "--json").stdout)
    [check] = [c for c in data["conformance"] if c["check"] == "read in full"]
    assert not check["passed"] and check["reason"].startswith(said) and data["exit"] == 1


def test_a_shared_attached_file_is_listed_once(tmp_path: Path) -> None:
    path = tmp_path / "graph.pdf"
    path.write_bytes(pdf(GRAPHS["a name tree whose nodes name their child twice"][0]))
    names = [f["name"] for f in json.loads(inspect(path, "--json").stdout)["files"]]
    assert names == ["a.txt"]


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda path: os.mkfifo(path), "a FIFO (named pipe)"),
        (lambda path: path.symlink_to("/dev/zero"), "a character device"),
        (lambda path: path.mkdir(), "a folder"),
    ],
    ids=["fifo", "dev-zero", "folder"],
)
def test_only_a_regular_file_is_read(tmp_path: Path, make, kind: str) -> None:
    path = tmp_path / "brief.pdf"
    make(path)
    done = inspect(path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{path}: not a regular file: {kind}\n"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "large.pdf"
    with path.open("wb") as file:  # sparse: no disk space, no time
        file.write(b"%PDF-1.7\n")
        file.truncate(MAX_BYTES + 1)
    done = inspect(path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{path}: larger than 200 MB, the largest PDF inspect reads\n"


ESCAPES = "\x1b]0;owned\x07\x1b[2J\x9b31m\x7f"
SEEN = r"\x1b]0;owned\x07\x1b[2J\x9b31m\x7f"
RECORD = {
    "briefgen": "0.1.0",
    "brief": "x" + ESCAPES,
    "brief_file": "brief.yaml",
    "language": "en",
    "engine": "typst",
    "engine_version": ESCAPES,
    "theme": ESCAPES,
    "standards": ["ua-1"],
    "files": {"brief.yaml": "0" * 64, f"notes{ESCAPES}.txt": "0" * 64},
    "attached": "all",
}
XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'pdfuaid:part="1"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Title \x9b31m\x7f</rdf:li></rdf:Alt>'
    '</dc:title></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def escaping_pdf() -> bytes:
    """Terminal escapes in an attached file's name, the build record's values and the XMP's title."""
    name = b"\xfe\xff" + ESCAPES.encode("utf-16-be")
    record = json.dumps(RECORD).encode()
    return pdf(
        document(
            b"/Names << /EmbeddedFiles << /Names [(briefgen-build.json) 20 0 R <%s> 22 0 R] >> >> /Metadata 24 0 R "
            b"/ViewerPreferences << /DisplayDocTitle true >>" % name.hex().encode(),
            o20=b"<< /Type /Filespec /F (briefgen-build.json) /EF << /F 21 0 R >> >>",
            o21=stream(record, b"/Type /EmbeddedFile"),
            o22=b"<< /Type /Filespec /F <%s> /EF << /F 23 0 R >> >>" % name.hex().encode(),
            o23=stream(b"x", b"/Type /EmbeddedFile"),
            o24=stream(XMP.encode("utf-8"), b"/Type /Metadata /Subtype /XML"),
        )
    )


def test_control_characters_are_escaped_in_what_is_printed(tmp_path: Path) -> None:
    path = tmp_path / "escapes.pdf"
    path.write_bytes(escaping_pdf())
    done = inspect(path)
    assert done.returncode == 1 and done.stderr == ""
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", done.stdout), repr(done.stdout)
    lines = done.stdout.splitlines()
    assert f"theme {SEEN}" in lines[1] and lines[2].startswith(f"  brief        x{SEEN} (en)")
    assert any(line.split() == [SEEN, "1", "B", "NOT", "in", "the", "build", "record"] for line in lines)
    assert any(line.split()[:2] == [f"notes{SEEN}.txt", "MISSING:"] for line in lines)
    assert r"    pass  title: dc:title 'Title \x9b31m\x7f', shown by viewers" in done.stdout

    done = inspect(path, "--json")
    assert done.returncode == 1 and not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", done.stdout)
    data = json.loads(done.stdout)  # escaped, and the same text once read
    assert data["build"]["theme"] == ESCAPES and {f["name"] for f in data["files"]} == {
        ESCAPES,
        "briefgen-build.json",
    }
    assert r"\u001b]0;owned\u0007\u001b[2J\u009b31m\u007f" in done.stdout


def test_control_characters_are_escaped_in_errors(tmp_path: Path) -> None:
    path = tmp_path / f"{ESCAPES}.pdf"
    done = inspect(path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{tmp_path}/{SEEN}.pdf: no such file\n"
    path.write_bytes(escaping_pdf())
    done = inspect(path, "--extract", str(tmp_path / "again"))
    assert (done.returncode, done.stdout) == (2, "")
    refused = f"{tmp_path}/{SEEN}.pdf: attached file '{SEEN}': not a path inside a folder; refused\n"
    assert done.stderr == refused
    assert not (tmp_path / "again").exists()
