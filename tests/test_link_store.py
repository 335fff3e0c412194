"""Linking inside the store: resumable after kill -9, two writers at once, the same bytes
whatever the hash seed.  Each test runs real subprocesses on a temporary database."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DRIVER = ROOT / "tests" / "_link_driver.py"
EXAMPLES = ROOT / "examples" / "articles"
TOTAL = 30
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OMP_NUM_THREADS": "1", **extra}


def _driver(db: Path, first: int, last: int, *flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(DRIVER), str(db), str(first), str(last),
                             *flags], env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen[str]) -> None:
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]


def _dump(db: Path) -> list[str]:
    """Every row of every table, with the times things were written blanked."""
    conn = sqlite3.connect(db)
    try:
        return [_STAMP.sub("<time>", line) for line in conn.iterdump()]
    finally:
        conn.close()


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_a_run_killed_while_linking_and_resumed_equals_an_uninterrupted_run(tmp_path):
    whole, resumed = tmp_path / "whole.db", tmp_path / "resumed.db"
    _finish(_driver(whole, 0, TOTAL))
    assert _count(whole, "SELECT COUNT(*) FROM link_articles") == TOTAL

    proc = _driver(resumed, 0, TOTAL, "--per-article")
    deadline = time.monotonic() + 240
    linked = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            linked = _count(resumed, "SELECT COUNT(*) FROM link_articles")
        except sqlite3.OperationalError:
            linked = 0  # the store is still being created
        if linked >= TOTAL // 3:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    left = _count(resumed, "SELECT COUNT(*) FROM link_articles")
    assert 0 < left < TOTAL  # killed half-way, with articles linked and articles not
    _finish(_driver(resumed, 0, TOTAL))
    assert _dump(resumed) == _dump(whole)


def test_two_writers_at_once_both_succeed_and_readers_are_never_blocked(tmp_path):
    db = tmp_path / "shared.db"
    half = TOTAL // 2
    first, second = _driver(db, 0, half, "--per-article"), _driver(db, half, TOTAL,
                                                                     "--per-article")
    reads = 0
    while first.poll() is None or second.poll() is None:
        if db.exists():
            try:
                _count(db, "SELECT COUNT(*) FROM articles")
                reads += 1
            except sqlite3.OperationalError as exc:
                # Only a store too new to have its tables yet may refuse a reader.
                assert "no such table" in str(exc), exc
        time.sleep(0.05)
    _finish(first)
    _finish(second)
    assert reads > 0
    assert _count(db, "SELECT COUNT(*) FROM articles") == TOTAL
    assert _count(db, "SELECT COUNT(*) FROM link_articles") == TOTAL
    assert _count(db, "SELECT COUNT(*) FROM link_pending") == 0
    assert _count(db, "SELECT COUNT(*) FROM events WHERE cluster_id IS NULL") == 0
    assert _count(db, "SELECT COUNT(*) FROM actors WHERE canonical_id IS NULL") == 0
    # Reports of one synthetic event written by the two processes still share a story.
    assert _count(db, "SELECT COUNT(DISTINCT cluster_id) FROM article_clusters") < TOTAL


@pytest.mark.slow
def test_ingest_and_export_are_byte_identical_across_hash_seeds(tmp_path):
    files = [str(p) for p in sorted(EXAMPLES.glob("*.txt"))[:4]]
    procs = []
    for seed in ("1", "2"):
        db, out = tmp_path / f"seed{seed}.db", tmp_path / f"export{seed}"
        script = (f"pressgraph ingest {' '.join(files)} --db {db} --published 2019-10-23 -q && "
                  f"pressgraph export --db {db} --out {out} --format csv && "
                  f"pressgraph export --db {db} --out {out} --format jsonl")
        cli = f"{sys.executable} -c 'from pressgraph.cli import main; main()'"
        procs.append(subprocess.Popen(script.replace("pressgraph ", cli + " "), shell=True,
                                      env=_env(PYTHONHASHSEED=seed), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    for proc in procs:
        _finish(proc)
    one, two = tmp_path / "export1", tmp_path / "export2"
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    assert "event_clusters.csv" in names and "canonical_actors.csv" in names
    for name in names:
        if name == "articles.csv":  # carries the time each article was ingested
            first, second = ((d / name).read_text("utf-8") for d in (one, two))
            assert _STAMP.sub("", first) == _STAMP.sub("", second)
            continue
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert len((one / "canonical_actors.csv").read_text("utf-8").splitlines()) > 1


def test_relink_rebuilds_the_same_links(tmp_path):
    from pressgraph.store import Store
    from pressgraph.store.linking import relink

    db = tmp_path / "relinked.db"
    _finish(_driver(db, 0, TOTAL))
    before = _dump(db)
    with Store(db) as store:
        summary = relink(store)
    assert summary.linked == TOTAL
    assert _dump(db) == before


def test_tiny_caches_link_exactly_as_large_ones(tmp_path, monkeypatch):
    from pressgraph.store import Store, linking

    def linked(db: Path) -> list[str]:
        with Store(db) as store:
            for extraction in driver_feed():
                store.write_extraction(extraction, "synthetic")
                linking.link_new(store, [extraction.article.id])
        return _dump(db)

    large = linked(tmp_path / "large.db")
    monkeypatch.setattr(linking, "CACHE_SIZE", 3)  # every article evicts what others need
    assert linked(tmp_path / "tiny.db") == large


def driver_feed() -> list:
    import importlib.util

    spec = importlib.util.spec_from_file_location("link_scale",
                                                  ROOT / "benchmarks" / "link_scale.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.synthetic_feed(0, TOTAL))


@pytest.mark.slow
def test_two_ingest_commands_on_one_new_database_both_succeed(tmp_path):
    db = tmp_path / "news.db"
    files = sorted(str(p) for p in EXAMPLES.glob("*.txt"))
    halves = [files[: len(files) // 2], files[len(files) // 2:]]
    cli = [sys.executable, "-c", "from pressgraph.cli import main; main()"]
    procs = [subprocess.Popen([*cli, "ingest", *half, "--db", str(db), "--published",
                               "2019-10-23", "-q"], env=_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for half in halves]
    for proc in procs:
        _finish(proc)
    assert _count(db, "SELECT COUNT(*) FROM articles") == len(files)
    assert _count(db, "SELECT COUNT(*) FROM link_articles") == len(files)
    assert _count(db, "SELECT COUNT(*) FROM link_pending") == 0
    assert _count(db, "SELECT COUNT(*) FROM events WHERE cluster_id IS NULL") == 0
