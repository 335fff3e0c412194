"""A seeded generator of malformed news inputs in every format, and of good ones to mix in.

Each malformed input is built to be certainly unreadable (not merely odd), so that a run can
assert that every one of them is named exactly once.  Nothing here is committed as data: the
files are written at test time from a seed.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastwarc.warc import WarcRecord, WarcRecordType

# Good stories, written for these tests (facts and figures invented).
GOOD_STORIES = [
    ("Ferry fares rise on Lake Orin",
     "LAKESIDE, April 10 (Wire) - Ferry fares on Lake Orin will rise by 8 percent from June, "
     "the ferry company said on Wednesday, citing higher fuel costs."),
    ("School opens in Brenmoor",
     "BRENMOOR, May 2 (Wire) - A primary school with places for 420 pupils opened in Brenmoor "
     "on Monday, the education department said in a statement."),
    ("Bridge closed after storm",
     "CALLAO, March 4 (Wire) - The coast guard closed the old bridge at Callao on Tuesday "
     "after a storm damaged two of its supports, officials said."),
    ("Farmers protest water cuts",
     "QUITO, June 7 (Wire) - Hundreds of farmers marched to the water ministry in Quito on "
     "Friday to protest cuts to irrigation, police said."),
    ("Rail strike ends in Accra",
     "ACCRA, July 1 (Wire) - Rail workers in Accra ended a nine-day strike on Sunday after the "
     "operator agreed to raise wages by 12 percent, the union said."),
    ("Clinic reopens in Dhaka",
     "DHAKA, August 9 (Wire) - A maternity clinic in northern Dhaka reopened on Thursday, "
     "three months after a fire, the health ministry said."),
    ("Port workers return in Paita",
     "PAITA, September 3 (Wire) - Dock workers at Paita returned to work on Monday after the "
     "port authority promised new safety rules, a spokesman said."),
    ("Museum roof repaired",
     "NAIROBI, October 5 (Wire) - The national museum in Nairobi reopened its east wing on "
     "Saturday after engineers repaired a roof that leaked in April, its director said."),
]

WORDS = ["river", "council", "market", "harbour", "minister", "village", "budget", "storm"]
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass(frozen=True)
class Planned:
    name: str  # file name inside the corpus folder
    data: bytes | None  # None: a special file (see ``special``)
    special: str = ""  # "fifo", "loop", "dangling"
    good: bool = False


def _html(body: str, title: str = "") -> str:
    return f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"


def _warc_record(payload: bytes, content_type: str, url: str) -> bytes:
    record = WarcRecord()
    record.init_headers(record_type=WarcRecordType.resource)
    record.headers["WARC-Target-URI"] = url
    record.headers["Content-Type"] = content_type
    record.headers["WARC-Date"] = "2024-04-11T06:00:00Z"
    record.set_bytes_content(payload)
    out = io.BytesIO()
    record.write(out)
    return out.getvalue()


def _rss(items: list[str], version: str = "2.0") -> str:
    body = "".join(f"<item><title>Item {n}</title><description>{text}</description></item>"
                   for n, text in enumerate(items))
    return f'<?xml version="1.0"?><rss version="{version}"><channel><title>T</title>{body}' \
           "</channel></rss>"


class _Maker:
    """One method per kind of damage; each returns (extension, bytes) for one bad input."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _junk_text(self) -> str:
        """Text with no real words, of one of several kinds."""
        rng = self.rng
        kind = rng.randrange(6)
        if kind == 0:
            return "".join(rng.choice(ZERO_WIDTH) for _ in range(rng.randint(1, 60)))
        if kind == 1:
            return rng.choice(WORDS).capitalize()
        if kind == 2:
            return " ".join(str(rng.randint(0, 10**6)) for _ in range(rng.randint(1, 30)))
        if kind == 3:
            return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(2, 40)))
        if kind == 4:
            return " ".join(rng.choice("!?.,;:-*#") * rng.randint(1, 5) for _ in range(20))
        return f"{rng.choice(WORDS)} {rng.choice(WORDS)}"

    # text -------------------------------------------------------------------------------
    def text_empty(self) -> tuple[str, bytes]:
        blanks = (self.rng.choice(" \t\r\n") for _ in range(self.rng.randint(0, 40)))
        return ".txt", "".join(blanks).encode()

    def text_binary(self) -> tuple[str, bytes]:
        data = bytearray(self.rng.randbytes(self.rng.randint(64, 4096)))
        for position in range(0, len(data), self.rng.randint(2, 9)):
            data[position] = 0  # NULs at both parities: not UTF-16 either
        data[1] = 0
        data[2] = 0
        return self.rng.choice([".txt", ".text", ""]), bytes(data)

    def text_junk(self) -> tuple[str, bytes]:
        return ".txt", self._junk_text().encode(self.rng.choice(["utf-8", "utf-16"]))

    def text_too_long(self) -> tuple[str, bytes]:
        return ".txt", ("The council met again. " * 9000).encode()

    # html -------------------------------------------------------------------------------
    def html_no_text(self) -> tuple[str, bytes]:
        rng = self.rng
        bodies = [
            "",
            "<script>var x = 1;</script>" * rng.randint(1, 20),
            "<div>" * rng.randint(1, 3000),
            f"<p>{self._junk_text()}</p>",
            "<style>p { color: red }</style><nav></nav>",
        ]
        return rng.choice([".html", ".htm"]), _html(rng.choice(bodies)).encode()

    def html_truncated(self) -> tuple[str, bytes]:
        page = _html("<p>" + self._junk_text() + "</p>")
        return ".html", page[: self.rng.randint(1, max(2, len(page) // 2))].encode()

    def html_binary(self) -> tuple[str, bytes]:
        noise = self.rng.randbytes(512).replace(b"\x00", b"\x01")
        return ".html", b"<html>\x00\x01" + noise + b"\x00" * 64

    def html_entities(self) -> tuple[str, bytes]:
        entity = self.rng.choice(["&amp;", "&#48;", "&lt;&gt;", "&nbsp;"])
        return ".html", _html("<p>" + entity * self.rng.randint(100, 5000) + "</p>").encode()

    # feeds ------------------------------------------------------------------------------
    def feed_no_items(self) -> tuple[str, bytes]:
        return self.rng.choice([".rss", ".xml"]), _rss([]).encode()

    def feed_junk_items(self) -> tuple[str, bytes]:
        items = [self._junk_text() for _ in range(self.rng.randint(1, 4))]
        return ".rss", _rss([item.replace("&", "") for item in items]).encode()

    def feed_not_xml(self) -> tuple[str, bytes]:
        choices = [b"<rss", b"{not: xml}", b"<?xml version='1.0'?><", b"\xff\xfe<\x00"]
        return ".rss", self.rng.choice(choices)

    def feed_truncated(self) -> tuple[str, bytes]:
        feed = _rss([GOOD_STORIES[0][1]])
        return ".atom", feed[: feed.index("<item>") + self.rng.randint(0, 5)].encode()

    def feed_entity_bomb(self) -> tuple[str, bytes]:
        levels = self.rng.randint(3, 9)
        decls = '<!ENTITY l0 "lol">' + "".join(
            f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, levels))
        feed = (f'<?xml version="1.0"?><!DOCTYPE rss [{decls}]><rss version="2.0"><channel>'
                f"<title>B</title><item><title>B</title><description>&l{levels - 1};"
                "</description></item></channel></rss>")
        return ".rss", feed.encode()

    # warc -------------------------------------------------------------------------------
    def warc_not_warc(self) -> tuple[str, bytes]:
        choices = [b"WARC/1.1\r\n", b"WARC/1.0\r\nWARC-Type: response\r\n\r\n",
                   self.rng.randbytes(200), b"\r\n\r\n"]
        return ".warc", self.rng.choice(choices)

    def warc_no_html(self) -> tuple[str, bytes]:
        record = _warc_record(self.rng.randbytes(100), "image/png", "https://x.example/a.png")
        return self.rng.choice([".warc", ".warc.gz"]), record

    def warc_junk_page(self) -> tuple[str, bytes]:
        page = _html(f"<p>{self._junk_text()}</p>").encode()
        data = _warc_record(page, "text/html", "https://x.example/junk")
        return ".warc", data

    def warc_gz_damaged(self) -> tuple[str, bytes]:
        page = _html("<p>" + GOOD_STORIES[0][1] + "</p>").encode()
        member = bytearray(gzip.compress(_warc_record(page, "text/html", "https://x.example/d")))
        kind = self.rng.randrange(3)
        if kind == 0:
            return ".warc.gz", bytes(member[: self.rng.randint(10, len(member) - 9)])
        if kind == 1:
            member[-8] ^= 0xFF  # CRC
            member[-5] ^= 0x55
            return ".warc.gz", bytes(member)
        member[10:] = self.rng.randbytes(len(member) - 10)
        return ".warc.gz", bytes(member)

    def warc_truncated_record(self) -> tuple[str, bytes]:
        page = _html("<p>" + GOOD_STORIES[1][1] + "</p>").encode()
        record = _warc_record(page, "text/html", "https://x.example/t")
        return ".warc", record[: self.rng.randint(len(record) // 2, len(record) - 20)]

    # jsonl ------------------------------------------------------------------------------
    def _bad_json_line(self) -> bytes:
        rng = self.rng
        kind = rng.randrange(9)
        if kind == 0:
            return b"[" * rng.randint(5_000, 100_000)
        if kind == 1:
            return b'{"text": "Police\x00 said"}'
        if kind == 2:
            value = rng.choice([12345, 1e308, None, True, [1], {"a": 1}])
            return json.dumps({"text": value}).encode()
        if kind == 3:
            return rng.choice([b"NaN", b"Infinity", b'"a string"', b"42", b"[]"])
        if kind == 4:
            return b'{"text": ' + rng.choice([b"NaN", b"1e999", b"-Infinity"]) + b"}"
        if kind == 5:
            return json.dumps({"title": "no text here"}).encode()
        if kind == 6:
            return json.dumps({"text": self._junk_text()}).encode()
        if kind == 7:
            return b'{"text": "unterminated'
        return b'{"text": "\\udfff\\ud800"}'

    def jsonl_all_bad(self) -> tuple[str, bytes]:
        lines = [self._bad_json_line() for _ in range(self.rng.randint(1, 5))]
        return self.rng.choice([".jsonl", ".ndjson"]), b"\n".join(lines) + b"\n"

    def jsonl_empty(self) -> tuple[str, bytes]:
        return ".jsonl", self.rng.choice([b"", b"\n\n\n", b"   \n"])

    # csv --------------------------------------------------------------------------------
    def csv_header_only(self) -> tuple[str, bytes]:
        delimiter = self.rng.choice(",;\t")
        return ".csv", delimiter.join(["title", "text", "url"]).encode() + b"\r\n"

    def csv_no_text_column(self) -> tuple[str, bytes]:
        return ".csv", b"name,value\r\na,1\r\nb,2\r\n"

    def csv_bad_rows(self) -> tuple[str, bytes]:
        rows = [f'"{self._junk_text()}"' for _ in range(self.rng.randint(1, 4))]
        return ".csv", ("title,text\r\n" + "".join(f"t,{row}\r\n" for row in rows)).encode()

    def csv_binary(self) -> tuple[str, bytes]:
        return self.rng.choice([".csv", ".tsv"]), b"title,text\n\x00\x00" + self.rng.randbytes(300)


def _kinds(maker: _Maker) -> list[Callable[[], tuple[str, bytes]]]:
    return [getattr(maker, name) for name in dir(maker)
            if not name.startswith("_") and callable(getattr(maker, name))]


def plan(seed: int = 17, count: int = 1000) -> list[Planned]:
    """``count`` malformed inputs (every kind in turn, random within it), specials, and goods."""
    rng = random.Random(seed)
    maker = _Maker(rng)
    kinds = _kinds(maker)
    planned: list[Planned] = []
    for number in range(count):
        make = kinds[number % len(kinds)]
        ext, data = make()
        planned.append(Planned(f"{number:04d}-{make.__name__}{ext}", data))
    # the file system's own traps
    planned += [Planned(f"pipe{n}{ext}", None, "fifo") for n, ext in enumerate([".txt", ""])]
    planned += [Planned("loop", None, "loop"), Planned("dangling.txt", None, "dangling")]
    planned.append(Planned("clear\x1b[2J.txt", b""))
    planned.append(Planned(os.fsdecode(b"caf\xe9-empty.txt"), b" "))
    planned += _goods()
    return planned


def _goods() -> list[Planned]:
    (t0, s0), (t1, s1), (_t2, s2), (t3, s3), (t4, s4), (t5, s5), (t6, s6), (t7, s7) = GOOD_STORIES
    warc_page = _html(f"<h1>{t3}</h1><p>{s3}</p><p>{s3}</p>", t3).encode()
    csv_text = s5.replace('"', '""')
    return [
        Planned("good-0.txt", f"{t0}\n\n{s0}\n".encode(), good=True),
        Planned("good-1.html", _html(f"<h1>{t1}</h1><p>{s1}</p><p>{s1}</p>", t1).encode(),
                good=True),
        Planned("good-2.rss", _rss([s2]).encode(), good=True),
        Planned("good-3.warc.gz", gzip.compress(_warc_record(
            warc_page, "text/html", "https://news.example/3")), good=True),
        Planned("good-4.jsonl", (json.dumps({"title": t4, "text": s4}) + "\n").encode(),
                good=True),
        Planned("good-5.csv", f'title,text\r\n"{t5}","{csv_text}"\r\n'.encode(), good=True),
        Planned(os.fsdecode(b"good-6-caf\xe9.txt"), f"{t6}\n\n{s6}\n".encode("utf-16"),
                good=True),
        Planned("good-7.txt", f"{t7}\n\n{s7}\n".encode("utf-16-le"), good=True),
    ]


def write(planned: list[Planned], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for item in planned:
        path = os.path.join(os.fsencode(folder), os.fsencode(item.name))
        if item.special == "fifo":
            os.mkfifo(path)
        elif item.special == "loop":
            os.symlink(path, path)
        elif item.special == "dangling":
            os.symlink(os.path.join(os.fsencode(folder), b"nowhere"), path)
        else:
            assert item.data is not None
            with open(path, "wb") as handle:
                handle.write(item.data)
