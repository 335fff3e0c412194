"""The numpy MiniLM encoder behind the ACLED evaluation's nearest-description baseline."""

from __future__ import annotations

import numpy as np

from pressgraph.nlp.minilm import encode


def test_minilm_numpy_embeddings_put_paraphrases_together() -> None:
    vecs = encode(["More than 100 ISIS prisoners escaped in Syria.",
                   "Over a hundred Islamic State detainees broke out of jails in Syria.",
                   "The football team won the cup final on Sunday."])
    assert vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > 0.5 > vecs[0] @ vecs[2]
