"""Check that the fast attribute ruler and lemmatizer give spaCy's output, token for token.

Usage (from the repo root):

    .venv/bin/python scripts/check_fast_nlp.py [DIR_OR_FILE ...] [--limit N]

Parses every ``*.txt`` under the given folders (default: PolNeAR dev texts) with the stock
en_core_web_md pipeline and with the fast components swapped in, and compares, per token, text,
tag, pos, morph, lemma, dep, head, entity IOB and type. Prints tokens compared and mismatches;
exits 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "eval" / "quotes" / "polnear" / "dev" / "text"


def token_rows(doc):  # type: ignore[no-untyped-def]
    return [
        (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
        for t in doc
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    import spacy

    from pressgraph.nlp import default_model_path
    from pressgraph.nlp.fast import install_fast_components

    files: list[Path] = []
    for path in args.paths:
        files.extend(sorted(path.glob("*.txt")) if path.is_dir() else [path])
    texts = [f.read_text("utf-8") for f in files[: args.limit]]

    stock = spacy.load(default_model_path())
    fast = spacy.load(default_model_path())
    swapped = install_fast_components(fast)
    print(f"swapped: {swapped}")
    t0 = time.perf_counter()
    stock_docs = list(stock.pipe(texts))
    t1 = time.perf_counter()
    fast_docs = list(fast.pipe(texts))
    t2 = time.perf_counter()
    tokens = mismatches = 0
    for name, a, b in zip(files, stock_docs, fast_docs, strict=False):
        ra, rb = token_rows(a), token_rows(b)
        tokens += len(ra)
        if len(ra) != len(rb):
            mismatches += max(len(ra), len(rb))
            print(f"{name.name}: token count {len(ra)} != {len(rb)}")
            continue
        for x, y in zip(ra, rb, strict=True):
            if x != y:
                mismatches += 1
                if mismatches <= 20:
                    print(f"{name.name}: {x} != {y}")
    print(
        f"texts {len(texts)}  tokens compared {tokens}  mismatches {mismatches}  "
        f"(stock {t1 - t0:.1f}s, fast {t2 - t1:.1f}s, not a benchmark)"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
