"""Learn the attribution-cue lexicon from the PolNeAR train split.

For every word form, count how often it starts (or is) a gold Cue span against how often it
occurs in the texts at all; forms that are cues often enough, in enough articles, become the
lexicon.  No parse is needed, so it runs in seconds.  The extractor only fires a cue when the
parse also gives it a source and a content, so the lexical threshold can stay permissive.

    PYTHONPATH=src .venv/bin/python scripts/learn_quote_cues.py
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from pressgraph.evaluate import SHARED
from pressgraph.evaluate.quotes import load_gold

WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
OUT = Path(__file__).resolve().parents[1] / "src/pressgraph/extract/quotes/cues.json"

# Multiword cues whose first word is too common on its own to be learned ("according").
PHRASES = ("according to",)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", type=Path, default=SHARED / "eval/quotes/polnear/train")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--min-ratio", type=float, default=0.2)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    as_cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for doc in load_gold(args.gold):
        cue_starts = set()
        for att in doc.attributions:
            start, end = att.cue
            m = WORD.search(doc.text, start, end)
            if m:
                cue_starts.add(m.start())
        for m in WORD.finditer(doc.text):
            form = m.group().lower()
            total[form] += 1
            if m.start() in cue_starts:
                as_cue[form] += 1
    learned = {
        form: round(n / total[form], 3)
        for form, n in as_cue.items()
        if n >= args.min_count and n / total[form] >= args.min_ratio
    }
    data = {
        "source": "PolNeAR v1.0.0 train split; ratio = share of occurrences annotated as a cue",
        "min_count": args.min_count,
        "min_ratio": args.min_ratio,
        "phrases": list(PHRASES),
        "forms": dict(sorted(learned.items(), key=lambda kv: -kv[1])),
    }
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"{len(learned)} cue forms -> {args.out}")


if __name__ == "__main__":
    main()
