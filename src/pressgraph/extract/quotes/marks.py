"""Quotation-mark spans: “...” ‘...’ "..." '...', across sentences and paragraphs.

Apostrophes are the hard part: ’ is both the closing single quote and the apostrophe in
We’ve / don’t / Turkey’s.  A mark only opens after a space, a line start or an opening bracket
and before a non-space; a ’ or ' only closes before a non-letter, so a letter-’-letter run
never closes a quote.  Only top-level quotes are returned: inside “...”, ‘...’ is nested and
inside ‘...’ only ’ can close.  A paragraph that ends inside a quote continues it when the next
paragraph opens with the same mark (the news convention for a quote running over several
paragraphs); otherwise the quote is closed at the end of its paragraph.  Two apostrophes
(''...'', a typewriter convention some wires keep) are one mark.
"""

from __future__ import annotations

import functools
import re

# Double quotes close on either style, and on a misprinted “ after a word: wire copy mixes
# them ('"We won,” he said', '“We won," he said', '“We won,“ he said').
CLOSERS = {"“": "”\"“", "‘": "’", '"': '"”“', "'": "'", "«": "»"}
_OPEN_BEFORE = " \t\n([{—–-/:;“‘\"'"


_DOUBLE = "''"

# Outside a quote only an opening mark does anything, inside one only a line break or a
# closing mark: the scan jumps from one such character to the next (a loop over every
# character was most of this module's cost).
_NEXT_OPENER = re.compile("[" + re.escape("".join(CLOSERS)) + "]")


@functools.lru_cache(maxsize=16)
def _next_inside(closer: str) -> re.Pattern[str]:
    return re.compile("[\n" + re.escape(closer) + "]")


def _can_open(text: str, i: int, width: int = 1) -> bool:
    if i + width >= len(text) or text[i + width].isspace():
        return False
    # ‘08 and '90s are years, not quotations
    if width == 1 and text[i] in "‘'" and text[i + 1].isdigit():
        return False
    return i == 0 or text[i - 1] in _OPEN_BEFORE or text[i - 1] == "\xa0"


def _can_close(text: str, i: int, closer: str) -> bool:
    ch = text[i]
    if ch not in closer or i == 0 or text[i - 1].isspace():
        return False
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if ch in "’'“":
        return not nxt.isalnum()
    return True


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Top-level quoted spans, quotation marks included, in text order."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    start: int | None = None
    closer = ""
    while i < n:
        if start is None:
            found = _NEXT_OPENER.search(text, i)
        else:
            found = _next_inside(closer).search(text, i)
        if found is None:
            break
        i = found.start()
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
                i = j + len(mark)  # the quote runs on into the next paragraph
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
