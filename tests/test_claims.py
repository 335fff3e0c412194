"""Claims: built from hand-made quotes/quantities on the sample, and end to end."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pressgraph.evaluate import SHARED
from pressgraph.extract import ParsedDocument
from pressgraph.extract.claims import extract, extract_claims, strip_dateline
from pressgraph.extract.claims.vocab import claim_family, subject_head
from pressgraph.model import (
    Actor,
    Article,
    Claim,
    Extraction,
    Quantity,
    Quote,
    article_id_for,
    stable_id,
)
from pressgraph.pipeline import PipelineConfig, parse_text, prepare

SAMPLE = SHARED / "samples" / "isis-prisoners-escape.txt"
FOLLOWUP = Path(__file__).resolve().parents[1] / "examples" / "articles" / (
    "isis-prisoners-followup.txt")


@pytest.fixture(scope="module")
def nlp():
    from pressgraph.nlp import load_pipeline

    return load_pipeline()


class Builder:
    """Hand-made upstream records over a cleaned text, located by substring."""

    def __init__(self, text: str, published: str, nlp) -> None:
        article = Article(id=article_id_for(text), text=text, raw_text=text, published=published)
        self.article = prepare(article, PipelineConfig(published=published))
        self.text = self.article.text
        self.doc = nlp(self.text)
        self.actors: list[Actor] = []
        self.quotes: list[Quote] = []
        self.quantities: list[Quantity] = []

    def find(self, s: str, after: str | None = None) -> tuple[int, int]:
        start = self.text.index(s, self.text.index(after) if after else 0)
        return start, start + len(s)

    def actor(self, name: str) -> Actor:
        start, end = self.find(name)
        actor = Actor(id=stable_id(self.article.id, "actor", name), article_id=self.article.id,
                      start=start, end=end, extractor="test", name=name, type="PERSON",
                      category="person")
        self.actors.append(actor)
        return actor

    def quote(self, content: str, source: str, speaker: Actor | None, cue: str = "said",
              after: str | None = None) -> None:
        start, end = self.find(content, after)
        self.quotes.append(Quote(
            id=stable_id(self.article.id, "quote", start, end), article_id=self.article.id,
            start=start, end=end, extractor="test", content=content, kind="indirect", cue=cue,
            cue_start=start, cue_end=start + 1, source_text=source,
            speaker_actor_id=speaker.id if speaker else None))

    def quantity(self, text: str, low: float | None, high: float | None,
                 obj: str | None = None, pred: str | None = None,
                 after: str | None = None) -> None:
        start, end = self.find(text, after)
        self.quantities.append(Quantity(
            id=stable_id(self.article.id, "quantity", start, end), article_id=self.article.id,
            start=start, end=end, extractor="test", text=text, low=low, high=high,
            object_text=obj, predicate=pred))

    def parsed(self) -> ParsedDocument:
        extraction = Extraction(article=self.article, actors=tuple(self.actors),
                                quotes=tuple(self.quotes), quantities=tuple(self.quantities))
        return ParsedDocument(article=self.article, doc=self.doc, extraction=extraction)


def sample_builder(nlp) -> Builder:
    b = Builder(SAMPLE.read_text("utf-8"), "2019-10-23", nlp)
    jeffrey, trump = b.actor("James Jeffrey"), b.actor("Donald Trump")
    b.quote(b.text[: b.text.index(", a top U.S.")], "a top U.S. State Department official",
            None, cue="told")
    b.quote("the number is ‘now over 100’", "James Jeffrey", jeffrey)
    b.quote("We do not know where they are", "James Jeffrey", jeffrey)
    b.quote("captured ISIS prisoners had been ‘secured’ under a deal between Russia and Turkey",
            "Donald Trump’s", trump, cue="assertion")
    b.quantity("More than 100", 100, None, "ISIS prisoners", "escaped")
    b.quantity("over 100", 100, None, after="the number")
    return b


def by(claims: list[Claim], claimant: str, predicate: str) -> list[Claim]:
    return [c for c in claims if c.claimant_text == claimant and c.predicate == predicate]


def test_sample_claims_from_hand_made_records(nlp):
    b = sample_builder(nlp)
    out = extract(b.parsed())
    claims = list(out["claims"])
    count = by(claims, "James Jeffrey", "escape")
    assert count, claims
    assert count[0].value_low == 100 and count[0].value_high is None
    assert subject_head(count[0].subject) == "prisoner"
    assert count[0].quote_id is not None and count[0].quantity_id is not None
    where = by(claims, "James Jeffrey", "whereabouts unknown")
    assert where and subject_head(where[0].subject) == "prisoner"
    assert where[0].polarity == "asserted"
    secured = by(claims, "Donald Trump", "secure")
    assert secured and "ISIS prisoners" in secured[0].subject
    for claim in claims:
        assert b.text[claim.start:claim.end].strip()
        assert claim.time == "2019-10-23"
    conflicts = [r for r in out["conflicts"] if r.relation == "conflict"]
    lines = [r.explanation for r in conflicts]
    assert any("James Jeffrey" in x and "Donald Trump" in x and "secured" in x
               and "escaped" in x and "opposite states" in x for x in lines), lines
    assert all("\n" not in x for x in lines)


def test_unattributed_claim_belongs_to_the_publication(nlp):
    b = Builder("Gunmen killed 12 villagers near Gao on Sunday.\n", "2024-03-04", nlp)
    b.quantity("12", 12, 12, "villagers", "killed")
    [claim] = extract_claims(b.parsed())
    assert claim.claimant_actor_id is None and claim.claimant_text == "the publication"
    assert (claim.predicate, claim.value_low, claim.value_high) == ("kill", 12, 12)
    assert claim_family(claim.predicate, claim.subject) == "dead"


def test_denial_uncertainty_and_hypotheticals(nlp):
    b = Builder("The army denied that any prisoners had escaped. Some inmates may have fled. "
                "Officials vowed to recapture the prisoners.\n", "2024-03-04", nlp)
    claims = extract_claims(b.parsed())
    escaped = [c for c in claims if c.predicate == "escape"]
    assert escaped and escaped[0].polarity == "denied"
    fled = [c for c in claims if c.predicate == "flee"]
    assert fled and fled[0].polarity == "uncertain"
    assert not [c for c in claims if c.predicate == "recapture"]  # a vow, not a claim


def test_nobody_is_a_zero_count(nlp):
    b = Builder("Police said nobody died in the clashes.\n", "2024-07-16", nlp)
    [claim] = [c for c in extract_claims(b.parsed()) if c.predicate == "die"]
    assert (claim.value_low, claim.value_high) == (0.0, 0.0)


def test_dateline_is_not_part_of_a_subject():
    assert strip_dateline("Feb 20 - Nine oil workers") == "Nine oil workers"
    assert strip_dateline("ISIS-linked women") == "ISIS-linked women"


def _extractors_ready() -> bool:
    names = ("entities", "quotes", "quantities", "events")
    return all(importlib.util.find_spec(f"pressgraph.extract.{n}") for n in names)


@pytest.mark.slow
def test_sample_end_to_end():
    if not _extractors_ready():
        pytest.skip("quotes/quantities/events extractors not available yet")
    parsed = parse_text(SAMPLE.read_text("utf-8"), raw=False, published="2019-10-23",
                        extractors=["claims"])
    claims = list(parsed.extraction.claims)
    count = by(claims, "James Jeffrey", "escape")
    assert count and count[0].value_low == 100 and count[0].value_high is None
    assert by(claims, "James Jeffrey", "whereabouts unknown")
    assert by(claims, "Donald Trump", "secure")
    explained = [r.explanation for r in parsed.extraction.conflicts if r.relation == "conflict"]
    assert any(x.startswith("James Jeffrey (article ") and "Donald Trump (same article)" in x
               and "opposite states" in x for x in explained), explained


def _claims_of(nlp, text: str) -> list[Claim]:
    b = Builder(text, "2024-03-04", nlp)
    parsed = parse_text(b.text, raw=False, published="2024-03-04", extractors=["claims"])
    return list(parsed.extraction.claims)


@pytest.mark.slow
def test_second_figures_partitives_and_state_counts(nlp):
    if not _extractors_ready():
        pytest.skip("quotes/quantities/events extractors not available yet")
    claims = _claims_of(nlp, "A mayor said that 8 villagers had drowned and dozens were "
                             "unaccounted for.\n")
    assert sorted((c.predicate, c.value_low) for c in claims if c.value_low) == [
        ("drown", 8.0), ("unaccounted", 24)]
    claims = _claims_of(nlp, "Five of the eleven miners trapped in the shaft have been "
                             "rescued, a spokesman said.\n")
    assert 11.0 not in {c.value_low for c in claims}
    claims = _claims_of(nlp, "Police said that at least 30 people were killed when the "
                             "bridge fell, six of them children.\n")
    assert {c.value_low for c in claims if c.value_low is not None} == {30.0}
    claims = _claims_of(nlp, "A surgeon said her clinic had treated more than 25 wounded.\n")
    assert [(c.predicate, c.value_low) for c in claims if c.value_low] == [("wound", 25.0)]
    claims = _claims_of(nlp, "Flags flew at half mast for the 12 miners who died in the "
                             "blast.\n")
    assert [(c.predicate, c.value_low) for c in claims if c.value_low] == [("die", 12.0)]
    claims = _claims_of(nlp, "The ministry said 9 new deaths were recorded, bringing the "
                             "toll to 70.\n")
    total = [c for c in claims if c.value_low == 70.0]
    assert total and "new" not in total[0].subject.split()
    # A state of part of a group keeps the part; a capacity counts nobody.
    claims = _claims_of(nlp, "Ten convicts broke out of the jail in Orwell on Monday. \"We do "
                             "not know where most of them are,\" the warden said.\n")
    assert "most convicts" in {c.subject for c in claims
                               if c.predicate == "whereabouts unknown"}, claims
    claims = _claims_of(nlp, "A charity said the jail held twice its capacity of 300 "
                             "convicts.\n")
    assert 300.0 not in {c.value_low for c in claims}, claims
    # The claimant is the source's noun phrase, without its relative clause.
    claims = _claims_of(nlp, "A guard, who asked not to be named, said 12 convicts had "
                             "escaped.\n")
    assert {c.claimant_text for c in claims if c.value_low == 12.0} == {"A guard"}, claims
    # Whoever puts a figure on a toll claims it.
    claims = _claims_of(nlp, "Doctors at the city hospital put the death toll at 41.\n")
    assert {c.claimant_text for c in claims if c.value_low == 41.0} == {
        "Doctors at the city hospital"}, claims
    # ... but not a figure that raises the toll, and the agent of a passive does.
    claims = _claims_of(nlp, "Three more deaths on Tuesday put the death toll at 45.\n")
    assert all(not c.claimant_text.startswith("Three") for c in claims), claims
    claims = _claims_of(nlp, "Reuters put the death toll at 41.\n")
    put = [c for c in claims if c.value_low == 41.0]
    assert put and put[0].claimant_actor_id is not None, claims
    claims = _claims_of(nlp, "The death toll was put at 30 by medical sources.\n")
    assert {c.claimant_text for c in claims if c.value_low == 30.0} == {"medical sources"}, claims
    # A claim's time is one of its own clause, not of a clause beside it.
    claims = _claims_of(nlp, "The jail, which was built in 1982, held 400 inmates when 120 "
                             "escaped on Sunday, a warden said.\n")
    assert claims and all(c.time != "1982" for c in claims), claims
    # A count of the whole group says so.
    claims = _claims_of(nlp, "Police said all 120 convicts had been recaptured.\n")
    assert {c.subject for c in claims if c.value_low == 120.0} == {"all convicts"}, claims
    # A share is not a count of anything.
    claims = _claims_of(nlp, "With 90 percent of ballots counted, the mayor led with 52.5 "
                             "percent, officials said.\n")
    assert not {90.0, 52.5} & {c.value_low for c in claims}, claims


@pytest.mark.slow
def test_paraphrased_tolls_lives_and_custody_phrases(nlp):
    if not _extractors_ready():
        pytest.skip("quotes/quantities/events extractors not available yet")

    def counted(text: str) -> list[tuple[str, str, float | None, float | None]]:
        return [(claim_family(c.predicate, c.subject, True), subject_head(c.subject),
                 c.value_low, c.value_high)
                for c in _claims_of(nlp, text) if c.value_low is not None]

    # A tally word's figure counts what the tally names.
    assert ("dead", "person", 52.0, 52.0) in counted(
        "The toll from the bus crash climbed to 52 on Friday, officials said.\n")
    assert ("dead", "person", 80.0, 80.0) in counted(
        "The number of dead has risen to 80, the ministry said.\n")
    assert ("free", "prisoner", 96.0, 96.0) in counted(
        "The governor has put the number of escapees at 96.\n")
    # Deaths named through "lives".
    assert ("dead", "person", 20.0, None) in counted(
        "The explosion claimed at least 20 lives, the governor said.\n")
    # Custody and free phrases inside the count's clause.
    rows = counted("Nine inmates are back in custody and the remaining 14 are still at large, "
                   "a prison official said.\n")
    assert ("custody", "prisoner", 9.0, 9.0) in rows and ("free", "prisoner", 14.0, 14.0) in rows
    assert ("custody", "prisoner", 30.0, 30.0) in counted(
        "Police said 30 escapees were rearrested on Sunday.\n")
    assert ("custody", "protester", 200.0, 200.0) in counted(
        "Authorities said 200 demonstrators were taken into custody.\n")
    # A vague plural standing alone as the subject counts people.
    assert ("dead", "person", 24, 99) in counted(
        "Dozens are feared dead after the boat sank, witnesses said.\n")
    # "Bodies of N miners" counts the dead; "hundreds homeless" is not a death toll.
    assert ("dead", "miner", 12.0, 12.0) in counted(
        "Rescuers recovered the bodies of 12 miners on Tuesday.\n")
    floods = counted("The floods left 31 dead and hundreds homeless, the Red Cross said.\n")
    assert ("dead", "person", 31.0, 31.0) in floods
    assert all(row[0] != "dead" for row in floods if row[2] == 200)


def test_embedded_questions_assert_nothing() -> None:
    from pressgraph.pipeline import parse_text

    parsed = parse_text(
        "It was unclear how many inmates were still at large, the police chief said. "
        "Officials asked whether the prisoners had been recaptured. "
        "At least 30 inmates escaped on Sunday.",
        raw=True, published="2024-09-11", extractors=["claims"],
    )
    polarity = {c.predicate: c.polarity for c in parsed.extraction.claims}
    assert polarity["at large"] == "uncertain"
    assert polarity["recapture"] == "uncertain"
    assert polarity["escape"] == "asserted"


def test_claim_bounds_keep_the_quantity_inclusivity() -> None:
    from pressgraph.pipeline import parse_text

    parsed = parse_text(
        "More than 100 prisoners escaped on Monday, the governor said. "
        "At least 12 guards were wounded.",
        raw=True, published="2024-06-03", extractors=["claims"],
    )
    by_predicate = {c.predicate: c for c in parsed.extraction.claims}
    escaped = by_predicate["escape"]
    assert (escaped.value_low, escaped.value_high) == (100, None)
    assert escaped.value_low_inclusive is False
    wounded = next(c for c in parsed.extraction.claims if c.value_low == 12)
    assert wounded.value_low_inclusive is True
