"""Evaluate story and event clustering on ECB+ (topics 1-35; the literature's test topics 36-45
are not in ``../shared/eval``).

Each topic holds documents about two different real events of one kind; a document's gold
story is its topic plus ``ecb`` / ``ecbplus``.  The documents carry no dates, so every article
is linked with ``published`` unknown.  Documents are rebuilt from their tokens (a space between
tokens except before closing punctuation), run through the full pipeline uncleaned (offsets
stay the tokens' own) and then through :func:`pressgraph.link.link_corpus`.

Metrics:

* ``doc_bcubed_*``: B-cubed of the predicted story clusters against the gold stories;
* ``baseline_doc_bcubed_*``: the anchor, computed in the same run: TF-IDF cosine single-link
  clustering of whole documents with its threshold tuned on this very set (the best F1 over
  thresholds 0.05..0.95 step 0.01), so the anchor is an upper bound of what it would score
  with a threshold chosen elsewhere; pressgraph's own thresholds are fixed, not tuned per set;
* ``event_{muc,bcubed,ceafe,conll}_*``: cross-document event coreference over the gold
  ``ACTION_*`` mentions.  A predicted event is mapped to the gold mention whose tokens its
  trigger overlaps (else its whole span, the nearest gold mention in it; one predicted event
  per gold mention, the first in text order).  Every gold mention is scored: one no predicted
  event maps to is its own singleton in the response (it counts against recall), and predicted
  events that map to no gold mention are left out (the gold says nothing of them), as is usual
  for coreference scored on gold mentions.  ``event_mention_coverage`` is the share of gold
  mentions some predicted event maps to.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pressgraph.evaluate import SHARED, Report, b_cubed, percent_metrics
from pressgraph.model import Article, article_id_for

DEFAULT_GOLD = SHARED / "eval" / "news" / "ecbplus"
_NO_SPACE_BEFORE = frozenset({".", ",", ";", ":", "!", "?", ")", "]", "}", "'s", "n't", "'",
                              "%", "'re", "'ve", "'ll", "'d", "'m"})
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$"})
_WORD = re.compile(r"[a-z0-9]+")

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class GoldDocument:
    name: str
    story: str
    text: str
    actions: tuple[tuple[str, Span], ...]  # (gold instance, character span) per ACTION mention


def read_document(path: Path) -> GoldDocument:
    root = ET.parse(path).getroot()
    plus = path.stem.endswith("ecbplus")
    pieces: list[str] = []
    spans: dict[str, Span] = {}
    at = 0
    previous = ""
    for token in root.iter("token"):
        word = token.text or ""
        if plus and token.get("sentence") == "0":
            continue  # the URL line
        if pieces and word not in _NO_SPACE_BEFORE and previous not in _NO_SPACE_AFTER:
            pieces.append(" ")
            at += 1
        spans[token.get("t_id", "")] = (at, at + len(word))
        pieces.append(word)
        at += len(word)
        previous = word
    text = "".join(pieces)
    instance_of: dict[str, str] = {}
    relations = root.find("Relations")
    for rel in relations if relations is not None else ():
        note = rel.get("note") or f"{path.name}#{rel.get('r_id')}"
        for source in rel.findall("source"):
            instance_of.setdefault(source.get("m_id", ""), note)
    actions = []
    markables = root.find("Markables")
    for mark in markables if markables is not None else ():
        anchors = [spans[a.get("t_id", "")] for a in mark.findall("token_anchor")
                   if a.get("t_id", "") in spans]
        if not mark.tag.startswith("ACTION") or not anchors:
            continue
        m_id = mark.get("m_id", "")
        instance = instance_of.get(m_id, f"{path.name}#m{m_id}")  # a singleton
        actions.append((instance, (min(s for s, _ in anchors), max(e for _, e in anchors))))
    topic = path.parent.name
    return GoldDocument(name=path.name, story=f"{topic}{'ecbplus' if plus else 'ecb'}",
                        text=text, actions=tuple(sorted(actions, key=lambda a: a[1])))


def read_corpus(root: Path, limit: int | None = None) -> list[GoldDocument]:
    topics = sorted((p for p in root.iterdir() if p.is_dir() and p.name.isdigit()),
                    key=lambda p: int(p.name))
    files = [f for t in topics for f in sorted(t.glob("*.xml"))
             if int(t.name) <= 35]  # 36-45 are the literature's test topics
    docs = [read_document(f) for f in files[:limit]]
    return [d for d in docs if d.text.strip()]


# -- the anchor -----------------------------------------------------------------------------
def tfidf_vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (raw term counts, idf = log(N / df) + 1, lower-cased words)."""
    counts = [Counter(_WORD.findall(t.lower())) for t in texts]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(texts)
    vectors = []
    for c in counts:
        vec = {w: k * (math.log(n / df[w]) + 1.0) for w, k in c.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({w: v / norm for w, v in vec.items()})
    return vectors


def single_link(similarity: np.ndarray, threshold: float) -> list[int]:
    """Connected components of the graph of pairs at or above ``threshold``."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(csr_matrix(similarity >= threshold), directed=False)
    return [int(x) for x in labels]


def tfidf_single_link_baseline(docs: Sequence[GoldDocument]) -> tuple[float, tuple[float, ...]]:
    """The anchor: best threshold on this set and its B-cubed (p, r, f1)."""
    vectors = tfidf_vectors([d.text for d in docs])
    vocab = {w: i for i, w in enumerate(sorted({w for v in vectors for w in v}))}
    matrix = np.zeros((len(docs), len(vocab)), dtype=np.float32)
    for row, vec in enumerate(vectors):
        for w, value in vec.items():
            matrix[row, vocab[w]] = value
    sim = matrix @ matrix.T
    gold = {d.name: d.story for d in docs}
    best: tuple[float, tuple[float, ...]] = (0.0, (0.0, 0.0, 0.0))
    for step in range(5, 96):
        threshold = step / 100
        labels = single_link(sim, threshold)
        scores = b_cubed(gold, {d.name: labels[i] for i, d in enumerate(docs)})
        if scores[2] > best[1][2]:
            best = (threshold, scores)
    return best


# -- coreference metrics --------------------------------------------------------------------
def _clusters(assign: Mapping[Hashable, Hashable]) -> list[set[Hashable]]:
    groups: dict[Hashable, set[Hashable]] = defaultdict(set)
    for item, cluster in assign.items():
        groups[cluster].add(item)
    return list(groups.values())


def muc(gold: Mapping[Hashable, Hashable], pred: Mapping[Hashable, Hashable]
        ) -> tuple[float, float, float]:
    def score(keys: list[set[Hashable]], response: Mapping[Hashable, Hashable]) -> float:
        num = den = 0
        for cluster in keys:
            parts = {response.get(m, ("singleton", m)) for m in cluster}
            num += len(cluster) - len(parts)
            den += len(cluster) - 1
        return num / den if den else 0.0

    r = score(_clusters(gold), pred)
    p = score(_clusters(pred), gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ceaf_e(gold: Mapping[Hashable, Hashable], pred: Mapping[Hashable, Hashable]
           ) -> tuple[float, float, float]:
    from scipy.optimize import linear_sum_assignment

    keys, responses = _clusters(gold), _clusters(pred)
    if not keys or not responses:
        return 0.0, 0.0, 0.0
    phi = np.zeros((len(keys), len(responses)))
    for i, key in enumerate(keys):
        for j, response in enumerate(responses):
            common = len(key & response)
            if common:
                phi[i, j] = 2 * common / (len(key) + len(response))
    rows, cols = linear_sum_assignment(-phi)
    total = float(phi[rows, cols].sum())
    p, r = total / len(responses), total / len(keys)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def map_events(doc: GoldDocument, events: Sequence[tuple[str, Span, Span]]) -> dict[int, str]:
    """Gold mention index -> predicted event id (trigger overlap first, then event span)."""
    taken: dict[int, str] = {}
    for event_id, trigger, _ in events:
        for i, (_, span) in enumerate(doc.actions):
            if i not in taken and span[0] < trigger[1] and trigger[0] < span[1]:
                taken[i] = event_id
                break
    return taken


def evaluate(gold: Path | None = None, *, model: str | None = None,
             limit: int | None = None) -> Report:
    from pressgraph.link import link_corpus
    from pressgraph.pipeline import PipelineConfig, run

    root = Path(gold) if gold else DEFAULT_GOLD
    docs = read_corpus(root, limit)
    articles = [Article(id=article_id_for(d.text), text=d.text, raw_text=d.text, path=d.name,
                        source="", published=None) for d in docs]
    extractions = list(run(articles, PipelineConfig(model=model, raw=True)))
    return score(docs, extractions, link_corpus(extractions), str(root))


def score(docs: Sequence[GoldDocument], extractions: Sequence[object], result: object,
          gold_label: str) -> Report:
    from pressgraph.link import LinkResult
    from pressgraph.model import Extraction

    assert isinstance(result, LinkResult)
    by_name: dict[str, Extraction] = {}
    ext: Extraction | None
    for ext in result.extractions:
        by_name[str(ext.article.path)] = ext
    gold_story = {d.name: d.story for d in docs}
    pred_story = {d.name: result.article_cluster_of(by_name[d.name].article.id) or d.name
                  for d in docs if d.name in by_name}
    metrics = percent_metrics("doc_bcubed", *b_cubed(gold_story, pred_story))
    threshold, base = tfidf_single_link_baseline(docs)
    metrics.update(percent_metrics("baseline_doc_bcubed", *base))

    gold_event: dict[Hashable, Hashable] = {}
    pred_event: dict[Hashable, Hashable] = {}
    mapped = 0
    for doc in docs:
        ext = by_name.get(doc.name)
        events = []
        for e in (ext.events if ext else ()):
            trigger = ((e.trigger_start, e.trigger_end) if e.trigger_start is not None
                       and e.trigger_end is not None else (e.start, e.end))
            events.append((e.cluster_id or e.id, trigger, (e.start, e.end)))
        taken = map_events(doc, sorted(events, key=lambda e: e[1]))
        for i, (instance, _) in enumerate(doc.actions):
            mention = (doc.name, i)
            gold_event[mention] = instance
            pred_event[mention] = taken.get(i, ("unmapped", mention))
        mapped += len(taken)
    m = muc(gold_event, pred_event)
    b = b_cubed(gold_event, pred_event)
    c = ceaf_e(gold_event, pred_event)
    metrics.update(percent_metrics("event_muc", *m))
    metrics.update(percent_metrics("event_bcubed", *b))
    metrics.update(percent_metrics("event_ceafe", *c))
    metrics["event_conll_f1"] = round(100 * (m[2] + b[2] + c[2]) / 3, 1)
    n_mentions = len(gold_event)
    metrics["event_mention_coverage"] = round(100 * mapped / n_mentions, 1) if n_mentions else 0.0
    counts = {"documents": len(docs), "gold_stories": len(set(gold_story.values())),
              "pred_stories": len(set(pred_story.values())), "gold_action_mentions": n_mentions,
              "gold_action_instances": len(set(gold_event.values())), "mapped_mentions": mapped}
    notes = (f"baseline: TF-IDF cosine single-link, threshold {threshold:.2f} tuned on this "
             "same set (best B-cubed F1 over 0.05..0.95)",)
    return Report(task="link-ecbplus", gold=gold_label, metrics=metrics, counts=counts,
                  notes=notes)
