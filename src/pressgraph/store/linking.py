"""Writing cross-article links into the store.

Linking is recomputed over the whole stored corpus after each ingest and swapped in inside
one transaction.  Recomputing (rather than patching the previous state) makes the result
independent of batch boundaries and order: a batch killed half-way and resumed, or the same
articles ingested in two runs, end with the same database as one uninterrupted run.
The linker itself is near-linear (blocking by place and time window, LSH), so the cost per
ingest grows with the corpus, not with its square.
"""

from __future__ import annotations

import json

from pressgraph.link import LinkResult, link_corpus
from pressgraph.store import RELATIONS_TABLE, Store


def link_store(store: Store) -> LinkResult:
    conn = store.conn
    # Read and write under one write lock, so a concurrent ingest cannot slip an article in
    # between and have its links overwritten by this (older) view of the corpus.
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = _relink(store)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    return result


def _relink(store: Store) -> LinkResult:
    conn = store.conn
    extractions = list(store.iter_extractions())
    result = link_corpus(extractions)
    canonical = {member: actor.id for actor in result.actors for member in actor.members}
    clusters = {e.id: e.cluster_id for ext in result.extractions for e in ext.events}
    conn.execute("UPDATE actors SET canonical_id = NULL")
    conn.executemany("UPDATE actors SET canonical_id = ? WHERE id = ?",
                     [(cid, aid) for aid, cid in canonical.items()])
    conn.execute("UPDATE events SET cluster_id = NULL")
    conn.executemany("UPDATE events SET cluster_id = ? WHERE id = ?",
                     [(cid, eid) for eid, cid in clusters.items() if cid])
    conn.execute("DELETE FROM canonical_actors")
    conn.executemany(
        "INSERT INTO canonical_actors VALUES (?,?,?,?,?,?,?,?)",
        [(a.id, a.name, a.type, a.category, json.dumps(list(a.aliases), ensure_ascii=False),
          json.dumps([list(r) for r in a.roles], ensure_ascii=False),
          json.dumps(list(a.members)), len(a.articles)) for a in result.actors],
    )
    conn.execute("DELETE FROM event_clusters")
    conn.executemany(
        "INSERT INTO event_clusters VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(c.id, c.event_type, c.label, json.dumps(list(c.places), ensure_ascii=False),
          c.date_start, c.date_end, json.dumps(list(c.event_ids)),
          json.dumps(list(c.article_ids)), len(c.event_ids), len(c.article_ids))
         for c in result.event_clusters],
    )
    conn.execute("DELETE FROM article_clusters")
    conn.executemany(
        "INSERT INTO article_clusters VALUES (?, ?)",
        [(aid, c.id) for c in result.article_clusters for aid in c.article_ids],
    )
    conn.execute(f"DELETE FROM {RELATIONS_TABLE}")
    store.insert_records(RELATIONS_TABLE, result.relations)
    conn.execute(
        "INSERT OR REPLACE INTO store_state (key, value) VALUES ('links_stale', '0')")
    return result
