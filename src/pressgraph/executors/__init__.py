"""Running pressgraph over many inputs on an engine: shards in, Parquet parts out.

The unit of work is one input shard -> one Parquet part plus a completion marker
(:mod:`pressgraph.executors.base`); the local process pool and Ray Data are two thin
executors over it (:mod:`~pressgraph.executors.local`, :mod:`~pressgraph.executors.ray`).
``docs/scale.md`` has the layout, the part schema and the sizing.

    summary = run_dataset(["crawl/*.warc.gz"], "out", engine="ray", workers=8)
    load_dataset("out", store)      # into SQLite, idempotent, then linked
    link_dataset("out")             # or keep Parquet as the store: out/links/*.parquet
"""

from __future__ import annotations

from pressgraph.executors.dataset import (
    ENGINES,
    DatasetError,
    LoadSummary,
    RunSummary,
    WorkerReport,
    check_dataset,
    failures_of,
    link_dataset,
    load_dataset,
    read_parts,
    run_dataset,
)
from pressgraph.executors.shards import DEFAULT_RECORDS_PER_SHARD, MissingFilesystem

__all__ = [
    "DEFAULT_RECORDS_PER_SHARD",
    "ENGINES",
    "DatasetError",
    "LoadSummary",
    "MissingFilesystem",
    "RunSummary",
    "WorkerReport",
    "check_dataset",
    "failures_of",
    "link_dataset",
    "load_dataset",
    "read_parts",
    "run_dataset",
]
