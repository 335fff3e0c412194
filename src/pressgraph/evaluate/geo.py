"""Geoparsing measured on TR-News and GeoVirus (Gritta et al.'s Pragmatic Guide formats).

Recognition: precision/recall/F1 of toponym spans, exact and overlapping.  Resolution, as the
field reports it: the share of gold toponyms resolved to the gold GeoNames id (``exact``; TR-News
only, GeoVirus gives coordinates) and within 161 km of the gold point (``acc161``), both end to
end (the toponym must also be recognised) and given the gold spans (each gold span resolved by
our resolver in its article's context), plus the mean and median error in km.  A prediction
with the gold's GeoNames id counts as 0 km: it is the same feature, and the bundled gazetteer
lacks GeoNames' own country points.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from pressgraph.evaluate import SHARED, Report, match_exact, match_overlap, sum_prf
from pressgraph.extract import ParsedDocument
from pressgraph.extract.places.gazetteer import Entry, get_gazetteer
from pressgraph.extract.places.resolve import haversine_km
from pressgraph.model import Article, Extraction, Place, article_id_for

DEFAULT_GOLD = SHARED / "eval" / "geo" / "TR-News.xml"
ACC_KM = 161.0


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    phrase: str
    geonameid: int | None
    lat: float | None
    lon: float | None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def load_gold(path: Path) -> list[tuple[str, list[GoldToponym]]]:
    """Articles and their toponyms from TR-News (``<toponym>`` with ``<gaztag>``) or
    GeoVirus (``<location>`` with ``<lat>``/``<lon>`` and no GeoNames id)."""
    root = ET.parse(path).getroot()
    out: list[tuple[str, list[GoldToponym]]] = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        tops: list[GoldToponym] = []
        for t in art.iter("toponym"):
            gaz = t.find("gaztag")
            gid = gaz.get("geonameid") if gaz is not None else None
            tops.append(
                GoldToponym(
                    start=int(t.findtext("start") or 0),
                    end=int(t.findtext("end") or 0),
                    phrase=t.findtext("phrase") or "",
                    geonameid=int(gid) if gid and gid.isdigit() else None,
                    lat=_float(gaz.findtext("lat")) if gaz is not None else None,
                    lon=_float(gaz.findtext("lon")) if gaz is not None else None,
                )
            )
        for loc in art.iter("location"):
            tops.append(
                GoldToponym(
                    start=int(loc.findtext("start") or 0),
                    end=int(loc.findtext("end") or 0),
                    phrase=loc.findtext("name") or "",
                    geonameid=None,
                    lat=_float(loc.findtext("lat")),
                    lon=_float(loc.findtext("lon")),
                )
            )
        out.append((text, [_realign(text, t) for t in tops]))
    return out


def _realign(text: str, top: GoldToponym) -> GoldToponym:
    """Some gold offsets are one or two characters off (GeoVirus throughout): snap the span
    to the nearest occurrence of its phrase."""
    if text[top.start : top.end] == top.phrase or not top.phrase:
        return top
    for delta in sorted(range(-80, 81), key=abs):
        s = top.start + delta
        if s >= 0 and text[s : s + len(top.phrase)] == top.phrase:
            return dataclasses.replace(top, start=s, end=s + len(top.phrase))
    end = min(top.end, len(text))
    return dataclasses.replace(top, start=min(top.start, end), end=end)


def _error_km(
    gold: GoldToponym, gid: int | None, lat: float | None, lon: float | None
) -> float | None:
    if gold.geonameid is not None and gid is not None and gid == gold.geonameid:
        return 0.0
    if lat is None or lon is None or gold.lat is None or gold.lon is None:
        return None
    return haversine_km(gold.lat, gold.lon, lat, lon)


def _recognised(places: tuple[Place, ...]) -> list[Place]:
    # Direction and border phrases wrap a name we also output on its own.
    return [p for p in places if p.mention_type not in ("direction", "border")]


def resolve_gold_spans(parsed: ParsedDocument, spans: list[tuple[int, int]]) -> list[Entry | None]:
    """Our resolver's choice for each given span, in the article's context."""
    from pressgraph.extract.places import resolve_mentions
    from pressgraph.extract.places.resolve import Mention, lookup, trim

    gaz = get_gazetteer()
    text = parsed.text
    gold_mentions = []
    for start, end in spans:
        s, e = trim(text, start, end)
        cands, hint = lookup(gaz, text[s:e]) if e > s else ((), None)
        gold_mentions.append(
            Mention(start=s, end=e, text=text[s:e], label="GOLD", candidates=cands, kind_hint=hint)
        )
    resolve_mentions(parsed, gaz, extra=gold_mentions)
    return [m.choice for m in gold_mentions]


def evaluate(
    gold: Path | None = None, *, model: str | None = None, limit: int | None = None
) -> Report:
    from pressgraph.nlp import load_pipeline
    from pressgraph.pipeline import apply_extractors, load_extractors

    gold = Path(gold) if gold else DEFAULT_GOLD
    data = load_gold(gold)[:limit] if limit else load_gold(gold)
    nlp = load_pipeline(model)
    t_gaz = time.perf_counter()
    get_gazetteer()
    gaz_seconds = time.perf_counter() - t_gaz
    extractors = load_extractors(["places"])
    exact_parts, overlap_parts = [], []
    e2e_ids = e2e_hits = e2e_total = e2e_id_total = 0
    gs_ids = gs_hits = 0
    e2e_errors: list[float] = []
    gs_errors: list[float] = []
    parse_s = extract_s = 0.0
    n_tops = 0
    for text, tops in data:
        article = Article(id=article_id_for(text), text=text, raw_text=text)
        t0 = time.perf_counter()
        doc = nlp(text)
        t1 = time.perf_counter()
        parsed = ParsedDocument(article=article, doc=doc, extraction=Extraction(article=article))
        extraction = apply_extractors(parsed, extractors, isolate=False).extraction
        t2 = time.perf_counter()
        parse_s += t1 - t0
        extract_s += t2 - t1
        places = _recognised(extraction.places)
        gold_spans = [(t.start, t.end) for t in tops]
        exact_parts.append(match_exact(gold_spans, [(p.start, p.end) for p in places]))
        overlap_parts.append(match_overlap(gold_spans, [(p.start, p.end) for p in places]))
        parsed = ParsedDocument(article=article, doc=doc, extraction=extraction)
        given = resolve_gold_spans(parsed, gold_spans)
        n_tops += len(tops)
        for top, choice in zip(tops, given, strict=True):
            if top.lat is None:
                continue
            e2e_total += 1
            if top.geonameid is not None:
                e2e_id_total += 1
            pred = next((p for p in places if p.start < top.end and top.start < p.end), None)
            if pred is not None:
                err = _error_km(top, pred.geonameid, pred.lat, pred.lon)
                if err is not None:
                    e2e_errors.append(err)
                    e2e_hits += err <= ACC_KM
                e2e_ids += top.geonameid is not None and pred.geonameid == top.geonameid
            if choice is not None:
                err = _error_km(top, choice.geonameid, choice.lat, choice.lon)
                if err is not None:
                    gs_errors.append(err)
                    gs_hits += err <= ACC_KM
                gs_ids += top.geonameid is not None and choice.geonameid == top.geonameid
    metrics: dict[str, float] = {}
    metrics.update(sum_prf(exact_parts).as_metrics("recognition_exact"))
    metrics.update(sum_prf(overlap_parts).as_metrics("recognition_overlap"))

    def pct(a: float, b: int) -> float:
        return round(100 * a / b, 1) if b else 0.0

    if e2e_id_total:
        metrics["e2e_exact_id"] = pct(e2e_ids, e2e_id_total)
        metrics["gold_spans_exact_id"] = pct(gs_ids, e2e_id_total)
    metrics["e2e_acc161"] = pct(e2e_hits, e2e_total)
    metrics["gold_spans_acc161"] = pct(gs_hits, e2e_total)
    for name, errs in (("e2e", e2e_errors), ("gold_spans", gs_errors)):
        metrics[f"{name}_mean_error_km"] = round(statistics.fmean(errs), 1) if errs else 0.0
        metrics[f"{name}_median_error_km"] = round(statistics.median(errs), 1) if errs else 0.0
    metrics["parse_seconds"] = round(parse_s, 2)
    metrics["places_seconds"] = round(extract_s, 2)
    metrics["gazetteer_open_seconds"] = round(gaz_seconds, 2)
    return Report(
        task="geo",
        gold=str(gold),
        metrics=metrics,
        counts={
            "articles": len(data),
            "toponyms": n_tops,
            "with_coordinates": e2e_total,
            "with_geonameid": e2e_id_total,
            "predicted": sum(p.n_pred for p in exact_parts),
        },
        notes=(
            "exact id: TR-News only (GeoVirus has coordinates, no ids)",
            "same GeoNames id = 0 km",
            "places_seconds includes the entities extractor when it runs",
        ),
    )
