"""One extractor's bug costs only its own records: the article is kept with everything the
other extractors found, and a one-line warning says which extractor failed and how.

The stories are invented here; the time extractor is patched to raise on the one that
mentions a quarter (last session's real crash had that shape: an undated report mentioning a
quarter).
"""

from __future__ import annotations

import csv
import dataclasses
import importlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from pressgraph.cli import app
from pressgraph.executors import parts
from pressgraph.executors.base import OutputDir, ShardOutcome, write_failures
from pressgraph.extract import ParsedDocument
from pressgraph.model import (
    Article,
    Entity,
    Extraction,
    Record,
    TimeExpression,
    article_id_for,
    extractor_warning,
    stable_id,
    warning_extractor,
)
from pressgraph.pipeline import ArticleAbort, apply_extractors
from pressgraph.schema import validate
from pressgraph.store import Store, StoreNeedsMigration

runner = CliRunner()

QUARTERLY = (
    "Mill output slips\n\n"
    "TARVIK (Wire) - Output at the Tarvik paper mill fell in the third quarter, the mill's "
    "manager, Ilse Varga, told workers, blaming a shortage of pulp from the northern forests.\n"
)
DATED = (
    "Ferry service resumes\n\n"
    "HALDOR, May 6 (Wire) - The ferry between Haldor and Kessa island resumed on Tuesday after "
    "a storm kept it in port for three days, harbour master Piet Ruud said.\n"
)
CROSSING = (
    "Bridge closed for repairs\n\n"
    "ORNE, May 7 (Wire) - The old bridge over the Orne river will close on Friday for two "
    "weeks of repairs, the town's mayor, Lena Holt, said on Wednesday.\n"
)
PROBLEM = "month must be in 1..12\n  (quarter 3 read as month 13)"


@pytest.fixture
def quarter_breaks_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The time extractor raises on any text that mentions a quarter, and works otherwise."""
    module = importlib.import_module("pressgraph.extract.time")
    original = module.extract

    def flaky(parsed: ParsedDocument) -> Mapping[str, Sequence[Record]]:
        if "quarter" in parsed.text:
            raise ValueError(PROBLEM)
        result: Mapping[str, Sequence[Record]] = original(parsed)
        return result

    monkeypatch.setattr(module, "extract", flaky)


# -- apply_extractors, with extractors written here (no model) --------------------------------

def _parsed(text: str = "Ada Lind spoke in Orne.") -> ParsedDocument:
    article = Article(id=article_id_for(text), text=text, raw_text=text)
    return ParsedDocument(article=article, doc=spacy.blank("en")(text),
                          extraction=Extraction(article=article))


def _names(parsed: ParsedDocument) -> Mapping[str, Sequence[Record]]:
    aid = parsed.article.id
    return {"entities": [Entity(id=stable_id(aid, "e", 0, 8), article_id=aid, start=0, end=8,
                                extractor="names@1", text="Ada Lind", label="PERSON")]}


def _broken(parsed: ParsedDocument) -> Mapping[str, Sequence[Record]]:
    raise LookupError("no such\nlexicon entry")


def _dates(parsed: ParsedDocument) -> Mapping[str, Sequence[Record]]:
    aid = parsed.article.id
    return {"times": [TimeExpression(id=stable_id(aid, "t", 18, 22), article_id=aid, start=18,
                                      end=22, extractor="dates@1", text="Orne", type="DATE")]}


def _reads_quantities(parsed: ParsedDocument) -> Mapping[str, Sequence[Record]]:
    # what a downstream extractor sees of a failed one: no records, not an error
    assert parsed.extraction.quantities == ()
    return {}


def _lazy_failure(parsed: ParsedDocument) -> Mapping[str, Sequence[Record]]:
    def records() -> Sequence[Record]:
        raise RuntimeError("failed while iterating")

    return {"places": (r for r in records())}  # type: ignore[dict-item]


def test_an_extractor_that_raises_costs_only_its_own_records() -> None:
    parsed = apply_extractors(_parsed(), [
        ("names", _names), ("quantities", _broken), ("downstream", _reads_quantities),
        ("places", _lazy_failure), ("dates", _dates),
    ])
    extraction = parsed.extraction
    assert [e.text for e in extraction.entities] == ["Ada Lind"]
    assert [t.extractor for t in extraction.times] == ["dates@1"]
    assert extraction.quantities == () and extraction.places == ()
    assert extraction.warnings == (
        "quantities extractor failed (LookupError: no such lexicon entry)",
        "places extractor failed (RuntimeError: failed while iterating)",
    )
    for warning in extraction.warnings:
        assert "\n" not in warning and "Traceback" not in warning
    assert [warning_extractor(w) for w in extraction.warnings] == ["quantities", "places"]


def test_no_warning_when_every_extractor_works() -> None:
    extraction = apply_extractors(_parsed(), [("names", _names), ("dates", _dates)]).extraction
    assert extraction.warnings == ()
    assert "warnings" not in extraction.to_dict()


def test_the_time_limit_and_strict_callers_still_see_the_exception(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def over_time(parsed: ParsedDocument) -> Mapping[str, Sequence[Record]]:
        raise ArticleAbort("over the time limit")

    with pytest.raises(ArticleAbort):
        apply_extractors(_parsed(), [("names", _names), ("slow", over_time)])
    with pytest.raises(LookupError):  # evaluation: a score must not quietly lose an extractor
        apply_extractors(_parsed(), [("broken", _broken)], isolate=False)
    monkeypatch.setenv("PRESSGRAPH_DEBUG", "1")
    with pytest.raises(LookupError):
        apply_extractors(_parsed(), [("broken", _broken)])


def test_a_warning_is_one_bounded_line() -> None:
    warning = extractor_warning("time", ValueError("x\n" * 1000))
    assert "\n" not in warning and len(warning) < 400
    assert extractor_warning("quotes", ZeroDivisionError()) == (
        "quotes extractor failed (ZeroDivisionError)")
    assert warning_extractor("some other warning (about x)") is None


# -- the store, the parts and failures.jsonl carry the warnings (no model) --------------------

def _warned(text: str = DATED) -> Extraction:
    parsed = apply_extractors(_parsed(text), [("names", _names), ("time", _broken)])
    return parsed.extraction


def test_the_store_keeps_the_warnings_and_a_second_write_changes_nothing(tmp_path: Path) -> None:
    extraction = _warned()
    with Store(tmp_path / "t.db") as store:
        assert store.write_extraction(extraction, "test")
        assert not store.write_extraction(extraction, "test")
        rows = store.conn.execute(
            "SELECT article_id, position, extractor, message FROM extraction_warnings").fetchall()
        loaded = store.load_extraction(extraction.article.id)
    assert [tuple(r) for r in rows] == [(extraction.article.id, 0, "time",
                                         extraction.warnings[0])]
    assert loaded is not None and loaded.warnings == extraction.warnings
    assert loaded.entities == extraction.entities


def test_a_store_from_before_the_warnings_is_migrated_by_a_writer_only(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.write_extraction(dataclasses.replace(_warned(), warnings=()), "test")
        # what a version-4 store looks like: no warnings table, version 5 not applied
        store.conn.execute("DROP TABLE extraction_warnings")
        store.conn.execute("DELETE FROM schema_migrations WHERE version = 5")
        store.conn.commit()
    with pytest.raises(StoreNeedsMigration) as refused:
        Store(path, readonly=True)
    assert "\n" not in str(refused.value) and "pressgraph ingest" in str(refused.value)
    with Store(path) as store:  # a writer migrates it
        assert 5 in store.applied_migrations()
        assert store.write_extraction(_warned(CROSSING), "test")
    with Store(path, readonly=True) as reader:
        assert reader.counts()["articles"] == 2
        assert reader.conn.execute("SELECT COUNT(*) FROM extraction_warnings").fetchone()[0] == 1


def test_parquet_parts_and_failures_jsonl_carry_the_warnings(tmp_path: Path) -> None:
    extraction = _warned()
    table = parts.to_table([extraction, _warned(CROSSING)], "test")
    back = [e for e, _ in parts.from_table(table)]
    assert back[0].warnings == extraction.warnings
    out = OutputDir(str(tmp_path / "out"))
    outcome = ShardOutcome(shard="s-0", location="in.jsonl",
                           failures=[{"input": "in.jsonl:3", "problem": "not valid JSON"}],
                           warnings=[{"input": "in.jsonl:1", "article_id": extraction.article.id,
                                      "problem": extraction.warnings[0]}])
    assert ShardOutcome.from_json(outcome.to_json()) == outcome
    assert write_failures(out, [outcome]) == (1, 1)
    lines = [json.loads(line) for line in (tmp_path / "out" / "failures.jsonl").read_text(
        "utf-8").splitlines()]
    assert lines[0] == {"shard": "s-0", "input": "in.jsonl:3", "problem": "not valid JSON"}
    assert lines[1] == {"shard": "s-0", "input": "in.jsonl:1",
                        "article_id": extraction.article.id,
                        "problem": extraction.warnings[0], "warning": True}
    # a marker written before warnings existed still reads
    old = json.loads(outcome.to_json())
    del old["warnings"]
    assert ShardOutcome.from_json(json.dumps(old)).warnings == []


# -- end to end, with the model -----------------------------------------------------------------

def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in (("ferry.txt", DATED), ("mill.txt", QUARTERLY), ("bridge.txt", CROSSING)):
        (folder / name).write_text(text, "utf-8")
    return folder


def _table(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    out = {table: sorted(map(tuple, conn.execute(f'SELECT * FROM "{table}"')), key=repr)
           for table in ("entities", "actors", "times", "quotes", "extraction_warnings")}
    conn.close()
    return out


@pytest.mark.slow
def test_ingest_keeps_the_article_reports_one_line_and_goes_on(
        tmp_path: Path, quarter_breaks_time: None) -> None:
    db = tmp_path / "t.db"
    result = runner.invoke(app, ["ingest", str(_inputs(tmp_path)), "--db", str(db),
                                 "--quiet", "--published", "2025-05-08"])
    assert result.exit_code == 0, result.output  # every input stored: warnings are not failures
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {tmp_path / 'in' / 'mill.txt'}: time extractor failed "
        "(ValueError: month must be in 1..12 (quarter 3 read as month 13))"]
    assert "Traceback" not in result.output and "failed:" not in result.stderr
    assert "3 ingested, 0 skipped, 0 failed, 1 warnings" in result.stdout
    assert "  warning: " in result.stdout  # the summary repeats the line

    conn = sqlite3.connect(db)
    mill = conn.execute("SELECT id FROM articles WHERE path LIKE '%mill.txt'").fetchone()[0]
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 3
    assert conn.execute("SELECT COUNT(*) FROM times WHERE article_id = ?",
                        (mill,)).fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM entities WHERE article_id = ?",
                        (mill,)).fetchone()[0] > 0  # the other extractors' records are kept
    assert conn.execute("SELECT COUNT(*) FROM times WHERE article_id != ?",
                        (mill,)).fetchone()[0] > 0
    assert conn.execute("SELECT article_id, extractor FROM extraction_warnings").fetchall() == [
        (mill, "time")]
    conn.close()

    before = _table(db)
    again = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", str(db), "--quiet"])
    assert again.exit_code == 0, again.output
    assert "0 ingested, 3 skipped" in again.stdout and "warning:" not in again.stderr
    assert _table(db) == before

    shown = runner.invoke(app, ["show", mill, "--db", str(db)])
    assert shown.exit_code == 0 and "warning: time extractor failed" in shown.stdout
    out = tmp_path / "export"
    exported = runner.invoke(app, ["export", "--out", str(out), "--db", str(db)])
    assert exported.exit_code == 0, exported.output
    lines = [json.loads(line) for line in next(out.glob("*.jsonl")).read_text(
        "utf-8").splitlines()]
    assert len(lines) == 3
    for data in lines:
        validate(data)
    assert [d["article"]["id"] for d in lines if "warnings" in d] == [mill]
    tables = runner.invoke(app, ["export", "--out", str(out), "--db", str(db), "--format", "csv"])
    assert tables.exit_code == 0, tables.output
    with open(out / "extraction_warnings.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["article_id", "position", "extractor", "message"]
    assert [row[:3] for row in rows[1:]] == [[mill, "0", "time"]]


@pytest.mark.slow
def test_extract_prints_the_article_with_its_warning(tmp_path: Path,
                                                     quarter_breaks_time: None) -> None:
    folder = _inputs(tmp_path)
    result = runner.invoke(app, ["extract", str(folder / "mill.txt")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate(data)
    assert data["times"] == [] and data["entities"]
    assert data["warnings"] == ["time extractor failed (ValueError: month must be in 1..12 "
                                "(quarter 3 read as month 13))"]
    assert result.stderr.count("warning:") == 1 and "mill.txt" in result.stderr


@pytest.mark.slow
def test_run_parts_and_load_keep_the_warning(tmp_path: Path, quarter_breaks_time: None) -> None:
    from pressgraph.executors import failures_of, read_parts

    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(_inputs(tmp_path)), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "0 failures and 1 warnings" in result.stdout
    warned = [e for e, _ in read_parts(str(out)) if e.warnings]
    assert [e.article.path for e in warned] == [str(tmp_path / "in" / "mill.txt")]
    assert warned[0].entities and not warned[0].times
    assert [(f["input"], f["warning"]) for f in failures_of(str(out))] == [
        (str(tmp_path / "in" / "mill.txt"), True)]
    db = tmp_path / "t.db"
    loaded = runner.invoke(app, ["load", str(out), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    with Store(db, readonly=True) as store:
        extraction = store.load_extraction(warned[0].article.id)
    assert extraction is not None and extraction.warnings == warned[0].warnings


@pytest.mark.slow
def test_pressgraph_debug_lets_the_exception_through(
        tmp_path: Path, quarter_breaks_time: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSGRAPH_DEBUG", "1")
    result = runner.invoke(app, ["ingest", str(_inputs(tmp_path)), "--db",
                                 str(tmp_path / "t.db"), "--quiet"])
    assert isinstance(result.exception, ValueError) and str(result.exception) == PROBLEM


def test_the_api_and_the_article_page_show_the_warning(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from pressgraph.server import create_app

    extraction = _warned()
    db = tmp_path / "t.db"
    with Store(db) as store:
        store.write_extraction(extraction, "test")
        store.write_extraction(_warned(CROSSING), "test")
    with TestClient(create_app(db)) as client:
        data = client.get(f"/api/articles/{extraction.article.id}").json()
        page = client.get(f"/articles/{extraction.article.id}")
    assert data["warnings"] == list(extraction.warnings)
    assert page.status_code == 200
    assert "Incomplete: time extractor failed (LookupError: no such lexicon entry)" in page.text
