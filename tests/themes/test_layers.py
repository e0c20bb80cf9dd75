"""The theme layer as a user meets it: manifests, inheritance, overrides, located errors, themes list/show/export."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import InputError
from briefgen.themes.layers import load_theme
from tests import pdfcheck
from tests.conftest import FIXTURES, ROOT, run_cli

MINIMAL = FIXTURES / "minimal.yaml"
ACME = FIXTURES / "themes" / "acme"


def theme(folder: Path, manifest: str, files: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theme.yaml").write_text(manifest, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def line_of(path: Path, needle: str) -> int:
    return next(
        i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line
    )


# -- manifests and inheritance ---------------------------------------------------------------------------


def test_a_child_theme_changes_only_what_it_names(tmp_path: Path) -> None:
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\ncolours: {accent: '#123456'}\n")
    resolved = load_theme(str(mine))
    assert resolved.manifest.colours["accent"] == "#123456"
    assert resolved.manifest.colours["primary"] == load_theme("briefing").manifest.colours["primary"]
    assert [layer.name for layer in resolved.layers] == ["mine", "briefing"]


def test_default_is_the_old_name_of_briefing() -> None:
    assert load_theme("default").name == "briefing"


def test_manifest_errors_are_located_in_the_file_that_has_them(tmp_path: Path) -> None:
    mine = theme(
        tmp_path / "mine",
        "name: mine\nextends: briefing\ncolours:\n  acent: '#123456'\n  primary: blu\ntext:\n  body: {size: 10px}\n",
    )
    with pytest.raises(InputError) as info:
        load_theme(str(mine))
    lines = str(info.value).splitlines()
    manifest = mine / "theme.yaml"
    assert f"{manifest}:4:3: unknown colours token 'acent' (did you mean 'accent'?)" in lines
    assert any(line.startswith(f"{manifest}:5:12: ") and "primary" in line for line in lines), lines
    assert any(line.startswith(f"{manifest}:7:") and "size" in line for line in lines), lines


def test_all_manifest_problems_are_reported_at_once_by_the_cli(tmp_path: Path) -> None:
    mine = theme(
        tmp_path / "mine",
        "name: mine\nextends: briefing\ncolours: {acent: '#123456'}\nspace: {paragraf: 1mm}\n",
    )
    code, stdout, stderr = run_cli("build", MINIMAL, "--theme", mine, "--out", tmp_path / "out")
    assert code == 2 and stdout == "" and "Traceback" not in stderr
    assert "unknown colours token 'acent'" in stderr and "unknown space token 'paragraf'" in stderr
    assert not (tmp_path / "out").exists()


def test_themes_that_extend_each_other_in_a_circle(tmp_path: Path) -> None:
    theme(tmp_path / "a", "name: a\nextends: ../b\n")
    theme(tmp_path / "b", "name: b\nextends: ../a\n")
    with pytest.raises(InputError, match="extend each other in a circle"):
        load_theme(str(tmp_path / "a"))


def test_a_folder_without_manifest_is_not_a_theme(tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    code, _, stderr = run_cli("build", MINIMAL, "--theme", tmp_path / "nothing", "--out", tmp_path / "out")
    assert code == 2 and "not a theme folder: it has no theme.yaml" in stderr


def test_a_logo_outside_the_theme_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes((ACME / "logo.png").read_bytes())
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\npage: {logo: ../secret.png}\n")
    with pytest.raises(InputError) as info:
        load_theme(str(mine))
    assert f"{mine / 'theme.yaml'}:3:14: logo '../secret.png' is outside the theme folder" in str(info.value)


def test_a_font_file_must_hold_the_family_it_is_given_for(tmp_path: Path) -> None:
    fonts = ACME / "fonts"
    mine = theme(
        tmp_path / "mine",
        "name: mine\nextends: briefing\nfonts:\n  Inter:\n"
        "    files: {regular: fonts/r.ttf, bold: fonts/b.ttf}\nfont: {text: Inter, headings: Intr}\n",
    )
    (mine / "fonts").mkdir()
    (mine / "fonts" / "r.ttf").write_bytes((fonts / "AtkinsonHyperlegible-Regular.ttf").read_bytes())
    (mine / "fonts" / "b.ttf").write_bytes((fonts / "AtkinsonHyperlegible-Bold.ttf").read_bytes())
    with pytest.raises(InputError) as info:
        load_theme(str(mine))
    message = str(info.value)
    assert "'fonts/r.ttf' is a font of the family 'Atkinson Hyperlegible', not 'Inter'" in message
    assert "no font family 'Intr' in any layer's 'fonts' (families: Lato, Inter)" in message


def test_a_missing_font_package_says_how_to_install_it(tmp_path: Path) -> None:
    mine = theme(
        tmp_path / "mine", "name: mine\nextends: briefing\nfonts: {Nope: {package: fontpkg-nope-nope}}\n"
    )
    with pytest.raises(InputError) as info:
        load_theme(str(mine))
    assert f"{mine / 'theme.yaml'}:3:" in str(info.value)
    assert "font package 'fontpkg-nope-nope' is not installed (pip install fontpkg-nope-nope)" in str(
        info.value
    )


def _variable_font(path: Path, family: str) -> None:
    """A minimal variable TrueType font (a weight axis) of `family`, made with fontTools' FontBuilder."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({65: "A"})
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((0, 500))
    pen.lineTo((500, 0))
    pen.closePath()
    builder.setupGlyf({".notdef": pen.glyph(), "A": pen.glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.setupFvar([("wght", 100, 400, 900, "Weight")], [])
    builder.save(str(path))


def test_a_font_file_that_is_no_font_or_a_variable_font_is_refused_at_its_line(tmp_path: Path) -> None:
    """Not a traceback (a text file named .ttf), and not a bold set in the regular weight (a variable font)."""
    fonts = ACME / "fonts"
    mine = theme(
        tmp_path / "mine",
        "name: mine\nextends: briefing\nfonts:\n  Inter:\n"
        "    files: {regular: fonts/r.ttf, bold: fonts/b.ttf, italic: fonts/i.ttf}\nfont: {text: Inter}\n",
        {"fonts/r.ttf": "not a font"},
    )
    _variable_font(mine / "fonts" / "b.ttf", "Inter")
    (mine / "fonts" / "i.ttf").write_bytes((fonts / "AtkinsonHyperlegible-Regular.ttf").read_bytes()[:2000])
    code, _, stderr = run_cli("check", "--theme", mine, FIXTURES / "minimal.yaml")
    assert code == 2 and "Traceback" not in stderr
    manifest = mine / "theme.yaml"
    line = line_of(manifest, "files:")
    assert f"{manifest}:{line}:" in stderr
    assert "'fonts/r.ttf' is not a TrueType or OpenType font file" in stderr
    assert (
        "'fonts/b.ttf' is a variable font; give static font files (one per face) with `files:`, or a font "
        "package with static faces"
    ) in stderr
    assert "'fonts/i.ttf' is not a TrueType or OpenType font file" in stderr


def test_a_font_package_of_variable_fonts_only_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib
    import json

    package = tmp_path / "site" / "fontpkg_varonly"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    entries = [{"path": "Var[wght].ttf", "weight": 400, "style": "normal", "variable": True}]
    (package / "metadata.json").write_text(json.dumps({"files": entries}), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    importlib.invalidate_caches()
    mine = theme(
        tmp_path / "mine", "name: mine\nextends: briefing\nfonts: {Var: {package: fontpkg-varonly}}\n"
    )
    with pytest.raises(InputError) as info:
        load_theme(str(mine))
    assert f"{mine / 'theme.yaml'}:3:" in str(info.value)
    assert (
        "font package 'fontpkg-varonly' holds variable fonts only, and briefgen sets static faces: give static "
        "font files (one per face) with `files:`, or a font package with static faces"
    ) in str(info.value)


def test_the_worked_example_resolves_its_font_and_logo() -> None:
    resolved = load_theme(str(ACME))
    assert resolved.logo == (ACME / "logo.png").resolve()
    assert {f.file.name for f in resolved.families()["Atkinson Hyperlegible"]} >= {
        "AtkinsonHyperlegible-Regular.ttf",
        "AtkinsonHyperlegible-Bold.ttf",
    }
    assert resolved.manifest.page.footer.left == "ACME Research — {title}"


# -- overrides that override nothing -------------------------------------------------------------------


def test_templates_folder_one_level_too_deep_is_an_error(tmp_path: Path) -> None:
    """`--templates my/default`: the engine folders are one level too high; nothing would be overridden."""
    folder = tmp_path / "my" / "default" / "html"
    folder.mkdir(parents=True)
    (folder / "summary.html.j2").write_text("<p>mine</p>\n", encoding="utf-8")
    for given in (tmp_path / "my" / "default", folder):
        code, _, stderr = run_cli("build", MINIMAL, "--templates", given, "--out", tmp_path / "out")
        assert code == 2, stderr
        assert "--templates overrides nothing for weasyprint: expected templates in" in stderr
        assert f"{given}/briefing/html/" in stderr
    assert not (tmp_path / "out").exists()


def test_templates_exported_for_another_engine_is_an_error(tmp_path: Path) -> None:
    code, _, _ = run_cli("templates", "export", "default", tmp_path / "mine", "--engine", "typst")
    assert code == 0
    code, _, stderr = run_cli("build", MINIMAL, "--templates", tmp_path / "mine", "--out", tmp_path / "out")
    assert code == 2 and "overrides nothing for weasyprint" in stderr and "found default/typst" in stderr


def test_an_override_the_parent_does_not_have_is_an_error(tmp_path: Path) -> None:
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", {"html/sumary.html.j2": "<p>x</p>\n"})
    code, _, stderr = run_cli("build", MINIMAL, "--theme", mine, "--out", tmp_path / "out")
    assert code == 2
    assert (
        "the theme has no template 'sumary.html.j2' for weasyprint to override (did you mean 'summary.html.j2'?)"
        in stderr
    )


def test_a_theme_overrides_one_kind_of_block_by_its_file(tmp_path: Path) -> None:
    """Each kind of block has its own template, `blocks/<kind>.<ext>.j2`: a theme replaces one by file."""
    files = {
        "typst/blocks/items.typ.j2": "#para[MY LIST: {{ block.content | map('inline') | join(' / ') }}]\n"
    }
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", files)
    out = tmp_path / "out"
    code, _, stderr = run_cli(
        "build", MINIMAL, "--engine", "typst", "--theme", mine, "--out", out, "--lang", "en"
    )
    assert code == 0, stderr
    words = " ".join(pdfcheck.text(out / "minimal-brief.en.pdf").split())
    assert "MY LIST: Point one / Point two" in words
    assert "A clickable link." in words  # the other kinds as the parent writes them


def test_an_override_of_a_block_by_its_old_name_points_to_its_file(tmp_path: Path) -> None:
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", {"typst/table.typ.j2": "x\n"})
    code, _, stderr = run_cli(
        "build", MINIMAL, "--engine", "typst", "--theme", mine, "--out", tmp_path / "out"
    )
    assert code == 2
    assert (
        "the theme has no template 'table.typ.j2' for typst to override (did you mean 'blocks/table.typ.j2'?)"
        in stderr
    )


def test_a_theme_that_changes_nothing_is_an_error(tmp_path: Path) -> None:
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", {"notes.txt": "x\n"})
    code, _, stderr = run_cli("build", MINIMAL, "--theme", mine, "--out", tmp_path / "out")
    assert code == 2 and "theme 'mine' changes nothing: no token in theme.yaml, no catalog" in stderr


def test_a_template_of_the_users_own_included_by_an_override_is_accepted(tmp_path: Path) -> None:
    files = {
        "html/summary.html.j2": '<section class="summary"><p>{% include "extra.html.j2" %}</p></section>\n',
        "html/extra.html.j2": "EXTRA WORDS\n",
    }
    mine = theme(tmp_path / "mine", "name: mine\nextends: briefing\n", files)
    code, _, stderr = run_cli("build", MINIMAL, "--theme", mine, "--lang", "en", "--out", tmp_path / "out")
    assert code == 0, stderr
    from tests import pdfcheck

    assert "EXTRA WORDS" in pdfcheck.text(tmp_path / "out" / "minimal-brief.en.pdf")


# -- themes list, show, export ---------------------------------------------------------------------------


def test_themes_list_names_both_built_in_themes() -> None:
    code, stdout, _ = run_cli("themes", "list")
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].startswith("briefing  [weasyprint, typst, latex]")
    assert lines[1].startswith("dossier (extends briefing)  [weasyprint, typst, latex]")


def test_themes_show_says_where_each_value_and_template_comes_from() -> None:
    code, stdout, stderr = run_cli("themes", "show", ACME)
    assert code == 0, stderr
    assert "colour-accent                      #00a878      acme" in stdout
    assert "colour-primary                     #15325b      briefing" in stdout
    assert "  * text-body-line                     14.5pt       briefing" in stdout
    assert "summary.html.j2              briefing" in stdout
    assert "Atkinson Hyperlegible" in stdout and "logo: " in stdout and "acme/logo.png" in stdout


def test_themes_export_writes_a_theme_that_builds_and_never_overwrites(tmp_path: Path) -> None:
    mine = tmp_path / "my-theme"
    code, _, stderr = run_cli("themes", "export", "briefing", mine)
    assert code == 0, stderr
    assert (mine / "theme.yaml").read_text(encoding="utf-8").count("name: my-theme") == 1
    assert {p.name for p in (mine / "catalogs").iterdir()} >= {"en.yaml", "fr.yaml", "de.yaml"}
    assert (mine / "html" / "brief.html.j2").is_file() and (mine / "latex" / "preamble.tex.j2").is_file()
    code, _, stderr = run_cli("build", MINIMAL, "--theme", mine, "--lang", "en", "--out", tmp_path / "out")
    assert code == 0, stderr
    code, _, stderr = run_cli("themes", "export", "briefing", mine)
    assert code == 2 and "already exists; not overwritten" in stderr


def test_themes_export_under_a_file_is_refused_writing_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file", encoding="utf-8")
    code, _, stderr = run_cli("themes", "export", "briefing", tmp_path / "notes.txt" / "mine")
    assert code == 2 and "Traceback" not in stderr
    assert stderr.strip() == f"{tmp_path / 'notes.txt'}: is a file, not a folder: choose another DIRECTORY"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_themes_export_extend_writes_a_manifest_to_edit(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    code, _, stderr = run_cli("themes", "export", "briefing", mine, "--extend")
    assert code == 0, stderr
    manifest = (mine / "theme.yaml").read_text(encoding="utf-8")
    assert manifest.startswith("name: mine\nextends: briefing\n")
    assert "#   accent: " in manifest  # every token there, commented out
    manifest = manifest.replace('#   accent: "#b5452a"', '  accent: "#00a878"').replace(
        "# colours:", "colours:"
    )
    (mine / "theme.yaml").write_text(manifest, encoding="utf-8")
    assert load_theme(str(mine)).manifest.colours["accent"] == "#00a878"


def test_every_built_in_theme_has_a_valid_manifest_and_its_files() -> None:
    for folder in sorted((ROOT / "templates").iterdir()):
        resolved = load_theme(folder.name)
        assert resolved.name == folder.name
        for engine_folder in ("html", "typst", "latex"):
            assert resolved.template_dirs(engine_folder), (folder.name, engine_folder)


def test_the_shipped_json_schema_of_themes_is_current() -> None:
    import json

    from briefgen.themes.manifest import json_schema

    shipped = json.loads((ROOT / "docs" / "theme.schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema(), "regenerate docs/theme.schema.json (see docs/themes.md)"
    assert shipped["required"] == ["name"]
