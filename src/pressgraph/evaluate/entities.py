"""Evaluate the ``entities`` extractor: NER spans, actor clustering and roles.

Gold: ``eval/gold/entities/NN.txt`` + ``NN.json`` with ``{"published", "entities": [{start, end,
text, label}], "actors": [{name, type, roles, mentions}]}``; actor ``mentions`` are surface
strings (names, acronyms and descriptions such as "the paramilitary group"), placed in the text
here by finding them, longest first, without overlaps.

Figures:

* NER: exact span + label, and span only, P/R/F1; F1 per label.
* Actors: B-cubed P/R/F1 of the mention clustering over the gold mentions the system maps to an
  actor (``resolve_mention``), and how many gold mentions it maps at all (``mention_coverage``);
  role recall: a gold role counts as found when a role of the matched predicted actor contains
  it or is contained in it, case-insensitively; actor type accuracy.
* ``base_*``: the same NER figures, and a string-identity clustering, for bare en_core_web_md
  (the pipeline with pressgraph's entity ruler switched off and ``doc.ents`` taken raw), so the
  ruler's and the repairs' gain is measured.

Texts are parsed raw so the gold offsets apply.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from pressgraph.evaluate import (
    PRF,
    REPO_ROOT,
    Report,
    b_cubed,
    match_exact,
    percent_metrics,
    sum_prf,
)
from pressgraph.extract.entities import KEEP_LABELS, resolve_mention
from pressgraph.extract.entities.lexicon import fold
from pressgraph.nlp import RULER_NAME, load_pipeline
from pressgraph.pipeline import parse_text

DEFAULT_GOLD = REPO_ROOT / "eval" / "gold" / "entities"
LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC")

LabelledSpan = tuple[int, int, str]


def _load(gold: Path, limit: int | None) -> list[tuple[str, str, dict]]:
    docs = []
    for path in sorted(gold.glob("*.json")):
        text_path = path.with_suffix(".txt")
        if not text_path.exists():
            continue
        docs.append((path.stem, text_path.read_text("utf-8"), json.loads(path.read_text("utf-8"))))
    return docs[:limit] if limit else docs


def _place_mentions(text: str, actors: list[dict]) -> list[tuple[int, int, int]]:
    """(start, end, gold actor index) for every occurrence of every gold mention string."""
    forms = sorted(
        {
            (m, i)
            for i, a in enumerate(actors)
            for m in [a["name"], *a.get("mentions", [])]
            if m.strip()
        },
        key=lambda f: -len(f[0]),
    )
    owners: dict[str, set[int]] = defaultdict(set)
    for form, i in forms:
        owners[form].add(i)
    taken: list[tuple[int, int, int]] = []
    for form, i in forms:
        if len(owners[form]) > 1:
            continue  # the same words name two actors: no way to tell which occurrence is which
        for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text):
            s, e = m.span()
            if all(e <= ts or te <= s for ts, te, _ in taken):
                taken.append((s, e, i))
    return sorted(taken)


def _match(gold: Iterable[object], pred: Iterable[object]) -> PRF:
    gold_set, pred_set = set(gold), set(pred)
    return PRF(tp=len(gold_set & pred_set), n_pred=len(pred_set), n_gold=len(gold_set))


def _ner(gold: list[LabelledSpan], pred: Iterable[LabelledSpan]) -> dict[str, PRF]:
    pred = list(pred)
    out = {
        "exact": _match(gold, pred),
        "span": match_exact([(s, e) for s, e, _ in gold], [(s, e) for s, e, _ in pred]),
    }
    for label in LABELS:
        out[label] = _match([g for g in gold if g[2] == label], [p for p in pred if p[2] == label])
    return out


def evaluate(
    gold: Path | None = None, *, model: str | None = None, limit: int | None = None
) -> Report:
    gold = Path(gold) if gold else DEFAULT_GOLD
    docs = _load(gold, limit)
    nlp = load_pipeline(model)
    parts: dict[str, list[PRF]] = defaultdict(list)
    base_parts: dict[str, list[PRF]] = defaultdict(list)
    b3_gold: dict[object, int] = {}
    b3_pred: dict[object, object] = {}
    base_pred: dict[object, object] = {}
    n_mentions = roles_total = roles_found = types_total = types_right = 0
    errors: Counter[str] = Counter()
    for name, text, data in docs:
        gold_ents = [(g["start"], g["end"], g["label"]) for g in data["entities"]]
        parsed = parse_text(
            text, raw=True, published=data.get("published"), model=model, extractors=["entities"]
        )
        pred = [(e.start, e.end, e.label) for e in parsed.extraction.entities]
        for metric, prf in _ner(gold_ents, pred).items():
            parts[metric].append(prf)
        for g in set(gold_ents) - set(pred):
            errors[f"missed {g[2]}: {text[g[0] : g[1]]}"] += 1
        for p in set(pred) - set(gold_ents):
            errors[f"spurious {p[2]}: {text[p[0] : p[1]]}"] += 1
        with nlp.select_pipes(disable=[RULER_NAME]):
            bare = nlp(parsed.text)
        base = [(e.start_char, e.end_char, e.label_) for e in bare.ents if e.label_ in KEEP_LABELS]
        for metric, prf in _ner(gold_ents, base).items():
            base_parts[metric].append(prf)

        actors = data.get("actors", [])
        placed = _place_mentions(text, actors)
        n_mentions += len(placed)
        votes: dict[int, Counter[str]] = defaultdict(Counter)
        for s, e, i in placed:
            key: object = (name, s, e)
            b3_gold[key] = hash((name, i))
            actor_id = resolve_mention(parsed, s, e)
            if actor_id:
                b3_pred[key] = actor_id
                votes[i][actor_id] += 1
            hit = next(
                (
                    be
                    for be in bare.ents
                    if be.start_char < e
                    and s < be.end_char
                    and be.label_ in {"PERSON", "ORG", "GPE", "NORP"}
                ),
                None,
            )
            if hit is not None:
                base_pred[key] = (name, fold(hit.text))
        by_id = {a.id: a for a in parsed.extraction.actors}
        for i, actor in enumerate(actors):
            match = by_id.get(votes[i].most_common(1)[0][0]) if votes[i] else None
            types_total += 1
            types_right += bool(match and match.type == actor.get("type"))
            for role in actor.get("roles", []):
                roles_total += 1
                r = role.casefold()
                found = match is not None and any(
                    r in p.casefold() or p.casefold() in r for p in match.roles
                )
                roles_found += found
                if not found:
                    errors[f"role missed: {actor['name']} = {role}"] += 1

    metrics: dict[str, float] = {}
    for prefix, source in (("", parts), ("base_", base_parts)):
        metrics.update(sum_prf(source["exact"]).as_metrics(f"{prefix}ner_exact"))
        metrics.update(sum_prf(source["span"]).as_metrics(f"{prefix}ner_span"))
        for label in LABELS:
            metrics[f"{prefix}ner_{label.lower()}_f1"] = round(100 * sum_prf(source[label]).f1, 1)
    metrics.update(percent_metrics("actor_b3", *b_cubed(b3_gold, b3_pred)))
    metrics.update(percent_metrics("base_actor_b3", *b_cubed(b3_gold, base_pred)))
    metrics["mention_coverage"] = round(100 * len(b3_pred) / n_mentions, 1) if n_mentions else 0.0
    metrics["base_mention_coverage"] = (
        round(100 * len(base_pred) / n_mentions, 1) if n_mentions else 0.0
    )
    metrics["role_recall"] = round(100 * roles_found / roles_total, 1) if roles_total else 0.0
    metrics["actor_type_acc"] = round(100 * types_right / types_total, 1) if types_total else 0.0
    notes = tuple(f"{n}x {msg}" for msg, n in errors.most_common(40))
    return Report(
        task="entities",
        gold=str(gold),
        metrics=metrics,
        counts={
            "articles": len(docs),
            "gold_entities": sum(len(d[2]["entities"]) for d in docs),
            "gold_actor_mentions": n_mentions,
            "gold_roles": roles_total,
        },
        notes=notes,
    )
