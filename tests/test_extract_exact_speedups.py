"""The extractors' speed-ups are exact: each fast path answers as the plain code it replaced."""

from __future__ import annotations

import random

from pressgraph.extract.places import _overlaps, _SpanIndex
from pressgraph.extract.quotes.marks import CLOSERS, _can_close, _can_open, find_quotes

_DOUBLE = "''"


def _find_quotes_per_character(text: str) -> list[tuple[int, int]]:
    """The scan ``find_quotes`` replaced: the same rules, one character at a time."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    start: int | None = None
    closer = ""
    while i < n:
        ch = text[i]
        if start is None:
            if text.startswith(_DOUBLE, i) and _can_open(text, i, 2):
                start, closer = i, _DOUBLE
                i += 2
                continue
            if ch in CLOSERS and _can_open(text, i):
                start, closer = i, CLOSERS[ch]
        elif ch == "\n":
            j = i
            while j < n and text[j].isspace():
                j += 1
            mark = closer if closer == _DOUBLE else text[start]
            if j < n and text.startswith(mark, j) and _can_open(text, j, len(mark)):
                i = j + len(mark)
                continue
            end = i
            while end > start and text[end - 1].isspace():
                end -= 1
            if end - start > 1:
                spans.append((start, end))
            start = None
            i = j
            continue
        elif closer == _DOUBLE:
            if text.startswith(_DOUBLE, i) and not text[i - 1].isspace():
                spans.append((start, i + 2))
                start = None
                i += 1
        elif _can_close(text, i, closer):
            spans.append((start, i + 1))
            start = None
        i += 1
    if start is not None:
        end = n
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append((start, end))
    return spans


def test_find_quotes_matches_the_per_character_scan_on_random_text() -> None:
    pieces = [*"ab 1\n\t“”‘’\"'«»([-:", "\xa0", "''", "We’ve", " said.\n\n"]
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert find_quotes(text) == _find_quotes_per_character(text), repr(text)


def test_find_quotes_on_written_paragraphs() -> None:
    text = ("“We will not leave,” the mayor said. ‘Not now.’\n\n"
            "“The roads are closed.\n\n“We have no food,” she added. Turkey’s army's 'tanks'")
    assert find_quotes(text) == _find_quotes_per_character(text)
    assert text[slice(*find_quotes(text)[0])] == "“We will not leave,”"


def test_span_index_answers_as_the_overlap_scan() -> None:
    rng = random.Random(11)
    for _ in range(500):
        # empty spans too: the plain scan counts (5, 5) as overlapping (3, 7)
        spans = [(a, a + rng.randint(0, 6)) for a in
                 (rng.randint(0, 40) for _ in range(rng.randint(0, 8)))]
        index = _SpanIndex(spans)
        for _ in range(rng.randint(0, 4)):
            start = rng.randint(0, 40)
            added = (start, start + rng.randint(1, 5))
            index.add(added)
            spans.append(added)
        for s in range(0, 45, 3):
            for e in range(s + 1, s + 9):
                assert index.overlaps(s, e) == _overlaps(spans, s, e), (spans, s, e)


def test_sorted_unique_is_numpys_unique() -> None:
    import numpy as np

    from pressgraph.extract.quotes.tagger import _sorted_unique

    rng = np.random.default_rng(3)
    for size in range(12):
        for _ in range(20):
            values = rng.integers(0, 8, size).astype(np.int64)
            fast, plain = _sorted_unique(values), np.unique(values)
            assert fast.dtype == plain.dtype
            assert np.array_equal(fast, plain)
