"""Facts are formatted by Babel for each locale; fixed strings come from one catalog per language."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from briefgen.brief import model
from briefgen.errors import InputError
from briefgen.language.catalog import load_catalog
from briefgen.language.facts import format_fact
from briefgen.language.typography import RULES
from tests.conftest import FIXTURES, engines, require_tool, run_cli

NBSP, NNBSP = "\u00a0", "\u202f"
LABEL = {"fr": "x", "en": "x"}


def money(amount: str, currency: str = "EUR") -> model.Money:
    return model.Money(type="money", amount=Decimal(amount), currency=currency, label=LABEL)


@pytest.mark.parametrize(
    ("fact", "style", "fr", "en"),
    [
        (money("100000000"), "", f"100{NBSP}millions d’euros", f"€100{NBSP}million"),
        (money("100000000"), "compact", f"100{NBSP}M{NBSP}€", "€100M"),
        (money("1500000000"), "", f"1,5{NBSP}milliard d’euros", f"€1.5{NBSP}billion"),
        (money("2500"), "", f"2{NNBSP}500{NBSP}€", "€2,500"),
        (money("12.5"), "", f"12,50{NBSP}€", "€12.50"),
        (money("3000000", "USD"), "", f"3{NBSP}millions de dollars des États-Unis", f"US$3{NBSP}million"),
        (model.Count(type="count", value=1200, label=LABEL), "", f"1{NNBSP}200", "1,200"),
        (model.Percent(type="percent", value=Decimal("0.25"), label=LABEL), "", f"25{NBSP}%", "25%"),
        (
            model.DateFact(type="date", value=dt.date(2023, 11, 17), label=LABEL),
            "",
            "17 novembre 2023",
            "17 November 2023",
        ),
        (model.Place(type="place", name="Paris"), "", "Paris", "Paris"),
    ],
)
def test_facts_read_correctly_in_each_language(fact: model.Fact, style: str, fr: str, en: str) -> None:
    assert format_fact(fact, load_catalog("fr"), style) == fr
    assert format_fact(fact, load_catalog("en"), style) == en


def test_groups_are_lists_in_each_language() -> None:
    facts = {
        "a": model.Organisation(type="organisation", name="Iliad"),
        "b": model.Organisation(type="organisation", name="CMA CGM"),
        "c": model.Organisation(type="organisation", name="Schmidt Futures"),
    }
    group = model.Group(type="group", members=["a", "b", "c"], label=LABEL)
    assert format_fact(group, load_catalog("fr"), "", facts) == "Iliad, CMA CGM et Schmidt Futures"
    assert format_fact(group, load_catalog("en"), "", facts) == "Iliad, CMA CGM and Schmidt Futures"


def test_catalogs_hold_the_fixed_strings() -> None:
    fr, en = load_catalog("fr"), load_catalog("en")
    assert (fr("key_facts"), en("key_facts")) == ("Chiffres clés", "Key facts")
    assert fr("page_x_of_y", page=2, pages=3) == "Page 2 sur 3"
    assert en("page_x_of_y", page=2, pages=3) == "Page 2 of 3"
    assert set(fr.strings) == set(en.strings)


def test_a_language_without_catalog_is_a_clear_error() -> None:
    with pytest.raises(InputError) as info:
        load_catalog("nl")
    assert "no catalog for language 'nl' (available: de, en, en-GB, en-US, es, fr)" in str(info.value)


def _brief_in(lang: str, folder: Path) -> Path:
    """The minimal fixture brief with its English texts declared as language `lang`."""
    brief = (
        (FIXTURES / "minimal.yaml")
        .read_text(encoding="utf-8")
        .replace("languages: [fr, en]", f"languages: [{lang}]")
    )
    brief = brief.replace("{fr: Équipe test, en: Test team}", f"{{{lang}: Testteam}}")
    brief = re.sub(r"\{fr: ([^{}]*?), en: ([^{}]*?)\}", rf"{{{lang}: \2}}", brief)
    brief = re.sub(r'\{fr: "([^"]*)", en: "([^"]*)"\}', rf'{{{lang}: "\2"}}', brief)
    (folder / f"{lang}.yaml").write_text(brief, encoding="utf-8")
    return folder / f"{lang}.yaml"


def test_a_third_language_is_a_catalog_and_texts(tmp_path: Path) -> None:
    """Swiss German: a catalog in a theme's catalogs/ folder and the brief's texts are all it takes."""
    catalogs = tmp_path / "templates" / "catalogs"
    catalogs.mkdir(parents=True)
    german = (load_catalog("de").file).read_text(encoding="utf-8")
    german = german.replace("tag: de ", "tag: gsw").replace("locale: de_DE", "locale: de_CH")
    (catalogs / "gsw.yaml").write_text(german.replace("Eckdaten", "Eckdate"), encoding="utf-8")
    brief = _brief_in("gsw", tmp_path)

    code, _, stderr = run_cli("build", brief, "--out", tmp_path / "no-catalog")
    assert code == 2 and "no catalog for language 'gsw'" in stderr
    assert not (tmp_path / "no-catalog").exists()

    code, _, stderr = run_cli("build", brief, "--templates", tmp_path / "templates", "--out", tmp_path)
    assert code == 0, stderr
    from tests import pdfcheck

    pdf = tmp_path / "minimal-brief.gsw.pdf"
    text = pdfcheck.text(pdf)
    assert "ECKDATE" in text and "ECKDATEN" not in text and "Seite 1 von 1" in text
    assert pdfcheck.lang(pdf) == "gsw"


@pytest.mark.parametrize("engine", engines("weasyprint", "typst", "latex"))
def test_german_is_built_in_with_its_quotes_and_money(tmp_path: Path, engine: str) -> None:
    if engine == "latex":
        require_tool("lualatex", "the LaTeX engine")
    brief = _brief_in("de", tmp_path)
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("The budget reaches", 'The \\"budget\\" reaches')
    )
    code, _, stderr = run_cli("build", brief, "--engine", engine, "--out", tmp_path / "out")
    assert code == 0, stderr
    from tests import pdfcheck

    pdf = tmp_path / "out" / "minimal-brief.de.pdf"
    text = pdfcheck.text(pdf).replace("\u00a0", " ")
    assert "ECKDATEN" in text and "Seite 1 von 1" in text
    assert "2,5 Millionen Euro" in text  # CLDR's German long form
    assert pdfcheck.lang(pdf) == "de"
    assert "„budget“" in text  # German quotation marks, from the catalog's typography rules


def test_a_catalog_missing_strings_is_reported_with_its_file(tmp_path: Path) -> None:
    catalogs = tmp_path / "catalogs"
    catalogs.mkdir()
    # a language briefgen has no catalog of (a theme's fr.yaml is merged over the built-in one instead)
    (catalogs / "it.yaml").write_text(
        "locale: it_IT\ntag: it\nstrings:\n  summary: In breve\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        load_catalog("it", [tmp_path / "catalogs"])
    message = str(info.value)
    assert f"{catalogs / 'it.yaml'}:4:3: missing string 'key_facts'" in message


def test_a_language_without_typography_rules_gets_one_warning(tmp_path: Path) -> None:
    catalogs = tmp_path / "templates" / "catalogs"
    catalogs.mkdir(parents=True)
    german = (load_catalog("de").file).read_text(encoding="utf-8")
    german = re.sub(
        r"^typography:.*?\n(?=tex:)",
        "typography: []\n",
        german.replace("tag: de ", "tag: gsw"),
        flags=re.M | re.S,
    )
    (catalogs / "gsw.yaml").write_text(german, encoding="utf-8")
    brief = _brief_in("gsw", tmp_path)
    code, _, stderr = run_cli(
        "build", brief, "--templates", tmp_path / "templates", "--out", tmp_path / "out"
    )
    assert code == 0, stderr
    warning = "warning: language 'gsw': its catalog names no typography rules; its texts are printed as typed"
    assert stderr.count(warning) == 1, stderr


def test_a_catalog_with_unknown_typography_rules_is_located(tmp_path: Path) -> None:
    catalogs = tmp_path / "catalogs"
    catalogs.mkdir()
    english = (load_catalog("en").file).read_text(encoding="utf-8")
    english = english.replace("  - ranges ", "  - rangez ").replace(
        '{marks: ";:!?", space: none}', "{space: thin}"
    )
    (catalogs / "en.yaml").write_text(english, encoding="utf-8")
    lines = english.splitlines()
    rule = next(i for i, text in enumerate(lines, 1) if text.startswith("  - rangez"))
    space = next(i for i, text in enumerate(lines, 1) if text.startswith("  - space_before"))
    with pytest.raises(InputError) as info:
        load_catalog("en", [catalogs])
    problems = str(info.value).splitlines()
    assert (
        f"{catalogs / 'en.yaml'}:{rule}:5: unknown typography rule 'rangez' (rules: {', '.join(RULES)})"
        in problems
    )
    assert (
        f"{catalogs / 'en.yaml'}:{space}:27: 'space_before.space' is one of: none, no-break, narrow"
        in problems
    )
