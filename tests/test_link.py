"""Cross-article linking: actors, story/event clusters, claim relations, embeddings."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest

from pressgraph.evaluate import SHARED, b_cubed
from pressgraph.link import LinkState, link_corpus, link_incremental, relate
from pressgraph.link.actors import link_actors
from pressgraph.link.compare import describe
from pressgraph.model import (
    Actor,
    Article,
    Claim,
    Event,
    Extraction,
    Place,
    stable_id,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = SHARED / "samples" / "isis-prisoners-escape.txt"
FOLLOWUP = ROOT / "examples" / "articles" / "isis-prisoners-followup.txt"


def article(key: str, text: str, published: str) -> Article:
    return Article(id=stable_id("test-article", key), text=text, published=published)


def actor(art: Article, name: str, type_: str = "PERSON", aliases: tuple[str, ...] = (),
          roles: tuple[str, ...] = ()) -> Actor:
    return Actor(id=stable_id(art.id, "actor", name), article_id=art.id, start=0, end=1,
                 extractor="test", name=name, type=type_,
                 category="person" if type_ == "PERSON" else "organisation",
                 aliases=aliases, roles=roles)


def claim(art: Article, who: str, subject: str, predicate: str, low: float | None = None,
          high: float | None = None, polarity: str = "asserted", start: int = 0,
          who_id: str | None = None) -> Claim:
    return Claim(id=stable_id(art.id, "claim", who, predicate, low, high, start),
                 article_id=art.id, start=start, end=start + 10, extractor="test",
                 claimant_actor_id=who_id, claimant_text=who, subject=subject,
                 predicate=predicate, value_low=low, value_high=high, polarity=polarity)


A = article("a", "x", "2019-10-23")


def rel(a: Claim, b: Claim) -> str | None:
    found = relate(a, b)
    return found[0] if found else None


def test_relations_between_counts_and_states():
    over_100 = claim(A, "Jeffrey", "ISIS prisoners", "escape", 100, None)
    dozens = claim(A, "Whitcomb", "detainees", "escape", 24, 60, start=1)
    about_130 = claim(A, "X", "prisoners", "escape", 130, 130, start=2)
    secured = claim(A, "Trump", "captured ISIS prisoners", "secure", start=3)
    at_large = claim(A, "Y", "prisoners", "at large", start=4)
    denied = claim(A, "Z", "prisoners", "escape", polarity="denied", start=5)
    maybe = claim(A, "W", "prisoners", "escape", polarity="uncertain", start=6)
    assert rel(over_100, dozens) == "conflict"
    assert rel(over_100, about_130) == "refinement"
    assert rel(over_100, over_100) == "agreement"
    assert rel(over_100, secured) == "conflict"
    assert rel(secured, at_large) == "conflict"
    assert rel(at_large, claim(A, "V", "inmates", "flee", start=7)) == "agreement"
    assert rel(denied, at_large) == "conflict"  # "did not escape" vs "are at large"
    assert rel(claim(A, "Z", "prisoners", "kill", polarity="denied"), at_large) is None
    assert rel(denied, claim(A, "V", "inmates", "escape", start=8)) == "conflict"
    assert rel(maybe, over_100) is None
    killed = claim(A, "P", "people", "kill", 12, 12)
    assert rel(killed, claim(A, "Q", "bodies", "recover", 30, None, start=1)) == "conflict"
    assert rel(claim(A, "P", "people", "displace", 4500, 5500),
               claim(A, "Q", "people", "displace", 5000, 5000, start=1)) == "agreement"
    # Custody counts of different kinds count different people: no conflict either way.
    recaptured = claim(A, "Prison service", "inmates", "recapture", 9, 9)
    held = claim(A, "Amnesty", "inmates", "hold", 400, 400, start=1)
    assert rel(recaptured, held) is None
    assert rel(claim(A, "Police", "protesters", "arrest", 48, 48),
               claim(A, "Organisers", "protesters", "detain", 100, None, start=1)) == "conflict"


def test_titles_and_descriptions_never_key_an_actor():
    a1, a2 = article("t1", "x", "2009-06-01"), article("t2", "x", "2009-06-02")
    e1 = Extraction(article=a1, actors=(
        actor(a1, "US", "GPE"),
        actor(a1, "Fritz Henderson",
              aliases=("the Chief Executive Officer of General Motors",)),
        actor(a1, "Rick Wagoner", aliases=("the Chief Executive Officer of General Motors",)),
    ))
    e2 = Extraction(article=a2, actors=(actor(a2, "U.S.", "GPE"),))
    linked, _ = link_actors([e1, e2])
    ids = {a.name: a.canonical_id for ext in linked for a in ext.actors}
    assert ids["US"] is not None and ids["US"] == ids["U.S."]
    # Sharing a job description does not make two people one.
    assert ids["Fritz Henderson"] != ids["Rick Wagoner"]


def test_actors_across_articles_and_surnames():
    a1, a2, a3, a4 = (article(k, "x", d) for k, d in
                      (("1", "2019-10-23"), ("2", "2019-10-24"), ("3", "2019-10-25"),
                       ("4", "2019-10-26")))
    e1 = Extraction(article=a1, actors=(
        actor(a1, "James Jeffrey", aliases=("Jeffrey",), roles=("special envoy for Syria",)),
        actor(a1, "Donald Trump", aliases=("Trump", "the President"))))
    e2 = Extraction(article=a2, actors=(actor(a2, "Ambassador James Jeffrey"),
                                        actor(a2, "Ivanka Trump")))
    e3 = Extraction(article=a3, actors=(actor(a3, "Jeffrey"), actor(a3, "Trump")))
    e4 = Extraction(article=a4, actors=(actor(a4, "Syrian Democratic Forces", "ORG",
                                              aliases=("SDF",)),))
    e5 = Extraction(article=a4, actors=(actor(a4, "SDF", "ORG"),))
    linked, index = link_actors([e1, e2, e3, e4, e5])
    ids = {(ext.article.id, a.name): a.canonical_id for ext in linked for a in ext.actors}
    jeffrey = ids[(a1.id, "James Jeffrey")]
    assert ids[(a2.id, "Ambassador James Jeffrey")] == jeffrey
    assert ids[(a3.id, "Jeffrey")] == jeffrey  # one Jeffrey known: the surname links
    assert ids[(a2.id, "Ivanka Trump")] != ids[(a1.id, "Donald Trump")]
    # Two Trumps are known: "Trump" alone stays on its own rather than guess.
    assert ids[(a3.id, "Trump")] not in (ids[(a1.id, "Donald Trump")],
                                         ids[(a2.id, "Ivanka Trump")])
    assert ids[(a4.id, "SDF")] == ids[(a4.id, "Syrian Democratic Forces")]
    canonical = {c.id: c for c in index.canonical()}
    assert ("special envoy for Syria", "2019-10-23") in canonical[jeffrey].roles
    assert len(canonical[jeffrey].articles) == 3


def story(key: str, text: str, published: str, country: str, event_type: str = "RETREAT"
          ) -> Extraction:
    art = article(key, text, published)
    place = Place(id=stable_id(art.id, "place"), article_id=art.id, start=0, end=1,
                  extractor="test", text=country, country_code=country)
    event = Event(id=stable_id(art.id, "event"), article_id=art.id, start=0,
                  end=len(text), extractor="test", text=text,
                  event_type=event_type, place_id=place.id, date=published)
    return Extraction(article=art, places=(place,), events=(event,))


STORIES = [
    story("s1", "More than 100 Islamic State prisoners escaped from camps in northern Syria "
          "after the Turkish offensive, a U.S. envoy told Congress.", "2019-10-23", "SY"),
    story("s2", "A U.S. official told lawmakers that over a hundred ISIS detainees have broken "
          "out of prisons in north-east Syria since Turkey invaded.", "2019-10-24", "SY"),
    story("s3", "A strong earthquake struck eastern Turkey on Wednesday, damaging hundreds of "
          "buildings in Van province.", "2019-10-23", "TR", "AID"),
    story("s4", "More than 100 Islamic State prisoners escaped from camps in northern Syria "
          "after the Turkish offensive, a U.S. envoy told Congress.", "2019-12-20", "SY"),
]


def test_story_and_event_clusters_use_blocks_and_paraphrase():
    result = link_corpus(STORIES)
    cluster = {a: result.article_cluster_of(e.article.id) for a, e in zip("1234", STORIES,
                                                                          strict=True)}
    assert cluster["1"] == cluster["2"]  # paraphrases, same country, a day apart
    assert cluster["3"] != cluster["1"]  # another country
    assert cluster["4"] != cluster["1"]  # same words, two months later: outside the window
    events = {e.article_id: e.cluster_id for x in result.extractions for e in x.events}
    assert events[STORIES[0].article.id] == events[STORIES[1].article.id]
    assert events[STORIES[2].article.id] != events[STORIES[0].article.id]
    [shared] = [c for c in result.event_clusters if len(c.article_ids) == 2]
    assert shared.date_start == "2019-10-23" and shared.date_end == "2019-10-24"


def test_incremental_matches_one_shot():
    one = link_corpus(STORIES)
    state = LinkState()
    link_incremental(STORIES[:2], state)
    two = link_incremental(STORIES[2:], state)
    assert {frozenset(c.article_ids) for c in one.article_clusters} == {
        frozenset(c.article_ids) for c in two.article_clusters}


def test_b_cubed():
    assert b_cubed({"a": "1", "b": "1"}, {"a": "x", "b": "x"}) == (1.0, 1.0, 1.0)
    p, r, _ = b_cubed({"a": "1", "b": "2"}, {"a": "x", "b": "x"})
    assert (p, r) == (0.5, 1.0)


@pytest.mark.slow
def test_static_vectors_and_tfidf_tell_related_leads_from_unrelated():
    from collections import Counter

    from pressgraph.link.embed import cosine, term_counts, tfidf, word_vectors

    texts = [s.article.text for s in STORIES[:3]]
    df = Counter(t for text in texts for t in set(term_counts(text)))
    weights = [tfidf(term_counts(t), df, len(texts), 64) for t in texts]
    assert all(abs(sum(w * w for w in v.values()) - 1) < 1e-3 for v in weights)
    vectors = [word_vectors().mean(w) for w in weights]
    assert all(v is not None and v.shape == (300,) for v in vectors)
    prisoners, paraphrase, quake = vectors
    assert prisoners @ paraphrase > prisoners @ quake + 0.1  # type: ignore[operator]
    assert cosine(weights[0], weights[1]) > cosine(weights[0], weights[2]) == 0.0


@pytest.mark.slow
def test_cross_article_conflict_end_to_end():
    names = ("entities", "quotes", "quantities", "events")
    if not all(importlib.util.find_spec(f"pressgraph.extract.{n}") for n in names):
        pytest.skip("quotes/quantities/events extractors not available yet")
    from pressgraph.pipeline import parse_text

    extractions = [
        parse_text(SAMPLE.read_text("utf-8"), raw=False, published="2019-10-23").extraction,
        parse_text(FOLLOWUP.read_text("utf-8"), raw=False, published="2019-10-24").extraction,
    ]
    result = link_corpus(extractions)
    first, second = (e.article.id for e in extractions)
    assert result.article_cluster_of(first) == result.article_cluster_of(second)
    jeffrey = {a.canonical_id for e in result.extractions for a in e.actors
               if a.name == "James Jeffrey"}
    assert len(jeffrey) == 1 and None not in jeffrey
    across = [r for r in result.relations
              if r.relation == "conflict" and {r.article_a, r.article_b} == {first, second}]
    lines = [r.explanation for r in across]
    assert any(x.startswith("James Jeffrey (article ") and "2019-10-23" in x
               and "Ronald Whitcomb (article " in x and "2019-10-24" in x
               and "cannot both hold" in x for x in lines), lines


def test_precision_rules_counts_states_increments_partial_opposites():
    # A count and a bare state of the same family vouch for nothing.
    assert rel(claim(A, "P", "prisoners", "escape", 24, 60),
               claim(A, "Q", "inmates", "whereabouts unknown", start=1)) is None
    # A day's increment is not the total.
    assert rel(claim(A, "P", "new deaths", "record", 14, 14),
               claim(A, "Q", "deaths", "record", 86, 86, start=1)) is None
    # Some rescued and some dead: a count of one state does not contradict the other.
    assert rel(claim(A, "P", "passengers", "rescue", 80, 80),
               claim(A, "Q", "people", "die", start=1)) is None
    # Tolls dated months apart are of different events.
    last_year = dataclasses.replace(claim(A, "P", "people", "kill", 50, None), time="2023-08")
    this_week = dataclasses.replace(claim(A, "Q", "people", "kill", 23, 23, start=1),
                                    time="2024-06-18")
    assert rel(last_year, this_week) is None
    assert rel(dataclasses.replace(last_year, time="2024-06-14"), this_week) == "conflict"
    # Prisoners still missing cannot outnumber those who escaped; flood victims can.
    fled = claim(A, "Prison service", "inmates", "flee", 173, 173)
    assert relate(fled, claim(A, "Officer", "inmates", "unaccounted", 250, None, start=1)) == (
        "conflict", "more than 250 missing cannot exceed 173 escaped")
    assert rel(fled, claim(A, "Officer", "inmates", "unaccounted", 120, 120, start=1)) is None
    over_173 = dataclasses.replace(claim(A, "Officer", "inmates", "unaccounted", 173, None,
                                         start=1), value_low_inclusive=False)
    assert rel(fled, over_173) == "conflict"
    assert rel(fled, dataclasses.replace(over_173, value_low_inclusive=True)) is None
    assert rel(claim(A, "P", "people", "flee", 50, 50),
               claim(A, "Q", "people", "missing", 100, 100, start=1)) is None
    # A count of some and a state of part of the group: the rest can be in that state.
    missing_most = claim(A, "Q", "most inmates", "whereabouts unknown", start=1)
    assert rel(claim(A, "P", "inmates", "recapture", 9, 9), missing_most) is None
    assert rel(claim(A, "P", "inmates", "hold", 400, 400), missing_most) is None
    # ... but a state of part of the group still contradicts a state of all of it.
    assert rel(claim(A, "P", "inmates", "secure"), missing_most) == "conflict"
    all_120 = claim(A, "P", "all inmates", "recapture", 120, 120)
    assert rel(all_120, missing_most) == "conflict"
    assert describe(all_120) == "all 120 inmates were recaptured"
    # "At least 15" and "15" give the same figure.
    assert rel(claim(A, "P", "people", "die", 15, None),
               claim(A, "Q", "people", "kill", 15, 15, start=1)) == "agreement"


def test_same_voice_across_articles_does_not_contradict_itself():
    from pressgraph.link import compare_claims

    a1, a2 = article("v1", "x", "2021-05-01"), article("v2", "x", "2021-05-02")
    rescued = claim(a1, "Governor Lee", "people", "rescue", 50, 50, who_id="lee")
    dead = claim(a2, "Governor Lee", "people", "kill", who_id="lee2")
    arts = {a1.id: a1, a2.id: a2}
    same = compare_claims([rescued, dead], arts, block_of=lambda c: "s",
                          canonical={"lee": "L", "lee2": "L"})
    assert not same
    secured = claim(a1, "Officials", "prisoners", "secure", who_id="o")
    escaped = claim(a2, "Governor Lee", "prisoners", "escape", 10, None, who_id="lee2")
    other = compare_claims([secured, escaped], arts, block_of=lambda c: "s",
                           canonical={"o": "O", "lee2": "L"})
    assert [r.relation for r in other] == ["conflict"]


def test_paraphrased_predicates_and_subjects_relate():
    # New predicate phrases fall in the old families and count groups.
    assert rel(claim(A, "P", "people", "lose life", 47, 47),
               claim(A, "Q", "people", "kill", 45, 45, start=1)) == "conflict"
    assert rel(claim(A, "P", "inmates", "rearrest", 41, 41),
               claim(A, "Q", "detainees", "take into custody", 41, 41, start=1)) == "agreement"
    assert rel(claim(A, "P", "inmates", "get away", 117, 117),
               claim(A, "Q", "prisoners", "flee", 64, 64, start=1)) == "conflict"
    # Those still at large are not all who escaped; the recaptured escaped first.
    assert rel(claim(A, "P", "inmates", "at large", 23, 23),
               claim(A, "Q", "inmates", "escape", 64, 64, start=1)) is None
    assert rel(claim(A, "P", "inmates", "break"),
               claim(A, "Q", "inmates", "rearrest", 41, 41, start=1)) is None
    assert rel(claim(A, "P", "inmates", "whereabouts unknown"),
               claim(A, "Q", "inmates", "rearrest", 41, 41, start=1)) == "conflict"
    # "Protesters" are people in a protest story; "anyone" speaks of everyone.
    assert rel(claim(A, "P", "people", "round up", 112, 112),
               claim(A, "Q", "protesters", "detain", 112, 112, start=1)) == "agreement"
    denied = claim(A, "Police", "anyone", "kill", polarity="denied")
    assert rel(denied, claim(A, "Q", "people", "kill", 6, 6, start=1)) == "conflict"
    # A figure inside a vague plural narrows it, like one inside an open bound.
    assert rel(claim(A, "P", "people", "feared dead", 40, 99),
               claim(A, "Q", "people", "lose life", 47, 47, start=1)) == "refinement"
    # A coordinated subject is counted by its first head.
    from pressgraph.extract.claims.vocab import subject_head

    assert subject_head("guards and one inmate") == "guard"
    # Without figures, the missing and those who fled are not one statement.
    assert rel(claim(A, "P", "people", "miss"), claim(A, "Q", "people", "flee", start=1)) is None
    assert rel(claim(A, "P", "people", "miss"),
               claim(A, "Q", "people", "unaccounted", start=1)) == "agreement"


def test_a_repost_relates_to_its_original_only():
    text = ("Flooding near the river port killed at least 30 people on Monday, the provincial "
            "governor said, as rescue teams searched submerged villages for survivors.")
    original = story("r1", text, "2022-08-01", "PK", "AID")
    repost = story("r2", text.replace("on Monday", "on Monday night"), "2022-08-01", "PK", "AID")
    other = story("r3", "Pakistan's disaster agency said 41 people had died in floods near the "
                  "river port and that rescue teams were still searching villages.",
                  "2022-08-02", "PK", "AID")
    exts = []
    for ext, (who, low) in zip((original, repost, other),
                               (("Governor", 30), ("Governor", 30), ("Agency", 41)), strict=True):
        c = claim(ext.article, who, "people", "kill", low, None if who == "Governor" else low)
        exts.append(dataclasses.replace(ext, claims=(c,)))
    result = link_corpus(exts)
    assert len({result.article_cluster_of(e.article.id) for e in exts}) == 1
    assert result.original_of(exts[1].article.id) == exts[0].article.id
    pairs = {frozenset((r.article_a, r.article_b)) for r in result.relations}
    ids = [e.article.id for e in exts]
    assert frozenset((ids[0], ids[2])) in pairs  # the original against the third report
    assert frozenset((ids[1], ids[2])) not in pairs  # the repost says it again: reported once


# Three reports: a dam burst, cholera in the camps of the flooded villages, and a later one that
# tells both, so the first two were one story all along.
DAM = story("m1", "A dam on the Ruvu river burst on Monday, flooding the villages of Mlandizi and "
            "Kibaha and forcing families onto rooftops.", "2025-02-03", "TZ", "AID")
CAMPS = story("m2", "Health workers in Ruvu relief camps reported dozens of cholera cases among "
              "families sheltering in tents near Mlandizi.", "2025-02-04", "TZ", "AID")
BOTH = story("m3", "Families forced from Mlandizi and Kibaha when the Ruvu dam burst now face "
             "cholera: health workers reported dozens of cases in relief camps where they "
             "shelter in tents.", "2025-02-05", "TZ", "AID")


def test_an_article_that_matches_two_stories_strongly_merges_them_deterministically():
    from pressgraph.link import LinkConfig

    def stories(result) -> list[str | None]:
        return [result.article_cluster_of(x.article.id) for x in (DAM, CAMPS, BOTH)]

    plain = LinkConfig(use_embeddings=False, merge_margin=None)
    dam, camps, both = stories(link_corpus([DAM, CAMPS, BOTH], plain))
    assert dam != camps and both in (dam, camps)  # without a margin it joins its best only

    merging = dataclasses.replace(plain, merge_margin=0.0)
    one_shot = stories(link_corpus([DAM, CAMPS, BOTH], merging))
    # the oldest story survives, whatever the batches and however often it runs
    assert one_shot == [dam, dam, dam]
    assert stories(link_corpus([DAM, CAMPS, BOTH], merging)) == one_shot
    state = LinkState(config=merging)
    link_incremental([DAM], state)
    link_incremental([CAMPS], state)
    assert stories(link_incremental([BOTH], state)) == one_shot
    # a weak second match does not merge
    strict = dataclasses.replace(plain, merge_margin=0.9)
    assert stories(link_corpus([DAM, CAMPS, BOTH], strict))[:2] == [dam, camps]
