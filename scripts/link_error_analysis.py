"""Error analysis for claim relations on the link development gold (``eval/gold/link``).

Runs every gold article through the pipeline and ``link_corpus`` (as ``evaluate link`` does),
then lists the *judged* false positives (predicted relations whose two claims are both planted
gold claims but that match no gold relation of their type) and the false negatives (gold
relations no prediction matches), with both claims' text, claimant, subject, predicate and
values, and the gold ``why``.  Each error gets a coarse bucket so the biggest ones show first.
Held-out gold is never read.

    PYTHONPATH=src .venv/bin/python scripts/link_error_analysis.py [--kind conflict] [--all]

``--all`` also lists unjudged false positives (relations touching an unplanted claim).
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from pressgraph.evaluate.link import DEFAULT_GOLD, RELATIONS, Span, _locate, _overlap, _read_jsonl
from pressgraph.extract.claims.vocab import subject_head
from pressgraph.link.compare import _modifiers, family, value_text
from pressgraph.model import Article, Claim, article_id_for


def _show(c: Claim, text: str) -> str:
    vals = value_text(c) or "-"
    hedge = f" hedge={c.hedge}" if c.hedge else ""
    return (f"[{c.claimant_text}] subj={c.subject!r} pred={c.predicate} fam={family(c)} "
            f"val={vals} pol={c.polarity}{hedge}\n        \"{text[c.start:c.end][:160]}\"")


def _gold_show(g: dict[str, object]) -> str:
    return (f"[{g['claimant']}] subj={g['subject']!r} pred={g['predicate']} "
            f"val={g['value_low']}-{g['value_high']} pol={g['polarity']}\n"
            f"        \"{str(g['evidence'])[:160]}\"")


def bucket_fp(a: Claim, b: Claim, gold_types: set[str]) -> str:
    """A coarse reason a judged prediction is wrong."""
    counted_a = a.value_low is not None or a.value_high is not None
    counted_b = b.value_low is not None or b.value_high is not None
    if gold_types:
        return "wrong type (gold: " + ",".join(sorted(gold_types)) + ")"
    if a.article_id != b.article_id and (
            (a.claimant_actor_id and a.claimant_actor_id == b.claimant_actor_id)
            or a.claimant_text.lower() == b.claimant_text.lower()):
        return "same claimant across articles"
    if counted_a != counted_b:
        return "count vs state"
    if family(a) != family(b):
        return "different families"
    if subject_head(a.subject) != subject_head(b.subject):
        return "different subject heads"
    if _modifiers(a.subject) != _modifiers(b.subject):
        return "different subject modifiers"
    if a.predicate != b.predicate:
        return "different predicates, same family"
    return "other"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=RELATIONS)
    ap.add_argument("--all", action="store_true", help="list unjudged false positives too")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    args = ap.parse_args()

    from pressgraph.link import link_corpus
    from pressgraph.pipeline import PipelineConfig, run

    root = args.gold
    rows = _read_jsonl(root / "articles.jsonl")
    articles = []
    for row in rows:
        text = (root / "articles" / str(row["file"])).read_text("utf-8")
        articles.append(Article(id=article_id_for(text), text=text, raw_text=text,
                                path=str(row["file"]), source=str(row.get("outlet") or ""),
                                published=str(row["published"])))
    extractions = list(run(articles, PipelineConfig()))
    result = link_corpus(extractions)
    file_of = {e.article.id: str(e.article.path) for e in extractions}
    text_of = {str(e.article.path): e.article.text for e in extractions}
    claims = {c.id: c for e in extractions for c in e.claims}

    gold_claims = {str(c["claim_id"]): c for c in _read_jsonl(root / "claims.jsonl")}
    spans: dict[str, Span] = {}
    for cid, g in gold_claims.items():
        span = _locate(text_of[str(g["file"])], str(g["evidence"]))
        if span is not None:
            spans[cid] = span

    def gold_of(c: Claim) -> list[str]:
        f = file_of[c.article_id]
        return [cid for cid, g in gold_claims.items()
                if cid in spans and g["file"] == f and _overlap((c.start, c.end), spans[cid])]

    gold_rels = _read_jsonl(root / "relations.jsonl")
    by_pair: dict[frozenset[str], list[dict[str, object]]] = defaultdict(list)
    for rel in gold_rels:
        by_pair[frozenset((str(rel["a"]), str(rel["b"])))].append(rel)

    matched_gold: set[int] = set()
    fps: list[tuple[str, str, Claim, Claim, str]] = []
    buckets: Counter[tuple[str, str]] = Counter()
    for rel in result.relations:
        if args.kind and rel.relation != args.kind:
            continue
        a, b = claims[rel.claim_a], claims[rel.claim_b]
        ga, gb = gold_of(a), gold_of(b)
        hit = None
        types: set[str] = set()
        for x in ga:
            for y in gb:
                for i, g in enumerate(gold_rels):
                    if frozenset((str(g["a"]), str(g["b"]))) != frozenset((x, y)):
                        continue
                    types.add(str(g["relation"]))
                    if g["relation"] == rel.relation and i not in matched_gold and hit is None:
                        hit = i
        if hit is not None:
            matched_gold.add(hit)
            continue
        judged = bool(ga) and bool(gb)
        if not judged and not args.all:
            continue
        bucket = bucket_fp(a, b, types) if judged else "unjudged"
        buckets[(rel.relation, bucket)] += 1
        fps.append((rel.relation, bucket, a, b, f"{'+'.join(ga) or '?'} / {'+'.join(gb) or '?'}"))

    print("== false positives (judged" + (" and unjudged" if args.all else "") + ")")
    for (kind, bucket), n in buckets.most_common():
        print(f"  {n:3d}  {kind:10s} {bucket}")
    for kind, bucket, a, b, ids in sorted(fps, key=lambda t: (t[0], t[1])):
        print(f"\n-- FP {kind} [{bucket}] gold {ids}")
        print(f"   A {file_of[a.article_id]} " + _show(a, text_of[file_of[a.article_id]]))
        print(f"   B {file_of[b.article_id]} " + _show(b, text_of[file_of[b.article_id]]))

    print("\n== false negatives")
    by_claim: dict[str, list[Claim]] = defaultdict(list)
    for c in claims.values():
        for cid in gold_of(c):
            by_claim[cid].append(c)
    for i, g in enumerate(gold_rels):
        if i in matched_gold or (args.kind and g["relation"] != args.kind):
            continue
        a, b = str(g["a"]), str(g["b"])
        print(f"\n-- FN {g['relation']} {a}/{b}: {g['why']}")
        for cid in (a, b):
            gc = gold_claims[cid]
            print(f"   gold {cid} {gc['file']} " + _gold_show(gc))
            for c in by_claim.get(cid, []):
                print("      pred " + _show(c, text_of[str(gc["file"])]).replace("\n", "\n    "))


if __name__ == "__main__":
    main()
