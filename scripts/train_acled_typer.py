"""Train the ACLED typer (``extract/events/typer.py``) and write ``acled_typer.npz``.

Rows: every description of ``eval/gold/acled/train.jsonl`` (the held-out file, when present,
is never read) plus the PLOVER gold records that map to a label (statements -> ``none``,
meetings -> ``diplomatic_visit``; see ``evaluate/acled.py``) and, as ``none``, the first
sentences of every fourth PolNeAR TRAIN article (ordinary news without a conflict event).
The trainer and its settings are the ones ``pressgraph evaluate acled`` cross-validates, so
the shipped weights are what the evaluation's folds measure, fitted on all of the training set.

    PYTHONPATH=src .venv/bin/python scripts/train_acled_typer.py
"""

from __future__ import annotations

from pathlib import Path

from pressgraph.evaluate.acled import (
    GOLD_DIR,
    gold_label,
    load_descriptions,
    news_negative_rows,
    parse_all,
    plover_training_rows,
    train_typer,
)
from pressgraph.evaluate.events import GOLD as PLOVER_GOLD
from pressgraph.evaluate.events import load_gold
from pressgraph.extract.events.typer import WEIGHTS_FILE

OUT = Path(__file__).resolve().parents[1] / "src/pressgraph/extract/events" / WEIGHTS_FILE


def main() -> None:
    records = load_descriptions(GOLD_DIR / "train.jsonl")
    parsed = parse_all([r["text"] for r in records], None)
    plover = load_gold(PLOVER_GOLD)
    extra_rows, extra_labels = plover_training_rows(plover, parse_all(
        [r["text"] for r in plover], None))
    news_rows = news_negative_rows(None)
    typer = train_typer([p.row for p in parsed] + extra_rows + news_rows,
                        [gold_label(r) for r in records] + extra_labels
                        + ["none"] * len(news_rows))
    typer.save(str(OUT))
    print(f"{OUT.name}: {len(records)} descriptions + {len(extra_rows)} PLOVER rows + "
          f"{len(news_rows)} news sentences, "
          f"{OUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
