"""The read layer over a store ingested from examples/: pages, filters, checks, and the CLI's
read verbs that run on it (the issue-17 defects: huge --limit, lone surrogates, LIKE
wildcards, unknown relations, searches with thousands of terms)."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examples_store import examples_db
from pressgraph.cli import app
from pressgraph.store import Store, queries
from pressgraph.store.queries import Filters, QueryError

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return examples_db(tmp_path_factory)


@pytest.fixture()
def store(db: Path) -> Iterator[Store]:
    with Store(db, readonly=True) as opened:
        yield opened


def _sql(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _walk(store: Store, kind: str, filters: Filters | None = None, limit: int = 7) -> list[dict]:
    items, cursor, seen_totals = [], None, set()
    while True:
        page = queries.list_records(store, kind, filters or Filters(), limit=limit,
                                    cursor=cursor)
        seen_totals.add(page.total)
        assert len(page.items) <= limit
        items.extend(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen_totals == {len(items)}
    return items


@pytest.mark.parametrize("kind", sorted(queries.KINDS))
def test_walking_the_pages_gives_every_record_once_in_order(store: Store, db: Path,
                                                           kind: str) -> None:
    walked = _walk(store, kind)
    table = {"stories": "(SELECT DISTINCT cluster_id FROM article_clusters)",
             "actors": "canonical_actors"}.get(kind, kind)
    assert len(walked) == _sql(db, f"SELECT COUNT(*) FROM {table}")[0][0] > 0
    assert len({row["id"] for row in walked}) == len(walked)
    one_page = queries.list_records(store, kind, limit=queries.MAX_PAGE)
    assert [row["id"] for row in one_page.items] == [row["id"] for row in walked]
    assert one_page.next_cursor is None


def test_every_record_keeps_its_provenance(store: Store) -> None:
    for kind in ("events", "places", "quotes", "claims"):
        for row in queries.iter_records(store, kind):
            assert row["article_id"] and row["extractor"]
            assert 0 <= row["start"] < row["end"]


def test_event_filters_match_the_table(store: Store, db: Path) -> None:
    event_type, = _sql(db, "SELECT event_type FROM events GROUP BY 1 ORDER BY COUNT(*) DESC")[0]
    typed = _walk(store, "events", Filters(event_type=str(event_type).lower()))
    assert {row["event_type"] for row in typed} == {event_type}
    assert len(typed) == _sql(db, "SELECT COUNT(*) FROM events WHERE event_type = ?",
                              event_type)[0][0]
    country, = _sql(db, "SELECT p.country_code FROM events e JOIN places p ON p.id = e.place_id"
                    " GROUP BY 1 ORDER BY COUNT(*) DESC")[0]
    located = _walk(store, "events", Filters(country=str(country).lower()))
    assert located and {row["country_code"] for row in located} == {country}
    acled, = _sql(db, "SELECT acled_sub_event_type FROM events WHERE acled_sub_event_type"
                  " IS NOT NULL GROUP BY 1 ORDER BY COUNT(*) DESC")[0]
    by_acled = _walk(store, "events", Filters(acled_type=str(acled).upper()))
    assert by_acled and {row["acled_sub_event_type"] for row in by_acled} == {acled}


def test_date_range_is_inclusive(store: Store, db: Path) -> None:
    dates = sorted(str(d) for (d,) in _sql(db, "SELECT DISTINCT substr(published, 1, 10)"
                                            " FROM articles WHERE published IS NOT NULL"))
    low, high = dates[1], dates[-2]
    kept = _walk(store, "articles", Filters(since=low, until=high))
    assert {row["published"][:10] for row in kept} == {d for d in dates if low <= d <= high}


def test_actor_filters(store: Store, db: Path) -> None:
    linked = queries.list_actors(store, limit=1).items[0]
    assert linked["article_count"] >= 2  # examples/ names one actor in two articles
    articles = _walk(store, "articles", Filters(canonical_actor=linked["id"]))
    assert len(articles) == linked["article_count"]
    name = str(_sql(db, "SELECT a.name FROM actors a JOIN quotes q ON q.speaker_actor_id = a.id"
                    " ORDER BY a.id LIMIT 1")[0][0])
    part = name[1:].lower()  # any part of a name will do, in any case
    expected = {str(q) for (q, speaker, aliases, source) in _sql(
        db, "SELECT q.id, a.name, a.aliases, q.source_text FROM quotes q"
        " LEFT JOIN actors a ON a.id = q.speaker_actor_id")
        if any(part in str(v or "").lower() for v in (speaker, aliases, source))}
    quoted = _walk(store, "quotes", Filters(actor=part))
    assert quoted and {row["id"] for row in quoted} == expected


def test_like_wildcards_are_literal(store: Store) -> None:
    assert queries.list_quotes(store).total > 0
    for wildcard in ("%", "_", "%%", "\\"):
        assert queries.list_quotes(store, Filters(actor=wildcard)).total == 0
        assert queries.list_claims(store, Filters(text=wildcard)).total == 0


def test_story_and_relation_filters(store: Store, db: Path) -> None:
    story = queries.list_stories(store, limit=1).items[0]
    in_story = _walk(store, "articles", Filters(story=story["id"]))
    assert len(in_story) == story["article_count"]
    assert {row["story_id"] for row in in_story} == {story["id"]}
    conflicts = _walk(store, "conflicts", Filters(relation="conflict"))
    assert conflicts and {row["relation"] for row in conflicts} == {"conflict"}
    claim_ids = {row["id"] for row in _walk(store, "claims", Filters(relation="conflict"))}
    assert claim_ids == {c for row in conflicts for c in (row["claim_a"], row["claim_b"])}
    # both claims of a relation come with their evidence, cut from the article text
    row = conflicts[0]
    text = str(_sql(db, "SELECT text FROM articles WHERE id = ?", row["article_a"])[0][0])
    assert row["evidence_a"] == text[row["start_a"]:row["end_a"]]


def test_full_text_filter_and_search(store: Store, db: Path) -> None:
    word = "ceasefire"
    expected = {str(i) for (i,) in _sql(db, "SELECT id FROM articles WHERE lower(text) LIKE ?"
                                         " OR lower(title) LIKE ?", f"%{word}%", f"%{word}%")}
    assert expected
    assert {row["id"] for row in _walk(store, "articles", Filters(text=word))} == expected
    found = list(queries.iter_search(store, word, page_size=1))
    assert {row["id"] for row in found} == expected
    assert all("[" in row["snippet"] for row in found)


def test_bad_values_are_one_line_errors(store: Store) -> None:
    cases = [
        lambda: queries.list_events(store, Filters(since="2024-13-40")),
        lambda: queries.list_events(store, Filters(event_type="EXPLODE")),
        lambda: queries.list_conflicts(store, Filters(relation="bogus")),
        lambda: queries.list_events(store, Filters(relation="conflict")),  # not an event filter
        lambda: queries.list_events(store, Filters(country="France")),
        lambda: queries.list_quotes(store, Filters(actor="Ke\udcf1ta")),
        lambda: queries.list_events(store, limit=0),
        lambda: queries.list_events(store, limit=10**20),
        lambda: queries.list_events(store, cursor="not-a-cursor"),
        lambda: queries.list_events(store, cursor=queries.list_articles(store, limit=1)
                                    .next_cursor),
        lambda: queries.search(store, '"unbalanced'),
        lambda: queries.search(store, "   "),
    ]
    for case in cases:
        with pytest.raises(QueryError) as caught:
            case()
        assert "\n" not in str(caught.value) and str(caught.value)


def test_a_search_with_thousands_of_terms_is_refused_at_once(store: Store) -> None:
    for query in (" ".join(["police"] * 18_000), " ".join(f"w{i}" for i in range(65))):
        started = time.perf_counter()
        with pytest.raises(QueryError, match="at most"):
            queries.search(store, query)
        assert time.perf_counter() - started < 1.0
    assert queries.search(store, " ".join(["police"] * queries.MAX_SEARCH_TERMS)).total >= 0


def test_linked_actor_and_story_records(store: Store) -> None:
    linked = queries.list_actors(store, limit=1).items[0]
    actor = queries.get_actor(store, linked["id"])
    assert len({m["article_id"] for m in actor["mentions"]}) == linked["article_count"]
    # a per-article actor id leads to the linked actor
    assert queries.get_actor(store, actor["members"][0])["id"] == linked["id"]
    story = queries.get_story(store, queries.list_stories(store, limit=1).items[0]["id"])
    assert len(story["articles"]) == story["article_count"]
    assert all(e["article_id"] in {a["id"] for a in story["articles"]} for e in story["events"])
    with pytest.raises(queries.NotFound):
        queries.get_actor(store, "nope")
    with pytest.raises(queries.NotFound):
        queries.get_extraction(store, "ffffffffffffff")


def test_plover_types_match_the_scorer() -> None:
    from pressgraph.evaluate.events import PLOVER_TYPES

    assert set(queries.PLOVER_TYPES) == set(PLOVER_TYPES)


def test_reading_never_changes_the_file(db: Path) -> None:
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with Store(db, readonly=True) as store:
        for kind in queries.KINDS:
            list(queries.iter_records(store, kind))
        list(queries.iter_acled(store))
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


# -- the CLI's read verbs run on the read layer ------------------------------------------
def test_cli_limit_of_any_size_lists_everything(db: Path) -> None:
    res = runner.invoke(app, ["claims", "--limit", "99999999999999999999", "--db", str(db)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["quotes", "--limit", "0", "--db", str(db)])
    assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1


def test_cli_lone_surrogate_in_a_query_is_one_line(db: Path) -> None:
    for verb in (["search", "Goma\udce9"], ["quotes", "--actor", "Ke\udcf1ta"]):
        res = runner.invoke(app, [*verb, "--db", str(db)])
        assert res.exit_code == 2, res.output
        assert "not valid text" in res.output and len(res.output.strip().splitlines()) == 1


def test_cli_quotes_actor_percent_matches_no_one(db: Path) -> None:
    res = runner.invoke(app, ["quotes", "--actor", "%", "--db", str(db)])
    assert res.exit_code == 0
    everyone = runner.invoke(app, ["quotes", "--db", str(db)])
    assert res.output.count("\n") < everyone.output.count("\n")
    assert "said" not in res.output and "said" in everyone.output


def test_cli_conflicts_refuses_an_unknown_relation(db: Path) -> None:
    res = runner.invoke(app, ["conflicts", "--relation", "bogus", "--db", str(db)])
    assert res.exit_code == 2 and "bogus" in res.output
    assert len(res.output.strip().splitlines()) == 1
    ok = runner.invoke(app, ["conflicts", "--relation", "agreement", "--db", str(db)])
    assert ok.exit_code == 0 and "agreement" in ok.output


def test_cli_search_with_18000_terms_answers_at_once(db: Path) -> None:
    started = time.perf_counter()
    res = runner.invoke(app, ["search", " ".join(["police"] * 18_000), "--db", str(db)])
    assert time.perf_counter() - started < 5.0
    assert res.exit_code == 2 and "at most" in res.output
