"""How far PolNeAR's own annotators agree: a ceiling for any extractor scored on it.

Sixteen train articles were annotated by five or six annotators each.  The first annotation
file (alphabetically, the one ``evaluate quotes`` scores against) is taken as gold and every
other file is scored against it as if it were a prediction, with the same metrics as
``pressgraph evaluate quotes`` (span sets, and BBC Citron's protocol).  Reads train only.

    PYTHONPATH=src .venv/bin/python scripts/polnear_agreement.py
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pressgraph.evaluate import SHARED
from pressgraph.evaluate.quotes import _parse_ann, score, score_citron, to_tokens
from pressgraph.nlp import load_pipeline

TRAIN = SHARED / "eval/quotes/polnear/train"


def main() -> None:
    nlp = load_pipeline()
    files: dict[str, list[Path]] = defaultdict(list)
    for ann in sorted((TRAIN / "attributions").glob("*.ann")):
        files[ann.stem.rsplit("_", 1)[0]].append(ann)
    shared = {name: anns for name, anns in files.items() if len(anns) > 1}
    pairs, token_pairs = [], []
    for name, anns in shared.items():
        text = (TRAIN / "text" / f"{name}.txt").read_text(encoding="utf-8")
        starts = [t.idx for t in nlp.make_doc(text)]
        gold = _parse_ann(anns[0])
        for other in anns[1:]:
            pred = _parse_ann(other)
            pairs.append((gold, pred))
            token_pairs.append((to_tokens(gold, starts), to_tokens(pred, starts)))
    m = score(pairs)
    m.update(score_citron(token_pairs))
    print(f"{len(shared)} articles, {len(pairs)} annotator pairs (first file against each other)")
    print("part      span sets exact / overlap F1    Citron protocol exact / overlap F1")
    for part in ("source", "cue", "content", "quote"):
        print(f"{part:9s} {m[f'{part}_exact_f1']:5.1f} / {m[f'{part}_overlap_f1']:5.1f}"
              f"                  {m[f'citron_{part}_exact_f1']:5.1f} / "
              f"{m[f'citron_{part}_overlap_f1']:5.1f}")


if __name__ == "__main__":
    main()
