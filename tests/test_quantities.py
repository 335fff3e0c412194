"""Quantities: number phrases, intervals, hedges, what is counted, count types, vetoes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressgraph.extract.quantities import COUNT_TYPE_TO_GDELT, extract_from_doc
from pressgraph.extract.quantities.numbers import digit_value, words_value
from pressgraph.extract.quantities.vocab import COUNT_TYPES
from pressgraph.model import Quantity

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "isis-prisoners-escape.txt"


@pytest.fixture(scope="module")
def nlp():
    from pressgraph.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="module")
def quantities(nlp):
    def run(text: str) -> list[Quantity]:
        return extract_from_doc(nlp(text), "test")

    return run


@pytest.fixture(scope="module")
def sample() -> dict[str, Quantity]:
    from pressgraph.pipeline import parse_text

    text = SAMPLE.read_text(encoding="utf-8")
    parsed = parse_text(text, raw=False, published="2019-10-23", extractors=["quantities"])
    return {q.text: q for q in parsed.extraction.quantities}


def one(records: list[Quantity], text: str) -> Quantity:
    found = [q for q in records if q.text == text]
    assert len(found) == 1, [q.text for q in records]
    return found[0]


# --- the reference article ---------------------------------------------------------------


def test_sample_escaped_prisoners(sample):
    q = sample["More than 100"]
    assert (q.low, q.high, q.low_inclusive) == (100, None, False)
    assert q.value == 100 and not q.approximate
    assert (q.object_text, q.object_head) == ("ISIS prisoners", "prisoners")
    assert q.predicate == "escape" and q.count_type == "ESCAPE"


def test_sample_now_over_100_refers_back(sample):
    q = sample["over 100"]
    assert q.refers_to == sample["More than 100"].id
    assert (q.low, q.low_inclusive) == (100, False)
    assert q.object_head == "number" and q.count_type == "ESCAPE"


def test_sample_militants_held_believed(sample):
    q = sample["more than 10,000"]
    assert (q.low, q.high, q.low_inclusive) == (10000, None, False)
    assert q.hedge == "believed"
    assert q.object_head == "militants" and q.predicate == "hold" and q.count_type == "DETAIN"


def test_sample_some_2000_foreign_fighters(sample):
    q = sample["some 2,000"]
    assert q.approximate and (q.low, q.high) == (1800, 2200)
    assert (q.object_text, q.object_head) == ("foreign fighters", "fighters")


def test_sample_tens_of_thousands_women_and_children(sample):
    q = sample["tens of thousands"]
    assert (q.low, q.high) == (20000, 99999) and q.approximate
    assert q.object_text == "ISIS-linked women and children" and q.object_head == "women"
    assert q.predicate == "hold"


def test_sample_kurdish_victims_low_hundreds_estimated(sample):
    q = sample["low hundreds"]
    assert (q.low, q.high) == (100, 399)
    assert q.hedge == "estimated"
    assert (q.object_text, q.object_head) == ("Kurdish victims", "victims")
    assert q.count_type == "KILL"


def test_sample_has_no_other_counts(sample):
    assert set(sample) == {"More than 100", "over 100", "more than 10,000", "some 2,000",
                           "tens of thousands", "low hundreds"}


# --- intervals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "text", "low", "high", "low_inc", "high_inc", "approx"),
    [
        ("Nearly 100 protesters were arrested.", "Nearly 100", 90, 100, True, False, True),
        ("Almost 100 people died.", "Almost 100", 90, 100, True, False, True),
        ("At least 25 people were killed.", "At least 25", 25, None, True, True, False),
        ("Up to 5,000 refugees fled.", "Up to 5,000", 0, 5000, True, True, False),
        ("Fewer than 20 people were hurt.", "Fewer than 20", 0, 20, True, False, False),
        ("About 50 soldiers were deployed.", "About 50", 45, 55, True, True, True),
        ("Roughly 300 houses burned.", "Roughly 300", 270, 330, True, True, True),
        ("Thousands of people marched.", "Thousands", 2000, 9999, True, True, True),
        ("Hundreds of people were detained.", "Hundreds", 200, 999, True, True, True),
        ("Dozens were wounded.", "Dozens", 24, 99, True, True, True),
        ("A few dozen fighters surrendered.", "A few dozen", 24, 60, True, True, True),
        ("Between 5 and 10 soldiers were deployed.", "Between 5 and 10", 5, 10, True, True,
         False),
        ("Hundreds of thousands of people were displaced.", "Hundreds of thousands", 200000,
         999999, True, True, True),
        ("The toll was in the low thousands.", "low thousands", 1000, 3999, True, True, True),
    ],
)
def test_interval_rules(quantities, sentence, text, low, high, low_inc, high_inc, approx):
    q = one(quantities(sentence), text)
    assert (q.low, q.high) == (low, high)
    assert (q.low_inclusive, q.high_inclusive, q.approximate) == (low_inc, high_inc, approx)


@pytest.mark.parametrize(
    ("words", "value"),
    [(["two", "dozen"], 24), (["1.5", "million"], 1.5e6), (["a", "hundred"], 100),
     (["one", "hundred", "and", "fifty"], 150), (["twenty", "-", "five"], 25),
     (["10,000"], 10000), (["3", "billion"], 3e9)],
)
def test_number_words(words, value):
    assert words_value(words) == value


def test_digit_value_forms():
    assert digit_value("10,000") == 10000
    assert digit_value("1.5bn") == 1.5e9
    assert digit_value("2nd") is None


def test_values_normalised_in_text(quantities):
    records = quantities("Two dozen were wounded and a hundred people fled; 1.5 million voted.")
    assert one(records, "Two dozen").value == 24
    assert one(records, "a hundred").value == 100
    assert one(records, "1.5 million").value == 1.5e6


def test_vague_amount_value_is_its_low_bound(quantities):
    assert one(quantities("Thousands of people marched."), "Thousands").value == 2000


# --- kinds ------------------------------------------------------------------------------


def test_money_and_percent(quantities):
    records = quantities("The government pledged $40 billion and 3.5% of GDP; the ministry spent "
                         "£3m, and gunmen demanded 50 million naira.")
    money = one(records, "$40 billion")
    assert (money.kind, money.unit, money.value) == ("money", "USD", 4e10)
    pct = one(records, "3.5%")
    assert (pct.kind, pct.value, pct.count_type) == ("percent", 3.5, None)
    assert one(records, "£3m").unit == "GBP" and one(records, "£3m").value == 3e6
    assert one(records, "50 million naira").unit == "NGN"


def test_percent_words(quantities):
    q = one(quantities("Annual inflation rose to 28 percent in May."), "28 percent")
    assert q.kind == "percent" and q.object_head == "inflation"


# --- not counts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The attack happened on March 3, 2019.",  # a date
        "In 2019 the war ended.",  # a year
        "They met at 3 pm.",  # a time
        "Ahmed, 25, was arrested.",  # an age
        "He was aged 30 when he died.",  # an age
        "A 40-year-old man was arrested.",  # an age
        "She finished 2nd in the race.",  # an ordinal
        "Call +44 20 7946 0958 for details.",  # a phone number
        "He lives at 10 Downing Street.",  # an address
        "He is one of the leaders.",  # "one of the"
        "A number of people came.",  # "a number of"
        "The council passed Resolution 2254.",  # an identifier
        "The central bank cut rates by 25 basis points.",  # a measure
        "The fire burned 15,000 hectares.",  # a measure
    ],
)
def test_not_counts(quantities, sentence):
    assert quantities(sentence) == []


# --- what is counted and what happened ------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "text", "count_type", "head"),
    [
        ("Gunmen killed 12 villagers.", "12", "KILL", "villagers"),
        ("At least 30 people were wounded.", "At least 30", "WOUND", "people"),
        ("Police arrested 31 people.", "31", "ARREST", "people"),
        ("Bandits kidnapped 40 students.", "40", "KIDNAP", "students"),
        ("Some 5,000 people were displaced by the floods.", "Some 5,000", "DISPLACE", "people"),
        ("About 2,000 protesters gathered outside parliament.", "About 2,000", "PROTEST",
         "protesters"),
        ("The army deployed 500 troops to the border.", "500", "DEPLOY", "troops"),
        ("The rebels released 20 hostages.", "20", "RELEASE", "hostages"),
        ("Police seized 12 rifles.", "12", "SEIZE", "rifles"),
        ("Thirty people are missing.", "Thirty", "MISSING", "people"),
        ("Hundreds of prisoners fled the jail.", "Hundreds", "ESCAPE", "prisoners"),
    ],
)
def test_count_types(quantities, sentence, text, count_type, head):
    q = one(quantities(sentence), text)
    assert q.count_type == count_type
    assert q.object_head == head


def test_number_of_construction(quantities):
    q = one(quantities("Officials said the number of dead was in the hundreds."), "hundreds")
    assert q.object_head == "dead" and q.count_type == "KILL"


def test_hedges(quantities):
    assert one(quantities("Rebels reportedly killed 20 soldiers."), "20").hedge == "reportedly"
    assert one(quantities("At least 9 buses were torched, according to police."),
               "At least 9").hedge == "according_to"
    assert one(quantities("At least 9 buses were torched."), "At least 9").hedge == "at_least"
    assert one(quantities("An estimated 5,000 people fled."),
               "An estimated 5,000").hedge == "estimated"
    assert one(quantities("Police said 31 people were arrested."), "31").hedge is None


def test_count_types_map_to_gdelt():
    gdelt = {"AFFECT", "ARREST", "KIDNAP", "KILL", "PROTEST", "SEIZE", "WOUND"}
    assert set(COUNT_TYPE_TO_GDELT) == set(COUNT_TYPES)
    assert {v for v in COUNT_TYPE_TO_GDELT.values() if v} == gdelt


def test_offsets_index_the_text(quantities, nlp):
    text = "More than 100 ISIS prisoners escaped, and some 2,000 remain."
    for q in quantities(text):
        assert text[q.start:q.end] == q.text
        assert q.extractor == "quantities@2"


def test_a_toll_put_at_a_number_is_a_count_not_a_date(quantities):
    # spaCy may tag the bare "52" as a DATE; the toll it is put at makes it a count
    assert [q.value for q in quantities("Doctors put the death toll at 52.\n")] == [52.0]
    assert [q.value for q in quantities("They raised the toll to 61 in 1999.\n")] == [61.0]
    assert quantities("She died at 52.\n") == []
