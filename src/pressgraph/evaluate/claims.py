"""Evaluate claims in unseen phrasings: claimant, subject, value and polarity of each claim.

Gold (``eval/gold/claims_phrasings/``): ``dev.jsonl`` and, when present, ``heldout.jsonl``
(written by someone who did not write the extractor), one passage a line::

    {"id", "published", "text",
     "claims": [{"claimant", "subject", "object_head", "count_type", "value_low", "value_high",
                 "low_inclusive", "high_inclusive", "polarity", "evidence"}]}

Each passage runs through the whole pipeline verbatim (``raw=True``: a headline line stays in
the text, as the cleaned text keeps it).  A gold claim matches a predicted claim whose evidence
(the anchor's sentence) overlaps the gold evidence; among several, the one that agrees on most
fields (one-to-one, greedy in gold order).  Over matched gold claims:

* ``claimant_acc``: a null gold claimant (the publication speaks) wants the publication; else
  the head word of one claimant appears among the other's words ("the regional governor" and
  "Governor Amina Rashid");
* ``subject_acc``: the predicted subject's head is the gold ``object_head`` (synonyms folded:
  "inmates" and "prisoner");
* ``value_acc``: both bounds and their inclusivity as gold ("more than 100" is 100 exclusive,
  no upper bound; "about 820,000" is 820,000 both ways);
* ``polarity_acc``; ``type_acc``: the predicted claim's state family is the one the gold
  ``count_type`` names (dead, injured, displaced, custody, free, crowd);
* ``exact_r``: gold claims matched with all five right, over every gold claim.

``claim_p/r/f1``: matching over the predicted claims that carry a figure or a known state (the
gold lists those, not every event verb).  ``heldout.jsonl`` is scored separately, its figures
prefixed ``heldout_``; a gold path that names a ``.jsonl`` file scores that file alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pressgraph.evaluate import PRF, REPO_ROOT, Report
from pressgraph.extract.claims.vocab import (
    PUBLICATION,
    claim_family,
    fold,
    known_family,
    subject_head,
)
from pressgraph.model import Claim

DEFAULT_GOLD = REPO_ROOT / "eval" / "gold" / "claims_phrasings"
SPLITS = (("dev.jsonl", ""), ("heldout.jsonl", "heldout_"))
FIELDS = ("claimant", "subject", "value", "polarity", "type")
# gold count types -> the state family a claim of that count belongs to
FAMILY_OF_TYPE = {"dead": "dead", "injured": "injured", "displaced": "displaced",
                  "detained": "custody", "arrested": "custody", "escaped": "free",
                  "missing": "free", "crowd": "crowd"}
_STOP = frozenset({"the", "a", "an", "its", "their", "his", "her", "of", "s"})


@dataclass(frozen=True, slots=True)
class Passage:
    id: str
    published: str | None
    text: str
    claims: tuple[dict[str, Any], ...]


def read_passages(path: Path) -> list[Passage]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [Passage(id=str(r["id"]), published=r.get("published"), text=str(r["text"]),
                    claims=tuple(r.get("claims") or ())) for r in rows]


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in _STOP]


def claimant_ok(gold: str | None, claim: Claim, outlet: str) -> bool:
    publication = claim.claimant_actor_id is None and fold(claim.claimant_text) in (
        fold(PUBLICATION), fold(outlet))
    if gold is None:
        return publication
    if publication:
        return False
    gw, pw = _words(gold), _words(claim.claimant_text)
    return bool(gw and pw) and (gw[-1] in pw or pw[-1] in gw)


def subject_ok(gold: dict[str, Any], claim: Claim) -> bool:
    head = subject_head(str(gold.get("object_head") or gold.get("subject") or ""))
    return bool(head) and head == subject_head(claim.subject)


def value_ok(gold: dict[str, Any], claim: Claim) -> bool:
    def same(g: Any, p: float | None) -> bool:
        return (g is None and p is None) or (
            g is not None and p is not None and abs(float(g) - p) < 1e-6)

    if not (same(gold.get("value_low"), claim.value_low)
            and same(gold.get("value_high"), claim.value_high)):
        return False
    low_ok = claim.value_low is None or bool(gold.get("low_inclusive", True)) == (
        claim.value_low_inclusive)
    high_ok = claim.value_high is None or bool(gold.get("high_inclusive", True)) == (
        claim.value_high_inclusive)
    return low_ok and high_ok


def family_of(claim: Claim) -> str:
    counted = claim.value_low is not None or claim.value_high is not None
    return claim_family(claim.predicate, claim.subject, counted)


def type_ok(gold: dict[str, Any], claim: Claim) -> bool:
    want = FAMILY_OF_TYPE.get(str(gold.get("count_type")))
    return want is None or family_of(claim) == want


def _checks(gold: dict[str, Any], claim: Claim, outlet: str) -> dict[str, bool]:
    return {
        "claimant": claimant_ok(gold.get("claimant"), claim, outlet),
        "subject": subject_ok(gold, claim),
        "value": value_ok(gold, claim),
        "polarity": str(gold.get("polarity", "asserted")) == claim.polarity,
        "type": type_ok(gold, claim),
    }


def judged(claim: Claim) -> bool:
    """A claim the gold would list: one with a figure or a state of the vocabulary."""
    return claim.value_low is not None or claim.value_high is not None or known_family(
        family_of(claim))


def score_passage(passage: Passage, claims: Iterable[Claim], text: str, outlet: str
                  ) -> tuple[list[dict[str, bool] | None], int]:
    """Per gold claim, the checks of the predicted claim matched to it (None: unmatched), and
    how many predicted claims were judged (matched, or with a figure or a known state)."""
    predicted = list(claims)
    used: set[int] = set()
    results: list[dict[str, bool] | None] = []
    for gold in passage.claims:
        start = text.find(str(gold["evidence"]))
        if start < 0:
            raise ValueError(f"{passage.id}: evidence not in text: {gold['evidence']!r}")
        end = start + len(str(gold["evidence"]))
        best: tuple[int, int, dict[str, bool]] | None = None
        for i, claim in enumerate(predicted):
            if i in used or not (claim.start < end and start < claim.end):
                continue
            checks = _checks(gold, claim, outlet)
            # the subject and the figure say which claim of the sentence this is
            rank = 2 * (checks["subject"] + checks["value"]) + sum(checks.values())
            if best is None or rank > best[0]:
                best = (rank, i, checks)
        if best is None:
            results.append(None)
        else:
            used.add(best[1])
            results.append(best[2])
    # a predicted claim the gold matched counts as judged, whatever its state
    return results, sum(1 for i, c in enumerate(predicted) if judged(c) or i in used)


def score(path: Path, *, model: str | None = None, limit: int | None = None
          ) -> tuple[dict[str, float], dict[str, int]]:
    from pressgraph.pipeline import parse_text

    passages = read_passages(path)[:limit] if limit else read_passages(path)
    results: list[dict[str, bool] | None] = []
    n_pred = 0
    for passage in passages:
        parsed = parse_text(passage.text, published=passage.published, raw=True, model=model)
        outlet = parsed.article.source
        per_gold, judged_pred = score_passage(passage, parsed.extraction.claims,
                                              parsed.article.text, outlet)
        results.extend(per_gold)
        n_pred += judged_pred
    matched = [r for r in results if r is not None]
    metrics = PRF(tp=len(matched), n_pred=n_pred, n_gold=len(results)).as_metrics("claim")
    for name in FIELDS:
        share = sum(r[name] for r in matched) / len(matched) if matched else 0.0
        metrics[f"{name}_acc"] = round(100 * share, 1)
    exact = sum(all(r[f] for f in FIELDS) for r in matched)
    metrics["exact_r"] = round(100 * exact / len(results), 1) if results else 0.0
    counts = {"passages": len(passages), "gold_claims": len(results),
              "matched": len(matched), "pred_claims_judged": n_pred}
    return metrics, counts


def evaluate(gold: Path | None = None, *, model: str | None = None,
             limit: int | None = None) -> Report:
    root = Path(gold) if gold else DEFAULT_GOLD
    files = [(root, "")] if root.suffix == ".jsonl" else [
        (root / name, prefix) for name, prefix in SPLITS if (root / name).exists()]
    if not files:
        raise FileNotFoundError(f"no dev.jsonl or heldout.jsonl under {root}")
    metrics: dict[str, float] = {}
    counts: dict[str, int] = {}
    for path, prefix in files:
        m, c = score(path, model=model, limit=limit)
        metrics.update({prefix + k: v for k, v in m.items()})
        counts.update({prefix + k: v for k, v in c.items()})
    return Report(task="claims", gold=str(root), metrics=metrics, counts=counts)
