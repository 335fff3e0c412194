"""Rich renderings of stored records for the CLI's read verbs."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pressgraph.cli.safe_text import safe_text
from pressgraph.evaluate import Report
from pressgraph.model import Extraction
from pressgraph.store import Store


def _interval(low: float | None, high: float | None, low_inc: bool, high_inc: bool) -> str:
    def num(v: float | None) -> str:
        return "∞" if v is None else f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"

    left = "[" if low_inc and low is not None else "("
    right = "]" if high_inc and high is not None else ")"
    return f"{left}{num(low) if low is not None else '0'}, {num(high)}{right}"


def ingest_summary(
    console: Console, store: Store, ok: list[str], failed: list[str], skipped: list[str],
    quiet: bool = False, warnings: Sequence[str] = (),
) -> None:
    console.print(Text.assemble(
        (f"{len(ok)} ingested", "bold"), f", {len(skipped)} skipped, ",
        (f"{len(failed)} failed", "red" if failed else "green"),
        *((", ", (f"{len(warnings)} warnings", "yellow")) if warnings else ()),
        f" -> {store.path}",
    ), soft_wrap=True)
    for line in skipped:
        console.print(f"  skipped: {safe_text(line)}", soft_wrap=True)
    for line in failed:
        console.print(f"  failed: {safe_text(line)}", soft_wrap=True)
    for line in warnings:
        console.print(f"  warning: {safe_text(line)}", soft_wrap=True)
    if not quiet:
        store_summary(console, store)


def store_summary(console: Console, store: Store) -> None:
    # Imported here: loading the read layer costs every command, ``extract`` included.
    from pressgraph.store import queries

    counts = store.counts()
    console.print(
        "database holds " + ", ".join(f"{n} {kind}" for kind, n in counts.items()),
        soft_wrap=True,
    )
    table = Table("article", "published", "title", "actors", "places", "quotes", "events",
                  title="articles", title_justify="left")
    for row in queries.list_articles(store, limit=30).items:
        table.add_row(row["id"][:12], row["published"] or "", safe_text(row["title"] or "")[:60],
                      *(str(row[k]) for k in ("actors", "places", "quotes", "events")))
    console.print(table)
    top = Table("actor", "type", "articles", "mentions", "roles", title="most mentioned actors",
                title_justify="left")
    for row in queries.most_mentioned_actors(store, 12):
        top.add_row(row["name"], row["type"], str(row["articles"]), str(row["mentions"] or 0),
                    (row["roles"] or "")[:70])
    console.print(top)
    conflicts = queries.list_conflicts(store, queries.Filters(relation="conflict"), limit=10)
    conflicts_table(console, conflicts.items, conflicts.total, "conflict")


def show_extraction(console: Console, extraction: Extraction) -> None:
    art = extraction.article
    console.rule(Text(safe_text(art.title or "(untitled)"), style="bold"))
    console.print(
        f"id {art.id}  published {art.published or 'unknown'}  source {art.source or '-'}"
        f"  path {safe_text(art.path or '-')}  url {safe_text(art.url or '-')}", highlight=False,
    )
    for warning in extraction.warnings:
        console.print(Text.assemble(("warning:", "yellow"), " ", safe_text(warning)),
                      soft_wrap=True)
    actors = {a.id: a for a in extraction.actors}
    if extraction.actors:
        table = Table("actor", "type", "category", "roles", "aliases", title="actors",
                      title_justify="left")
        for actor in extraction.actors:
            table.add_row(actor.name, actor.type, actor.category, "; ".join(actor.roles),
                          "; ".join(actor.aliases))
        console.print(table)
    if extraction.places:
        table = Table("text", "resolved", "feature", "precision", "lat", "lon", "@",
                      title="places", title_justify="left")
        for p in extraction.places:
            table.add_row(
                p.text, f"{p.name or '?'} ({p.country_code or '-'}, {p.geonameid or '-'})"
                + (" [metonym]" if p.is_metonym else ""),
                p.feature or "", p.precision or "",
                f"{p.lat:.3f}" if p.lat is not None else "", f"{p.lon:.3f}" if p.lon is not None
                else "", f"{p.start}-{p.end}",
            )
        console.print(table)
    if extraction.quotes:
        table = Table("speaker", "cue", "kind", "content", "@", title="quotes",
                      title_justify="left")
        for q in extraction.quotes:
            speaker = actors[q.speaker_actor_id].name if q.speaker_actor_id in actors else (
                q.source_text or "?")
            cue = f"{q.cue} → {q.recipient_text}" if q.recipient_text else q.cue
            table.add_row(speaker, cue, q.kind, q.content[:120], f"{q.start}-{q.end}")
        console.print(table)
    if extraction.quantities:
        table = Table("text", "interval", "counts", "predicate", "type", "hedge", "@",
                      title="quantities", title_justify="left")
        for n in extraction.quantities:
            table.add_row(n.text, _interval(n.low, n.high, n.low_inclusive, n.high_inclusive),
                          n.object_text or "", n.predicate or "", n.count_type or n.kind,
                          n.hedge or "", f"{n.start}-{n.end}")
        console.print(table)
    if extraction.times:
        table = Table("text", "value", "range", "granularity", "@", title="times",
                      title_justify="left")
        for t in extraction.times:
            span = f"{t.range_start or ''}..{t.range_end or ''}" if (
                t.range_start or t.range_end) else ""
            table.add_row(t.text, t.value or "unresolved", span, t.granularity or "",
                          f"{t.start}-{t.end}")
        console.print(table)
    if extraction.events:
        events_rows(console, [dataclasses.asdict(e) for e in extraction.events], actors)
    if extraction.claims:
        table = Table("claimant", "subject", "predicate", "value", "polarity", "hedge", "@",
                      title="claims", title_justify="left")
        for c in extraction.claims:
            table.add_row(c.claimant_text, c.subject, c.predicate,
                          _interval(c.value_low, c.value_high, c.value_low_inclusive,
                                    c.value_high_inclusive)
                          if c.value_low is not None or c.value_high is not None else "",
                          c.polarity, c.hedge or "", f"{c.start}-{c.end}")
        console.print(table)
    for rel in extraction.conflicts:
        console.print(Text.assemble((rel.relation, "bold"), ": ", rel.explanation),
                      soft_wrap=True)


def events_rows(console: Console, rows: list[dict[str, Any]], actors: dict[str, Any]) -> None:
    table = Table("type", "acled", "actor", "trigger", "recipient", "date", "fact.", "text",
                  title="events", title_justify="left")
    for e in rows:
        table.add_row(
            e["event_type"] + (f"/{e['mode']}" if e.get("mode") else ""),
            " / ".join(x for x in (e.get("acled_event_type"), e.get("acled_sub_event_type")) if x),
            e.get("actor_text") or "", e.get("trigger") or "", e.get("recipient_text") or "",
            e.get("date") or "", e.get("factuality") or "", (e.get("text") or "")[:80],
        )
    console.print(table)


def quotes_table(console: Console, rows: Iterable[dict[str, Any]]) -> None:
    table = Table("speaker", "cue", "kind", "content", "article", title="quotes",
                  title_justify="left")
    for row in rows:
        recipient = row.get("recipient_text")
        cue = f"{row['cue']} → {recipient}" if recipient else row["cue"]
        table.add_row(row["speaker"] or row["source_text"] or "?", cue, row["kind"],
                      row["content"][:140], f"{row['article_id'][:10]}:{row['start']}")
    console.print(table)


def events_table(console: Console, rows: Iterable[dict[str, Any]]) -> None:
    events_rows(console, list(rows), {})


def claims_table(console: Console, rows: Iterable[dict[str, Any]]) -> None:
    table = Table("claimant", "subject", "predicate", "value", "polarity", "hedge", "article",
                  title="claims", title_justify="left")
    for r in rows:
        value = _interval(r["value_low"], r["value_high"], bool(r["value_low_inclusive"]),
                          bool(r["value_high_inclusive"])) if (
            r["value_low"] is not None or r["value_high"] is not None) else ""
        table.add_row(r["claimant_text"] or "", r["subject"] or "", r["predicate"] or "", value,
                      r["polarity"] or "", r["hedge"] or "", f"{r['article_id'][:10]}:{r['start']}")
    console.print(table)


def conflicts_table(
    console: Console, rows: Iterable[dict[str, Any]], total: int, relation: str
) -> None:
    title = "conflicts" if relation == "conflict" else f"claim relations ({relation})"
    console.print(Text.assemble((title, "bold"), f": {total}"))
    for r in rows:
        console.print(Text.assemble("  ", (r["relation"], "bold"), " ", r["explanation"]),
                      soft_wrap=True)


def show_report(console: Console, report: Report) -> None:
    console.rule(Text(f"evaluate {report.task} on {report.gold}", style="bold"))
    table = Table("metric", "value")
    for key, value in report.metrics.items():
        table.add_row(key, f"{value}")
    console.print(table)
    if report.counts:
        console.print("counts: " + ", ".join(f"{k}={v}" for k, v in report.counts.items()))
    for note in report.notes:
        console.print(f"note: {note}", highlight=False)


def report_dict(report: Report) -> dict[str, Any]:
    return {"task": report.task, "gold": report.gold, "metrics": report.metrics,
            "counts": report.counts, "notes": list(report.notes)}
