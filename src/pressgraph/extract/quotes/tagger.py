"""A learned attribution tagger: cue tokens first, then the source and content of each cue.

Two small wide-and-deep classifiers, learned on the PolNeAR train split by
``scripts/train_quote_tagger.py`` and shipped as ``tagger.npz``:

* the **cue** model labels every token O, B (begins a cue) or I (inside one);
* the **role** model labels every token near a cue S (in its source), C (in its content) or
  O, given that cue.

Each is a linear model over sparse hashed features (:mod:`.features`: word, lemma,
dependency, the path between token and cue) plus a one-hidden-layer network over dense ones:
the token's contextual vector from the pipeline's shared ``tok2vec`` (``doc.tensor``) and
its static word vector.  The contextual and static vectors let the cue model generalise past
the cue words seen in training ("lambasted" is near "criticized"), which a lexicon cannot;
the path features carry the structure ("the subject of the cue", "the clause the cue
interrupts").  Inference is a few numpy array operations, no deep-learning runtime.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
from spacy.attrs import IDX, ORTH, SENT_START
from spacy.tokens import Doc, Token

from pressgraph.extract.quotes import features, ranker
from pressgraph.extract.quotes.features import Keys

_SKIP_POS = frozenset({"SPACE", "DET", "NUM", "SYM", "X"})


@dataclass(frozen=True, slots=True)
class View:
    """What decoding reads of each token beyond :class:`features.Arrays` (heads and spaces
    are there): words and tags as plain lists, since indexing a spaCy ``Doc`` builds a
    ``Token`` object each time, and subtree edges."""

    lower: list[str]
    pos: list[str]
    left: np.ndarray  # first token of the subtree
    right: np.ndarray  # last token of the subtree


def quote_depth(doc: Doc, quotes: Sequence[tuple[int, int]]) -> np.ndarray:
    """For each token, the index of the quotation holding it, or -1."""
    inside = np.full(len(doc), -1, dtype=np.int32)
    if not len(doc):
        return inside
    starts = doc.to_array(IDX).astype(np.int64)
    for k, (qs, qe) in enumerate(quotes):
        lo, hi = np.searchsorted(starts, qs), np.searchsorted(starts, qe)
        inside[lo:hi] = k
    return inside


def subtree_edges(head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last token of every token's subtree, from the head array (a token is its
    own head at the root).  Each pass passes the edges one level up; the parse's depth bounds
    the passes.  Asking every ``Token`` for ``left_edge`` and ``right_edge`` was the costliest
    part of building the view."""
    n = len(head)
    left, right = np.arange(n), np.arange(n)
    for _ in range(n):
        new_left, new_right = left.copy(), right.copy()
        np.minimum.at(new_left, head, left)
        np.maximum.at(new_right, head, right)
        if (new_left == left).all() and (new_right == right).all():
            break
        left, right = new_left, new_right
    return left, right


def view(doc: Doc, x: features.Arrays) -> View:
    left, right = subtree_edges(x.head)
    return View(lower=_strings(doc, x.lower), pos=_strings(doc, x.pos), left=left, right=right)


def _strings(doc: Doc, hashes: np.ndarray) -> list[str]:
    """The strings of an attribute column; each distinct hash is looked up once."""
    store = doc.vocab.strings
    known: dict[int, str] = {}
    out = []
    for h in hashes.tolist():
        s = known.get(h)
        if s is None:
            s = known[h] = store[h]
        out.append(s)
    return out


# --------------------------------------------------------------------------- model

class HashTable:
    """Feature key -> row, an open-addressing table probed for a whole array of keys at once
    (about four times faster than a binary search of the sorted keys)."""

    def __init__(self, keys: np.ndarray) -> None:
        size = 1 << max(10, (4 * len(keys)).bit_length())
        self.mask = np.uint64(size - 1)
        self.keys = np.zeros(size, dtype=np.uint64)
        self.rows = np.full(size, -1, dtype=np.int64)
        pending = np.arange(len(keys))
        slot = (keys & self.mask).astype(np.int64)
        while len(pending):
            free = np.flatnonzero(self.rows[slot] < 0)
            # of the keys wanting the same free slot, the first takes it
            taken, first = np.unique(slot[free], return_index=True)
            winners = pending[free[first]]
            self.rows[taken] = winners
            self.keys[taken] = keys[winners]
            placed = np.zeros(len(pending), dtype=bool)
            placed[free[first]] = True
            pending, slot = pending[~placed], (slot[~placed] + 1) & int(self.mask)

    def find(self, queries: np.ndarray) -> np.ndarray:
        """Row of each key, or -1 for a key the table does not hold."""
        flat = queries.ravel()
        slot = (flat & self.mask).astype(np.int64)
        # the first probe of every key at once, without picking rows out by mask (most keys
        # end there: found, or an empty slot); the rest probe on
        rows = self.rows[slot]
        occupied = rows >= 0
        hit = occupied & (self.keys[slot] == flat)
        out = np.where(hit, rows, -1)
        pending = np.flatnonzero(occupied & ~hit)
        slot = (slot[pending] + 1) & int(self.mask)
        while len(pending):
            rows = self.rows[slot]
            hit = (rows >= 0) & (self.keys[slot] == flat[pending])
            out[pending[hit]] = rows[hit]
            go_on = ~hit & (rows >= 0)
            pending, slot = pending[go_on], (slot[go_on] + 1) & int(self.mask)
        return out.reshape(queries.shape)


@dataclass(frozen=True, slots=True)
class WideDeep:
    """logits = sum of the sparse rows of the row's feature keys
    + relu(dense @ w1 + b1) @ w2 + bias"""

    keys: np.ndarray  # sorted feature keys; row k of ``sparse`` belongs to keys[k]
    sparse: np.ndarray  # (n_features, n_labels)
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    bias: np.ndarray
    table: HashTable = field(init=False, repr=False, compare=False)
    # ``sparse`` with a row of zeros after it, where unknown keys (row -1) land
    padded: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", HashTable(self.keys))
        object.__setattr__(self, "padded", np.vstack(
            [self.sparse, np.zeros((1, self.sparse.shape[1]), self.sparse.dtype)]))

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Row of each key in ``sparse``, or -1 for a key not seen in training."""
        return self.table.find(keys)

    def logits(self, keys: Keys, dense: np.ndarray) -> np.ndarray:
        out = np.maximum(dense @ self.w1 + self.b1, 0.0) @ self.w2 + self.bias
        # summed template by template over all rows at once, (templates, rows, labels): the
        # same additions in the same order as summing each row's (templates, labels) block,
        # without numpy's inner loop running over three labels at a time
        out += self.padded[self.lookup(keys.fixed.T)].sum(axis=0)
        extra = self.lookup(keys.extra_keys)
        known = extra >= 0
        np.add.at(out, keys.extra_rows[known], self.sparse[extra[known]])
        return out

    def probabilities(self, keys: Keys, dense: np.ndarray) -> np.ndarray:
        z = self.logits(keys, dense)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def save(path: str, models: dict[str, WideDeep]) -> None:
    arrays: dict[str, np.ndarray] = {}
    for name, m in models.items():
        arrays[f"{name}.keys"] = m.keys
        arrays[f"{name}.sparse"] = m.sparse.astype(np.float16)
        for part in ("w1", "b1", "w2", "bias"):
            arrays[f"{name}.{part}"] = getattr(m, part).astype(np.float32)
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def load(path: str | os.PathLike[str]) -> dict[str, WideDeep]:
    with np.load(path) as data:
        out = {}
        for name in {k.split(".", 1)[0] for k in data.files}:
            out[name] = WideDeep(
                keys=data[f"{name}.keys"], sparse=data[f"{name}.sparse"].astype(np.float32),
                w1=data[f"{name}.w1"], b1=data[f"{name}.b1"], w2=data[f"{name}.w2"],
                bias=data[f"{name}.bias"])
    return out


@cache
def models() -> dict[str, WideDeep]:
    path = resources.files(__package__).joinpath("tagger.npz")
    if not path.is_file():
        return {}
    with resources.as_file(path) as p:
        return load(p)


def token_vectors(doc: Doc, tokens: np.ndarray | None = None) -> np.ndarray:
    """Static word vectors of ``tokens`` (every token without it), unit length (zeros for
    words without one); one table lookup for the whole document, since ``Token.vector`` one
    token at a time cost 3 ms an article."""
    table = doc.vocab.vectors
    orth = doc.to_array(ORTH).astype(np.uint64) if len(doc) else np.zeros(0, np.uint64)
    if tokens is not None:
        orth = orth[tokens]
    if not len(orth) or not table.shape[0]:
        return np.zeros((len(orth), table.shape[1] or 300), np.float32)
    rows = table.find(keys=orth)
    vecs = np.asarray(table.data, dtype=np.float32)[np.maximum(rows, 0)]
    vecs[rows < 0] = 0.0
    # each row's norm is its own (a row-wise reduction), so a subset of rows comes out the same
    norm = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norm, 1e-6)


def contextual(doc: Doc) -> np.ndarray:
    tensor = doc.tensor
    if tensor is None or tensor.shape[0] != len(doc) or not tensor.size:
        return np.zeros((len(doc), 96), dtype=np.float32)
    return np.asarray(tensor, dtype=np.float32)


def cue_dense(ctx: np.ndarray, vecs: np.ndarray, head: np.ndarray, rows: np.ndarray
              ) -> np.ndarray:
    """Dense input of the cue model: the token's contextual and static vectors, and the
    contextual vectors of its syntactic head and of the tokens on either side."""
    return _cue_dense_of(ctx, vecs[rows], head, rows)


def _cue_dense_of(ctx: np.ndarray, row_vecs: np.ndarray, head: np.ndarray, rows: np.ndarray
                  ) -> np.ndarray:
    n = len(ctx)
    return np.hstack([ctx[rows], row_vecs, ctx[head[rows]], ctx[np.maximum(rows - 1, 0)],
                      ctx[np.minimum(rows + 1, n - 1)]])


def pair_dense(ctx: np.ndarray, head: np.ndarray, tok: np.ndarray, cue: np.ndarray
               ) -> np.ndarray:
    """Dense input of the role model: the token's and the cue's contextual vectors, their
    product, and the contextual vector of the token's syntactic head."""
    return np.hstack([ctx[tok], ctx[cue], ctx[tok] * ctx[cue], ctx[head[tok]]])


def sentence_index(doc: Doc) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Sentences as token ranges, and each token's sentence, read from the SENT_START
    column (``Doc.sents`` builds a ``Token`` for every word)."""
    n = len(doc)
    starts = np.flatnonzero(doc.to_array(SENT_START) == 1).tolist() if n else []
    if n and (not starts or starts[0] != 0):
        starts.insert(0, 0)
    sents = list(zip(starts, [*starts[1:], n], strict=True)) if n else []
    sent_of = np.zeros(n, dtype=np.int32)
    for k, (lo, hi) in enumerate(sents):
        sent_of[lo:hi] = k
    return sents, sent_of


def cue_head(doc: Doc, cue: tuple[int, int]) -> Token:
    """The cue token the rest of the cue hangs on: a verb or noun whose head lies outside."""
    toks = [doc[i] for i in range(*cue)]
    outside = [t for t in toks if not (cue[0] <= t.head.i < cue[1]) or t.head.i == t.i]
    for pos in ("VERB", "NOUN", "AUX", "ADJ"):
        for t in outside:
            if t.pos_ == pos:
                return t
    return outside[0] if outside else toks[0]


# --------------------------------------------------------------------------- decoding

@dataclass(frozen=True, slots=True)
class Found:
    """One attribution, in token index ranges (end exclusive)."""

    cue: tuple[int, int]
    head: int
    source: tuple[int, int] | None
    content: tuple[int, int]


# Chosen on the train hold-out (``scripts/train_quote_tagger.py --holdout``).
CUE_THRESHOLD = 0.7
# the same as the rules' confirmation threshold (``RULE_CONFIRM``), chosen with it
ADOPT = 0.25


def cue_candidates(v: View, x: features.Arrays) -> list[int]:
    return [i for i, (p, space) in enumerate(zip(v.pos, x.space.tolist(), strict=True))
            if p not in _SKIP_POS and not space]


def find_cues(doc: Doc, v: View, x: features.Arrays, model: WideDeep,
              vecs: np.ndarray | None, ctx: np.ndarray
              ) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Cue spans (token ranges), and each token's chance of being in a cue.  ``vecs``: every
    token's static vector, or None to look up only the candidates'."""
    score = np.zeros(len(doc), dtype=np.float32)
    cands = cue_candidates(v, x)
    if not cands:
        return [], score
    rows = np.asarray(cands, dtype=np.int64)
    probs = model.probabilities(features.cue_keys(doc, x, rows),
                                _cue_dense_of(ctx, token_vectors(doc, rows) if vecs is None
                                              else vecs[rows], x.head, rows))
    score[rows] = probs[:, 1] + probs[:, 2]
    spans: list[tuple[int, int]] = []
    cur: list[int] | None = None
    prev = -2
    for i, (_, p_b, p_i) in zip(cands, probs.tolist(), strict=True):
        inside = p_b + p_i >= CUE_THRESHOLD
        joined = cur is not None and p_i >= p_b and all(
            v.pos[j] in _SKIP_POS or x.space[j] for j in range(prev + 1, i))
        if inside and joined and cur is not None:
            cur[1] = i + 1
        elif inside:
            if cur is not None:
                spans.append((cur[0], cur[1]))
            cur = [i, i + 1]
        elif cur is not None:
            spans.append((cur[0], cur[1]))
            cur = None
        prev = i
    if cur is not None:
        spans.append((cur[0], cur[1]))
    return _anchored(doc, spans), score


_CONTENT_POS = frozenset({"VERB", "NOUN", "ADJ", "PROPN"})


def _anchored(doc: Doc, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A span of function words alone ("about", "has") is the edge of a cue whose main word
    scored under the threshold: it takes in its head when that is close, or goes."""
    out: list[tuple[int, int]] = []
    for lo, hi in spans:
        words = doc[lo:hi]
        if not any(t.pos_ in _CONTENT_POS or t.text == ":" or t.lower_ == "according"
                   for t in words):
            head = words.root.head
            if head.pos_ not in _CONTENT_POS or abs(head.i - words.root.i) > 3:
                continue
            lo, hi = min(lo, head.i), max(hi, head.i + 1)
        if out and lo <= out[-1][1]:
            out[-1] = (min(out[-1][0], lo), max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


_OPENERS = frozenset({"-", "—", "–", ":", "--"})


def _spans_of(v: View, x: features.Arrays, rows: range, cue: tuple[int, int], head: int,
              quotes_in: list[tuple[int, int]]) -> np.ndarray:
    """The token ranges (start, end) a source or content may take: dependency subtrees, the
    right part of a phrase from any word on, the parts of a clause on either side of a
    parenthetical cue, and quotations (with a "that" before them)."""
    i = np.arange(rows.start, rows.stop)
    h = x.head[i]
    dependent = h != i
    starts = [i, v.left[i], i, i[dependent], v.left[h[dependent]]]
    ends = [i + 1, v.right[i] + 1, v.right[i] + 1, v.right[h[dependent]] + 1, i[dependent] + 1]
    governor = x.head[head]
    lo, hi = int(v.left[governor]), int(v.right[governor]) + 1
    extra = [(lo, cue[0]), (cue[1], hi)]
    # the clause before a cue may open after a dateline or a colon ("NDOLA, Jan 8 - ...")
    openers = [lo] + [j + 1 for j in range(lo, cue[0]) if v.lower[j] in _OPENERS]
    extra += [(start, j) for j in range(lo, cue[0]) for start in openers if start < j]
    extra += [(j, hi) for j in range(cue[1], hi)]
    for q in quotes_in:
        extra.append(q)
        if q[0] > 0 and v.lower[q[0] - 1] in ("that", "whether"):
            extra.append((q[0] - 1, q[1]))
    if extra:
        more = np.asarray(extra, dtype=np.int64)
        starts.append(more[:, 0])
        ends.append(more[:, 1])
    a = np.maximum(np.concatenate(starts), rows.start)
    b = np.minimum(np.concatenate(ends), rows.stop)
    keep = b > a
    # duplicates are harmless to the search, so they stay (removing them cost more)
    return np.stack([a[keep], b[keep]], axis=1)


@dataclass(frozen=True, slots=True)
class Prepared:
    """What decoding reads of one document, computed once."""

    view: View
    arrays: features.Arrays
    contextual: np.ndarray
    sents: list[tuple[int, int]]
    quote_tokens: list[tuple[int, int]]


def prepare(doc: Doc, quotes: Sequence[tuple[int, int]]) -> Prepared:
    sents, sent_of = sentence_index(doc)
    quote_tokens = []
    for qs, qe in quotes:
        span = doc.char_span(qs, qe, alignment_mode="expand")
        if span is not None and len(span):
            quote_tokens.append((span.start, span.end))
    x = features.arrays(doc, quote_depth(doc, quotes), sent_of)
    return Prepared(view=view(doc, x), arrays=x,
                    contextual=contextual(doc), sents=sents, quote_tokens=quote_tokens)


@dataclass(frozen=True, slots=True)
class CueRoles:
    """The role model's output for one cue: S/C/O probabilities of the tokens in ``rows``."""

    cue: tuple[int, int]
    head: int
    rows: range
    probs: np.ndarray


def role_probabilities(doc: Doc, p: Prepared, model: WideDeep, cues: list[tuple[int, int]]
                       ) -> list[CueRoles]:
    """One pass of the role model over the windows of all cues."""
    if not cues:
        return []
    x = p.arrays
    heads = [cue_head(doc, cue).i for cue in cues]
    windows = [features.window(x, h, p.sents) for h in heads]
    sizes = [len(w) for w in windows]
    tok = np.concatenate([np.arange(w.start, w.stop) for w in windows])
    head = np.repeat(heads, sizes)
    keys = features.role_keys(x, head, np.repeat([c[0] for c in cues], sizes),
                              np.repeat([c[1] for c in cues], sizes), tok)
    probs = model.probabilities(keys, pair_dense(p.contextual, x.head, tok, head))
    out = []
    at = 0
    for cue, h, rows in zip(cues, heads, windows, strict=True):
        out.append(CueRoles(cue=cue, head=h, rows=rows, probs=probs[at:at + len(rows)]))
        at += len(rows)
    return out


@dataclass(frozen=True, slots=True)
class Candidates:
    """The spans one cue's source, content or cue may take, best first by summed gain, with
    what the ranker's features are computed from."""

    spans: np.ndarray  # (n, 2) token ranges
    gain: np.ndarray  # summed (probability - 0.5) of each span
    structural: np.ndarray  # the span is a subtree, clause part or quotation itself
    hinted: np.ndarray  # the span is the rules' choice
    hint_edges: np.ndarray  # 1: starts where the rules' span starts, 2: ends where it ends
    role_p: np.ndarray  # the role's probability of each window token
    gain_prefix: np.ndarray  # prefix sums of the per-token gain over the window
    base: int  # first token of the window
    cue: tuple[int, int]
    head: int
    # a span that does not count as distance between a candidate and the cue (the source,
    # for a content: "<content>, a senior official said")
    skip: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class SpanChoice:
    spans: np.ndarray
    keys: np.ndarray
    dense: np.ndarray


def featurize(x: features.Arrays, groups: Sequence[Candidates | None]
              ) -> list[SpanChoice | None]:
    """Ranker features of many candidate groups in one pass (numpy calls on a few dozen rows
    cost their overhead, so one call for all cues of a document, not one per cue)."""
    present = [g for g in groups if g is not None]
    if not present:
        return [None] * len(groups)
    keys, dense = _present_features(x, present)
    return [None if g is None or rows is None else
            SpanChoice(spans=g.spans, keys=keys[rows], dense=dense[rows])
            for g, rows in zip(groups, _batch_rows(groups), strict=True)]


def _present_features(x: features.Arrays, present: Sequence[Candidates]
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Keys and dense features of the candidates of ``present``, group after group."""
    sizes = np.array([len(g.spans) for g in present])
    windows = np.array([len(g.role_p) for g in present])
    p_off = np.concatenate([[0], np.cumsum(windows)[:-1]])
    g_off = np.concatenate([[0], np.cumsum(windows + 1)[:-1]])
    base = np.array([g.base for g in present])
    keys, dense = ranker.span_features(
        x, np.vstack([g.spans for g in present]),
        np.concatenate([g.role_p for g in present]),
        np.concatenate([g.gain_prefix for g in present]),
        np.repeat(p_off - base, sizes), np.repeat(g_off - base, sizes),
        np.repeat(base, sizes), np.repeat(base + windows, sizes),
        np.concatenate([g.structural for g in present]),
        np.concatenate([g.hinted for g in present]),
        np.concatenate([g.hint_edges for g in present]),
        np.repeat([g.cue[0] for g in present], sizes),
        np.repeat([g.cue[1] for g in present], sizes),
        np.repeat([g.head for g in present], sizes),
        np.repeat([g.skip[1] - g.skip[0] if g.skip else 0 for g in present], sizes),
        np.repeat([g.skip[0] if g.skip else -1 for g in present], sizes))
    return keys, dense


def _batch_rows(groups: Sequence[Candidates | SpanChoice | None]) -> list[slice | None]:
    """Where each group's candidates lie in one batch of all present groups (None for an
    absent group)."""
    out: list[slice | None] = []
    at = 0
    for g in groups:
        if g is None:
            out.append(None)
            continue
        out.append(slice(at, at + len(g.spans)))
        at += len(g.spans)
    return out


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` for a short 1-D array: the general function's dispatch cost
    more than the sort, and was a third of ``span_choice``."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


@dataclass(frozen=True, slots=True)
class SpanRequest:
    """The arguments of :func:`span_choice` for one cue's role."""

    cue: tuple[int, int]
    head: int
    rows: range
    role_p: np.ndarray
    gain: np.ndarray
    spans: np.ndarray
    inner: Sequence[tuple[int, int]]
    hint: tuple[int, int] | None
    gated: bool = True
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None
    skip: tuple[int, int] | None = None


def span_choice(cue: tuple[int, int], head: int, rows: range,
                role_p: np.ndarray, gain: np.ndarray, spans: np.ndarray,
                inner: list[tuple[int, int]], hint: tuple[int, int] | None, *,
                gated: bool = True, starts: np.ndarray | None = None,
                ends: np.ndarray | None = None, skip: tuple[int, int] | None = None
                ) -> Candidates | None:
    """Every start and every end the structural ``spans`` offer (or ``starts`` and
    ``ends``, sorted and distinct), paired, minus pairs that start or end inside an
    ``inner`` span (a content holds its cue whole or not at all); the TOP_K by summed
    ``gain`` are kept, with every structural span that gains at all (however many), and the
    rules' span for this cue (``hint``) when it lies in the window.  ``gated``: None when no
    span gains at all (the cue has no such role)."""
    return span_choices([SpanRequest(
        cue=cue, head=head, rows=rows, role_p=role_p, gain=gain, spans=spans, inner=inner,
        hint=hint, gated=gated, starts=starts, ends=ends, skip=skip)])[0]


def _distinct_by_group(group: np.ndarray, values: np.ndarray, width: int
                       ) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values of each group, groups in order: (group, value) arrays."""
    keyed = _sorted_unique(group * width + values)
    return keyed // width, keyed % width


def span_choices(requests: Sequence[SpanRequest | None]) -> list[Candidates | None]:
    """:func:`span_choice` of many cues at once: each group's candidates, order and ties
    are those of the group alone, but every step is one numpy call over all groups (a few
    dozen calls on a 50 x 50 grid per cue were most of the tagger's time).  The pairs of
    all groups lie in one flat array, group by group, each group's grid in row-major
    order."""
    reqs = [r for r in requests if r is not None]
    if not reqs:
        return [None] * len(requests)
    n_groups = len(reqs)
    spans = np.concatenate([r.spans for r in reqs]).astype(np.int64).reshape(-1, 2)
    # group * width + token keeps each group's edges apart: wider than any edge (a cue's span
    # may run past its window)
    width = max(max(r.rows.stop for r in reqs), int(spans.max(initial=0))) + 2
    ids = np.arange(n_groups)

    # each group's starts and ends: sorted, distinct, one flat array each
    def edges(col: int) -> tuple[np.ndarray, np.ndarray]:
        given = [r.spans[:, col] if (r.starts is None or r.ends is None)
                 else (r.starts if col == 0 else r.ends) for r in reqs]
        return _distinct_by_group(np.repeat(ids, [len(v) for v in given]),
                                  np.concatenate(given).astype(np.int64), width)

    s_group, s_value = edges(0)
    e_group, e_value = edges(1)
    # an edge inside an inner span rules out every pair it is in
    s_bad = np.zeros(len(s_value), dtype=bool)
    e_bad = np.zeros(len(e_value), dtype=bool)
    for k in range(max(len(r.inner) for r in reqs)):
        lo = np.asarray([r.inner[k][0] if k < len(r.inner) else 0 for r in reqs])
        hi = np.asarray([r.inner[k][1] if k < len(r.inner) else 0 for r in reqs])
        s_bad |= (lo[s_group] <= s_value) & (s_value < hi[s_group])
        e_bad |= (lo[e_group] < e_value) & (e_value <= hi[e_group])
    s_good, e_good = np.flatnonzero(~s_bad), np.flatnonzero(~e_bad)
    start_group, start_value = s_group[s_good], s_value[s_good]
    end_group, end_value = e_group[e_good], e_value[e_good]

    # the allowed pairs of a start are the ends after it: a run of its group's ends, so the
    # pairs are listed start by start, each start's ends in order (the grid's row-major
    # order), without building the grid
    end_keys = end_group * width + end_value
    first_end = np.searchsorted(end_keys, start_group * width + start_value, side="right")
    group_end = np.searchsorted(end_keys, (start_group + 1) * width, side="left")
    per_start = group_end - first_end
    row_first = np.cumsum(per_start) - per_start
    n_all = int(per_start.sum())
    pair_end = np.arange(n_all) + np.repeat(first_end - row_first, per_start)

    # prefix sums of each group's gain, summed in the gain's own type as one group alone
    windows = np.array([len(r.rows) for r in reqs])
    gains = np.zeros((n_groups, int(windows.max())), dtype=np.result_type(*[r.gain for r in reqs]))
    flat_gain = np.concatenate([r.gain for r in reqs])
    g_rows = np.repeat(ids, windows)
    gains[g_rows, np.arange(len(flat_gain)) - np.repeat(np.cumsum(windows) - windows, windows)] \
        = flat_gain
    prefix = np.zeros((n_groups, gains.shape[1] + 1))
    prefix[:, 1:] = np.cumsum(gains, axis=1)
    base = np.array([r.rows.start for r in reqs])
    at_start = prefix[start_group, start_value - base[start_group]]
    at_end = prefix[end_group, end_value - base[end_group]]
    # the summed gain of every pair, the same subtraction as one group alone
    score = at_end[pair_end] - np.repeat(at_start, per_start)
    n_pairs = np.bincount(start_group, weights=per_start, minlength=n_groups).astype(np.int64)
    pair_first = np.cumsum(n_pairs) - n_pairs

    # which groups have a choice to offer
    best = np.full(n_groups, -np.inf)
    filled = n_pairs > 0
    if filled.any():
        best[filled] = np.maximum.reduceat(score, pair_first[filled])
    hint_ok = np.zeros(n_groups, dtype=bool)
    hint_lo = np.full(n_groups, -1, dtype=np.int64)
    hint_hi = np.full(n_groups, -1, dtype=np.int64)
    hint_gain: list[float] = []
    alive = np.zeros(n_groups, dtype=bool)
    for g, r in enumerate(reqs):
        h = r.hint
        ok = h is not None and r.rows.start <= h[0] < h[1] <= r.rows.stop
        gained = prefix[g, h[1] - r.rows.start] - prefix[g, h[0] - r.rows.start] \
            if h is not None and ok else -np.inf
        hint_gain.append(gained)
        if ok and h is not None:
            hint_ok[g] = True
            hint_lo[g], hint_hi[g] = h
        alive[g] = (n_pairs[g] or ok) and not (r.gated and max(float(best[g]), gained) <= 0)

    # which pairs are structural spans themselves (not just made of their edges)
    s_keys = s_group * width + s_value
    e_keys = e_group * width + e_value
    span_group = np.repeat(ids, [len(r.spans) for r in reqs])
    want_s = span_group * width + spans[:, 0]
    want_e = span_group * width + spans[:, 1]
    found_s = np.minimum(np.searchsorted(s_keys, want_s), len(s_keys) - 1)
    found_e = np.minimum(np.searchsorted(e_keys, want_e), len(e_keys) - 1)
    exact = (s_keys[found_s] == want_s) & (e_keys[found_e] == want_e)
    exact &= ~s_bad[found_s] & ~e_bad[found_e]
    # from an index among all edges to one among the allowed
    row = (np.cumsum(~s_bad) - 1)[found_s[exact]]
    col = (np.cumsum(~e_bad) - 1)[found_e[exact]]
    after = col >= first_end[row]
    struct_at = row_first[row[after]] + col[after] - first_end[row[after]]
    struct_group = start_group[row[after]]
    structural = np.zeros(len(score), dtype=bool)
    structural[struct_at] = True

    # the TOP_K by summed gain, and every structural span that gains at all: a whole subtree
    # or clause often loses to a composed span by a token's probability.  argpartition's
    # pick among scores tied at the K-th is its own, so it runs on each group as it was
    crowded = alive & (n_pairs > ranker.TOP_K)
    keep = np.repeat(alive & ~crowded, n_pairs)
    if crowded.any():
        gaining = struct_at[crowded[struct_group] & (score[struct_at] > 0)]
        keep[gaining] = True
        loss = -score
        top = [pair_first[g] + np.argpartition(loss[pair_first[g]:pair_first[g] + n_pairs[g]],
                                               ranker.TOP_K - 1)[:ranker.TOP_K]
               for g in np.flatnonzero(crowded).tolist()]
        keep[np.concatenate(top)] = True
    kept = np.flatnonzero(keep)
    pair_start = np.searchsorted(row_first, kept, side="right") - 1
    pair_group = start_group[pair_start]
    score, structural = score[kept], structural[kept]
    starts, ends = start_value[pair_start], end_value[pair_end[kept]]
    # best first, then shorter, then earlier (length and start as one key: start < width)
    order = np.lexsort(((ends - starts) * width + starts, -score, pair_group))
    pair_group, score, structural = pair_group[order], score[order], structural[order]
    starts, ends = starts[order], ends[order]

    # the rules' span: marked where it is a candidate, added after the group's where not
    hinted = hint_ok[pair_group] & (starts == hint_lo[pair_group]) & (ends == hint_hi[pair_group])
    added = np.flatnonzero(alive & hint_ok & (np.bincount(pair_group[hinted],
                                                          minlength=n_groups) == 0))
    if len(added):
        pair_group = np.concatenate([pair_group, added])
        starts = np.concatenate([starts, hint_lo[added]])
        ends = np.concatenate([ends, hint_hi[added]])
        score = np.concatenate([score, np.asarray([hint_gain[g] for g in added.tolist()])])
        structural = np.concatenate([structural, np.zeros(len(added), dtype=bool)])
        hinted = np.concatenate([hinted, np.ones(len(added), dtype=bool)])
        order = np.argsort(pair_group, kind="stable")
        pair_group, score, structural = pair_group[order], score[order], structural[order]
        starts, ends, hinted = starts[order], ends[order], hinted[order]
    hint_edges = np.where(hint_ok[pair_group], (starts == hint_lo[pair_group]) * 1
                          + (ends == hint_hi[pair_group]) * 2, 0).astype(np.uint64)
    pairs = np.stack([starts, ends], axis=1)

    out_rows = np.bincount(pair_group, minlength=n_groups)
    out_first = (np.cumsum(out_rows) - out_rows).tolist()
    out_rows_l = out_rows.tolist()
    chosen: list[Candidates | None] = []
    for g, r in enumerate(reqs):
        if not alive[g]:
            chosen.append(None)
            continue
        at = slice(out_first[g], out_first[g] + out_rows_l[g])
        chosen.append(Candidates(
            spans=pairs[at], gain=score[at], structural=structural[at], hinted=hinted[at],
            hint_edges=hint_edges[at], role_p=r.role_p, gain_prefix=prefix[g, :len(r.rows) + 1],
            base=r.rows.start, cue=r.cue, head=r.head, skip=r.skip))
    it = iter(chosen)
    return [None if r is None else next(it) for r in requests]


@dataclass(frozen=True, slots=True)
class Hint:
    """What the hand-written rules found for a cue, offered to the rankers."""

    cue: tuple[int, int]
    source: tuple[int, int] | None
    content: tuple[int, int] | None


def hint_for(cue: tuple[int, int], hints: Sequence[Hint]) -> Hint | None:
    return next((h for h in hints if h.cue[0] < cue[1] and cue[0] < h.cue[1]), None)


def source_request(p: Prepared, r: CueRoles, spans: np.ndarray, hint: Hint | None
                   ) -> SpanRequest:
    space = p.arrays.space[r.rows.start:r.rows.stop]
    gain = np.where(space, 0.0, r.probs[:, 1] - 0.5)
    gain[max(r.cue[0] - r.rows.start, 0):max(r.cue[1] - r.rows.start, 0)] = -1.0
    return SpanRequest(cue=r.cue, head=r.head, rows=r.rows, role_p=r.probs[:, 1], gain=gain,
                       spans=spans, inner=[r.cue], hint=hint.source if hint else None)


def source_choice(p: Prepared, r: CueRoles, spans: np.ndarray, hint: Hint | None
                  ) -> Candidates | None:
    return span_choices([source_request(p, r, spans, hint)])[0]


def content_request(p: Prepared, r: CueRoles, spans: np.ndarray,
                    source: tuple[int, int] | None, hint: Hint | None) -> SpanRequest:
    space = p.arrays.space[r.rows.start:r.rows.stop]
    gain = np.where(space, 0.0, r.probs[:, 2] - 0.5)
    # cue and source inside a content's extent cost nothing: a quotation split around its
    # cue ("'We won,' he said, 'and ...'") is one content
    inner = [r.cue]
    gain[max(r.cue[0] - r.rows.start, 0):max(r.cue[1] - r.rows.start, 0)] = 0.0
    if source is not None:
        gain[source[0] - r.rows.start:source[1] - r.rows.start] = 0.0
        inner.append(source)
    return SpanRequest(cue=r.cue, head=r.head, rows=r.rows, role_p=r.probs[:, 2], gain=gain,
                       spans=spans, inner=inner, hint=hint.content if hint else None,
                       skip=source)


def content_choice(p: Prepared, r: CueRoles, spans: np.ndarray,
                   source: tuple[int, int] | None, hint: Hint | None) -> Candidates | None:
    return span_choices([content_request(p, r, spans, source, hint)])[0]


# how far a cue's edges may move from the cue model's span: "is expected to endorse",
# "said in a statement Tuesday night"
CUE_LEFT, CUE_RIGHT = 4, 7


def cue_request(p: Prepared, cue: tuple[int, int], head: int, score: np.ndarray,
                hint: Hint | None) -> SpanRequest:
    """The spans the cue around ``head`` may take, within its sentence, near the cue
    model's span; ``score`` is each token's cue probability."""
    sent = p.sents[int(p.arrays.sent_of[head])]
    rows = range(max(sent[0], cue[0] - CUE_LEFT), min(sent[1], cue[1] + CUE_RIGHT))
    prob = score[rows.start:rows.stop]
    gain = np.where(p.arrays.space[rows.start:rows.stop], 0.0, prob - 0.5)
    return SpanRequest(cue=(head, head + 1), head=head, rows=rows, role_p=prob, gain=gain,
                       spans=np.asarray([cue], dtype=np.int64), inner=[],
                       hint=hint.cue if hint else None, gated=False,
                       starts=np.arange(rows.start, head + 1),
                       ends=np.arange(head + 1, rows.stop + 1))


def cue_choice(p: Prepared, cue: tuple[int, int], head: int, score: np.ndarray,
               hint: Hint | None) -> Candidates | None:
    return span_choices([cue_request(p, cue, head, score, hint)])[0]


def ranked_cues(doc: Doc, p: Prepared, cues: list[tuple[int, int]], score: np.ndarray,
                hints: Sequence[Hint]) -> list[tuple[int, int]]:
    """Each cue's span as the cue ranker draws it (the cue model's own without one); cues
    that come to overlap are merged."""
    scorer = ranker.models().get("cue")
    if scorer is None:
        return cues
    picks = _rank(p.arrays, span_choices([
        cue_request(p, cue, cue_head(doc, cue).i, score, hint_for(cue, hints))
        for cue in cues]), scorer)
    drawn = [pick or cue for cue, pick in zip(cues, picks, strict=True)]
    out: list[tuple[int, int]] = []
    for cue in sorted(drawn):
        if out and cue[0] < out[-1][1]:
            out[-1] = (min(out[-1][0], cue[0]), max(out[-1][1], cue[1]))
        else:
            out.append(cue)
    return out


def candidate_spans(p: Prepared, r: CueRoles) -> np.ndarray:
    return _spans_of(p.view, p.arrays, r.rows, r.cue, r.head,
                     [q for q in p.quote_tokens if r.rows.start <= q[0] and q[1] <= r.rows.stop])


def _rank(x: features.Arrays, groups: Sequence[Candidates | None],
          scorer: ranker.SpanRanker | None) -> list[tuple[int, int] | None]:
    """The ranker's best span of each group, all groups featurized and scored in one batch;
    without a ranker, the best by summed gain (each group's first).  None where a group is
    None, that is where no span gains."""
    if scorer is None:
        return [None if g is None else (int(g.spans[0, 0]), int(g.spans[0, 1]))
                for g in groups]
    present = [g for g in groups if g is not None]
    # all groups' rows scored as one array (C-ordered, as the groups' rows stacked would be)
    scores = scorer.scores(*_present_features(x, present)) if present else None
    out: list[tuple[int, int] | None] = []
    for g, rows in zip(groups, _batch_rows(groups), strict=True):
        if g is None or rows is None or scores is None:
            out.append(None)
            continue
        best = int(np.argmax(scores[rows]))
        out.append((int(g.spans[best, 0]), int(g.spans[best, 1])))
    return out


def decode_roles(p: Prepared, roles: list[CueRoles], hints: Sequence[Hint]) -> list[Found]:
    """Source, then content, of every cue: each role's candidates of all cues ranked in one
    batch."""
    rankers = ranker.models()
    spans = [candidate_spans(p, r) for r in roles]
    hint = [hint_for(r.cue, hints) for r in roles]
    sources = _rank(p.arrays, span_choices([
        source_request(p, r, s, h) if len(s) else None
        for r, s, h in zip(roles, spans, hint, strict=True)]), rankers.get("source"))
    contents = _rank(p.arrays, span_choices([
        content_request(p, r, s, src, h) if len(s) else None
        for r, s, src, h in zip(roles, spans, sources, hint, strict=True)]),
        rankers.get("content"))
    return [Found(cue=r.cue, head=r.head, source=src, content=c)
            for r, src, c in zip(roles, sources, contents, strict=True) if c is not None]


def tag(doc: Doc, quotes: Sequence[tuple[int, int]],
        hints: Sequence[Hint] = ()
        ) -> tuple[list[Found], np.ndarray]:
    """Every attribution the learned models find in ``doc``, and each token's cue chance.
    ``hints`` are what the rules found: offered to the rankers, and their cues adopted when
    the cue model half agrees."""
    m = models()
    if not m or not len(doc):
        return [], np.zeros(len(doc), dtype=np.float32)
    p = prepare(doc, quotes)
    cues, score = find_cues(doc, p.view, p.arrays, m["cue"], None, p.contextual)
    # a rule's cue the cue model scored under its threshold but at least ADOPT: two weak
    # votes make a cue, whose source and content are then drawn like the model's own; its
    # edges stay the rules' (the cue ranker, trained on the model's cues, would stretch a
    # noun cue over a date: "assertion today")
    cues = ranked_cues(doc, p, cues, score, hints)
    adopted = [h.cue for h in hints
               if not any(c[0] < h.cue[1] and h.cue[0] < c[1] for c in cues)
               and float(score[h.cue[0]:h.cue[1]].max()) >= ADOPT]
    cues = sorted(cues + adopted)
    return decode_roles(p, role_probabilities(doc, p, m["role"], cues), hints), score
