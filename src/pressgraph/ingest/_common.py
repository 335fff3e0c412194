"""Helpers every reader shares: decoding, dates, article construction, one-line errors."""

from __future__ import annotations

import codecs
import email.utils
import re
from datetime import date, datetime
from urllib.parse import urlsplit

import charset_normalizer

from pressgraph.model import Article, OffsetMap, article_id_for

MIB = 1024 * 1024
MAX_HTML_BYTES = 20 * MIB

# UTF-16/32 text is full of NUL bytes, so a BOM has to be honoured before the binary test.
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class ReadProblem(Exception):
    """Raised inside a reader for a problem the user should see as an ``InputError``."""


def one_line(message: object) -> str:
    """Library messages can span lines; an InputError must stay on one."""
    return " ".join(str(message).split())


def describe(exc: BaseException) -> str:
    """A short, one-line account of an unexpected exception (never a traceback)."""
    if isinstance(exc, ReadProblem):
        return one_line(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return one_line(exc.strerror[:1].lower() + exc.strerror[1:])
    text = one_line(exc)
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
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
    if text is None:
        if b"\x00" in data:
            raise ReadProblem("binary file, not text")
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
    """The one place Articles are built, so every reader fills the fields the same way."""
    if not text.strip():
        raise ReadProblem("no text")
    url = url.strip() if url else None
    return Article(
        id=article_id_for(text),
        text=text,
        raw_text=text,
        # text is the decoded input itself until the cleaning stage replaces it
        offset_map=OffsetMap.identity(len(text)),
        source=(source or "").strip() or domain_of(url),
        path=path,
        url=url or None,
        title=one_line(title) if title and title.strip() else None,
        published=published,
        author=one_line(author) if author and author.strip() else None,
        input_format=input_format,
    )
