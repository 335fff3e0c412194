"""`pressgraph run --raw --metadata` mean what they mean for `ingest`: the same articles (ids,
text, manifest fields) whichever way they are read.  The stories are invented here."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pressgraph.cli import app
from pressgraph.executors import read_parts
from pressgraph.model import article_id_for

runner = CliRunner()

# The trailer is what cleaning removes: with --raw it stays.
HARBOUR = (
    "Harbour dredging starts\n\n"
    "KESSA, June 2 (Wire) - Dredgers began clearing silt from Kessa harbour on Monday so that "
    "the island's ferry can dock at low tide, harbour master Piet Ruud said.\n\n"
    "Read more at kessa-news.example\n"
)
ORCHARD = (
    "Frost hits orchards\n\n"
    "VELM (Wire) - A late frost damaged about 40 percent of the apple blossom in the Velm "
    "valley, the growers' association said, the worst loss in a decade.\n"
)


def _setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "harbour.txt").write_text(HARBOUR, "utf-8")
    (folder / "orchard.txt").write_text(ORCHARD, "utf-8")
    manifest = tmp_path / "meta.tsv"
    # one row by relative path, one by bare file name, as ingest's manifests have them
    manifest.write_text(
        "file\tpublished\turl\tsource\n"
        "in/harbour.txt\t2025-06-02\thttps://kessa.example/dredging\tKessa News\n"
        "orchard.txt\t2025-04-20\t\tValley Post\n", "utf-8")
    return manifest


def _articles(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT id, text, published, url, source FROM articles ORDER BY id")
    out = [tuple(r) for r in rows]
    conn.close()
    return out


@pytest.mark.slow
def test_run_raw_and_metadata_give_what_ingest_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = _setup(tmp_path, monkeypatch)
    options = ["--raw", "--metadata", str(manifest)]
    ran = runner.invoke(app, ["run", "in", "--out", "out", "--quiet", *options])
    assert ran.exit_code == 0, ran.output
    extractions = {e.article.path: e for e, _ in read_parts("out")}
    harbour = extractions[str(tmp_path / "in" / "harbour.txt")].article
    assert harbour.text == HARBOUR  # not cleaned: offsets index the file
    assert harbour.id == article_id_for(HARBOUR + "\x00raw")
    assert (harbour.published, harbour.url, harbour.source) == (
        "2025-06-02", "https://kessa.example/dredging", "Kessa News")
    orchard = extractions[str(tmp_path / "in" / "orchard.txt")].article
    assert (orchard.published, orchard.source) == ("2025-04-20", "Valley Post")

    loaded = runner.invoke(app, ["load", "out", "--db", "run.db", "--no-link"])
    assert loaded.exit_code == 0, loaded.output
    ingested = runner.invoke(app, ["ingest", "in", "--db", "ingest.db", "--quiet",
                                   "--no-link", *options])
    assert ingested.exit_code == 0, ingested.output
    assert _articles(tmp_path / "run.db") == _articles(tmp_path / "ingest.db")


def test_run_refuses_a_bad_manifest_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(tmp_path, monkeypatch)
    (tmp_path / "bad.csv").write_text("name,published\nx.txt,2025-01-01\n", "utf-8")
    result = runner.invoke(app, ["run", "in", "--out", "out", "--metadata", "bad.csv"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: bad.csv: a metadata manifest needs a 'file' column"
    assert not (tmp_path / "out").exists()
