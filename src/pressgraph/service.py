"""Ingest and extract as importable functions: the CLI, the web app and any executor call these.

The CLI's ``ingest`` and ``extract`` verbs are thin wrappers (options in, lines out) over
:func:`ingest` and :func:`extract`; ``pressgraph.extract(...)`` is :func:`extract_texts`.
Problems with the options (a bad date, an unknown extractor, a missing model or manifest, a
file that is not a pressgraph store) raise :class:`ServiceError` before anything is read or
written; problems with one input never raise: they are reported through ``on_result`` as that
input's one-line :class:`Outcome` and the batch goes on.  An article stored or extracted
without some extractor's records (that extractor raised) is reported as it is: its Outcome
carries the warnings.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, TypeVar

from pressgraph import __version__
from pressgraph.model import Article, ClaimRelation, Extraction, OffsetMap, article_id_for
from pressgraph.pipeline import PipelineConfig
from pressgraph.store import Store


class ServiceError(ValueError):
    """Options that cannot be used; ``str()`` is the one line to show."""


class ExtractionError(ValueError):
    """``pressgraph.extract`` could not extract one of the texts it was given."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractOptions:
    model: str | None = None  # spaCy pipeline name or path; None: en_core_web_md
    raw: bool = False  # keep the text as read (no cleaning), so offsets index the input
    published: str | None = None  # ISO date for articles that carry none
    extractors: tuple[str, ...] = ()  # empty: all
    workers: int = 1

    def pipeline_config(self) -> PipelineConfig:
        return PipelineConfig(model=self.model, raw=self.raw, published=self.published,
                              extractors=self.extractors)


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOptions(ExtractOptions):
    metadata: Path | None = None  # CSV/TSV manifest: file, published, url, title, source, author
    link: bool = True  # link actors, events and claims across the store afterwards


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one input or article: ``str()`` is its one line."""

    status: Literal["stored", "skipped", "failed", "extracted"]
    name: str
    message: str = ""
    article_id: str | None = None
    # the extraction's warnings (an extractor that raised), one line each, without the name
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message or self.name

    def warning_lines(self) -> list[str]:
        """One line per warning, naming the input as a failure line does."""
        return [f"{self.name}: {warning}" for warning in self.warnings]


@dataclass(slots=True)
class IngestReport:
    db: str
    stored: list[str] = field(default_factory=list)  # article ids
    skipped: list[str] = field(default_factory=list)  # one line each
    failed: list[str] = field(default_factory=list)  # one line each
    # stored all the same, without one extractor's records; one line each
    warnings: list[str] = field(default_factory=list)
    linked: bool = False


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during an ingest; ``report`` says what was stored (each article complete)."""

    def __init__(self, report: IngestReport) -> None:
        super().__init__()
        self.report = report


OnResult = Callable[[Outcome], None]


def _ignore(_: Outcome) -> None:
    pass


def pipeline_label(config: PipelineConfig) -> str:
    """What produced an article's records: stored with each article."""
    from pressgraph.extract import select_extractors
    from pressgraph.nlp import model_label

    names = ",".join(spec.name for spec in select_extractors(list(config.extractors)))
    return f"pressgraph {__version__}; model {model_label(config.model)}; {names}" + (
        "; raw" if config.raw else ""
    )


Options = TypeVar("Options", bound=ExtractOptions)


def check_options(options: Options) -> Options:
    """The options with ``published`` normalised, the extractors and the model checked."""
    from pressgraph.extract import select_extractors
    from pressgraph.nlp import ModelNotFound, load_pipeline

    published = options.published
    if published is not None:
        try:
            published = date.fromisoformat(published).isoformat()
        except ValueError:
            raise ServiceError(
                f"--published {published!r}: not an ISO date (YYYY-MM-DD)") from None
    if options.workers < 1:
        raise ServiceError(f"--workers {options.workers}: use 1 or more")
    try:
        select_extractors(list(options.extractors))
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    try:
        load_pipeline(options.model)
    except ModelNotFound as exc:
        raise ServiceError(str(exc)) from None
    return dataclasses.replace(options, published=published)


def _load_manifest(path: Path | None) -> dict[str, dict[str, str]]:
    from pressgraph.ingest.metadata import ManifestError, load_manifest

    if path is None:
        return {}
    try:
        return load_manifest(path)
    except ManifestError as exc:
        raise ServiceError(str(exc)) from None


def open_for_writing(db: str | Path) -> Store:
    """The store at ``db``, created or migrated (only ingest does this)."""
    from pressgraph.store import NotAPressgraphDatabase, StoreNeedsMigration

    try:
        return Store(db, readonly=False)
    except (NotAPressgraphDatabase, StoreNeedsMigration) as exc:
        raise ServiceError(str(exc)) from None
    except Exception as exc:  # a corrupt file, a missing parent, no permission
        raise ServiceError(f"{db}: cannot open as a pressgraph database ({exc})") from None


def ingest(
    paths: Sequence[str],
    db: str | Path,
    options: IngestOptions = IngestOptions(),
    *,
    on_result: OnResult = _ignore,
) -> IngestReport:
    """Read ``paths``, extract every article, store each in its own transaction and link
    it.  Already-stored articles are skipped, so running it again resumes."""
    from pressgraph.batch import ArticleFailure, run_batch
    from pressgraph.ingest import InputError, read_inputs
    from pressgraph.ingest.metadata import apply_manifest
    from pressgraph.store.linking import link_new

    options = check_options(options)
    manifest = _load_manifest(options.metadata)
    config = options.pipeline_config()
    store = open_for_writing(db)
    report = IngestReport(db=store.path)
    label = pipeline_label(config)
    # The database's own files may sit among the inputs ("ingest news/ --db news/x.db").
    # realpath, not Path.resolve: it raises on a symlink loop among the inputs.
    own_files = {os.path.realpath(f"{db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}

    def tell(outcome: Outcome) -> None:
        if outcome.status == "stored" and outcome.article_id:
            report.stored.append(outcome.article_id)
        elif outcome.status == "skipped":
            report.skipped.append(outcome.message)
        elif outcome.status == "failed":
            report.failed.append(outcome.message)
        report.warnings.extend(outcome.warning_lines())
        on_result(outcome)

    def fresh_articles() -> Iterator[Article]:
        for item in apply_manifest(read_inputs(paths, raw=options.raw), manifest):
            if isinstance(item, InputError):
                if os.path.realpath(item.input) not in own_files:
                    tell(Outcome("failed", item.input, str(item)))
                continue
            if store.has_article(item.id):
                tell(Outcome("skipped", item.path or item.id,
                             f"{item.path or item.id}: already ingested ({item.id})", item.id))
                continue
            yield item

    try:
        for result in run_batch(fresh_articles(), config, workers=options.workers):
            if isinstance(result, ArticleFailure):
                name = result.article.path or result.article.id
                tell(Outcome("failed", name, str(result), result.article.id))
                continue
            article = result.article
            name = article.path or article.id
            stored = _store_one(store, result, label)
            if isinstance(stored, str):
                tell(Outcome("failed", name, stored, article.id))
            elif stored:
                tell(Outcome("stored", name, name, article.id, result.warnings))
                if options.link:
                    # Linked as it is stored, in the same order a later link_new would take,
                    # with the extraction in hand: nothing is read back, nothing is held.
                    link_new(store, known={article.id: result})
                    report.linked = True
            else:
                tell(Outcome("skipped", name, f"{name}: already ingested ({article.id})",
                             article.id))
        # Also after a run that wrote nothing: an interrupted earlier run may have stored
        # articles and died before linking them (or --no-link left them).
        if options.link and store.links_stale():
            link_new(store, report.stored)
            report.linked = True
    except KeyboardInterrupt:
        raise IngestInterrupted(report) from None
    finally:
        store.close()
    return report


def _store_one(store: Store, extraction: Extraction, label: str) -> bool | str:
    """True when written, False when already stored, else the one-line failure.

    The write is one transaction, rolled back on error: a record the database refuses costs
    that article, not the batch.
    """
    try:
        return store.write_extraction(extraction, label)
    except (sqlite3.Error, ValueError, TypeError, OverflowError) as exc:
        name = extraction.article.path or extraction.article.id
        return f"{name}: could not be stored ({type(exc).__name__}: {exc})"


def read(paths: Sequence[str], *, raw: bool = False,
         on_result: OnResult = _ignore) -> list[Article]:
    """The articles in ``paths`` (files, directories, globs); each unreadable input is
    reported through ``on_result`` and left out."""
    from pressgraph.ingest import InputError, read_inputs

    articles = []
    for item in read_inputs(paths, raw=raw):
        if isinstance(item, InputError):
            on_result(Outcome("failed", item.input, str(item)))
        else:
            articles.append(item)
    return articles


def extract(
    articles: Iterable[Article],
    options: ExtractOptions = ExtractOptions(),
    *,
    on_result: OnResult = _ignore,
) -> list[Extraction]:
    """Extract each article (no database); with claims extracted, the articles are linked to
    one another and each extraction carries the claim relations it takes part in.  An article
    that fails is reported through ``on_result`` and left out."""
    from pressgraph.batch import ArticleFailure, run_batch

    options = check_options(options)
    results = []
    for result in run_batch(articles, options.pipeline_config(), workers=options.workers):
        if isinstance(result, ArticleFailure):
            on_result(Outcome("failed", result.article.path or result.article.id, str(result),
                              result.article.id))
        else:
            results.append(result)
            on_result(Outcome("extracted", result.article.path or result.article.id,
                              article_id=result.article.id, warnings=result.warnings))
    if not options.extractors or "claims" in options.extractors:
        results = link_extractions(results)
    return results


def link_extractions(extractions: Sequence[Extraction]) -> list[Extraction]:
    """Link the articles of one call and attach each claim relation to both its articles."""
    from pressgraph.link import link_corpus

    result = link_corpus(extractions)
    by_article: dict[str, list[ClaimRelation]] = {}
    for rel in result.relations:
        for article_id in dict.fromkeys((rel.article_a, rel.article_b)):
            by_article.setdefault(article_id, []).append(rel)
    return [dataclasses.replace(ext, conflicts=tuple(by_article.get(ext.article.id, ())))
            for ext in result.extractions]


def article_from_text(text: str, *, published: str | None = None, title: str | None = None,
                      url: str | None = None, source: str = "") -> Article:
    """An article made of a text held in memory (ids are content hashes, as for files)."""
    if not isinstance(text, str):
        raise ExtractionError(f"expected a text (str) or an Article, got {type(text).__name__}")
    return Article(id=article_id_for(text), text=text, raw_text=text,
                   offset_map=OffsetMap.identity(len(text)), published=published, title=title,
                   url=url, source=source)


def extract_texts(
    texts: str | Article | Iterable[str | Article],
    *,
    published: str | None = None,
    raw: bool = False,
    model: str | None = None,
    extractors: Sequence[str] = (),
) -> Extraction | list[Extraction]:
    """``pressgraph.extract``: one text or Article gives its Extraction; several give a list
    in the same order, linked across one another.  ``published`` (ISO date) dates the texts
    that carry no date; raises :class:`ExtractionError` when a text cannot be extracted.  A
    text on which one extractor raised is returned without that extractor's records, its
    ``warnings`` saying which and why."""
    single = isinstance(texts, str | Article)
    if isinstance(texts, str | Article):
        items: list[str | Article] = [texts]
    elif isinstance(texts, bytes | bytearray) or not isinstance(texts, Iterable):
        raise ExtractionError("expected a text (str), an Article or several of them, got "
                              f"{type(texts).__name__}")
    else:
        items = list(texts)
    articles = [item if isinstance(item, Article) else article_from_text(item)
                for item in items]
    problems: list[str] = []
    options = ExtractOptions(model=model, raw=raw, published=published,
                             extractors=tuple(extractors))
    try:
        results = extract(articles, options, on_result=lambda o: problems.append(o.message)
                          if o.status == "failed" else None)
    except ServiceError as exc:
        raise ExtractionError(str(exc)) from None
    if problems:
        raise ExtractionError("; ".join(problems))
    by_id = {r.article.id: r for r in results}
    ordered = [by_id[a.id] for a in articles]
    return ordered[0] if single else ordered


__all__ = [
    "ExtractOptions", "ExtractionError", "IngestInterrupted", "IngestOptions", "IngestReport",
    "Outcome", "ServiceError", "article_from_text", "check_options", "extract", "extract_texts",
    "ingest", "link_extractions", "pipeline_label", "read",
]
