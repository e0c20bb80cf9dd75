"""`briefgen inspect FILE.pdf`: what a PDF was built from, its conformance, its exit code, and `--extract DIR`
giving back a brief and the command that builds the same briefing again, in every engine."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from pypdf import PdfReader, PdfWriter
from pypdf.generic import StreamObject

from briefgen import __version__
from briefgen.distribution import conformance
from tests import pdfcheck
from tests.conftest import KYUTAI, ROOT, require_tool, run_cli

ALLIANCE = ROOT / "briefs" / "ai-alliance-launch"
# What its PDF carries: the brief, its figure and the press release's text; not the newsletter's article.
INPUTS = ["brief.yaml", "figures/figure.svg", "source.en.txt"]
WITHHELD = "bensbites.en.txt"
WHY = "not redistributable (source 'bensbites', press-article)"
RECORD = "briefgen-build.json"
CHECKER = "offline checks of {} rules, not an ISO validator: validate with a PDF/A / PDF/UA validator"
NO_RECORD = "no build record: built with --attach none or a-2b, or not by briefgen"


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes]]:
    """The AI Alliance brief with its figure moved into figures/, its English PDF as `briefgen build` writes it
    (with its build record and the inputs that may be passed on attached), and its input files, the withheld
    article's among them."""
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
    files = {name: (folder / name).read_bytes() for name in [*INPUTS, WITHHELD]}
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
    assert list(attached) == [*INPUTS, RECORD, WITHHELD]
    assert all(attached[name].endswith("sha256 matches") for name in INPUTS)
    assert attached[RECORD].endswith("the build record")
    assert attached["brief.yaml"].split()[1:3] == [f"{len(files['brief.yaml']) / 1024:.1f}", "KiB"]
    assert attached["source.en.txt"].split()[1:3] == [f"{len(files['source.en.txt']) / 1024:.1f}", "KiB"]
    digest = hashlib.sha256(files[WITHHELD]).hexdigest()
    assert attached[WITHHELD].split() == [WITHHELD, "withheld:", *f"{WHY};".split(), "sha256", digest]
    assert lines[10:12] == [
        "  conformance  4 of 4 checks pass (baseline)",
        f"               {CHECKER.format(4)}",
    ]
    assert lines[12] == "    pass  standards recorded: the build record and the XMP both name none"
    assert re.fullmatch(r"    pass  fonts embedded: all \d+ fonts embedded", lines[13])
    assert lines[14] == "    pass  language: /Lang en-GB"
    assert lines[15].startswith("    pass  read in full: every tree within 200 levels and 200000 nodes")
    assert lines[-1] == (
        "  result       exit 0: every check passes, every attached file is the build record's, 1 file withheld "
        "as the record says"
    )


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
        n: len(files[n]) for n in INPUTS
    }
    assert {f["name"]: f["mime"] for f in data["files"]}["figures/figure.svg"] == "image/svg+xml"
    assert data["build"]["withheld"] == {WITHHELD: WHY}
    digest = hashlib.sha256(files[WITHHELD]).hexdigest()
    assert data["withheld"] == [{"name": WITHHELD, "sha256": digest, "reason": WHY}]
    assert data["missing"] == [] and data["standards"] == []
    assert [(c["check"], c["passed"], c["standards"]) for c in data["conformance"]] == [
        ("standards recorded", True, ["build record"]),
        ("fonts embedded", True, ["baseline"]),
        ("language", True, ["baseline"]),
        ("read in full", True, ["baseline"]),
    ]
    assert data["checker"] == CHECKER.format(4)
    assert (data["passed"], data["exit"], data["no_build_record"]) == (True, 0, None)


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
    assert len(data["conformance"]) == 18 and data["checker"] == CHECKER.format(18)
    assert [c for c in data["conformance"] if not c["passed"]] == []
    asked = {c["check"]: c["standards"] for c in data["conformance"]}
    assert asked["fonts embedded"] == asked["read in full"] == ["ua-1", "a-3b"]
    assert (asked["headings follow the outline"], asked["output intent"]) == (["ua-1"], ["a-3b"])
    assert {p["language"] for p in data["passages"]} == {"fr"} or data["passages"] == []


def test_a_changed_or_missing_file_is_reported(brief, tmp_path: Path) -> None:
    _folder, pdf, _files = brief

    def tamper(_writer: PdfWriter, names: list[Any]) -> None:
        data_of(names, "source.en.txt").set_data(b"another text\n")
        at = names.index("figures/figure.svg")
        del names[at : at + 2]

    code, stdout, _stderr = run_cli("inspect", edit(pdf, tmp_path / "tampered.pdf", tamper))
    assert code == 1
    rows = {line.split()[0]: line for line in stdout.splitlines()[5:10]}
    assert rows["source.en.txt"].endswith("sha256 DIFFERS from the build record's")
    assert rows["figures/figure.svg"].endswith("MISSING: named by the build record")
    assert rows[WITHHELD].split()[1] == "withheld:", "withheld as built: not missing"
    assert rows["brief.yaml"].endswith("sha256 matches")
    last = "  result       exit 1: 1 attached file differs, 1 named by the build record missing"
    assert stdout.splitlines()[-1] == last


def rebuild_command(stdout: str, put_back: str = "") -> list[str]:
    """The command the last line of `inspect --extract` prints, as words; `put_back`: the files it says must be
    put back first ("the withheld file")."""
    last = stdout.splitlines()[-1]
    start = f"next: with {put_back} put back, `" if put_back else "next: `"
    assert last.startswith(start) and last.endswith("` builds it again"), last
    return shlex.split(last.removeprefix(start).removesuffix("` builds it again"))


def test_extract_gives_back_the_brief_and_names_the_withheld_file_to_put_back(brief, tmp_path: Path) -> None:
    """The folder extracted lacks the withheld article, and says so: it does not build until the file is put
    back where it says; then it builds the same briefing, byte for byte."""
    _folder, pdf, files = brief
    target = tmp_path / "again"
    code, stdout, stderr = run_cli("inspect", pdf, "--extract", target)
    assert (code, stderr) == (0, "")
    assert {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()} == {*INPUTS, RECORD}
    assert all((target / name).read_bytes() == files[name] for name in INPUTS)
    assert f"extracted {target / 'figures' / 'figure.svg'}" in stdout.splitlines()
    digest = hashlib.sha256(files[WITHHELD]).hexdigest()
    assert stdout.splitlines()[-2] == (
        f"withheld {target / WITHHELD}: not in the PDF ({WHY}); put that file back there (sha256 {digest}): "
        "the brief does not build without it"
    )
    command = rebuild_command(stdout, "the withheld file")
    brief_file, out = target / "brief.yaml", target / "out"
    engine = ["--engine", "weasyprint", "--theme", "briefing"]
    assert command == ["briefgen", "build", str(brief_file), "--lang", "en", *engine, "--out", str(out)]
    code, _stdout, stderr = run_cli(*command[1:], "-q")
    assert code == 2 and f"{WITHHELD}" in stderr, "as said: not without the withheld file"
    assert not out.exists()
    (target / WITHHELD).write_bytes(files[WITHHELD])  # the reader's own copy, the one the sha256 names
    code, _stdout, stderr = run_cli(*command[1:], "-q")
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
    edit(pdf, workdir / "record.pdf", lambda _writer, names: data_of(names, RECORD).set_data(b"[1, 2"))
    expected = {
        "missing.pdf": "missing.pdf: no such file",
        "notes.pdf": "notes.pdf: not a PDF (it does not start with %PDF-)",
        "record.pdf": f"record.pdf: {RECORD} is not a build record: Expecting ',' delimiter: line 1 column 6 "
        "(char 5)",
    }
    for name, line in expected.items():
        assert run_cli("inspect", name) == (2, "", line + "\n")
    code, stdout, stderr = run_cli("inspect", "broken.pdf")
    assert (code, stdout) == (2, "")
    assert stderr.startswith("broken.pdf: not a PDF briefgen can read: ") and len(stderr.splitlines()) == 1


# Every PDF briefgen writes: without a build record (a-2b, --attach none), with the record alone


@pytest.fixture(scope="module")
def kyutai_en(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """`kyutai_en(engine, *options)` → the English Kyutai briefing built so, once."""
    made: dict[tuple[str, ...], Path] = {}

    def build(engine: str, *options: str) -> Path:
        if (engine, *options) not in made:
            out = tmp_path_factory.mktemp(engine)
            code, _stdout, stderr = run_cli(
                "build", KYUTAI, "--engine", engine, "--lang", "en", *options, "--out", out, "-q"
            )
            assert code == 0, stderr
            made[engine, *options] = out / "kyutai-launch.en.pdf"
        return made[engine, *options]

    return build


@pytest.mark.parametrize(
    ("engine", "options", "standards", "checks"),
    [
        ("typst", ["--pdf-standard", "a-2b"], "a-2b (claimed by its XMP)", 7),
        ("typst", ["--attach", "none"], "none claimed", 3),
        ("typst", ["--attach", "none", "--pdf-standard", "ua-1"], "ua-1 (claimed by its XMP)", 12),
        ("weasyprint", ["--pdf-standard", "a-2b"], "a-2b (claimed by its XMP)", 7),
    ],
    ids=["typst-a-2b", "typst-attach-none", "typst-attach-none-ua-1", "weasyprint-a-2b"],
)
def test_a_pdf_without_build_record_is_checked_by_what_its_xmp_claims(
    kyutai_en, engine: str, options: list[str], standards: str, checks: int
) -> None:
    pdf = kyutai_en(engine, *options)
    code, stdout, stderr = run_cli("inspect", pdf)
    assert (code, stderr) == (0, ""), stdout
    lines = stdout.splitlines()
    assert lines[1:3] == [f"  {NO_RECORD}", f"  standards    {standards}"]
    assert (
        lines[3]
        == f"  conformance  {checks} of {checks} checks pass ({standards.split()[0].replace('none', 'baseline')})"
    )
    assert lines[4] == f"               {CHECKER.format(checks)}"
    assert lines[-1] == "  result       exit 0: every check passes"
    data = json.loads(run_cli("inspect", pdf, "--json")[1])
    assert (data["build"], data["no_build_record"], data["files"], data["exit"]) == (None, NO_RECORD, [], 0)
    assert len(data["conformance"]) == checks
    code, _stdout, stderr = run_cli("inspect", pdf, "--extract", pdf.parent / "again")
    assert (code, stderr) == (2, f"{pdf}: nothing to extract: {NO_RECORD}\n")


def test_a_pdf_with_the_build_record_alone_is_checked_against_it(kyutai_en) -> None:
    pdf = kyutai_en("typst", "--attach", "record")
    code, stdout, stderr = run_cli("inspect", pdf)
    assert (code, stderr) == (0, "")
    rows = {
        line.split()[0]: line for line in stdout.splitlines() if line.startswith("    ") and "  " in line[4:]
    }
    for name in ("brief.yaml", "source.fr.txt"):
        digest = hashlib.sha256((KYUTAI.parent / name).read_bytes()).hexdigest()
        assert rows[name].split()[1:] == ["not", "attached", "(--attach", "record):", "sha256", digest]
    assert stdout.splitlines()[-1] == (
        "  result       exit 0: every check passes, every attached file is the build record's"
    )


# The command `inspect --extract` prints builds the same bytes, in every engine


@pytest.mark.parametrize(
    ("engine", "lang", "theme", "standards"),
    [
        ("typst", "fr", "dossier", "a-3b"),
        ("typst", "en", "briefing", "ua-1,a-3b"),
        ("weasyprint", "en", "briefing", "ua-1,a-3b"),
        pytest.param("latex", "en", "briefing", "a-3b", marks=pytest.mark.latex),
    ],
)
def test_the_rebuild_command_is_the_recorded_build_and_gives_the_same_bytes(
    consenting: Path, tmp_path: Path, engine: str, lang: str, theme: str, standards: str
) -> None:
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine runs LuaLaTeX from TeX Live")
    options = ["--lang", lang, "--engine", engine, "--theme", theme, "--pdf-standard", standards]
    code, _stdout, stderr = run_cli("build", consenting, *options, "--out", tmp_path / "out", "-q")
    assert code == 0, stderr
    pdf = tmp_path / "out" / f"kyutai-launch.{lang}.pdf"
    target = tmp_path / "again"
    code, stdout, stderr = run_cli("inspect", pdf, "--extract", target)
    assert (code, stderr) == (0, "")
    assert sorted(p.name for p in target.iterdir()) == ["brief.yaml", RECORD, "source.fr.txt"]
    command = rebuild_command(stdout)
    assert command == [
        "briefgen",
        "build",
        str(target / "brief.yaml"),
        *options,
        "--out",
        str(target / "out"),
    ]
    code, _stdout, stderr = run_cli(*command[1:], "-q")
    assert code == 0, stderr
    rebuilt = target / "out" / pdf.name
    assert hashlib.sha256(rebuilt.read_bytes()).hexdigest() == hashlib.sha256(pdf.read_bytes()).hexdigest()
    third = tmp_path / "third"
    data = json.loads(run_cli("inspect", pdf, "--json", "--extract", third)[1])
    assert data["rebuild"] == shlex.join(
        [*command[:2], str(third / "brief.yaml"), *options, "--out", str(third / "out")]
    )


def test_a_theme_folder_that_is_not_there_gives_no_command(workdir: Path) -> None:
    (workdir / "mine").mkdir()
    (workdir / "mine" / "theme.yaml").write_text(
        "name: mine\nextends: briefing\ncolours: {accent: '#123456'}\n", encoding="utf-8"
    )
    code, _stdout, stderr = run_cli(
        "build", KYUTAI, "--engine", "typst", "--lang", "en", "--theme", "mine", "-q"
    )
    assert code == 0, stderr
    pdf = workdir / "out" / "kyutai-launch.en.pdf"
    code, stdout, _stderr = run_cli("inspect", pdf, "--extract", "here")
    command = rebuild_command(stdout, "the withheld file")
    assert code == 0 and command[command.index("--theme") + 1] == "mine"
    shutil.copy(KYUTAI.parent / "source.fr.txt", workdir / "here")  # the article, withheld from the PDF
    assert run_cli(*command[1:], "-q")[0] == 0
    assert (workdir / "here" / "out" / pdf.name).read_bytes() == pdf.read_bytes()
    (workdir / "mine").rename(workdir / "elsewhere")
    code, stdout, stderr = run_cli("inspect", pdf, "--extract", "there")
    assert (code, stderr) == (0, "")
    assert stdout.splitlines()[-1] == (
        "next: no command to build it again: its theme 'mine' is neither a built-in theme nor a theme folder "
        "here: with that folder at that path, run this again, or build the brief with --theme and a theme of "
        "yours"
    )
    assert (workdir / "there" / "brief.yaml").is_file()
