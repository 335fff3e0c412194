"""What JSONL objects and CSV rows share: the column names and how a row becomes an Article."""

from __future__ import annotations

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


def _pick(row: Mapping[str, object], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = row.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ReadProblem(f"{key!r} is a {type(value).__name__}, not a string")
        text = str(value)
        if text.strip():
            return text
    return None


def article_from_row(row: Mapping[str, object], *, path: str, input_format: str) -> Article:
    """Raises ``ReadProblem``; the caller names the line or row in the message."""
    row = {str(key).strip().lower(): value for key, value in row.items()}
    text = _pick(row, TEXT_KEYS)
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
