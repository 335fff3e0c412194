"""The ``pressgraph`` command line: a CLI of verbs over the pipeline and the store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pressgraph import __version__
from pressgraph.cli import render
from pressgraph.store import DEFAULT_DB, Store

app = typer.Typer(
    name="pressgraph",
    help="Raw news in; actors, places, events, quantities, quotes and claims out, "
    "each tied to the exact characters it came from.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
gazetteer_app = typer.Typer(help="Build or inspect the offline GeoNames gazetteer.")
app.add_typer(gazetteer_app, name="gazetteer")

# Markup off: file names, errors and article text are data, and "[/x]" in them is not a tag.
console = Console(markup=False, highlight=False)
err = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)

DbOption = Annotated[Path, typer.Option("--db", help="SQLite database path.")]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", help="spaCy pipeline name or path (default en_core_web_md)."),
]


def report_line(label: str, message: object, style: str = "red") -> None:
    """One line on stderr: a coloured label, then the message as plain text."""
    err.print(Text.assemble((label, style), " ", str(message)))


def fail(message: str, code: int = 2) -> typer.Exit:
    report_line("error:", message)
    return typer.Exit(code)


def open_store(db: Path, *, write: bool = False) -> Store:
    """Open the store read-only (every read verb), or for writing (only ``ingest`` creates or
    migrates a store)."""
    if not write and not db.exists():
        raise fail(f"{db}: no such database (run `pressgraph ingest PATHS --db {db}` first)")
    from pressgraph.store import NotAPressgraphDatabase, StoreNeedsMigration

    try:
        return Store(db, readonly=not write)
    except (NotAPressgraphDatabase, StoreNeedsMigration) as exc:
        raise fail(str(exc)) from None
    except Exception as exc:  # a corrupt file, a missing parent, no permission
        raise fail(f"{db}: cannot open as a pressgraph database ({exc})") from None


def _check_date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise fail(f"{name} {value!r}: not an ISO date (YYYY-MM-DD)") from None


def _load_manifest_or_fail(path: Path | None) -> dict[str, dict[str, str]]:
    from pressgraph.ingest.metadata import ManifestError, load_manifest

    if path is None:
        return {}
    try:
        return load_manifest(path)
    except ManifestError as exc:
        raise fail(str(exc)) from None


def _load_model_or_fail(model: str | None) -> None:
    from pressgraph.nlp import ModelNotFound, load_pipeline

    try:
        load_pipeline(model)
    except ModelNotFound as exc:
        raise fail(str(exc)) from None


@app.command()
def version() -> None:
    """Print pressgraph's version."""
    console.print(f"pressgraph {__version__}")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories or globs.")],
    db: DbOption = Path(DEFAULT_DB),
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    published: Annotated[
        str | None, typer.Option(help="Publication date for articles that carry none.")
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Do not clean the text.")] = False,
    metadata: Annotated[
        Path | None,
        typer.Option(help="CSV/TSV manifest: file, published, url, title, source, author."),
    ] = None,
    model: ModelOption = None,
    link: Annotated[bool, typer.Option(help="Link actors, events and claims afterwards.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Read articles, extract everything, and store it (one transaction per article)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from pressgraph.batch import ArticleFailure, run_batch
    from pressgraph.ingest import InputError, read_inputs
    from pressgraph.ingest.metadata import apply_manifest
    from pressgraph.pipeline import PipelineConfig

    published = _check_date(published, "--published")
    config = PipelineConfig(model=model, raw=raw, published=published)
    manifest = _load_manifest_or_fail(metadata)
    _load_model_or_fail(model)
    ok: list[str] = []
    failed: list[str] = []
    skipped: list[str] = []
    store = open_store(db, write=True)
    pipeline_label = render.pipeline_label(config)
    # The database's own files may sit among the inputs ("ingest news/ --db news/x.db").
    own_files = {Path(f"{db}{suffix}").resolve() for suffix in ("", "-wal", "-shm", "-journal")}

    def fresh_articles() -> Any:
        for item in apply_manifest(read_inputs(paths, raw=raw), manifest):
            if isinstance(item, InputError):
                if Path(item.input).resolve() not in own_files:
                    failed.append(str(item))
                    report_line("failed:", item)
                continue
            if store.has_article(item.id):
                skipped.append(f"{item.path or item.id}: already ingested ({item.id})")
                continue
            yield item

    try:
        with Progress(
            TextColumn("ingest", style="bold"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[current]}", markup=False), console=err, disable=quiet,
            transient=True,
        ) as progress:
            task = progress.add_task("ingest", total=None, current="")
            for result in run_batch(fresh_articles(), config, workers=workers):
                if isinstance(result, ArticleFailure):
                    failed.append(str(result))
                    report_line("failed:", result)
                elif store.write_extraction(result, pipeline_label):
                    ok.append(result.article.id)
                else:
                    skipped.append(
                        f"{result.article.path}: already ingested ({result.article.id})")
                name = Path(result.article.path).name if result.article.path else ""
                progress.update(task, advance=1, current=name)
        # Also after a run that wrote nothing: an interrupted earlier run may have stored
        # articles and died before linking them.
        if link and store.links_stale():
            from pressgraph.store.linking import link_new

            link_new(store, ok)
    except KeyboardInterrupt:
        store.close()
        report_line("interrupted:", f"{len(ok)} articles stored, each complete; run the same "
                    "command again to resume", style="yellow")
        raise typer.Exit(130) from None
    render.ingest_summary(console, store, ok, failed, skipped, quiet=quiet)
    store.close()
    if failed:
        raise typer.Exit(1)


@app.command()
def relink(db: DbOption = Path(DEFAULT_DB)) -> None:
    """Forget every cross-article link and link all stored articles again (ingest links new
    articles as it goes; this is for a store linked by another version or settings)."""
    from pressgraph.store.linking import relink as relink_store

    store = open_store(db, write=True)
    summary = relink_store(store)
    store.close()
    console.print(f"relinked {summary.linked} articles in {summary.seconds:.1f} s")


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, directories or globs.")],
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) when the input has none.")
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Do not clean the text.")] = False,
    output_format: Annotated[str, typer.Option("--format", help="json or jsonl.")] = "json",
    only: Annotated[
        str | None, typer.Option(help="Comma-separated extractors to run (default: all).")
    ] = None,
    model: ModelOption = None,
) -> None:
    """Extract records and print them as JSON (no database)."""
    from pressgraph.batch import ArticleFailure, run_batch
    from pressgraph.ingest import InputError, read_inputs
    from pressgraph.pipeline import PipelineConfig

    if output_format not in ("json", "jsonl"):
        raise fail(f"--format {output_format!r}: use json or jsonl")
    published = _check_date(published, "--published")
    extractors = tuple(x.strip() for x in only.split(",")) if only else ()
    config = PipelineConfig(model=model, raw=raw, published=published, extractors=extractors)
    try:
        from pressgraph.extract import select_extractors

        select_extractors(list(extractors))
    except ValueError as exc:
        raise fail(str(exc)) from None
    _load_model_or_fail(model)
    failures = 0
    articles = []
    for item in read_inputs(paths, raw=raw):
        if isinstance(item, InputError):
            failures += 1
            report_line("failed:", item)
        else:
            articles.append(item)
    results = []
    for result in run_batch(articles, config):
        if isinstance(result, ArticleFailure):
            failures += 1
            report_line("failed:", result)
        else:
            results.append(result)
    if not extractors or "claims" in extractors:
        results = _linked(results)
    single = len(paths) == 1 and len(results) == 1 and output_format == "json"
    for extraction in results:
        data = extraction.to_dict()
        if single:
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    if failures:
        raise typer.Exit(1)


def _linked(extractions: list[Any]) -> list[Any]:
    """Link the articles of one ``extract`` call and attach each claim relation to both ends."""
    import dataclasses

    from pressgraph.link import link_corpus

    result = link_corpus(extractions)
    by_article: dict[str, list[Any]] = {}
    for rel in result.relations:
        for article_id in dict.fromkeys((rel.article_a, rel.article_b)):
            by_article.setdefault(article_id, []).append(rel)
    return [dataclasses.replace(ext, conflicts=tuple(by_article.get(ext.article.id, ())))
            for ext in result.extractions]


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix).")],
    db: DbOption = Path(DEFAULT_DB),
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON record.")] = False,
) -> None:
    """Show one stored article with everything extracted from it."""
    store = open_store(db)
    found = store.find_articles(article_id)
    if not found:
        raise fail(f"{article_id}: no article with this id in {db}")
    if len(found) > 1:
        raise fail(f"{article_id}: ambiguous, several article ids start with it; give more")
    extraction = store.load_extraction(found[0])
    assert extraction is not None
    if as_json:
        sys.stdout.write(json.dumps(extraction.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        render.show_extraction(console, extraction)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="FTS5 query: words, \"phrases\", OR, NOT, prefix*")],
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option(help="Most results to show.")] = 20,
) -> None:
    """Full-text search over stored articles."""
    import sqlite3

    store = open_store(db)
    try:
        rows = store.search(query, limit)
    except sqlite3.OperationalError as exc:
        raise fail(f"search {query!r}: {exc}") from None
    table = Table("id", "published", "title", "match", show_lines=False)
    for row in rows:
        table.add_row(row["id"][:12], row["published"] or "", row["title"] or "", row["snippet"])
    console.print(table)
    if not rows:
        err.print("no matches")


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Output directory.")],
    db: DbOption = Path(DEFAULT_DB),
    output_format: Annotated[
        str, typer.Option("--format", help="jsonl, csv, parquet or geojson.")
    ] = "jsonl",
) -> None:
    """Export the store: one JSON line per article, or one table per record kind."""
    from pressgraph.store.export import export_store

    store = open_store(db)
    try:
        written = export_store(store, out, output_format)
    except ValueError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"{out}: cannot write the export ({exc.strerror or exc})") from None
    for path, count in written:
        console.print(f"{path}  ({count} rows)")


@app.command()
def evaluate(
    task: Annotated[
        str, typer.Argument(
            help="entities, quotes, quantities, time, geo, events, link, link-meantime")
    ],
    gold: Annotated[Path | None, typer.Option(help="Gold data (default: the task's own).")] = None,
    model: ModelOption = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Score only the first N documents.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score an extractor against gold data with the field's own metrics."""
    from pressgraph.evaluate import get_task

    try:
        fn = get_task(task)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if gold is not None and not gold.exists():
        raise fail(f"{gold}: no such gold file or directory")
    report = fn(gold, model=model, limit=limit)
    scored = {k: v for k, v in report.counts.items()
              if k in ("documents", "articles", "sentences", "records")}
    if scored and not any(scored.values()):
        raise fail(f"{gold or report.gold}: no gold documents found for {task}")
    if as_json:
        sys.stdout.write(json.dumps(render.report_dict(report), indent=2) + "\n")
    else:
        render.show_report(console, report)


@app.command()
def quotes(
    actor: Annotated[
        str | None, typer.Option(help="Only quotes by actors matching this name.")
    ] = None,
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option()] = 50,
) -> None:
    """List stored quotes with their speakers."""
    store = open_store(db)
    render.quotes_table(console, store, actor, limit)


@app.command()
def events(
    event_type: Annotated[
        str | None, typer.Option("--type", help="PLOVER type, e.g. ASSAULT")
    ] = None,
    place: Annotated[str | None, typer.Option(help="Place name or country code.")] = None,
    since: Annotated[str | None, typer.Option(help="Earliest event date.")] = None,
    until: Annotated[str | None, typer.Option(help="Latest event date.")] = None,
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option()] = 50,
) -> None:
    """List stored events (PLOVER types with ACLED columns)."""
    since = _check_date(since, "--since")
    until = _check_date(until, "--until")
    store = open_store(db)
    render.events_table(console, store, event_type, place, since, until, limit)


@app.command()
def claims(
    about: Annotated[
        str | None, typer.Option(help="Text the claim's subject must contain.")
    ] = None,
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option()] = 50,
) -> None:
    """List stored claims: who asserts what about what."""
    store = open_store(db)
    render.claims_table(console, store, about, limit)


@app.command()
def conflicts(
    since: Annotated[str | None, typer.Option(help="Only articles published on or after.")] = None,
    relation: Annotated[
        str, typer.Option(help="conflict, agreement, refinement or all.")
    ] = "conflict",
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """Claims that conflict (or agree, or refine one another) across and within articles."""
    since = _check_date(since, "--since")
    store = open_store(db)
    render.conflicts_table(console, store, since, relation)


@app.command()
def summary(db: DbOption = Path(DEFAULT_DB)) -> None:
    """A readable summary of what the database holds."""
    store = open_store(db)
    render.store_summary(console, store)


@gazetteer_app.command("build")
def gazetteer_build(
    source: Annotated[
        Path | None,
        typer.Option("--from", help="A GeoNames dump (allCountries.txt / cities500.txt format)."),
    ] = None,
    target: Annotated[Path | None, typer.Option("--to", help="Gazetteer SQLite path.")] = None,
) -> None:
    """Build the offline gazetteer (from the bundled GeoNames data, or a dump you have)."""
    from pressgraph.extract.places.gazetteer import build_gazetteer, default_path

    if source is not None and not source.exists():
        raise fail(f"{source}: no such file")
    stats = build_gazetteer(source, target or default_path())
    console.print(
        f"gazetteer {stats.path}: {stats.places:,} places, {stats.aliases:,} aliases, "
        f"{stats.countries} countries, {stats.admin1:,} admin1 regions, "
        f"{stats.bytes / 1e6:.0f} MB, built in {stats.seconds:.1f} s", highlight=False,
    )


def main() -> None:
    import os

    try:
        app()
    except Exception as exc:
        if os.environ.get("PRESSGRAPH_DEBUG"):
            raise
        message = " ".join(str(exc).split())[:300]
        report_line("error:", f"{type(exc).__name__}: {message} "
                    "(set PRESSGRAPH_DEBUG=1 for the traceback)")
        sys.exit(3)
