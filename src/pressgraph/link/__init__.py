"""Cross-article linking: canonical actors, event and story clusters, claim relations.

Pure functions over ``Extraction`` records (no database): the store calls
:func:`link_incremental` after each ingest batch with the state it kept from the last one, and
:func:`link_corpus` links a whole corpus at once (the same code path from an empty state).

    result = link_corpus(extractions)
    result.actors          # CanonicalActor: names, aliases, roles over time, member actor ids
    result.event_clusters  # EventCluster: the same real-world event across articles and days
    result.article_clusters
    result.relations       # ClaimRelation: conflict / agreement / refinement, explained
    result.extractions     # the inputs with Actor.canonical_id and Event.cluster_id filled

Cost is near-linear in the number of articles: actors are joined through a name index,
articles and events are compared only inside (place, day-window) blocks and LSH buckets, and
claims only inside (subject head, story) groups.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from pressgraph.link.actors import ActorIndex, CanonicalActor, link_actors
from pressgraph.link.cluster import ArticleCluster, ClusterIndex, EventCluster, LinkConfig
from pressgraph.link.compare import compare_claims, describe, relate
from pressgraph.model import Article, Claim, ClaimRelation, Extraction


@dataclass
class LinkState:
    """Everything linking needs to remember between batches (kept by the store)."""

    config: LinkConfig = field(default_factory=LinkConfig)
    actors: ActorIndex = field(default_factory=ActorIndex)
    clusters: ClusterIndex | None = None
    articles: dict[str, Article] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.clusters is None:
            self.clusters = ClusterIndex(config=self.config)

    @property
    def cluster_index(self) -> ClusterIndex:
        assert self.clusters is not None
        return self.clusters


@dataclass(frozen=True)
class LinkResult:
    actors: tuple[CanonicalActor, ...]
    event_clusters: tuple[EventCluster, ...]
    article_clusters: tuple[ArticleCluster, ...]
    relations: tuple[ClaimRelation, ...]
    extractions: tuple[Extraction, ...]
    state: LinkState

    def article_cluster_of(self, article_id: str) -> str | None:
        return self.state.cluster_index.article_cluster_of(article_id)


def link_incremental(new: Sequence[Extraction], state: LinkState | None = None) -> LinkResult:
    """Link a batch of new articles against what is already known.

    ``state`` is updated in place and returned as ``result.state``.  ``result.relations`` holds
    the relations that involve at least one claim of this batch; ``actors`` and the clusters
    are the whole corpus's (clusters of earlier articles may have merged: rewrite
    ``Event.cluster_id`` of stored events from ``event_clusters``).
    """
    state = state or LinkState()
    linked, _ = link_actors(new, state.actors)
    canonical = dict(state.actors.member_of)
    index = state.cluster_index
    index.add_articles(linked, canonical)
    names = {member: state.actors.actors[cid].name for member, cid in canonical.items()}

    new_claims: set[str] = set()
    for ext in linked:
        state.articles[ext.article.id] = ext.article
        for claim in ext.claims:
            state.claims[claim.id] = claim
            new_claims.add(claim.id)

    def block_of(claim: Claim) -> str | None:
        return index.article_cluster_of(claim.article_id)

    # Only the stories a new claim belongs to can gain relations, so only those are compared.
    touched = {block_of(state.claims[c]) for c in new_claims}
    candidates = [c for c in state.claims.values() if block_of(c) in touched]
    def worth_comparing(a: Claim, b: Claim) -> bool:
        if a.id not in new_claims and b.id not in new_claims:
            return False  # compared in an earlier batch
        # A repost says what its original says: its claims are compared with the original's
        # (and each other), and the original's relations to other articles are reported once.
        oa, ob = index.original_of(a.article_id), index.original_of(b.article_id)
        reposted = oa != a.article_id or ob != b.article_id
        return not reposted or oa == ob

    relations = compare_claims(
        candidates, state.articles, block_of=block_of, names=names,
        only_new=worth_comparing, canonical=canonical,
    )
    out = []
    for ext in linked:
        events = tuple(dataclasses.replace(e, cluster_id=index.event_cluster_of(e.id))
                       for e in ext.events)
        out.append(dataclasses.replace(ext, events=events))
    return LinkResult(
        actors=tuple(state.actors.canonical()),
        event_clusters=tuple(index.event_clusters()),
        article_clusters=tuple(index.article_clusters()),
        relations=tuple(relations),
        extractions=tuple(out),
        state=state,
    )


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
    "relate",
]
