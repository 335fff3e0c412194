"""Readers: every input format in, one :class:`pressgraph.model.Article` type out.

``read_inputs(paths)`` expands directories and globs, picks a reader by file type, and yields
``Article`` objects (text = the decoded story text, before cleaning) or ``InputError`` objects
(one line naming the input and the problem).  A bad input never raises: the batch goes on.

Formats: plain text, HTML, RSS/Atom, WARC (plain or gzipped), JSON Lines and CSV/TSV.  Each
reader is a generator ``read_xxx(path) -> Iterator[Article | InputError]`` in its own module.
"""

from __future__ import annotations

import dataclasses
import glob
import gzip
import importlib
import os
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from pressgraph.ingest._common import (
    ReadProblem,
    check_regular,
    describe,
    display_path,
    one_line,
    open_input,
)
from pressgraph.model import Article, article_id_for


@dataclass(frozen=True, slots=True)
class InputError:
    """An input that could not be read: ``str()`` is the one-line message users see."""

    input: str
    problem: str

    def __str__(self) -> str:
        return one_line(f"{display_path(self.input)}: {self.problem}")


Reader = Callable[[str], Iterator[Article | InputError]]

FORMATS = ("text", "html", "feed", "warc", "jsonl", "csv")

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
}
_SNIFF_BYTES = 4096
# matched against lower-cased bytes; comments and declarations may precede the root element
_FEED_ROOT = re.compile(
    rb"(?:<\?xml[^>]*>|<!--.*?-->|<!doctype[^>]*>|\s)*<(?:rss|feed|rdf:rdf)\b", re.DOTALL
)
_HTML_START = re.compile(rb"(?:<!--.*?-->|\s)*<(?:!doctype\s+html|html|head|body)\b", re.DOTALL)
_GLOB_CHARS = re.compile(r"[*?\[]")


# format -> module:function. Imported on first use of the format: the HTML, feed and WARC
# readers pull in trafilatura, feedparser, lxml and fastwarc (a quarter of a CPU-second of
# imports), which a batch of text files never needs.
_READERS = {
    "text": "plaintext:read_text",
    "html": "htmlpage:read_html",
    "feed": "feed:read_feed",
    "warc": "warc:read_warc",
    "jsonl": "jsonl:read_jsonl",
    "csv": "delimited:read_csv",
}


def _reader(fmt: str) -> Reader:
    # imported here because the reader modules import InputError from this package
    module, _, name = _READERS[fmt].partition(":")
    reader: Reader = getattr(importlib.import_module(f"pressgraph.ingest.{module}"), name)
    return reader


def _sniff(head: bytes) -> str:
    """The format of a file whose extension says nothing, from its first bytes."""
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return "text"
        return "warc" if head.startswith(b"WARC/") else "text"
    if head.startswith(b"WARC/"):
        return "warc"
    lowered = head.removeprefix(b"\xef\xbb\xbf").lower()
    if _FEED_ROOT.match(lowered):
        return "feed"
    if _HTML_START.match(lowered):
        return "html"
    return "text"


def detect_format(path: str) -> str:
    """One of ``FORMATS``: by extension, else by content (unknown extensions are text)."""
    name = os.path.basename(path).lower()
    if name.endswith(".warc.gz"):
        return "warc"
    fmt = _EXTENSIONS.get(os.path.splitext(name)[1])
    if fmt is not None:
        return fmt
    with open_input(path, max_bytes=None) as handle:
        return _sniff(handle.read(_SNIFF_BYTES))


def _walk(directory: str) -> Iterator[str | InputError]:
    """Files under ``directory``; a folder that cannot be listed becomes an InputError.

    Symbolic links to folders are not followed (a link loop cannot recurse); a link to a
    file is read, and a dangling or looping link is reported when it is opened.
    """
    unreadable: list[OSError] = []
    for root, dirs, files in os.walk(directory, onerror=unreadable.append):
        yield from (_unlisted(error) for error in unreadable)
        unreadable.clear()
        # hidden folders are VCS metadata and editor state, never news
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)
    yield from (_unlisted(error) for error in unreadable)


def _unlisted(error: OSError) -> InputError:
    where = error.filename if isinstance(error.filename, str) else "?"
    return InputError(where, f"cannot list this folder ({describe(error)})")


def expand_paths(paths: Sequence[str]) -> Iterator[str | InputError]:
    """Files named by ``paths``: directories recursively (sorted, hidden files skipped), globs.

    A path that names nothing becomes an ``InputError``.  Each file comes out once.
    """
    seen: set[str] = set()

    def once(found: str | InputError) -> Iterator[str | InputError]:
        if isinstance(found, InputError):
            yield found
            return
        key = os.path.normpath(found)
        if key not in seen:
            seen.add(key)
            yield found

    for path in paths:
        if os.path.isdir(path):
            empty = True
            for found in _walk(path):
                empty = False
                yield from once(found)
            if empty:
                yield InputError(path, "no files in this folder")
        elif os.path.lexists(path):
            # a dangling or looping link too: opening it names the problem
            yield from once(path)
        elif _GLOB_CHARS.search(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                yield InputError(path, "no files match this pattern")
            for match in matches:
                if os.path.isdir(match):
                    for found in _walk(match):
                        yield from once(found)
                else:
                    yield from once(match)
        else:
            yield InputError(path, "no such file or directory")


_HELD_ERRORS = 1000
_SHOWN_PROBLEMS = 3
_SHOWN_PLACES = 5


def read_path(path: str) -> Iterator[Article | InputError]:
    """Every Article in one file, and an ``InputError`` for each part that could not be read.

    A file that yields no Article at all is named exactly once: its problems are joined into
    one line ("line 2: not valid JSON; line 3: no text").
    """
    held: list[InputError] = []
    streaming = False
    for item in _read_path(path):
        if streaming:
            yield item
        elif isinstance(item, Article) or len(held) >= _HELD_ERRORS:
            streaming = True
            yield from held
            yield item
        else:
            held.append(item)
    if not streaming and held:
        yield held[0] if len(held) == 1 and held[0].input == path else _joined(path, held)


def _joined(path: str, errors: list[InputError]) -> InputError:
    """One line for all of a file's problems: "lines 2, 5: no real words; line 3: ..."."""
    by_problem: dict[str, list[str]] = {}
    for error in errors:
        where = error.input.removeprefix(path).removeprefix(":")
        by_problem.setdefault(error.problem, []).append("" if where == error.input else where)
    parts = []
    for problem, places in list(by_problem.items())[:_SHOWN_PROBLEMS]:
        places = [place for place in places if place]
        if not places:
            parts.append(problem)
            continue
        label = ("line " if len(places) == 1 else "lines ") if places[0].isdigit() else ""
        shown = ", ".join(places[:_SHOWN_PLACES]) + (", ..." if len(places) > _SHOWN_PLACES else "")
        parts.append(f"{label}{shown}: {problem}")
    more = len(by_problem) - _SHOWN_PROBLEMS
    return InputError(path, "; ".join(parts) + (f"; and {more} other problems" if more > 0 else ""))


def _read_path(path: str) -> Iterator[Article | InputError]:
    try:
        # before anything opens it: a FIFO would block the batch forever
        check_regular(path)
        reader = _reader(detect_format(path))
        yield from reader(path)
    except GeneratorExit:
        raise
    except ReadProblem as problem:
        yield InputError(path, str(problem))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield InputError(path, describe(exc))
    except Exception as exc:  # a reader bug must cost one input, not the batch
        yield InputError(path, f"could not be read ({describe(exc)})")


def as_raw(article: Article) -> Article:
    """The article as ``--raw`` reads it: with its own id, since a raw run produces different
    records for the same text and the two must not collide in one store."""
    return dataclasses.replace(article, id=article_id_for(article.text + "\x00raw"))


def read_inputs(paths: Sequence[str], *, raw: bool = False) -> Iterator[Article | InputError]:
    """Articles from files, directories and globs, in order; errors as ``InputError``.

    With ``raw=True`` the article ids differ from the cleaned run's: the two runs produce
    different records for the same text, and must not collide in one store.
    """
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
            continue
        for result in read_path(item):
            yield as_raw(result) if raw and isinstance(result, Article) else result


__all__ = [
    "FORMATS",
    "InputError",
    "Reader",
    "as_raw",
    "detect_format",
    "expand_paths",
    "read_inputs",
    "read_path",
]
