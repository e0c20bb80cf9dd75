"""The JSON Schemas (draft 2020-12) of a brief and of a theme manifest, from their models, for editors."""

from __future__ import annotations

import json
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS = ("brief", "theme")  # what `briefgen schema` prints
BRIEF_SCHEMA_FILE = "brief.schema.json"  # its name in docs/, and beside a brief that `briefgen new` writes


def brief_schema() -> dict[str, Any]:
    """The JSON Schema of a brief, generated from `Brief`.

    It says what an editor can check alone: keys, types, patterns, sizes, one of several keys. What needs the
    whole brief (a fact that exists, a text in every declared language, an excerpt found in its source) is
    left to `briefgen check`.
    """
    from pydantic.json_schema import GenerateJsonSchema

    from briefgen.brief.model import Brief

    class Generator(GenerateJsonSchema):
        def dict_schema(self, schema: Any) -> dict[str, Any]:
            """A mapping whose keys have a pattern (languages, fact ids) takes no other key: pydantic writes the
            pattern as `patternProperties` alone, which would let any other key through."""
            json_schema = super().dict_schema(schema)
            if "patternProperties" in json_schema:
                json_schema.setdefault("additionalProperties", False)
            return json_schema

    schema = Brief.model_json_schema(schema_generator=Generator)
    schema.pop("title", None)
    return {
        "$schema": DRAFT,
        "title": "briefgen brief (brief.yaml)",
        "description": "A brief: language-neutral facts written once, prose in every declared language.",
        **schema,
    }


def theme_schema() -> dict[str, Any]:
    """The JSON Schema of a theme manifest (`theme.yaml`)."""
    from briefgen.themes.manifest import json_schema

    return json_schema()


def schema_text(which: str = "brief") -> str:
    """A schema as it is shipped in docs/ and printed by `briefgen schema`: indented JSON, one final newline."""
    schema = brief_schema() if which == "brief" else theme_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


__all__ = ["BRIEF_SCHEMA_FILE", "DRAFT", "SCHEMAS", "brief_schema", "schema_text", "theme_schema"]
