"""Deciding which reports tell the same story and which events are the same event.

Pure scoring over features the store keeps (:mod:`pressgraph.store.linking` finds the
candidates and writes the clusters):

* two articles tell the same story when their TF-IDF term vectors and their lead vectors
  (spaCy's static word vectors, TF-IDF weighted) agree enough, a little less when they share a
  canonical actor; publication dates, when both are known, must be ``window_days`` apart at
  most (ECB+ has no dates: then the text alone decides);
* two event mentions are the same event when their PLOVER types are compatible and their
  triggers are the same word or near in vector space, inside one story; across stories they
  must also share a participant, a place block and the time window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from pressgraph.clean import headline_end
from pressgraph.extract.claims.vocab import fold
from pressgraph.model import Article, Event, Extraction

# PLOVER types whose reports of one incident are often coded differently by different outlets.
_COMPATIBLE = [
    {"ASSAULT", "COERCE", "THREATEN"},
    {"PROTEST", "COERCE", "MOBILIZE"},
    {"AGREE", "COOPERATE", "CONSULT"},
    {"ACCUSE", "REJECT", "PROTEST"},
    {"AID", "SUPPORT", "COOPERATE"},
]


def compatible_types(a: str, b: str) -> bool:
    return b in compatible_with(a)


@cache  # a handful of PLOVER types, asked about for every candidate pair
def compatible_with(event_type: str) -> frozenset[str]:
    """Every type an event of ``event_type`` may be coded as by another outlet."""
    return frozenset({event_type}.union(*(g for g in _COMPATIBLE if event_type in g)))


@dataclass(frozen=True)
class LinkConfig:
    window_days: int = 3
    # Same story: lexical (TF-IDF cosine) and lead-vector scores averaged, against a bar
    # (tuned on eval/gold/link and ECB+ topics 1-35 together: docs/accuracy/link.md).
    story_threshold: float = 0.3
    story_threshold_shared: float = 0.25  # ... when they share a canonical actor
    lexical_weight: float = 0.4
    semantic_floor: float = 0.6
    near_duplicate: float = 0.5  # MinHash Jaccard of word 3-shingles
    near_duplicate_days: int = 14
    # Two reports of one story sharing this much of their word 3-shingles (MinHash estimate) are
    # a repost and its original (light edits give ~0.4; independent reports stay under 0.06).
    repost: float = 0.25
    event_threshold_same_story: float = 0.6  # trigger vector cosine inside one story
    event_threshold: float = 0.8  # ... across stories (with a shared participant)
    use_embeddings: bool = True
    num_perm: int = 64
    lead_chars: int = 400  # title + first sentence or two
    terms_kept: int = 64  # heaviest TF-IDF terms kept per article
    entity_weight: int = 1  # extra count for each word of a named entity
    merge_stories: bool = False  # True: an article matching several stories merges them
    # ... or only those it matches by this much over the bar (None: it joins its best one
    # only). 0.2 merged one pair on ECB+ (story F1 86.6 -> 86.8) and none on the own gold
    # sets; 0.1 and below chain unrelated stories (docs/accuracy/link.md).
    merge_margin: float | None = 0.2
    terms_posted: int = 12  # ... of which the heaviest are indexed (term -> articles, weight)
    per_block: int = 60  # newest candidates read per blocking key
    rerank: int = 40  # articles nearest by the index whose exact cosine is computed
    per_band: int = 10  # newest near-duplicate candidates read per MinHash band
    story_articles: int = 100  # newest articles of a story whose events and claims are compared


def day_of(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def within(a: int | None, b: int | None, days: int) -> bool:
    """Unknown dates never rule a pair out."""
    return a is None or b is None or abs(a - b) <= days


def place_keys(extraction: Extraction) -> list[str]:
    keys = {p.country_code.upper() for p in extraction.places if p.country_code}
    if not keys:
        # Without geocoding, a place's name still blocks: "Syria" meets "Syria".
        keys = {fold(p.name or p.text).lower() for p in extraction.places}
        keys |= {fold(e.text).lower() for e in extraction.entities if e.label in ("GPE", "LOC")}
    return sorted(k for k in keys if k)


def lead_of(extraction: Extraction, chars: int) -> str:
    art = extraction.article
    return titled(art) + art.text[:chars]


def titled(article: Article) -> str:
    """The title to put before the text: none when the text already starts with it."""
    return article.title + ". " if article.title and not headline_end(article) else ""


def titled_text(article: Article) -> str:
    return titled(article) + article.text


def event_trigger(event: Event) -> str:
    word = (event.trigger or event.text.split(" ", 1)[0] if event.text else event.trigger)
    return fold(word or "").lower().strip()


def event_label(extraction: Extraction, event: Event) -> str:
    if event.text:
        return event.text[:160]
    text = extraction.article.text
    start = text.rfind(".", 0, event.start) + 1
    end = text.find(".", event.end)
    return text[start:end if end >= 0 else len(text)].strip()[:160]


def stem(word: str) -> str:
    """A crude stem: "killed", "killing", "kills" -> "kill" (lemmas are not stored)."""
    for suffix in ("ings", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def story_score(config: LinkConfig, lexical: float, vector_a: np.ndarray | None,
                vector_b: np.ndarray | None, corroborated: bool) -> float:
    """How surely two articles tell one story.

    Word overlap (TF-IDF cosine) alone, unless the two are ``corroborated`` (dated within the
    window and sharing a place or a canonical actor): then their lead vectors may vouch for a
    paraphrase.  Averaged static vectors of any two news leads are near (cosine ~0.65), so the
    cosine is rescaled from ``semantic_floor`` up; and without dates or places it would join
    two earthquakes, two rehab stays (ECB+): the words that tell them apart are names.
    """
    if not corroborated or not config.use_embeddings or vector_a is None or vector_b is None:
        return lexical
    semantic = (float(vector_a @ vector_b) - config.semantic_floor) / (1 - config.semantic_floor)
    blended = config.lexical_weight * lexical + (1 - config.lexical_weight) * max(0.0, semantic)
    return max(lexical, blended)


def shares(a: Iterable[str], b: Iterable[str]) -> bool:
    return bool(set(a) & set(b))
