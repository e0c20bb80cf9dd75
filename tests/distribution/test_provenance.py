"""What a PDF carries of its inputs: a source's text only with its consent (`redistribute`), every input named by
the build record, a withheld one with the reason; read back by qpdf, a tool briefgen did not write."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import KYUTAI, ROOT, require_tool, run_cli

ALLIANCE = ROOT / "briefs" / "ai-alliance-launch" / "brief.yaml"
RECORD = "briefgen-build.json"


def copy_with(brief: Path, folder: Path, after: str, line: str) -> Path:
    """A copy of the brief's folder under `folder`, with `line` added after the line `after` of its brief."""
    target = folder / brief.parent.name
    shutil.copytree(brief.parent, target)
    text = (target / "brief.yaml").read_text(encoding="utf-8")
    assert text.count(f"\n{after}\n") == 1, after
    (target / "brief.yaml").write_text(text.replace(f"\n{after}\n", f"\n{after}\n{line}\n"), encoding="utf-8")
    return target / "brief.yaml"


def qpdf_attachments(pdf: Path) -> dict[str, bytes]:
    """The files attached to a PDF, as qpdf lists and shows them."""
    require_tool("qpdf", "qpdf reads the attached files")
    listed = subprocess.run(
        ["qpdf", "--list-attachments", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    names = [line.split(" -> ")[0] for line in listed.splitlines() if " -> " in line]
    return {
        name: subprocess.run(
            ["qpdf", f"--show-attachment={name}", str(pdf)], capture_output=True, check=True
        ).stdout
        for name in names
    }


def build_en(brief: Path, out: Path) -> Path:
    code, _stdout, stderr = run_cli("build", brief, "--engine", "typst", "--lang", "en", "--out", out, "-q")
    assert code == 0, stderr
    return next(out.glob("*.en.pdf"))


def test_a_press_article_is_named_by_the_record_but_not_attached(tmp_path: Path) -> None:
    attached = qpdf_attachments(build_en(KYUTAI, tmp_path / "out"))
    assert sorted(attached) == ["brief.yaml", RECORD]
    record = json.loads(attached[RECORD])
    text = (KYUTAI.parent / "source.fr.txt").read_bytes()
    assert record["files"]["source.fr.txt"] == hashlib.sha256(text).hexdigest()
    assert record["withheld"] == {"source.fr.txt": "not redistributable (source 'source', press-article)"}


def test_an_article_whose_source_allows_it_is_attached(tmp_path: Path) -> None:
    """`redistribute: true` is how the rights holder (or a licence) lets the text go with the PDF."""
    brief = copy_with(KYUTAI, tmp_path, "  file: source.fr.txt", "  redistribute: true")
    attached = qpdf_attachments(build_en(brief, tmp_path / "out"))
    assert sorted(attached) == ["brief.yaml", RECORD, "source.fr.txt"]
    assert attached["source.fr.txt"] == (KYUTAI.parent / "source.fr.txt").read_bytes()
    assert attached["brief.yaml"] == brief.read_bytes()
    assert json.loads(attached[RECORD])["withheld"] == {}


def test_a_press_release_is_attached_unless_it_says_otherwise(tmp_path: Path) -> None:
    """The AI Alliance brief: its press release goes in by default (see test_inspect), not with
    `redistribute: false`; its newsletter article never without its consent."""
    brief = copy_with(ALLIANCE, tmp_path, "    file: source.en.txt", "    redistribute: false")
    attached = qpdf_attachments(build_en(brief, tmp_path / "out"))
    assert sorted(attached) == ["brief.yaml", RECORD, "figure.svg"]
    record = json.loads(attached[RECORD])
    assert record["withheld"] == {
        "bensbites.en.txt": "not redistributable (source 'bensbites', press-article)",
        "source.en.txt": "not redistributable (source 'release', press-release)",
    }
    assert sorted(record["files"]) == ["bensbites.en.txt", "brief.yaml", "figure.svg", "source.en.txt"]


@pytest.mark.parametrize(
    ("value", "said"),
    [("yes", "'yes'"), ("1", "1"), ("null", "empty"), ('"true"', "'true'")],
)
def test_redistribute_is_true_or_false(tmp_path: Path, value: str, said: str) -> None:
    """YAML 1.2: `yes` is a word, not true; a quoted "true" is a text."""
    brief = copy_with(KYUTAI, tmp_path, "  file: source.fr.txt", f"  redistribute: {value}")
    line = next(
        n for n, text in enumerate(brief.read_text().splitlines(), 1) if text == f"  redistribute: {value}"
    )
    error = f"{brief}:{line}:17: 'redistribute' must be true or false, not {said}"
    code, _stdout, stderr = run_cli("check", brief)
    assert code == 2 and error in stderr.splitlines(), stderr
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", brief, "--engine", "typst", "--out", out)
    assert code == 2 and error in stderr.splitlines(), stderr
    assert not out.exists() or not any(out.iterdir()), "nothing written"
