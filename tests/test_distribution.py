"""Distributing reports: OUT/manifest.json, reproducible PDFs, and `briefgen bundle`."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, require_tool, run_cli

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
    assert run_cli("build", "minimal.yaml", "--lang", "en")[0] == 0
    files = _manifest(workdir / "out")["files"]
    assert sorted(files) == ["minimal-brief.en.pdf"], "an entry whose file is gone is dropped"
    assert "replaced" not in files["minimal-brief.en.pdf"]


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


@pytest.mark.parametrize("engine", ["weasyprint", "typst", "latex"])
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


@pytest.mark.parametrize("engine", ["weasyprint", "typst", "latex"])
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
