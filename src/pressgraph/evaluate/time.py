"""Evaluate the ``time`` extractor, TempEval-3 style: relaxed span match, then the value.

Three corpora, chosen by ``gold``:
- a directory holding TimeML files (``*.tml``, TempEval-3's TimeBank and AQUAINT,
  ``SHARED/eval/time/te3-train``): the text is the ``<TEXT>`` element with its inline
  ``<TIMEX3>`` tags removed, the ``<DCT>`` TIMEX3 is the publication date;
- a directory holding CAT XML files (MEANTIME, ``SHARED/eval/news/meantime``): the text is
  rebuilt from the tokens, each document's CREATION_TIME is the publication date (and is
  itself left out of the scoring), every other token-anchored TIMEX3 is gold;
- otherwise our own gold (``eval/gold/quantities_time/NN.txt`` + ``NN.json``, key ``times``).
Default: our gold when it is there, else MEANTIME.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from pressgraph.evaluate import PRF, REPO_ROOT, SHARED, Report, match_exact, match_overlap
from pressgraph.evaluate.quantities import pair_spans

MEANTIME = SHARED / "eval" / "news" / "meantime"
OUR_GOLD = REPO_ROOT / "eval" / "gold" / "quantities_time"
LAST_SCOPED_SENTENCE = 5

NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "'s", "n't", "%", "'re", "'ve",
                   "'ll", "'d", "'m", "’s", "'"}
NO_SPACE_AFTER = {"(", "[", "{", "$", "#", "US$"}


@dataclass(frozen=True, slots=True)
class GoldTimex:
    start: int
    end: int
    type: str
    value: str | None


@dataclass(frozen=True, slots=True)
class GoldDoc:
    name: str
    text: str
    published: str | None
    timexes: tuple[GoldTimex, ...]
    ignore: tuple[tuple[int, int], ...] = ()  # spans neither gold nor scored (the DCT)


def load_meantime_doc(path: Path) -> GoldDoc:
    root = ET.parse(path).getroot()
    offsets: dict[str, tuple[int, int]] = {}
    sentence_of: dict[str, str] = {}
    parts: list[str] = []
    pos = 0
    prev_sentence: str | None = None
    prev_tok = ""
    for tok in root.iter("token"):
        word = tok.text or ""
        sentence = tok.get("sentence")
        if prev_sentence is None:
            sep = ""
        elif sentence != prev_sentence:
            sep = "\n"
        elif word in NO_SPACE_BEFORE or prev_tok in NO_SPACE_AFTER:
            sep = ""
        else:
            sep = " "
        parts.append(sep)
        pos += len(sep)
        offsets[tok.get("t_id", "")] = (pos, pos + len(word))
        sentence_of[tok.get("t_id", "")] = sentence or "0"
        parts.append(word)
        pos += len(word)
        prev_sentence, prev_tok = sentence, word
    text = "".join(parts)
    # MEANTIME annotates TIMEX3 only in the title, the dateline and the first four body
    # sentences (sentence numbers 0-5); later sentences are outside the annotated scope.
    scope_end = max((end for tid, (_, end) in offsets.items()
                     if int(sentence_of.get(tid, "0")) <= LAST_SCOPED_SENTENCE), default=0)
    timexes: list[GoldTimex] = []
    published = None
    ignore: list[tuple[int, int]] = []
    for tx in root.iter("TIMEX3"):
        ids = [a.get("t_id", "") for a in tx.iter("token_anchor")]
        if not ids:
            continue  # non-consuming TIMEX3: no text to find
        start, end = offsets[ids[0]][0], offsets[ids[-1]][1]
        if tx.get("functionInDocument") == "CREATION_TIME":
            published = tx.get("value")
            if published and re.fullmatch(r"\d\d-\d\d-\d{4}", published):
                # one document writes its creation time day-first
                day, month, year = published.split("-")
                published = f"{year}-{month}-{day}"
            ignore.append((start, end))
            continue
        timexes.append(GoldTimex(start, end, tx.get("type", "DATE"), tx.get("value")))
    ignore.append((scope_end, len(text) + 1))
    return GoldDoc(path.stem, text, published, tuple(timexes), tuple(ignore))


def load_timeml_doc(path: Path) -> GoldDoc:
    """One TimeML document: the text inside ``<TEXT>`` (tags dropped, entities decoded) and
    the character offsets of each inline ``<TIMEX3>`` in it."""
    from lxml import etree

    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot()
    dct = root.find("DCT/TIMEX3")
    published = dct.get("value") if dct is not None else None
    body = root.find("TEXT")
    parts: list[str] = []
    timexes: list[GoldTimex] = []
    pos = 0

    def walk(node: etree._Element) -> None:
        nonlocal pos
        start = pos
        if node.text:
            parts.append(node.text)
            pos += len(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        if node.tag == "TIMEX3":
            timexes.append(GoldTimex(start, pos, node.get("type", "DATE"), node.get("value")))

    if body is not None:
        walk(body)
    return GoldDoc(path.stem, "".join(parts), published, tuple(timexes))


def load_our_gold(directory: Path) -> list[GoldDoc]:
    docs = []
    for jpath in sorted(directory.glob("*.json")):
        tpath = jpath.with_suffix(".txt")
        if not tpath.exists():
            continue
        data = json.loads(jpath.read_text(encoding="utf-8"))
        text = tpath.read_text(encoding="utf-8")
        timexes = tuple(
            GoldTimex(int(t["start"]), int(t["end"]), t.get("type") or "DATE", t.get("value"))
            for t in data.get("times", [])
        )
        docs.append(GoldDoc(jpath.stem, text, data.get("published"), timexes))
    return docs


def _is_timeml(path: Path) -> bool:
    return path.is_dir() and next(path.rglob("*.tml"), None) is not None


def _is_meantime(path: Path) -> bool:
    return path.is_dir() and next(path.rglob("*.xml"), None) is not None


def default_gold() -> Path:
    if OUR_GOLD.is_dir() and next(OUR_GOLD.glob("*.json"), None) is not None:
        return OUR_GOLD
    return MEANTIME


def evaluate(gold: Path | None = None, *, model: str | None = None,
             limit: int | None = None) -> Report:
    from pressgraph.extract.time import TIMEX3_TYPES
    from pressgraph.pipeline import parse_text

    gold = Path(gold) if gold is not None else default_gold()
    unreadable: list[str] = []
    if _is_timeml(gold):
        docs = []
        for path in sorted(gold.rglob("*.tml")):
            try:
                docs.append(load_timeml_doc(path))
            except (OSError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
                unreadable.append(f"{path.name}: {exc}")
        corpus = "timeml"
    elif _is_meantime(gold):
        docs = [load_meantime_doc(p) for p in sorted(gold.rglob("*.xml"))]
        corpus = "meantime"
    else:
        docs = load_our_gold(gold)
        corpus = "pressgraph"
    if limit:
        docs = docs[:limit]
    exact: list[PRF] = []
    overlap: list[PRF] = []
    n_matched = n_value = n_type = 0
    n_unresolved_pred = 0
    for doc in docs:
        parsed = parse_text(doc.text, published=doc.published, raw=True, model=model,
                            extractors=["time"])
        # an event-anchored range ("since the invasion") is a record but not a TIMEX3
        preds = [t for t in parsed.extraction.times if t.type in TIMEX3_TYPES
                 and not any(a < t.end and t.start < b for a, b in doc.ignore)]
        gold_spans = [(g.start, g.end) for g in doc.timexes]
        pred_spans = [(p.start, p.end) for p in preds]
        exact.append(match_exact(gold_spans, pred_spans))
        overlap.append(match_overlap(gold_spans, pred_spans))
        n_unresolved_pred += sum(1 for p in preds if not p.resolved)
        for gi, pi in pair_spans(gold_spans, pred_spans):
            g, p = doc.timexes[gi], preds[pi]
            n_matched += 1
            n_value += int(_norm(g.value) == _norm(p.value))
            n_type += int(g.type == p.type)
    ex = _sum(exact)
    ov = _sum(overlap)
    value_prf = PRF(tp=n_value, n_pred=ov.n_pred, n_gold=ov.n_gold)
    metrics = {
        **ex.as_metrics("span_exact"),
        **ov.as_metrics("span_relaxed"),
        "value_accuracy": _pct(n_value, n_matched),
        "type_accuracy": _pct(n_type, n_matched),
        **value_prf.as_metrics("value"),
    }
    counts = {"documents": len(docs), "gold": ov.n_gold, "predicted": ov.n_pred,
              "matched": n_matched, "value_correct": n_value,
              "predicted_unresolved": n_unresolved_pred}
    notes = (
        f"corpus: {corpus}",
        *(f"skipped, not readable as TimeML: {u}" for u in unreadable),
        "span_relaxed: one-to-one match of overlapping spans (TempEval-3 relaxed); "
        "value_accuracy: share of relaxed matches whose TIMEX3 value is equal; "
        "value_f1: relaxed match and equal value (TempEval-3 'value F1').",
    )
    return Report(task="time", gold=str(gold), metrics=metrics, counts=counts, notes=notes)


def _norm(value: str | None) -> str | None:
    if value is None:
        return None
    v = value.strip().upper()
    # "2009-06-01T12:00Z" vs "2009-06-01T12:00": the zone is not in most news text
    return v[:-1] if v.endswith("Z") else v


def _sum(parts: list[PRF]) -> PRF:
    from pressgraph.evaluate import sum_prf

    return sum_prf(parts)


def _pct(num: int, den: int) -> float:
    return round(100 * num / den, 1) if den else 0.0
