"""Speed and memory of the full pipeline against bare spaCy on the same texts.

Usage (from the repo root):

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/pipeline_speed.py \
        [--texts ../shared/eval/quotes/polnear/dev/text] [--limit N] [--repeat 2] [--json OUT]

Reports, on one core (one process, BLAS pinned to one thread):
* bare ``nlp.pipe`` with en_core_web_md (no pressgraph code), articles/s;
* the full pipeline (clean + parse + every extractor), articles/s/core, and its ratio to bare;
* the time each extractor adds, as a share of the parse;
* peak RSS of the process.
Bare spaCy and the pipeline run in turns, ``--repeat`` rounds; the fastest run of each counts
(the usual way to filter noise from other processes on a shared machine), and the ratio of
each round, whose two runs were made moments apart, is reported with its median.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TEXTS = REPO.parent / "shared" / "eval" / "quotes" / "polnear" / "dev" / "text"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    args = parser.parse_args()

    import spacy

    from pressgraph.extract import ParsedDocument, select_extractors
    from pressgraph.model import Article, Extraction, article_id_for
    from pressgraph.nlp import default_model_path, load_pipeline
    from pressgraph.pipeline import PipelineConfig, prepare

    files = sorted(args.texts.glob("*.txt"))[: args.limit]
    texts = [f.read_text("utf-8") for f in files]
    words = sum(len(t.split()) for t in texts)
    n = len(texts)

    bare = spacy.load(args.model or default_model_path())
    list(bare.pipe(texts[:4]))  # warm-up: lazy vectors, caches

    nlp = load_pipeline(args.model)
    specs = select_extractors()
    fns = [(spec.name, spec.load()) for spec in specs]
    config = PipelineConfig(model=args.model, published="2016-11-01")
    articles = [Article(id=article_id_for(t), text=t, raw_text=t) for t in texts]
    # Warm-up: builds or opens resources (gazetteer, lexicons) outside the timing.
    warm = prepare(articles[0], config)
    parsed = ParsedDocument(warm, nlp(warm.text), Extraction(article=warm))
    for _, fn in fns:
        parsed = parsed.with_records(fn(parsed))

    best_total = bare_s = float("inf")
    best_parts: dict[str, float] = {}
    round_ratios: list[float] = []
    # bare spaCy and the pipeline take turns, so that each round's ratio compares runs made
    # moments apart: on a shared machine the speed drifts by 10% or more within minutes
    for _ in range(args.repeat):
        bare_round = _timed(lambda: list(bare.pipe(texts, batch_size=args.batch_size)))
        bare_s = min(bare_s, bare_round)
        parts: dict[str, float] = defaultdict(float)
        start = time.perf_counter()
        t0 = time.perf_counter()
        prepared = [prepare(a, config) for a in articles]
        parts["clean"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        docs = list(nlp.pipe([a.text for a in prepared], batch_size=args.batch_size))
        parts["parse"] += time.perf_counter() - t0
        for article, doc in zip(prepared, docs, strict=True):
            parsed = ParsedDocument(article, doc, Extraction(article=article))
            for name, fn in fns:
                t0 = time.perf_counter()
                parsed = parsed.with_records(fn(parsed))
                parts[name] += time.perf_counter() - t0
        total = time.perf_counter() - start
        round_ratios.append(total / bare_round)
        if total < best_total:
            best_total, best_parts = total, dict(parts)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "texts": str(args.texts),
        "articles": n,
        "words_per_article": round(words / n),
        "bare_spacy_articles_per_s": round(n / bare_s, 2),
        "pipeline_articles_per_s_per_core": round(n / best_total, 2),
        "ratio_pipeline_to_bare": round(best_total / bare_s, 3),
        "ratio_each_round": [round(r, 3) for r in round_ratios],
        "ratio_median_of_rounds": round(statistics.median(round_ratios), 3),
        "seconds": {k: round(v, 3) for k, v in best_parts.items()},
        "share_of_bare_parse_pct": {
            k: round(100 * v / bare_s, 1) for k, v in best_parts.items() if k != "parse"
        },
        # "Before and after" for each extractor: the pipeline without it, then with it.
        "articles_per_s_per_core_without": {
            k: round(n / (best_total - v), 2)
            for k, v in best_parts.items() if k not in ("parse", "clean")
        },
        "peak_rss_mb": round(peak_mb),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
