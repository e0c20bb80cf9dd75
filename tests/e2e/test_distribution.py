"""Distributing reports: OUT/manifest.json, reproducible PDFs, and `briefgen bundle`."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, engines, require_tool, run_cli
from tests.e2e.test_verbosity import over_budget

MINIMAL = FIXTURES / "minimal.yaml"


def _manifest(out: Path) -> dict:
    text = (out / "manifest.json").read_text(encoding="utf-8")
    assert text.endswith("}\n")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return data


def _identifier(pdf: bytes) -> bytes:
    found = re.search(rb"/ID\s*\[\s*([(<][^)>]*[)>])", pdf)
    assert found, "the PDF has a file identifier"
    return found.group(1)


def test_manifest_describes_each_pdf_and_notes_a_replacement(workdir: Path) -> None:
    brief = workdir / "minimal.yaml"
    brief.write_bytes(MINIMAL.read_bytes())
    assert run_cli("build", "minimal.yaml", "--engine", "typst")[0] == 0
    files = _manifest(workdir / "out")["files"]
    assert sorted(files) == ["minimal-brief.en.pdf", "minimal-brief.fr.pdf"]
    for name, entry in files.items():
        data = (workdir / "out" / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
        assert entry["brief"] == "minimal-brief" and entry["source"] == "minimal.yaml"
        assert entry["engine"] == "typst" and entry["format"] == "pdf" and entry["pages"] >= 1
        assert (
            entry["inputs"]
            == hashlib.sha256(
                f"{hashlib.sha256(brief.read_bytes()).hexdigest()}  minimal.yaml\n".encode()
            ).hexdigest()
        )
        assert "replaced" not in entry
    assert files["minimal-brief.fr.pdf"]["language"] == "fr"

    assert run_cli("build", "minimal.yaml", "--lang", "en")[0] == 0  # weasyprint, English only
    files = _manifest(workdir / "out")["files"]
    assert files["minimal-brief.en.pdf"]["engine"] == "weasyprint"
    assert files["minimal-brief.en.pdf"]["replaced"] == "typst"
    assert files["minimal-brief.fr.pdf"]["engine"] == "typst", "entries of files not rebuilt are kept"

    (workdir / "out" / "minimal-brief.fr.pdf").unlink()
    code, stdout, _stderr = run_cli("build", "minimal.yaml", "--lang", "en")
    assert code == 0 and stdout == "out/minimal-brief.en.pdf  up to date\n"
    files = _manifest(workdir / "out")["files"]
    assert sorted(files) == ["minimal-brief.en.pdf"], "an entry whose file is gone is dropped"
    assert files["minimal-brief.en.pdf"]["replaced"] == "typst", "the same file: the same entry"
    assert run_cli("build", "minimal.yaml", "--lang", "en", "--force")[0] == 0
    assert "replaced" not in _manifest(workdir / "out")["files"]["minimal-brief.en.pdf"]


def test_a_failed_build_changes_neither_pdfs_nor_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", MINIMAL, "--out", out)[0] == 0
    good = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "manifest.json" in good
    broken = tmp_path / "minimal.yaml"
    broken.write_text(MINIMAL.read_text().replace("value: 1200", "value: lots"), encoding="utf-8")
    assert run_cli("build", broken, "--out", out, "--engine", "typst")[0] == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == good


def test_no_manifest_for_sources_and_a_bad_manifest_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", MINIMAL, "--out", out, "--format", "typ")[0] == 0
    assert not (out / "manifest.json").exists()
    (out / "manifest.json").write_text("{oops", encoding="utf-8")
    code, stdout, stderr = run_cli("build", MINIMAL, "--out", out, "--engine", "typst")
    assert code == 2 and stdout == "" and "Traceback" not in stderr
    assert re.fullmatch(r".*manifest\.json:1:2: not valid JSON: .*\n", stderr)
    assert not list(out.glob("*.pdf"))


@pytest.mark.parametrize("engine", engines("weasyprint", "typst", "latex"))
def test_rebuilds_are_byte_identical(tmp_path: Path, engine: str) -> None:
    if engine == "latex":
        require_tool("lualatex", "the latex engine")
    built = []
    for folder in ("one", "two"):
        assert (
            run_cli("build", MINIMAL, "--lang", "en", "--engine", engine, "--out", tmp_path / folder)[0] == 0
        )
        built.append((tmp_path / folder / "minimal-brief.en.pdf").read_bytes())
    assert built[0] == built[1]
    assert (tmp_path / "one" / "manifest.json").read_bytes() == (
        tmp_path / "two" / "manifest.json"
    ).read_bytes()


@pytest.mark.parametrize("engine", engines("weasyprint", "typst", "latex"))
def test_same_words_different_briefs_get_different_identifiers(tmp_path: Path, engine: str) -> None:
    if engine == "latex":
        require_tool("lualatex", "the latex engine")
    other = tmp_path / "other.yaml"  # the same words, another id: the PDFs' text is the same
    other.write_text(MINIMAL.read_text().replace("id: minimal-brief", "id: other-brief"), encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("build", MINIMAL, other, "--lang", "en", "--engine", engine, "--out", out)[0] == 0
    first = (out / "minimal-brief.en.pdf").read_bytes()
    second = (out / "other-brief.en.pdf").read_bytes()
    assert _identifier(first) != _identifier(second)


def test_bundle_holds_the_pdfs_their_manifest_and_sums(workdir: Path) -> None:
    (workdir / "minimal.yaml").write_bytes(MINIMAL.read_bytes())
    code, _, stderr = run_cli("bundle", "minimal.yaml")
    assert code == 2
    assert stderr == "minimal.yaml: no PDF of 'minimal-brief' in out/: run `briefgen build minimal.yaml`\n"
    assert not (workdir / "out").exists()

    assert run_cli("build", "minimal.yaml", "--engine", "typst")[0] == 0
    code, stdout, _ = run_cli("bundle", "minimal.yaml")
    assert code == 0 and stdout == "out/bundles/minimal-brief.zip\n"
    first = (workdir / "out" / "bundles" / "minimal-brief.zip").read_bytes()
    with zipfile.ZipFile(workdir / "out" / "bundles" / "minimal-brief.zip") as archive:
        names = archive.namelist()
        assert (
            names
            == sorted(names)
            == [
                "SHA256SUMS",
                "manifest.json",
                "minimal-brief.en.pdf",
                "minimal-brief.fr.pdf",
            ]
        )
        for info in archive.infolist():
            assert info.date_time == (2024, 3, 5, 0, 0, 0) and (info.external_attr >> 16) == 0o100644
        sums = archive.read("SHA256SUMS").decode()
        for line in sums.splitlines():
            digest, name = line.split("  ")
            assert digest == hashlib.sha256(archive.read(name)).hexdigest()
            assert archive.read(name) == (workdir / "out" / name).read_bytes()
        assert len(sums.splitlines()) == 2
        files = json.loads(archive.read("manifest.json"))["files"]
        assert sorted(files) == ["minimal-brief.en.pdf", "minimal-brief.fr.pdf"]

    (workdir / "out" / "bundles" / "minimal-brief.zip").unlink()
    assert run_cli("bundle", "minimal.yaml")[0] == 0
    assert (workdir / "out" / "bundles" / "minimal-brief.zip").read_bytes() == first
    assert run_cli("bundle", "minimal.yaml", "--one")[0] == 0
    with zipfile.ZipFile(workdir / "out" / "bundles" / "briefings.zip") as archive:
        assert "minimal-brief.fr.pdf" in archive.namelist()


def test_bundle_refuses_pdfs_older_than_the_brief(workdir: Path) -> None:
    brief = workdir / "minimal.yaml"
    brief.write_bytes(MINIMAL.read_bytes())
    assert run_cli("build", "minimal.yaml", "--engine", "typst", "--lang", "en")[0] == 0
    brief.write_text(MINIMAL.read_text() + "# edited\n", encoding="utf-8")
    code, _, stderr = run_cli("bundle", "minimal.yaml")
    assert code == 2 and "built from an older minimal.yaml" in stderr
    assert not (workdir / "out" / "bundles").exists()


# -- --pdf-standard, --strict and the files a PDF carries -------------------------------------------------


def test_strict_makes_the_page_budget_an_error_and_writes_nothing(tmp_path: Path) -> None:
    brief, out = over_budget(tmp_path), tmp_path / "out"
    code, _, stderr = run_cli("build", brief, "--out", out, "--engine", "typst", "--strict")
    assert code == 2
    line = next(x for x in stderr.splitlines() if "page budget" in x)
    budget_line = brief.read_text().splitlines().index("page_budget: 1") + 1
    assert re.fullmatch(
        rf".*long\.yaml:{budget_line}:\d+: .*minimal-brief\.(en|fr)\.pdf: 3 pages, over the brief's page budget "
        r"of 1 \(--strict makes it an error\)",
        line,
    ), stderr
    assert sum("page budget" in x for x in stderr.splitlines()) == 2, "both languages, reported together"
    assert not out.exists() or not any(out.iterdir()), "nothing written"
    code, _, stderr = run_cli("build", brief, "--out", out, "--engine", "typst")
    assert code == 0 and stderr.count("over the brief's page budget of 1") == 2, "a warning without --strict"


def test_the_project_file_sets_standards_and_strict(workdir: Path) -> None:
    over_budget(workdir)
    (workdir / "briefgen.toml").write_text('strict = true\npdf-standard = ["a-2b"]\n', encoding="utf-8")
    code, _, stderr = run_cli("build", "long.yaml", "--engine", "typst")
    assert code == 2 and "--strict makes it an error" in stderr
    (workdir / "briefgen.toml").write_text('pdf-standard = "a-4"\n', encoding="utf-8")
    code, _, stderr = run_cli("build", "long.yaml", "--engine", "typst")
    assert code == 2
    assert stderr.startswith("briefgen.toml:1:16: pdf-standard: unknown PDF standard 'a-4'"), stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a-2b,a-3b", "a PDF meets one PDF/A part, not a-2b and a-3b"),
        ("ua-2", "unknown PDF standard 'ua-2' (standards: ua-1, a-2b, a-3b)"),
    ],
)
def test_a_bad_standard_is_a_usage_error(tmp_path: Path, value: str, message: str) -> None:
    code, _, stderr = run_cli("build", MINIMAL, "--out", tmp_path / "out", "--pdf-standard", value)
    assert code == 2 and message in stderr and not (tmp_path / "out").exists()


def test_a_standard_the_engine_does_not_write_is_refused_with_those_that_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from briefgen import backends

    typst = backends.BACKENDS["typst"]
    monkeypatch.setitem(backends.BACKENDS, "typst", replace(typst, refuses=(("ua-1", "for a reason"),)))
    code, _, stderr = run_cli(
        "build", MINIMAL, "--out", tmp_path / "out", "--engine", "typst", "--pdf-standard", "PDF/UA-1"
    )
    assert code == 2 and not (tmp_path / "out").exists()
    assert (
        "--pdf-standard ua-1: the typst engine does not write ua-1 (for a reason); engines that write it: "
        in stderr
    )
    assert "weasyprint" in stderr.split("engines that write it: ")[1]


@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_each_pdf_carries_its_brief_and_build_record(tmp_path: Path, engine: str) -> None:
    """The Kyutai brief's one source is a press article: its text is not passed on, but named by the record."""
    from pypdf import PdfReader

    out = tmp_path / "out"
    kyutai = Path("briefs/kyutai-launch")
    assert run_cli("build", kyutai, "--out", out, "--engine", engine, "--lang", "fr")[0] == 0
    pdf = PdfReader(out / "kyutai-launch.fr.pdf")
    attached = {name: data[0] for name, data in pdf.attachments.items()}
    inputs = sorted(p.relative_to(kyutai).as_posix() for p in kyutai.rglob("*") if p.is_file())
    assert inputs == ["brief.yaml", "source.fr.txt"]
    assert sorted(attached) == ["brief.yaml", "briefgen-build.json"]
    assert attached["brief.yaml"] == (kyutai / "brief.yaml").read_bytes()
    record = json.loads(attached["briefgen-build.json"])
    assert record["withheld"] == {"source.fr.txt": "not redistributable (source 'source', press-article)"}
    assert record["attached"] == "all"
    entry = _manifest(out)["files"]["kyutai-launch.fr.pdf"]
    assert record["engine"] == engine and record["engine_version"] == entry["engine_version"]
    assert record["brief"] == "kyutai-launch" and record["language"] == "fr" and record["theme"] == "briefing"
    assert record["inputs"] == entry["inputs"] and record["standards"] == []
    assert record["files"] == {n: hashlib.sha256((kyutai / n).read_bytes()).hexdigest() for n in inputs}


def test_a2b_attaches_nothing_and_says_so(tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "out"
    code, _, stderr = run_cli("build", MINIMAL, "--out", out, "--engine", "typst", "--pdf-standard", "a-2b")
    assert code == 0, stderr
    assert "PDF/A-2 allows no attached files, so the brief and its build record are not attached" in stderr
    assert not PdfReader(out / "minimal-brief.en.pdf").attachments
    assert _manifest(out)["files"]["minimal-brief.en.pdf"]["standards"] == ["a-2b"]


def test_attach_record_keeps_the_inputs_out_and_names_them_by_sha256(tmp_path: Path) -> None:
    from pypdf import PdfReader

    out, kyutai = tmp_path / "out", Path("briefs/kyutai-launch")
    code, _, stderr = run_cli(
        "build", kyutai, "--out", out, "--engine", "typst", "--lang", "en", "--attach", "record"
    )
    assert code == 0, stderr
    pdf = out / "kyutai-launch.en.pdf"
    attached = {name: data[0] for name, data in PdfReader(pdf).attachments.items()}
    assert sorted(attached) == ["briefgen-build.json"]
    record = json.loads(attached["briefgen-build.json"])
    assert record["attached"] == "record" and record["withheld"] == {}, (
        "the record alone: nothing to withhold"
    )
    names = ("brief.yaml", "source.fr.txt")
    assert record["files"] == {
        name: hashlib.sha256((kyutai / name).read_bytes()).hexdigest() for name in names
    }
    assert _manifest(out)["files"]["kyutai-launch.en.pdf"]["attached"] == "record"
    code, stdout, _ = run_cli("inspect", pdf)
    assert code == 0
    assert re.search(r"brief\.yaml +not attached \(--attach record\): sha256 [0-9a-f]{64}", stdout)
    assert "MISSING" not in stdout
    code, _, stderr = run_cli("inspect", pdf, "--extract", tmp_path / "again")
    assert code == 2 and "it was built with --attach record" in stderr
    assert not (tmp_path / "again").exists()


def test_attach_none_carries_nothing_and_inspect_says_why(workdir: Path) -> None:
    from pypdf import PdfReader

    (workdir / "minimal.yaml").write_bytes(MINIMAL.read_bytes())
    (workdir / "briefgen.toml").write_text('attach = "none"\n', encoding="utf-8")
    code, _, stderr = run_cli("build", "minimal.yaml", "--engine", "typst", "--pdf-standard", "a-2b")
    assert code == 0 and "warning" not in stderr, "nothing to leave out: no warning"
    pdf = workdir / "out" / "minimal-brief.fr.pdf"
    assert not PdfReader(pdf).attachments
    assert _manifest(workdir / "out")["files"]["minimal-brief.fr.pdf"]["attached"] == "none"
    code, stdout, stderr = run_cli("inspect", pdf)
    assert (code, stderr) == (0, "")
    assert "  no build record: built with --attach none or a-2b, or not by briefgen" in stdout.splitlines()
    (workdir / "briefgen.toml").write_text('attach = "some"\n', encoding="utf-8")
    code, _, stderr = run_cli("build", "minimal.yaml")
    assert code == 2 and "briefgen.toml:1:10: attach: unknown attach 'some'" in stderr, stderr
