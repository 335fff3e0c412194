"""The CLI end to end: ingest, bad input, idempotence, resume, extract, show, search, export."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pressgraph.cli import app
from pressgraph.schema import validate

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "articles"
MANIFEST = REPO / "examples" / "metadata.tsv"
SAMPLE = REPO.parent / "shared" / "samples" / "isis-prisoners-escape.txt"

runner = CliRunner()

STORY = (
    "Villagers flee clashes near Kidal\n\n"
    "BAMAKO, June 2 (Wire) - Hundreds of villagers fled clashes between the army and armed "
    "groups near Kidal on Sunday, a local official, Moussa Keita, said on Monday.\n\n"
    '"People left with nothing," Keita told reporters.\n'
)


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, minus the ingestion timestamp, for comparing databases."""
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'articles_fts%'"
        " AND name != 'schema_migrations'")]
    out = {}
    for table in tables:
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                if r[1] != "ingested_at"]
        quoted = ", ".join(f'"{c}"' for c in cols)
        out[table] = sorted(map(tuple, conn.execute(f'SELECT {quoted} FROM "{table}"')),
                            key=repr)
    conn.close()
    return out


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("db") / "examples.db"
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--metadata", str(MANIFEST),
                                 "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    return db


def test_ingest_examples_stores_every_article(example_db: Path) -> None:
    conn = sqlite3.connect(example_db)
    n_files = len([p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".html")])
    n_articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert n_articles == n_files + 2  # the RSS file carries two items
    assert conn.execute("SELECT COUNT(*) FROM articles WHERE published IS NULL").fetchone()[0] == 0
    for table in ("entities", "actors", "places", "quotes", "quantities", "times", "events"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0, table
    bad = conn.execute(
        "SELECT COUNT(*) FROM entities e JOIN articles a ON a.id = e.article_id"
        " WHERE substr(a.text, e.start + 1, e.\"end\" - e.start) != e.text").fetchone()[0]
    assert bad == 0  # every offset points at the exact characters


def test_reingest_changes_nothing(example_db: Path, tmp_path: Path) -> None:
    before = _dump(example_db)
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--metadata", str(MANIFEST),
                                 "--db", str(example_db), "--quiet"])
    assert result.exit_code == 0
    assert "0 ingested" in result.output
    assert _dump(example_db) == before


def test_resumed_batch_equals_an_uninterrupted_one(example_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "resumed.db"
    first = sorted(EXAMPLES.glob("*.txt"))[:3]
    runner.invoke(app, ["ingest", *map(str, first), "--metadata", str(MANIFEST), "--db",
                        str(db), "--quiet"])
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--metadata", str(MANIFEST),
                                 "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert _dump(db) == _dump(example_db)


def test_bad_inputs_are_reported_in_one_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(STORY, "utf-8")
    (inputs / "empty.txt").write_text("", "utf-8")
    (inputs / "blob.txt").write_bytes(bytes(range(256)) * 40)
    (inputs / "lines.jsonl").write_text('{"text": "' + STORY.replace("\n", " ").replace(
        '"', "'") + '", "published": "2024-06-03"}\nnot json\n', "utf-8")
    db = tmp_path / "t.db"
    result = runner.invoke(app, ["ingest", str(inputs), str(tmp_path / "missing.txt"),
                                 "--db", str(db), "--quiet"])
    assert result.exit_code == 1
    failures = [line for line in result.output.splitlines() if line.startswith("failed:")]
    assert len(failures) == 4, result.output
    for name in ("empty.txt", "blob.txt", "lines.jsonl:2", "missing.txt"):
        assert any(name in line for line in failures), name
    assert "Traceback" not in result.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2


def test_extract_one_input_prints_one_valid_object(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(SAMPLE), "--published", "2019-10-23"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate(data)
    text = data["article"]["text"]
    assert data["article"]["path"] == str(SAMPLE)
    assert "(pictured)" not in text and "Read more at" not in text
    for kind in ("entities", "quotes", "quantities", "times", "places"):
        for record in data[kind]:
            assert record["article_id"] == data["article"]["id"]
            assert 0 <= record["start"] < record["end"] <= len(text)
            assert record["extractor"]
    names = {a["name"] for a in data["actors"]}
    assert {"James Jeffrey", "Donald Trump", "Abu Bakr al-Baghdadi"} <= names


def test_extract_many_inputs_prints_json_lines(tmp_path: Path) -> None:
    story = tmp_path / "kidal.txt"
    story.write_text(STORY, "utf-8")
    result = runner.invoke(app, ["extract", str(story), str(SAMPLE), "--only", "entities"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    for data in lines:
        validate(data)


def test_raw_offsets_index_the_input_exactly() -> None:
    result = runner.invoke(app, ["extract", str(SAMPLE), "--raw", "--only", "entities"])
    data = json.loads(result.stdout)
    raw = SAMPLE.read_text("utf-8")
    assert data["article"]["text"] == raw
    for entity in data["entities"]:
        assert raw[entity["start"]:entity["end"]] == entity["text"]


def test_read_verbs_work_on_the_example_db(example_db: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(example_db)
    article_id = conn.execute("SELECT id FROM articles ORDER BY id LIMIT 1").fetchone()[0]
    shown = runner.invoke(app, ["show", article_id[:8], "--db", str(example_db)])
    assert shown.exit_code == 0 and "actors" in shown.output
    found = runner.invoke(app, ["search", "ceasefire", "--db", str(example_db)])
    assert found.exit_code == 0 and "no matches" not in found.output
    for verb in (["quotes"], ["events"], ["claims"], ["conflicts", "--relation", "all"],
                 ["summary"]):
        res = runner.invoke(app, [*verb, "--db", str(example_db)])
        assert res.exit_code == 0, (verb, res.output)
    for fmt in ("jsonl", "csv", "parquet", "geojson"):
        out = tmp_path / fmt
        res = runner.invoke(app, ["export", "--format", fmt, "--out", str(out), "--db",
                                  str(example_db)])
        assert res.exit_code == 0, res.output
        assert any(out.iterdir())
    lines = (tmp_path / "jsonl" / "articles.jsonl").read_text("utf-8").splitlines()
    for line in lines:
        validate(json.loads(line))


def test_errors_are_one_line(tmp_path: Path) -> None:
    res = runner.invoke(app, ["show", "nope", "--db", str(tmp_path / "none.db")])
    assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1
    res = runner.invoke(app, ["extract", str(SAMPLE), "--published", "last tuesday"])
    assert res.exit_code == 2 and "not an ISO date" in res.output
    res = runner.invoke(app, ["evaluate", "nonsense"])
    assert res.exit_code == 2 and "unknown evaluation task" in res.output
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_run_that_died_before_linking_is_linked_on_resume(
    example_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "unlinked.db"
    args = ["ingest", str(EXAMPLES), "--metadata", str(MANIFEST), "--db", str(db), "--quiet"]
    assert runner.invoke(app, [*args, "--no-link"]).exit_code == 0
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM canonical_actors").fetchone()[0] == 0
    result = runner.invoke(app, args)  # writes nothing new, but the links are stale
    assert result.exit_code == 0 and "0 ingested" in result.output
    assert _dump(db) == _dump(example_db)


def test_markup_like_names_and_text_are_printed_as_is(tmp_path: Path) -> None:
    inputs = tmp_path / "in[red]"
    inputs.mkdir()
    (inputs / "a[b]c.txt").write_text("", "utf-8")
    (inputs / "story.txt").write_text("Clashes [/i] erupt in Goma\n\n" + STORY, "utf-8")
    db = tmp_path / "t.db"
    result = runner.invoke(app, ["ingest", str(inputs), "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert "in[red]/a[b]c.txt: empty file" in result.output
    assert "Traceback" not in result.output and "MarkupError" not in result.output
    assert runner.invoke(app, ["summary", "--db", str(db)]).exit_code == 0


def test_crlf_input_keeps_exact_raw_offsets(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(STORY.replace("\n", "\r\n").encode("utf-8"))
    result = runner.invoke(app, ["extract", str(path), "--raw", "--only", "entities"])
    data = json.loads(result.stdout)
    decoded = path.read_bytes().decode("utf-8")
    assert data["article"]["text"] == decoded
    assert data["entities"]
    for entity in data["entities"]:
        assert decoded[entity["start"]:entity["end"]] == entity["text"]


def test_an_article_with_nothing_left_after_cleaning_fails_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "only-chrome.txt"
    path.write_text("Breaking news update\n\nBreaking news update\n\nSubscribe to our newsletter\n",
                    "utf-8")
    result = runner.invoke(app, ["ingest", str(path), "--db", str(tmp_path / "t.db"), "-q"])
    assert result.exit_code == 1
    assert f"{path}: nothing left after cleaning" in result.output


def test_inputs_next_to_the_database_skip_its_files(tmp_path: Path) -> None:
    (tmp_path / "kidal.txt").write_text(STORY, "utf-8")
    args = ["ingest", str(tmp_path), "--db", str(tmp_path / "news.db"), "-q"]
    assert runner.invoke(app, args).exit_code == 0
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "news.db" not in second.output.replace(str(tmp_path / "news.db"), "")


def test_read_verbs_refuse_a_foreign_database_and_leave_it_alone(tmp_path: Path) -> None:
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    res = runner.invoke(app, ["summary", "--db", str(foreign)])
    assert res.exit_code == 2 and "not a pressgraph database" in res.output
    assert foreign.read_bytes() == before


def test_show_tells_unknown_from_ambiguous(example_db: Path) -> None:
    res = runner.invoke(app, ["show", "zz%", "--db", str(example_db)])
    assert res.exit_code == 2 and "no article" in res.output
    res = runner.invoke(app, ["show", "", "--db", str(example_db)])
    assert res.exit_code == 2


def test_evaluate_with_empty_gold_fails(tmp_path: Path) -> None:
    res = runner.invoke(app, ["evaluate", "quantities", "--gold", str(tmp_path)])
    assert res.exit_code == 2 and "no gold documents" in res.output


@pytest.mark.parametrize("verb", [["summary"], ["events"], ["search", "x"], ["conflicts"]])
def test_read_verbs_refuse_a_foreign_sqlite_file_untouched(tmp_path: Path,
                                                           verb: list[str]) -> None:
    other = tmp_path / "notes.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    result = runner.invoke(app, [*verb, "--db", str(other)])
    assert result.exit_code == 2
    assert "not a pressgraph database" in result.output
    assert other.read_bytes() == before
    assert not Path(f"{other}-wal").exists()


def test_read_verbs_never_create_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = runner.invoke(app, ["summary", "--db", str(missing)])
    assert result.exit_code == 2
    assert not missing.exists()
