"""A theme's logo as a reader who cannot see it meets it: a figure with alt text in the document's language, or page
furniture (an artifact) when it is decorative or named by its file alone; mistakes located in the manifest.

The PDFs are read back with pypdf (structure tree and marked content) and judged by page-validation, an
independent PDF/UA-1 validator."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from briefgen.errors import InputError
from briefgen.language.catalog import BUILTIN_CATALOGS
from briefgen.themes.layers import load_theme
from tests import pdfcheck, validators
from tests.conftest import FIXTURES, KYUTAI, ROOT, run_cli

MINIMAL = FIXTURES / "minimal.yaml"  # fr and en, no figure
ACME = FIXTURES / "themes" / "acme"
DOSSIER_ALT = {
    "en": "Placeholder logo of the dossier theme",
    "fr": "Logo provisoire du thème dossier",
    "de": "Platzhalterlogo des Dossier-Themas",
}
ACME_ALT = {"en": "ACME Research logo", "fr": "Logo d’ACME Research", "de": "Logo von ACME Research"}


def theme(folder: Path, logo: str, extends: str = "briefing") -> Path:
    """A theme extending `extends` with the acme PNG beside its manifest and `page.logo` written as given."""
    folder.mkdir(parents=True)
    shutil.copyfile(ACME / "logo.png", folder / "logo.png")
    (folder / "theme.yaml").write_text(
        f"name: {folder.name}\nextends: {extends}\npage:\n  logo: {logo}\n", encoding="utf-8"
    )
    return folder


def build(brief: Path, out: Path, *args: str | Path) -> tuple[int, str, dict[str, Path]]:
    code, _stdout, stderr = run_cli("build", brief, "--out", out, *args)
    return code, stderr, {p.name.split(".")[-2]: p for p in sorted(out.glob("*.pdf"))}


def figures(pdf: Path) -> list[str]:
    """The /Alt of every Figure of the structure tree ("" for a Figure without one)."""
    return [
        str(attrs.get("/Alt", ""))
        for role, _depth, attrs, _text in pdfcheck.structure(pdf)
        if role == "/Figure"
    ]


def drawn(pdf: Path, page: int = 0) -> set[str]:
    """The kinds of marked content the images and forms of a page (and the forms' own) are drawn in."""
    return {kind for kind, what, _name in pdfcheck.marked_content(pdf)[page] if what == "draw"}


def ua_failures(pdf: Path) -> list[str]:
    return validators.page_failures(pdf, "ua-1")


def german(folder: Path) -> Path:
    """The minimal brief in German and English (its French texts given as German)."""
    text = MINIMAL.read_text(encoding="utf-8").replace("languages: [fr, en]", "languages: [de, en]")
    folder.mkdir(parents=True)
    (folder / "brief.yaml").write_text(re.sub(r"\bfr:", "de:", text), encoding="utf-8")
    return folder / "brief.yaml"


# -- a described logo: a figure with the alt text of the document's language ---------------------------------


@pytest.mark.parametrize(
    ("name", "spec", "alts"), [("dossier", "dossier", DOSSIER_ALT), ("acme", ACME, ACME_ALT)]
)
def test_a_described_logo_is_a_figure_with_the_alt_text_of_its_language_in_typst(
    tmp_path: Path, name: str, spec: str | Path, alts: dict[str, str]
) -> None:
    code, stderr, pdfs = build(
        KYUTAI, tmp_path, "--engine", "typst", "--theme", spec, "--pdf-standard", "ua-1"
    )
    assert code == 0, stderr
    assert "alt text" not in stderr
    for lang in ("fr", "en"):
        assert figures(pdfs[lang]) == [alts[lang]], (name, lang)  # Kyutai's brief has no figure of its own
        assert ua_failures(pdfs[lang]) == []


def test_a_german_brief_gets_the_german_alt_text(tmp_path: Path) -> None:
    code, stderr, pdfs = build(
        german(tmp_path / "brief"), tmp_path / "out", "--engine", "typst", "--theme", ACME
    )
    assert code == 0, stderr
    assert figures(pdfs["de"]) == [ACME_ALT["de"]]


def test_a_described_logo_in_weasyprint_is_an_img_with_its_alt_and_a_figure(tmp_path: Path) -> None:
    code, stderr, pdfs = build(MINIMAL, tmp_path, "--theme", ACME, "--lang", "fr")
    assert code == 0, stderr
    assert figures(pdfs["fr"]) == [ACME_ALT["fr"]]
    code, stderr = run_cli("build", MINIMAL, "--theme", ACME, "--format", "html", "--out", tmp_path / "html")[
        ::2
    ]
    assert code == 0, stderr
    html = (tmp_path / "html" / "minimal-brief.en.html").read_text(encoding="utf-8")
    assert f'<img class="logo" src="{(ACME / "logo.png").resolve().as_uri()}" alt="{ACME_ALT["en"]}">' in html


def test_alt_text_may_name_a_catalog_string(tmp_path: Path) -> None:
    """`alt: logo.mine` takes the string `logo.mine` of each language's catalog (the theme's catalogs/)."""
    mine = theme(tmp_path / "mine", "{file: logo.png, alt: logo.mine}")
    words = {"fr": "Logo de la maison", "en": "The house logo"}
    for lang, text in words.items():
        catalog = (BUILTIN_CATALOGS / f"{lang}.yaml").read_text(encoding="utf-8")
        catalog = catalog.replace("\nstrings:\n", f"\nstrings:\n  logo.mine: {text}\n", 1)
        (mine / "catalogs").mkdir(exist_ok=True)
        (mine / "catalogs" / f"{lang}.yaml").write_text(catalog, encoding="utf-8")
    code, stderr, pdfs = build(MINIMAL, tmp_path / "out", "--engine", "typst", "--theme", mine)
    assert code == 0, stderr
    assert {lang: figures(pdf) for lang, pdf in pdfs.items()} == {
        lang: [text] for lang, text in words.items()
    }


# -- a logo that says nothing: an artifact -------------------------------------------------------------------


def test_a_logo_named_by_its_file_alone_warns_under_ua_1_and_is_drawn_as_an_artifact(tmp_path: Path) -> None:
    """The form before logos had alt text still builds; under PDF/UA-1 a visible warning, and a valid PDF."""
    mine = theme(tmp_path / "mine", "logo.png")
    code, stderr, pdfs = build(
        MINIMAL, tmp_path / "out", "--engine", "typst", "--theme", mine, "--pdf-standard", "ua-1"
    )
    assert code == 0, stderr
    manifest = mine / "theme.yaml"
    warning = (
        f"{manifest}:4:9: warning: theme mine: its logo has no alt text; give logo: {{file, alt}} or "
        "decorative: true"
    )
    assert stderr.count(warning) == 1, stderr
    for pdf in pdfs.values():
        assert figures(pdf) == []
        assert drawn(pdf) == {"artifact"}, "the logo, drawn as page furniture"
        assert ua_failures(pdf) == []
    code, stderr, _pdfs = build(MINIMAL, tmp_path / "plain", "--engine", "typst", "--theme", mine)
    assert code == 0 and "alt text" not in stderr, "no standard asked for: nothing to warn about"


@pytest.mark.parametrize("engine", ["typst", "weasyprint"])
def test_a_decorative_logo_is_an_artifact_and_no_figure(tmp_path: Path, engine: str) -> None:
    mine = theme(tmp_path / "mine", "{file: logo.png, decorative: true}")
    args = ("--engine", engine, "--theme", mine, "--lang", "en")
    code, stderr, pdfs = build(
        MINIMAL, tmp_path / "out", *args, *(("--pdf-standard", "ua-1") if engine == "typst" else ())
    )
    assert code == 0, stderr
    assert "alt text" not in stderr
    pdf = pdfs["en"]
    assert figures(pdf) == []
    assert drawn(pdf) == {"artifact"}, "the logo, drawn as page furniture"
    assert len(pdfcheck.images(pdf)) == 1, "and drawn"
    if engine == "typst":
        assert ua_failures(pdf) == []


def test_the_dossier_cover_draws_a_decorative_logo_as_an_artifact(tmp_path: Path) -> None:
    mine = theme(tmp_path / "mine", "{file: logo.png, decorative: true}", extends="dossier")
    code, stderr, pdfs = build(
        MINIMAL,
        tmp_path / "out",
        "--engine",
        "typst",
        "--theme",
        mine,
        "--lang",
        "fr",
        "--pdf-standard",
        "ua-1",
    )
    assert code == 0, stderr
    assert figures(pdfs["fr"]) == [] and drawn(pdfs["fr"]) == {"artifact"}
    assert ua_failures(pdfs["fr"]) == []


def test_latex_reads_a_described_logo(tmp_path: Path) -> None:
    """LaTeX output is not tagged: the manifest loads and the cover names the logo."""
    code, _stdout, stderr = run_cli(
        "build",
        KYUTAI,
        "--engine",
        "latex",
        "--theme",
        "dossier",
        "--format",
        "tex",
        "--out",
        tmp_path,
        "--lang",
        "en",
    )
    assert code == 0, stderr
    assert r"\BriefLogo{logo.pdf}" in (tmp_path / "kyutai-launch.en.tex").read_text(encoding="utf-8")


# -- mistakes, located in the manifest -----------------------------------------------------------------------


def test_a_language_the_alt_text_lacks_is_an_error_at_its_line(tmp_path: Path) -> None:
    mine = theme(tmp_path / "mine", "\n    file: logo.png\n    alt: {fr: Le logo, en: The logo}")
    out = tmp_path / "out"
    code, stderr, pdfs = build(german(tmp_path / "brief"), out, "--engine", "typst", "--theme", mine)
    assert code == 2 and pdfs == {} and not out.exists()
    assert "Traceback" not in stderr
    expected = (
        f"{mine / 'theme.yaml'}:6:10: logo: no alt text in 'de', the language of a brief built with this theme "
        "(alt has fr, en); add de: … to alt"
    )
    assert expected in stderr.splitlines()


def test_a_catalog_string_that_does_not_exist_is_an_error_at_its_line(tmp_path: Path) -> None:
    mine = theme(tmp_path / "mine", "{file: logo.png, alt: logo.nowhere}")
    code, stderr, _pdfs = build(
        MINIMAL, tmp_path / "out", "--engine", "typst", "--theme", mine, "--lang", "en"
    )
    assert code == 2
    assert f"{mine / 'theme.yaml'}:4:31: logo: no string 'logo.nowhere' in the catalog of 'en' (" in stderr


@pytest.mark.parametrize(
    ("logo", "where", "message"),
    [
        (
            "{file: logo.png, alt: {en: Logo}, decorative: true}",
            "decorative",
            "a logo has alt text or is decorative, not both",
        ),
        (
            "{file: logo.png, alt: ACME Research}",
            "alt",
            "'alt': 'ACME Research' is not the name of a catalog string; write the text by language: "
            "{fr: …, en: …}",
        ),
        ("{file: logo.png, alt: {EN: Logo}}", "alt", "'alt': 'EN' is not a language code (like fr or en-GB)"),
        ("{file: logo.png, alt: {en: ' '}}", "alt", "'alt': the text in 'en' must not be empty"),
        ("{file: logo.png, alt: {}}", "alt", "'alt': give the text by language"),
        ("{file: logo.png, alt: x, colour: red}", "colour", "unknown key 'colour'"),
    ],
)
def test_logo_mistakes_are_located(tmp_path: Path, logo: str, where: str, message: str) -> None:
    mine = theme(tmp_path / "mine", logo)
    with pytest.raises(InputError) as info:
        load_theme(str(mine))
    column = len("  logo: ") + logo.index(f"{where}:") + 1
    (problem,) = info.value.problems
    assert (problem.path, problem.line) == (str(mine / "theme.yaml"), 4)
    assert problem.column in (column, column + len(where) + 2), str(problem)  # at the key or at its value
    assert problem.message.startswith(message), str(problem)


def test_a_new_logo_file_does_not_take_the_alt_text_of_the_parents_logo(tmp_path: Path) -> None:
    """A theme that extends dossier and gives its own file keeps no description of dossier's placeholder."""
    mine = theme(tmp_path / "mine", "{file: logo.png}", extends="dossier")
    with pytest.raises(InputError) as info:
        load_theme(str(mine))
    assert str(info.value) == (
        f"{mine / 'theme.yaml'}:4:16: this logo would take the 'alt' that theme 'dossier' gives its own logo: "
        "give alt (or decorative: true) beside the file"
    )
    own = theme(tmp_path / "own", "logo.png", extends="dossier")  # the file alone replaces the parent's logo
    assert load_theme(str(own)).manifest.page.logo.alt is None  # type: ignore[union-attr]


def test_themes_show_says_what_the_logo_says(tmp_path: Path) -> None:
    code, stdout, _ = run_cli("themes", "show", "dossier")
    assert code == 0 and "logo: templates/dossier/logo.svg  (alt text in en, fr, de, es)" in stdout.replace(
        str(ROOT) + "/", ""
    )
    mine = theme(tmp_path / "mine", "{file: logo.png, decorative: true}")
    code, stdout, _ = run_cli("themes", "show", mine)
    assert code == 0 and "(decorative: an artifact)" in stdout
