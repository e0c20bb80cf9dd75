"""The fingerprint of a build: every setting counts unless declared unable to change an output's bytes, and a
manifest record that is not a sha256 is no record."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import briefgen
from briefgen import digests, fingerprint
from briefgen.build import Setup, plan, resolve
from briefgen.distribution import manifest
from briefgen.settings import CORES, Settings, fields
from tests.conftest import FIXTURES, KYUTAI

# A value other than the default for every setting: a setting added to the model without one here fails
# test_each_setting_counts_unless_excluded, and then counts in the fingerprint unless added to EXCLUDED.
OTHER: dict[str, object] = {
    "briefs": FIXTURES,
    "langs": ("en",),
    "engine": "typst",
    "out": Path("elsewhere"),
    "theme": "dossier",
    "templates": FIXTURES / "themes",
    "format": "typ",
    "standards": ("ua-1",),
    "attach": "none",
    "strict": True,
    "force": True,
    "jobs": CORES + 1,  # not the default (the cores)
    "timeout": 5.0,
    "mail": {"host": "smtp.example.org"},
}


@pytest.fixture(scope="module")
def setup() -> Setup:
    return resolve(Settings())


@pytest.mark.parametrize("name", list(fields()))
def test_each_setting_counts_unless_excluded(setup: Setup, name: str) -> None:
    assert name in OTHER, f"give the new setting '{name}' another value in OTHER"
    other = Settings(**{name: OTHER[name]})
    assert getattr(other, name) != getattr(setup.settings, name)
    changed = dataclasses.replace(setup, settings=other)
    if name in fingerprint.EXCLUDED:
        assert fingerprint.shared(changed) == fingerprint.shared(setup)
    else:
        assert fingerprint.shared(changed) != fingerprint.shared(setup)


def test_the_exclusions_are_settings() -> None:
    assert set(fingerprint.EXCLUDED) <= set(fields())


def test_each_output_has_its_own(setup: Setup) -> None:
    tasks = plan([KYUTAI, FIXTURES / "minimal.yaml"], setup).tasks
    shared = fingerprint.shared(setup)
    prints = {fingerprint.of_output(shared, t.loaded, t.lang, ".pdf") for t in tasks}
    assert len(prints) == len(tasks) == 4
    again = {fingerprint.of_output(fingerprint.shared(setup), t.loaded, t.lang, ".pdf") for t in tasks}
    assert again == prints, "the same inputs give the same fingerprints"


def test_versions_count(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    before = fingerprint.shared(setup)
    monkeypatch.setattr(briefgen, "__version__", "99.0.0")
    assert fingerprint.shared(setup) != before
    monkeypatch.undo()
    monkeypatch.setattr(digests, "engine_version", lambda backend: "99.0.0")
    assert fingerprint.shared(setup) != before


def test_a_file_is_read_again_when_it_changes(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_bytes(b"one")
    first = fingerprint.file_digest(file)
    file.write_bytes(b"two")
    assert fingerprint.file_digest(file) != first


ENTRY = {
    "brief": "minimal-brief",
    "source": "minimal.yaml",
    "language": "en",
    "engine": "typst",
    "engine_version": "0.13.2",
    "theme": "briefing",
    "format": "pdf",
    "pages": 2,
    "bytes": 100,
    "sha256": "a" * 64,
    "inputs": "b" * 64,
    "briefgen": "0.1.0",
}


@pytest.mark.parametrize(
    "record", ["c" * 63, "C" * 64, "c" * 65, 12, 1.5, True, ["c" * 64], {"c": 1}, "\x1b[0m" + "c" * 60, ""]
)
def test_a_record_that_is_not_a_sha256_is_none(record: object) -> None:
    entry = manifest.Entry.model_validate({**ENTRY, "fingerprint": record})
    assert entry.fingerprint is None
    assert fingerprint.stale(Path("."), entry.file_name, entry, "c" * 64) is not None


def test_a_sha256_record_is_kept() -> None:
    assert manifest.Entry.model_validate({**ENTRY, "fingerprint": "c" * 64}).fingerprint == "c" * 64
