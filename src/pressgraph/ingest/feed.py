"""RSS and Atom feeds: one article per item."""

from __future__ import annotations

import email.utils
import re
import xml.sax
from collections.abc import Iterator
from typing import Any

import feedparser
import lxml.html

from pressgraph.ingest import InputError
from pressgraph.ingest._common import (
    ReadProblem,
    describe,
    iso_date,
    make_article,
    one_line,
    read_bytes,
)
from pressgraph.model import Article

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "section", "article", "figure", "figcaption", "hr",
)  # fmt: skip


def html_fragment_text(fragment: str) -> str:
    """Text of an HTML fragment, one paragraph per line.

    trafilatura wants whole pages (it rejects a feed item's few paragraphs as too short), so
    fragments go through lxml; feedparser has already sanitised them (no scripts).
    """
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter(*_BLOCK_TAGS):
        # newline marks keep paragraph boundaries that text_content() would glue together
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _entry_text(entry: Any) -> str:
    candidates: list[Any] = list(entry.get("content") or [])
    if entry.get("summary_detail"):
        candidates.append(entry["summary_detail"])
    for detail in candidates:
        value = detail.get("value") or ""
        if not value.strip():
            continue
        if detail.get("type", "text/html") in _HTML_TYPES:
            value = html_fragment_text(value)
        if value.strip():
            return value
    return ""


def _entry_date(entry: Any) -> str | None:
    # the raw string keeps the publisher's own day; *_parsed fields are shifted to UTC
    for key in ("published", "updated", "created"):
        found = iso_date(entry.get(key))
        if found:
            return found
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
    return None


def _entry_author(entry: Any) -> str | None:
    author = entry.get("author")
    if not author or "@" not in author:
        return author or None
    # RSS <author> is "email (Name)"; feedparser's own split garbles long TLDs
    name, _address = email.utils.parseaddr(author)
    return name or author


# An internal DTD subset that declares entities: real feeds never do, and nested entities
# ("billion laughs") cost feedparser seconds and its fallback parser gigabytes.
_ENTITY_DECLARATION = re.compile(rb"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.IGNORECASE)
_DECLARATION_WINDOW = 64 * 1024


def read_feed(path: str) -> Iterator[Article | InputError]:
    try:
        data = read_bytes(path)
        if not data.strip():
            raise ReadProblem("empty file")
        if _ENTITY_DECLARATION.search(data[:_DECLARATION_WINDOW]):
            raise ReadProblem(
                "the feed declares its own XML entities (refused, as defusedxml refuses them: "
                "nested entities can expand without limit)"
            )
        # bytes, not the path: given a string, feedparser may treat it as a URL to fetch
        parsed = feedparser.parse(data)
    except ReadProblem as problem:
        yield InputError(path, str(problem))
        return
    except Exception as exc:  # feedparser wraps most problems in bozo, but not all
        yield InputError(path, f"could not parse feed ({describe(exc)})")
        return

    entries = parsed.get("entries") or []
    if not entries:
        if not parsed.get("version"):
            reason = parsed.get("bozo_exception")
            detail = f" ({one_line(reason)})" if reason else ""
            yield InputError(path, f"not an RSS or Atom feed{detail}")
        else:
            yield InputError(path, "feed has no items")
        return

    feed_title = (parsed.get("feed") or {}).get("title") or ""
    for number, entry in enumerate(entries, start=1):
        try:
            text = _entry_text(entry)
            if not text:
                raise ReadProblem("no text")
            source = (entry.get("source") or {}).get("title") or feed_title
            article = make_article(
                text,
                path=path,
                input_format="feed",
                title=entry.get("title"),
                url=entry.get("link"),
                published=_entry_date(entry),
                author=_entry_author(entry),
                source=source,
            )
        except ReadProblem as problem:
            yield InputError(path, f"item {number}: {problem}")
            continue
        except Exception as exc:  # one odd item must not hide the rest of the feed
            yield InputError(path, f"item {number}: {describe(exc)}")
            continue
        yield article

    # feedparser recovers what it can from malformed XML; say the rest may be missing.  Its
    # other bozo reasons (a charset override, say) do not lose items.
    reason = parsed.get("bozo_exception")
    if parsed.get("bozo") and isinstance(reason, xml.sax.SAXException):
        yield InputError(
            path, f"feed is malformed, items after the damage may be missing ({one_line(reason)})"
        )
