"""Running the pipeline over many articles, in one process or several.

The executor is swappable (datatrove-style): ``run_batch`` takes the same articles and config
whether ``workers`` is 1 (in-process, one model load) or N (a process pool, one model per
worker).  Results come back in input order as ``Extraction`` or ``ArticleFailure``; the caller
(the CLI) writes them, so the database has a single writer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from pressgraph.model import Article, Extraction
from pressgraph.pipeline import NothingLeft, PipelineConfig, run


@dataclass(frozen=True, slots=True)
class ArticleFailure:
    article: Article
    problem: str

    def __str__(self) -> str:
        name = self.article.path or self.article.url or self.article.id
        return f"{name}: {self.problem}"


Result = Extraction | ArticleFailure


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, NothingLeft):
        return text
    if "[E088]" in text:  # spaCy's length guard: say it plainly
        return "text too long for the spaCy model (over its max_length); split the input"
    return f"extraction failed ({type(exc).__name__}: {text[:200]})"


def process_chunk(articles: list[Article], config: PipelineConfig) -> list[Result]:
    """Process a chunk; if the batched run fails, retry one by one to isolate the bad article."""
    try:
        return list(run(articles, config))
    except Exception:
        results: list[Result] = []
        for article in articles:
            try:
                results.extend(run([article], config))
            except Exception as exc:
                results.append(ArticleFailure(article, _one_line(exc)))
        return results


_worker_config: PipelineConfig | None = None


def _init_worker(config: PipelineConfig) -> None:
    global _worker_config
    from pressgraph.nlp import load_pipeline

    _worker_config = config
    load_pipeline(config.model)


def _worker_chunk(articles: list[Article]) -> list[Result]:
    assert _worker_config is not None
    return process_chunk(articles, _worker_config)


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def run_batch(
    articles: Iterable[Article], config: PipelineConfig, workers: int = 1, chunk_size: int = 16
) -> Iterator[Result]:
    if workers <= 1:
        for chunk in _chunks(articles, chunk_size):
            yield from process_chunk(chunk, config)
        return
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(config,)
    ) as pool:
        pending: list[Future[list[Result]]] = []
        for chunk in _chunks(articles, chunk_size):
            pending.append(pool.submit(_worker_chunk, chunk))
            # Bound the work in flight so a huge batch does not sit in memory.
            while len(pending) >= workers * 2:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()
