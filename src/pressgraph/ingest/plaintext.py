"""Plain text: the whole file is one article."""

from __future__ import annotations

from collections.abc import Iterator

from pressgraph.ingest import InputError
from pressgraph.ingest._common import ReadProblem, decode_bytes, make_article, read_bytes
from pressgraph.model import Article

MAX_TITLE_WORDS = 30
# Closing quotes and brackets can follow the full stop of a sentence: `said "yes."`
_TRAILING_CLOSERS = "\"'”’)]»"
_SENTENCE_END = (".", "!", "?", "…")


def guess_title(text: str) -> str | None:
    """The first line when it reads like a headline: short, and not a finished sentence.

    A file that is a single line is all story, so it gets no title.
    """
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) < 2:
        return None
    first = lines[0]
    if len(first.split()) > MAX_TITLE_WORDS:
        return None
    if first.rstrip(_TRAILING_CLOSERS).endswith(_SENTENCE_END):
        return None
    return first


def read_text(path: str) -> Iterator[Article | InputError]:
    try:
        text = decode_bytes(read_bytes(path))
        article = make_article(text, path=path, input_format="text", title=guess_title(text))
    except ReadProblem as problem:
        yield InputError(path, str(problem))
        return
    yield article
