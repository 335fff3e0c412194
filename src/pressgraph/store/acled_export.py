"""The ACLED-shaped events table as a CSV file (``pressgraph export --format acled``)."""

from __future__ import annotations

import csv
from pathlib import Path

from pressgraph.extract.events.acled import ACLED_COLUMNS
from pressgraph.store import Store
from pressgraph.store.export import _replacing
from pressgraph.store.queries import iter_acled


def export_acled(store: Store, path: Path) -> tuple[Path, int]:
    # The export's own writer: written aside and renamed, never through a planted link.
    count = 0
    with _replacing(path) as temporary, open(temporary, "w", encoding="utf-8",
                                               newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS)
        writer.writeheader()
        for row in iter_acled(store):
            writer.writerow(row)
            count += 1
    return path, count
