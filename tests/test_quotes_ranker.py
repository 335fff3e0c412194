"""The span rankers: candidates, batched features, model file, and what they change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pressgraph.extract.quotes import features, ranker, tagger


def test_shipped_rankers_load() -> None:
    models = ranker.models()
    assert set(models) == {"cue", "source", "content"}
    for m in models.values():
        assert m.table.shape == (ranker.TABLE_SIZE,)
        assert m.dense.shape == (ranker.N_DENSE,)
        assert np.count_nonzero(m.table) > 1000  # learned, not an empty stand-in


def test_mix_templates_is_mix_with_zero_padding() -> None:
    a = np.arange(6, dtype=np.uint64)
    b = a * np.uint64(7)
    keys = features.mix_templates(100, [(a, b), (b, a, a), (a,)], 6)
    zero = np.uint64(0)
    assert keys.shape == (6, 3)
    assert (keys[:, 0] == features.mix(100, a, b, zero)).all()
    assert (keys[:, 1] == features.mix(101, b, a, a)).all()
    assert (keys[:, 2] == features.mix(102, a, zero, zero)).all()


def test_save_load_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    model = ranker.SpanRanker(table=rng.standard_normal(ranker.TABLE_SIZE).astype(np.float32),
                              dense=rng.standard_normal(ranker.N_DENSE).astype(np.float32))
    path = tmp_path / "r.npz"
    ranker.save(str(path), {"content": model})
    loaded = ranker.load(path)["content"]
    keys = np.array([[1, 2**40 + 5], [7, 9]], dtype=np.uint64)
    dense = rng.standard_normal((2, ranker.N_DENSE)).astype(np.float32)
    expected = model.table[[[1, 5], [7, 9]]].sum(axis=1) + dense @ model.dense
    assert np.allclose(model.scores(keys, dense), expected, atol=1e-5)
    assert np.allclose(loaded.scores(keys, dense), expected, atol=1e-2)  # float16 storage


def test_weights_of_other_features_are_refused(tmp_path: Path) -> None:
    old = ranker.SpanRanker(table=np.zeros(ranker.TABLE_SIZE, dtype=np.float32),
                            dense=np.zeros(ranker.N_DENSE - 2, dtype=np.float32))
    path = tmp_path / "old.npz"
    ranker.save(str(path), {"content": old})
    with pytest.raises(ValueError, match="retrain"):
        ranker.load(path)


@pytest.fixture(scope="module")
def prepared():  # type: ignore[no-untyped-def]
    from pressgraph.nlp import load_pipeline

    text = ("Officials in Marden said on Monday that the bridge would reopen in May, "
            "and the mayor told reporters the repairs had cost more than expected.")
    doc = load_pipeline()(text)
    return doc, tagger.prepare(doc, [])


def _roles(doc, p):  # type: ignore[no-untyped-def]
    said = next(t.i for t in doc if t.text == "said")
    told = next(t.i for t in doc if t.text == "told")
    cues = [(said, said + 1), (told, told + 1)]
    return tagger.role_probabilities(doc, p, tagger.models()["role"], cues)


@pytest.mark.slow
def test_candidates_pair_every_start_with_every_end(prepared) -> None:  # type: ignore[no-untyped-def]
    doc, p = prepared
    r = _roles(doc, p)[0]
    spans = tagger.candidate_spans(p, r)
    c = tagger.content_choice(p, r, spans, None, None)
    assert c is not None and (~c.structural).sum() <= ranker.TOP_K
    assert (c.gain[:-1] >= c.gain[1:]).all()  # best first by summed gain
    # beyond the top K, every whole subtree or clause part that gains is still offered
    kept = set(map(tuple, c.spans.tolist()))
    prefix = c.gain_prefix
    for a, b in spans.tolist():
        lo, hi = r.cue
        if prefix[b - c.base] - prefix[a - c.base] > 0 and not (
                lo <= a < hi or lo < b <= hi) and (a, b) != (lo, hi):
            assert (a, b) in kept
    # no candidate starts or ends inside the cue: it holds the cue whole or not at all
    lo, hi = r.cue
    assert not any(lo <= a < hi or lo < b <= hi for a, b in c.spans.tolist())
    # a hint outside the top K is added, and marked
    hint = tagger.Hint(cue=r.cue, source=None, content=(r.cue[1], r.cue[1] + 1))
    h = tagger.content_choice(p, r, spans, None, hint)
    assert h is not None and h.hinted.sum() == 1
    assert tuple(h.spans[h.hinted][0]) == (r.cue[1], r.cue[1] + 1)
    # spans sharing an edge with the rules' span are marked by which edge
    assert (h.hint_edges[h.hinted] == 3).all()
    assert ((h.hint_edges & 1 == 1) == (h.spans[:, 0] == r.cue[1])).all()
    assert ((h.hint_edges & 2 == 2) == (h.spans[:, 1] == r.cue[1] + 1)).all()


@pytest.mark.slow
def test_batched_features_equal_one_group_at_a_time(prepared) -> None:  # type: ignore[no-untyped-def]
    doc, p = prepared
    groups = [tagger.content_choice(p, r, tagger.candidate_spans(p, r), None, None)
              for r in _roles(doc, p)]
    together = tagger.featurize(p.arrays, groups)
    for g, t in zip(groups, together, strict=True):
        alone = tagger.featurize(p.arrays, [g])[0]
        assert alone is not None and t is not None
        assert (alone.keys == t.keys).all()
        assert np.allclose(alone.dense, t.dense, atol=1e-5)  # float32 prefix sums


@pytest.mark.slow
def test_decoded_contents_follow_the_convention(prepared) -> None:  # type: ignore[no-untyped-def]
    doc, p = prepared
    found = tagger.decode_roles(p, _roles(doc, p), [])
    texts = {doc[f.cue[0]:f.cue[1]].text: doc[f.content[0]:f.content[1]].text for f in found}
    assert texts["said"].startswith("that the bridge would reopen in May")
    assert texts["told"].startswith("the repairs had cost")
