"""The store: versioned schema, one transaction per article, idempotent re-ingest, FTS."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from pressgraph.model import (
    RECORD_KINDS,
    Actor,
    Article,
    ClaimRelation,
    Entity,
    Extraction,
    OffsetMap,
    Place,
    Quantity,
    article_id_for,
    stable_id,
)
from pressgraph.store import RELATIONS_TABLE, Store

TEXT = "Rebels shelled Goma on Monday, killing at least 12 people, officials said."


def _extraction(text: str = TEXT, title: str = "Goma shelled") -> Extraction:
    aid = article_id_for(text)
    article = Article(id=aid, text=text, raw_text=text, title=title,
                      published="2024-02-05", path="goma.txt",
                      offset_map=OffsetMap.identity(len(text)))
    actor = Actor(id=stable_id(aid, "actor", "rebels"), article_id=aid, start=0, end=6,
                  extractor="test@1", name="Rebels", type="NORP", category="armed_group",
                  roles=("rebel group",), aliases=("rebels",), mention_count=1)
    entity = Entity(id=stable_id(aid, "entity", 15, 19), article_id=aid, start=15, end=19,
                    extractor="test@1", text="Goma", label="GPE", actor_id=None)
    place = Place(id=stable_id(aid, "place", 15, 19), article_id=aid, start=15, end=19,
                  extractor="test@1", text="Goma", name="Goma", geonameid=216281, lat=-1.68,
                  lon=29.22, feature="city", country_code="CD", precision="city",
                  bbox=(-1.7, 29.2, -1.6, 29.3), is_focus=True)
    qty = Quantity(id=stable_id(aid, "quantity", 39, 50), article_id=aid, start=39, end=50,
                   extractor="test@1", text="at least 12", value=12, low=12, high=None,
                   object_text="people", object_head="people", predicate="kill",
                   count_type="KILL")
    rel = ClaimRelation(id="r1", relation="conflict", claim_a="a", claim_b="b", article_a=aid,
                        article_b=aid, explanation="12 vs 60 dead")
    return Extraction(article=article, entities=(entity,), actors=(actor,), places=(place,),
                      quantities=(qty,), conflicts=(rel,))


def test_schema_has_a_column_for_every_model_field(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        for kind, cls in RECORD_KINDS.items():
            missing = {f.name for f in dataclasses.fields(cls)} - set(store.columns(kind))
            assert not missing, f"{kind} lacks columns {missing}: add a migration"
        missing = {f.name for f in dataclasses.fields(ClaimRelation)} - set(
            store.columns(RELATIONS_TABLE))
        assert not missing
        assert store.schema_version() >= 1


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    extraction = _extraction()
    with Store(tmp_path / "t.db") as store:
        assert store.write_extraction(extraction, "test")
        loaded = store.load_extraction(extraction.article.id)
    assert loaded is not None
    assert loaded.places == extraction.places
    assert loaded.quantities == extraction.quantities
    assert loaded.actors == extraction.actors
    assert loaded.entities == extraction.entities
    assert loaded.conflicts == extraction.conflicts
    assert loaded.article.text == TEXT
    assert loaded.article.offset_map == extraction.article.offset_map


def test_reingest_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    with Store(path) as store:
        assert store.write_extraction(_extraction())
        before = store.counts()
        assert not store.write_extraction(_extraction())
        assert store.counts() == before
    with Store(path) as store:  # reopening runs no migration twice
        assert store.counts() == before


def test_a_failed_article_leaves_nothing_behind(tmp_path: Path) -> None:
    good = _extraction()
    bad_place = dataclasses.replace(good.places[0], id=good.entities[0].id)
    # Two records with one id in one table break the primary key only if the second is
    # different; make the second insert fail outright with a NOT NULL violation instead.
    broken = dataclasses.replace(
        _extraction("Another story entirely, about floods in Beira."),
        places=(dataclasses.replace(bad_place, text=None),),  # type: ignore[arg-type]
    )
    with Store(tmp_path / "t.db") as store:
        with pytest.raises(sqlite3.IntegrityError):
            store.write_extraction(broken)
        assert store.counts()["articles"] == 0
        assert store.counts()["places"] == 0
        assert store.write_extraction(good)
        assert store.counts()["articles"] == 1


def test_full_text_search_finds_articles(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        store.write_extraction(_extraction())
        store.write_extraction(
            _extraction("Floods in Beira displaced some 3,000 families.", "Beira floods")
        )
        hits = store.search("shelled")
        assert [h["title"] for h in hits] == ["Goma shelled"]
        assert "[shelled]" in hits[0]["snippet"]
        assert len(store.search("beira OR goma")) == 2


def test_two_writers_of_one_article_do_not_collide(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    with Store(path) as first, Store(path) as second:
        assert first.write_extraction(_extraction())
        assert not second.write_extraction(_extraction())  # no IntegrityError
        assert second.counts()["articles"] == 1
        assert second.links_stale()


def test_a_foreign_database_is_refused_untouched(tmp_path: Path) -> None:
    from pressgraph.store import NotAPressgraphDatabase

    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotAPressgraphDatabase):
        Store(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("make", ["zero_bytes", "foreign_app_id", "empty_sqlite", "text"])
def test_files_that_are_not_stores_are_refused_untouched(tmp_path: Path, make: str) -> None:
    from pressgraph.store import NotAPressgraphDatabase

    path = tmp_path / "other.db"
    if make == "zero_bytes":
        path.write_bytes(b"")
    elif make == "text":
        path.write_text("notes\n")
    else:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA application_id = 1234" if make == "foreign_app_id"
                     else "PRAGMA user_version = 7")
        conn.commit()
        conn.close()
    before = path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(NotAPressgraphDatabase):
            Store(path, readonly=readonly)
    assert path.read_bytes() == before


def test_a_new_store_is_stamped_and_a_read_only_open_changes_nothing(tmp_path: Path) -> None:
    from pressgraph.store import APPLICATION_ID

    path = tmp_path / "t.db"
    with Store(path) as store:
        store.write_extraction(_extraction())
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("PRAGMA journal_mode = DELETE")
    before = path.read_bytes()
    with Store(path, readonly=True) as reader:
        assert reader.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert reader.counts()["articles"] == 1
        with pytest.raises(sqlite3.OperationalError):
            reader.conn.execute("DELETE FROM articles")
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()  # the journal mode was not switched to WAL


def test_a_read_only_open_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(FileNotFoundError):
        Store(path, readonly=True)
    assert not path.exists()
