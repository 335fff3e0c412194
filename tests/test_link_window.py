"""Story retrieval reads the inverted index by day: a dated article's candidates are the
postings of its story window (and of undated articles), however many older articles share
its words.  Migration 0006 files the postings of stores linked before it by day."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from pressgraph.link.cluster import LinkConfig
from pressgraph.model import Article, Extraction, stable_id
from pressgraph.store import Store
from pressgraph.store.linking import UNDATED_DAY, link_new

# Tiny blocks, so a handful of lookalikes would fill them.
CONFIG = LinkConfig(use_embeddings=False, per_block=3, rerank=3, per_band=3,
                    terms_posted=64)
STORY = ("Floodwater rose over the riverside quarter of Belmora overnight and volunteer "
         "rescuers in flat boats reached stranded families on the rooftops near the old "
         "tannery, the harbour master told reporters at the pier.")
# The same story in other words (no near-duplicate: it shares no MinHash band with STORY).
RETOLD = ("Volunteer rescuers reached families stranded on rooftops in flat boats after "
          "floodwater rose overnight; the harbour master at the pier said the riverside "
          "quarter of Belmora near the old tannery was worst hit.")


def _extraction(key: str, text: str, published: str | None) -> Extraction:
    return Extraction(article=Article(id=stable_id("window-test", key), text=text,
                                      source=f"outlet-{key}", published=published))


def _store(store: Store, extraction: Extraction) -> None:
    assert store.write_extraction(extraction, "test")
    link_new(store, config=CONFIG)


def _story(store: Store, extraction: Extraction) -> str:
    row = store.conn.execute("SELECT story FROM link_articles WHERE article_id = ?",
                             (extraction.article.id,)).fetchone()
    return str(row[0])


def test_a_backfilled_archive_does_not_crowd_the_story_window_out(tmp_path: Path) -> None:
    with Store(tmp_path / "news.db") as store:
        first = _extraction("first", STORY, "2021-05-10")
        _store(store, first)
        # An archive of lookalikes from two years before, ingested afterwards: they are the
        # newest postings of every term of the story, and the newest rows of its MinHash bands.
        for i in range(8):
            _store(store, _extraction(f"archive-{i}", f"{STORY} Archive copy {i}.",
                                      f"2019-03-{i + 1:02d}"))
        follow_up = _extraction("follow-up", RETOLD, "2021-05-11")
        _store(store, follow_up)
        assert _story(store, follow_up) == _story(store, first)
        archive = _extraction("archive-0", "", None)
        assert _story(store, archive) != _story(store, first)


def test_undated_articles_are_still_candidates_of_dated_ones(tmp_path: Path) -> None:
    with Store(tmp_path / "news.db") as store:
        undated = _extraction("undated", STORY, None)
        _store(store, undated)
        dated = _extraction("dated", RETOLD, "2021-05-11")
        _store(store, dated)
        assert _story(store, dated) == _story(store, undated)
        days = dict(store.conn.execute("SELECT DISTINCT article_id, day FROM link_postings"))
        assert days[undated.article.id] == UNDATED_DAY
        assert days[dated.article.id] == date(2021, 5, 11).toordinal()


def test_migration_files_the_postings_of_an_older_store_by_day(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Store(db) as store:
        for i, published in enumerate(["2021-05-10", None, "2021-05-12"]):
            _store(store, _extraction(f"a{i}", f"{STORY} Report number {i}.", published))
        expected = sorted(tuple(r) for r in store.conn.execute(
            "SELECT term, day, seq, article_id, weight FROM link_postings"))
    assert {r[1] for r in expected} == {date(2021, 5, 10).toordinal(), UNDATED_DAY,
                                        date(2021, 5, 12).toordinal()}
    # The same state as schema version 4 kept it: keyed by (term, seq), no day.
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("CREATE TABLE v4 (term TEXT NOT NULL, seq INTEGER NOT NULL, article_id "
                     "TEXT NOT NULL, weight REAL NOT NULL, PRIMARY KEY (term, seq)) WITHOUT ROWID")
        conn.execute("INSERT INTO v4 SELECT term, seq, article_id, weight FROM link_postings")
        conn.execute("DROP TABLE link_postings")
        conn.execute("ALTER TABLE v4 RENAME TO link_postings")
        conn.execute("DELETE FROM schema_migrations WHERE version = 6")
    conn.close()
    with Store(db) as store:
        assert store.schema_version() >= 6
        migrated = sorted(tuple(r) for r in store.conn.execute(
            "SELECT term, day, seq, article_id, weight FROM link_postings"))
    assert migrated == expected
