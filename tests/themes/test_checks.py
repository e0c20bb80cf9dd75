"""A theme's templates, CSS, catalogs and manifest values are checked before any engine runs: every mistake a
designer makes is a located error with the fix, never a build that drops the change."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_cli
from tests.themes.test_layers import line_of, theme

MINIMAL = FIXTURES / "minimal.yaml"

MISSPELT = {
    "weasyprint": (
        "html/brief.html.j2",
        '{% extends "briefing:brief.html.j2" %}\n{% block leed %}{% endblock %}\n',
    ),
    "typst": (
        "typst/brief.typ.j2",
        '{% extends "briefing:brief.typ.j2" %}\n{% block leed %}{% endblock %}\n',
    ),
    "latex": ("latex/brief.tex.j2", '%% extends "briefing:brief.tex.j2"\n%% block leed\n%% endblock\n'),
}


@pytest.mark.parametrize("engine", sorted(MISSPELT))
def test_a_misspelt_block_of_an_override_is_an_error_at_its_line(tmp_path: Path, engine: str) -> None:
    name, text = MISSPELT[engine]
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", {name: text})
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", MINIMAL, "--theme", mine, "--engine", engine, "--out", out)
    assert code == 2 and stdout == "" and "Traceback" not in stderr, stderr
    assert (
        f"{mine / name}:2:10: block 'leed' overrides nothing: 'briefing:{Path(name).name}' has no such "
        "block (did you mean 'lead'?)"
    ) in stderr, stderr
    assert not out.exists()


def test_a_block_of_the_grandparent_may_be_overridden(tmp_path: Path) -> None:
    # dossier's brief.html.j2 extends briefing's: a block only briefing's has is still a block to override
    files = {
        "html/brief.html.j2": '{% extends "dossier:brief.html.j2" %}\n{% block back %}BACK{% endblock %}\n'
    }
    mine = theme(tmp_path / "mine", "name: mine\nextends: dossier\n", files)
    code, _, stderr = run_cli("themes", "show", mine)
    assert code == 0, stderr


def test_a_jinja_syntax_error_fails_check_and_themes_show_at_its_line(tmp_path: Path) -> None:
    text = "<section>\n{% if doc.summary %}\n<p>{{ doc.summary | inline }</p>\n</section>\n"
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", {"typst/summary.typ.j2": text})
    where = f"{mine / 'typst' / 'summary.typ.j2'}:3:1: template syntax error"
    # check builds with WeasyPrint, whose templates are fine: the Typst template is checked all the same
    code, _, stderr = run_cli("check", MINIMAL, "--theme", mine)
    assert code == 2 and where in stderr and "Traceback" not in stderr, stderr
    code, stdout, stderr = run_cli("themes", "show", mine)
    assert code == 2 and stdout == "" and where in stderr and "Traceback" not in stderr, stderr


def test_a_theme_with_html_templates_only_builds_typst_with_the_parents(tmp_path: Path) -> None:
    files = {"html/summary.html.j2": '<section class="summary"><p>ZQXW OVERRIDE</p></section>\n'}
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", files)
    out = tmp_path / "out"
    code, _, stderr = run_cli(
        "build", MINIMAL, "--theme", mine, "--engine", "typst", "--lang", "en", "--out", out
    )
    assert code == 0, stderr
    assert "theme 'mine' has templates for html/ only: typst builds with those of 'briefing'" in stderr
    from tests import pdfcheck

    text = pdfcheck.text(out / "minimal-brief.en.pdf")
    assert "ZQXW" not in text and "A test headline" in text


# -- catalogs ---------------------------------------------------------------------------------------------


def test_a_partial_theme_catalog_overrides_one_string_of_the_built_in_one(tmp_path: Path) -> None:
    catalogs = {
        "catalogs/fr.yaml": "strings:\n  key_facts: Repères ZQXW\n",
        "catalogs/en.yaml": "strings:\n  key_facts: Landmarks ZQXW\n",
        "catalogs/en-US.yaml": "strings:\n  key_facts: Signposts ZQXW\n",  # over en-US, which extends en
    }
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", catalogs)
    code, _, stderr = run_cli("check", MINIMAL, "--theme", mine)
    assert code == 0 and "Traceback" not in stderr, stderr
    out = tmp_path / "out"
    code, _, stderr = run_cli("build", MINIMAL, "--theme", mine, "--engine", "typst", "--out", out)
    assert code == 0 and "Traceback" not in stderr, stderr
    from tests import pdfcheck

    fr = pdfcheck.text(out / "minimal-brief.fr.pdf")
    en = pdfcheck.text(out / "minimal-brief.en.pdf")
    # the one string replaced (headings in capitals), the others kept
    assert "REPÈRES ZQXW" in fr and "CHIFFRES CLÉS" not in fr and "L’ESSENTIEL" in fr
    assert "LANDMARKS ZQXW" in en and "BOTTOM LINE" in en
    from briefgen.language.catalog import load_catalog

    us = load_catalog("en-US", [mine / "catalogs"])
    assert us.strings["key_facts"] == "Signposts ZQXW" and us.tag == "en-US"
    assert us.strings["summary"] == "Bottom line"


# -- CSS for WeasyPrint -----------------------------------------------------------------------------------

STYLE = (Path(__file__).parents[2] / "templates" / "briefing" / "html" / "style.css").read_text(
    encoding="utf-8"
)


def _css_theme(tmp_path: Path, css: str) -> tuple[Path, Path]:
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", {"html/style.css": css})
    return mine, mine / "html" / "style.css"


def test_a_misspelt_token_in_css_is_an_error_with_a_did_you_mean(tmp_path: Path) -> None:
    css = STYLE.replace("solid var(--colour-accent);", "solid var(--colour-acent);", 1)
    mine, file = _css_theme(tmp_path, css)
    line = line_of(file, "var(--colour-acent)")
    column = file.read_text(encoding="utf-8").splitlines()[line - 1].index("--colour-acent") + 1
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", MINIMAL, "--theme", mine, "--out", out)
    assert code == 2 and stdout == "" and "Traceback" not in stderr, stderr
    assert (
        f"{file}:{line}:{column}: CSS: no token '--colour-acent' (did you mean '--colour-accent'?)" in stderr
    )
    assert not out.exists()


def test_a_css_brace_never_closed_is_an_error_at_its_line(tmp_path: Path) -> None:
    css = STYLE.replace(
        "margin-bottom: var(--space-summary-after);\n}", "margin-bottom: var(--space-summary-after);\n", 1
    )
    mine, file = _css_theme(tmp_path, css)
    line = line_of(file, ".summary {")
    code, _, stderr = run_cli("check", MINIMAL, "--theme", mine)
    assert code == 2 and "Traceback" not in stderr, stderr
    assert (
        f"{file}:{line}:10: CSS: this '{{' is never closed (WeasyPrint drops every rule after it)" in stderr
    )


def test_a_css_declaration_that_does_not_parse_is_an_error_at_its_line(tmp_path: Path) -> None:
    css = STYLE.replace(".summary h2 { margin-top: 0;", ".summary h2 { margin-top 0;", 1)
    mine, file = _css_theme(tmp_path, css)
    line = line_of(file, "margin-top 0;")
    code, stdout, stderr = run_cli("themes", "show", mine)
    column = file.read_text(encoding="utf-8").splitlines()[line - 1].index("0;") + 2
    message = (
        "CSS: a declaration that does not parse before here (a ':' or ';' missing?): WeasyPrint drops it"
    )
    assert code == 2 and stdout == "" and f"{file}:{line}:{column}: {message}" in stderr, stderr
