"""The learned attribution tagger: model file, decoding, and what it adds to the rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pressgraph.extract.quotes import tagger


def test_shipped_model_loads() -> None:
    models = tagger.models()
    assert set(models) == {"cue", "role"}
    for m in models.values():
        assert len(m.index) > 10_000  # learned on PolNeAR train, not an empty stand-in
        assert m.sparse.shape == (len(m.index), 3)
        assert m.w1.shape[1] == m.w2.shape[0]
    assert models["cue"].w1.shape[0] == 96 + 300  # tok2vec output + static vector
    assert models["role"].w1.shape[0] == 3 * 96


def test_save_load_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    model = tagger.WideDeep(
        index={"b": 0, "w=said": 1}, sparse=rng.standard_normal((2, 3)).astype(np.float32),
        w1=rng.standard_normal((4, 5)).astype(np.float32), b1=np.zeros(5, np.float32),
        w2=rng.standard_normal((5, 3)).astype(np.float32), bias=np.zeros(3, np.float32))
    path = tmp_path / "m.npz"
    tagger.save(str(path), {"cue": model})
    loaded = tagger.load(path)["cue"]
    dense = rng.standard_normal((2, 4)).astype(np.float32)
    feats = [["b", "w=said", "unseen"], ["b"]]
    # float16 storage of the sparse weights: equal to three decimals
    assert np.allclose(loaded.probabilities(feats, dense), model.probabilities(feats, dense),
                       atol=1e-3)
    probs = loaded.probabilities(feats, dense)
    assert np.allclose(probs.sum(axis=1), 1.0)


def test_snap_takes_the_span_of_largest_gain() -> None:
    gain = np.array([-0.4, 0.3, 0.4, -0.1, 0.2, -0.5])
    spans = {(0, 3), (1, 3), (1, 5), (4, 5), (0, 6)}
    assert tagger._snap(spans, gain, base=0) == (1, 5)  # 0.8 beats 0.7 for (1, 3)
    assert tagger._snap({(0, 1), (5, 6)}, gain, base=0) is None  # nothing gains


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from pressgraph.nlp import load_pipeline

    return load_pipeline()


@pytest.mark.slow
def test_tagger_finds_a_cue_outside_the_lexicon(nlp) -> None:  # type: ignore[no-untyped-def]
    from pressgraph.extract.quotes.marks import find_quotes

    text = ("The mayor of Lakeview lambasted the county board for closing two clinics, "
            "calling the vote a betrayal of working families.")
    doc = nlp(text)
    found, _ = tagger.tag(doc, find_quotes(text))
    cues = {doc[f.cue[0]:f.cue[1]].text: f for f in found}
    assert "lambasted" in cues
    f = cues["lambasted"]
    assert f.source is not None and doc[f.source[0]:f.source[1]].text == "The mayor of Lakeview"
    assert doc[f.content[0]:f.content[1]].text.startswith("the county board")
