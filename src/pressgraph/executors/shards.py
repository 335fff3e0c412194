"""Inputs listed and cut into shards, the unit of work every executor hands to a worker.

A shard is one input file, or for a big JSON Lines or CSV file (more than
``records_per_shard`` rows) one run of consecutive rows of it.  WARC, HTML, feed and text
files are always one shard each: a crawl's WARC files are already its unit of work, and
cutting one would mean decompressing it on the driver to find record boundaries.

Inputs are local paths (files, directories, globs, as ``pressgraph ingest`` takes them) or
fsspec URLs (``file://``, ``s3://`` with s3fs installed, ...).  A shard's id is derived from
its input's full location and its row range, so the same inputs give the same shard ids on
every run: that is what lets a rerun find the shards that are already done.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pressgraph.ingest import InputError, detect_format, expand_paths, read_path
from pressgraph.model import Article, stable_id

DEFAULT_RECORDS_PER_SHARD = 1000
_SPLITTABLE = ("jsonl", "csv")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_GLOB_CHARS = re.compile(r"[*?\[]")


class MissingFilesystem(RuntimeError):
    """An fsspec URL whose filesystem package is not installed (``s3://`` without s3fs)."""


@dataclass(frozen=True, slots=True)
class Shard:
    """``location`` is a local path or an fsspec URL; rows ``[start, stop)`` (None: to the end)."""

    id: str
    location: str
    start: int = 0
    stop: int | None = None

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Shard:
        stop = data.get("stop")
        return cls(id=str(data["id"]), location=str(data["location"]),
                   start=int(str(data.get("start") or 0)),
                   stop=None if stop is None else int(str(stop)))


def is_url(location: str) -> bool:
    return bool(_URL.match(location))


def shard_id(location: str, index: int | None = None) -> str:
    """Readable and unique: the file's name, a hash of its full location, the row-range index."""
    name = _UNSAFE_NAME.sub("_", location.rstrip("/").rsplit("/", 1)[-1])[:60] or "input"
    base = f"{name}-{stable_id(location, length=8)}"
    return base if index is None else f"{base}-{index:05d}"


def _filesystem(url: str) -> tuple[Any, str]:
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(url)
        return fs, str(path)
    except ImportError as exc:
        protocol = url.split("://", 1)[0]
        package = {"s3": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs",
                   "abfs": "adlfs"}.get(protocol, f"the fsspec package for {protocol}://")
        raise MissingFilesystem(
            f"{url}: reading {protocol}:// needs {package} (pip install {package})") from exc
    except ValueError as exc:
        raise MissingFilesystem(f"{url}: {exc}") from exc


def _expand_url(url: str) -> Iterator[str | InputError]:
    fs, path = _filesystem(url)
    protocol = url.split("://", 1)[0]

    def unstrip(found: str) -> str:
        return str(fs.unstrip_protocol(found))

    try:
        if _GLOB_CHARS.search(path):
            found = sorted(fs.glob(path))
        elif fs.isdir(path):
            found = sorted(fs.find(path))
        elif fs.exists(path):
            found = [path]
        else:
            yield InputError(url, "no such file or directory")
            return
    except OSError as exc:
        yield InputError(url, f"cannot list ({exc})")
        return
    files = [f for f in found if not fs.isdir(f)]
    # hidden files and folders are VCS metadata and editor state, never news
    files = [f for f in files if not any(p.startswith(".") for p in f.split("/")[1:])]
    if not files:
        yield InputError(url, "no files match this pattern")
    for f in files:
        # file:// URLs come back as plain paths: local files are read in place
        yield f if protocol == "file" else unstrip(f)


def expand_inputs(inputs: Sequence[str]) -> Iterator[str | InputError]:
    """Every input file, once, in order: local paths as ``ingest`` expands them, then URLs."""
    seen: set[str] = set()
    for item in inputs:
        if is_url(item):
            found: Iterator[str | InputError] = _expand_url(item)
        else:
            found = expand_paths([item])
        for entry in found:
            if isinstance(entry, InputError):
                yield entry
                continue
            key = entry if is_url(entry) else os.path.abspath(entry)
            if key not in seen:
                seen.add(key)
                yield key


def _count_rows(path: str, fmt: str) -> int:
    """A cheap estimate of how many items the reader yields (the last shard is open-ended)."""
    with open(path, "rb") as handle:
        if fmt == "jsonl":
            return sum(1 for line in handle if line.strip())
        text = handle.read().decode("utf-8", errors="replace")
    return max(0, sum(1 for _ in csv.reader(text.splitlines())) - 1)


def _shards_of(location: str, records_per_shard: int) -> list[Shard]:
    if is_url(location) or records_per_shard <= 0:
        return [Shard(shard_id(location), location)]
    try:
        fmt = detect_format(location)
        rows = _count_rows(location, fmt) if fmt in _SPLITTABLE else 0
    except OSError:
        rows = 0  # the reader reports the problem when the shard runs
    if rows <= records_per_shard:
        return [Shard(shard_id(location), location)]
    count = -(-rows // records_per_shard)
    return [
        Shard(shard_id(location, i), location, i * records_per_shard,
              None if i == count - 1 else (i + 1) * records_per_shard)
        for i in range(count)
    ]


def list_shards(
    inputs: Sequence[str], records_per_shard: int = DEFAULT_RECORDS_PER_SHARD
) -> tuple[list[Shard], list[InputError]]:
    """The shards of ``inputs`` in input order, and the inputs that name nothing."""
    shards: list[Shard] = []
    problems: list[InputError] = []
    for entry in expand_inputs(inputs):
        if isinstance(entry, InputError):
            problems.append(entry)
        else:
            shards.extend(_shards_of(entry, records_per_shard))
    return shards, problems


def _relabel(item: Article | InputError, local: str, location: str) -> Article | InputError:
    if isinstance(item, InputError):
        return InputError(item.input.replace(local, location, 1), item.problem)
    return dataclasses.replace(item, path=location)


def read_shard(shard: Shard) -> Iterator[Article | InputError]:
    """The shard's articles (and unreadable parts), decoded by pressgraph's own readers.

    A remote file is copied to a local temporary file first (the readers take paths); its
    articles keep the URL as their path.
    """
    if not is_url(shard.location):
        yield from itertools.islice(read_path(shard.location), shard.start, shard.stop)
        return
    fs, path = _filesystem(shard.location)
    name = shard.location.rstrip("/").rsplit("/", 1)[-1]
    with tempfile.TemporaryDirectory(prefix="pressgraph-shard-") as folder:
        # the file name is kept: the reader is chosen by extension
        local = os.path.join(folder, name)
        try:
            fs.get(path, local)
        except OSError as exc:
            yield InputError(shard.location, f"cannot fetch ({exc})")
            return
        items = itertools.islice(read_path(local), shard.start, shard.stop)
        for item in items:
            yield _relabel(item, local, shard.location)
