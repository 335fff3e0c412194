"""One ``pressgraph ingest`` over 1,000 seeded malformed inputs mixed with good articles.

The batch must finish (exit 1, not 3), print no traceback, store every good article, and name
every bad input exactly once.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from pathlib import Path

from malformed import GOOD_STORIES, plan, write
from typer.testing import CliRunner

from pressgraph.cli import app
from pressgraph.cli.safe_text import safe_text

MALFORMED = 1000
FAILED = "failed: "


def _shown(folder: Path, name: str) -> str:
    """How a failure line names a file: undecodable bytes and controls escaped."""
    raw = os.path.join(os.fsencode(folder), os.fsencode(name))
    return safe_text(raw.decode("utf-8", "backslashreplace"))


def test_one_ingest_survives_a_thousand_malformed_inputs(tmp_path: Path) -> None:
    planned = plan(seed=17, count=MALFORMED)
    folder = tmp_path / "corpus"
    write(planned, folder)
    db = tmp_path / "fuzz.db"

    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(db), "--quiet",
                                      "--no-link"])

    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output[-2000:]
    # stderr has one line per failure as it happens; the summary on stdout repeats them
    lines = result.stderr.splitlines()
    assert all(line.startswith(FAILED) for line in lines), [
        line for line in lines if not line.startswith(FAILED)][:5]
    named = Counter(line[len(FAILED):].split(": ", 1)[0] for line in lines)
    bad = [item for item in planned if not item.good]
    assert len(bad) >= MALFORMED
    assert named == Counter(_shown(folder, item.name) for item in bad)

    conn = sqlite3.connect(db)
    texts = [row[0] for row in conn.execute("SELECT text FROM articles")]
    goods = [item for item in planned if item.good]
    assert len(texts) == len(goods)
    for _title, story in GOOD_STORIES:
        lede = story.split(" - ", 1)[1][:60]
        assert sum(lede in text for text in texts) == 1, lede
