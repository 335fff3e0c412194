"""Issue 17: no input, file system or export target aborts a batch, loses a good article or
gets through unchecked.  Each test is one of the issue's reproductions."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastwarc.warc import WarcRecord, WarcRecordType
from typer.testing import CliRunner

from pressgraph.batch import ArticleFailure, process_chunk, run_batch
from pressgraph.cli import app
from pressgraph.cli.safe_text import safe_text
from pressgraph.ingest import InputError, read_inputs
from pressgraph.ingest.limits import MAX_ARTICLE_CHARS
from pressgraph.model import Article, article_id_for
from pressgraph.pipeline import PipelineConfig

runner = CliRunner()

STORY = (
    "Flooding closes the port of Callao\n\n"
    "LIMA, March 4 (Wire) - Police said on Monday that two people died when floods closed the "
    "port of Callao, and the harbour master, Rosa Quispe, said ships were sent to Paita.\n"
)
SENTENCE = "Police said on Monday two people died in Lima."


def read(*paths: Path) -> tuple[list[Article], list[InputError]]:
    results = list(read_inputs([str(p) for p in paths]))
    return ([r for r in results if isinstance(r, Article)],
            [r for r in results if isinstance(r, InputError)])


def ingest(tmp_path: Path, *inputs: Path | str) -> tuple[int, str, sqlite3.Connection]:
    db = tmp_path / "store.db"
    result = runner.invoke(app, ["ingest", *map(str, inputs), "--db", str(db), "--quiet",
                                 "--no-link"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output, sqlite3.connect(db)


def failures(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("failed:")]


def stored_titles(conn: sqlite3.Connection) -> list[str | None]:
    return sorted(row[0] or "" for row in conn.execute("SELECT title FROM articles"))


# --- a single input aborted the whole batch ---------------------------------------------


def test_a_lone_surrogate_in_jsonl_is_stored_replaced_and_the_batch_goes_on(
    tmp_path: Path,
) -> None:
    r1 = tmp_path / "r1.jsonl"
    r1.write_text('{"text":"' + SENTENCE + '","title":"T \\udfff"}\n', "utf-8")
    good = tmp_path / "good.txt"
    good.write_text(STORY, "utf-8")
    code, output, conn = ingest(tmp_path, r1, good)
    assert code == 0, output
    assert stored_titles(conn) == ["Flooding closes the port of Callao", "T \ufffd"]


def test_extract_of_a_lone_surrogate_prints_the_article(tmp_path: Path) -> None:
    r1 = tmp_path / "r1.jsonl"
    r1.write_text('{"text":"Police said \\udfff on Monday two people died in Lima."}\n', "utf-8")
    result = runner.invoke(app, ["extract", str(r1), "--only", "entities"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["article"]["text"].startswith("Police said \ufffd on")


def test_a_symlink_loop_in_an_input_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "good.txt").write_text(STORY, "utf-8")
    code, output, conn = ingest(tmp_path, folder)
    assert code == 1
    [line] = failures(output)
    assert "loop" in line and "symbolic links" in line
    assert stored_titles(conn) == ["Flooding closes the port of Callao"]


def test_a_file_name_that_is_not_utf8_is_read_and_stored_escaped(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_text(STORY, "utf-8")
    code, output, conn = ingest(tmp_path, tmp_path / "in")
    assert code == 0, output
    [path] = [row[0] for row in conn.execute("SELECT path FROM articles")]
    assert path.endswith("caf\\xe9.txt")


# --- good data lost or mangled ----------------------------------------------------------


def _rows(count: int) -> list[tuple[str, str]]:
    """(title, text) pairs with the quoting spreadsheets produce: quotes, commas, line breaks."""
    rows = []
    for number in range(count):
        text = (f'Officials said "{number + 2} boats" sank near Chimbote, a town of '
                f"{number + 100} people;\nthe navy said the search would go on.")
        rows.append((f'Boats sink, "{number}" rescued', text))
    return rows


def _csv(rows: list[tuple[str, str]], delimiter: str, newline: str) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    lines = [delimiter.join(["id", "title", "text"])]
    lines += [delimiter.join([str(n), cell(title), cell(text)])
              for n, (title, text) in enumerate(rows)]
    return newline.join(lines) + newline


@pytest.mark.parametrize(
    ("name", "delimiter", "newline", "bom"),
    [
        ("rfc4180.csv", ",", "\r\n", False),
        ("excel.csv", ",", "\r\n", True),
        ("european.csv", ";", "\r\n", True),
        ("tabs.tsv", "\t", "\n", False),
        ("tabs.csv", "\t", "\n", False),
    ],
)
def test_csv_quoting_keeps_every_row_whole(
    tmp_path: Path, name: str, delimiter: str, newline: str, bom: bool
) -> None:
    rows = _rows(16)
    path = tmp_path / name
    data = _csv(rows, delimiter, newline).encode("utf-8")
    path.write_bytes(codecs.BOM_UTF8 + data if bom else data)
    articles, errors = read(path)
    assert errors == []
    assert [(a.title, a.text) for a in articles] == rows


def test_one_bad_jsonl_line_loses_only_itself(tmp_path: Path) -> None:
    good = [json.dumps({"text": f"{SENTENCE} Story number {n} of the day."}) for n in range(4)]
    bad = [
        "[" * 100_000 + "]" * 100_000,
        '{"text": "Police said \\ud800 on Monday two died.", "title": "\\udfff"}',
        '{"text": "Police\x00 said on Monday two died."}',
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes("\n".join([good[0], bad[0], good[1], bad[2], good[2], good[3]])
                     .encode("utf-8") + b"\n")
    articles, errors = read(path)
    assert [a.text for a in articles] == [json.loads(line)["text"] for line in good]
    assert [e.input for e in errors] == [f"{path}:2", f"{path}:4"]
    assert "nested too deeply" in errors[0].problem and "NUL" in errors[1].problem
    escaped = tmp_path / "escaped.jsonl"
    escaped.write_text(bad[1] + "\n", "utf-8")
    [article], [] = read(escaped)
    assert article.text == "Police said \ufffd on Monday two died." and article.title == "\ufffd"


@pytest.mark.parametrize("value", ["12345", "1e999", "NaN", "-Infinity", "true", "[\"a\"]"])
def test_a_text_that_is_not_a_string_is_rejected(tmp_path: Path, value: str) -> None:
    path = tmp_path / "numbers.jsonl"
    path.write_text('{"text": ' + value + '}\n', "utf-8")
    articles, [error] = read(path)
    assert articles == []
    assert "'text' is" in error.problem and "not a string" in error.problem


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes(STORY.encode(encoding))
    [article], [] = read(path)
    assert article.text == STORY


def _warc_record(number: int) -> bytes:
    html = (f"<html><head><title>Page {number}</title></head><body><article><p>{STORY} "
            f"This is page number {number} of the archive, and it has enough words to be a "
            "page that trafilatura keeps as the main text of the document.</p></article>"
            "</body></html>").encode()
    record = WarcRecord()
    record.init_headers(record_type=WarcRecordType.resource)
    record.set_bytes_content(html)
    record.headers["WARC-Target-URI"] = f"https://news.example/page{number}"
    record.headers["Content-Type"] = "text/html"
    record.headers["WARC-Date"] = "2024-03-04T10:00:00Z"
    buffer = io.BytesIO()
    record.write(buffer)
    return buffer.getvalue()


def _inflates_wrong(member: bytes) -> bytes:
    """``member`` with one byte changed so that it still inflates, to different bytes.

    Only the CRC at the member's end can tell: the garbage that used to be stored.
    """
    original = gzip.decompress(member)
    for position in range(len(member) // 2, len(member) - 8):
        damaged = bytearray(member)
        damaged[position] ^= 0x01
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            body = inflater.decompress(bytes(damaged[10:-8]))
        except zlib.error:
            continue
        if inflater.eof and len(body) == len(original) and body != original:
            return bytes(damaged)
    raise AssertionError("no single-byte change inflates cleanly")


def test_a_corrupt_gzip_warc_member_stores_only_whole_records(tmp_path: Path) -> None:
    members = [gzip.compress(_warc_record(n)) for n in range(3)]
    damaged = _inflates_wrong(members[1])
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(members[0] + bytes(damaged) + members[2])
    articles, [error] = read(path)
    assert [a.url for a in articles] == ["https://news.example/page0"]
    assert "gzip member is corrupt" in error.problem


def test_a_warc_without_html_pages_says_so(tmp_path: Path) -> None:
    record = WarcRecord()
    record.init_headers(record_type=WarcRecordType.resource)
    record.set_bytes_content(b"not a page")
    record.headers["Content-Type"] = "image/png"
    buffer = io.BytesIO()
    record.write(buffer)
    path = tmp_path / "images.warc"
    path.write_bytes(buffer.getvalue())
    [], [error] = read(path)
    assert error.problem == "no HTML pages among its 1 WARC records"


def test_a_header_only_csv_says_so(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("title,text\r\n", "utf-8")
    [], [error] = read(path)
    assert error.problem == "no rows after the header"


# --- hangs and resources ----------------------------------------------------------------


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail the test, not the suite, if reading blocks."""

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("reading blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_fifo_is_skipped_without_being_opened(tmp_path: Path, no_hang: None) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(folder / "pipe")  # no extension: sniffing would open it
    (folder / "good.txt").write_text(STORY, "utf-8")
    articles, errors = read(folder)
    assert len(articles) == 1
    assert {str(e) for e in errors} == {
        f"{folder / 'pipe'}: a named pipe, not a regular file: skipped",
        f"{folder / 'pipe.txt'}: a named pipe, not a regular file: skipped",
    }


def test_an_html_page_of_entities_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "entities.html"
    path.write_text("<html><body><article><p>" + "&amp;&lt;&gt;" * 170_000
                    + "</p></article></body></html>", "ascii")
    started = time.perf_counter()
    [], [error] = read(path)
    assert time.perf_counter() - started < 60
    assert f"over the {MAX_ARTICLE_CHARS:,}-character limit" in error.problem


def test_an_article_over_the_character_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text((SENTENCE + " ") * 21_000, "utf-8")  # 990,000 characters
    [], [error] = read(path)
    assert error.problem.startswith("text is 987,000 characters, over the")
    assert "split it" in error.problem


def test_an_article_over_the_time_limit_fails_alone() -> None:
    slow = Article(id=article_id_for(STORY), text=STORY, raw_text=STORY, path="slow.txt")
    [failure] = process_chunk([slow], PipelineConfig(extractors=("entities",)), seconds=0.001)
    assert isinstance(failure, ArticleFailure)
    assert str(failure).startswith("slow.txt: extraction took over")


def test_one_refused_article_in_a_chunk_costs_only_itself() -> None:
    def article(text: str, path: str) -> Article:
        return Article(id=article_id_for(text), text=text, raw_text=text, path=path)

    too_long = (SENTENCE + " ") * 2_200  # built by a caller, past the readers' check
    chunk = [article(STORY, "a.txt"), article(too_long, "long.txt"),
             article(STORY.replace("Callao", "Paita"), "b.txt")]
    results = process_chunk(chunk, PipelineConfig(extractors=("entities",)))
    assert [type(r).__name__ for r in results] == ["Extraction", "ArticleFailure", "Extraction"]
    assert str(results[1]) == (
        f"long.txt: text is {len(too_long):,} characters, over the {MAX_ARTICLE_CHARS:,}-"
        "character limit for one article (split it into several inputs)"
    )


def test_an_unreadable_folder_gives_a_message(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "story.txt").write_text(STORY, "utf-8")
    locked.chmod(0)
    try:
        if os.geteuid() == 0:  # root reads any folder: make the listing fail as it would
            real_scandir = os.scandir

            def refuse(path: object = ".") -> object:
                if os.fspath(path) == str(locked):  # type: ignore[arg-type]
                    raise PermissionError(13, "Permission denied", str(locked))
                return real_scandir(path)  # type: ignore[arg-type]

            monkeypatch.setattr(os, "scandir", refuse)
        [], [error] = read(locked)
        assert str(error) == f"{locked}: cannot list this folder (permission denied)"
    finally:
        locked.chmod(stat.S_IRWXU)


def test_an_empty_folder_gives_a_message(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    [], [error] = read(tmp_path / "empty")
    assert error.problem == "no files in this folder"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(40):
        (folder / f"story{number}.txt").write_text(f"{STORY}\nUpdate {number} of the day.\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    parent = subprocess.Popen(
        [sys.executable, "-c", "from pressgraph.cli import main; main()", "ingest",
         str(folder), "--db", str(tmp_path / "s.db"), "--workers", "2", "--quiet"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while len(workers := _children(parent.pid)) < 2 and time.monotonic() < deadline:
            assert parent.poll() is None, "ingest ended before its workers started"
            time.sleep(0.2)
        assert len(workers) >= 2
        time.sleep(1.0)  # let the workers ask to die with their parent
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in workers if _alive(pid)] == []


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_killed_mid_batch_loses_no_article(monkeypatch: pytest.MonkeyPatch) -> None:
    import pressgraph.batch

    recoveries: list[int] = []
    recover = pressgraph.batch._after_broken_pool

    def counted(chunks: list[list[Article]], config: PipelineConfig) -> Iterator[object]:
        recoveries.append(sum(map(len, chunks)))
        return recover(chunks, config)

    monkeypatch.setattr(pressgraph.batch, "_after_broken_pool", counted)
    stories = [f"{STORY}\nUpdate {n}: the port of Callao stays shut.\n" for n in range(24)]
    articles = [Article(id=article_id_for(text), text=text, raw_text=text, path=f"{n}.txt")
                for n, text in enumerate(stories)]
    killed: list[int] = []
    # Children the test session started before (a browser driver, a server) are not workers.
    before = set(_children(os.getpid()))

    def kill_a_worker() -> None:
        deadline = time.monotonic() + 120
        while (not (workers := [pid for pid in _children(os.getpid()) if pid not in before])
               and time.monotonic() < deadline):
            time.sleep(0.01)
        for pid in workers[:1]:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    killer = threading.Thread(target=kill_a_worker)
    killer.start()
    results = list(run_batch(articles, PipelineConfig(extractors=("entities",)), workers=2,
                             chunk_size=1))
    killer.join()
    assert killed, "no worker was seen"
    assert recoveries, "the pool never broke: the worker was killed after the work"
    assert [r.article.path for r in results] == [a.path for a in articles]
    assert all(not isinstance(r, ArticleFailure) for r in results), results


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- junk, output and messages ----------------------------------------------------------


def _junk_inputs(folder: Path) -> dict[str, bytes]:
    feed = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
        '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        '<!ENTITY lol9 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">\n]>\n'
        '<rss version="2.0"><channel><title>L</title><item><title>Laugh</title>'
        "<description>&lol9;</description></item></channel></rss>"
    )
    return {
        "zero-width.txt": "\u200b\u200c\u200d\ufeff\u2060\n\u200b".encode(),
        # 16 bytes that decode as CJK: a GB18030 reading of random binary
        "random.txt": "\u5a3a\u7c4e\u9a8f\u6f3b\u4e8d\u8b6a\u5f9c\u7a31".encode("gb18030"),
        "one-word.html": b"<html><body><article><p>Hello</p></article></body></html>",
        "one-word.txt": b"Breaking\n",
        "laughs.rss": feed.encode(),
    }


def test_junk_texts_are_rejected_with_a_clear_line(tmp_path: Path) -> None:
    for name, data in _junk_inputs(tmp_path).items():
        (tmp_path / name).write_bytes(data)
    for name in _junk_inputs(tmp_path):
        articles, errors = read(tmp_path / name)
        assert articles == [], name
        [error] = errors
        expected = {
            "one-word.html": ("no real words", "no main text"),
            "laughs.rss": ("declares its own XML entities",),
        }.get(name, ("no real words",))
        assert any(reason in error.problem for reason in expected), error


def test_titles_and_file_names_reach_the_terminal_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "clear\x1b[2J.txt").write_bytes(b"")
    (folder / "story.txt").write_text("Storm \x1b]0;owned\x07 hits Lima\n\n" + STORY, "utf-8")
    db = tmp_path / "t.db"
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--no-link"])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "clear\\x1b[2J.txt: empty file" in result.output
    [title] = [r[0] for r in sqlite3.connect(db).execute("SELECT title FROM articles")]
    assert "\x1b" not in title and "\x07" not in title


def test_safe_text_shows_controls_and_keeps_one_line() -> None:
    assert safe_text("a\x1b[2Jb\nc\r\nd\u202ee\x9bf") == "a\\x1b[2Jb c d\\u202ee\\x9bf"
    assert safe_text(os.fsdecode(b"caf\xe9")) == "caf\\udce9"
    assert safe_text("Goma, Nord-Kivu \u00e9t\u00e9") == "Goma, Nord-Kivu \u00e9t\u00e9"


def test_every_input_error_is_one_line(tmp_path: Path) -> None:
    error = InputError(str(tmp_path / "x\ny.txt"), "first line\nsecond line")
    assert "\n" not in str(error)
    path = tmp_path / "broken.csv"
    path.write_text('title,text\n"a,"unterminated\n', "utf-8")
    for error in read(path)[1]:
        assert "\n" not in str(error)


# --- export -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    (folder / "story.txt").write_text(STORY, "utf-8")
    db = folder / "s.db"
    result = runner.invoke(app, ["ingest", str(folder / "story.txt"), "--db", str(db),
                                 "--quiet", "--no-link"])
    assert result.exit_code == 0, result.output
    return db


def test_export_replaces_a_planted_symlink_and_leaves_its_target_alone(
    small_store: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "articles.csv").symlink_to(victim)
    (out / "articles.jsonl").symlink_to(victim)
    for fmt in ("csv", "jsonl"):
        result = runner.invoke(app, ["export", "--out", str(out), "--db", str(small_store),
                                     "--format", fmt])
        assert result.exit_code == 0, result.output
    assert victim.read_text("utf-8") == "keep me"
    assert not (out / "articles.csv").is_symlink()
    assert (out / "articles.csv").read_text("utf-8").startswith("id,")
    assert sorted(p.name for p in out.iterdir() if "partial" in p.name) == []


def test_a_failed_export_leaves_no_partial_file(
    small_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pressgraph.store import Store

    def fail_midway(self: Store) -> Iterator[object]:
        raise sqlite3.OperationalError("disk I/O error")
        yield  # a generator, like the real one

    monkeypatch.setattr(Store, "iter_extractions", fail_midway)
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "--out", str(out), "--db", str(small_store)])
    assert result.exit_code == 2
    assert "cannot read the store for the export (disk I/O error)" in result.output
    assert list(out.iterdir()) == []


def test_export_refuses_an_empty_out_and_a_file(small_store: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--out", "", "--db", str(small_store)])
    assert result.exit_code == 2 and "--out is empty" in result.output
    a_file = tmp_path / "file"
    a_file.write_text("x", "utf-8")
    result = runner.invoke(app, ["export", "--out", str(a_file), "--db", str(small_store)])
    assert result.exit_code == 2 and "is a file, not a directory" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = runner.invoke(app, ["export", "--out", str(a_file / "sub"), "--db",
                                 str(small_store)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: {a_file / 'sub'}: cannot create the directory (not a directory)")


def test_a_corrupt_gzip_stream_is_reported_not_raised(tmp_path: Path) -> None:
    data = gzip.compress(_warc_record(0))
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) // 2])
    [], [error] = read(path)
    assert "truncated" in error.problem or "corrupt" in error.problem
