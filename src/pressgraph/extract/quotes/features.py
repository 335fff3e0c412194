"""Sparse features of the attribution tagger, computed in numpy as 64-bit hashed keys.

Each feature template (word, lemma × dependency, the dependency path from a cue to a token,
...) combines token attributes that spaCy already stores as 64-bit hashes
(``Doc.to_array``) into one key per row.  The models keep the sorted keys they were trained
with and look rows up with ``np.searchsorted``.  The same templates as strings were built and
looked up one by one in Python; hashing them in bulk is what keeps the tagger at a fraction
of the parse's time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_SPACE, LEMMA, LOWER, POS, TAG
from spacy.tokens import Doc

_PRIME = np.uint64(0x100000001B3)
_SHIFT = np.uint64(29)
# a missing neighbour (before the first token, after the last)
_START, _END = np.uint64(1), np.uint64(2)
_MAIN_DEPS = ("ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "prep", "poss", "agent",
              "dative", "advcl", "parataxis", "acl", "relcl", "pobj")
_PREP_DEPS = ("prep", "agent", "dative")
# The role model only looks this far from the cue's head (a quotation running further is
# taken whole from its quotation marks).
WINDOW_BEFORE = 30
WINDOW_AFTER = 50
# ... except in the cue's own sentence, which it reads this far back (see ``window``)
LONG_BEFORE = 80
# the path search goes this many steps up from the cue, as far as "^ccomp>parataxis>..."
_UP = 4


def mix(template: int, *cols: np.ndarray | np.uint64) -> np.ndarray:
    """One 64-bit key per row from a template number and columns of hashes (FNV-like)."""
    n = max((c.shape[0] for c in cols if isinstance(c, np.ndarray)), default=1)
    seed = (template * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    h = np.full(n, seed, dtype=np.uint64)
    shifted = np.empty_like(h)
    for c in cols:
        h ^= np.asarray(c, dtype=np.uint64)
        h *= _PRIME
        np.right_shift(h, _SHIFT, out=shifted)
        h ^= shifted
    return h


def mix_templates(first: int, templates: list[tuple[np.ndarray | np.uint64, ...]], n: int
                  ) -> np.ndarray:
    """Keys of many templates at once, (n, len(templates)): template ``first + j`` combines
    the columns of ``templates[j]``.  The same hash as :func:`mix` with shorter tuples padded
    by zero columns; one pass per column position instead of one call per template, which
    is what a few dozen candidate rows need."""
    width = max(len(t) for t in templates)
    seeds = (np.arange(first, first + len(templates), dtype=np.uint64)
             * np.uint64(0x9E3779B97F4A7C15))
    # template by row while hashing, rows by template at the end; a zero column (a shorter
    # template) leaves the xor as it is; the shift goes through one buffer (a fresh array of
    # this size each time cost more than the arithmetic)
    h = np.repeat(seeds[:, None], n, axis=1)
    shifted = np.empty_like(h)
    for k in range(width):
        for j, t in enumerate(templates):
            if k < len(t):
                h[j] ^= np.asarray(t[k]).astype(np.uint64, copy=False)
        h *= _PRIME
        np.right_shift(h, _SHIFT, out=shifted)
        h ^= shifted
    return np.ascontiguousarray(h.T)


@dataclass(frozen=True, slots=True)
class Arrays:
    """Token attributes of one document, as arrays."""

    lower: np.ndarray
    lemma: np.ndarray
    pos: np.ndarray
    tag: np.ndarray
    dep: np.ndarray
    ent: np.ndarray
    head: np.ndarray  # absolute index
    space: np.ndarray
    quoted: np.ndarray  # index of the quotation holding the token, or -1
    sent_of: np.ndarray
    prev1: np.ndarray
    next1: np.ndarray
    prev2: np.ndarray
    next2: np.ndarray

    def __len__(self) -> int:
        return int(self.lower.shape[0])


def arrays(doc: Doc, quoted: np.ndarray, sent_of: np.ndarray) -> Arrays:
    a = doc.to_array([LOWER, LEMMA, POS, TAG, DEP, ENT_TYPE, HEAD, IS_SPACE]).astype(np.uint64)
    if a.ndim == 1:
        a = a.reshape(-1, 8)
    lower = a[:, 0]
    n = lower.shape[0]
    head = np.arange(n, dtype=np.int64) + a[:, 6].astype(np.int64)

    def shifted(by: int) -> np.ndarray:
        out = np.full(n, _START if by > 0 else _END, dtype=np.uint64)
        if by > 0:
            out[by:] = lower[:-by] if n > by else out[by:]
        else:
            out[:by] = lower[-by:] if n > -by else out[:by]
        return out

    return Arrays(lower=lower, lemma=a[:, 1], pos=a[:, 2], tag=a[:, 3], dep=a[:, 4],
                  ent=a[:, 5], head=head, space=a[:, 7].astype(bool),
                  quoted=np.asarray(quoted, dtype=np.int64),
                  sent_of=np.asarray(sent_of, dtype=np.int64),
                  prev1=shifted(1), next1=shifted(-1), prev2=shifted(2), next2=shifted(-2))


def const(template: int, n: int) -> np.ndarray:
    """A template without columns ("bias"), repeated for ``n`` rows."""
    return np.full(n, mix(template)[0], dtype=np.uint64)


def _hashes(doc: Doc, labels: tuple[str, ...]) -> np.ndarray:
    return np.asarray([doc.vocab.strings.add(x) for x in labels], dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class Keys:
    """Keys of a batch of rows: a fixed number per row, plus a variable number of extra
    (row, key) pairs."""

    fixed: np.ndarray  # (rows, templates)
    extra_rows: np.ndarray
    extra_keys: np.ndarray


def cue_keys(doc: Doc, x: Arrays, rows: np.ndarray) -> Keys:
    """Features of candidate cue tokens ``rows``: the token, its head, its neighbours, and
    its children's dependencies."""
    i = rows
    h = x.head[i]
    quoted = (x.quoted[i] >= 0).astype(np.uint64)
    head_quoted = (x.quoted[h] >= 0).astype(np.uint64)
    lemma, dep = x.lemma[i], x.dep[i]
    fixed = np.stack([
        const(1, len(i)), mix(2, x.lower[i]), mix(3, lemma), mix(4, x.pos[i]), mix(5, x.tag[i]),
        mix(6, dep), mix(7, lemma, dep), mix(8, lemma, x.pos[i]),
        mix(9, x.lemma[h]), mix(10, x.dep[h]), mix(11, x.pos[h]), mix(12, dep, x.dep[h]),
        mix(13, x.prev1[i]), mix(14, x.next1[i]), mix(15, x.prev2[i]), mix(16, x.next2[i]),
        mix(17, lemma, x.next1[i]), mix(18, x.prev1[i], lemma), mix(19, quoted),
        mix(20, x.ent[i]), mix(21, head_quoted),
    ], axis=1) if len(i) else np.zeros((0, 21), dtype=np.uint64)
    # children: each child with a main dependency adds to its parent's row
    row_of = np.full(len(x), -1, dtype=np.int64)
    row_of[i] = np.arange(len(i))
    n = len(x)
    child = np.flatnonzero((x.head != np.arange(n)) & np.isin(x.dep, _hashes(doc, _MAIN_DEPS)))
    child = child[row_of[x.head[child]] >= 0]
    parent = x.head[child]
    prep = child[np.isin(x.dep[child], _hashes(doc, _PREP_DEPS))]
    prep_parent = x.head[prep]
    extra_rows = np.concatenate([row_of[parent], row_of[parent], row_of[prep_parent],
                                 row_of[prep_parent]])
    extra_keys = np.concatenate([
        mix(22, x.dep[child]), mix(23, x.lemma[parent], x.dep[child]),
        mix(24, x.dep[prep], x.lower[prep]), mix(25, x.lemma[prep_parent], x.lower[prep]),
    ]) if len(child) else np.zeros(0, dtype=np.uint64)
    return Keys(fixed=fixed, extra_rows=extra_rows[:len(extra_keys)], extra_keys=extra_keys)


def _paths(x: Arrays, head: np.ndarray, tok: np.ndarray) -> np.ndarray:
    """A key for the dependency path from each cue head to each token: the labels going up
    from the cue (at most four), then the first label going down to the token."""
    n = len(head)
    code = np.zeros(n, dtype=np.uint64)
    resolved = tok == head
    code[resolved] = mix(30)[0]  # the cue's head itself
    # the token's ancestors, nearest first (a root is its own head, so the chain stays put)
    chain = [tok]
    for _ in range(48):
        up = x.head[chain[-1]]
        if np.array_equal(up, chain[-1]):
            break
        chain.append(up)
    anc = np.stack(chain, axis=1)  # (pairs, depth)
    a = head.copy()
    up_key = np.zeros(n, dtype=np.uint64)
    for k in range(_UP):
        open_ = ~resolved
        # a strict ancestor of the token: the path goes down from it
        match = (anc[:, 1:] == a[:, None]) & (anc[:, :-1] != anc[:, 1:])
        hit = open_ & (a != tok) & match.any(axis=1)
        if hit.any():
            first = match[hit].argmax(axis=1)
            down = anc[hit, first]
            code[hit] = mix(31, np.uint64(k), up_key[hit], x.dep[down])
            resolved |= hit
        root = open_ & ~hit & (x.head[a] == a)
        code[root] = mix(32)[0]
        resolved |= root
        up_key = mix(33, up_key, x.dep[a])
        a = x.head[a]
        self_hit = ~resolved & (a == tok)
        code[self_hit] = mix(34, np.uint64(k + 1), up_key[self_hit])
        resolved |= self_hit
    code[~resolved] = mix(32)[0]
    return code


def _bucket(d: np.ndarray) -> np.ndarray:
    m = np.abs(d)
    b = np.where(m <= 5, m, np.where(m <= 10, 6, np.where(m <= 20, 7, 8)))
    return (b * 2 + (d < 0)).astype(np.uint64)


def role_keys(x: Arrays, head: np.ndarray, cue_lo: np.ndarray, cue_hi: np.ndarray,
              tok: np.ndarray) -> Keys:
    """Features of (cue, token) pairs: the path between them, distance, side, quotation,
    the token's word and dependency, the cue's lemma."""
    side = np.where(tok < cue_lo, 0, np.where(tok >= cue_hi, 2, 1)).astype(np.uint64)
    path = _paths(x, head, tok)
    rel = _bucket(tok - head)
    sd = (np.clip(x.sent_of[tok] - x.sent_of[head], -2, 2) + 2).astype(np.uint64)
    qt, qh = x.quoted[tok], x.quoted[head]
    q = np.where((qt >= 0) & (qt == qh), 2, np.where(qt >= 0, 1, 0)).astype(np.uint64)
    lemma_h = x.lemma[head]
    fixed = np.stack([
        const(40, len(tok)), mix(41, path), mix(42, path, lemma_h), mix(43, path, x.pos[head]),
        mix(44, side), mix(45, rel), mix(46, rel, path), mix(47, sd), mix(48, q),
        mix(49, q, side), mix(50, x.lower[tok]), mix(51, x.lower[tok], side),
        mix(52, x.pos[tok]), mix(53, x.dep[tok]), mix(54, x.dep[tok], path),
        mix(55, x.prev1[tok], side), mix(56, x.next1[tok], side),
        mix(57, x.dep[head], side), mix(58, lemma_h, side), mix(59, x.ent[tok], side),
        mix(60, x.dep[x.head[tok]], side),
    ], axis=1) if len(tok) else np.zeros((0, 21), dtype=np.uint64)
    empty = np.zeros(0, dtype=np.int64)
    return Keys(fixed=fixed, extra_rows=empty, extra_keys=empty.astype(np.uint64))


def window(x: Arrays, head: int, sents: list[tuple[int, int]]) -> range:
    """Tokens of the cue's sentence and the sentences on either side of it, near the cue.
    The cue's own sentence is kept whole back to ``LONG_BEFORE`` tokens: a wire lede puts
    forty words before ", officials said." """
    k = int(x.sent_of[head])
    lo = sents[max(k - 1, 0)][0]
    hi = sents[min(k + 1, len(sents) - 1)][1]
    lo = min(max(lo, head - WINDOW_BEFORE), max(sents[k][0], head - LONG_BEFORE))
    return range(lo, min(hi, head + WINDOW_AFTER))
