"""A brief is read with YAML 1.2's booleans and numbers: `no`, `yes`, `on`, `off` are words, `012` is twelve."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.brief import read
from briefgen.brief.read import load_yaml
from briefgen.brief.validate import load_brief
from tests.conftest import FIXTURES, run_cli

GOOD = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("word", ["no", "No", "NO", "yes", "Yes", "on", "off", "y", "n", "Y", "N"])
def test_yes_no_on_off_are_words(word: str) -> None:
    assert load_yaml(Path("x.yaml"), f"a: [fr, {word}]\n").data == {"a": ["fr", word]}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("False", False),
        ("012", 12),  # not octal ten
        ("0o17", 15),
        ("0x1f", 31),
        ("1_000", "1_000"),  # not a thousand
        ("1:20", "1:20"),  # not eighty (sexagesimal)
        ("-3", -3),
        ("1.5", 1.5),
        ("~", None),
    ],
)
def test_numbers_and_booleans_as_yaml_1_2_reads_them(text: str, value: object) -> None:
    assert load_yaml(Path("x.yaml"), f"a: {text}\n").data == {"a": value}


def test_the_norway_problem_is_gone(tmp_path: Path) -> None:
    """`version: no` was the boolean False ("must be a string"); it is the word now, as the writer meant."""
    brief = tmp_path / "brief.yaml"
    brief.write_text(GOOD.replace('version: "0.1"', "version: no"), encoding="utf-8")
    code, _stdout, stderr = run_cli("check", brief)
    assert code == 0, stderr
    assert load_brief(brief).brief.version == "no"


def test_an_all_digit_fingerprint_is_a_fingerprint(tmp_path: Path) -> None:
    """`translated: {en: 12345678}` is read as a number by YAML: it is taken as the eight digits it was."""
    brief = tmp_path / "brief.yaml"
    text = GOOD.replace(
        "headline: {fr: Un titre de test, en: A test headline}",
        "headline: {fr: Un titre de test, en: A test headline, translated: {en: 01234567}}",
    )
    assert text != GOOD
    brief.write_text(text, encoding="utf-8")
    code, _stdout, stderr = run_cli("check", brief)
    assert code == 0, stderr
    assert "8-hex-digit" not in stderr
    assert load_brief(brief).brief.headline.translated == {"en": "01234567"}


# -- messages that say how to fix the brief ---------------------------------------------------------------------


def check_lines(tmp_path: Path, old: str, new: str) -> list[str]:
    text = GOOD.replace(old, new, 1)
    assert text != GOOD, old
    brief = tmp_path / "brief.yaml"
    brief.write_text(text, encoding="utf-8")
    code, _stdout, stderr = run_cli("check", brief)
    assert code == 2
    return stderr.splitlines()


def test_a_date_in_another_format_says_which_one(tmp_path: Path) -> None:
    lines = check_lines(tmp_path, "date: 2024-03-05", "date: 27/11/2026")
    assert any(
        "'date': '27/11/2026' is not a valid date" in line and "write YYYY-MM-DD" in line for line in lines
    )


def test_a_text_starting_with_a_star_must_be_quoted(tmp_path: Path) -> None:
    lines = check_lines(tmp_path, "author: Test Author", "author: **Test** Author")
    assert len(lines) == 2 and lines[1] == "1 brief checked: 1 error(s), 0 warning(s)", lines
    assert lines[0].endswith(
        'a text that starts with * must be quoted (YAML reads * as an alias), like "**Test** Author"'
    ), lines


def test_value_on_money_suggests_amount(tmp_path: Path) -> None:
    lines = check_lines(tmp_path, "type: money, amount: 2500000", "type: money, value: 2500000")
    assert any("unknown key 'value' (did you mean 'amount'?)" in line for line in lines), lines


REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    [
        *REPO.glob("briefs/*/brief.yaml"),
        *REPO.glob("templates/**/*.yaml"),
        *REPO.glob("src/briefgen/**/*.yaml"),
    ]
)


@pytest.mark.parametrize("file", SHIPPED, ids=lambda f: str(f.relative_to(REPO)))
def test_libyaml_and_pyyaml_read_the_same_values_at_the_same_places(file: Path) -> None:
    """load_yaml reads with libyaml when it can: the values and their line:column are those PyYAML's parser
    gives (a brief with French text, every theme manifest and catalog shipped)."""
    text = file.read_text(encoding="utf-8")
    fast = read._located(file, read._FastLoader(text))
    slow = read._located(file, read._Loader(text))
    assert fast.data == slow.data and fast.data
    assert fast.values == slow.values
    assert fast.problems == slow.problems
