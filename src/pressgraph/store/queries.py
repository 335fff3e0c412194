"""The read layer: typed queries over a store, shared by the CLI's read verbs and the server.

Callers describe what they want with a :class:`Filters` object and get a :class:`Page` back;
no SQL passes in from outside.  Every filter value is bound as a parameter (LIKE wildcards in
it are escaped, so ``%`` matches a percent sign), and every value is checked first, so a bad
one is a :class:`QueryError` with one clear line instead of a database error.

Lists are paged by keyset: each kind has a total sort order ending in the record id, and a
page's ``next_cursor`` is an opaque token holding the last row's sort key, so the next page
starts strictly after it (stable under concurrent ingests, no OFFSET scans).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pressgraph.model import Extraction
from pressgraph.store import Store

# PLOVER's 16 event types (the same list evaluate/events.py scores against; a test keeps the
# two equal without the read layer importing the evaluation stack).
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
RELATIONS = ("conflict", "agreement", "refinement")
MAX_PAGE = 1000
# FTS5's query parser does work quadratic in the number of terms (18,000 terms took over two
# minutes); no real search needs more than a few dozen.
MAX_SEARCH_TERMS = 64
MAX_SEARCH_CHARS = 2000
MAX_FILTER_CHARS = 500
_TERM = re.compile(r'"[^"]*"|[^\s()"]+')


class QueryError(ValueError):
    """A filter, limit, cursor or search query that cannot be used: ``str()`` is one line."""


class NotFound(LookupError):
    """No record with the id asked for: ``str()`` is one line."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """What to keep. Every field is optional; a field a kind cannot filter on is refused.

    ``text``: words in the record (full-text for articles, a substring elsewhere);
    ``actor``: part of an actor's name or alias; ``canonical_actor``: a linked actor's id;
    ``place``: part of a place name, or a two-letter country code; ``country``: an ISO 3166
    alpha-2 code; ``event_type``: a PLOVER type; ``acled_type``: an ACLED event type or
    sub-event type; ``since``/``until``: ISO dates, inclusive; ``relation``: conflict,
    agreement or refinement; ``story``: a story (article cluster) id; ``article``: an article id.
    """

    text: str | None = None
    actor: str | None = None
    canonical_actor: str | None = None
    place: str | None = None
    country: str | None = None
    event_type: str | None = None
    acled_type: str | None = None
    since: str | None = None
    until: str | None = None
    relation: str | None = None
    story: str | None = None
    article: str | None = None

    def given(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) not in (None, "")}


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: its rows (plain JSON-ready dicts), the total that match the filters,
    and the cursor of the next page (None on the last)."""

    kind: str
    items: list[dict[str, Any]]
    total: int
    next_cursor: str | None
    columns: tuple[str, ...] = ()  # the keys of every item, also when there are none


# -- checking values ---------------------------------------------------------------------
def check_text(value: str, name: str, max_chars: int = MAX_FILTER_CHARS) -> str:
    """A filter string SQLite can bind: valid Unicode (no lone surrogates), no NUL, bounded."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(f"{name}: not valid text (a lone surrogate or an undecodable byte)"
                         ) from None
    if "\x00" in value:
        raise QueryError(f"{name}: contains a NUL character")
    if len(value) > max_chars:
        raise QueryError(f"{name}: {len(value)} characters; at most {max_chars}")
    return value


def check_date(value: str, name: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{name} {value!r}: not an ISO date (YYYY-MM-DD)") from None


def check_limit(limit: int, maximum: int = MAX_PAGE) -> int:
    if not 1 <= limit <= maximum:
        raise QueryError(f"limit {limit}: use a number from 1 to {maximum}")
    return limit


def check_filters(filters: Filters) -> Filters:
    """The same filters, normalised (dates ISO, codes upper-case), or a QueryError."""
    values = filters.given()
    for name, value in values.items():
        check_text(value, name)
    changes: dict[str, str] = {}
    for name in ("since", "until"):
        if name in values:
            changes[name] = check_date(values[name], name)
    if "since" in changes and "until" in changes and changes["since"] > changes["until"]:
        raise QueryError(f"since {changes['since']} is after until {changes['until']}")
    if "event_type" in values:
        event_type = values["event_type"].upper()
        if event_type not in PLOVER_TYPES:
            raise QueryError(f"event_type {values['event_type']!r}: not a PLOVER type; use one "
                             f"of {', '.join(PLOVER_TYPES)}")
        changes["event_type"] = event_type
    if "relation" in values:
        relation = values["relation"].lower()
        if relation not in RELATIONS:
            raise QueryError(f"relation {values['relation']!r}: use one of "
                             f"{', '.join(RELATIONS)}")
        changes["relation"] = relation
    if "country" in values:
        country = values["country"].upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise QueryError(f"country {values['country']!r}: use a two-letter ISO code")
        changes["country"] = country
    return dataclasses.replace(filters, **changes) if changes else filters


def check_search(query: str) -> str:
    """An FTS5 query small enough to run in bounded time."""
    check_text(query, "q", MAX_SEARCH_CHARS)
    if not query.strip():
        raise QueryError("q: empty search; give one or more words")
    terms = len(_TERM.findall(query))
    if terms > MAX_SEARCH_TERMS:
        raise QueryError(f"q: {terms} terms; at most {MAX_SEARCH_TERMS}")
    return query


def like(value: str) -> str:
    """A LIKE pattern matching ``value`` anywhere, its own ``%``, ``_`` and ``\\`` literal."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# -- cursors -----------------------------------------------------------------------------
def encode_cursor(kind: str, key: Sequence[Any]) -> str:
    raw = json.dumps([kind, list(key)], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(kind: str, cursor: str, width: int) -> list[Any]:
    bad = QueryError(f"cursor {cursor[:40]!r}: not a cursor of this {kind} list; use the "
                     "next link of the previous page")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found_kind, key = json.loads(raw.decode("utf-8"))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise bad from None
    if (found_kind != kind or not isinstance(key, list) or len(key) != width
            or not all(isinstance(v, str | int | float) for v in key[1:])
            or not isinstance(key[0], str | int | float | None)):
        raise bad
    return key


# -- the kinds ---------------------------------------------------------------------------
Condition = tuple[str, list[Any]]
FilterFn = Callable[[str], Condition]


@dataclass(frozen=True, slots=True)
class Kind:
    """One listable kind: its rows, its total order and the filters it understands.

    A page is found in two steps: the ids and sort keys of its rows from ``source`` and only
    the ``joins`` that the filters or the sort name (an index can then serve the order), then
    the row columns for those ids alone.  ``nullable_lead``: the first sort key may be NULL
    (an undated event); those rows come first, as SQLite orders NULLs.
    """

    name: str
    select: str  # columns, each aliased to the key the row carries
    source: str  # the table and its alias
    sort: tuple[str, ...]  # expressions; the last one is the record's unique id
    filters: dict[str, FilterFn]
    joins: tuple[tuple[str, str], ...] = ()  # (alias, JOIN clause)
    group_by: str = ""
    nullable_lead: bool = False

    def joined(self, sql: str = "") -> str:
        """The source with the joins ``sql`` names (all joins when ``sql`` is None)."""
        used = [clause for alias, clause in self.joins if not sql or f"{alias}." in sql]
        return " ".join([self.source, *used])


def _exists(table: str, link: str, where: str) -> FilterFn:
    def build(value: str) -> Condition:
        return (f"EXISTS (SELECT 1 FROM {table} WHERE {link} AND {where})",
                [value] * where.count("?"))
    return build


def _cond(sql: str, pattern: bool = False) -> FilterFn:
    def build(value: str) -> Condition:
        bound = like(value) if pattern else value
        return sql, [bound] * sql.count("?")
    return build


_LIKE = "LIKE ? ESCAPE '\\'"
_ACTOR_NAME = f"(x.name {_LIKE} OR x.aliases {_LIKE})"
_PLACE = f"(p.name {_LIKE} OR p.text {_LIKE} OR p.country_code = upper(?))"


def _place(value: str) -> Condition:
    return _PLACE, [like(value), like(value), value]


def _article_place(alias: str) -> FilterFn:
    def build(value: str) -> Condition:
        sql, params = _place(value)
        return (f"EXISTS (SELECT 1 FROM places p WHERE p.article_id = {alias} AND {sql})",
                params)
    return build


def _article_filters(alias: str) -> dict[str, FilterFn]:
    """Filters any article-bound record has: those about its article."""
    exists_actor = _exists("actors x", f"x.article_id = {alias}", _ACTOR_NAME)
    return {
        "actor": lambda v: (exists_actor(v)[0], [like(v)] * 2),
        "canonical_actor": _exists("actors x", f"x.article_id = {alias}", "x.canonical_id = ?"),
        "place": _article_place(alias),
        "country": _exists("places p", f"p.article_id = {alias}", "p.country_code = ?"),
        "event_type": _exists("events e", f"e.article_id = {alias}", "e.event_type = ?"),
        "acled_type": _exists(
            "events e", f"e.article_id = {alias}",
            "(lower(e.acled_event_type) = lower(?) OR lower(e.acled_sub_event_type) = lower(?))"),
        "since": _cond("substr(a.published, 1, 10) >= ?"),
        "until": _cond("substr(a.published, 1, 10) <= ?"),
        "story": _exists("article_clusters s", f"s.article_id = {alias}", "s.cluster_id = ?"),
        "article": _cond(f"{alias} = ?"),
    }


ARTICLES = Kind(
    name="articles",
    select="a.id AS id, a.title AS title, a.published AS published, a.source AS source,"
    " a.url AS url, a.path AS path, a.author AS author,"
    " (SELECT cluster_id FROM article_clusters WHERE article_id = a.id) AS story_id,"
    " (SELECT COUNT(*) FROM actors WHERE article_id = a.id) AS actors,"
    " (SELECT COUNT(*) FROM places WHERE article_id = a.id) AS places,"
    " (SELECT COUNT(*) FROM quotes WHERE article_id = a.id) AS quotes,"
    " (SELECT COUNT(*) FROM events WHERE article_id = a.id) AS events,"
    " (SELECT COUNT(*) FROM claims WHERE article_id = a.id) AS claims",
    source="articles a",
    sort=("a.published", "a.id"),
    nullable_lead=True,
    filters={
        **_article_filters("a.id"),
        "text": _cond("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"),
        "relation": _exists("conflicts r", "a.id IN (r.article_a, r.article_b)",
                            "r.relation = ?"),
    },
)

EVENTS = Kind(
    name="events",
    select="e.id AS id, e.article_id AS article_id, e.start AS start, e.\"end\" AS \"end\","
    " e.extractor AS extractor, e.text AS text, e.event_type AS event_type,"
    " e.mode AS mode, e.trigger AS trigger, e.actor_id AS actor_id,"
    " e.actor_text AS actor_text, e.recipient_id AS recipient_id,"
    " e.recipient_text AS recipient_text, e.date AS date, e.dead AS dead,"
    " e.injured AS injured, e.size AS size, e.factuality AS factuality,"
    " e.acled_event_type AS acled_event_type, e.acled_sub_event_type AS acled_sub_event_type,"
    " e.inter1 AS inter1, e.inter2 AS inter2, e.cluster_id AS cluster_id,"
    " e.place_id AS place_id, p.name AS place_name, p.country_code AS country_code,"
    " p.admin1 AS admin1, p.lat AS lat, p.lon AS lon, p.precision AS place_precision,"
    " a.title AS article_title, a.published AS published",
    source="events e",
    joins=(("a", "JOIN articles a ON a.id = e.article_id"),
           ("p", "LEFT JOIN places p ON p.id = e.place_id")),
    sort=("e.date", "e.article_id", "e.start", "e.id"),
    nullable_lead=True,
    filters={
        **_article_filters("e.article_id"),
        "text": _cond(f"(e.text {_LIKE} OR e.trigger {_LIKE})", pattern=True),
        "actor": _cond(f"(e.actor_text {_LIKE} OR e.recipient_text {_LIKE})", pattern=True),
        "canonical_actor": _exists("actors x", "x.id IN (e.actor_id, e.recipient_id)",
                                   "x.canonical_id = ?"),
        "place": _place,
        "country": _cond("p.country_code = ?"),
        "event_type": _cond("e.event_type = ?"),
        "acled_type": _cond("(lower(e.acled_event_type) = lower(?)"
                            " OR lower(e.acled_sub_event_type) = lower(?))"),
        "since": _cond("substr(e.date, 1, 10) >= ?"),
        "until": _cond("substr(e.date, 1, 10) <= ?"),
    },
)

PLACES = Kind(
    name="places",
    select="p.id AS id, p.article_id AS article_id, p.start AS start, p.\"end\" AS \"end\","
    " p.extractor AS extractor, p.text AS text, p.name AS name, p.geonameid AS geonameid,"
    " p.lat AS lat, p.lon AS lon, p.feature AS feature, p.country_code AS country_code,"
    " p.admin1 AS admin1, p.precision AS precision, p.is_metonym AS is_metonym,"
    " p.is_focus AS is_focus, a.title AS article_title, a.published AS published",
    source="places p",
    joins=(("a", "JOIN articles a ON a.id = p.article_id"),),
    sort=("p.article_id", "p.start", "p.id"),
    filters={
        **_article_filters("p.article_id"),
        "text": _cond(f"p.text {_LIKE}", pattern=True),
        "place": _place,
        "country": _cond("p.country_code = ?"),
    },
)

ACTORS = Kind(
    name="actors",
    select="c.id AS id, c.name AS name, c.type AS type, c.category AS category,"
    " c.aliases AS aliases, c.roles AS roles, c.article_count AS article_count,"
    " (SELECT SUM(x.mention_count) FROM actors x WHERE x.canonical_id = c.id) AS mentions",
    source="canonical_actors c",
    sort=("-c.article_count", "c.name", "c.id"),
    filters={
        "text": _cond(f"(c.name {_LIKE} OR c.aliases {_LIKE})", pattern=True),
        "actor": _cond(f"(c.name {_LIKE} OR c.aliases {_LIKE})", pattern=True),
        "canonical_actor": _cond("c.id = ?"),
        "country": _exists("actors x", "x.canonical_id = c.id", "x.country_code = ?"),
        "article": _exists("actors x", "x.canonical_id = c.id", "x.article_id = ?"),
        "story": _exists("actors x JOIN article_clusters s ON s.article_id = x.article_id",
                         "x.canonical_id = c.id", "s.cluster_id = ?"),
        "since": _exists("actors x JOIN articles a ON a.id = x.article_id",
                         "x.canonical_id = c.id", "substr(a.published, 1, 10) >= ?"),
        "until": _exists("actors x JOIN articles a ON a.id = x.article_id",
                         "x.canonical_id = c.id", "substr(a.published, 1, 10) <= ?"),
    },
)

QUOTES = Kind(
    name="quotes",
    select="q.id AS id, q.article_id AS article_id, q.start AS start, q.\"end\" AS \"end\","
    " q.extractor AS extractor, q.content AS content, q.kind AS kind, q.cue AS cue,"
    " q.source_text AS source_text, q.speaker_actor_id AS speaker_actor_id,"
    " s.name AS speaker, s.canonical_id AS speaker_canonical_id,"
    " q.recipient_text AS recipient_text, a.title AS article_title, a.published AS published",
    source="quotes q",
    joins=(("a", "JOIN articles a ON a.id = q.article_id"),
           ("s", "LEFT JOIN actors s ON s.id = q.speaker_actor_id")),
    sort=("a.published", "q.article_id", "q.start", "q.id"),
    nullable_lead=True,
    filters={
        **_article_filters("q.article_id"),
        "text": _cond(f"q.content {_LIKE}", pattern=True),
        "actor": _cond(f"(s.name {_LIKE} OR s.aliases {_LIKE} OR q.source_text {_LIKE})",
                       pattern=True),
        "canonical_actor": _cond("s.canonical_id = ?"),
    },
)

CLAIMS = Kind(
    name="claims",
    select="c.id AS id, c.article_id AS article_id, c.start AS start, c.\"end\" AS \"end\","
    " c.extractor AS extractor, c.claimant_actor_id AS claimant_actor_id,"
    " c.claimant_text AS claimant_text, c.subject AS subject, c.predicate AS predicate,"
    " c.value_low AS value_low, c.value_high AS value_high,"
    " c.value_low_inclusive AS value_low_inclusive,"
    " c.value_high_inclusive AS value_high_inclusive, c.polarity AS polarity,"
    " c.hedge AS hedge, c.time AS time, c.place AS place,"
    " substr(a.text, c.start + 1, c.\"end\" - c.start) AS evidence,"
    " a.title AS article_title, a.published AS published",
    source="claims c",
    joins=(("a", "JOIN articles a ON a.id = c.article_id"),),
    sort=("c.article_id", "c.start", "c.id"),
    filters={
        **_article_filters("c.article_id"),
        "text": _cond(f"(c.subject {_LIKE} OR c.predicate {_LIKE})", pattern=True),
        "actor": _cond(f"c.claimant_text {_LIKE}", pattern=True),
        "canonical_actor": _exists("actors x", "x.id = c.claimant_actor_id",
                                   "x.canonical_id = ?"),
        "relation": _exists("conflicts r", "c.id IN (r.claim_a, r.claim_b)", "r.relation = ?"),
    },
)


def _claim_side(side: str) -> str:
    return (
        f" c{side}.claimant_text AS claimant_{side}, c{side}.subject AS subject_{side},"
        f" c{side}.predicate AS predicate_{side}, c{side}.value_low AS value_low_{side},"
        f" c{side}.value_high AS value_high_{side}, c{side}.polarity AS polarity_{side},"
        f" c{side}.start AS start_{side}, c{side}.\"end\" AS end_{side},"
        f" substr(a{side}.text, c{side}.start + 1, c{side}.\"end\" - c{side}.start)"
        f" AS evidence_{side}, a{side}.title AS title_{side},"
        f" a{side}.published AS published_{side}"
    )


CONFLICTS = Kind(
    name="conflicts",
    select="r.id AS id, r.relation AS relation, r.explanation AS explanation,"
    " r.claim_a AS claim_a, r.claim_b AS claim_b, r.article_a AS article_a,"
    " r.article_b AS article_b," + _claim_side("a") + "," + _claim_side("b"),
    source="conflicts r",
    joins=(("aa", "JOIN articles aa ON aa.id = r.article_a"),
           ("ab", "JOIN articles ab ON ab.id = r.article_b"),
           ("ca", "LEFT JOIN claims ca ON ca.id = r.claim_a"),
           ("cb", "LEFT JOIN claims cb ON cb.id = r.claim_b")),
    sort=("MAX(COALESCE(aa.published, ''), COALESCE(ab.published, ''))", "r.id"),
    filters={
        "relation": _cond("r.relation = ?"),
        "text": _cond(f"(ca.subject {_LIKE} OR cb.subject {_LIKE} OR r.explanation {_LIKE})",
                      pattern=True),
        "actor": _cond(f"(ca.claimant_text {_LIKE} OR cb.claimant_text {_LIKE})", pattern=True),
        "canonical_actor": _exists(
            "actors x", "x.id IN (ca.claimant_actor_id, cb.claimant_actor_id)",
            "x.canonical_id = ?"),
        "since": _cond("(substr(aa.published, 1, 10) >= ? OR substr(ab.published, 1, 10) >= ?)"),
        "until": _cond("(substr(aa.published, 1, 10) <= ? OR substr(ab.published, 1, 10) <= ?)"),
        "story": _exists("article_clusters s", "s.article_id IN (r.article_a, r.article_b)",
                         "s.cluster_id = ?"),
        "article": _cond("? IN (r.article_a, r.article_b)"),
    },
)

_STORY_ARTICLES = "article_clusters m JOIN articles a ON a.id = m.article_id"
STORIES = Kind(
    name="stories",
    select="s.cluster_id AS id, COUNT(*) AS article_count,"
    " MIN(sa.published) AS first_published, MAX(sa.published) AS last_published,"
    " (SELECT a.title FROM " + _STORY_ARTICLES + " WHERE m.cluster_id = s.cluster_id"
    "  ORDER BY COALESCE(a.published, ''), a.id LIMIT 1) AS title,"
    " (SELECT COUNT(*) FROM article_clusters m JOIN events e ON e.article_id = m.article_id"
    "  WHERE m.cluster_id = s.cluster_id) AS events,"
    " (SELECT COUNT(*) FROM conflicts r WHERE r.relation = 'conflict' AND EXISTS ("
    "  SELECT 1 FROM article_clusters m WHERE m.cluster_id = s.cluster_id"
    "  AND m.article_id IN (r.article_a, r.article_b))) AS conflicts",
    source="article_clusters s",
    joins=(("sa", "JOIN articles sa ON sa.id = s.article_id"),),
    group_by="s.cluster_id",
    sort=("-COUNT(*)", "s.cluster_id"),
    filters={
        "story": _cond("s.cluster_id = ?"),
        "article": _exists("article_clusters m", "m.cluster_id = s.cluster_id",
                           "m.article_id = ?"),
        "text": lambda v: (
            "EXISTS (SELECT 1 FROM " + _STORY_ARTICLES + " WHERE m.cluster_id = s.cluster_id"
            " AND a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))", [v]),
        "actor": lambda v: (
            "EXISTS (SELECT 1 FROM article_clusters m JOIN actors x ON x.article_id ="
            f" m.article_id WHERE m.cluster_id = s.cluster_id AND {_ACTOR_NAME})",
            [like(v)] * 2),
        "canonical_actor": _exists(
            "article_clusters m JOIN actors x ON x.article_id = m.article_id",
            "m.cluster_id = s.cluster_id", "x.canonical_id = ?"),
        "country": _exists(
            "article_clusters m JOIN places p ON p.article_id = m.article_id",
            "m.cluster_id = s.cluster_id", "p.country_code = ?"),
        "event_type": _exists(
            "article_clusters m JOIN events e ON e.article_id = m.article_id",
            "m.cluster_id = s.cluster_id", "e.event_type = ?"),
        "since": _exists(_STORY_ARTICLES, "m.cluster_id = s.cluster_id",
                         "substr(a.published, 1, 10) >= ?"),
        "until": _exists(_STORY_ARTICLES, "m.cluster_id = s.cluster_id",
                         "substr(a.published, 1, 10) <= ?"),
    },
)

KINDS: dict[str, Kind] = {k.name: k for k in (
    ARTICLES, EVENTS, PLACES, ACTORS, QUOTES, CLAIMS, CONFLICTS, STORIES)}
# Columns a stored JSON text holds (aliases, roles): rows carry them decoded.
_JSON_COLUMNS = frozenset({"aliases", "roles"})
_BOOL_COLUMNS = frozenset({"is_metonym", "is_focus", "value_low_inclusive",
                           "value_high_inclusive"})


def _row_dict(row: sqlite3.Row, width: int) -> tuple[dict[str, Any], list[Any]]:
    keys = row.keys()
    item: dict[str, Any] = {}
    for key in keys[:-width]:
        value = row[key]
        if key in _JSON_COLUMNS and isinstance(value, str):
            value = json.loads(value)
        elif key in _BOOL_COLUMNS and value is not None:
            value = bool(value)
        item[key] = value
    return item, [row[k] for k in keys[-width:]]


def _where(kind: Kind, filters: Filters) -> tuple[list[str], list[Any]]:
    filters = check_filters(filters)
    clauses: list[str] = []
    params: list[Any] = []
    for name, value in filters.given().items():
        if name not in kind.filters:
            usable = ", ".join(sorted(kind.filters))
            raise QueryError(f"{name}: {kind.name} cannot be filtered by it; use {usable}")
        if name == "text" and "MATCH" in kind.filters[name](value)[0]:
            check_search(value)
        sql, bound = kind.filters[name](value)
        clauses.append(sql)
        params.extend(bound)
    return clauses, params


def _run(store: Store, sql: str, params: Sequence[Any], *, what: str) -> list[sqlite3.Row]:
    return _run_with_columns(store, sql, params, what=what)[0]


def _run_with_columns(store: Store, sql: str, params: Sequence[Any], *,
                      what: str) -> tuple[list[sqlite3.Row], tuple[str, ...]]:
    try:
        cursor = store.conn.execute(sql, tuple(params))
        return cursor.fetchall(), tuple(d[0] for d in cursor.description)
    except sqlite3.OperationalError as exc:
        # Only a full-text query can be malformed; everything else is bound, not parsed.
        if "fts5" in str(exc) or "MATCH" in sql:
            raise QueryError(f"{what}: not a valid search ({exc}); use words, \"phrases\", "
                             "OR, NOT, prefix*") from None
        raise


def list_records(store: Store, kind_name: str, filters: Filters = Filters(), *,
                 limit: int = 50, cursor: str | None = None) -> Page:
    """One page of ``kind_name`` records that match ``filters``, after ``cursor``."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise QueryError(f"{kind_name}: not a list; use one of {', '.join(KINDS)}")
    check_limit(limit)
    clauses, params = _where(kind, filters)
    after = decode_cursor(kind.name, cursor, len(kind.sort)) if cursor else None
    if kind.group_by:
        return _grouped_page(store, kind, clauses, params, limit, after)
    where = " AND ".join(clauses) or "1"
    total_sql = f"SELECT COUNT(*) FROM {kind.joined(where) if clauses else kind.source}"
    total = int(_run(store, f"{total_sql} WHERE {where}", params, what=kind.name)[0][0])
    keys = ", ".join(kind.sort)
    page_where, page_params = where, list(params)
    if after is not None:
        condition, bound = _after(kind, after)
        page_where += f" AND {condition}"
        page_params += bound
    source = kind.joined(f"{where} {keys}")
    found = _run(store, f"SELECT {keys} FROM {source} WHERE {page_where}"
                 f" ORDER BY {keys} LIMIT ?", [*page_params, limit + 1], what=kind.name)
    ids = [row[-1] for row in found[:limit]]
    rows, columns = _run_with_columns(
        store, f"SELECT {kind.select}, {kind.sort[-1]} AS _id FROM {kind.joined()}"
        f" WHERE {kind.sort[-1]} IN ({', '.join('?' for _ in ids)})", ids, what=kind.name)
    by_id = {row["_id"]: _row_dict(row, 1)[0] for row in rows}
    items = [by_id[i] for i in ids if i in by_id]
    next_cursor = (encode_cursor(kind.name, list(found[limit - 1]))
                   if len(found) > limit else None)
    return Page(kind.name, items, total, next_cursor, columns[:-1])


def _after(kind: Kind, key: list[Any]) -> tuple[str, list[Any]]:
    """The rows strictly after ``key`` in the kind's order (NULLs of a nullable first key
    sort before every value, and a row-value comparison with NULL is never true)."""
    columns = ", ".join(kind.sort)
    marks = ", ".join("?" for _ in key)
    if not kind.nullable_lead:
        return f"({columns}) > ({marks})", list(key)
    lead, rest = kind.sort[0], ", ".join(kind.sort[1:])
    if key[0] is None:
        rest_marks = ", ".join("?" for _ in key[1:])
        return f"(({lead} IS NULL AND ({rest}) > ({rest_marks})) OR {lead} IS NOT NULL)", \
            list(key[1:])
    return f"({columns}) > ({marks})", list(key)


def _grouped_page(store: Store, kind: Kind, clauses: list[str], params: list[Any], limit: int,
                  after: list[Any] | None) -> Page:
    """A page of a kind whose rows are groups (stories), sorted on aggregates: the groups'
    keys first, then the columns of the page's groups alone."""
    where = " AND ".join(clauses) or "1"
    grouped = f" GROUP BY {kind.group_by}"
    keys = ", ".join(f"{expr} AS _k{i}" for i, expr in enumerate(kind.sort))
    order = ", ".join(f"_k{i}" for i in range(len(kind.sort)))
    # The sort keys are aliases of the grouped select; the subquery lets WHERE compare them.
    groups = (f"SELECT {keys} FROM {kind.joined(f'{where} {keys}')} WHERE {where}{grouped}")
    total = int(_run(store, f"SELECT COUNT(*) FROM ({groups})", params, what=kind.name)[0][0])
    sql = f"SELECT * FROM ({groups})"
    page_params = list(params)
    if after is not None:
        sql += f" WHERE ({order}) > ({', '.join('?' for _ in after)})"
        page_params += after
    found = _run(store, f"{sql} ORDER BY {order} LIMIT ?", [*page_params, limit + 1],
                 what=kind.name)
    ids = [row[-1] for row in found[:limit]]
    rows, columns = _run_with_columns(
        store, f"SELECT {kind.select}, {kind.sort[-1]} AS _id FROM {kind.joined()}"
        f" WHERE {kind.sort[-1]} IN ({', '.join('?' for _ in ids)}){grouped}", ids,
        what=kind.name)
    by_id = {row["_id"]: _row_dict(row, 1)[0] for row in rows}
    items = [by_id[i] for i in ids if i in by_id]
    next_cursor = (encode_cursor(kind.name, list(found[limit - 1]))
                   if len(found) > limit else None)
    return Page(kind.name, items, total, next_cursor, columns[:-1])


def iter_records(store: Store, kind_name: str, filters: Filters = Filters(), *,
                 limit: int | None = None, page_size: int = 500) -> Iterator[dict[str, Any]]:
    """Every matching record (or the first ``limit``), fetched a page at a time."""
    return _iter_pages(lambda size, cursor: list_records(
        store, kind_name, filters, limit=size, cursor=cursor), limit, page_size)


def iter_search(store: Store, query: str, filters: Filters = Filters(), *,
                limit: int | None = None, page_size: int = 500) -> Iterator[dict[str, Any]]:
    """Every article ``query`` finds (or the first ``limit``), best first."""
    return _iter_pages(lambda size, cursor: search(
        store, query, filters, limit=size, cursor=cursor), limit, page_size)


def _iter_pages(fetch: Callable[[int, str | None], Page], limit: int | None,
                page_size: int) -> Iterator[dict[str, Any]]:
    # Checked here, not on the first next(): callers turn the error into their message.
    if limit is not None and limit < 1:
        raise QueryError(f"limit {limit}: use a positive number")
    first = fetch(page_size if limit is None else min(page_size, limit), None)
    return _pages_from(first, fetch, limit, page_size)


def _pages_from(page: Page, fetch: Callable[[int, str | None], Page], limit: int | None,
                page_size: int) -> Iterator[dict[str, Any]]:
    left = limit
    while True:
        yield from page.items
        if left is not None:
            left -= len(page.items)
            if left <= 0:
                return
        if page.next_cursor is None:
            return
        page = fetch(page_size if left is None else min(page_size, left), page.next_cursor)


def list_articles(store: Store, filters: Filters = Filters(), *, limit: int = 50,
                  cursor: str | None = None) -> Page:
    return list_records(store, "articles", filters, limit=limit, cursor=cursor)


def list_events(store: Store, filters: Filters = Filters(), *, limit: int = 50,
                cursor: str | None = None) -> Page:
    return list_records(store, "events", filters, limit=limit, cursor=cursor)


def list_places(store: Store, filters: Filters = Filters(), *, limit: int = 50,
                cursor: str | None = None) -> Page:
    return list_records(store, "places", filters, limit=limit, cursor=cursor)


def list_actors(store: Store, filters: Filters = Filters(), *, limit: int = 50,
                cursor: str | None = None) -> Page:
    return list_records(store, "actors", filters, limit=limit, cursor=cursor)


def list_quotes(store: Store, filters: Filters = Filters(), *, limit: int = 50,
                cursor: str | None = None) -> Page:
    return list_records(store, "quotes", filters, limit=limit, cursor=cursor)


def list_claims(store: Store, filters: Filters = Filters(), *, limit: int = 50,
                cursor: str | None = None) -> Page:
    return list_records(store, "claims", filters, limit=limit, cursor=cursor)


def list_conflicts(store: Store, filters: Filters = Filters(), *, limit: int = 50,
                   cursor: str | None = None) -> Page:
    return list_records(store, "conflicts", filters, limit=limit, cursor=cursor)


def list_stories(store: Store, filters: Filters = Filters(), *, limit: int = 50,
                 cursor: str | None = None) -> Page:
    return list_records(store, "stories", filters, limit=limit, cursor=cursor)


# -- search ------------------------------------------------------------------------------
def search(store: Store, query: str, filters: Filters = Filters(), *, limit: int = 20,
           cursor: str | None = None) -> Page:
    """Articles matching an FTS5 query, best first, each with a snippet around the match."""
    check_search(query)
    check_limit(limit)
    clauses, params = _where(ARTICLES, filters)
    extra = "".join(f" AND {c}" for c in clauses)
    inner = (
        "SELECT a.id AS id, a.title AS title, a.published AS published, a.source AS source,"
        " snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snippet,"
        " bm25(articles_fts) AS _k0, a.id AS _k1"
        " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
        f" WHERE articles_fts MATCH ?{extra}"
    )
    params = [query, *params]
    total = int(_run(store, f"SELECT COUNT(*) FROM ({inner})", params, what="q")[0][0])
    sql = f"SELECT * FROM ({inner})"
    page_params = list(params)
    if cursor:
        after = decode_cursor("search", cursor, 2)
        sql += " WHERE (_k0, _k1) > (?, ?)"
        page_params += after
    sql += " ORDER BY _k0, _k1 LIMIT ?"
    page_params.append(limit + 1)
    rows, columns = _run_with_columns(store, sql, page_params, what="q")
    items = []
    last_key: list[Any] = []
    for row in rows[:limit]:
        item, last_key = _row_dict(row, 2)
        items.append(item)
    next_cursor = encode_cursor("search", last_key) if len(rows) > limit else None
    return Page("search", items, total, next_cursor, columns[:-2])


# -- ACLED -------------------------------------------------------------------------------
def iter_acled(store: Store, filters: Filters = Filters(), *,
               page_size: int = 500) -> Iterator[dict[str, Any]]:
    """Matching events as ACLED rows (``ACLED_COLUMNS``), in event order."""
    for page in _chunked(iter_records(store, "events", filters, page_size=page_size),
                         page_size):
        yield from acled_rows(store, page)


def acled_rows(store: Store, events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ACLED rows of ``events`` (rows of the events list).  Only what ACLED codes, one row
    per real event: the main event of a report (``is_main``: the one a coder would code, not
    every verb), asserted and of an ACLED type — a negated, hypothetical or future event, or
    one that is no political violence, protest or strategic development (a flood, a visit), has
    none — and of several reports of one event (one event cluster), only the first by id."""
    from pressgraph.extract.events.acled import acled_row
    from pressgraph.model import Actor, Event, Place

    if not events:
        return []
    ids = [row["id"] for row in events]
    # acled_row leaves event_type empty without an ACLED type: such events are not read.
    full = {r["id"]: _record(Event, r) for r in store.conn.execute(
        f"SELECT * FROM events WHERE id IN ({', '.join('?' for _ in ids)})"
        " AND factuality = 'asserted' AND acled_event_type IS NOT NULL AND is_main = 1"
        " AND (cluster_id IS NULL OR NOT EXISTS (SELECT 1 FROM events o"
        "  WHERE o.cluster_id = events.cluster_id AND o.is_main = 1 AND o.id < events.id"
        "  AND o.factuality = 'asserted' AND o.acled_event_type IS NOT NULL))", ids)}
    place_ids = [e.place_id for e in full.values() if e.place_id]
    places = {r["id"]: _record(Place, r) for r in store.conn.execute(
        f"SELECT * FROM places WHERE id IN ({', '.join('?' for _ in place_ids)})",
        place_ids)} if place_ids else {}
    articles: dict[str, Any] = {}
    # The article's actors and places: ACLED actor names and a place for an event without one.
    context: dict[str, dict[str, Any]] = {}
    rows = []
    for row in events:
        event = full.get(row["id"])
        if event is None:
            continue
        if event.article_id not in articles:
            articles[event.article_id] = store.load_article(event.article_id)
            context[event.article_id] = {
                "actors": [_record(Actor, r) for r in store.conn.execute(
                    "SELECT * FROM actors WHERE article_id = ?", (event.article_id,))],
                "places": [_record(Place, r) for r in store.conn.execute(
                    "SELECT * FROM places WHERE article_id = ? ORDER BY start",
                    (event.article_id,))]}
        acled = acled_row(event, places.get(event.place_id or ""), articles[event.article_id],
                          **context[event.article_id])
        if acled["event_type"]:
            rows.append(acled)
    return rows


_DECODERS: dict[type[Any], tuple[tuple[str, bool, bool], ...]] = {}


def _decoders(cls: type[Any]) -> tuple[tuple[str, bool, bool], ...]:
    """Per field of a record class: its name, and whether it is stored as JSON or as 0/1."""
    from pressgraph.store import _field_is_bool, _field_is_sequence

    if cls not in _DECODERS:
        _DECODERS[cls] = tuple((f.name, _field_is_sequence(f.type), _field_is_bool(f.type))
                               for f in dataclasses.fields(cls))
    return _DECODERS[cls]


def _record(cls: type[Any], row: sqlite3.Row) -> Any:
    """A record from its stored row (the store's own decoding, with the field kinds worked
    out once per class instead of once per value)."""
    keys = set(row.keys())
    values: dict[str, Any] = {}
    for name, is_json, is_bool in _decoders(cls):
        if name not in keys:
            continue
        value = row[name]
        if value is not None and is_json:
            decoded = json.loads(value)
            value = tuple(decoded) if isinstance(decoded, list) else decoded
        elif value is not None and is_bool:
            value = bool(value)
        values[name] = value
    return cls(**values)


def _chunked(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- single records ----------------------------------------------------------------------
def find_article(store: Store, article_id: str) -> str:
    """The full id of the article ``article_id`` names (a unique prefix will do)."""
    check_text(article_id, "article id")
    found = store.find_articles(article_id)
    if not found:
        raise NotFound(f"{article_id}: no article with this id")
    if len(found) > 1:
        raise QueryError(f"{article_id}: ambiguous, several article ids start with it; "
                         "give more")
    return found[0]


def get_extraction(store: Store, article_id: str) -> Extraction:
    """Everything stored about one article (``article_id`` or a unique prefix of it)."""
    extraction = store.load_extraction(find_article(store, article_id))
    if extraction is None:  # deleted between the two reads
        raise NotFound(f"{article_id}: no article with this id")
    return extraction


def get_actor(store: Store, actor_id: str) -> dict[str, Any]:
    """A linked actor across articles: names, roles, its mentions per article, and the
    quotes, claims and events it is part of.  A per-article actor id gives its linked actor
    (or the per-article actor alone when the store was never linked)."""
    check_text(actor_id, "actor id")
    conn = store.conn
    row = conn.execute("SELECT * FROM canonical_actors WHERE id = ?", (actor_id,)).fetchone()
    if row is None:
        member = conn.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
        if member is None:
            raise NotFound(f"{actor_id}: no actor with this id")
        if member["canonical_id"]:
            return get_actor(store, member["canonical_id"])
        actor = {"id": member["id"], "name": member["name"], "type": member["type"],
                 "category": member["category"], "aliases": json.loads(member["aliases"] or "[]"),
                 "roles": [], "members": [member["id"]], "article_count": 1}
    else:
        actor = {k: row[k] for k in row.keys()}  # noqa: SIM118 (sqlite3.Row iterates values)
        for key in ("aliases", "roles", "members"):
            actor[key] = json.loads(actor[key] or "[]")
    members = list(actor["members"])
    marks = ", ".join("?" for _ in members)
    actor["mentions"] = [dict(r) for r in conn.execute(
        "SELECT x.id, x.article_id, x.start, x.\"end\", x.extractor, x.name, x.roles,"
        " x.mention_count, a.title AS article_title, a.published"
        f" FROM actors x JOIN articles a ON a.id = x.article_id WHERE x.id IN ({marks})"
        " ORDER BY COALESCE(a.published, ''), x.article_id", members)]
    for mention in actor["mentions"]:
        mention["roles"] = json.loads(mention["roles"] or "[]")
    actor["quotes"] = [dict(r) for r in conn.execute(
        "SELECT q.id, q.article_id, q.start, q.\"end\", q.extractor, q.content, q.cue, q.kind"
        f" FROM quotes q WHERE q.speaker_actor_id IN ({marks}) ORDER BY q.article_id, q.start",
        members)]
    actor["claims"] = [dict(r) for r in conn.execute(
        "SELECT c.id, c.article_id, c.start, c.\"end\", c.extractor, c.subject, c.predicate,"
        " c.value_low, c.value_high, c.polarity, c.hedge FROM claims c"
        f" WHERE c.claimant_actor_id IN ({marks}) ORDER BY c.article_id, c.start", members)]
    actor["events"] = [dict(r) for r in conn.execute(
        "SELECT e.id, e.article_id, e.start, e.\"end\", e.extractor, e.event_type, e.text,"
        " e.date, e.actor_text, e.recipient_text,"
        f" CASE WHEN e.actor_id IN ({marks}) THEN 'actor' ELSE 'recipient' END AS part"
        f" FROM events e WHERE e.actor_id IN ({marks}) OR e.recipient_id IN ({marks})"
        " ORDER BY COALESCE(e.date, ''), e.article_id, e.start", members * 3)]
    return actor


def get_story(store: Store, story_id: str) -> dict[str, Any]:
    """One story: its articles, events, claims, and the relations between its claims."""
    check_text(story_id, "story id")
    page = list_records(store, "stories", Filters(story=story_id), limit=1)
    if not page.items:
        raise NotFound(f"{story_id}: no story with this id")
    story = page.items[0]
    by_story = Filters(story=story_id)
    story["articles"] = list(iter_records(store, "articles", by_story))
    story["events"] = list(iter_records(store, "events", by_story))
    story["claims"] = list(iter_records(store, "claims", by_story))
    story["relations"] = list(iter_records(store, "conflicts", by_story))
    return story


def most_mentioned_actors(store: Store, limit: int = 12) -> list[dict[str, Any]]:
    """Per-article actors grouped by name and type, most mentioned first (works on a store
    that was never linked), each with its articles, mentions and every role seen."""
    check_limit(limit)
    # Roles are gathered for the top groups only: gathered for every group (a scan of the
    # actors per group) the query grew with the square of the store, and every non-quiet
    # ``ingest`` runs it (a second on 300 articles, minutes on a few thousand). Each
    # group's roles in order of first appearance, as the scan gave them before.
    return [dict(r) for r in store.conn.execute(
        "SELECT t.name AS name, t.type AS type, t.articles AS articles,"
        " t.mentions AS mentions,"
        " (SELECT GROUP_CONCAT(role, '; ') FROM (SELECT j.value AS role"
        "   FROM actors b, json_each(b.roles) j"
        "   WHERE lower(b.name) = t.name_key AND b.type = t.type"
        "   GROUP BY j.value ORDER BY MIN(b.rowid * 1000 + j.key))) AS roles"
        " FROM (SELECT a.name AS name, lower(a.name) AS name_key, a.type AS type,"
        "   COUNT(DISTINCT a.article_id) AS articles, SUM(a.mention_count) AS mentions"
        "   FROM actors a GROUP BY lower(a.name), a.type"
        "   ORDER BY SUM(a.mention_count) DESC, lower(a.name) LIMIT ?) t"
        " ORDER BY t.mentions DESC, t.name_key", (limit,))]


def summary(store: Store) -> dict[str, int]:
    """How many records of each kind the store holds, stories included."""
    counts = store.counts()
    counts["canonical_actors"] = store.conn.execute(
        "SELECT COUNT(*) FROM canonical_actors").fetchone()[0]
    counts["stories"] = store.conn.execute(
        "SELECT COUNT(DISTINCT cluster_id) FROM article_clusters").fetchone()[0]
    return counts


__all__ = [
    "KINDS", "MAX_PAGE", "PLOVER_TYPES", "RELATIONS", "Filters", "NotFound", "Page",
    "QueryError",
    "acled_rows", "check_date", "check_filters", "check_limit", "check_search",
    "find_article", "get_actor", "get_extraction", "get_story", "iter_acled", "iter_records",
    "iter_search", "list_actors", "list_articles", "list_claims", "list_conflicts",
    "list_events", "list_places", "list_quotes", "list_records", "list_stories",
    "most_mentioned_actors", "search", "summary",
]
