"""Time against TimeML conventions: earnings periods, the story's reference quarter, weekdays
by news convention, present references, and the TimeML loader of ``evaluate time``."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressgraph.extract.time import extract_from_doc
from pressgraph.model import TimeExpression


@pytest.fixture(scope="module")
def times():
    from pressgraph.nlp import load_pipeline

    nlp = load_pipeline()

    def run(text: str, published: str) -> dict[str, TimeExpression]:
        return {t.text: t for t in extract_from_doc(nlp(text), "test", published)}

    return run


def test_possessive_weekday_in_a_report_is_the_past_one(times):
    # published on a Sunday: the air strike happened on the Thursday before
    found = times("The toll from Thursday's air strike on the market town has risen to 51, "
                  "the health ministry said.", "2024-03-10")
    assert found["Thursday"].value == "2024-03-07"


def test_future_weekday_named_on_that_weekday_is_the_same_day(times):
    found = times("The minister will meet the unions on Friday.", "2024-03-08")  # a Friday
    assert found["Friday"].value == "2024-03-08"


def test_year_ago_refers_to_the_quarter_the_story_reports(times):
    found = times("Acme Corp. said its third-quarter profit rose 12% to $40 million. A year "
                  "earlier, the company earned $35.7 million. Sales in the quarter climbed 5%.",
                  "1997-10-21")
    assert found["third-quarter"].value == "1997-Q3"
    assert found["A year earlier"].value == "1996-Q3"
    assert found["the quarter"].value == "1997-Q3"


def test_year_ago_without_a_quarter_is_last_year(times):
    found = times("A year ago the town had no bus service.", "2019-10-23")
    assert found["A year ago"].value == "2018"


def test_period_and_its_last_day_are_two_expressions(times):
    found = times("Net income for the quarter ended Sept. 30 fell to $2 million, and revenue "
                  "for the year ended March 31 was $80 million.", "1997-10-21")
    assert found["the quarter"].value == "1997-Q3"
    assert found["Sept. 30"].value == "1997-09-30"
    assert (found["the year"].type, found["the year"].value) == ("DURATION", "P1Y")
    assert found["March 31"].value == "1997-03-31"


def test_a_year_range_is_two_years(times):
    found = times("He ran the agency from 1991 to 1996.", "2019-10-23")
    assert (found["1991"].value, found["1996"].value) == ("1991", "1996")


def test_present_and_past_references(times):
    found = times("The plant is now closed after recent floods; its current owner plans to "
                  "sell it soon.", "2019-10-23")
    assert found["now"].value == "PRESENT_REF"
    assert found["recent"].value == "PAST_REF"
    assert found["current"].value == "PRESENT_REF"


def test_a_current_account_is_not_a_time(times):
    found = times("The current account deficit widened.", "2019-10-23")
    assert "current" not in found


TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>TEST1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-02-13"
 functionInDocument="CREATION_TIME">1998-02-13</TIMEX3></DCT>
<TEXT>
The port reopened <TIMEX3 tid="t1" type="DATE" value="1998-02-12">Thursday</TIMEX3> after
<TIMEX3 tid="t2" type="DURATION" value="P3D">three days</TIMEX3> of
<EVENT eid="e1">storms</EVENT> &amp; floods.
</TEXT>
</TimeML>
"""


def test_timeml_loader_keeps_offsets_into_the_text(tmp_path: Path):
    from pressgraph.evaluate.time import load_timeml_doc

    path = tmp_path / "TEST1.tml"
    path.write_text(TIMEML, encoding="utf-8")
    doc = load_timeml_doc(path)
    assert doc.published == "1998-02-13"
    assert [doc.text[g.start:g.end] for g in doc.timexes] == ["Thursday", "three days"]
    assert [(g.type, g.value) for g in doc.timexes] == [("DATE", "1998-02-12"),
                                                        ("DURATION", "P3D")]
    assert "storms</EVENT>" not in doc.text and "storms & floods" in doc.text


def test_evaluate_scores_a_timeml_directory(tmp_path: Path):
    from pressgraph.evaluate.time import evaluate

    (tmp_path / "TEST1.tml").write_text(TIMEML, encoding="utf-8")
    report = evaluate(tmp_path)
    assert report.counts["gold"] == 2 and "corpus: timeml" in report.notes
    assert report.metrics["span_relaxed_f1"] == 100.0
    assert report.metrics["value_f1"] == 100.0


def test_clock_time_and_its_day_are_one_expression(times):
    found = times("The shop was robbed at 10 p.m. Wednesday, and talks broke off at noon "
                  "Thursday.", "1998-02-13")
    assert (found["10 p.m. Wednesday"].type, found["10 p.m. Wednesday"].value) == (
        "TIME", "1998-02-11T22:00")
    assert found["noon Thursday"].value == "1998-02-12T12:00"


def test_a_day_named_again_resolves_against_the_last_date(times):
    found = times("The mayor was shot on Oct. 23, 1998. Earlier that day, his office had "
                  "received a letter. Three days later police found the car.", "1999-05-06")
    assert found["Earlier that day"].value == "1998-10-23"
    assert found["Three days later"].value == "1998-10-26"


def test_spoken_years_centuries_and_halves(times):
    found = times("In nineteen ninety-six a bomb went off; the temple dates from the 11th "
                  "century, and the refugees waited 2 1/2 years.", "1998-03-01")
    assert found["nineteen ninety-six"].value == "1996"
    assert found["the 11th century"].value == "10"
    assert found["2 1/2 years"].value == "P2Y6M"


def test_earlier_weekday_and_month_of_last_year(times):
    found = times("Earlier Friday, lawyers filed a petition. In June last year the family "
                  "fled.", "2000-01-08")
    assert found["Earlier Friday"].value == "2000-01-07"
    assert found["June last year"].value == "1999-06"


def test_recent_years_is_a_past_reference(times):
    found = times("Prices have doubled in recent years.", "2019-10-23")
    assert found["recent years"].value == "PAST_REF"


def test_news_present_before_a_weekday_is_the_coming_one(times):
    found = times("The two leaders meet separately Monday with the envoy.", "1998-05-01")
    assert found["Monday"].value == "1998-05-04"


def test_evaluate_skips_a_broken_timeml_file_and_says_so(tmp_path: Path):
    from pressgraph.evaluate.time import evaluate

    (tmp_path / "TEST1.tml").write_text(TIMEML, encoding="utf-8")
    (tmp_path / "BROKEN.tml").write_text("<TimeML><TEXT>on <TIMEX3>Friday</TEXT>",
                                         encoding="utf-8")
    report = evaluate(tmp_path)
    assert report.counts["documents"] == 1
    assert any(n.startswith("skipped, not readable as TimeML: BROKEN.tml") for n in report.notes)


def test_a_noun_plan_does_not_make_a_past_clause_future(times):
    found = times("The bank disclosed the merger plan Aug. 14.",
                  "1991-10-28")
    assert found["Aug. 14"].value == "1991-08-14"


def test_payment_and_record_dates_lie_ahead_even_in_a_past_clause(times):
    found = times("The board declared a dividend of ten cents, payable Dec. 3 to holders of "
                  "record Nov. 19.", "1991-10-28")
    assert found["Dec. 3"].value == "1991-12-03"
    assert found["Nov. 19"].value == "1991-11-19"


def test_an_effective_date_in_a_past_clause_is_the_coming_one(times):
    found = times("The two firms signed a supply contract, effective March 1.", "1991-10-28")
    assert found["March 1"].value == "1992-03-01"


def test_an_untensed_month_leans_to_the_past_unless_it_is_close_ahead(times):
    # October: March is 7 months back and 5 ahead, so the past one; November is next month
    found = times("Shares recovered from the March low. The November meeting is crucial.",
                  "1991-10-28")
    assert found["March"].value == "1991-03"
    assert found["November"].value == "1991-11"


def test_at_least_and_no_more_than_keep_the_duration(times):
    found = times("The lenders must wait at least 45 days. Inspectors may stay no more than "
                  "ten days.", "1991-10-28")
    # the bound is left out of the span, as with "about" and "nearly"
    assert found["45 days"].value == "P45D"
    assert found["ten days"].value == "P10D"


def test_a_year_earlier_after_a_nine_month_stretch_is_the_year(times):
    found = times("Profit fell 8% in the third quarter. For the first nine months, profit was "
                  "$91 million, against $80 million a year earlier.", "1991-10-28")
    assert found["the third quarter"].value == "1991-Q3"
    assert found["a year earlier"].value == "1990"


def test_a_year_earlier_after_a_quarter_is_still_that_quarter(times):
    found = times("Profit fell 8% in the third quarter from $12 million a year earlier.",
                  "1991-10-28")
    assert found["a year earlier"].value == "1990-Q3"


def test_as_soon_as_a_weekday_is_the_coming_one(times):
    found = times("The delegation could arrive as early as Thursday, officials said.",
                  "1991-10-28")
    assert found["Thursday"].value == "1991-10-31"


def test_now_before_that_is_still_the_present(times):
    found = times("The port is the only outlet now that the border is closed.", "1991-10-28")
    assert found["now"].value == "PRESENT_REF"


def test_between_now_and_a_date_is_two_expressions(times):
    found = times("The envoy may not leave between now and Nov. 20.", "1991-10-28")
    assert found["now"].value == "PRESENT_REF"
    assert found["Nov. 20"].value == "1991-11-20"


def test_a_day_within_a_month_of_publication_beats_the_tense(times):
    found = times("The minister gave no reason for the Nov. 12 deadline.", "1991-11-02")
    assert found["Nov. 12"].value == "1991-11-12"
    found = times("The rebels must disarm by Oct. 30, the envoy said.", "1991-11-02")
    assert found["Oct. 30"].value == "1991-10-30"


def test_stretches_of_vague_length_are_durations(times):
    found = times("Lenders may sell more bonds in the weeks ahead. A few days later, the bank "
                  "cut its rate.", "1991-10-28")
    assert found["the weeks ahead"].value == "PXW"
    assert found["A few days later"].value == "PXD"


def test_previous_weekday_and_this_past_season(times):
    # published on a Monday: "the previous Friday" is the one before last Friday
    found = times("The index fell 2% from the previous Friday. The plant was sold this past "
                  "spring.", "1991-10-28")
    assert found["the previous Friday"].value == "1991-10-18"
    assert found["this past spring"].value == "1991-SP"


def test_a_bare_holiday_is_a_day_only_when_used_as_a_time(times):
    found = times("Shops did well last Christmas. Strong Christmas sales lifted profit.",
                  "1991-10-28")
    assert found["last Christmas"].value == "1990-12-25"
    assert sum(1 for t in found.values() if t.text == "Christmas") == 0


def test_the_end_of_this_week_is_the_week(times):
    found = times("The firm will mail the papers at the end of this week.", "1991-10-28")
    assert found["the end of this week"].value == "1991-W44"


def test_a_weekday_under_a_pluperfect_plan_is_the_past_one(times):
    # published on a Monday: the offer "had been due to expire" last Friday
    found = times("The offer was extended. It had been due to expire Friday evening.",
                  "1991-10-28")
    assert found["Friday evening"].value == "1991-10-25TEV"


def test_each_year_of_a_list_is_its_own_expression(times):
    found = times("Margins should improve in both 1992 and 1993. The plant ran at a loss in "
                  "1986, 1987 and 1988.", "1991-10-28")
    assert {k: v.value for k, v in found.items()} == {
        "1992": "1992", "1993": "1993", "1986": "1986", "1987": "1987", "1988": "1988"}


def test_a_quarter_in_an_undated_report_does_not_stop_the_extractor() -> None:
    from pressgraph.pipeline import parse_text

    text = ("The retailer said sales fell in the third quarter. A year earlier the quarter "
            "had been its best, and the company expects the current quarter to be weaker. "
            "Profit for the first nine months rose, against a loss a year earlier.")
    times = parse_text(text, published=None, extractors=["time"]).extraction.times
    quarters = [t for t in times if t.granularity == "quarter"]
    assert quarters and all(t.value is None or t.value.startswith("XXXX") for t in quarters)


TIMEML_SINCE = """<?xml version="1.0" ?>
<TimeML>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-02-13"
 functionInDocument="CREATION_TIME">1998-02-13</TIMEX3></DCT>
<TEXT>
The rebels began the offensive on <TIMEX3 tid="t1" type="DATE" value="1998-02-02">Feb. 2</TIMEX3>.
Since the offensive, thousands of villagers have left their farms.
</TEXT>
</TimeML>
"""


def test_an_event_anchored_range_is_a_record_but_not_a_timex3(tmp_path: Path, times):
    from pressgraph.evaluate.time import evaluate

    text = ("The rebels began the offensive on Feb. 2. Since the offensive, thousands of villagers "
            "have left their farms.")
    found = times(text, "1998-02-13")
    since = found["Since the offensive"]
    # the user still gets the range from the dated event to publication
    assert (since.type, since.value, since.range_start, since.range_end) == (
        "EVENT_RANGE", "1998-02-02", "1998-02-02", "1998-02-13")
    (tmp_path / "SINCE.tml").write_text(TIMEML_SINCE, encoding="utf-8")
    report = evaluate(tmp_path)
    # TimeML marks "since" as a signal and "offensive" as an event: no TIMEX3 to match
    assert report.counts["predicted"] == 1 and report.metrics["value_f1"] == 100.0


def test_a_holiday_in_an_untensed_clause_is_the_nearer_one_looking_back():
    from datetime import date

    from pressgraph.extract.time.resolve import resolve

    # early January: the Thanksgiving just gone, not the one eleven months ahead
    assert resolve("Thanksgiving Day", date(2000, 1, 7)).value == "1999-11-25"
    # a clause in the future tense still means the next one
    assert resolve("Thanksgiving Day", date(2000, 1, 7), future=True).value == "2000-11-23"
    # mid-December: Christmas a week ahead is nearer than last year's by far
    assert resolve("Christmas Day", date(2000, 12, 18)).value == "2000-12-25"


def test_a_participle_from_a_date_is_what_was_done(times):
    # published in late October: the shares were bought from mid-September on, not next year
    found = times("The investor holds 504,000 shares, including 250,000 bought from Sept. 14 "
                  "to Thursday for $15 each.", "1989-10-30")
    assert found["Sept. 14"].value == "1989-09-14"


def test_a_month_after_for_is_the_period_a_figure_covers(times):
    found = times("The hiring figures for January extended a run of strong gains.",
                  "1998-02-06")
    assert found["January"].value == "1998-01"
    # a day after "for" is still the day something is set for
    found = times("Organisers called another march for Saturday.", "1998-02-04")
    assert found["Saturday"].value == "1998-02-07"


def test_a_dateline_a_day_before_publication_is_the_day_of_writing(times):
    from datetime import date

    from pressgraph.extract.time import anchor_date

    text = ("VIENNA, March 12 (Xinhua) -- Crowds filled the squares to mark the country's "
            "entry into the union on Friday.")
    # the wire published it on Saturday the 13th; the story was written on Friday the 12th
    assert anchor_date("1999-03-13", text) == date(1999, 3, 12)
    assert times(text, "1999-03-13")["Friday"].value == "1999-03-12"
    # a dateline on the day of publication, or far from it, leaves the publication date
    assert anchor_date("1999-03-12", text) == date(1999, 3, 12)
    assert anchor_date("1999-04-20", text) == date(1999, 4, 20)


def test_an_infinitive_under_a_past_verb_does_not_make_a_weekday_future(times):
    # published on a Monday: the bidders extended their offers on the Friday just gone
    found = times("Two rival bidders extended their offers to acquire the drug maker Friday.",
                  "1989-10-30")
    assert found["Friday"].value == "1989-10-27"
    # a plan or promise still looks ahead
    found = times("The unions agreed to meet the minister Friday.", "1989-10-30")
    assert found["Friday"].value == "1989-11-03"


def test_durations_spacy_leaves_unmarked(times):
    found = times("The navy may use the base for at least 20 more years. The inspectors' tour "
                  "is likely to last over a week. The boy will stay for two more weeks.",
                  "1998-02-27")
    assert found["20 more years"].value == "P20Y"
    assert found["a week"].value == "P1W"
    assert found["two more weeks"].value == "P2W"
    # "will one day be" is some day, not a stretch of one day
    assert "one day" not in times("The town will one day be a city.", "1998-02-27")


def test_a_fiscal_quarter_reported_in_the_past_tense_is_the_reference(times):
    # early November: "fourth-quarter earnings" already reported are a fiscal quarter, and
    # "a year earlier" and "the latest period" refer to it
    found = times("Acme Foods reported a 47% decline in fourth-quarter earnings. The company "
                  "earned $45.2 million, compared with $84.9 million a year earlier. Sales in "
                  "the latest period were $1.76 billion.", "1989-11-02")
    assert found["fourth-quarter"].value == "1989-Q4"
    assert found["a year earlier"].value == "1988-Q4"
    assert found["the latest period"].value == "1989-Q4"


def test_a_lowercase_march_and_a_show_title_are_not_times(times):
    found = times("He was arrested at this march in each of the last three years. The mayor "
                  "spoke on CBS's 60 Minutes about it.", "1999-01-22")
    assert "this march" not in found and "60 Minutes" not in found


def test_the_following_year_counts_from_the_date_last_named(times):
    found = times("On May 22, 1995, the colonel was made a general, and the following year he "
                  "was sent to Washington. In March 1996 the firm hired advisers. The following "
                  "month, it put itself up for sale.", "1998-04-18")
    assert found["the following year"].value == "1996"
    assert found["The following month"].value == "1996-04"


def test_by_year_end_is_the_year(times):
    found = times("The rules should be in place by year's end, and the plant will close by year "
                  "end.", "1989-10-26")
    assert found["year's end"].value == "1989"
    assert found["year end"].value == "1989"


def test_the_coming_month_in_a_past_clause_is_still_ahead():
    from datetime import date

    from pressgraph.extract.time.resolve import resolve

    # said in mid-August: the cut announced "in September" is next month's
    assert resolve("September", date(1990, 8, 16), future=False).value == "1990-09"
    # a month further ahead in a past clause is last year's
    assert resolve("October", date(1990, 8, 16), future=False).value == "1989-10"
    # across the end of the year
    assert resolve("January", date(1990, 12, 10), future=False).value == "1991-01"


def test_an_infinitive_under_a_past_passive_does_not_make_a_month_future(times):
    found = times("The mother was practically kidnapped along with the boy to make the "
                  "late-November trip, the leader said.", "2000-01-28")
    assert found["late-November"].value == "1999-11"


def test_twice_a_week_is_a_set(times):
    found = times("Crews spray the wards twice a week.", "2022-09-14")
    t = found["a week"]
    assert (t.type, t.value) == ("SET", "P1W")
