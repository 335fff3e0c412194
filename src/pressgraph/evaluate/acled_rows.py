"""``evaluate acled-rows``: the ACLED row a coder would write for a short report, column by column.

Gold: ``eval/gold/acled_rows/rows.jsonl`` (reports written for the project, each with the row
a coder would write: actor1, actor2, inter1, inter2, interaction, country, admin1, location,
fatalities).  Each report is extracted end to end (entities, places, events) and its row is the
one ``pressgraph export --format acled`` writes: the report's main event, when it is asserted
and of an ACLED type, through :func:`pressgraph.extract.events.acled.acled_row` with the
article's actors and places.  A report that yields no row scores every column as wrong unless
the gold column is empty.

Figures: per-column accuracy in percent, ``row_exact`` (every scored column right) and
``row_rate`` (reports that give a row at all).  ``heldout.jsonl`` beside it (written after
the rules were fixed, never used to change them) is scored the same way (``heldout_*``).
Names compare case-folded with hyphens and spacing folded ("Al-Shabaab" = "Al Shabaab"),
diacritics and apostrophes dropped ("Bogotá" = "Bogota").
"""

from __future__ import annotations

import inspect
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from pressgraph.evaluate import REPO_ROOT, Report
from pressgraph.extract.events.acled import acled_row
from pressgraph.model import Extraction

GOLD_DIR = REPO_ROOT / "eval" / "gold" / "acled_rows"
COLUMNS = ("actor1", "actor2", "inter1", "inter2", "interaction", "country", "admin1",
           "location", "fatalities")
_FOLD = re.compile(r"[\s\-_]+")
_MARKS = re.compile(r"['\u2019\u02bc]")


def load_rows(path: Path) -> list[dict[str, Any]]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or not record.get("text") or any(
                column not in record for column in COLUMNS):
            raise ValueError(f"{path}:{number}: needs text and {', '.join(COLUMNS)}")
        out.append(record)
    return out


def normalise(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Gazetteer names keep diacritics and transliteration marks ("Kandahār", "Mek'ele");
    # ACLED's locations are plain ASCII, and the place is the same.
    plain = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return _FOLD.sub(" ", _MARKS.sub("", plain)).strip().casefold()


def row_of(extraction: Extraction) -> dict[str, Any] | None:
    """The export's row for one report: its main asserted event of an ACLED type."""
    places = {p.id: p for p in extraction.places}
    # Measures whichever acled_row is installed: main's took no article context.
    takes_context = "actors" in inspect.signature(acled_row).parameters
    for event in extraction.events:
        if not (event.is_main and event.factuality == "asserted" and event.acled_event_type):
            continue
        place = places.get(event.place_id or "")
        if takes_context:
            row = acled_row(event, place, extraction.article, actors=extraction.actors,
                            places=extraction.places)
        else:
            row = acled_row(event, place, extraction.article)
        if row["event_type"]:
            return row
    return None


def score(records: list[dict[str, Any]], model: str | None,
          prefix: str = "") -> tuple[dict[str, float], int, list[str]]:
    from pressgraph.service import ExtractOptions, article_from_text, extract

    articles = [article_from_text(r["text"], published=r.get("published")) for r in records]
    extractions = {e.article.id: e for e in extract(articles, ExtractOptions(model=model))}
    right = dict.fromkeys(COLUMNS, 0)
    exact = produced = 0
    notes = []
    for record, article in zip(records, articles, strict=True):
        extraction = extractions.get(article.id)
        row = row_of(extraction) if extraction is not None else None
        produced += row is not None
        wrong = []
        for column in COLUMNS:
            predicted = normalise(row.get(column)) if row is not None else ""
            if predicted == normalise(record[column]):
                right[column] += 1
            else:
                wrong.append(f"{column}={predicted!r} (gold {normalise(record[column])!r})")
        exact += not wrong
        if wrong:
            notes.append(f"{record.get('id', '?')}: " + "; ".join(wrong))
    n = max(len(records), 1)
    metrics = {f"{prefix}{column}_acc": round(100 * right[column] / n, 1) for column in COLUMNS}
    metrics[f"{prefix}row_exact"] = round(100 * exact / n, 1)
    metrics[f"{prefix}row_rate"] = round(100 * produced / n, 1)
    return metrics, produced, notes


def evaluate(gold: Path | None = None, *, model: str | None = None,
             limit: int | None = None) -> Report:
    gold_dir = gold or GOLD_DIR
    path = gold_dir / "rows.jsonl" if gold_dir.is_dir() else gold_dir
    records = load_rows(path)
    if limit:
        records = records[:limit]
    metrics, produced, notes = score(records, model)
    counts = {"reports": len(records), "rows": produced}
    heldout_path = path.parent / "heldout.jsonl"
    if heldout_path.exists():
        held = load_rows(heldout_path)
        held_metrics, held_produced, held_notes = score(held, model, "heldout_")
        metrics.update(held_metrics)
        notes += held_notes
        counts.update(heldout_reports=len(held), heldout_rows=held_produced)
    return Report(task="acled-rows", gold=str(path), metrics=metrics, counts=counts,
                  notes=tuple(notes))
