"""Cross-article linking: canonical actors, event and story clusters, claim relations.

One implementation, over the store's link state (:mod:`pressgraph.store.linking`): ``ingest``
links each new article against the blocks it falls in and keeps the state in its database;
:func:`link_corpus` links extractions that have no database (``extract``, evaluation) through
a private in-memory store, by the same code.

    result = link_corpus(extractions)
    result.actors          # CanonicalActor: names, aliases, roles over time, member actor ids
    result.event_clusters  # EventCluster: the same real-world event across articles and days
    result.article_clusters
    result.relations       # ClaimRelation: conflict / agreement / refinement, explained
    result.extractions     # the inputs with Actor.canonical_id and Event.cluster_id filled
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pressgraph.link.actors import CanonicalActor
from pressgraph.link.cluster import LinkConfig
from pressgraph.link.compare import compare_claims, describe, relate
from pressgraph.model import ClaimRelation, Extraction

if TYPE_CHECKING:
    from pressgraph.store import Store


@dataclass(frozen=True, slots=True)
class EventCluster:
    id: str
    event_ids: tuple[str, ...]
    article_ids: tuple[str, ...]
    event_type: str
    places: tuple[str, ...]
    date_start: str | None
    date_end: str | None
    label: str


@dataclass(frozen=True, slots=True)
class ArticleCluster:
    id: str
    article_ids: tuple[str, ...]


def _memory_store() -> Store:
    from pressgraph.store import Store

    store = Store(":memory:")
    # Linking never searches text: the private store skips the full-text index.
    store.conn.execute("DROP TRIGGER articles_fts_insert")
    return store


@dataclass
class LinkState:
    """A private in-memory store that keeps the link state between :func:`link_incremental`
    batches (``ingest`` keeps it in its database instead)."""

    config: LinkConfig = field(default_factory=LinkConfig)
    store: Store = field(default_factory=_memory_store)

    @property
    def actors(self) -> ActorMembers:
        return ActorMembers(member_of=dict(self.store.conn.execute(
            "SELECT id, canonical_id FROM actors WHERE canonical_id IS NOT NULL")))


@dataclass(frozen=True)
class ActorMembers:
    member_of: dict[str, str]  # per-article actor id -> canonical actor id


@dataclass(frozen=True)
class LinkResult:
    actors: tuple[CanonicalActor, ...]
    event_clusters: tuple[EventCluster, ...]
    article_clusters: tuple[ArticleCluster, ...]
    relations: tuple[ClaimRelation, ...]
    extractions: tuple[Extraction, ...]
    state: LinkState

    def article_cluster_of(self, article_id: str) -> str | None:
        row = self.state.store.conn.execute(
            "SELECT cluster_id FROM article_clusters WHERE article_id = ?", (article_id,)
        ).fetchone()
        return row[0] if row else None

    def original_of(self, article_id: str) -> str:
        """The first-seen article a near-duplicate repost copies (itself if none)."""
        row = self.state.store.conn.execute(
            "SELECT repost_of FROM link_articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return row[0] if row and row[0] else article_id


def read_links(store: Store) -> tuple[tuple[CanonicalActor, ...], tuple[EventCluster, ...],
                                       tuple[ArticleCluster, ...]]:
    """The store's canonical actors, event clusters and stories."""
    conn = store.conn
    article_of = {r[0]: r[1] for r in conn.execute(
        "SELECT id, article_id FROM actors WHERE canonical_id IS NOT NULL")}
    actors = []
    for row in conn.execute("SELECT * FROM canonical_actors"):
        members = tuple(json.loads(row["members"]))
        actors.append(CanonicalActor(
            id=row["id"], name=row["name"], type=row["type"], category=row["category"],
            aliases=tuple(json.loads(row["aliases"])),
            roles=tuple((r, d) for r, d in json.loads(row["roles"])), members=members,
            articles=tuple(dict.fromkeys(article_of[m] for m in members if m in article_of)),
        ))
    clusters = tuple(EventCluster(
        id=row["id"], event_ids=tuple(json.loads(row["event_ids"])),
        article_ids=tuple(json.loads(row["article_ids"])), event_type=row["event_type"],
        places=tuple(json.loads(row["places"])), date_start=row["date_start"],
        date_end=row["date_end"], label=row["label"],
    ) for row in conn.execute("SELECT * FROM event_clusters"))
    stories: dict[str, list[str]] = {}
    for article_id, cluster in conn.execute(
            "SELECT c.article_id, c.cluster_id FROM article_clusters c JOIN link_articles l "
            "ON l.article_id = c.article_id ORDER BY l.seq"):
        stories.setdefault(cluster, []).append(article_id)
    return (tuple(actors), clusters,
            tuple(ArticleCluster(id=k, article_ids=tuple(v)) for k, v in stories.items()))


def link_incremental(new: Sequence[Extraction], state: LinkState | None = None) -> LinkResult:
    """Link a batch of new articles against what ``state`` already holds.

    ``result.relations`` holds the relations that involve an article of this batch; actors and
    clusters are the whole state's (clusters of earlier articles may have merged)."""
    from pressgraph.store import RELATIONS_TABLE, _from_row
    from pressgraph.store.linking import link_new

    state = state or LinkState()
    store = state.store
    batch = {}
    for ext in new:
        # Linking reads back only articles, actors, events and claims.
        kept = dataclasses.replace(ext, conflicts=(), entities=(), quotes=(), quantities=(),
                                   times=(), places=())
        if store.write_extraction(kept):
            batch[ext.article.id] = ext
    link_new(store, list(batch), known=batch, config=state.config)
    conn = store.conn
    canonical = dict(conn.execute("SELECT id, canonical_id FROM actors"))
    clusters = dict(conn.execute("SELECT id, cluster_id FROM events"))
    out = []
    for ext in new:
        actors = tuple(dataclasses.replace(a, canonical_id=canonical.get(a.id))
                       for a in ext.actors)
        events = tuple(dataclasses.replace(e, cluster_id=clusters.get(e.id)) for e in ext.events)
        out.append(dataclasses.replace(ext, actors=actors, events=events))
    ids = list(batch)
    relations: list[ClaimRelation] = []
    for i in range(0, len(ids), 400):
        chunk = ids[i:i + 400]
        marks = ",".join("?" * len(chunk))
        relations.extend(_from_row(ClaimRelation, r) for r in conn.execute(
            f"SELECT * FROM {RELATIONS_TABLE} WHERE article_a IN ({marks}) OR article_b IN "
            f"({marks}) ORDER BY rowid", (*chunk, *chunk)))
    actors_, event_clusters, article_clusters = read_links(store)
    return LinkResult(actors=actors_, event_clusters=event_clusters,
                      article_clusters=article_clusters,
                      relations=tuple(dict((r.id, r) for r in relations).values()),
                      extractions=tuple(out), state=state)


def link_corpus(extractions: Sequence[Extraction], config: LinkConfig | None = None
                ) -> LinkResult:
    """Link a whole corpus from scratch."""
    return link_incremental(extractions, LinkState(config=config or LinkConfig()))


__all__ = [
    "ArticleCluster",
    "CanonicalActor",
    "EventCluster",
    "LinkConfig",
    "LinkResult",
    "LinkState",
    "compare_claims",
    "describe",
    "link_corpus",
    "link_incremental",
    "read_links",
    "relate",
]
