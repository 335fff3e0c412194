"""The events extractor: PLOVER coding of the sample article and of sentences written here."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from pressgraph.extract import ParsedDocument
from pressgraph.extract.events import extract, scored_events
from pressgraph.model import Article, Event, Extraction, article_id_for
from pressgraph.nlp import load_pipeline
from pressgraph.pipeline import parse_text

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "isis-prisoners-escape.txt"
PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}
ACLED_TYPES = {
    "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
    "Strategic developments",
}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


@pytest.fixture(scope="module")
def sample() -> ParsedDocument:
    if not SAMPLE.exists():
        pytest.skip("sample article not available")
    try:
        return parse_text(SAMPLE.read_text(encoding="utf-8"), raw=False,
                          published="2019-10-23", extractors=["events"])
    except ImportError:  # a sibling extractor missing: code the bare parse
        parsed = parse_text(SAMPLE.read_text(encoding="utf-8"), raw=False,
                            published="2019-10-23", extractors=[])
        return parsed.with_records(extract(parsed))


def code(nlp: Language, text: str) -> list[Event]:
    article = Article(id=article_id_for(text), text=text)
    parsed = ParsedDocument(article=article, doc=nlp(text), extraction=Extraction(article=article))
    return [e for e in extract(parsed)["events"] if isinstance(e, Event)]


def by_trigger(events: list[Event], trigger: str) -> Event:
    found = [e for e in events if e.trigger.lower().startswith(trigger)]
    assert found, f"no event triggered by {trigger!r}: {[e.trigger for e in events]}"
    return found[0]


def place_text(parsed: ParsedDocument, place_id: str | None) -> str | None:
    return next((p.text for p in parsed.extraction.places if p.id == place_id), None)


# --- the sample article -------------------------------------------------------------------

def test_sample_escape(sample: ParsedDocument) -> None:
    escape = by_trigger(list(sample.extraction.events), "escaped")
    assert escape.trigger == "escaped"
    assert sample.text[escape.trigger_start:escape.trigger_end] == "escaped"
    assert escape.event_type == "RETREAT" and escape.mode == "release"
    assert escape.acled_event_type == "Strategic developments"
    assert escape.acled_sub_event_type == "Other"
    assert escape.actor_text is not None and "ISIS prisoners" in escape.actor_text
    assert escape.factuality == "asserted"
    assert escape.size is not None and escape.size >= 100
    if sample.extraction.places:
        assert place_text(sample, escape.place_id) == "Syria"


def test_sample_invasion_is_an_assault(sample: ParsedDocument) -> None:
    invasion = by_trigger(list(sample.extraction.events), "invasion")
    assert invasion.event_type == "ASSAULT"
    assert invasion.actor_text == "Turkey"
    assert invasion.acled_event_type == "Strategic developments"


def test_sample_call_to_attack_is_a_request(sample: ParsedDocument) -> None:
    events = list(sample.extraction.events)
    call = by_trigger(events, "called")
    assert call.event_type == "REQUEST"
    assert call.actor_text is not None and "al-Baghdadi" in call.actor_text
    assert call.recipient_text == "his supporters"
    # the attack on the camps is what he asked for, not an attack that happened
    sentence = [e for e in events
                if e.trigger_start is not None and call.start <= e.trigger_start < call.end]
    assert all(e.event_type != "ASSAULT" for e in sentence)


def test_sample_detention_at_al_hol(sample: ParsedDocument) -> None:
    held = by_trigger(list(sample.extraction.events), "held")
    assert held.event_type == "COERCE" and held.mode == "arrest"
    assert held.acled_sub_event_type == "Arrests"
    assert held.recipient_text is not None and "women" in held.recipient_text
    if sample.extraction.places:
        assert "al-Hol" in (place_text(sample, held.place_id) or "")


def test_sample_trump_orders_withdrawal(sample: ParsedDocument) -> None:
    order = by_trigger(list(sample.extraction.events), "ordered")
    assert order.event_type == "RETREAT" and order.mode == "withdraw"
    assert order.actor_text is not None and "President" in order.actor_text
    if sample.extraction.places:
        assert place_text(sample, order.place_id) == "Syria"


def test_sample_hypothetical_and_negated(sample: ParsedDocument) -> None:
    events = list(sample.extraction.events)
    assert by_trigger(events, "breakout").factuality == "hypothetical"  # "fears of a breakout"
    assert by_trigger(events, "forced").factuality == "hypothetical"  # "If they are not forced"
    assert by_trigger(events, "face off").factuality == "hypothetical"
    # "would not be able to ... once Turkey invaded"
    assert by_trigger(events, "invaded").factuality == "hypothetical"
    assert by_trigger(events, "guard").factuality == "negated"  # "would not be able to ... guard"
    # the SDF's warning announces no harm of its own: a statement, not a THREATEN
    assert not [e for e in events if e.trigger == "warned"]


def test_sample_records_are_well_formed(sample: ParsedDocument) -> None:
    events = list(sample.extraction.events)
    assert len({e.id for e in events}) == len(events)
    for event in events:
        # PLOVER has no type for a disaster, an accident or a claim of responsibility
        assert event.event_type in PLOVER_TYPES or (event.other_type and not event.event_type)
        assert sample.text[event.start:event.end] == event.text
        assert event.trigger_start is not None and event.trigger_end is not None
        assert sample.text[event.trigger_start:event.trigger_end] == event.trigger
        assert event.acled_event_type is None or event.acled_event_type in ACLED_TYPES
        assert event.factuality in {"asserted", "negated", "hypothetical", "future"}
        assert event.extractor == "events@5"


# --- sentences written for these tests ----------------------------------------------------

def test_threat_and_its_content(nlp: Language) -> None:
    events = code(nlp, "The rebel commander threatened to shell the port city of Varn.")
    assert [e.event_type for e in events] == ["THREATEN"]
    assert events[0].mode == "violence"
    assert events[0].actor_text == "rebel commander"


def test_future_cooperation_is_agree(nlp: Language) -> None:
    events = code(nlp, "Norway will send emergency food aid to the flooded northern provinces.")
    assert any(e.event_type == "AGREE" for e in events)


def test_negated_and_future_factuality(nlp: Language) -> None:
    neg = by_trigger(code(nlp, "Police did not arrest the protest leaders on Monday."), "arrest")
    assert neg.event_type == "COERCE" and neg.factuality == "negated"
    cond = by_trigger(code(nlp, "If the talks collapse, the army could attack the town."),
                      "attack")
    assert cond.event_type == "ASSAULT" and cond.factuality == "hypothetical"


def test_protest_topic_is_not_a_request(nlp: Language) -> None:
    text = "Thousands of nurses staged a protest in the capital to demand higher wages."
    events = code(nlp, text)
    assert [e.event_type for e in events] == ["PROTEST"]


def test_killings_fill_dead(nlp: Language) -> None:
    kill = by_trigger(code(nlp, "Gunmen killed 12 villagers near the market."), "killed")
    assert kill.event_type == "ASSAULT"
    assert kill.actor_text == "Gunmen" and kill.recipient_text == "villagers"
    assert kill.dead == 12


def test_most_confident_event_is_the_main_clause(nlp: Language) -> None:
    text = "The minister condemned the bombing of the embassy."
    article = Article(id=article_id_for(text), text=text)
    parsed = ParsedDocument(article=article, doc=nlp(text), extraction=Extraction(article=article))
    best = max(scored_events(parsed), key=lambda pair: pair[1])[0]
    assert best.event_type == "ACCUSE"


def test_no_event_in_plain_reporting(nlp: Language) -> None:
    assert code(nlp, "The envoy told reporters the figure was now over 100.") == []


# --- modes and recipients (round two) -------------------------------------------------------

def test_instrument_sets_assault_mode(nlp: Language) -> None:
    tanks = by_trigger(code(nlp, "Government tanks fired on the rebel positions near Dorvik."),
                       "fired")
    assert tanks.event_type == "ASSAULT" and tanks.mode == "heavy-weapons"
    bomb = by_trigger(code(nlp, "Two police officers were killed in a roadside bomb attack."),
                      "killed")
    assert bomb.mode == "explosives"
    blade = by_trigger(code(nlp, "Raiders armed with machetes attacked the village at dawn."),
                       "attacked")
    assert blade.mode == "primitive"


def test_act_mode_is_kept_over_instrument(nlp: Language) -> None:
    kidnap = by_trigger(code(nlp, "Gunmen kidnapped three engineers at the dam."), "kidnapped")
    assert kidnap.mode == "abduct"


def test_killing_a_leader_is_targeted_even_when_attempted(nlp: Language) -> None:
    hit = by_trigger(code(nlp, "Militants killed the deputy governor of the province."),
                     "killed")
    assert hit.mode == "targeted"
    tried = by_trigger(code(nlp, "Rebels tried to assassinate the defence minister on Friday."),
                       "assassinate")
    assert tried.event_type == "ASSAULT" and tried.mode == "targeted"


def test_hunger_strike_mode(nlp: Language) -> None:
    events = code(nlp, "Forty detainees began a hunger strike to protest their conditions.")
    assert by_trigger(events, "strike").mode == "hunger"


def test_eased_curfew_is_a_concession_not_a_coercion(nlp: Language) -> None:
    events = code(nlp, "The governor shortened the curfew imposed after the riots.")
    assert [e.event_type for e in events] == ["CONCEDE"]


def test_ordered_closure_is_coercion(nlp: Language) -> None:
    order = by_trigger(code(nlp, "The junta ordered the weekly paper to suspend publication."),
                       "ordered")
    assert order.event_type == "COERCE" and order.mode == "censor"


def test_place_acted_on_is_the_recipient(nlp: Language) -> None:
    pull = by_trigger(code(nlp, "Ruritania will withdraw its troops from Borduria next month."),
                      "withdraw")
    assert pull.recipient_text == "Borduria"  # not "its troops": the actor's own forces


def test_meeting_place_is_not_a_recipient(nlp: Language) -> None:
    meet = by_trigger(code(nlp, "The two foreign ministers met in Geneva on Tuesday."), "met")
    assert meet.recipient_text is None


def test_rejected_proposal_names_its_author(nlp: Language) -> None:
    reject = by_trigger(code(nlp, "Greece rejected a Turkish proposal for joint patrols."),
                        "rejected")
    assert reject.event_type == "REJECT" and reject.recipient_text == "Turkish"


def test_a_month_in_a_date_is_not_a_march() -> None:
    from pressgraph.pipeline import parse_text

    parsed = parse_text(
        "Sunday, March 02, 2008\n\nThousands march in Paris on Monday against the pension law.",
        raw=True, published="2008-03-02", extractors=["events"],
    )
    protests = [e for e in parsed.extraction.events if e.event_type == "PROTEST"]
    assert [e.trigger for e in protests] == ["march"]


def test_the_dateline_city_is_not_where_an_event_happened() -> None:
    from pressgraph.pipeline import parse_text

    parsed = parse_text(
        "NAIROBI, June 3 (Wire) - Dozens of prisoners escaped from a jail in northern Uganda "
        "on Sunday, officials said.",
        raw=True, published="2024-06-03", extractors=["events"],
    )
    places = {p.id: p for p in parsed.extraction.places}
    escape = next(e for e in parsed.extraction.events if e.trigger == "escaped")
    assert escape.place_id is None or places[escape.place_id].mention_type != "dateline"
