"""The JSON API (mounted under ``/api``): read-only lists, records and downloads.

Every list answers ``{"kind", "total", "items", "cursor", "next"}``: ``total`` counts all the
records that match the filters, ``next`` is the URL of the following page (null on the last).
``?format=csv|jsonl|geojson`` (and ``acled`` for events) streams the whole filtered list as a
file instead, page by page, so a download of any size holds one page in memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse

from pressgraph.server.app import request_store
from pressgraph.store import NotAPressgraphDatabase, Store, StoreNeedsMigration, queries
from pressgraph.store.queries import Filters, NotFound, Page, QueryError

router = APIRouter()

Format = Literal["json", "csv", "jsonl", "geojson", "acled"]
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
               "geojson": "application/geo+json", "acled": "text/csv; charset=utf-8"}
EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "geojson": "geojson", "acled": "acled.csv"}
DOWNLOAD_PAGE = 500


def install_error_handlers(app: FastAPI) -> None:
    """Bad parameters are 400 with the read layer's one line, unknown ids 404, and a database
    that cannot be read now (moved, replaced since the server started) 503."""

    async def bad_query(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    async def not_found(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    async def unavailable(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    async def bad_parameter(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'][1:]) or 'request'}: {error['msg']}"
            for error in exc.errors())
        return JSONResponse({"detail": problems}, status_code=400)

    app.add_exception_handler(RequestValidationError, bad_parameter)
    app.add_exception_handler(QueryError, bad_query)
    app.add_exception_handler(NotFound, not_found)
    for error in (NotAPressgraphDatabase, StoreNeedsMigration, FileNotFoundError):
        app.add_exception_handler(error, unavailable)


# -- parameters --------------------------------------------------------------------------
def list_filters(
    text: Annotated[str | None, Query(
        description="Words in the record: full-text (FTS5) for articles and stories, a "
        "substring for the rest (case-insensitive, % and _ are literal).")] = None,
    actor: Annotated[str | None, Query(
        description="Part of an actor's name or alias.")] = None,
    canonical_actor: Annotated[str | None, Query(
        description="A linked actor's id (from /api/actors).")] = None,
    place: Annotated[str | None, Query(
        description="Part of a place name, or a two-letter country code.")] = None,
    country: Annotated[str | None, Query(
        description="ISO 3166 alpha-2 country code of a place.")] = None,
    event_type: Annotated[str | None, Query(
        description="PLOVER event type, e.g. ASSAULT, PROTEST.")] = None,
    acled_type: Annotated[str | None, Query(
        description="ACLED event type or sub-event type, e.g. Battles, Peaceful protest.")
    ] = None,
    since: Annotated[str | None, Query(description="Earliest date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, Query(description="Latest date, YYYY-MM-DD.")] = None,
    relation: Annotated[str | None, Query(
        description="Claim relation: conflict, agreement or refinement.")] = None,
    story: Annotated[str | None, Query(description="A story id (from /api/stories).")] = None,
    article: Annotated[str | None, Query(description="An article id.")] = None,
) -> Filters:
    return Filters(text=text, actor=actor, canonical_actor=canonical_actor, place=place,
                   country=country, event_type=event_type, acled_type=acled_type, since=since,
                   until=until, relation=relation, story=story, article=article)


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    cursor: str | None
    format: Format


def paging(
    limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE,
                                description="Records per page.")] = 50,
    cursor: Annotated[str | None, Query(
        description="Where the page starts: the cursor of the previous page.")] = None,
    format: Annotated[Format, Query(
        description="json (one page), or a download of the whole filtered list: csv, jsonl, "
        "geojson, and acled for events.")] = "json",
) -> Paging:
    return Paging(limit, cursor, format)


FiltersParam = Annotated[Filters, Depends(list_filters)]
PagingParam = Annotated[Paging, Depends(paging)]


# -- answers -----------------------------------------------------------------------------
def _page_json(request: Request, page: Page) -> dict[str, Any]:
    next_url = (str(request.url.include_query_params(cursor=page.next_cursor))
                if page.next_cursor else None)
    return {"kind": page.kind, "total": page.total, "items": page.items,
            "cursor": page.next_cursor, "next": next_url}


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def _csv_lines(columns: tuple[str, ...], rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _jsonl_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def _point(row: dict[str, Any]) -> dict[str, Any] | None:
    lat = row.get("lat", row.get("latitude"))
    lon = row.get("lon", row.get("longitude"))
    if lat is None or lon is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def _geojson_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A FeatureCollection, one feature per record; a record with no coordinates keeps a null
    geometry (valid GeoJSON), so the download has every record the list has."""
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for row in rows:
        feature = {"type": "Feature", "geometry": _point(row), "properties": row}
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"


FetchPage = Callable[[Store, str | None], Page]


def _download(request: Request, name: str, fmt: Format, fetch: FetchPage,
              to_rows: Callable[[Store, Page], list[dict[str, Any]]] | None = None,
              columns: tuple[str, ...] | None = None) -> StreamingResponse:
    """Stream every page of a list as one file.  The first page is read before answering, so
    a bad filter is still a 400; each later page opens the store for itself (the stream is
    consumed from worker threads, and an SQLite connection belongs to one)."""
    db_path = request.app.state.db_path

    def convert(store: Store, page: Page) -> list[dict[str, Any]]:
        return to_rows(store, page) if to_rows else page.items

    with request_store(request) as store:
        first = fetch(store, None)
        first_rows = convert(store, first)

    def rows() -> Iterator[dict[str, Any]]:
        yield from first_rows
        cursor = first.next_cursor
        while cursor:
            with Store(db_path, readonly=True) as store:
                page = fetch(store, cursor)
                page_rows = convert(store, page)
            yield from page_rows
            cursor = page.next_cursor

    if fmt in ("csv", "acled"):
        body = _csv_lines(columns or first.columns, rows())
    elif fmt == "jsonl":
        body = _jsonl_lines(rows())
    else:
        body = _geojson_lines(rows())
    filename = f"{name}.{EXTENSIONS[fmt]}"
    return StreamingResponse(body, media_type=MEDIA_TYPES[fmt],
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _list(request: Request, kind: str, filters: Filters, paging: Paging) -> Any:
    if paging.format == "acled":
        raise QueryError(f"format acled: only events have an ACLED table; for {kind} use csv, "
                         "jsonl or geojson")
    if paging.format != "json":
        return _download(request, kind, paging.format, lambda store, cursor: (
            queries.list_records(store, kind, filters, limit=DOWNLOAD_PAGE, cursor=cursor)))
    with request_store(request) as store:
        page = queries.list_records(store, kind, filters, limit=paging.limit,
                                    cursor=paging.cursor)
    return _page_json(request, page)


# -- endpoints ---------------------------------------------------------------------------
@router.get("/summary")
def summary(request: Request) -> dict[str, Any]:
    """How many records of each kind the database holds."""
    with request_store(request) as store:
        return {"db": Path(store.path).name, "counts": queries.summary(store)}


@router.get("/articles")
def articles(request: Request, filters: FiltersParam, paging: PagingParam) -> Any:
    """Articles, oldest first, each with its story and record counts."""
    return _list(request, "articles", filters, paging)


@router.get("/articles/{article_id}")
def article(request: Request, article_id: str) -> dict[str, Any]:
    """One article's whole extraction (the published JSON contract); a unique id prefix
    will do."""
    with request_store(request) as store:
        return queries.get_extraction(store, article_id).to_dict()


@router.get("/events")
def events(request: Request, filters: FiltersParam, paging: PagingParam) -> Any:
    """PLOVER-coded events, by date, each with its place and ACLED type.  ``format=acled``
    downloads them as an ACLED-shaped table."""
    if paging.format != "acled":
        return _list(request, "events", filters, paging)
    from pressgraph.extract.events.acled import ACLED_COLUMNS

    return _download(
        request, "events", "acled",
        lambda store, cursor: queries.list_records(store, "events", filters,
                                                   limit=DOWNLOAD_PAGE, cursor=cursor),
        to_rows=lambda store, page: queries.acled_rows(store, page.items),
        columns=ACLED_COLUMNS)


@router.get("/places")
def places(request: Request, filters: FiltersParam, paging: PagingParam) -> Any:
    """Place mentions, resolved to coordinates where the gazetteer knows them."""
    return _list(request, "places", filters, paging)


@router.get("/actors")
def actors(request: Request, filters: FiltersParam, paging: PagingParam) -> Any:
    """Actors linked across articles, those in most articles first."""
    return _list(request, "actors", filters, paging)


@router.get("/actors/{actor_id}")
def actor(request: Request, actor_id: str) -> dict[str, Any]:
    """One linked actor: names, roles over time, mentions, quotes, claims and events."""
    with request_store(request) as store:
        return queries.get_actor(store, actor_id)


@router.get("/quotes")
def quotes(request: Request, filters: FiltersParam, paging: PagingParam) -> Any:
    """Quotes with their speakers."""
    return _list(request, "quotes", filters, paging)


@router.get("/claims")
def claims(request: Request, filters: FiltersParam, paging: PagingParam) -> Any:
    """Claims: who asserts what about what, with the evidence sentence."""
    return _list(request, "claims", filters, paging)


@router.get("/conflicts")
def conflicts(request: Request, filters: FiltersParam, paging: PagingParam) -> Any:
    """Relations between claims (conflict, agreement, refinement), both claims side by side
    with their evidence; ``relation=conflict`` keeps the disagreements."""
    return _list(request, "conflicts", filters, paging)


@router.get("/stories")
def stories(request: Request, filters: FiltersParam, paging: PagingParam) -> Any:
    """Stories (articles about the same real-world event), biggest first."""
    return _list(request, "stories", filters, paging)


@router.get("/stories/{story_id}")
def story(request: Request, story_id: str) -> dict[str, Any]:
    """One story: its articles, events, claims and the relations between its claims."""
    with request_store(request) as store:
        return queries.get_story(store, story_id)


@router.get("/search")
def search(
    request: Request,
    q: Annotated[str, Query(description="FTS5 query: words, \"phrases\", OR, NOT, prefix*")],
    filters: FiltersParam,
    paging: PagingParam,
) -> Any:
    """Full-text search over the articles, best match first, each with a snippet."""
    if paging.format == "acled":
        raise QueryError("format acled: only events have an ACLED table")
    if paging.format != "json":
        return _download(request, "search", paging.format, lambda store, cursor: (
            queries.search(store, q, filters, limit=DOWNLOAD_PAGE, cursor=cursor)))
    with request_store(request) as store:
        page = queries.search(store, q, filters, limit=paging.limit, cursor=paging.cursor)
    return _page_json(request, page)
