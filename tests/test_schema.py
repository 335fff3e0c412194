"""The published JSON Schema matches the model, and output validates against it."""

from __future__ import annotations

import jsonschema
import pytest

from pressgraph.model import Article, Extraction, Quantity, article_id_for, stable_id
from pressgraph.schema import build_schema, load_schema, validate


def test_committed_schema_is_generated_from_the_model() -> None:
    assert load_schema() == build_schema(), (
        "regenerate: python -m pressgraph.schema > src/pressgraph/schema/extraction.schema.json"
    )


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(load_schema())


def test_minimal_extraction_validates_and_a_broken_one_does_not() -> None:
    text = "Some 2,000 people marched."
    aid = article_id_for(text)
    qty = Quantity(id=stable_id(aid, "quantity", 0, 10), article_id=aid, start=0, end=10,
                   extractor="quantities@1", text="Some 2,000", value=2000, low=1800,
                   high=2200, approximate=True, count_type="PROTEST")
    data = Extraction(article=Article(id=aid, text=text), quantities=(qty,)).to_dict()
    validate(data)
    data["quantities"][0]["start"] = "zero"
    with pytest.raises(jsonschema.ValidationError):
        validate(data)
    del data["quantities"]
    with pytest.raises(jsonschema.ValidationError):
        validate(data)
