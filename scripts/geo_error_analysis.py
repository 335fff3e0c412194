"""Error analysis for the ``places`` extractor on TR-News or GeoVirus (dev data in
/work/shared/eval/geo).

Parses each article once and caches the spaCy docs, so later runs only re-run the
extractors (seconds).  Prints end-to-end figures, then buckets:

- misses: gold toponyms we output nothing for, by what spaCy made of the span (no entity,
  PERSON, ORG, ...);
- false positives: our places that overlap no gold toponym, by spaCy label and mention type;
- wrong resolutions: recognised toponyms more than 161 km off (or with the wrong GeoNames id),
  by the kind of place we chose and the kind of error.

    PYTHONPATH=src .venv/bin/python scripts/geo_error_analysis.py [--corpus GeoVirus] \
        [--limit N] [--examples N]
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from spacy.tokens import Doc, DocBin

from pressgraph.evaluate import SHARED
from pressgraph.evaluate.geo import ACC_KM, _error_km, _recognised, load_gold
from pressgraph.extract import ParsedDocument
from pressgraph.model import Article, Extraction, article_id_for
from pressgraph.nlp import load_pipeline
from pressgraph.pipeline import apply_extractors, load_extractors

CACHE = Path("/tmp/pressgraph-geo-cache")


def parsed_docs(name: str, texts: list[str]) -> list[Doc]:
    nlp = load_pipeline()
    path = CACHE / f"{name}-{len(texts)}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    out = list(nlp.pipe(texts, batch_size=8))
    CACHE.mkdir(parents=True, exist_ok=True)
    DocBin(docs=out, store_user_data=True).to_disk(path)
    return out


def _label_at(doc: Doc, start: int, end: int) -> str:
    labels = [e.label_ for e in doc.ents if e.start_char < end and start < e.end_char]
    return "+".join(sorted(set(labels))) or "none"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="TR-News")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--examples", type=int, default=8)
    args = ap.parse_args()
    data = load_gold(SHARED / "eval" / "geo" / f"{args.corpus}.xml")
    if args.limit:
        data = data[: args.limit]
    docs = parsed_docs(f"{args.corpus}-{args.limit or 'all'}", [t for t, _ in data])
    extractors = load_extractors(["places"])
    buckets: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    total = hits = 0

    def note(group: str, key: str, example: str) -> None:
        buckets[group][key] += 1
        if len(examples[(group, key)]) < args.examples:
            examples[(group, key)].append(example)

    for (text, tops), doc in zip(data, docs, strict=True):
        article = Article(id=article_id_for(text), text=text, raw_text=text)
        parsed = ParsedDocument(article=article, doc=doc, extraction=Extraction(article=article))
        places = _recognised(apply_extractors(parsed, extractors, isolate=False).extraction.places)
        for top in tops:
            ctx = text[max(0, top.start - 40) : top.end + 40].replace("\n", " ")
            if top.lat is None:
                continue
            total += 1
            pred = next((p for p in places if p.start < top.end and top.start < p.end), None)
            if pred is None:
                note("miss", _label_at(doc, top.start, top.end), f"{top.phrase!r}  …{ctx}…")
                continue
            err = _error_km(top, pred.geonameid, pred.lat, pred.lon)
            if err is not None and err <= ACC_KM:
                hits += 1
                if (
                    top.geonameid is not None
                    and pred.geonameid != top.geonameid
                    and pred.feature is not None
                ):
                    note(
                        "id only",
                        pred.feature,
                        f"{top.phrase!r} -> {pred.name} ({pred.geonameid} vs {top.geonameid})",
                    )
                continue
            why = "unresolved" if pred.lat is None else f"{pred.feature}"
            note(
                "wrong",
                why,
                f"{top.phrase!r} -> {pred.name} {pred.country_code} ({pred.lat},{pred.lon}) gold "
                f"({top.lat},{top.lon}) {err and round(err)} km  …{ctx}…",
            )
        for p in places:
            if not any(p.start < t.end and t.start < p.end for t in tops):
                ctx = text[max(0, p.start - 40) : p.end + 40].replace("\n", " ")
                note(
                    "false positive",
                    f"{_label_at(doc, p.start, p.end)}/{p.mention_type}",
                    f"{p.text!r} -> {p.name} {p.country_code}  …{ctx}…",
                )
    print(f"{args.corpus}: e2e acc@161 {100 * hits / max(total, 1):.1f} ({hits}/{total})")
    for group in ("miss", "false positive", "wrong", "id only"):
        print(f"\n== {group}: {sum(buckets[group].values())}")
        for key, n in buckets[group].most_common():
            print(f"  {key}: {n}")
            for ex in examples[(group, key)]:
                print(f"      {ex}")


if __name__ == "__main__":
    main()
