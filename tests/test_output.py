"""Builds into one output folder: at the same time they keep each other's manifest entries (the folder's lock),
and a batch that fails while its files are put in place leaves every file and the manifest as they were."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.errors import EXIT_ENGINE
from tests.conftest import FIXTURES, run_cli

MINIMAL = FIXTURES / "minimal.yaml"
TRIES = 10


def _brief(folder: Path, brief_id: str) -> Path:
    path = folder / f"{brief_id}.yaml"
    path.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("id: minimal-brief", f"id: {brief_id}"), "utf-8"
    )
    return path


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under `folder` (folders as None), hidden ones included."""
    return {
        p.relative_to(folder).as_posix(): (None if p.is_dir() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.slow
def test_two_builds_at_once_into_one_folder_keep_both_entries(tmp_path: Path) -> None:
    briefs = [_brief(tmp_path, "alpha"), _brief(tmp_path, "bravo")]
    kept = 0
    for attempt in range(TRIES):
        out = tmp_path / f"out-{attempt}"
        command = [sys.executable, "-m", "briefgen", "build", "--engine", "typst", "--lang", "en", "-q"]
        runs = [
            subprocess.Popen(
                [*command, "--out", str(out), str(brief)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for brief in briefs
        ]
        for run in runs:
            _stdout, stderr = run.communicate(timeout=300)
            assert run.returncode == 0, stderr
        files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
        for name, entry in files.items():
            assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
        kept += sorted(files) == ["alpha.en.pdf", "bravo.en.pdf"]
    assert kept == TRIES, f"both entries kept in {kept} of {TRIES} tries"


def test_a_folder_where_a_pdf_goes_replaces_nothing(tmp_path: Path) -> None:
    """The French PDF would be put in place before the English one's folder is met: nothing is."""
    out = tmp_path / "out"
    assert run_cli("build", MINIMAL, "--engine", "typst", "--out", out)[0] == 0
    (out / "minimal-brief.en.pdf").unlink()
    (out / "minimal-brief.en.pdf").mkdir()
    before = _snapshot(out)
    changed = tmp_path / "minimal.yaml"
    changed.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("A test headline", "Another headline"), "utf-8"
    )
    code, stdout, stderr = run_cli("build", changed, "--engine", "typst", "--out", out)
    assert code == EXIT_ENGINE and stdout == "" and "Traceback" not in stderr
    assert stderr.strip().endswith("out/minimal-brief.en.pdf: cannot write: a folder is in the way"), stderr
    assert _snapshot(out) == before, "a file was replaced, or a temporary file left"


@pytest.mark.parametrize(
    ("first", "failing"),
    [
        ("fr,en", "minimal-brief.en.pdf"),  # the second PDF: the first is put back
        ("fr,en", "manifest.json"),  # the last file: both PDFs are put back
        ("fr", "manifest.json"),  # a PDF that was not there before is removed again
    ],
)
def test_a_batch_failing_half_way_puts_every_file_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str, failing: str
) -> None:
    out = tmp_path / "out"
    assert run_cli("build", MINIMAL, "--engine", "typst", "--lang", first, "--out", out)[0] == 0
    before = _snapshot(out)
    changed = tmp_path / "minimal.yaml"
    changed.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("A test headline", "Another headline"), "utf-8"
    )
    real = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str], **kwargs: object) -> None:
        if Path(dst).name == failing and str(src).endswith(".part"):
            raise OSError(5, os.strerror(5))
        real(src, dst, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    code, stdout, stderr = run_cli("build", changed, "--engine", "typst", "--out", out)
    assert code == EXIT_ENGINE and stdout == "" and "Traceback" not in stderr
    assert stderr.strip().endswith(f"out/{failing}: cannot write: {os.strerror(5)}"), stderr
    assert _snapshot(out) == before, "a file was replaced, or a temporary file left"
    monkeypatch.undo()
    assert run_cli("build", changed, "--engine", "typst", "--out", out)[0] == 0, (
        "the folder is as good as before"
    )
    shutil.rmtree(out)


def test_a_file_that_cannot_be_put_back_is_kept_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch fails at its second PDF, and the first cannot be put back either: the former first PDF is
    not lost, and a warning says where it is kept."""
    out = tmp_path / "out"
    assert run_cli("build", MINIMAL, "--engine", "typst", "--lang", "fr,en", "--out", out)[0] == 0
    former = (out / "minimal-brief.fr.pdf").read_bytes()
    changed = tmp_path / "minimal.yaml"
    changed.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("A test headline", "Another headline"), "utf-8"
    )
    real = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str], **kwargs: object) -> None:
        if (Path(dst).name == "minimal-brief.en.pdf" and str(src).endswith(".part")) or str(src).endswith(
            ".old"
        ):
            raise OSError(5, os.strerror(5))
        real(src, dst, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    code, _stdout, stderr = run_cli("build", changed, "--engine", "typst", "--out", out)
    monkeypatch.undo()
    assert code == EXIT_ENGINE and "Traceback" not in stderr
    (warning,) = [line for line in stderr.splitlines() if "cannot be put back" in line]
    kept = out / warning.rsplit("the former file is kept as ", 1)[1].split("/")[-1]
    assert kept.read_bytes() == former
