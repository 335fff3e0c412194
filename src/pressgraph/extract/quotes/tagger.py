"""A learned attribution tagger: cue tokens first, then the source and content of each cue.

Two small wide-and-deep classifiers, learned on the PolNeAR train split by
``scripts/train_quote_tagger.py`` and shipped as ``tagger.npz``:

* the **cue** model labels every token O, B (begins a cue) or I (inside one);
* the **role** model labels every token near a cue S (in its source), C (in its content) or
  O, given that cue.

Each is a linear model over sparse string features (word, lemma, dependency, the path between
token and cue) plus a one-hidden-layer network over dense ones: the token's contextual vector
from the pipeline's shared ``tok2vec`` (``doc.tensor``) and its static word vector.  The
contextual and static vectors let the cue model generalise past the cue words seen in
training ("lambasted" is near "criticized"), which a lexicon cannot; the path features carry
the structure ("the subject of the cue", "the clause the cue interrupts").  Inference is a
few numpy matrix products, no deep-learning runtime.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from spacy.tokens import Doc, Token

CUE_LABELS = ("O", "B", "I")
ROLE_LABELS = ("O", "S", "C")
_MAIN_DEPS = frozenset({"ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "prep", "poss",
                        "agent", "dative", "advcl", "parataxis", "acl", "relcl", "pobj"})
_SKIP_POS = frozenset({"SPACE", "DET", "NUM", "SYM", "X"})


# --------------------------------------------------------------------------- features

@dataclass(frozen=True, slots=True)
class View:
    """The token attributes the features read, as plain lists: indexing a spaCy ``Doc``
    builds a ``Token`` object each time, which made feature extraction several times
    slower."""

    lower: list[str]
    lemma: list[str]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    ent: list[str]
    head: list[int]
    space: list[bool]
    children: list[list[int]]
    left: list[int]  # first token of the subtree
    right: list[int]  # last token of the subtree
    quoted: list[int]  # index of the quotation holding the token, or -1
    sent_of: list[int]

    def chain(self, i: int) -> list[int]:
        """``i`` and its ancestors up to the root."""
        out = [i]
        while self.head[i] != i and len(out) < 64:
            i = self.head[i]
            out.append(i)
        return out


def quote_depth(doc: Doc, quotes: Sequence[tuple[int, int]]) -> np.ndarray:
    """For each token, the index of the quotation holding it, or -1."""
    inside = np.full(len(doc), -1, dtype=np.int32)
    if not len(doc):
        return inside
    starts = np.fromiter((t.idx for t in doc), dtype=np.int64, count=len(doc))
    for k, (qs, qe) in enumerate(quotes):
        lo, hi = np.searchsorted(starts, qs), np.searchsorted(starts, qe)
        inside[lo:hi] = k
    return inside


def view(doc: Doc, quotes: Sequence[tuple[int, int]]) -> View:
    n = len(doc)
    lower, lemma, pos, tag, dep, ent = ([""] * n for _ in range(6))
    head, left, right = [0] * n, [0] * n, [0] * n
    space = [False] * n
    children: list[list[int]] = [[] for _ in range(n)]
    for t in doc:  # one Token object per token: reading them is the cost here
        i = t.i
        lower[i], lemma[i], pos[i], tag[i], dep[i], ent[i] = (
            t.lower_, t.lemma_.lower(), t.pos_, t.tag_, t.dep_, t.ent_type_)
        head[i], left[i], right[i], space[i] = t.head.i, t.left_edge.i, t.right_edge.i, t.is_space
        if head[i] != i:
            children[head[i]].append(i)
    _, sent_of = sentence_index(doc)
    return View(lower=lower, lemma=lemma, pos=pos, tag=tag, dep=dep, ent=ent, head=head,
                space=space, children=children, left=left, right=right,
                quoted=quote_depth(doc, quotes).tolist(), sent_of=sent_of.tolist())


def cue_features(v: View, i: int) -> list[str]:
    n = len(v.lower)
    w, lemma, dep = v.lower[i], v.lemma[i], v.dep[i]
    h = v.head[i]
    prev = v.lower[i - 1] if i > 0 else "<s>"
    nxt = v.lower[i + 1] if i + 1 < n else "</s>"
    prev2 = v.lower[i - 2] if i > 1 else "<s>"
    nxt2 = v.lower[i + 2] if i + 2 < n else "</s>"
    feats = [
        "b", "w=" + w, "l=" + lemma, "p=" + v.pos[i], "t=" + v.tag[i], "d=" + dep,
        "ld=" + lemma + "|" + dep, "lp=" + lemma + "|" + v.pos[i],
        "hl=" + v.lemma[h], "hd=" + v.dep[h], "hp=" + v.pos[h],
        "dhd=" + dep + "|" + v.dep[h],
        "w-1=" + prev, "w+1=" + nxt, "w-2=" + prev2, "w+2=" + nxt2,
        "lw+1=" + lemma + "|" + nxt, "w-1l=" + prev + "|" + lemma,
        "q=" + str(v.quoted[i] >= 0), "e=" + v.ent[i],
        "hq=" + str(v.quoted[h] >= 0),
    ]
    for c in v.children[i]:
        cd = v.dep[c]
        if cd in _MAIN_DEPS:
            feats.append("c=" + cd)
            feats.append("lc=" + lemma + "|" + cd)
            if cd in ("prep", "agent", "dative"):
                feats.append("cw=" + cd + "|" + v.lower[c])
                feats.append("lcw=" + lemma + "|" + v.lower[c])
    return feats


def _path(v: View, cue: int, tok: int) -> str:
    """The dependency path from the cue's head to ``tok``: up-labels, then the first label
    down ("nsubj", "ccomp", "^parataxis>nsubj")."""
    if tok == cue:
        return "self"
    chain = v.chain(tok)
    up: list[str] = []
    a = cue
    for _ in range(4):
        if a != tok and a in chain:
            down = chain[chain.index(a) - 1]
            return "^" * bool(up) + ">".join(up) + ">" * bool(up) + v.dep[down]
        if v.head[a] == a:
            break
        up.append(v.dep[a])
        a = v.head[a]
        if a == tok:
            return "^" + ">".join(up) + ">self"
    return "far"


def _bucket(n: int) -> str:
    m = abs(n)
    b = str(m) if m <= 5 else "6-10" if m <= 10 else "11-20" if m <= 20 else "21+"
    return ("-" if n < 0 else "+") + b


def role_features(v: View, cue: tuple[int, int], head: int, i: int) -> list[str]:
    path = _path(v, head, i)
    cl = v.lemma[head]
    pos = "in" if cue[0] <= i < cue[1] else "before" if i < cue[0] else "after"
    rel = _bucket(i - head)
    sd = v.sent_of[i] - v.sent_of[head]
    same_quote = v.quoted[i] >= 0 and v.quoted[i] == v.quoted[head]
    q = "same" if same_quote else str(v.quoted[i] >= 0)
    w = v.lower[i]
    prev = v.lower[i - 1] if i > 0 else "<s>"
    nxt = v.lower[i + 1] if i + 1 < len(v.lower) else "</s>"
    return [
        "b", "path=" + path, "pathl=" + path + "|" + cl, "pathp=" + path + "|" + v.pos[head],
        "pos=" + pos, "rel=" + rel, "relp=" + rel + "|" + path, "sd=" + str(max(min(sd, 2), -2)),
        "q=" + q, "qp=" + q + "|" + pos, "w=" + w, "wp=" + w + "|" + pos,
        "tp=" + v.pos[i], "td=" + v.dep[i], "tdp=" + v.dep[i] + "|" + path,
        "w-1=" + prev + "|" + pos, "w+1=" + nxt + "|" + pos,
        "cd=" + v.dep[head] + "|" + pos, "cl=" + cl + "|" + pos,
        "e=" + v.ent[i] + "|" + pos, "hd=" + v.dep[v.head[i]] + "|" + pos,
    ]


# Tokens further from the cue are rarely its source or content (a long quotation is taken
# whole from its quotation marks); the bounds halve the role model's work.
WINDOW_BEFORE = 30
WINDOW_AFTER = 50


def window(v: View, head: int, sents: Sequence[tuple[int, int]]) -> range:
    """Tokens of the cue's sentence and the sentences on either side of it."""
    k = v.sent_of[head]
    lo = sents[max(k - 1, 0)][0]
    hi = sents[min(k + 1, len(sents) - 1)][1]
    return range(max(lo, head - WINDOW_BEFORE), min(hi, head + WINDOW_AFTER))


# --------------------------------------------------------------------------- model

@dataclass(frozen=True, slots=True)
class WideDeep:
    """logits = sum of sparse feature rows + relu(dense @ w1 + b1) @ w2 + b"""

    index: dict[str, int]
    sparse: np.ndarray  # (n_features, n_labels)
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    bias: np.ndarray

    def logits(self, feats: Sequence[Sequence[str]], dense: np.ndarray) -> np.ndarray:
        out = np.maximum(dense @ self.w1 + self.b1, 0.0) @ self.w2 + self.bias
        if not feats:
            return out
        get = self.index.get
        rows = np.fromiter((get(f, -1) for fs in feats for f in fs), dtype=np.int64)
        seg = np.repeat(np.arange(len(feats)), [len(fs) for fs in feats])
        known = rows >= 0
        rows, seg = rows[known], seg[known]
        # rows are grouped by example in order, so one segmented sum adds them up
        starts = np.searchsorted(seg, np.arange(len(feats)))
        sums = np.add.reduceat(self.sparse[rows], np.minimum(starts, len(rows) - 1), axis=0)
        has = np.bincount(seg, minlength=len(feats)) > 0
        out[has] += sums[has]
        return out

    def probabilities(self, feats: Sequence[Sequence[str]], dense: np.ndarray) -> np.ndarray:
        z = self.logits(feats, dense)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def save(path: str, models: dict[str, WideDeep]) -> None:
    arrays: dict[str, np.ndarray] = {}
    for name, m in models.items():
        names = sorted(m.index, key=m.index.__getitem__)
        arrays[f"{name}.features"] = np.array(names, dtype=np.str_)
        arrays[f"{name}.sparse"] = m.sparse.astype(np.float16)
        for field in ("w1", "b1", "w2", "bias"):
            arrays[f"{name}.{field}"] = getattr(m, field).astype(np.float32)
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def load(path: str | os.PathLike[str]) -> dict[str, WideDeep]:
    with np.load(path) as data:
        out = {}
        for name in {k.split(".", 1)[0] for k in data.files}:
            feats = data[f"{name}.features"]
            out[name] = WideDeep(
                index={str(f): j for j, f in enumerate(feats)},
                sparse=data[f"{name}.sparse"].astype(np.float32),
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


def token_vectors(doc: Doc) -> np.ndarray:
    """Static word vectors, unit length (zeros for words without one)."""
    if not len(doc):
        return np.zeros((0, 300), np.float32)
    vecs = np.stack([np.asarray(t.vector, dtype=np.float32) for t in doc])
    norm = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norm, 1e-6)


def contextual(doc: Doc) -> np.ndarray:
    tensor = doc.tensor
    if tensor is None or tensor.shape[0] != len(doc) or not tensor.size:
        return np.zeros((len(doc), 96), dtype=np.float32)
    return np.asarray(tensor, dtype=np.float32)


def cue_dense(ctx: np.ndarray, vecs: np.ndarray) -> np.ndarray:
    return np.hstack([ctx, vecs])


def pair_dense(tok: np.ndarray, cue: np.ndarray) -> np.ndarray:
    """Dense input of the role model: the token's and the cue's contextual vectors and
    their product (works for one row or many)."""
    cue = np.broadcast_to(cue, tok.shape)
    return np.hstack([tok, cue, tok * cue])


def sentence_index(doc: Doc) -> tuple[list[tuple[int, int]], np.ndarray]:
    sents = [(s.start, s.end) for s in doc.sents] if len(doc) else []
    sent_of = np.zeros(len(doc), dtype=np.int32)
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


def cue_candidates(v: View) -> list[int]:
    return [i for i, p in enumerate(v.pos) if p not in _SKIP_POS and not v.space[i]]


def find_cues(doc: Doc, v: View, model: WideDeep, vecs: np.ndarray, ctx: np.ndarray
              ) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Cue spans (token ranges), and each token's chance of being in a cue."""
    score = np.zeros(len(doc), dtype=np.float32)
    cands = cue_candidates(v)
    if not cands:
        return [], score
    feats = [cue_features(v, i) for i in cands]
    probs = model.probabilities(feats, cue_dense(ctx[cands], vecs[cands]))
    score[cands] = probs[:, 1] + probs[:, 2]
    spans: list[tuple[int, int]] = []
    cur: list[int] | None = None
    prev = -2
    for i, (_, p_b, p_i) in zip(cands, probs.tolist(), strict=True):
        inside = p_b + p_i >= CUE_THRESHOLD
        joined = cur is not None and p_i >= p_b and all(
            v.pos[j] in _SKIP_POS or v.space[j] for j in range(prev + 1, i))
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


def _spans_of(v: View, rows: range, cue: tuple[int, int], head: int,
              quotes_in: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The token ranges a source or content may take: dependency subtrees, the right part of
    a phrase from any word on, the parts of a clause on either side of a parenthetical cue,
    and quotations (with a "that" before them)."""
    lo_w, hi_w = rows.start, rows.stop
    out: set[tuple[int, int]] = set()
    for i in rows:
        h = v.head[i]
        out.add((i, i + 1))
        out.add((v.left[i], v.right[i] + 1))
        out.add((i, v.right[i] + 1))
        if h != i:
            out.add((i, v.right[h] + 1))
            out.add((v.left[h], i + 1))
    governor = v.head[head]
    lo, hi = v.left[governor], v.right[governor] + 1
    out.add((lo, cue[0]))
    out.add((cue[1], hi))
    # the clause before a cue may open after a dateline or a colon ("NDOLA, Jan 8 - ...")
    starts = [lo] + [j + 1 for j in range(lo, cue[0]) if v.lower[j] in _OPENERS]
    for j in range(lo, cue[0]):
        for start in starts:
            if start < j:
                out.add((start, j))
    for j in range(cue[1], hi):
        out.add((j, hi))
    for q in quotes_in:
        out.add(q)
        if q[0] > 0 and v.lower[q[0] - 1] in ("that", "whether"):
            out.add((q[0] - 1, q[1]))
    return {(max(a, lo_w), min(b, hi_w)) for a, b in out if min(b, hi_w) > max(a, lo_w)}


def _snap(spans: set[tuple[int, int]], gain: np.ndarray, base: int
          ) -> tuple[int, int] | None:
    """The span with the largest summed gain (probability minus one half per token)."""
    prefix = np.concatenate([[0.0], np.cumsum(gain)])
    best, best_score = None, 0.0
    for a, b in spans:
        score = prefix[b - base] - prefix[a - base]
        if score > best_score or (score == best_score and best is not None
                                  and (b - a) < (best[1] - best[0])):
            best, best_score = (a, b), score
    return best


def _decode_roles(v: View, cue: tuple[int, int], head: int, rows: range, probs: np.ndarray,
                  quote_tokens: list[tuple[int, int]]) -> Found | None:
    space = np.asarray(v.space[rows.start:rows.stop], dtype=bool)
    in_cue = np.zeros(len(rows), dtype=bool)
    in_cue[max(cue[0] - rows.start, 0):max(cue[1] - rows.start, 0)] = True
    spans = _spans_of(v, rows, cue, head,
                      [q for q in quote_tokens if rows.start <= q[0] and q[1] <= rows.stop])
    source_gain = np.where(space, 0.0, probs[:, 1] - 0.5)
    source_gain[in_cue] = -1.0
    source = _snap(spans, source_gain, rows.start)
    content_gain = np.where(space, 0.0, probs[:, 2] - 0.5)
    # cue and source inside a content's extent cost nothing: a quotation split around its
    # cue ("'We won,' he said, 'and ...'") is one content
    content_gain[in_cue] = 0.0
    inner = [cue]
    if source is not None:
        content_gain[source[0] - rows.start:source[1] - rows.start] = 0.0
        inner.append(source)
    # ... but a content neither starts nor ends inside them: it holds them whole or not at all
    spans = {(a, b) for a, b in spans
             if not any(lo <= a < hi or lo < b <= hi for lo, hi in inner)}
    content = _snap(spans, content_gain, rows.start)
    if content is None:
        return None
    return Found(cue=cue, head=head, source=source, content=content)


def tag(doc: Doc, quotes: Sequence[tuple[int, int]]) -> tuple[list[Found], np.ndarray]:
    """Every attribution the learned models find in ``doc``, and each token's cue chance."""
    m = models()
    if not m or not len(doc):
        return [], np.zeros(len(doc), dtype=np.float32)
    v = view(doc, quotes)
    ctx = contextual(doc)
    sents, _ = sentence_index(doc)
    quote_tokens = []
    for qs, qe in quotes:
        span = doc.char_span(qs, qe, alignment_mode="expand")
        if span is not None and len(span):
            quote_tokens.append((span.start, span.end))
    cues, score = find_cues(doc, v, m["cue"], token_vectors(doc), ctx)
    if not cues:
        return [], score
    # one pass of the role model over the windows of all cues
    heads = [cue_head(doc, cue).i for cue in cues]
    windows = [window(v, h, sents) for h in heads]
    feats = [role_features(v, cue, h, i)
             for cue, h, rows in zip(cues, heads, windows, strict=True) for i in rows]
    dense = np.vstack([pair_dense(ctx[rows.start:rows.stop], ctx[h])
                       for h, rows in zip(heads, windows, strict=True)])
    probs = m["role"].probabilities(feats, dense)
    found = []
    at = 0
    for cue, h, rows in zip(cues, heads, windows, strict=True):
        f = _decode_roles(v, cue, h, rows, probs[at:at + len(rows)], quote_tokens)
        at += len(rows)
        if f is not None:
            found.append(f)
    return found, score
