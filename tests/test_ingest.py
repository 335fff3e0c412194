"""Ingest: every reader, the bad inputs each must survive, and stable ids."""

from __future__ import annotations

import gzip
import io
import shutil
from pathlib import Path

import pytest
from fastwarc.warc import WarcRecord, WarcRecordType

from pressgraph.ingest import InputError, detect_format, expand_paths, read_inputs
from pressgraph.ingest.feed import read_feed
from pressgraph.ingest.htmlpage import read_html
from pressgraph.ingest.plaintext import guess_title, read_text
from pressgraph.ingest.warc import read_warc
from pressgraph.model import Article, article_id_for

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def read(*paths: str, raw: bool = False) -> tuple[list[Article], list[InputError]]:
    articles: list[Article] = []
    errors: list[InputError] = []
    for item in read_inputs(list(paths), raw=raw):
        if isinstance(item, Article):
            articles.append(item)
        else:
            errors.append(item)
    return articles, errors


def assert_one_line_naming(error: InputError, name: str) -> None:
    message = str(error)
    assert "\n" not in message and "Traceback" not in message
    assert name in message.split(": ", 1)[0]


# -- WARC building -------------------------------------------------------------------------

PAGE = """<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>
<p>{lead}</p><p>Officials said further details would be released later in the week.</p>
</article></body></html>"""


def warc_record(url: str, html: str, *, date: str, content_type: str = "text/html") -> bytes:
    body = html.encode("utf-8")
    http = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("ascii")
    record = WarcRecord()
    record.init_headers(record_type=WarcRecordType.response)
    record.headers["WARC-Target-URI"] = url
    record.headers["WARC-Date"] = date
    record.headers["Content-Type"] = "application/http; msgtype=response"
    record.set_bytes_content(http + body)
    out = io.BytesIO()
    record.write(out)
    return out.getvalue()


def warc_records() -> list[bytes]:
    return [
        warc_record(
            "https://lakeside.example/news/ferry",
            PAGE.format(
                title="Lake ferry fares to rise",
                meta='<meta property="article:published_time" content="2024-04-10">',
                lead="LAKESIDE, April 10 - Ferry fares on Lake Orin will rise by 8 percent from "
                "June, the ferry company said on Wednesday, citing higher fuel costs.",
            ),
            date="2024-04-11T06:00:00Z",
        ),
        warc_record(
            "https://lakeside.example/logo.png",
            "not a page",
            date="2024-04-11T06:00:01Z",
            content_type="image/png",
        ),
        warc_record(
            "https://lakeside.example/news/school",
            PAGE.format(
                title="New school opens in Brenmoor",
                meta="",
                lead="BRENMOOR - A new primary school with places for 420 pupils opened in "
                "Brenmoor on Monday, the education department said in a statement.",
            ),
            date="2024-04-12T07:30:00Z",
        ),
    ]


@pytest.fixture
def warc_files(tmp_path: Path) -> dict[str, str]:
    records = warc_records()
    plain = b"".join(records)
    member_gz = b"".join(gzip.compress(r) for r in records)  # one gzip member per record
    paths = {
        "plain": tmp_path / "crawl.warc",
        "gz": tmp_path / "crawl.warc.gz",
        # cut inside the last HTML record: two pages survive
        "truncated": tmp_path / "cut.warc",
        "truncated_gz": tmp_path / "cut.warc.gz",
    }
    paths["plain"].write_bytes(plain)
    paths["gz"].write_bytes(member_gz)
    paths["truncated"].write_bytes(plain[: len(plain) - 60])
    last = len(gzip.compress(records[-1]))
    paths["truncated_gz"].write_bytes(member_gz[: len(member_gz) - last // 2])
    return {key: str(value) for key, value in paths.items()}


# -- formats -------------------------------------------------------------------------------


def test_plain_text_title_and_fields() -> None:
    articles, errors = read(fixture("story.txt"))
    assert errors == []
    [article] = articles
    assert article.title == "Ferry service resumes after storm damage"
    assert article.text.startswith("Ferry service resumes after storm damage\n\nKESTRAL BAY")
    assert article.raw_text == article.text
    assert article.input_format == "text"
    assert article.path == fixture("story.txt")
    assert article.published is None
    assert article.source == ""
    assert article.id == article_id_for(article.text)


def test_title_heuristic() -> None:
    assert guess_title("Storm hits coast\nThe storm hit.") == "Storm hits coast"
    assert guess_title("The storm hit the coast.\nMore text.") is None
    assert guess_title('He said "no."\nMore text.') is None
    assert guess_title(" ".join(["word"] * 31) + "\nMore text.") is None
    assert guess_title("Only one line without a stop") is None


def test_html_metadata() -> None:
    articles, errors = read(fixture("story.html"))
    assert errors == []
    [article] = articles
    assert article.title == "Flood waters rise in Norvale"
    assert article.published == "2024-05-14"
    assert article.author == "Dana Mercer"
    assert article.source == "Harbor Wire"
    assert article.url == "https://harborwire.example/news/norvale-flood"
    assert article.input_format == "html"
    assert "forcing about 1,200 residents" in article.text
    assert "Home" not in article.text  # boilerplate (nav) is not main text


def test_broken_html_still_extracts() -> None:
    articles, errors = read(fixture("broken.html"))
    assert errors == []
    [article] = articles
    assert article.title == "Port strike ends"
    assert "nine-day strike" in article.text
    assert "resume next month" in article.text


def test_rss_two_items() -> None:
    articles, errors = read(fixture("feed.rss"))
    assert errors == []
    assert [a.title for a in articles] == [
        "Bridge reopens after inspection",
        "Council approves new bus routes",
    ]
    # the publisher's own day, not the UTC day (23:30 -0500 is the 15th in UTC)
    assert [a.published for a in articles] == ["2024-05-14", "2024-05-15"]
    assert [a.url for a in articles] == [
        "https://tidewater.example/bridge",
        "https://tidewater.example/buses",
    ]
    assert {a.source for a in articles} == {"Tidewater News Service"}
    assert {a.input_format for a in articles} == {"feed"}
    assert {a.path for a in articles} == {fixture("feed.rss")}
    # full content wins over the summary, HTML stripped, paragraphs kept apart
    bus = articles[1]
    assert bus.author == "Sam Okafor"
    assert "<p>" not in bus.text
    assert bus.text.split("\n")[1].startswith("The routes will start in September")


def test_atom_one_item() -> None:
    articles, errors = read(fixture("feed.atom"))
    assert errors == []
    [article] = articles
    assert article.title == "Dam operators lower reservoir ahead of rains"
    assert article.published == "2024-06-02"
    assert article.author == "Ines Varga"
    assert article.source == "Valley Dispatch"
    assert article.url == "https://valley.example/dam"
    assert article.text.startswith("Operators of the Lindau dam")


@pytest.mark.parametrize("kind", ["plain", "gz"])
def test_warc(warc_files: dict[str, str], kind: str) -> None:
    articles, errors = read(warc_files[kind])
    assert errors == []
    assert [a.title for a in articles] == [
        "Lake ferry fares to rise",
        "New school opens in Brenmoor",
    ]
    assert [a.url for a in articles] == [
        "https://lakeside.example/news/ferry",
        "https://lakeside.example/news/school",
    ]
    # first date from the page's metadata, second from WARC-Date
    assert [a.published for a in articles] == ["2024-04-10", "2024-04-12"]
    assert {a.source for a in articles} == {"lakeside.example"}
    assert {a.input_format for a in articles} == {"warc"}
    assert "rise by 8 percent" in articles[0].text


@pytest.mark.parametrize("kind", ["truncated", "truncated_gz"])
def test_truncated_warc_keeps_good_records(warc_files: dict[str, str], kind: str) -> None:
    items = list(read_warc(warc_files[kind]))
    assert [type(i).__name__ for i in items] == ["Article", "InputError"]
    article, error = items
    assert isinstance(article, Article)
    assert article.title == "Lake ferry fares to rise"
    assert isinstance(error, InputError)
    assert_one_line_naming(error, warc_files[kind])
    assert "truncated" in error.problem


def test_jsonl_bad_line_among_good() -> None:
    path = fixture("news.jsonl")
    articles, errors = read(path)
    assert [a.title for a in articles] == [
        "Wildfire contained near Redfern",
        "Rail strike called off",
        None,
    ]
    assert [a.published for a in articles] == ["2024-08-02", "2024-08-01", "2024-08-05"]
    assert articles[0].source == "outback.example"  # domain of the url
    assert articles[1].source == "Outback Wire"
    assert articles[1].text.startswith("Rail unions")  # "body" alias
    assert articles[2].text.startswith("Shares")  # "content" alias
    assert [str(e) for e in errors] == [
        f"{path}:3: not valid JSON (Expecting ',' delimiter)",
        f"{path}:5: no text (no text, body or content field)",
    ]


def test_csv_rows() -> None:
    path = fixture("news.csv")
    articles, errors = read(path)
    assert [a.title for a in articles] == ["Harvest up 10 percent", "Library reopens"]
    assert [a.published for a in articles] == ["2024-09-02", "2024-09-07"]
    assert articles[0].url == "https://fieldnews.example/harvest"
    assert articles[1].url is None
    assert "mayor's office" in articles[1].text
    assert {a.input_format for a in articles} == {"csv"}
    assert [str(e) for e in errors] == [f"{path}:4: no text (no text, body or content field)"]


# -- bad inputs ----------------------------------------------------------------------------


def test_empty_file() -> None:
    articles, errors = read(fixture("empty.txt"))
    assert articles == []
    assert [str(e) for e in errors] == [f"{fixture('empty.txt')}: empty file"]


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("  \n\r\n\t\n")
    assert [e.problem for e in read(str(path))[1]] == ["empty file"]


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.dat"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    articles, errors = read(str(path))
    assert articles == []
    assert [str(e) for e in errors] == [f"{path}: binary file, not text"]


def test_oversized_html_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    chunk = b"<p>" + b"filler text " * 80 + b"</p>\n"
    with path.open("wb") as handle:
        handle.write(b"<html><body>")
        handle.write(chunk * (50 * 1024 * 1024 // len(chunk)))
        handle.write(b"\0" * (50 * 1024 * 1024 + 12 - handle.tell()))  # exactly 50 MB
    errors = list(read_html(str(path)))
    assert [str(e) for e in errors] == [
        f"{path}: file is 50.0 MB, over the 20 MB limit for one HTML page"
    ]


def test_html_without_main_text(tmp_path: Path) -> None:
    path = tmp_path / "shell.html"
    path.write_text("<html><head><title>Empty</title></head><body><div> </div></body></html>")
    [error] = list(read_html(str(path)))
    assert isinstance(error, InputError)
    assert error.problem == "no main text found in the HTML"


def test_cp1252_is_detected() -> None:
    articles, errors = read(fixture("cp1252.txt"))
    assert errors == []
    [article] = articles
    assert "Café owners" in article.text
    assert "sharply — by almost a third —" in article.text


def test_crlf_is_kept_and_bom_dropped(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbfFire at depot\r\n\r\nA fire broke out at a bus depot.\r\n")
    [article] = read(str(path))[0]
    # Kept verbatim so that --raw offsets index the decoded file exactly.
    assert article.text == "Fire at depot\r\n\r\nA fire broke out at a bus depot.\r\n"
    assert article.title == "Fire at depot"
    # The content hash ignores line endings: the same story saved on Windows is the same id.
    unix = tmp_path / "unix.txt"
    unix.write_bytes(b"Fire at depot\n\nA fire broke out at a bus depot.\n")
    assert read(str(unix))[0][0].id == article.id


def test_feed_without_items() -> None:
    [error] = list(read_feed(fixture("empty_feed.xml")))
    assert str(error) == f"{fixture('empty_feed.xml')}: feed has no items"


def test_missing_path_and_unmatched_glob() -> None:
    articles, errors = read("no/such/story.txt", str(FIXTURES / "*.nothing"))
    assert articles == []
    assert [str(e) for e in errors] == [
        "no/such/story.txt: no such file or directory",
        f"{FIXTURES / '*.nothing'}: no files match this pattern",
    ]


def test_every_error_is_one_line_naming_its_input(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "in")
    (tmp_path / "in" / "junk.bin").write_bytes(b"\x00\x01\x02" * 50)
    _, errors = read(str(tmp_path / "in"), str(tmp_path / "missing.txt"))
    assert len(errors) == 7
    for error in errors:
        assert "\n" not in str(error)
        assert str(error).startswith(str(tmp_path))


# -- paths, dispatch, ids ------------------------------------------------------------------


def test_expand_paths_walks_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("b/two.txt", "a.txt", ".hidden.txt", ".git/config", "b/.swp"):
        (tmp_path / name).write_text("x")
    assert list(expand_paths([str(tmp_path)])) == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b" / "two.txt"),
    ]
    # a glob, and a file named twice, still give each file once
    assert list(expand_paths([str(tmp_path / "*.txt"), str(tmp_path / "a.txt")])) == [
        str(tmp_path / "a.txt")
    ]


def test_format_sniffing_for_unknown_extensions(tmp_path: Path) -> None:
    feed = tmp_path / "wire"
    feed.write_bytes((FIXTURES / "feed.rss").read_bytes())
    page = tmp_path / "page.php"
    page.write_bytes((FIXTURES / "story.html").read_bytes())
    note = tmp_path / "notes.md"
    note.write_text("Plain notes about a story.\n")
    assert [detect_format(str(p)) for p in (feed, page, note)] == ["feed", "html", "text"]
    assert detect_format("x.warc.gz") == "warc"
    articles, errors = read(str(feed))
    assert errors == [] and len(articles) == 2


def test_ids_are_stable_and_raw_differs(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    shutil.copy(FIXTURES / "story.txt", copy)
    [first] = list(read_text(fixture("story.txt")))
    [second] = list(read_text(str(copy)))
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.id == second.id == article_id_for(first.text)
    again = read(fixture("feed.rss"))[0]
    assert [a.id for a in again] == [a.id for a in read(fixture("feed.rss"))[0]]
    [raw] = read(fixture("story.txt"), raw=True)[0]
    assert raw.id == article_id_for(first.text + "\x00raw")
    assert raw.id != first.id
    assert raw.text == first.text


def test_everything_together_counts() -> None:
    articles, errors = read(str(FIXTURES))
    by_format: dict[str, int] = {}
    for article in articles:
        by_format[article.input_format] = by_format.get(article.input_format, 0) + 1
    assert by_format == {"text": 2, "html": 2, "feed": 3, "jsonl": 3, "csv": 2}
    assert len(errors) == 5
