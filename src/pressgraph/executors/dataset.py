"""The three things a user does with a Parquet dataset: run (extract), load (into the store), link.

``run_dataset`` lists and shards the inputs, skips the shards whose completion marker exists,
hands the rest to an executor and rewrites ``failures.jsonl``.  ``load_dataset`` writes the
finished parts into the SQLite store and links it.  ``link_dataset`` links the parts without a
store and writes the links as Parquet in ``DIR/links/``.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pressgraph.executors.base import (
    DONE,
    FAILURES,
    PARTS,
    Executor,
    OutputDir,
    RunSettings,
    ShardOutcome,
    finished,
    write_failures,
)
from pressgraph.executors.shards import DEFAULT_RECORDS_PER_SHARD, is_url, list_shards
from pressgraph.ingest import InputError
from pressgraph.pipeline import PipelineConfig

if TYPE_CHECKING:
    from pressgraph.model import Extraction
    from pressgraph.store import Store

ENGINES = ("local", "ray")
LINKS = "links"


class DatasetError(ValueError):
    """A problem with the output directory or the run's options, in one line."""


@dataclass
class WorkerReport:
    """One worker process over this run: what it ran, its model load, its peak memory."""

    worker: str
    shards: int = 0
    articles: int = 0
    seconds: float = 0.0
    model_load_seconds: float = 0.0
    peak_rss_mb: float = 0.0


@dataclass
class RunSummary:
    shards: int = 0
    skipped: int = 0  # done by an earlier run
    outcomes: list[ShardOutcome] = field(default_factory=list)
    listing_errors: list[InputError] = field(default_factory=list)
    articles: int = 0  # in every finished part, earlier runs' included
    failures: int = 0  # failure lines in failures.jsonl
    warnings: int = 0  # warning lines in failures.jsonl: articles kept without some records
    seconds: float = 0.0

    @property
    def unfinished(self) -> list[ShardOutcome]:
        return [o for o in self.outcomes if o.error is not None]

    def workers(self) -> list[WorkerReport]:
        reports: dict[str, WorkerReport] = {}
        for outcome in self.outcomes:
            report = reports.setdefault(outcome.worker, WorkerReport(outcome.worker))
            report.shards += 1
            report.articles += outcome.articles
            report.seconds += outcome.seconds
            report.model_load_seconds += outcome.model_load_seconds
            report.peak_rss_mb = max(report.peak_rss_mb, outcome.peak_rss_mb)
        return list(reports.values())


def make_executor(engine: str, workers: int = 1, address: str | None = None,
                  progress: bool = True) -> Executor:
    if engine == "local":
        if address:
            raise DatasetError("--address is for --engine ray")
        from pressgraph.executors.local import LocalExecutor

        return LocalExecutor(workers, progress)
    if engine == "ray":
        from pressgraph.executors.ray import RayExecutor, import_ray

        import_ray()  # fail before any work when Ray is missing
        return RayExecutor(workers, address, progress)
    raise DatasetError(f"--engine {engine!r}: use one of {', '.join(ENGINES)}")


def _progress_bar(total: int, enabled: bool) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("run", style="bold"), BarColumn(), MofNCompleteColumn(),
        TextColumn("shards  {task.fields[articles]} articles", markup=False),
        console=Console(stderr=True), disable=not enabled, transient=True,
        # no refresh thread: the local pool forks, and a thread must not hold a lock then
        auto_refresh=False,
    )


def run_dataset(
    inputs: Sequence[str],
    out: str,
    *,
    engine: str = "local",
    workers: int = 1,
    address: str | None = None,
    pipeline: PipelineConfig | None = None,
    records_per_shard: int = DEFAULT_RECORDS_PER_SHARD,
    progress: bool = False,
    manifest: Mapping[str, Mapping[str, str]] | None = None,
) -> RunSummary:
    """Extract ``inputs`` into ``out/parts``; shards finished by an earlier run are skipped.

    ``manifest`` is ``ingest --metadata``'s (``pressgraph.ingest.metadata.load_manifest``).
    """
    import time

    started = time.perf_counter()
    executor = make_executor(engine, workers, address, progress)
    target = OutputDir(out)
    if target.fs.exists(target.root) and not target.fs.isdir(target.root):
        raise DatasetError(f"--out {out}: a file, not a directory")
    shards, listing_errors = list_shards(inputs, records_per_shard)
    summary = RunSummary(shards=len(shards), listing_errors=listing_errors)
    done = finished(target)
    todo = [s for s in shards if s.id not in done]
    summary.skipped = len(shards) - len(todo)
    settings = RunSettings(out=out, pipeline=pipeline or PipelineConfig(),
                           manifest=_absolute_keys(manifest or {}))
    # the local engine draws rich's bar; Ray Data draws its own
    with _progress_bar(len(todo), progress and executor.name == "local") as bar:
        task = bar.add_task("run", total=len(todo), articles=0)

        def record(outcome: ShardOutcome) -> None:
            summary.outcomes.append(outcome)
            bar.update(task, advance=1,
                       articles=sum(o.articles for o in summary.outcomes))
            bar.refresh()

        executor.execute(todo, settings, record)
    done = finished(target)
    summary.articles = sum(o.articles for o in done.values())
    # failures of the shards listed now that are done, and of the ones that did not finish
    current = [done[s.id] for s in shards if s.id in done]
    summary.failures, summary.warnings = write_failures(
        target, [*current, *summary.unfinished], listing_errors)
    summary.seconds = time.perf_counter() - started
    return summary


def _absolute_keys(manifest: Mapping[str, Mapping[str, str]]) -> dict[str, Mapping[str, str]]:
    """Shards name local files by absolute path (workers may run elsewhere), so a manifest's
    relative paths are made absolute as ``ingest`` would resolve them; bare names and URLs
    stay as they are."""
    return {key if is_url(key) or "/" not in key else os.path.abspath(key): values
            for key, values in manifest.items()}


def _finished_parts(target: OutputDir) -> list[str]:
    parts = set(target.names(PARTS, ".parquet"))
    # a part without its marker was cut short (or is being written): it does not count
    return [name for name in target.names(DONE, ".json") if name in parts]


def check_dataset(out: str) -> OutputDir:
    """The output directory of a run, or a ``DatasetError`` saying why ``out`` is not one."""
    target = OutputDir(out)
    if not target.fs.isdir(target.path(PARTS)):
        raise DatasetError(f"{out}: no {PARTS}/ folder here (run `pressgraph run ... --out "
                           f"{out}` first)")
    return target


def read_parts(out: str) -> Iterator[tuple[Extraction, str]]:
    """Every finished part's articles as ``Extraction`` objects with their pipeline labels."""
    import pyarrow.parquet as pq

    from pressgraph.executors.parts import from_table

    target = check_dataset(out)
    for name in _finished_parts(target):
        data = target.read_bytes(f"{PARTS}/{name}.parquet")
        yield from from_table(pq.read_table(io.BytesIO(data)))


@dataclass
class LoadSummary:
    written: int = 0
    already: int = 0
    linked: bool = False


def load_dataset(out: str, store: Store, *, link: bool = True) -> LoadSummary:
    """Write every finished part's articles into ``store`` (one transaction each), then link.

    Article ids are content hashes and the store ignores an id it has, so loading twice, or
    loading two runs that overlap, changes nothing the second time.
    """
    summary = LoadSummary()
    for extraction, pipeline in read_parts(out):
        if store.write_extraction(extraction, pipeline):
            summary.written += 1
        else:
            summary.already += 1
    if link and store.links_stale():
        # incremental: only the articles still queued are linked, against their blocks
        from pressgraph.store.linking import link_new

        link_new(store)
        summary.linked = True
    return summary


def _link_tables(result: Any) -> dict[str, Any]:
    import pyarrow as pa

    strings = pa.list_(pa.string())
    actors = pa.Table.from_pylist([
        {"id": a.id, "name": a.name, "type": a.type, "category": a.category,
         "aliases": list(a.aliases),
         "roles": [{"role": role, "first_seen": seen} for role, seen in a.roles],
         "members": list(a.members), "article_ids": list(a.articles)}
        for a in result.actors
    ], schema=pa.schema([
        ("id", pa.string()), ("name", pa.string()), ("type", pa.string()),
        ("category", pa.string()), ("aliases", strings),
        ("roles", pa.list_(pa.struct([("role", pa.string()), ("first_seen", pa.string())]))),
        ("members", strings), ("article_ids", strings),
    ]))
    clusters = pa.Table.from_pylist([
        {"id": c.id, "event_type": c.event_type, "label": c.label, "places": list(c.places),
         "date_start": c.date_start, "date_end": c.date_end, "event_ids": list(c.event_ids),
         "article_ids": list(c.article_ids)}
        for c in result.event_clusters
    ], schema=pa.schema([
        ("id", pa.string()), ("event_type", pa.string()), ("label", pa.string()),
        ("places", strings), ("date_start", pa.string()), ("date_end", pa.string()),
        ("event_ids", strings), ("article_ids", strings),
    ]))
    stories = pa.Table.from_pylist(
        [{"article_id": aid, "story_id": c.id}
         for c in result.article_clusters for aid in c.article_ids],
        schema=pa.schema([("article_id", pa.string()), ("story_id", pa.string())]))
    from pressgraph.executors.parts import record_struct
    from pressgraph.model import ClaimRelation

    relation_schema = pa.schema(list(record_struct(ClaimRelation)))
    relations = pa.Table.from_pylist(
        [{f.name: getattr(r, f.name) for f in relation_schema} for r in result.relations],
        schema=relation_schema)
    return {"canonical_actors": actors, "event_clusters": clusters, "article_clusters": stories,
            "claim_relations": relations}


def link_dataset(out: str) -> dict[str, int]:
    """Link every finished part's articles; the links go to ``out/links/<table>.parquet``.

    Returns the number of rows written per table.
    """
    import pyarrow.parquet as pq

    from pressgraph.link import link_corpus

    unique: dict[str, Extraction] = {}
    for extraction, _ in read_parts(out):
        unique.setdefault(extraction.article.id, extraction)
    # in the store's order (by date, then id; undated first): the same articles link the
    # same way here as in a store, whatever order the shards finished in
    ordered = sorted(unique.values(), key=lambda e: (e.article.published is not None,
                                                     e.article.published or "", e.article.id))
    result = link_corpus(ordered)
    target = OutputDir(out)
    written = {}
    for name, table in _link_tables(result).items():
        buffer = io.BytesIO()
        pq.write_table(table, buffer, compression="zstd")
        target.write_bytes(f"{LINKS}/{name}.parquet", buffer.getvalue())
        written[name] = table.num_rows
    return written


def failures_of(out: str) -> list[dict[str, Any]]:
    target = OutputDir(out)
    if not target.exists(FAILURES):
        return []
    text = target.read_bytes(FAILURES).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]
