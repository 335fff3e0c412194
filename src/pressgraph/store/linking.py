"""Incremental cross-article linking over the store's persisted link state (migration 0004).

Every stored article gets a row in ``link_pending`` (an insert trigger); :func:`link_new` links
the pending articles one at a time, in the order they were stored:

1. read: the rows of the blocks the article falls in (its heaviest terms, its MinHash bands,
   its actors' name keys, its story's newest articles, events and claims), inside one read
   transaction (a consistent snapshot; WAL readers never wait and never block);
2. compute, outside any lock: canonical actors, the story, event clusters, claim relations;
3. write, in one short ``BEGIN IMMEDIATE`` transaction: the article's links, the clusters it
   merged, and its removal from ``link_pending``.  When another process linked something in
   between (``link_version`` moved), the article is read and computed again.

So an article's cost depends on the size of its blocks, never on the size of the store; a run
killed at any point leaves each article linked completely or not at all, and the next run links
what is pending in the same order, giving the same database as an uninterrupted run.
``pressgraph relink`` (:func:`relink`) clears the link state and links every article again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

import numpy as np

from pressgraph.clean import headline_end
from pressgraph.extract.claims.vocab import compatible_subjects, subject_head
from pressgraph.link.actors import ActorIndex, _Builder
from pressgraph.link.cluster import (
    LinkConfig,
    compatible_with,
    day_of,
    event_label,
    event_trigger,
    lead_of,
    place_keys,
    shares,
    stem,
    story_score,
    titled_text,
    within,
)
from pressgraph.link.compare import compare_claims, restated_in_headline
from pressgraph.link.embed import (
    WordVectors,
    cosine,
    from_blob,
    term_counts,
    tfidf,
    to_blob,
    word_vectors,
    words,
)
from pressgraph.model import Article, Claim, ClaimRelation, Extraction, stable_id
from pressgraph.store import RELATIONS_TABLE, Store, _from_row

_SHINGLE_WORDS = 3
_NAMED = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
_MAX_RETRIES = 50
# The day link_postings files undated articles under (a key column cannot be NULL); after
# every real day (migration 0006).
UNDATED_DAY = 99999999
CACHE_SIZE = 4000  # decoded rows kept per kind (articles, events, claims)
LINK_CACHE_KB = 65536


@dataclass
class LinkSummary:
    linked: int = 0
    retries: int = 0
    relations: int = 0
    seconds: float = 0.0


@dataclass
class _Plan:
    """Everything one article's linking writes (computed outside the write lock)."""

    article_id: str
    seq: int
    version: int
    statements: list[tuple[str, Sequence[Any]]] = field(default_factory=list)
    many: list[tuple[str, list[Sequence[Any]]]] = field(default_factory=list)
    relations: list[ClaimRelation] = field(default_factory=list)


# MinHash of word 3-shingles, 64 permutations read as 16 LSH bands of 4 rows: two texts share a
# band with probability 1 - (1 - J^4)^16, one half at Jaccard J = 0.5 (``near_duplicate``).
# Written out rather than imported: datasketch's import pulls in scipy.integrate (over a
# second of start-up for every ``extract``) for these few lines.
_BANDS, _ROWS = 16, 4
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


@cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(1)  # fixed: the same permutations in every process
    a = rng.randint(1, int(_MERSENNE), size=num_perm, dtype=np.uint64)
    b = rng.randint(0, int(_MERSENNE), size=num_perm, dtype=np.uint64)
    return a, b


def minhash(shingles: Sequence[bytes], num_perm: int) -> np.ndarray:
    a, b = _permutations(num_perm)
    hashes = np.array([int.from_bytes(hashlib.blake2b(s, digest_size=4).digest(), "little")
                       for s in shingles] or [0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        permuted = ((hashes[:, None] * a + b) % _MERSENNE) & _MAX_HASH
    out: np.ndarray = permuted.min(axis=0)
    return out


def _shingles(text: str) -> list[bytes]:
    words = text.lower().split()
    k = _SHINGLE_WORDS
    return sorted({" ".join(words[i:i + k]).encode()
                   for i in range(max(1, len(words) - k + 1))})


def _band_keys(hashes: np.ndarray) -> list[str]:
    rows = len(hashes) // _BANDS
    out = []
    for i in range(_BANDS):
        digest = hashlib.blake2b(hashes[i * rows:(i + 1) * rows].tobytes(), digest_size=8)
        out.append(f"{i}:{digest.hexdigest()}")
    return out


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


T = TypeVar("T")


class _Cache(Generic[T]):
    """A bounded first-in first-out cache (the oldest entry goes first)."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or CACHE_SIZE
        self.items: OrderedDict[str, T] = OrderedDict()

    def get(self, key: str) -> T | None:
        return self.items.get(key)

    def put(self, key: str, value: T) -> None:
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)


def _similarities(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Cosine of each row of ``matrix`` with ``vector`` (all unit length).  Summed row by row
    rather than by a BLAS matrix-vector product, whose last bits depend on which other rows
    share the matrix: a pair's score must not depend on the other candidates."""
    out: np.ndarray = (matrix * vector).sum(axis=1)
    return out


class _Pool:
    """Candidate events whose trigger vectors are stacked once, so every event of an article
    is scored against them in one pass."""

    def __init__(self, feats: list[dict[str, Any]]) -> None:
        self.feats = feats
        self.with_vector = [i for i, f in enumerate(feats) if f["vector"] is not None]
        self.matrix = (np.stack([feats[i]["vector"] for i in self.with_vector])
                       if self.with_vector else None)

    def matching(self, a: dict[str, Any], bar: float) -> list[dict[str, Any]]:
        """The candidates whose trigger is ``a``'s (same stem) or near it (cosine >= bar)."""
        if not self.feats:
            return []
        sims = np.zeros(len(self.feats), dtype=np.float32)
        if a["vector"] is not None and self.matrix is not None:
            sims[self.with_vector] = _similarities(self.matrix, a["vector"])
        a_stem = a["stem"]
        return [b for b, sim in zip(self.feats, sims.tolist(), strict=True)
                if (a_stem and b["stem"] == a_stem) or sim >= bar]


def _block_key(place: str, day: int) -> str:
    """The link_event_blocks key of a place on a day."""
    return f"{place}|{day}"


def _may_join(a: dict[str, Any], b: dict[str, Any], cfg: LinkConfig) -> bool:
    """Whether events of two stories may be one: the same type, days within the window, a
    shared place and a shared participant (then their triggers decide)."""
    return (a["event_type"] == b["event_type"] and within(a["day"], b["day"], cfg.window_days)
            and shares(a["places"], b["places"])
            and shares(a["participants"], b["participants"]))


class Linker:
    def __init__(self, store: Store, config: LinkConfig | None = None,
                 vectors: WordVectors | None = None) -> None:
        self.store = store
        self.conn = store.conn
        self.config = config or LinkConfig()
        self._vectors = vectors
        # Linking reads a few rows from many B-trees per article: with SQLite's default 2 MB
        # page cache a large store re-reads their inner pages from the OS for every article.
        # (mmap was tried: 7% less CPU, but every page it touches counts as resident memory.)
        self.conn.execute(f"PRAGMA cache_size = -{LINK_CACHE_KB}")
        # Rows a linked article wrote never change except its story and its events'
        # clusters, so their decoded features are kept with the open store, between calls.
        caches = getattr(store, "_link_caches", None)
        if caches is None:
            caches = (_Cache(), _Cache(), _Cache())
            store._link_caches = caches  # type: ignore[attr-defined]
        self._article_cache: _Cache[tuple[dict[str, float], np.ndarray | None, list[str],
                                          list[str], np.ndarray]] = caches[0]
        self._event_cache: _Cache[dict[str, Any]] = caches[1]
        self._claim_cache: _Cache[list[Claim]] = caches[2]

    @property
    def vectors(self) -> WordVectors | None:
        if self._vectors is None and self.config.use_embeddings:
            self._vectors = word_vectors()
        return self._vectors

    # -- state counters ---------------------------------------------------------------------
    def _state(self, key: str) -> int:
        row = self.conn.execute("SELECT value FROM store_state WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else 0

    def _in(self, sql: str, ids: Sequence[str]) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = []
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            rows.extend(self.conn.execute(sql.format(marks=marks), tuple(chunk)))
        return rows

    # -- the loop ---------------------------------------------------------------------------
    def pending(self) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT seq, article_id FROM link_pending ORDER BY seq")]

    def run(self, known: Mapping[str, Extraction] | None = None) -> LinkSummary:
        summary = LinkSummary()
        t0 = time.perf_counter()
        known = known or {}
        for seq, article_id in self.pending():
            for attempt in range(_MAX_RETRIES + 1):
                if attempt == _MAX_RETRIES:
                    # Outpaced every time by other writers: compute under the write lock.
                    self._begin_immediate()
                    try:
                        plan = self._compute(seq, article_id, known.get(article_id))
                    except BaseException:
                        self.conn.rollback()
                        raise
                    if plan is None:
                        self.conn.rollback()
                    written = plan is None or self._write(plan, locked=True)
                else:
                    self.conn.execute("BEGIN")
                    try:
                        plan = self._compute(seq, article_id, known.get(article_id))
                    finally:
                        self.conn.rollback()  # ends the read snapshot; nothing was written
                    written = plan is None or self._write(plan)
                if written:
                    if plan is not None:
                        summary.linked += 1
                        summary.relations += len(plan.relations)
                    break
                summary.retries += 1
                time.sleep(0.01 * (attempt + 1))
        summary.seconds = time.perf_counter() - t0
        return summary

    def _begin_immediate(self) -> None:
        """Take the write lock, waiting out other writers (busy timeout, then retries)."""
        for attempt in range(_MAX_RETRIES):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise sqlite3.OperationalError("database is locked (gave up after retries)")

    def _write(self, plan: _Plan, locked: bool = False) -> bool:
        """Apply ``plan`` in one short transaction; False when the state moved since it was
        read (another process linked meanwhile): then it is computed again."""
        conn = self.conn
        if not locked:
            self._begin_immediate()
        try:
            still_pending = conn.execute("SELECT 1 FROM link_pending WHERE article_id = ?",
                                         (plan.article_id,)).fetchone()
            if self._state("link_version") != plan.version or not still_pending:
                conn.rollback()
                return not still_pending  # linked by another process: nothing to do
            for sql, params in plan.statements:
                conn.execute(sql, params)
            for sql, rows in plan.many:
                conn.executemany(sql, rows)
            self.store.insert_records(RELATIONS_TABLE, plan.relations)
            conn.execute("DELETE FROM link_pending WHERE article_id = ?", (plan.article_id,))
            conn.execute("INSERT OR REPLACE INTO store_state (key, value) VALUES "
                         "('link_version', ?)", (str(plan.version + 1),))
            conn.execute("INSERT OR REPLACE INTO store_state (key, value) VALUES "
                         "('links_stale', CASE WHEN EXISTS (SELECT 1 FROM link_pending) "
                         "THEN '1' ELSE '0' END)")
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        return True

    # -- compute ----------------------------------------------------------------------------
    def _compute(self, seq: int, article_id: str, ext: Extraction | None) -> _Plan | None:
        conn = self.conn
        if not conn.execute("SELECT 1 FROM link_pending WHERE article_id = ?",
                            (article_id,)).fetchone():
            return None
        if ext is None:
            ext = self.store.load_extraction(article_id)
            if ext is None:
                return None
        plan = _Plan(article_id=article_id, seq=seq, version=self._state("link_version"))
        canonical = self._actors(ext, plan)
        story, repost_of = self._story(ext, seq, canonical, plan)
        self._events(ext, seq, story, canonical, plan)
        self._claims(ext, story, repost_of, canonical, plan)
        return plan

    def _actors(self, ext: Extraction, plan: _Plan) -> dict[str, str]:
        """Canonical actors, by the rules of :class:`ActorIndex`, over the rows it needs."""
        from pressgraph.link.actors import _type_group, looks_like_name, name_key

        index = ActorIndex()
        wanted: set[tuple[str, str]] = set()
        surnames: set[str] = set()
        for actor in ext.actors:
            group = _type_group(actor)
            for name in (actor.name, *(a for a in actor.aliases if looks_like_name(a))):
                key = name_key(name)
                if key:
                    wanted.add((group, key))
                    if group == "person" and len(key.split()) == 1:
                        surnames.add(key)
        for grp, key in sorted(wanted):
            row = self.conn.execute("SELECT canonical_id FROM link_actor_keys WHERE grp = ? AND "
                                    "key = ?", (grp, key)).fetchone()
            if row:
                index.by_key[(grp, key)] = row[0]
        for surname in sorted(surnames):
            for row in self.conn.execute("SELECT canonical_id FROM link_surnames WHERE "
                                         "surname = ? ORDER BY canonical_id", (surname,)):
                index.by_surname[surname].add(row[0])
        known_ids = sorted(set(index.by_key.values())
                           | {c for ids in index.by_surname.values() for c in ids})
        for row in self._in("SELECT * FROM link_actors WHERE id IN ({marks})", known_ids):
            builder = _Builder(id=row["id"], name=row["name"], type=row["type"],
                               category=row["category"], group=row["grp"])
            builder.aliases = dict.fromkeys(json.loads(row["names"]))
            builder.roles = {r: d for r, d in json.loads(row["roles"])}
            index.actors[builder.id] = builder
        before = {cid: (b.name, tuple(b.aliases), tuple(b.roles.items()))
                  for cid, b in index.actors.items()}
        keys_before = dict(index.by_key)
        surnames_before = {s: set(ids) for s, ids in index.by_surname.items()}
        resolved = index.add_article(ext)
        next_seq = plan.seq
        for cid in sorted(index.actors):
            b = index.actors[cid]
            state = (b.name, tuple(b.aliases), tuple(b.roles.items()))
            if before.get(cid) == state:
                continue
            names = json.dumps(list(b.aliases), ensure_ascii=False)
            roles = json.dumps([list(r) for r in b.roles.items()], ensure_ascii=False)
            if cid in before:
                plan.statements.append(("UPDATE link_actors SET name = ?, names = ?, roles = ? "
                                        "WHERE id = ?", (b.name, names, roles, cid)))
            else:
                plan.statements.append(("INSERT OR IGNORE INTO link_actors VALUES "
                                        "(?,?,?,?,?,?,?,?)", (cid, next_seq, b.name, b.type,
                                                              b.category, b.group, names, roles)))
        plan.many.append(("INSERT OR IGNORE INTO link_actor_keys VALUES (?,?,?)",
                          [(g, k, c) for (g, k), c in sorted(index.by_key.items())
                           if keys_before.get((g, k)) != c]))
        plan.many.append(("INSERT OR IGNORE INTO link_surnames VALUES (?,?)",
                          [(s, c) for s in sorted(index.by_surname)
                           for c in sorted(index.by_surname[s])
                           if c not in surnames_before.get(s, set())]))
        plan.many.append(("UPDATE actors SET canonical_id = ? WHERE id = ?",
                          [(cid, aid) for aid, cid in sorted(resolved.items())]))
        return resolved

    def _story(self, ext: Extraction, seq: int, canonical: Mapping[str, str], plan: _Plan
               ) -> tuple[str, str | None]:
        cfg = self.config
        conn = self.conn
        art = ext.article
        day = day_of(art.published)
        counts = term_counts(titled_text(art))
        # Names tell two stories of one kind apart (two earthquakes, two rehab stays): the
        # words of named entities count extra.
        for entity in ext.entities:
            if entity.label in _NAMED and cfg.entity_weight:
                for word in words(entity.text):
                    counts[word] += cfg.entity_weight
        terms = sorted(counts)
        df = {r[0]: r[1] for r in self._in(
            "SELECT term, df FROM link_terms WHERE term IN ({marks})", terms)}
        n_docs = self._state("link_docs") + 1
        df_now = {t: df.get(t, 0) + 1 for t in terms}
        weights = tfidf(counts, df_now, n_docs, cfg.terms_kept)
        vector = None
        if self.vectors is not None:
            lead = term_counts(lead_of(ext, cfg.lead_chars))
            vector = self.vectors.mean(tfidf(lead, df_now, n_docs, cfg.terms_kept))
        actors = sorted(set(canonical.values()))
        places = place_keys(ext)
        hashes = minhash(_shingles(art.text), cfg.num_perm)
        bands = _band_keys(hashes)

        near: set[str] = set()
        candidates: dict[str, None] = {}
        for band in bands:
            for row in conn.execute("SELECT article_id FROM link_bands WHERE band = ? "
                                    "ORDER BY seq DESC LIMIT ?", (band, cfg.per_band)):
                near.add(row[0])
                candidates[row[0]] = None
        posted = list(weights)[:cfg.terms_posted]
        for article_id in self._retrieve(weights, posted, day):
            candidates[article_id] = None
        rows = self._in("SELECT article_id, seq, day, story, repost_of FROM link_articles "
                        "WHERE article_id IN ({marks})", sorted(candidates))
        # A candidate outside the story window that is no near-duplicate within its days
        # joins nothing: its features are not read (a MinHash band reaches back further).
        rows = [r for r in rows if within(day, r["day"], cfg.window_days) or (
            r["article_id"] in near and within(day, r["day"], cfg.near_duplicate_days))]
        rows.sort(key=lambda r: r["seq"])
        # Looked up once into a local map: adding the missing ones may evict others.
        features = {r["article_id"]: self._article_cache.get(r["article_id"]) for r in rows}
        missing = [a for a, f in features.items() if f is None]
        for row in self._in("SELECT article_id, terms, vector, actors, places, minhash FROM "
                            "link_articles WHERE article_id IN ({marks})", missing):
            decoded = (json.loads(row["terms"]), from_blob(row["vector"]),
                       json.loads(row["actors"]), json.loads(row["places"]),
                       np.frombuffer(row["minhash"], dtype=np.uint64))
            features[row["article_id"]] = decoded
            self._article_cache.put(row["article_id"], decoded)
        joined: dict[str, float] = {}  # story -> best margin over the bar
        copied: list[str] = []
        for row in rows:
            cached = features[row["article_id"]]
            assert cached is not None
            other_terms, other_vector, other_actors, other_places, other_hash = cached
            jaccard = np.count_nonzero(other_hash == hashes) / len(hashes)
            original = row["repost_of"] or row["article_id"]
            if row["article_id"] in near and jaccard >= cfg.near_duplicate * 0.8 and within(
                    day, row["day"], cfg.near_duplicate_days):
                joined[row["story"]] = 1.0
                copied.append(original)
                continue
            if not within(day, row["day"], cfg.window_days):
                continue
            shared_actor = shares(actors, other_actors)
            corroborated = (day is not None and row["day"] is not None
                            and (shared_actor or shares(places, other_places)))
            score = story_score(cfg, cosine(weights, other_terms), vector, other_vector,
                                corroborated)
            bar = cfg.story_threshold_shared if shared_actor else cfg.story_threshold
            if score >= bar:
                joined[row["story"]] = max(joined.get(row["story"], 0.0), score - bar)
                if jaccard >= cfg.repost:
                    copied.append(original)
        repost_of = min(copied) if copied else None
        own = stable_id("article-cluster", art.id)
        story = own
        if joined and not cfg.merge_stories:
            # Join the one story it matches best: an article that reads like two stories
            # does not make them one (single-link chaining joins two earthquakes) unless it
            # matches each of them strongly (``merge_margin`` over the bar): then the two
            # stories were one all along, and the oldest keeps its id.
            best = max(joined.values())
            strong = cfg.merge_margin
            joined = {s: m for s, m in joined.items()
                      if m == best or (strong is not None and m >= strong)}
        if joined:
            first = {s: conn.execute("SELECT MIN(seq) FROM link_articles WHERE story = ?",
                                     (s,)).fetchone()[0] for s in joined}
            ordered = sorted(first, key=lambda s: (first[s], s))
            story = ordered[0]
            for other in ordered[1:]:
                plan.statements.append(("UPDATE link_articles SET story = ? WHERE story = ?",
                                        (story, other)))
                plan.statements.append(("UPDATE article_clusters SET cluster_id = ? WHERE "
                                        "cluster_id = ?", (story, other)))
        plan.statements.append((
            "INSERT INTO link_articles (article_id, seq, day, story, repost_of, terms, vector, "
            "actors, places, minhash) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (art.id, seq, day, story, repost_of, json.dumps(weights), to_blob(vector),
             json.dumps(actors), json.dumps(places, ensure_ascii=False), hashes.tobytes())))
        plan.statements.append(("INSERT OR REPLACE INTO article_clusters VALUES (?, ?)",
                                (art.id, story)))
        plan.many.append(("INSERT INTO link_terms (term, df) VALUES (?, 1) ON CONFLICT(term) "
                          "DO UPDATE SET df = df + 1", [(t,) for t in terms]))
        plan.statements.append(("INSERT OR REPLACE INTO store_state (key, value) VALUES "
                                "('link_docs', ?)", (str(n_docs),)))
        plan.many.append(("INSERT INTO link_postings (term, day, seq, article_id, weight) "
                          "VALUES (?,?,?,?,?)",
                          [(t, UNDATED_DAY if day is None else day, seq, art.id, weights[t])
                           for t in posted]))
        plan.many.append(("INSERT INTO link_bands VALUES (?,?,?)",
                          [(b, seq, art.id) for b in bands]))
        return story, repost_of

    def _retrieve(self, weights: Mapping[str, float], posted: Sequence[str], day: int | None
                  ) -> list[str]:
        """The ``rerank`` stored articles nearest to ``weights``, scored inside SQLite over at
        most ``per_block`` postings of each term (an inverted index: no row is decoded in
        Python until the exact cosine of these few).

        A dated article reads the postings of the story window around its day (and of
        undated articles): only those can join its story, and how many there are depends on
        the feed's rate, not on how much is stored. An undated one reads each term's
        undated postings, then those of the latest days."""
        cfg = self.config
        if not posted:
            return []
        arms: list[str] = []
        params: list[Any] = []
        for term in posted:
            if day is None:
                arms.append("SELECT * FROM (SELECT article_id, weight * ? AS s FROM "
                            "link_postings WHERE term = ? ORDER BY day DESC, seq DESC LIMIT ?)")
                params.extend((weights[term], term, cfg.per_block))
                continue
            arms.append("SELECT * FROM (SELECT article_id, weight * ? AS s FROM link_postings "
                        "WHERE term = ? AND day BETWEEN ? AND ? ORDER BY day DESC, seq DESC "
                        "LIMIT ?)")
            params.extend((weights[term], term, day - cfg.window_days, day + cfg.window_days,
                           cfg.per_block))
            arms.append("SELECT * FROM (SELECT article_id, weight * ? AS s FROM link_postings "
                        "WHERE term = ? AND day = ? ORDER BY seq DESC LIMIT ?)")
            params.extend((weights[term], term, UNDATED_DAY, cfg.per_block))
        sql = (f"SELECT article_id, SUM(s) AS score FROM ({' UNION ALL '.join(arms)}) "
               "GROUP BY article_id ORDER BY score DESC, article_id LIMIT ?")
        params.append(cfg.rerank)
        return [r[0] for r in self.conn.execute(sql, params)]

    def _event_blocks(self, places: Sequence[str], day: int | None) -> list[str]:
        # Undated or placeless events are only compared inside their story: across stories
        # a pair must share a place and the time window.
        if day is None:
            return []
        return [_block_key(place, day) for place in places]

    def _events(self, ext: Extraction, seq: int, story: str, canonical: Mapping[str, str],
                plan: _Plan) -> None:
        cfg = self.config
        conn = self.conn
        art = ext.article
        article_day = day_of(art.published)
        article_places = place_keys(ext)
        recent = [r[0] for r in conn.execute(
            "SELECT article_id FROM link_articles WHERE story = ? ORDER BY seq DESC LIMIT ?",
            (story, cfg.story_articles))]
        story_feats = self._event_feats("e.article_id", recent, same=True)
        same_story = {f["event_id"] for f in story_feats}
        story_by_type: dict[str, list[dict[str, Any]]] = {}
        for found in story_feats:
            story_by_type.setdefault(found["event_type"], []).append(found)
        # The seq that orders clusters (the oldest wins a merge).
        cluster_seq: dict[str, int] = {}
        merged: dict[str, str] = {}

        def resolve(cluster: str) -> str:
            while cluster in merged:
                cluster = merged[cluster]
            return cluster

        mine: list[dict[str, Any]] = []
        block_hits: dict[str, list[str]] = {}
        nearby: dict[tuple[tuple[str, ...], int | None], list[dict[str, Any]]] = {}
        block_feats: dict[str, dict[str, Any]] = {}
        story_pools: dict[str, _Pool] = {}
        same_bar, across_bar = cfg.event_threshold_same_story, cfg.event_threshold
        for event in sorted(ext.events, key=lambda e: (e.start, e.id)):
            places = sorted({p.country_code.upper() for p in ext.places
                             if p.id == event.place_id and p.country_code}) or article_places
            day = day_of(event.date) or article_day
            trigger = event_trigger(event)
            vector = self.vectors.word(trigger) if self.vectors is not None and trigger else None
            participants = sorted({canonical[i] for i in (event.actor_id, event.recipient_id)
                                   if i and i in canonical})
            feats = {"event_id": event.id, "article_id": art.id, "event_type": event.event_type,
                     "day": day, "places": places, "participants": participants, "seq": seq,
                     "trigger": trigger, "stem": stem(trigger), "vector": vector}
            # Only types another outlet could have coded this event as are compared; the
            # story's events of those types are one pool for every event of this type.
            pool = story_pools.get(event.event_type)
            if pool is None:
                pool = story_pools[event.event_type] = _Pool(
                    [f for t in sorted(compatible_with(event.event_type))
                     for f in story_by_type.get(t, ())])
                for other in pool.feats:
                    cluster_seq.setdefault(other["cluster"], other["cluster_seq"])
            matched = pool.matching(feats, same_bar)
            blocks = self._event_blocks(places, day)
            # Events of other stories join only through a shared participant (and the same
            # type, place and days): an event with none is never compared across stories.
            if participants and blocks:
                # An article's events mostly share its places and day: each block is read
                # once, and the events around one (places, day) are gathered once.
                around = nearby.get((tuple(places), day))
                if around is None:
                    around = nearby[(tuple(places), day)] = self._around(
                        places, day, same_story, block_hits, block_feats)
                    for other in around:
                        cluster_seq.setdefault(other["cluster"], other["cluster_seq"])
                matched += _Pool([b for b in around if _may_join(feats, b, cfg)]).matching(
                    feats, across_bar)
            # this article's earlier events: of the same type only
            matched += _Pool([m for m in mine if m["event_type"] == event.event_type]).matching(
                feats, same_bar)
            matches = [other["cluster"] for other in matched]
            own = stable_id("event-cluster", event.id)
            clusters = sorted({resolve(c) for c in matches},
                              key=lambda c: (cluster_seq.get(c, seq), c))
            target = clusters[0] if clusters else own
            if not clusters:
                cluster_seq[own] = seq
                plan.statements.append(("INSERT INTO link_event_clusters VALUES (?,?,?,?)",
                                        (own, seq, event.event_type, event_label(ext, event))))
            for loser in clusters[1:]:
                merged[loser] = target
                plan.statements.append(("UPDATE link_events SET cluster = ? WHERE cluster = ?",
                                        (target, loser)))
                plan.statements.append(("UPDATE events SET cluster_id = ? WHERE cluster_id = ?",
                                        (target, loser)))
                plan.statements.append(("DELETE FROM link_event_clusters WHERE id = ?", (loser,)))
            for m in mine:
                m["cluster"] = resolve(m["cluster"])
            feats.update(cluster=target, cluster_seq=cluster_seq.get(target, seq), same=True)
            mine.append(feats)
            plan.statements.append((
                "INSERT INTO link_events VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (event.id, seq, art.id, target, event.event_type, day,
                 event.date[:10] if event.date else (art.published or "")[:10] or None,
                 json.dumps(places, ensure_ascii=False), json.dumps(participants), trigger,
                 to_blob(vector), event_label(ext, event))))
            plan.statements.append(("UPDATE events SET cluster_id = ? WHERE id = ?",
                                    (target, event.id)))
            plan.many.append(("INSERT OR IGNORE INTO link_event_blocks VALUES (?,?,?)",
                              [(b, seq, event.id) for b in blocks]))
        # A merge decided by a later event of this article also renames earlier ones.
        for m in mine:
            final = resolve(m["cluster"])
            if final != m["cluster"]:
                plan.statements.append(("UPDATE link_events SET cluster = ? WHERE event_id = ?",
                                        (final, m["event_id"])))
                plan.statements.append(("UPDATE events SET cluster_id = ? WHERE id = ?",
                                        (final, m["event_id"])))

    def _event_feats(self, column: str, keys: Sequence[str], same: bool
                     ) -> list[dict[str, Any]]:
        """Features of the stored events whose ``column`` is one of ``keys`` (cached: only
        the cluster and its seq are read every time)."""
        clusters: dict[str, str] = {}
        seqs: dict[str, int] = {}
        for event_id, cluster, cluster_seq in self._in(
                "SELECT e.event_id, e.cluster, c.seq FROM link_events e LEFT JOIN "
                f"link_event_clusters c ON c.id = e.cluster WHERE {column} IN ({{marks}})", keys):
            clusters[event_id] = cluster
            if cluster_seq is not None:
                seqs[cluster] = cluster_seq
        features = {e: self._event_cache.get(e) for e in sorted(clusters)}
        missing = [e for e, f in features.items() if f is None]
        for row in self._in("SELECT * FROM link_events WHERE event_id IN ({marks})", missing):
            decoded = {
                "event_id": row["event_id"], "article_id": row["article_id"],
                "event_type": row["event_type"], "day": row["day"], "seq": row["seq"],
                "places": json.loads(row["places"]),
                "participants": json.loads(row["participants"]), "trigger": row["trigger"],
                "stem": stem(row["trigger"]), "vector": from_blob(row["vector"])}
            features[row["event_id"]] = decoded
            self._event_cache.put(row["event_id"], decoded)
        out = []
        for event_id, cluster in clusters.items():
            cached = features[event_id]
            assert cached is not None
            out.append({**cached, "cluster": cluster, "same": same,
                        "cluster_seq": seqs.get(cluster, cached["seq"])})
        out.sort(key=lambda f: (f["cluster_seq"], f["seq"], f["event_id"]))
        return out

    def _around(self, places: Sequence[str], day: int | None, same_story: set[str],
                block_hits: dict[str, list[str]], block_feats: dict[str, dict[str, Any]]
                ) -> list[dict[str, Any]]:
        """The stored events of other stories filed under ``places`` within the window of
        ``day``: the newest ``per_block`` of each (place, day) block, each block read once
        per article (``block_hits``, ``block_feats``)."""
        cfg = self.config
        elsewhere: list[str] = []
        for place in places if day is not None else ():
            for d in range(day - cfg.window_days, day + cfg.window_days + 1):  # type: ignore[operator]
                key = _block_key(place, d)
                if key not in block_hits:
                    # same_story is fixed for the article: each block is filtered once
                    block_hits[key] = [r[0] for r in self.conn.execute(
                        "SELECT event_id FROM link_event_blocks WHERE block = ? ORDER BY "
                        "seq DESC LIMIT ?", (key, cfg.per_block)) if r[0] not in same_story]
                elsewhere.extend(block_hits[key])
        need = sorted(set(elsewhere) - set(block_feats))
        for found in self._event_feats("e.event_id", need, same=False):
            block_feats[found["event_id"]] = found
        return [block_feats[i] for i in dict.fromkeys(elsewhere) if i in block_feats]

    def _claims(self, ext: Extraction, story: str, repost_of: str | None,
                canonical: Mapping[str, str], plan: _Plan) -> None:
        if not ext.claims:
            return
        cfg = self.config
        conn = self.conn
        rows = conn.execute(
            "SELECT l.article_id, l.repost_of, a.published FROM link_articles l JOIN articles a "
            "ON a.id = l.article_id WHERE l.story = ? ORDER BY l.seq DESC LIMIT ?",
            (story, cfg.story_articles)).fetchall()
        ext_article = ext.article
        articles = {r[0]: Article(id=r[0], text="", published=r[2]) for r in rows}
        articles[ext_article.id] = ext_article
        original = {r[0]: r[1] or r[0] for r in rows}
        original[ext_article.id] = repost_of or ext_article.id
        others = [r[0] for r in rows]
        # A headline claim that restates its own lede is the lede's claim: left out of every
        # comparison (the cache keeps each article's claims with those already left out).
        restated = restated_in_headline(ext.claims, {ext_article.id: headline_end(ext_article)})
        claims: list[Claim] = [c for c in ext.claims if c.id not in restated]
        by_article = {a: self._claim_cache.get(a) for a in others}
        missing = [a for a, found in by_article.items() if found is None]
        loaded: dict[str, list[Claim]] = {a: [] for a in missing}
        for row in self._in("SELECT * FROM claims WHERE article_id IN ({marks}) "
                            "ORDER BY article_id, start, id", missing):
            loaded[row["article_id"]].append(_from_row(Claim, row))
        ends = {r[0]: r[1] for r in self._in(
            "SELECT id, length(title) FROM articles WHERE id IN ({marks}) AND title IS NOT NULL "
            "AND substr(text, 1, length(title)) = title", [a for a in missing if loaded[a]])}
        restated = restated_in_headline([c for found in loaded.values() for c in found], ends)
        for article_id, found_claims in loaded.items():
            found_claims = [c for c in found_claims if c.id not in restated]
            by_article[article_id] = found_claims
            self._claim_cache.put(article_id, found_claims)
        for article_id in sorted(others):
            claims.extend(by_article[article_id] or ())
        new = {c.id for c in ext.claims}
        # compare_claims pairs claims by subject head: an old claim no new claim can pair
        # with is left out, so a long story's claims are not re-grouped for every article.
        heads: dict[str, str] = {}

        def head(subject: str) -> str:
            if subject not in heads:
                heads[subject] = subject_head(subject)
            return heads[subject]

        new_heads = {head(c.subject) for c in ext.claims} - {""}
        pairs_with_new: dict[str, bool] = {}

        def pairs(subject: str) -> bool:
            if subject not in pairs_with_new:
                pairs_with_new[subject] = any(compatible_subjects(head(subject), h)
                                              for h in new_heads)
            return pairs_with_new[subject]

        claims = [c for c in claims if c.id in new or pairs(c.subject)]
        voices = sorted({c.claimant_actor_id for c in claims if c.claimant_actor_id}
                        - set(canonical))
        canon = dict(canonical)
        names: dict[str, str] = {}
        for row in self._in("SELECT a.id, a.canonical_id FROM actors a WHERE a.id IN "
                            "({marks}) AND a.canonical_id IS NOT NULL", voices):
            canon[row[0]] = row[1]
        ids = sorted(set(canon.values()))
        canonical_names = {r[0]: r[1] for r in self._in(
            "SELECT id, name FROM link_actors WHERE id IN ({marks})", ids)}
        for member, cid in plan_actor_names(plan).items():
            canonical_names[member] = cid
        for member, cid in canon.items():
            if cid in canonical_names:
                names[member] = canonical_names[cid]

        def worth_comparing(a: Claim, b: Claim) -> bool:
            if a.id not in new and b.id not in new:
                return False  # compared when the later of them was linked
            oa, ob = original.get(a.article_id, a.article_id), original.get(b.article_id,
                                                                              b.article_id)
            reposted = oa != a.article_id or ob != b.article_id
            return not reposted or oa == ob

        found = compare_claims(claims, articles, block_of=lambda c: story, names=names,
                               only_new=worth_comparing, canonical=canon)
        plan.relations = sorted(found, key=lambda r: r.id)


def plan_actor_names(plan: _Plan) -> dict[str, str]:
    """Names this plan gives to canonical actors (new, or renamed to a fuller form)."""
    out: dict[str, str] = {}
    for sql, params in plan.statements:
        if sql.startswith("INSERT OR IGNORE INTO link_actors"):
            out[params[0]] = params[2]
        elif sql.startswith("UPDATE link_actors SET name"):
            out[params[3]] = params[0]
    return out


def link_new(store: Store, article_ids: Iterable[str] = (), *,
             known: Mapping[str, Extraction] | None = None,
             config: LinkConfig | None = None) -> LinkSummary:
    """Link every article stored but not linked yet (``article_ids`` and any an interrupted
    run left), in the order they were stored, one short write transaction each.

    The single entry point ingest calls after writing articles.  ``known`` may hold their
    extractions, to save reading them back."""
    del article_ids  # every pending article is linked, these included
    return Linker(store, config).run(known)


def relink(store: Store, config: LinkConfig | None = None) -> LinkSummary:
    """Forget every link and link all stored articles again, in the order they were stored."""
    conn = store.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table in ("link_articles", "link_terms", "link_postings", "link_bands",
                      "link_events", "link_event_blocks", "link_event_clusters",
                      "link_actor_keys", "link_surnames", "link_actors", "article_clusters",
                      RELATIONS_TABLE, "link_pending"):
            conn.execute(f'DELETE FROM "{table}"')
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'link_pending'")
        conn.execute("UPDATE actors SET canonical_id = NULL")
        conn.execute("UPDATE events SET cluster_id = NULL")
        conn.execute("DELETE FROM store_state WHERE key IN ('link_docs', 'link_version')")
        conn.execute("INSERT INTO link_pending (article_id) SELECT id FROM articles "
                     "ORDER BY rowid")
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    return link_new(store, config=config)


__all__ = ["LinkSummary", "Linker", "link_new", "relink"]
