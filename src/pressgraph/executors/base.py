"""The engine-agnostic unit of work: one shard in, one Parquet part and a completion marker out.

Every executor (``local``, ``ray``) only decides where :func:`run_shard` runs; what a shard
produces is decided here, so the engines give the same parts.  As in datatrove's executors,
a shard is done when its marker exists: the part is written first (to a temporary name,
then renamed), the marker last, so a run killed at any point leaves either a finished shard
or nothing that counts, and the next run over the same inputs skips the finished ones.

Layout of an output directory ``DIR``::

    DIR/parts/<shard>.parquet   one row per article (schema in docs/scale.md)
    DIR/done/<shard>.json       the completion marker: counts, failures, worker, timings
    DIR/failures.jsonl          every failure of every finished shard, one JSON line each,
                                then every warning (an article kept without one extractor's
                                records), marked ``"warning": true``
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import resource
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pressgraph.executors.shards import Shard, is_url
from pressgraph.ingest import InputError, as_raw
from pressgraph.model import Article, Extraction
from pressgraph.pipeline import PipelineConfig

PARTS = "parts"
DONE = "done"
FAILURES = "failures.jsonl"
ARTICLES_PER_CHUNK = 16


class OutputDir:
    """An output directory, local or an fsspec URL, written only by whole-file replacement."""

    def __init__(self, location: str) -> None:
        import fsspec

        self.location = location.rstrip("/") or location
        self.fs, self.root = fsspec.core.url_to_fs(self.location)
        self.local = not is_url(location) or location.startswith("file://")

    def path(self, *parts: str) -> str:
        return "/".join((self.root, *parts))

    def write_bytes(self, relative: str, data: bytes) -> None:
        target = self.path(relative)
        if not self.local:
            self.fs.pipe(target, data)  # an object store's PUT is atomic already
            return
        os.makedirs(os.path.dirname(target), exist_ok=True)
        temporary = f"{target}.tmp-{uuid.uuid4().hex[:8]}"
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)

    def read_bytes(self, relative: str) -> bytes:
        return bytes(self.fs.cat_file(self.path(relative)))

    def exists(self, relative: str) -> bool:
        return bool(self.fs.exists(self.path(relative)))

    def names(self, folder: str, suffix: str) -> list[str]:
        """File names in ``folder`` ending in ``suffix``, without it, sorted."""
        try:
            found = self.fs.ls(self.path(folder), detail=False)
        except FileNotFoundError:
            return []
        names = (str(f).rstrip("/").rsplit("/", 1)[-1] for f in found)
        return sorted(n[: -len(suffix)] for n in names if n.endswith(suffix))


@dataclass(frozen=True, slots=True)
class RunSettings:
    """What every worker needs to run a shard: where to write and how to extract."""

    out: str
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    # ``--metadata``: file (an absolute path, a URL or a bare name) -> fields it lacks
    manifest: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(slots=True)
class ShardOutcome:
    """What became of one shard; written as its completion marker when ``error`` is None.

    ``failures`` are one-line reasons (an unreadable input, an article the pipeline failed
    on); ``error`` is set when the shard itself could not be finished (it runs again next
    time).  ``worker`` and the timings say which process ran it and what it cost.
    """

    shard: str
    location: str
    articles: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    # articles kept without one extractor's records: input, article_id, problem
    warnings: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    worker: str = ""
    model_load_seconds: float = 0.0
    peak_rss_mb: float = 0.0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> ShardOutcome:
        return cls(**json.loads(text))


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_name() -> str:
    return f"{os.uname().nodename}:{os.getpid()}"


def load_model(config: PipelineConfig) -> float:
    """Load the spaCy pipeline into this process (once: it is cached); seconds it took."""
    from pressgraph.nlp import load_pipeline

    start = time.perf_counter()
    load_pipeline(config.model)
    return time.perf_counter() - start


def pipeline_label(config: PipelineConfig) -> str:
    # the store's own label, so an article loaded from a part reads as one ingested directly
    from pressgraph.service import pipeline_label as label

    return label(config)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _articles(shard: Shard, settings: RunSettings) -> Iterator[Article | InputError]:
    """The shard's articles as ``ingest`` reads them with the same ``--raw`` and
    ``--metadata``."""
    from pressgraph.executors.shards import read_shard
    from pressgraph.ingest.metadata import apply_manifest

    items: Iterable[Article | InputError] = read_shard(shard)
    if settings.pipeline.raw:
        items = (as_raw(item) if isinstance(item, Article) else item for item in items)
    return apply_manifest(items, settings.manifest)


def run_shard(shard: Shard, settings: RunSettings, model_load_seconds: float = 0.0
              ) -> ShardOutcome:
    """Extract one shard into its part and marker.  Never raises: a failure is the outcome's."""
    from pressgraph.batch import ArticleFailure, process_chunk
    from pressgraph.executors import parts

    started = time.perf_counter()
    outcome = ShardOutcome(shard=shard.id, location=shard.location, worker=worker_name(),
                           model_load_seconds=round(model_load_seconds, 3))
    try:
        out = OutputDir(settings.out)
        extractions: list[Extraction] = []
        chunk: list[Article] = []
        seen: set[str] = set()

        def flush() -> None:
            for result in process_chunk(chunk, settings.pipeline):
                if isinstance(result, ArticleFailure):
                    outcome.failures.append({"input": str(result.article.path or
                                                          result.article.id),
                                             "problem": result.problem})
                else:
                    extractions.append(result)
                    outcome.warnings.extend(
                        {"input": str(result.article.path or result.article.id),
                         "article_id": result.article.id, "problem": warning}
                        for warning in result.warnings)
            chunk.clear()

        for item in _articles(shard, settings):
            if isinstance(item, InputError):
                outcome.failures.append({"input": item.input, "problem": item.problem})
                continue
            if item.id in seen:
                continue  # the same text twice in one shard: one article, as in the store
            seen.add(item.id)
            chunk.append(item)
            if len(chunk) >= ARTICLES_PER_CHUNK:
                flush()
        flush()
        table = parts.to_table(extractions, pipeline_label(settings.pipeline))
        out.write_bytes(f"{PARTS}/{shard.id}.parquet", _parquet_bytes(table))
        outcome.articles = len(extractions)
        outcome.seconds = round(time.perf_counter() - started, 3)
        outcome.peak_rss_mb = round(peak_rss_mb(), 1)
        out.write_bytes(f"{DONE}/{shard.id}.json", outcome.to_json().encode("utf-8"))
    except Exception as exc:  # the shard fails alone; the run goes on and a rerun retries it
        outcome.error = _one_line(f"{type(exc).__name__}: {exc}")
        outcome.seconds = round(time.perf_counter() - started, 3)
        outcome.peak_rss_mb = round(peak_rss_mb(), 1)
    return outcome


def _parquet_bytes(table: Any) -> bytes:
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def finished(out: OutputDir) -> dict[str, ShardOutcome]:
    """The outcome of every shard with a completion marker, by shard id."""
    return {name: ShardOutcome.from_json(out.read_bytes(f"{DONE}/{name}.json"))
            for name in out.names(DONE, ".json")}


def write_failures(out: OutputDir, outcomes: Iterable[ShardOutcome],
                   listing: Sequence[InputError] = ()) -> tuple[int, int]:
    """Rewrite ``failures.jsonl`` whole from the markers and this run's unfinished shards;
    the numbers of failure and of warning lines."""
    outcomes = list(outcomes)
    lines = [json.dumps({"shard": None, "input": e.input, "problem": e.problem},
                        ensure_ascii=False) for e in listing]
    for outcome in outcomes:
        if outcome.error is not None:
            lines.append(json.dumps({"shard": outcome.shard, "input": outcome.location,
                                     "problem": f"shard not finished: {outcome.error}"},
                                    ensure_ascii=False))
        for failure in outcome.failures:
            lines.append(json.dumps({"shard": outcome.shard, **failure}, ensure_ascii=False))
    failures = len(lines)
    # after the failures, so that a reader of failures only can stop at the first warning
    for outcome in outcomes:
        for warning in outcome.warnings:
            lines.append(json.dumps({"shard": outcome.shard, **warning, "warning": True},
                                    ensure_ascii=False))
    out.write_bytes(FAILURES, "".join(line + "\n" for line in lines).encode("utf-8"))
    return failures, len(lines) - failures


OnOutcome = Callable[[ShardOutcome], None]


class Executor:
    """Runs shards somewhere; subclasses only choose where (datatrove's ``_run_for_rank``)."""

    name = "base"

    def __init__(self, workers: int = 1, progress: bool = True) -> None:
        self.workers = max(1, workers)
        self.progress = progress

    def execute(self, shards: Sequence[Shard], settings: RunSettings,
                on_outcome: OnOutcome) -> None:
        raise NotImplementedError
