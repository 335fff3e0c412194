"""The web pages: server-rendered Jinja templates over the read layer, no network needed.

Every page reads through ``store.queries`` and ``store.aggregates`` on a read-only store;
every value reaches the page through Jinja's autoescaping (article text is data, never
markup), and data the page's scripts draw from is embedded as JSON with ``tojson`` (which
escapes ``<``, ``>``, ``&`` and quotes), so no page runs an inline script.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from pressgraph.model import RECORD_KINDS, Extraction, Record
from pressgraph.server.app import request_store
from pressgraph.store import Store, aggregates, queries
from pressgraph.store.queries import Filters, QueryError

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,  # every template, whatever its name: article text is data
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_environment)

router = APIRouter(default_response_class=HTMLResponse)

# The kinds an article page highlights, in the order its legend lists them; a segment takes
# the colour of the shortest record covering it (the most specific one).
SPAN_KINDS = ("entities", "actors", "places", "times", "quantities", "events", "quotes",
              "claims")
# Fields every record has; the record panel shows the rest.
_PROVENANCE = frozenset({"id", "article_id", "start", "end", "extractor"})
CONFLICTS_PAGE = 50
MAP_LIMIT = 5000

Text = Annotated[str | None, Query(max_length=queries.MAX_FILTER_CHARS)]


class PageError(Exception):
    """A request a page cannot answer: shown as a page with one line and ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _page(request: Request, name: str, build: Callable[[Store], dict[str, Any]]) -> HTMLResponse:
    """Render ``name`` with what ``build`` reads from the store; a bad filter or an unknown
    id becomes an error page with the read layer's one line."""
    try:
        with request_store(request) as store:
            context = build(store)
    except QueryError as exc:
        return _render(request, "error.html", 400, message=str(exc), title="Bad request")
    except LookupError as exc:
        return _render(request, "error.html", 404, message=str(exc), title="Not found")
    except PageError as exc:
        return _render(request, "error.html", exc.status, message=str(exc), title="Error")
    return _render(request, name, **context)


def _filters(since: str | None, until: str | None, event_type: str | None,
             actor: str | None) -> Filters:
    return Filters(since=since or None, until=until or None, event_type=event_type or None,
                   actor=actor or None)


# -- overview ----------------------------------------------------------------------------
@router.get("/", summary="Overview: counts, latest conflicts, busiest stories")
def overview(request: Request) -> HTMLResponse:
    def build(store: Store) -> dict[str, Any]:
        return {
            "counts": queries.summary(store),
            "relations": aggregates.relation_counts(store),
            "event_types": aggregates.event_type_counts(store),
            "conflicts": aggregates.latest_relations(store, "conflict", limit=8),
            "stories": queries.list_stories(store, limit=8).items,
            "actors": queries.list_actors(store, limit=12).items,
            "articles": queries.list_articles(store, limit=20).items,
        }
    return _page(request, "overview.html", build)


# -- map and timeline --------------------------------------------------------------------
@router.get("/map", summary="Located events and places over country outlines")
def event_map(request: Request, since: Text = None, until: Text = None,
              event_type: Text = None, actor: Text = None) -> HTMLResponse:
    filters = _filters(since, until, event_type, actor)

    def build(store: Store) -> dict[str, Any]:
        points = aggregates.map_points(store, filters, limit=MAP_LIMIT)
        return {"points": points.as_json(), "event_count": len(points.events),
                "place_count": len(points.places), "filters": filters,
                "plover_types": queries.PLOVER_TYPES}
    return _page(request, "map.html", build)


def timeline_spec(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A Vega-Lite stacked bar chart of events per day, coloured by PLOVER type; drag or
    scroll along the days to zoom."""
    days = sorted({r["day"] for r in rows})
    span = (date.fromisoformat(days[-1]) - date.fromisoformat(days[0])).days if days else 0
    # Over a long span a day is under a pixel wide: give each bar a visible width.
    mark: dict[str, Any] = {"type": "bar", "tooltip": True}
    if span > 120:
        mark["width"] = 4
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": 320,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": rows},
        "params": [{"name": "zoom", "select": {"type": "interval", "encodings": ["x"]},
                    "bind": "scales"}],
        "mark": mark,
        "encoding": {
            "x": {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate",
                  "title": "day"},
            "y": {"aggregate": "sum", "field": "events", "type": "quantitative",
                  "title": "events", "stack": True},
            "color": {"field": "event_type", "type": "nominal", "title": "PLOVER type",
                      "scale": {"scheme": "tableau20"}},
            "opacity": {"field": "dated_by", "type": "ordinal", "title": "day from",
                        "scale": {"domain": ["event", "report"], "range": [1, 0.45]}},
        },
    }


@router.get("/timeline", summary="Events per day by type")
def timeline(request: Request, since: Text = None, until: Text = None,
             event_type: Text = None, actor: Text = None) -> HTMLResponse:
    filters = _filters(since, until, event_type, actor)

    def build(store: Store) -> dict[str, Any]:
        counts = aggregates.events_per_day(store, filters)
        return {"spec": timeline_spec(counts.rows), "undated": counts.undated,
                "total": sum(r["events"] for r in counts.rows), "filters": filters,
                "plover_types": queries.PLOVER_TYPES}
    return _page(request, "timeline.html", build)


# -- conflicts ---------------------------------------------------------------------------
def _with_evidence(store: Store, relation: dict[str, Any]) -> dict[str, Any]:
    sides = {}
    for side in ("a", "b"):
        sides[side] = aggregates.sentence_around(
            store, relation[f"article_{side}"], relation[f"start_{side}"] or 0,
            relation[f"end_{side}"] or 0) if relation[f"start_{side}"] is not None else None
    return {**relation, "context": sides}


@router.get("/conflicts", summary="Claim relations with both claims and their evidence")
def conflicts(request: Request, relation: Text = "conflict", cursor: Text = None,
              story: Text = None, article: Text = None) -> HTMLResponse:
    def build(store: Store) -> dict[str, Any]:
        chosen = relation or None
        filters = Filters(relation=chosen, story=story or None, article=article or None)
        page = queries.list_conflicts(store, filters, limit=CONFLICTS_PAGE,
                                      cursor=cursor or None)
        claimants = _claimant_actors(store, page.items)
        return {"page": page, "relations": [_with_evidence(store, r) for r in page.items],
                "relation": chosen, "story": story, "article": article,
                "claimants": claimants, "all_relations": queries.RELATIONS}
    return _page(request, "conflicts.html", build)


def _claimant_actors(store: Store, relations: list[dict[str, Any]]) -> dict[str, str]:
    """claim id -> the per-article actor id of its claimant, for links to actor pages."""
    return aggregates.claimant_actors(
        store, [r[f"claim_{side}"] for r in relations for side in ("a", "b")])


# -- records -----------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Segment:
    """A run of article text covered by the same records (``ids``, shortest first)."""

    text: str
    ids: tuple[str, ...]
    kind: str | None  # the kind of the shortest covering record: the segment's colour
    anchors: tuple[str, ...]  # records that start here (link targets, #r-ID)


def _span_records(extraction: Extraction) -> Iterator[tuple[str, Record]]:
    size = len(extraction.article.text)
    for kind in SPAN_KINDS:
        for record in getattr(extraction, kind):
            if 0 <= record.start < record.end <= size:
                yield kind, record


def highlight_segments(extraction: Extraction) -> list[Segment]:
    """The article text cut at every record boundary, each piece with the records covering
    it; concatenated, the pieces give the text back exactly."""
    text = extraction.article.text
    spans = sorted(_span_records(extraction), key=lambda kr: (kr[1].start, -kr[1].end))
    cuts = sorted({0, len(text), *(r.start for _, r in spans), *(r.end for _, r in spans)})
    starts: dict[int, list[str]] = {}
    for _, record in spans:
        starts.setdefault(record.start, []).append(record.id)
    segments: list[Segment] = []
    active: list[tuple[str, Record]] = []
    next_span = 0
    for left, right in itertools.pairwise(cuts):
        while next_span < len(spans) and spans[next_span][1].start <= left:
            active.append(spans[next_span])
            next_span += 1
        active = [(k, r) for k, r in active if r.end > left]
        covering = sorted(active, key=lambda kr: kr[1].end - kr[1].start)
        segments.append(Segment(
            text=text[left:right], ids=tuple(r.id for _, r in covering),
            kind=covering[0][0] if covering else None, anchors=tuple(starts.get(left, ()))))
    return segments


def record_details(extraction: Extraction) -> dict[str, dict[str, Any]]:
    """What the record panel shows for each highlighted record: its kind, extractor, span
    and its own fields (empty ones left out)."""
    details: dict[str, dict[str, Any]] = {}
    text = extraction.article.text
    for kind, record in _span_records(extraction):
        fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)
                  if f.name not in _PROVENANCE}
        details[record.id] = {
            "kind": kind, "extractor": record.extractor, "start": record.start,
            "end": record.end, "span": text[record.start:record.end],
            "fields": {k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()
                       if v not in (None, "", (), [], False)},
        }
    return details


@router.get("/articles", summary="Articles, newest first")
def articles(request: Request, cursor: Text = None, text: Text = None) -> HTMLResponse:
    def build(store: Store) -> dict[str, Any]:
        if text:
            page = queries.search(store, text, limit=50, cursor=cursor or None)
        else:
            page = queries.list_articles(store, limit=50, cursor=cursor or None)
        return {"page": page, "text": text}
    return _page(request, "articles.html", build)


@router.get("/articles/{article_id}", summary="An article with every record highlighted")
def article(request: Request, article_id: str) -> HTMLResponse:
    def build(store: Store) -> dict[str, Any]:
        extraction = queries.get_extraction(store, article_id)
        story = queries.list_stories(store, Filters(article=extraction.article.id), limit=1)
        claim_ids = {c.id for c in extraction.claims}
        relations = [r for r in extraction.conflicts
                     if r.claim_a in claim_ids or r.claim_b in claim_ids]
        counts = {kind: len(getattr(extraction, kind)) for kind in SPAN_KINDS}
        return {"extraction": extraction, "article": extraction.article,
                "segments": highlight_segments(extraction),
                "details": record_details(extraction), "counts": counts,
                "story": story.items[0] if story.items else None, "relations": relations,
                "span_kinds": SPAN_KINDS, "record_kinds": list(RECORD_KINDS)}
    return _page(request, "article.html", build)


@router.get("/actors/{actor_id}", summary="An actor across articles")
def actor(request: Request, actor_id: str) -> HTMLResponse:
    def build(store: Store) -> dict[str, Any]:
        found = queries.get_actor(store, actor_id)
        return {"actor": found}
    return _page(request, "actor.html", build)


@router.get("/stories/{story_id}", summary="A story: its articles, events and claims")
def story(request: Request, story_id: str) -> HTMLResponse:
    def build(store: Store) -> dict[str, Any]:
        found = queries.get_story(store, story_id)
        relations = [_with_evidence(store, r) for r in found["relations"]]
        disputed = {r[f"claim_{s}"] for r in relations if r["relation"] == "conflict"
                    for s in ("a", "b")}
        return {"story": found, "relations": relations, "disputed": disputed,
                "claimants": _claimant_actors(store, relations)}
    return _page(request, "story.html", build)


__all__ = ["SPAN_KINDS", "Segment", "highlight_segments", "record_details", "router",
           "timeline_spec"]
