"""A language is one catalog file: Spanish in every engine, English variants that extend English, money worded
per language (by the catalog, or by the brief per fact), and a new language added as data alone."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from briefgen.errors import InputError
from briefgen.language.catalog import BUILTIN_CATALOGS, available_languages, load_catalog
from briefgen.language.typography import typeset_text
from tests import pdfcheck
from tests.conftest import FIXTURES, ROOT, engines, run_cli

LANGUAGES = FIXTURES / "languages.yaml"  # the minimal brief in French, English and Spanish


def words(pdf: Path) -> str:
    """The PDF's text with its lines and no-break spaces made plain spaces."""
    return re.sub(r"\s+", " ", pdfcheck.text(pdf).replace("\u00a0", " ").replace("\u202f", " "))


@pytest.mark.parametrize("engine", engines("weasyprint", "typst", "latex"))
def test_spanish_is_one_catalog_and_reads_spanish_in_every_engine(built, engine: str) -> None:
    pdf = built(LANGUAGES, engine, lang="es")
    text = words(pdf)
    assert "14 de junio de 2024" in text  # CLDR's Spanish month, from the catalog's es_ES locale
    assert "235 millones de dólares" in text  # the catalog's Spanish wording of a round amount
    assert "«presupuesto»" in text  # the catalog's quotation marks, from straight quotes in the brief
    assert "DATOS CLAVE" in text and "Página 1 de 1" in text and "Fuentes".upper() in text  # its labels
    assert pdfcheck.lang(pdf) == "es"


def test_each_language_of_a_brief_words_money_its_own_way(built) -> None:
    """One fact, three wordings: the brief's `{fr: short, es: short}`, English its catalog's symbol."""
    french, english = words(built(LANGUAGES, "typst", lang="fr")), words(built(LANGUAGES, "typst", lang="en"))
    assert "235 millions de dollars" in french and "dollars des États-Unis" not in french
    assert "US$235 million" in english and "dollars" not in english
    assert "« budget »" in french and "“budget”" in english
    assert "14 juin 2024" in french and "14 June 2024" in english


def _in_language(lang: str, folder: Path) -> Path:
    """The fixture brief with its English texts declared as language `lang` (its Spanish ones dropped)."""
    brief = LANGUAGES.read_text(encoding="utf-8").replace("languages: [fr, en, es]", f"languages: [{lang}]")
    brief = brief.replace("currency_display: {fr: short, es: short}", "")
    brief = re.sub(r"\{fr: [^{}]*?, en: ([^{}]*?), es: [^{}]*?\}", rf"{{{lang}: \1}}", brief)
    brief = re.sub(r"^( +)fr: .*\n\1en: (.*)\n\1es: .*\n", rf"\1{lang}: \2\n", brief, flags=re.M)
    (folder / f"{lang}.yaml").write_text(brief, encoding="utf-8")
    return folder / f"{lang}.yaml"


def test_american_english_extends_english_with_its_dates_and_dollar(tmp_path: Path) -> None:
    code, _, stderr = run_cli(
        "build", _in_language("en-US", tmp_path), "--engine", "typst", "--out", tmp_path
    )
    assert code == 0, stderr
    pdf = tmp_path / "languages-brief.en-US.pdf"
    text = words(pdf)
    assert "June 14, 2024" in text and "$235 million" in text and "US$" not in text  # CLDR's en_US
    assert "KEY FACTS" in text and "Page 1 of 1" in text  # en.yaml's strings, which en-US.yaml extends
    assert pdfcheck.lang(pdf) == "en-US"
    american, english = load_catalog("en-US"), load_catalog("en")
    assert american.strings == english.strings and american.typography.rules == english.typography.rules
    assert (american.tag, str(american.locale), american.babel) == ("en-US", "en_US", "american")
    assert (english.tag, str(english.locale), english.babel) == ("en-GB", "en_IE", "british")
    assert (load_catalog("en-GB").tag, str(load_catalog("en-GB").locale)) == ("en-GB", "en_GB")


def test_the_languages_are_the_catalog_files() -> None:
    assert available_languages() == sorted(p.stem for p in BUILTIN_CATALOGS.glob("*.yaml"))
    assert {"en", "en-GB", "en-US", "fr", "de", "es"} <= set(available_languages())


def test_a_new_language_is_a_catalog_file_and_nothing_else(tmp_path: Path) -> None:
    """Italian, written by the test as a theme's catalog that extends Spanish: no code knows it."""
    catalogs = tmp_path / "templates" / "catalogs"
    catalogs.mkdir(parents=True)
    (catalogs / "it.yaml").write_text(
        "extends: es\nlocale: it_IT\ntag: it\nstrings: {key_facts: Dati chiave, page_x_of_y: 'Pagina {page} di {pages}'}\n"
        'quotes: ["«", "»", "“", "”"]\ntypography: [quotes, {day_month: {}}]\n'
        "tex: {babel: italian, package: texlive-lang-italian, patterns: hyph-it.tex}\n"
        "facts: {scaled: {short: '{number} di {currency}'}, currencies: {USD: {one: dollaro, other: dollari}}}\n",
        encoding="utf-8",
    )
    assert "it" in available_languages([catalogs]) and "it" not in available_languages()
    brief = _in_language("it", tmp_path)
    brief.write_text(
        brief.read_text(encoding="utf-8").replace(
            "currency: USD", "currency: USD\n    currency_display: short"
        )
    )
    code, _, stderr = run_cli(
        "build", brief, "--engine", "typst", "--templates", tmp_path / "templates", "--out", tmp_path / "out"
    )
    assert code == 0, stderr
    pdf = tmp_path / "out" / "languages-brief.it.pdf"
    text = words(pdf)
    assert "14 giugno 2024" in text and "235 milioni di dollari" in text and "«budget»" in text
    assert "DATI CHIAVE" in text and "Pagina 1 di 1" in text
    assert pdfcheck.lang(pdf) == "it"


def _bad(tmp_path: Path, display: str) -> tuple[int, list[str], int, int]:
    brief = LANGUAGES.read_text(encoding="utf-8").replace("{fr: short, es: short}", display)
    (tmp_path / "brief.yaml").write_text(brief, encoding="utf-8")
    line = next(i for i, text in enumerate(brief.splitlines(), 1) if "currency_display:" in text)
    code, stdout, stderr = run_cli("check", tmp_path / "brief.yaml")
    assert stdout == "" and not (tmp_path / "out").exists()
    column = brief.splitlines()[line - 1].index(display) + 1
    return code, stderr.splitlines(), line, column


@pytest.mark.parametrize(
    ("display", "at", "message"),
    [
        ("{fr: shrt}", "shrt", "input should be 'name', 'short', 'symbol' or 'code'"),
        ("{de: short}", "de", "language 'de' is not declared in 'languages'"),
        ("{}", "{}", "input should be 'name', 'short', 'symbol' or 'code', or one of them per language: "),
        (
            "[short]",
            "[short]",
            "input should be 'name', 'short', 'symbol' or 'code', or one of them per language: ",
        ),
    ],
)
def test_a_bad_currency_display_per_language_is_located(
    tmp_path: Path, display: str, at: str, message: str
) -> None:
    code, lines, line, column = _bad(tmp_path, display)
    column += display.index(at)
    assert code == 2
    where = f"{tmp_path / 'brief.yaml'}:{line}:{column}: "
    assert any(text.startswith(where) and message in text for text in lines), lines


def test_a_catalog_that_extends_itself_in_a_circle_is_located(tmp_path: Path) -> None:
    (tmp_path / "xa.yaml").write_text("locale: fr_FR\nextends: xb\n", encoding="utf-8")
    (tmp_path / "xb.yaml").write_text("extends: xa\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_catalog("xa", [tmp_path])
    assert f"{tmp_path / 'xb.yaml'}:1:10: 'extends' names a catalog in a circle: xa → xb → xa" in str(
        info.value
    )


def test_no_template_tests_for_a_language() -> None:
    """Themes write what the catalog gives (babel's setup included); none names a language."""
    names = {load_catalog(lang).babel for lang in available_languages()} - {""}
    for template in (ROOT / "templates").rglob("*.j2"):
        source = template.read_text(encoding="utf-8")
        found = [name for name in names if re.search(rf"\b{name}\b", source)]
        assert not found and not re.search(r"lang\w* *== *['\"]", source), (template, found)


def test_a_catalog_in_the_former_form_reads_as_before(tmp_path: Path) -> None:
    """A theme's catalog exported before catalogs listed their rules: `typography: fr` takes fr.yaml's rules and
    words, `money.scaled` a pattern; `typography: xx`, naming no catalog, is an error at its line."""
    french = load_catalog("fr").file.read_text(encoding="utf-8")
    former = re.sub(r"^units:.*?\n(?=tex:)", "typography: fr\n", french, flags=re.M | re.S)
    former = re.sub(
        r"^money:\n(?:  .*\n)+",
        'money:\n  scaled: "{number} de {currency}"\n  elide: true\n',
        former,
        flags=re.M,
    )
    assert "- apostrophe" not in former and "units:" not in former
    (tmp_path / "fr.yaml").write_text(former, encoding="utf-8")
    theirs, ours = load_catalog("fr", [tmp_path]), load_catalog("fr")
    assert theirs.typography == ours.typography and theirs.money == ours.money
    sample = 'Il dit "oui" : 3 millions de salariés, le 1er mai ; M. Dupont...'
    assert typeset_text(sample, theirs.typography) == typeset_text(sample, ours.typography)
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / "fr.yaml").write_text(former.replace("typography: fr", "typography: xx"), encoding="utf-8")
    line = next(i for i, text in enumerate(former.splitlines(), 1) if text == "typography: fr")
    with pytest.raises(InputError) as info:
        load_catalog("fr", [wrong])
    assert f"{wrong / 'fr.yaml'}:{line}:13: unknown typography rules 'xx'" in str(info.value)


@pytest.mark.parametrize("lang", available_languages())
def test_a_catalog_sent_to_a_worker_is_the_same_catalog_without_babels_data(lang: str) -> None:
    """A worker is sent its documents' catalogs pickled: the locale goes by its name, and reads back the same
    data (dates and money worded the same), not Babel's whole locale data each time."""
    from datetime import date

    from babel.dates import format_date
    from babel.numbers import format_currency

    catalog = load_catalog(lang, ())
    sent = pickle.dumps(catalog)
    back = pickle.loads(sent)
    assert back == catalog
    assert str(back.locale) == str(catalog.locale)
    day = date(2023, 11, 17)
    assert format_date(day, "long", locale=back.locale) == format_date(day, "long", locale=catalog.locale)
    assert format_currency(1.5e8, "EUR", locale=back.locale) == format_currency(
        1.5e8, "EUR", locale=catalog.locale
    )
    assert len(pickle.dumps(catalog.locale)) > 50_000 > len(sent)  # what is left out: Babel's data
