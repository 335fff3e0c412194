"""The learned half of ACLED typing: a softmax-linear model over one stretch of text.

Trigger verbs alone cannot tell a grenade from a roadside bomb, a dispersed protest from a
peaceful one, or an earthquake from a shelling, so each sentence is typed whole: its spaCy
word-vector mean (en_core_web_md's 300-d vectors are already in the parse), a hashed bag of
its lemmas (weapons, crowds and outcomes are words) and entity labels, and what the rules coded
in it (the top candidate's PLOVER type, mode, trigger and rule ACLED sub-event type).  A linear
map of that is cheap at pipeline speed (one small matrix product a document) and is trained in
seconds on ``eval/gold/acled/train.jsonl``, the PLOVER gold and first sentences of ordinary
news (``scripts/train_acled_typer.py``).

Labels: the 25 ACLED sub-event types, the five non-conflict ``other_type`` values and
``none``.  Weights ship as ``acled_typer.npz`` beside this file.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
from spacy.attrs import LEMMA, ORTH, POS
from spacy.strings import StringStore
from spacy.tokens import Doc, Span

from pressgraph.extract.events.coder import Candidate, acled_type
from pressgraph.nlp.columns import words as doc_words

SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory",
                "Non-state actor overtakes territory"),
    "Explosions/Remote violence": ("Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack",
                                   "Remote explosive/landmine/IED", "Grenade"),
    "Violence against civilians": ("Sexual violence", "Attack",
                                   "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention",
                 "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": ("Agreement", "Arrests", "Change to group/activity",
                               "Disrupted weapons use", "Headquarters or base established",
                               "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"),
}
EVENT_TYPE_OF = {sub: etype for etype, subs in SUB_EVENT_TYPES.items() for sub in subs}
OTHER_TYPES = ("natural_disaster", "accident", "diplomatic_visit", "crime",
               "responsibility_claim")
NONE = "none"
LABELS: tuple[str, ...] = (*EVENT_TYPE_OF, *OTHER_TYPES, NONE)
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
HASH_DIM = 2048
VECTOR_DIM = 300
# Dense slots: rule sub-event type (+ none), PLOVER type (+ none), factuality.
RULE_SUBS = (*EVENT_TYPE_OF, NONE)
FACTUALITY = ("asserted", "negated", "hypothetical", "future")
DIM = VECTOR_DIM + HASH_DIM + len(RULE_SUBS) + len(PLOVER_TYPES) + 1 + len(FACTUALITY)
WEIGHTS_FILE = "acled_typer.npz"
SKIP_POS = frozenset({"PUNCT", "DET", "ADP", "CCONJ", "SCONJ", "PART", "SPACE", "NUM", "AUX"})


def _bucket(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % HASH_DIM


GENERIC_SUBS = frozenset({None, "Armed clash", "Other"})


def best_candidate(cands: Sequence[Candidate]) -> Candidate | None:
    """The rules' event for a stretch of text: asserted before not, one whose weapon or act
    the rules could name before a bare kill/clash ("shelling struck ..., killing 14": the
    shelling), then the top-scored."""
    live = [c for c in cands if not c.suppressed and c.event_type]
    if not live:
        return None
    return max(live, key=lambda c: (c.factuality == "asserted",
                                    acled_type(c)[1] not in GENERIC_SUBS, c.score))


@functools.cache
def _skip_pos_ids() -> frozenset[int]:
    from spacy.symbols import IDS

    return frozenset(IDS[pos] for pos in SKIP_POS)


@dataclass(frozen=True, slots=True)
class DocColumns:
    """What the typer reads of a document, read once: token vectors, lemma and POS ids."""

    vectors: np.ndarray  # (tokens, VECTOR_DIM)
    lemmas: np.ndarray  # lemma hash per token
    content: np.ndarray  # bool: a word the bag counts (not a function word)
    entity_starts: np.ndarray  # first token of each named entity, in order
    entity_buckets: tuple[int, ...]  # the bag bucket of each entity's label


def doc_columns(doc: Doc) -> DocColumns:
    table = doc.vocab.vectors
    cols = doc.to_array([ORTH, LEMMA, POS])
    if table.shape[0] == 0 or table.shape[1] != VECTOR_DIM:
        vectors = np.zeros((len(doc), VECTOR_DIM), dtype=np.float32)
    else:
        # Vectors.find converts each numpy key on its own: the dict read directly is the same
        row_of = table.key2row.get
        rows = np.array([row_of(key, -1) for key in cols[:, 0].tolist()], dtype=np.int32)
        vectors = np.asarray(np.asarray(table.data)[np.maximum(rows, 0)], dtype=np.float32)
        vectors[rows < 0] = 0.0
    skip = np.fromiter(_skip_pos_ids(), dtype=cols.dtype)
    # Doc.ents walks the whole document on every read: read it once, not once a sentence.
    ents = doc_words(doc).ents
    return DocColumns(vectors, cols[:, 1], ~np.isin(cols[:, 2], skip),
                      np.array([e.start for e in ents], dtype=np.int64),
                      tuple(_bucket(f"ent={e.label_}") for e in ents))


def _lemma_bucket(strings: StringStore, lemma: int, cache: dict[int, int] = {}) -> int:  # noqa: B006
    """Bucket of a lemma id, cached (the lowercasing and hashing of a word happen once)."""
    found = cache.get(lemma)
    if found is None:
        found = cache[lemma] = _bucket(strings[lemma].lower())
    return found


def features(span: Span, rule: Candidate | None, columns: DocColumns | None = None) -> np.ndarray:
    """One row of the model's input for ``span`` (a sentence or a whole description).

    ``columns`` (from :func:`doc_columns`) lets a document's sentences share one read."""
    if columns is None:
        columns = doc_columns(span.doc)
    row = np.zeros(DIM, dtype=np.float32)
    if len(span):
        vec = columns.vectors[span.start:span.end].mean(axis=0)
        norm = float(np.linalg.norm(vec))
        if norm > 0:
            row[:VECTOR_DIM] = vec / norm
    # Word pairs were tried and cost 5 points of cross-validated accuracy (sparser buckets).
    strings = span.doc.vocab.strings
    lemmas = columns.lemmas[span.start:span.end][columns.content[span.start:span.end]]
    buckets = [_lemma_bucket(strings, int(lemma)) for lemma in lemmas]
    # Named groups and states make a killing an attack rather than a crime (+1.7 CV points).
    first, last = np.searchsorted(columns.entity_starts, (span.start, span.end))
    buckets.extend(columns.entity_buckets[first:last])
    if rule is not None:
        buckets.append(_bucket(f"mode={rule.mode}"))
        buckets.append(_bucket(f"trigger={rule.token.lemma_.lower()}"))
    if buckets:
        row[VECTOR_DIM + np.array(buckets)] = 1.0 / np.sqrt(len(buckets))
    offset = VECTOR_DIM + HASH_DIM
    sub = acled_type(rule)[1] if rule is not None else None
    row[offset + RULE_SUBS.index(sub if sub in EVENT_TYPE_OF else NONE)] = 1.0
    offset += len(RULE_SUBS)
    plover = rule.event_type if rule is not None else None
    row[offset + (PLOVER_TYPES.index(plover) if plover in PLOVER_TYPES else len(
        PLOVER_TYPES))] = 1.0
    offset += len(PLOVER_TYPES) + 1
    if rule is not None and rule.factuality in FACTUALITY:
        row[offset + FACTUALITY.index(rule.factuality)] = 1.0
    return row


@dataclass(frozen=True, slots=True)
class Typer:
    """A trained softmax-linear model: ``probabilities(rows)`` gives one row per input."""

    weights: np.ndarray  # (DIM, len(labels))
    bias: np.ndarray  # (len(labels),)
    labels: tuple[str, ...] = LABELS

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        logits = rows @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        return logits

    def save(self, path: str) -> None:
        np.savez_compressed(path, weights=self.weights.astype(np.float16),
                            bias=self.bias.astype(np.float32), labels=np.array(self.labels),
                            hash_dim=np.array(HASH_DIM))


def train(rows: np.ndarray, labels: Sequence[str], *, label_set: Sequence[str] = LABELS,
          l2: float = 1e-4, epochs: int = 250, learning_rate: float = 0.05,
          seed: int = 0) -> Typer:
    """Multinomial logistic regression, class-balanced, full-batch Adam (deterministic)."""
    index = {name: i for i, name in enumerate(label_set)}
    y = np.array([index[label] for label in labels])
    n, k = len(y), len(label_set)
    counts = np.bincount(y, minlength=k).astype(np.float32)
    sample_weight = (n / (k * np.maximum(counts, 1.0)))[y]
    sample_weight /= sample_weight.sum()
    onehot = np.zeros((n, k), dtype=np.float32)
    onehot[np.arange(n), y] = 1.0
    rng = np.random.default_rng(seed)
    weights = rng.normal(0.0, 0.01, (rows.shape[1], k)).astype(np.float32)
    bias = np.zeros(k, dtype=np.float32)
    moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros_like(bias),
               np.zeros_like(bias)]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, epochs + 1):
        probs = Typer(weights, bias).probabilities(rows)
        delta = (probs - onehot) * sample_weight[:, None]
        grad_w = rows.T @ delta + l2 * weights
        grad_b = delta.sum(axis=0)
        for param, grad, m, v in ((weights, grad_w, moments[0], moments[1]),
                                  (bias, grad_b, moments[2], moments[3])):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            m_hat = m / (1 - beta1 ** step)
            v_hat = v / (1 - beta2 ** step)
            param -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return Typer(weights, bias, tuple(label_set))


@functools.cache
def shipped_typer() -> Typer | None:
    """The packaged model, or None when the weights file is missing (rules alone then)."""
    ref = resources.files(__package__).joinpath(WEIGHTS_FILE)
    if not ref.is_file():
        return None
    with resources.as_file(ref) as path, np.load(path) as data:
        if int(data["hash_dim"]) != HASH_DIM or tuple(str(s) for s in data["labels"]) != LABELS:
            return None
        return Typer(np.asarray(data["weights"], dtype=np.float32),
                     np.asarray(data["bias"], dtype=np.float32))


__all__ = [
    "EVENT_TYPE_OF",
    "LABELS",
    "NONE",
    "OTHER_TYPES",
    "SUB_EVENT_TYPES",
    "DocColumns",
    "Typer",
    "best_candidate",
    "doc_columns",
    "features",
    "shipped_typer",
    "train",
]
