"""Train the quotes cue classifier (``extract/quotes/classifier.py``) on PolNeAR TRAIN.

Uses the train articles not in the error-analysis subset (every fifth article is kept for
measuring, see ``quotes_error_analysis.py``), parsed once and cached.  Each candidate verb
(a subject plus a complement, object or prepositional object) is labelled 1 when a gold
attribution has its cue on the verb and a content overlapping the candidate's.  Logistic
regression with L2, fitted with numpy by gradient descent; features seen fewer than twice
are dropped.  Dev is never read.

    PYTHONPATH=src .venv/bin/python scripts/train_quote_cue_model.py [--threshold 0.5]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_quote_tagger import parsed_train

from pressgraph.extract.quotes import _subject
from pressgraph.extract.quotes.classifier import candidate, features

OUT = Path(__file__).resolve().parents[1] / "src/pressgraph/extract/quotes/cue_model.json"


def examples() -> tuple[list[list[str]], list[int]]:
    gold, parsed, _ = parsed_train()
    keep = [i for i in range(len(gold)) if i % 5 in (1, 3, 4)]
    X: list[list[str]] = []
    y: list[int] = []
    for g, doc in zip([gold[i] for i in keep], [parsed[i] for i in keep], strict=True):
        for tok in doc:
            if tok.pos_ != "VERB":
                continue
            cand = candidate(tok, _subject(tok))
            if cand is None:
                continue
            lo = cand.content.left_edge.idx
            hi = cand.content.right_edge.idx + len(cand.content.right_edge)
            t0, t1 = tok.idx, tok.idx + len(tok)
            label = any(a.cue[0] < t1 and t0 < a.cue[1] and a.content[0] < hi and lo < a.content[1]
                        for a in g.attributions)
            X.append(features(cand))
            y.append(int(label))
    return X, y


def fit(X: list[list[str]], y: list[int], l2: float, epochs: int) -> dict[str, float]:
    counts = Counter(f for row in X for f in row)
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= 2))}
    rows = np.array([r for r, row in enumerate(X) for f in row if f in vocab])
    cols = np.array([vocab[f] for row in X for f in row if f in vocab])
    target = np.array(y, dtype=float)
    w = np.zeros(len(vocab))
    lr = 0.5
    for _ in range(epochs):
        z = np.bincount(rows, weights=w[cols], minlength=len(X))
        p = 1 / (1 + np.exp(-z))
        grad = np.bincount(cols, weights=(p - target)[rows], minlength=len(vocab)) / len(X)
        w -= lr * (grad + l2 * w)
    return {f: round(float(w[i]), 4) for f, i in vocab.items() if abs(w[i]) > 1e-3}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--epochs", type=int, default=1500)
    args = ap.parse_args()
    X, y = examples()
    weights = fit(X, y, args.l2, args.epochs)
    z = np.array([sum(weights.get(f, 0.0) for f in row) for row in X])
    pred = 1 / (1 + np.exp(-z)) >= args.threshold
    gold = np.array(y, dtype=bool)
    tp = int((pred & gold).sum())
    print(f"{len(X)} candidates, {int(gold.sum())} positive; at {args.threshold}: "
          f"P {100 * tp / max(pred.sum(), 1):.1f} R {100 * tp / max(gold.sum(), 1):.1f}")
    data = {
        "source": "PolNeAR v1.0.0 train split (articles i % 5 in 1, 3, 4); logistic regression",
        "threshold": args.threshold,
        "weights": dict(sorted(weights.items())),
    }
    OUT.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    print(f"{len(weights)} weights -> {OUT}")


if __name__ == "__main__":
    main()
