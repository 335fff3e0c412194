"""The HTTP API over a store ingested from examples/, through FastAPI's test client: every
endpoint, cursor pages, filters, each download format, and 4xx answers to bad parameters."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from examples_store import examples_db
from pressgraph.cli import app as cli
from pressgraph.server import create_app

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "country",
    "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "source", "notes",
    "fatalities", "article_id", "start", "end", "cluster_id",
]
LISTS = ["articles", "events", "places", "actors", "quotes", "claims", "conflicts", "stories"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return examples_db(tmp_path_factory)


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as test_client:
        yield test_client


def _count(db: Path, sql: str, *params: object) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


def _walk(client: TestClient, url: str) -> tuple[list[dict], int]:
    """Every item of a list, following the next links; and the total each page gave."""
    items: list[dict] = []
    totals = set()
    next_url: str | None = url
    while next_url:
        res = client.get(next_url)
        assert res.status_code == 200, res.text
        body = res.json()
        totals.add(body["total"])
        items.extend(body["items"])
        next_url = body["next"]
    assert len(totals) == 1
    return items, totals.pop()


@pytest.mark.parametrize("kind", LISTS)
def test_walking_every_page_gives_the_total(client: TestClient, kind: str) -> None:
    items, total = _walk(client, f"/api/{kind}?limit=6")
    assert total == len(items) > 0
    assert len({item["id"] for item in items}) == total
    whole = client.get(f"/api/{kind}", params={"limit": 1000}).json()
    assert [i["id"] for i in whole["items"]] == [i["id"] for i in items]
    assert whole["next"] is None and whole["cursor"] is None


def test_summary_counts_the_tables(client: TestClient, db: Path) -> None:
    counts = client.get("/api/summary").json()["counts"]
    for table in ("articles", "events", "claims", "conflicts"):
        assert counts[table] == _count(db, f"SELECT COUNT(*) FROM {table}")


def test_an_article_is_its_whole_extraction(client: TestClient, db: Path) -> None:
    from pressgraph.schema import validate

    listed = client.get("/api/articles", params={"limit": 1}).json()["items"][0]
    full = client.get(f"/api/articles/{listed['id']}").json()
    validate(full)
    assert full["article"]["id"] == listed["id"]
    assert len(full["events"]) == listed["events"]
    text = full["article"]["text"]
    for entity in full["entities"]:
        assert text[entity["start"]:entity["end"]] == entity["text"]
    by_prefix = client.get(f"/api/articles/{listed['id'][:8]}").json()
    assert by_prefix["article"]["id"] == listed["id"]


def test_actor_and_story_records(client: TestClient) -> None:
    linked = client.get("/api/actors", params={"limit": 1}).json()["items"][0]
    actor = client.get(f"/api/actors/{linked['id']}").json()
    assert actor["name"] == linked["name"]
    assert len({m["article_id"] for m in actor["mentions"]}) == linked["article_count"]
    story_id = client.get("/api/stories", params={"limit": 1}).json()["items"][0]["id"]
    story = client.get(f"/api/stories/{story_id}").json()
    assert story["articles"] and {a["story_id"] for a in story["articles"]} == {story_id}


def test_filters(client: TestClient, db: Path) -> None:
    assaults, total = _walk(client, "/api/events?event_type=assault&limit=5")
    assert total == _count(db, "SELECT COUNT(*) FROM events WHERE event_type = 'ASSAULT'")
    assert {e["event_type"] for e in assaults} == {"ASSAULT"}
    conflicts, _ = _walk(client, "/api/conflicts?relation=conflict")
    assert conflicts and {c["relation"] for c in conflicts} == {"conflict"}
    for c in conflicts:  # both claims, side by side, with their evidence
        assert c["evidence_a"] and c["evidence_b"] and c["subject_a"] and c["subject_b"]
    linked = client.get("/api/actors", params={"limit": 1}).json()["items"][0]
    _, total = _walk(client, f"/api/articles?canonical_actor={linked['id']}")
    assert total == linked["article_count"]
    dated, _ = _walk(client, "/api/articles?since=2024-01-01&until=2024-06-30")
    assert dated and all("2024-01-01" <= a["published"][:10] <= "2024-06-30" for a in dated)
    found = client.get("/api/search", params={"q": "ceasefire"}).json()
    assert found["total"] == _count(
        db, "SELECT COUNT(*) FROM articles WHERE lower(text) LIKE '%ceasefire%'"
        " OR lower(title) LIKE '%ceasefire%'") > 0
    assert client.get("/api/quotes", params={"actor": "%"}).json()["total"] == 0


@pytest.mark.parametrize("kind", LISTS)
def test_csv_and_jsonl_downloads_hold_the_whole_list(client: TestClient, kind: str) -> None:
    total = client.get(f"/api/{kind}", params={"limit": 1}).json()["total"]
    res = client.get(f"/api/{kind}", params={"format": "csv", "limit": 1})
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    assert f'filename="{kind}.csv"' in res.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(res.text)))
    assert len(rows) == total and "id" in rows[0]
    res = client.get(f"/api/{kind}", params={"format": "jsonl"})
    lines = [json.loads(line) for line in res.text.splitlines()]
    assert len(lines) == total
    assert [r["id"] for r in rows] == [str(line["id"]) for line in lines]


def test_geojson_download_places_located_records(client: TestClient) -> None:
    res = client.get("/api/events", params={"format": "geojson"})
    assert res.headers["content-type"].startswith("application/geo+json")
    collection = res.json()
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == client.get("/api/events").json()["total"]
    located = [f for f in features if f["geometry"]]
    assert located
    for feature in located:
        lon, lat = feature["geometry"]["coordinates"]
        assert (lat, lon) == (feature["properties"]["lat"], feature["properties"]["lon"])
    assert all(f["properties"]["lat"] is None for f in features if not f["geometry"])


def test_acled_download_has_exactly_the_acled_columns(client: TestClient, db: Path,
                                                      tmp_path: Path) -> None:
    res = client.get("/api/events", params={"format": "acled"})
    assert res.status_code == 200
    assert 'filename="events.acled.csv"' in res.headers["content-disposition"]
    reader = csv.DictReader(io.StringIO(res.text))
    assert reader.fieldnames == ACLED_COLUMNS
    rows = list(reader)
    assert rows and all(r["event_type"] for r in rows)
    asserted = _count(db, "SELECT COUNT(*) FROM events WHERE factuality = 'asserted'"
                      " AND acled_event_type IS NOT NULL")
    assert 0 < len(rows) <= asserted
    # one row per real event: a report's main event, and one report of each event cluster
    main_events = {r[0] for r in sqlite3.connect(db).execute(
        "SELECT id FROM events WHERE is_main = 1")}
    assert {r["event_id_cnty"][3:] for r in rows} <= main_events  # ISO3 prefix + event id
    clusters = [r["cluster_id"] for r in rows if r["cluster_id"]]
    assert len(clusters) == len(set(clusters))
    assert len({r["article_id"] for r in rows}) == len(rows)  # at most one main event a report
    conn = sqlite3.connect(db)
    for row in rows:  # every row keeps its provenance
        text = conn.execute("SELECT text FROM articles WHERE id = ?",
                            (row["article_id"],)).fetchone()[0]
        assert 0 <= int(row["start"]) < int(row["end"]) <= len(text)
    conn.close()
    typed = client.get("/api/events", params={"format": "acled", "event_type": "ASSAULT"})
    assert len(list(csv.DictReader(io.StringIO(typed.text)))) < len(rows)
    # the CLI's export writes the same table
    out = tmp_path / "acled"
    result = CliRunner().invoke(cli, ["export", "--format", "acled", "--out", str(out),
                                      "--db", str(db)])
    assert result.exit_code == 0, result.output
    with (out / "events_acled.csv").open(encoding="utf-8", newline="") as fh:
        exported = csv.DictReader(fh)
        assert exported.fieldnames == ACLED_COLUMNS
        assert list(exported) == rows


@pytest.mark.parametrize("url", [
    "/api/events?since=2024-13-01",
    "/api/events?event_type=EXPLODE",
    "/api/conflicts?relation=bogus",
    "/api/events?relation=conflict",
    "/api/events?country=France",
    "/api/articles?limit=0",
    "/api/articles?limit=99999999999999999999",
    "/api/articles?cursor=nonsense",
    "/api/articles?format=xml",
    "/api/claims?format=acled",
    "/api/search",
    "/api/search?q=%22unbalanced",
    "/api/search?q=" + "+".join(["a"] * 18_000),
])
def test_bad_parameters_are_400_with_one_line(client: TestClient, url: str) -> None:
    res = client.get(url)
    assert res.status_code == 400, res.text
    detail = res.json()["detail"]
    assert isinstance(detail, str) and detail and "\n" not in detail


def test_a_cursor_of_another_list_is_refused(client: TestClient) -> None:
    cursor = client.get("/api/articles", params={"limit": 1}).json()["cursor"]
    assert cursor
    res = client.get("/api/events", params={"cursor": cursor})
    assert res.status_code == 400 and "cursor" in res.json()["detail"]


@pytest.mark.parametrize("url", ["/api/articles/ffffffff", "/api/articles/not-hex",
                                 "/api/actors/nope", "/api/stories/nope"])
def test_unknown_ids_are_404(client: TestClient, url: str) -> None:
    res = client.get(url)
    assert res.status_code == 404 and "no " in res.json()["detail"]


def test_openapi_docs_list_every_endpoint(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for kind in LISTS:
        assert f"/api/{kind}" in paths
    for path in ("/api/articles/{article_id}", "/api/actors/{actor_id}", "/api/search"):
        assert path in paths


class _LinkedUrls(HTMLParser):
    """Every URL a page's tags name (src, href) and the schema URL its Swagger UI script loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.urls += re.findall(r"\burl: '([^']*)'", data)


def test_docs_page_loads_everything_from_the_app(client: TestClient) -> None:
    res = client.get("/docs")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    assert "://" not in res.text
    parser = _LinkedUrls()
    parser.feed(res.text)
    assets = [url for url in parser.urls if url != "/openapi.json"]
    assert "/openapi.json" in parser.urls
    assert {url.rsplit("/", 1)[-1] for url in assets} >= {"swagger-ui-bundle.js",
                                                          "swagger-ui.css"}
    for url in assets:
        assert url.startswith("/static/"), url
        served = client.get(url)
        assert served.status_code == 200 and served.content, url
    bundle = client.get(next(url for url in assets if url.endswith(".js"))).text
    assert "SwaggerUIBundle" in bundle and "sourceMappingURL" not in bundle
    # FastAPI's CDN-backed pages are off; only the vendored /docs answers.
    assert client.get("/redoc").status_code == 404


def test_serving_never_changes_the_database(db: Path) -> None:
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with TestClient(create_app(db)) as fresh:
        for kind in LISTS:
            fresh.get(f"/api/{kind}", params={"format": "jsonl"})
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    # SQLite's read-only readers of a WAL store may create an empty log, never fill it.
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_database_gone_since_start_is_503(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "gone.db")) as orphan:
        res = orphan.get("/api/articles")
    assert res.status_code == 503 and "gone.db" in res.json()["detail"]
    assert not (tmp_path / "gone.db").exists()


def test_serve_refuses_a_missing_database_before_listening(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no such database" in result.output
