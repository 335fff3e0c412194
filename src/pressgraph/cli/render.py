"""Rich renderings of stored records for the CLI's read verbs."""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pressgraph import __version__
from pressgraph.cli.safe_text import safe_text
from pressgraph.evaluate import Report
from pressgraph.extract import select_extractors
from pressgraph.model import Extraction
from pressgraph.nlp import model_label
from pressgraph.pipeline import PipelineConfig
from pressgraph.store import Store


def pipeline_label(config: PipelineConfig) -> str:
    names = ",".join(spec.name for spec in select_extractors(list(config.extractors)))
    return f"pressgraph {__version__}; model {model_label(config.model)}; {names}" + (
        "; raw" if config.raw else ""
    )


def _interval(low: float | None, high: float | None, low_inc: bool, high_inc: bool) -> str:
    def num(v: float | None) -> str:
        return "∞" if v is None else f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"

    left = "[" if low_inc and low is not None else "("
    right = "]" if high_inc and high is not None else ")"
    return f"{left}{num(low) if low is not None else '0'}, {num(high)}{right}"


def ingest_summary(
    console: Console, store: Store, ok: list[str], failed: list[str], skipped: list[str],
    quiet: bool = False,
) -> None:
    console.print(Text.assemble(
        (f"{len(ok)} ingested", "bold"), f", {len(skipped)} skipped, ",
        (f"{len(failed)} failed", "red" if failed else "green"), f" -> {store.path}",
    ), soft_wrap=True)
    for line in skipped:
        console.print(f"  skipped: {safe_text(line)}", soft_wrap=True)
    for line in failed:
        console.print(f"  failed: {safe_text(line)}", soft_wrap=True)
    if not quiet:
        store_summary(console, store)


def store_summary(console: Console, store: Store) -> None:
    counts = store.counts()
    console.print(
        "database holds " + ", ".join(f"{n} {kind}" for kind, n in counts.items()),
        soft_wrap=True,
    )
    table = Table("article", "published", "title", "actors", "places", "quotes", "events",
                  title="articles", title_justify="left")
    for row in store.conn.execute(
        "SELECT a.id, a.published, a.title,"
        " (SELECT COUNT(*) FROM actors WHERE article_id = a.id),"
        " (SELECT COUNT(*) FROM places WHERE article_id = a.id),"
        " (SELECT COUNT(*) FROM quotes WHERE article_id = a.id),"
        " (SELECT COUNT(*) FROM events WHERE article_id = a.id)"
        " FROM articles a ORDER BY a.published, a.id LIMIT 30"
    ):
        table.add_row(row[0][:12], row[1] or "", safe_text(row[2] or "")[:60],
                      *(str(x) for x in row[3:]))
    console.print(table)
    top = Table("actor", "type", "articles", "mentions", "roles", title="most mentioned actors",
                title_justify="left")
    for row in store.conn.execute(
        "SELECT a.name, a.type, COUNT(DISTINCT a.article_id), SUM(a.mention_count),"
        " (SELECT GROUP_CONCAT(role, '; ') FROM (SELECT DISTINCT j.value AS role"
        "   FROM actors b, json_each(b.roles) j"
        "   WHERE lower(b.name) = lower(a.name) AND b.type = a.type))"
        " FROM actors a GROUP BY lower(a.name), a.type"
        " ORDER BY SUM(a.mention_count) DESC LIMIT 12"
    ):
        top.add_row(row[0], row[1], str(row[2]), str(row[3] or 0), (row[4] or "")[:70])
    console.print(top)
    conflicts_table(console, store, None, "conflict", limit=10)


def show_extraction(console: Console, extraction: Extraction) -> None:
    art = extraction.article
    console.rule(Text(safe_text(art.title or "(untitled)"), style="bold"))
    console.print(
        f"id {art.id}  published {art.published or 'unknown'}  source {art.source or '-'}"
        f"  path {safe_text(art.path or '-')}  url {safe_text(art.url or '-')}", highlight=False,
    )
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


def quotes_table(console: Console, store: Store, actor: str | None, limit: int) -> None:
    sql = (
        "SELECT q.*, a.name AS speaker, art.published FROM quotes q"
        " LEFT JOIN actors a ON a.id = q.speaker_actor_id"
        " JOIN articles art ON art.id = q.article_id"
    )
    params: list[Any] = []
    if actor:
        sql += " WHERE a.name LIKE ? OR a.aliases LIKE ? OR q.source_text LIKE ?"
        params = [f"%{actor}%"] * 3
    sql += " ORDER BY art.published, q.article_id, q.start LIMIT ?"
    params.append(limit)
    table = Table("speaker", "cue", "kind", "content", "article", title="quotes",
                  title_justify="left")
    for row in store.conn.execute(sql, params):
        # a store made before the recipient columns existed has none
        # (sqlite3.Row's ``in`` looks at values, so the column names are asked for)
        recipient = row["recipient_text"] if "recipient_text" in row.keys() else None  # noqa: SIM118
        cue = f"{row['cue']} → {recipient}" if recipient else row["cue"]
        table.add_row(row["speaker"] or row["source_text"] or "?", cue, row["kind"],
                      row["content"][:140], f"{row['article_id'][:10]}:{row['start']}")
    console.print(table)


def events_table(
    console: Console, store: Store, event_type: str | None, place: str | None,
    since: str | None, until: str | None, limit: int,
) -> None:
    sql = ("SELECT e.*, p.name AS place_name, p.country_code FROM events e"
           " LEFT JOIN places p ON p.id = e.place_id WHERE 1=1")
    params: list[Any] = []
    if event_type:
        sql += " AND e.event_type = ?"
        params.append(event_type.upper())
    if place:
        sql += " AND (p.name LIKE ? OR p.text LIKE ? OR p.country_code = ?)"
        params += [f"%{place}%", f"%{place}%", place.upper()]
    if since:
        sql += " AND e.date >= ?"
        params.append(since)
    if until:
        sql += " AND e.date <= ?"
        params.append(until)
    sql += " ORDER BY e.date, e.article_id, e.start LIMIT ?"
    params.append(limit)
    events_rows(console, [dict(r) for r in store.conn.execute(sql, params)], {})


def claims_table(console: Console, store: Store, about: str | None, limit: int) -> None:
    sql = "SELECT * FROM claims"
    params: list[Any] = []
    if about:
        sql += " WHERE subject LIKE ? OR predicate LIKE ?"
        params = [f"%{about}%", f"%{about}%"]
    sql += " ORDER BY article_id, start LIMIT ?"
    params.append(limit)
    table = Table("claimant", "subject", "predicate", "value", "polarity", "hedge", "article",
                  title="claims", title_justify="left")
    for r in store.conn.execute(sql, params):
        value = _interval(r["value_low"], r["value_high"], bool(r["value_low_inclusive"]),
                          bool(r["value_high_inclusive"])) if (
            r["value_low"] is not None or r["value_high"] is not None) else ""
        table.add_row(r["claimant_text"] or "", r["subject"] or "", r["predicate"] or "", value,
                      r["polarity"] or "", r["hedge"] or "", f"{r['article_id'][:10]}:{r['start']}")
    console.print(table)


def conflicts_table(
    console: Console, store: Store, since: str | None, relation: str, limit: int = 200
) -> None:
    sql = ("SELECT c.* FROM conflicts c JOIN articles a ON a.id = c.article_a"
           " JOIN articles b ON b.id = c.article_b WHERE 1=1")
    params: list[Any] = []
    if relation != "all":
        sql += " AND c.relation = ?"
        params.append(relation)
    if since:
        sql += " AND (a.published >= ? OR b.published >= ?)"
        params += [since, since]
    sql += " LIMIT ?"
    params.append(limit)
    rows = store.conn.execute(sql, params).fetchall()
    title = "conflicts" if relation == "conflict" else f"claim relations ({relation})"
    console.print(Text.assemble((title, "bold"), f": {len(rows)}"))
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
