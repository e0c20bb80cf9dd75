"""Bad briefs are rejected with `path:line:col: message`, every problem at once, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_cli

GOOD = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")


def brief_with(tmp_path: Path, old: str, new: str, name: str = "brief.yaml") -> Path:
    """The minimal fixture brief with one change, written to tmp_path."""
    assert old in GOOD, old
    path = tmp_path / name
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def errors(path: Path, out: Path) -> tuple[int, list[str]]:
    code, stdout, stderr = run_cli("build", path, "--out", out)
    assert stdout == ""
    assert "Traceback" not in stderr
    return code, stderr.splitlines()


CASES = [
    # (description, old, new, needle on the reported line, column or the text the column points at, message)
    ("yaml syntax", "languages: [fr, en]", "languages: [fr, en", "author:", 7, "YAML syntax error"),
    (
        "unknown key",
        "author: Test Author",
        "autor: Test Author",
        "autor:",
        1,
        "unknown key 'autor' (did you mean 'author'?)",
    ),
    (
        "unknown nested key",
        "currency: EUR",
        "curency: EUR",
        "curency",
        "curency",
        "unknown key 'curency' (did you mean 'currency'?)",
    ),
    (
        "wrong type",
        "value: 1200",
        "value: many",
        "value: many",
        "many",
        "'value': input should be a valid integer",
    ),
    (
        "unquoted version",
        'version: "0.1"',
        "version: 0.1",
        "version",
        "0.1",
        "'version' must be a string (quote it: \"0.1\")",
    ),
    (
        "missing language",
        "audience: {fr: Équipe test, en: Test team}",
        "audience: {fr: Équipe test}",
        "audience",
        "{fr",
        "missing 'en' text (languages: fr, en)",
    ),
    (
        "empty text",
        "headline: {fr: Un titre de test, en: A test headline}",
        'headline: {fr: Un titre de test, en: ""}',
        "headline",
        '""',
        "'en' must not be empty",
    ),
    ("empty field", "author: Test Author", "author:", "author:", 8, "'author' must not be empty"),
    ("missing field", "author: Test Author\n", "", "id:", 1, "missing required key 'author'"),
    (
        "undeclared language",
        "title: {fr: Détail, en: Detail}",
        "title: {fr: Détail, en: Detail, de: Einzelheit}",
        "Einzelheit",
        "de:",
        "language 'de' is not declared in 'languages'",
    ),
    (
        "unknown fact",
        "{{staff}} salariés",
        "{{staf}} salariés",
        "{{staf}}",
        '"Le',
        "unknown fact 'staf' (did you mean 'staff'?)",
    ),
    (
        "bad id",
        "id: minimal-brief",
        "id: Minimal_Brief",
        "id:",
        "Minimal",
        "'id': 'Minimal_Brief' is not kebab-case",
    ),
    (
        "unknown fact type",
        "type: count",
        "type: counter",
        "type: counter",
        "counter",
        "unknown fact type 'counter' (did you mean 'count'?)",
    ),
    (
        "fact type far from any",
        "type: count",
        "type: xyz",
        "type: xyz",
        "xyz",
        "unknown fact type 'xyz' (expected one of: money, count,",
    ),
    # The commonest YAML mistakes, said in a writer's words with the fix
    (
        "text starting with braces",
        "author: Test Author",
        "author: {{ name }}",
        "author:",
        "{{",
        'a text that starts with {{ must be quoted (YAML reads { as the start of a mapping), like "{{ name }}"',
    ),
    (
        "braces then words",
        "author: Test Author",
        "author: {{name}} et al.",
        "author:",
        "{{",
        "YAML syntax error: a text that starts with {{ must be quoted",
    ),
    (
        "colon in unquoted text",
        "author: Test Author",
        "author: Note: Test Author",
        "author:",
        ": Test",
        "YAML syntax error: a colon followed by a space inside a text that is not quoted: quote the whole "
        'text, like "Note: Test Author"',
    ),
    (
        "tab",
        "author: Test Author",
        "author:\tTest Author",
        "author:",
        8,
        "YAML syntax error: a tab character: YAML indents and separates with spaces only",
    ),
    (
        "number too large to read",
        "page_budget: 2",
        "page_budget: 1e999999999999999999999",
        "page_budget",
        "1e9",
        "the number 1e999999999999999999999 is too large to be read",
    ),
    (
        "unknown key fact",
        "key_facts: [budget, staff, opening]",
        "key_facts: [budget, staf, opening]",
        "key_facts",
        "staf",
        "unknown fact 'staf'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "needle", "column", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_bad_input_class_is_located(
    tmp_path: Path, old: str, new: str, needle: str, column: int | str, message: str
) -> None:
    brief = brief_with(tmp_path, old, new)
    out = tmp_path / "out"
    code, lines = errors(brief, out)
    assert code == 2
    line = line_of(brief, needle)
    if isinstance(column, str):
        column = brief.read_text().splitlines()[line - 1].index(column) + 1
    expected_prefix = f"{brief}:{line}:{column}: {message}"
    assert any(line.startswith(expected_prefix) for line in lines), (expected_prefix, lines)
    assert not out.exists(), "nothing is written for invalid input"


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    brief = brief_with(
        tmp_path, "classification: internal\n", "classification: internal\nclassification: public\n"
    )
    code, lines = errors(brief, tmp_path / "out")
    assert code == 2
    first, second = line_of(brief, "classification: internal"), line_of(brief, "classification: public")
    assert lines == [f"{brief}:{second}:1: duplicate key 'classification' (first defined at line {first})"]


def test_all_problems_reported_together_in_file_order(tmp_path: Path) -> None:
    text = GOOD.replace("author: Test Author", "autor: Test Author").replace("value: 1200", "value: many")
    text = text.replace("en: Point two}", "en: Point two}\n          - {fr: Point trois}")
    brief = tmp_path / "three.yaml"
    brief.write_text(text, encoding="utf-8")
    code, lines = errors(brief, tmp_path / "out")
    assert code == 2
    assert len(lines) == 4, lines  # unknown key + the missing 'author' it causes + wrong type + missing 'en'
    assert [int(line.split(":")[1]) for line in lines] == sorted(int(line.split(":")[1]) for line in lines)
    assert any("unknown key 'autor'" in line for line in lines)
    assert any("input should be a valid integer" in line for line in lines)
    assert any(f":{line_of(brief, 'Point trois')}:" in line and "missing 'en' text" in line for line in lines)


def test_excerpts_must_be_word_for_word_in_the_source(tmp_path: Path) -> None:
    (tmp_path / "source.txt").write_text("Le laboratoire compte six chercheurs.\n", encoding="utf-8")
    text = GOOD.replace("  language: en\n", "  language: fr\n  file: source.txt\n")
    text = text.replace(
        "      - items:", '        basis: ["compte six chercheurs", "compte sept chercheurs"]\n      - items:'
    )
    brief = tmp_path / "b.yaml"
    brief.write_text(text, encoding="utf-8")
    code, lines = errors(brief, tmp_path / "out")
    assert code == 2
    line = line_of(brief, "basis:")
    column = brief.read_text().splitlines()[line - 1].index('"compte sept') + 1
    message = "excerpt not found word for word in the source file; the nearest passage reads 'compte six chercheurs'"
    assert lines == [f"{brief}:{line}:{column}: {message}"]


def test_missing_source_file_is_reported(tmp_path: Path) -> None:
    brief = brief_with(tmp_path, "  language: en\n", "  language: en\n  file: nowhere.txt\n")
    code, lines = errors(brief, tmp_path / "out")
    assert code == 2
    assert lines[0].startswith(
        f"{brief}:{line_of(brief, 'nowhere.txt')}:9: cannot read source file 'nowhere.txt'"
    )


def test_not_a_mapping_and_empty_file(tmp_path: Path) -> None:
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    code, lines = errors(tmp_path, tmp_path / "out")
    assert code == 2
    assert f"{empty}:1:1: the file is empty" in lines
    assert f"{listing}:1:1: a brief is a mapping of keys (id, version, …)" in lines


def test_invalid_utf8_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(GOOD.replace("Équipe", "\xc9quipe").encode("latin-1"))
    code, lines = errors(bad, tmp_path / "out")
    assert code == 2
    line = next(i for i, text in enumerate(GOOD.splitlines(), 1) if text.startswith("audience:"))
    column = len("audience: {fr: ") + 1
    assert lines == [
        f"{bad}:{line}:{column}: not UTF-8 text: invalid byte 0xC9 (invalid continuation byte); save the file as UTF-8"
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ('""', "a table cell must not be empty (write a text, or — for none)"),
        (
            "42",
            'the number 42 in a table is a fact: define it under facts and write "{{fact_id}}" in the cell',
        ),
    ],
    ids=["empty", "number"],
)
def test_a_bad_table_cell_is_named_as_a_cell(tmp_path: Path, cell: str, message: str) -> None:
    table = (
        "      - table:\n"
        "          columns: [{title: {fr: Quoi, en: What}}, {title: {fr: Combien, en: How many}}]\n"
        "          rows:\n"
        f"            - [{{fr: Salariés, en: Staff}}, {cell}]\n"
    )
    brief = brief_with(tmp_path, "      - items:\n", table + "      - items:\n")
    code, lines = errors(brief, tmp_path / "out")
    assert code == 2
    line = line_of(brief, "- [{fr: Salariés")
    column = brief.read_text().splitlines()[line - 1].index(cell) + 1
    assert any(item.startswith(f"{brief}:{line}:{column}: {message}") for item in lines), lines
    assert "{{{{" not in "\n".join(lines) and "'neutral'" not in "\n".join(lines)
