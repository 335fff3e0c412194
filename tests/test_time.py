"""Time: expressions resolved against the publication date, datelines, never guessing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pressgraph.extract.time import anchor_date, extract_from_doc
from pressgraph.extract.time.resolve import resolve
from pressgraph.model import TimeExpression

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "isis-prisoners-escape.txt"
MEANTIME = Path(__file__).resolve().parents[2] / "shared" / "eval" / "news" / "meantime"
PUB = date(2019, 10, 23)  # a Wednesday


@pytest.fixture(scope="module")
def nlp():
    from pressgraph.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="module")
def times(nlp):
    def run(text: str, published: str | None = "2019-10-23") -> list[TimeExpression]:
        return extract_from_doc(nlp(text), "test", published)

    return run


@pytest.fixture(scope="module")
def sample() -> list[TimeExpression]:
    from pressgraph.pipeline import parse_text

    text = SAMPLE.read_text(encoding="utf-8")
    parsed = parse_text(text, raw=False, published="2019-10-23", extractors=["time"])
    return list(parsed.extraction.times)


def by_text(records: list[TimeExpression], text: str) -> TimeExpression:
    found = [t for t in records if t.text == text]
    assert found, [t.text for t in records]
    return found[0]


# --- the reference article ---------------------------------------------------------------


def test_sample_today_and_yesterday(sample):
    today = [t for t in sample if t.text == "today"]
    assert today and all(t.value == "2019-10-23" and t.granularity == "day" for t in today)
    y = by_text(sample, "yesterday")
    assert (y.value, y.range_start, y.range_end, y.resolved) == (
        "2019-10-22", "2019-10-22", "2019-10-22", True)
    assert all(t.anchor == "2019-10-23" for t in sample)


def test_sample_last_month(sample):
    t = by_text(sample, "last month")
    assert (t.value, t.range_start, t.range_end, t.granularity) == (
        "2019-09", "2019-09-01", "2019-09-30", "month")


def test_sample_earlier_this_month(sample):
    t = by_text(sample, "earlier this month")
    assert (t.value, t.range_start, t.range_end) == ("2019-10", "2019-10-01", "2019-10-22")


def test_sample_since_the_invasion_is_open_and_unresolved(sample):
    t = by_text(sample, "since Turkey’s invasion")
    # an event-anchored range, not a TIMEX3: kept as a record, typed apart
    assert t.type == "EVENT_RANGE" and not t.resolved and t.value is None
    assert t.range_end == "2019-10-23" and t.range_start is None


# --- resolution rules -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "start", "end"),
    [
        ("today", "2019-10-23", "2019-10-23", "2019-10-23"),
        ("yesterday", "2019-10-22", "2019-10-22", "2019-10-22"),
        ("tomorrow", "2019-10-24", "2019-10-24", "2019-10-24"),
        ("Tuesday", "2019-10-22", "2019-10-22", "2019-10-22"),
        ("on Monday", "2019-10-21", "2019-10-21", "2019-10-21"),
        ("last week", "2019-W42", "2019-10-14", "2019-10-20"),
        ("this week", "2019-W43", "2019-10-21", "2019-10-27"),
        ("next week", "2019-W44", "2019-10-28", "2019-11-03"),
        ("last month", "2019-09", "2019-09-01", "2019-09-30"),
        ("earlier this month", "2019-10", "2019-10-01", "2019-10-22"),
        ("later this year", "2019", "2019-10-24", "2019-12-31"),
        ("last year", "2018", "2018-01-01", "2018-12-31"),
        ("two days ago", "2019-10-21", "2019-10-21", "2019-10-21"),
        ("three months ago", "2019-07", "2019-07-01", "2019-07-31"),
        ("2019", "2019", "2019-01-01", "2019-12-31"),
        ("March 2018", "2018-03", "2018-03-01", "2018-03-31"),
        ("9 October 2019", "2019-10-09", "2019-10-09", "2019-10-09"),
        ("Oct. 9, 2019", "2019-10-09", "2019-10-09", "2019-10-09"),
        ("2019-10-09", "2019-10-09", "2019-10-09", "2019-10-09"),
        ("10/09/2019", "2019-10-09", "2019-10-09", "2019-10-09"),
        ("the third quarter", "2019-Q3", "2019-07-01", "2019-09-30"),
        ("the 1990s", "199", "1990-01-01", "1999-12-31"),
        ("last summer", "2018-SU", "2018-06-01", "2018-08-31"),
    ],
)
def test_resolve_dates(text, value, start, end):
    res = resolve(text, PUB)
    assert res is not None and res.resolved
    assert (res.value, str(res.range_start), str(res.range_end)) == (value, start, end)


@pytest.mark.parametrize(
    ("text", "type_", "value"),
    [
        ("three days", "DURATION", "P3D"),
        ("the past two weeks", "DURATION", "P2W"),
        ("18 months", "DURATION", "P18M"),
        ("several years", "DURATION", "PXY"),
        ("48 hours", "DURATION", "PT48H"),
        ("annually", "SET", "P1Y"),
        ("every Monday", "SET", "P1W"),
        ("this morning", "TIME", "2019-10-23TMO"),
        ("3 p.m.", "TIME", "2019-10-23T15:00"),
        ("recently", "DATE", "PAST_REF"),
    ],
)
def test_resolve_other_types(text, type_, value):
    res = resolve(text, PUB)
    assert res is not None and (res.type, res.value) == (type_, value)


def test_weekday_follows_tense(times):
    past = by_text(times("Talks ended on Tuesday."), "Tuesday")
    assert past.value == "2019-10-22"
    future = by_text(times("Talks will resume on Friday."), "Friday")
    assert future.value == "2019-10-25"


def test_duration_after_for(times):
    t = by_text(times("He was held for three days."), "three days")
    assert (t.type, t.value) == ("DURATION", "P3D")


def test_since_a_dated_event_is_an_open_range(times):
    records = times("The offensive began on October 9. Since the offensive, 300 people fled.")
    t = by_text(records, "Since the offensive")
    assert t.type == "EVENT_RANGE" and t.resolved and t.value == "2019-10-09"
    assert (t.range_start, t.range_end) == ("2019-10-09", "2019-10-23")


def test_clock_time_takes_the_day_of_its_sentence(times):
    t = by_text(times("The blast happened yesterday at 9 a.m."), "9 a.m.")
    assert t.value == "2019-10-22T09:00"


# --- the anchor: publication date, dateline, or nothing -------------------------------


def test_no_publication_date_leaves_relative_unresolved(times):
    records = times("Rebels attacked the town yesterday and on March 3, 2018.", published=None)
    y = by_text(records, "yesterday")
    assert not y.resolved and y.value is None and y.anchor is None
    assert by_text(records, "March 3, 2018").value == "2018-03-03"


def test_dateline_with_year_is_the_anchor(times):
    text = "CAIRO, March 3, 2019 (Reuters) - Protesters marched yesterday."
    assert anchor_date(None, text) == date(2019, 3, 3)
    assert by_text(times(text, published=None), "yesterday").value == "2019-03-02"


def test_dateline_without_year_is_not_guessed(times):
    text = "CAIRO, March 3 (Reuters) - Protesters marched yesterday."
    assert anchor_date(None, text) is None
    assert not by_text(times(text, published=None), "yesterday").resolved


def test_published_datetime_is_accepted():
    assert anchor_date("2019-10-23T14:05:00Z", "") == PUB


def test_dateline_is_cut_from_the_story(times):
    records = times("TRIPOLI, Aug 8 - A truce held today.", published="2023-08-08")
    assert by_text(records, "Aug 8").value == "2023-08-08"


def test_offsets_index_the_text(times):
    text = "Last week, 20 people died; talks resume next Monday."
    for t in times(text):
        assert text[t.start:t.end] == t.text
        assert t.extractor == "time@4"


@pytest.mark.skipif(not MEANTIME.is_dir(), reason="MEANTIME not available")
def test_meantime_loader_offsets():
    from pressgraph.evaluate.time import load_meantime_doc

    path = sorted(MEANTIME.rglob("*.xml"))[0]
    doc = load_meantime_doc(path)
    assert doc.published == "2008-03-01"
    assert doc.timexes and all(0 <= g.start < g.end <= len(doc.text) for g in doc.timexes)


def test_candidate_patterns_find_what_they_would_without_their_first_letter_test():
    import re

    from pressgraph.extract.time import DURATION_CANDIDATE_RE, EXTRA_FIRST, EXTRA_RE

    text = (
        "Recently, currently and in the near future; in the past, annually, now. Every "
        "morning, each year, last Thanksgiving Day, on Christmas Day, New Year's Day and "
        "Independence Day. Earlier this week, later last month, mid-March, late-june, at 10:30 "
        "p.m. UTC, next Monday evening, this Tuesday, Wednesday, THURSDAY night, Friday, "
        "Saturday, sunday. The latest quarter, this year's fiscal-first quarter, 2015 second "
        "period, the same period, corresponding quarter, that quarter, year-earlier, "
        "year-ago, the current fiscal year, the year, today, yesterday, tomorrow, tonight, "
        "overnight, year-on-year, 0930 GMT, 12/3/2019, 2019-03-12, ſame period, CURRENT "
        "quarter. For two more weeks, about three days, a month after, 15 full years, "
        "eleven hours, sixty minutes, an hour, one decade, forty consecutive days."
    )
    plain_extra = re.compile(EXTRA_RE.pattern.removeprefix(EXTRA_FIRST), re.I)
    plain_duration = re.compile(
        DURATION_CANDIDATE_RE.pattern.replace(r"(?=[aefnost\d])", "", 1), re.I)
    for fast, plain in ((EXTRA_RE, plain_extra), (DURATION_CANDIDATE_RE, plain_duration)):
        assert fast.pattern != plain.pattern
        spans = [m.span() for m in plain.finditer(text)]
        assert len(spans) >= 8
        assert [m.span() for m in fast.finditer(text)] == spans
