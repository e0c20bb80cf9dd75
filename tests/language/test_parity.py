"""`briefgen check`: each parity finding between languages, at its exact line, and the exit codes."""

from __future__ import annotations

from pathlib import Path

from briefgen.brief.model import fingerprint
from tests.conftest import FIXTURES, run_cli

GOOD = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def col_of(path: Path, line: int, needle: str) -> int:
    return path.read_text().splitlines()[line - 1].index(needle) + 1


def test_the_minimal_brief_is_clean() -> None:
    code, stdout, stderr = run_cli("check", FIXTURES / "minimal.yaml")
    assert code == 0, stderr
    assert stdout.strip() == "1 brief checked: 0 error(s), 0 warning(s)"


def test_a_number_missing_from_the_other_language_is_a_warning(tmp_path: Path) -> None:
    text = GOOD.replace(
        "{fr: Point deux, en: Point two}", '{fr: "Point deux, 1 500 fois", en: "Point two, 12 times"}'
    )
    brief = write(tmp_path, text)
    code, stdout, stderr = run_cli("check", brief)
    assert code == 0, stderr
    line = line_of(brief, "Point deux")
    fr_col, en_col = col_of(brief, line, '"Point deux'), col_of(brief, line, '"Point two')
    assert stderr.splitlines() == [
        f"{brief}:{line}:{fr_col}: warning: the number 12 in 'en' is not in 'fr'",
        f"{brief}:{line}:{en_col}: warning: the number 1500 in 'fr' is not in 'en'",
    ]
    assert stdout.strip() == "1 brief checked: 0 error(s), 2 warning(s)"
    code, _, stderr = run_cli("check", "--strict", brief)
    assert code == 2 and stderr.splitlines()[-1] == "1 brief checked: 2 error(s), 0 warning(s)"


def test_numbers_are_read_per_locale(tmp_path: Path) -> None:
    brief = write(
        tmp_path,
        GOOD.replace("{fr: Point un, en: Point one}", '{fr: "1 200,5 et 2023", en: "1,200.5 and 2023"}'),
    )
    code, _, stderr = run_cli("check", "--strict", brief)
    assert code == 0, stderr


def test_fact_references_and_urls_must_match(tmp_path: Path) -> None:
    text = GOOD.replace(
        "{fr: Point un, en: Point one}", '{fr: "Voir {{staff}} et https://a.example/x", en: "See the staff"}'
    )
    brief = write(tmp_path, text)
    code, _, stderr = run_cli("check", brief)
    line = line_of(brief, "Voir {{staff}}")
    col = col_of(brief, line, '"See')
    assert f"{brief}:{line}:{col}: warning: 'fr' refers to {{{{staff}}}}, 'en' does not" in stderr
    assert f"{brief}:{line}:{col}: warning: the URL https://a.example/x in 'fr' is not in 'en'" in stderr
    assert code == 0


def test_lists_of_different_lengths_are_an_error(tmp_path: Path) -> None:
    brief = write(tmp_path, GOOD.replace("page_budget: 2", "page_budget: 2\nkeywords: {fr: [a, b], en: [a]}"))
    code, _, stderr = run_cli("check", brief)
    line = line_of(brief, "keywords")
    assert code == 2
    assert f"{brief}:{line}:11: lists of different lengths (fr: 2, en: 1)" in stderr


def test_a_translation_older_than_its_original(tmp_path: Path) -> None:
    current = fingerprint("Point un")
    fresh = GOOD.replace(
        "{fr: Point un, en: Point one}", f"{{fr: Point un, en: Point one, translated: {{en: {current}}}}}"
    )
    code, _, stderr = run_cli("check", "--strict", write(tmp_path, fresh))
    assert code == 0, stderr
    stale = fresh.replace("fr: Point un,", "fr: Premier point,")
    brief = write(tmp_path, stale)
    code, _, stderr = run_cli("check", brief)
    line = line_of(brief, "Premier point")
    now = fingerprint("Premier point")
    assert code == 0
    assert stderr.splitlines()[0] == (
        f"{brief}:{line}:{col_of(brief, line, 'Point one')}: warning: the 'en' translation is older than its 'fr' "
        f"original (recorded {current}, now {now}): update it, then record translated: {{en: {now}}}"
    )


def test_missing_text_is_an_error_and_nothing_is_written(tmp_path: Path) -> None:
    brief = write(tmp_path, GOOD.replace("{fr: Point un, en: Point one}", "{fr: Point un}"))
    code, stdout, stderr = run_cli("check", brief)
    line = line_of(brief, "{fr: Point un}")
    assert code == 2 and stdout == ""
    assert stderr.splitlines() == [
        f"{brief}:{line}:{col_of(brief, line, '{fr')}: missing 'en' text (languages: fr, en)",
        "1 brief checked: 1 error(s), 0 warning(s)",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.yaml"]


def test_the_kyutai_brief_passes_cleanly() -> None:
    from tests.conftest import KYUTAI

    code, stdout, stderr = run_cli("check", "--strict", KYUTAI)
    assert code == 0, stderr
    assert stdout.strip() == "1 brief checked: 0 error(s), 0 warning(s)"
