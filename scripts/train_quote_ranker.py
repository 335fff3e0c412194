"""Train the content-span ranker (``extract/quotes/ranker.npz``) on PolNeAR train.

The ranker must learn from role probabilities like those it will see on new text, not from
a role model that has memorised the article.  So each training fold's probabilities come
from a tagger fitted without that fold (``scripts/train_quote_tagger.py --holdout --fold K
--out /tmp/holdoutK.npz``).  For every gold attribution of a fold, the gold cue is given,
the candidate spans are built as at inference (``tagger.content_choice``), and the gold
content, when it is among them, is the target of a softmax over the candidates.  Dev is
never read.

    PYTHONPATH=src .venv/bin/python scripts/train_quote_ranker.py --folds 0 1 \\
        --taggers /tmp/holdout.npz /tmp/holdout1.npz [--eval-fold 0]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import optimize, sparse
from spacy.tokens import Doc
from train_quote_tagger import is_holdout, parsed_train

import pressgraph.extract.quotes as quotes_extractor
from pressgraph.evaluate.quotes import GoldDoc
from pressgraph.extract.quotes import ranker, tagger
from pressgraph.extract.quotes.marks import find_quotes

OUT = Path(__file__).resolve().parents[1] / "src/pressgraph/extract/quotes/ranker.npz"


@dataclass
class Groups:
    keys: list[np.ndarray] = field(default_factory=list)
    dense: list[np.ndarray] = field(default_factory=list)
    target: list[int] = field(default_factory=list)
    missing: int = 0  # gold contents that were not among the candidates

    def __len__(self) -> int:
        return len(self.target)


def rule_hints(doc: Doc, text: str, quotes: list[tuple[int, int]]) -> list[tagger.Hint]:
    return quotes_extractor._hints(doc, quotes_extractor._find_attributions(doc, text, quotes))


def _add(into: Groups, p: tagger.Prepared, candidates: tagger.Candidates | None,
         target: tuple[int, int] | None) -> None:
    choice = tagger.featurize(p.arrays, [candidates])[0]
    hit = [] if choice is None or target is None else np.flatnonzero(
        (choice.spans[:, 0] == target[0]) & (choice.spans[:, 1] == target[1]))
    if choice is None or not len(hit):
        into.missing += 1
        return
    into.keys.append(choice.keys)
    into.dense.append(choice.dense)
    into.target.append(int(hit[0]))


def groups_of(gold: list[GoldDoc], docs: list[Doc], weights: dict[str, tagger.WideDeep],
              into: dict[str, Groups]) -> None:
    """Candidate groups of both roles for every gold attribution (given its gold cue).  The
    content's candidates are built around the source the source ranker will have picked at
    inference, approximated here by the gold source."""
    def tokens(doc: Doc, span: tuple[int, int] | None) -> tuple[int, int] | None:
        found = doc.char_span(*span, alignment_mode="expand") if span else None
        return (found.start, found.end) if found is not None and len(found) else None

    for g, doc in zip(gold, docs, strict=True):
        quotes = find_quotes(g.text)
        p = tagger.prepare(doc, quotes)
        hints = rule_hints(doc, g.text, quotes)
        cues, sources, contents = [], [], []
        for a in g.attributions:
            cue, content = tokens(doc, a.cue), tokens(doc, a.content)
            if cue is None or content is None:
                continue
            cues.append(cue)
            sources.append(tokens(doc, a.source))
            contents.append(content)
        if "cue" in into:
            found, score = tagger.find_cues(doc, p.view, p.arrays, weights["cue"],
                                            tagger.token_vectors(doc), p.contextual)
            for cue in found:
                gold_cue = next((c for c in cues if c[0] < cue[1] and cue[0] < c[1]), None)
                if gold_cue is not None:
                    choice = tagger.cue_choice(p, cue, tagger.cue_head(doc, cue).i, score,
                                               tagger.hint_for(cue, hints))
                    _add(into["cue"], p, choice, gold_cue)
        roles = tagger.role_probabilities(doc, p, weights["role"], cues)
        for r, source, content in zip(roles, sources, contents, strict=True):
            spans = tagger.candidate_spans(p, r)
            if not len(spans):
                continue
            hint = tagger.hint_for(r.cue, hints)
            if source is not None:
                _add(into["source"], p, tagger.source_choice(p, r, spans, hint), source)
            _add(into["content"], p, tagger.content_choice(p, r, spans, source, hint), content)


def design(groups: Groups) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    keys = np.vstack(groups.keys)
    dense = np.vstack(groups.dense)
    n, t = keys.shape
    cols = (keys & np.uint64(ranker.TABLE_SIZE - 1)).astype(np.int64)
    hashed = sparse.csr_matrix((np.ones(n * t, dtype=np.float32), cols.ravel(),
                                np.arange(0, n * t + 1, t)), shape=(n, ranker.TABLE_SIZE))
    x = sparse.hstack([hashed, sparse.csr_matrix(dense)], format="csr")
    sizes = np.array([len(k) for k in groups.keys])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return x, offsets, offsets + np.asarray(groups.target)


def fit(groups: Groups, l2: float) -> ranker.SpanRanker:
    x, offsets, gold_rows = design(groups)
    sizes = np.diff(np.append(offsets, x.shape[0]))
    xt = x.T.tocsr()

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        top = np.maximum.reduceat(s, offsets)
        e = np.exp(s - np.repeat(top, sizes))
        z = np.add.reduceat(e, offsets)
        value = float(np.sum(np.log(z) + top - s[gold_rows])) + 0.5 * l2 * float(w @ w)
        d = e / np.repeat(z, sizes)
        d[gold_rows] -= 1.0
        return value, xt @ d + l2 * w

    w0 = np.zeros(x.shape[1])
    res = optimize.minimize(loss, w0, jac=True, method="L-BFGS-B",
                            options={"maxiter": 300})
    print(f"  fit: loss {res.fun:.1f} after {res.nit} iterations", flush=True)
    w = res.x
    return ranker.SpanRanker(table=w[:ranker.TABLE_SIZE].astype(np.float32),
                             dense=w[ranker.TABLE_SIZE:].astype(np.float32))


def accuracy(model: ranker.SpanRanker | None, groups: Groups) -> float:
    right = 0
    for keys, dense, target in zip(groups.keys, groups.dense, groups.target, strict=True):
        best = 0 if model is None else int(np.argmax(model.scores(keys, dense)))
        right += best == target
    return 100 * right / max(len(groups) + groups.missing, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, nargs="+", required=True)
    ap.add_argument("--taggers", type=Path, nargs="+", required=True,
                    help="one hold-out tagger per fold, fitted without it")
    ap.add_argument("--eval-fold", type=int, help="fit on the other folds, score this one")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    gold, docs, _ = parsed_train()
    train = {"cue": Groups(), "source": Groups(), "content": Groups()}
    held = {"cue": Groups(), "source": Groups(), "content": Groups()}
    for fold, path in zip(args.folds, args.taggers, strict=True):
        weights = tagger.load(path)
        idx = [i for i in range(len(gold)) if is_holdout(i, fold)]
        groups_of([gold[i] for i in idx], [docs[i] for i in idx], weights,
                  held if fold == args.eval_fold else train)
        print(f"fold {fold}: {len(idx)} articles", flush=True)
    models = {}
    for role in ("cue", "source", "content"):
        print(f"{role}: {len(train[role])} groups (gold span not among candidates: "
              f"{train[role].missing})", flush=True)
        models[role] = fit(train[role], args.l2)
        if args.eval_fold is not None:
            h = held[role]
            print(f"  eval fold {args.eval_fold}: gold {role} picked, of all gold {role}s: "
                  f"search alone {accuracy(None, h):.1f}, ranker {accuracy(models[role], h):.1f}"
                  f" (not among candidates {100 * h.missing / max(len(h) + h.missing, 1):.1f})")
    ranker.save(str(args.out), models)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
