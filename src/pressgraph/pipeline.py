"""The pipeline: articles in, one :class:`Extraction` per article out.

``run`` is a generator over articles (datatrove-style): it cleans each article, parses the
batch with ``nlp.pipe`` and runs the extractors in order.  It does no I/O of its own; readers
feed it and the store or the CLI consume it.

Limits (``pressgraph.ingest.limits``, ``docs/errors.md``): an article over
``MAX_ARTICLE_CHARS`` is refused with ``TooLong``; ``pressgraph.batch`` bounds each article's
wall-clock time to ``MAX_ARTICLE_SECONDS``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence

from spacy.language import Language

from pressgraph.clean import clean_article
from pressgraph.extract import ExtractFn, ParsedDocument, select_extractors
from pressgraph.ingest.limits import MAX_ARTICLE_CHARS
from pressgraph.model import Article, Extraction
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


def apply_extractors(parsed: ParsedDocument, extractors: Sequence[ExtractFn]) -> ParsedDocument:
    for extract in extractors:
        parsed = parsed.with_records(extract(parsed))
    return parsed


def run(
    articles: Iterable[Article],
    config: PipelineConfig = PipelineConfig(),
    nlp: Language | None = None,
) -> Iterator[Extraction]:
    nlp = nlp or load_pipeline(config.model)
    extractors = [spec.load() for spec in select_extractors(config.extractors)]
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
    Returns the ParsedDocument after the extractors ran.
    """
    from pressgraph.model import article_id_for

    article = Article(id=article_id_for(text), text=text, raw_text=text, title=title,
                      published=published)
    article = prepare(article, PipelineConfig(raw=raw, published=published))
    nlp = load_pipeline(model)
    doc = nlp(article.text)
    parsed = ParsedDocument(article=article, doc=doc, extraction=Extraction(article=article))
    return apply_extractors(parsed, [spec.load() for spec in select_extractors(extractors)])
