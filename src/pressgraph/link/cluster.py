"""Grouping reports of the same real-world event across articles and days.

Cost is kept near-linear by blocking: an article is only compared with articles that share a
country (or, without geocoding, a place name) and were published within ``window_days`` of it,
plus whatever MinHash LSH returns as a near-duplicate (wire copy re-published by another
outlet).  Inside a block, two articles report the same story when their leads are
paraphrases (MiniLM cosine), helped by shared canonical actors and event types.  Events are
then clustered inside the same blocks: compatible type, time window, place, participants and
sentence similarity, with a lower bar when their articles already share a story.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from datasketch import MinHash, MinHashLSH

from pressgraph.extract.claims.vocab import fold
from pressgraph.model import Event, Extraction, stable_id

_WORD = re.compile(r"[a-z0-9]+")

# PLOVER types whose reports of one incident are often coded differently by different outlets.
_COMPATIBLE = [
    {"ASSAULT", "COERCE", "THREATEN"},
    {"PROTEST", "COERCE", "MOBILIZE"},
    {"AGREE", "COOPERATE", "CONSULT"},
    {"ACCUSE", "REJECT", "PROTEST"},
    {"AID", "SUPPORT", "COOPERATE"},
]


def compatible_types(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _COMPATIBLE)


@dataclass(frozen=True)
class LinkConfig:
    window_days: int = 3
    article_threshold: float = 0.62  # lead cosine for the same story (tuned on eval gold)
    article_threshold_shared: float = 0.5  # ... when they share a canonical actor
    near_duplicate: float = 0.5  # MinHash Jaccard of word 3-shingles
    near_duplicate_days: int = 14
    # Two reports of one story sharing this much of their word 3-shingles (MinHash estimate) are
    # a repost and its original (light edits give ~0.4; independent reports stay under 0.06).
    repost: float = 0.25
    event_threshold: float = 0.55  # event sentence cosine across stories
    event_threshold_same_story: float = 0.35
    use_embeddings: bool = True
    num_perm: int = 64
    lead_chars: int = 320  # title + first sentence or two: cost grows with length
    max_block: int = 400  # most candidates one article is compared with


def day_of(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


class UnionFind:
    """Clusters keep the id of their oldest member, so cluster ids survive later batches."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.order: dict[str, int] = {}

    def add(self, item: str) -> None:
        if item not in self.parent:
            self.parent[item] = item
            self.order[item] = len(self.order)

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.order[rb] < self.order[ra]:
            ra, rb = rb, ra
        self.parent[rb] = ra

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for item in self.parent:
            out[self.find(item)].append(item)
        return out


@dataclass
class _ArticleFeatures:
    id: str
    day: int | None
    places: frozenset[str]
    actors: frozenset[str]
    types: frozenset[str]
    lead: str


@dataclass
class _EventFeatures:
    id: str
    article_id: str
    type: str
    day: int | None
    places: frozenset[str]
    participants: frozenset[str]
    text: str


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


def _shingles(text: str, k: int = 3) -> set[bytes]:
    words = _WORD.findall(fold(text))
    return {" ".join(words[i:i + k]).encode() for i in range(max(1, len(words) - k + 1))}


def _place_keys(extraction: Extraction) -> frozenset[str]:
    keys = {p.country_code.upper() for p in extraction.places if p.country_code}
    if not keys:
        # Without geocoding, a place's name still blocks: "Syria" meets "Syria".
        keys = {fold(p.name or p.text) for p in extraction.places}
        keys |= {fold(e.text) for e in extraction.entities if e.label in ("GPE", "LOC")}
    return frozenset(keys)


def _event_text(extraction: Extraction, event: Event) -> str:
    text = extraction.article.text
    if event.text:
        return event.text
    start = text.rfind(".", 0, event.start) + 1
    end = text.find(".", event.end)
    return text[start:end if end >= 0 else len(text)].strip()


Embed = Callable[[Sequence[str]], np.ndarray]


def _cosine(embed: Embed, cache: dict[str, np.ndarray], a: str, b: str) -> float:
    missing = [t for t in (a, b) if t not in cache]
    if missing:
        for text, vec in zip(missing, embed(missing), strict=True):
            cache[text] = vec
    return float(cache[a] @ cache[b])


@dataclass
class ClusterIndex:
    """Blocking indexes and union-finds, kept between ingest batches."""

    config: LinkConfig = field(default_factory=LinkConfig)
    articles: dict[str, _ArticleFeatures] = field(default_factory=dict)
    events: dict[str, _EventFeatures] = field(default_factory=dict)
    article_blocks: dict[tuple[str, int | None], list[str]] = field(
        default_factory=lambda: defaultdict(list))
    event_blocks: dict[tuple[str, int | None], list[str]] = field(
        default_factory=lambda: defaultdict(list))
    article_uf: UnionFind = field(default_factory=UnionFind)
    event_uf: UnionFind = field(default_factory=UnionFind)
    lsh: MinHashLSH | None = None
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    comparisons: int = 0
    repost_of: dict[str, str] = field(default_factory=dict)  # near-duplicate -> first seen
    minhashes: dict[str, MinHash] = field(default_factory=dict)

    def original_of(self, article_id: str) -> str:
        """The first-seen article a near-duplicate repost copies (itself if none)."""
        return self.repost_of.get(article_id, article_id)

    def _embed(self) -> Embed:
        from pressgraph.link.embed import encode

        return encode

    def _lsh(self) -> MinHashLSH:
        if self.lsh is None:
            self.lsh = MinHashLSH(threshold=self.config.near_duplicate,
                                  num_perm=self.config.num_perm)
        return self.lsh

    def _candidates(self, blocks: dict[tuple[str, int | None], list[str]],
                    places: Iterable[str], day: int | None) -> list[str]:
        w = self.config.window_days
        days: list[int | None] = [None] if day is None else list(range(day - w, day + w + 1))
        seen: dict[str, None] = {}
        for place in places or ("?",):
            for d in days:
                for item in blocks.get((place, d), ()):
                    seen[item] = None
        # Newest first: a story's latest reports are the likeliest match for a new one.
        return list(seen)[-self.config.max_block:]

    def add_articles(self, extractions: Sequence[Extraction],
                     canonical: dict[str, str]) -> None:
        cfg = self.config
        embed = self._embed()
        feats_of: dict[str, _ArticleFeatures] = {}
        for ext in extractions:
            art = ext.article
            feats_of[art.id] = _ArticleFeatures(
                id=art.id, day=day_of(art.published), places=_place_keys(ext),
                actors=frozenset(canonical[a.id] for a in ext.actors if a.id in canonical),
                types=frozenset(e.event_type for e in ext.events),
                lead=((art.title + ". ") if art.title else "") + art.text[:cfg.lead_chars],
            )
        if cfg.use_embeddings:
            # One batched pass: much faster than encoding leads pair by pair.
            leads = [f.lead for f in feats_of.values() if f.lead not in self.vectors]
            for text, vec in zip(leads, embed(leads), strict=True):
                self.vectors[text] = vec
        for ext in extractions:
            art = ext.article
            feats = feats_of[art.id]
            if art.id in self.articles:
                continue
            self.article_uf.add(art.id)
            minhash = MinHash(num_perm=cfg.num_perm)
            minhash.update_batch(list(_shingles(art.text)))
            lsh = self._lsh()
            copied: list[str] = []
            for other in lsh.query(minhash):
                # A near-duplicate is a repost of the same story only while the story runs.
                other_day = self.articles[other].day if other in self.articles else None
                if None in (other_day, feats.day) or abs(
                        (other_day or 0) - (feats.day or 0)) <= cfg.near_duplicate_days:
                    self.article_uf.union(other, art.id)
                    copied.append(self.original_of(other))
            lsh.insert(art.id, minhash)
            for other_id in self._candidates(self.article_blocks, feats.places, feats.day):
                self.comparisons += 1
                if self._same_story(feats, self.articles[other_id], embed):
                    self.article_uf.union(other_id, art.id)
                    other_hash = self.minhashes.get(other_id)
                    if other_hash is not None and minhash.jaccard(other_hash) >= cfg.repost:
                        copied.append(self.original_of(other_id))
            if copied:
                self.repost_of[art.id] = min(copied)
            self.minhashes[art.id] = minhash
            self.articles[art.id] = feats
            for place in feats.places or ("?",):
                self.article_blocks[(place, feats.day)].append(art.id)
            for event in ext.events:
                self._add_event(ext, event, feats, canonical, embed)

    def _same_story(self, a: _ArticleFeatures, b: _ArticleFeatures, embed: Embed) -> bool:
        if not self.config.use_embeddings:
            return bool(a.actors & b.actors) and bool(a.types & b.types)
        cos = _cosine(embed, self.vectors, a.lead, b.lead)
        threshold = (self.config.article_threshold_shared if a.actors & b.actors
                     else self.config.article_threshold)
        return cos >= threshold

    def _add_event(self, ext: Extraction, event: Event, article: _ArticleFeatures,
                   canonical: dict[str, str], embed: Embed) -> None:
        place_keys = {p.country_code.upper() for p in ext.places
                      if p.id == event.place_id and p.country_code}
        feats = _EventFeatures(
            id=event.id, article_id=ext.article.id, type=event.event_type,
            day=day_of(event.date) or article.day,
            places=frozenset(place_keys) or article.places,
            participants=frozenset(canonical[i] for i in (event.actor_id, event.recipient_id)
                                   if i and i in canonical),
            text=_event_text(ext, event),
        )
        self.event_uf.add(event.id)
        story = self.article_uf.find(ext.article.id)
        for other_id in self._candidates(self.event_blocks, feats.places, feats.day):
            other = self.events[other_id]
            if not compatible_types(feats.type, other.type):
                continue
            self.comparisons += 1
            same_story = self.article_uf.find(other.article_id) == story
            if self._same_event(feats, other, same_story, embed):
                self.event_uf.union(other_id, event.id)
        self.events[event.id] = feats
        for place in feats.places or ("?",):
            self.event_blocks[(place, feats.day)].append(event.id)

    def _same_event(self, a: _EventFeatures, b: _EventFeatures, same_story: bool,
                    embed: Embed) -> bool:
        if a.article_id == b.article_id and a.type != b.type:
            return False
        shared = bool(a.participants & b.participants)
        if not self.config.use_embeddings:
            return same_story and (shared or a.type == b.type)
        cos = _cosine(embed, self.vectors, a.text, b.text)
        threshold = (self.config.event_threshold_same_story if same_story
                     else self.config.event_threshold)
        if shared:
            threshold -= 0.1
        return cos >= threshold

    def article_clusters(self) -> list[ArticleCluster]:
        return [ArticleCluster(id=stable_id("article-cluster", root), article_ids=tuple(ids))
                for root, ids in self.article_uf.groups().items()]

    def article_cluster_of(self, article_id: str) -> str | None:
        if article_id not in self.article_uf.parent:
            return None
        return stable_id("article-cluster", self.article_uf.find(article_id))

    def event_cluster_of(self, event_id: str) -> str | None:
        if event_id not in self.event_uf.parent:
            return None
        return stable_id("event-cluster", self.event_uf.find(event_id))

    def event_clusters(self) -> list[EventCluster]:
        out = []
        for root, ids in self.event_uf.groups().items():
            feats = [self.events[i] for i in ids]
            days = sorted(f.day for f in feats if f.day is not None)
            places = sorted({p for f in feats for p in f.places})
            out.append(EventCluster(
                id=stable_id("event-cluster", root), event_ids=tuple(ids),
                article_ids=tuple(dict.fromkeys(f.article_id for f in feats)),
                event_type=self.events[root].type, places=tuple(places),
                date_start=date.fromordinal(days[0]).isoformat() if days else None,
                date_end=date.fromordinal(days[-1]).isoformat() if days else None,
                label=self.events[root].text[:160],
            ))
        return out
