"""Articles per second of ``pressgraph run`` on the local engine and on Ray, over one WARC set.

Usage (from the repo root):

    PYTHONPATH=$PWD/src .venv/bin/python benchmarks/run_scale.py \
        [--articles 1000] [--shards 20] [--repeat 1] [--json OUT]

Builds, in a temporary folder, ``--shards`` WARC files holding ``--articles`` HTML pages made
from the PolNeAR train texts (``../shared/eval/quotes/polnear/train/text``; the texts are
cycled, each repeat made distinct by a line of its own, when more articles are asked for than
there are texts; nothing is written into the repository).  Then, for ``--repeat`` rounds,
each of these runs right after its own bare-spaCy yardstick:

* ``pressgraph run --engine local --workers 1``;
* ``pressgraph run --engine ray --workers 1`` and ``--workers 2`` (a local Ray cluster of as
  many CPUs);
* the yardstick: ``en_core_web_md``'s bare ``nlp.pipe`` over the same texts (already extracted
  from the HTML), in one process, BLAS on one thread.

Each run is a fresh ``pressgraph run`` process into an empty output folder, so its wall time
includes starting Ray and loading the model; the steady rate per worker (articles over the
time its shards took), each worker's model load time and its peak RSS come from the
completion markers.  On a shared machine only ratios to a yardstick measured moments before
mean much; the median ratio over the rounds is reported.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TEXTS = REPO.parent / "shared" / "eval" / "quotes" / "polnear" / "train" / "text"
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
RUNS = (("local", 1), ("ray", 1), ("ray", 2))


def page(text: str, number: int) -> str:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    title, body = (lines[0], lines[1:]) if len(lines) > 1 else (f"Article {number}", lines)
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in body)
    return (f"<html><head><title>{html.escape(title)}</title></head><body><article>"
            f"<h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>")


def warc_response(url: str, document: str) -> bytes:
    from fastwarc.warc import WarcRecord, WarcRecordType

    body = document.encode("utf-8")
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("ascii")
    record = WarcRecord()
    record.init_headers(record_type=WarcRecordType.response)
    record.headers["WARC-Target-URI"] = url
    record.headers["WARC-Date"] = "2016-11-01T00:00:00Z"
    record.headers["Content-Type"] = "application/http; msgtype=response"
    record.set_bytes_content(http + body)
    out = io.BytesIO()
    record.write(out)
    return out.getvalue()


def build_warcs(texts_dir: Path, articles: int, shards: int, folder: Path) -> int:
    texts = [p.read_text("utf-8") for p in sorted(texts_dir.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"{texts_dir}: no .txt files")
    pages = []
    for number in range(articles):
        text = texts[number % len(texts)]
        if number >= len(texts):
            text += f"\n\nReprinted as item {number}."  # a distinct article, not a duplicate
        pages.append(page(text, number))
    per_shard = -(-articles // shards)
    for index in range(shards):
        chunk = pages[index * per_shard:(index + 1) * per_shard]
        with (folder / f"crawl-{index:03d}.warc").open("wb") as fh:
            for offset, document in enumerate(chunk):
                fh.write(warc_response(f"https://bench.example/{index}/{offset}", document))
    return len(pages)


def bare_spacy(warcs: Path) -> dict[str, float]:
    """Bare ``nlp.pipe`` over the same article texts, in a child process like the runs."""
    code = (
        "import json,sys,time,spacy\n"
        "from pressgraph.ingest import read_inputs\n"
        "from pressgraph.nlp import default_model_path\n"
        "texts=[a.text for a in read_inputs([sys.argv[1]]) if hasattr(a,'text')]\n"
        "nlp=spacy.load(default_model_path())\n"
        "list(nlp.pipe(texts[:4]))\n"
        "t=time.perf_counter(); list(nlp.pipe(texts, batch_size=16))\n"
        "print(json.dumps({'articles': len(texts), 'seconds': time.perf_counter()-t}))\n"
    )
    env = {**os.environ, **SINGLE_THREAD, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", code, str(warcs)], env=env, check=True,
                          capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["rate"] = result["articles"] / result["seconds"]
    return result


def pressgraph_run(warcs: Path, out: Path, engine: str, workers: int) -> dict[str, Any]:
    command = [sys.executable, "-c", "from pressgraph.cli import main; main()", "run",
               str(warcs), "--out", str(out), "--engine", engine, "--workers", str(workers),
               "--quiet"]
    env = {**os.environ, **SINGLE_THREAD, "PYTHONPATH": str(REPO / "src")}
    start = time.perf_counter()
    subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    markers = [json.loads(p.read_text("utf-8")) for p in (out / "done").glob("*.json")]
    articles = sum(m["articles"] for m in markers)
    workers_seen: dict[str, dict[str, float]] = {}
    for m in markers:
        w = workers_seen.setdefault(m["worker"], {"articles": 0, "seconds": 0.0,
                                                  "model_load_s": 0.0, "peak_rss_mb": 0.0})
        w["articles"] += m["articles"]
        w["seconds"] += m["seconds"]
        w["model_load_s"] += m["model_load_seconds"]
        w["peak_rss_mb"] = max(w["peak_rss_mb"], m["peak_rss_mb"])
    for w in workers_seen.values():
        w["rate"] = w["articles"] / w["seconds"] if w["seconds"] else 0.0
    return {"engine": engine, "workers": workers, "articles": articles, "wall_s": wall,
            "rate": articles / wall, "per_worker": workers_seen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--shards", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pressgraph-bench-") as tmp:
        folder = Path(tmp)
        warcs = folder / "warc"
        warcs.mkdir()
        count = build_warcs(args.texts, args.articles, args.shards, warcs)
        print(f"{count} articles in {args.shards} WARC files; CPUs: {os.cpu_count()}",
              flush=True)
        rounds: list[dict[str, Any]] = []
        for round_number in range(args.repeat):
            row: dict[str, Any] = {}
            for engine, workers in RUNS:
                # bare spaCy right before each run: the machine's speed drifts within minutes
                bare = bare_spacy(warcs)
                out = folder / f"out-{round_number}-{engine}-{workers}"
                result = pressgraph_run(warcs, out, engine, workers)
                result["bare_rate"] = bare["rate"]
                result["ratio_to_bare"] = result["rate"] / bare["rate"]
                row[f"{engine}-{workers}"] = result
                print(f"round {round_number + 1}, {engine} --workers {workers}: "
                      f"{result['articles']} articles in {result['wall_s']:.1f} s = "
                      f"{result['rate']:.2f} articles/s, {result['ratio_to_bare']:.2f}x bare "
                      f"spaCy on one core ({bare['rate']:.2f} articles/s just before)",
                      flush=True)
                for name, w in result["per_worker"].items():
                    print(f"    worker {name}: {w['articles']} articles, steady "
                          f"{w['rate']:.2f} articles/s ({w['rate'] / bare['rate']:.2f}x bare), "
                          f"model load {w['model_load_s']:.1f} s, "
                          f"peak RSS {w['peak_rss_mb']:.0f} MB", flush=True)
            rounds.append(row)
        for key in (f"{e}-{w}" for e, w in RUNS):
            ratios = [r[key]["ratio_to_bare"] for r in rounds]
            print(f"{key}: best {max(r[key]['rate'] for r in rounds):.2f} articles/s; "
                  f"median ratio to bare spaCy {statistics.median(ratios):.2f}")
        if args.json:
            args.json.write_text(json.dumps({"articles": count, "shards": args.shards,
                                             "rounds": rounds}, indent=2))


if __name__ == "__main__":
    main()
