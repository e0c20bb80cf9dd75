"""briefgen.distributed: the documents of a batch as jobs, shards that cover each exactly once, and build_one
giving the bytes `briefgen build` writes."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from briefgen.distributed import DocumentJob, build_one, documents, shard
from briefgen.errors import InputError
from briefgen.settings import Settings
from tests.conftest import FIXTURES, KYUTAI, ROOT, run_cli

TYPST = Settings(engine="typst")


@pytest.fixture(scope="module")
def every() -> list[DocumentJob]:
    return documents([ROOT / "briefs"], TYPST)


def test_documents_are_every_brief_in_every_language(every: list[DocumentJob]) -> None:
    names = [job.name for job in every]
    assert "kyutai-launch.fr.pdf" in names and "kyutai-launch.en.pdf" in names
    assert len(names) == len(set(names)) > 2


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_the_shards_cover_each_document_exactly_once(every: list[DocumentJob], count: int) -> None:
    shards = [shard(every, index, count) for index in range(1, count + 1)]
    names = sorted(job.name for part in shards for job in part)
    assert names == sorted(job.name for job in every)


def test_a_document_stays_in_its_shard_when_a_brief_is_added(every: list[DocumentJob]) -> None:
    added = DocumentJob(KYUTAI, "fr", "another-brief", TYPST)
    before = [job.name for job in shard(every, 2, 3)]
    assert [job.name for job in shard([*every, added], 2, 3) if job is not added] == before


def test_a_shard_number_outside_1_to_n_is_refused(every: list[DocumentJob]) -> None:
    with pytest.raises(ValueError, match="shard 0/3: the shard is a number from 1 to 3"):
        shard(every, 0, 3)


def test_a_job_pickles_for_another_process(every: list[DocumentJob]) -> None:
    assert pickle.loads(pickle.dumps(every[0])) == every[0]


def test_build_one_gives_the_bytes_the_command_line_writes(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", KYUTAI, "--engine", "typst", "--lang", "en", "--out", tmp_path)
    assert code == 0, stderr
    (job,) = [job for job in documents([KYUTAI], TYPST) if job.lang == "en"]
    pdf = build_one(job)
    assert pdf.startswith(b"%PDF-")
    assert pdf == (tmp_path / job.name).read_bytes()
    assert not list(Path.cwd().glob("kyutai-launch.en.pdf"))  # written nowhere


def test_an_invalid_brief_is_one_error_with_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((FIXTURES / "minimal.yaml").read_text(encoding="utf-8") + "\nunknown_key: 1\n", "utf-8")
    with pytest.raises(InputError) as raised:
        documents([bad], TYPST)
    assert any("unknown_key" in str(problem) for problem in raised.value.problems)
