"""What isolating each extractor costs per article: ``apply_extractors`` against the bare loop
it replaced (``parsed = parsed.with_records(extract(parsed))`` for each extractor).

Usage (from the repo root):

    PYTHONPATH=src .venv/bin/python benchmarks/isolation_overhead.py [--articles 100000]

Seven extractors that return nothing, so that only the loop is timed (a real extractor takes
milliseconds per article; the loop takes microseconds).  CPU time (user+sys) of this process;
the two loops take turns, three rounds, so each round's pair is measured moments apart.
"""

from __future__ import annotations

import argparse
import resource
from collections.abc import Mapping, Sequence

import spacy

from pressgraph.extract import ParsedDocument
from pressgraph.model import Article, Extraction, Record
from pressgraph.pipeline import apply_extractors


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _nothing(parsed: ParsedDocument) -> Mapping[str, Sequence[Record]]:
    return {}


def _bare(parsed: ParsedDocument) -> ParsedDocument:
    for extract in [_nothing] * 7:
        parsed = parsed.with_records(extract(parsed))
    return parsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    text = "Ada Lind spoke in Orne on Monday."
    article = Article(id="a", text=text, raw_text=text)
    parsed = ParsedDocument(article=article, doc=spacy.blank("en")(text),
                            extraction=Extraction(article=article))
    named = [(f"x{i}", _nothing) for i in range(7)]
    n = args.articles
    for round_ in range(3):
        start = _cpu()
        for _ in range(n):
            _bare(parsed)
        bare = _cpu() - start
        start = _cpu()
        for _ in range(n):
            apply_extractors(parsed, named)
        isolated = _cpu() - start
        print(f"round {round_ + 1}: bare loop {bare / n * 1e6:.1f} us/article, "
              f"isolated {isolated / n * 1e6:.1f} us/article")


if __name__ == "__main__":
    main()
