"""The layer every reader passes through: opening, decoding, validation, one-line errors.

Every reader opens its input with :func:`open_input` (regular files only, size-capped) and
builds its Articles with :func:`make_article`, which enforces the limits below and rejects
text with no real words, so a rule added here holds for every format.
"""

from __future__ import annotations

import codecs
import email.utils
import io
import os
import re
import stat
from datetime import date, datetime
from urllib.parse import urlsplit

import charset_normalizer

from pressgraph.ingest.limits import (
    MAX_ARTICLE_CHARS,
    MAX_HTML_BYTES,
    MAX_INPUT_BYTES,
    MIB,
    MIN_REAL_WORDS,
)
from pressgraph.model import Article, OffsetMap, article_id_for

# UTF-16/32 text is full of NUL bytes, so a BOM has to be honoured before the binary test.
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_UTF16_SAMPLE = 4096
_UTF16_NUL_SHARE = 0.3


class ReadProblem(Exception):
    """Raised inside a reader for a problem the user should see as an ``InputError``."""


def one_line(message: object) -> str:
    """Library messages can span lines; an InputError must stay on one."""
    return " ".join(str(message).split())


def display_path(path: str) -> str:
    """A file name fit to store and print: undecodable bytes (``caf\\xe9.txt``) as escapes.

    Python hands such names over as lone surrogates, which SQLite and terminals refuse.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


_BROKEN = re.compile(r"[\x00\ud800-\udfff]")
# C0/C1 controls other than tab and line breaks: terminal escapes and binary debris
_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def valid_unicode(text: str) -> str:
    """``text`` that SQLite, the tokenizer and a terminal all accept.

    Lone surrogates (JSON allows ``"\\udfff"``) and NULs become U+FFFD, other control
    characters a space.  One character for one keeps every offset into the text valid.
    """
    return _CONTROLS.sub(" ", _BROKEN.sub("\ufffd", text))


def _kind_of(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def check_regular(path: str) -> os.stat_result:
    """The file's stat; ``ReadProblem`` for pipes, devices and sockets, never opened."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ReadProblem(describe(exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        raise ReadProblem(f"{_kind_of(info.st_mode)}, not a regular file: skipped")
    return info


def open_input(path: str, *, max_bytes: int | None = MAX_INPUT_BYTES) -> io.BufferedReader:
    """Open an input file for reading bytes: regular files only, at most ``max_bytes``.

    Opened non-blocking and checked on the open descriptor, so a file swapped for a FIFO
    after the directory walk cannot hang the batch.
    """
    check_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ReadProblem(describe(exc)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadProblem(f"{_kind_of(info.st_mode)}, not a regular file: skipped")
        if max_bytes is not None and info.st_size > max_bytes:
            raise ReadProblem(
                f"file is {info.st_size / MIB:.1f} MB, over the {max_bytes // MIB} MB limit "
                "for one input of this format"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def describe(exc: BaseException) -> str:
    """A short, one-line account of an unexpected exception (never a traceback)."""
    if isinstance(exc, ReadProblem):
        return one_line(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return one_line(exc.strerror[:1].lower() + exc.strerror[1:])
    text = one_line(exc)
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def read_bytes(path: str, *, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    try:
        with open_input(path, max_bytes=max_bytes) as handle:
            return handle.read()
    except OSError as exc:
        raise ReadProblem(describe(exc)) from exc


def check_html_size(size: int) -> None:
    # trafilatura's tree walking is superlinear on huge pages; refuse rather than appear hung.
    if size > MAX_HTML_BYTES:
        raise ReadProblem(
            f"file is {size / MIB:.1f} MB, over the {MAX_HTML_BYTES // MIB} MB limit "
            "for one HTML page"
        )


def decode_bytes(data: bytes, *, declared: str | None = None) -> str:
    """Decode input bytes: a declared charset, then UTF-8, then charset-normalizer's guess.

    Raises ``ReadProblem`` for empty or binary input rather than decoding destructively.
    """
    if not data.strip():
        raise ReadProblem("empty file")
    text: str | None = None
    for bom, encoding in _UNICODE_BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadProblem(f"not valid {encoding.upper()} text ({exc.reason})") from exc
            break
    if text is None and b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise ReadProblem("binary file, not text")
    if text is None:
        if declared:
            try:
                text = data.decode(declared)
            except (LookupError, UnicodeDecodeError):
                text = None  # a wrong declaration is common; fall through to detection
        if text is None:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                best = charset_normalizer.from_bytes(data).best()
                if best is None:
                    raise ReadProblem("binary file, not text") from None
                text = str(best)
    # Line endings are kept as they are: with --raw, offsets index exactly this text.
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ReadProblem("empty file")
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM (some Windows tools do), recognised by its NULs.

    Text in Latin scripts has a NUL in every other byte: the high byte of each code unit.
    """
    sample = data[:_UTF16_SAMPLE] if len(data) > 1 else b""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    nul_even = sample[0 : pairs * 2 : 2].count(0) / pairs
    nul_odd = sample[1 : pairs * 2 : 2].count(0) / pairs
    if nul_odd >= _UTF16_NUL_SHARE and nul_even < 0.05:
        encoding = "utf-16-le"
    elif nul_even >= _UTF16_NUL_SHARE and nul_odd < 0.05:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data[: len(data) - len(data) % 2].decode(encoding)
    except UnicodeDecodeError:
        return None
    printable = sum(char.isprintable() or char in "\r\n\t" for char in text[:_UTF16_SAMPLE])
    return text if printable >= 0.95 * min(len(text), _UTF16_SAMPLE) else None


def looks_binary(head: bytes) -> bool:
    return b"\x00" in head and not head.startswith(tuple(bom for bom, _ in _UNICODE_BOMS))


_ISO_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value: object, *, lenient: bool = False) -> str | None:
    """An ISO ``YYYY-MM-DD`` date from the forms news metadata comes in, else None.

    The publisher's local date is kept (no conversion to UTC): "Tuesday" in a story means
    the calendar day where it was written.  ``lenient`` also tries dateparser on free-form
    dates ("14 May 2024"), as hand-made CSV and JSONL files have them.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    if _ISO_PREFIX.match(text):
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    if not lenient:
        return None
    import dateparser  # slow to import; only free-form dates need it

    # No relative dates: "yesterday" as a publication date would depend on the day of the run.
    settings = {
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_LOCALE_DATE_ORDER": True,
        "PARSERS": ["custom-formats", "absolute-time"],
    }
    try:
        parsed = dateparser.parse(text, settings=settings)
    except Exception:  # dateparser raises assorted errors on odd strings
        return None
    return parsed.date().isoformat() if parsed is not None else None


def domain_of(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


_LETTERS = re.compile(r"[^\W\d_]{2,}")


def has_real_words(text: str, needed: int = MIN_REAL_WORDS) -> bool:
    """At least ``needed`` space-separated words with two letters in a row.

    Junk has none: only zero-width characters, random bytes decoded as one run of CJK
    characters, a one-word page, an unexpanded ``&lol9;``.  (Languages written without
    spaces fail too; the pipeline's models are English.)
    """
    found = 0
    for token in text.split():
        if _LETTERS.search(token):
            found += 1
            if found >= needed:
                return True
    return False


def validate_text(text: object) -> str:
    """The story text, checked against the limits; ``ReadProblem`` says what is wrong."""
    if not isinstance(text, str):
        raise ReadProblem(f"text is a {type(text).__name__}, not a string")
    if not text.strip():
        raise ReadProblem("no text")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ReadProblem(
            f"text is {len(text):,} characters, over the {MAX_ARTICLE_CHARS:,}-character limit "
            "for one article (split it into several inputs)"
        )
    text = valid_unicode(text)
    if not has_real_words(text):
        raise ReadProblem(f"no real words (fewer than {MIN_REAL_WORDS} words of letters)")
    return text


def _field(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    return one_line(valid_unicode(value))


def make_article(
    text: str,
    *,
    path: str,
    input_format: str,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
    author: str | None = None,
    source: str | None = None,
) -> Article:
    """The one place Articles are built, so every reader fills and checks fields the same way."""
    text = validate_text(text)
    url = _field(url)
    return Article(
        id=article_id_for(text),
        text=text,
        raw_text=text,
        # text is the decoded input itself until the cleaning stage replaces it
        offset_map=OffsetMap.identity(len(text)),
        source=_field(source) or domain_of(url),
        path=display_path(path),
        url=url,
        title=_field(title),
        published=_field(published),
        author=_field(author),
        input_format=input_format,
    )
