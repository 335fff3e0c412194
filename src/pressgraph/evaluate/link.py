"""Evaluate cross-article linking: story clusters and claim relations.

Gold (``eval/gold/link/``): ``articles/NN.txt``, ``articles.jsonl`` ({file, outlet, published,
event}, and ``verbatim: true`` to run an article uncleaned, its headline kept),
``claims.jsonl`` ({claim_id, file, claimant, subject, predicate, value_low, value_high,
polarity, evidence}, and ``same_as``: the claim of the same article it restates, for a
headline that repeats its lede) and ``relations.jsonl`` ({a, b, relation, why}).

A claim and the claim it restates are one claim: a relation to either matches the gold
relation once (the gold relations are read with ``same_as`` claims replaced by the claim
they restate, duplicates dropped), so a linker that relates both counts one hit and one
false relation.

Every article goes through the full pipeline (cleaned, with its publication date), then
:func:`pressgraph.link.link_corpus`.  Metrics:

* article clustering: B-cubed precision/recall/F1 of the predicted story clusters against
  the gold ``event`` labels (each article weighted equally);
* claims: share of gold claims whose evidence a predicted claim overlaps
  (``claim_evidence_r``; a claim and the headline claims restating it count as one), and of
  those with the same state family (``claim_family_r``);
* claim relations, per type (conflict, agreement, refinement, update): a predicted relation
  matches a gold one of the same type when its two claims' evidence spans overlap the two
  gold claims' evidence spans, in the right articles, in either order (one-to-one, greedy).
  ``relation`` scores all types together.  ``*_p_judged`` is precision over the predicted
  relations whose two claims are both planted gold claims (the gold says nothing of the
  others).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from pressgraph.evaluate import PRF, REPO_ROOT, Report, b_cubed
from pressgraph.model import Article, Claim, ClaimRelation, article_id_for

DEFAULT_GOLD = REPO_ROOT / "eval" / "gold" / "link"
RELATIONS = ("conflict", "agreement", "refinement", "update")

Span = tuple[int, int]
Spans = tuple[Span, ...]  # a gold claim's evidence, and that of the claims restating it


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _locate(text: str, evidence: str, body_start: int = 0) -> Span | None:
    """Where ``evidence`` is: in the body first (a headline may repeat the lede's words),
    else anywhere (a claim made only in the headline)."""
    for at in (body_start, 0):
        start = text.find(evidence, at)
        if start < 0:
            # Cleaning may have folded whitespace; match on a shorter head of the evidence.
            start = text.find(evidence[:40], at)
        if start >= 0:
            return start, start + len(evidence)
    return None


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _hits(a: Span, spans: Spans) -> bool:
    return any(_overlap(a, b) for b in spans)


def match_relations(
    gold: Sequence[tuple[str, Spans, str, Spans, str]],
    pred: Sequence[tuple[str, Span, str, Span, str]],
) -> PRF:
    """Greedy one-to-one matching of (article_a, span_a, article_b, span_b, relation)."""
    used: set[int] = set()
    tp = 0
    for pa, ps, pb, qs, prel in pred:
        for i, (ga, gs, gb, hs, grel) in enumerate(gold):
            if i in used or grel != prel:
                continue
            forward = pa == ga and pb == gb and _hits(ps, gs) and _hits(qs, hs)
            backward = pa == gb and pb == ga and _hits(ps, hs) and _hits(qs, gs)
            if forward or backward:
                used.add(i)
                tp += 1
                break
    return PRF(tp=tp, n_pred=len(pred), n_gold=len(gold))


def evaluate(gold: Path | None = None, *, model: str | None = None,
             limit: int | None = None) -> Report:
    from pressgraph.link import link_corpus
    from pressgraph.pipeline import PipelineConfig, run

    root = Path(gold) if gold else DEFAULT_GOLD
    rows = _read_jsonl(root / "articles.jsonl")
    if limit:
        rows = rows[:limit]
    articles = []
    for row in rows:
        text = (root / "articles" / str(row["file"])).read_text("utf-8")
        articles.append(Article(id=article_id_for(text), text=text, raw_text=text,
                                path=str(row["file"]), source=str(row.get("outlet") or ""),
                                published=str(row["published"])))
    # "verbatim": the article runs as written, headline line included (cleaning drops the
    # headline today, and a set of headline claims needs it); the others are cleaned.
    verbatim = {str(r["file"]) for r in rows if r.get("verbatim")}
    by_file = {str(a.path): a for a in articles}
    extracted = {str(e.article.path): e for raw in (False, True) for e in run(
        [a for a in articles if (str(a.path) in verbatim) == raw],
        PipelineConfig(model=model, raw=raw))}
    extractions = [extracted[f] for f in by_file]
    result = link_corpus(extractions)

    file_of = {ext.article.id: str(ext.article.path) for ext in extractions}
    text_of = {str(ext.article.path): ext.article.text for ext in extractions}
    gold_cluster = {str(r["file"]): str(r["event"]) for r in rows}
    pred_cluster = {}
    for ext in extractions:
        cluster = result.article_cluster_of(ext.article.id)
        pred_cluster[file_of[ext.article.id]] = cluster or ext.article.id
    bp, br, bf = b_cubed(gold_cluster, pred_cluster)

    files = set(gold_cluster)
    gold_claims = {str(c["claim_id"]): c for c in _read_jsonl(root / "claims.jsonl")
                   if str(c["file"]) in files}
    from pressgraph.clean import headline_end

    body_start = {str(ext.article.path): headline_end(ext.article) for ext in extractions}
    located: dict[str, Span] = {}
    unlocated = 0
    for cid, claim in gold_claims.items():
        file = str(claim["file"])
        span = _locate(text_of[file], str(claim["evidence"]), body_start[file])
        if span is None:
            unlocated += 1
        else:
            located[cid] = span

    def one(cid: str) -> str:
        return str(gold_claims[cid].get("same_as") or cid)

    # A gold claim the text does not hold (a headline that cleaning dropped) keeps its
    # relations in the gold, as misses: no evidence span, nothing matches them.
    spans: dict[str, Spans] = {one(cid): () for cid in gold_claims}
    for cid in sorted(located, key=lambda c: one(c) != c):  # the restated claim's span first
        spans[one(cid)] = (*spans[one(cid)], located[cid])
    gold_rel: dict[str, list[tuple[str, Spans, str, Spans, str]]] = defaultdict(list)
    seen: set[tuple[frozenset[str], str]] = set()
    for rel in _read_jsonl(root / "relations.jsonl"):
        a, b = one(str(rel["a"])), one(str(rel["b"]))
        key = (frozenset((a, b)), str(rel["relation"]))
        if a in spans and b in spans and a != b and key not in seen:
            seen.add(key)
            gold_rel[str(rel["relation"])].append(
                (str(gold_claims[a]["file"]), spans[a], str(gold_claims[b]["file"]), spans[b],
                 str(rel["relation"])))

    claims: dict[str, Claim] = {c.id: c for ext in extractions for c in ext.claims}
    from pressgraph.extract.claims.vocab import claim_family

    # One claim and the headline restating it count once: found when either is.
    found = same_family = 0
    for cid, evidence in spans.items():
        gclaim = gold_claims[cid]
        hits = [c for c in claims.values() if file_of[c.article_id] == gclaim["file"]
                and _hits((c.start, c.end), evidence)]
        found += bool(hits)
        gold_family = claim_family(str(gclaim["predicate"]), str(gclaim["subject"]))
        same_family += any(claim_family(c.predicate, c.subject, c.value_low is not None)
                           == gold_family for c in hits)
    pred_rel: dict[str, list[tuple[str, Span, str, Span, str]]] = defaultdict(list)
    for relation in result.relations:
        pred_rel[relation.relation].append(_as_tuple(relation, claims, file_of))

    metrics = {"article_bcubed_p": round(100 * bp, 1), "article_bcubed_r": round(100 * br, 1),
               "article_bcubed_f1": round(100 * bf, 1)}
    if gold_claims:
        metrics["claim_evidence_r"] = round(100 * found / len(spans), 1)
        metrics["claim_family_r"] = round(100 * same_family / len(spans), 1)
    for kind in RELATIONS:
        metrics.update(match_relations(gold_rel[kind], pred_rel[kind]).as_metrics(kind))
    everything = match_relations([t for k in RELATIONS for t in gold_rel[k]],
                                 [t for k in RELATIONS for t in pred_rel[k]])
    metrics.update(everything.as_metrics("relation"))
    # The gold lists relations between the claims it plants, not between every claim the
    # articles contain, so a relation between two unplanted claims cannot be judged. Judged
    # precision counts only predicted relations whose both claims are planted gold claims.
    planted = [(str(c["file"]), located[cid]) for cid, c in gold_claims.items()
               if cid in located]

    def judged(rel: tuple[str, Span, str, Span, str]) -> bool:
        return all(any(f == gf and _overlap(sp, gs) for gf, gs in planted)
                   for f, sp in ((rel[0], rel[1]), (rel[2], rel[3])))

    for name, kinds in [*((k, (k,)) for k in RELATIONS), ("relation", RELATIONS)]:
        scored = [t for k in kinds for t in pred_rel[k] if judged(t)]
        prf = match_relations([t for k in kinds for t in gold_rel[k]], scored)
        metrics[f"{name}_p_judged"] = round(100 * prf.precision, 1)
    counts = {
        "articles": len(extractions),
        "gold_clusters": len(set(gold_cluster.values())),
        "pred_clusters": len(set(pred_cluster.values())),
        "gold_claims": len(gold_claims),
        "pred_claims": len(claims),
        "gold_claims_unlocated": unlocated,
        **{f"gold_{k}": len(gold_rel[k]) for k in RELATIONS},
        **{f"pred_{k}": len(pred_rel[k]) for k in RELATIONS},
    }
    return Report(task="link", gold=str(root), metrics=metrics, counts=counts)


def _as_tuple(relation: ClaimRelation, claims: dict[str, Claim], file_of: dict[str, str]
              ) -> tuple[str, Span, str, Span, str]:
    a, b = claims[relation.claim_a], claims[relation.claim_b]
    return (file_of[a.article_id], (a.start, a.end), file_of[b.article_id], (b.start, b.end),
            relation.relation)
