"""Does adding an article cost more as the store grows?  Adding 100 articles to stores of
1,000, 10,000 and 100,000 articles, with incremental linking.

    PYTHONPATH=src .venv/bin/python benchmarks/link_scale.py build --dir /tmp/scale \\
        --sizes 1000 10000 100000
    PYTHONPATH=src .venv/bin/python benchmarks/link_scale.py add --dir /tmp/scale \\
        --sizes 1000 10000 100000 [--count 100]
    PYTHONPATH=src .venv/bin/python benchmarks/link_scale.py ingest --dir /tmp/scale \\
        --sizes 0 1000 10000 100000 --texts ../shared/eval/quotes/polnear/train/text

``build`` stores a synthetic news feed article by article (written as Extractions, no
parsing), linking each as ``ingest`` does, and keeps a copy of the store as it passes each
size (``store-N.db``, a page copy: the smaller stores are the first days of the same feed).  ``add``
then adds the next ``--count`` articles of the feed to a fresh copy of each, in a fresh
process each, and reports CPU and wall milliseconds per article (store write + linking) and
that process's peak RSS.  Flat figures across sizes mean the cost does not grow with the store.
``ingest`` is what a user runs: ``pressgraph ingest`` of the same ``--count`` real texts
(the first of ``--texts``, by name) into a copy of each store (size 0: a new store), in a
fresh process, dated the day after the store's last article; it reports that process's CPU
per article (the model's load included: the 0 row shows that part) and its peak RSS.

The feed: 40 articles a day about 10 new real-world events a day in 40 countries; an article
reports an event of the last three days, with its actors, place, one to three events and two
count claims drawn around the event's true figure, so stories, event clusters and claim
blocks of a real stream are reproduced.  Article k is drawn from its own seed, so any slice
of the feed can be generated alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from pressgraph.model import Actor, Article, Claim, Event, Extraction, Place, stable_id

COUNTRIES = [f"C{i:02d}" for i in range(40)]
SUBJECTS = ["prisoners", "civilians", "soldiers", "protesters", "workers", "residents",
            "migrants", "passengers", "students", "farmers"]
VERBS = [("escape", "escaped from a prison"), ("kill", "were killed in an attack"),
         ("detain", "were detained after clashes"), ("displace", "fled their homes"),
         ("rescue", "were rescued from a capsized boat"), ("wound", "were wounded by shelling")]
PLOVER = {"escape": "RETREAT", "kill": "ASSAULT", "detain": "COERCE", "displace": "RETREAT",
          "rescue": "AID", "wound": "ASSAULT"}
FIRST = ["Amina", "Jean", "Ali", "Maria", "Peter", "Fatima", "Omar", "Grace", "Ivan", "Lena"]
LAST = ["Okafor", "Haddad", "Mensah", "Ruiz", "Kuol", "Nur", "Vos", "Diallo", "Petrov", "Sato"]
SYLLABLES = ["ka", "lo", "mi", "ra", "to", "ne", "su", "bi", "da", "fe", "go", "hu", "ji", "pe"]
START = date(2020, 1, 1)
ARTICLES_PER_DAY = 40
EVENTS_PER_DAY = 10


def _event(seed: int, index: int) -> dict[str, object]:
    rng = random.Random(f"{seed}:event:{index}")
    verb, phrase = rng.choice(VERBS)
    return {
        "i": index, "day": START + timedelta(days=index // EVENTS_PER_DAY),
        "country": rng.choice(COUNTRIES), "city": f"Town{rng.randrange(500)}",
        "subject": rng.choice(SUBJECTS), "verb": verb, "phrase": phrase,
        "count": rng.randrange(5, 400),
        "cast": [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2)],
        # Each story has its own words (names, places, details) beyond the template.
        "words": ["".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 4)))
                  for _ in range(25)],
    }


def synthetic_article(k: int, seed: int = 7) -> tuple[Extraction, str]:
    """Article ``k`` of the feed and the id of the real event it reports."""
    rng = random.Random(f"{seed}:article:{k}")
    today = k // ARTICLES_PER_DAY
    first = max(0, (today - 2) * EVENTS_PER_DAY)
    ev = _event(seed, rng.randrange(first, (today + 1) * EVENTS_PER_DAY))
    published = START + timedelta(days=today)
    speaker = rng.choice(ev["cast"])  # type: ignore[arg-type]
    figure = max(1, int(ev["count"] * rng.uniform(0.6, 1.4)))  # type: ignore[operator]
    lead = (f"{figure} {ev['subject']} {ev['phrase']} in {ev['city']}, "
            f"{speaker} said on {published:%A}.")
    body = " ".join(rng.choice(ev["words"]) for _ in range(120))  # type: ignore[call-overload]
    text = f"{lead} {body}."
    art = Article(id=stable_id("bench", k), text=text, source=f"Outlet{k % 30}",
                  published=published.isoformat())
    actor = Actor(id=stable_id(art.id, "actor", speaker), article_id=art.id, start=0, end=1,
                  extractor="bench", name=speaker, type="PERSON", category="person",
                  roles=("spokesperson",))
    place = Place(id=stable_id(art.id, "place"), article_id=art.id, start=0, end=1,
                  extractor="bench", text=str(ev["city"]), name=str(ev["city"]),
                  country_code=str(ev["country"]))
    day = ev["day"].isoformat()  # type: ignore[attr-defined]
    events = tuple(Event(id=stable_id(art.id, "event", j), article_id=art.id, start=0,
                         end=len(lead), extractor="bench", text=lead,
                         trigger=str(ev["verb"]), event_type=PLOVER[str(ev["verb"])],
                         place_id=place.id, actor_id=actor.id, date=day)
                   for j in range(rng.randrange(1, 4)))
    claims = tuple(Claim(id=stable_id(art.id, "claim", j), article_id=art.id, start=0,
                         end=len(lead), extractor="bench", claimant_actor_id=actor.id,
                         claimant_text=speaker, subject=str(ev["subject"]),
                         predicate=str(ev["verb"]), value_low=float(figure * (1 + j)),
                         value_high=float(figure * (1 + j)))
                   for j in range(2))
    extraction = Extraction(article=art, actors=(actor,), places=(place,), events=events,
                            claims=claims)
    return extraction, f"E{ev['i']}"


def synthetic_feed(first: int, count: int, seed: int = 7) -> Iterator[Extraction]:
    for k in range(first, first + count):
        yield synthetic_article(k, seed)[0]


def synthetic_corpus(n_articles: int, seed: int = 7,
                     truth: dict[str, str] | None = None) -> list[Extraction]:
    """The first N articles; ``truth`` (when given) receives article id -> true event."""
    out = []
    for k in range(n_articles):
        extraction, event = synthetic_article(k, seed)
        if truth is not None:
            truth[extraction.article.id] = event
        out.append(extraction)
    return out


def build(folder: Path, sizes: list[int], resume: bool = False) -> None:
    from pressgraph.store import Store
    from pressgraph.store.linking import link_new

    folder.mkdir(parents=True, exist_ok=True)
    work = folder / "building.db"
    if not resume:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    with Store(work) as store:
        link_new(store)  # what a killed build left stored but unlinked
        done = store.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        for size in sorted(s for s in sizes if s > done):
            for extraction in synthetic_feed(done, size - done):
                store.write_extraction(extraction, "synthetic")
                link_new(store, [extraction.article.id])
            done = size
            target = folder / f"store-{size}.db"
            target.unlink(missing_ok=True)
            # A page-for-page copy: VACUUM INTO would rebuild every B-tree packed full, and
            # the first insert into each full leaf of a randomly keyed index splits it, so a
            # vacuumed copy costs more to add to than the store it was taken from (240 WAL
            # frames an added article at 51k against 133 for an unvacuumed 61k store).
            with sqlite3.connect(target) as copy:
                store.conn.backup(copy)
            copy.close()
            print(f"{size} articles stored and linked, {time.perf_counter() - t0:.0f} s",
                  flush=True)


def add(db: Path, first: int, count: int, warmup: int = 0) -> dict[str, float]:
    from pressgraph.link.embed import word_vectors
    from pressgraph.store import Store
    from pressgraph.store.linking import link_new

    word_vectors()  # loaded by the pipeline before any article in a real ingest
    feed = list(synthetic_feed(first, warmup + count))
    with Store(db) as store:
        # The first articles of a process read the store's pages cold; ``warmup`` articles
        # are stored untimed first, as in a long-running ingest.
        for extraction in feed[:warmup]:
            store.write_extraction(extraction, "synthetic")
            link_new(store, [extraction.article.id])
        feed = feed[warmup:]
        t0, c0 = time.perf_counter(), time.process_time()
        for extraction in feed:
            store.write_extraction(extraction, "synthetic")
            link_new(store, [extraction.article.id])
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # CPU time is the figure on a shared machine; wall time adds waiting for the CPU (and,
    # with a cold page cache, for the disk).
    return {"cpu_ms_per_article": round(1000 * cpu / count, 2),
            "wall_ms_per_article": round(1000 * elapsed / count, 2), "peak_rss_mb": round(peak)}


def ingest(folder: Path, size: int, texts: Path, count: int) -> dict[str, float]:
    """``pressgraph ingest`` of the first ``count`` files of ``texts`` into a copy of
    ``store-SIZE.db`` (size 0: a new store), in a child process: its CPU and peak RSS."""
    chosen = folder / f"ingest-texts-{count}"
    if not chosen.exists():
        staging = folder / f"ingest-texts-{count}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for path in sorted(texts.iterdir())[:count]:
            shutil.copyfile(path, staging / path.name)
        staging.rename(chosen)
    copy = folder / f"ingesting-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    if size:
        shutil.copyfile(folder / f"store-{size}.db", copy)
    # The day a daily feed would add them: right after the store's last article.
    published = START + timedelta(days=size // ARTICLES_PER_DAY)
    command = [str(Path(sys.executable).with_name("pressgraph")), "ingest", str(chosen),
               "--db", str(copy), "--published", published.isoformat(), "--quiet"]
    t0 = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - t0
    errors = child.stderr.read().decode() if child.stderr else ""
    if status:
        raise RuntimeError(f"{' '.join(command)} failed: {errors[-2000:]}")
    with sqlite3.connect(copy) as conn:
        stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] - size
        pending = conn.execute("SELECT COUNT(*) FROM link_pending").fetchone()[0]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    if stored != count or pending:
        raise RuntimeError(f"store {size}: {stored} of {count} texts stored, {pending} unlinked")
    cpu = usage.ru_utime + usage.ru_stime
    return {"cpu_ms_per_article": round(1000 * cpu / count, 1),
            "wall_ms_per_article": round(1000 * elapsed / count, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["build", "add", "add-one", "ingest"])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/pressgraph-link-scale"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--resume", action="store_true",
                        help="build: continue the feed in DIR/building.db where it stopped")
    parser.add_argument("--warmup", type=int, default=0,
                        help="articles added untimed first (pages read cold)")
    parser.add_argument("--texts", type=Path,
                        default=Path("../shared/eval/quotes/polnear/train/text"),
                        help="ingest: a folder of plain-text articles (the first --count)")
    args = parser.parse_args()
    if args.command == "ingest":
        print(f"{'store':>8} {'CPU ms/article':>15} {'wall ms/article':>16} {'peak RSS MB':>12}")
        for size in args.sizes:
            figures = ingest(args.dir, size, args.texts, args.count)
            print(f"{size:>8} {figures['cpu_ms_per_article']:>15} "
                  f"{figures['wall_ms_per_article']:>16} {figures['peak_rss_mb']:>12}", flush=True)
    elif args.command == "build":
        build(args.dir, args.sizes, args.resume)
    elif args.command == "add-one":
        size = args.sizes[0]
        print(json.dumps(add(args.dir / f"adding-{size}.db", size, args.count, args.warmup)))
    else:
        print(f"{'store':>8} {'CPU ms/article':>15} {'wall ms/article':>16} {'peak RSS MB':>12}")
        for size in args.sizes:
            copy = args.dir / f"adding-{size}.db"
            shutil.copyfile(args.dir / f"store-{size}.db", copy)
            done = subprocess.run([sys.executable, __file__, "add-one", "--dir", str(args.dir),
                                   "--sizes", str(size), "--count", str(args.count),
                                   "--warmup", str(args.warmup)],
                                  capture_output=True, text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{size:>8} {figures['cpu_ms_per_article']:>15} "
                  f"{figures['wall_ms_per_article']:>16} {figures['peak_rss_mb']:>12}", flush=True)
            copy.unlink()


if __name__ == "__main__":
    main()
