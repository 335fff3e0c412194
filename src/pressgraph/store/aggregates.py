"""Aggregates the web pages show that the list queries do not: recent conflicts, events per
day, map points and the sentence around a span.

Like ``queries``, every function takes typed arguments, checks them with the read layer's
checks (a bad value is a one-line :class:`~pressgraph.store.queries.QueryError`) and binds
every value; no SQL comes in from callers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pressgraph.store import Store
from pressgraph.store.queries import (
    Filters,
    QueryError,
    check_filters,
    check_limit,
    like,
)

# An event's date is a TIMEX value ("2024-02-12", "2024-W06", "2024-04", "PT48H"); only a
# value that names a day can place it on a day.
_DAY_VALUE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"
# The day an event is counted on: its own when the text dates it to a day, else its report's.
_EVENT_DAY = (f"CASE WHEN e.date GLOB '{_DAY_VALUE}' THEN substr(e.date, 1, 10)"
              f" ELSE substr(a.published, 1, 10) END")
_LIKE = "LIKE ? ESCAPE '\\'"
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+|\n\s*")
NO_FILTERS = Filters()
# How far to look either side of a span for its sentence's ends.
_CONTEXT_CHARS = 400


@dataclass(frozen=True, slots=True)
class DayCounts:
    """Events per day and type; ``undated`` events have neither a day nor a dated report."""

    rows: list[dict[str, Any]]
    undated: int


_PAGE_FILTERS = frozenset({"since", "until", "event_type", "actor"})


def _checked_page_filters(filters: Filters) -> Filters:
    """The filters the map and the timeline offer (a date range, a PLOVER type, an actor
    name), checked; any other is refused."""
    filters = check_filters(filters)
    unusable = sorted(set(filters.given()) - _PAGE_FILTERS)
    if unusable:
        raise QueryError(f"{', '.join(unusable)}: the map and timeline cannot be filtered by "
                         f"it; use {', '.join(sorted(_PAGE_FILTERS))}")
    return filters


def _event_conditions(filters: Filters) -> tuple[str, list[Any]]:
    """Events on the counted day's range, of the PLOVER type, with the actor named."""
    filters = _checked_page_filters(filters)
    clauses: list[str] = []
    params: list[Any] = []
    if filters.since:
        clauses.append(f"{_EVENT_DAY} >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append(f"{_EVENT_DAY} <= ?")
        params.append(filters.until)
    if filters.event_type:
        clauses.append("e.event_type = ?")
        params.append(filters.event_type)
    if filters.actor:
        clauses.append(f"(e.actor_text {_LIKE} OR e.recipient_text {_LIKE})")
        params += [like(filters.actor)] * 2
    return " AND ".join(clauses) or "1", params


def events_per_day(store: Store, filters: Filters = NO_FILTERS) -> DayCounts:
    """How many events of each PLOVER type fall on each day, and whether the day is the
    event's own (``dated_by`` = "event") or its report's publication day ("report")."""
    where, params = _event_conditions(filters)
    rows = store.conn.execute(
        f"SELECT {_EVENT_DAY} AS day, e.event_type AS event_type,"
        f" CASE WHEN e.date GLOB '{_DAY_VALUE}' THEN 'event' ELSE 'report' END AS dated_by,"
        " COUNT(*) AS events"
        f" FROM events e JOIN articles a ON a.id = e.article_id WHERE {where}"
        " GROUP BY day, e.event_type, dated_by HAVING day IS NOT NULL"
        " ORDER BY day, e.event_type, dated_by", params).fetchall()
    undated = store.conn.execute(
        f"SELECT COUNT(*) FROM events e JOIN articles a ON a.id = e.article_id"
        f" WHERE {where} AND {_EVENT_DAY} IS NULL", params).fetchone()[0]
    return DayCounts([dict(r) for r in rows], int(undated))


EVENT_POINT = ("id", "article_id", "lat", "lon", "event_type", "text", "date", "place_name",
               "actor_text", "recipient_text")
PLACE_POINT = ("id", "article_id", "lat", "lon", "name", "text", "precision", "country_code")


@dataclass(frozen=True, slots=True)
class MapPoints:
    """Located events and places as rows of the ``EVENT_POINT`` / ``PLACE_POINT`` columns
    (a page with thousands of markers carries each key once), and the articles' titles."""

    events: list[list[Any]]
    places: list[list[Any]]
    titles: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        return {"event_columns": EVENT_POINT, "events": self.events,
                "place_columns": PLACE_POINT, "places": self.places, "titles": self.titles}


def map_points(store: Store, filters: Filters = NO_FILTERS, *, limit: int = 5000) -> MapPoints:
    """Located events and places matching ``filters`` (at most ``limit`` of each), in the
    order they were reported.  Events filter as on the timeline (the same day, type and actor
    rules); places by their article: its publication day, and an actor it names."""
    if limit < 1:
        raise QueryError(f"limit {limit}: use a positive number")
    where, params = _event_conditions(filters)
    events = store.conn.execute(
        "SELECT e.id, e.article_id, round(p.lat, 4), round(p.lon, 4), e.event_type, e.text,"
        " e.date, p.name, e.actor_text, e.recipient_text"
        " FROM events e JOIN articles a ON a.id = e.article_id"
        " JOIN places p ON p.id = e.place_id"
        f" WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL AND {where}"
        " ORDER BY COALESCE(a.published, ''), e.article_id, e.start LIMIT ?",
        [*params, limit]).fetchall()
    checked = _checked_page_filters(filters)
    clauses, place_params = [], []
    if checked.since:
        clauses.append("substr(a.published, 1, 10) >= ?")
        place_params.append(checked.since)
    if checked.until:
        clauses.append("substr(a.published, 1, 10) <= ?")
        place_params.append(checked.until)
    if checked.actor:
        clauses.append("EXISTS (SELECT 1 FROM actors x WHERE x.article_id = p.article_id"
                       f" AND (x.name {_LIKE} OR x.aliases {_LIKE}))")
        place_params += [like(checked.actor)] * 2
    places = store.conn.execute(
        "SELECT p.id, p.article_id, round(p.lat, 4), round(p.lon, 4), p.name, p.text,"
        " p.precision, p.country_code FROM places p JOIN articles a ON a.id = p.article_id"
        " WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL"
        + "".join(f" AND {c}" for c in clauses) +
        " ORDER BY COALESCE(a.published, ''), p.article_id, p.start LIMIT ?",
        [*place_params, limit]).fetchall()
    shown = sorted({r[1] for r in events} | {r[1] for r in places})
    titles: dict[str, str] = {}
    for first in range(0, len(shown), 500):
        chunk = shown[first:first + 500]
        marks = ", ".join("?" for _ in chunk)
        titles.update({article: title or "" for article, title in store.conn.execute(
            f"SELECT id, title FROM articles WHERE id IN ({marks})", chunk)})
    return MapPoints([list(r) for r in events], [list(r) for r in places], titles)


def latest_relations(store: Store, relation: str = "conflict", *,
                     limit: int = 10) -> list[dict[str, Any]]:
    """The most recently reported claim relations of one kind (newest article first), each
    with both claims' claimant, subject, predicate, article and date."""
    check_limit(limit)
    relation = check_filters(Filters(relation=relation)).relation or relation
    side = ("c{s}.claimant_text AS claimant_{s}, c{s}.subject AS subject_{s},"
            " c{s}.predicate AS predicate_{s}, a{s}.title AS title_{s},"
            " a{s}.published AS published_{s}")
    rows = store.conn.execute(
        "SELECT r.id AS id, r.relation AS relation, r.explanation AS explanation,"
        " r.claim_a AS claim_a, r.claim_b AS claim_b, r.article_a AS article_a,"
        " r.article_b AS article_b, " + side.format(s="a") + ", " + side.format(s="b") +
        " FROM conflicts r JOIN articles aa ON aa.id = r.article_a"
        " JOIN articles ab ON ab.id = r.article_b"
        " LEFT JOIN claims ca ON ca.id = r.claim_a LEFT JOIN claims cb ON cb.id = r.claim_b"
        " WHERE r.relation = ?"
        " ORDER BY MAX(COALESCE(aa.published, ''), COALESCE(ab.published, '')) DESC, r.id"
        " LIMIT ?", (relation, limit)).fetchall()
    return [dict(r) for r in rows]


def relation_counts(store: Store) -> dict[str, int]:
    """How many claim relations of each kind the store holds."""
    rows = store.conn.execute("SELECT relation, COUNT(*) FROM conflicts GROUP BY relation")
    return {relation: int(n) for relation, n in rows}


def event_type_counts(store: Store) -> dict[str, int]:
    """How many events of each PLOVER type the store holds, most first."""
    rows = store.conn.execute(
        "SELECT event_type, COUNT(*) AS n FROM events GROUP BY event_type"
        " ORDER BY n DESC, event_type")
    return {event_type: int(n) for event_type, n in rows}


def claimant_actors(store: Store, claim_ids: list[str]) -> dict[str, str]:
    """claim id -> the per-article actor id of its claimant, for the claims that have one."""
    found: dict[str, str] = {}
    unique = sorted(set(claim_ids))
    # SQLite binds at most 32,766 values a statement; pages ask for far fewer.
    for first in range(0, len(unique), 500):
        chunk = unique[first:first + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = store.conn.execute(
            f"SELECT id, claimant_actor_id FROM claims WHERE id IN ({marks})"
            " AND claimant_actor_id IS NOT NULL", chunk)
        found.update({claim: actor for claim, actor in rows})
    return found


@dataclass(frozen=True, slots=True)
class InContext:
    """A span of an article with the rest of its sentence(s) either side."""

    before: str
    span: str
    after: str


def sentence_around(store: Store, article_id: str, start: int, end: int) -> InContext | None:
    """The sentence(s) holding ``[start, end)`` of an article's text, split around the span
    (None when the article is missing or the span lies outside its text)."""
    if start < 0 or end < start:
        return None
    low = max(0, start - _CONTEXT_CHARS)
    row = store.conn.execute(
        "SELECT substr(text, ? + 1, ?) AS window, length(text) AS size FROM articles"
        " WHERE id = ?", (low, end - low + _CONTEXT_CHARS, article_id)).fetchone()
    if row is None or end > row["size"]:
        return None
    window: str = row["window"]
    head, span, tail = window[:start - low], window[start - low:end - low], window[end - low:]
    opening = 0
    for match in _SENTENCE_END.finditer(head):
        opening = match.end()
    # A window cut mid-text starts mid-sentence: show it from its first full sentence only
    # when one ends before the span.
    head = head[opening:] if opening or low == 0 else "…" + head
    closing = _SENTENCE_END.search(tail)
    tail = tail[:closing.start() + 1].rstrip() if closing else tail + (
        "…" if end + _CONTEXT_CHARS < row["size"] else "")
    return InContext(head, span, tail)


__all__ = [
    "EVENT_POINT", "NO_FILTERS", "PLACE_POINT", "DayCounts", "InContext", "MapPoints",
    "claimant_actors", "event_type_counts", "events_per_day", "latest_relations", "map_points",
    "relation_counts", "sentence_around",
]
