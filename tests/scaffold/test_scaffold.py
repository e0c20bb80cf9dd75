"""`briefgen new`: a brief to start from, which validates, passes `check --strict` and builds in every engine."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml
from pypdf import PdfReader

from briefgen.backends import ENGINES
from briefgen.brief.read import load_yaml
from briefgen.language.catalog import BUILTIN_CATALOGS, load_catalog
from briefgen.scaffold import languages
from briefgen.schema import brief_schema, schema_text
from tests import pdfcheck
from tests.conftest import engines, require_tool, run_cli
from tests.test_schema import as_json

SCHEMA_LINE = "# yaml-language-server: $schema="


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_new_writes_a_brief_and_its_schema_beside_it(workdir: Path) -> None:
    """In briefs/, made when missing: the folder build, publish and bundle read when given no path."""
    assert not (workdir / "briefs").exists()
    code, stdout, stderr = run_cli("new", "acme-lab")
    assert code == 0, stderr
    assert stdout.splitlines() == [
        "briefs/acme-lab/brief.yaml",
        "briefs/acme-lab/brief.schema.json",
        "next: edit briefs/acme-lab/brief.yaml, then run `briefgen build briefs/acme-lab`",
    ]
    text = (workdir / "briefs" / "acme-lab" / "brief.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE + "brief.schema.json", (
        "offline: the schema is beside the brief"
    )
    assert (workdir / "briefs" / "acme-lab" / "brief.schema.json").read_text(encoding="utf-8") == schema_text(
        "brief"
    )
    data = yaml.safe_load(text)
    assert data["id"] == "acme-lab" and data["languages"] == ["en"]
    assert data["headline"] == {"en": "Write the headline: who announced what."}, "a text says what to write"
    assert data["sources"] == [
        {
            "id": "source",
            "kind": "other",
            "language": "en",
            "title": None,
            "outlet": None,
            "date": None,
            "url": None,
        }
    ], "without --source, a source with no file"
    code, stdout, stderr = run_cli("check", "--strict")  # found without a path
    assert code == 0 and "1 brief checked" in stdout + stderr, stderr


def test_new_goes_into_the_project_files_briefs_folder(workdir: Path) -> None:
    (workdir / "briefs").mkdir()
    (workdir / "notes" / "2026").mkdir(parents=True)
    (workdir / "briefgen.toml").write_text('briefs = "notes/2026"\n', encoding="utf-8")
    code, stdout, stderr = run_cli("new", "acme-lab", "--lang", "en")
    assert code == 0, stderr
    assert sorted(_tree(workdir / "notes")) == ["2026/acme-lab/brief.schema.json", "2026/acme-lab/brief.yaml"]
    assert not any((workdir / "briefs").iterdir())
    assert "next: edit notes/2026/acme-lab/brief.yaml" in stdout
    code, _, stderr = run_cli("build", "--engine", "typst")  # the same folder build reads
    assert code == 0 and (workdir / "out" / "acme-lab.en.pdf").is_file(), stderr


def test_new_goes_into_briefs_when_there_is_one(workdir: Path) -> None:
    (workdir / "briefs").mkdir()
    code, _, stderr = run_cli("new", "acme-lab", "--lang", "fr,en")
    assert code == 0, stderr
    assert sorted(_tree(workdir)) == ["briefs/acme-lab/brief.schema.json", "briefs/acme-lab/brief.yaml"]
    code, stdout, stderr = run_cli("check", "--strict")
    assert code == 0 and "1 brief checked: 0 error(s), 0 warning(s)" in stdout + stderr


def test_in_a_repository_with_the_current_schema_the_brief_points_to_it(workdir: Path) -> None:
    (workdir / "docs").mkdir()
    (workdir / "docs" / "brief.schema.json").write_text(schema_text("brief"), encoding="utf-8")
    code, _, stderr = run_cli("new", "acme-lab", "--dir", "briefs")
    assert code == 0, stderr
    assert sorted(_tree(workdir / "briefs")) == ["acme-lab/brief.yaml"]
    first = (workdir / "briefs" / "acme-lab" / "brief.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_LINE + "../../docs/brief.schema.json"
    assert (workdir / "briefs" / "acme-lab" / first.removeprefix(SCHEMA_LINE)).resolve().is_file()
    # A copy from another version is not the schema of this one: the current schema is written beside.
    (workdir / "docs" / "brief.schema.json").write_text("{}\n", encoding="utf-8")
    code, _, stderr = run_cli("new", "other-lab", "--dir", "briefs")
    assert code == 0, stderr
    assert (workdir / "briefs" / "other-lab" / "brief.schema.json").is_file()


def test_the_source_is_copied_in_and_named(workdir: Path) -> None:
    release = workdir / "release.txt"
    release.write_bytes("Acme ouvre un laboratoire à Paris.\r\nIl comptera 40 chercheurs.\n".encode())
    code, stdout, stderr = run_cli(
        "new", "acme-lab", "--lang", "en,fr", "--source", release, "--source-lang", "fr"
    )
    assert code == 0, stderr
    assert "briefs/acme-lab/source.fr.txt" in stdout.splitlines()
    assert (workdir / "briefs" / "acme-lab" / "source.fr.txt").read_bytes() == release.read_bytes(), (
        "copied as it is"
    )
    (source,) = yaml.safe_load((workdir / "briefs" / "acme-lab" / "brief.yaml").read_text(encoding="utf-8"))[
        "sources"
    ]
    assert source["file"] == "source.fr.txt" and source["language"] == "fr"
    assert source["kind"] == "other", "a source's kind is the writer's to say, never guessed"
    written = (workdir / "briefs" / "acme-lab" / "brief.yaml").read_text(encoding="utf-8").splitlines()
    line = 1 + next(i for i, x in enumerate(written) if "kind:" in x)
    assert stderr.splitlines()[0] == (
        f"note: briefs/acme-lab/brief.yaml:{line}: the source's kind is 'other' until you say what it is "
        "(press-article, press-release, report, …); its text goes into the PDFs only with `redistribute: true`"
    )
    code, _, stderr = run_cli("new", "other-lab", "--lang", "de,en", "--source", release)
    assert code == 0, stderr
    assert (workdir / "briefs" / "other-lab" / "source.de.txt").is_file(), (
        "the first language, without --source-lang"
    )


@pytest.mark.parametrize("langs", ["en", "fr", "de", "en,fr", "fr,en,de"])
def test_the_new_brief_validates_against_its_schema_and_passes_check_strict(
    workdir: Path, langs: str
) -> None:
    code, _, stderr = run_cli("new", "acme-lab", "--lang", langs)
    assert code == 0, stderr
    brief = workdir / "briefs" / "acme-lab" / "brief.yaml"
    data = load_yaml(brief).data
    errors = [e.message for e in jsonschema.Draft202012Validator(brief_schema()).iter_errors(as_json(data))]
    assert not errors
    for lang in langs.split(","):
        assert set(data["headline"]) == set(langs.split(",")) and data["headline"][lang]
    code, stdout, stderr = run_cli("check", "--strict", brief)
    assert code == 0 and "0 error(s), 0 warning(s)" in stdout + stderr, stderr


@pytest.mark.parametrize("engine", engines(*ENGINES))
def test_the_new_brief_builds_in_every_engine(workdir: Path, engine: str) -> None:
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine")
    (workdir / "release.txt").write_text("Acme announced a laboratory in Paris.\n", encoding="utf-8")
    code, _, stderr = run_cli("new", "acme-lab", "--lang", "en,fr,de", "--source", "release.txt")
    assert code == 0, stderr
    code, stdout, stderr = run_cli("build", "briefs/acme-lab", "--engine", engine, "--out", "out")
    assert code == 0, stderr
    assert len(stdout.splitlines()) == 3
    headlines = {
        "en": "Write the headline: who announced what.",
        "fr": "Écrivez le titre\u00a0: qui a annoncé quoi.",
        "de": "Schreiben Sie die Überschrift: wer hat was angekündigt.",
    }
    for lang, headline in headlines.items():
        pdf = workdir / "out" / f"acme-lab.{lang}.pdf"
        assert pdfcheck.lang(pdf) and pdfcheck.lang(pdf).startswith(lang)
        assert " ".join(headline.split()) in " ".join(pdfcheck.text(pdf).split())
        # a new brief is a draft: the watermark of its language on every page
        word = {"en": "DRAFT", "fr": "BROUILLON", "de": "ENTWURF"}[lang]
        pages = PdfReader(pdf).pages
        assert all(word in "".join(page.extract_text().split()).upper() for page in pages), (lang, engine)


def test_an_existing_folder_is_never_overwritten(workdir: Path) -> None:
    (workdir / "briefs" / "acme-lab").mkdir(parents=True)
    (workdir / "briefs" / "acme-lab" / "brief.yaml").write_text("mine\n", encoding="utf-8")
    code, stdout, stderr = run_cli("new", "acme-lab")
    assert code == 2 and stdout == ""
    assert stderr.strip() == "briefs/acme-lab: already exists; not overwritten"
    assert _tree(workdir) == {"briefs/acme-lab/brief.yaml": b"mine\n"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Acme Lab"],
            "briefgen new: 'Acme Lab' is not a brief id: write it in kebab-case, like kyutai-launch",
        ),
        (
            ["acme_lab"],
            "briefgen new: 'acme_lab' is not a brief id: write it in kebab-case, like kyutai-launch",
        ),
        (
            ["acme-lab", "--lang", "en,nl"],
            "briefgen new: --lang nl: no built-in catalog for a new brief (available: de, en, en-GB, en-US, es, fr)",
        ),
        (["acme-lab", "--lang", "en,en"], "briefgen new: --lang: a language is named twice"),
        (
            ["acme-lab", "--lang", "en", "--source-lang", "fr"],
            "briefgen new: --source-lang fr: not one of --lang en",
        ),
        (["acme-lab", "--source", "missing.txt"], "missing.txt: no such file"),
    ],
)
def test_a_wrong_request_is_one_line_exit_2_and_writes_nothing(
    workdir: Path, args: list[str], message: str
) -> None:
    code, stdout, stderr = run_cli("new", *args)
    assert code == 2 and stdout == ""
    assert stderr.splitlines() == [message]
    assert not list(workdir.iterdir())


def test_a_source_that_is_not_text_is_refused_at_its_byte(workdir: Path) -> None:
    (workdir / "release.txt").write_bytes(b"Acme\n\xff\xfe announced\n")
    code, _, stderr = run_cli("new", "acme-lab", "--source", "release.txt")
    assert code == 2
    assert stderr.startswith("release.txt:2:1: not UTF-8 text: invalid byte")
    assert sorted(p.name for p in workdir.iterdir()) == ["release.txt"]


def test_every_built_in_catalog_has_the_texts_of_a_new_brief() -> None:
    assert languages() == sorted(p.stem for p in BUILTIN_CATALOGS.glob("*.yaml"))
    english = load_catalog("en").scaffold
    for lang in languages():
        texts = load_catalog(lang).scaffold
        assert set(texts) == set(english), lang
        assert len(texts["what_items"]) == len(english["what_items"]), lang


def test_build_outside_a_project_says_how_to_start(workdir: Path) -> None:
    for command in ("build", "check"):
        code, stdout, stderr = run_cli(command)
        assert code == 2 and stdout == ""
        assert stderr.splitlines()[0] == (
            "briefs: no such file or folder "
            "(run `briefgen new NAME` to start a brief, or name a brief file or folder)"
        )
    code, _, stderr = run_cli("build", "typo.yaml")
    assert code == 2 and stderr.splitlines()[0] == "typo.yaml: no such file or folder", (
        "a path given: no hint"
    )


def test_new_and_schema_are_in_the_help() -> None:
    code, stdout, _ = run_cli("--help")
    assert code == 0 and "new" in stdout.split() and "schema" in stdout.split()
    code, stdout, _ = run_cli("new", "--help")
    assert code == 0 and "--source-lang" in stdout and "kebab-case" in stdout
