"""Learned rankers of attribution spans: which of a cue's candidate spans is its content,
its source, or the cue itself.

The role model scores tokens one by one; where a span starts and ends is a decision about the
whole span ("that ..." with or without the "that", a clause with or without its trailing
"as ..." phrase, two conjoined that-clauses or one, a subject with or without its relative
clause, "said" or "said in a statement").  PolNeAR's conventions for these are learned here,
one linear model per role, from span-level features: the summed role probability (what the
span search used alone before), the probabilities just inside and outside each edge, the
distance to the cue, whether the rules chose the span, and hashed words, tags and
dependencies at both edges, by side of the cue.

The models are trained listwise (softmax over one cue's candidates) by
``scripts/train_quote_ranker.py`` on role probabilities from tagger models that had not seen
the articles; their sparse features are hashed into a fixed table, so scoring is one gather
and one sum per candidate."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from pressgraph.extract.quotes import features

TABLE_BITS = 18
TABLE_SIZE = 1 << TABLE_BITS
# the search keeps this many spans by summed role probability, for the ranker to order
TOP_K = 100
N_DENSE = 16


@dataclass(frozen=True, slots=True)
class SpanRanker:
    table: np.ndarray  # (TABLE_SIZE,) weights of hashed features
    dense: np.ndarray  # (N_DENSE,) weights of dense features

    def scores(self, keys: np.ndarray, dense: np.ndarray) -> np.ndarray:
        return self.table[(keys & np.uint64(TABLE_SIZE - 1)).astype(np.int64)].sum(axis=1) \
            + dense @ self.dense


def save(path: str, rankers: dict[str, SpanRanker]) -> None:
    arrays = {}
    for role, r in rankers.items():
        arrays[f"{role}.table"] = r.table.astype(np.float16)
        arrays[f"{role}.dense"] = r.dense.astype(np.float32)
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def load(path: str | os.PathLike[str]) -> dict[str, SpanRanker]:
    with np.load(path) as data:
        out = {role: SpanRanker(table=data[f"{role}.table"].astype(np.float32),
                                dense=data[f"{role}.dense"])
               for role in {k.split(".", 1)[0] for k in data.files}}
    for role, r in out.items():
        # weights from before a feature change would fail on every article, and far from here
        if r.table.shape != (TABLE_SIZE,) or r.dense.shape != (N_DENSE,):
            raise ValueError(f"{path}: the {role} ranker has {r.table.shape[0]} hashed and "
                             f"{r.dense.shape[0]} dense weights, the features are "
                             f"{TABLE_SIZE} and {N_DENSE}: retrain it "
                             "(scripts/train_quote_ranker.py)")
    return out


@cache
def models() -> dict[str, SpanRanker]:
    """The shipped rankers by role ("source", "content"); empty without ``ranker.npz``."""
    path = resources.files(__package__).joinpath("ranker.npz")
    if not path.is_file():
        return {}
    with resources.as_file(path) as p:
        return load(p)


def _bucket_length(n: np.ndarray) -> np.ndarray:
    return np.minimum(np.log2(np.maximum(n, 1)).astype(np.int64), 7).astype(np.uint64)


def span_features(x: features.Arrays, spans: np.ndarray, probs: np.ndarray,
                  gain_prefix: np.ndarray, p_base: np.ndarray, g_base: np.ndarray,
                  window_lo: np.ndarray, window_hi: np.ndarray, structural: np.ndarray,
                  hinted: np.ndarray, hint_edges: np.ndarray, cue_lo: np.ndarray,
                  cue_hi: np.ndarray, head: np.ndarray, skip_len: np.ndarray, skip_start: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Hashed keys (n, templates) and dense features (n, N_DENSE) of candidate spans, many
    cues' candidates at once.

    Per row: the role's probability of token ``t`` is ``probs[p_base + t]`` and the prefix
    sum of the search's gain up to ``t`` is ``gain_prefix[g_base + t]``, for ``t`` in the
    cue's window [``window_lo``, ``window_hi``); ``structural`` marks spans that are a
    subtree, clause part or quotation; ``hinted`` the rules' span for the cue, and
    ``hint_edges`` a candidate sharing its start (1) or end (2) with that span; a span of
    ``skip_len`` tokens at ``skip_start`` (the source) does not count as distance between a
    candidate and its cue."""
    a, b = spans[:, 0], spans[:, 1]
    length = (b - a).astype(np.float32)
    # prefix sums of the probabilities, and of the tokens under one half, over all windows
    prefix_p = np.concatenate([[0.0], np.cumsum(probs)])
    low = np.concatenate([[0.0], np.cumsum(probs < 0.5)])
    pa, pb = p_base + a, p_base + b
    gain = gain_prefix[g_base + b] - gain_prefix[g_base + a]
    p_first, p_last = probs[pa], probs[pb - 1]
    p_before = np.where(a > window_lo, probs[np.maximum(pa - 1, 0)], 0.0)
    p_after = np.where(b < window_hi, probs[np.minimum(pb, len(probs) - 1)], 0.0)
    # tokens between the candidate and the cue, less a skipped span lying between them
    gap = np.where(b <= cue_lo, cue_lo - b, np.where(a >= cue_hi, a - cue_hi, 0))
    skipped = (skip_start >= 0) & (
        ((b <= skip_start) & (skip_start < cue_lo)) | ((cue_hi <= skip_start) & (skip_start < a)))
    gap = np.maximum(gap - np.where(skipped, skip_len, 0), 0)
    dense = np.stack([
        np.log1p(gap).astype(np.float32), np.ones_like(length), gain,
        (prefix_p[pb] - prefix_p[pa]) / length,
        (low[pb] - low[pa]) / length, np.log1p(length), p_first, p_last, p_before,
        p_after, structural.astype(np.float32), (a == cue_hi).astype(np.float32),
        (b == cue_lo).astype(np.float32), hinted.astype(np.float32),
        (hint_edges & np.uint64(1)).astype(np.float32),
        (hint_edges >> np.uint64(1)).astype(np.float32),
    ], axis=1).astype(np.float32)

    n_doc = len(x)
    side = np.where(b <= cue_lo, 0, np.where(a >= cue_hi, 2, 1)).astype(np.uint64)
    last = b - 1
    before = np.maximum(a - 1, 0)
    after = np.minimum(b, n_doc - 1)
    none = np.uint64(3)
    prev_lower = np.where(a > 0, x.lower[before], none)
    next_lower = np.where(b < n_doc, x.lower[after], none)
    prev_pos = np.where(a > 0, x.pos[before], none)
    next_pos = np.where(b < n_doc, x.pos[after], none)
    quoted_a, quoted_l = x.quoted[a], x.quoted[last]
    quote_shape = ((quoted_a >= 0) * 1 + (quoted_l >= 0) * 2
                   + ((quoted_a >= 0) & (x.quoted[before] != quoted_a)) * 4
                   + ((quoted_l >= 0) & (x.quoted[after] != quoted_l)) * 8).astype(np.uint64)
    length_b = _bucket_length(b - a)
    adjacent = ((a == cue_hi) * 1 + (b == cue_lo) * 2).astype(np.uint64)
    lemma_h = x.lemma[head]
    hint_u = hinted.astype(np.uint64)
    keys = features.mix_templates(100, [
        (x.lower[a], side), (x.pos[a], side), (x.dep[a], side), (x.lower[last], side),
        (x.pos[last], side), (x.dep[last], side), (prev_lower, side), (next_lower, side),
        (prev_pos, x.pos[a]), (x.pos[last], next_pos), (length_b, side),
        (structural.astype(np.uint64), side), (lemma_h, x.lower[a], adjacent),
        (quote_shape, side), (x.dep[a], x.dep[last], side), (lemma_h, side, length_b),
        (adjacent, x.lower[last]), (hint_u, side), (hint_u, quote_shape),
        (np.minimum(gap, 6).astype(np.uint64), side),
        (np.minimum(gap, 6).astype(np.uint64), x.lower[after]),
        (hint_edges, side, structural.astype(np.uint64)),
    ], len(a))
    return keys, dense
