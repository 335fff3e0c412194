"""The one data model every stage shares.

Everything is a frozen dataclass: stages never mutate what an earlier stage produced, they
return new records.  Every extracted record carries its provenance: the article id, the
``start``/``end`` character offsets into ``Article.text`` (the cleaned text) and the name of the
extractor that produced it.

Field names follow the field's vocabularies where one applies (ACLED, PLOVER, GDELT, GeoNames):
see ``docs/output.md``.  Never rename a field: later work only adds.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1"


def stable_id(*parts: object, length: int = 16) -> str:
    """A short, deterministic id: the same inputs always give the same id."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:length]


def article_id_for(text: str) -> str:
    """Content hash of an article's decoded text: re-ingesting it gives the same id."""
    return stable_id(" ".join(text.split()))


@dataclass(frozen=True, slots=True, kw_only=True)
class OffsetMap:
    """Maps offsets in cleaned text back to the decoded input text.

    ``segments`` holds ``(clean_start, raw_start, length)`` runs of text that cleaning kept
    verbatim; text between runs in the cleaned string is a separator cleaning inserted.
    """

    segments: tuple[tuple[int, int, int], ...] = ()

    def to_raw(self, offset: int) -> int | None:
        for clean_start, raw_start, length in self.segments:
            if clean_start <= offset <= clean_start + length:
                return raw_start + (offset - clean_start)
        return None

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls(segments=((0, 0, length),))


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One news article, as every reader yields it.

    ``text`` is what every record's offsets index (cleaned unless ``--raw``); ``raw_text`` is
    the decoded input and ``offset_map`` takes an offset in ``text`` back into it.
    ``published`` is an ISO-8601 date or datetime string, or None when unknown.
    """

    id: str
    text: str
    source: str = ""
    path: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    author: str | None = None
    language: str = "en"
    raw_text: str | None = None
    offset_map: OffsetMap | None = None
    input_format: str = "text"


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """Fields every extracted record carries: where it came from, exactly."""

    id: str
    article_id: str
    start: int
    end: int
    extractor: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity(Record):
    """A named-entity mention (spaCy/OntoNotes labels: PERSON, ORG, GPE, LOC, NORP, FAC, ...)."""

    text: str
    label: str
    actor_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor(Record):
    """A per-article actor: mentions of one person, organisation, state or group merged.

    ``type`` is the entity label of its best mention; ``category`` is the finer kind analysts
    use (person, organisation, state, armed_group, government, ...). ``start``/``end`` point
    at its canonical mention. ``inter`` is the ACLED actor type code (1-8) when known.
    """

    name: str
    type: str
    category: str = ""
    roles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    mention_count: int = 0
    country_code: str | None = None
    inter: int | None = None
    canonical_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote(Record):
    """An attribution (PolNeAR/PARC): a source, a cue, and the content; start/end = content."""

    content: str
    kind: str  # direct | indirect | mixed
    cue: str
    cue_start: int
    cue_end: int
    source_text: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    speaker_actor_id: str | None = None
    speaker_text: str | None = None  # the speaker's name when resolved ("He" -> "James Jeffrey")
    recipient_text: str | None = None  # who was addressed: "told Congress" -> "Congress"
    recipient_start: int | None = None
    recipient_end: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity(Record):
    """A count or amount with its bounds, hedge and the thing counted (GDELT V2Counts+)."""

    text: str
    kind: str = "count"  # count | money | percent
    value: float | None = None
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    approximate: bool = False
    hedge: str | None = None
    unit: str | None = None
    object_text: str | None = None
    object_head: str | None = None
    predicate: str | None = None
    count_type: str | None = None
    refers_to: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeExpression(Record):
    """A temporal expression resolved against the publication date (TIMEX3-like values)."""

    text: str
    type: str = "DATE"  # DATE | TIME | DURATION | SET (TIMEX3), or EVENT_RANGE ("since the war")
    value: str | None = None
    range_start: str | None = None
    range_end: str | None = None
    granularity: str | None = None  # day | week | month | year | ...
    anchor: str | None = None
    resolved: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Place(Record):
    """A geocoded place mention (GeoNames ids and feature codes)."""

    text: str
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None  # country | admin1 | city | site | region
    feature_code: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    precision: str | None = None  # site | city | admin1 | region | country
    bbox: tuple[float, float, float, float] | None = None
    is_metonym: bool = False
    is_focus: bool = False
    # name | demonym | abbrev | metonym | direction | border | dateline
    mention_type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(Record):
    """A PLOVER-coded event with ACLED-compatible columns."""

    text: str
    event_type: str  # PLOVER type
    trigger: str = ""
    trigger_start: int | None = None
    trigger_end: int | None = None
    mode: str | None = None
    context: tuple[str, ...] = ()
    actor_id: str | None = None
    actor_text: str | None = None
    recipient_id: str | None = None
    recipient_text: str | None = None
    place_id: str | None = None
    date: str | None = None
    dead: float | None = None
    injured: float | None = None
    size: float | None = None
    factuality: str = "asserted"  # asserted | negated | hypothetical | future
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    inter1: int | None = None
    inter2: int | None = None
    cluster_id: str | None = None
    # Non-conflict events keep the ACLED columns empty and say what they are instead:
    # natural_disaster | accident | diplomatic_visit | crime | responsibility_claim.
    other_type: str | None = None
    # The event an ACLED coder would code for the report (most serious completed one); rank
    # orders a report's events by that seriousness, 1 = main.
    is_main: bool = False
    rank: int | None = None
    interaction: int | None = None  # ACLED: inter1 and inter2 joined, lower code first
    fatalities: float | None = None
    time_precision: int | None = None  # ACLED: 1 day, 2 week, 3 month or coarser
    geo_precision: int | None = None  # ACLED: 1 town/site, 2 part of a region, 3 region
    notes: str | None = None  # the evidence sentence


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim(Record):
    """A proposition an actor (or the publication itself) asserts; start/end = evidence."""

    claimant_actor_id: str | None
    claimant_text: str
    subject: str
    predicate: str
    value_low: float | None = None
    value_high: float | None = None
    polarity: str = "asserted"  # asserted | denied | uncertain
    hedge: str | None = None
    time: str | None = None
    place: str | None = None
    quote_id: str | None = None
    quantity_id: str | None = None
    event_id: str | None = None
    # Bound inclusivity, as on the quantity: "more than 100" is (100, ∞), not [100, ∞).
    value_low_inclusive: bool = True
    value_high_inclusive: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimRelation:
    """Two claims about the same subject compared: conflict, agreement, refinement or update."""

    id: str
    relation: str  # conflict | agreement | refinement | update (docs/output.md)
    claim_a: str
    claim_b: str
    article_a: str
    article_b: str
    explanation: str


RECORD_KINDS: dict[str, type[Record]] = {
    "entities": Entity,
    "actors": Actor,
    "quotes": Quote,
    "quantities": Quantity,
    "times": TimeExpression,
    "places": Place,
    "events": Event,
    "claims": Claim,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Extraction:
    """Everything pressgraph knows about one article: the output contract's unit."""

    article: Article
    entities: tuple[Entity, ...] = ()
    actors: tuple[Actor, ...] = ()
    quotes: tuple[Quote, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeExpression, ...] = ()
    places: tuple[Place, ...] = ()
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    conflicts: tuple[ClaimRelation, ...] = ()
    # one line each, e.g. an extractor that raised (``extractor_warning``); its records are
    # missing and every other extractor's are kept
    warnings: tuple[str, ...] = ()

    def records(self) -> Iterator[tuple[str, Record]]:
        for kind in RECORD_KINDS:
            for record in getattr(self, kind):
                yield kind, record

    def to_dict(self) -> dict[str, Any]:
        """The published JSON contract (``src/pressgraph/schema/extraction.schema.json``)."""
        art = self.article
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "article": {
                "id": art.id,
                "path": art.path,
                "url": art.url,
                "title": art.title,
                "published": art.published,
                "author": art.author,
                "source": art.source,
                "text": art.text,
            },
        }
        for kind in RECORD_KINDS:
            out[kind] = [record_to_dict(r) for r in getattr(self, kind)]
        out["conflicts"] = [record_to_dict(c) for c in self.conflicts]
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


_EXTRACTOR_FAILED = " extractor failed ("


def extractor_warning(extractor: str, exc: BaseException) -> str:
    """The warning an extraction carries when ``extractor`` raised: one line, no traceback."""
    message = " ".join(str(exc).split())[:300]
    problem = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return f"{extractor}{_EXTRACTOR_FAILED}{problem})"


def warning_extractor(warning: str) -> str | None:
    """The extractor an ``extractor_warning`` names; None for any other warning."""
    name, found, _ = warning.partition(_EXTRACTOR_FAILED)
    return name if found and name and " " not in name else None


_PLAIN = (str, int, float, bool, type(None))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def record_to_dict(record: Record | ClaimRelation) -> dict[str, Any]:
    """``dataclasses.asdict`` with tuples as lists, without its recursive deep copy (a tenth
    of the time: ``extract`` renders some 200 records per article)."""
    data: dict[str, Any] = {}
    for name in _field_names(type(record)):
        value = getattr(record, name)
        if type(value) is tuple and all(type(item) in _PLAIN for item in value):
            value = list(value)
        elif type(value) not in _PLAIN:  # a container or record a field may hold one day
            value = dataclasses.asdict(record)[name]
            value = list(value) if isinstance(value, tuple) else value
        data[name] = value
    return data


def record_fields(kind: type[Record] | type[ClaimRelation]) -> list[str]:
    return [f.name for f in dataclasses.fields(kind)]


__all__ = [
    "RECORD_KINDS",
    "Actor",
    "Article",
    "Claim",
    "ClaimRelation",
    "Entity",
    "Event",
    "Extraction",
    "OffsetMap",
    "Place",
    "Quantity",
    "Quote",
    "Record",
    "TimeExpression",
    "article_id_for",
    "extractor_warning",
    "field",
    "record_fields",
    "stable_id",
    "warning_extractor",
]
