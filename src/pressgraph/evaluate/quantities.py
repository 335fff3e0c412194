"""Evaluate the ``quantities`` extractor on our gold (``eval/gold/quantities_time``).

Each gold document is ``NN.txt`` (raw text; offsets index it) and ``NN.json`` with
``published`` and ``quantities``: start, end, text, kind, value, low, high, low_inclusive,
high_inclusive, approximate, hedge, object_head, object_text, predicate, count_type.

Metrics: span P/R/F1 (exact and overlap); on spans matched by overlap: interval exactness
(low, high and both inclusivities equal), value accuracy, object-head accuracy (case-folded),
count-type accuracy, hedge accuracy (None counts as a value), kind accuracy.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pressgraph.evaluate import PRF, REPO_ROOT, Report, match_exact, match_overlap, sum_prf

GOLD = REPO_ROOT / "eval" / "gold" / "quantities_time"

Span = tuple[int, int]


def pair_spans(gold: Sequence[Span], pred: Sequence[Span]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs: exact matches first, then by overlap size."""
    pairs: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_p: set[int] = set()
    scored = []
    for gi, (gs, ge) in enumerate(gold):
        for pi, (ps, pe) in enumerate(pred):
            ov = min(ge, pe) - max(gs, ps)
            if ov > 0:
                scored.append((0 if (gs, ge) == (ps, pe) else 1, -ov, gi, pi))
    for _, _, gi, pi in sorted(scored):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def load_gold(directory: Path) -> list[tuple[str, str, dict[str, Any]]]:
    docs = []
    for jpath in sorted(directory.glob("*.json")):
        tpath = jpath.with_suffix(".txt")
        if tpath.exists():
            docs.append((jpath.stem, tpath.read_text(encoding="utf-8"),
                         json.loads(jpath.read_text(encoding="utf-8"))))
    return docs


def _num_eq(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        fa, fb = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(fa - fb) <= 1e-6 * max(1.0, abs(fa), abs(fb))


def _pct(num: int, den: int) -> float:
    return round(100 * num / den, 1) if den else 0.0


def evaluate(gold: Path | None = None, *, model: str | None = None,
             limit: int | None = None) -> Report:
    from pressgraph.pipeline import parse_text

    gold = Path(gold) if gold is not None else GOLD
    docs = load_gold(gold)
    if limit:
        docs = docs[:limit]
    exact: list[PRF] = []
    overlap: list[PRF] = []
    tallies = dict.fromkeys(("matched", "interval", "value", "object_head", "count_type",
                             "hedge", "kind", "count_type_gold"), 0)
    for _name, text, data in docs:
        parsed = parse_text(text, published=data.get("published"), raw=True, model=model,
                            extractors=["quantities"])
        preds = list(parsed.extraction.quantities)
        golds = data.get("quantities", [])
        g_spans = [(int(g["start"]), int(g["end"])) for g in golds]
        p_spans = [(p.start, p.end) for p in preds]
        exact.append(match_exact(g_spans, p_spans))
        overlap.append(match_overlap(g_spans, p_spans))
        for gi, pi in pair_spans(g_spans, p_spans):
            g, p = golds[gi], preds[pi]
            tallies["matched"] += 1
            tallies["interval"] += int(
                _num_eq(g.get("low"), p.low) and _num_eq(g.get("high"), p.high)
                and bool(g.get("low_inclusive", True)) == p.low_inclusive
                and bool(g.get("high_inclusive", True)) == p.high_inclusive
            )
            tallies["value"] += int(_num_eq(g.get("value"), p.value))
            gh, ph = g.get("object_head"), p.object_head
            tallies["object_head"] += int((gh or "").lower() == (ph or "").lower())
            tallies["kind"] += int((g.get("kind") or "count") == p.kind)
            tallies["hedge"] += int(g.get("hedge") == p.hedge)
            if (g.get("kind") or "count") == "count":
                tallies["count_type_gold"] += 1
                tallies["count_type"] += int((g.get("count_type") or "OTHER")
                                             == (p.count_type or "OTHER"))
    ex, ov = sum_prf(exact), sum_prf(overlap)
    m = tallies["matched"]
    metrics = {
        **ex.as_metrics("span_exact"),
        **ov.as_metrics("span_overlap"),
        "interval_exact": _pct(tallies["interval"], m),
        "value_accuracy": _pct(tallies["value"], m),
        "object_head_accuracy": _pct(tallies["object_head"], m),
        "count_type_accuracy": _pct(tallies["count_type"], tallies["count_type_gold"]),
        "hedge_accuracy": _pct(tallies["hedge"], m),
        "kind_accuracy": _pct(tallies["kind"], m),
    }
    counts = {"documents": len(docs), "gold": ov.n_gold, "predicted": ov.n_pred, **tallies}
    notes = ("attribute accuracies are over gold/predicted pairs matched by span overlap",)
    return Report(task="quantities", gold=str(gold), metrics=metrics, counts=counts,
                  notes=notes)
