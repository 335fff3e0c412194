"""Running the pipeline over many articles, in one process or several.

The executor is swappable (datatrove-style): ``run_batch`` takes the same articles and config
whether ``workers`` is 1 (in-process, one model load) or N (a process pool, one model per
worker).  Results come back in input order as ``Extraction`` or ``ArticleFailure``; the caller
(the CLI) writes them, so the database has a single writer.

Isolation: whatever goes wrong with one article (an exception in any extractor, a parse over
the time limit, a worker process killed by the kernel) becomes that article's one-line
``ArticleFailure`` and the batch goes on.  Worker processes die with their parent.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from pressgraph.ingest.limits import MAX_ARTICLE_SECONDS
from pressgraph.model import Article, Extraction
from pressgraph.pipeline import ArticleAbort, ArticleRefused, PipelineConfig, debugging, run


@dataclass(frozen=True, slots=True)
class ArticleFailure:
    article: Article
    problem: str

    def __str__(self) -> str:
        name = self.article.path or self.article.url or self.article.id
        return " ".join(f"{name}: {self.problem}".split())


Result = Extraction | ArticleFailure


class ArticleTimeout(ArticleAbort):
    """Parsing and extraction ran past the time limit (the whole article, not one extractor)."""


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, ArticleRefused | ArticleTimeout):
        return text
    if "[E088]" in text:  # spaCy's length guard: say it plainly
        return "text too long for the spaCy model (over its max_length); split the input"
    if isinstance(exc, MemoryError):
        return "out of memory while extracting; split the input"
    return f"extraction failed ({type(exc).__name__}: {text[:200]})"


def _raise_when_debugging(exc: Exception) -> None:
    # a bad input is not a bug: it stays one line even when debugging
    if debugging() and not isinstance(exc, ArticleRefused | ArticleTimeout):
        raise exc


class _Deadline:
    """Raise ``ArticleTimeout`` in the ``with`` block once ``seconds`` pass without a rearm.

    A SIGALRM timer: only the main thread can take signals, so elsewhere (a caller's thread)
    the block runs unbounded.  Python code is interrupted at its next bytecode, and spaCy and
    the extractors return to Python often.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.usable = (
            seconds > 0
            and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
        )
        self._previous: Any = None

    def _expire(self, signum: int, frame: object) -> None:
        raise ArticleTimeout(
            f"extraction took over {self.seconds:g} s, the limit for one article; "
            "split the input"
        )

    def rearm(self) -> None:
        if self.usable:
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __enter__(self) -> _Deadline:
        if self.usable:
            self._previous = signal.signal(signal.SIGALRM, self._expire)
            self.rearm()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)


def process_chunk(
    articles: list[Article], config: PipelineConfig, seconds: float = MAX_ARTICLE_SECONDS
) -> list[Result]:
    """Process a chunk; if the batched run fails, retry one by one to isolate the bad article.

    ``seconds`` bounds each article: the clock restarts as each one's extraction comes out
    (the first one's budget also covers parsing the batch).
    """
    try:
        with _Deadline(seconds) as deadline:
            done: list[Result] = []
            for extraction in run(articles, config):
                done.append(extraction)
                deadline.rearm()
            return done
    except Exception as exc:
        _raise_when_debugging(exc)
        if len(articles) == 1:
            return [ArticleFailure(articles[0], _one_line(exc))]
    results: list[Result] = []
    for article in articles:
        try:
            with _Deadline(seconds):
                results.extend(run([article], config))
        except Exception as exc:
            _raise_when_debugging(exc)
            results.append(ArticleFailure(article, _one_line(exc)))
    return results


_worker_config: PipelineConfig | None = None
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when its parent dies (even by ``kill -9``).

    Without it the workers of a killed ``ingest`` live on, each holding a loaded model.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _init_worker(config: PipelineConfig, parent: int) -> None:
    global _worker_config
    _die_with_parent(parent)
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


def _pool(config: PipelineConfig, workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(config, os.getpid())
    )


def _after_broken_pool(
    chunks: list[list[Article]], config: PipelineConfig
) -> Iterator[Result]:
    """The chunks in flight when a worker died: again, one article at a time in one worker.

    Only an article that kills its worker again is lost; the worker is then replaced.
    """
    pool = _pool(config, 1)
    try:
        for article in itertools.chain.from_iterable(chunks):
            try:
                yield from pool.submit(_worker_chunk, [article]).result()
            except BrokenProcessPool:
                yield ArticleFailure(
                    article, "the worker process died while extracting it (out of memory?)"
                )
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _pool(config, 1)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_batch(
    articles: Iterable[Article], config: PipelineConfig, workers: int = 1, chunk_size: int = 16
) -> Iterator[Result]:
    if workers <= 1:
        for chunk in _chunks(articles, chunk_size):
            yield from process_chunk(chunk, config)
        return
    pending: list[tuple[list[Article], Future[list[Result]]]] = []
    incoming = _chunks(articles, chunk_size)
    pool = _pool(config, workers)
    try:
        while True:
            # Bound the work in flight so a huge batch does not sit in memory.
            while len(pending) < workers * 2 and (chunk := next(incoming, [])):
                pending.append((chunk, pool.submit(_worker_chunk, chunk)))
            if not pending:
                return
            try:
                results = pending[0][1].result()
            except BrokenProcessPool:
                pool.shutdown(wait=False, cancel_futures=True)
                in_flight = [chunk for chunk, _future in pending]
                pending.clear()
                yield from _after_broken_pool(in_flight, config)
                pool = _pool(config, workers)
                continue
            pending.pop(0)
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
