"""Text features for linking: weighted terms and spaCy's static word vectors.

Linking used to run a numpy MiniLM forward pass per event sentence: 95 of 110 s of a 40-article
``extract``.  The parse has already paid for en_core_web_md's 300-d static vectors, so linking
reads those instead (a table lookup per word, no network, no extra model), and scores lexical
overlap with TF-IDF over the words the store has seen.  ``docs/accuracy/link.md`` has the
accuracy and speed of each choice.

The vector table is the one the loaded pipeline holds; :func:`word_vectors` loads only the
model's vocabulary (no pipes) when no pipeline is loaded yet, e.g. for ``pressgraph relink``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from pressgraph.extract.claims.vocab import fold

_WORD = re.compile(r"[a-z0-9]+(?:['.-][a-z0-9]+)*")
DIM = 300


def words(text: str) -> list[str]:
    """Lower-cased content words: stop words, one-letter words and bare numbers are dropped."""
    lowered = text.lower()
    # Folding accents costs a pass per character: only texts that have any pay it.
    return [w for w in _WORD.findall(lowered if lowered.isascii() else fold(lowered))
            if len(w) > 1 and w not in STOP_WORDS and not w.replace(".", "").isdigit()]


def term_counts(text: str) -> Counter[str]:
    return Counter(words(text))


def idf(df: int, n_docs: int) -> float:
    return math.log((n_docs + 1) / (df + 1)) + 1.0


def tfidf(counts: Mapping[str, int], df: Mapping[str, int], n_docs: int, keep: int
          ) -> dict[str, float]:
    """Unit-length sublinear TF-IDF over the ``keep`` heaviest terms (ties by term, so the
    vector never depends on dict order)."""
    weights = {t: (1.0 + math.log(k)) * idf(df.get(t, 0), n_docs) for t, k in counts.items()}
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {t: round(w / norm, 6) for t, w in top}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


class WordVectors:
    """Static word vectors from a spaCy vocabulary, looked up in one batch per text."""

    def __init__(self, vocab: object) -> None:
        self.vocab = vocab
        self.table: np.ndarray = np.asarray(vocab.vectors.data, dtype=np.float32)  # type: ignore[attr-defined]

    def rows(self, tokens: Iterable[str]) -> np.ndarray:
        strings = self.vocab.strings  # type: ignore[attr-defined]
        keys = [strings[t] for t in tokens]  # the hash; unseen words are not added
        if not keys:
            return np.zeros(0, dtype=np.int64)
        found: np.ndarray = self.vocab.vectors.find(keys=keys)  # type: ignore[attr-defined]
        return found

    def mean(self, weighted: Mapping[str, float]) -> np.ndarray | None:
        """Unit-length weighted mean of the words' vectors (None when no word has one)."""
        terms = sorted(weighted)
        rows = self.rows(terms)
        known = rows >= 0
        if not known.any():
            return None
        weights = np.array([weighted[t] for t in terms], dtype=np.float32)[known]
        vec = (self.table[rows[known]] * weights[:, None]).sum(0)
        norm = float(np.linalg.norm(vec))
        return (vec / norm).astype(np.float32) if norm else None

    def word(self, token: str) -> np.ndarray | None:
        rows = self.rows([token.lower()])
        if not len(rows) or rows[0] < 0:
            return None
        vec = self.table[rows[0]]
        norm = float(np.linalg.norm(vec))
        return (vec / norm).astype(np.float32) if norm else None


@cache
def word_vectors(model: str | None = None) -> WordVectors:
    """The vectors of ``model`` (default en_core_web_md): the loaded pipeline's when there is
    one, else the model's vocabulary alone (about a second, no pipes)."""
    from pressgraph.nlp import load_pipeline

    if load_pipeline.cache_info().currsize:
        return WordVectors(load_pipeline(model).vocab)
    import spacy

    from pressgraph.nlp import DEFAULT_MODEL, default_model_path

    name = model or DEFAULT_MODEL
    nlp = spacy.load(default_model_path() if name == DEFAULT_MODEL else name,
                     exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer",
                              "ner", "senter", "morphologizer", "transformer"])
    return WordVectors(nlp.vocab)


def to_blob(vec: np.ndarray | None) -> bytes | None:
    return None if vec is None else np.asarray(vec, dtype=np.float16).tobytes()


def from_blob(blob: bytes | None) -> np.ndarray | None:
    if blob is None:
        return None
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)
