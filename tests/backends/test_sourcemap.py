"""Engine errors in the user's terms: the root cause first, each once, in the user's own file, one exit code."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.backends.sourcemap import JINJA, MAX_LISTED, locate, problems_in_order
from briefgen.errors import Problem
from tests.conftest import FIXTURES, ROOT, require_tool, run_cli

MINIMAL = FIXTURES / "minimal.yaml"


def child(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "theme.yaml").write_text("name: mine\nextends: briefing\n", encoding="utf-8")
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_missing_parenthesis_in_a_typst_style_is_reported_first(tmp_path: Path) -> None:
    style = (ROOT / "templates" / "briefing" / "typst" / "style.typ").read_text(encoding="utf-8").splitlines()
    broken = next(i for i, line in enumerate(style) if line.startswith("#set par(") and line.endswith(")"))
    style[broken] = style[broken][:-1]
    theme = child(tmp_path / "mine", {"typst/style.typ": "\n".join(style) + "\n"})
    code, stdout, stderr = run_cli(
        "build", MINIMAL, "--engine", "typst", "--theme", theme, "--out", tmp_path / "o"
    )
    assert code == 2 and stdout == ""
    lines = stderr.splitlines()
    assert lines[0] == f"{theme / 'typst' / 'style.typ'}:{broken + 1}:9: typst: unclosed delimiter"
    assert len(lines) <= MAX_LISTED + 1, "the errors that follow from the first are counted, not listed"
    assert "more errors follow from the first" in lines[-1]
    assert not any("main.typ" in line for line in lines), "never a file the user never saw"
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("engine", "file", "text"),
    [
        ("weasyprint", "html/summary.html.j2", "<p>{{ doc.summary | inline }</p>\n"),
        ("typst", "typst/summary.typ.j2", '#summary([{{ t("summary") }}], [{{ doc.summary | inline }}]\n'),
        pytest.param(
            "latex",
            "latex/summary.tex.j2",
            "\\begin{BriefSummary}\n\\undefinedcommand{x}\n\\end{BriefSummary}\n",
            marks=pytest.mark.latex,
        ),
    ],
)
def test_a_broken_user_template_exits_2_in_every_engine(
    tmp_path: Path, engine: str, file: str, text: str
) -> None:
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine")
    theme = child(tmp_path / "mine", {file: text})
    code, _, stderr = run_cli(
        "build", MINIMAL, "--engine", engine, "--theme", theme, "--lang", "en", "--out", tmp_path / "o"
    )
    assert code == 2, stderr
    assert stderr.startswith(str(theme / file) + ":"), stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "o").exists()


def test_the_source_map_places_a_column_inside_the_template_line(tmp_path: Path) -> None:
    (tmp_path / "a.typ.j2").write_text(
        "#set text(font: {{ f }})\n  #foo(x: {{ value }}, y: 2)\n", encoding="utf-8"
    )
    place = locate("  #foo(x: 12345, y: 2)", [tmp_path], JINJA, column=20)
    assert place is not None and (place.line, place.column) == (2, 26)  # the space before `2`
    place = locate("  #foo(x: 12345, y: 2)", [tmp_path], JINJA, column=11)
    assert place is not None and place.column == 11, "a column inside a value points at its tag"
    assert locate("12345", [tmp_path], JINJA) is None, "a line of values alone cannot be placed"


def test_a_users_file_hides_the_built_in_one_of_the_same_name(tmp_path: Path) -> None:
    user, builtin = tmp_path / "user", tmp_path / "builtin"
    user.mkdir()
    builtin.mkdir()
    (user / "a.j2").write_text("#only-user-line(1)\n", encoding="utf-8")
    (builtin / "a.j2").write_text("#only-builtin-line(1)\n", encoding="utf-8")
    assert locate("#only-builtin-line(1)", [user, builtin], JINJA) is None
    place = locate("#only-user-line(1)", [user, builtin], JINJA)
    assert place is not None and place.path == user / "a.j2"


def test_problems_keep_the_engines_order_each_once() -> None:
    first, second = Problem("a", 3, 1, "cause"), Problem("a", 1, 1, "consequence")
    assert problems_in_order([first, second, first]) == [first, second]
    many = [Problem("a", i, 1, f"e{i}") for i in range(10, 0, -1)]
    shown = problems_in_order(many)
    assert shown[0] == many[0] and len(shown) == MAX_LISTED + 1
    assert shown[-1].message.endswith("(6 more errors follow from the first: fix it and build again)")
