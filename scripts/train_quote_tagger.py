"""Train the learned attribution tagger (``extract/quotes/tagger.npz``) on PolNeAR train.

Parses the train split once (cached under /tmp), builds cue examples (every candidate token)
and role examples (every token near a gold cue, labelled source / content / other) as hashed
feature keys (:mod:`pressgraph.extract.quotes.features`), and fits the two
wide-and-deep models of :mod:`pressgraph.extract.quotes.tagger` with Adam in numpy.  Dev is
never read.

    PYTHONPATH=src .venv/bin/python scripts/train_quote_tagger.py            # final model
    PYTHONPATH=src .venv/bin/python scripts/train_quote_tagger.py --holdout  # tune: fit on
        # the train articles outside the error-analysis subset, score on that subset
"""

from __future__ import annotations

import argparse
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from spacy.tokens import Doc, DocBin

from pressgraph.evaluate import SHARED
from pressgraph.evaluate.quotes import GoldDoc, load_gold
from pressgraph.extract.quotes import features, tagger
from pressgraph.extract.quotes.features import Keys
from pressgraph.extract.quotes.marks import find_quotes
from pressgraph.nlp import load_pipeline

TRAIN = SHARED / "eval/quotes/polnear/train"
CACHE = Path("/tmp/pressgraph-quotes-tagger")
OUT = Path(__file__).resolve().parents[1] / "src/pressgraph/extract/quotes/tagger.npz"


def parsed_train() -> tuple[list[GoldDoc], list[Doc], list[np.ndarray]]:
    nlp = load_pipeline()
    gold = list(load_gold(TRAIN))
    if not (CACHE / "train.spacy").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        docs = list(nlp.pipe((g.text for g in gold), batch_size=16, n_process=2))
        # DocBin does not keep doc.tensor, so the contextual vectors are pickled beside it
        DocBin(docs=docs, store_user_data=True).to_disk(CACHE / "train.spacy")
        with open(CACHE / "tensors.pkl", "wb") as f:
            pickle.dump([d.tensor.astype(np.float32) for d in docs], f)
    docs = list(DocBin().from_disk(CACHE / "train.spacy").get_docs(nlp.vocab))
    with open(CACHE / "tensors.pkl", "rb") as f:
        tensors = pickle.load(f)
    for d, t in zip(docs, tensors, strict=True):
        d.tensor = t
    return gold, docs, tensors


def is_holdout(i: int, fold: int = 0) -> bool:
    """Fold 0 is the subset ``scripts/quotes_error_analysis.py`` reads; folds 1-4 are the
    same shape shifted by one article (their role probabilities, from a model that never saw
    them, train the span rankers)."""
    return i % 5 == fold and i // 5 < 150


def cue_tokens(doc: Doc, span: tuple[int, int]) -> list[int]:
    return [t.i for t in doc if t.idx < span[1] and span[0] < t.idx + len(t) and not t.is_space]


@dataclass
class Examples:
    keys: list[Keys] = field(default_factory=list)
    dense: list[np.ndarray] = field(default_factory=list)
    labels: list[np.ndarray] = field(default_factory=list)

    def add(self, keys: Keys, dense: np.ndarray, labels: np.ndarray) -> None:
        self.keys.append(keys)
        self.dense.append(dense.astype(np.float32))
        self.labels.append(labels.astype(np.int64))


def examples(gold: list[GoldDoc], docs: list[Doc]) -> tuple[Examples, Examples]:
    cues, roles = Examples(), Examples()
    for g, doc in zip(gold, docs, strict=True):
        quotes = find_quotes(g.text)
        sents, sent_of = tagger.sentence_index(doc)
        x = features.arrays(doc, tagger.quote_depth(doc, quotes), sent_of)
        v = tagger.view(doc, x)
        ctx, vecs = tagger.contextual(doc), tagger.token_vectors(doc)
        label = np.zeros(len(doc), dtype=np.int64)
        for a in g.attributions:
            for j, i in enumerate(cue_tokens(doc, a.cue)):
                if label[i] == 0:
                    label[i] = 1 if j == 0 else 2
        rows = np.asarray(tagger.cue_candidates(v, x), dtype=np.int64)
        cues.add(features.cue_keys(doc, x, rows), tagger.cue_dense(ctx, vecs, x.head, rows),
                 label[rows])
        for a in g.attributions:
            toks = cue_tokens(doc, a.cue)
            if not toks:
                continue
            cue = (toks[0], toks[-1] + 1)
            head = tagger.cue_head(doc, cue).i
            role = np.zeros(len(doc), dtype=np.int64)
            role[cue_tokens(doc, a.content)] = 2
            if a.source is not None:
                role[cue_tokens(doc, a.source)] = 1
            role[cue[0]:cue[1]] = 0
            window = features.window(x, head, sents)
            tok = np.asarray([i for i in window if not doc[i].is_space], dtype=np.int64)
            n = len(tok)
            heads = np.full(n, head, dtype=np.int64)
            keys = features.role_keys(x, heads, np.full(n, cue[0]), np.full(n, cue[1]), tok)
            roles.add(keys, tagger.pair_dense(ctx, x.head, tok, heads), role[tok])
    return cues, roles


def vocabulary(ex: Examples, min_count: int) -> np.ndarray:
    every = np.concatenate([k.fixed.ravel() for k in ex.keys]
                           + [k.extra_keys for k in ex.keys])
    keys, counts = np.unique(every, return_counts=True)
    return keys[counts >= min_count]


def design(ex: Examples, model: tagger.WideDeep) -> sparse.csr_matrix:
    rows, cols = [], []
    offset = 0
    for k in ex.keys:
        n, width = k.fixed.shape
        found = model.lookup(k.fixed.ravel())
        r = np.repeat(np.arange(n), width) + offset
        rows.append(r[found >= 0])
        cols.append(found[found >= 0])
        extra = model.lookup(k.extra_keys)
        rows.append(k.extra_rows[extra >= 0] + offset)
        cols.append(extra[extra >= 0])
        offset += n
    r, c = np.concatenate(rows), np.concatenate(cols)
    return sparse.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)),
                             shape=(offset, len(model.keys)))


def fit(x: sparse.csr_matrix, dense: np.ndarray, y: np.ndarray, n_labels: int, *,
        hidden: int, epochs: int, seed: int = 0, lr: float = 2e-3, l2: float = 1e-6,
        batch: int = 256) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    d_in = dense.shape[1]
    params = [
        np.zeros((x.shape[1], n_labels), np.float32),
        (rng.standard_normal((d_in, hidden)) * np.sqrt(2 / d_in)).astype(np.float32),
        np.zeros(hidden, np.float32),
        (rng.standard_normal((hidden, n_labels)) * np.sqrt(1 / hidden)).astype(np.float32),
        np.zeros(n_labels, np.float32),
    ]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1, b2, step = 0.9, 0.999, 0
    onehot = np.eye(n_labels, dtype=np.float32)
    for epoch in range(epochs):
        order = rng.permutation(x.shape[0])
        loss = 0.0
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            xb, db, yb = x[idx], dense[idx], onehot[y[idx]]
            ws, w1, bb1, w2, bias = params
            h_pre = db @ w1 + bb1
            h = np.maximum(h_pre, 0)
            z = xb @ ws + h @ w2 + bias
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            loss += float(-np.log(np.maximum((p * yb).sum(axis=1), 1e-9)).sum())
            g = (p - yb) / len(idx)
            gh = (g @ w2.T) * (h_pre > 0)
            grads = [np.asarray(xb.T @ g) + l2 * ws, db.T @ gh, gh.sum(0), h.T @ g, g.sum(0)]
            step += 1
            for j, (par, gr) in enumerate(zip(params, grads, strict=True)):
                m[j] = b1 * m[j] + (1 - b1) * gr
                v[j] = b2 * v[j] + (1 - b2) * gr * gr
                mh = m[j] / (1 - b1 ** step)
                vh = v[j] / (1 - b2 ** step)
                par -= lr * mh / (np.sqrt(vh) + 1e-8)
        print(f"    epoch {epoch + 1}: loss {loss / x.shape[0]:.4f}", flush=True)
    return tuple(params)


def train(gold: list[GoldDoc], docs: list[Doc], *, epochs: int, hidden: int,
          min_count: int, seed: int = 0) -> dict[str, tagger.WideDeep]:
    t0 = time.time()
    cue_ex, role_ex = examples(gold, docs)
    print(f"  examples built ({time.time() - t0:.0f} s)", flush=True)
    out = {}
    for name, ex in (("cue", cue_ex), ("role", role_ex)):
        empty = tagger.WideDeep(keys=vocabulary(ex, min_count), sparse=np.zeros((0, 3)),
                                w1=np.zeros(0), b1=np.zeros(0), w2=np.zeros(0), bias=np.zeros(0))
        x = design(ex, empty)
        dense = np.vstack(ex.dense)
        y = np.concatenate(ex.labels)
        print(f"  {name}: {x.shape[0]} rows, {x.shape[1]} features, labels "
              f"{np.bincount(y).tolist()}", flush=True)
        ws, w1, bb1, w2, bias = fit(x, dense, y, 3, hidden=hidden, epochs=epochs,
                                      seed=seed)
        out[name] = tagger.WideDeep(keys=empty.keys, sparse=ws, w1=w1, b1=bb1, w2=w2,
                                    bias=bias)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--holdout", action="store_true")
    ap.add_argument("--fold", type=int, default=0, help="which hold-out fold (0-4)")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    gold, docs, _ = parsed_train()
    if args.holdout:
        keep = [i for i in range(len(gold)) if not is_holdout(i, args.fold)]
        gold, docs = [gold[i] for i in keep], [docs[i] for i in keep]
    print(f"training on {len(gold)} articles", flush=True)
    models = train(gold, docs, epochs=args.epochs, hidden=args.hidden,
                   min_count=args.min_count, seed=args.seed)
    tagger.save(str(args.out), models)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
