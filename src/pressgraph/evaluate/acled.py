"""``evaluate acled``: ACLED sub-event types (and the non-conflict types) of a report's main event.

Gold: ``eval/gold/acled/train.jsonl`` (ACLED-style descriptions written for the project), scored
by 5-fold cross-validation with folds from a seeded shuffle: the learned typer is trained on four
folds (plus the PLOVER gold records that map to a label, see :func:`plover_training_rows`) and
the events extractor, with that typer, codes the fifth.  A description's prediction is the
label of its main event (``is_main``): its ``acled_sub_event_type``, else its ``other_type``,
else ``none`` (no event found counts as an error unless the gold says there is none).  When
``heldout.jsonl`` sits beside ``train.jsonl`` (written by a different author) the typer is
trained on all of ``train.jsonl`` and scores it too (``heldout_*`` figures).

Beside it, in the same run: the rules alone (the coder's PLOVER -> ACLED mapping), and the
baseline a user gets for free: the nearest of one-line type descriptions in MiniLM embedding
space (:mod:`pressgraph.nlp.minilm`).

On the PLOVER gold (``../shared/eval/events/plover``) the same learned model (features and
trainer) is cross-validated on PLOVER's 16 event types, beside the rules' top event and the
MiniLM nearest-description baseline.

Figures: accuracy, weighted F1 (per-type F1 weighted by gold support) and macro F1 (mean over
types with gold support), and per-type F1 of the learned model, all in percent.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pressgraph.evaluate import PRF, REPO_ROOT, SHARED, Report
from pressgraph.evaluate.events import GOLD as PLOVER_GOLD
from pressgraph.evaluate.events import PLOVER_TYPES, load_gold
from pressgraph.extract import ParsedDocument
from pressgraph.extract.events.typer import (
    EVENT_TYPE_OF,
    LABELS,
    NONE,
    OTHER_TYPES,
    Typer,
    best_candidate,
    doc_columns,
    features,
    train,
)
from pressgraph.model import Article, Extraction, article_id_for
from pressgraph.nlp import load_pipeline

GOLD_DIR = REPO_ROOT / "eval" / "gold" / "acled"
FOLDS = 5
NEWS_NEGATIVES = SHARED / "eval" / "quotes" / "polnear" / "train" / "text"
NEWS_ARTICLES = 200
NEWS_SENTENCES = 3
SEED = 13
# One line per type, paraphrasing ACLED's codebook (field-reference.md): the baseline's menu.
DESCRIPTIONS: dict[str, str] = {
    "Armed clash": "Armed groups or soldiers fight each other in a gun battle.",
    "Government regains territory": "Government forces retake a town from rebels.",
    "Non-state actor overtakes territory": "Rebels or militants capture a town from the army.",
    "Chemical weapon": "Chemical weapons such as chlorine or sarin gas are used in an attack.",
    "Air/drone strike": "An air strike or drone strike hits a target from the air.",
    "Suicide bomb": "A suicide bomber blows himself up.",
    "Shelling/artillery/missile attack": "Artillery, mortars, rockets or missiles are fired.",
    "Remote explosive/landmine/IED": "A roadside bomb, landmine or car bomb explodes.",
    "Grenade": "Someone throws a hand grenade.",
    "Sexual violence": "Armed men rape or sexually assault civilians.",
    "Attack": "Gunmen attack and kill unarmed civilians.",
    "Abduction/forced disappearance": "Civilians are kidnapped or abducted.",
    "Peaceful protest": "People hold a peaceful protest or demonstration.",
    "Protest with intervention": "Police disperse or arrest peaceful protesters.",
    "Excessive force against protesters": "Security forces shoot and kill peaceful protesters.",
    "Violent demonstration": "Protesters riot, throw stones and burn property.",
    "Mob violence": "A mob lynches or beats someone to death.",
    "Agreement": "Warring sides sign a ceasefire or peace agreement.",
    "Arrests": "Police or security forces arrest a political figure or many people.",
    "Change to group/activity": "An armed group forms, splits, merges or changes its leader.",
    "Disrupted weapons use": "Security forces defuse a bomb or seize a weapons cache.",
    "Headquarters or base established": "An armed group sets up a new military base.",
    "Looting/property destruction": "Armed men loot or burn property without hurting anyone.",
    "Non-violent transfer of territory": "A town changes hands without fighting.",
    "Other": "Another significant development in the conflict.",
    "natural_disaster": "An earthquake, flood, storm or other natural disaster strikes.",
    "accident": "A crash, fire or explosion happens by accident.",
    "diplomatic_visit": "Leaders or diplomats meet or visit for talks.",
    "crime": "A criminal robs, steals or kills for no political reason.",
    "responsibility_claim": "An armed group claims responsibility for an attack.",
}
PLOVER_DESCRIPTIONS: dict[str, str] = {
    "AGREE": "One side agrees to or promises something.",
    "CONSULT": "Officials meet, visit or hold talks.",
    "SUPPORT": "One side praises or endorses another.",
    "CONCEDE": "One side gives in, releases prisoners or eases restrictions.",
    "COOPERATE": "Two sides cooperate or work together.",
    "AID": "One side gives aid or assistance to another.",
    "RETREAT": "Troops withdraw or people flee.",
    "REQUEST": "One side asks or demands something of another.",
    "ACCUSE": "One side accuses or criticises another.",
    "REJECT": "One side rejects or refuses a proposal.",
    "THREATEN": "One side threatens force or punishment.",
    "PROTEST": "People protest, demonstrate or strike.",
    "SANCTION": "One side imposes sanctions or cuts ties.",
    "MOBILIZE": "Forces are mobilised or put on alert.",
    "COERCE": "Authorities arrest, ban or seize.",
    "ASSAULT": "One side attacks, bombs or kills.",
}
# PLOVER gold records used as training rows for the ACLED typer: acts ACLED never codes
# (statements), and meetings, which are the non-conflict diplomatic type.
PLOVER_NONE = frozenset({"ACCUSE", "REQUEST", "REJECT", "THREATEN", "SUPPORT"})
PLOVER_MEETING_MODES = frozenset({"visit", "host", "meet", "mediate"})


def gold_label(record: dict[str, Any]) -> str:
    return str(record.get("sub_event_type") or record.get("other_type") or NONE)


def load_descriptions(path: Path) -> list[dict[str, Any]]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(rec, dict) or not rec.get("text") or gold_label(rec) not in LABELS:
            raise ValueError(f"{path}:{number}: needs text and a known sub_event_type/other_type")
        out.append(rec)
    return out


def folds(n: int, k: int = FOLDS, seed: int = SEED) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


@dataclass
class Parsed:
    parsed: ParsedDocument
    row: np.ndarray  # the typer's input for the whole text


def parse_all(texts: Sequence[str], model: str | None) -> list[Parsed]:
    """Parse once; each text's typer row reads the whole text with the rules' first event."""
    from pressgraph.extract.events.coder import code_sentence

    nlp = load_pipeline(model)
    out = []
    for doc in nlp.pipe(texts, batch_size=64):
        article = Article(id=article_id_for(doc.text), text=doc.text)
        parsed = ParsedDocument(article=article, doc=doc, extraction=Extraction(article=article))
        rule = None
        for sent in doc.sents:
            rule = best_candidate([c for c in code_sentence(sent) if not c.suppressed])
            if rule is not None:
                break
        out.append(Parsed(parsed, features(doc[:], rule, doc_columns(doc))))
    return out


def main_label(parsed: ParsedDocument, typer: Typer | None) -> str:
    from pressgraph.extract.events import scored_events

    for event, _ in scored_events(parsed, typer):
        if event.is_main:
            return event.acled_sub_event_type or event.other_type or NONE
    return NONE


def scores(gold: Sequence[str], pred: Sequence[str], prefix: str,
           per_type: bool = False) -> dict[str, float]:
    labels = sorted(set(gold))
    f1s: dict[str, float] = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        f1s[label] = PRF(tp=tp, n_pred=sum(p == label for p in pred),
                         n_gold=sum(g == label for g in gold)).f1
    support = Counter(gold)
    out = {
        f"{prefix}_accuracy": round(100 * sum(g == p for g, p in zip(gold, pred, strict=True))
                                    / max(len(gold), 1), 1),
        f"{prefix}_weighted_f1": round(100 * sum(f1s[lb] * support[lb] for lb in labels)
                                       / max(len(gold), 1), 1),
        f"{prefix}_macro_f1": round(100 * sum(f1s.values()) / max(len(f1s), 1), 1),
    }
    if per_type:
        for label in labels:
            slug = "".join(ch if ch.isalnum() else "_" for ch in label.lower()).strip("_")
            out[f"{prefix}_f1_{slug}"] = round(100 * f1s[label], 1)
    return out


def nearest_description(texts: Sequence[str], menu: dict[str, str]) -> list[str]:
    from pressgraph.nlp.minilm import encode

    names = list(menu)
    sims = encode(list(texts)) @ encode([menu[n] for n in names]).T
    return [names[int(i)] for i in sims.argmax(axis=1)]


def plover_training_rows(records: Sequence[dict[str, Any]],
                         parsed: Sequence[Parsed]) -> tuple[list[np.ndarray], list[str]]:
    rows, labels = [], []
    for rec, item in zip(records, parsed, strict=True):
        if rec["event"] in PLOVER_NONE:
            label = NONE
        elif rec["event"] == "CONSULT":
            label = "diplomatic_visit" if rec["mode"] in PLOVER_MEETING_MODES else NONE
        else:
            continue
        rows.append(item.row)
        labels.append(label)
    return rows, labels


def news_negative_rows(model: str | None, articles: int = NEWS_ARTICLES,
                       sentences: int = NEWS_SENTENCES) -> list[np.ndarray]:
    """Rows for ``none`` from ordinary news with no conflict in it: the first sentences of
    PolNeAR TRAIN articles (US election coverage), every fourth article in name order.

    Without them the typer, shown only conflict and disaster descriptions, finds a riot in
    "Clinton beats Trump by 46 percent to 42"."""
    from pressgraph.extract.events.coder import code_sentence

    if not NEWS_NEGATIVES.is_dir():
        return []
    paths = sorted(NEWS_NEGATIVES.glob("*.txt"))[::4][:articles]
    nlp = load_pipeline(model)
    rows = []
    for doc in nlp.pipe((p.read_text(encoding="utf-8")[:3000] for p in paths), batch_size=16):
        columns = doc_columns(doc)
        for sent in list(doc.sents)[:sentences]:
            if len(sent) < 4:
                continue
            rule = best_candidate([c for c in code_sentence(sent) if not c.suppressed])
            rows.append(features(sent, rule, columns))
    return rows


def train_typer(rows: Sequence[np.ndarray], labels: Sequence[str]) -> Typer:
    return train(np.stack(rows), labels)


def event_type_of(label: str) -> str:
    return EVENT_TYPE_OF.get(label, label if label in OTHER_TYPES else NONE)


def evaluate(gold: Path | None = None, *, model: str | None = None,
             limit: int | None = None) -> Report:
    gold_dir = gold or GOLD_DIR
    train_path = gold_dir / "train.jsonl" if gold_dir.is_dir() else gold_dir
    records = load_descriptions(train_path)
    if limit:
        records = records[:limit]
    heldout_path = train_path.parent / "heldout.jsonl"
    heldout = load_descriptions(heldout_path) if heldout_path.exists() else []
    plover = load_gold(PLOVER_GOLD) if PLOVER_GOLD.exists() else []

    parsed = parse_all([r["text"] for r in records], model)
    parsed_plover = parse_all([r["text"] for r in plover], model)
    extra_rows, extra_labels = plover_training_rows(plover, parsed_plover)
    news_rows = news_negative_rows(model)
    extra_rows += news_rows
    extra_labels += [NONE] * len(news_rows)
    gold_labels = [gold_label(r) for r in records]

    learned = [NONE] * len(records)
    for fold in folds(len(records)):
        held = set(fold)
        typer = train_typer([p.row for i, p in enumerate(parsed) if i not in held] + extra_rows,
                            [g for i, g in enumerate(gold_labels) if i not in held]
                            + extra_labels)
        for i in fold:
            learned[i] = main_label(parsed[i].parsed, typer)
    rules = [main_label(p.parsed, None) for p in parsed]
    baseline = nearest_description([r["text"] for r in records], DESCRIPTIONS)

    metrics: dict[str, float] = {}
    metrics.update(scores(gold_labels, learned, "cv", per_type=True))
    metrics.update(scores(gold_labels, rules, "rules"))
    metrics.update(scores(gold_labels, baseline, "minilm"))
    metrics.update(scores([event_type_of(g) for g in gold_labels],
                          [event_type_of(p) for p in learned], "cv_event_type"))
    metrics["cv_no_event_rate"] = round(100 * sum(
        p == NONE for p, g in zip(learned, gold_labels, strict=True) if g != NONE)
        / max(sum(g != NONE for g in gold_labels), 1), 1)
    counts = {"descriptions": len(records), "labels": len(set(gold_labels)),
              "plover_training_rows": len(extra_rows) - len(news_rows),
              "news_none_rows": len(news_rows)}

    if heldout:
        full = train_typer([p.row for p in parsed] + extra_rows, gold_labels + extra_labels)
        parsed_held = parse_all([r["text"] for r in heldout], model)
        held_gold = [gold_label(r) for r in heldout]
        metrics.update(scores(held_gold, [main_label(p.parsed, full) for p in parsed_held],
                              "heldout", per_type=True))
        metrics.update(scores(held_gold, [main_label(p.parsed, None) for p in parsed_held],
                              "heldout_rules"))
        metrics.update(scores(held_gold, nearest_description([r["text"] for r in heldout],
                                                             DESCRIPTIONS), "heldout_minilm"))
        counts["heldout_descriptions"] = len(heldout)

    if plover:
        plover_gold = [r["event"] for r in plover]
        plover_learned = [""] * len(plover)
        for fold in folds(len(plover)):
            held = set(fold)
            typer = train(np.stack([p.row for i, p in enumerate(parsed_plover) if i not in held]),
                          [g for i, g in enumerate(plover_gold) if i not in held],
                          label_set=PLOVER_TYPES)
            probs = typer.probabilities(np.stack([parsed_plover[i].row for i in fold]))
            for i, row in zip(fold, probs, strict=True):
                plover_learned[i] = PLOVER_TYPES[int(row.argmax())]
        plover_rules = [_plover_rule(p.parsed) for p in parsed_plover]
        metrics.update(scores(plover_gold, plover_learned, "plover_cv"))
        metrics.update(scores(plover_gold, plover_rules, "plover_rules"))
        metrics.update(scores(plover_gold, nearest_description(
            [r["text"] for r in plover], PLOVER_DESCRIPTIONS), "plover_minilm"))
        counts["plover_sentences"] = len(plover)

    confusions = Counter((g, p) for g, p in zip(gold_labels, learned, strict=True) if g != p)
    notes = tuple(f"confusion gold={g} pred={p}: {c}" for (g, p), c in confusions.most_common(15))
    return Report(task="acled", gold=str(train_path), metrics=metrics, counts=counts,
                  notes=notes)


def _plover_rule(parsed: ParsedDocument) -> str:
    from pressgraph.extract.events import scored_events

    scored = scored_events(parsed, None)
    return max(scored, key=lambda pair: pair[1])[0].event_type if scored else NONE
