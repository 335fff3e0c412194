"""Sidecar metadata: a CSV/TSV manifest that supplies what plain files cannot carry.

A manifest has a ``file`` column (a path or a bare file name) and any of ``published``,
``url``, ``title``, ``source``, ``author``.  Values fill only fields the article lacks, so
metadata embedded in the input (an HTML page's date, a feed item's link) wins.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pressgraph.ingest._common import iso_date
from pressgraph.model import Article

FIELDS = ("published", "url", "title", "source", "author")


class ManifestError(ValueError):
    pass


def load_manifest(path: str | Path) -> dict[str, dict[str, str]]:
    path = Path(path)
    try:
        text = path.read_text("utf-8-sig")
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: a metadata manifest must be UTF-8 text") from None
    lines = text.splitlines()
    if not lines:
        raise ManifestError(f"{path}: empty metadata manifest")
    dialect = "excel-tab" if "\t" in lines[0] else "excel"
    try:
        rows = list(csv.DictReader(lines, dialect=dialect))
    except csv.Error as exc:
        raise ManifestError(f"{path}: not a CSV/TSV manifest ({exc})") from None
    if not rows or "file" not in rows[0]:
        raise ManifestError(f"{path}: a metadata manifest needs a 'file' column")
    manifest: dict[str, dict[str, str]] = {}
    for row in rows:
        if not (row.get("file") or "").strip():
            continue
        values = {k: v.strip() for k, v in row.items() if k in FIELDS and v and v.strip()}
        if "published" in values:
            published = iso_date(values["published"], lenient=True)
            if published is None:
                raise ManifestError(f"{path}: {row['file']}: bad date {values['published']!r}")
            values["published"] = published
        manifest[row["file"].strip()] = values
    return manifest


Item = TypeVar("Item")


def apply_manifest(
    items: Iterable[Article | Item], manifest: Mapping[str, Mapping[str, str]]
) -> Iterator[Article | Item]:
    for item in items:
        if isinstance(item, Article) and item.path:
            values = manifest.get(item.path) or manifest.get(Path(item.path).name)
            if values:
                missing: dict[str, Any] = {
                    k: v for k, v in values.items() if not getattr(item, k)
                }
                item = dataclasses.replace(item, **missing)
        yield item
