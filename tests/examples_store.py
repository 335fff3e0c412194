"""One store ingested from ``examples/`` per test session, shared by the read-layer and API
tests (each module's fixture asks for it; the first builds it, the rest find it built)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressgraph.service import IngestOptions, ingest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "articles"
MANIFEST = REPO / "examples" / "metadata.tsv"


def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.getbasetemp() / "examples-store" / "examples.db"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        report = ingest([str(EXAMPLES)], db, IngestOptions(metadata=MANIFEST))
        assert report.stored and not report.failed, report
    return db
