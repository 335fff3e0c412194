"""WARC archives (plain or gzipped): one article per archived HTML page."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from typing import Any

from fastwarc.stream_io import BrotliReader
from fastwarc.warc import ArchiveIterator, WarcRecordType

from pressgraph.ingest import InputError
from pressgraph.ingest._common import (
    MAX_HTML_BYTES,
    MIB,
    ReadProblem,
    check_html_size,
    decode_bytes,
    describe,
    iso_date,
    open_input,
)
from pressgraph.ingest.htmlpage import article_from_html
from pressgraph.model import Article

GZIP_MAGIC = b"\x1f\x8b"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_REQUIRED_HEADERS = ("WARC-Type", "WARC-Record-ID", "Content-Length")
_NOT_ERRORS = (KeyboardInterrupt, SystemExit, GeneratorExit)

_CHUNK = 64 * 1024
# A member is held until its CRC is checked; one bigger than this (a video, never a page
# under the HTML limit) is handed on unverified rather than held in memory.
_MAX_HELD_MEMBER = 2 * MAX_HTML_BYTES


class _VerifiedGzip:
    """Gzip decompression that hands out a member's bytes only once its CRC has checked out.

    WARC files compress each record as its own gzip member.  Python's ``GzipFile`` streams a
    member's bytes before reaching the CRC at its end, so a corrupt member's garbage would
    reach the parser (and be stored as an article) before the error.  Here a damaged member
    is dropped whole: the records before it are kept and the error reports the rest.
    """

    def __init__(self, raw: io.BufferedReader) -> None:
        self._raw = raw
        self._ready = bytearray()
        self._member = bytearray()
        self._input = b""
        self._decompressor: Any = None
        self._eof = False

    def close(self) -> None:
        self._raw.close()

    def read1(self, size: int) -> bytes:
        while not self._ready and not self._eof:
            self._fill()
        chunk = bytes(self._ready[:size])
        del self._ready[:size]
        return chunk

    def _fill(self) -> None:
        if self._decompressor is None:
            data = self._input or self._raw.read(_CHUNK)
            # zero padding after the last member is allowed, as Python's gzip allows it
            while data and not data.strip(b"\x00"):
                data = self._raw.read(_CHUNK)
            if not data:
                self._eof = True
                return
            self._input = data
            self._decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif not self._input:
            self._input = self._raw.read(_CHUNK)
            if not self._input:
                raise EOFError("the last gzip member ends before its end marker")
        # bounded output: a small damaged member must not inflate without limit
        self._member += self._decompressor.decompress(self._input, _CHUNK)
        self._input = self._decompressor.unconsumed_tail
        if self._decompressor.eof:
            self._input = self._decompressor.unused_data
            self._decompressor = None
            self._ready += self._member
            self._member = bytearray()
        elif len(self._member) > _MAX_HELD_MEMBER:
            self._ready += self._member
            self._member = bytearray()


_Source = _VerifiedGzip | io.BufferedReader


class _StrictStream(io.RawIOBase):
    """Feeds FastWARC from Python's gzip (or a plain file) and remembers why the bytes ended.

    FastWARC's own gzip reader stops quietly at a truncated member, and an exception raised
    by a Python stream surfaces before records already buffered are handed out.  Turning the
    error into end-of-data keeps every complete record; ``error`` reports the damage after.
    """

    def __init__(self, inner: _Source) -> None:
        super().__init__()
        self._inner = inner
        self._pos = 0
        self.error: Exception | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        # FastWARC only asks where it is; a real seek in a gzip stream would re-decompress
        here = self._pos if whence == io.SEEK_SET else 0
        if whence in (io.SEEK_SET, io.SEEK_CUR) and offset == here:
            return self._pos
        raise io.UnsupportedOperation("seek")

    def readinto(self, buffer: Any) -> int:
        if self.error is not None:
            return 0
        try:
            # read1: hand over what has been decompressed so far, not a full buffer's worth
            chunk = self._inner.read1(len(buffer))
        except (EOFError, OSError, zlib.error) as exc:
            self.error = exc
            return 0
        buffer[: len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)


def _stream_problem(exc: Exception) -> str:
    if isinstance(exc, EOFError):
        return "the gzip stream ends early: the file is truncated"
    if isinstance(exc, zlib.error):
        return f"a gzip member is corrupt, it and the records after it are not read ({exc})"
    return f"the archive is corrupt ({describe(exc)})"


def _decode_content(payload: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return payload
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(payload)
    if encoding == "deflate":
        try:
            return zlib.decompress(payload)
        except zlib.error:  # servers often send raw deflate without the zlib header
            return zlib.decompress(payload, -zlib.MAX_WBITS)
    if encoding == "br":
        return bytes(BrotliReader(io.BytesIO(payload)).read())
    raise ReadProblem(f"unsupported Content-Encoding {encoding!r}")


def _record_html(record: Any, payload: bytes) -> str:
    if record.record_type == WarcRecordType.response and record.http_headers is not None:
        payload = _decode_content(payload, record.http_headers.get("Content-Encoding") or "")
    return decode_bytes(payload, declared=record.http_charset)


def _content_type(record: Any) -> str:
    if record.record_type == WarcRecordType.response:
        return (record.http_content_type or "").lower()
    return (record.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _is_success(record: Any) -> bool:
    if record.record_type != WarcRecordType.response:
        return True
    headers = record.http_headers
    status = headers.status_code if headers is not None else None
    return status is None or 200 <= status < 300


def read_warc(path: str) -> Iterator[Article | InputError]:
    try:
        raw = open_input(path, max_bytes=None)
    except ReadProblem as problem:
        yield InputError(path, str(problem))
        return
    try:
        gzipped = raw.peek(2)[:2] == GZIP_MAGIC
    except OSError as exc:
        raw.close()
        yield InputError(path, describe(exc))
        return
    inner: _Source = _VerifiedGzip(raw) if gzipped else raw
    stream = _StrictStream(inner)
    count = 0
    pages = 0
    damage: str | None = None
    try:
        records = ArchiveIterator(stream, stream_detect=False, parse_http=True)
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            count += 1
            try:
                result = _read_record(record, path)
            except ReadProblem as problem:
                # a damaged record means every byte after it is suspect: stop here
                damage = str(problem)
                break
            if result is not None:
                pages += 1
                yield result
    except _NOT_ERRORS:
        raise
    except BaseException as exc:  # FastWARC reports some bad bytes as Rust panics
        if count == 0:
            damage = f"not a readable WARC file ({describe(exc)})"
        else:
            damage = f"record {count + 1} cannot be read ({describe(exc)})"
    finally:
        inner.close()

    if stream.error is not None:
        detail = _stream_problem(stream.error)
        where = f"after record {count}" if count else "before the first record"
        damage = f"{damage}; {detail}" if damage else f"{where}, {detail}"
    if damage is not None:
        yield InputError(path, damage)
    elif count == 0:
        yield InputError(path, "no WARC records found")
    elif pages == 0:
        yield InputError(path, f"no HTML pages among its {count} WARC records")


def _read_record(record: Any, path: str) -> Article | InputError | None:
    """The Article for one record, an InputError for a bad page, None for a non-page record.

    Raises ``ReadProblem`` when the record itself is damaged (truncated or corrupt).
    """
    position = f"record at byte {record.stream_pos}"
    missing = [name for name in _REQUIRED_HEADERS if not record.headers.get(name)]
    if missing:
        raise ReadProblem(f"{position} is truncated or corrupt (no {', '.join(missing)} header)")
    declared = record.content_length
    url = record.headers.get("WARC-Target-URI") or None
    wanted = (
        record.record_type in (WarcRecordType.response, WarcRecordType.resource)
        and _content_type(record) in _HTML_TYPES
        and _is_success(record)
    )
    if not wanted or declared > MAX_HTML_BYTES:
        consumed = record.consume()
        if consumed < declared:
            raise ReadProblem(f"{position} is truncated ({consumed} of {declared} bytes)")
        if wanted:
            label = url or position
            return InputError(
                path,
                f"{label}: page is {declared / MIB:.1f} MB, over the "
                f"{MAX_HTML_BYTES // MIB} MB limit for one HTML page",
            )
        return None
    payload = record.reader.read()
    if len(payload) < declared:
        raise ReadProblem(f"{position} is truncated ({len(payload)} of {declared} bytes)")
    label = url or position
    try:
        check_html_size(len(payload))
        html = _record_html(record, payload)
        return article_from_html(
            html,
            path=path,
            input_format="warc",
            url=url,
            fallback_published=iso_date(record.record_date),
        )
    except ReadProblem as problem:
        return InputError(path, f"{label}: {problem}")
    except Exception as exc:  # one bad page must not hide the rest of the archive
        return InputError(path, f"{label}: {describe(exc)}")
