"""Who "he" and "she" are: speakers of pronoun sources on PolNeAR, against a proxy reference.

Usage (from the repo root):

    .venv/bin/python benchmarks/speaker_resolution.py [--gold ../shared/eval/quotes/polnear/dev]
        [--limit N] [--show K]

PolNeAR marks the source span ("he") but not who it refers to, so the reference is a proxy:
for every gold attribution whose source is "he" or "she", the person named in the most recent
earlier gold source of the same article that names a person (the last PERSON entity spaCy
finds inside that gold source span; sources naming no person, such as "a source" or "The New
York Post", are passed over).  A pronoun source counts as resolved right when the quote the
extractor finds on that source (overlapping source span) has a speaker whose surname is the
reference's surname.

Reported: the gold pronoun sources with a reference; coverage (share the extractor finds a
source on); accuracy on those it finds; end to end (right / all).  The proxy is wrong when
"he" is someone the article names without quoting them before (a subject, not a source):
such cases count as errors for any resolver, so the figure is a lower bound and is for
comparing resolvers, not an absolute accuracy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = REPO.parent / "shared" / "eval" / "quotes" / "polnear" / "dev"
PRONOUNS = frozenset({"he", "she"})


def _surname(name: str) -> str:
    words = name.replace("’s", "").replace("'s", "").split()
    return words[-1].lower() if words else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--show", type=int, default=0, help="print this many misses")
    args = parser.parse_args()
    if not (args.gold / "attributions").is_dir():
        sys.exit(f"{args.gold}: not a PolNeAR split (no attributions/ folder)")

    from pressgraph.evaluate.quotes import _with_entities, load_gold
    from pressgraph.extract import ParsedDocument
    from pressgraph.extract.quotes import extract
    from pressgraph.model import Article, Extraction, Quote, article_id_for
    from pressgraph.nlp import load_pipeline

    nlp = load_pipeline()
    n_ref = n_found = n_right = 0
    misses: list[str] = []
    for gold in load_gold(args.gold, args.limit):
        doc = nlp(gold.text)
        persons = [e for e in doc.ents if e.label_ == "PERSON"]
        article = Article(id=article_id_for(gold.text), text=gold.text, raw_text=gold.text)
        parsed = _with_entities(ParsedDocument(article=article, doc=doc,
                                               extraction=Extraction(article=article)))
        quotes = [q for q in extract(parsed)["quotes"] if isinstance(q, Quote)]
        sources = sorted({a.source for a in gold.attributions if a.source is not None})
        last_named: str | None = None
        for start, end in sources:
            words = gold.text[start:end].strip().lower()
            if words in PRONOUNS and last_named is not None:
                n_ref += 1
                found = next((q for q in quotes if q.source_start is not None
                              and q.source_end is not None
                              and q.source_start < end and start < q.source_end), None)
                if found is None:
                    continue
                n_found += 1
                if found.speaker_text and _surname(found.speaker_text) == _surname(last_named):
                    n_right += 1
                else:
                    misses.append(f"{gold.name} @{start}: {words!r} -> {found.speaker_text!r},"
                                  f" reference {last_named!r}")
                continue
            named = [p for p in persons if start <= p.start_char and p.end_char <= end]
            if named:
                last_named = named[-1].text
    print(f"gold he/she sources with a reference: {n_ref}")
    print(f"coverage (a source found on them): {100 * n_found / max(n_ref, 1):.1f}")
    print(f"accuracy on those found: {100 * n_right / max(n_found, 1):.1f} "
          f"({n_right}/{n_found})")
    print(f"end to end: {100 * n_right / max(n_ref, 1):.1f}")
    for line in misses[: args.show]:
        print("  miss:", line)


if __name__ == "__main__":
    main()
