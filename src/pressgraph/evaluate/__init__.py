"""Evaluation: every extractor measured against gold data with the field's own metrics.

A task is a module in this package with a function
``evaluate(gold: Path | None, *, model: str | None, limit: int | None) -> Report``.
``pressgraph evaluate TASK`` runs it and prints the report; ``eval/floors.json`` pins a floor
for each figure and ``tests/test_eval_gate.py`` fails the build when a figure drops below it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TypeVar

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED = REPO_ROOT.parent / "shared"
FLOORS_PATH = REPO_ROOT / "eval" / "floors.json"

# task name -> module under pressgraph.evaluate
TASKS: dict[str, str] = {
    "entities": "pressgraph.evaluate.entities",
    "quotes": "pressgraph.evaluate.quotes",
    "quantities": "pressgraph.evaluate.quantities",
    "time": "pressgraph.evaluate.time",
    "geo": "pressgraph.evaluate.geo",
    "events": "pressgraph.evaluate.events",
    "acled": "pressgraph.evaluate.acled",
    "acled-rows": "pressgraph.evaluate.acled_rows",
    "link": "pressgraph.evaluate.link",
    "link-meantime": "pressgraph.evaluate.meantime_link",
    "claims": "pressgraph.evaluate.claims",
    "link-ecbplus": "pressgraph.evaluate.ecbplus",
}


@dataclass(frozen=True, slots=True)
class Report:
    task: str
    gold: str
    metrics: dict[str, float]
    counts: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


EvaluateFn = Callable[..., Report]


def get_task(name: str) -> EvaluateFn:
    if name not in TASKS:
        raise ValueError(f"unknown evaluation task {name!r}; known: {', '.join(sorted(TASKS))}")
    fn: EvaluateFn = import_module(TASKS[name]).evaluate
    return fn


@dataclass(frozen=True, slots=True)
class PRF:
    tp: float
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_metrics(self, prefix: str) -> dict[str, float]:
        return {
            f"{prefix}_p": round(100 * self.precision, 1),
            f"{prefix}_r": round(100 * self.recall, 1),
            f"{prefix}_f1": round(100 * self.f1, 1),
        }


Span = tuple[int, int]
K = TypeVar("K", bound=Hashable)


def match_exact(gold: Iterable[Span], pred: Iterable[Span]) -> PRF:
    gold_set, pred_set = set(gold), set(pred)
    return PRF(tp=len(gold_set & pred_set), n_pred=len(pred_set), n_gold=len(gold_set))


def match_overlap(gold: Iterable[Span], pred: Iterable[Span]) -> PRF:
    """Greedy one-to-one matching of spans that share at least one character."""
    gold_list, pred_list = sorted(set(gold)), sorted(set(pred))
    used: set[int] = set()
    tp = 0
    for p_start, p_end in pred_list:
        for i, (g_start, g_end) in enumerate(gold_list):
            if i not in used and p_start < g_end and g_start < p_end:
                used.add(i)
                tp += 1
                break
    return PRF(tp=tp, n_pred=len(pred_list), n_gold=len(gold_list))


def sum_prf(parts: Iterable[PRF]) -> PRF:
    tp = n_pred = n_gold = 0.0
    for part in parts:
        tp += part.tp
        n_pred += part.n_pred
        n_gold += part.n_gold
    return PRF(tp=tp, n_pred=int(n_pred), n_gold=int(n_gold))


def b_cubed(gold: Mapping[K, Hashable], pred: Mapping[K, Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998), as fractions, over the items
    present in both maps, each weighted equally."""
    items = [i for i in gold if i in pred]
    if not items:
        return 0.0, 0.0, 0.0
    by_gold: dict[Hashable, set[K]] = defaultdict(set)
    by_pred: dict[Hashable, set[K]] = defaultdict(set)
    for i in items:
        by_gold[gold[i]].add(i)
        by_pred[pred[i]].add(i)
    p = r = 0.0
    for i in items:
        both = len(by_gold[gold[i]] & by_pred[pred[i]])
        p += both / len(by_pred[pred[i]])
        r += both / len(by_gold[gold[i]])
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def percent_metrics(prefix: str, p: float, r: float, f1: float) -> dict[str, float]:
    return {f"{prefix}_p": round(100 * p, 1), f"{prefix}_r": round(100 * r, 1),
            f"{prefix}_f1": round(100 * f1, 1)}
