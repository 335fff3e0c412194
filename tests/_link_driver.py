"""Run by tests/test_link_store.py in subprocesses: store synthetic articles and link them.

    python tests/_link_driver.py DB FIRST LAST [--per-article]

Writes articles FIRST..LAST-1 of the benchmark's synthetic feed (benchmarks/link_scale.py)
into DB, one transaction each, then links what is pending (``--per-article``: links after
each write, as a feed would)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from pressgraph.store import Store
from pressgraph.store.linking import link_new

_spec = importlib.util.spec_from_file_location(
    "link_scale", Path(__file__).resolve().parents[1] / "benchmarks" / "link_scale.py")
assert _spec and _spec.loader
link_scale = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(link_scale)


def main() -> None:
    db, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    per_article = "--per-article" in sys.argv
    corpus = list(link_scale.synthetic_feed(first, last - first))
    with Store(db) as store:
        for extraction in corpus:
            store.write_extraction(extraction, "synthetic")
            if per_article:
                link_new(store, [extraction.article.id])
        link_new(store)


if __name__ == "__main__":
    main()
