"""The library face and the service layer: ``pressgraph.extract`` on texts in memory, and
``service.ingest``/``service.extract`` as the CLI and the server call them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import pressgraph
from pressgraph import service
from pressgraph.model import Extraction
from pressgraph.store import Store

FIRST = (
    "Floods kill 12 in Lima\n\n"
    "LIMA, March 4 - Floods killed 12 people in Lima on Monday, police spokesman Carlos Rojas "
    "said on Tuesday.\n"
)
SECOND = (
    "Lima flood toll rises\n\n"
    "LIMA, March 5 - Floods killed at least 30 people in Lima on Monday, the health minister, "
    "Elena Paredes, said on Wednesday.\n"
)


def test_the_extract_package_is_also_the_extract_function() -> None:
    import pressgraph.extract.events  # importing a subpackage keeps it callable
    from pressgraph.extract import select_extractors

    assert callable(pressgraph.extract)
    assert pressgraph.extract.select_extractors is select_extractors
    assert pressgraph.extract.events is not None


@pytest.mark.slow
def test_extract_one_text() -> None:
    extraction = pressgraph.extract(FIRST, published="2024-03-05")
    assert isinstance(extraction, Extraction)
    article = extraction.article
    assert article.published == "2024-03-05"
    assert "Carlos Rojas" in {actor.name for actor in extraction.actors}
    for _, record in extraction.records():
        assert record.article_id == article.id and record.extractor
        assert 0 <= record.start < record.end <= len(article.text)
    for entity in extraction.entities:
        assert article.text[entity.start:entity.end] == entity.text


@pytest.mark.slow
def test_extract_several_texts_links_them() -> None:
    first, second = pressgraph.extract([FIRST, SECOND], published="2024-03-05")
    assert "Carlos Rojas" in first.article.text and "Elena Paredes" in second.article.text
    across = [rel for rel in first.conflicts if rel.article_a != rel.article_b]
    assert across and across == [rel for rel in second.conflicts
                                 if rel.article_a != rel.article_b]
    assert {across[0].article_a, across[0].article_b} == {first.article.id, second.article.id}
    # an Article object works as well as a text, and keeps its own date
    article = service.article_from_text(SECOND, published="2024-03-06")
    assert pressgraph.extract(article).article.published == "2024-03-06"


@pytest.mark.slow
def test_extract_refuses_what_it_cannot_read() -> None:
    for not_text in (12345, b"bytes", [FIRST, None]):
        with pytest.raises(service.ExtractionError, match="expected a text"):
            pressgraph.extract(not_text)
    with pytest.raises(service.ExtractionError, match="nothing left"):
        pressgraph.extract("\n\n   \n")
    with pytest.raises(service.ExtractionError, match="not an ISO date"):
        pressgraph.extract(FIRST, published="last tuesday")
    with pytest.raises(service.ExtractionError, match="unknown extractor"):
        pressgraph.extract(FIRST, extractors=["astrology"])


@pytest.mark.slow
def test_service_extract_reports_a_failure_and_goes_on() -> None:
    outcomes: list[service.Outcome] = []
    articles = [service.article_from_text(t) for t in (FIRST, " \n ", SECOND)]
    results = service.extract(articles, service.ExtractOptions(extractors=("entities",)),
                              on_result=outcomes.append)
    assert [r.article.id for r in results] == [articles[0].id, articles[2].id]
    assert [o.status for o in outcomes].count("failed") == 1
    assert all(not r.conflicts and not r.claims for r in results)  # only entities ran


@pytest.mark.slow
def test_ingest_stores_reports_and_resumes(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "first.txt").write_text(FIRST, "utf-8")
    (inputs / "second.txt").write_text(SECOND, "utf-8")
    (inputs / "empty.txt").write_text("", "utf-8")
    db = tmp_path / "lima.db"
    seen: list[service.Outcome] = []
    options = service.IngestOptions(published="2024-03-05")
    report = service.ingest([str(inputs)], db, options, on_result=seen.append)
    assert len(report.stored) == 2 and len(report.failed) == 1 and report.linked
    assert "empty.txt" in report.failed[0] and "\n" not in report.failed[0]
    assert sorted(o.status for o in seen) == ["failed", "stored", "stored"]
    with Store(db, readonly=True) as store:
        assert sorted(store.article_ids()) == sorted(report.stored)
        assert store.conn.execute("SELECT COUNT(*) FROM conflicts").fetchone()[0] >= 1
    again = service.ingest([str(inputs)], db, options)
    assert again.stored == [] and len(again.skipped) == 2 and len(again.failed) == 1


def test_bad_options_fail_before_anything_is_written(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(FIRST, "utf-8")
    db = tmp_path / "new.db"
    cases = [
        (service.IngestOptions(published="yesterday"), "not an ISO date"),
        (service.IngestOptions(workers=0), "--workers"),
        (service.IngestOptions(extractors=("astrology",)), "unknown extractor"),
        (service.IngestOptions(metadata=tmp_path / "missing.tsv"), "missing.tsv"),
    ]
    for options, message in cases:
        with pytest.raises(service.ServiceError, match=message):
            service.ingest([str(story)], db, options)
        assert not db.exists()


def test_ingest_leaves_another_applications_database_alone(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(FIRST, "utf-8")
    other = tmp_path / "notes.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(service.ServiceError, match="not a pressgraph database"):
        service.ingest([str(story)], other)
    assert other.read_bytes() == before
