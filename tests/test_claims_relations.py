"""Claim relations across reports: updates of growing counts, denials (also in a headline),
and crowd figures put in words the dev sets did not have.  Texts written for these tests."""

from __future__ import annotations

import dataclasses

import pytest

from pressgraph.clean import headline_end
from pressgraph.evaluate.claims import Passage, score_passage
from pressgraph.link.compare import compare_claims
from pressgraph.model import Article, Claim, ClaimRelation, Extraction, article_id_for
from pressgraph.pipeline import PipelineConfig, run


@pytest.fixture(scope="module")
def nlp():
    from pressgraph.nlp import load_pipeline

    return load_pipeline()


def _article(text: str, published: str, outlet: str) -> Article:
    return Article(id=article_id_for(text), text=text, raw_text=text, source=outlet,
                   published=published)


def _extract(nlp, *articles: Article) -> list[Extraction]:
    return list(run(articles, PipelineConfig(), nlp=nlp))


def _relations(extractions: list[Extraction]) -> list[ClaimRelation]:
    claims = [c for ext in extractions for c in ext.claims]
    return compare_claims(claims, {e.article.id: e.article for e in extractions},
                          block_of=lambda c: "story")


def _claim(ext: Extraction, relation: ClaimRelation) -> Claim:
    by_id = {c.id: c for c in ext.claims}
    return by_id.get(relation.claim_a) or by_id[relation.claim_b]


def test_a_toll_that_rises_two_days_later_is_an_update_not_a_conflict(nlp) -> None:
    first = _article("A drone strike on a fuel depot in Kadugli killed 43 people on Thursday, "
                     "the health ministry said.", "2025-03-13", "Kordofan Wire")
    later = _article("The death toll from Thursday's drone strike on a fuel depot in Kadugli "
                     "has risen to 51, the health ministry said.", "2025-03-15", "Nile Desk")
    extractions = _extract(nlp, first, later)
    relations = [r for r in _relations(extractions) if r.article_a != r.article_b]
    assert [r.relation for r in relations] == ["update"]
    update = relations[0]
    # the earlier report comes first, and the explanation names both figures, both
    # claimants and both reports
    assert (update.article_a, update.article_b) == (first.id, later.id)
    assert "43" in update.explanation and "51" in update.explanation
    assert update.explanation.count("health ministry") == 2
    assert "2025-03-13" in update.explanation and "2025-03-15" in update.explanation
    assert "up from 43" in update.explanation

    # The same two figures the other way round: a toll does not fall, so that is a conflict.
    lower = _article("The death toll from Thursday's drone strike on a fuel depot in Kadugli "
                     "stands at 38, the health ministry said.", "2025-03-15", "Nile Desk")
    relations = [r for r in _relations(_extract(nlp, first, lower)) if r.article_a != r.article_b]
    assert [r.relation for r in relations] == ["conflict"]


def test_a_headline_denial_conflicts_with_another_outlets_body(nlp) -> None:
    denial = _article("Police deny that protesters were killed in Lindi\n\n"
                      "LINDI, April 2 - Officers dispersed a march in the town with tear gas on "
                      "Tuesday, a police statement said.\n", "2025-04-02", "Coast Herald")
    report = _article("Three protesters were killed in Lindi on Tuesday when police opened fire "
                      "on a march, witnesses said.", "2025-04-01", "Lake Times")
    # Verbatim text keeps the headline line (so does cleaning: the next test)
    extractions = list(run((denial, report), PipelineConfig(raw=True), nlp=nlp))
    cleaned = extractions[0].article
    assert cleaned.title == "Police deny that protesters were killed in Lindi"
    assert cleaned.text.startswith(cleaned.title)
    conflicts = [r for r in _relations(extractions)
                 if r.relation == "conflict" and {r.article_a, r.article_b} == {denial.id,
                                                                                report.id}]
    assert len(conflicts) == 1
    headline_claim = _claim(extractions[0], conflicts[0])
    assert headline_claim.polarity == "denied"
    assert cleaned.text[headline_claim.start:headline_claim.end] == cleaned.title
    assert headline_claim.claimant_text == "Police"
    assert "witnesses" in conflicts[0].explanation and "Police" in conflicts[0].explanation


@pytest.mark.parametrize("sentence", [
    "The army said a video purporting to show soldiers killing villagers in Kiri was a hoax.",
    "There is no evidence that any villagers were killed in Kiri, the army said.",
])
def test_a_hoax_or_no_evidence_denies_the_killing_it_describes(nlp, sentence: str) -> None:
    denial = _article(sentence, "2025-04-03", "Sahel Post")
    report = _article("Soldiers killed 12 villagers in Kiri on Monday, a local official said.",
                      "2025-04-02", "Mopti Daily")
    extractions = _extract(nlp, denial, report)
    denied = [c for c in extractions[0].claims if c.polarity == "denied"]
    assert denied and all(c.claimant_text == "The army" or c.claimant_text == "the army"
                          for c in denied)
    conflicts = [r for r in _relations(extractions) if r.relation == "conflict"]
    assert len(conflicts) == 1 and {conflicts[0].article_a, conflicts[0].article_b} == {
        denial.id, report.id}


def test_a_governor_and_organisers_disagree_on_the_size_of_a_march(nlp) -> None:
    text = ("The regional governor said about 820,000 people joined the march. "
            "Organisers put the figure at more than a million.")
    (ext,) = _extract(nlp, _article(text, "2025-03-15", "Andes Daily"))
    crowd = sorted((c for c in ext.claims if c.value_low is not None), key=lambda c: c.start)
    assert [(c.claimant_text, c.value_low, c.value_high) for c in crowd] == [
        ("The regional governor", 820000.0, 820000.0), ("Organisers", 1000000.0, None)]
    assert crowd[0].hedge == "approximately" and not crowd[1].value_low_inclusive
    conflicts = [r for r in ext.conflicts if r.relation == "conflict"]
    assert len(conflicts) == 1
    assert "about 820,000" in conflicts[0].explanation
    assert "more than 1,000,000" in conflicts[0].explanation


def test_the_phrasing_evaluator_matches_by_evidence_and_scores_each_field(nlp) -> None:
    text = "Organisers put the figure at more than 5,000. Police counted 900 marchers."
    passage = Passage(id="t1", published="2025-01-01", text=text, claims=(
        {"claimant": "Organisers", "object_head": "people", "count_type": "crowd",
         "value_low": 5000, "value_high": None, "low_inclusive": False, "high_inclusive": True,
         "polarity": "asserted", "evidence": "Organisers put the figure at more than 5,000"},
        {"claimant": "Police", "object_head": "marcher", "count_type": "crowd",
         "value_low": 900, "value_high": 900, "polarity": "asserted",
         "evidence": "Police counted 900 marchers"},
    ))
    (ext,) = _extract(nlp, _article(text, "2025-01-01", ""))
    results, judged = score_passage(passage, ext.claims, ext.article.text, "")
    assert results[1] is not None and all(results[1].values())
    assert judged >= 1
    # a claim in another sentence is never matched to the gold evidence
    only_first = [c for c in ext.claims if c.start < text.index("Police")]
    results, _ = score_passage(passage, only_first, ext.article.text, "")
    assert results[1] is None


def _linked_relations(nlp, *articles: Article) -> tuple[list[Extraction], list[ClaimRelation]]:
    """Cleaned as ``ingest`` cleans, linked as ``ingest`` links."""
    from pressgraph.link import link_corpus

    extractions = _extract(nlp, *articles)
    return extractions, list(link_corpus(extractions).relations)


def test_a_cleaned_headline_only_denial_conflicts_with_another_outlets_body(nlp) -> None:
    report = _article("Nine killed as troops fire on Kayes market crowd\n\n"
                      "KAYES, May 3 - Soldiers opened fire on a crowd at the central market in "
                      "Kayes on Friday, killing nine traders, a local official said.\n",
                      "2025-05-03", "Sahel Post")
    denial = _article("Army denies that any traders were killed in Kayes\n\n"
                      "KAYES, May 4 - The army said on Saturday that its patrol had fired warning "
                      "shots in the air to disperse a crowd at the central market in Kayes.\n",
                      "2025-05-04", "Mali Courier")
    extractions, relations = _linked_relations(nlp, report, denial)
    cleaned = extractions[1].article
    # Cleaning keeps the headline on top, and says where it ends.
    assert cleaned.title == "Army denies that any traders were killed in Kayes"
    assert headline_end(cleaned) == len(cleaned.title)
    across = [r for r in relations if {r.article_a, r.article_b} == {report.id, denial.id}]
    assert [r.relation for r in across] == ["conflict"]
    claim = _claim(extractions[1], across[0])
    assert claim.polarity == "denied" and claim.start < headline_end(cleaned)
    assert cleaned.text[claim.start:claim.end] == cleaned.title
    # ... and the other side is the report's body, not its headline restating it.
    other = _claim(extractions[0], across[0])
    assert other.start >= headline_end(extractions[0].article)
    assert "Army" in across[0].explanation and "official" in across[0].explanation


def test_a_headline_that_restates_its_lede_is_the_ledes_claim(nlp) -> None:
    report = _article("Three protesters killed in Lindi, witnesses say\n\n"
                      "LINDI, April 1 - Police opened fire on a march in Lindi on Tuesday, killing "
                      "three protesters, witnesses said.\n", "2025-04-01", "Lake Times")
    rival = _article("LINDI, April 2 - Regional police commander Juma Makame said on Wednesday "
                     "that nobody had been killed in the Lindi march.", "2025-04-02",
                     "Coast Herald")
    extractions, relations = _linked_relations(nlp, report, rival)
    end = headline_end(extractions[0].article)
    headline_claims = [c for c in extractions[0].claims if c.start < end]
    assert headline_claims  # the headline is extracted ...
    restated = {c.id for c in headline_claims}
    # ... but relates to nothing on its own: not to its lede, not twice to the rival.
    assert not [r for r in relations if {r.claim_a, r.claim_b} & restated]
    assert not [r for r in relations if r.article_a == r.article_b == report.id]
    across = [r for r in relations if {r.article_a, r.article_b} == {report.id, rival.id}]
    assert [r.relation for r in across] == ["conflict"]


def test_restatement_needs_the_same_state_polarity_and_an_overlapping_figure() -> None:
    from pressgraph.link.compare import restated_in_headline

    def claim(key: str, start: int, low: float | None, polarity: str = "asserted",
              predicate: str = "kill") -> Claim:
        return Claim(id=key, article_id="a", start=start, end=start + 5, extractor="t",
                     claimant_actor_id=None, claimant_text="", subject="people",
                     predicate=predicate, value_low=low, value_high=low, polarity=polarity)

    body = claim("body", 50, 3.0)
    ends = {"a": 40}
    assert restated_in_headline([claim("same", 0, 3.0), body], ends) == {"same"}
    assert restated_in_headline([claim("vaguer", 0, None), body], ends) == {"vaguer"}
    assert restated_in_headline([claim("other figure", 0, 5.0), body], ends) == set()
    thousands = dataclasses.replace(claim("thousands", 0, 2000.0), value_high=9999.0)
    many = dataclasses.replace(body, value_low=135000.0, value_high=135000.0)
    assert restated_in_headline([thousands, many], ends) == {"thousands"}
    assert restated_in_headline([thousands, dataclasses.replace(many, value_low=900.0,
                                                                value_high=900.0)], ends) == set()
    assert restated_in_headline([claim("denied", 0, None, "denied"), body], ends) == set()
    assert restated_in_headline([claim("other state", 0, 3.0, predicate="injure"), body],
                                ends) == set()
    # without a headline every claim is the body's
    assert restated_in_headline([claim("same", 0, 3.0), body], {}) == set()
