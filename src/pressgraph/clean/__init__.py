"""Cleaning: drop what is not the story, keep a map back to the input's offsets.

Cleaning works on paragraphs (blocks separated by blank lines, or single lines) and only ever
drops whole paragraphs; the kept paragraphs are copied verbatim, so every kept character maps
back to the decoded input exactly (``OffsetMap``).  What it drops, and why:

* headline lines: a short first line without sentence-final punctuation becomes the title, and
  any later headline-like line that repeats it is dropped.  The headline itself stays, as the
  cleaned text's first paragraph, so a claim made only in a headline keeps exact offsets like
  every other record; ``title`` is then that paragraph's text exactly (``headline_end`` gives
  where it ends: a record that starts before it comes from the headline);
* photo captions: a paragraph that carries a caption marker such as "(pictured)" and repeats
  an earlier paragraph's words, or that has no verb-final punctuation and repeats the lead;
* trailers and chrome: "Read more at ...", "Share this article", "Subscribe to ...",
  "Follow us on ...", "Click here ...".

A paragraph is dropped only on one of these grounds; a real sentence of the story is never a
near-duplicate of another paragraph, so it survives (``tests/test_clean.py`` checks this on
articles written for the purpose).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass

from pressgraph.model import Article, OffsetMap

PARAGRAPH_SEPARATOR = "\n\n"

# "GOMA, Democratic Republic of Congo, Feb 12 (Wire) -": the place a story was filed from, in
# capitals, then the agency, at the start of the lede.  Cleaning keeps it (it is part of the
# story's first paragraph); the extractors need to know where it ends.
DATELINE = re.compile(
    r"\A\s*(?P<place>[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,3})"
    r"(?P<rest>,[^\n()]{0,80}?)?\s*(?:\((?P<agency>[^()\n]{1,40})\)\s*)?[-–—]"
)

_TRAILER = re.compile(
    r"^\s*(read (more|the full story|more at)\b|share (this|on)\b|subscribe\b|sign up\b|"
    r"follow us\b|click here\b|advertisement\s*$|related:|copyright\b|©|all rights reserved)",
    re.IGNORECASE,
)
_CAPTION_MARKER = re.compile(
    r"\((pictured|pictured (left|right|above|below|centre|center)|left|right|above|below|"
    r"centre|center|file photo|file)\)",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?…][\"'’”)\]]*\s*$")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class CleanResult:
    text: str
    offset_map: OffsetMap
    title: str | None
    dropped: tuple[tuple[int, int, str], ...]  # (raw_start, raw_end, reason)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def without_marks(text: str) -> str:
    """``text`` decomposed (NFKD) without its combining marks: "Ḩawl" -> "Hawl".  Only runs
    of non-ASCII characters are looked at (every combining mark is one), so a long, mostly
    ASCII text costs a scan, not a step per character."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    return _NON_ASCII.sub(_marks_dropped, decomposed)


def _marks_dropped(run: re.Match[str]) -> str:
    return "".join(c for c in run.group() if not unicodedata.combining(c))


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, stripped of surrounding whitespace."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        if not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        trail = len(line) - len(line.rstrip())
        spans.append((match.start() + lead, match.end() - trail))
    return spans


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _overlap(a: list[str], b: list[str]) -> float:
    """Share of ``a``'s words found in ``b``."""
    if not a:
        return 0.0
    bset = set(b)
    return sum(1 for w in a if w in bset) / len(a)


def is_headline_like(line: str) -> bool:
    return len(line.split()) <= 30 and not SENTENCE_END.search(line)


def _headline(text: str, spans: list[tuple[int, int]]) -> str | None:
    """The first line, when it reads as a headline above a story."""
    if len(spans) < 2:
        return None
    first = text[spans[0][0]:spans[0][1]]
    return first if is_headline_like(first) else None


def clean_text(text: str, title: str | None = None) -> CleanResult:
    spans = _paragraphs(text)
    kept: list[tuple[int, int]] = []
    dropped: list[tuple[int, int, str]] = []
    if title is None:
        title = _headline(text, spans)
    title_words = _words(title) if title else []
    kept_words: list[list[str]] = []
    for index, (start, end) in enumerate(spans):
        line = text[start:end]
        words = _words(line)
        reason = None
        if _TRAILER.search(line) and len(words) <= 25:
            reason = "trailer"
        elif title_words and is_headline_like(line) and (
            _overlap(words, title_words) >= 0.8 or _overlap(title_words, words) >= 0.8
        ):
            reason = "headline"
            if len(line) > len(title or ""):
                # Scraped pages often carry a truncated headline first, then the full one.
                title = line
        elif any(words == earlier for earlier in kept_words):
            reason = "duplicate paragraph"
        elif index > 0 and _looks_like_caption(line, words, kept_words):
            reason = "caption"
        if reason:
            dropped.append((start, end, reason))
        else:
            kept.append((start, end))
            kept_words.append(words)
    title = _keep_headline(text, title, kept, dropped)
    parts: list[str] = []
    segments: list[tuple[int, int, int]] = []
    cursor = 0
    for start, end in kept:
        if parts:
            parts.append(PARAGRAPH_SEPARATOR)
            cursor += len(PARAGRAPH_SEPARATOR)
        parts.append(text[start:end])
        segments.append((cursor, start, end - start))
        cursor += end - start
    return CleanResult(
        text="".join(parts),
        offset_map=OffsetMap(segments=tuple(segments)),
        title=title,
        dropped=tuple(dropped),
    )


def _keep_headline(text: str, title: str | None, kept: list[tuple[int, int]],
                   dropped: list[tuple[int, int, str]]) -> str | None:
    """Move the headline line from ``dropped`` back to the top of ``kept``.

    Of the headline lines above the story (a scraped page may carry a truncated one, then the
    full one), the one the title was taken from stays (the first when several read the same);
    the title becomes its exact text, so the cleaned text starts with the title."""
    if not kept:
        return title  # a headline over nothing but chrome is no article
    above = [d for d in dropped if d[2] == "headline" and d[1] <= kept[0][0]]
    if not above:
        return title
    chosen = next((d for d in above if text[d[0]:d[1]] == title),
                  max(above, key=lambda d: (d[1] - d[0], -d[0])))
    dropped.remove(chosen)
    kept.insert(0, (chosen[0], chosen[1]))
    return text[chosen[0]:chosen[1]]


def headline_end(article: Article) -> int:
    """End offset of the headline in ``article.text`` (0 when the text does not start with it).

    Cleaning keeps the headline as the first paragraph and ``--raw`` keeps the input's first
    line, so one rule holds for both: records that start before this offset come from the
    headline."""
    title = article.title
    if title and article.text.startswith(title):
        return len(title)
    return 0


def _looks_like_caption(line: str, words: list[str], kept_words: list[list[str]]) -> bool:
    """A caption repeats the story's own words; a marker or missing full stop gives it away."""
    # The cheap test first: comparing with every earlier paragraph is quadratic in the
    # article's length, and most paragraphs end a sentence and carry no marker.
    if SENTENCE_END.search(line) and not _CAPTION_MARKER.search(line):
        return False
    return any(_overlap(words, earlier) >= 0.7 for earlier in kept_words if earlier)


def clean_article(article: Article, *, raw: bool = False) -> Article:
    """Return the article with cleaned ``text``; ``raw`` keeps the decoded input verbatim."""
    source = article.raw_text if article.raw_text is not None else article.text
    if raw:
        title = article.title
        if title is None:
            title = _headline(source, _paragraphs(source))
        return dataclasses.replace(
            article, text=source, raw_text=source, title=title,
            offset_map=OffsetMap.identity(len(source)),
        )
    result = clean_text(source, article.title)
    return dataclasses.replace(
        article, text=result.text, raw_text=source, title=result.title,
        offset_map=result.offset_map,
    )
