"""The JSON Schema of a brief: shipped current, valid draft 2020-12, accepting every example and refusing mistakes.

Briefs are read with briefgen's own YAML reader and turned into what a YAML language server sees (dates as
strings, numbers as numbers); where the schema refuses a brief, briefgen must refuse it too.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from briefgen.brief.discover import find_briefs
from briefgen.brief.read import load_yaml
from briefgen.brief.validate import load_brief
from briefgen.errors import InputError
from briefgen.schema import brief_schema, schema_text, theme_schema
from tests.conftest import FIXTURES, ROOT, run_cli

EXAMPLES = [*find_briefs([ROOT / "briefs"]), FIXTURES / "elements" / "brief.yaml"]


def as_json(value: Any) -> Any:
    """Data as a YAML language server reads it: a date is a string, a decimal a number."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(brief_schema())


def test_the_shipped_json_schema_of_briefs_is_current() -> None:
    shipped = (ROOT / "docs" / "brief.schema.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == brief_schema(), "regenerate it: briefgen schema > docs/brief.schema.json"
    assert shipped == schema_text("brief"), "as `briefgen schema` prints it"


def test_the_schema_is_draft_2020_12() -> None:
    schema = brief_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert {"id", "languages", "headline", "sections"} <= set(schema["required"])


def test_briefgen_schema_prints_the_brief_and_the_theme_schemas() -> None:
    code, stdout, _ = run_cli("schema")
    assert code == 0 and json.loads(stdout) == brief_schema()
    code, stdout, _ = run_cli("schema", "theme")
    assert code == 0 and json.loads(stdout) == theme_schema()
    assert stdout == (ROOT / "docs" / "theme.schema.json").read_text(encoding="utf-8")
    code, _, stderr = run_cli("schema", "catalog")
    assert code == 2 and "'brief'" in stderr and "'theme'" in stderr


@pytest.mark.parametrize("brief", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_example_brief_validates(brief: Path, validator: jsonschema.Draft202012Validator) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(as_json(load_yaml(brief).data))
    ]
    assert not errors


def _kyutai() -> dict[str, Any]:
    return load_yaml(ROOT / "briefs" / "kyutai-launch" / "brief.yaml").data


def _unknown_key(data: dict[str, Any]) -> None:
    data["summry"] = data["summary"]


def _unknown_key_in_a_block(data: dict[str, Any]) -> None:
    data["sections"][0]["blocks"][0]["txet"] = "…"


def _wrong_type(data: dict[str, Any]) -> None:
    data["page_budget"] = "four"


def _a_list_for_a_text(data: dict[str, Any]) -> None:
    data["headline"]["en"] = ["Xavier Niel", "launches Kyutai"]


def _missing_required_key(data: dict[str, Any]) -> None:
    del data["headline"]


def _missing_fact_value(data: dict[str, Any]) -> None:
    del data["facts"]["researchers"]["value"]


def _unknown_fact_type(data: dict[str, Any]) -> None:
    data["facts"]["researchers"]["type"] = "headcount"


def _amount_in_words(data: dict[str, Any]) -> None:
    data["facts"]["budget_per_partner"]["amount"] = "lots"


def _range_of_three(data: dict[str, Any]) -> None:
    data["facts"]["budget_per_partner"]["amount"] = [1, 2, 3]


def _date_in_words(data: dict[str, Any]) -> None:
    data["facts"]["date_in_words"] = {"type": "date", "value": "June 2023", "label": {"fr": "a", "en": "b"}}


def _fact_id_not_snake_case(data: dict[str, Any]) -> None:
    data["facts"]["Budget-Total"] = data["facts"].pop("budget_per_partner")


def _language_key_not_a_code(data: dict[str, Any]) -> None:
    data["audience"]["english"] = data["audience"].pop("en")


def _block_of_two_kinds(data: dict[str, Any]) -> None:
    data["sections"][0]["blocks"][0]["items"] = [{"fr": "a", "en": "b"}]


def _source_and_sources(data: dict[str, Any]) -> None:
    data["sources"] = [{**data["source"], "id": "article"}]


def _flag_with_no_quote(data: dict[str, Any]) -> None:
    data["flags"] = [{"kind": "doubtful", "note": {"fr": "a", "en": "b"}}]


def _bad_fingerprint(data: dict[str, Any]) -> None:
    data["summary"]["translated"] = {"en": "not-hex!"}


@pytest.mark.parametrize(
    "break_it",
    [
        _unknown_key,
        _unknown_key_in_a_block,
        _wrong_type,
        _a_list_for_a_text,
        _missing_required_key,
        _missing_fact_value,
        _unknown_fact_type,
        _amount_in_words,
        _range_of_three,
        _date_in_words,
        _fact_id_not_snake_case,
        _language_key_not_a_code,
        _block_of_two_kinds,
        _source_and_sources,
        _flag_with_no_quote,
        _bad_fingerprint,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_broken_brief_is_refused_by_the_schema_and_by_briefgen(
    break_it: Any, validator: jsonschema.Draft202012Validator, tmp_path: Path
) -> None:
    data = _kyutai()
    assert validator.is_valid(as_json(data))
    load_brief(_written(as_json(data), tmp_path / "whole"))  # as JSON, the brief is still valid
    break_it(data)
    assert not validator.is_valid(as_json(data))
    with pytest.raises(InputError):
        load_brief(_written(as_json(data), tmp_path / "broken"))


def _written(data: dict[str, Any], folder: Path) -> Path:
    """The Kyutai brief `data` written as JSON (which YAML reads) beside its source."""
    folder.mkdir()
    (folder / "source.fr.txt").write_bytes((ROOT / "briefs" / "kyutai-launch" / "source.fr.txt").read_bytes())
    (folder / "brief.yaml").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder / "brief.yaml"


@pytest.mark.parametrize(
    "when",
    [
        "2023-06-14",
        "2023-06",
        2023,
        {"value": "2023-06", "part": "early"},
        {"value": 2023, "approximate": True},
    ],
    ids=str,
)
def test_a_date_of_any_precision_and_a_range_are_accepted(
    when: Any, validator: jsonschema.Draft202012Validator
) -> None:
    data = as_json(_kyutai())
    data["facts"]["opening"] = {"type": "event", "name": "ai-PULSE", "date": when}
    data["facts"]["staff"] = {"type": "count", "value": [6, 10], "label": {"fr": "Équipe", "en": "Staff"}}
    data["facts"]["share"] = {"type": "percent", "value": [0.1, 0.2], "label": {"fr": "Part", "en": "Share"}}
    data["summary"]["translated"] = {"en": 12345678}  # an all-digit fingerprint, which YAML reads as a number
    assert not [e.message for e in validator.iter_errors(data)]


def test_a_cell_is_a_text_in_every_language_or_one_text_never_a_number(
    validator: jsonschema.Draft202012Validator,
) -> None:
    data = as_json(_kyutai())
    table = {"columns": [{"title": {"fr": "a", "en": "b"}}, {"title": {"fr": "c", "en": "d"}}]}
    data["sections"][0]["blocks"] = [
        {"table": {**table, "rows": [[{"fr": "x", "en": "y"}, "{{researchers}}"]]}}
    ]
    assert validator.is_valid(data)
    broken = copy.deepcopy(data)
    broken["sections"][0]["blocks"][0]["table"]["rows"][0][1] = 6
    assert not validator.is_valid(broken)
