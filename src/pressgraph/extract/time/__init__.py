"""Temporal expressions resolved against the publication date (TIMEX3-style values).

Candidates are spaCy's DATE/TIME entities plus a few patterns spaCy misses (present/past
references, clock times, "since <event>"); ``resolve.resolve`` turns each into a value, a
date range and a granularity.  The anchor is ``article.published``; without one, a dateline
("CITY, March 3, 2019 (Agency) -") at the top of the text; without either (or when the
dateline has no year), relative expressions stay unresolved — never guessed.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
from spacy.attrs import LOWER, SHAPE
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from pressgraph.extract import ParsedDocument
from pressgraph.extract.time.resolve import (
    MONTH_RE,
    WEEKDAY_RE,
    YEAR_BACK_RE,
    Resolution,
    resolve,
    resolve_fiscal,
    resolve_from,
)
from pressgraph.model import Record, TimeExpression, stable_id
from pressgraph.nlp.columns import words as doc_words

EXTRACTOR = "time@4"
__all__ = ["EVENT_RANGE", "EXTRACTOR", "TIMEX3_TYPES", "anchor_date", "extract",
           "extract_from_doc", "resolve"]

# "since Turkey's invasion" is an open range from an event to publication: a time a reader
# can place (from the event's date when the story gives it), but not a TIMEX3 (TimeML marks
# "since" as a signal and "invasion" as an event, and no gold set marks it), so its record
# says so by its type and TIMEX3 scoring leaves it out
EVENT_RANGE = "EVENT_RANGE"
TIMEX3_TYPES = frozenset(("DATE", "TIME", "DURATION", "SET"))

DATELINE_RE = re.compile(
    r"^\s*[A-Z][A-Za-z .'\-]{1,40},(?:\s+[A-Z][A-Za-z.]+,)?\s+(?:" + WEEKDAY_RE + r",?\s+)?"
    + MONTH_RE + r"\s+(\d{1,2})(?:,?\s+(\d{4}))?\s*(?:\([^)]{1,40}\))?\s*[-–—]",
    re.I,
)
# Every alternative of EXTRA_RE starts with one of these letters (any case) or a digit. The
# lookahead in front lets a position fail on one character test instead of trying each
# alternative in turn (about twice as fast over a news article, same matches).
EXTRA_FIRST = r"(?=[acefilmnorstwy\d])"
EXTRA_RE = re.compile(
    EXTRA_FIRST
    + r"\b(?:recently|currently|the (?:near )?future|in the past|annually|now|current|recent|"
    r"(?:every|each) (?:day|week|month|year|morning|night|evening)|"
    r"(?:last |on )?(?:Thanksgiving|Christmas|New Year's|Independence) Day|"
    r"(?:earlier|later) (?:this|last) (?:week|month|year)|"
    r"(?:early|mid|late)-" + MONTH_RE + r"|"
    r"\d{1,2}:\d{2}(?:\s?(?:a\.m\.|p\.m\.|am|pm))?(?:\s(?:UTC|GMT))?|"
    r"(?:(?:last|this|next)\s)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:\s(?:morning|afternoon|evening|night))?|"
    r"(?:the |this |last year's |this year's )?(?:(?:latest|current|comparable|same|"
    r"corresponding|year-earlier|year-ago|fiscal|(?:19|20)\d\d|first|second|third|fourth)[ -])+"
    r"(?:quarter|period)|(?:the|this|that) quarter|year-earlier|year-ago|"
    r"the (?:current |latest |full |fiscal |current fiscal |latest fiscal )?year|"
    r"today|yesterday|tomorrow|tonight|overnight|year[- ]on[- ]year|[01]\d[0-5]\d (?:UTC|GMT)|"
    r"\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})\b",
    re.I,
)
# "barely a month after", "for two more weeks", "about three days": a stretch of time spaCy
# does not always mark (TimeML marks each as a DURATION)
DURATION_CANDIDATE_RE = re.compile(
    r"(?<![\w$£€-])(?=[aefnost\d])"  # the first letters below: a quick test per position
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|sixty|\d{1,3})(?: (?:more|full|straight|"
    r"consecutive|additional))? (?:minute|hour|day|week|month|year|decade)s?\b(?![ -]old|-)",
    re.I)
AFTER_DURATION_RE = re.compile(r"\s+(?:after|before)\b", re.I)
YEAR_RE = re.compile(r"(?:19|20)\d\d")
# a "current account" is a balance, "future contracts" are traded ("now that" is still now):
# TimeML's PRESENT_REF / FUTURE_REF are the time of the story
NOT_A_TIME_AFTER = re.compile(r"[ -](?:accounts?\b|affairs\b|contracts?\b|"
                              r"generations?\b|president\b|chairman\b)", re.I)
NOT_A_TIME_AFTER_WORDS = frozenset(("now", "current", "future"))
# an earnings story that moves on from the quarter to "the first nine months" compares that
# stretch with the year before it: "a year earlier" is then the year, not a quarter (TimeML)
PERIOD_MENTION_RE = re.compile(r"\b(?:quarter|(?:nine|six) months|(?:first|second) half)\b",
                               re.I)
STRETCH_BACK_RE = re.compile(r"(?:the )?(?:a year (?:earlier|ago)|year-earlier|year-ago)"
                             r"(?: period| results)?|the (?P<year>(?:19|20)\d\d) period")
# "as soon as Tuesday", "as early as next week": the earliest a thing may still happen
AS_SOON_AS_RE = re.compile(r"\bas (?:soon|early) as\s+$", re.I)
# approximators and prepositions TIMEX3 leaves out of the expression
LEADING_RE = re.compile(r"^(?:about|around|approximately|roughly|some|nearly|almost|up to|"
                        r"at least|at most|more than|less than|fewer than|no more than|"
                        r"as (?:soon|early|late) as|both|either|"
                        r"at|before|after|by|until|till|from|on|in|since|during|through|between|"
                        r"shortly before|shortly after|just before|just after)\s+", re.I)
# dateline separator: "June 14 - Airstrikes" is a date and the start of the story
DASH_SPLIT_RE = re.compile(r"\s+[-–—]\s+")
TRAILING_CONJ_RE = re.compile(r"\s+(?:and|or)$")
YEAR_LIST_RE = re.compile(r"((?:19|20)\d\d),\s+(?=(?:19|20)\d\d\b)")
CONJ_SPLIT_RE = re.compile(r"\s+(?:and|or|to|through|until)\s+|(?<=[a-z])\s*[-–]\s*(?=[A-Z])")
AGE_RE = re.compile(r"^\w+[- ]years?[- ]old$|^\d{1,2}$", re.I)
# "joined the march", "at this march", "she may": the month names only when capitalised
LOWER_MONTH_WORD_RE = re.compile(r"(?:(?:this|last|next|the) )?(?:march|may)")
# "on CBS's 60 Minutes": a capitalised unit inside a sentence is a title, not a stretch
TITLE_UNIT_RE = re.compile(r"\d+ (?:Minutes|Hours|Days|Weeks|Months|Years)")
# words that make an unresolvable span still a temporal expression
TEMPORAL_WORD_RE = re.compile(
    r"\b(?:day|week|month|year|decade|century|hour|minute|morning|night|season|era|period|"
    r"time|ago|since|today|yesterday|tomorrow|tonight|" + MONTH_RE + r"|" + WEEKDAY_RE
    + r"|\d{4})", re.I,
)
CASE_SENSITIVE_WORDS = re.compile(r"^(?:may|march|sun|sat|wed|mon|fri)$")
FUTURE_RE = re.compile(r"\b(?:will|won't|shall|'ll|going to|plans? to|scheduled|due to|"
                       r"expected to|next|upcoming|coming)\b", re.I)
# "since Turkey's invasion" is dated when the article says when the event happened
EVENT_STEMS = {"invasion": "invad", "offensive": "offensiv", "attack": "attack",
               "election": "elect", "war": "war", "incursion": "incursion",
               "operation": "operation", "withdrawal": "withdr", "announcement": "announc",
               "ceasefire": "ceasefire", "coup": "coup", "deal": "deal", "agreement": "agree",
               "strike": "strike", "uprising": "uprising", "takeover": "took over"}


MAX_FILING_DELAY_DAYS = 2


def anchor_date(published: str | None, text: str) -> date | None:
    """The publication date, or the date of a dateline that carries its year.  A dateline
    a day or two before publication ("BUDAPEST, March 12 (Xinhua) --" in the next day's
    wire) is the day the story was written, and its "Friday" and "yesterday" count from it."""
    m = DATELINE_RE.match(text[:300])
    if published:
        when: date | None = None
        try:
            when = datetime.fromisoformat(published.strip().replace("Z", "+00:00")).date()
        except ValueError:
            with contextlib.suppress(ValueError):
                when = date.fromisoformat(published.strip()[:10])
        if when is not None:
            if m:
                res = resolve(f"{m.group(2)} {m.group(3)}", when, future=False)
                written = res.range_start if res is not None else None
                if written is not None and 0 < (when - written).days <= MAX_FILING_DELAY_DAYS:
                    return written
            return when
    if m and m.group(4):
        res = resolve(f"{m.group(2)} {m.group(3)}, {m.group(4)}", None)
        if res is not None and res.range_start is not None:
            return res.range_start
    return None


_SINCE_KEY = get_string_id("since")
_YEAR_OR_RATE_KEYS = np.array([get_string_id(w) for w in ("dddd", "a", "per")], dtype=np.uint64)


def _candidates(doc: Doc, text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for ent in doc_words(doc, text).ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        start = ent.start_char
        if ent.start > 0 and doc[ent.start - 1].lower_ in ("this", "last", "next") and (
            ent[0].lower_ in ("year", "week", "month", "quarter", "weekend")
        ):
            start = doc[ent.start - 1].idx  # "this year's election": spaCy keeps only "year"
        spans.append((start, ent.end_char))
    for m in EXTRA_RE.finditer(text):
        word = m.group(0)
        if CASE_SENSITIVE_WORDS.match(word) or (NOT_A_TIME_AFTER.match(text, m.end()) and (
            word.lower() in NOT_A_TIME_AFTER_WORDS
        )):
            continue
        spans.append((m.start(), m.end()))
    for m in DURATION_CANDIDATE_RE.finditer(text):
        word = m.group().lower()
        if word == "one day" or AFTER_DURATION_RE.match(text, m.end()):
            continue  # "will one day be" is some day; "a day after he ..." counts from an event
        if word.startswith(("a ", "an ")):
            before = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if before is not None and before.start > 0 and (
                doc[before.start - 1].tag_ == "NNS" or doc[before.start - 1].like_num
                or doc[before.start - 1].lower_ in ("twice", "once")
            ):
                continue  # "four flights a week": a rate, which the loop below takes as a SET
        spans.append((m.start(), m.end()))
    # Only a year (four digits: shape "dddd") or "a"/"per" can start a span below: those
    # words are found from the SHAPE and LOWER columns, and a Token is built for them alone.
    starts = np.flatnonzero(np.isin(doc.to_array([SHAPE, LOWER]), _YEAR_OR_RATE_KEYS).any(
        axis=1)).tolist() if len(doc) else []
    for tok in (doc[i] for i in starts):
        # bare years spaCy leaves out ("a 2022 report", "in 2023"), unless counting ("2000 troops")
        if YEAR_RE.fullmatch(tok.text) and not (
            tok.dep_ == "nummod" and tok.head.tag_ == "NNS"
        ) and not (tok.i + 1 < len(doc) and doc[tok.i + 1].text in ("%", "percent")) and not (
            tok.i > 0 and doc[tok.i - 1].text in ("$", "£", "€", "#", "No.")
        ):
            spans.append((tok.idx, tok.idx + len(tok.text)))
        # "$20 million a day": a rate is a SET
        if tok.lower_ in ("a", "per") and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in (
            "day", "week", "month", "year"
        ) and tok.i > 0 and (doc[tok.i - 1].like_num or doc[tok.i - 1].lower_ in (
            "million", "billion", "shillings", "dollars", "euros", "pounds", "percent", "hours",
            "times", "days", "twice", "once")):
            spans.append((tok.idx, doc[tok.i + 1].idx + len(doc[tok.i + 1].text)))
    # longest first, then drop anything overlapping an already chosen span
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    chosen: list[tuple[int, int]] = []
    for s, e in spans:
        if all(e <= a or s >= b for a, b in chosen):
            chosen.append((s, e))
    return sorted(chosen)


DURATION_OF_YEAR_RE = re.compile(r"(?<=months|.weeks)\s+of\s+(?=(?:19|20)\d\d$|(?:the|this|"
                                 r"last|next) year$)")
PERIOD_END_RE = re.compile(r"\s+(?:ended|ending|that ended|which ended)\s+(?=\S)")
RATE_RE = re.compile(r"^[$£€]?[\d.,]+(?: (?:million|billion|thousand))? (?=(?:a|per|each) )")


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    m = RATE_RE.match(text[s:e])
    if m:
        s += m.end()  # "$15 a year": the amount is not part of the frequency
    while e > s and (text[e - 1] in ",.;:’'\"" or text[e - 1].isspace()) and not text[
        s:e
    ].lower().endswith(
        ("a.m.", "p.m.")
    ):
        e -= 1
    if text[s:e].lower().endswith(("’s", "'s")):
        e -= 2
    while s < e and (text[s] in "‘'\"(" or text[s].isspace()):
        s += 1
    return s, e


# "the job figures for January": a month after "for" is the period a figure covers, where a
# day after it is the day something is set for ("called a rally for Saturday")
BARE_MONTH_RE = re.compile(MONTH_RE + r"\.?", re.I)
REPORTING_LEMMAS = frozenset(("say", "tell", "report", "announce", "confirm", "deny", "claim",
                              "add", "state", "insist", "warn", "note"))
CLOCK_RE = re.compile(r"(?:\d{1,2}(?::\d\d)?\s?(?:a\.m\.?|p\.m\.?|am|pm)(?:,?\s\(?(?:EST|EDT|"
                      r"CST|CDT|PST|PDT|ET|GMT|UTC|local time)\)?)?|noon|midday)", re.I)
DAY_AFTER_CLOCK_RE = re.compile(r"(?:" + WEEKDAY_RE + r"|" + MONTH_RE + r"\s\d{1,2}"
                                r"|today|yesterday|tomorrow)", re.I)


def _join_clock_and_day(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"10 p.m. Wednesday", "5 p.m. EST, Nov. 9": one TIMEX3, the clock on that day."""
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        if out:
            ps, pe = out[-1]
            if CLOCK_RE.fullmatch(text[ps:pe]) and re.fullmatch(r",?\s+(?:on\s+)?",
                                                                  text[pe:s]) and (
                DAY_AFTER_CLOCK_RE.fullmatch(text[s:e])
            ):
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    return out


def _split_conjoined(text: str, s: int, e: int, anchor: date | None
                     ) -> list[tuple[int, int]]:
    m = DURATION_OF_YEAR_RE.search(text[s:e])
    if m:
        # "the first nine months of 1997": TimeML marks the stretch and the year apart
        return [(s, s + m.start()), (s + m.end(), e)]
    m = PERIOD_END_RE.search(text[s:e])
    if m:
        # "the quarter ended Sept. 30": the period and its last day, two expressions
        return [(s, s + m.start()), (s + m.end(), e)]
    m = TRAILING_CONJ_RE.search(text[s:e])
    if m:
        e = s + m.start()  # spaCy's "1994, 1995 and" leaves the last year out
    m = YEAR_LIST_RE.match(text[s:e])
    if m:
        # "1994, 1995 and 1997": each year is an expression
        return [(s, s + m.end(1)), *_split_conjoined(text, s + m.end(), e, anchor)]
    m = CONJ_SPLIT_RE.search(text[s:e])
    if m:
        # "between now and Feb. 10": the left side is judged without its preposition
        left, right = _strip_leading(text, s, s + m.start()), (s + m.end(), e)
        lres = resolve(text[left[0]:left[1]], anchor)
        rres = resolve(text[right[0]:right[1]], anchor)
        if lres is not None and rres is not None and lres.value and rres.value and not (
            lres.value.startswith("P") and not lres.value.endswith("_REF")  # a duration
        ):
            return [left, *_split_conjoined(text, *right, anchor)]
    return [(s, e)]


def _strip_leading(text: str, s: int, e: int) -> tuple[int, int]:
    while True:
        m = LEADING_RE.match(text[s:e])
        if not m or m.end() >= e - s:
            return s, e
        s += m.end()


def _extend(text: str, s: int, e: int) -> tuple[int, int]:
    """Take in the words TIMEX3 counts as part of the expression that spaCy leaves out:
    "late on Tuesday", "early today", "yesterday evening", "every Monday"."""
    before = text[max(0, s - 12):s].lower()
    m = re.search(r"(?:^|[\s\"'‘“(])((?:late|early) on |late |early |every |each )$", before)
    if m:
        s -= len(m.group(1))
    after = text[e:e + 12].lower()
    m = re.match(r" (morning|afternoon|evening|night)\b", after)
    if m and re.search(r"(?:today|yesterday|tomorrow|day)$", text[s:e].lower()):
        e += m.end()
    return s, e


def _date_times(doc: Doc, text: str, found: list[tuple[int, int, Resolution]]
                ) -> list[tuple[int, int, Resolution]]:
    """A clock time takes its day from a day expression in the same sentence ("yesterday at
    9 a.m."), else from the last day the story named before it, else the publication date."""
    out = []
    sents = list(doc.sents)
    starts = [sent.start for sent in sents]
    for s, e, res in found:
        if res.type == "TIME" and res.granularity == "time" and res.value and not re.search(
            r"(?:today|yesterday|tomorrow|day|" + WEEKDAY_RE + ")", text[s:e], re.I
        ):
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is not None:
                sent = sents[bisect.bisect_right(starts, span.start) - 1]
                dated = [(s2, r2) for s2, _, r2 in found
                         if r2 is not res and r2.granularity == "day"
                         and r2.range_start is not None and r2.value and r2.type == "DATE"]
                same = [(abs(s2 - s), r2) for s2, r2 in dated
                        if sent.start_char <= s2 < sent.end_char]
                # else the day the story last named (TempEval's reference time)
                before = [(s - s2, r2) for s2, r2 in dated if s2 < s]
                if same or before:
                    day = min(same or before, key=lambda x: x[0])[1]
                    assert day.range_start is not None
                    res = Resolution("TIME", day.range_start.isoformat() + res.value[10:],
                                     day.range_start, day.range_end, "time", True)
        out.append((s, e, res))
    return out


def _tense(span: Span, prev: str = "") -> bool | None:
    """True when the clause the expression belongs to speaks of the future ("will meet on
    Tuesday"), False when of the past ("met on Tuesday"), None when it does not say."""
    if re.search(r"\b(?:next|coming|upcoming)\b", span.text, re.I):
        return True
    tok = span.root
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    # "results are expected by Thursday", "called a rally for Saturday", "a strike from Sunday"
    # (but "shares bought from Sept. 14 to Thursday": a participle of what is done)
    if (prev in ("by", "until", "till") or (prev == "for" and not BARE_MONTH_RE.fullmatch(
        span.text
    )) or (prev == "from" and tok.tag_ != "VBD" and not (
        tok.tag_ == "VBN" and tok.dep_ == "acl"
    ))) and not any(c.lower_ == "had" for c in tok.children):
        return True
    tok = span.root
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")]
    if any(a in ("will", "'ll", "shall", "wo", "’ll", "would") for a in auxes):
        return True
    if "had" in auxes or _under_pluperfect(tok):
        return False
    if tok.lemma_ in ("expect", "schedule", "plan", "due") or (
        tok.lemma_ == "set" and prev == "for"  # "a record set on Aug. 6" is past
    ) or any(
        # the verb or adjective only: "announced the plan Aug. 21" is past
        c.lemma_ in ("expect", "schedule", "plan", "due") and c.pos_ in ("VERB", "AUX", "ADJ")
        for c in tok.children
    ):
        return True
    if tok.head.lower_ == "going" and any(c.lower_ == "to" for c in tok.children):
        return True
    if auxes == ["to"] and _under_past_verb(tok):
        # "extended their offers to acquire the maker Friday", "celebrations to mark the
        # entry into NATO on Friday": an infinitive under a past verb does not say when
        return None
    if any(a in ("to", "should", "may", "might", "could", "would", "must", "can", "shall")
           for a in auxes):
        return None if any(a in ("could", "might") for a in auxes) else True
    if tok.tag_ == "VBD" or any(a in ("had", "was", "were", "did") for a in auxes):
        return False
    if tok.tag_ in ("VBZ", "VBP") and not auxes and tok.lemma_ not in REPORTING_LEMMAS and (
        re.fullmatch(WEEKDAY_RE, span.text, re.I)
    ):
        return True  # "Arafat meets Netanyahu Monday": news present for a coming day
    return None


FUTURE_LEMMAS = frozenset(("expect", "schedule", "plan", "due", "agree", "promise", "vow",
                           "pledge", "threaten", "intend", "aim", "hope", "want", "decide",
                           "vote", "seek", "offer", "ask", "order", "urge", "call", "set"))


def _under_past_verb(tok: Token) -> bool:
    """An infinitive whose governing clause is in the simple past and is not a plan, promise
    or request (which look ahead: "agreed to meet Friday")."""
    for _ in range(3):
        if tok.head is tok:
            return False
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            past = tok.tag_ == "VBD" or (tok.tag_ == "VBN" and any(
                c.lower_ in ("was", "were", "had") for c in tok.children))
            return past and tok.lemma_ not in FUTURE_LEMMAS
    return False


def _under_pluperfect(tok: Token) -> bool:
    """"It had been due to expire Friday": a plan made in the past for a time now past."""
    for _ in range(3):
        if tok.head is tok:
            return False
        tok = tok.head
        if any(c.lower_ == "had" and c.dep_ == "aux" for c in tok.children):
            return True
    return False


def _event_date(doc: Doc, head_lemma: str, times: list[tuple[int, Resolution]]
                ) -> date | None:
    stem = EVENT_STEMS.get(head_lemma, head_lemma[:5])
    text = doc_words(doc).text
    for sent in doc.sents:
        low = text[sent.start_char:sent.end_char].lower()  # Span.text, not rebuilt
        if stem not in low:
            continue
        for start, res in times:
            if sent.start_char <= start < sent.end_char and res.granularity == "day" and (
                res.range_start is not None
            ):
                return res.range_start
    return None


def extract_from_doc(doc: Doc, article_id: str, published: str | None,
                     text: str | None = None) -> list[TimeExpression]:
    """``text`` is ``doc.text`` when the caller has it already (spaCy rebuilds it per read)."""
    if text is None:
        text = doc.text
    anchor = anchor_date(published, text)
    anchor_iso = anchor.isoformat() if anchor else None
    found: list[tuple[int, int, Resolution]] = []
    pieces: list[tuple[int, int]] = []
    for s0, e0 in _candidates(doc, text):
        s, e = _trim(text, s0, e0)
        m = DASH_SPLIT_RE.search(text[s:e])
        if m:
            e = s + m.start()
        # "Saturday and Sunday", "June to September": two expressions
        parts = _split_conjoined(text, s, e, anchor)
        pieces.extend(parts)
    pieces = _join_clock_and_day(text, pieces)
    reference_quarter: tuple[int, int] | None = None
    period_mentions = [(m.start(), not m.group().lower().startswith("quarter"))
                       for m in PERIOD_MENTION_RE.finditer(text)]
    period_starts = [p for p, _ in period_mentions]
    last_date: Resolution | None = None  # the date the story last named
    for s, e in pieces:
        s, e = _extend(text, *_strip_leading(text, s, e))
        if e <= s or AGE_RE.match(text[s:e]):
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        prev_tok = doc[span.start - 1].text if span is not None and span.start > 0 else ""
        prev_lower = prev_tok.lower()
        possessive = text[e:e + 2] in ("'s", "’s")
        if prev_lower in ("since", "ended"):
            future: bool | None = False
        elif prev_lower in ("payable", "effective") or AS_SOON_AS_RE.search(
            text, max(0, s - 16), s
        ) or (
            prev_lower == "record" and span is not None and span.start > 1
            and doc[span.start - 2].lower_ == "of"
        ):
            # dividend and contract dates ("payable Dec. 7 to stock of record Nov. 22",
            # "effective Feb. 1") lie ahead even when the clause is in the past tense
            future = True
        elif span is not None:
            future = _tense(span, prev_lower)
        else:
            future = True if FUTURE_RE.search(text[s:e]) else None
        if possessive and future and span is not None and not re.search(
            r"\b(?:next|coming|upcoming)\b", text[s:e], re.I
        ) and not any(c.lower_ in ("will", "'ll", "’ll", "shall") for c in span.root.head.children):
            # news convention: "Thursday's air strike" is the one that has happened
            future = False
        if text[s:e].lower() == "quarterly" and span is not None and span.root.dep_ == "amod":
            continue  # "a quarterly dividend": what is paid, not when (TimeML leaves it out)
        if LOWER_MONTH_WORD_RE.fullmatch(text[s:e]) or TITLE_UNIT_RE.fullmatch(text[s:e]):
            continue  # "joined the march"
        res = resolve_fiscal(text[s:e], anchor, reference_quarter)
        last_period = bisect.bisect_left(period_starts, s) - 1
        back = STRETCH_BACK_RE.fullmatch(text[s:e].lower().strip(" ,.;:"))
        if back and res is not None and res.granularity == "quarter" and res.value and (
            res.value[:4].isdigit() and last_period >= 0 and period_mentions[last_period][1]
        ):
            y = int(res.value[:4])
            res = Resolution("DATE", str(y), date(y, 1, 1), date(y, 12, 31), "year", True)
        if res is None and last_date is not None:
            res = resolve_from(text[s:e], last_date)
        if res is None:
            res = resolve(text[s:e], anchor, future=future, preceded_by=prev_tok)
        # "XXXX-Q3" without an anchor (no publication date) has no year to refer back to
        if res is not None and res.granularity == "quarter" and res.value and res.value[
            -1
        ].isdigit() and res.value[:4].isdigit() and not YEAR_BACK_RE.search(
            text[s:e].lower()
        ) and not YEAR_RE.search(text[s:e]) and (
            anchor is None or res.range_end is None or res.range_end < anchor
            or future is False  # "reported a decline in fourth-quarter earnings": a fiscal one
        ):
            # the quarter the story reports on: "a year earlier" and "the period" refer to it
            reference_quarter = (int(res.value[:4]), int(res.value[-1]))
        if res is None and anchor is None and TEMPORAL_WORD_RE.search(text[s:e]):
            # relative to a publication date we do not have: kept, never guessed
            res = Resolution("DATE", None, None, None, None, False)
        elif res is None or (res.value is None and not res.resolved):
            continue  # "its third month", "the season": no time the reader can place
        if res.granularity == "year" and PERIOD_END_RE.match(text, e) and re.search(
            r"\byear$", text[s:e], re.I
        ):
            res = Resolution("DURATION", "P1Y", None, None, "year", True)  # a fiscal year
        if res.type in ("DATE", "TIME") and prev_lower == "for" and res.value and (
            res.value.startswith("P")
        ):
            res = Resolution("DURATION", res.value, None, None, res.granularity, True)
        found.append((s, e, res))
        if res.type == "DATE" and res.granularity in ("day", "month") and res.value and (
            res.value[:4].isdigit()
        ) and not re.search(r"\b(?:today|yesterday|tomorrow|tonight)\b", text[s:e], re.I):
            last_date = res
    found = _date_times(doc, text, found)
    # "since <event>": an open range from the event (when the article dates it) to publication
    dated = [(s, r) for s, _, r in found]
    since = np.flatnonzero(doc.to_array(LOWER) == _SINCE_KEY).tolist() if len(doc) else []
    for tok in (doc[i] for i in since):
        if tok.dep_ != "prep":
            continue
        pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if pobj is None or pobj.pos_ not in ("NOUN", "PROPN") or pobj.ent_type_ in ("DATE",
                                                                                   "TIME"):
            continue
        s, e = tok.idx, pobj.idx + len(pobj.text)
        if any(a < e and s < b for a, b, _ in found):
            continue
        start = _event_date(doc, pobj.lemma_.lower(), dated)
        if start is not None and anchor is not None:
            res = Resolution(EVENT_RANGE, start.isoformat(), start, anchor, "day", True)
        else:
            res = Resolution(EVENT_RANGE, None, None, anchor, None, False)
        found.append((s, e, res))
    out: list[TimeExpression] = []
    for s, e, res in sorted(found, key=lambda x: x[0]):
        out.append(TimeExpression(
            id=stable_id(article_id, "time", s, e),
            article_id=article_id,
            start=s,
            end=e,
            extractor=EXTRACTOR,
            text=text[s:e],
            type=res.type,
            value=res.value,
            range_start=res.range_start.isoformat() if res.range_start else None,
            range_end=res.range_end.isoformat() if res.range_end else None,
            granularity=res.granularity,
            anchor=anchor_iso,
            resolved=res.resolved,
        ))
    return out


def extract(parsed: ParsedDocument) -> dict[str, Sequence[Record]]:
    return {"times": extract_from_doc(parsed.doc, parsed.article.id, parsed.article.published,
                                      parsed.text)}
