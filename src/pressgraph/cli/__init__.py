"""The ``pressgraph`` command line: a CLI of verbs over the pipeline and the store."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pressgraph import __version__
from pressgraph.cli import render
from pressgraph.cli.safe_text import safe_text
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
    """One line on stderr: a coloured label, then the message as plain text.

    The message names inputs, so it goes through ``safe_text``: no escape sequence from a
    title or file name reaches the terminal, and no message spans two lines.
    """
    err.print(Text.assemble((label, style), " ", safe_text(message)))


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


def _read(fetch: Callable[[], Any]) -> Any:
    """Run a read-layer query; a bad filter, limit or search becomes one error line."""
    from pressgraph.store.queries import QueryError

    try:
        return fetch()
    except QueryError as exc:
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

    from pressgraph import service

    options = service.IngestOptions(workers=workers, published=published, raw=raw,
                                    metadata=metadata, model=model, link=link)
    try:
        with Progress(
            TextColumn("ingest", style="bold"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[current]}", markup=False), console=err, disable=quiet,
            transient=True,
        ) as progress:
            task = progress.add_task("ingest", total=None, current="")

            def on_result(outcome: service.Outcome) -> None:
                if outcome.status == "failed":
                    report_line("failed:", outcome)
                for line in outcome.warning_lines():
                    report_line("warning:", line, style="yellow")
                progress.update(task, advance=1, current=safe_text(Path(outcome.name).name))

            report = service.ingest(paths, db, options, on_result=on_result)
    except service.ServiceError as exc:
        raise fail(str(exc)) from None
    except service.IngestInterrupted as exc:
        report_line("interrupted:", f"{len(exc.report.stored)} articles stored, each complete; "
                    "run the same command again to resume", style="yellow")
        raise typer.Exit(130) from None
    store = open_store(db)
    render.ingest_summary(console, store, report.stored, report.failed, report.skipped,
                          quiet=quiet, warnings=report.warnings)
    store.close()
    if report.failed:
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
    from pressgraph import service

    if output_format not in ("json", "jsonl"):
        raise fail(f"--format {output_format!r}: use json or jsonl")
    extractors = tuple(x.strip() for x in only.split(",")) if only else ()
    options = service.ExtractOptions(model=model, raw=raw, published=published,
                                     extractors=extractors)
    failures = 0

    def on_result(outcome: service.Outcome) -> None:
        nonlocal failures
        if outcome.status == "failed":
            failures += 1
            report_line("failed:", outcome)
        for line in outcome.warning_lines():
            report_line("warning:", line, style="yellow")

    try:
        options = service.check_options(options)
        articles = service.read(paths, raw=raw, on_result=on_result)
        results = service.extract(articles, options, on_result=on_result)
    except service.ServiceError as exc:
        raise fail(str(exc)) from None
    single = len(paths) == 1 and len(results) == 1 and output_format == "json"
    for extraction in results:
        data = extraction.to_dict()
        if single:
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    if failures:
        raise typer.Exit(1)


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix).")],
    db: DbOption = Path(DEFAULT_DB),
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON record.")] = False,
) -> None:
    """Show one stored article with everything extracted from it."""
    from pressgraph.store import queries

    store = open_store(db)
    try:
        extraction = _read(lambda: queries.get_extraction(store, article_id))
    except queries.NotFound as exc:
        raise fail(f"{exc} in {db}") from None
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
    from pressgraph.store import queries

    store = open_store(db)
    rows = _read(lambda: list(queries.iter_search(store, query, limit=limit)))
    table = Table("id", "published", "title", "match", show_lines=False)
    for row in rows:
        table.add_row(row["id"][:12], row["published"] or "", safe_text(row["title"] or ""),
                      safe_text(row["snippet"]))
    console.print(table)
    if not rows:
        err.print("no matches")


@app.command()
def export(
    # a str: Path("") would silently become the current directory
    out: Annotated[str, typer.Option("--out", help="Output directory.")],
    db: DbOption = Path(DEFAULT_DB),
    output_format: Annotated[
        str, typer.Option("--format", help="jsonl, csv, parquet, geojson or acled.")
    ] = "jsonl",
) -> None:
    """Export the store: one JSON line per article, one table per record kind, or the events
    as an ACLED-shaped table."""
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
            help="entities, quotes, quantities, time, geo, events, acled, link, link-meantime, "
            "link-ecbplus, claims")
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
    from pressgraph.store import queries

    store = open_store(db)
    render.quotes_table(console, _read(lambda: list(queries.iter_records(
        store, "quotes", queries.Filters(actor=actor), limit=limit))))


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
    from pressgraph.store import queries

    filters = queries.Filters(event_type=event_type, place=place, since=since, until=until)
    store = open_store(db)
    render.events_table(console, _read(lambda: list(queries.iter_records(
        store, "events", filters, limit=limit))))


@app.command()
def claims(
    about: Annotated[
        str | None, typer.Option(help="Text the claim's subject must contain.")
    ] = None,
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option()] = 50,
) -> None:
    """List stored claims: who asserts what about what."""
    from pressgraph.store import queries

    store = open_store(db)
    render.claims_table(console, _read(lambda: list(queries.iter_records(
        store, "claims", queries.Filters(text=about), limit=limit))))


@app.command()
def conflicts(
    since: Annotated[str | None, typer.Option(help="Only articles published on or after.")] = None,
    relation: Annotated[
        str, typer.Option(help="conflict, agreement, refinement, update or all.")
    ] = "conflict",
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option()] = 200,
) -> None:
    """Claims that conflict (or agree, or refine one another) across and within articles."""
    from pressgraph.store import queries

    if relation not in (*queries.RELATIONS, "all"):
        raise fail(f"--relation {relation!r}: use one of {', '.join(queries.RELATIONS)} or all")
    since = _check_date(since, "--since")
    filters = queries.Filters(since=since, relation=None if relation == "all" else relation)
    store = open_store(db)
    rows = _read(lambda: list(queries.iter_records(store, "conflicts", filters, limit=limit)))
    total = _read(lambda: queries.list_conflicts(store, filters, limit=1).total)
    render.conflicts_table(console, rows, total, relation)


@app.command()
def summary(db: DbOption = Path(DEFAULT_DB)) -> None:
    """A readable summary of what the database holds."""
    store = open_store(db)
    render.store_summary(console, store)


@app.command()
def serve(
    db: DbOption = Path(DEFAULT_DB),
    host: Annotated[
        str, typer.Option(help="Address to listen on (loopback: only this machine).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the database read-only over HTTP: the JSON API under /api (documented at /docs)
    and the web pages."""
    import uvicorn

    from pressgraph.server import create_app

    open_store(db).close()  # a missing or foreign database is refused before listening
    if host not in ("127.0.0.1", "localhost", "::1"):
        report_line("warning:", f"listening on {host}: whoever reaches this address can read "
                    "the whole database", style="yellow")
    uvicorn.run(create_app(db), host=host, port=port, log_level="info")

@app.command("run")
def run_command(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, directories, globs or fsspec URLs (s3://...).")
    ],
    out: Annotated[str, typer.Option("--out", help="Output directory (or fsspec URL).")],
    engine: Annotated[str, typer.Option(help="local or ray.")] = "local",
    workers: Annotated[int, typer.Option(min=1, help="Worker processes / Ray actors.")] = 1,
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (default: a local Ray).")
    ] = None,
    records_per_shard: Annotated[
        int, typer.Option(min=0, help="Rows per shard of a big JSONL/CSV file (0: whole file).")
    ] = 1000,
    published: Annotated[
        str | None, typer.Option(help="Publication date for articles that carry none.")
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Do not clean the text.")] = False,
    metadata: Annotated[
        Path | None,
        typer.Option(help="CSV/TSV manifest: file, published, url, title, source, author."),
    ] = None,
    model: ModelOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Extract inputs into Parquet parts, one per shard; a rerun resumes where it stopped."""
    from pressgraph.executors import DatasetError, MissingFilesystem, run_dataset
    from pressgraph.executors.ray import EngineUnavailable
    from pressgraph.ingest.metadata import ManifestError, load_manifest
    from pressgraph.nlp import ModelNotFound
    from pressgraph.pipeline import PipelineConfig

    config = PipelineConfig(model=model, raw=raw,
                            published=_check_date(published, "--published"))
    try:
        manifest = load_manifest(metadata) if metadata is not None else {}
    except ManifestError as exc:
        raise fail(str(exc)) from None
    try:
        # the model is loaded by each worker (its load time is part of the report)
        summary = run_dataset(inputs, out, engine=engine, workers=workers, address=address,
                              pipeline=config, records_per_shard=records_per_shard,
                              progress=not quiet, manifest=manifest)
    except (DatasetError, EngineUnavailable, MissingFilesystem, ModelNotFound) as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        report_line("interrupted:", "every finished shard is kept; run the same command "
                    "again to resume", style="yellow")
        raise typer.Exit(130) from None
    _run_summary(summary, out, quiet=quiet)
    if summary.failures:
        raise typer.Exit(1)


def _run_summary(summary: Any, out: str, quiet: bool) -> None:
    new = sum(o.articles for o in summary.outcomes)
    console.print(Text.assemble(
        (f"{len(summary.outcomes) - len(summary.unfinished)} shards done", "bold"),
        f" ({new} articles), {summary.skipped} already done, ",
        (f"{len(summary.unfinished)} unfinished", "red" if summary.unfinished else "green"),
        f"; {summary.articles} articles in {out.rstrip('/')}/parts, ",
        (f"{summary.failures} failures", "red" if summary.failures else "green"),
        *((" and ", (f"{summary.warnings} warnings", "yellow")) if summary.warnings else ()),
        f" in failures.jsonl ({summary.seconds:.1f} s)",
    ), soft_wrap=True)
    for outcome in summary.unfinished:
        report_line("unfinished:", f"{outcome.location}: {outcome.error}")
    workers = summary.workers()
    if quiet or not workers:
        return
    table = Table("worker", "shards", "articles", "articles/s", "model load s", "peak RSS MB",
                  title="workers", title_justify="left")
    for w in workers:
        rate = w.articles / w.seconds if w.seconds else 0.0
        table.add_row(w.worker, str(w.shards), str(w.articles), f"{rate:.2f}",
                      f"{w.model_load_seconds:.1f}", f"{w.peak_rss_mb:.0f}")
    console.print(table)


@app.command("load")
def load_command(
    out: Annotated[str, typer.Argument(help="A `pressgraph run` output directory.")],
    db: DbOption = Path(DEFAULT_DB),
    link: Annotated[bool, typer.Option(help="Link actors, events and claims afterwards.")] = True,
) -> None:
    """Load a run's Parquet parts into the database (loading twice changes nothing)."""
    from pressgraph.executors import DatasetError, check_dataset, load_dataset

    try:
        check_dataset(out)
    except DatasetError as exc:
        raise fail(str(exc)) from None
    store = open_store(db, write=True)
    try:
        loaded = load_dataset(out, store, link=link)
    except DatasetError as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()
    console.print(f"{loaded.written} articles loaded into {db}, {loaded.already} already there"
                  + ("; links updated" if loaded.linked else ""), soft_wrap=True)


@app.command("link")
def link_command(
    out: Annotated[str, typer.Argument(help="A `pressgraph run` output directory.")],
) -> None:
    """Link a run's parts without a database: clusters and claim relations as Parquet."""
    from pressgraph.executors import DatasetError, link_dataset

    try:
        written = link_dataset(out)
    except DatasetError as exc:
        raise fail(str(exc)) from None
    for table, rows in written.items():
        console.print(f"{out.rstrip('/')}/links/{table}.parquet  ({rows} rows)", soft_wrap=True)


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

    try:
        app()
    except Exception as exc:
        if os.environ.get("PRESSGRAPH_DEBUG"):
            raise
        message = " ".join(str(exc).split())[:300]
        report_line("error:", f"{type(exc).__name__}: {message} "
                    "(set PRESSGRAPH_DEBUG=1 for the traceback)")
        sys.exit(3)
