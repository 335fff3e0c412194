"""The figures of ``docs/errors.md``: malformed inputs tried, batches aborted, good articles
lost, and the worst time and memory any one input costs.

Usage (from the repo root):

    PYTHONPATH=src .venv/bin/python benchmarks/malformed_inputs.py [--count 1000] [--seed 17]

Three measurements:
1. reading: every input of the fuzz corpus (``tests/fuzz/malformed.py``) plus the issue's
   heavy cases (a page of 510,000 entities, a 990,000-character article, a 100,000-deep JSON
   line, a billion-laughs feed) through the readers, one at a time in this process: the
   slowest input and the largest growth of peak RSS one input caused;
2. the heavy cases again, each in a fresh process, for its own peak RSS;
3. one real ``pressgraph ingest`` over the whole corpus in a child process: its exit code
   (3 would be an aborted batch), good articles stored, bad inputs named, wall time, peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "fuzz"))

from malformed import plan, write  # noqa: E402

from pressgraph.cli.safe_text import safe_text  # noqa: E402
from pressgraph.ingest import read_path  # noqa: E402


def heavy_cases(folder: Path) -> list[Path]:
    """The issue's resource reproductions, written for this measurement."""
    cases = {
        "entities.html": ("<html><body><article><p>" + "&amp;&lt;&gt;" * 170_000
                          + "</p></article></body></html>").encode(),
        "long.txt": ("Police said on Monday two people died in Lima. " * 21_000).encode(),
        "deep.jsonl": b"[" * 100_000 + b"]" * 100_000 + b"\n",
        "laughs.rss": (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">'
            + "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
            + ']><rss version="2.0"><channel><title>B</title><item><title>B</title>'
            "<description>&l9;</description></item></channel></rss>"
        ).encode(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in cases.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in cases]


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_each(paths: list[Path]) -> tuple[tuple[float, str], tuple[float, str]]:
    """(slowest seconds, input) and (largest peak-RSS growth in MB, input)."""
    slowest = (0.0, "")
    hungriest = (0.0, "")
    for path in paths:
        before = _maxrss_mb()
        started = time.perf_counter()
        list(read_path(os.fsdecode(path)))
        seconds = time.perf_counter() - started
        growth = _maxrss_mb() - before
        slowest = max(slowest, (seconds, path.name))
        hungriest = max(hungriest, (growth, path.name))
    return slowest, hungriest


def read_alone(path: Path) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB) and the one-line result of reading ``path`` in a fresh process."""
    code = ("import sys; from pressgraph.ingest import read_path; "
            "print(*map(str, read_path(sys.argv[1])), sep='\\n')")
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, output.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        planned = plan(seed=args.seed, count=args.count)
        write(planned, corpus)
        heavy = heavy_cases(Path(tmp) / "heavy")
        regular = [Path(os.fsdecode(os.path.join(os.fsencode(corpus), os.fsencode(p.name))))
                   for p in planned if not p.special]
        bad = [p for p in planned if not p.good]
        goods = [p for p in planned if p.good]
        print(f"inputs: {len(bad)} malformed ({len(planned) - len(regular)} pipes and links), "
              f"{len(goods)} good, {len(heavy)} heavy cases")

        (slow_s, slow_name), (rss_mb, rss_name) = read_each(regular + heavy)
        print(f"reading, one input at a time: slowest {slow_s:.2f} s ({slow_name}); "
              f"largest peak-RSS growth {rss_mb:.0f} MB ({rss_name})")
        for path in heavy:
            seconds, peak, result = read_alone(path)
            print(f"  {path.name}: {seconds:.1f} s, peak RSS {peak:.0f} MB (a fresh process): "
                  f"{safe_text(result)[len(str(path)) + 2:][:110]}")

        db = Path(tmp) / "fuzz.db"
        command = [sys.executable, "-c", "from pressgraph.cli import main; main()", "ingest",
                   str(corpus), "--db", str(db), "--quiet", "--no-link"]
        errors = Path(tmp) / "stderr.txt"
        started = time.perf_counter()
        with errors.open("w") as sink:
            child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink,
                                     env={**os.environ, "PYTHONPATH": str(REPO / "src")})
            _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        peak = usage.ru_maxrss / 1024
        err = errors.read_text()
        stored = sqlite3.connect(db).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        named = Counter(line.split(": ", 1)[0] for line in err.splitlines()
                        if line.startswith("failed: "))
        print(f"one ingest over {len(planned)} inputs: exit {child.returncode} "
              f"(aborted batches: {int(child.returncode not in (0, 1))}), "
              f"{stored} of {len(goods)} good articles stored "
              f"(lost: {len(goods) - stored}), {len(named)} inputs named in "
              f"{sum(named.values())} failure lines, tracebacks: {err.count('Traceback')}, "
              f"{seconds:.0f} s, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
