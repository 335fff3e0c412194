"""How the read layer (``store/queries.py``) and the API's downloads scale with the store.

Usage (from the repo root):

    .venv/bin/python benchmarks/read_layer.py [--articles 2000] [--events 25] [--db PATH]

Writes a synthetic store (``--articles`` articles of ``--events`` events each, a third of them
undated, each with a resolved place and an ACLED type; made up, no news text) unless ``--db``
exists, then reports, fastest of three runs: the first page and a page deep in the list
(100 rows) for events unfiltered and filtered, articles, places and claims; reading every
event a page at a time; and the whole ACLED table.  Times are wall clock on whatever else the
machine is running, so compare runs made on the same machine in the same minute.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pressgraph.model import Article, Claim, Event, Extraction, OffsetMap, Place, article_id_for
from pressgraph.store import Store, queries
from pressgraph.store.queries import Filters

TYPES = (("ASSAULT", "Battles", "Armed clash"), ("PROTEST", "Protests", "Peaceful protest"),
         ("COERCE", "Strategic developments", "Arrests"))


def synthetic(number: int, events: int) -> Extraction:
    sentence = f"Report {number}: residents of town {number % 97} described the day. "
    text = sentence * (events + 1)
    article_id = article_id_for(text)
    article = Article(id=article_id, text=text, raw_text=text, title=f"Synthetic report {number}",
                      published=f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}",
                      offset_map=OffsetMap.identity(len(text)), source="bench.example")
    place = Place(id=f"{article_id}-p", article_id=article_id, start=0, end=6,
                  extractor="bench", text="Report", name=f"Town {number % 97}",
                  lat=10.0 + number % 30, lon=20.0 + number % 40, country_code="NG",
                  precision="city", admin1="Borno")
    records = []
    claims = []
    for n in range(events):
        start = len(sentence) * (n + 1)
        plover, acled, sub = TYPES[n % len(TYPES)]
        records.append(Event(
            id=f"{article_id}-e{n}", article_id=article_id, start=start,
            end=start + len(sentence) - 1, extractor="bench", text=sentence.strip(),
            event_type=plover, trigger="described", place_id=place.id,
            date=None if n % 3 == 0 else article.published, acled_event_type=acled,
            acled_sub_event_type=sub, inter1=1, inter2=2 if n % 2 else None))
        claims.append(Claim(
            id=f"{article_id}-c{n}", article_id=article_id, start=start,
            end=start + len(sentence) - 1, extractor="bench", claimant_actor_id=None,
            claimant_text="residents", subject="day", predicate="describe"))
    return Extraction(article=article, places=(place,), events=tuple(records),
                      claims=tuple(claims))


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def deep_cursor(store: Store, kind: str, filters: Filters, pages: int) -> str | None:
    cursor = None
    for _ in range(pages):
        cursor = queries.list_records(store, kind, filters, limit=100, cursor=cursor).next_cursor
        if cursor is None:
            break
    return cursor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--events", type=int, default=25)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "read_layer.db"
    if not db.exists():
        started = time.perf_counter()
        with Store(db) as store:
            for number in range(args.articles):
                store.write_extraction(synthetic(number, args.events))
        print(f"wrote {args.articles * args.events:,} events to {db} in "
              f"{time.perf_counter() - started:.1f} s")
    with Store(db, readonly=True) as store:
        print(f"{'list':10} {'filters':30} {'total':>8} {'page 1':>9} {'page 50':>9}")
        for kind, filters in (("events", Filters()), ("events", Filters(event_type="PROTEST")),
                              ("events", Filters(since="2024-06-01", country="NG")),
                              ("articles", Filters()), ("places", Filters()),
                              ("claims", Filters(text="day"))):
            total = queries.list_records(store, kind, filters, limit=1).total
            first = best_of(3, lambda k=kind, f=filters: queries.list_records(
                store, k, f, limit=100))
            cursor = deep_cursor(store, kind, filters, 49)
            deep = best_of(3, lambda k=kind, f=filters, c=cursor: queries.list_records(
                store, k, f, limit=100, cursor=c)) if cursor else float("nan")
            print(f"{kind:10} {filters.given()!s:30} {total:8,} {first * 1000:7.1f}ms "
                  f"{deep * 1000:7.1f}ms")
        every = best_of(1, lambda: sum(1 for _ in queries.iter_records(store, "events")))
        print(f"every event, 500 a page: {every:.1f} s")
        acled = best_of(1, lambda: sum(1 for _ in queries.iter_acled(store)))
        print(f"the ACLED table: {acled:.1f} s")


if __name__ == "__main__":
    main()
