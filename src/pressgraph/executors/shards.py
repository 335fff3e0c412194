"""Inputs listed and cut into shards, the unit of work every executor hands to a worker.

A shard is one input file, or one run of ``records_per_shard`` rows of a big local JSON Lines
or CSV file.  A JSON Lines run is a byte range that starts at a line (the driver scans the file
for line starts once; a worker reads only its range).  A CSV record may span lines, so a CSV
run is a range of the reader's rows: each of its workers reads the file and skips to its rows.
WARC, HTML, feed and text files are always one shard each: a crawl's WARC files are already
its unit of work, and cutting one would mean decompressing it on the driver to find record
boundaries.

Inputs are local paths (files, directories, globs, as ``pressgraph ingest`` takes them) or
fsspec URLs (``file://``, ``s3://`` with s3fs installed, ...).  A shard's id is derived from
its input's full location and its place in the file, so the same inputs give the same shard
ids on every run: that is what lets a rerun find the shards that are already done.
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
    """``location`` is a local path or an fsspec URL; ``[start, stop)`` is the part of it.

    ``unit`` says what ``start`` and ``stop`` count: ``"rows"``, the items the file's reader
    yields (None: to the end); ``"bytes"``, a byte range of a JSON Lines file that begins at
    line ``first_line``.
    """

    id: str
    location: str
    start: int = 0
    stop: int | None = None
    unit: str = "rows"
    first_line: int = 1

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shard:
        return cls(**data)


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


def _line_runs(path: str, records_per_shard: int) -> list[tuple[int, int, int]]:
    """``(byte_start, byte_stop, first_line)`` of runs of ``records_per_shard`` non-blank lines."""
    runs: list[tuple[int, int, int]] = []
    offset = 0
    records = 0
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                if records % records_per_shard == 0:
                    if runs:
                        runs[-1] = (runs[-1][0], offset, runs[-1][2])
                    runs.append((offset, -1, number))
                records += 1
            offset += len(line)
    if runs:
        runs[-1] = (runs[-1][0], offset, runs[-1][2])
    return runs


def _csv_rows(path: str) -> int:
    """An estimate of the reader's rows (the last shard is open-ended, so nothing is lost)."""
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", errors="replace")
    return max(0, sum(1 for _ in csv.reader(text.splitlines())) - 1)


def _shards_of(location: str, records_per_shard: int) -> list[Shard]:
    whole = [Shard(shard_id(location), location)]
    if is_url(location) or records_per_shard <= 0:
        return whole
    try:
        fmt = detect_format(location)
        if fmt == "jsonl":
            runs = _line_runs(location, records_per_shard)
            if len(runs) <= 1:
                return whole
            return [Shard(shard_id(location, i), location, start, stop, "bytes", line)
                    for i, (start, stop, line) in enumerate(runs)]
        rows = _csv_rows(location) if fmt == "csv" else 0
    except OSError:
        return whole  # the reader reports the problem when the shard runs
    if rows <= records_per_shard:
        return whole
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


def _relabel(item: Article | InputError, local: str, shard: Shard) -> Article | InputError:
    """Name the shard's own input in what was read from a local copy of (part of) it."""
    if isinstance(item, Article):
        return dataclasses.replace(item, path=shard.location)
    where = item.input
    if where.startswith(local + ":") and shard.unit == "bytes":
        # a line number in the copied range: the same line's number in the whole file
        line = int(where.rsplit(":", 1)[1]) + shard.first_line - 1
        return InputError(f"{shard.location}:{line}", item.problem)
    return InputError(where.replace(local, shard.location, 1), item.problem)


def _copy_range(shard: Shard, local: str) -> None:
    if is_url(shard.location):
        fs, path = _filesystem(shard.location)
        if shard.unit == "bytes":
            data = fs.cat_file(path, start=shard.start, end=shard.stop)
            with open(local, "wb") as out:
                out.write(data)
        else:
            fs.get(path, local)
        return
    with open(shard.location, "rb") as source, open(local, "wb") as out:
        source.seek(shard.start)
        out.write(source.read((shard.stop or 0) - shard.start))


def read_shard(shard: Shard) -> Iterator[Article | InputError]:
    """The shard's articles (and unreadable parts), decoded by pressgraph's own readers.

    The readers take paths: a remote file, or a byte range of a file, is copied to a local
    temporary file first; its articles keep the shard's location as their path.
    """
    if not is_url(shard.location) and shard.unit == "rows":
        yield from itertools.islice(read_path(shard.location), shard.start, shard.stop)
        return
    name = shard.location.rstrip("/").rsplit("/", 1)[-1]
    with tempfile.TemporaryDirectory(prefix="pressgraph-shard-") as folder:
        # the file name is kept: the reader is chosen by extension
        local = os.path.join(folder, name)
        try:
            _copy_range(shard, local)
        except OSError as exc:
            yield InputError(shard.location, f"cannot fetch ({exc})")
            return
        rows = (shard.start, shard.stop) if shard.unit == "rows" else (0, None)
        for item in itertools.islice(read_path(local), *rows):
            yield _relabel(item, local, shard)
