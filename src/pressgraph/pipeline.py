"""The pipeline: articles in, one :class:`Extraction` per article out.

``run`` is a generator over articles (datatrove-style): it cleans each article, parses the
batch with ``nlp.pipe`` and runs the extractors in order.  It does no I/O of its own; readers
feed it and the store or the CLI consume it.

Limits (``pressgraph.ingest.limits``, ``docs/errors.md``): an article over
``MAX_ARTICLE_CHARS`` is refused with ``TooLong``; ``pressgraph.batch`` bounds each article's
wall-clock time to ``MAX_ARTICLE_SECONDS``.

Isolation (``docs/errors.md``): an extractor that raises costs only its own records.  The
article keeps every other extractor's records and carries a one-line warning naming the
extractor and the exception; extractors that read the failed one's records see none.
``PRESSGRAPH_DEBUG=1`` lets the exception through instead, for its traceback.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator, Sequence

from spacy.language import Language

from pressgraph.clean import clean_article
from pressgraph.extract import ExtractFn, ParsedDocument, select_extractors
from pressgraph.ingest.limits import MAX_ARTICLE_CHARS
from pressgraph.model import Article, Extraction, extractor_warning
from pressgraph.nlp import load_pipeline


@dataclasses.dataclass(frozen=True, slots=True)
class PipelineConfig:
    model: str | None = None
    raw: bool = False
    published: str | None = None  # fallback publication date for articles without one
    extractors: tuple[str, ...] = ()  # empty: all
    batch_size: int = 16


class ArticleRefused(ValueError):
    """An article the pipeline will not parse; ``str()`` is the one-line reason."""


class NothingLeft(ArticleRefused):
    """Cleaning removed everything: the input held only a headline, captions or trailers."""


class TooLong(ArticleRefused):
    """Over ``MAX_ARTICLE_CHARS``: parse time and memory grow faster than the text."""


class ArticleAbort(Exception):
    """Raised inside extraction to give up the whole article (the time limit): never caught
    and turned into one extractor's warning."""


def debugging() -> bool:
    """``PRESSGRAPH_DEBUG`` set: let exceptions through, with their tracebacks."""
    return bool(os.environ.get("PRESSGRAPH_DEBUG"))


NamedExtractor = tuple[str, ExtractFn]


def load_extractors(names: Sequence[str] = ()) -> list[NamedExtractor]:
    """The extractors ``names`` needs (all when empty), in pipeline order, with their names."""
    return [(spec.name, spec.load()) for spec in select_extractors(names)]


def check_length(article: Article) -> Article:
    if len(article.text) > MAX_ARTICLE_CHARS:
        raise TooLong(
            f"text is {len(article.text):,} characters, over the {MAX_ARTICLE_CHARS:,}-character "
            "limit for one article (split it into several inputs)"
        )
    return article


def prepare(article: Article, config: PipelineConfig) -> Article:
    article = clean_article(article, raw=config.raw)
    if not article.text.strip():
        raise NothingLeft("nothing left after cleaning (only a headline, captions or trailers)")
    if config.published and not article.published:
        article = dataclasses.replace(article, published=config.published)
    return article


def apply_extractors(
    parsed: ParsedDocument, extractors: Sequence[NamedExtractor], *, isolate: bool = True
) -> ParsedDocument:
    """Run ``extractors`` in order over ``parsed``.

    With ``isolate`` (the pipeline's way) an extractor that raises adds a warning instead of
    records and the next one runs; without it (evaluation, where a silently missing extractor
    would skew the scores) the exception goes through.
    """
    warnings: list[str] = []
    for name, extract in extractors:
        try:
            # with_records inside the try: it iterates what the extractor returned, so a
            # lazy generator that raises, or a mapping of unknown kinds, is caught too
            parsed = parsed.with_records(extract(parsed))
        except ArticleAbort:
            raise
        except Exception as exc:
            if not isolate or debugging():
                raise
            warnings.append(extractor_warning(name, exc))
    if warnings:
        extraction = parsed.extraction
        parsed = dataclasses.replace(parsed, extraction=dataclasses.replace(
            extraction, warnings=(*extraction.warnings, *warnings)))
    return parsed


def run(
    articles: Iterable[Article],
    config: PipelineConfig = PipelineConfig(),
    nlp: Language | None = None,
) -> Iterator[Extraction]:
    nlp = nlp or load_pipeline(config.model)
    extractors = load_extractors(config.extractors)
    # readers refuse long texts already; an Article built by a caller is checked here
    prepared = (prepare(check_length(article), config) for article in articles)
    for doc, article in nlp.pipe(
        ((a.text, a) for a in prepared), as_tuples=True, batch_size=config.batch_size
    ):
        parsed = ParsedDocument(article=article, doc=doc, extraction=Extraction(article=article))
        yield apply_extractors(parsed, extractors).extraction


def parse_text(
    text: str,
    *,
    published: str | None = None,
    title: str | None = None,
    raw: bool = True,
    model: str | None = None,
    extractors: Sequence[str] = (),
) -> ParsedDocument:
    """Parse one text and run the extractors that ``extractors`` need (all when empty).

    For evaluation and tests: ``raw=True`` keeps the text verbatim so gold offsets apply.
    Returns the ParsedDocument after the extractors ran.  An extractor that raises is not
    isolated here: a score must not quietly lose an extractor.
    """
    from pressgraph.model import article_id_for

    article = Article(id=article_id_for(text), text=text, raw_text=text, title=title,
                      published=published)
    article = prepare(article, PipelineConfig(raw=raw, published=published))
    nlp = load_pipeline(model)
    doc = nlp(article.text)
    parsed = ParsedDocument(article=article, doc=doc, extraction=Extraction(article=article))
    return apply_extractors(parsed, load_extractors(extractors), isolate=False)
