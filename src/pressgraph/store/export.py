"""Exporting the store: JSON lines per article, or one CSV/Parquet table per record kind.

Every file is written under a fresh temporary name and renamed into place, so an export
never writes through a link planted at its name and never leaves a partial file behind.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from pressgraph.model import RECORD_KINDS
from pressgraph.store import RELATIONS_TABLE, Store

FORMATS = ("jsonl", "csv", "parquet", "geojson", "acled")
TABLES = (
    "articles", *RECORD_KINDS, RELATIONS_TABLE, "canonical_actors", "event_clusters",
    "article_clusters", "extraction_warnings",
)


class ExportError(ValueError):
    """The export cannot be written; ``str()`` is the one-line message."""


def _prepare_dir(out: Path | str) -> Path:
    if not str(out).strip():
        raise ValueError("--out is empty: name the directory to write the export into")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out}: is a file, not a directory; --out names a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the directory ({_reason(exc)})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ExportError(f"{out}: the directory is not writable")
    return out


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


@contextmanager
def _replacing(path: Path) -> Iterator[str]:
    """A fresh temporary name beside ``path``, renamed over it once the block succeeds.

    The temporary file is created exclusively (never through a link planted at that name), the
    rename replaces a link at ``path`` rather than writing through it, and a failure leaves
    nothing behind: no ``.partial`` file, no truncated export.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    try:
        yield temporary
        if path.is_dir() and not path.is_symlink():
            raise ExportError(f"{path}: a directory is in the way of the export file")
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def export_store(store: Store, out: Path | str, fmt: str) -> list[tuple[Path, int]]:
    """Write the export; ``ValueError`` (one line) for a bad request or an unwritable place."""
    if fmt not in FORMATS:
        raise ValueError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = _prepare_dir(out)
    try:
        return _export(store, out, fmt)
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) else out
        raise ExportError(f"{where}: cannot write the export ({_reason(exc)})") from None
    except sqlite3.Error as exc:
        raise ExportError(f"{store.path}: cannot read the store for the export ({exc})") from None


def _export(store: Store, out: Path, fmt: str) -> list[tuple[Path, int]]:
    if fmt == "jsonl":
        path = out / "articles.jsonl"
        count = 0
        with _replacing(path) as temporary, open(temporary, "w", encoding="utf-8") as fh:
            for extraction in store.iter_extractions():
                fh.write(json.dumps(extraction.to_dict(), ensure_ascii=False) + "\n")
                count += 1
        return [(path, count)]
    if fmt == "geojson":
        return [export_geojson(store, out / "places.geojson")]
    if fmt == "acled":
        from pressgraph.store.acled_export import export_acled

        return [export_acled(store, out / "events_acled.csv")]
    written = []
    for table in TABLES:
        columns = store.columns(table)
        rows = [tuple(r) for r in store.conn.execute(f'SELECT * FROM "{table}"')]
        path = out / f"{table}.{fmt}"
        with _replacing(path) as temporary:
            if fmt == "csv":
                with open(temporary, "w", encoding="utf-8", newline="") as fh:
                    writer = csv.writer(fh)
                    writer.writerow(columns)
                    writer.writerows(rows)
            else:
                import pyarrow as pa
                import pyarrow.parquet as pq

                data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
                pq.write_table(pa.table(data) if rows else _empty_table(columns), temporary)
        written.append((path, len(rows)))
    return written


def _empty_table(columns: list[str]) -> Any:
    import pyarrow as pa

    return pa.table({c: pa.array([], type=pa.string()) for c in columns})


def export_geojson(store: Store, path: Path) -> tuple[Path, int]:
    """Resolved places as GeoJSON points, each with its provenance."""
    features = []
    for row in store.conn.execute(
        "SELECT p.*, a.title, a.published FROM places p JOIN articles a ON a.id = p.article_id"
        " WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL"
    ):
        props = {k: v for k, v in dict(row).items() if k not in ("lat", "lon")}
        props["is_metonym"] = bool(props.get("is_metonym"))
        props["is_focus"] = bool(props.get("is_focus"))
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": props,
        })
    with _replacing(path) as temporary, open(temporary, "w", encoding="utf-8") as fh:
        json.dump({"type": "FeatureCollection", "features": features}, fh, ensure_ascii=False)
    return path, len(features)
