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


def run_measured(command: list[str], stderr: Path) -> tuple[int, float, float]:
    """Exit code, seconds and peak RSS (MB) of ``command``, its stderr written to ``stderr``.

    The peak comes from GNU time when it is installed: a child forked from this process
    would count this process's pages as its own until it execs.
    """
    report = stderr.with_suffix(".rss")
    gnu_time = Path("/usr/bin/time")
    wrapped = [str(gnu_time), "-f", "%M", "-o", str(report), *command]
    started = time.perf_counter()
    with stderr.open("w") as sink:
        child = subprocess.Popen(wrapped if gnu_time.exists() else command,
                                 stdout=subprocess.DEVNULL, stderr=sink,
                                 env={**os.environ, "PYTHONPATH": str(REPO / "src")})
        _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    peak_kb = float(report.read_text().split()[-1]) if report.exists() else usage.ru_maxrss
    return child.returncode, seconds, peak_kb / 1024


def read_alone(path: Path, scratch: Path) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB) and the one-line result of reading ``path`` in a fresh process."""
    code = ("import sys; from pressgraph.ingest import read_path; "
            "print(*map(str, read_path(sys.argv[1])), sep='\\n', file=sys.stderr)")
    output = scratch / f"{path.name}.err"
    _code, seconds, peak = run_measured([sys.executable, "-c", code, str(path)], output)
    return seconds, peak, output.read_text().strip()


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
        planned_regular = [p for p in planned if not p.special]
        regular = [Path(os.fsdecode(os.path.join(os.fsencode(corpus), os.fsencode(p.name))))
                   for p in planned_regular]
        bad = [p for p in planned if not p.good]
        goods = [p for p in planned if p.good]
        print(f"inputs: {len(bad)} malformed ({len(planned) - len(regular)} pipes and links), "
              f"{len(goods)} good, {len(heavy)} heavy cases")

        # the good inputs first, unmeasured: the first read of each format imports its parser
        read_each([path for path, item in zip(regular, planned_regular, strict=True)
                   if item.good])
        for label, paths in (("generated", regular), ("heavy", heavy)):
            (slow_s, slow_name), (rss_mb, rss_name) = read_each(paths)
            print(f"reading the {label} inputs one at a time: slowest {slow_s:.2f} s "
                  f"({safe_text(slow_name)}); largest peak-RSS growth {rss_mb:.0f} MB "
                  f"({safe_text(rss_name)})")
        for path in heavy:
            seconds, peak, result = read_alone(path, Path(tmp))
            print(f"  {path.name}: {seconds:.1f} s, peak RSS {peak:.0f} MB (a fresh process): "
                  f"{safe_text(result)[len(str(path)) + 2:][:110]}")

        db = Path(tmp) / "fuzz.db"
        command = [sys.executable, "-c", "from pressgraph.cli import main; main()", "ingest",
                   str(corpus), "--db", str(db), "--quiet", "--no-link"]
        errors = Path(tmp) / "ingest.err"
        returncode, seconds, peak = run_measured(command, errors)
        err = errors.read_text()
        stored = sqlite3.connect(db).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        named = Counter(line.removeprefix("failed: ").split(": ", 1)[0]
                        for line in err.splitlines() if line.startswith("failed: "))
        print(f"one ingest over {len(planned)} inputs: exit {returncode} "
              f"(aborted batches: {int(returncode not in (0, 1))}), "
              f"{stored} of {len(goods)} good articles stored "
              f"(lost: {len(goods) - stored}), {len(named)} of {len(bad)} bad inputs named "
              f"in {sum(named.values())} failure lines (named more than once: "
              f"{sum(count > 1 for count in named.values())}), "
              f"tracebacks: {err.count('Traceback')}, "
              f"{seconds:.0f} s, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
