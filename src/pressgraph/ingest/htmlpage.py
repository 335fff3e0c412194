"""HTML pages: trafilatura finds the main text and the page's metadata."""

from __future__ import annotations

import os
from collections.abc import Iterator

import trafilatura

from pressgraph.ingest import InputError
from pressgraph.ingest._common import (
    ReadProblem,
    check_html_size,
    decode_bytes,
    describe,
    iso_date,
    make_article,
    read_bytes,
)
from pressgraph.model import Article


def article_from_html(
    html: str,
    *,
    path: str,
    input_format: str,
    url: str | None = None,
    fallback_published: str | None = None,
) -> Article:
    """One Article from a decoded HTML page; ``ReadProblem`` when it has no main text."""
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    except Exception as exc:  # lxml and trafilatura raise many types on hostile markup
        raise ReadProblem(f"could not parse HTML ({describe(exc)})") from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise ReadProblem("no main text found in the HTML")
    page_url = url or getattr(doc, "url", None)
    return make_article(
        text,
        path=path,
        input_format=input_format,
        title=getattr(doc, "title", None),
        url=page_url,
        published=iso_date(getattr(doc, "date", None)) or fallback_published,
        author=getattr(doc, "author", None),
        source=getattr(doc, "sitename", None),
    )


def read_html(path: str) -> Iterator[Article | InputError]:
    try:
        check_html_size(os.path.getsize(path))
        html = decode_bytes(read_bytes(path))
        article = article_from_html(html, path=path, input_format="html")
    except ReadProblem as problem:
        yield InputError(path, str(problem))
        return
    except OSError as exc:
        yield InputError(path, describe(exc))
        return
    yield article
