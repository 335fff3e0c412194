"""PLOVER event coding, sentence by sentence, with ACLED-compatible columns.

Each lexicon trigger in a sentence becomes an :class:`~pressgraph.model.Event` unless it is
only the content of another act ("called on his supporters to attack the camps" is one
REQUEST).  Actors and recipients come from the dependency parse and are linked to the
article's actors; place, date and magnitudes come from the records the places, time and
quantities extractors produced for the same sentence.

ACLED typing reads each sentence whole (:mod:`pressgraph.extract.events.typer`, a learned
model beside the rules): its label retypes the sentence's carrier event, marks non-conflict
events (``other_type``), or adds an event the lexicon missed.  The report's main event
(``is_main``, ``rank`` 1) is the one an ACLED coder would code; ``acled.acled_row`` turns an
event into an ACLED row.  See ``docs/accuracy/events.md``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from spacy.tokens import Span, Token

from pressgraph.extract import ParsedDocument
from pressgraph.extract.events.acled import geo_precision, interaction, time_precision
from pressgraph.extract.events.coder import (
    Candidate,
    _subject,
    acled_type,
    code_sentence,
    phrase,
    sentence_contexts,
)
from pressgraph.extract.events.typer import (
    EVENT_TYPE_OF,
    NONE,
    OTHER_TYPES,
    SUB_EVENT_TYPES,
    Typer,
    best_candidate,
    doc_columns,
    features,
    shipped_typer,
)
from pressgraph.extract.quantities.numbers import words_value
from pressgraph.model import Actor, Event, Quantity, Record, stable_id
from pressgraph.nlp.columns import words as doc_words

EXTRACTOR = "events@5"

# ACLED actor type codes (field-reference.md) for the actor categories the entities
# extractor assigns.
INTER_BY_CATEGORY = {
    "state": 1, "government": 1, "military": 1, "police": 1, "state_forces": 1,
    "armed_group": 2, "rebel": 2, "rebels": 2, "terrorist": 2,
    "militia": 3, "political_militia": 3, "identity_militia": 4,
    "rioters": 5, "protesters": 6, "civilians": 7, "civilian": 7,
    "igo": 8, "international": 8, "external": 8,
}
DEAD_TYPES = frozenset({"KILL"})
INJURED_TYPES = frozenset({"WOUND"})
SIZE_TYPES = frozenset({"PROTEST", "ARREST", "KIDNAP", "AFFECT", "SEIZE", "ESCAPE", "DETAIN"})
# Events whose size is the number of people acting or acted on.
SIZED = frozenset({"PROTEST", "RETREAT", "COERCE", "MOBILIZE", "ASSAULT"})
KILL_LEMMAS = frozenset({"kill", "massacre", "execute", "murder", "slay", "behead"})
WOUND_LEMMAS = frozenset({"wound", "injure"})
TOLL_VERBS = KILL_LEMMAS | WOUND_LEMMAS | {"die", "dead", "death", "toll"}


@functools.cache
def _resolver() -> Callable[..., Any] | None:
    try:
        from pressgraph.extract import entities
    except ImportError:
        return None
    fn = getattr(entities, "resolve_mention", None)
    return fn if callable(fn) else None


def _actor_id(parsed: ParsedDocument, start: int, end: int, head: Token) -> str | None:
    resolve = _resolver()
    if resolve is not None:
        try:
            found = resolve(parsed, start, end)
        except Exception:  # a sibling extractor's bug must not lose the event
            found = None
        if isinstance(found, str):
            return found
        if isinstance(found, Actor):
            return found.id
        if found is not None and getattr(found, "actor_id", None):
            return str(found.actor_id)
    best: str | None = None
    for ent in parsed.extraction.entities:
        if ent.actor_id and ent.start < end and start < ent.end:
            if ent.start <= head.idx < ent.end:
                return ent.actor_id
            best = best or ent.actor_id
    if best:
        return best
    return _actor_by_name(parsed.extraction.actors).get(parsed.text[start:end].lower())


_name_index: tuple[Sequence[Actor], dict[str, str]] | None = None


def _actor_by_name(actors: Sequence[Actor]) -> dict[str, str]:
    """Lower-cased name or alias -> the first actor that carries it, built once per article's
    actors (kept while the same tuple is asked about) instead of once per mention."""
    global _name_index
    last = _name_index
    if last is not None and last[0] is actors:
        return last[1]
    index: dict[str, str] = {}
    for actor in actors:
        for name in (actor.name.lower(), *(a.lower() for a in actor.aliases)):
            index.setdefault(name, actor.id)
    if isinstance(actors, tuple):  # a list may change under the same identity
        _name_index = (actors, index)
    return index


def _inter(parsed: ParsedDocument, actor_id: str | None) -> int | None:
    if actor_id is None:
        return None
    for actor in parsed.extraction.actors:
        if actor.id == actor_id:
            if actor.inter is not None:
                return actor.inter
            return INTER_BY_CATEGORY.get(actor.category.lower())
    return None


def _governs(trigger: Token, token: Token, limit: int = 7) -> int | None:
    """Steps from token up to trigger, not crossing another clause's verb; None if it doesn't."""
    tok, steps = token, 0
    while steps < limit:
        if tok.i == trigger.i:
            return steps
        if tok.head.i == tok.i:
            return None
        tok, steps = tok.head, steps + 1
        if tok.i != trigger.i and tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("aux",):
            return None
    return None


def _token_at(sent: Span, start: int, end: int) -> Token | None:
    span = sent.doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _span_chars(tokens: Sequence[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _nearest(sent: Span, cand: Candidate, records: Sequence[Any],
             exclude: list[tuple[int, int]], need_pobj: bool = False) -> Any | None:
    best, best_steps = None, 99
    for rec in records:
        if rec.start < sent.start_char or rec.end > sent.end_char:
            continue
        if any(rec.start < e and s < rec.end for s, e in exclude):
            continue
        tok = _token_at(sent, rec.start, rec.end)
        while tok is not None and tok.dep_ in ("compound", "nmod") and tok.head.pos_ in (
                "NOUN", "PROPN"):
            tok = tok.head  # "the al-Hol camp": the camp phrase carries the preposition
        if tok is None or (need_pobj and tok.dep_ not in ("pobj", "npadvmod", "advmod")):
            continue  # a place in a name ("U.S. forces") is not where it happened
        steps = _governs(cand.token, tok)
        if steps is not None and steps < best_steps:
            best, best_steps = rec, steps
    return best


def _date(sent: Span, cand: Candidate, parsed: ParsedDocument,
          triggers: set[int]) -> str | None:
    times = [t for t in parsed.extraction.times
             if t.start >= sent.start_char and t.end <= sent.end_char and t.value]
    governed = _nearest(sent, cand, times, [])
    if governed is not None:
        return governed.value
    if cand.entry.pos == "NOUN":
        return None  # "since Turkey's invasion ... told Congress today": not the invasion's date
    for time in times:  # a sentence-level date unless another event in it owns it
        tok = _token_at(sent, time.start, time.end)
        if tok is None:
            continue
        owner = tok
        while owner.head.i != owner.i and owner.i not in triggers:
            owner = owner.head
        if owner.i not in triggers or owner.i == cand.token.i:
            return time.value
    return None


def _number(token: Token) -> float | None:
    for child in token.children:
        if child.dep_ == "nummod":
            # "four farmers", "two dozen", "1,200": the cardinal phrase the number heads
            words = [t.text for t in child.subtree if t.dep_ in ("nummod", "compound", "quantmod")
                     or t.i == child.i]
            return words_value(words)
    return None


def _magnitudes(sent: Span, cand: Candidate, parsed: ParsedDocument,
                spans: list[tuple[int, int]]) -> tuple[float | None, float | None, float | None]:
    dead = injured = size = None
    quantities: list[Quantity] = _by_toll_verb([q for q in parsed.extraction.quantities
                                                if q.start >= sent.start_char
                                                and q.end <= sent.end_char])
    for q in quantities:
        ctype = (q.count_type or "").upper()
        low = q.low if q.low is not None else q.value
        if low is None:
            continue
        if cand.event_type == "ASSAULT" and ctype in DEAD_TYPES and dead is None:
            dead = low
        elif cand.event_type == "ASSAULT" and ctype in INJURED_TYPES and injured is None:
            injured = low
        elif (cand.event_type in SIZED and size is None
              and any(q.start < e and s < q.end for s, e in spans)
              and (ctype in SIZE_TYPES or not ctype or ctype == "AFFECT")):
            size = low
    if not quantities:  # no quantities extractor output: read the count off the parse
        lemma = cand.token.lemma_.lower()
        heads = [t for t in (*cand.actor, *cand.recipient) if _number(t) is not None]
        if heads:
            value = _number(heads[0])
            if lemma in KILL_LEMMAS and cand.recipient:
                dead = value
            elif lemma in WOUND_LEMMAS and cand.recipient:
                injured = value
            elif cand.event_type in SIZED:
                size = value
    return dead, injured, size


def _full(tokens: Sequence[Token]) -> tuple[int, int]:
    """The whole phrase an actor was trimmed from, counts included ("More than 100 ...")."""
    head = min(tokens, key=lambda t: _depth_in(t))
    left = head.left_edge
    return left.idx, tokens[-1].idx + len(tokens[-1])


def _depth_in(token: Token) -> int:
    depth, tok = 0, token
    while tok.head.i != tok.i and depth < 30:
        tok, depth = tok.head, depth + 1
    return depth


def _clause(token: Token) -> tuple[int, int]:
    tok = token
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    toks = list(tok.subtree)
    while len(toks) > 1 and toks[-1].is_punct:
        toks.pop()
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def events_for(parsed: ParsedDocument) -> list[Event]:
    return [event for event, _ in scored_events(parsed)]


# A sentence the rules found nothing in gets an event of the model's alone only when the
# model is this sure; a model "none" this sure clears the rules' ACLED types in a sentence
# (background: "the war has killed 500,000 people").
MODEL_ONLY_MIN = 0.35
# A sentence whose main verb only reports or links ("X said ...", "the vote could be
# decisive") names no event of its own for the model to hang one on.
NO_EVENT_ROOTS = frozenset({"be", "have", "say", "tell", "report", "add", "write", "accord",
                            "become", "seem", "remain"})
NONE_CLEARS_MIN = 0.5
# The model's type replaces one the rules gave only when it is this sure (a background
# sentence's odd guess must not turn a rules' armed clash into a chemical attack).
OVERRIDE_MIN = 0.2
_VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
# Severity of ACLED event types when choosing a report's main event (lower = more serious).
SEVERITY = {
    "Explosions/Remote violence": 0, "Battles": 0, "Violence against civilians": 0,
    "Riots": 1, "Protests": 2, "Strategic developments": 3,
}
NON_CONFLICT_SEVERITY = 4
# The PLOVER type of an event the model found and the rules did not.
PLOVER_OF_LABEL = {
    **{sub: "ASSAULT" for sub in SUB_EVENT_TYPES["Battles"]},
    **{sub: "ASSAULT" for sub in SUB_EVENT_TYPES["Explosions/Remote violence"]},
    **{sub: "ASSAULT" for sub in SUB_EVENT_TYPES["Violence against civilians"]},
    "Peaceful protest": "PROTEST", "Protest with intervention": "COERCE",
    "Excessive force against protesters": "ASSAULT", "Violent demonstration": "PROTEST",
    "Mob violence": "ASSAULT", "Agreement": "AGREE", "Arrests": "COERCE",
    "Change to group/activity": "MOBILIZE", "Disrupted weapons use": "COERCE",
    "Headquarters or base established": "MOBILIZE", "Looting/property destruction": "ASSAULT",
    "Non-violent transfer of territory": "RETREAT", "Other": "COERCE",
    "diplomatic_visit": "CONSULT", "crime": "ASSAULT",
}
_SHIPPED = object()


def _by_toll_verb(quantities: list[Quantity]) -> list[Quantity]:
    """Counts a kill or wound verb governs first: "struck two schools, killing at least 14"
    puts the toll at 14, whatever the quantities extractor typed "two" as."""
    return sorted(quantities, key=lambda q: (q.predicate or "").lower() not in TOLL_VERBS)


def _sentence_dead(sent: Span, parsed: ParsedDocument) -> float | None:
    for q in _by_toll_verb(list(parsed.extraction.quantities)):
        if (q.start >= sent.start_char and q.end <= sent.end_char
                and (q.count_type or "").upper() in DEAD_TYPES):
            low = q.low if q.low is not None else q.value
            if low is not None:
                return low
    return None


def _label_sentences(sents: list[Span], cands: list[list[Candidate]],
                     typer: Typer | None) -> list[tuple[str | None, float]]:
    """The typer's label and its probability for each sentence (one matrix product); None
    for a sentence whose label could change nothing: no rule found an event in it, and its
    root cannot carry one the model makes by itself (``_model_only_event``)."""
    if typer is None or not sents:
        return [(None, 0.0)] * len(sents)
    typed = [i for i, (sent, found) in enumerate(zip(sents, cands, strict=True))
             if found or _may_hold_model_event(sent)]
    out: list[tuple[str | None, float]] = [(None, 0.0)] * len(sents)
    if not typed:
        return out
    columns = doc_columns(sents[0].doc)
    rows = np.stack([features(sents[i], best_candidate(cands[i]), columns) for i in typed])
    probs = typer.probabilities(rows)
    best = probs.argmax(axis=1)
    for i, b, p in zip(typed, best, probs, strict=True):
        out[i] = (typer.labels[int(b)], float(p[int(b)]))
    return out


def _typed(event: Event, label: str | None, dead: float | None) -> Event:
    """The event retyped with the sentence's label (the whole sentence read, not one verb)."""
    if label in OTHER_TYPES:
        return dataclasses.replace(event, other_type=label, acled_event_type=None,
                                   acled_sub_event_type=None, interaction=None,
                                   fatalities=None)
    if label in EVENT_TYPE_OF:
        fatalities = event.dead if event.dead is not None else dead
        return dataclasses.replace(
            event, acled_event_type=EVENT_TYPE_OF[label], acled_sub_event_type=label,
            interaction=interaction(event.inter1, event.inter2),
            fatalities=fatalities if fatalities is not None else 0.0)
    return event


def _cleared(event: Event) -> Event:
    return dataclasses.replace(event, acled_event_type=None, acled_sub_event_type=None,
                               interaction=None, fatalities=None)


def _may_hold_model_event(sent: Span) -> bool:
    root = sent.root
    return root.pos_ in ("VERB", "NOUN") and root.lemma_.lower() not in NO_EVENT_ROOTS


def _model_only_event(parsed: ParsedDocument, sent: Span, label: str) -> Event | None:
    root = sent.root
    if not _may_hold_model_event(sent):
        return None
    start, end = sent.start_char, sent.end_char
    while end > start and parsed.text[end - 1] in " .\n":
        end -= 1
    actor_head, _ = _subject(root)
    actor = phrase(actor_head) if actor_head is not None else ()
    actor_text = actor_id = None
    if actor:
        a_start, a_end = _span_chars(actor)
        actor_text = parsed.text[a_start:a_end]
        actor_id = _actor_id(parsed, a_start, a_end, actor[-1])
    times = [t for t in parsed.extraction.times
             if t.start >= sent.start_char and t.end <= sent.end_char and t.value]
    places = [p for p in parsed.extraction.places if p.mention_type != "dateline"
              and p.start >= sent.start_char and p.end <= sent.end_char]
    place = places[0] if places else None
    date = times[0].value if times else None
    inter1 = _inter(parsed, actor_id)
    article = parsed.article
    event = Event(
        id=stable_id(article.id, "event", start, end, root.idx),
        article_id=article.id, start=start, end=end, extractor=EXTRACTOR,
        text=parsed.text[start:end], event_type=PLOVER_OF_LABEL.get(label, ""),
        trigger=root.text, trigger_start=root.idx, trigger_end=root.idx + len(root),
        actor_id=actor_id, actor_text=actor_text,
        place_id=place.id if place is not None else None, date=date, inter1=inter1,
        time_precision=time_precision(date), geo_precision=geo_precision(place),
        notes=parsed.text[sent.start_char:sent.end_char].strip(),
    )
    return _typed(event, label, _sentence_dead(sent, parsed))


def _severity(event: Event) -> int:
    if event.acled_event_type is not None:
        return SEVERITY.get(event.acled_event_type, 3)
    return NON_CONFLICT_SEVERITY if event.other_type else NON_CONFLICT_SEVERITY + 1


def _ranked(scored: list[tuple[Event, float, int, bool]], headline_end: int = 0
            ) -> list[tuple[Event, float]]:
    """Rank a report's events as an ACLED coder would pick them: the first sentence with a
    codable, asserted event holds the main one (its whole-sentence type's carrier, else its
    most serious); the rest follow by sentence, seriousness and confidence.  The headline
    (text before ``headline_end``) comes after the body: a coder codes the lede."""
    def key(item: tuple[Event, float, int, bool]) -> tuple[int, int, int, int, int, float]:
        event, score, sentence, carrier = item
        codable = event.acled_event_type is not None or event.other_type is not None
        return (0 if codable and event.factuality == "asserted" else 1,
                1 if event.start < headline_end else 0, sentence,
                0 if carrier else 1, _severity(event), -score)

    order = sorted(range(len(scored)), key=lambda i: key(scored[i]))
    out: list[tuple[Event, float]] = [(e, s) for e, s, _, _ in scored]
    for rank, i in enumerate(order, 1):
        event, score = out[i]
        main = rank == 1 and key(scored[i])[0] == 0
        out[i] = (dataclasses.replace(event, rank=rank, is_main=main), score)
    return out


def scored_events(parsed: ParsedDocument, typer: Any = _SHIPPED) -> list[tuple[Event, float]]:
    """Every event with the coder's confidence (lexicon weight, discounted by parse depth).

    ``typer`` is the learned ACLED typer (default: the packaged one; None: rules alone)."""
    if typer is _SHIPPED:
        typer = shipped_typer()
    article = parsed.article
    scored: list[tuple[Event, float, int, bool]] = []
    text = parsed.text
    doc_words(parsed.doc, text)  # the coder's columns, with the text it need not rebuild
    sents = list(parsed.doc.sents)
    coded = [[c for c in code_sentence(sent) if not c.suppressed] for sent in sents]
    labels = _label_sentences(sents, coded, typer)
    for sent_index, (sent, cands, (label, confidence)) in enumerate(
            zip(sents, coded, labels, strict=True)):
        if not cands:
            if label is not None and label != NONE and confidence >= MODEL_ONLY_MIN:
                made = _model_only_event(parsed, sent, label)
                if made is not None:
                    scored.append((made, 0.05, sent_index, True))
            continue
        carrier = best_candidate(cands)
        dead_here = _sentence_dead(sent, parsed) if label in EVENT_TYPE_OF else None
        ctx = sentence_contexts(sent, text)
        notes = text[sent.start_char:sent.end_char].strip()  # Span.text, without rebuilding
        triggers = {c.token.i for c in cands}
        for cand in cands:
            t_start, t_end = _span_chars(cand.trigger)
            start, end = _clause(cand.token)
            actor_text = recipient_text = None
            actor_id = recipient_id = None
            spans: list[tuple[int, int]] = []
            if cand.actor:
                a_start, a_end = _span_chars(cand.actor)
                actor_text = parsed.text[a_start:a_end]
                actor_id = _actor_id(parsed, a_start, a_end, cand.actor[-1])
                spans.append((a_start, a_end))
                spans.append(_full(cand.actor))
            if cand.recipient:
                r_start, r_end = _span_chars(cand.recipient)
                recipient_text = parsed.text[r_start:r_end]
                recipient_id = _actor_id(parsed, r_start, r_end, cand.recipient[-1])
                if not cand.recipient_is_place:
                    spans.append((r_start, r_end))
                    spans.append(_full(cand.recipient))
            place = _nearest(sent, cand, [p for p in parsed.extraction.places
                                          if p.mention_type != "dateline"], spans, need_pobj=True)
            dead, injured, size = _magnitudes(sent, cand, parsed, spans)
            acled, acled_sub = acled_type(cand)
            inter1, inter2 = _inter(parsed, actor_id), _inter(parsed, recipient_id)
            date = _date(sent, cand, parsed, triggers)
            event = Event(
                id=stable_id(article.id, "event", start, end, t_start),
                article_id=article.id,
                start=start,
                end=end,
                extractor=EXTRACTOR,
                text=parsed.text[start:end],
                event_type=cand.event_type,
                trigger=parsed.text[t_start:t_end],
                trigger_start=t_start,
                trigger_end=t_end,
                mode=cand.mode,
                context=ctx,
                actor_id=actor_id,
                actor_text=actor_text,
                recipient_id=recipient_id,
                recipient_text=recipient_text,
                place_id=place.id if place is not None else None,
                date=date,
                dead=dead,
                injured=injured,
                size=size,
                factuality=cand.factuality,
                acled_event_type=acled,
                acled_sub_event_type=acled_sub,
                inter1=inter1,
                inter2=inter2,
                interaction=interaction(inter1, inter2) if acled else None,
                fatalities=(dead or 0.0) if acled else None,
                time_precision=time_precision(date),
                geo_precision=geo_precision(place),
                notes=notes,
            )
            is_carrier = cand is carrier
            if label in OTHER_TYPES and confidence >= OVERRIDE_MIN:
                event = _typed(event, label, None)
            # Political violence where the rules saw none (or no ACLED type at all) rests on the
            # label alone, so it needs the bar of an event the model makes by itself: "the army
            # deployed soldiers to help with rescues" in a flood report was read as a suicide
            # bomb at 0.21. Elsewhere the model refines the rules' type at a lower bar.
            elif label in EVENT_TYPE_OF and is_carrier and cand.factuality == "asserted" and (
                    confidence >= (MODEL_ONLY_MIN if EVENT_TYPE_OF[label] in _VIOLENT
                                   and acled not in _VIOLENT else OVERRIDE_MIN)):
                event = _typed(event, label, dead_here)
            elif label == NONE and confidence >= NONE_CLEARS_MIN:
                event = _cleared(event)
            scored.append((event, cand.score, sent_index, is_carrier))
    from pressgraph.clean import headline_end

    return _ranked(scored, headline_end(parsed.article))




def extract(parsed: ParsedDocument) -> dict[str, list[Record]]:
    kept: list[Record] = list(without_restated_headline(parsed, list(events_for(parsed))))
    return {"events": kept}


def without_restated_headline(parsed: ParsedDocument, events: list[Event]) -> list[Event]:
    """Leave out a headline event its body reports too (same type, same trigger stem).

    Cleaning keeps the headline in the text; an event counted once in the headline and again
    in the lede would be two rows of an event export ("Scores escape Nigerian prison" over
    "some 170 prisoners escaped").  An event only the headline reports stays."""
    from pressgraph.clean import headline_end
    from pressgraph.link.cluster import event_trigger, stem

    end = headline_end(parsed.article)
    if not end:
        return events

    def key(event: Event) -> tuple[str, str]:
        return event.event_type, stem(event_trigger(event))

    body = {key(e) for e in events if e.start >= end}
    dropped = [e for e in events if e.start < end and key(e) in body]
    # The article's main event, when the headline held it, is its body twin.
    main = next((key(e) for e in dropped if e.is_main), None)
    kept = []
    for event in events:
        if event in dropped:
            continue
        if main is not None and event.start >= end and key(event) == main:
            event, main = dataclasses.replace(event, is_main=True), None
        kept.append(event)
    return kept


__all__ = ["EXTRACTOR", "events_for", "extract", "scored_events"]
