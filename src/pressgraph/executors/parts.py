"""The Parquet part format: one row per article, its records nested as lists of structs.

One row per article keeps a part's articles and records together (an article is written
whole or not at all, as in the store) and lets a part be read back into the same
``Extraction`` objects the pipeline produced.  The Arrow schema is derived from the dataclasses
in :mod:`pressgraph.model`, so every part has the same schema (also when a list is empty) and
a new model field appears in the parts without a change here.  ``docs/scale.md`` documents
the columns.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import pyarrow as pa

from pressgraph.model import RECORD_KINDS, Article, ClaimRelation, Extraction, OffsetMap

# Article fields, flattened into top-level columns; ``id`` is the article id.
ARTICLE_COLUMNS = ("id", "path", "url", "title", "published", "author", "source", "language",
                   "input_format", "text", "raw_text")
NESTED_KINDS: dict[str, Any] = {**RECORD_KINDS, "conflicts": ClaimRelation}

_SCALARS: dict[Any, pa.DataType] = {
    str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
}


def _arrow_type(annotation: Any) -> pa.DataType:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        if len(args) != 1:
            raise TypeError(f"no Arrow type for {annotation}")
        return _arrow_type(args[0])
    if origin is tuple:
        items = {a for a in args if a is not Ellipsis}
        if len(items) != 1:
            raise TypeError(f"no Arrow type for {annotation}")
        return pa.list_(_arrow_type(items.pop()))
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"no Arrow type for {annotation}")


@cache
def record_struct(cls: Any) -> pa.StructType:
    hints = typing.get_type_hints(cls)
    return pa.struct([pa.field(f.name, _arrow_type(hints[f.name]))
                      for f in dataclasses.fields(cls)])


@cache
def part_schema() -> pa.Schema:
    fields = [pa.field(name, pa.string()) for name in ARTICLE_COLUMNS]
    fields += [
        pa.field("offset_map", pa.list_(pa.list_(pa.int64()))),
        pa.field("pipeline", pa.string()),
        *(pa.field(kind, pa.list_(record_struct(cls))) for kind, cls in NESTED_KINDS.items()),
        pa.field("warnings", pa.list_(pa.string())),
    ]
    return pa.schema(fields)


def _row(extraction: Extraction, pipeline: str) -> dict[str, Any]:
    art = extraction.article
    row: dict[str, Any] = {name: getattr(art, name) for name in ARTICLE_COLUMNS}
    # as in the store: the decoded input is kept only where cleaning changed it
    row["raw_text"] = art.raw_text if art.raw_text != art.text else None
    row["offset_map"] = [list(s) for s in art.offset_map.segments] if art.offset_map else None
    row["pipeline"] = pipeline
    for kind in NESTED_KINDS:
        row[kind] = [dataclasses.asdict(r) for r in getattr(extraction, kind)]
    row["warnings"] = list(extraction.warnings)
    return row


def to_table(extractions: Iterable[Extraction], pipeline: str = "") -> pa.Table:
    return pa.Table.from_pylist([_row(e, pipeline) for e in extractions], schema=part_schema())


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _record(cls: type[Any], data: dict[str, Any]) -> Any:
    return cls(**{key: _tuples(value) for key, value in data.items()})


def from_row(row: dict[str, Any]) -> tuple[Extraction, str]:
    """One part row back into the ``Extraction`` it was written from, and its pipeline label."""
    fields = {name: row[name] for name in ARTICLE_COLUMNS}
    if fields["raw_text"] is None:
        fields["raw_text"] = fields["text"]
    segments = row["offset_map"]
    article = Article(
        **fields,
        offset_map=OffsetMap(segments=_tuples(segments)) if segments is not None else None,
    )
    nested = {kind: tuple(_record(cls, r) for r in row[kind] or ())
              for kind, cls in NESTED_KINDS.items()}
    extraction = Extraction(article=article, warnings=tuple(row["warnings"] or ()), **nested)
    return extraction, row["pipeline"] or ""


def from_table(table: pa.Table) -> Iterator[tuple[Extraction, str]]:
    for batch in table.to_batches(max_chunksize=256):
        for row in batch.to_pylist():
            yield from_row(row)
