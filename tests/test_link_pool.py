"""Event candidates scored as a pool: a pair's score never depends on the other candidates."""

from __future__ import annotations

import numpy as np

from pressgraph.link.cluster import LinkConfig
from pressgraph.store.linking import _may_join, _Pool, _similarities


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    m = rng.standard_normal((n, 300)).astype(np.float16).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_a_rows_cosine_is_the_same_alone_and_among_others() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 120))
        matrix, vector = _unit(rng, n), _unit(rng, 1)[0]
        together = _similarities(matrix, vector)
        keep = np.sort(rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False))
        assert np.array_equal(together[keep], _similarities(matrix[keep], vector))
        assert all(together[i] == _similarities(matrix[i:i + 1], vector)[0] for i in keep[:5])


def _event(event_id: str, vector: np.ndarray | None, stem: str = "", **extra: object
           ) -> dict[str, object]:
    return {"event_id": event_id, "vector": vector, "stem": stem, "event_type": "ASSAULT",
            "day": 10, "places": ["SY"], "participants": ["actor-1"], **extra}


def test_pool_matches_same_stem_or_near_trigger_only() -> None:
    rng = np.random.default_rng(3)
    a_vec = _unit(rng, 1)[0]
    near = a_vec + 0.05 * _unit(rng, 1)[0]
    near /= np.linalg.norm(near)
    far = _unit(rng, 1)[0]
    pool = _Pool([_event("near", near), _event("far", far), _event("stem", None, "kill"),
                  _event("none", None)])
    found = pool.matching(_event("a", a_vec, "kill"), bar=0.8)
    assert [f["event_id"] for f in found] == ["near", "stem"]
    # without a stem, a candidate without a vector never matches
    assert [f["event_id"] for f in pool.matching(_event("a", a_vec), bar=0.8)] == ["near"]
    assert _Pool([]).matching(_event("a", a_vec), bar=0.8) == []


def test_events_of_two_stories_join_only_with_type_days_place_and_participant() -> None:
    cfg = LinkConfig()
    a = _event("a", None)
    assert _may_join(a, _event("b", None), cfg)
    assert not _may_join(a, _event("b", None, event_type="PROTEST"), cfg)
    assert not _may_join(a, _event("b", None, day=10 + cfg.window_days + 1), cfg)
    assert not _may_join(a, _event("b", None, places=["IQ"]), cfg)
    assert not _may_join(a, _event("b", None, participants=["actor-2"]), cfg)
    assert not _may_join(_event("a", None, participants=[]), _event("b", None), cfg)
