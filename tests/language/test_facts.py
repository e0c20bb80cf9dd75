"""Facts read exactly in each language: dates of any precision, ranges, units, percentages, spelled counts,
currency wordings, no lost digit and a real minus sign; each new field is checked where it is written."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from briefgen.brief import model
from briefgen.brief.facts import When
from briefgen.brief.read import load_yaml
from briefgen.errors import InputError
from briefgen.language.catalog import load_catalog
from briefgen.language.facts import fact_problems, format_event, format_fact, format_when
from tests import pdfcheck
from tests.conftest import KYUTAI, run_cli

NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"
LABEL = {"fr": "x", "en": "x"}
FACT: TypeAdapter[Any] = TypeAdapter(model.Fact)


def fact(**data: Any) -> Any:
    """A fact validated as the brief's loader validates it."""
    if data["type"] not in ("event", "place", "organisation", "person"):
        data.setdefault("label", LABEL)
    return FACT.validate_python(data)


def read(value: Any, style: str = "") -> tuple[str, str, str]:
    """The fact as printed in English, French and German."""
    return tuple(format_fact(value, load_catalog(lang), style) for lang in ("en", "fr", "de"))  # type: ignore[return-value]


# -- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "style", "en", "fr", "de"),
    [
        ({"value": dt.date(2023, 6, 14)}, "", "14 June 2023", "14 juin 2023", "14. Juni 2023"),
        ({"value": "2023-05"}, "", "May 2023", "mai 2023", "Mai 2023"),
        ({"value": "2023-06"}, "short", "Jun 2023", "juin 2023", "Juni 2023"),
        ({"value": 2023}, "", "2023", "2023", "2023"),
        ({"value": "2023"}, "", "2023", "2023", "2023"),
        ({"value": 2023, "part": "mid"}, "", "mid-2023", "mi-2023", "Mitte 2023"),
        ({"value": "2023-06", "part": "early"}, "", "early June 2023", "début juin 2023", "Anfang Juni 2023"),
        (
            {"value": "2023-12", "part": "late"},
            "",
            "late December 2023",
            "fin décembre 2023",
            "Ende Dezember 2023",
        ),
        ({"value": 2023, "approximate": True}, "", "around 2023", "vers 2023", "um 2023"),
        (
            {"value": "2023-06", "approximate": True},
            "",
            "around June 2023",
            "vers juin 2023",
            "etwa im Juni 2023",
        ),
        (
            {"value": dt.date(2023, 6, 14), "approximate": True},
            "",
            "around 14 June 2023",
            "vers le 14 juin 2023",
            "um den 14. Juni 2023",
        ),
    ],
)
def test_dates_of_each_precision(data: dict[str, Any], style: str, en: str, fr: str, de: str) -> None:
    assert read(fact(type="date", **data), style) == (en, fr, de)


def test_an_event_prints_with_its_date() -> None:
    dated = fact(type="event", name="ai-PULSE", date=dt.date(2023, 6, 14))
    fr, en, de = (load_catalog(lang) for lang in ("fr", "en", "de"))
    assert format_event(dated, en) == "ai-PULSE, 14 June 2023"
    assert format_event(dated, fr) == "ai-PULSE, 14 juin 2023"
    assert format_event(dated, de) == "ai-PULSE, 14. Juni 2023"
    assert format_fact(dated, en) == "ai-PULSE"  # prose names it; {{event:long}} dates it
    assert format_fact(dated, en, "long") == "ai-PULSE, 14 June 2023"
    mid = fact(type="event", name="ai-PULSE", date={"value": "2023-11", "part": "mid"})
    assert format_event(mid, fr) == "ai-PULSE, mi-novembre 2023"
    assert format_event(fact(type="event", name="ai-PULSE", date=None), en) == "ai-PULSE"


def test_when_writes_a_date_of_any_precision() -> None:
    en = load_catalog("en")
    assert format_when(dt.date(2023, 11, 17), en) == "17 November 2023"
    assert format_when(When.model_validate(2023), en) == "2023"
    assert format_when(When.model_validate({"value": "2023-06", "part": "mid"}), en) == "mid-June 2023"


# -- numbers, amounts, ranges ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "style", "en", "fr", "de"),
    [
        # every significant digit is kept, in words and in the compact style
        (
            {"amount": 1250000000, "currency": "EUR"},
            "",
            f"€1.25{NBSP}billion",
            f"1,25{NBSP}milliard d’euros",
            f"1,25{NBSP}Milliarden Euro",
        ),
        (
            {"amount": 1250000000, "currency": "EUR"},
            "compact",
            "€1.25B",
            f"1,25{NBSP}Md{NBSP}€",
            f"1,25{NBSP}Mrd.{NBSP}€",
        ),
        (
            {"amount": 1234567891, "currency": "EUR"},
            "compact",
            "€1,234,567,891",
            f"1{NNBSP}234{NNBSP}567{NNBSP}891{NBSP}€",
            f"1.234.567.891{NBSP}€",
        ),
        # losses take the minus sign
        (
            {"amount": -100000000, "currency": "EUR"},
            "",
            f"{MINUS}€100{NBSP}million",
            f"{MINUS}100{NBSP}millions d’euros",
            f"{MINUS}100{NBSP}Millionen Euro",
        ),
        (
            {"amount": -2500.5, "currency": "EUR"},
            "",
            f"{MINUS}€2,500.50",
            f"{MINUS}2{NNBSP}500,50{NBSP}€",
            f"{MINUS}2.500,50{NBSP}€",
        ),
        # ranges: the currency and scale once when both ends share them
        (
            {"amount": [1000000000, 2000000000], "currency": "USD"},
            "",
            f"US$1–2{NBSP}billion",
            f"1–2{NBSP}milliards de dollars des États-Unis",
            f"1–2{NBSP}Milliarden US-Dollar",
        ),
        (
            {"amount": [1000000000, 2000000000], "currency": "USD"},
            "compact",
            "US$1–2B",
            f"1–2{NBSP}Md{NBSP}$US",
            f"1–2{NBSP}Mrd.{NBSP}$",
        ),
        (
            {"amount": [500000000, 1500000000], "currency": "EUR"},
            "",
            f"€500{NBSP}million – €1.5{NBSP}billion",
            f"500{NBSP}millions d’euros – 1,5{NBSP}milliard d’euros",
            f"500{NBSP}Millionen Euro – 1,5{NBSP}Milliarden Euro",
        ),
        (
            {"amount": [12.5, 20], "currency": "EUR"},
            "",
            "€12.50–20.00",
            f"12,50–20,00{NBSP}€",
            f"12,50–20,00{NBSP}€",
        ),
    ],
)
def test_money(data: dict[str, Any], style: str, en: str, fr: str, de: str) -> None:
    assert read(fact(type="money", **data), style) == (en, fr, de)


@pytest.mark.parametrize(
    ("display", "en", "fr", "de"),
    [
        (
            None,
            f"US$113.4{NBSP}million",
            f"113,4{NBSP}millions de dollars des États-Unis",
            f"113,4{NBSP}Millionen US-Dollar",
        ),
        (
            "name",
            f"113.4{NBSP}million US dollars",
            f"113,4{NBSP}millions de dollars des États-Unis",
            f"113,4{NBSP}Millionen US-Dollar",
        ),
        (
            "short",
            f"113.4{NBSP}million dollars",
            f"113,4{NBSP}millions de dollars",
            f"113,4{NBSP}Millionen Dollar",
        ),
        ("symbol", f"US$113.4{NBSP}million", f"113,4{NBSP}millions $US", f"113,4{NBSP}Millionen $"),
        ("code", f"USD 113.4{NBSP}million", f"113,4{NBSP}millions USD", f"113,4{NBSP}Millionen USD"),
    ],
)
def test_currency_display_of_a_scaled_amount(display: str | None, en: str, fr: str, de: str) -> None:
    assert read(fact(type="money", amount=113400000, currency="USD", currency_display=display)) == (
        en,
        fr,
        de,
    )


@pytest.mark.parametrize(
    ("display", "en", "fr", "de"),
    [
        (None, "US$2,500", f"2{NNBSP}500{NBSP}$US", f"2.500{NBSP}$"),
        ("name", "2,500 US dollars", f"2{NNBSP}500 dollars des États-Unis", "2.500 US-Dollar"),
        ("short", "2,500 dollars", f"2{NNBSP}500 dollars", "2.500 Dollar"),
        ("code", f"USD{NBSP}2,500", f"2{NNBSP}500{NBSP}USD", f"2.500{NBSP}USD"),
    ],
)
def test_currency_display_of_an_amount_in_digits(display: str | None, en: str, fr: str, de: str) -> None:
    assert read(fact(type="money", amount=2500, currency="USD", currency_display=display)) == (en, fr, de)


def test_a_short_name_follows_the_plural() -> None:
    one = fact(type="money", amount=1, currency="EUR", currency_display="short")
    assert read(one) == ("1 euro", "1 euro", "1 Euro")


def test_a_currency_without_a_short_name_is_an_error_at_the_fact(tmp_path: Path) -> None:
    brazil = fact(type="money", amount=2500, currency="BRL", currency_display="short")
    with pytest.raises(InputError) as info:
        format_fact(brazil, load_catalog("fr"))
    assert "no short name for BRL in the catalog's 'facts.currencies'" in str(info.value)
    yaml = tmp_path / "brief.yaml"
    yaml.write_text("facts:\n  real:\n    type: money\n    currency_display: short\n", encoding="utf-8")
    problems = fact_problems({"real": brazil}, load_catalog("fr"), load_yaml(yaml))
    assert [str(p) for p in problems] == [
        f"{yaml}:4:23: fr: no short name for BRL in the catalog's 'facts.currencies' (it has AUD, CAD, CHF, "
        "CNY, EUR, GBP, JPY, USD): add one there, or write another currency_display"
    ]


@pytest.mark.parametrize(
    ("data", "style", "en", "fr", "de"),
    [
        ({"type": "count", "value": [10, 20]}, "", "10–20", "10–20", "10–20"),
        ({"type": "count", "value": 1250}, "compact", "1.25K", f"1,25{NBSP}k", "1.250"),
        ({"type": "count", "value": [10000, 20000]}, "compact", "10–20K", f"10–20{NBSP}k", "10.000–20.000"),
        ({"type": "count", "value": 6, "spell": True}, "", "six", "six", "sechs"),
        (
            {"type": "count", "value": 71, "spell": True},
            "",
            "seventy-one",
            "soixante et onze",
            "einundsiebzig",
        ),
        ({"type": "count", "value": 6, "spell": True}, "short", "6", "6", "6"),
        ({"type": "number", "value": -3.25}, "", f"{MINUS}3.25", f"{MINUS}3,25", f"{MINUS}3,25"),
        ({"type": "number", "value": 0.1234567891}, "", "0.1234567891", "0,1234567891", "0,1234567891"),
        (
            {"type": "number", "value": 12.5, "unit": "kilometer"},
            "",
            "12.5 kilometres",
            f"12,5{NBSP}kilomètres",
            "12,5 Kilometer",
        ),
        (
            {"type": "number", "value": 12.5, "unit": "length-kilometer", "unit_display": "short"},
            "",
            "12.5 km",
            f"12,5{NNBSP}km",
            "12,5 km",
        ),
        (
            {"type": "number", "value": 12.5, "unit": "kilometer"},
            "short",
            "12.5 km",
            f"12,5{NNBSP}km",
            "12,5 km",
        ),
        (
            {"type": "number", "value": [10, 20], "unit": "kilometer"},
            "",
            "10–20 kilometres",
            f"10–20{NBSP}kilomètres",
            "10–20 Kilometer",
        ),
        (
            {"type": "number", "value": -5, "unit": "celsius", "unit_display": "short"},
            "",
            f"{MINUS}5°C",
            f"{MINUS}5{NNBSP}°C",
            f"{MINUS}5 °C",
        ),
        ({"type": "percent", "value": 0.25}, "", "25%", f"25{NBSP}%", f"25{NBSP}%"),
        ({"type": "percent", "percent": 8}, "", "8%", f"8{NBSP}%", f"8{NBSP}%"),
        ({"type": "percent", "percent": 150}, "", "150%", f"150{NBSP}%", f"150{NBSP}%"),
        ({"type": "percent", "value": -0.08}, "", f"{MINUS}8%", f"{MINUS}8{NBSP}%", f"{MINUS}8{NBSP}%"),
        ({"type": "percent", "percent": [10, 20]}, "", "10–20%", f"10–20{NBSP}%", f"10–20{NBSP}%"),
        (
            {"type": "percent", "percent": [-5, 10]},
            "",
            f"{MINUS}5% – 10%",
            f"{MINUS}5{NBSP}% – 10{NBSP}%",
            f"{MINUS}5{NBSP}% – 10{NBSP}%",
        ),
    ],
)
def test_counts_numbers_and_percentages(data: dict[str, Any], style: str, en: str, fr: str, de: str) -> None:
    assert read(fact(**data), style) == (en, fr, de)


# -- the brief: what it accepts, where it says what is wrong ---------------------------------------


def kyutai_with(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of the Kyutai brief's folder with its YAML text edited."""
    folder = tmp_path / "kyutai"
    shutil.copytree(KYUTAI.parent, folder)
    brief = folder / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    brief.write_text(text, encoding="utf-8")
    return brief


def located(brief: Path, needle: str, at: str) -> str:
    """`path:line:col` of the first line holding `needle`, at the column where `at` starts on it."""
    lines = brief.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if needle in line)
    return f"{brief}:{number}:{lines[number - 1].index(at) + 1}"


EVENT = "    date: null\n"  # the date of ai_pulse
BUDGET = "    amount: 100000000\n"
RESEARCHERS = "    value: 6\n"

ERRORS = [
    # (case, old, new, needle on the reported line, where the column points, message)
    (
        "month 13",
        EVENT,
        "    date: 2023-13\n",
        "2023-13",
        "2023",
        "'date': '2023-13' is not a valid date (month value is outside expected range of 1-12)",
    ),
    (
        "february 30",
        EVENT,
        "    date: 2023-02-30\n",
        "2023-02-30",
        "2023",
        "'date': '2023-02-30' is not a valid date (day value is outside expected range)",
    ),
    (
        "not a date",
        EVENT,
        "    date: June 2023\n",
        "June 2023",
        "June",
        "'date': 'June 2023' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY, like 2023-05-14, 2023-05 or 2023",
    ),
    (
        "month of a mapping",
        EVENT,
        "    date: {value: 2023-00, part: mid}\n",
        "2023-00",
        "2023",
        "'value': '2023-00' is not a valid date (month value is outside expected range of 1-12)",
    ),
    (
        "part of a day",
        EVENT,
        "    date: {value: 2023-06-14, part: early}\n",
        "part: early",
        "early",
        "'part': a part of a month or year (early June 2023, mid-2023) needs a month or a year, and 2023-06-14 names its day: write 2023-06, or remove 'part'",
    ),
    (
        "part and approximate",
        EVENT,
        "    date: {value: 2023, part: mid, approximate: true}\n",
        "approximate",
        "true",
        "'approximate': not with 'part', which places the date approximately already",
    ),
    (
        "unknown key of a date",
        EVENT,
        "    date: {value: 2023, parts: mid}\n",
        "parts",
        "parts",
        "unknown key 'parts' (did you mean 'part'?)",
    ),
    (
        "range going down",
        BUDGET,
        "    amount: [200000000, 100000000]\n",
        "amount: [",
        "[",
        "'amount': a range goes up, low then high: [200000000, 100000000] does not",
    ),
    (
        "range of one value",
        RESEARCHERS,
        "    value: [6, 6]\n",
        "value: [6, 6]",
        "[",
        "'value': a range goes up, low then high: [6, 6] does not (one value is written alone)",
    ),
    (
        "range of three",
        RESEARCHERS,
        "    value: [6, 7, 8]\n",
        "value: [6",
        "[",
        "'value': a range is two values, low then high, like [10, 20] (this list has 3)",
    ),
    (
        "range end too large",
        BUDGET,
        "    amount: [1, 10000000000000000]\n",
        "amount: [",
        "[",
        "'amount': the high end of the range: too large (at most 10^15)",
    ),
    (
        "negative count",
        RESEARCHERS,
        "    value: -6\n",
        "value: -6",
        "-6",
        "'value': input should be greater than or equal to 0",
    ),
    (
        "unknown currency",
        "    currency: EUR\n",
        "    currency: EUX\n",
        "EUX",
        "EUX",
        "'currency': 'EUX' is not a currency CLDR knows (did you mean 'EUR'?)",
    ),
    (
        "currency display",
        "    currency: EUR\n",
        "    currency: EUR\n    currency_display: long\n",
        "display: long",
        "long",
        "'currency_display': input should be 'name', 'short', 'symbol' or 'code'",
    ),
    (
        "spell one",
        RESEARCHERS,
        "    value: 1\n    spell: true\n",
        "spell: true",
        "true",
        "'spell': 1 stays in digits: one takes the gender of its noun (un/une, ein/eine), so write it in the text",
    ),
    (
        "spell too large",
        RESEARCHERS,
        "    value: 1200\n    spell: true\n",
        "spell: true",
        "true",
        "'spell': only counts from 2 to 100 are written in words; 1200 stays in digits",
    ),
    (
        "spell a range",
        RESEARCHERS,
        "    value: [6, 8]\n    spell: true\n",
        "spell: true",
        "true",
        "'spell': a range stays in digits: remove 'spell'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "needle", "at", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS]
)
def test_each_new_field_is_checked_where_it_is_written(
    tmp_path: Path, old: str, new: str, needle: str, at: str, message: str
) -> None:
    brief = kyutai_with(tmp_path, (old, new))
    code, stdout, stderr = run_cli("check", brief)
    assert code == 2 and stdout == ""
    assert f"{located(brief, needle, at)}: {message}" in stderr.splitlines(), stderr


def with_fact(tmp_path: Path, fact: str, fields: str) -> tuple[Path, list[str]]:
    """The Kyutai brief with one more fact, `FACT: {type: …, label: …, FIELDS}`, checked: an error expected."""
    kind, label = {"distance": ("number", "Distance"), "growth": ("percent", "Croissance")}[fact]
    line = f"  {fact}: {{type: {kind}, label: {{fr: {label}, en: {fact.title()}}}, {fields}}}\n"
    brief = kyutai_with(tmp_path, ("facts:\n", "facts:\n" + line))
    code, _stdout, stderr = run_cli("check", brief)
    assert code == 2
    return brief, stderr.splitlines()


def number_fact(tmp_path: Path, fields: str) -> tuple[Path, list[str]]:
    return with_fact(tmp_path, "distance", fields)


def test_an_unknown_unit_gets_a_did_you_mean(tmp_path: Path) -> None:
    brief, lines = number_fact(tmp_path, "value: 12.5, unit: kilometre")
    expected = (
        f"{located(brief, 'kilometre', 'kilometre')}: 'unit': unknown unit 'kilometre' (did you mean "
        "'kilometer'?); units are CLDR's, like kilometer, gigawatt, hour or length-kilometer"
    )
    assert expected in lines, lines


def test_a_unit_display_needs_a_unit(tmp_path: Path) -> None:
    brief, lines = number_fact(tmp_path, "value: 12.5, unit_display: short")
    assert (
        f"{located(brief, 'unit_display', 'short')}: 'unit_display': needs a 'unit' (like kilometer)" in lines
    )


def percent_fact(tmp_path: Path, fields: str) -> tuple[Path, list[str]]:
    return with_fact(tmp_path, "growth", fields)


def test_a_percentage_of_8_as_a_fraction_names_both_spellings(tmp_path: Path) -> None:
    brief, lines = percent_fact(tmp_path, "value: 8")
    message = (
        "'value': 8 would print as 800 %: 'value' is a fraction (0.08 for 8 %); "
        "write 'percent: 8' for 8 %, or 'percent: 800'"
    )
    assert f"{located(brief, 'growth', '8}')}: {message}" in lines, lines


def test_a_percentage_is_written_once(tmp_path: Path) -> None:
    brief, lines = percent_fact(tmp_path, "value: 0.08, percent: 8")
    message = (
        "'percent': a percentage is written once: as 'value' (a fraction: 0.08 for 8 %) or as 'percent' "
        "(8 for 8 %), not both"
    )
    assert f"{located(brief, 'growth', '8}')}: {message}" in lines, lines


def test_the_new_fields_print_in_every_engine_language(tmp_path: Path) -> None:
    """Dates, ranges, spelled counts and currency wordings from the YAML to the PDF's text, in fr and en."""
    brief = kyutai_with(
        tmp_path,
        (EVENT, "    date: 2023-11-17\n"),
        (BUDGET, "    amount: [100000000, 150000000]\n    currency_display: short\n"),
        (RESEARCHERS, "    value: 6\n    spell: true\n"),
        ("    Lors de l’événement {{ai_pulse}}, Xavier", "    Lors de l’événement {{ai_pulse:long}}, Xavier"),
        ("    At the {{ai_pulse}} event, Iliad", "    At the {{ai_pulse:long}} event, Iliad"),
    )
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", brief, "--engine", "typst", "--out", out)
    assert code == 0, stderr
    fr = " ".join(pdfcheck.text(out / "kyutai-launch.fr.pdf").replace(NBSP, " ").replace(NNBSP, " ").split())
    en = " ".join(pdfcheck.text(out / "kyutai-launch.en.pdf").replace(NBSP, " ").replace(NNBSP, " ").split())
    assert "Lors de l’événement ai-PULSE, 17 novembre 2023, Xavier Niel" in fr
    assert "At the ai-PULSE, 17 November 2023 event" in en
    assert "100–150 millions d’euros" in fr
    assert "100–150 million euros" in en
    assert "Équipe : six chercheurs" in fr
    assert "Team: six researchers" in en


def test_a_catalogs_fact_patterns_are_checked(tmp_path: Path) -> None:
    catalogs = tmp_path / "catalogs"
    catalogs.mkdir()
    english = load_catalog("en").file.read_text(encoding="utf-8")
    english = english.replace('  range: "{low}–{high}"', '  range: "{lo}–{high}"')
    english = re.sub(r"  event: .*\n", "", english)
    (catalogs / "en.yaml").write_text(english, encoding="utf-8")
    lines = english.splitlines()
    row = next(i for i, line in enumerate(lines, 1) if line.startswith("  range:"))
    with pytest.raises(InputError) as info:
        load_catalog("en", [catalogs])
    # A pattern left out is the built-in one (a theme's catalog merges over it); a wrong one is located.
    assert str(info.value).splitlines() == [
        f"{catalogs / 'en.yaml'}:{row}:10: 'facts.range' has no field lo (it has {{high}}, {{low}})",
    ]
