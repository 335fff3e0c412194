"""Exporting the store: JSON lines per article, or one CSV/Parquet table per record kind."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from pressgraph.model import RECORD_KINDS
from pressgraph.store import RELATIONS_TABLE, Store

FORMATS = ("jsonl", "csv", "parquet", "geojson", "acled")
TABLES = (
    "articles", *RECORD_KINDS, RELATIONS_TABLE, "canonical_actors", "event_clusters",
    "article_clusters",
)


def export_store(store: Store, out: Path, fmt: str) -> list[tuple[Path, int]]:
    if fmt not in FORMATS:
        raise ValueError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        path = out / "articles.jsonl"
        count = 0
        partial = path.with_name(path.name + ".partial")
        # Written aside and renamed: a crash never leaves a truncated export behind.
        with partial.open("w", encoding="utf-8") as fh:
            for extraction in store.iter_extractions():
                fh.write(json.dumps(extraction.to_dict(), ensure_ascii=False) + "\n")
                count += 1
        partial.replace(path)
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
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(columns)
                writer.writerows(rows)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
            pq.write_table(pa.table(data) if rows else _empty_table(columns), path)
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
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path, len(features)
