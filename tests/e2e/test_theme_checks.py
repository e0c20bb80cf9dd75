"""A theme's templates, CSS, catalogs and manifest values are checked before any engine runs: every mistake a
designer makes is a located error with the fix, never a build that drops the change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


# -- manifest values ---------------------------------------------------------------------------------------

MANIFEST_CASES = [
    ("page: {size: [0mm, 297mm]}", "size", "a size must be more than 0, not '0mm'"),
    ("page: {size: [210mm, -5mm]}", "size", "a size must be more than 0, not '-5mm'"),
    ("text: {body: {size: 0pt}}", "size", "a size must be more than 0, not '0pt'"),
    (
        "page: {size: Letter}",
        "size",
        "'Letter' is not a page size: A4, A5, letter, legal, or [width, height] (like [6in, 9in]) "
        "(did you mean 'letter'?)",
    ),
    (
        "colours: {accent: '#12345'}",
        "'#12345'",
        "'#12345' is not a colour: write #rrggbb (#00a878), #rgb, a CSS colour name (navy) or "
        "rgb(0, 168, 120), opaque",
    ),
    ("space: {paragraph: 3}", "3", "3 has no unit: write it with one of pt, mm, cm or in (like 3pt)"),
    (
        "space: {paragraph: 3px}",
        "3px",
        "'3px' is not a length: a number and a unit, pt, mm, cm or in (like 10pt or 2.5mm)",
    ),
    ("", "briefng", "unknown theme 'briefng' (did you mean 'briefing'?)"),
]


@pytest.mark.parametrize(("value", "at", "message"), MANIFEST_CASES)
def test_a_wrong_manifest_value_says_what_is_accepted_at_its_line(
    tmp_path: Path, value: str, at: str, message: str
) -> None:
    parent = "briefng" if at == "briefng" else "briefing"
    mine = theme(tmp_path / "mine", f"name: mine\nextends: {parent}\n{value}\n")
    manifest = mine / "theme.yaml"
    line = line_of(manifest, at)
    column = manifest.read_text(encoding="utf-8").splitlines()[line - 1].index(at) + 1
    code, stdout, stderr = run_cli("themes", "show", mine)
    assert code == 2 and stdout == "" and "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{manifest}:{line}:"), stderr
    assert lines[0].endswith(message), stderr
    assert "pydantic" not in stderr and "^#" not in stderr and "quote it" not in stderr
    if at != "size":  # a value in a flow mapping is located at its first character
        assert lines[0].startswith(f"{manifest}:{line}:{column}:"), stderr


def test_css_colour_names_and_rgb_are_accepted_and_made_hex(tmp_path: Path) -> None:
    mine = theme(
        tmp_path / "mine",
        "name: mine\nextends: briefing\ncolours: {accent: navy, primary: 'rgb(0, 168, 120)', rule: '#ABC'}\n",
    )
    from briefgen.themes.layers import load_theme

    colours = load_theme(str(mine)).manifest.colours
    assert (colours["accent"], colours["primary"], colours["rule"]) == ("#000080", "#00a878", "#aabbcc")
    out = tmp_path / "out"
    code, _, stderr = run_cli(
        "build", MINIMAL, "--theme", mine, "--engine", "typst", "--lang", "en", "--out", out
    )
    assert code == 0, stderr


def test_an_html_element_never_closed_is_a_warning_at_its_line(tmp_path: Path) -> None:
    summary = (
        '{% if doc.summary %}\n<section class="summary">\n  <aside class="note">\n'
        "  <p>{{ doc.summary | inline }}</p>\n</section>\n{% endif %}\n"
    )
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", {"html/summary.html.j2": summary})
    file = mine / "html" / "summary.html.j2"
    warning = "HTML: <aside> is never closed (</section> closes it)"
    code, _, stderr = run_cli("build", MINIMAL, "--theme", mine, "--lang", "en", "--out", tmp_path / "out")
    assert code == 0 and f"warning: {file}:3:3: {warning}" in stderr, stderr
    code, _, stderr = run_cli("check", MINIMAL, "--theme", mine, "--strict")
    assert code == 2 and f"{file}:3:3: warning: {warning}" in stderr, stderr


def test_check_reads_each_engines_templates_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`check` resolves the build's engine (its templates checked) and then checks every engine's: none twice."""
    from briefgen import theme_check
    from briefgen.backends import BACKENDS

    checked: list[str] = []
    environment = theme_check._environment

    def counted(backend: Any, theme: Any) -> Any:
        checked.append(backend.name)
        return environment(backend, theme)

    monkeypatch.setattr(theme_check, "_environment", counted)
    code, stdout, stderr = run_cli("check", MINIMAL)
    assert code == 0, stderr
    assert stdout.strip() == "1 brief checked: 0 error(s), 0 warning(s)"
    assert sorted(checked) == sorted(BACKENDS)
