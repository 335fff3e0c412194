"""The published JSON Schema of one article's extraction (the output contract).

``extraction.schema.json`` beside this file is generated from the data model by
``python -m pressgraph.schema > src/pressgraph/schema/extraction.schema.json``; a test checks
the committed file matches the model and that real output validates against it.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from importlib import resources
from typing import Any

from pressgraph.model import RECORD_KINDS, SCHEMA_VERSION, ClaimRelation

SCHEMA_FILE = "extraction.schema.json"


def _type_schema(annotation: Any) -> dict[str, Any]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [_type_schema(a) for a in args if a is not type(None)]
        nullable = type(None) in args
        base = options[0] if len(options) == 1 else {"anyOf": options}
        if nullable:
            if "type" in base and isinstance(base["type"], str):
                return {**base, "type": [base["type"], "null"]}
            return {"anyOf": [base, {"type": "null"}]}
        return base
    if origin is tuple:
        item = args[0] if args and (len(args) == 2 and args[1] is Ellipsis) else None
        if item is not None:
            return {"type": "array", "items": _type_schema(item)}
        return {"type": "array", "prefixItems": [_type_schema(a) for a in args],
                "minItems": len(args), "maxItems": len(args)}
    if origin is dict:
        return {"type": "object"}
    mapping = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if annotation in mapping:
        return {"type": mapping[annotation]}
    return {}


def _record_schema(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props = {f.name: _type_schema(hints[f.name]) for f in dataclasses.fields(cls)}
    required = [f.name for f in dataclasses.fields(cls)]
    return {"type": "object", "properties": props, "required": required,
            "additionalProperties": False}


def build_schema() -> dict[str, Any]:
    nullable_str = {"type": ["string", "null"]}
    article = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "path": nullable_str,
            "url": nullable_str,
            "title": nullable_str,
            "published": nullable_str,
            "author": nullable_str,
            "source": {"type": "string"},
            "text": {"type": "string"},
        },
        "required": ["id", "path", "url", "title", "published", "text"],
        "additionalProperties": False,
    }
    properties: dict[str, Any] = {
        "schema_version": {"const": SCHEMA_VERSION},
        "article": article,
    }
    for kind, cls in RECORD_KINDS.items():
        properties[kind] = {"type": "array", "items": {"$ref": f"#/$defs/{cls.__name__}"}}
    properties["conflicts"] = {"type": "array", "items": {"$ref": "#/$defs/ClaimRelation"}}
    properties["warnings"] = {"type": "array", "items": {"type": "string"}}
    defs = {cls.__name__: _record_schema(cls) for cls in RECORD_KINDS.values()}
    defs["ClaimRelation"] = _record_schema(ClaimRelation)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://pressgraph.dev/schema/extraction.schema.json",
        "title": "pressgraph extraction of one article",
        "description": "Every record's start/end index article.text; extractor names what made it.",
        "type": "object",
        "properties": properties,
        "required": ["schema_version", "article", *RECORD_KINDS, "conflicts"],
        "additionalProperties": False,
        "$defs": defs,
    }


def load_schema() -> dict[str, Any]:
    text = resources.files("pressgraph.schema").joinpath(SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def validate(document: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if ``document`` breaks the contract."""
    import jsonschema

    jsonschema.validate(document, load_schema())
