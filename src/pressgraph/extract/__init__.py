"""Extractors: pure functions of a parsed document.

Each extractor takes a :class:`ParsedDocument` (the article, its spaCy ``Doc`` and the records
earlier extractors produced) and returns new records, keyed by record kind (the field names of
:class:`pressgraph.model.Extraction`).  Extractors run in the order of ``EXTRACTORS``; one that
needs another's output lists it in ``requires``.  No extractor does I/O at call time: resources
(a gazetteer, lexicons) are loaded once by the module that owns them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from pressgraph.model import Article, Extraction, Record

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """An article, its parse, and everything extracted from it so far."""

    article: Article
    doc: Doc
    extraction: Extraction

    @property
    def text(self) -> str:
        return self.article.text

    def with_records(self, records: Mapping[str, Sequence[Record]]) -> ParsedDocument:
        updates: dict[str, Any] = {
            kind: tuple(getattr(self.extraction, kind)) + tuple(recs)
            for kind, recs in records.items()
        }
        return dataclasses.replace(self, extraction=dataclasses.replace(self.extraction, **updates))


ExtractFn = Callable[[ParsedDocument], Mapping[str, Sequence[Record]]]


@dataclass(frozen=True, slots=True)
class ExtractorSpec:
    name: str
    module: str  # "pressgraph.extract.quotes:extract"
    produces: tuple[str, ...]
    requires: tuple[str, ...] = ()

    def load(self) -> ExtractFn:
        module_name, _, attr = self.module.partition(":")
        fn: ExtractFn = getattr(import_module(module_name), attr)
        return fn


# Order matters: an extractor may read what the ones before it produced.
EXTRACTORS: tuple[ExtractorSpec, ...] = (
    ExtractorSpec("entities", "pressgraph.extract.entities:extract", ("entities", "actors")),
    ExtractorSpec("time", "pressgraph.extract.time:extract", ("times",)),
    ExtractorSpec("quantities", "pressgraph.extract.quantities:extract", ("quantities",)),
    ExtractorSpec("places", "pressgraph.extract.places:extract", ("places",), ("entities",)),
    ExtractorSpec("quotes", "pressgraph.extract.quotes:extract", ("quotes",), ("entities",)),
    ExtractorSpec(
        "events",
        "pressgraph.extract.events:extract",
        ("events",),
        ("entities", "time", "quantities", "places"),
    ),
    ExtractorSpec(
        "claims",
        "pressgraph.extract.claims:extract",
        ("claims", "conflicts"),
        ("entities", "quotes", "quantities", "events"),
    ),
)


def extractor_names() -> list[str]:
    return [spec.name for spec in EXTRACTORS]


def select_extractors(names: Sequence[str] | None = None) -> list[ExtractorSpec]:
    """The extractors to run: ``names`` plus whatever they require, in pipeline order."""
    if not names:
        return list(EXTRACTORS)
    by_name = {spec.name: spec for spec in EXTRACTORS}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(f"unknown extractor(s): {', '.join(unknown)}; known: {extractor_names()}")
    wanted: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name not in wanted:
            wanted.add(name)
            stack.extend(by_name[name].requires)
    return [spec for spec in EXTRACTORS if spec.name in wanted]
