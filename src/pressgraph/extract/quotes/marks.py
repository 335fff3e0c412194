"""Quotation-mark spans: “...” ‘...’ "..." '...', across sentences and paragraphs.

Apostrophes are the hard part: ’ is both the closing single quote and the apostrophe in
We’ve / don’t / Turkey’s.  A mark only opens after a space, a line start or an opening bracket
and before a non-space; a ’ or ' only closes before a non-letter, so a letter-’-letter run
never closes a quote.  Only top-level quotes are returned: inside “...”, ‘...’ is nested and
inside ‘...’ only ’ can close.  A paragraph that ends inside a quote continues it when the next
paragraph opens with the same mark (the news convention for a quote running over several
paragraphs); otherwise the quote is closed at the end of its paragraph.
"""

from __future__ import annotations

CLOSERS = {"“": "”", "‘": "’", '"': '"', "'": "'", "«": "»"}
_OPEN_BEFORE = " \t\n([{—–-/:;“‘\"'"


def _can_open(text: str, i: int) -> bool:
    if i + 1 >= len(text) or text[i + 1].isspace():
        return False
    return i == 0 or text[i - 1] in _OPEN_BEFORE or text[i - 1] == "\xa0"


def _can_close(text: str, i: int, closer: str) -> bool:
    if text[i] != closer or i == 0 or text[i - 1].isspace():
        return False
    if closer in "’'":
        nxt = text[i + 1] if i + 1 < len(text) else " "
        return not nxt.isalnum()
    return True


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Top-level quoted spans, quotation marks included, in text order."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    start: int | None = None
    closer = ""
    while i < n:
        ch = text[i]
        if start is None:
            if ch in CLOSERS and _can_open(text, i):
                start, closer = i, CLOSERS[ch]
        elif ch == "\n":
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] == text[start] and _can_open(text, j):
                i = j + 1  # the quote runs on into the next paragraph
                continue
            end = i
            while end > start and text[end - 1].isspace():
                end -= 1
            if end - start > 1:
                spans.append((start, end))
            start = None
            i = j
            continue
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
