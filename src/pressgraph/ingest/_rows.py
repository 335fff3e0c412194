"""What JSONL objects and CSV rows share: the column names and how a row becomes an Article."""

from __future__ import annotations

import math
from collections.abc import Mapping

from pressgraph.ingest._common import ReadProblem, iso_date, make_article
from pressgraph.model import Article

# the first name present wins; exports from news APIs and scrapers use all of these
TEXT_KEYS = ("text", "body", "content")
DATE_KEYS = ("published", "date")
TITLE_KEYS = ("title",)
URL_KEYS = ("url",)
SOURCE_KEYS = ("source",)
AUTHOR_KEYS = ("author",)


def _pick(
    row: Mapping[str, object], keys: tuple[str, ...], *, numbers: bool = True
) -> str | None:
    """The first non-blank value under ``keys``; numbers become strings only where allowed.

    A story is never a number: ``{"text": 12345}``, ``1e999`` (inf) or ``NaN`` is a broken
    export, not an article called "12345", "inf" or "nan".
    """
    allowed: tuple[type, ...] = (str, int, float) if numbers else (str,)
    for key in keys:
        value = row.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, allowed):
            raise ReadProblem(f"{key!r} is a {json_type(value)}, not a string")
        if isinstance(value, float) and not math.isfinite(value):
            raise ReadProblem(f"{key!r} is {value!r}, not a string")
        text = str(value)
        if text.strip():
            return text
    return None


def json_type(value: object) -> str:
    names = {bool: "boolean", int: "number", float: "number", str: "string", dict: "object",
             list: "array"}
    return names.get(type(value), type(value).__name__)


def article_from_row(row: Mapping[str, object], *, path: str, input_format: str) -> Article:
    """Raises ``ReadProblem``; the caller names the line or row in the message."""
    row = {str(key).strip().lower(): value for key, value in row.items()}
    text = _pick(row, TEXT_KEYS, numbers=False)
    if text is None:
        raise ReadProblem("no text (no text, body or content field)")
    return make_article(
        text,
        path=path,
        input_format=input_format,
        title=_pick(row, TITLE_KEYS),
        url=_pick(row, URL_KEYS),
        # a date no parser understands is dropped (None), not a reason to lose the story
        published=iso_date(_pick(row, DATE_KEYS), lenient=True),
        author=_pick(row, AUTHOR_KEYS),
        source=_pick(row, SOURCE_KEYS),
    )
