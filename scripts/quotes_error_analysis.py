"""Error analysis for the ``quotes`` extractor on a fixed subset of the PolNeAR TRAIN split.

Reads every fifth train article (150 of them) from the parse cache of
``scripts/train_quote_tagger.py`` (made on first use), so each run only re-runs the
extractors.  Prints the scores, then the missed gold
attributions bucketed by cue (and by the construction around the cue), the false positive
cues, and boundary errors on content and source where the cue was found.  Dev is never read.

    PYTHONPATH=src .venv/bin/python scripts/quotes_error_analysis.py [--examples N]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict
from pathlib import Path

from spacy.tokens import Doc
from train_quote_tagger import is_holdout, parsed_train

from pressgraph.evaluate.quotes import (
    Attribution,
    GoldDoc,
    predict_parsed,
    score,
    score_citron,
    to_tokens,
)
from pressgraph.extract.quotes import ranker, tagger


def subset_parsed() -> tuple[list[GoldDoc], list[Doc]]:
    """The subset (hold-out fold 0 of ``train_quote_tagger.py``: every fifth train article,
    150 of them) and its parsed docs, from the tagger's training cache."""
    gold, docs, _ = parsed_train()
    keep = [i for i in range(len(gold)) if is_holdout(i)]
    return [gold[i] for i in keep], [docs[i] for i in keep]


def _ov(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _construction(doc: Doc, cue: tuple[int, int]) -> str:
    """A coarse label of the gold cue's syntax: what the extractor would need to handle."""
    span = doc.char_span(*cue, alignment_mode="expand")
    if span is None or not len(span):
        return "?"
    if span.text.strip() in (":", "―", "—", "-"):
        return "punct"
    heads = [t for t in span if t.head.i < span.start or t.head.i >= span.end or t.head == t]
    root = heads[0] if heads else span.root
    deps = sorted({c.dep_ for c in root.children if c.dep_ in (
        "ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "prep", "advcl", "poss")})
    return f"{root.pos_}/{root.dep_}[{','.join(deps)}]"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=0, help="examples shown per bucket")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--tagger", type=Path, help="weights to use instead of the shipped "
                    "tagger.npz (a --holdout model, which has not seen this subset)")
    ap.add_argument("--ranker", type=Path, help="span rankers to use instead of the shipped "
                    "ranker.npz")
    ap.add_argument("--cue-boundaries", action="store_true",
                    help="also list cue boundary errors (cue overlapped, not exact)")
    args = ap.parse_args()
    if args.tagger:
        weights = tagger.load(args.tagger)
        tagger.models.cache_clear()
        tagger.models = lambda: weights  # type: ignore[assignment]
    if args.ranker:
        rankers = ranker.load(args.ranker)
        ranker.models.cache_clear()
        ranker.models = lambda: rankers  # type: ignore[assignment]

    gold_docs, docs = subset_parsed()
    pairs: list[tuple[tuple[Attribution, ...], list[Attribution]]] = []
    missed: Counter[str] = Counter()
    missed_con: Counter[str] = Counter()
    fps: Counter[str] = Counter()
    bad_content: Counter[str] = Counter()
    bad_source: Counter[str] = Counter()
    bad_cue: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for g, doc in zip(gold_docs, docs, strict=True):
        pred, _ = predict_parsed(g.text, doc)
        pairs.append((g.attributions, pred))
        text = g.text
        for a in g.attributions:
            cue = text[a.cue[0]:a.cue[1]].lower()
            hit = [p for p in pred if _ov(p.cue, a.cue)]
            if not hit:
                missed[cue] += 1
                missed_con[_construction(doc, a.cue)] += 1
                examples["miss " + cue].append(
                    f"  [{text[a.source[0]:a.source[1]] if a.source else '-'}] <{cue}> "
                    f"{text[a.content[0]:a.content[1]][:140]!r}")
                continue
            p = hit[0]
            if p.cue != a.cue:
                pc = text[p.cue[0]:p.cue[1]].lower()
                kind = ("long" if p.cue[0] <= a.cue[0] and p.cue[1] >= a.cue[1]
                        else "short" if a.cue[0] <= p.cue[0] and p.cue[1] <= a.cue[1]
                        else "shifted")
                bad_cue[f"{kind}: G {cue!r} P {pc!r}"] += 1
            if p.content != a.content:
                kind = ("long" if p.content[0] <= a.content[0] and p.content[1] >= a.content[1]
                        else "short" if a.content[0] <= p.content[0] and
                        p.content[1] <= a.content[1] else "shifted")
                kind += "" if _ov(p.content, a.content) else "-disjoint"
                bad_content[kind] += 1
                examples["content " + kind].append(
                    f"  G {text[a.content[0]:a.content[1]][:160]!r}\n"
                    f"  P {text[p.content[0]:p.content[1]][:160]!r}")
            if p.source != a.source:
                kind = "none-pred" if p.source is None else "none-gold" if a.source is None \
                    else "overlap" if _ov(p.source, a.source) else "disjoint"
                bad_source[kind] += 1
                examples["source " + kind].append(
                    f"  G {text[a.source[0]:a.source[1]] if a.source else None!r} "
                    f"P {text[p.source[0]:p.source[1]] if p.source else None!r}")
        for p in pred:
            if not any(_ov(p.cue, a.cue) for a in g.attributions):
                cue = text[p.cue[0]:p.cue[1]].lower()
                fps[cue] += 1
                examples["fp " + cue].append(
                    f"  [{text[p.source[0]:p.source[1]] if p.source else '-'}] <{cue}> "
                    f"{text[p.content[0]:p.content[1]][:140]!r}")

    m = score(pairs)
    m.update(score_citron(
        (to_tokens(g, starts), to_tokens(p, starts))
        for (g, p), starts in zip(pairs, ([t.idx for t in d] for d in docs), strict=True)))
    print(f"train subset: {len(gold_docs)} articles, "
          f"{sum(len(g) for g, _ in pairs)} gold, {sum(len(p) for _, p in pairs)} predicted")
    for part in ("source", "cue", "content", "quote"):
        print(f"  {part:8s} exact P/R/F1 {m[f'{part}_exact_p']:5.1f} {m[f'{part}_exact_r']:5.1f} "
              f"{m[f'{part}_exact_f1']:5.1f}   overlap {m[f'{part}_overlap_p']:5.1f} "
              f"{m[f'{part}_overlap_r']:5.1f} {m[f'{part}_overlap_f1']:5.1f}   Citron exact "
              f"{m[f'citron_{part}_exact_f1']:5.1f} overlap {m[f'citron_{part}_overlap_f1']:5.1f}")
    rng = random.Random(0)

    def show(title: str, counter: Counter[str], prefix: str) -> None:
        print(f"\n{title} ({sum(counter.values())})")
        for key, n in counter.most_common(args.top):
            print(f"{n:5d}  {key}")
            ex = examples.get(prefix + key, [])
            for line in rng.sample(ex, min(args.examples, len(ex))):
                print(line)

    show("missed gold cues", missed, "miss ")
    show("missed by construction", missed_con, "")
    show("false positive cues", fps, "fp ")
    show("content boundary errors (cue found)", bad_content, "content ")
    show("source errors (cue found)", bad_source, "source ")
    if args.cue_boundaries:
        kinds = Counter(key.split(":", 1)[0] for key in bad_cue.elements())
        print(f"\ncue boundary errors ({sum(bad_cue.values())}): {dict(kinds)}")
        for key, n in bad_cue.most_common(args.top):
            print(f"{n:5d}  {key}")


if __name__ == "__main__":
    main()
