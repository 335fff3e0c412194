"""The learned attribution tagger: model file, decoding, and what it adds to the rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pressgraph.extract.quotes import features, tagger
from pressgraph.extract.quotes.features import Keys


def test_shipped_model_loads() -> None:
    models = tagger.models()
    assert set(models) == {"cue", "role"}
    for m in models.values():
        assert len(m.keys) > 10_000  # learned on PolNeAR train, not an empty stand-in
        assert np.all(m.keys[1:] > m.keys[:-1])  # sorted and unique, for searchsorted
        assert m.sparse.shape == (len(m.keys), 3)
        assert m.w1.shape[1] == m.w2.shape[0]
    # tok2vec output and static vector of the token, tok2vec of its head and neighbours
    assert models["cue"].w1.shape[0] == 96 + 300 + 3 * 96
    assert models["role"].w1.shape[0] == 4 * 96


def test_save_load_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    keys = np.sort(features.mix(7, np.arange(3, dtype=np.uint64)))
    model = tagger.WideDeep(
        keys=keys, sparse=rng.standard_normal((3, 3)).astype(np.float32),
        w1=rng.standard_normal((4, 5)).astype(np.float32), b1=np.zeros(5, np.float32),
        w2=rng.standard_normal((5, 3)).astype(np.float32), bias=np.zeros(3, np.float32))
    path = tmp_path / "m.npz"
    tagger.save(str(path), {"cue": model})
    loaded = tagger.load(path)["cue"]
    dense = rng.standard_normal((2, 4)).astype(np.float32)
    unseen = features.mix(8, np.zeros(1, dtype=np.uint64))[0]
    rows = Keys(fixed=np.array([[keys[0], keys[2]], [keys[1], unseen]], dtype=np.uint64),
                extra_rows=np.array([1]), extra_keys=np.array([keys[2]], dtype=np.uint64))
    assert model.lookup(rows.fixed).tolist() == [[0, 2], [1, -1]]
    expected = np.maximum(dense @ model.w1, 0) @ model.w2 + np.stack(
        [model.sparse[0] + model.sparse[2], model.sparse[1] + model.sparse[2]])
    assert np.allclose(model.logits(rows, dense), expected, atol=1e-5)
    # float16 storage of the sparse weights: equal to three decimals
    assert np.allclose(loaded.probabilities(rows, dense), model.probabilities(rows, dense),
                       atol=1e-3)
    assert np.allclose(loaded.probabilities(rows, dense).sum(axis=1), 1.0)


def test_span_choice_orders_by_summed_gain() -> None:
    gain = np.array([-0.4, 0.3, 0.4, -0.1, 0.2, -0.5])
    probs = gain + 0.5
    spans = np.array([(0, 3), (1, 3), (1, 5), (4, 5), (0, 6)])
    c = tagger.span_choice((5, 6), 5, range(0, 6), probs, gain, spans, [], None)
    assert c is not None
    # every start x every end: (1, 5) sums 0.8, best; (1, 3) 0.7 next
    assert tuple(c.spans[0]) == (1, 5) and tuple(c.spans[1]) == (1, 3)
    assert np.isclose(c.gain[0], 0.8) and (c.gain[:-1] >= c.gain[1:]).all()
    assert c.structural[0] and c.structural[1]  # both are spans offered as such
    # nothing gains: no span for this role, unless the choice is not gated (cues)
    low = np.full(6, -0.2)
    assert tagger.span_choice((5, 6), 5, range(0, 6), low + 0.5, low, spans, [], None) is None
    assert tagger.span_choice((5, 6), 5, range(0, 6), low + 0.5, low, spans, [], None,
                              gated=False) is not None
    # a tie goes to the shorter span; offsets are relative to the window's start
    tie = tagger.span_choice((9, 10), 9, range(10, 13), np.array([0.5, 0.8, 0.9]),
                             np.array([0.0, 0.3, 0.4]), np.array([(10, 13), (11, 13)]), [],
                             None)
    assert tie is not None and tuple(tie.spans[0]) == (11, 13)
    # a span may hold an inner span (the cue) whole, not start or end inside it
    inner = tagger.span_choice((2, 4), 2, range(0, 6), probs, gain, spans, [(2, 4)], None)
    assert inner is not None
    assert all(not (2 <= a < 4 or 2 < b <= 4) for a, b in inner.spans.tolist())


def _one_grid(r: tagger.SpanRequest) -> tagger.Candidates | None:
    """span_choice as the whole grid of one group, the way it was first written: the
    reference the batched search must match array for array."""
    starts = np.unique(r.spans[:, 0]) if r.starts is None else r.starts
    ends = np.unique(r.spans[:, 1]) if r.ends is None else r.ends
    allowed = ends[None, :] > starts[:, None]
    for lo, hi in r.inner:
        allowed &= ~((lo <= starts) & (starts < hi))[:, None]
        allowed &= ~((lo < ends) & (ends <= hi))[None, :]
    si, ei = np.nonzero(allowed)
    prefix = np.concatenate([[0.0], np.cumsum(r.gain)])
    base = r.rows.start
    score = prefix[ends[ei] - base] - prefix[starts[si] - base]
    hint = r.hint
    hint_ok = hint is not None and base <= hint[0] < hint[1] <= r.rows.stop
    hint_gain = prefix[hint[1] - base] - prefix[hint[0] - base] if hint and hint_ok else -np.inf
    if not len(si) and not hint_ok:
        return None
    if r.gated and max(float(score.max(initial=-np.inf)), hint_gain) <= 0:
        return None
    offered = set(map(tuple, r.spans.tolist()))
    structural = np.array([(a, b) in offered for a, b in zip(starts[si], ends[ei], strict=True)],
                          dtype=bool)
    if len(si) > 100:
        top = np.zeros(len(si), dtype=bool)
        top[np.argpartition(-score, 99)[:100]] = True
        keep = top | (structural & (score > 0))
        si, ei, score, structural = si[keep], ei[keep], score[keep], structural[keep]
    order = np.lexsort((starts[si], ends[ei] - starts[si], -score))
    pairs = np.stack([starts[si][order], ends[ei][order]], axis=1)
    score, structural = score[order], structural[order]
    hinted = np.zeros(len(pairs), dtype=bool)
    if hint is not None and hint_ok:
        at = (pairs[:, 0] == hint[0]) & (pairs[:, 1] == hint[1])
        hinted |= at
        if not at.any():
            pairs = np.vstack([pairs, [hint]])
            score, hinted = np.append(score, hint_gain), np.append(hinted, True)
            structural = np.append(structural, False)
    edges = np.zeros(len(pairs), dtype=np.uint64) if hint is None or not hint_ok else (
        (pairs[:, 0] == hint[0]) * 1 + (pairs[:, 1] == hint[1]) * 2).astype(np.uint64)
    return tagger.Candidates(spans=pairs, gain=score, structural=structural, hinted=hinted,
                             hint_edges=edges, role_p=r.role_p, gain_prefix=prefix, base=base,
                             cue=r.cue, head=r.head)


def test_batched_span_choice_is_each_group_alone() -> None:
    """Many cues' searches in one batch give each group exactly what it gives alone: the same
    candidates, the same order, and the same pick among scores tied at the TOP_K-th (gains
    of a tenth, and zeros for spaces, tie often)."""
    rng = np.random.default_rng(7)
    requests: list[tagger.SpanRequest | None] = []
    for k in range(60):
        lo = int(rng.integers(0, 30))
        rows = range(lo, lo + int(rng.integers(3, 70)))
        n = len(rows)
        gain = (rng.integers(-5, 4, n) / 10).astype(np.float32)
        gain[rng.random(n) < 0.2] = 0.0
        a = rng.integers(rows.start, rows.stop, int(rng.integers(1, 3 * n)))
        b = np.minimum(a + rng.integers(1, n, len(a)), rows.stop)
        spans = np.stack([a, b], axis=1).astype(np.int64)
        head = int(rng.integers(rows.start, rows.stop))
        cue = (head, min(head + int(rng.integers(1, 3)), rows.stop))
        inner = [cue] + ([(rows.start, rows.start + 2)] if k % 3 == 0 else [])
        hint = None if k % 4 == 0 else (int(a[0]), int(b[-1])) if a[0] < b[-1] else (0, 1)
        requests.append(None if k % 9 == 0 else tagger.SpanRequest(
            cue=cue, head=head, rows=rows, role_p=gain + 0.5, gain=gain, spans=spans,
            inner=inner, hint=hint, gated=k % 5 != 0))
        if k % 7 == 3:
            # a cue's search: every start up to its head, every end after it, and a cue span
            # that may run past the window
            requests.append(tagger.SpanRequest(
                cue=(head, head + 1), head=head, rows=rows, role_p=gain + 0.5, gain=gain,
                spans=np.array([(max(rows.start, head - 1), rows.stop + 3)]), inner=[],
                hint=None, gated=False, starts=np.arange(rows.start, head + 1),
                ends=np.arange(head + 1, rows.stop + 1)))
    batch = tagger.span_choices(requests)
    assert sum(c is not None for c in batch) > 30
    assert any(c is not None and len(c.spans) > 100 for c in batch)
    for r, got in zip(requests, batch, strict=True):
        want = None if r is None else _one_grid(r)
        assert (got is None) == (want is None)
        if got is None or want is None:
            continue
        for name in ("spans", "gain", "structural", "hinted", "hint_edges", "gain_prefix"):
            g, w = getattr(got, name), getattr(want, name)
            assert g.dtype == w.dtype and g.shape == w.shape and (g == w).all(), name


def test_batched_span_choice_keeps_a_span_past_its_window_to_its_group() -> None:
    """A cue's span may end past its window; batched, its end must not be read as an edge
    of the next group's."""
    gain = np.array([0.1, 0.2, -0.1, 0.3, 0.0, 0.2], dtype=np.float32)
    cue_like = tagger.SpanRequest(
        cue=(2, 3), head=2, rows=range(0, 6), role_p=gain + 0.5, gain=gain,
        spans=np.array([(1, 9)]), inner=[], hint=None, gated=False,
        starts=np.arange(0, 3), ends=np.arange(3, 7))
    other = tagger.SpanRequest(
        cue=(4, 5), head=4, rows=range(0, 6), role_p=gain + 0.5, gain=gain,
        spans=np.array([(0, 1), (1, 3), (3, 6)]), inner=[(4, 5)], hint=None)
    for r, got in zip((cue_like, other), tagger.span_choices([cue_like, other]), strict=True):
        want = _one_grid(r)
        assert got is not None and want is not None
        assert (got.spans == want.spans).all() and (got.structural == want.structural).all()


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from pressgraph.nlp import load_pipeline

    return load_pipeline()


@pytest.mark.slow
def test_dependency_path_keys(nlp) -> None:  # type: ignore[no-untyped-def]
    """The path from a cue to its subject, to the clause it governs, to itself, and from a
    parenthetical cue up to the clause it interrupts."""
    doc = nlp("The plan, a senior aide said, is to cut taxes.")
    said, aide, plan, is_ = (next(t for t in doc if t.text == w)
                             for w in ("said", "aide", "plan", "is"))
    assert said.head == is_ and aide.head == said and plan.head == is_
    _, sent_of = tagger.sentence_index(doc)
    x = features.arrays(doc, tagger.quote_depth(doc, []), sent_of)
    n = 3
    head = np.full(n, said.i)
    paths = features._paths(x, head, np.array([said.i, aide.i, plan.i]))
    strings = doc.vocab.strings
    assert paths[0] == features.mix(30)[0]
    assert paths[1] == features.mix(31, np.uint64(0), np.uint64(0),
                                    np.uint64(strings[aide.dep_]))[0]
    up = features.mix(33, np.uint64(0), np.uint64(strings[said.dep_]))
    assert paths[2] == features.mix(31, np.uint64(1), up, np.uint64(strings[plan.dep_]))[0]


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


def test_hash_table_finds_every_key_and_only_them() -> None:
    rng = np.random.default_rng(1)
    keys = np.unique(rng.integers(0, 2**63, 5000, dtype=np.int64).astype(np.uint64))
    table = tagger.HashTable(keys)
    assert table.find(keys).tolist() == list(range(len(keys)))
    strangers = rng.integers(0, 2**63, 2000, dtype=np.int64).astype(np.uint64)
    strangers = strangers[~np.isin(strangers, keys)]
    assert (table.find(strangers) == -1).all()
    grid = keys[:6].reshape(2, 3)
    assert table.find(grid).tolist() == [[0, 1, 2], [3, 4, 5]]


def test_subtree_edges_from_the_head_array() -> None:
    # "The plan, a senior aide said, is to cut taxes." heads by hand (root "is" at 7)
    head = np.array([1, 7, 1, 5, 5, 6, 7, 7, 9, 7, 11, 9, 7])
    left, right = tagger.subtree_edges(head)
    assert (left[1], right[1]) == (0, 2)  # "The plan ,"
    assert (left[6], right[6]) == (3, 6)  # "a senior aide said"
    assert (left[7], right[7]) == (0, 12)  # the root covers the sentence
    assert (left[9], right[9]) == (8, 11)  # "to cut taxes"


@pytest.mark.slow
def test_view_edges_match_spacy(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Officials said on Monday that the bridge, which flooded in March, would reopen.")
    _, sent_of = tagger.sentence_index(doc)
    v = tagger.view(doc, features.arrays(doc, tagger.quote_depth(doc, []), sent_of))
    assert [int(i) for i in v.left] == [t.left_edge.i for t in doc]
    assert [int(i) for i in v.right] == [t.right_edge.i for t in doc]
    assert v.lower == [t.lower_ for t in doc] and v.pos == [t.pos_ for t in doc]


@pytest.mark.slow
def test_columns_read_what_tokens_say(nlp) -> None:  # type: ignore[no-untyped-def]
    """Sentences, quotation depth and the rules' starting tokens are read from attribute
    columns for speed; they must say what spaCy's own ``Token`` objects say."""
    text = ('Ms. Ade said: "We will rebuild." According to the mayor, 40 homes burned.\n\n'
            'In a statement, the agency warned of floods. Its claim: "no one was hurt."')
    doc = nlp(text)
    sents, sent_of = tagger.sentence_index(doc)
    assert sents == [(s.start, s.end) for s in doc.sents]
    assert [int(k) for k in sent_of] == [next(j for j, (lo, hi) in enumerate(sents)
                                             if lo <= t.i < hi) for t in doc]
    quote = text.index('"We'), text.index('."') + 2
    inside = tagger.quote_depth(doc, [quote])
    assert [int(k) for k in inside] == [0 if quote[0] <= t.idx < quote[1] else -1
                                        for t in doc]
    empty = nlp("")
    assert tagger.sentence_index(empty)[0] == []

    from pressgraph.extract.quotes import _rule_candidates
    from pressgraph.extract.quotes.lexicon import NOUN_CUES

    expected = [t.i for t in doc if t.lower_ == "according"
                or (t.lower_ == "in" and t.dep_ == "prep") or t.pos_ == "VERB"
                or (t.pos_ == "NOUN" and t.lower_ in NOUN_CUES) or t.text == ":"]
    assert _rule_candidates(doc) == expected
    assert {doc[i].lower_ for i in expected} >= {"said", "according", "statement", ":"}
