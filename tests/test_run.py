"""`pressgraph run / load / link` on the local engine: parts, markers, resume, failures, load.

The inputs are written here: three short invented wire stories as a JSON Lines file (cut into
two shards), the same kind of story as a WARC page, and two example articles.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastwarc.warc import WarcRecord, WarcRecordType
from typer.testing import CliRunner

from pressgraph.batch import run_batch
from pressgraph.cli import app
from pressgraph.executors import (
    check_dataset,
    failures_of,
    link_dataset,
    load_dataset,
    read_parts,
    run_dataset,
)
from pressgraph.executors.shards import list_shards, read_shard
from pressgraph.ingest import InputError, read_inputs
from pressgraph.model import Article, Extraction
from pressgraph.pipeline import PipelineConfig
from pressgraph.store import Store

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "articles"
runner = CliRunner()

STORIES = [
    {"title": "Dam repairs close river road",
     "text": "ORVALE, March 3 (Wire) - Engineers closed the river road below the Orvale dam on "
             "Monday to repair a cracked spillway, the regional water authority said. About "
             "300 households downstream were told to expect muddy tap water for two days.",
     "published": "2025-03-03", "url": "https://valley.example/dam"},
    {"title": "Port workers end strike",
     "text": "KESTON, March 4 (Wire) - Dock workers at Keston port ended a five-day strike on "
             "Tuesday after the port operator agreed to a 6 percent pay rise, union leader "
             "Mara Lind said. \"We got what we asked for,\" Lind told reporters.",
     "published": "2025-03-04", "url": "https://valley.example/port"},
    {"title": "Storm cuts power in Brill",
     "text": "BRILL, March 5 (Wire) - A storm cut power to more than 12,000 homes in Brill on "
             "Wednesday, the grid company said, adding that crews would restore most lines "
             "by Thursday evening.",
     "published": "2025-03-05", "url": "https://valley.example/storm"},
]
WARC_PAGE = (
    "<html><head><title>Bridge reopens in Tarn</title></head><body><article>"
    "<h1>Bridge reopens in Tarn</h1><p>TARN, March 6 (Wire) - The old stone bridge in Tarn "
    "reopened to traffic on Thursday after eight months of repairs that cost about 2 million "
    "euros, the town council said.</p><p>Council leader Ida Brand said the work had finished "
    "two weeks early.</p></article></body></html>"
)


def warc_response(url: str, html: str) -> bytes:
    body = html.encode("utf-8")
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("ascii")
    record = WarcRecord()
    record.init_headers(record_type=WarcRecordType.response)
    record.headers["WARC-Target-URI"] = url
    record.headers["WARC-Date"] = "2025-03-06T08:00:00Z"
    record.headers["Content-Type"] = "application/http; msgtype=response"
    record.set_bytes_content(http + body)
    out = io.BytesIO()
    record.write(out)
    return out.getvalue()


def write_inputs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "wire.jsonl").open("w", encoding="utf-8") as fh:
        for story in STORIES:
            fh.write(json.dumps(story) + "\n")
    (folder / "tarn.warc").write_bytes(warc_response("https://valley.example/bridge", WARC_PAGE))
    for name in ("protest-dakar.txt", "earthquake-van.txt"):
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


def part_rows(out: Path) -> dict[str, list[dict[str, object]]]:
    return {p.stem: pq.read_table(p).to_pylist() for p in sorted((out / "parts").glob("*.parquet"))}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_inputs(tmp_path_factory.mktemp("inputs"))


@pytest.fixture(scope="module")
def local_run(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    summary = run_dataset([str(inputs)], str(out), records_per_shard=2)
    assert not summary.unfinished
    return out


def test_shards_are_files_and_runs_of_rows_of_big_files(inputs: Path) -> None:
    shards, problems = list_shards([str(inputs)], records_per_shard=2)
    assert problems == []
    by_file: dict[str, list[str]] = {}
    for shard in shards:
        by_file.setdefault(Path(shard.location).name, []).append(shard.unit)
    # three JSONL rows, two a shard: two byte ranges; every other file is one shard
    assert by_file == {"wire.jsonl": ["bytes", "bytes"], "tarn.warc": ["rows"],
                       "protest-dakar.txt": ["rows"], "earthquake-van.txt": ["rows"]}
    again, _ = list_shards([str(inputs)], records_per_shard=2)
    assert again == shards
    assert len({s.id for s in shards}) == len(shards)
    titles = [[a.title for a in read_shard(s) if isinstance(a, Article)]
              for s in shards if s.location.endswith(".jsonl")]
    assert titles == [[STORIES[0]["title"], STORIES[1]["title"]], [STORIES[2]["title"]]]
    paths = {a.path for s in shards for a in read_shard(s) if isinstance(a, Article)}
    assert paths == {str(p) for p in inputs.iterdir()}


def test_a_bad_row_is_named_by_its_line_in_the_whole_file(tmp_path: Path) -> None:
    lines = [json.dumps(STORIES[0]), "", json.dumps(STORIES[1]), json.dumps(STORIES[2]),
             '{"title": "cut off", "text": "no end', json.dumps({**STORIES[0], "url": "x"})]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shards, _ = list_shards([str(feed)], records_per_shard=2)
    assert [s.first_line for s in shards] == [1, 4, 6]
    items = [item for shard in shards for item in read_shard(shard)]
    assert [i.title for i in items if isinstance(i, Article)] == [
        STORIES[0]["title"], STORIES[1]["title"], STORIES[2]["title"], STORIES[0]["title"]]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [e.input for e in errors] == [f"{feed}:5"]
    csv_file = tmp_path / "rows.csv"
    with csv_file.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "text"])
        writer.writerows([story["title"], story["text"]] for story in STORIES)
    csv_shards, _ = list_shards([str(csv_file)], records_per_shard=2)
    assert [(s.unit, s.start, s.stop) for s in csv_shards] == [("rows", 0, 2), ("rows", 2, None)]
    assert [a.title for s in csv_shards for a in read_shard(s) if isinstance(a, Article)] == [
        s["title"] for s in STORIES]


def test_missing_inputs_are_reported_not_raised(tmp_path: Path) -> None:
    shards, problems = list_shards([str(tmp_path / "absent.warc"), str(tmp_path / "*.jsonl")])
    assert shards == []
    assert [p.problem for p in problems] == ["no such file or directory",
                                            "no files match this pattern"]


def test_parts_hold_the_pipelines_extractions_exactly(inputs: Path, local_run: Path) -> None:
    shards, _ = list_shards([str(inputs)], records_per_shard=2)
    assert sorted(p.stem for p in (local_run / "parts").glob("*.parquet")) == sorted(
        s.id for s in shards)
    assert sorted(p.stem for p in (local_run / "done").glob("*.json")) == sorted(
        s.id for s in shards)
    from_parts = {e.article.id: e for e, _ in read_parts(str(local_run))}
    articles = [a for a in read_inputs([str(inputs)]) if not isinstance(a, InputError)]
    direct = [r for r in run_batch(articles, PipelineConfig()) if isinstance(r, Extraction)]
    assert len(direct) == len(articles) == len(from_parts) == 6
    for extraction in direct:
        assert from_parts[extraction.article.id] == extraction  # every record, every offset
    assert any(e.quotes for e in direct) and any(e.places for e in direct)
    labels = {label for _, label in read_parts(str(local_run))}
    assert len(labels) == 1 and "en_core_web_md" in labels.pop()


def test_rerun_skips_finished_shards_and_redoes_one_without_marker(
        inputs: Path, local_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(local_run, out)
    before = part_rows(out)
    cut_short = sorted((out / "done").glob("*.json"))[1]
    cut_short.unlink()  # as if the run was killed between the part and its marker
    (out / "parts" / f"{cut_short.stem}.parquet.tmp-deadbeef").write_bytes(b"half a file")
    summary = run_dataset([str(inputs)], str(out), records_per_shard=2)
    assert summary.skipped == len(before) - 1
    assert [o.shard for o in summary.outcomes] == [cut_short.stem]
    assert part_rows(out) == before


def test_killed_run_resumes_to_the_same_parts(
        inputs: Path, local_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from pressgraph.cli import main; main()",
               "run", str(inputs), "--out", str(out),
               "--records-per-shard", "1", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while not list((out / "done").glob("*.json")) and time.monotonic() < deadline:
        if process.poll() is not None:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished_before = {p.stem for p in (out / "done").glob("*.json")}
    shards, _ = list_shards([str(inputs)], records_per_shard=1)
    assert 1 <= len(finished_before) < len(shards), "the kill came too late to test a resume"
    # resumed by the local pool of two worker processes
    summary = run_dataset([str(inputs)], str(out), records_per_shard=1, workers=2)
    assert summary.skipped == len(finished_before)
    assert {o.shard for o in summary.outcomes} == {s.id for s in shards} - finished_before
    pids = {int(o.worker.rsplit(":", 1)[1]) for o in summary.outcomes}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert {p.stem for p in (out / "done").glob("*.json")} == {s.id for s in shards}
    resumed = {e.article.id: e for e, _ in read_parts(str(out))}
    whole = {e.article.id: e for e, _ in read_parts(str(local_run))}
    assert resumed == whole


def test_corrupt_shard_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(STORIES[0]["text"], encoding="utf-8")
    (folder / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "--out", str(out), "--quiet"])
    assert result.exit_code == 1, result.output
    assert "1 failures" in result.output
    failures = failures_of(str(out))
    assert len(failures) == 1
    assert failures[0]["shard"].startswith("broken.warc.gz-")
    assert failures[0]["input"].endswith("broken.warc.gz")
    assert "\n" not in failures[0]["problem"]
    assert [e.article.title for e, _ in read_parts(str(out))] == [None]
    assert len(list((out / "done").glob("*.json"))) == 2  # the broken shard is done, failed


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        " AND name NOT LIKE 'articles_fts%'")]
    dump = {t: sorted(map(tuple, conn.execute(f'SELECT * FROM "{t}"')), key=repr)
            for t in tables}
    conn.close()
    return dump


def test_load_twice_changes_nothing(local_run: Path, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with Store(db) as store:
        first = load_dataset(str(local_run), store)
    assert (first.written, first.already, first.linked) == (6, 0, True)
    once = _dump(db)
    result = runner.invoke(app, ["load", str(local_run), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "0 articles loaded" in result.output and "6 already there" in result.output
    assert _dump(db) == once
    with Store(db) as store:
        parts = {e.article.id: e for e, _ in read_parts(str(local_run))}
        for article_id, extraction in parts.items():
            stored = store.load_extraction(article_id)
            assert stored is not None
            assert stored.article.text == extraction.article.text
            assert stored.quotes == extraction.quotes
        assert len(once["event_clusters"]) > 0


def test_link_writes_clusters_and_relations_as_parquet(local_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(local_run, out)
    result = runner.invoke(app, ["link", str(out)])
    assert result.exit_code == 0, result.output
    tables = {p.stem: pq.read_table(p) for p in (out / "links").glob("*.parquet")}
    assert set(tables) == {"canonical_actors", "event_clusters", "article_clusters",
                           "claim_relations"}
    articles = {e.article.id: e for e, _ in read_parts(str(out))}
    stories = tables["article_clusters"].to_pylist()
    assert sorted(r["article_id"] for r in stories) == sorted(articles)
    event_ids = {ev.id for e in articles.values() for ev in e.events}
    clustered = {i for row in tables["event_clusters"].to_pylist() for i in row["event_ids"]}
    assert clustered and clustered <= event_ids
    actor_ids = {a.id for e in articles.values() for a in e.actors}
    members = {m for row in tables["canonical_actors"].to_pylist() for m in row["members"]}
    assert members == actor_ids


def test_link_parts_match_a_stores_links(local_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(local_run, out)
    link_dataset(str(out))
    db = tmp_path / "news.db"
    with Store(db) as store:
        load_dataset(str(out), store)
        stored = {r["id"]: json.loads(r["event_ids"])
                  for r in store.rows("event_clusters")}
    parquet = {r["id"]: r["event_ids"]
               for r in pq.read_table(out / "links" / "event_clusters.parquet").to_pylist()}
    assert parquet == stored


def test_remote_inputs_and_output_through_fsspec() -> None:
    import fsspec

    memory = fsspec.filesystem("memory")
    memory.pipe("/pg-in/wire.jsonl",
                "".join(json.dumps(s) + "\n" for s in STORIES[:2]).encode("utf-8"))
    summary = run_dataset(["memory://pg-in/*.jsonl"], "memory://pg-out", records_per_shard=0)
    assert (summary.shards, summary.articles, summary.failures) == (1, 2, 0)
    extractions = [e for e, _ in read_parts("memory://pg-out")]
    # articles keep the URL they were read from (the memory filesystem's root is "/")
    assert [e.article.path for e in extractions] == ["memory:///pg-in/wire.jsonl"] * 2
    assert [e.article.title for e in extractions] == [s["title"] for s in STORIES[:2]]
    assert memory.exists("/pg-out/failures.jsonl")
    again = run_dataset(["memory://pg-in/wire.jsonl"], "memory://pg-out")
    assert (again.skipped, again.outcomes) == (1, [])


def test_bad_options_and_missing_engines_are_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [
        (["run", str(EXAMPLES), "--out", str(tmp_path / "o"), "--engine", "spark"],
         "--engine 'spark': use one of local, ray"),
        (["load", str(tmp_path / "nothing"), "--db", str(tmp_path / "x.db")], "no parts/"),
        (["link", str(tmp_path / "nothing")], "no parts/"),
    ]
    (tmp_path / "taken").write_text("a file", encoding="utf-8")
    cases.append((["run", str(EXAMPLES), "--out", str(tmp_path / "taken")],
                  "a file, not a directory"))
    if importlib.util.find_spec("s3fs") is None:
        cases.append((["run", "s3://news-bucket/2025/*.warc.gz", "--out", str(tmp_path / "o")],
                      "reading s3:// needs s3fs (pip install s3fs)"))
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    cases.append((["run", str(EXAMPLES), "--out", str(tmp_path / "o"), "--engine", "ray"],
                  "--engine ray needs Ray Data: pip install 'pressgraph[ray]'"))
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()
    assert not (tmp_path / "o").exists()
    with pytest.raises(Exception, match="no parts/"):
        check_dataset(str(tmp_path / "nothing"))


def test_readme_duckdb_query_reads_parts_and_links(local_run: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    duckdb = pytest.importorskip("duckdb", reason="duckdb is optional")
    readme = (REPO / "README.md").read_text("utf-8")
    query = readme.split("```sql\n", 1)[1].split("```", 1)[0]
    shutil.copytree(local_run, tmp_path / "out")
    link_dataset(str(tmp_path / "out"))
    monkeypatch.chdir(tmp_path)
    rows = dict((kind, mentions) for kind, mentions, _ in duckdb.sql(query).fetchall())
    events = [ev.event_type for e, _ in read_parts(str(tmp_path / "out")) for ev in e.events]
    assert rows == {kind: events.count(kind) for kind in set(events)}
