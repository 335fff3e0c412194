"""The web pages and their aggregates without a browser: what each page says, error pages,
escaping, and the numbers the map and timeline are drawn from."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from synthetic_store import HOSTILE_TITLE, synthetic_extraction

from pressgraph.model import Article, Event, Extraction, Place, Quote
from pressgraph.server import create_app
from pressgraph.server.pages import highlight_segments, record_details, timeline_spec
from pressgraph.store import Store, aggregates
from pressgraph.store.queries import Filters, QueryError


@pytest.fixture(scope="module")
def client(synthetic_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(synthetic_db)) as test_client:
        yield test_client


@pytest.fixture
def store(synthetic_db: Path) -> Iterator[Store]:
    with Store(synthetic_db, readonly=True) as opened:
        yield opened


def one_id(db: Path, sql: str) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute(sql).fetchone()[0])


def error_line(html: str) -> str:
    found = re.search(r'<p class="error-line">(.*?)</p>', html, re.S)
    assert found, html[:500]
    return found.group(1)


# -- highlighting ------------------------------------------------------------------------
def nested_extraction() -> Extraction:
    text = 'Officials said "the bridge in Goma was shelled" on Monday.'
    article = Article(id="a1", text=text)
    quote_start = text.index('"the')
    quote = Quote(id="q1", article_id="a1", start=quote_start, end=text.index(" on Monday"),
                  extractor="quotes@1", content=text[quote_start + 1:text.index('" on')],
                  kind="direct", cue="said", cue_start=10, cue_end=14)
    goma = text.index("Goma")
    place = Place(id="p1", article_id="a1", start=goma, end=goma + 4, extractor="places@1",
                  text="Goma", name="Goma", lat=-1.68, lon=29.22)
    event = Event(id="e1", article_id="a1", start=text.index("the bridge"),
                  end=text.index(" on Monday") - 1, extractor="events@1",
                  text="the bridge in Goma was shelled", event_type="ASSAULT")
    return Extraction(article=article, quotes=(quote,), places=(place,), events=(event,))


def test_segments_give_the_text_back_and_cover_each_span_exactly() -> None:
    extraction = nested_extraction()
    segments = highlight_segments(extraction)
    text = extraction.article.text
    assert "".join(s.text for s in segments) == text
    offset = 0
    covered: dict[str, str] = {}
    for segment in segments:
        for record_id in segment.ids:
            covered[record_id] = covered.get(record_id, "") + segment.text
        offset += len(segment.text)
    for record in (*extraction.quotes, *extraction.places, *extraction.events):
        assert covered[record.id] == text[record.start:record.end]
    goma = next(s for s in segments if s.text == "Goma")
    # The most specific record colours the segment; all three are listed, shortest first.
    assert goma.kind == "places" and goma.ids == ("p1", "e1", "q1")
    assert next(s for s in segments if "q1" in s.anchors).text.startswith('"')


def test_record_details_carry_kind_extractor_and_span() -> None:
    details = record_details(nested_extraction())
    assert details["p1"]["kind"] == "places"
    assert details["p1"]["extractor"] == "places@1"
    assert details["p1"]["span"] == "Goma"
    assert details["e1"]["fields"]["event_type"] == "ASSAULT"
    assert "article_id" not in details["e1"]["fields"]


# -- aggregates --------------------------------------------------------------------------
def test_events_per_day_counts_every_dated_event(store: Store) -> None:
    total = store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    counts = aggregates.events_per_day(store)
    assert sum(r["events"] for r in counts.rows) == total
    assert counts.undated == 0
    assert {r["dated_by"] for r in counts.rows} == {"event"}
    protests = aggregates.events_per_day(
        store, Filters(event_type="protest", since="2024-01-10", until="2024-01-20"))
    assert protests.rows and {r["event_type"] for r in protests.rows} == {"PROTEST"}
    assert all("2024-01-10" <= r["day"] <= "2024-01-20" for r in protests.rows)
    expected = store.conn.execute(
        "SELECT COUNT(*) FROM events WHERE event_type = 'PROTEST'"
        " AND date BETWEEN '2024-01-10' AND '2024-01-20'").fetchone()[0]
    assert sum(r["events"] for r in protests.rows) == expected


def test_an_event_without_a_day_is_counted_on_its_reports_day(tmp_path: Path) -> None:
    text = "Troops moved into the valley during the week."
    article = Article(id="w1", text=text, published="2024-02-09")
    weekly = Event(id="ev", article_id="w1", start=0, end=len(text) - 1, extractor="events@1",
                   text=text[:-1], event_type="MOBILIZE", date="2024-W06")
    undated = Article(id="w2", text=text + " Again.")
    no_day = Event(id="ev2", article_id="w2", start=0, end=6, extractor="events@1",
                   text="Troops", event_type="MOBILIZE")
    with Store(tmp_path / "weekly.db") as writable:
        writable.write_extraction(Extraction(article=article, events=(weekly,)))
        writable.write_extraction(Extraction(article=undated, events=(no_day,)))
        counts = aggregates.events_per_day(writable)
    assert counts.rows == [{"day": "2024-02-09", "event_type": "MOBILIZE",
                            "dated_by": "report", "events": 1}]
    assert counts.undated == 1


def test_timeline_refuses_filters_it_cannot_apply(store: Store) -> None:
    with pytest.raises(QueryError, match="country: the map and timeline cannot be filtered"):
        aggregates.events_per_day(store, Filters(country="NG"))
    with pytest.raises(QueryError, match="not an ISO date"):
        aggregates.events_per_day(store, Filters(since="last week"))


def test_map_points_are_the_located_matching_records(store: Store) -> None:
    points = aggregates.map_points(store, Filters(actor="gunmen"))
    events = [dict(zip(aggregates.EVENT_POINT, row, strict=True)) for row in points.events]
    assert events
    assert {e["event_type"] for e in events} == {"ASSAULT"}
    assert all(e["lat"] is not None and e["lon"] is not None for e in events)
    assert all(points.titles[e["article_id"]] for e in events)
    located = store.conn.execute("SELECT COUNT(*) FROM places WHERE lat IS NOT NULL").fetchone()
    assert len(aggregates.map_points(store).places) == located[0]
    assert len(aggregates.map_points(store, limit=10).events) == 10


def test_sentence_around_splits_the_span_out_of_its_sentence(tmp_path: Path) -> None:
    text = "A first sentence. Officials said 12 died. A last one."
    with Store(tmp_path / "s.db") as writable:
        writable.write_extraction(Extraction(article=Article(id="s1", text=text)))
        start = text.index("12")
        found = aggregates.sentence_around(writable, "s1", start, start + 2)
        assert found == aggregates.InContext("Officials said ", "12", " died.")
        assert aggregates.sentence_around(writable, "s1", 0, len(text) + 5) is None
        assert aggregates.sentence_around(writable, "missing", 0, 1) is None


def test_latest_relations_newest_first(store: Store) -> None:
    latest = aggregates.latest_relations(store, "conflict", limit=5)
    assert [r["claimant_a"] for r in latest] == ["Officials"]
    assert latest[0]["published_b"] == "2024-03-02"
    with pytest.raises(QueryError):
        aggregates.latest_relations(store, "contradiction")


def test_timeline_spec_widens_bars_over_a_long_span() -> None:
    short = timeline_spec([{"day": "2024-01-01", "event_type": "AID", "dated_by": "event",
                            "events": 1}, {"day": "2024-01-05", "event_type": "AID",
                                           "dated_by": "event", "events": 2}])
    long = timeline_spec([{"day": "2020-01-01", "event_type": "AID", "dated_by": "event",
                           "events": 1}, {"day": "2024-01-05", "event_type": "AID",
                                          "dated_by": "event", "events": 2}])
    assert "width" not in short["mark"] and long["mark"]["width"] > 1
    assert short["data"]["values"][1]["events"] == 2


# -- pages -------------------------------------------------------------------------------
def test_every_page_answers(client: TestClient, synthetic_db: Path) -> None:
    article = one_id(synthetic_db, "SELECT id FROM articles WHERE title = 'Synthetic report 3'")
    story_less = client.get(f"/articles/{article}")
    assert story_less.status_code == 200
    assert story_less.text.count('<mark class="hl') >= 22
    for path in ("/", "/map", "/timeline", "/conflicts", "/conflicts?relation=",
                 "/articles", "/articles?text=checkpoint"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
    conflicts = client.get("/conflicts").text
    assert "Officials" in conflicts and "Hospital staff" in conflicts
    assert conflicts.count('class="claim-span"') == 2


def test_bad_requests_are_one_line_pages(client: TestClient) -> None:
    missing = client.get("/articles/0123456789")
    assert missing.status_code == 404
    assert error_line(missing.text) == "0123456789: no article with this id"
    bad_date = client.get("/map?since=yesterday")
    assert bad_date.status_code == 400
    assert "not an ISO date" in error_line(bad_date.text)
    bad_type = client.get("/timeline?event_type=RIOT")
    assert bad_type.status_code == 400 and "not a PLOVER type" in error_line(bad_type.text)
    assert client.get("/actors/nobody").status_code == 404
    assert client.get("/stories/nothing").status_code == 404
    assert client.get("/conflicts?cursor=garbage").status_code == 400
    unclosed = client.get("/articles?text=%22unclosed")
    assert unclosed.status_code == 400 and "not a valid search" in error_line(unclosed.text)


def test_article_text_and_titles_are_escaped(client: TestClient, synthetic_db: Path) -> None:
    article = one_id(synthetic_db, "SELECT id FROM articles WHERE title LIKE '<script>%'")
    for path in (f"/articles/{article}", "/articles", "/"):
        html = client.get(path).text
        assert "<script>window.__pwned" not in html, path
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html, path
    assert HOSTILE_TITLE.startswith("<script>")
    embedded = client.get("/map").text
    # JSON for scripts is embedded with <, > and & escaped, so it cannot close its tag.
    assert "</script> Markup" not in embedded and "\\u003cscript\\u003e" in embedded


def test_synthetic_articles_are_what_the_perf_test_needs() -> None:
    extraction = synthetic_extraction(5, 22)
    assert len(extraction.events) == 22
    text = extraction.article.text
    for event in extraction.events:
        assert text[event.start:event.end] == event.text


def test_a_conflict_on_the_overview_links_to_a_page_holding_it(client: TestClient) -> None:
    overview = client.get("/").text
    links = re.findall(r'href="(/conflicts\?[^"#]*)#rel-([0-9a-f]+)"', overview)
    assert links
    for url, relation_id in links:
        target = client.get(url.replace("&amp;", "&")).text
        assert f'id="rel-{relation_id}"' in target
        assert target.count('class="claim-span"') >= 2
