"""The ACLED-shaped events table as a CSV file (``pressgraph export --format acled``)."""

from __future__ import annotations

import csv
from pathlib import Path

from pressgraph.extract.events.acled import ACLED_COLUMNS
from pressgraph.store import Store
from pressgraph.store.queries import iter_acled


def export_acled(store: Store, path: Path) -> tuple[Path, int]:
    count = 0
    partial = path.with_name(path.name + ".partial")
    # Written aside and renamed: a crash never leaves a truncated table behind.
    with partial.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS)
        writer.writeheader()
        for row in iter_acled(store):
            writer.writerow(row)
            count += 1
    partial.replace(path)
    return path, count
