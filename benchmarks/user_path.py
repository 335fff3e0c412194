"""CPU cost of the whole user commands against bare spaCy on the same texts.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=src .venv/bin/python \\
        benchmarks/user_path.py [--texts ../shared/eval/quotes/polnear/train/text] \\
        [--limit 300] [--rounds 2] [--json OUT]

Each round runs three subprocesses in turn over the same files (read in place):

* bare: ``spacy.load(en_core_web_md)`` and ``nlp.pipe`` over the texts (no pressgraph code);
* ``pressgraph extract FILES --format jsonl`` (clean, parse, every extractor, linking, JSON);
* ``pressgraph ingest FILES --db NEW.db`` (the same, plus the store and incremental linking).

With ``--compare-src OTHER/src`` each round also runs ``extract`` and ``ingest`` from that
checkout right after this one's, against the same bare run: a before/after in one session.

CPU time is the children's user + system time (``resource.getrusage(RUSAGE_CHILDREN)``), so
start-up and model loading count for every command alike.  Each round's ratios compare runs
made moments apart (on a shared machine speed drifts by 10% or more within minutes); the
median of rounds is the figure to quote, with articles per CPU-second.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TEXTS = REPO.parent / "shared" / "eval" / "quotes" / "polnear" / "train" / "text"
PUBLISHED = "2016-11-01"  # PolNeAR texts carry no date; one for every article, as a user would

# The model's path comes as the first argument, resolved by this process: importing pressgraph
# in the bare run (pressgraph.nlp pulls in the package, its model classes and the extractor
# registry) charged bare spaCy a tenth of a CPU-second that is pressgraph's.
BARE = """
import sys
from pathlib import Path
import spacy
nlp = spacy.load(sys.argv[1])
texts = [Path(p).read_text("utf-8") for p in sys.argv[2:]]
for _ in nlp.pipe(texts, batch_size=16):
    pass
"""


def _cpu_of(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: some input failed, reported on stderr
        raise SystemExit(f"{command[:3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    parser.add_argument("--compare-src", type=Path, default=None,
                        help="another checkout's src/ (say, the code before a change): each "
                        "round also runs its extract and ingest, interleaved with this one's")
    args = parser.parse_args()

    files = [str(p) for p in sorted(args.texts.glob("*.txt"))[: args.limit]]
    if not files:
        raise SystemExit(f"{args.texts}: no *.txt files")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "PYTHONPATH": str(REPO / "src")}
    python = sys.executable
    sys.path.insert(0, str(REPO / "src"))
    from pressgraph.nlp import default_model_path

    model_path = default_model_path()
    cli = [python, "-c", "from pressgraph.__main__ import main; main()"]
    sources = [("", REPO / "src")]
    if args.compare_src:
        sources.append(("_compared", args.compare_src.resolve()))
    rounds: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            bare, _ = _cpu_of([python, "-c", BARE, model_path, *files], env)
            row: dict[str, float] = {"bare_cpu_s": round(bare, 2)}
            # Alternate which checkout goes first, so drift within a round favours neither.
            for label, src in sources if i % 2 == 0 else sources[::-1]:
                run_env = {**env, "PYTHONPATH": str(src)}
                extract, _ = _cpu_of([*cli, "extract", *files, "--format", "jsonl",
                                      "--published", PUBLISHED], run_env)
                db = Path(tmp) / f"round{i}{label}.db"
                ingest, _ = _cpu_of([*cli, "ingest", *files, "--db", str(db), "--published",
                                     PUBLISHED, "--quiet"], run_env)
                row.update({f"extract{label}_cpu_s": round(extract, 2),
                            f"ingest{label}_cpu_s": round(ingest, 2),
                            f"extract{label}_ratio": round(extract / bare, 3),
                            f"ingest{label}_ratio": round(ingest / bare, 3)})
            rounds.append(row)
            print(json.dumps(rounds[-1]), file=sys.stderr, flush=True)
    n = len(files)

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = {
        "texts": str(args.texts), "articles": n, "rounds": rounds,
        "extract_ratio_median": round(median("extract_ratio"), 3),
        "ingest_ratio_median": round(median("ingest_ratio"), 3),
        "bare_articles_per_cpu_s": round(n / median("bare_cpu_s"), 2),
        "extract_articles_per_cpu_s": round(n / median("extract_cpu_s"), 2),
        "ingest_articles_per_cpu_s": round(n / median("ingest_cpu_s"), 2),
        "peak_rss_mb_largest_child": round(peak_mb),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }
    if args.compare_src:
        result["compared_src"] = str(args.compare_src)
        for key in ("extract_compared_ratio", "ingest_compared_ratio"):
            result[f"{key}_median"] = round(median(key), 3)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
